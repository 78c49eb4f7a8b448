using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Firewall;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Firewall
{
    /// <summary>Direction of a published range, as seen from Databricks.</summary>
    public enum PublishedIpRangeType { Inbound, Outbound }

    /// <summary>
    /// <para type="synopsis">Gets Databricks' published IP ranges for AWS (ip-ranges.json): one object per prefix, filtered by region and type.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxPublishedIpRange", DefaultParameterSetName = ByUri, HelpUri = DbxCmdlet.HelpBase + "Get-DbxPublishedIpRange.md")]
    [OutputType(typeof(PublishedIpRange))]
    public sealed class GetDbxPublishedIpRangeCommand : DbxCmdlet
    {
        private const string ByUri = "Uri";
        private const string ByPath = "Path";
        private PublishedIpRangeFeed? feed;
        private bool feedFailed;
        // Selections already written in this pipeline: two workspaces in one region give one set of prefixes.
        private readonly HashSet<string> done = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<PublishedIpRangeProblem> reported = new HashSet<PublishedIpRangeProblem>();

        /// <summary>AWS regions to keep (all when omitted); binds from Get-DbxWorkspace output.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("aws_region")]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string[]? Region { get; set; }

        /// <summary>Inbound (addresses clients reach Databricks on) or Outbound (addresses Databricks connects from); both when omitted.</summary>
        [Parameter]
        public PublishedIpRangeType[]? Type { get; set; }

        /// <summary>Where to fetch the feed; Databricks' public URL by default.</summary>
        [Parameter(ParameterSetName = ByUri)]
        [ValidateNotNull]
        public Uri Uri { get; set; } = PublishedIpRangesApi.DefaultUri;

        /// <summary>A local copy of the feed instead of the URL.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByPath)]
        [Alias("FilePath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Timeout of the whole fetch, in seconds (default 30).</summary>
        [Parameter(ParameterSetName = ByUri)]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 30;

        protected override void ProcessRecordCore()
        {
            var regions = new List<string>();
            foreach (var given in Region ?? new string[0])
            {
                var region = (given ?? "").Trim().ToLowerInvariant();
                if (Regions.IsSupported(region)) { regions.Add(region); continue; }
                CurrentTarget = given;
                WriteError(ErrorRecords.FromValidation(new DbxValidationException("DbxInvalidRegion", Regions.Describe(given), given)));
            }
            regions = regions.Where(r => done.Add(r)).ToList();
            if (Region != null && Region.Length > 0 && regions.Count == 0) return;
            if ((Region == null || Region.Length == 0) && !done.Add("*")) return;
            if (!Load()) return;
            var types = Type?.Select(t => t.ToString().ToLowerInvariant()).ToList();

            foreach (var problem in feed!.ProblemsFor("aws", regions, types).Where(reported.Add))
                WriteError(new ErrorRecord(new InvalidOperationException($"The IP ranges feed from {feed.Source}: {problem}."),
                    "DbxIpRangesInvalidEntry", ErrorCategory.InvalidData, problem.Entry));
            int written = 0;
            foreach (var range in feed.Select("aws", regions, types)) { WriteObject(range); written++; }
            if (written == 0)
                WriteWarning($"The IP ranges feed from {feed.Source} (dated {feed.Timestamp:yyyy-MM-dd HH:mm} UTC) has no AWS prefixes" +
                    (regions.Count > 0 ? " for " + string.Join(", ", regions) : "") + (types != null ? " of type " + string.Join(", ", types) : "") +
                    ". AWS regions in the feed: " + string.Join(", ", feed.Entries.Where(e => e.Platform.Equals("aws", StringComparison.OrdinalIgnoreCase)).Select(e => e.Region).Distinct().OrderBy(r => r, StringComparer.Ordinal)) + ".");
        }

        /// <summary>Reads the feed once per pipeline; false after a (reported) failure.</summary>
        private bool Load()
        {
            if (feed != null) return true;
            if (feedFailed) return false;
            try
            {
                if (ParameterSetName == ByPath)
                {
                    var path = ResolveFilePath(Path, "Path", output: false, "DbxIpRangesFileUnreadable");
                    feed = PublishedIpRangeReader.ReadFile(path);
                }
                else
                {
                    var api = new PublishedIpRangesApi(timeout: TimeSpan.FromSeconds(TimeoutSec));
                    feed = Run(ct => PublishedIpRangeReader.ReadAsync(Uri, ct, api));
                    if (feed.Warning != null) WriteWarning(feed.Warning);
                }
                WriteVerbose($"IP ranges feed from {feed.Source} ({feed.SourceKind}): schema {feed.SchemaVersion}, dated {feed.Timestamp:yyyy-MM-dd HH:mm:ss} UTC, {feed.Entries.Count} entries.");
                // Once per call: the fixture must never pass for Databricks' feed on its way into a firewall.
                if (feed.IsFixture) WriteWarning(PublishedIpRangeSource.FixtureWarning(feed.Source));
                else if (feed.SourceKind != PublishedIpRangeSource.Databricks)
                    WriteVerbose($"{feed.Source} is not Databricks' URL ({PublishedIpRangesApi.DefaultUri}): the ranges are as good as that copy (SourceKind {feed.SourceKind}).");
                return true;
            }
            catch (PublishedIpRangeException ex)
            {
                feedFailed = true;
                var category = ex.Unreachable ? ErrorCategory.ConnectionError : ErrorCategory.InvalidData;
                WriteError(new ErrorRecord(new InvalidOperationException(ex.Message, ex), ex.ErrorId, category, ex.FeedSource));
                return false;
            }
        }
    }
}
