using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;
using Microsoft.AspNetCore.Builder;

namespace DatabricksNetworking.Tests.Emulator;

/// <summary>Context-based ingress in the emulator: the Go SDK schema check, the filled private_access, the undeletable
/// account-policy, and enforcement with its decision log. A fresh emulator per test (they restrict the account).</summary>
public sealed class IngressEmulatorTests : IAsyncLifetime
{
    private const string Account = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";
    private const string Token = "dapidemoaccount000000000000000000001";
    private const long Ws = 1111111111111111;
    private const long AdminId = 7000; // admin@example.com, a user, in the demo seed
    private WebApplication app = null!;
    private EmulatorServices services = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        (app, services) = EmulatorHost.Build(new EmulatorOptions { Port = 0, Quiet = true, TrustForwardedFor = true });
        await app.StartAsync();
        http = new HttpClient { BaseAddress = new Uri(EmulatorHost.Url(app)) };
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> Send(HttpMethod method, string path, JsonNode? body = null, string? from = null, long? workspace = null)
    {
        var req = new HttpRequestMessage(method, path);
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (path.StartsWith("/_emulator", StringComparison.Ordinal)) req.Headers.Add(EmulatorOptions.AdminTokenHeader, services.Options.AdminToken);
        if (from != null) req.Headers.Add("X-Forwarded-For", from);
        if (workspace.HasValue) req.Headers.Add("X-Databricks-Org-Id", workspace.Value.ToString());
        if (body != null) req.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        var node = string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!;
        return (resp.StatusCode, node as JsonObject ?? new JsonObject { ["items"] = node });
    }

    private static string Acct(string rest) => $"/api/2.0/accounts/{Account}/{rest}";

    private static JsonObject Policy(string id, string ingressJson, string? dryRunJson = null)
    {
        var o = new JsonObject { ["network_policy_id"] = id, ["ingress"] = JsonNode.Parse(ingressJson) };
        if (dryRunJson != null) o["ingress_dry_run"] = JsonNode.Parse(dryRunJson);
        return o;
    }

    private const string RestrictedToDocNet = """
        {"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"label":"office",
          "origin":{"included_ip_ranges":{"ip_ranges":["203.0.113.0/24"]}},"destination":{"all_destinations":true}}]}}
        """;

    private async Task Bind(string policyId, long ws = Ws)
    {
        var (s, b) = await Send(HttpMethod.Put, Acct($"workspaces/{ws}/network"), new JsonObject { ["workspace_id"] = ws, ["network_policy_id"] = policyId });
        Assert.True(s == HttpStatusCode.OK, b.ToJsonString());
    }

    [Fact]
    public async Task Ingress_is_stored_and_an_unset_private_access_is_filled_as_the_service_does()
    {
        var (s, b) = await Send(HttpMethod.Post, Acct("network-policies"), Policy("np-fill", """{"public_access":{"restriction_mode":"FULL_ACCESS"}}"""));
        Assert.Equal(HttpStatusCode.OK, s);
        Assert.Equal("RESTRICTION_MODE_UNSPECIFIED", (string?)b["ingress"]!["private_access"]!["restriction_mode"]);
        Assert.Null(b["ingress"]!["private_access"]!["allow_rules"]);
        Assert.Equal("FULL_ACCESS", (string?)b["ingress"]!["public_access"]!["restriction_mode"]);
        // What the service returned goes back unchanged (read-modify-write), and an explicit private_access is kept.
        var (put, _) = await Send(HttpMethod.Put, Acct("network-policies/np-fill"), b);
        Assert.Equal(HttpStatusCode.OK, put);
        var (s2, b2) = await Send(HttpMethod.Post, Acct("network-policies"), Policy("np-explicit",
            """{"private_access":{"restriction_mode":"ALLOW_ALL_REGISTERED_ENDPOINTS"}}""", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS"}}"""));
        Assert.Equal(HttpStatusCode.OK, s2);
        Assert.Equal("ALLOW_ALL_REGISTERED_ENDPOINTS", (string?)b2["ingress"]!["private_access"]!["restriction_mode"]);
        Assert.Null(b2["ingress_dry_run"]!["private_access"]);
        var (_, got) = await Send(HttpMethod.Get, Acct("network-policies/np-explicit"));
        Assert.Equal("RESTRICTED_ACCESS", (string?)got["ingress_dry_run"]!["public_access"]!["restriction_mode"]);
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        { "np-x", """{"public_access":{"restriction_mode":"OPEN"}}""", "restriction_mode must be one of FULL_ACCESS, RESTRICTED_ACCESS" },
        { "np-x", """{"public_access":{}}""", "public_access.restriction_mode is required" },
        { "np-x", """{"private_access":{"restriction_mode":"FULL_ACCESS"}}""", "private_access.restriction_mode must be one of" },
        { "np-x", """{"cross_workspace_access":{"restriction_mode":"NONE"}}""", "cross_workspace_access.restriction_mode must be one of FULL_ACCESS, LEGACY_MODE, RESTRICTED_ACCESS" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"destination":{"account_ui":{"all_destinations":true}}}]}}""", "account_ui can only be used in the account-level network policy" },
        { "account-policy", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"destination":{"workspace_ui":{"all_destinations":true}}}]}}""", "workspace_ui cannot be used in the account-level network policy" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"destination":{"all_destinations":true,"workspace_ui":{"all_destinations":true}}}]}}""", "no other destination can be set" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"destination":{}}]}}""", "at least one specific destination" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"destination":{"workspace_ui":{}}}]}}""", "workspace_ui.all_destinations must be set to true" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"destination":{"workspace_api":{"scope_qualifier":"API_SCOPE_QUALIFIER_WRITE","scopes":["sql"]}}}]}}""", "scope_qualifier must be one of API_SCOPE_QUALIFIER_ALL, API_SCOPE_QUALIFIER_READ" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"destination":{"workspace_api":{}}}]}}""", "list scopes" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"destination":{"account_databricks_one":{"all_destinations":true}}}]}}""", "DatabricksOne destination is not supported" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"authentication":{"identity_type":"IDENTITY_TYPE_SELECTED_IDENTITIES"}}]}}""", "identities must list at least one identity" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"authentication":{"identity_type":"IDENTITY_TYPE_ALL_USERS","identities":[{"principal_id":1,"principal_type":"PRINCIPAL_TYPE_USER"}]}}]}}""", "identities is valid only when identity_type is IDENTITY_TYPE_SELECTED_IDENTITIES" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"authentication":{"identity_type":"IDENTITY_TYPE_SELECTED_IDENTITIES","identities":[{"principal_id":1,"principal_type":"GROUP"}]}}]}}""", "principal_type must be one of PRINCIPAL_TYPE_SERVICE_PRINCIPAL, PRINCIPAL_TYPE_USER" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"authentication":{"identity_type":"IDENTITY_TYPE_EVERYONE"}}]}}""", "identity_type must be one of" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"origin":{"included_ip_ranges":{"ip_ranges":["10.1.0.0/16"]}}}]}}""", "contains private IP addresses" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"origin":{"included_ip_ranges":{"ip_ranges":["2001:db8::/32"]}}}]}}""", "only IPv4 is supported" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"origin":{"all_ip_ranges":true,"included_ip_ranges":{"ip_ranges":["198.51.100.0/24"]}}}]}}""", "all_ip_ranges and included_ip_ranges cannot both be set" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"origin":{"all_ip_ranges":false}}]}}""", "all_ip_ranges must be true when specified" },
        { "np-x", """{"private_access":{"restriction_mode":"ALLOW_ALL_REGISTERED_ENDPOINTS","allow_rules":[{"origin":{"all_registered_endpoints":true}}]}}""", "cannot be set when restriction_mode is ALLOW_ALL_REGISTERED_ENDPOINTS" },
        { "np-x", """{"private_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"origin":{"all_private_access":true}}]}}""", "all_private_access can only be used in deny rules" },
        { "np-x", """{"private_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"origin":{"endpoints":{"endpoint_ids":[]}}}]}}""", "endpoint_ids must contain at least one endpoint ID" },
        { "np-x", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"destination":{"apps_runtime":{"all_destinations":true}},"authentication":{"identity_type":"IDENTITY_TYPE_ALL_USERS"}}]}}""", "apps_runtime supports only all users and service principals" },
        { "account-policy", """{"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"authentication":{"identity_type":"IDENTITY_TYPE_ALL_USERS"}}]}}""", "does not support scoping rules to identities" },
        { "account-policy", """{"cross_workspace_access":{"restriction_mode":"FULL_ACCESS"}}""", "cross_workspace_access cannot be used in the account-level network policy" },
        { "np-x", """{"public":{"restriction_mode":"FULL_ACCESS"}}""", "public is not a field of an ingress network policy" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_policy_outside_the_sdk_schema_is_refused_with_the_services_error_body(string id, string ingress, string fragment)
    {
        foreach (var field in new[] { "ingress", "ingress_dry_run" })
        {
            var body = new JsonObject { ["network_policy_id"] = id, [field] = JsonNode.Parse(ingress) };
            var (s, b) = id == "account-policy"
                ? await Send(HttpMethod.Put, Acct("network-policies/account-policy"), body)
                : await Send(HttpMethod.Post, Acct("network-policies"), body);
            Assert.Equal(HttpStatusCode.BadRequest, s);
            Assert.Equal("INVALID_PARAMETER_VALUE", (string?)b["error_code"]);
            Assert.Contains(fragment, (string?)b["message"]);
            Assert.StartsWith(field + ".", (string?)b["message"]);
        }
        var (missing, _) = await Send(HttpMethod.Get, Acct("network-policies/np-x"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task The_full_schema_is_accepted_for_each_level()
    {
        var ws = Policy("np-all", """
            {"public_access":{"restriction_mode":"RESTRICTED_ACCESS",
               "allow_rules":[{"label":"a","origin":{"included_ip_ranges":{"ip_ranges":["203.0.113.7","198.51.100.0/24"]},"excluded_ip_ranges":{"ip_ranges":["198.51.100.9"]}},
                  "destination":{"workspace_ui":{"all_destinations":true},"workspace_api":{"scopes":["sql","clusters"],"scope_qualifier":"API_SCOPE_QUALIFIER_READ"},"lakebase_runtime":{"all_destinations":true}},
                  "authentication":{"identity_type":"IDENTITY_TYPE_SELECTED_IDENTITIES","identities":[{"principal_id":7001,"principal_type":"PRINCIPAL_TYPE_SERVICE_PRINCIPAL"}]}},
                 {"label":"apps","destination":{"apps_runtime":{"all_destinations":true}}}],
               "deny_rules":[{"label":"d","origin":{"excluded_ip_ranges":{"ip_ranges":["203.0.113.0/24"]}},"authentication":{"identity_type":"IDENTITY_TYPE_ALL_SERVICE_PRINCIPALS"}}]},
             "private_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"origin":{"endpoints":{"endpoint_ids":["ep-1"]}}}],"deny_rules":[{"origin":{"all_private_access":true}}]},
             "cross_workspace_access":{"restriction_mode":"LEGACY_MODE","allow_rules":[{"origin":{"selected_workspaces":{"workspace_ids":[2222222222222222]}}}]}}
            """);
        var (s, b) = await Send(HttpMethod.Post, Acct("network-policies"), ws);
        Assert.True(s == HttpStatusCode.OK, b.ToJsonString());
        Assert.Equal("198.51.100.9", (string?)b["ingress"]!["public_access"]!["allow_rules"]![0]!["origin"]!["excluded_ip_ranges"]!["ip_ranges"]![0]);
        var (sa, ba) = await Send(HttpMethod.Put, Acct("network-policies/account-policy"), Policy("account-policy", """
            {"public_access":{"restriction_mode":"FULL_ACCESS","deny_rules":[{"origin":{"included_ip_ranges":{"ip_ranges":["192.0.2.0/24"]}},
               "destination":{"account_ui":{"all_destinations":true},"account_api":{"scopes":["all-apis"]}}}]}}
            """));
        Assert.True(sa == HttpStatusCode.OK, ba.ToJsonString());
    }

    [Fact]
    public async Task The_account_policy_exists_cannot_be_deleted_created_or_bound_to_a_workspace()
    {
        var (g, gb) = await Send(HttpMethod.Get, Acct("network-policies/account-policy"));
        Assert.Equal(HttpStatusCode.OK, g);
        Assert.Equal("account-policy", (string?)gb["network_policy_id"]);
        Assert.Equal(Account, (string?)gb["account_id"]);
        var (d, db) = await Send(HttpMethod.Delete, Acct("network-policies/account-policy"));
        Assert.Equal(HttpStatusCode.BadRequest, d);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)db["error_code"]);
        var (p, pb) = await Send(HttpMethod.Post, Acct("network-policies"), Policy("account-policy", """{"public_access":{"restriction_mode":"FULL_ACCESS"}}"""));
        Assert.Equal(HttpStatusCode.Conflict, p);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", (string?)pb["error_code"]);
        var (w, wb) = await Send(HttpMethod.Put, Acct($"workspaces/{Ws}/network"), new JsonObject { ["workspace_id"] = Ws, ["network_policy_id"] = "account-policy" });
        Assert.Equal(HttpStatusCode.BadRequest, w);
        Assert.Contains("cannot be attached to a workspace", (string?)wb["message"]);
        var (l, lb) = await Send(HttpMethod.Get, Acct("network-policies"));
        Assert.Equal(HttpStatusCode.OK, l);
        Assert.Contains(lb["items"]!.AsArray(), i => (string?)i!["network_policy_id"] == "account-policy");
    }

    [Fact]
    public async Task Without_ingress_everything_is_allowed_and_nothing_is_logged()
    {
        var (s, _) = await Send(HttpMethod.Get, "/api/2.0/ip-access-lists", from: "198.51.100.1", workspace: Ws);
        Assert.Equal(HttpStatusCode.OK, s);
        var (a, _) = await Send(HttpMethod.Get, Acct("network-policies"), from: "198.51.100.1");
        Assert.Equal(HttpStatusCode.OK, a);
        var (_, log) = await Send(HttpMethod.Get, "/_emulator/ingress-log");
        Assert.Empty(log["decisions"]!.AsArray());
    }

    [Fact]
    public async Task A_bound_restricted_policy_refuses_other_addresses_and_logs_the_decision()
    {
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, Acct("network-policies"), Policy("np-office", RestrictedToDocNet))).Status);
        await Bind("np-office");
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/2.0/ip-access-lists", from: "203.0.113.9", workspace: Ws)).Status);
        var (s, b) = await Send(HttpMethod.Get, "/api/2.0/ip-access-lists", from: "198.51.100.1", workspace: Ws);
        Assert.Equal(HttpStatusCode.Forbidden, s);
        Assert.Equal(403, (int?)b["error_code"]);
        Assert.Equal($"Source IP address: 198.51.100.1 is blocked by Databricks network policy np-office (context-based ingress) for workspace: {Ws}", (string?)b["message"]);
        // Another workspace (unbound: default-policy, no ingress) is not affected; account APIs neither.
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/2.0/ip-access-lists", from: "198.51.100.1", workspace: 2222222222222222)).Status);
        var (_, log) = await Send(HttpMethod.Get, $"/_emulator/ingress-log?workspace_id={Ws}");
        var entries = log["decisions"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("ALLOW", (string?)entries[0]!["decision"]);
        Assert.Equal("allow_rules[0] 'office'", (string?)entries[0]!["rule"]);
        var deny = entries[1]!;
        Assert.Equal("DENY", (string?)deny["decision"]);
        Assert.Equal("enforced", (string?)deny["enforcement"]);
        Assert.Equal("198.51.100.1", (string?)deny["address"]);
        Assert.Equal("admin@example.com", (string?)deny["principal"]);
        Assert.Equal(AdminId, (long?)deny["principal_id"]);
        Assert.Equal("PRINCIPAL_TYPE_USER", (string?)deny["principal_type"]);
        Assert.Equal("workspace_api", (string?)deny["destination"]);
        Assert.Equal("ip-access-lists", (string?)deny["scope"]);
        Assert.Equal("np-office", (string?)deny["policy_id"]);
        Assert.Equal("restriction_mode RESTRICTED_ACCESS (no allow rule matched)", (string?)deny["rule"]);
        Assert.NotNull((string?)deny["time"]);
    }

    [Fact]
    public async Task An_unbound_workspace_follows_default_policy_and_deny_rules_come_first()
    {
        var (_, def) = await Send(HttpMethod.Get, Acct("network-policies/default-policy"));
        def["ingress"] = JsonNode.Parse("""
            {"public_access":{"restriction_mode":"FULL_ACCESS","deny_rules":[{"label":"no-admin-from-net",
              "origin":{"included_ip_ranges":{"ip_ranges":["198.51.100.0/24"]}},
              "authentication":{"identity_type":"IDENTITY_TYPE_SELECTED_IDENTITIES","identities":[{"principal_id":7000,"principal_type":"PRINCIPAL_TYPE_USER"}]}}],
              "allow_rules":[{"label":"everyone","origin":{"all_ip_ranges":true}}]}}
            """);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Put, Acct("network-policies/default-policy"), def)).Status);
        var (s, b) = await Send(HttpMethod.Get, "/api/2.0/ip-access-lists", from: "198.51.100.20", workspace: 3333333333333333);
        Assert.Equal(HttpStatusCode.Forbidden, s);
        Assert.Contains("default-policy", (string?)b["message"]);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/2.0/ip-access-lists", from: "192.0.2.20", workspace: 3333333333333333)).Status);
        var (_, log) = await Send(HttpMethod.Get, "/_emulator/ingress-log?workspace_id=3333333333333333");
        Assert.Equal("deny_rules[0] 'no-admin-from-net'", (string?)log["decisions"]![0]!["rule"]);
    }

    [Fact]
    public async Task Dry_run_rules_never_block_and_log_what_they_would_have_decided()
    {
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, Acct("network-policies"),
            new JsonObject { ["network_policy_id"] = "np-dry", ["ingress_dry_run"] = JsonNode.Parse(RestrictedToDocNet) })).Status);
        await Bind("np-dry");
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/2.0/ip-access-lists", from: "198.51.100.1", workspace: Ws)).Status);
        var (_, log) = await Send(HttpMethod.Get, "/_emulator/ingress-log");
        var e = Assert.Single(log["decisions"]!.AsArray())!;
        Assert.Equal("dry_run", (string?)e["enforcement"]);
        Assert.Equal("DENY", (string?)e["decision"]);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, "/_emulator/ingress-log/reset")).Status);
        Assert.Empty((await Send(HttpMethod.Get, "/_emulator/ingress-log")).Body["decisions"]!.AsArray());
    }

    [Fact]
    public async Task The_account_policy_governs_account_apis_by_scope_and_qualifier()
    {
        var (s0, b0) = await Send(HttpMethod.Put, Acct("network-policies/account-policy"), Policy("account-policy", """
            {"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[
               {"label":"office","origin":{"included_ip_ranges":{"ip_ranges":["203.0.113.0/24"]}}},
               {"label":"read-policies","destination":{"account_api":{"scopes":["network-policies"],"scope_qualifier":"API_SCOPE_QUALIFIER_READ"}}}]}}
            """), from: "203.0.113.1");
        Assert.True(s0 == HttpStatusCode.OK, b0.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, Acct("network-policies"), from: "198.51.100.1")).Status);
        var (s, b) = await Send(HttpMethod.Get, Acct("workspaces"), from: "198.51.100.1");
        Assert.Equal(HttpStatusCode.Forbidden, s);
        Assert.EndsWith($"for account: {Account}", (string?)b["message"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Delete, Acct("network-policies/np-none"), from: "198.51.100.1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, Acct("workspaces"), from: "203.0.113.200")).Status);
        // Workspace requests are not governed by the account policy.
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/2.0/ip-access-lists", from: "198.51.100.1", workspace: Ws)).Status);
        // Loopback (no forwarded address) is not in the office range either: the account is closed to this test now.
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, Acct("workspaces"))).Status);
    }

    [Fact]
    public async Task Forwarded_addresses_count_only_with_trust_forwarded_for()
    {
        var (strictApp, strictServices) = EmulatorHost.Build(new EmulatorOptions { Port = 0, Quiet = true });
        await strictApp.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(EmulatorHost.Url(strictApp)) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            var create = await client.PostAsync(Acct("network-policies"), new StringContent(Policy("np-office", RestrictedToDocNet).ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, create.StatusCode);
            var bind = await client.PutAsync(Acct($"workspaces/{Ws}/network"), new StringContent($$"""{"workspace_id":{{Ws}},"network_policy_id":"np-office"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, bind.StatusCode);
            var req = new HttpRequestMessage(HttpMethod.Get, "/api/2.0/ip-access-lists");
            req.Headers.Add("X-Forwarded-For", "203.0.113.9");
            req.Headers.Add("X-Databricks-Org-Id", Ws.ToString());
            var resp = await client.SendAsync(req);
            Assert.Equal(HttpStatusCode.Forbidden, resp.StatusCode);
            Assert.Contains("Source IP address: 127.0.0.1", await resp.Content.ReadAsStringAsync());
        }
        finally { await strictApp.DisposeAsync(); }
    }

    [Fact]
    public async Task The_batch_evaluator_decides_destinations_the_emulator_serves_no_host_for()
    {
        var (s0, b0) = await Send(HttpMethod.Post, Acct("network-policies"), Policy("np-ui", """
            {"public_access":{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[
               {"label":"ui","destination":{"workspace_ui":{"all_destinations":true}},"authentication":{"identity_type":"IDENTITY_TYPE_ALL_USERS"}},
               {"label":"apps","destination":{"apps_runtime":{"all_destinations":true}},"origin":{"excluded_ip_ranges":{"ip_ranges":["198.51.100.0/24"]}}}]}}
            """));
        Assert.True(s0 == HttpStatusCode.OK, b0.ToJsonString());
        await Bind("np-ui");
        var cases = JsonNode.Parse($$"""
            {"cases":[
              {"workspace_id":{{Ws}},"address":"198.51.100.1","principal_id":5,"principal_type":"PRINCIPAL_TYPE_USER","destination":"workspace_ui"},
              {"workspace_id":{{Ws}},"address":"198.51.100.1","principal_id":5,"principal_type":"PRINCIPAL_TYPE_SERVICE_PRINCIPAL","destination":"workspace_ui"},
              {"workspace_id":{{Ws}},"address":"198.51.100.1","principal_id":5,"principal_type":"PRINCIPAL_TYPE_USER","destination":"apps_runtime"},
              {"workspace_id":{{Ws}},"address":"192.0.2.1","principal_id":5,"principal_type":"PRINCIPAL_TYPE_USER","destination":"apps_runtime"},
              {"workspace_id":{{Ws}},"address":"10.0.0.1","principal_id":5,"principal_type":"PRINCIPAL_TYPE_USER","destination":"apps_runtime"},
              {"address":"198.51.100.1","principal_id":5,"principal_type":"PRINCIPAL_TYPE_USER","destination":"account_ui"}]}
            """);
        var (s, b) = await Send(HttpMethod.Post, "/_emulator/ingress-evaluate", cases);
        Assert.Equal(HttpStatusCode.OK, s);
        Assert.Equal(new bool?[] { true, false, false, true, false, true }, b["results"]!.AsArray().Select(r => (bool?)r!["allowed"]).ToArray());
        Assert.Equal("allow_rules[0] 'ui'", (string?)b["results"]![0]!["rule"]);
        Assert.Equal("account-policy", (string?)b["results"]![5]!["policy_id"]);
        Assert.Empty((await Send(HttpMethod.Get, "/_emulator/ingress-log")).Body["decisions"]!.AsArray());
    }
}
