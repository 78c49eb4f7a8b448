using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// Context-based ingress of network policies (AccountNetworkPolicy.ingress / ingress_dry_run, the Go SDK's
/// CustomerFacingIngressNetworkPolicy): the schema check the service makes on create/replace, the private_access it
/// fills in, and the decision it makes for one request. Wire names and enum values are the Go SDK's json tags and
/// constants (v0.175.0).
/// </summary>
public static class IngressRules
{
    public const string AccountPolicyId = "account-policy";

    private static readonly string[] PublicModes = { "FULL_ACCESS", "RESTRICTED_ACCESS" };
    // RESTRICTION_MODE_UNSPECIFIED is what the service itself returns for a private_access it filled in
    // (terraform-provider-databricks#5884); a read-modify-write sends it back, so it is accepted there only.
    private static readonly string[] PrivateModes = { "ALLOW_ALL_REGISTERED_ENDPOINTS", "RESTRICTED_ACCESS", "RESTRICTION_MODE_UNSPECIFIED" };
    private static readonly string[] CrossModes = { "FULL_ACCESS", "LEGACY_MODE", "RESTRICTED_ACCESS" };
    private static readonly string[] IdentityTypes = { "IDENTITY_TYPE_ALL_SERVICE_PRINCIPALS", "IDENTITY_TYPE_ALL_USERS", "IDENTITY_TYPE_SELECTED_IDENTITIES" };
    private static readonly string[] PrincipalTypes = { "PRINCIPAL_TYPE_SERVICE_PRINCIPAL", "PRINCIPAL_TYPE_USER" };
    private static readonly string[] ScopeQualifiers = { "API_SCOPE_QUALIFIER_ALL", "API_SCOPE_QUALIFIER_READ" };
    public static readonly string[] WorkspaceDestinations = { "workspace_ui", "workspace_api", "apps_runtime", "lakebase_runtime" };
    public static readonly string[] AccountDestinations = { "account_ui", "account_api" };

    /// <summary>The service fills ingress.private_access when it is unset: restriction_mode RESTRICTION_MODE_UNSPECIFIED,
    /// no rules (the shape terraform-provider-databricks#5884 reports as an inconsistent result after apply).</summary>
    public static void FillDefaults(JsonObject policy)
    {
        if (policy["ingress"] is JsonObject ingress && ingress["private_access"] is null)
            ingress["private_access"] = new JsonObject { ["restriction_mode"] = "RESTRICTION_MODE_UNSPECIFIED" };
    }

    /// <summary>Checks ingress and ingress_dry_run of a policy body; the reason it is refused, or null.</summary>
    public static string? Validate(JsonObject body, bool accountPolicy)
    {
        foreach (var field in new[] { "ingress", "ingress_dry_run" })
        {
            if (body[field] is null) continue;
            if (body[field] is not JsonObject ingress) return $"{field} must be an object.";
            var problem = ValidateIngress(ingress, field, accountPolicy);
            if (problem != null) return problem;
        }
        return null;
    }

    private static string? ValidateIngress(JsonObject ingress, string at, bool accountPolicy)
    {
        foreach (var key in ingress.Select(k => k.Key))
            if (key is not ("public_access" or "private_access" or "cross_workspace_access"))
                return $"{at}.{key} is not a field of an ingress network policy (public_access, private_access, cross_workspace_access).";
        if (ingress["public_access"] is JsonNode pub)
        {
            if (pub is not JsonObject p) return $"{at}.public_access must be an object.";
            var problem = Access(p, $"{at}.public_access", PublicModes, accountPolicy, RuleKind.Public);
            if (problem != null) return problem;
        }
        if (ingress["private_access"] is JsonNode priv)
        {
            if (priv is not JsonObject p) return $"{at}.private_access must be an object.";
            var problem = Access(p, $"{at}.private_access", PrivateModes, accountPolicy, RuleKind.Private);
            if (problem != null) return problem;
            var mode = Emu.Str(p, "restriction_mode");
            if (mode != "RESTRICTED_ACCESS" && (Count(p, "allow_rules") > 0 || Count(p, "deny_rules") > 0))
                return $"{at}.private_access: allow_rules and deny_rules cannot be set when restriction_mode is {mode}.";
        }
        if (ingress["cross_workspace_access"] is JsonNode cross)
        {
            if (accountPolicy) return $"{at}.cross_workspace_access cannot be used in the account-level network policy.";
            if (cross is not JsonObject c) return $"{at}.cross_workspace_access must be an object.";
            var problem = Access(c, $"{at}.cross_workspace_access", CrossModes, accountPolicy, RuleKind.CrossWorkspace);
            if (problem != null) return problem;
        }
        return null;
    }

    private enum RuleKind { Public, Private, CrossWorkspace }

    private static int Count(JsonObject o, string key) => o[key] is JsonArray a ? a.Count : 0;

    private static string? Access(JsonObject access, string at, string[] modes, bool accountPolicy, RuleKind kind)
    {
        var mode = Emu.Str(access, "restriction_mode");
        if (mode == null) return $"{at}.restriction_mode is required.";
        if (!modes.Contains(mode)) return $"{at}.restriction_mode must be one of {string.Join(", ", modes.Where(m => m != "RESTRICTION_MODE_UNSPECIFIED"))}, not '{mode}'.";
        foreach (var list in new[] { "allow_rules", "deny_rules" })
        {
            if (access[list] is null) continue;
            if (access[list] is not JsonArray rules) return $"{at}.{list} must be a list.";
            for (int i = 0; i < rules.Count; i++)
            {
                var rat = $"{at}.{list}[{i}]";
                if (rules[i] is not JsonObject rule) return $"{rat} must be an object.";
                var problem = Rule(rule, rat, accountPolicy, kind, list == "deny_rules");
                if (problem != null) return problem;
            }
        }
        return null;
    }

    private static string? Rule(JsonObject rule, string at, bool accountPolicy, RuleKind kind, bool deny)
    {
        if (rule["label"] is JsonNode l && (l is not JsonValue lv || !lv.TryGetValue<string>(out _))) return $"{at}.label must be a string.";
        var problem = Origin(rule["origin"], at + ".origin", accountPolicy, kind, deny)
            ?? Authentication(rule["authentication"], at + ".authentication", accountPolicy);
        if (problem != null) return problem;
        problem = Destination(rule["destination"], at + ".destination", accountPolicy, out var apps);
        if (problem != null) return problem;
        if (apps && rule["authentication"] != null)
            return $"{at}: a rule for apps_runtime supports only all users and service principals; leave authentication unset.";
        return null;
    }

    private static bool IsTrue(JsonNode? n) => n is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static string? MustBeTrue(JsonObject o, string key, string at) =>
        o[key] is null || IsTrue(o[key]) ? null : $"{at}.{key} must be true when specified.";

    private static string? Origin(JsonNode? node, string at, bool accountPolicy, RuleKind kind, bool deny)
    {
        if (node is null) return null;
        if (node is not JsonObject o) return $"{at} must be an object.";
        switch (kind)
        {
            case RuleKind.Public:
            {
                var problem = MustBeTrue(o, "all_ip_ranges", at);
                if (problem != null) return problem;
                bool all = IsTrue(o["all_ip_ranges"]);
                var included = Ranges(o, "included_ip_ranges", at, out problem);
                if (problem != null) return problem;
                var excluded = Ranges(o, "excluded_ip_ranges", at, out problem);
                if (problem != null) return problem;
                if (all && included != null) return $"{at}: all_ip_ranges and included_ip_ranges cannot both be set.";
                if (!all && included == null && excluded == null) return $"{at}: set all_ip_ranges, included_ip_ranges or excluded_ip_ranges.";
                return null;
            }
            case RuleKind.Private:
            {
                foreach (var key in new[] { "all_private_access", "all_registered_endpoints", "azure_workspace_private_link" })
                {
                    var problem = MustBeTrue(o, key, at);
                    if (problem != null) return problem;
                }
                if (o["azure_workspace_private_link"] != null) return $"{at}.azure_workspace_private_link applies to Azure Private Link only; this is a Databricks on AWS account.";
                if (o["all_private_access"] != null && (accountPolicy || !deny))
                    return $"{at}.all_private_access can only be used in deny rules of workspace-level network policies.";
                int set = new[] { "all_private_access", "all_registered_endpoints", "endpoints" }.Count(k => o[k] != null);
                if (set != 1) return $"{at}: set exactly one of all_private_access, all_registered_endpoints, endpoints.";
                if (o["endpoints"] is JsonNode e)
                {
                    if (e is not JsonObject eo || eo["endpoint_ids"] is not JsonArray ids || ids.Count == 0)
                        return $"{at}.endpoints.endpoint_ids must contain at least one endpoint ID.";
                    if (ids.Any(i => i is not JsonValue v || !v.TryGetValue<string>(out var s) || string.IsNullOrWhiteSpace(s)))
                        return $"{at}.endpoints.endpoint_ids must be endpoint ID strings.";
                }
                return null;
            }
            default:
            {
                var problem = MustBeTrue(o, "all_source_workspaces", at);
                if (problem != null) return problem;
                int set = new[] { "all_source_workspaces", "selected_workspaces" }.Count(k => o[k] != null);
                if (set != 1) return $"{at}: set exactly one of all_source_workspaces, selected_workspaces.";
                if (o["selected_workspaces"] is JsonNode w &&
                    (w is not JsonObject wo || wo["workspace_ids"] is not JsonArray ids || ids.Count == 0 ||
                     ids.Any(i => i is not JsonValue v || !v.TryGetValue<long>(out var id) || id <= 0)))
                    return $"{at}.selected_workspaces.workspace_ids must list at least one workspace ID.";
                return null;
            }
        }
    }

    private static readonly IPNetwork[] PrivateNetworks =
        { IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16") };

    private static List<IPNetwork>? Ranges(JsonObject origin, string key, string at, out string? problem)
    {
        problem = null;
        if (origin[key] is null) return null;
        if (origin[key] is not JsonObject r || r["ip_ranges"] is not JsonArray list || list.Count == 0)
        {
            problem = $"{at}.{key}.ip_ranges must list at least one IPv4 address or CIDR.";
            return null;
        }
        var result = new List<IPNetwork>();
        foreach (var item in list)
        {
            if (item is not JsonValue v || !v.TryGetValue<string>(out var text) || !IpAccessRules.TryParse(text, out var net))
            {
                problem = $"{at}.{key}: '{item?.ToJsonString()}' is not an IPv4 address or CIDR (only IPv4 is supported).";
                return null;
            }
            if (key == "included_ip_ranges" && PrivateNetworks.Any(p => Overlaps(p, net)))
            {
                problem = $"{at}.{key}: '{text}' contains private IP addresses; included IP ranges must be public.";
                return null;
            }
            result.Add(net);
        }
        return result;
    }

    private static bool Overlaps(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    private static string? Destination(JsonNode? node, string at, bool accountPolicy, out bool apps)
    {
        apps = false;
        if (node is null) return null;
        if (node is not JsonObject d) return $"{at} must be an object.";
        foreach (var key in d.Select(k => k.Key))
            if (key != "all_destinations" && key != "account_databricks_one" && !WorkspaceDestinations.Contains(key) && !AccountDestinations.Contains(key))
                return $"{at}: unknown destination '{key}'.";
        if (d["account_databricks_one"] != null) return $"{at}.account_databricks_one: the account DatabricksOne destination is not supported.";
        var problem = MustBeTrue(d, "all_destinations", at);
        if (problem != null) return problem;
        var specific = d.Select(k => k.Key).Where(k => k != "all_destinations").ToList();
        if (IsTrue(d["all_destinations"]))
            return specific.Count > 0 ? $"{at}: when all_destinations is true no other destination can be set." : null;
        if (specific.Count == 0) return $"{at}: set all_destinations or at least one specific destination.";
        foreach (var key in specific)
        {
            bool accountKey = AccountDestinations.Contains(key);
            if (accountKey && !accountPolicy) return $"{at}.{key} can only be used in the account-level network policy.";
            if (!accountKey && accountPolicy) return $"{at}.{key} cannot be used in the account-level network policy; use account_ui or account_api.";
            if (d[key] is not JsonObject dest) return $"{at}.{key} must be an object.";
            if (key is "workspace_api" or "account_api")
            {
                var q = Emu.Str(dest, "scope_qualifier");
                if (dest["scope_qualifier"] != null && (q == null || !ScopeQualifiers.Contains(q)))
                    return $"{at}.{key}.scope_qualifier must be one of {string.Join(", ", ScopeQualifiers)}, not '{dest["scope_qualifier"]?.ToJsonString()}'.";
                if (dest["scopes"] is JsonNode s && (s is not JsonArray sa || sa.Any(x => x is not JsonValue xv || !xv.TryGetValue<string>(out var t) || string.IsNullOrWhiteSpace(t))))
                    return $"{at}.{key}.scopes must be a list of scope names.";
                if (q != "API_SCOPE_QUALIFIER_ALL" && Count(dest, "scopes") == 0)
                    return $"{at}.{key}: list scopes (\"all-apis\" for every API) or set scope_qualifier API_SCOPE_QUALIFIER_ALL.";
            }
            else
            {
                if (!IsTrue(dest["all_destinations"])) return $"{at}.{key}.all_destinations must be set to true.";
                if (key == "apps_runtime") apps = true;
            }
        }
        return null;
    }

    private static string? Authentication(JsonNode? node, string at, bool accountPolicy)
    {
        if (node is null) return null;
        if (accountPolicy) return $"{at}: the account-level network policy does not support scoping rules to identities; leave authentication unset.";
        if (node is not JsonObject a) return $"{at} must be an object.";
        var type = Emu.Str(a, "identity_type");
        if (type == null) return $"{at}.identity_type is required.";
        if (!IdentityTypes.Contains(type)) return $"{at}.identity_type must be one of {string.Join(", ", IdentityTypes)}, not '{type}'.";
        var ids = a["identities"];
        if (type != "IDENTITY_TYPE_SELECTED_IDENTITIES")
            return ids != null ? $"{at}.identities is valid only when identity_type is IDENTITY_TYPE_SELECTED_IDENTITIES." : null;
        if (ids is not JsonArray list || list.Count == 0) return $"{at}.identities must list at least one identity when identity_type is IDENTITY_TYPE_SELECTED_IDENTITIES.";
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject id) return $"{at}.identities[{i}] must be an object.";
            if (id["principal_id"] is not JsonValue pv || !pv.TryGetValue<long>(out var pid) || pid <= 0)
                return $"{at}.identities[{i}].principal_id must be a positive principal ID.";
            var pt = Emu.Str(id, "principal_type");
            if (pt == null || !PrincipalTypes.Contains(pt))
                return $"{at}.identities[{i}].principal_type must be one of {string.Join(", ", PrincipalTypes)}, not '{pt}'.";
        }
        return null;
    }

    // ---- evaluation -------------------------------------------------------------------------------------

    /// <summary>One request as ingress sees it. Destination is one of <see cref="WorkspaceDestinations"/> or
    /// <see cref="AccountDestinations"/>; Scope and ReadOnly matter for the API destinations.</summary>
    public sealed record IngressRequest(IPAddress Address, long PrincipalId, string PrincipalType, string Destination, string? Scope, bool ReadOnly);

    /// <summary>The decision of one ingress policy (public access; requests here come over the internet): allowed, and
    /// the rule or mode that decided it. Deny rules first, then RESTRICTED_ACCESS needs an allow rule; FULL_ACCESS allows.</summary>
    public static (bool Allowed, string Rule) Evaluate(JsonObject ingress, IngressRequest r)
    {
        if (ingress["public_access"] is not JsonObject pub) return (true, "public_access unset (full access)");
        if (pub["deny_rules"] is JsonArray deny)
            for (int i = 0; i < deny.Count; i++)
                if (deny[i] is JsonObject rule && Matches(rule, r)) return (false, Name("deny_rules", i, rule));
        if (Emu.Str(pub, "restriction_mode") != "RESTRICTED_ACCESS") return (true, "restriction_mode FULL_ACCESS");
        if (pub["allow_rules"] is JsonArray allow)
            for (int i = 0; i < allow.Count; i++)
                if (allow[i] is JsonObject rule && Matches(rule, r)) return (true, Name("allow_rules", i, rule));
        return (false, "restriction_mode RESTRICTED_ACCESS (no allow rule matched)");
    }

    private static string Name(string list, int i, JsonObject rule) =>
        Emu.Str(rule, "label") is { Length: > 0 } label ? $"{list}[{i}] '{label}'" : $"{list}[{i}]";

    private static bool Matches(JsonObject rule, IngressRequest r) =>
        OriginMatches(rule["origin"] as JsonObject, r.Address) && DestinationMatches(rule["destination"] as JsonObject, r) &&
        AuthenticationMatches(rule["authentication"] as JsonObject, r);

    private static IEnumerable<IPNetwork> Nets(JsonObject origin, string key) =>
        (origin[key]?["ip_ranges"] as JsonArray ?? new JsonArray())
            .Select(n => n is JsonValue v && v.TryGetValue<string>(out var t) && IpAccessRules.TryParse(t, out var net) ? (IPNetwork?)net : null)
            .Where(n => n.HasValue).Select(n => n!.Value);

    /// <summary>Public: not private (RFC 1918), loopback, link-local, shared (RFC 6598), unspecified, multicast or reserved
    /// (224.0.0.0/3: never the source of a request).</summary>
    public static bool IsPublic(IPAddress a)
    {
        if (a.AddressFamily != AddressFamily.InterNetwork) return false;
        var b = a.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 127 || b[0] == 0 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) ||
                 (b[0] == 169 && b[1] == 254) || (b[0] == 100 && (b[1] & 0xC0) == 64) || b[0] >= 224);
    }

    private static bool OriginMatches(JsonObject? o, IPAddress address)
    {
        if (o == null || IsTrue(o["all_ip_ranges"]) && o["excluded_ip_ranges"] == null) return true;
        if (Nets(o, "excluded_ip_ranges").Any(n => n.Contains(address))) return false;
        if (o["included_ip_ranges"] != null) return Nets(o, "included_ip_ranges").Any(n => n.Contains(address));
        // all_ip_ranges minus excluded matches any other address; excluded alone means "all public IP ranges except these".
        return IsTrue(o["all_ip_ranges"]) || IsPublic(address);
    }

    private static bool DestinationMatches(JsonObject? d, IngressRequest r)
    {
        if (d == null || IsTrue(d["all_destinations"])) return true;
        if (d[r.Destination] is not JsonObject dest) return false;
        if (r.Destination is not ("workspace_api" or "account_api")) return true;
        var q = Emu.Str(dest, "scope_qualifier");
        if (q == "API_SCOPE_QUALIFIER_ALL") return true;
        var scopes = Emu.StrList(dest, "scopes") ?? new List<string>();
        bool listed = scopes.Contains("all-apis") || (r.Scope != null && scopes.Contains(r.Scope));
        return listed && (q != "API_SCOPE_QUALIFIER_READ" || r.ReadOnly);
    }

    private static bool AuthenticationMatches(JsonObject? a, IngressRequest r) => Emu.Str(a ?? new JsonObject(), "identity_type") switch
    {
        null => true,
        "IDENTITY_TYPE_ALL_USERS" => r.PrincipalType == "PRINCIPAL_TYPE_USER",
        "IDENTITY_TYPE_ALL_SERVICE_PRINCIPALS" => r.PrincipalType == "PRINCIPAL_TYPE_SERVICE_PRINCIPAL",
        _ => (a!["identities"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().Any(i =>
                 i["principal_id"] is JsonValue v && v.TryGetValue<long>(out var id) && id == r.PrincipalId &&
                 Emu.Str(i, "principal_type") == r.PrincipalType),
    };
}
