using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// Account API network policies (PUT = full replace) and the workspace network option (reference §5). Every account
/// has the undeletable "default-policy", created the first time its policies or workspace options are touched; a
/// workspace without an explicit binding uses it. A binding is kept in the workspace collection "network-option".
/// </summary>
public sealed class NetworkPoliciesArea : IEmulatorArea
{
    public const string PolicyCollection = "network-policies";
    public const string OptionCollection = "network-option";
    private const string Base = "/api/2.0/accounts/{accountId}/network-policies";

    public void Map(WebApplication app, EmulatorServices s)
    {
        app.MapGet(Base, (HttpContext http, string? page_token) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                var all = Policies(acc).Values.OrderBy(p => Emu.Str(p, "network_policy_id"), StringComparer.Ordinal).ToList();
                return Emu.Json(Emu.Paged(all, page_token, s.Options.PageSize));
            }
        });

        app.MapPost(Base, async (HttpContext http) =>
        {
            var acc = Emu.Req(http).Account!;
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var id = Emu.Str(body!, "network_policy_id");
            if (!ServerlessRules.IsPolicyId(id))
                return Emu.BadRequest(http, $"Invalid network_policy_id '{id}': it must match ^[a-zA-Z0-9_.-]{{1,32}}$.");
            var problem = Validate(body!) ?? IngressRules.Validate(body!, id == IngressRules.AccountPolicyId);
            if (problem != null) return Emu.BadRequest(http, problem);
            lock (s.State.Sync)
            {
                var policies = Policies(acc);
                if (policies.ContainsKey(id!) || id == IngressRules.AccountPolicyId)
                    return Emu.Error(http, 409, "RESOURCE_ALREADY_EXISTS", $"Network policy {id} already exists.");
                var stored = Stored(acc, body!, id!);
                policies[id!] = stored;
                return Emu.Json(stored.DeepClone());
            }
        });

        app.MapGet(Base + "/{policyId}", (HttpContext http, string policyId) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                if (policyId == IngressRules.AccountPolicyId) return Emu.Json(AccountPolicy(acc).DeepClone());
                return Policies(acc).TryGetValue(policyId, out var p) ? Emu.Json(p.DeepClone()) : PolicyNotFound(http, policyId);
            }
        });

        app.MapPut(Base + "/{policyId}", async (HttpContext http, string policyId) =>
        {
            var acc = Emu.Req(http).Account!;
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var bodyId = Emu.Str(body!, "network_policy_id");
            if (bodyId != null && bodyId != policyId)
                return Emu.BadRequest(http, $"network_policy_id '{bodyId}' in the body does not match '{policyId}' in the path.");
            var problem = Validate(body!) ?? IngressRules.Validate(body!, policyId == IngressRules.AccountPolicyId);
            if (problem != null) return Emu.BadRequest(http, problem);
            lock (s.State.Sync)
            {
                var policies = Policies(acc);
                if (policyId == IngressRules.AccountPolicyId) AccountPolicy(acc);
                if (!policies.ContainsKey(policyId)) return PolicyNotFound(http, policyId);
                var stored = Stored(acc, body!, policyId);
                policies[policyId] = stored;
                return Emu.Json(stored.DeepClone());
            }
        });

        app.MapDelete(Base + "/{policyId}", (HttpContext http, string policyId) =>
        {
            var acc = Emu.Req(http).Account!;
            if (policyId == ServerlessRules.DefaultPolicyId)
                return Emu.BadRequest(http, "default-policy is the account's default network policy and cannot be deleted.");
            if (policyId == IngressRules.AccountPolicyId)
                return Emu.BadRequest(http, "account-policy is the account-level network policy and cannot be deleted.");
            lock (s.State.Sync)
            {
                var policies = Policies(acc);
                if (!policies.ContainsKey(policyId)) return PolicyNotFound(http, policyId);
                var users = acc.Workspaces.Values.Where(w => BoundPolicy(w) == policyId).Select(w => w.WorkspaceId).ToList();
                if (users.Count > 0)
                    return Emu.Error(http, 400, "INVALID_STATE", $"Network policy {policyId} is used by workspace(s) {string.Join(", ", users)}; bind them to another policy first.");
                policies.Remove(policyId);
                return Emu.Empty();
            }
        });

        // ---- workspace network option --------------------------------------------------------------

        app.MapGet("/api/2.0/accounts/{accountId}/workspaces/{workspaceId}/network", (HttpContext http, string workspaceId) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                if (!long.TryParse(workspaceId, out var wid) || !acc.Workspaces.TryGetValue(wid, out var ws))
                    return Emu.NotFound(http, $"Workspace {workspaceId} does not exist.");
                Policies(acc);
                return Emu.Json(new JsonObject { ["workspace_id"] = wid, ["network_policy_id"] = BoundPolicy(ws) });
            }
        });

        app.MapPut("/api/2.0/accounts/{accountId}/workspaces/{workspaceId}/network", async (HttpContext http, string workspaceId) =>
        {
            var acc = Emu.Req(http).Account!;
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var policyId = Emu.Str(body!, "network_policy_id");
            if (string.IsNullOrEmpty(policyId)) return Emu.BadRequest(http, "network_policy_id is required.");
            if (policyId == IngressRules.AccountPolicyId)
                return Emu.BadRequest(http, "account-policy is the account-level network policy; it applies to account-level resources and cannot be attached to a workspace.");
            lock (s.State.Sync)
            {
                if (!long.TryParse(workspaceId, out var wid) || !acc.Workspaces.TryGetValue(wid, out var ws))
                    return Emu.NotFound(http, $"Workspace {workspaceId} does not exist.");
                if (body!["workspace_id"] is JsonValue v && (!v.TryGetValue<long>(out var bodyWid) || bodyWid != wid))
                    return Emu.BadRequest(http, $"workspace_id in the body does not match {wid} in the path.");
                if (!Policies(acc).ContainsKey(policyId)) return PolicyNotFound(http, policyId);
                var options = ws.Collection(OptionCollection);
                options.Clear();
                if (policyId != ServerlessRules.DefaultPolicyId)
                    options[policyId] = new JsonObject { ["workspace_id"] = wid, ["network_policy_id"] = policyId };
                return Emu.Json(new JsonObject { ["workspace_id"] = wid, ["network_policy_id"] = policyId });
            }
        });
    }

    private static IResult PolicyNotFound(HttpContext http, string id) => Emu.NotFound(http, $"Network policy {id} does not exist.");

    /// <summary>The account's policies, with default-policy created the first time they are touched.</summary>
    private static Dictionary<string, JsonObject> Policies(AccountState acc)
    {
        var policies = acc.Collection(PolicyCollection);
        if (!policies.ContainsKey(ServerlessRules.DefaultPolicyId))
            policies[ServerlessRules.DefaultPolicyId] = new JsonObject
            {
                ["network_policy_id"] = ServerlessRules.DefaultPolicyId,
                ["account_id"] = acc.AccountId,
                ["egress"] = new JsonObject { ["network_access"] = new JsonObject { ["restriction_mode"] = "FULL_ACCESS" } },
            };
        return policies;
    }

    /// <summary>The account-level policy (fixed id account-policy, undeletable), stored the first time it is read or
    /// written; until then the account has no ingress restriction. It is listed once stored.</summary>
    public static JsonObject AccountPolicy(AccountState acc)
    {
        var policies = Policies(acc);
        if (!policies.TryGetValue(IngressRules.AccountPolicyId, out var p))
            policies[IngressRules.AccountPolicyId] = p = new JsonObject { ["network_policy_id"] = IngressRules.AccountPolicyId, ["account_id"] = acc.AccountId };
        return p;
    }

    /// <summary>The policy a workspace uses: its binding, else default-policy.</summary>
    public static JsonObject? PolicyOf(AccountState acc, WorkspaceState ws) => Policies(acc).GetValueOrDefault(BoundPolicy(ws));

    public static string BoundPolicy(WorkspaceState ws) =>
        ws.Collections.TryGetValue(OptionCollection, out var c) && c.Values.FirstOrDefault() is { } o
            ? Emu.Str(o, "network_policy_id") ?? ServerlessRules.DefaultPolicyId
            : ServerlessRules.DefaultPolicyId;

    private static JsonObject Stored(AccountState acc, JsonObject body, string id)
    {
        var o = body.DeepClone().AsObject();
        o["network_policy_id"] = id;
        o["account_id"] = acc.AccountId;
        if (o["egress"]?["network_access"] is JsonObject access)
            foreach (var list in new[] { "allowed_internet_destinations", "blocked_internet_destinations" })
                if (access[list] is JsonArray arr)
                    foreach (var d in arr.OfType<JsonObject>()) d["internet_destination_type"] ??= "DNS_NAME";
        IngressRules.FillDefaults(o);
        return o;
    }

    private static bool IsWorkspaceId(JsonNode? n) => n is JsonValue v && (v.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.Number => v.TryGetValue<long>(out var l) && l > 0,
        System.Text.Json.JsonValueKind.String => long.TryParse((string)v!, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var l) && l > 0,
        _ => false,
    });

    /// <summary>Checks the egress part of a policy body; the reason it is refused, or null.</summary>
    public static string? Validate(JsonObject body)
    {
        // egress is optional (AccountNetworkPolicy egress/ingress/ingress_dry_run are all omitempty in the SDKs): a policy
        // with only ingress, or none, is accepted; its egress is not restricted.
        if (body["egress"] is null) return null;
        if (body["egress"] is not JsonObject egress) return "egress must be an object.";
        if (egress["network_access"] is null) return null;
        if (egress["network_access"] is not JsonObject access) return "egress.network_access must be an object.";
        var mode = Emu.Str(access, "restriction_mode");
        if (mode is not ("FULL_ACCESS" or "RESTRICTED_ACCESS"))
            return $"egress.network_access.restriction_mode must be FULL_ACCESS or RESTRICTED_ACCESS, not '{mode}'.";
        int count = 0;
        foreach (var list in new[] { "allowed_internet_destinations", "blocked_internet_destinations" })
        {
            if (access[list] is null) continue;
            if (access[list] is not JsonArray arr) return $"{list} must be a list.";
            foreach (var item in arr)
            {
                if (item is not JsonObject d) return $"{list} items must be objects.";
                var type = Emu.Str(d, "internet_destination_type");
                if (type != null && type != "DNS_NAME") return $"internet_destination_type '{type}' is not supported; use DNS_NAME.";
                var dest = Emu.Str(d, "destination");
                if (!ServerlessRules.IsFqdn(dest)) return $"'{dest}' in {list} is not a valid fully qualified domain name.";
                count++;
            }
        }
        if (access["allowed_storage_destinations"] is JsonArray storage)
            foreach (var item in storage)
            {
                if (item is not JsonObject d) return "allowed_storage_destinations items must be objects.";
                var type = Emu.Str(d, "storage_destination_type");
                if (type != "AWS_S3") return $"storage_destination_type '{type}' is not supported on AWS; use AWS_S3.";
                if (!ServerlessRules.IsBucketName(Emu.Str(d, "bucket_name"))) return $"'{Emu.Str(d, "bucket_name")}' is not a valid S3 bucket name.";
                if (!ServerlessRules.IsRegion(Emu.Str(d, "region"))) return $"'{Emu.Str(d, "region")}' is not a valid region for bucket {Emu.Str(d, "bucket_name")}.";
                count++;
            }
        else if (access["allowed_storage_destinations"] != null) return "allowed_storage_destinations must be a list.";
        // allowed_databricks_destinations: [{workspace_ids: [int64]}] (databricks-sdk-go settings/model.go
        // EgressNetworkPolicyNetworkAccessPolicyDatabricksDestination); int64 as a JSON number or, proto-JSON style, a string.
        if (access["allowed_databricks_destinations"] is JsonArray databricks)
            foreach (var item in databricks)
            {
                if (item is not JsonObject d) return "allowed_databricks_destinations items must be objects.";
                if (d["workspace_ids"] is null) continue;
                if (d["workspace_ids"] is not JsonArray ids) return "allowed_databricks_destinations.workspace_ids must be a list of workspace ids.";
                foreach (var wid in ids)
                {
                    if (!IsWorkspaceId(wid)) return $"'{wid?.ToJsonString()}' in allowed_databricks_destinations.workspace_ids is not a workspace id (a positive 64-bit integer).";
                    count++;
                }
            }
        else if (access["allowed_databricks_destinations"] != null) return "allowed_databricks_destinations must be a list.";
        if (count > ServerlessRules.PolicyDestinations)
            return $"A network policy holds at most {ServerlessRules.PolicyDestinations} destinations; this one has {count}.";
        if (access["policy_enforcement"] is JsonObject pe)
        {
            var em = Emu.Str(pe, "enforcement_mode");
            if (em != null && em is not ("ENFORCED" or "DRY_RUN")) return $"enforcement_mode must be ENFORCED or DRY_RUN, not '{em}'.";
            if (pe["dry_run_mode_product_filter"] is JsonNode f)
            {
                var products = f is JsonArray ? Emu.StrList(pe, "dry_run_mode_product_filter") : null;
                if (products == null) return "dry_run_mode_product_filter must be a list of DBSQL, ML_SERVING.";
                var bad = products.FirstOrDefault(p => p is not ("DBSQL" or "ML_SERVING"));
                if (bad != null) return $"'{bad}' is not a product of dry_run_mode_product_filter; use DBSQL or ML_SERVING.";
                if (products.Count > 0 && em != "DRY_RUN") return "dry_run_mode_product_filter applies only with enforcement_mode DRY_RUN.";
            }
        }
        return null;
    }
}
