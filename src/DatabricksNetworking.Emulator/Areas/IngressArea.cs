using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// The ingress decision log (GET /_emulator/ingress-log, POST /_emulator/ingress-log/reset) and a batch evaluator
/// (POST /_emulator/ingress-evaluate: the same decision as enforcement, for destinations the emulator serves no
/// host for: workspace UI, apps, Lakebase, account UI). Admin token required, like every /_emulator control route.
/// </summary>
public sealed class IngressArea : IEmulatorArea
{
    public void Map(WebApplication app, EmulatorServices s)
    {
        app.MapGet("/_emulator/ingress-log", (string? workspace_id) => Emu.Json(new JsonObject { ["decisions"] = s.IngressLog.Snapshot(workspace_id) }));
        app.MapPost("/_emulator/ingress-log/reset", () => { s.IngressLog.Reset(); return Emu.Empty(); });

        // Body {"cases":[{"account_id"?, "workspace_id"? (else the account-policy), "address", "principal_id",
        // "principal_type", "destination", "scope"?, "read_only"?}]} -> {"results":[{"allowed", "policy_id", "rule",
        // "dry_run": {"allowed","rule"}?}]}. Nothing is logged.
        app.MapPost("/_emulator/ingress-evaluate", async (HttpContext http) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            if (body!["cases"] is not JsonArray cases) return Emu.BadRequest(http, "cases must be a list.");
            var results = new JsonArray();
            lock (s.State.Sync)
                foreach (var c in cases.OfType<JsonObject>())
                {
                    if (!System.Net.IPAddress.TryParse(Emu.Str(c, "address") ?? "", out var ip)) return Emu.BadRequest(http, "address must be an IP address.");
                    var accountId = Emu.Str(c, "account_id") ?? s.State.Accounts.Keys.First();
                    if (!s.State.Accounts.TryGetValue(accountId, out var acc)) return Emu.NotFound(http, $"Account {accountId} does not exist.");
                    WorkspaceState? ws = null;
                    if (c["workspace_id"] is JsonValue wv && (!wv.TryGetValue<long>(out var wid) || !acc.Workspaces.TryGetValue(wid, out ws)))
                        return Emu.NotFound(http, $"Workspace {c["workspace_id"]} does not exist.");
                    var r = new IngressRules.IngressRequest(ip, (long?)c["principal_id"] ?? 0, Emu.Str(c, "principal_type") ?? "PRINCIPAL_TYPE_USER",
                        Emu.Str(c, "destination") ?? (ws == null ? "account_api" : "workspace_api"), Emu.Str(c, "scope"), (bool?)c["read_only"] ?? false);
                    var (policyId, policy) = IngressCheck.PolicyFor(acc, ws);
                    var result = new JsonObject { ["allowed"] = true, ["policy_id"] = policyId, ["rule"] = null };
                    if (policy?["ingress"] is JsonObject ingress)
                    {
                        var (allowed, rule) = IngressRules.Evaluate(ingress, r);
                        result["allowed"] = allowed;
                        result["rule"] = rule;
                    }
                    if (policy?["ingress_dry_run"] is JsonObject dry)
                    {
                        var (allowed, rule) = IngressRules.Evaluate(dry, r);
                        result["dry_run"] = new JsonObject { ["allowed"] = allowed, ["rule"] = rule };
                    }
                    results.Add(result);
                }
            return Emu.Json(new JsonObject { ["results"] = results });
        });
    }
}

/// <summary>
/// Enforcement of context-based ingress on every account and workspace API request: the caller's address (loopback
/// here; X-Forwarded-For only with --trust-forwarded-for) and the token's principal against the workspace's bound
/// policy (default-policy when unbound) or, for account APIs, the account-policy. Requests arrive over the public
/// internet (no registered endpoints here), so public_access decides. The ingress_dry_run policy is evaluated too and
/// only logged. No ingress configured = full access, nothing logged.
/// </summary>
public sealed class IngressCheck : IAccessCheck
{
    /// <summary>The policy that governs a workspace (its binding, else default-policy) or, with no workspace, the
    /// account-policy; read without creating anything.</summary>
    public static (string PolicyId, JsonObject? Policy) PolicyFor(AccountState acc, WorkspaceState? ws)
    {
        acc.Collections.TryGetValue(NetworkPoliciesArea.PolicyCollection, out var policies);
        var id = ws == null ? IngressRules.AccountPolicyId : NetworkPoliciesArea.BoundPolicy(ws);
        return (id, policies?.GetValueOrDefault(id));
    }

    /// <summary>The refusal. The service's exact body for an ingress denial is not published; this mirrors the shape of
    /// its IP access list block (HTTP 403, numeric error_code 403, the source address and the scope in the message).</summary>
    public static IResult Denied(System.Net.IPAddress ip, string policyId, string scope)
    {
        var body = new JsonObject { ["error_code"] = 403, ["message"] = $"Source IP address: {ip} is blocked by Databricks network policy {policyId} (context-based ingress) for {scope}" };
        return Results.Text(body.ToJsonString(), "application/json", statusCode: 403);
    }

    public IResult? Check(HttpContext http, EmuRequest request, EmulatorServices services)
    {
        if (request.Account == null) return null;
        var path = http.Request.Path.Value ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string destination, scope;
        if (request.Workspace == null)
        {
            destination = "account_api";
            int i = Array.IndexOf(segments, "accounts");
            scope = i >= 0 && segments.Length > i + 2 ? segments[i + 2] : "accounts";
        }
        else
        {
            destination = "workspace_api";
            scope = segments.Length > 2 ? segments[2] : "";
        }
        var kind = request.Principal.Kind == "user" ? "PRINCIPAL_TYPE_USER" : "PRINCIPAL_TYPE_SERVICE_PRINCIPAL";
        var r = new IngressRules.IngressRequest(request.ClientIp, request.Principal.UserId, kind, destination, scope,
            HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
        lock (services.State.Sync)
        {
            var (policyId, policy) = PolicyFor(request.Account, request.Workspace);
            if (policy == null) return null;
            void Log(bool allowed, string rule, string enforcement) => services.IngressLog.Add(new JsonObject
            {
                ["time"] = services.Clock().ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                ["account_id"] = request.Account.AccountId,
                ["workspace_id"] = request.Workspace?.WorkspaceId,
                ["principal"] = request.Principal.Name,
                ["principal_id"] = request.Principal.UserId,
                ["principal_type"] = kind,
                ["address"] = request.ClientIp.ToString(),
                ["destination"] = destination,
                ["scope"] = scope,
                ["method"] = http.Request.Method,
                ["path"] = path,
                ["policy_id"] = policyId,
                ["rule"] = rule,
                ["decision"] = allowed ? "ALLOW" : "DENY",
                ["enforcement"] = enforcement,
                ["request_id"] = request.RequestId,
            });
            if (policy["ingress_dry_run"] is JsonObject dry)
            {
                var (wouldAllow, dryRule) = IngressRules.Evaluate(dry, r);
                Log(wouldAllow, dryRule, "dry_run");
            }
            if (policy["ingress"] is not JsonObject ingress) return null;
            var (allowed, rule) = IngressRules.Evaluate(ingress, r);
            Log(allowed, rule, "enforced");
            if (allowed) return null;
            return Denied(request.ClientIp, policyId, request.Workspace != null ? "workspace: " + request.Workspace.WorkspaceId : "account: " + request.Account.AccountId);
        }
    }
}

/// <summary>The ingress decisions made, newest last, bounded (the oldest are dropped past <see cref="Max"/>).</summary>
public sealed class IngressLog
{
    public const int Max = 20000;
    private readonly LinkedList<JsonObject> entries = new();
    public void Add(JsonObject e) { lock (entries) { entries.AddLast(e); if (entries.Count > Max) entries.RemoveFirst(); } }
    public void Reset() { lock (entries) entries.Clear(); }
    public JsonArray Snapshot(string? workspaceId)
    {
        lock (entries)
            return new JsonArray(entries.Where(e => workspaceId == null || e["workspace_id"]?.ToString() == workspaceId)
                .Select(e => (JsonNode)e.DeepClone()).ToArray());
    }
}
