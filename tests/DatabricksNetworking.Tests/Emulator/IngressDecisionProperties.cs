using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Areas;
using DatabricksNetworking.Emulator.Core;
using Microsoft.AspNetCore.Builder;

namespace DatabricksNetworking.Tests.Emulator;

/// <summary>
/// Property: on generated (address, identity, destination, policy) cases the emulator's ingress decision equals the one
/// of a small reference evaluator written here from the contract text (deny rules first; RESTRICTED_ACCESS needs an
/// allow rule; an absent part matches everything; excluded-only origins mean every public address but those), not from
/// the emulator's code. Policies go through the API (so every generated policy is also one the schema check accepts),
/// the cases through the batch evaluator, and a share of them through real requests (X-Forwarded-For, one emulator).
/// The module's Test-DbxIngressAccess was not on main when this was written; the same generator can drive it.
/// </summary>
public sealed class IngressDecisionProperties : IAsyncLifetime
{
    private const string Account = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";
    private const string Token = "dapidemoaccount000000000000000000001";
    private const long Ws = 1111111111111111;
    private WebApplication app = null!;
    private EmulatorServices services = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        (app, services) = EmulatorHost.Build(new EmulatorOptions { Port = 0, Quiet = true, TrustForwardedFor = true });
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

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Send(HttpMethod method, string path, JsonNode? body = null, string? from = null, long? workspace = null)
    {
        using var req = new HttpRequestMessage(method, path);
        if (path.StartsWith("/_emulator", StringComparison.Ordinal)) req.Headers.Add(EmulatorOptions.AdminTokenHeader, services.Options.AdminToken);
        if (from != null) req.Headers.Add("X-Forwarded-For", from);
        if (workspace.HasValue) req.Headers.Add("X-Databricks-Org-Id", workspace.Value.ToString());
        if (body != null) req.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        return (resp.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    // ---- generator ----------------------------------------------------------------------------------------

    private static readonly string[] RulePublicRanges = { "203.0.113.0/24", "203.0.113.0/28", "203.0.113.17", "198.51.100.0/25", "198.51.100.128/25", "192.0.2.0/24", "198.51.100.77/30", "8.8.0.0/16" };
    private static readonly string[] ExcludedRanges = { "203.0.113.16/28", "198.51.100.1", "10.0.0.0/8", "192.0.2.128/25", "203.0.113.5" };
    private static readonly string[] Addresses = { "203.0.113.5", "203.0.113.17", "203.0.113.200", "198.51.100.1", "198.51.100.76", "198.51.100.130", "192.0.2.9", "192.0.2.200", "8.8.8.8", "10.1.2.3", "127.0.0.1" };
    private static readonly (long Id, string Type)[] Identities = { (7000, "PRINCIPAL_TYPE_USER"), (7001, "PRINCIPAL_TYPE_SERVICE_PRINCIPAL"), (42, "PRINCIPAL_TYPE_USER"), (42, "PRINCIPAL_TYPE_SERVICE_PRINCIPAL") };
    private static readonly string[] RuleScopes = { "sql", "clusters", "jobs", "all-apis" };
    private static readonly string[] RequestScopes = { "sql", "clusters", "jobs", "ip-access-lists" };

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];
    private static JsonArray Strings(Random r, IReadOnlyList<string> pool, int min, int max) =>
        new(pool.OrderBy(_ => r.Next()).Take(r.Next(min, max + 1)).Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());

    private static JsonObject? Origin(Random r) => r.Next(7) switch
    {
        0 => null,
        1 => new JsonObject { ["all_ip_ranges"] = true },
        2 => new JsonObject { ["all_ip_ranges"] = true, ["excluded_ip_ranges"] = new JsonObject { ["ip_ranges"] = Strings(r, ExcludedRanges, 1, 2) } },
        3 => new JsonObject { ["excluded_ip_ranges"] = new JsonObject { ["ip_ranges"] = Strings(r, ExcludedRanges, 1, 2) } },
        4 => new JsonObject { ["included_ip_ranges"] = new JsonObject { ["ip_ranges"] = Strings(r, RulePublicRanges, 1, 3) },
                              ["excluded_ip_ranges"] = new JsonObject { ["ip_ranges"] = Strings(r, ExcludedRanges, 1, 2) } },
        _ => new JsonObject { ["included_ip_ranges"] = new JsonObject { ["ip_ranges"] = Strings(r, RulePublicRanges, 1, 3) } },
    };

    private static JsonObject Api(Random r)
    {
        var o = new JsonObject();
        var q = r.Next(4);
        if (q == 1) o["scope_qualifier"] = "API_SCOPE_QUALIFIER_READ";
        if (q == 2) o["scope_qualifier"] = "API_SCOPE_QUALIFIER_ALL";
        if (q != 2 || r.Next(2) == 0) o["scopes"] = Strings(r, RuleScopes, 1, 2);
        return o;
    }

    private static JsonObject? Destination(Random r, bool account)
    {
        var k = r.Next(6);
        if (k == 0) return null;
        if (k == 1) return new JsonObject { ["all_destinations"] = true };
        var d = new JsonObject();
        var kinds = account ? IngressRules.AccountDestinations : IngressRules.WorkspaceDestinations;
        foreach (var kind in kinds.OrderBy(_ => r.Next()).Take(r.Next(1, kinds.Length)))
            d[kind] = kind.EndsWith("_api", StringComparison.Ordinal) ? Api(r) : new JsonObject { ["all_destinations"] = true };
        return d;
    }

    private static JsonObject? Authentication(Random r) => r.Next(5) switch
    {
        0 or 1 => null,
        2 => new JsonObject { ["identity_type"] = "IDENTITY_TYPE_ALL_USERS" },
        3 => new JsonObject { ["identity_type"] = "IDENTITY_TYPE_ALL_SERVICE_PRINCIPALS" },
        _ => new JsonObject
        {
            ["identity_type"] = "IDENTITY_TYPE_SELECTED_IDENTITIES",
            ["identities"] = new JsonArray(Identities.OrderBy(_ => r.Next()).Take(r.Next(1, 3))
                .Select(i => (JsonNode)new JsonObject { ["principal_id"] = i.Id, ["principal_type"] = i.Type }).ToArray()),
        },
    };

    private static JsonObject Rule(Random r, bool account, int i)
    {
        var rule = new JsonObject { ["label"] = $"r{i}" };
        if (Origin(r) is { } o) rule["origin"] = o;
        var d = Destination(r, account);
        if (d != null) rule["destination"] = d;
        bool apps = d?["apps_runtime"] != null;
        if (!account && !apps && Authentication(r) is { } a) rule["authentication"] = a;
        return rule;
    }

    private static JsonObject Ingress(Random r, bool account)
    {
        var pub = new JsonObject { ["restriction_mode"] = r.Next(4) == 0 ? "FULL_ACCESS" : "RESTRICTED_ACCESS" };
        int deny = r.Next(3), allow = r.Next(4);
        if (deny > 0) pub["deny_rules"] = new JsonArray(Enumerable.Range(0, deny).Select(i => (JsonNode)Rule(r, account, i)).ToArray());
        if (allow > 0) pub["allow_rules"] = new JsonArray(Enumerable.Range(0, allow).Select(i => (JsonNode)Rule(r, account, i)).ToArray());
        return new JsonObject { ["public_access"] = pub };
    }

    private sealed record Case(string Address, long PrincipalId, string PrincipalType, string Destination, string? Scope, bool ReadOnly);

    private static Case NewCase(Random r, bool account)
    {
        var id = Pick(r, Identities);
        var dest = Pick(r, account ? IngressRules.AccountDestinations : IngressRules.WorkspaceDestinations.Concat(new[] { "workspace_api", "workspace_api" }).ToArray());
        var api = dest.EndsWith("_api", StringComparison.Ordinal);
        return new Case(Pick(r, Addresses), id.Id, id.Type, dest, api ? Pick(r, RequestScopes) : null, api && r.Next(2) == 0);
    }

    // ---- reference evaluator (independent of IngressRules) ----------------------------------------------

    private static uint V4(string a) => BitConverter.ToUInt32(IPAddress.Parse(a).GetAddressBytes().Reverse().ToArray(), 0);

    private static bool InCidr(string address, string cidr)
    {
        var parts = cidr.Split('/');
        int bits = parts.Length == 2 ? int.Parse(parts[1]) : 32;
        uint mask = bits == 0 ? 0 : uint.MaxValue << (32 - bits);
        return (V4(address) & mask) == (V4(parts[0]) & mask);
    }

    private static readonly string[] NonPublic = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10", "0.0.0.0/8" };

    private static IEnumerable<string> List(JsonNode? n) => (n as JsonArray ?? new JsonArray()).Select(x => (string)x!);

    private static bool RefOrigin(JsonNode? o, string addr)
    {
        if (o == null) return true;
        var included = List(o["included_ip_ranges"]?["ip_ranges"]).ToList();
        var excluded = List(o["excluded_ip_ranges"]?["ip_ranges"]).ToList();
        if (excluded.Any(c => InCidr(addr, c))) return false;
        if (o["included_ip_ranges"] != null) return included.Any(c => InCidr(addr, c));
        if ((bool?)o["all_ip_ranges"] == true) return true;
        return !NonPublic.Any(c => InCidr(addr, c)); // excluded only: all public addresses except those
    }

    private static bool RefDestination(JsonNode? d, Case c)
    {
        if (d == null || (bool?)d["all_destinations"] == true) return true;
        var dest = d[c.Destination];
        if (dest == null) return false;
        if (!c.Destination.EndsWith("_api", StringComparison.Ordinal)) return true;
        var qualifier = (string?)dest["scope_qualifier"];
        if (qualifier == "API_SCOPE_QUALIFIER_ALL") return true;
        var scopes = List(dest["scopes"]).ToList();
        if (!scopes.Contains("all-apis") && !scopes.Contains(c.Scope!)) return false;
        return qualifier != "API_SCOPE_QUALIFIER_READ" || c.ReadOnly;
    }

    private static bool RefAuthentication(JsonNode? a, Case c)
    {
        switch ((string?)a?["identity_type"])
        {
            case null: return true;
            case "IDENTITY_TYPE_ALL_USERS": return c.PrincipalType == "PRINCIPAL_TYPE_USER";
            case "IDENTITY_TYPE_ALL_SERVICE_PRINCIPALS": return c.PrincipalType == "PRINCIPAL_TYPE_SERVICE_PRINCIPAL";
            default:
                foreach (var i in (JsonArray)a!["identities"]!)
                    if ((long)i!["principal_id"]! == c.PrincipalId && (string?)i["principal_type"] == c.PrincipalType) return true;
                return false;
        }
    }

    /// <summary>(allowed, the list and index of the deciding rule, or "mode").</summary>
    private static (bool Allowed, string Decider) Reference(JsonObject ingress, Case c)
    {
        var pub = ingress["public_access"]!;
        bool Hit(JsonNode rule) => RefOrigin(rule["origin"], c.Address) && RefDestination(rule["destination"], c) && RefAuthentication(rule["authentication"], c);
        var deny = pub["deny_rules"] as JsonArray ?? new JsonArray();
        for (int i = 0; i < deny.Count; i++) if (Hit(deny[i]!)) return (false, $"deny_rules[{i}]");
        if ((string?)pub["restriction_mode"] == "FULL_ACCESS") return (true, "mode");
        var allow = pub["allow_rules"] as JsonArray ?? new JsonArray();
        for (int i = 0; i < allow.Count; i++) if (Hit(allow[i]!)) return (true, $"allow_rules[{i}]");
        return (false, "mode");
    }

    // ---- the property ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Emulator_decisions_equal_the_reference_on_2400_generated_cases()
    {
        const int seed = 20261203;
        var r = new Random(seed);
        int cases = 0, allowed = 0, byRule = 0, viaHttp = 0;
        var mismatches = new List<string>();
        for (int round = 0; round < 80; round++)
        {
            bool account = round >= 68; // the last 12 rounds: account-policy, account destinations, no identities
            var ingress = Ingress(r, account);
            var id = account ? "account-policy" : $"prop-{round}";
            var body = new JsonObject { ["network_policy_id"] = id, ["ingress"] = ingress.DeepClone() };
            var (s, b) = account
                ? await Send(HttpMethod.Put, $"/api/2.0/accounts/{Account}/network-policies/account-policy", body)
                : await Send(HttpMethod.Post, $"/api/2.0/accounts/{Account}/network-policies", body);
            Assert.True(s == HttpStatusCode.OK, $"seed {seed} round {round}: {b?.ToJsonString()} for {body.ToJsonString()}");
            if (!account)
            {
                var (bs, bb) = await Send(HttpMethod.Put, $"/api/2.0/accounts/{Account}/workspaces/{Ws}/network", new JsonObject { ["workspace_id"] = Ws, ["network_policy_id"] = id });
                Assert.True(bs == HttpStatusCode.OK, bb?.ToJsonString());
            }
            var batch = Enumerable.Range(0, 30).Select(_ => NewCase(r, account)).ToList();
            var request = new JsonObject
            {
                ["cases"] = new JsonArray(batch.Select(c =>
                {
                    var o = new JsonObject { ["address"] = c.Address, ["principal_id"] = c.PrincipalId, ["principal_type"] = c.PrincipalType, ["destination"] = c.Destination, ["scope"] = c.Scope, ["read_only"] = c.ReadOnly };
                    if (!account) o["workspace_id"] = Ws;
                    return (JsonNode)o;
                }).ToArray()),
            };
            var (es, eb) = await Send(HttpMethod.Post, "/_emulator/ingress-evaluate", request);
            Assert.Equal(HttpStatusCode.OK, es);
            var results = eb!["results"]!.AsArray();
            for (int i = 0; i < batch.Count; i++)
            {
                var (want, decider) = Reference(ingress, batch[i]);
                var got = (bool)results[i]!["allowed"]!;
                var rule = (string)results[i]!["rule"]!;
                cases++;
                if (want) allowed++;
                if (decider != "mode") byRule++;
                if (got != want || (decider == "mode" ? rule.StartsWith("deny_rules", StringComparison.Ordinal) || rule.StartsWith("allow_rules", StringComparison.Ordinal) : !rule.StartsWith(decider + " ", StringComparison.Ordinal)))
                    mismatches.Add($"seed {seed} round {round} case {i}: {batch[i]} reference {want}/{decider}, emulator {got}/{rule}; policy {ingress.ToJsonString()}");
            }
            // Real requests by the seeded admin (user 7000) to workspace APIs: enforcement must make the same decision.
            if (!account)
                foreach (var c in batch.Where(c => c.Destination == "workspace_api" && c.PrincipalId == 7000 && c.PrincipalType == "PRINCIPAL_TYPE_USER").Take(6))
                {
                    var (want, _) = Reference(ingress, c);
                    var (hs, _) = await Send(c.ReadOnly ? HttpMethod.Get : HttpMethod.Post, $"/api/2.0/{c.Scope}/ingress-property-probe", new JsonObject(), from: c.Address, workspace: Ws);
                    viaHttp++;
                    if ((hs != HttpStatusCode.Forbidden) != want) mismatches.Add($"seed {seed} round {round} HTTP {c}: reference {want}, emulator answered {(int)hs}; policy {ingress.ToJsonString()}");
                }
            else
                lock (services.State.Sync) // lift the account policy again (the test's own callers come from loopback)
                    services.State.Accounts[Account].Collection(NetworkPoliciesArea.PolicyCollection).Remove("account-policy");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(5)) + $"\n({mismatches.Count} mismatches)");
        Assert.True(cases >= 2000, $"{cases} cases");
        Assert.True(viaHttp >= 100, $"{viaHttp} cases through real requests");
        // Generator balance: both answers, and rules (not only the mode) decide often.
        Assert.InRange(allowed, cases / 5, cases * 4 / 5);
        Assert.InRange(byRule, cases / 5, cases);
    }
}
