using System.Net;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Areas;
using DatabricksNetworking.Emulator.Core;
using DatabricksNetworking.Firewall;

namespace DatabricksNetworking.Tests;

/// <summary>
/// Issue 17: the published IP-range cache is keyed by source, so a fallback only ever serves a copy of the same source
/// (the emulator's fixture never stands in for Databricks' feed), and every feed is labelled with its kind.
/// </summary>
public class PublishedIpRangeCacheTests : IDisposable
{
    private static readonly Uri Public = PublishedIpRangesApi.DefaultUri;
    private static readonly Uri Emulator = new("http://127.0.0.1:5123/_emulator/ip-ranges.json");
    private readonly string cacheDir = Path.Combine(Path.GetTempPath(), "dbx-iprange-cache-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] good = File.ReadAllBytes(FirewallIpRangeReaderTests.Fixture("ip-ranges.json"));

    public void Dispose()
    {
        if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, true);
    }

    private sealed class Handler : HttpMessageHandler
    {
        private readonly Func<HttpRequestMessage, HttpResponseMessage> respond;
        public Handler(Func<HttpRequestMessage, HttpResponseMessage> respond) { this.respond = respond; }
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) => Task.FromResult(respond(request));
    }

    private HttpResponseMessage Ok(bool marked = false)
    {
        var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(good) };
        if (marked) r.Headers.TryAddWithoutValidation(PublishedIpRangeSource.FixtureHeader, "ip-ranges");
        return r;
    }

    private static HttpResponseMessage Refused(HttpRequestMessage _) => throw new HttpRequestException("Connection refused");

    private PublishedIpRangeCache Cache => new(cacheDir);

    private Task<PublishedIpRangeFeed> Read(Uri uri, Func<HttpRequestMessage, HttpResponseMessage> respond, IEnumerable<string>? emulatorHosts = null) =>
        PublishedIpRangeReader.ReadAsync(uri, CancellationToken.None, new PublishedIpRangesApi(new HttpMessageInvoker(new Handler(respond))), Cache,
            emulatorHosts ?? Array.Empty<string>());

    [Theory]
    [InlineData("https://www.databricks.com/networking/v1/ip-ranges.json", "https://www.databricks.com/networking/v1/ip-ranges.json")]
    [InlineData("HTTPS://WWW.Databricks.COM:443/networking/v1/ip-ranges.json?t=1#x", "https://www.databricks.com/networking/v1/ip-ranges.json")]
    [InlineData("http://127.0.0.1:5123/_emulator/ip-ranges.json?status=503", "http://127.0.0.1:5123/_emulator/ip-ranges.json")]
    [InlineData("http://LOCALHOST:80/x.json", "http://localhost/x.json")]
    public void Key_is_the_normalised_url(string url, string key) => Assert.Equal(key, PublishedIpRangeSource.Normalize(new Uri(url)));

    [Fact]
    public void Different_sources_have_different_files_and_the_file_name_holds_a_hash()
    {
        var files = new[] { Public, Emulator, new Uri("http://127.0.0.1:5124/_emulator/ip-ranges.json"), new Uri("https://mirror.test/networking/v1/ip-ranges.json"),
            new Uri("http://www.databricks.com/networking/v1/ip-ranges.json"), new Uri("https://www.databricks.com/networking/v1/IP-ranges.json") }
            .Select(u => Cache.FilePathFor(u)).ToList();
        Assert.Equal(files.Count, files.Distinct().Count());
        Assert.All(files, f => Assert.Matches(@"ip-ranges\.[0-9a-f]{16}\.json$", f));
        Assert.Equal(Cache.FilePathFor(Public), Cache.FilePathFor(new Uri("https://www.DATABRICKS.com/networking/v1/ip-ranges.json?x")));
    }

    [Fact]
    public async Task A_copy_of_the_emulator_fixture_is_never_served_for_the_public_url()
    {
        var fixture = await Read(Emulator, _ => Ok(marked: true));
        Assert.Equal(PublishedIpRangeSource.EmulatorFixture, fixture.SourceKind);
        Assert.True(fixture.IsFixture);
        Assert.True(File.Exists(Cache.FilePathFor(Emulator)));
        Assert.False(File.Exists(Cache.FilePathFor(Public)));

        var ex = await Assert.ThrowsAsync<PublishedIpRangeException>(() => Read(Public, Refused));
        Assert.Equal("DbxIpRangesUnreachable", ex.ErrorId);
        Assert.Contains("no cached copy", ex.Message);

        // The emulator's own copy still stands in for the emulator (a test knob or a restart), labelled as the fixture.
        var again = await Read(new Uri(Emulator + "?status=503"), Refused);
        Assert.True(again.FromCache);
        Assert.Equal(PublishedIpRangeSource.EmulatorFixture, again.SourceKind);
        Assert.All(again.Select(), r => Assert.Equal(PublishedIpRangeSource.EmulatorFixture, r.SourceKind));
    }

    [Fact]
    public async Task A_marked_fixture_answering_a_public_url_is_not_cached_under_it()
    {
        // Databricks' URL answered by something that carries the emulator's mark (a proxy, a hosts-file entry): labelled, not cached.
        var feed = await Read(Public, _ => Ok(marked: true));
        Assert.Equal(PublishedIpRangeSource.EmulatorFixture, feed.SourceKind);
        Assert.False(File.Exists(Cache.FilePathFor(Public)));
        await Assert.ThrowsAsync<PublishedIpRangeException>(() => Read(Public, Refused));

        // The cache refuses it directly too.
        Cache.Write(good, Public, PublishedIpRangeSource.EmulatorFixture, DateTimeOffset.UtcNow);
        Assert.False(File.Exists(Cache.FilePathFor(Public)));
    }

    [Fact]
    public async Task A_copy_of_Databricks_feed_serves_only_Databricks_url_and_keeps_its_kind()
    {
        var live = await Read(Public, r => r.RequestUri!.Host == "www.databricks.com" ? Ok() : throw new InvalidOperationException());
        Assert.Equal(PublishedIpRangeSource.Databricks, live.SourceKind);
        Assert.False(live.IsFixture);

        var cached = await Read(Public, Refused);
        Assert.True(cached.FromCache);
        Assert.Equal(PublishedIpRangeSource.Databricks, cached.SourceKind);
        Assert.Equal(Public.ToString(), cached.Source);

        // Neither a mirror nor the emulator falls back on Databricks' copy.
        var mirror = await Assert.ThrowsAsync<PublishedIpRangeException>(() => Read(new Uri("https://mirror.test/networking/v1/ip-ranges.json"), Refused));
        Assert.Contains("no cached copy", mirror.Message);
        await Assert.ThrowsAsync<PublishedIpRangeException>(() => Read(Emulator, Refused));
    }

    [Fact]
    public void Tampered_or_foreign_cache_files_are_not_served()
    {
        Directory.CreateDirectory(cacheDir);
        // A fixture's meta placed under the public key's file names (by an older module or by hand).
        File.WriteAllBytes(Cache.FilePathFor(Public), good);
        var meta = Cache.FilePathFor(Public).Replace(".json", ".meta.json");
        File.WriteAllText(meta, $"{{\"key\":\"{PublishedIpRangeSource.Normalize(Public)}\",\"source\":\"{Emulator}\",\"kind\":\"EmulatorFixture\",\"fetched_at\":1788759480}}");
        Assert.Null(Cache.TryRead(Public));
        // A meta naming another key (a hash collision or a copied file).
        File.WriteAllText(meta, "{\"key\":\"https://mirror.test/ip-ranges.json\",\"source\":\"https://mirror.test/ip-ranges.json\",\"kind\":\"Url\",\"fetched_at\":1788759480}");
        Assert.Null(Cache.TryRead(Public));
        // No meta at all.
        File.Delete(meta);
        Assert.Null(Cache.TryRead(Public));
        // The unkeyed copy of earlier versions (ip-ranges.json) is never read: its source cannot be trusted.
        File.Delete(Cache.FilePathFor(Public));
        File.WriteAllBytes(Path.Combine(cacheDir, "ip-ranges.json"), good);
        File.WriteAllText(Path.Combine(cacheDir, "ip-ranges.meta.json"), $"{{\"source\":\"{Public}\",\"fetched_at\":1788759480}}");
        Assert.Null(Cache.TryRead(Public));
    }

    [Theory]
    [InlineData("https://www.databricks.com/networking/v1/ip-ranges.json", "https://www.databricks.com/networking/v1/ip-ranges.json", false, "Databricks")]
    [InlineData("https://www.databricks.com/networking/v1/ip-ranges.json", "https://cdn.databricks.com/ip-ranges.json", false, "Databricks")]
    [InlineData("https://www.databricks.com/networking/v1/ip-ranges.json", "https://evil.test/ip-ranges.json", false, "Url")]
    [InlineData("https://www.databricks.com/networking/v1/ip-ranges.json", "https://www.databricks.com/networking/v1/ip-ranges.json", true, "EmulatorFixture")]
    [InlineData("https://mirror.test/networking/v1/ip-ranges.json", "https://mirror.test/networking/v1/ip-ranges.json", false, "Url")]
    [InlineData("http://127.0.0.1:5123/_emulator/ip-ranges-redirect", "http://127.0.0.1:5123/_emulator/ip-ranges.json", false, "EmulatorFixture")]
    [InlineData("http://localhost:8000/ip-ranges.json", "http://localhost:8000/ip-ranges.json", false, "Url")]
    [InlineData("http://127.0.0.1:5123/feed.json", "http://127.0.0.1:5123/feed.json", false, "EmulatorFixture")]
    public void Kind_of_a_source(string requested, string final, bool marked, string kind) =>
        Assert.Equal(kind, PublishedIpRangeSource.Classify(new Uri(requested), new Uri(final), marked, new[] { "http://127.0.0.1:5123" }));

    [Fact]
    public void A_file_is_labelled_File()
    {
        var feed = PublishedIpRangeReader.ReadFile(FirewallIpRangeReaderTests.Fixture("ip-ranges.json"));
        Assert.Equal(PublishedIpRangeSource.File, feed.SourceKind);
        Assert.All(feed.Select(), r => Assert.Equal("File", r.SourceKind));
    }

    [Fact]
    public async Task The_emulator_marks_its_feed_and_the_reader_labels_it()
    {
        Assert.Equal(PublishedIpRangeSource.FixtureHeader, PublishedIpRangesArea.FixtureHeader);
        var (app, _) = EmulatorHost.Build(new EmulatorOptions { Port = 0, Quiet = true });
        await app.StartAsync();
        try
        {
            var url = EmulatorHost.Url(app);
            using var http = new HttpClient();
            var resp = await http.GetAsync(url + "/_emulator/ip-ranges.json");
            Assert.Equal("ip-ranges", resp.Headers.GetValues(PublishedIpRangeSource.FixtureHeader).Single());
            // Through the redirect, and with no connected context naming the emulator: the mark alone labels it.
            var feed = await PublishedIpRangeReader.ReadAsync(new Uri(url + "/_emulator/ip-ranges-redirect"), CancellationToken.None, null, Cache, Array.Empty<string>());
            Assert.Equal(PublishedIpRangeSource.EmulatorFixture, feed.SourceKind);
            Assert.False(File.Exists(Cache.FilePathFor(Public)));
        }
        finally { await app.StopAsync(); await app.DisposeAsync(); }
    }
}
