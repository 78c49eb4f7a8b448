using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;
using Microsoft.AspNetCore.Builder;

namespace DatabricksNetworking.Tests.Foundation;

/// <summary>An emulator in this process on a free loopback port.</summary>
public sealed class InProcessEmulator : IAsyncDisposable
{
    public const string AccountId = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";
    public const string ClientId = "9f1e2d3c-4b5a-4968-8776-655443322110";
    public const string ClientSecret = "dosedemo0123456789abcdef0123456789ab";
    public const string AccountToken = "dapidemoaccount000000000000000000001";
    public const string WorkspaceToken = "dapidemoworkspace0000000000000000001";
    public const string OtherAccountId = "c0ffee00-1111-4222-8333-444455556666";
    public const string OtherClientId = "0a0b0c0d-1e1f-4a2b-8c3d-4e5f60718293";
    public const string OtherSecret = "doseother0123456789abcdef012345678";

    private InProcessEmulator(WebApplication app, EmulatorServices services, string url)
    {
        App = app; Services = services; Url = url;
        Http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(url) };
        // The /_emulator control routes need the run's admin token; every request of these tests may call them.
        Http.DefaultRequestHeaders.Add(EmulatorOptions.AdminTokenHeader, services.Options.AdminToken);
    }

    public WebApplication App { get; }
    public EmulatorServices Services { get; }
    public string Url { get; }
    public HttpClient Http { get; }

    public static async Task<InProcessEmulator> Start(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Port = 0 };
        configure?.Invoke(options);
        var (app, services) = EmulatorHost.Build(options);
        await app.StartAsync();
        return new InProcessEmulator(app, services, EmulatorHost.Url(app));
    }

    public async Task<string> OAuthToken(string? accountId = null, string clientId = ClientId, string secret = ClientSecret)
    {
        var resp = await TokenRequest($"/oidc/accounts/{accountId ?? AccountId}/v1/token", clientId, secret);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return (string)JsonNode.Parse(await resp.Content.ReadAsStringAsync())!["access_token"]!;
    }

    public Task<HttpResponseMessage> TokenRequest(string path, string clientId, string secret, long? orgId = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "all-apis" }),
        };
        req.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + secret)));
        if (orgId.HasValue) req.Headers.Add("X-Databricks-Org-Id", orgId.Value.ToString());
        return Http.SendAsync(req);
    }

    public Task<HttpResponseMessage> Call(HttpMethod method, string path, string? token, long? orgId = null, string? body = null)
    {
        var req = new HttpRequestMessage(method, path);
        if (token != null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (orgId.HasValue) req.Headers.Add("X-Databricks-Org-Id", orgId.Value.ToString());
        if (body != null) req.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return Http.SendAsync(req);
    }

    public static async Task<JsonObject> ErrorBody(HttpResponseMessage resp, int status, string code)
    {
        Assert.Equal(status, (int)resp.StatusCode);
        Assert.Equal("application/json", resp.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(code, (string?)body["error_code"]);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
        var rid = (string?)body["details"]![0]!["request_id"];
        Assert.Equal(resp.Headers.GetValues("x-request-id").Single(), rid);
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>The emulator's auth, routing, token endpoints, fault knobs and state file, in process.</summary>
public class FoundationEmulatorTests
{
    private const string Workspaces = "/api/2.0/accounts/" + InProcessEmulator.AccountId + "/workspaces";

    [Fact]
    public async Task Missing_and_bad_OAuth_tokens_get_401_and_an_unknown_PAT_the_real_numeric_403()
    {
        await using var emu = await InProcessEmulator.Start();
        var missing = await InProcessEmulator.ErrorBody(await emu.Call(HttpMethod.Get, Workspaces, null), 401, "UNAUTHENTICATED");
        Assert.Contains("Credential was not sent", (string)missing["message"]!);
        // databricks-sdk-go#873/#917: 403, numeric error_code, the message also in X-Databricks-Reason-Phrase.
        var pat = await emu.Call(HttpMethod.Get, Workspaces, "dapi-not-a-token");
        Assert.Equal(HttpStatusCode.Forbidden, pat.StatusCode);
        Assert.Equal("Invalid access token.", pat.Headers.GetValues("X-Databricks-Reason-Phrase").Single());
        var patBody = System.Text.Json.Nodes.JsonNode.Parse(await pat.Content.ReadAsStringAsync())!;
        Assert.Equal(403, (int)patBody["error_code"]!);
        Assert.Equal("Invalid access token.", (string)patBody["message"]!);
        var wrong = await InProcessEmulator.ErrorBody(await emu.Call(HttpMethod.Get, Workspaces, "eyJ-not-an-oauth-token"), 401, "UNAUTHENTICATED");
        Assert.Equal("Invalid access token.", (string)wrong["message"]!);

        var token = await emu.OAuthToken();
        Assert.Equal(HttpStatusCode.OK, (await emu.Call(HttpMethod.Get, Workspaces, token)).StatusCode);
        var expire = await emu.Http.PostAsync("/_emulator/tokens/expire", null);
        Assert.Equal(HttpStatusCode.OK, expire.StatusCode);
        var expired = await InProcessEmulator.ErrorBody(await emu.Call(HttpMethod.Get, Workspaces, token), 401, "UNAUTHENTICATED");
        Assert.Contains("expired", (string)expired["message"]!);
    }

    [Fact]
    public async Task Tokens_expire_with_the_emulator_clock()
    {
        await using var emu = await InProcessEmulator.Start(o => o.TokenTtlSeconds = 600);
        var token = await emu.OAuthToken();
        Assert.Equal(HttpStatusCode.OK, (await emu.Call(HttpMethod.Get, Workspaces, token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await emu.Http.PostAsync("/_emulator/clock/advance?seconds=601", null)).StatusCode);
        await InProcessEmulator.ErrorBody(await emu.Call(HttpMethod.Get, Workspaces, token), 401, "UNAUTHENTICATED");
        // A second emulator in the same process keeps its own clock.
        await using var other = await InProcessEmulator.Start(o => o.TokenTtlSeconds = 600);
        var t2 = await other.OAuthToken();
        Assert.Equal(HttpStatusCode.OK, (await other.Call(HttpMethod.Get, Workspaces, t2)).StatusCode);
    }

    [Fact]
    public async Task A_principal_of_another_account_gets_403()
    {
        await using var emu = await InProcessEmulator.Start();
        var otherToken = await emu.OAuthToken(InProcessEmulator.OtherAccountId, InProcessEmulator.OtherClientId, InProcessEmulator.OtherSecret);
        var body = await InProcessEmulator.ErrorBody(await emu.Call(HttpMethod.Get, Workspaces, otherToken), 403, "PERMISSION_DENIED");
        Assert.Contains(InProcessEmulator.AccountId, (string)body["message"]!);
        await InvalidAccessToOrg(await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=enableIpAccessLists", otherToken, 1111111111111111), 1111111111111111);
    }

    /// <summary>The real answer for a workspace the token cannot reach (databricks-sdk-go#853): numeric code, no details,
    /// the message in X-Databricks-Reason-Phrase too.</summary>
    private static async Task InvalidAccessToOrg(HttpResponseMessage resp, long workspaceId)
    {
        Assert.Equal(403, (int)resp.StatusCode);
        var body = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(System.Text.Json.JsonValueKind.Number, body["error_code"]!.GetValueKind());
        Assert.Equal(403, (int)body["error_code"]!);
        Assert.Equal($"Invalid access to Org: {workspaceId}", (string?)body["message"]);
        Assert.Equal($"Invalid access to Org: {workspaceId}", resp.Headers.GetValues("X-Databricks-Reason-Phrase").Single());
        Assert.False(string.IsNullOrEmpty(resp.Headers.GetValues("x-request-id").Single()));
    }

    [Fact]
    public async Task A_workspace_PAT_works_for_its_workspace_only_and_not_for_account_apis()
    {
        await using var emu = await InProcessEmulator.Start();
        Assert.Equal(HttpStatusCode.OK, (await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=enableIpAccessLists", InProcessEmulator.WorkspaceToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=enableIpAccessLists", InProcessEmulator.WorkspaceToken, 1111111111111111)).StatusCode);
        await InvalidAccessToOrg(await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=enableIpAccessLists", InProcessEmulator.WorkspaceToken, 2222222222222222), 2222222222222222);
        await InProcessEmulator.ErrorBody(await emu.Call(HttpMethod.Get, Workspaces, InProcessEmulator.WorkspaceToken), 403, "PERMISSION_DENIED");
    }

    [Fact]
    public async Task A_workspace_api_call_without_org_id_gets_the_error_body()
    {
        await using var emu = await InProcessEmulator.Start();
        var token = await emu.OAuthToken();
        await InProcessEmulator.ErrorBody(await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=enableIpAccessLists", token), 400, "INVALID_PARAMETER_VALUE");
        await InProcessEmulator.ErrorBody(await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=enableIpAccessLists", token, 9999999999999999), 404, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal(HttpStatusCode.OK, (await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=enableIpAccessLists", token, 2222222222222222)).StatusCode);
    }

    [Fact]
    public async Task Token_endpoints_issue_tokens_and_refuse_wrong_secrets()
    {
        await using var emu = await InProcessEmulator.Start();
        var ok = await emu.TokenRequest($"/oidc/accounts/{InProcessEmulator.AccountId}/v1/token", InProcessEmulator.ClientId, InProcessEmulator.ClientSecret);
        var json = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
        Assert.Equal("Bearer", (string?)json["token_type"]);
        Assert.Equal(3600, (int)json["expires_in"]!);
        Assert.Equal("all-apis", (string?)json["scope"]);

        var wrong = await emu.TokenRequest($"/oidc/accounts/{InProcessEmulator.AccountId}/v1/token", InProcessEmulator.ClientId, "wrong-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("invalid_client", (string?)JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["error"]);

        // The other account's principal cannot get a token from this account's endpoint.
        var foreign = await emu.TokenRequest($"/oidc/accounts/{InProcessEmulator.AccountId}/v1/token", InProcessEmulator.OtherClientId, InProcessEmulator.OtherSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);

        // Workspace token endpoint: the token is bound to that workspace.
        var ws = await emu.TokenRequest("/oidc/v1/token", InProcessEmulator.ClientId, InProcessEmulator.ClientSecret, 2222222222222222);
        Assert.Equal(HttpStatusCode.OK, ws.StatusCode);
        var wsToken = (string)JsonNode.Parse(await ws.Content.ReadAsStringAsync())!["access_token"]!;
        Assert.Equal(HttpStatusCode.OK, (await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=x", wsToken, 2222222222222222)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=x", wsToken, 1111111111111111)).StatusCode);

        // Discovery documents the SDKs read.
        var discovery = JsonNode.Parse(await emu.Http.GetStringAsync($"/oidc/accounts/{InProcessEmulator.AccountId}/.well-known/oauth-authorization-server"))!;
        Assert.Equal($"{emu.Url}/oidc/accounts/{InProcessEmulator.AccountId}/v1/token", (string?)discovery["token_endpoint"]);
        var meta = JsonNode.Parse(await emu.Http.GetStringAsync("/.well-known/databricks-config"))!;
        Assert.Equal("UNIFIED_HOST", (string?)meta["host_type"]);
    }

    private static async Task<List<string>> Outcomes(InProcessEmulator emu, string token, int n)
    {
        var list = new List<string>();
        for (int i = 0; i < n; i++)
        {
            try
            {
                var r = await emu.Call(HttpMethod.Get, Workspaces, token);
                list.Add(((int)r.StatusCode).ToString());
            }
            catch (HttpRequestException) { list.Add("reset"); }
        }
        return list;
    }

    [Fact]
    public async Task Fault_knobs_are_deterministic_under_a_seed()
    {
        List<string> first, second, third;
        await using (var a = await InProcessEmulator.Start(o => { o.FaultRate = 0.5; o.Seed = 42; }))
            first = await Outcomes(a, InProcessEmulator.AccountToken, 30);
        await using (var b = await InProcessEmulator.Start(o => { o.FaultRate = 0.5; o.Seed = 42; }))
            second = await Outcomes(b, InProcessEmulator.AccountToken, 30);
        await using (var c = await InProcessEmulator.Start(o => { o.FaultRate = 0.5; o.Seed = 7; }))
            third = await Outcomes(c, InProcessEmulator.AccountToken, 30);
        Assert.Equal(first, second);
        Assert.NotEqual(first, third);
        Assert.Contains("200", first);
        Assert.Contains("503", first);
        Assert.Contains("reset", first);
    }

    [Fact]
    public async Task The_rate_limit_answers_429_with_Retry_After()
    {
        await using var emu = await InProcessEmulator.Start(o => { o.RateLimit = 2; o.RetryAfterSeconds = 3; });
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 10 && limited == null; i++)
        {
            var r = await emu.Call(HttpMethod.Get, Workspaces, InProcessEmulator.AccountToken);
            if ((int)r.StatusCode == 429) limited = r;
        }
        Assert.NotNull(limited);
        Assert.Equal("3", limited!.Headers.GetValues("Retry-After").Single());
        await InProcessEmulator.ErrorBody(limited, 429, "REQUEST_LIMIT_EXCEEDED");
    }

    [Fact]
    public async Task Drop_after_commit_applies_the_write_but_loses_the_answer()
    {
        await using var emu = await InProcessEmulator.Start(o => o.DropAfterCommitRate = 1.0);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() =>
            emu.Call(HttpMethod.Patch, "/api/2.0/workspace-conf", InProcessEmulator.AccountToken, 1111111111111111, "{\"enableIpAccessLists\":\"true\"}"));
        var get = await emu.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=enableIpAccessLists", InProcessEmulator.AccountToken, 1111111111111111);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("true", (string?)JsonNode.Parse(await get.Content.ReadAsStringAsync())!["enableIpAccessLists"]);
    }

    [Fact]
    public async Task The_state_file_persists_across_restarts()
    {
        var path = Path.Combine(Path.GetTempPath(), "dbx-emu-state-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            await using (var first = await InProcessEmulator.Start(o => o.StateFile = path))
            {
                var r = await first.Call(HttpMethod.Patch, "/api/2.0/workspace-conf", InProcessEmulator.AccountToken, 2222222222222222, "{\"enableIpAccessLists\":\"true\"}");
                Assert.True(r.IsSuccessStatusCode);
            }
            Assert.True(File.Exists(path));
            await using var second = await InProcessEmulator.Start(o => o.StateFile = path);
            var get = await second.Call(HttpMethod.Get, "/api/2.0/workspace-conf?keys=enableIpAccessLists", InProcessEmulator.AccountToken, 2222222222222222);
            Assert.Equal("true", (string?)JsonNode.Parse(await get.Content.ReadAsStringAsync())!["enableIpAccessLists"]);
            // The seed's identities survive too.
            Assert.Equal(HttpStatusCode.OK, (await second.Call(HttpMethod.Get, Workspaces, await second.OAuthToken())).StatusCode);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Workspaces_list_is_a_bare_array_and_get_returns_one()
    {
        await using var emu = await InProcessEmulator.Start();
        var list = JsonNode.Parse(await (await emu.Call(HttpMethod.Get, Workspaces, InProcessEmulator.AccountToken)).Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(new long[] { 1111111111111111, 2222222222222222, 3333333333333333 }, list.Select(w => (long)w!["workspace_id"]!).OrderBy(x => x));
        var one = await emu.Call(HttpMethod.Get, Workspaces + "/2222222222222222", InProcessEmulator.AccountToken);
        Assert.Equal("prod-us", (string?)JsonNode.Parse(await one.Content.ReadAsStringAsync())!["workspace_name"]);
        await InProcessEmulator.ErrorBody(await emu.Call(HttpMethod.Get, Workspaces + "/4444444444444444", InProcessEmulator.AccountToken), 404, "RESOURCE_DOES_NOT_EXIST");
    }
}
