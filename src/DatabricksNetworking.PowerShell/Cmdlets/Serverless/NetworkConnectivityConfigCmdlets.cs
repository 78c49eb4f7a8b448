using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>
    /// <para type="synopsis">Gets network connectivity configurations (NCCs): by id, or all of the account filtered by name and region.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxNetworkConnectivityConfig", DefaultParameterSetName = List, HelpUri = DbxCmdlet.HelpBase + "Get-DbxNetworkConnectivityConfig.md")]
    [OutputType(typeof(NetworkConnectivityConfig))]
    public sealed class GetDbxNetworkConnectivityConfigCommand : DbxCmdlet
    {
        private const string ById = "ById";
        private const string List = "List";

        /// <summary>NCC id. Workspaces piped in bind by their NetworkConnectivityConfigId; those without one are skipped.</summary>
        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("network_connectivity_config_id")]
        [AllowNull, AllowEmptyCollection, AllowEmptyString]
        [ArgumentCompleter(typeof(NetworkConnectivityConfigIdCompleter))]
        [DbxId(DbxIdKind.NetworkConnectivityConfig)]
        public string[]? NetworkConnectivityConfigId { get; set; }

        /// <summary>NCC name; wildcards allowed.</summary>
        [Parameter(ParameterSetName = List, Position = 0)]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        [Parameter(ParameterSetName = List)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new NetworkConnectivityApi(AccountClient);
            if (ParameterSetName == ById)
            {
                foreach (var id in (NetworkConnectivityConfigId ?? new string[0]).Where(i => !string.IsNullOrEmpty(i)))
                {
                    CurrentTarget = id;
                    try { WriteObject(Run(ct => api.GetAsync(id, ct))); }
                    catch (DbxApiException ex) { WriteApiError(ex, id); }
                }
                return;
            }
            var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var ncc in RunPaged<NetworkConnectivityConfig>((token, ct) => api.ListPageAsync(token, ct)))
            {
                if (Region != null && !string.Equals(ncc.Region, Region, StringComparison.OrdinalIgnoreCase)) continue;
                if (patterns != null && !patterns.Any(p => p.IsMatch(ncc.Name ?? ""))) continue;
                seen.Add(ncc.Name ?? "");
                WriteObject(ncc);
            }
            foreach (var n in (Name ?? new string[0]).Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !seen.Contains(n)))
                WriteError(new ErrorRecord(new ItemNotFoundException($"No network connectivity configuration named '{n}'{(Region != null ? " in " + Region : "")} in account {AccountClient.AccountId}."),
                    "DbxNetworkConnectivityConfigNotFound", ErrorCategory.ObjectNotFound, n));
        }
    }

    /// <summary>
    /// <para type="synopsis">Creates a network connectivity configuration (NCC) for serverless compute in one region.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxNetworkConnectivityConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxNetworkConnectivityConfig.md")]
    [OutputType(typeof(NetworkConnectivityConfig))]
    public sealed class NewDbxNetworkConnectivityConfigCommand : DbxCmdlet
    {
        /// <summary>3–30 letters, digits, '-' or '_'. Immutable.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Name { get; set; } = "";

        /// <summary>The AWS region; only workspaces of this region can use the NCC. Immutable.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("aws_region")]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string Region { get; set; } = "";

        protected override void ProcessRecordCore()
        {
            CurrentTarget = Name;
            ServerlessChecks.NccName(Name);
            ServerlessChecks.Region(Region);
            if (!ShouldProcess($"{Name} in {Region}", "Create network connectivity configuration")) return;
            var api = new NetworkConnectivityApi(AccountClient);
            WriteObject(CreateOnce($"network connectivity configuration '{Name}' in {Region}", ct => api.CreateAsync(Name, Region, ct),
                (notBefore, ct) => FindNcc(api, Name, Region, notBefore, ct)));
        }

        /// <summary>The newest NCC with this name and region created since <paramref name="notBefore"/> (epoch ms).</summary>
        private static async System.Threading.Tasks.Task<NetworkConnectivityConfig?> FindNcc(NetworkConnectivityApi api, string name, string region, long notBefore, System.Threading.CancellationToken ct)
        {
            NetworkConnectivityConfig? best = null;
            string? token = null;
            do
            {
                var page = await api.ListPageAsync(token, ct).ConfigureAwait(false);
                foreach (var n in page.Items)
                    if (n.Name == name && n.Region == region && (n.CreationTime ?? long.MaxValue) >= notBefore && (best == null || (n.CreationTime ?? 0) > (best.CreationTime ?? 0)))
                        best = n;
                token = page.NextPageToken;
            } while (token != null);
            return best;
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes a network connectivity configuration (NCC) that no workspace uses.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxNetworkConnectivityConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxNetworkConnectivityConfig.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveDbxNetworkConnectivityConfigCommand : DbxCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("network_connectivity_config_id")]
        [ArgumentCompleter(typeof(NetworkConnectivityConfigIdCompleter))]
        [DbxId(DbxIdKind.NetworkConnectivityConfig)]
        public string NetworkConnectivityConfigId { get; set; } = "";

        /// <summary>Deletes without asking for confirmation (-WhatIf still only reports).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = NetworkConnectivityConfigId;
            ServerlessChecks.NotEmpty(NetworkConnectivityConfigId, "NetworkConnectivityConfigId");
            if (!ShouldChange(Force, NetworkConnectivityConfigId, "Delete network connectivity configuration")) return;
            var api = new NetworkConnectivityApi(AccountClient);
            Run(ct => api.DeleteAsync(NetworkConnectivityConfigId, ct));
        }
    }
}
