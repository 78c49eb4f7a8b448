using System.Net;
using Microsoft.AspNetCore.Builder;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;
using DatabricksNetworking.Emulator.Areas;

namespace DatabricksNetworking.Tests;

/// <summary>An in-process emulator per test class (each test uses its own workspace or cleans up).</summary>
public sealed class IpAccessEmulatorFixture : IAsyncLifetime
{
    public const string AccountId = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";
    public const string Token = "dapidemoaccount000000000000000000001";
    private WebApplication? app;
    public string Url { get; private set; } = "";
    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        var (a, _) = EmulatorHost.Build(new EmulatorOptions { Port = 0, Quiet = true, TrustForwardedFor = true });
        app = a;
        await app.StartAsync();
        Url = EmulatorHost.Url(app);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (app != null) await app.DisposeAsync();
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> Send(string method, string path, object? body = null, long? workspace = null, string? from = null)
    {
        using var req = new HttpRequestMessage(new HttpMethod(method), Url + path);
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (workspace.HasValue) req.Headers.Add("X-Databricks-Org-Id", workspace.Value.ToString());
        if (from != null) req.Headers.Add("X-Forwarded-For", from);
        if (body != null) req.Content = new StringContent(body as string ?? System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var resp = await Http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        return (resp.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static string Acct(string rest) => $"/api/2.0/accounts/{AccountId}/{rest}";
}

public class IpAccessEmulatorTests : IClassFixture<IpAccessEmulatorFixture>
{
    private readonly IpAccessEmulatorFixture e;
    public IpAccessEmulatorTests(IpAccessEmulatorFixture fixture) { e = fixture; }

    [Fact]
    public async Task Create_wraps_and_fills_the_service_fields()
    {
        const long ws = 1111111111111111;
        var (status, body) = await e.Send("POST", "/api/2.0/ip-access-lists", new { label = "office", list_type = "BLOCK", ip_addresses = new[] { "192.0.2.0/24", "198.51.100.7" } }, ws);
        Assert.Equal(HttpStatusCode.OK, status);
        var l = body!["ip_access_list"]!;
        Assert.Equal(2, (int)l["address_count"]!);
        Assert.True((bool)l["enabled"]!);
        Assert.Equal(7000L, (long)l["created_by"]!);
        Assert.Equal(7000L, (long)l["updated_by"]!);
        Assert.True((long)l["created_at"]! > 0);
        var id = (string)l["list_id"]!;

        var (_, list) = await e.Send("GET", "/api/2.0/ip-access-lists", workspace: ws);
        Assert.Contains(list!["ip_access_lists"]!.AsArray(), x => (string)x!["list_id"]! == id);
        var (ps, patched) = await e.Send("PATCH", "/api/2.0/ip-access-lists/" + id, new { enabled = false, list_id = "ignored" }, ws);
        Assert.Equal(HttpStatusCode.OK, ps);
        Assert.False((bool)patched!["ip_access_list"]!["enabled"]!);
        Assert.Equal("office", (string)patched["ip_access_list"]!["label"]!);
        Assert.Equal(HttpStatusCode.OK, (await e.Send("DELETE", "/api/2.0/ip-access-lists/" + id, workspace: ws)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await e.Send("GET", "/api/2.0/ip-access-lists/" + id, workspace: ws)).Status);
    }

    [Theory]
    [InlineData("{\"list_type\":\"BLOCK\"}", "label")]
    [InlineData("{\"label\":\"x\"}", "list_type")]
    [InlineData("{\"label\":\"x\",\"list_type\":\"DENY\"}", "ALLOW or BLOCK")]
    [InlineData("{\"label\":\"x\",\"list_type\":\"BLOCK\",\"ip_addresses\":[\"10.0.0.1/33\"]}", "10.0.0.1/33")]
    [InlineData("{\"label\":\"x\",\"list_type\":\"BLOCK\",\"ip_addresses\":[\"10.0.0.1/024\"]}", "10.0.0.1/024")]
    [InlineData("{\"label\":\"x\",\"list_type\":\"BLOCK\",\"ip_addresses\":[\"::1\"]}", "::1")]
    public async Task Create_refuses_bad_bodies(string json, string says)
    {
        var (status, body) = await e.Send("POST", "/api/2.0/ip-access-lists", json, 2222222222222222);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body!["error_code"]!);
        Assert.Contains(says, (string)body["message"]!);
    }

    [Fact]
    public async Task Create_keeps_host_bits_as_sent_and_enforces_the_network()
    {
        var (status, body) = await e.Send("POST", "/api/2.0/ip-access-lists", new { label = "docs", list_type = "BLOCK", ip_addresses = new[] { "2.2.2.2/21", "198.51.100.7/32" } }, 2222222222222222);
        Assert.Equal(HttpStatusCode.OK, status);
        var stored = body!["ip_access_list"]!["ip_addresses"]!.AsArray().Select(x => (string)x!).ToArray();
        Assert.Equal(new[] { "2.2.2.2/21", "198.51.100.7/32" }, stored);
        Assert.True(IpAccessRules.TryParse("2.2.2.2/21", out var net));
        Assert.Equal("2.2.0.0/21", net.ToString());
        var list = new System.Text.Json.Nodes.JsonObject { ["list_type"] = "BLOCK", ["enabled"] = true, ["ip_addresses"] = new System.Text.Json.Nodes.JsonArray("2.2.2.2/21") };
        Assert.False(IpAccessRules.Allows(new[] { list }, IPAddress.Parse("2.2.7.1")));
        Assert.True(IpAccessRules.Allows(new[] { list }, IPAddress.Parse("2.2.8.1")));
    }

    [Fact]
    public async Task Put_needs_every_field()
    {
        const long ws = 2222222222222222;
        var (_, c) = await e.Send("POST", "/api/2.0/ip-access-lists", new { label = "p", list_type = "BLOCK" }, ws);
        var id = (string)c!["ip_access_list"]!["list_id"]!;
        var (status, body) = await e.Send("PUT", "/api/2.0/ip-access-lists/" + id, new { label = "p", list_type = "BLOCK" }, ws);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("enabled", (string)body!["message"]!);
        var (ok, put) = await e.Send("PUT", "/api/2.0/ip-access-lists/" + id, new { label = "q", list_type = "BLOCK", enabled = true, ip_addresses = new[] { "192.0.2.1" } }, ws);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(1, (int)put!["ip_access_list"]!["address_count"]!);
        await e.Send("DELETE", "/api/2.0/ip-access-lists/" + id, workspace: ws);
    }

    [Fact]
    public async Task Quota_of_1000_values_across_all_lists()
    {
        var acct = IpAccessEmulatorFixture.Acct("ip-access-lists");
        var values = Enumerable.Range(0, 1000).Select(i => $"198.18.{i / 256}.{i % 256}").ToArray();
        var (s1, c) = await e.Send("POST", acct, new { label = "big", list_type = "BLOCK", ip_addresses = values });
        Assert.Equal(HttpStatusCode.OK, s1);
        var (s2, err) = await e.Send("POST", acct, new { label = "one", list_type = "BLOCK", ip_addresses = new[] { "192.0.2.1" } });
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Equal("QUOTA_EXCEEDED", (string)err!["error_code"]!);
        var id = (string)c!["ip_access_list"]!["list_id"]!;
        var (s3, _) = await e.Send("PATCH", acct + "/" + id, new { ip_addresses = values.Append("192.0.2.1").ToArray() });
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        await e.Send("DELETE", acct + "/" + id);
    }

    [Fact]
    public async Task Refuses_a_change_that_blocks_the_callers_own_address()
    {
        const long ws = 3333333333333333;
        var (s, err) = await e.Send("POST", "/api/2.0/ip-access-lists", new { label = "a", list_type = "ALLOW", ip_addresses = new[] { "10.0.0.0/8" } }, ws, from: "192.0.2.1");
        Assert.Equal(HttpStatusCode.BadRequest, s);
        Assert.Equal("INVALID_STATE", (string)err!["error_code"]!);
        Assert.Contains("192.0.2.1", (string)err["message"]!);
        var (ok, _) = await e.Send("POST", "/api/2.0/ip-access-lists", new { label = "b", list_type = "BLOCK", ip_addresses = new[] { "10.0.0.0/8" } }, ws, from: "192.0.2.1");
        Assert.Equal(HttpStatusCode.OK, ok);
        var (_, lists) = await e.Send("GET", "/api/2.0/ip-access-lists", workspace: ws);
        foreach (var l in lists!["ip_access_lists"]!.AsArray())
            await e.Send("DELETE", "/api/2.0/ip-access-lists/" + (string)l!["list_id"]!, workspace: ws);
    }

    [Fact]
    public async Task Enforces_workspace_lists_only_when_the_feature_is_on()
    {
        const long ws = 1111111111111111;
        var (_, c) = await e.Send("POST", "/api/2.0/ip-access-lists", new { label = "allow", list_type = "ALLOW", ip_addresses = new[] { "127.0.0.1", "10.0.0.0/8" } }, ws);
        var id = (string)c!["ip_access_list"]!["list_id"]!;
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await e.Send("GET", "/api/2.0/ip-access-lists", workspace: ws, from: "192.0.2.1")).Status);
            Assert.Equal(HttpStatusCode.NoContent, (await e.Send("PATCH", "/api/2.0/workspace-conf", new { enableIpAccessLists = "true" }, ws)).Status);
            var (blocked, body) = await e.Send("GET", "/api/2.0/ip-access-lists", workspace: ws, from: "192.0.2.1");
            Assert.Equal(HttpStatusCode.Forbidden, blocked);
            Assert.Contains("192.0.2.1 is blocked by Databricks IP ACL", (string)body!["message"]!);
            Assert.NotNull(body["details"]);
            Assert.Equal(HttpStatusCode.OK, (await e.Send("GET", "/api/2.0/ip-access-lists", workspace: ws, from: "10.9.8.7")).Status);
            // Nothing is exempt: the blocked caller cannot turn the feature off either.
            Assert.Equal(HttpStatusCode.Forbidden, (await e.Send("PATCH", "/api/2.0/workspace-conf", new { enableIpAccessLists = "false" }, ws, from: "192.0.2.1")).Status);
        }
        finally
        {
            await e.Send("PATCH", "/api/2.0/workspace-conf", new { enableIpAccessLists = "false" }, ws);
            await e.Send("DELETE", "/api/2.0/ip-access-lists/" + id, workspace: ws);
        }
    }

    [Fact]
    public async Task Account_switch_defaults_on_with_etag_conflicts_and_revert()
    {
        var path = IpAccessEmulatorFixture.Acct("settings/types/acct_ip_acl_enable/names/default");
        var (_, got) = await e.Send("GET", path);
        Assert.True((bool)got!["acct_ip_acl_enable"]!["value"]!);
        Assert.Equal("default", (string)got["setting_name"]!);
        var etag = (string)got["etag"]!;
        var (s1, off) = await e.Send("PATCH", path, new { allow_missing = true, field_mask = "acct_ip_acl_enable.value", setting = new { acct_ip_acl_enable = new { value = false }, etag } });
        Assert.Equal(HttpStatusCode.OK, s1);
        Assert.False((bool)off!["acct_ip_acl_enable"]!["value"]!);
        Assert.NotEqual(etag, (string)off["etag"]!);
        var (s2, conflict) = await e.Send("PATCH", path, new { allow_missing = true, field_mask = "acct_ip_acl_enable.value", setting = new { acct_ip_acl_enable = new { value = true }, etag } });
        Assert.Equal(HttpStatusCode.Conflict, s2);
        Assert.Equal("ABORTED", (string)conflict!["error_code"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await e.Send("PATCH", path, new { setting = new { acct_ip_acl_enable = new { value = true } } })).Status);
        var (s3, deleted) = await e.Send("DELETE", path);
        Assert.Equal(HttpStatusCode.OK, s3);
        Assert.NotNull(deleted!["etag"]);
        Assert.True((bool)(await e.Send("GET", path)).Body!["acct_ip_acl_enable"]!["value"]!);
    }

    [Fact]
    public async Task Account_lists_are_enforced_by_default()
    {
        var acct = IpAccessEmulatorFixture.Acct("ip-access-lists");
        var (_, c) = await e.Send("POST", acct, new { label = "b", list_type = "BLOCK", ip_addresses = new[] { "203.0.113.0/24" } });
        var id = (string)c!["ip_access_list"]!["list_id"]!;
        try
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await e.Send("GET", IpAccessEmulatorFixture.Acct("workspaces"), from: "203.0.113.9")).Status);
            Assert.Equal(HttpStatusCode.OK, (await e.Send("GET", IpAccessEmulatorFixture.Acct("workspaces"), from: "192.0.2.9")).Status);
            // Workspace calls are governed by the workspace's lists, not the account's.
            Assert.Equal(HttpStatusCode.OK, (await e.Send("GET", "/api/2.0/ip-access-lists", workspace: 2222222222222222, from: "203.0.113.9")).Status);
        }
        finally { await e.Send("DELETE", acct + "/" + id); }
    }
}

/// <summary>The account switch's read-then-write: an etag conflict is read again and retried once.</summary>
public class IpAccessClientTests : IClassFixture<IpAccessEmulatorFixture>
{
    private readonly IpAccessEmulatorFixture e;
    public IpAccessClientTests(IpAccessEmulatorFixture fixture) { e = fixture; }

    /// <summary>Before the first PATCH it goes through, another writer changes the setting (so the etag is stale).</summary>
    private sealed class InterferingHandler : DelegatingHandler
    {
        private readonly Func<Task> interfere;
        public int Patches;
        public InterferingHandler(Func<Task> interfere) : base(new HttpClientHandler()) { this.interfere = interfere; }
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Method.Method == "PATCH" && Interlocked.Increment(ref Patches) == 1) await interfere();
            return await base.SendAsync(request, ct);
        }
    }

    [Fact]
    public async Task Set_retries_once_after_an_etag_conflict()
    {
        var path = IpAccessEmulatorFixture.Acct("settings/types/acct_ip_acl_enable/names/default");
        var handler = new InterferingHandler(async () =>
        {
            var etag = (string)(await e.Send("GET", path)).Body!["etag"]!;
            await e.Send("PATCH", path, new { allow_missing = true, field_mask = "acct_ip_acl_enable.value", setting = new { acct_ip_acl_enable = new { value = true }, etag } });
        });
        var http = new DbxHttp(new Uri(e.Url), new PatCredentialProvider(IpAccessEmulatorFixture.Token), new RetryOptions(), new HttpMessageInvoker(handler));
        var client = new DbxClient(http, DbxScope.Account, IpAccessEmulatorFixture.AccountId, null, true, "https://{deployment_name}.cloud.databricks.com");
        var result = await new AccountSettingsApi(client).SetIpAclEnableAsync(false, CancellationToken.None);
        Assert.False(result.AcctIpAclEnable!.Value);
        Assert.Equal(2, handler.Patches);
        Assert.False((bool)(await e.Send("GET", path)).Body!["acct_ip_acl_enable"]!["value"]!);
        await e.Send("DELETE", path);
    }

    [Fact]
    public async Task Lists_api_reads_wrappers_and_marks_the_scope()
    {
        var http = new DbxHttp(new Uri(e.Url), new PatCredentialProvider(IpAccessEmulatorFixture.Token), new RetryOptions());
        var account = new DbxClient(http, DbxScope.Account, IpAccessEmulatorFixture.AccountId, null, true, "https://{deployment_name}.cloud.databricks.com");
        var ws = await account.ForWorkspaceAsync(3333333333333333, CancellationToken.None);
        var api = new IpAccessListsApi(ws, false);
        var created = await api.CreateAsync("c", "BLOCK", new List<string> { "192.0.2.1" }, CancellationToken.None);
        Assert.Equal(3333333333333333, created.WorkspaceId);
        var replaced = await api.ReplaceAsync(created.ListId!, "c2", "BLOCK", false, new List<string> { "192.0.2.2" }, CancellationToken.None);
        Assert.Equal("c2", replaced.Label);
        Assert.False(replaced.Enabled);
        Assert.Contains(await api.ListAsync(CancellationToken.None), l => l.ListId == created.ListId && l.Scope == "Workspace");
        await api.DeleteAsync(created.ListId!, CancellationToken.None);
        Assert.DoesNotContain(await api.ListAsync(CancellationToken.None), l => l.ListId == created.ListId);
        var acctApi = new IpAccessListsApi(account, true);
        Assert.Null(acctApi.WorkspaceId);
    }
}
