using System.Net;
using System.Text;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;
using DatabricksNetworking.Firewall;
using FsCheck;
using FsCheck.Xunit;

namespace DatabricksNetworking.Tests;

public class FirewallIpRangeReaderTests : IDisposable
{
    private readonly string cacheDir = Path.Combine(Path.GetTempPath(), "dbx-fw-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, true);
    }

    internal static string Fixture(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "DatabricksNetworking.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "tests", "fixtures", name);
    }

    private static byte[] Feed(string body) => Encoding.UTF8.GetBytes(body);

    [Fact]
    public void Parses_the_fixture_feed_and_selects_aws_region_and_type()
    {
        var feed = PublishedIpRangeReader.ReadFile(Fixture("ip-ranges.json"));
        Assert.Empty(feed.Problems);
        Assert.Equal("1.0", feed.SchemaVersion);
        Assert.Equal(new DateTimeOffset(2026, 9, 7, 5, 38, 0, TimeSpan.Zero), feed.Timestamp);
        Assert.Equal(new[] { "18.246.106.0/24", "3.42.138.0/25", "44.234.192.32/28", "52.27.216.188/32" }, feed.OutboundIpv4("us-west-2"));
        Assert.Equal(14, feed.Select().Count());
        Assert.Empty(feed.Select("aws", new[] { "westeurope" }));
        Assert.Single(feed.Select("azure", null, new[] { "OUTBOUND" }), r => r.AddressFamily == "IPv6");
    }

    [Theory]
    [InlineData("{\"schemaVersion\":\"2.0\",\"timestampSeconds\":1,\"prefixes\":[]}", "DbxIpRangesUnknownSchema")]
    [InlineData("{\"schemaVersion\":\"1.0\",\"prefixes\":[]}", "DbxIpRangesInvalid")]
    [InlineData("{\"schemaVersion\":\"1.0\",\"timestampSeconds\":\"x\",\"prefixes\":[]}", "DbxIpRangesInvalid")]
    [InlineData("{\"schemaVersion\":\"1.0\",\"timestampSeconds\":1}", "DbxIpRangesInvalid")]
    [InlineData("[1,2]", "DbxIpRangesInvalid")]
    [InlineData("{\"schemaVersion\":", "DbxIpRangesInvalidJson")]
    [InlineData("<html>captive portal</html>", "DbxIpRangesInvalidJson")]
    public void Feed_level_faults_throw_with_an_error_id(string body, string errorId)
    {
        var ex = Assert.Throws<PublishedIpRangeException>(() => PublishedIpRangeReader.Parse(Feed(body), "test"));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains("test", ex.Message);
    }

    [Fact]
    public void Entry_faults_are_problems_naming_the_entry_and_the_rest_is_kept()
    {
        var body = "{\"schemaVersion\":\"1.1\",\"timestampSeconds\":1788759480,\"newField\":{\"a\":1},\"prefixes\":[" +
            "{\"platform\":\"aws\",\"region\":\"us-west-2\",\"service\":\"Databricks\",\"type\":\"outbound\",\"ipv4Prefixes\":[\"1.2.3.0/24\",\"1.2.3\"],\"ipv6Prefixes\":[null]}," +
            "{\"platform\":\"aws\",\"region\":\"eu-west-1\",\"type\":\"outbound\",\"ipv4Prefixes\":[\"5.6.7.0/24\"]}," +
            "{\"platform\":\"aws\",\"region\":\"eu-west-1\",\"service\":\"Databricks\",\"type\":\"inbound\",\"ipv4Prefixes\":\"5.6.7.0/24\"}," +
            "{\"platform\":\"aws\",\"region\":\"eu-west-1\",\"service\":\"Databricks\",\"type\":\"outbound\"}," +
            "42]}";
        var feed = PublishedIpRangeReader.Parse(Feed(body), "test");
        Assert.Equal(new[] { "1.2.3.0/24" }, feed.Select().Select(r => r.Prefix));
        var problems = feed.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.StartsWith("prefixes[0] (aws/us-west-2/outbound)", StringComparison.Ordinal) && p.Contains("'1.2.3'"));
        Assert.Contains(problems, p => p.StartsWith("prefixes[0]", StringComparison.Ordinal) && p.Contains("'null'"));
        Assert.Contains(problems, p => p.StartsWith("prefixes[1] (aws/eu-west-1/outbound)", StringComparison.Ordinal) && p.Contains("missing service"));
        Assert.Contains(problems, p => p.StartsWith("prefixes[2] (aws/eu-west-1/inbound)", StringComparison.Ordinal) && p.Contains("cannot be read"));
        Assert.Contains(problems, p => p.StartsWith("prefixes[3]", StringComparison.Ordinal) && p.Contains("ipv4Prefixes/ipv6Prefixes"));
        Assert.Contains(problems, p => p.StartsWith("prefixes[4] (<no platform>", StringComparison.Ordinal));
        // A problem in another region does not concern a us-west-2 selection; one without a platform might.
        Assert.DoesNotContain(feed.ProblemsFor("aws", new[] { "us-west-2" }), p => p.Region == "eu-west-1");
        Assert.Contains(feed.ProblemsFor("aws", new[] { "us-west-2" }), p => p.Index == 4);
    }

    [Theory]
    [InlineData("10.0.0.0/8", false, true)]
    [InlineData("0.0.0.0/0", false, true)]
    [InlineData("255.255.255.255/32", false, true)]
    [InlineData("10.0.0.0/33", false, false)]
    [InlineData("10.0.0.256/24", false, false)]
    [InlineData("10.0.0/24", false, false)]
    [InlineData("010.0.0.0/8", false, false)]
    [InlineData("10.0.0.0/08", false, false)]
    [InlineData("10.0.0.0", false, false)]
    [InlineData("10.0.0.0/8/8", false, false)]
    [InlineData("2001:db8::/32", false, false)]
    [InlineData("2001:db8::/32", true, true)]
    [InlineData("::/0", true, true)]
    [InlineData("2001:db8::/129", true, false)]
    [InlineData("10.0.0.0/8", true, false)]
    [InlineData("fe80::1%eth0/64", true, false)]
    public void Prefix_check(string text, bool ipv6, bool ok) => Assert.Equal(ok, PublishedIpRangeReader.IsPrefix(text, ipv6));

    [Property]
    public bool Every_formatted_IPv4_prefix_is_accepted(byte a, byte b, byte c, byte d, byte len) =>
        PublishedIpRangeReader.IsPrefix($"{a}.{b}.{c}.{d}/{len % 33}", false);

    [Property]
    public bool Arbitrary_text_never_throws(string text) =>
        text == null || PublishedIpRangeReader.IsPrefix(text, false) || !PublishedIpRangeReader.IsPrefix(text, false);

    [Theory]
    [InlineData(40, "40 seconds")]
    [InlineData(60, "1 minute")]
    [InlineData(3 * 3600 + 120, "3 hours 2 minutes")]
    [InlineData(86400 * 45 + 3600, "45 days 1 hour")]
    public void Age_is_readable(int seconds, string expected) => Assert.Equal(expected, PublishedIpRangeReader.Age(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Cache_directory_honours_the_environment()
    {
        Assert.Equal("/x/cache", PublishedIpRangeCache.DefaultDirectory(n => n == "DBX_CACHE_DIR" ? "/x/cache" : null));
        if (Path.DirectorySeparatorChar == '/')
        {
            Assert.Equal("/xdg/DatabricksNetworking", PublishedIpRangeCache.DefaultDirectory(n => n == "XDG_CACHE_HOME" ? "/xdg" : null));
            Assert.Equal("/home/u/.cache/DatabricksNetworking", PublishedIpRangeCache.DefaultDirectory(n => n == "HOME" ? "/home/u" : null));
        }
    }

    // ---- fetching: a fake handler stands in for the network ---------------------------------------------

    private sealed class FakeHandler : HttpMessageHandler
    {
        private readonly Func<HttpRequestMessage, HttpResponseMessage> respond;
        public List<HttpRequestMessage> Requests { get; } = new();
        public FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) { this.respond = respond; }
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Add(request);
            return Task.FromResult(respond(request));
        }
    }

    private static HttpResponseMessage Json(byte[] body) => new(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };

    private static HttpResponseMessage Redirect(string to) => new(HttpStatusCode.Found) { Headers = { Location = new Uri(to, UriKind.RelativeOrAbsolute) } };

    private async Task<PublishedIpRangeFeed> Read(FakeHandler handler, string uri = "https://feed.test/ip-ranges.json") =>
        await PublishedIpRangeReader.ReadAsync(new Uri(uri), CancellationToken.None,
            new PublishedIpRangesApi(new HttpMessageInvoker(handler)), new PublishedIpRangeCache(cacheDir));

    [Fact]
    public async Task Fetches_without_credentials_caches_and_serves_the_cache_when_unreachable()
    {
        var good = File.ReadAllBytes(Fixture("ip-ranges.json"));
        var ok = new FakeHandler(_ => Json(good));
        var fresh = await Read(ok);
        Assert.False(fresh.FromCache);
        Assert.Null(ok.Requests[0].Headers.Authorization);
        Assert.True(File.Exists(new PublishedIpRangeCache(cacheDir).FilePathFor(new Uri("https://feed.test/ip-ranges.json"))));

        var down = new FakeHandler(_ => throw new HttpRequestException("Connection refused"));
        var cached = await Read(down, "https://FEED.test:443/ip-ranges.json?nocache=1");
        Assert.True(cached.FromCache);
        Assert.Equal("https://feed.test/ip-ranges.json", cached.Source);
        Assert.Contains("Connection refused", cached.Warning);
        Assert.Matches(@"fetched .* \(\d+ seconds? ago\)", cached.Warning);
        Assert.Matches(@"dated 2026-09-07 05:38 UTC \(\d+ days", cached.Warning);
        Assert.All(cached.Select(), r => Assert.True(r.FromCache));

        var status = await Read(new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.BadGateway)));
        Assert.True(status.FromCache);
        Assert.Contains("HTTP 502", status.Warning);
    }

    [Fact]
    public async Task Invalid_feed_is_an_error_and_keeps_the_cached_copy()
    {
        var good = File.ReadAllBytes(Fixture("ip-ranges.json"));
        await Read(new FakeHandler(_ => Json(good)));
        var ex = await Assert.ThrowsAsync<PublishedIpRangeException>(() => Read(new FakeHandler(_ => Json(Feed("{oops")))));
        Assert.Equal("DbxIpRangesInvalidJson", ex.ErrorId);
        Assert.Equal(good, File.ReadAllBytes(new PublishedIpRangeCache(cacheDir).FilePathFor(new Uri("https://feed.test/ip-ranges.json"))));
    }

    [Fact]
    public async Task Unreachable_without_cache_is_an_error()
    {
        var ex = await Assert.ThrowsAsync<PublishedIpRangeException>(() => Read(new FakeHandler(_ => throw new HttpRequestException("refused"))));
        Assert.Equal("DbxIpRangesUnreachable", ex.ErrorId);
        Assert.True(ex.Unreachable);
        Assert.Contains(cacheDir, ex.Message);
    }

    [Fact]
    public async Task Follows_redirects_but_not_to_http_nor_forever()
    {
        var good = File.ReadAllBytes(Fixture("ip-ranges.json"));
        var hop = new FakeHandler(r => r.RequestUri!.AbsolutePath == "/old" ? Redirect("/new") : Json(good));
        var feed = await Read(hop, "https://feed.test/old");
        Assert.Equal(2, hop.Requests.Count);
        Assert.Equal("https://feed.test/new", hop.Requests[1].RequestUri!.ToString());
        Assert.False(feed.FromCache);

        Directory.Delete(cacheDir, true);
        var downgrade = await Assert.ThrowsAsync<PublishedIpRangeException>(() => Read(new FakeHandler(_ => Redirect("http://feed.test/plain"))));
        Assert.Contains("refused a redirect from https", downgrade.Message);
        var loop = new FakeHandler(_ => Redirect("/again"));
        var tooMany = await Assert.ThrowsAsync<PublishedIpRangeException>(() => Read(loop));
        Assert.Contains("more than 5 redirects", tooMany.Message);
        Assert.Equal(PublishedIpRangesApi.MaxRedirects + 1, loop.Requests.Count);
    }

    [Fact]
    public async Task Times_out_into_the_unreachable_path()
    {
        var slow = new SlowHandler();
        var api = new PublishedIpRangesApi(new HttpMessageInvoker(slow), TimeSpan.FromMilliseconds(50));
        var ex = await Assert.ThrowsAsync<FeedUnreachableException>(() => api.GetAsync(new Uri("https://feed.test/x"), CancellationToken.None));
        Assert.Contains("timed out", ex.Reason);
    }

    private sealed class SlowHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    // ---- the emulator's stand-in feed -----------------------------------------------------------------

    [Fact]
    public async Task Emulator_serves_the_builtin_copy_and_a_given_file()
    {
        foreach (var file in new[] { null, Fixture("ip-ranges-ipv6-only.json") })
        {
            var (app, _) = EmulatorHost.Build(new EmulatorOptions { Port = 0, Quiet = true, IpRangesFile = file });
            await app.StartAsync();
            try
            {
                var url = EmulatorHost.Url(app);
                using var http = new HttpClient();
                var body = await http.GetByteArrayAsync(url + "/_emulator/ip-ranges.json");
                Assert.Equal(File.ReadAllBytes(file ?? Fixture("ip-ranges.json")), body);
                var failed = await http.GetAsync(url + "/_emulator/ip-ranges.json?status=503");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
                var feed = await PublishedIpRangeReader.ReadAsync(new Uri(url + "/_emulator/ip-ranges-redirect"), CancellationToken.None, null, new PublishedIpRangeCache(cacheDir));
                Assert.Equal(file == null ? "IPv4" : "IPv6", feed.Select().First().AddressFamily);
            }
            finally { await app.StopAsync(); await app.DisposeAsync(); }
        }
    }

    [Fact]
    public void Emulator_parses_the_ip_ranges_option()
    {
        Assert.Equal("/tmp/x.json", EmulatorOptions.Parse(new[] { "--ip-ranges-file", "/tmp/x.json" }).IpRangesFile);
    }
}
