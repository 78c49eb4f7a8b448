using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>
    /// <para type="synopsis">Gets the stable egress CIDRs of network connectivity configurations, one object per CIDR, for firewall rules or S3 bucket policies.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxServerlessEgressIp", DefaultParameterSetName = All)]
    [OutputType(typeof(ServerlessEgressIp))]
    public sealed class GetDbxServerlessEgressIpCommand : DbxCmdlet
    {
        private const string ById = "ById";
        private const string All = "All";

        internal const string RetirementWarning =
            "Databricks is retiring the stable egress IP lists of network connectivity configurations (aws_stable_ip_rule) in favour of its published list of " +
            "serverless outbound IP ranges; firewall rules and bucket policies built on these CIDRs must move to the published list (Get-DbxPublishedIpRange) before 2026-05-25.";

        /// <summary>NCC ids; NCCs and workspaces piped in bind by NetworkConnectivityConfigId (workspaces without one are skipped).</summary>
        [Parameter(ParameterSetName = ById, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("network_connectivity_config_id")]
        [AllowNull, AllowEmptyCollection, AllowEmptyString]
        public string[]? NetworkConnectivityConfigId { get; set; }

        /// <summary>Only the NCCs of this region (all NCCs of the account when no id is given).</summary>
        [Parameter(ParameterSetName = All)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            WriteWarning(RetirementWarning);
        }

        protected override void ProcessRecordCore()
        {
            var api = new NetworkConnectivityApi(AccountClient);
            if (ParameterSetName == ById)
            {
                foreach (var id in (NetworkConnectivityConfigId ?? new string[0]).Where(i => !string.IsNullOrEmpty(i)))
                {
                    CurrentTarget = id;
                    NetworkConnectivityConfig ncc;
                    try { ncc = Run(ct => api.GetAsync(id, ct)); }
                    catch (DbxApiException ex) { WriteApiError(ex, id); continue; }
                    WriteCidrs(ncc);
                }
                return;
            }
            foreach (var ncc in RunPaged<NetworkConnectivityConfig>((token, ct) => api.ListPageAsync(token, ct)))
                if (Region == null || string.Equals(ncc.Region, Region, StringComparison.OrdinalIgnoreCase)) WriteCidrs(ncc);
        }

        private void WriteCidrs(NetworkConnectivityConfig ncc)
        {
            if (ncc.StableEgressCidrs.Length == 0)
                WriteVerbose($"Network connectivity configuration {ncc.Name} ({ncc.NetworkConnectivityConfigId}) publishes no stable egress CIDRs.");
            foreach (var ip in ToEgressIps(ncc)) WriteObject(ip);
        }

        internal static IEnumerable<ServerlessEgressIp> ToEgressIps(NetworkConnectivityConfig ncc)
        {
            foreach (var cidr in ncc.StableEgressCidrs)
            {
                var slash = cidr.IndexOf('/');
                var address = slash < 0 ? cidr : cidr.Substring(0, slash);
                int prefix = 32;
                if (slash >= 0) int.TryParse(cidr.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix);
                yield return new ServerlessEgressIp
                {
                    NetworkConnectivityConfigId = ncc.NetworkConnectivityConfigId,
                    NetworkConnectivityConfigName = ncc.Name,
                    Region = ncc.Region,
                    Cidr = slash < 0 ? cidr + "/32" : cidr,
                    Address = address,
                    PrefixLength = prefix,
                };
            }
        }
    }
}
