using System.Net.Http;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Tests.Foundation;

/// <summary>Retry rules of DbxHttp (Retry-After, back-off, POST after a dropped connection, limits).</summary>
public class FoundationRetryTests
{
    private static HttpResponseMessage Status(int status, params (string, string)[] headers) =>
        FakeHandler.Json(status, $"{{\"error_code\":\"E{status}\",\"message\":\"status {status}\"}}", headers);

    private static FakeHandler Sequence(params Func<HttpResponseMessage>[] answers) =>
        new((_, _, n) => n <= answers.Length ? answers[n - 1]() : FakeHandler.Json(200, "{\"ok\":true}"));

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Retry_After_seconds_is_honoured(int status)
    {
        var t = new HttpUnderTest(Sequence(() => Status(status, ("Retry-After", "7"))));
        var resp = await t.Send(HttpMethod.Post, body: "{}");
        Assert.Equal(200, resp.StatusCode);
        Assert.Equal(new[] { TimeSpan.FromSeconds(7) }, t.Delays);
        Assert.Equal(2, t.Handler.Requests.Count);
    }

    [Fact]
    public async Task Retry_After_as_an_http_date_is_honoured()
    {
        var when = DateTimeOffset.UtcNow.AddSeconds(30).ToString("r");
        var t = new HttpUnderTest(Sequence(() => Status(503, ("Retry-After", when))));
        await t.Send(HttpMethod.Get);
        var d = Assert.Single(t.Delays);
        Assert.InRange(d.TotalSeconds, 20, 30.5);
    }

    [Fact]
    public void Retry_After_parsing()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.ParseRetryAfter("3", now));
        Assert.Equal(TimeSpan.FromSeconds(90), RetryPolicy.ParseRetryAfter(now.AddSeconds(90).ToString("r"), now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.ParseRetryAfter(now.AddSeconds(-90).ToString("r"), now));
        Assert.Null(RetryPolicy.ParseRetryAfter("soon", now));
        Assert.Null(RetryPolicy.ParseRetryAfter(null, now));
    }

    [Fact]
    public async Task Without_Retry_After_the_back_off_grows_exponentially_with_jitter()
    {
        var retry = new RetryOptions { BaseBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(10), MaxAttempts = 5 };
        var t = new HttpUnderTest(Sequence(() => Status(503), () => Status(503), () => Status(503), () => Status(503)), retry);
        await t.Send(HttpMethod.Get);
        Assert.Equal(4, t.Delays.Count);
        for (int i = 0; i < 4; i++)
        {
            var full = 100 * Math.Pow(2, i);
            Assert.InRange(t.Delays[i].TotalMilliseconds, full / 2, full);
        }
    }

    [Fact]
    public async Task The_back_off_is_capped()
    {
        var retry = new RetryOptions { BaseBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(2), MaxAttempts = 6 };
        var t = new HttpUnderTest(Sequence(() => Status(503), () => Status(503), () => Status(503), () => Status(503), () => Status(503)), retry);
        await t.Send(HttpMethod.Get);
        Assert.All(t.Delays, d => Assert.True(d <= TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task A_POST_is_not_resent_after_a_dropped_connection_and_is_marked_ambiguous()
    {
        var handler = new FakeHandler((_, _, _) => throw new HttpRequestException("Connection reset by peer"));
        var t = new HttpUnderTest(handler);
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => t.Send(HttpMethod.Post, body: "{\"label\":\"x\"}"));
        Assert.True(ex.IsAmbiguous);
        Assert.True(ex.IsConnectionFailure);
        Assert.Equal(1, ex.Attempts);
        Assert.Single(handler.Requests);
        Assert.Empty(t.Delays);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Idempotent_methods_are_retried_after_a_dropped_connection(string method)
    {
        var handler = new FakeHandler((_, _, n) => n == 1 ? throw new HttpRequestException("Connection reset by peer") : FakeHandler.Json(200, "{}"));
        var t = new HttpUnderTest(handler);
        var resp = await t.Send(new HttpMethod(method), body: method == "GET" ? null : "{}");
        Assert.Equal(200, resp.StatusCode);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Single(t.Delays);
    }

    [Fact]
    public async Task MaxAttempts_is_respected()
    {
        var handler = new FakeHandler((_, _, _) => Status(503));
        var t = new HttpUnderTest(handler, new RetryOptions { MaxAttempts = 3 });
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => t.Send(HttpMethod.Get));
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(3, ex.Attempts);
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(2, t.Delays.Count);
    }

    [Fact]
    public async Task MaxRetryTime_is_respected()
    {
        var handler = new FakeHandler((_, _, _) => Status(429, ("Retry-After", "120")));
        var t = new HttpUnderTest(handler, new RetryOptions { MaxRetryTime = TimeSpan.FromSeconds(30) });
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => t.Send(HttpMethod.Get));
        Assert.Equal(429, ex.StatusCode);
        Assert.Single(handler.Requests);
        Assert.Empty(t.Delays);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(400)]
    [InlineData(404)]
    public async Task Final_statuses_are_not_retried(int status)
    {
        var handler = new FakeHandler((_, _, _) => Status(status));
        var t = new HttpUnderTest(handler);
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => t.Send(HttpMethod.Get));
        Assert.Equal(status, ex.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public void Gateway_errors_are_retried_only_for_idempotent_methods()
    {
        Assert.True(RetryPolicy.ShouldRetryStatus(HttpMethod.Get, 502));
        Assert.True(RetryPolicy.ShouldRetryStatus(HttpMethod.Delete, 504));
        Assert.False(RetryPolicy.ShouldRetryStatus(HttpMethod.Post, 502));
        Assert.True(RetryPolicy.ShouldRetryStatus(HttpMethod.Post, 429));
        Assert.False(RetryPolicy.ShouldRetryStatus(HttpMethod.Get, 500));
    }

    [Fact]
    public async Task Each_retry_is_written_to_the_verbose_stream()
    {
        var sink = new RecordingSink();
        DbxLog.Current = sink;
        try
        {
            var t = new HttpUnderTest(Sequence(() => Status(503, ("Retry-After", "1"))));
            await t.Send(HttpMethod.Get);
        }
        finally { DbxLog.Current = null; }
        Assert.Contains(sink.Verbose, l => l.Contains("retry 1 of") && l.Contains("HTTP 503") && l.Contains("Retry-After"));
    }

    [Fact]
    public async Task The_workspace_id_goes_into_X_Databricks_Workspace_Id_and_the_legacy_Org_Id_is_not_sent()
    {
        // databricks-sdk-go v0.140.0 moved unified-host routing to X-Databricks-Workspace-Id and stopped sending X-Databricks-Org-Id.
        var handler = new FakeHandler((_, _, _) => FakeHandler.Json(200, "{}"));
        var t = new HttpUnderTest(handler);
        await t.Http.SendAsync(new DbxRequest(HttpMethod.Get, "/api/2.0/workspace-conf") { WorkspaceId = 1111111111111111 }, CancellationToken.None);
        var headers = handler.Requests.Single().Headers;
        Assert.Equal("1111111111111111", headers["X-Databricks-Workspace-Id"]);
        Assert.False(headers.ContainsKey("X-Databricks-Org-Id"));
    }
}

public sealed class RecordingSink : IDbxLogSink
{
    public List<string> Verbose { get; } = new();
    public List<string> Debug { get; } = new();
    void IDbxLogSink.Verbose(string message) { lock (Verbose) Verbose.Add(message); }
    void IDbxLogSink.Debug(string message) { lock (Debug) Debug.Add(message); }
    public void Warning(string message) { lock (Verbose) Verbose.Add(message); }
}

/// <summary>Paging stops when the consumer stops; hosts are https except loopback; secrets are masked.</summary>
public class FoundationClientTests
{
    private static Func<string?, Page<int>> Pages(int pages, int perPage, List<string?> asked) => token =>
    {
        asked.Add(token);
        var n = token == null ? 0 : int.Parse(token);
        var items = Enumerable.Range(n * perPage, perPage).ToList();
        return new Page<int>(items, n + 1 < pages ? (n + 1).ToString() : null);
    };

    [Fact]
    public void First_fetches_one_page()
    {
        var asked = new List<string?>();
        Assert.Equal(0, Paging.Enumerate(Pages(5, 3, asked)).First());
        Assert.Single(asked);
    }

    [Fact]
    public void Pages_are_fetched_only_as_far_as_the_consumer_reads()
    {
        var asked = new List<string?>();
        Assert.Equal(new[] { 0, 1, 2, 3 }, Paging.Enumerate(Pages(5, 3, asked)).Take(4).ToArray());
        Assert.Equal(new string?[] { null, "1" }, asked);
        asked.Clear();
        Assert.Equal(15, Paging.Enumerate(Pages(5, 3, asked)).Count());
        Assert.Equal(5, asked.Count);
    }

    [Fact]
    public void An_empty_next_page_token_ends_the_list()
    {
        var calls = 0;
        var all = Paging.Enumerate<int>(_ => { calls++; return new Page<int>(new[] { 1 }, ""); }).ToList();
        Assert.Single(all);
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8089", "http://127.0.0.1:8089/")]
    [InlineData("http://localhost:1234/some/path", "http://localhost:1234/")]
    [InlineData("http://[::1]:5000", "http://[::1]:5000/")]
    [InlineData("https://accounts.cloud.databricks.com", "https://accounts.cloud.databricks.com/")]
    [InlineData("dbc-1234.cloud.databricks.com", "https://dbc-1234.cloud.databricks.com/")]
    public void Valid_hosts(string input, string expected) => Assert.Equal(expected, ContextFactory.ValidateHost(input).ToString());

    [Theory]
    [InlineData("http://accounts.cloud.databricks.com", "DbxInsecureHost")]
    [InlineData("http://10.0.0.5:8080", "DbxInsecureHost")]
    [InlineData("ftp://example.com", "DbxInvalidHost")]
    [InlineData("", "DbxInvalidHost")]
    [InlineData("https://", "DbxInvalidHost")]
    public void Invalid_hosts(string input, string errorId)
    {
        var ex = Assert.Throws<ConfigResolutionException>(() => ContextFactory.ValidateHost(input));
        Assert.Equal(errorId, ex.ErrorId);
    }

    [Fact]
    public void Contexts_refuse_plain_http_to_a_remote_host()
    {
        var cfg = ConfigResolver.Resolve(new Dictionary<string, string?> { ["host"] = "http://dbc-1.cloud.databricks.com", ["token"] = "dapi-x-123456" }, null, _ => null, _ => null);
        var ex = Assert.Throws<ConfigResolutionException>(() => ContextFactory.Create(DbxScope.Workspace, cfg, null));
        Assert.Equal("DbxInsecureHost", ex.ErrorId);
    }

    [Fact]
    public void Unified_and_accounts_hosts_are_told_apart()
    {
        Assert.True(ContextFactory.IsAccountsHost(new Uri("https://accounts.cloud.databricks.com")));
        Assert.True(ContextFactory.IsAccountsHost(new Uri("https://accounts-dod.cloud.databricks.mil")));
        Assert.False(ContextFactory.IsAccountsHost(new Uri("http://127.0.0.1:8089")));
        var cfg = ConfigResolver.Resolve(new Dictionary<string, string?>
        {
            ["host"] = "http://127.0.0.1:8089", ["account_id"] = "11111111-2222-4333-8444-555555555555", ["client_id"] = "c", ["client_secret"] = "s-123456",
        }, null, _ => null, _ => null);
        var ctx = ContextFactory.Create(DbxScope.Account, cfg, null);
        Assert.True(ctx.IsUnifiedHost);
        Assert.Equal("http://127.0.0.1:8089", ctx.Host);
    }

    [Fact]
    public void Registered_secrets_are_masked_in_log_lines_and_error_messages()
    {
        const string secret = "sentinel-secret-7c1e4b0a";
        SecretRegistry.Register(secret);
        Assert.Equal("token *** rejected", SecretRegistry.Redact($"token {secret} rejected"));
        var sink = new RecordingSink();
        DbxLog.Current = sink;
        try { DbxLog.Verbose("sending " + secret); DbxLog.Debug("body " + secret); }
        finally { DbxLog.Current = null; }
        Assert.DoesNotContain(sink.Verbose.Concat(sink.Debug), l => l.Contains(secret));
    }

    [Fact]
    public async Task Secrets_echoed_by_the_service_are_masked_in_exceptions()
    {
        const string token = "dapi-echoed-secret-99887766";
        var handler = new FakeHandler((_, _, _) => FakeHandler.Json(400, $"{{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"bad token {token}\"}}"));
        var t = new HttpUnderTest(handler, credentials: new PatCredentialProvider(token));
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => t.Send(HttpMethod.Get));
        Assert.DoesNotContain(token, ex.Message);
        Assert.Equal("Bearer " + token, handler.Requests.Single().Headers["Authorization"]);
    }

    [Fact]
    public void Short_values_are_not_registered_as_secrets()
    {
        SecretRegistry.Register("abc");
        Assert.Equal("abc def", SecretRegistry.Redact("abc def"));
    }
}

/// <summary>Reaching a workspace through an accounts host: the workspace URL comes from the template; failures are not cached.</summary>
public class FoundationWorkspaceRoutingTests
{
    [Fact]
    public async Task A_failed_workspace_lookup_is_retried_on_the_next_call()
    {
        int lookups = 0;
        var handler = new FakeHandler((req, _, _) =>
        {
            if (req.RequestUri!.AbsolutePath.EndsWith("/workspaces/1234", StringComparison.Ordinal))
                return Interlocked.Increment(ref lookups) == 1
                    ? FakeHandler.Json(404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"not yet\"}")
                    : FakeHandler.Json(200, "{\"workspace_id\":1234,\"deployment_name\":\"dbc-abc\"}");
            if (req.RequestUri!.AbsolutePath.EndsWith("/v1/token", StringComparison.Ordinal))
                return FakeHandler.Json(200, "{\"access_token\":\"routing-test-access\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
            return FakeHandler.Json(200, "{}");
        });
        // OAuth client credentials: the only credential that may mint a token at a workspace host reached from an accounts host.
        var cfg = ConfigResolver.Resolve(new Dictionary<string, string?>
        {
            ["host"] = "https://accounts.cloud.databricks.com", ["account_id"] = "11111111-2222-4333-8444-555555555555",
            ["client_id"] = "routing-client", ["client_secret"] = "routing-secret-0001",
        }, null, _ => null, _ => null);
        var ctx = ContextFactory.Create(DbxScope.Account, cfg, null, invoker: new HttpMessageInvoker(handler));
        Assert.False(ctx.IsUnifiedHost);
        await Assert.ThrowsAsync<DbxApiException>(() => ctx.Client.ForWorkspaceAsync(1234, CancellationToken.None));
        var ws = await ctx.Client.ForWorkspaceAsync(1234, CancellationToken.None);
        Assert.Equal(new Uri("https://dbc-abc.cloud.databricks.com/"), ws.Http.BaseUri);
        Assert.Same(ws, await ctx.Client.ForWorkspaceAsync(1234, CancellationToken.None));
        Assert.Equal(2, lookups);
    }
}
