using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Firewall
{
    /// <summary>The feed cannot be used at all: unreachable with no cache, bad JSON, unknown schema version, missing header fields.</summary>
    public sealed class PublishedIpRangeException : Exception
    {
        public PublishedIpRangeException(string errorId, string message, string source, bool unreachable = false, Exception? inner = null)
            : base(message, inner) { ErrorId = errorId; FeedSource = source; Unreachable = unreachable; }
        /// <summary>DbxIpRangesUnreachable, DbxIpRangesInvalidJson, DbxIpRangesUnknownSchema, DbxIpRangesInvalid, DbxIpRangesCacheUnusable.</summary>
        public string ErrorId { get; }
        /// <summary>The URL or file the feed came from.</summary>
        public string FeedSource { get; }
        public bool Unreachable { get; }
    }

    /// <summary>A problem with one entry (or one prefix of it); the rest of the feed stays usable.</summary>
    public sealed class PublishedIpRangeProblem
    {
        public PublishedIpRangeProblem(int index, IpRangesEntry? entry, string message)
        {
            Index = index; Platform = entry?.Platform; Region = entry?.Region; Type = entry?.Type; Message = message;
        }
        /// <summary>Zero-based position in <c>prefixes[]</c>.</summary>
        public int Index { get; }
        public string? Platform { get; }
        public string? Region { get; }
        public string? Type { get; }
        public string Message { get; }
        /// <summary>"prefixes[3] (aws/us-west-2/outbound)", as errors name the entry.</summary>
        public string Entry => PublishedIpRangeEntry.Describe(Index, Platform, Region, Type);
        public override string ToString() => $"{Entry}: {Message}";
    }

    /// <summary>One validated entry: only well-formed prefixes are kept.</summary>
    public sealed class PublishedIpRangeEntry
    {
        internal PublishedIpRangeEntry(int index, IpRangesEntry e, List<string> v4, List<string> v6)
        {
            Index = index; Platform = e.Platform!; Region = e.Region!; Service = e.Service!; Type = e.Type!; Ipv4Prefixes = v4; Ipv6Prefixes = v6;
        }
        public int Index { get; }
        public string Platform { get; }
        public string Region { get; }
        public string Service { get; }
        public string Type { get; }
        public IReadOnlyList<string> Ipv4Prefixes { get; }
        public IReadOnlyList<string> Ipv6Prefixes { get; }
        public override string ToString() => Describe(Index, Platform, Region, Type);

        internal static string Describe(int index, string? platform, string? region, string? type) =>
            $"prefixes[{index}] ({platform ?? "<no platform>"}/{region ?? "<no region>"}/{type ?? "<no type>"})";
    }

    /// <summary>A parsed, validated ip-ranges.json, with where it came from.</summary>
    public sealed class PublishedIpRangeFeed
    {
        internal PublishedIpRangeFeed(long timestampSeconds, string schemaVersion, string source, List<PublishedIpRangeEntry> entries, List<PublishedIpRangeProblem> problems)
        {
            TimestampSeconds = timestampSeconds; SchemaVersion = schemaVersion; Source = source; Entries = entries; Problems = problems;
            SourceKind = PublishedIpRangeSource.Url;
        }
        public long TimestampSeconds { get; }
        public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeSeconds(TimestampSeconds);
        public string SchemaVersion { get; }
        /// <summary>The URL or file the feed was read from (for a cached copy: the URL it was first fetched from).</summary>
        public string Source { get; }
        public IReadOnlyList<PublishedIpRangeEntry> Entries { get; }
        /// <summary>Entries or prefixes that failed validation (left out of <see cref="Entries"/>).</summary>
        public IReadOnlyList<PublishedIpRangeProblem> Problems { get; }
        /// <summary>What the source is (<see cref="PublishedIpRangeSource"/>): Databricks, EmulatorFixture, File or Url.</summary>
        public string SourceKind { get; internal set; }
        /// <summary>True when the feed is the module's emulator's fixture: not Databricks' published ranges.</summary>
        public bool IsFixture => SourceKind == PublishedIpRangeSource.EmulatorFixture;
        /// <summary>True when the feed was unreachable and the cached last good copy was read instead.</summary>
        public bool FromCache { get; internal set; }
        /// <summary>When the cached copy was fetched (FromCache only).</summary>
        public DateTimeOffset? CachedAt { get; internal set; }
        /// <summary>Why the cache was used, with the ages of the copy and of the feed (FromCache only): ready to show as a warning.</summary>
        public string? Warning { get; internal set; }

        private static bool Match(string? value, IReadOnlyCollection<string>? wanted) =>
            wanted == null || wanted.Count == 0 || (value != null && wanted.Any(w => string.Equals(w, value, StringComparison.OrdinalIgnoreCase)));

        /// <summary>One object per prefix (IPv4 first) of the entries for a platform (default aws), regions and types (null = all).</summary>
        public IEnumerable<PublishedIpRange> Select(string platform = "aws", IReadOnlyCollection<string>? regions = null, IReadOnlyCollection<string>? types = null)
        {
            var ts = Timestamp.UtcDateTime;
            foreach (var e in Entries.Where(e => Match(e.Platform, new[] { platform }) && Match(e.Region, regions) && Match(e.Type, types)))
            {
                foreach (var (family, list) in new[] { ("IPv4", e.Ipv4Prefixes), ("IPv6", e.Ipv6Prefixes) })
                    foreach (var prefix in list)
                        yield return new PublishedIpRange
                        {
                            Prefix = prefix, AddressFamily = family, Platform = e.Platform, Region = e.Region, Service = e.Service, Type = e.Type,
                            FeedTimestamp = ts, SchemaVersion = SchemaVersion, Source = Source, SourceKind = SourceKind, FromCache = FromCache,
                        };
            }
        }

        /// <summary>The problems that could concern a selection (entries whose missing fields might have matched it).</summary>
        public IEnumerable<PublishedIpRangeProblem> ProblemsFor(string platform = "aws", IReadOnlyCollection<string>? regions = null, IReadOnlyCollection<string>? types = null) =>
            Problems.Where(p => (p.Platform == null || Match(p.Platform, new[] { platform }))
                && (p.Region == null || Match(p.Region, regions)) && (p.Type == null || Match(p.Type, types)));

        /// <summary>The outbound IPv4 prefixes of an AWS region (serverless egress allowlisting, reference §6).</summary>
        public IReadOnlyList<string> OutboundIpv4(string region) =>
            Select("aws", new[] { region }, new[] { "outbound" }).Where(r => r.AddressFamily == "IPv4").Select(r => r.Prefix).ToList();
    }

    /// <summary>
    /// Reads and validates Databricks' published <c>ip-ranges.json</c> (reference databricks-regions.md §6) from its
    /// URL, a file, or bytes, and keeps the last good copy in a per-user cache that serves when the URL is unreachable.
    /// Reusable outside the cmdlets (e.g. serverless egress): <c>await PublishedIpRangeReader.ReadAsync(null, ct)</c>
    /// then <see cref="PublishedIpRangeFeed.OutboundIpv4"/>.
    /// </summary>
    public static class PublishedIpRangeReader
    {
        /// <summary>Schema versions this reader understands: major version 1 ("1.0", "1.1", ...; new fields are ignored).</summary>
        public static bool IsKnownSchemaVersion(string version) =>
            version == "1" || (version.StartsWith("1.", StringComparison.Ordinal) && version.Length > 2 && version.Substring(2).All(char.IsDigit));

        /// <summary>
        /// Fetches <paramref name="uri"/> (default: Databricks' public URL). On success the copy is cached; when the
        /// URL is unreachable the cached copy is returned with <see cref="PublishedIpRangeFeed.FromCache"/> and a
        /// <see cref="PublishedIpRangeFeed.Warning"/>. A feed that arrives but does not validate is an error (not
        /// masked by the cache).
        /// </summary>
        public static async Task<PublishedIpRangeFeed> ReadAsync(Uri? uri, CancellationToken ct, PublishedIpRangesApi? api = null, PublishedIpRangeCache? cache = null,
            IEnumerable<string>? emulatorHosts = null)
        {
            uri ??= PublishedIpRangesApi.DefaultUri;
            api ??= new PublishedIpRangesApi();
            cache ??= PublishedIpRangeCache.Default();
            emulatorHosts ??= PublishedIpRangeSource.ConnectedLoopbackHosts();
            PublishedIpRangesApi.FeedResponse response;
            try { response = await api.GetResponseAsync(uri, ct).ConfigureAwait(false); }
            catch (FeedUnreachableException ex)
            {
                // Only a copy of this very source (normalised URL) may stand in for it: never the emulator's fixture
                // for Databricks' URL, never one mirror for another.
                var cached = cache.TryRead(uri);
                if (cached == null)
                    throw new PublishedIpRangeException("DbxIpRangesUnreachable",
                        $"{ex.Message}. There is no cached copy of {PublishedIpRangeSource.Normalize(uri)} to fall back on (cache folder: {cache.Directory}).", uri.ToString(), unreachable: true, ex);
                var now = DateTimeOffset.UtcNow;
                cached.Warning = $"{ex.Message}. Using the cached copy fetched {cached.CachedAt:yyyy-MM-dd HH:mm} UTC ({Age(now - cached.CachedAt!.Value)} ago) " +
                    $"from {cached.Source}; the feed in it is dated {cached.Timestamp:yyyy-MM-dd HH:mm} UTC ({Age(now - cached.Timestamp)} old).";
                DbxLog.Verbose(cached.Warning);
                return cached;
            }
            var feed = Parse(response.Body, uri.ToString());
            feed.SourceKind = PublishedIpRangeSource.Classify(uri, response.FinalUri, response.MarkedFixture, emulatorHosts);
            if (feed.IsFixture && !PublishedIpRangeSource.IsLoopback(uri))
                DbxLog.Verbose($"Not caching the IP ranges feed read through {uri}: it is the emulator's fixture (from {response.FinalUri}), and only a copy of the same source may be cached under that URL.");
            else
                cache.Write(response.Body, uri, feed.SourceKind, DateTimeOffset.UtcNow);
            return feed;
        }

        /// <summary>Reads a local copy of the feed.</summary>
        public static PublishedIpRangeFeed ReadFile(string path)
        {
            byte[] body;
            try { body = File.ReadAllBytes(path); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            { throw new PublishedIpRangeException("DbxIpRangesFileUnreadable", $"Cannot read '{path}': {ex.Message}", path, inner: ex); }
            var feed = Parse(body, path);
            feed.SourceKind = PublishedIpRangeSource.File;
            return feed;
        }

        /// <summary>Parses and validates a feed. Feed-level faults throw; entry-level faults land in Problems.</summary>
        public static PublishedIpRangeFeed Parse(byte[] json, string source)
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 }); }
            catch (JsonException ex)
            {
                throw new PublishedIpRangeException("DbxIpRangesInvalidJson",
                    $"The IP ranges feed from {source} is not valid JSON: {ex.Message}", source, inner: ex);
            }
            using (doc)
            {
                var root = doc.RootElement;
                PublishedIpRangeException Invalid(string what) =>
                    new PublishedIpRangeException("DbxIpRangesInvalid", $"The IP ranges feed from {source} {what}.", source);
                if (root.ValueKind != JsonValueKind.Object) throw Invalid("is not a JSON object");

                if (!root.TryGetProperty("schemaVersion", out var sv) || sv.ValueKind != JsonValueKind.String)
                    throw Invalid("has no schemaVersion string");
                var version = sv.GetString()!;
                if (!IsKnownSchemaVersion(version))
                    throw new PublishedIpRangeException("DbxIpRangesUnknownSchema",
                        $"The IP ranges feed from {source} has schemaVersion '{version}'; this module reads schema version 1.x. Update the module, or read the file by hand.", source);

                if (!root.TryGetProperty("timestampSeconds", out var tsEl) || tsEl.ValueKind != JsonValueKind.Number || !tsEl.TryGetInt64(out var ts) || ts <= 0 || ts > 253402300799)
                    throw Invalid("has no valid timestampSeconds (Unix seconds)");
                if (!root.TryGetProperty("prefixes", out var prefixes) || prefixes.ValueKind != JsonValueKind.Array)
                    throw Invalid("has no prefixes array");

                var entries = new List<PublishedIpRangeEntry>();
                var problems = new List<PublishedIpRangeProblem>();
                int index = -1;
                foreach (var el in prefixes.EnumerateArray())
                {
                    index++;
                    IpRangesEntry? e;
                    try { e = el.ValueKind == JsonValueKind.Object ? JsonSerializer.Deserialize<IpRangesEntry>(el.GetRawText(), Json.Options) : null; }
                    catch (JsonException ex)
                    {
                        problems.Add(new PublishedIpRangeProblem(index, PartialEntry(el), "cannot be read: " + ex.Message));
                        continue;
                    }
                    if (e == null) { problems.Add(new PublishedIpRangeProblem(index, null, "is not a JSON object")); continue; }
                    var missing = new[] { ("platform", e.Platform), ("region", e.Region), ("service", e.Service), ("type", e.Type) }
                        .Where(f => string.IsNullOrWhiteSpace(f.Item2)).Select(f => f.Item1).ToList();
                    if (e.Ipv4Prefixes == null && e.Ipv6Prefixes == null) missing.Add("ipv4Prefixes/ipv6Prefixes");
                    if (missing.Count > 0)
                    {
                        problems.Add(new PublishedIpRangeProblem(index, e, "is missing " + string.Join(", ", missing)));
                        continue;
                    }
                    var v4 = Prefixes(e, index, e.Ipv4Prefixes, false, problems);
                    var v6 = Prefixes(e, index, e.Ipv6Prefixes, true, problems);
                    entries.Add(new PublishedIpRangeEntry(index, e, v4, v6));
                }
                return new PublishedIpRangeFeed(ts, version, source, entries, problems);
            }
        }

        private static IpRangesEntry? PartialEntry(JsonElement el)
        {
            string? S(string name) => el.ValueKind == JsonValueKind.Object && el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return el.ValueKind == JsonValueKind.Object ? new IpRangesEntry { Platform = S("platform"), Region = S("region"), Type = S("type") } : null;
        }

        private static List<string> Prefixes(IpRangesEntry e, int index, List<string?>? values, bool v6, List<PublishedIpRangeProblem> problems)
        {
            var ok = new List<string>();
            foreach (var p in values ?? new List<string?>())
            {
                if (p != null && IsPrefix(p, v6)) ok.Add(p);
                else problems.Add(new PublishedIpRangeProblem(index, e,
                    $"has a malformed {(v6 ? "IPv6" : "IPv4")} prefix '{p ?? "null"}' in {(v6 ? "ipv6Prefixes" : "ipv4Prefixes")} (left out)"));
            }
            return ok;
        }

        /// <summary>A strict CIDR check: dotted-quad/0-32 for IPv4, RFC 4291 text/0-128 for IPv6.</summary>
        public static bool IsPrefix(string text, bool ipv6)
        {
            var slash = text.IndexOf('/');
            if (slash <= 0 || slash != text.LastIndexOf('/')) return false;
            var addr = text.Substring(0, slash);
            var len = text.Substring(slash + 1);
            if (len.Length == 0 || len.Length > 3 || !len.All(c => c >= '0' && c <= '9') || (len.Length > 1 && len[0] == '0')) return false;
            var bits = int.Parse(len, CultureInfo.InvariantCulture);
            if (ipv6)
                return bits <= 128 && addr.IndexOf(':') >= 0 && addr.IndexOf('%') < 0
                    && IPAddress.TryParse(addr, out var a6) && a6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            var parts = addr.Split('.');
            return bits <= 32 && parts.Length == 4 && parts.All(x => x.Length >= 1 && x.Length <= 3 && x.All(c => c >= '0' && c <= '9')
                && (x.Length == 1 || x[0] != '0') && int.Parse(x, CultureInfo.InvariantCulture) <= 255);
        }

        /// <summary>"3 days 4 hours", "12 minutes", "40 seconds".</summary>
        public static string Age(TimeSpan span)
        {
            if (span < TimeSpan.Zero) span = TimeSpan.Zero;
            string N(int n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");
            if (span.TotalDays >= 1) return N((int)span.TotalDays, "day") + (span.Hours > 0 ? " " + N(span.Hours, "hour") : "");
            if (span.TotalHours >= 1) return N((int)span.TotalHours, "hour") + (span.Minutes > 0 ? " " + N(span.Minutes, "minute") : "");
            if (span.TotalMinutes >= 1) return N((int)span.TotalMinutes, "minute");
            return N((int)span.TotalSeconds, "second");
        }
    }

    /// <summary>
    /// What a feed's source is, as every output labels it. <see cref="Databricks"/>: read from Databricks' public URL
    /// (www.databricks.com, not redirected off databricks.com). <see cref="EmulatorFixture"/>: the DatabricksNetworking
    /// emulator's stand-in (the response carries <see cref="FixtureHeader"/>, or the URL is a loopback /_emulator/ path,
    /// or the host of a connected loopback context): not Databricks' published ranges. <see cref="File"/>: a local copy
    /// (-Path). <see cref="Url"/>: any other URL (a mirror): its content is not known to be Databricks'.
    /// </summary>
    public static class PublishedIpRangeSource
    {
        public const string Databricks = "Databricks";
        public const string EmulatorFixture = "EmulatorFixture";
        public const string File = "File";
        public const string Url = "Url";
        /// <summary>The emulator marks its feed with this response header (the real service never sends it).</summary>
        public const string FixtureHeader = "X-Emulator-Fixture";

        /// <summary>The warning written once per call when the feed is the emulator's fixture.</summary>
        public static string FixtureWarning(string source) =>
            $"The IP ranges feed from {source} is the DatabricksNetworking emulator's fixture: these are not Databricks' published ranges. " +
            "Do not put them in a firewall or bucket policy; read Databricks' feed (the default -Uri) for real addresses.";

        /// <summary>
        /// The cache key of a URL: scheme and host in lower case, the default port left out, the path as given (case
        /// matters on a web server), query and fragment dropped (a cache-buster or test knob does not change the source).
        /// </summary>
        public static string Normalize(Uri uri)
        {
            if (!uri.IsAbsoluteUri) return uri.OriginalString;
            var b = new StringBuilder();
            b.Append(uri.Scheme.ToLowerInvariant()).Append("://").Append(uri.IdnHost.ToLowerInvariant());
            if (!uri.IsDefaultPort) b.Append(':').Append(uri.Port.ToString(CultureInfo.InvariantCulture));
            b.Append(uri.AbsolutePath);
            return b.ToString();
        }

        /// <summary>The hosts of the session's connected contexts that are loopback: the emulator (Databricks is never on loopback).</summary>
        public static IReadOnlyList<string> ConnectedLoopbackHosts() =>
            DbxSession.Connected.Select(c => c.Host).Where(h => Uri.TryCreate(h, UriKind.Absolute, out var u) && IsLoopback(u)).Distinct().ToList();

        /// <summary>localhost, *.localhost, 127.0.0.0/8 and ::1.</summary>
        public static bool IsLoopback(Uri uri) => uri.IsAbsoluteUri && ContextFactory.IsLoopback(uri.Host);

        private static bool IsDatabricksHost(Uri uri) =>
            uri.Scheme == Uri.UriSchemeHttps && (uri.Host.Equals("databricks.com", StringComparison.OrdinalIgnoreCase)
                || uri.Host.EndsWith(".databricks.com", StringComparison.OrdinalIgnoreCase));

        /// <summary>
        /// The kind of a feed fetched from <paramref name="requested"/> and answered by <paramref name="final"/> (after
        /// redirects). <paramref name="emulatorHosts"/>: authorities (scheme://host:port) of the connected contexts;
        /// a loopback one is the emulator (Databricks is never on loopback).
        /// </summary>
        public static string Classify(Uri requested, Uri final, bool markedFixture, IEnumerable<string>? emulatorHosts = null)
        {
            if (markedFixture) return EmulatorFixture;
            foreach (var u in new[] { requested, final })
            {
                if (!IsLoopback(u)) continue;
                if (u.AbsolutePath.StartsWith("/_emulator/", StringComparison.Ordinal)) return EmulatorFixture;
                var authority = u.GetLeftPart(UriPartial.Authority);
                if (emulatorHosts != null && emulatorHosts.Any(h => string.Equals(h?.TrimEnd('/'), authority, StringComparison.OrdinalIgnoreCase)))
                    return EmulatorFixture;
            }
            if (Normalize(requested) == Normalize(PublishedIpRangesApi.DefaultUri) && IsDatabricksHost(final)) return Databricks;
            return Url;
        }
    }

    /// <summary>
    /// The last good copy of each feed source, in a per-user cache folder: <c>$env:DBX_CACHE_DIR</c> when set, else
    /// %LOCALAPPDATA%\DatabricksNetworking\Cache on Windows and $XDG_CACHE_HOME (or ~/.cache)/DatabricksNetworking elsewhere.
    /// Keyed by source: <c>ip-ranges.&lt;first 16 hex of SHA-256 of the normalised URL&gt;.json</c> and its
    /// <c>.meta.json</c> (the key, the URL, the kind, when fetched), so a fallback only ever serves a copy of the same
    /// source. A copy whose kind is EmulatorFixture is never served for a non-loopback key.
    /// </summary>
    public sealed class PublishedIpRangeCache
    {
        public const string EnvironmentVariable = "DBX_CACHE_DIR";

        public PublishedIpRangeCache(string directory) { Directory = directory; }
        public string Directory { get; }

        /// <summary>The cached copy of <paramref name="source"/> (whether it exists or not).</summary>
        public string FilePathFor(Uri source) => Path.Combine(Directory, "ip-ranges." + Hash(PublishedIpRangeSource.Normalize(source)) + ".json");
        private string MetaPathFor(Uri source) => Path.Combine(Directory, "ip-ranges." + Hash(PublishedIpRangeSource.Normalize(source)) + ".meta.json");

        internal static string Hash(string key)
        {
            using var sha = System.Security.Cryptography.SHA256.Create();
            var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(key));
            var b = new StringBuilder();
            for (int i = 0; i < 8; i++) b.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
            return b.ToString();
        }

        public static PublishedIpRangeCache Default() => new PublishedIpRangeCache(DefaultDirectory(Environment.GetEnvironmentVariable));

        public static string DefaultDirectory(Func<string, string?> env)
        {
            var set = env(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(set)) return set!;
            if (Path.DirectorySeparatorChar == '\\')
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "DatabricksNetworking", "Cache");
            var xdg = env("XDG_CACHE_HOME");
            var home = env("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(!string.IsNullOrWhiteSpace(xdg) ? xdg! : Path.Combine(home, ".cache"), "DatabricksNetworking");
        }

        /// <summary>
        /// Stores a copy that parsed under the key of <paramref name="source"/> (atomically: a half-written cache never
        /// replaces a good one). An emulator fixture is refused under a non-loopback key. Failures are logged, not thrown.
        /// </summary>
        public void Write(byte[] body, Uri source, string kind, DateTimeOffset fetchedAt)
        {
            if (kind == PublishedIpRangeSource.EmulatorFixture && !PublishedIpRangeSource.IsLoopback(source))
            {
                DbxLog.Verbose($"Not caching the emulator's fixture under {PublishedIpRangeSource.Normalize(source)}.");
                return;
            }
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
                var meta = JsonSerializer.SerializeToUtf8Bytes(new CacheMeta
                {
                    Key = PublishedIpRangeSource.Normalize(source), Source = source.ToString(), Kind = kind, FetchedAt = fetchedAt.ToUnixTimeSeconds(),
                }, Json.Options);
                Replace(MetaPathFor(source), meta);
                Replace(FilePathFor(source), body);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                DbxLog.Verbose($"Could not cache the IP ranges feed in {Directory}: {ex.Message}");
            }
        }

        /// <summary>
        /// The cached copy of <paramref name="source"/>, or null when there is none (a copy without its meta file, of
        /// another key, or a fixture under a non-loopback key is none). A copy that no longer parses throws DbxIpRangesCacheUnusable.
        /// </summary>
        public PublishedIpRangeFeed? TryRead(Uri source)
        {
            var file = FilePathFor(source);
            var metaPath = MetaPathFor(source);
            if (!File.Exists(file) || !File.Exists(metaPath)) return null;
            var key = PublishedIpRangeSource.Normalize(source);
            try
            {
                var meta = JsonSerializer.Deserialize<CacheMeta>(File.ReadAllBytes(metaPath), Json.Options);
                if (meta == null || meta.Key != key) return null;
                var kind = meta.Kind ?? PublishedIpRangeSource.Url;
                if (kind == PublishedIpRangeSource.EmulatorFixture && !PublishedIpRangeSource.IsLoopback(source)) return null;
                var body = File.ReadAllBytes(file);
                var feed = PublishedIpRangeReader.Parse(body, meta.Source ?? key);
                feed.SourceKind = kind;
                feed.FromCache = true;
                feed.CachedAt = meta.FetchedAt is long at ? DateTimeOffset.FromUnixTimeSeconds(at) : new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
                return feed;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is JsonException || ex is PublishedIpRangeException)
            {
                throw new PublishedIpRangeException("DbxIpRangesCacheUnusable", $"The feed is unreachable and the cached copy {file} cannot be used: {ex.Message}", file, unreachable: true, ex);
            }
        }

        private static void Replace(string target, byte[] content)
        {
            var temp = target + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
            File.WriteAllBytes(temp, content);
            if (File.Exists(target)) File.Replace(temp, target, null);
            else File.Move(temp, target);
        }

        private sealed class CacheMeta
        {
            [System.Text.Json.Serialization.JsonPropertyName("key")] public string? Key { get; set; }
            [System.Text.Json.Serialization.JsonPropertyName("source")] public string? Source { get; set; }
            [System.Text.Json.Serialization.JsonPropertyName("kind")] public string? Kind { get; set; }
            [System.Text.Json.Serialization.JsonPropertyName("fetched_at")] public long? FetchedAt { get; set; }
        }
    }
}
