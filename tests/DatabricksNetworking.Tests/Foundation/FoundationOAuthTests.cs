using System.Net.Http;
using System.Text;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Tests.Foundation;

/// <summary>OAuth M2M: the token is fetched once, renewed shortly before expiry and fetched again once on a 401.</summary>
public class FoundationOAuthTests
{
    private static readonly Uri TokenEndpoint = new("https://accounts.cloud.databricks.com/oidc/accounts/11111111-2222-4333-8444-555555555555/v1/token");

    private sealed class Clock
    {
        public DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public DateTimeOffset Get() => Now;
    }

    private static FakeHandler TokenServer(Func<int, HttpResponseMessage>? api = null)
    {
        int tokens = 0, apiCalls = 0;
        return new FakeHandler((req, body, n) =>
        {
            if (req.RequestUri!.AbsolutePath.EndsWith("/v1/token", StringComparison.Ordinal))
                return FakeHandler.Token("access-" + Interlocked.Increment(ref tokens));
            var call = Interlocked.Increment(ref apiCalls);
            return api != null ? api(call) : FakeHandler.Json(200, "[]");
        });
    }

    [Fact]
    public async Task One_token_serves_many_calls()
    {
        var handler = TokenServer();
        var clock = new Clock();
        var p = new OAuthM2MCredentialProvider(TokenEndpoint, "cid", "csecret-oauth-1", new HttpMessageInvoker(handler), clock.Get);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("Bearer access-1", await p.GetAuthorizationAsync(false, CancellationToken.None));
            clock.Now += TimeSpan.FromSeconds(60);
        }
        Assert.Equal(1, p.TokensFetched);
        Assert.Equal(1, handler.Count("/oidc/"));
    }

    [Fact]
    public async Task The_token_request_is_a_client_credentials_grant_with_basic_auth_and_all_apis()
    {
        var handler = TokenServer();
        var p = new OAuthM2MCredentialProvider(TokenEndpoint, "cid", "csecret-oauth-2", new HttpMessageInvoker(handler));
        await p.GetAuthorizationAsync(false, CancellationToken.None);
        var r = handler.Requests.Single();
        Assert.Equal(HttpMethod.Post, r.Method);
        Assert.Equal(TokenEndpoint, r.Uri);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("cid:csecret-oauth-2")), r.Headers["Authorization"]);
        Assert.Contains("grant_type=client_credentials", r.Body);
        Assert.Contains("scope=all-apis", r.Body);
    }

    [Fact]
    public async Task The_token_is_renewed_shortly_before_it_expires()
    {
        var handler = TokenServer();
        var clock = new Clock();
        var p = new OAuthM2MCredentialProvider(TokenEndpoint, "cid", "csecret-oauth-3", new HttpMessageInvoker(handler), clock.Get);
        var start = clock.Now;
        await p.GetAuthorizationAsync(false, CancellationToken.None);
        clock.Now = start + TimeSpan.FromSeconds(3600) - OAuthM2MCredentialProvider.RefreshMargin - TimeSpan.FromSeconds(1);
        Assert.Equal("Bearer access-1", await p.GetAuthorizationAsync(false, CancellationToken.None));
        clock.Now = start + TimeSpan.FromSeconds(3600) - OAuthM2MCredentialProvider.RefreshMargin + TimeSpan.FromSeconds(1);
        Assert.Equal("Bearer access-2", await p.GetAuthorizationAsync(false, CancellationToken.None));
        Assert.Equal(2, p.TokensFetched);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_fetch()
    {
        var handler = TokenServer();
        var p = new OAuthM2MCredentialProvider(TokenEndpoint, "cid", "csecret-oauth-4", new HttpMessageInvoker(handler));
        var all = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => p.GetAuthorizationAsync(false, CancellationToken.None))));
        Assert.All(all, h => Assert.Equal("Bearer access-1", h));
        Assert.Equal(1, p.TokensFetched);
    }

    [Fact]
    public async Task A_401_fetches_exactly_one_new_token_and_retries_once()
    {
        var handler = TokenServer(call => call == 1 ? FakeHandler.Json(401, "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"expired\"}") : FakeHandler.Json(200, "[]"));
        var p = new OAuthM2MCredentialProvider(TokenEndpoint, "cid", "csecret-oauth-5", new HttpMessageInvoker(handler));
        var t = new HttpUnderTest(handler, credentials: p);
        var resp = await t.Send(HttpMethod.Get);
        Assert.Equal(200, resp.StatusCode);
        Assert.Equal(2, p.TokensFetched);
        var api = handler.Requests.Where(r => r.Uri.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        Assert.Equal("Bearer access-1", api[0].Headers["Authorization"]);
        Assert.Equal("Bearer access-2", api[1].Headers["Authorization"]);
    }

    [Fact]
    public async Task A_second_401_is_final()
    {
        var handler = TokenServer(_ => FakeHandler.Json(401, "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"Invalid access token.\"}"));
        var p = new OAuthM2MCredentialProvider(TokenEndpoint, "cid", "csecret-oauth-6", new HttpMessageInvoker(handler));
        var t = new HttpUnderTest(handler, credentials: p);
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => t.Send(HttpMethod.Get));
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("UNAUTHENTICATED", ex.ErrorCode);
        Assert.Equal(2, p.TokensFetched);
        Assert.Equal(2, handler.Count("/api/"));
    }

    [Fact]
    public async Task A_PAT_401_is_not_retried()
    {
        var handler = new FakeHandler((_, _, _) => FakeHandler.Json(401, "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"Invalid access token.\"}"));
        var t = new HttpUnderTest(handler);
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => t.Send(HttpMethod.Get));
        Assert.Equal(401, ex.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_403_invalid_access_token_is_final_and_never_an_OAuth_reauthentication()
    {
        var handler = TokenServer(_ => FakeHandler.Json(403, "{\"error_code\":403,\"message\":\"Invalid access token.\"}"));
        var p = new OAuthM2MCredentialProvider(TokenEndpoint, "cid", "csecret-oauth-7", new HttpMessageInvoker(handler));
        var t = new HttpUnderTest(handler, credentials: p);
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => t.Send(HttpMethod.Get));
        Assert.Equal(403, ex.StatusCode);
        Assert.Equal("DbxApiInvalidAccessToken", Cmdlets.ErrorRecords.ErrorIdFor(ex));
        Assert.Equal(1, p.TokensFetched);
        Assert.Equal(1, handler.Count("/api/"));
    }

    [Fact]
    public async Task A_refused_client_is_an_authentication_error_without_the_secret()
    {
        var handler = new FakeHandler((_, _, _) => FakeHandler.Json(401, "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}"));
        var p = new OAuthM2MCredentialProvider(TokenEndpoint, "cid", "csecret-oauth-7", new HttpMessageInvoker(handler));
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => p.GetAuthorizationAsync(false, CancellationToken.None));
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("invalid_client", ex.ErrorCode);
        Assert.Contains("Client authentication failed", ex.Message);
        Assert.DoesNotContain("csecret-oauth-7", ex.Message);
    }
}
