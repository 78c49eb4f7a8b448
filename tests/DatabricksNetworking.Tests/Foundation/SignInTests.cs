using System.Text.Json.Nodes;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Tests.Foundation;

/// <summary>The Databricks CLI token cache format and the PKCE transform of the user sign-in.</summary>
public class SignInTests
{
    [Fact]
    public void Pkce_challenge_is_the_S256_transform_base64url_without_padding()
    {
        // Reference value from Python: base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).rstrip(b'=')
        Assert.Equal("ZtJnxQLZ-ATOh2HjHu4qZv0f4cSv0QzuU8pTcOfGENM", U2MCredentialProvider.Challenge("dBjftJeZ4CVP-mJ92K9vKRwGJ1nt2sg-gydDoVHrP1"));
    }

    [Fact]
    public void Go_expiry_with_nanoseconds_is_read_and_the_zero_time_means_none()
    {
        var d = DatabricksTokenCache.ParseExpiry("2026-12-02T17:45:00.123456789+01:00");
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 16, 45, 0, TimeSpan.Zero).AddTicks(1234567), d);
        Assert.Null(DatabricksTokenCache.ParseExpiry("0001-01-01T00:00:00Z"));
        Assert.Null(DatabricksTokenCache.ParseExpiry(null));
    }

    [Fact]
    public void Store_updates_entries_in_place_keeping_other_entries_and_unknown_fields()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dbx-cache-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(dir, ".databricks", "token-cache.json");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, """
                {"version":1,"tokens":{"prof":{"access_token":"a1","token_type":"Bearer","refresh_token":"r1","expiry":"2020-01-01T00:00:00Z","extra":"kept"},
                 "other":{"access_token":"o","token_type":"Bearer","refresh_token":"or","expiry":"2099-01-01T00:00:00Z"}}}
                """);
            var cache = new DatabricksTokenCache(path);
            var t = cache.Lookup(new[] { "prof", "https://h" })!;
            Assert.Equal("prof", t.Key);
            Assert.Equal("r1", t.RefreshToken);
            var expiry = DateTimeOffset.UtcNow.AddHours(1);
            cache.Store(new[] { "prof", "https://h" }, new CachedToken("a2", "Bearer", "r2", expiry));
            var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            Assert.Equal(1, (int)root["version"]!);
            var prof = root["tokens"]!["prof"]!.AsObject();
            Assert.Equal("a2", (string)prof["access_token"]!);
            Assert.Equal("r2", (string)prof["refresh_token"]!);
            Assert.Equal("kept", (string)prof["extra"]!);
            Assert.Equal("o", (string)root["tokens"]!["other"]!["access_token"]!);
            Assert.Equal("a2", (string)root["tokens"]!["https://h"]!["access_token"]!);
            Assert.Equal(expiry.ToUnixTimeSeconds(), DatabricksTokenCache.ParseExpiry((string)prof["expiry"]!)!.Value.ToUnixTimeSeconds());
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.True(cache.Delete(new[] { "prof", "https://h" }));
            Assert.Null(cache.Lookup(new[] { "prof", "https://h" }));
            Assert.NotNull(cache.Lookup(new[] { "other" }));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_cache_of_another_version_is_refused_not_overwritten()
    {
        var path = Path.Combine(Path.GetTempPath(), "dbx-cache-v2-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            File.WriteAllText(path, """{"version":2,"tokens":{}}""");
            var cache = new DatabricksTokenCache(path);
            var ex = Assert.Throws<ConfigResolutionException>(() => cache.Store(new[] { "k" }, new CachedToken("a", "Bearer", null, null)));
            Assert.Equal("DbxTokenCacheInvalid", ex.ErrorId);
            Assert.Equal("""{"version":2,"tokens":{}}""", File.ReadAllText(path));
        }
        finally { File.Delete(path); }
    }
}
