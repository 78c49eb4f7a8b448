using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Data;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Classic
{
    /// <summary>
    /// <para type="synopsis">Gets the account's registered endpoints (networking v1, e.g. Service Direct front-end PrivateLink): by id, or all, filtered by name, AWS endpoint and region.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxNetworkEndpoint", DefaultParameterSetName = List)]
    [OutputType(typeof(NetworkEndpoint))]
    public sealed class GetDbxNetworkEndpointCommand : ClassicCmdlet
    {
        private const string ById = "ById";
        private const string List = "List";

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("endpoint_id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NetworkEndpointIdCompleter))]
        [DbxId(DbxIdKind.NetworkEndpoint)]
        public string[] EndpointId { get; set; } = new string[0];

        /// <summary>Display name; wildcards allowed.</summary>
        [Parameter(ParameterSetName = List, Position = 0)]
        [Alias("display_name", "DisplayName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NetworkEndpointNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Only registrations of these AWS endpoints (vpce- ids); binds from Get-DbxAwsVpcEndpoint output.</summary>
        [Parameter(ParameterSetName = List, ValueFromPipelineByPropertyName = true)]
        [Alias("aws_vpc_endpoint_id")]
        public string[]? AwsVpcEndpointId { get; set; }

        [Parameter(ParameterSetName = List)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new NetworkEndpointsApi(AccountClient);
            if (ParameterSetName == ById) { WriteEachById(EndpointId, api.GetAsync); return; }
            var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            // Streamed page by page: Select-Object -First 1 costs one request.
            foreach (var e in RunPaged<NetworkEndpoint>((token, ct) => api.ListPageAsync(token, ct)))
            {
                if (Region != null && !string.Equals(e.Region, Region, StringComparison.OrdinalIgnoreCase)) continue;
                if (AwsVpcEndpointId != null && !AwsVpcEndpointId.Contains(e.AwsVpcEndpointId ?? "", StringComparer.OrdinalIgnoreCase)) continue;
                if (patterns != null && !patterns.Any(p => p.IsMatch(e.DisplayName ?? ""))) continue;
                seen.Add(e.DisplayName ?? "");
                WriteObject(e);
            }
            foreach (var n in (Name ?? new string[0]).Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !seen.Contains(n)))
                WriteError(new ErrorRecord(new ItemNotFoundException($"No registered endpoint named '{n}' in account {AccountClient.AccountId}."),
                    "DbxNetworkEndpointNotFound", ErrorCategory.ObjectNotFound, n));
        }
    }

    /// <summary>
    /// <para type="synopsis">Registers an AWS VPC endpoint to the region's Service Direct service with the account (networking v1 endpoints), optionally waiting until it is APPROVED.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxNetworkEndpoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(NetworkEndpoint))]
    public sealed class NewDbxNetworkEndpointCommand : ClassicCmdlet
    {
        /// <summary>The AWS endpoint id (vpce-…); binds from New-DbxAwsVpcEndpoint output.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("aws_vpc_endpoint_id")]
        public string AwsVpcEndpointId { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string Region { get; set; } = "";

        /// <summary>display_name: an RFC 1034 label (letters, digits, '-'; first a letter, last a letter or digit; at most 63). Defaults to the AWS endpoint id.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("display_name", "DisplayName", "VpcEndpointName")]
        public string? Name { get; set; }

        /// <summary>Wait until the endpoint is APPROVED; fail on FAILED, DISCONNECTED or another end state.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 900;

        protected override void ProcessRecordCore()
        {
            CurrentTarget = AwsVpcEndpointId;
            if (!Ids.IsAwsId(AwsVpcEndpointId, "vpce"))
                throw new DbxValidationException("DbxInvalidAwsVpcEndpointId", $"'{AwsVpcEndpointId}' is not a well-formed AWS VPC endpoint id: expected 'vpce-' followed by 8 or 17 lower-case hex digits.", AwsVpcEndpointId);
            CheckRegion(Region);
            if (!PrivateLinkServices.ServiceDirect.Any(s => s.Region == Region))
                throw new DbxValidationException("DbxInvalidRegion", $"Databricks publishes no Service Direct endpoint service for {Region}; use a VPC endpoint registration to the Workspace service (New-DbxVpcEndpointRegistration) for front-end PrivateLink there.", Region);
            var name = string.IsNullOrEmpty(Name) ? AwsVpcEndpointId : Name!;
            if (!Names.IsEndpointDisplayName(name))
                throw new DbxValidationException("DbxInvalidName",
                    $"The endpoint name '{Text.Printable(name)}' is not an RFC 1034 label: letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters.", Text.Printable(name));
            if (!ShouldProcess($"AWS endpoint {AwsVpcEndpointId} in {Region} as '{name}'", "Register as a network endpoint (Service Direct)")) return;

            var api = new NetworkEndpointsApi(AccountClient);
            // After a lost answer, the registration of this AWS endpoint in this region is the one created.
            var created = CreateOnce($"network endpoint '{name}' of {AwsVpcEndpointId}", ct => api.CreateAsync(name, Region, AwsVpcEndpointId, ct),
                (notBefore, ct) => FindAsync(api, AwsVpcEndpointId, Region, ct));
            if (!Wait) { WriteObject(created); return; }

            var final = WaitForEnd($"Approving endpoint {name}", () => Run(ct => api.GetAsync(created.EndpointId!, ct)), e => e.State, e => Classify(e.State), TimeoutSec,
                created, $"The endpoint {created.EndpointId} exists; check it with Get-DbxNetworkEndpoint -EndpointId {created.EndpointId}.", "DbxNetworkEndpointNotApproved",
                f => $"Network endpoint '{f.DisplayName}' ({f.EndpointId}) for {f.AwsVpcEndpointId} ended in state '{f.State}', not 'APPROVED'. Check that the AWS endpoint connects to the Service Direct service of {f.Region} and is available, then remove the registration with Remove-DbxNetworkEndpoint.");
            if (final != null) WriteObject(final);
        }

        internal static async Task<NetworkEndpoint?> FindAsync(NetworkEndpointsApi api, string awsId, string region, CancellationToken ct)
        {
            string? token = null;
            do
            {
                var page = await api.ListPageAsync(token, ct).ConfigureAwait(false);
                var hit = page.Items.LastOrDefault(e => e.AwsVpcEndpointId == awsId && e.Region == region);
                if (hit != null) return hit;
                token = page.NextPageToken;
            } while (token != null);
            return null;
        }

        /// <summary>APPROVED → done; PENDING (or none yet) → keep waiting; FAILED, DISCONNECTED and anything else → failed.</summary>
        internal static WaitOutcome? Classify(string? state)
        {
            switch ((state ?? "").ToUpperInvariant())
            {
                case "APPROVED": return WaitOutcome.Done;
                case "PENDING":
                case "": return null;
                default: return WaitOutcome.Failed;
            }
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes registered endpoints (networking v1) from the account; the AWS VPC endpoints stay.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxNetworkEndpoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveDbxNetworkEndpointCommand : ClassicCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("endpoint_id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NetworkEndpointIdCompleter))]
        [DbxId(DbxIdKind.NetworkEndpoint)]
        public string[] EndpointId { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecordCore()
        {
            RemoveEach(EndpointId, Force, "network endpoint", _ => { }, new NetworkEndpointsApi(AccountClient).DeleteAsync);
        }
    }
}
