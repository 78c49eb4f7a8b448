using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Areas;
using DatabricksNetworking.Emulator.Core;
using Microsoft.AspNetCore.Builder;

namespace DatabricksNetworking.Tests;

/// <summary>The emulator's serverless rules (reference §4, §5), in process, with a clock the test moves.</summary>
public sealed class ServerlessEmulatorTests : IAsyncLifetime
{
    private const string Account = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";
    private const string Token = "dapidemoaccount000000000000000000001";
    private WebApplication app = null!;
    private EmulatorServices services = null!;
    private HttpClient http = null!;
    private DateTimeOffset now = DateTimeOffset.FromUnixTimeMilliseconds(1767225600000);

    public async Task InitializeAsync()
    {
        (app, services) = EmulatorHost.Build(new EmulatorOptions { Port = 0, PageSize = 2, PeAcceptDelaySeconds = 10, Quiet = true });
        services.Clock = () => now;
        await app.StartAsync();
        http = new HttpClient { BaseAddress = new Uri(EmulatorHost.Url(app)) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> Send(HttpMethod method, string path, object? body = null)
    {
        var req = new HttpRequestMessage(method, $"/api/2.0/accounts/{Account}/{path}");
        if (body != null) req.Content = new StringContent(body is JsonNode n ? n.ToJsonString() : System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        return (resp.StatusCode, string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!.AsObject());
    }

    private async Task<string> NewNcc(string name, string region = "us-east-1")
    {
        var (status, body) = await Send(HttpMethod.Post, "network-connectivity-configs", new { name, region });
        Assert.Equal(HttpStatusCode.OK, status);
        return (string)body["network_connectivity_config_id"]!;
    }

    [Fact]
    public async Task Ncc_lists_page_with_items_and_next_page_token()
    {
        for (int i = 0; i < 5; i++) await NewNcc($"serverless-page-{i}");
        var names = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            var (_, body) = await Send(HttpMethod.Get, "network-connectivity-configs" + (token == null ? "" : "?page_token=" + Uri.EscapeDataString(token)));
            pages++;
            names.AddRange(body["items"]!.AsArray().Select(n => (string)n!["name"]!));
            token = (string?)body["next_page_token"];
        } while (token != null);
        // The demo account's seeded NCC (prod-us-east-1-ncc) is listed too: 6 items over pages of 2, each once.
        Assert.Equal(3, pages);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"serverless-page-{i}"), names.Where(n => n.StartsWith("serverless-page-")).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ncc_limit_is_ten_per_region_and_name_is_checked()
    {
        for (int i = 0; i < 10; i++) await NewNcc($"limit-{i}", "ap-south-1");
        var (status, body) = await Send(HttpMethod.Post, "network-connectivity-configs", new { name = "limit-10", region = "ap-south-1" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("QUOTA_EXCEEDED", (string)body["error_code"]!);
        var (bad, badBody) = await Send(HttpMethod.Post, "network-connectivity-configs", new { name = "no", region = "us-east-1" });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)badBody["error_code"]!);
    }

    [Fact]
    public async Task Stable_egress_cidrs_are_deterministic_per_region_until_the_legacy_lists_were_decommissioned()
    {
        // The fixture's clock is 2026-01-01: before the decommission (after 2026-05-25) an NCC gets its region's legacy list.
        var a = await NewNcc("cidr-a", "eu-west-1");
        var b = await NewNcc("cidr-b", "eu-west-1");
        static JsonNode? Rules(JsonObject o) => o["egress_config"]!["default_rules"];
        var (_, ncA) = await Send(HttpMethod.Get, "network-connectivity-configs/" + a);
        var (_, ncB) = await Send(HttpMethod.Get, "network-connectivity-configs/" + b);
        Assert.Equal(Rules(ncA)!.ToJsonString(), Rules(ncB)!.ToJsonString());
        Assert.Equal(ServerlessRules.StableCidrs("eu-west-1").ToJsonString(), Rules(ncA)!["aws_stable_ip_rule"]!["cidr_blocks"]!.ToJsonString());
        Assert.NotEqual(ServerlessRules.StableCidrs("eu-west-1").ToJsonString(), ServerlessRules.StableCidrs("us-east-1").ToJsonString());
        // Today (2026-12-02) a new NCC gets none; the older NCCs keep theirs.
        now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        var c = await NewNcc("cidr-c", "eu-west-1");
        var (_, ncC) = await Send(HttpMethod.Get, "network-connectivity-configs/" + c);
        Assert.NotNull(ncC["egress_config"]);
        Assert.Null(Rules(ncC));
        Assert.NotNull(Rules((await Send(HttpMethod.Get, "network-connectivity-configs/" + a)).Body));
    }

    [Fact]
    public async Task Customer_service_rule_goes_creating_pending_established_and_is_deactivated_on_delete()
    {
        var ncc = await NewNcc("lifecycle");
        var path = $"network-connectivity-configs/{ncc}/private-endpoint-rules";
        var (status, rule) = await Send(HttpMethod.Post, path, new { endpoint_service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", domain_names = new[] { "db.example.com" } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("CREATING", (string)rule["connection_state"]!);
        Assert.Null(rule["enabled"]);
        var id = (string)rule["rule_id"]!;
        now = now.AddSeconds(5);
        Assert.Equal("PENDING", (string)(await Send(HttpMethod.Get, $"{path}/{id}")).Body["connection_state"]!);
        now = now.AddSeconds(5);
        var established = (await Send(HttpMethod.Get, $"{path}/{id}")).Body;
        Assert.Equal("ESTABLISHED", (string)established["connection_state"]!);
        Assert.StartsWith("vpce-", (string)established["vpc_endpoint_id"]!);
        var (_, deleted) = await Send(HttpMethod.Delete, $"{path}/{id}");
        Assert.True((bool)deleted["deactivated"]!);
        Assert.Equal(now.ToUnixTimeMilliseconds(), (long)deleted["deactivated_at"]!);
        now = now.AddDays(1);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, $"{path}/{id}")).Status);
    }

    [Fact]
    public async Task Rule_input_is_checked_like_the_service()
    {
        var ncc = await NewNcc("rule-checks", "us-west-2");
        var path = $"network-connectivity-configs/{ncc}/private-endpoint-rules";
        var svc = "com.amazonaws.vpce.us-west-2.vpce-svc-0123456789abcdef0";
        async Task<string> Refused(object body) { var (s, b) = await Send(HttpMethod.Post, path, body); Assert.Equal(HttpStatusCode.BadRequest, s); return (string)b["message"]!; }
        Assert.Contains("at most 10", await Refused(new { endpoint_service = svc, domain_names = Enumerable.Range(0, 11).Select(i => $"h{i}.example.com").ToArray() }));
        Assert.Contains("us-east-1", await Refused(new { endpoint_service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", domain_names = new[] { "a.example.com" } }));
        Assert.Contains("not both", await Refused(new { endpoint_service = svc, domain_names = new[] { "a.example.com" }, resource_names = new[] { "bkt" } }));
        Assert.Contains("com.amazonaws.us-west-2.s3", await Refused(new { endpoint_service = "com.amazonaws.us-east-1.s3", resource_names = new[] { "bkt" } }));
        var (ok, s3) = await Send(HttpMethod.Post, path, new { endpoint_service = "com.amazonaws.us-west-2.s3", resource_names = new[] { "good-bucket" } });
        Assert.Equal(HttpStatusCode.OK, ok);
        // An S3 rule starts disabled; enabled can change only once the connection is ESTABLISHED (the new rule is CREATING).
        Assert.False((bool)s3["enabled"]!);
        var (early, earlyBody) = await Send(new HttpMethod("PATCH"), $"{path}/{s3["rule_id"]}?update_mask=enabled", new { enabled = true });
        Assert.Equal(HttpStatusCode.BadRequest, early);
        Assert.Contains("only be updated when connection_state is ESTABLISHED", (string)earlyBody["message"]!);
        var (noMask, _) = await Send(new HttpMethod("PATCH"), $"{path}/{s3["rule_id"]}", new { enabled = false });
        Assert.Equal(HttpStatusCode.BadRequest, noMask);
        var (masked, patched) = await Send(new HttpMethod("PATCH"), $"{path}/{s3["rule_id"]}?update_mask=enabled", new { enabled = false, resource_names = new[] { "ignored-bucket" } });
        Assert.Equal(HttpStatusCode.OK, masked);
        Assert.False((bool)patched["enabled"]!);
        Assert.Equal("good-bucket", (string)patched["resource_names"]![0]!);
    }

    [Fact]
    public async Task Default_policy_is_created_on_first_touch_and_cannot_be_deleted()
    {
        var (_, list) = await Send(HttpMethod.Get, "network-policies");
        Assert.Contains(list["items"]!.AsArray(), p => (string)p!["network_policy_id"]! == "default-policy");
        var (status, err) = await Send(HttpMethod.Delete, "network-policies/default-policy");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("cannot be deleted", (string)err["message"]!);
        var (_, option) = await Send(HttpMethod.Get, "workspaces/2222222222222222/network");
        Assert.Equal("default-policy", (string)option["network_policy_id"]!);
        Assert.Equal(2222222222222222L, (long)option["workspace_id"]!);
    }

    [Fact]
    public async Task Policy_in_use_cannot_be_deleted_and_put_replaces_the_whole_policy()
    {
        var policy = JsonNode.Parse("""{"network_policy_id":"strict","egress":{"network_access":{"restriction_mode":"RESTRICTED_ACCESS","allowed_internet_destinations":[{"destination":"pypi.org"}],"policy_enforcement":{"enforcement_mode":"DRY_RUN","dry_run_mode_product_filter":["DBSQL"]}}}}""")!;
        var (created, body) = await Send(HttpMethod.Post, "network-policies", policy);
        Assert.Equal(HttpStatusCode.OK, created);
        Assert.Equal("DNS_NAME", (string)body["egress"]!["network_access"]!["allowed_internet_destinations"]![0]!["internet_destination_type"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await Send(HttpMethod.Post, "network-policies", policy)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Put, "workspaces/1111111111111111/network", new { workspace_id = 1111111111111111L, network_policy_id = "strict" })).Status);
        var (inUse, err) = await Send(HttpMethod.Delete, "network-policies/strict");
        Assert.Equal(HttpStatusCode.BadRequest, inUse);
        Assert.Equal("INVALID_STATE", (string)err["error_code"]!);
        var (_, replaced) = await Send(HttpMethod.Put, "network-policies/strict", JsonNode.Parse("""{"egress":{"network_access":{"restriction_mode":"FULL_ACCESS"}}}""")!);
        Assert.Null(replaced["egress"]!["network_access"]!["allowed_internet_destinations"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Put, "workspaces/1111111111111111/network", new { network_policy_id = "nope" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Put, "workspaces/1111111111111111/network", new { network_policy_id = "default-policy" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, "network-policies/strict")).Status);
    }

    [Fact]
    public async Task Policy_limits_and_enums_are_checked()
    {
        var tooMany = new JsonObject
        {
            ["network_policy_id"] = "big",
            ["egress"] = new JsonObject { ["network_access"] = new JsonObject
            {
                ["restriction_mode"] = "RESTRICTED_ACCESS",
                ["allowed_internet_destinations"] = new JsonArray(Enumerable.Range(0, 2001).Select(i => (JsonNode)new JsonObject { ["destination"] = $"h{i}.example.com" }).ToArray()),
            } },
        };
        Assert.Contains("2000", (string)(await Send(HttpMethod.Post, "network-policies", tooMany)).Body["message"]!);
        var filterWithoutDryRun = JsonNode.Parse("""{"network_policy_id":"f","egress":{"network_access":{"restriction_mode":"FULL_ACCESS","policy_enforcement":{"enforcement_mode":"ENFORCED","dry_run_mode_product_filter":["DBSQL"]}}}}""")!;
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Post, "network-policies", filterWithoutDryRun)).Status);
        var wildcard = JsonNode.Parse("""{"network_policy_id":"w","egress":{"network_access":{"restriction_mode":"RESTRICTED_ACCESS","allowed_internet_destinations":[{"destination":"*.example.com","internet_destination_type":"DNS_NAME"}]}}}""")!;
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Post, "network-policies", wildcard)).Status);
    }

    [Fact]
    public async Task State_file_round_trip_keeps_rules_apart()
    {
        var ncc = await NewNcc("roundtrip", "ca-central-1");
        var path = $"network-connectivity-configs/{ncc}/private-endpoint-rules";
        for (int i = 0; i < 3; i++)
            await Send(HttpMethod.Post, path, new { endpoint_service = "com.amazonaws.ca-central-1.s3", resource_names = new[] { $"rt-bucket-{i}" } });
        now = now.AddSeconds(30);
        await Send(HttpMethod.Get, path);
        JsonObject saved;
        lock (services.State.Sync) saved = services.State.Save();
        var reloaded = EmulatorState.Load(saved);
        // Only this NCC's rules: the demo account also holds a seeded rule on prod-us-east-1-ncc.
        var rules = reloaded.Accounts[Account].Collection(NetworkConnectivityArea.RuleCollection)
            .Where(kv => (string?)kv.Value["network_connectivity_config_id"] == ncc).ToList();
        Assert.Equal(3, rules.Count);
        Assert.All(rules, kv => Assert.Equal(kv.Key, (string)kv.Value["rule_id"]!));
        Assert.Single(reloaded.Accounts[Account].Collection(NetworkConnectivityArea.NccCollection), kv => kv.Key == ncc);
    }
}
