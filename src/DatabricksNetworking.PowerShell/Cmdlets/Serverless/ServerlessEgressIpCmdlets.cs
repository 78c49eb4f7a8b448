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
        /// <summary>Both, apart: the published ranges (Kind Published) and the NCC's legacy list (Kind Legacy), to compare while migrating.</summary>
        All,
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

        internal const string Guidance =
            "Which to use: allow the published ranges (Kind Published: the outbound entries of Databricks' ip-ranges.json for the NCC's region), " +
            "the supported method since mid-February 2026. The NCC's stable CIDRs (Kind Legacy, egress_config.default_rules.aws_stable_ip_rule) are decommissioned after 2026-05-25: " +
            "use them only to find the firewall rules and bucket policies to replace. Same-region S3 sees neither: restrict it with aws:VpceOrgPaths.";

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

        /// <summary>Auto (default): the published outbound ranges of the NCC's region, falling back to the NCC's legacy list with a warning; All: both, apart (Kind).</summary>
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
        private bool guided, fixtureWarned;

        /// <summary>The word on which list to use, once per call: Verbose and the information stream (tag DbxEgressIpGuidance).</summary>
        private void Guide()
        {
            if (guided) return;
            guided = true;
            WriteVerbose(Guidance);
            Inform(Guidance);
        }

        private void Inform(string text)
        {
            var record = new InformationRecord(text, MyInvocation.MyCommand.Name);
            record.Tags.Add("DbxEgressIpGuidance");
            WriteInformation(record);
        }

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
                WriteVerbose($"Published IP ranges from {feed.Source} ({feed.SourceKind}), dated {feed.Timestamp:yyyy-MM-dd HH:mm} UTC.");
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
            Guide();
            var published = Feed()?.OutboundIpv4(ncc.Region ?? "") ?? (IReadOnlyList<string>)Array.Empty<string>();
            var legacy = ncc.StableEgressCidrs;
            if (published.Count > 0)
            {
                if (feed!.IsFixture && !fixtureWarned) { fixtureWarned = true; WriteWarning(PublishedIpRangeSource.FixtureWarning(feed.Source)); }
                foreach (var ip in ToEgressIps(ncc, published, feed)) WriteObject(ip);
                if (Source == EgressIpSource.All)
                {
                    foreach (var ip in ToEgressIps(ncc, legacy, null)) WriteObject(ip);
                    return;
                }
                if (legacy.Length > 0)
                    Inform($"{ncc.Name} ({ncc.NetworkConnectivityConfigId}) also lists {legacy.Length} legacy stable CIDR(s) (Kind Legacy), not written: -Source All writes both kinds apart.");
                return;
            }
            var why = feedProblem ?? (Source == EgressIpSource.Legacy ? null : $"the published IP ranges list no outbound prefixes for region {ncc.Region}");
            if (Source == EgressIpSource.Published)
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"No published outbound IP ranges for {ncc.Name} ({ncc.Region}): {why}."),
                    "DbxPublishedIpRangeMissing", ErrorCategory.ObjectNotFound, ncc.NetworkConnectivityConfigId));
                return;
            }
            if (legacy.Length == 0)
            {
                // Nothing from either source: an empty answer would read as "no addresses to allow" in a firewall script.
                WriteError(new ErrorRecord(new InvalidOperationException(
                    $"No egress addresses for {ncc.Name} ({ncc.Region}): {(why != null ? why + ", and " : "")}the NCC has no legacy stable egress CIDRs (retired after 2026-05-25; new NCCs have none). Use Databricks' published outbound IP ranges (-PublishedIpRangeUri or -PublishedIpRangePath)."),
                    "DbxEgressIpUnknown", ErrorCategory.ObjectNotFound, ncc.NetworkConnectivityConfigId));
                return;
            }
            if (warnedRegions.Add(ncc.Region ?? ""))
                WriteWarning((why == null ? "" : Source == EgressIpSource.All
                    ? $"Only the legacy stable IPs of the NCC are written: {why}. "
                    : $"Falling back to the legacy stable IPs of the NCC because {why}. ") + RetirementWarning);
            foreach (var ip in ToEgressIps(ncc, legacy, null)) WriteObject(ip);
        }

        /// <summary>One object per CIDR: published ranges when <paramref name="published"/> is the feed they came from, else the NCC's legacy list.</summary>
        internal static IEnumerable<ServerlessEgressIp> ToEgressIps(NetworkConnectivityConfig ncc, IEnumerable<string> cidrs, PublishedIpRangeFeed? published)
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
                    Source = published != null ? "ip-ranges.json" : "aws_stable_ip_rule",
                    Kind = published != null ? "Published" : "Legacy",
                    FeedTimestamp = published?.Timestamp.UtcDateTime,
                    FeedSource = published?.Source,
                    FeedSourceKind = published?.SourceKind,
                };
            }
        }
    }
}
