using System.Net;
using Microsoft.AspNetCore.Builder;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Areas;
using DatabricksNetworking.Emulator.Core;
using DatabricksNetworking.Tests.Foundation;

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

    /// <summary>The same requests to another emulator (a test that needs a fresh account setting).</summary>
    public sealed class Direct
    {
        private readonly IpAccessEmulatorFixture inner;
        public Direct(string url) { inner = new IpAccessEmulatorFixture { Url = url }; }
        public Task<(HttpStatusCode Status, JsonNode? Body)> Send(string method, string path, object? body = null, long? workspace = null, string? from = null) =>
            inner.Send(method, path, body, workspace, from);
    }
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
        var (ps, _) = await e.Send("PATCH", "/api/2.0/ip-access-lists/" + id, new { enabled = false, list_id = "ignored" }, ws);
        Assert.Equal(HttpStatusCode.OK, ps);
        var (_, patched) = await e.Send("GET", "/api/2.0/ip-access-lists/" + id, workspace: ws);
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
        var (ok, _) = await e.Send("PUT", "/api/2.0/ip-access-lists/" + id, new { label = "q", list_type = "BLOCK", enabled = true, ip_addresses = new[] { "192.0.2.1" } }, ws);
        Assert.Equal(HttpStatusCode.OK, ok);
        var (_, put) = await e.Send("GET", "/api/2.0/ip-access-lists/" + id, workspace: ws);
        Assert.Equal(1, (int)put!["ip_access_list"]!["address_count"]!);
        await e.Send("DELETE", "/api/2.0/ip-access-lists/" + id, workspace: ws);
    }

    [Fact]
    public async Task Quota_of_1000_values_across_all_lists()
    {
        var acct = IpAccessEmulatorFixture.Acct("ip-access-lists");
        // The quota counts every list of the account, the demo account's seeded BLOCK list included: fill it up to 1000.
        var (_, existing) = await e.Send("GET", acct);
        var used = (existing?["ip_access_lists"]?.AsArray() ?? new JsonArray()).Sum(l => l!["ip_addresses"]?.AsArray().Count ?? 0);
        Assert.True(used > 0, "the demo account seeds an account IP access list");
        var values = Enumerable.Range(0, 1000 - used).Select(i => $"198.18.{i / 256}.{i % 256}").ToArray();
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
        const long ws = 2222222222222222;
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
            // The real block answer: a numeric error_code 403 (not PERMISSION_DENIED) and the workspace named.
            Assert.Equal(System.Text.Json.JsonValueKind.Number, body!["error_code"]!.GetValueKind());
            Assert.Equal(403, (int)body["error_code"]!);
            Assert.StartsWith($"Source IP address: 192.0.2.1 is blocked by Databricks IP ACL for workspace: {ws}", (string)body["message"]!);
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

    private static object SwitchBody(bool value, string? etag) =>
        new { allow_missing = true, field_mask = "acct_ip_acl_enable.value", setting = new { acct_ip_acl_enable = new { value }, etag } };

    private static string? EtagOf(JsonNode? error) =>
        error?["details"]?.AsArray().Select(d => d!["@type"]?.GetValue<string>() == "type.googleapis.com/google.rpc.ErrorInfo" ? (string?)d["metadata"]?["etag"] : null).FirstOrDefault(t => t != null);

    [Fact]
    public async Task Account_switch_speaks_the_settings_etag_protocol_and_reverts_to_never_written()
    {
        await using var emu = await InProcessEmulator.Start(o => o.Quiet = true);
        var own = new IpAccessEmulatorFixture.Direct(emu.Url);
        var path = IpAccessEmulatorFixture.Acct("settings/types/acct_ip_acl_enable/names/default");
        // Never written: GET 404, and a PATCH without the etag 404 NOT_FOUND with the current etag in ErrorInfo.
        var (g0, missing) = await own.Send("GET", path);
        Assert.Equal(HttpStatusCode.NotFound, g0);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (string)missing!["error_code"]!);
        var (p0, nf) = await own.Send("PATCH", path, SwitchBody(false, null));
        Assert.Equal(HttpStatusCode.NotFound, p0);
        Assert.Equal("NOT_FOUND", (string)nf!["error_code"]!);
        var etag0 = EtagOf(nf);
        Assert.False(string.IsNullOrEmpty(etag0));
        // With it, the write goes through and the setting now exists.
        var (p1, off) = await own.Send("PATCH", path, SwitchBody(false, etag0));
        Assert.Equal(HttpStatusCode.OK, p1);
        Assert.False((bool)off!["acct_ip_acl_enable"]!["value"]!);
        var etag1 = (string)off["etag"]!;
        Assert.NotEqual(etag0, etag1);
        Assert.Equal(etag1, (string)(await own.Send("GET", path)).Body!["etag"]!);
        // A stale or missing etag on a written setting: 409 RESOURCE_CONFLICT naming the current etag.
        foreach (var stale in new[] { etag0, null })
        {
            var (c, conflict) = await own.Send("PATCH", path, SwitchBody(true, stale));
            Assert.Equal(HttpStatusCode.Conflict, c);
            Assert.Equal("RESOURCE_CONFLICT", (string)conflict!["error_code"]!);
            Assert.Equal(etag1, EtagOf(conflict));
            Assert.NotNull(conflict["details"]!.AsArray().FirstOrDefault(d => (string?)d!["@type"] == "type.googleapis.com/google.rpc.RequestInfo"));
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await own.Send("PATCH", path, new { setting = new { acct_ip_acl_enable = new { value = true } } })).Status);
        // DELETE likewise needs the etag; it reverts to the default (on) and answers {etag}; GET is 404 again.
        var (d0, dc) = await own.Send("DELETE", path);
        Assert.Equal(HttpStatusCode.Conflict, d0);
        Assert.Equal(etag1, EtagOf(dc));
        var (d1, deleted) = await own.Send("DELETE", path + "?etag=" + Uri.EscapeDataString(etag1));
        Assert.Equal(HttpStatusCode.OK, d1);
        Assert.False(string.IsNullOrEmpty((string?)deleted!["etag"]));
        Assert.Equal(HttpStatusCode.NotFound, (await own.Send("GET", path)).Status);
        // Enforcement follows the default (on) again.
        lock (emu.Services.State.Sync)
            Assert.True(IpAccessArea.AccountEnforced(emu.Services.State.Accounts[IpAccessEmulatorFixture.AccountId]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_second_list_with_the_same_label_and_type_is_refused_as_RESOURCE_ALREADY_EXISTS(bool account)
    {
        const long ws = 2222222222222222;
        var root = account ? IpAccessEmulatorFixture.Acct("ip-access-lists") : "/api/2.0/ip-access-lists";
        long? w = account ? null : ws;
        var label = "dup-" + Guid.NewGuid().ToString("N")[..8];
        var (s1, first) = await e.Send("POST", root, new { label, list_type = "BLOCK", ip_addresses = new[] { "203.0.113.1" } }, w);
        Assert.Equal(HttpStatusCode.OK, s1);
        var id = (string)first!["ip_access_list"]!["list_id"]!;
        try
        {
            var (s2, dup) = await e.Send("POST", root, new { label, list_type = "BLOCK", ip_addresses = new[] { "203.0.113.2" } }, w);
            Assert.Equal(HttpStatusCode.BadRequest, s2);
            Assert.Equal("RESOURCE_ALREADY_EXISTS", (string)dup!["error_code"]!);
            Assert.Equal($"IP access list with type (BLOCK) and label ({label}) already exists", (string)dup["message"]!);
            // The same label with the other type is another list.
            var (s3, other) = await e.Send("POST", root, new { label, list_type = "ALLOW", ip_addresses = new[] { "127.0.0.1" } }, w);
            Assert.Equal(HttpStatusCode.OK, s3);
            await e.Send("DELETE", root + "/" + (string)other!["ip_access_list"]!["list_id"]!, workspace: w);
        }
        finally { await e.Send("DELETE", root + "/" + id, workspace: w); }
    }

    [Fact]
    public async Task Put_and_patch_answer_without_the_list()
    {
        const long ws = 2222222222222222;
        var (_, c) = await e.Send("POST", "/api/2.0/ip-access-lists", new { label = "nobody-" + Guid.NewGuid().ToString("N")[..6], list_type = "BLOCK", ip_addresses = new[] { "203.0.113.7" } }, ws);
        var id = (string)c!["ip_access_list"]!["list_id"]!;
        try
        {
            var (sp, put) = await e.Send("PUT", "/api/2.0/ip-access-lists/" + id, new { label = "renamed-put", list_type = "BLOCK", enabled = true, ip_addresses = new[] { "203.0.113.8" } }, ws);
            Assert.Equal(HttpStatusCode.OK, sp);
            Assert.Null(put?["ip_access_list"]);
            var (sa, patch) = await e.Send("PATCH", "/api/2.0/ip-access-lists/" + id, new { enabled = false }, ws);
            Assert.Equal(HttpStatusCode.OK, sa);
            Assert.Null(patch?["ip_access_list"]);
            var (_, got) = await e.Send("GET", "/api/2.0/ip-access-lists/" + id, workspace: ws);
            Assert.Equal("renamed-put", (string)got!["ip_access_list"]!["label"]!);
            Assert.False((bool)got["ip_access_list"]!["enabled"]!);
        }
        finally { await e.Send("DELETE", "/api/2.0/ip-access-lists/" + id, workspace: ws); }
    }

    [Fact]
    public async Task Account_lists_are_enforced_by_default()
    {
        var acct = IpAccessEmulatorFixture.Acct("ip-access-lists");
        var (_, c) = await e.Send("POST", acct, new { label = "b", list_type = "BLOCK", ip_addresses = new[] { "203.0.113.0/24" } });
        var id = (string)c!["ip_access_list"]!["list_id"]!;
        try
        {
            var (blocked, body) = await e.Send("GET", IpAccessEmulatorFixture.Acct("workspaces"), from: "203.0.113.9");
            Assert.Equal(HttpStatusCode.Forbidden, blocked);
            Assert.Equal(403, (int)body!["error_code"]!);
            Assert.StartsWith($"Source IP address: 203.0.113.9 is blocked by Databricks IP ACL for account: {IpAccessEmulatorFixture.AccountId}", (string)body["message"]!);
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

    /// <summary>Before the first write (PATCH or DELETE) goes through, another writer changes the setting (so the etag is stale); counts requests by method.</summary>
    private sealed class InterferingHandler : DelegatingHandler
    {
        private readonly Func<Task>? interfere;
        private int writes;
        public readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Count = new();
        public readonly System.Collections.Concurrent.ConcurrentQueue<string> Sent = new();
        public InterferingHandler(Func<Task>? interfere) : base(new HttpClientHandler()) { this.interfere = interfere; }
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var m = request.Method.Method;
            Count.AddOrUpdate(m, 1, (_, n) => n + 1);
            Sent.Enqueue(m + " " + request.RequestUri!.PathAndQuery + " " + (request.Content == null ? "" : await request.Content.ReadAsStringAsync(ct)));
            if ((m == "PATCH" || m == "DELETE") && Interlocked.Increment(ref writes) == 1 && interfere != null) await interfere();
            return await base.SendAsync(request, ct);
        }
    }

    private static readonly string SwitchPath = IpAccessEmulatorFixture.Acct("settings/types/acct_ip_acl_enable/names/default");

    private static AccountSettingsApi Api(string url, InterferingHandler handler)
    {
        var http = new DbxHttp(new Uri(url), new PatCredentialProvider(IpAccessEmulatorFixture.Token), new RetryOptions(), new HttpMessageInvoker(handler));
        return new AccountSettingsApi(new DbxClient(http, DbxScope.Account, IpAccessEmulatorFixture.AccountId, null, true, "https://{deployment_name}.cloud.databricks.com"));
    }

    /// <summary>Another writer: takes the etag from the service's refusal and writes with it.</summary>
    private static async Task WriteBehindTheClientsBack(IpAccessEmulatorFixture.Direct own, bool value)
    {
        var (_, refusal) = await own.Send("PATCH", SwitchPath, new { allow_missing = true, field_mask = "acct_ip_acl_enable.value", setting = new { acct_ip_acl_enable = new { value } } });
        var etag = refusal!["details"]!.AsArray().Select(d => (string?)d!["metadata"]?["etag"]).First(t => !string.IsNullOrEmpty(t));
        var (status, _) = await own.Send("PATCH", SwitchPath, new { allow_missing = true, field_mask = "acct_ip_acl_enable.value", setting = new { acct_ip_acl_enable = new { value }, etag } });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Set_of_a_never_written_setting_retries_the_404_with_the_etag_of_the_error()
    {
        await using var emu = await InProcessEmulator.Start(o => o.Quiet = true);
        var own = new IpAccessEmulatorFixture.Direct(emu.Url);
        var handler = new InterferingHandler(null);
        var result = await Api(emu.Url, handler).SetIpAclEnableAsync(false, CancellationToken.None);
        Assert.False(result.AcctIpAclEnable!.Value);
        Assert.Equal(2, handler.Count["PATCH"]);
        Assert.Equal(1, handler.Count["GET"]);
        Assert.False((bool)(await own.Send("GET", SwitchPath)).Body!["acct_ip_acl_enable"]!["value"]!);
    }

    [Fact]
    public async Task Set_retries_a_409_once_with_the_etag_of_the_error_without_reading_again()
    {
        await using var emu = await InProcessEmulator.Start(o => o.Quiet = true);
        var own = new IpAccessEmulatorFixture.Direct(emu.Url);
        await WriteBehindTheClientsBack(own, true);
        var handler = new InterferingHandler(() => WriteBehindTheClientsBack(own, true));
        var result = await Api(emu.Url, handler).SetIpAclEnableAsync(false, CancellationToken.None);
        Assert.False(result.AcctIpAclEnable!.Value);
        Assert.Equal(2, handler.Count["PATCH"]);
        Assert.Equal(1, handler.Count["GET"]);
        var (_, now) = await own.Send("GET", SwitchPath);
        Assert.False((bool)now!["acct_ip_acl_enable"]!["value"]!);
        Assert.Equal((string)now["etag"]!, result.Etag);
    }

    [Fact]
    public async Task Reset_deletes_with_the_etag_retries_a_409_with_the_error_etag_and_leaves_a_never_written_setting_alone()
    {
        await using var emu = await InProcessEmulator.Start(o => o.Quiet = true);
        var own = new IpAccessEmulatorFixture.Direct(emu.Url);
        var idle = new InterferingHandler(null);
        Assert.Null(await Api(emu.Url, idle).ResetIpAclEnableAsync(CancellationToken.None));
        Assert.False(idle.Count.ContainsKey("DELETE"));

        await WriteBehindTheClientsBack(own, false);
        var handler = new InterferingHandler(() => WriteBehindTheClientsBack(own, false));
        var etag = await Api(emu.Url, handler).ResetIpAclEnableAsync(CancellationToken.None);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(2, handler.Count["DELETE"]);
        Assert.All(handler.Sent.Where(r => r.StartsWith("DELETE", StringComparison.Ordinal)), r => Assert.Contains("?etag=", r));
        Assert.Equal(HttpStatusCode.NotFound, (await own.Send("GET", SwitchPath)).Status);
        lock (emu.Services.State.Sync)
            Assert.True(IpAccessArea.AccountEnforced(emu.Services.State.Accounts[IpAccessEmulatorFixture.AccountId]));
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
