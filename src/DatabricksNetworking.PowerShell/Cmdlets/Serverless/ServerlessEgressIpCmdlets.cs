using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Firewall;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>Where serverless egress addresses come from.</summary>
    public enum EgressIpSource
    {
        /// <summary>Databricks' published outbound ranges for the NCC's region; the NCC's legacy list when there are none.</summary>
        Auto,
        /// <summary>Only the published outbound ranges (an error when the region has none).</summary>
        Published,
        /// <summary>Only the NCC's legacy stable egress list (aws_stable_ip_rule).</summary>
        Legacy,
    }

    /// <summary>
    /// <para type="synopsis">Gets the egress CIDRs of serverless compute for network connectivity configurations, one object per CIDR, for firewall rules or S3 bucket policies: Databricks' published outbound ranges for the NCC's region, or the NCC's legacy stable IPs.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxServerlessEgressIp", DefaultParameterSetName = All, HelpUri = DbxCmdlet.HelpBase + "Get-DbxServerlessEgressIp.md")]
    [OutputType(typeof(ServerlessEgressIp))]
    public sealed class GetDbxServerlessEgressIpCommand : DbxCmdlet
    {
        private const string ById = "ById";
        private const string All = "All";

        internal const string RetirementWarning =
            "Databricks retired the stable egress IP lists of network connectivity configurations (aws_stable_ip_rule) in favour of its published list of " +
            "serverless outbound IP ranges: after 2026-05-25 the legacy lists are decommissioned (new NCCs have none); firewall rules and bucket policies built on these CIDRs must use the published list (Get-DbxPublishedIpRange).";

        /// <summary>NCC ids; NCCs and workspaces piped in bind by NetworkConnectivityConfigId (workspaces without one are skipped).</summary>
        [Parameter(ParameterSetName = ById, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("network_connectivity_config_id")]
        [AllowNull, AllowEmptyCollection, AllowEmptyString]
        [ArgumentCompleter(typeof(NetworkConnectivityConfigIdCompleter))]
        [DbxId(DbxIdKind.NetworkConnectivityConfig)]
        public string[]? NetworkConnectivityConfigId { get; set; }

        /// <summary>Only the NCCs of this region (all NCCs of the account when no id is given).</summary>
        [Parameter(ParameterSetName = All)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        /// <summary>Auto (default): the published outbound ranges of the NCC's region, falling back to the NCC's legacy list with a warning.</summary>
        [Parameter]
        public EgressIpSource Source { get; set; } = EgressIpSource.Auto;

        /// <summary>Where to read Databricks' published ip-ranges.json (its public URL by default).</summary>
        [Parameter]
        public Uri? PublishedIpRangeUri { get; set; }

        /// <summary>A local copy of ip-ranges.json to read instead of the URL.</summary>
        [Parameter]
        public string? PublishedIpRangePath { get; set; }

        private PublishedIpRangeFeed? feed;
        private bool feedRead;
        private string? feedProblem;
        private readonly HashSet<string> warnedRegions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The published feed, read once per invocation (live, or the cached copy with its warning); null when unavailable.</summary>
        private PublishedIpRangeFeed? Feed()
        {
            if (feedRead || Source == EgressIpSource.Legacy) return feed;
            feedRead = true;
            try
            {
                feed = PublishedIpRangePath != null
                    ? PublishedIpRangeReader.ReadFile(ResolveFilePath(PublishedIpRangePath, "PublishedIpRangePath", output: false, "DbxIpRangesFileUnreadable"))
                    : Run(ct => PublishedIpRangeReader.ReadAsync(PublishedIpRangeUri, ct));
                if (feed.Warning != null) WriteWarning(feed.Warning);
            }
            catch (PublishedIpRangeException ex)
            {
                feedProblem = ex.Message;
                WriteVerbose("Published IP ranges unavailable: " + ex.Message);
            }
            return feed;
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
            var published = Feed()?.OutboundIpv4(ncc.Region ?? "") ?? (IReadOnlyList<string>)Array.Empty<string>();
            if (published.Count > 0)
            {
                foreach (var ip in ToEgressIps(ncc, published, "ip-ranges.json", feed!.Timestamp.UtcDateTime)) WriteObject(ip);
                return;
            }
            var why = feedProblem ?? (Source == EgressIpSource.Legacy ? null : $"the published IP ranges list no outbound prefixes for region {ncc.Region}");
            if (Source == EgressIpSource.Published)
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"No published outbound IP ranges for {ncc.Name} ({ncc.Region}): {why}."),
                    "DbxPublishedIpRangeMissing", ErrorCategory.ObjectNotFound, ncc.NetworkConnectivityConfigId));
                return;
            }
            if (ncc.StableEgressCidrs.Length == 0)
            {
                // Nothing from either source: an empty answer would read as "no addresses to allow" in a firewall script.
                WriteError(new ErrorRecord(new InvalidOperationException(
                    $"No egress addresses for {ncc.Name} ({ncc.Region}): {(why != null ? why + ", and " : "")}the NCC has no legacy stable egress CIDRs (retired after 2026-05-25; new NCCs have none). Use Databricks' published outbound IP ranges (-PublishedIpRangeUri or -PublishedIpRangePath)."),
                    "DbxEgressIpUnknown", ErrorCategory.ObjectNotFound, ncc.NetworkConnectivityConfigId));
                return;
            }
            if (warnedRegions.Add(ncc.Region ?? ""))
                WriteWarning((why != null ? $"Falling back to the legacy stable IPs of the NCC because {why}. " : "") + RetirementWarning);
            foreach (var ip in ToEgressIps(ncc, ncc.StableEgressCidrs, "aws_stable_ip_rule", null)) WriteObject(ip);
        }

        internal static IEnumerable<ServerlessEgressIp> ToEgressIps(NetworkConnectivityConfig ncc, IEnumerable<string> cidrs, string source, DateTime? feedTimestamp)
        {
            foreach (var cidr in cidrs)
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
                    Source = source,
                    FeedTimestamp = feedTimestamp,
                };
            }
        }
    }
}
