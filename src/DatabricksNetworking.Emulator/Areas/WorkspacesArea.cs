using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Aws;
using DatabricksNetworking.Emulator.Core;
using static DatabricksNetworking.Emulator.Areas.ClassicRules;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// Account API workspaces: list (bare JSON array), get, create (PROVISIONING → RUNNING/FAILED), PATCH with
/// update_mask under the update table of databricks-api.md §2.5, and delete.
/// </summary>
public sealed class WorkspacesArea : IEmulatorArea
{
    private const string Base = "/api/2.0/accounts/{accountId}/workspaces";

    /// <summary>Fields a PATCH may name in update_mask.</summary>
    private static readonly HashSet<string> Updatable = new(StringComparer.Ordinal)
    {
        "credentials_id", "storage_configuration_id", "network_id", "private_access_settings_id", "network_connectivity_config_id",
        "managed_services_customer_managed_key_id", "storage_customer_managed_key_id", "custom_tags", "aws_region", "expected_workspace_status",
    };

    public void Map(WebApplication app, EmulatorServices s)
    {
        var aws = AwsEc2.For(s.Options.AwsEndpoint);

        app.MapGet(Base, (HttpContext http) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                Settle(s, acc);
                return Emu.Json(new JsonArray(acc.Workspaces.Values.Select(w => (JsonNode)w.Workspace.DeepClone()).ToArray()));
            }
        });

        app.MapGet(Base + "/{workspaceId}", (HttpContext http, string workspaceId) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                Settle(s, acc);
                if (!long.TryParse(workspaceId, out var id) || !acc.Workspaces.TryGetValue(id, out var ws))
                    return Emu.NotFound(http, $"Workspace {workspaceId} does not exist.");
                return Emu.Json(ws.Workspace.DeepClone());
            }
        });

        app.MapPost(Base, async (HttpContext http) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            return await Create(http, s, aws, Emu.Req(http).Account!, body!);
        });

        app.MapMethods(Base + "/{workspaceId}", new[] { "PATCH" }, async (HttpContext http, string workspaceId, string? update_mask) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            if (!long.TryParse(workspaceId, out var id)) return Emu.NotFound(http, $"Workspace {workspaceId} does not exist.");
            return await Update(http, s, aws, Emu.Req(http).Account!, id, body!, update_mask);
        });

        app.MapDelete(Base + "/{workspaceId}", (HttpContext http, string workspaceId) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                Settle(s, acc);
                if (!long.TryParse(workspaceId, out var id) || !acc.Workspaces.TryGetValue(id, out var ws))
                    return Emu.NotFound(http, $"Workspace {workspaceId} does not exist.");
                acc.Workspaces.Remove(id);
                Unschedule(ws.Workspace);
                if (Str(ws.Workspace, "network_id") is { } nid && acc.Collection(Networks).TryGetValue(nid, out var network)) Detach(network);
                return Emu.Json(ws.Workspace.DeepClone());
            }
        });
    }

    /// <summary>The network binding a create or update asks for: only the fields it changes are set.</summary>
    private sealed class Binding
    {
        public bool NetworkChanged, PasChanged, NccChanged;
        /// <summary>A FAILED workspace is deployed again by any update, so its network is validated again even when the
        /// network_id stays (the admin fixed the VPC in AWS, not the configuration).</summary>
        public bool Revalidate;
        public string? NetworkId, PasId, NccId;
        /// <summary>The network after the change (new or current).</summary>
        public string? EffectiveNetworkId;
        public string? Region;
    }

    /// <summary>The binding rules shared by create and update (under the lock). <paramref name="ws"/> is null on create.</summary>
    private static IResult? CheckBinding(HttpContext http, AccountState acc, WorkspaceState? ws, Binding b)
    {
        var current = ws?.Workspace;
        var wsId = ws?.WorkspaceId;
        var status = current != null ? Str(current, "workspace_status") : null;
        if (b.NetworkChanged)
        {
            var had = current != null ? Str(current, "network_id") : null;
            if (string.IsNullOrEmpty(b.NetworkId))
            {
                if (!string.IsNullOrEmpty(had))
                    return Emu.BadRequest(http, $"Workspace {wsId} uses a customer-managed VPC (network {had}); it cannot be converted back to a Databricks-managed VPC.");
            }
            else
            {
                if (!acc.Collection(Networks).TryGetValue(b.NetworkId, out var network))
                    return Emu.NotFound(http, $"Network configuration {b.NetworkId} does not exist.");
                if (current != null && string.IsNullOrEmpty(had) && status == "RUNNING")
                    return Emu.Error(http, 400, "INVALID_STATE", $"Workspace {wsId} is RUNNING in a Databricks-managed VPC; only a FAILED workspace can be moved to a customer-managed VPC.");
                if (network["workspace_id"] is JsonValue used && (long)used != wsId)
                    return Emu.Error(http, 400, "INVALID_STATE", $"Network configuration {b.NetworkId} is already used by workspace {(long)used}; a network configuration cannot be used by two workspaces.");
            }
        }
        if (b.PasChanged)
        {
            var had = current != null ? Str(current, "private_access_settings_id") : null;
            if (string.IsNullOrEmpty(b.PasId))
            {
                if (!string.IsNullOrEmpty(had))
                    return Emu.BadRequest(http, $"Workspace {wsId} uses PrivateLink (private access settings {had}); PrivateLink cannot be removed from a workspace.");
            }
            else
            {
                if (!acc.Collection(PrivateAccessSettings).TryGetValue(b.PasId, out var pas))
                    return Emu.NotFound(http, $"Private access settings {b.PasId} does not exist.");
                if (Str(pas, "region") != b.Region)
                    return Emu.BadRequest(http, $"Private access settings {b.PasId} are for region {Str(pas, "region")}; the workspace is in {b.Region}.");
                if (string.IsNullOrEmpty(b.EffectiveNetworkId))
                    return Emu.BadRequest(http, "PrivateLink needs a customer-managed VPC: the workspace has no network_id.");
            }
        }
        if (b.NccChanged)
        {
            var had = current != null ? Str(current, "network_connectivity_config_id") : null;
            if (string.IsNullOrEmpty(b.NccId))
            {
                if (!string.IsNullOrEmpty(had))
                    return Emu.BadRequest(http, $"Workspace {wsId} is bound to network connectivity configuration {had}; a binding cannot be removed, only switched to another configuration.");
            }
            else
            {
                if (!acc.Collection(Nccs).TryGetValue(b.NccId, out var ncc))
                    return Emu.NotFound(http, $"Network connectivity configuration {b.NccId} does not exist.");
                if (Str(ncc, "region") != b.Region)
                    return Emu.BadRequest(http, $"Network connectivity configuration {b.NccId} is for region {Str(ncc, "region")}; the workspace is in {b.Region}.");
                var users = WorkspacesWith(acc, "network_connectivity_config_id", b.NccId).Count(w => w.WorkspaceId != wsId);
                if (users >= MaxWorkspacesPerNcc)
                    return Emu.Error(http, 400, "QUOTA_EXCEEDED", $"Network connectivity configuration {b.NccId} is already attached to {users} workspaces, the maximum.");
            }
        }
        return null;
    }

    /// <summary>Validates the network against AWS outside the lock; an error result when it is in another region.</summary>
    private static async Task<(NetworkVerdict? Verdict, IResult? Error)> Verdict(HttpContext http, EmulatorServices s, AwsEc2? aws, AccountState acc, Binding b)
    {
        var networkId = b.NetworkChanged ? b.NetworkId : b.Revalidate ? b.EffectiveNetworkId : null;
        if (string.IsNullOrEmpty(networkId)) return (null, null);
        JsonObject? copy;
        lock (s.State.Sync) copy = acc.Collection(Networks).TryGetValue(networkId, out var n) ? n.DeepClone().AsObject() : null;
        if (copy == null) return (null, Emu.NotFound(http, $"Network configuration {networkId} does not exist."));
        try
        {
            var (verdict, regionError) = await ValidateNetworkAsync(aws, copy, b.Region!);
            return regionError != null ? (null, Emu.BadRequest(http, regionError)) : (verdict, null);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or TimeoutException)
        {
            return (null, Emu.Error(http, 503, "TEMPORARILY_UNAVAILABLE", "Could not reach AWS to validate the network configuration: " + ex.Message));
        }
    }

    private static string FailureMessage(NetworkVerdict v) =>
        "Network validation failed: " + string.Join(" ", v.Errors.Select(e => (string?)e!["error_message"]));

    // ---- create ------------------------------------------------------------------------------------------

    private static async Task<IResult> Create(HttpContext http, EmulatorServices s, AwsEc2? aws, AccountState acc, JsonObject body)
    {
        string? Read(string key, out string? err) => ReadString(body, key, out err);
        var name = Read("workspace_name", out var e1);
        var region = Read("aws_region", out var e2);
        var network = Read("network_id", out var e3);
        var pas = Read("private_access_settings_id", out var e4);
        var ncc = Read("network_connectivity_config_id", out var e5);
        var deployment = Read("deployment_name", out var e6);
        var computeMode = Read("compute_mode", out var e7) ?? "HYBRID";
        if ((e1 ?? e2 ?? e3 ?? e4 ?? e5 ?? e6 ?? e7) is { } shape) return Emu.Malformed(http, shape);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100) return Emu.BadRequest(http, "workspace_name must be 1 to 100 characters long.");
        if (region == null || !Regions.Contains(region)) return Emu.BadRequest(http, $"aws_region '{region}' is not a supported AWS region.");
        if (computeMode != "HYBRID" && computeMode != "SERVERLESS") return Emu.BadRequest(http, $"compute_mode must be HYBRID or SERVERLESS, not '{computeMode}'.");
        if (computeMode == "HYBRID" && (Str(body, "credentials_id") == null || Str(body, "storage_configuration_id") == null))
            return Emu.BadRequest(http, "A classic (HYBRID) workspace needs credentials_id and storage_configuration_id.");
        if (deployment != null && (deployment.Length == 0 || deployment.Length > 64 || deployment == "EMPTY"))
            return Emu.BadRequest(http, "deployment_name must be 1 to 64 characters and not EMPTY.");
        var b = new Binding
        {
            NetworkChanged = network != null, NetworkId = network, EffectiveNetworkId = network,
            PasChanged = pas != null, PasId = pas, NccChanged = ncc != null, NccId = ncc, Region = region,
        };
        lock (s.State.Sync)
        {
            if (AccountConfigurationsArea.CheckReferences(http, acc, Str(body, "credentials_id"), Str(body, "storage_configuration_id")) is { } missing) return missing;
            if (CheckBinding(http, acc, null, b) is { } refused) return refused;
        }
        var (verdict, verdictError) = await Verdict(http, s, aws, acc, b);
        if (verdictError != null) return verdictError;

        lock (s.State.Sync)
        {
            if (CheckBinding(http, acc, null, b) is { } refused) return refused;
            deployment ??= "dbc-" + Guid.NewGuid().ToString("N")[..8] + "-" + Guid.NewGuid().ToString("N")[..4];
            if (acc.Workspaces.Values.Any(w => Str(w.Workspace, "deployment_name") == deployment))
                return Emu.Error(http, 400, "INVALID_PARAMETER_VALUE", $"deployment_name '{deployment}' is already in use.");
            var id = s.State.NewWorkspaceId();
            var ws = new JsonObject();
            foreach (var key in new[] { "workspace_name", "aws_region", "credentials_id", "storage_configuration_id", "network_id", "private_access_settings_id",
                "network_connectivity_config_id", "managed_services_customer_managed_key_id", "storage_customer_managed_key_id", "pricing_tier" })
                if (Str(body, key) is { Length: > 0 } v) ws[key] = v;
            ws["workspace_id"] = id;
            ws["account_id"] = acc.AccountId;
            ws["cloud"] = "aws";
            ws["deployment_name"] = deployment;
            ws["pricing_tier"] ??= "ENTERPRISE";
            ws["compute_mode"] = computeMode;
            if (body["custom_tags"] is JsonObject tags) ws["custom_tags"] = tags.DeepClone();
            ws["workspace_status"] = "PROVISIONING";
            ws["workspace_status_message"] = "Workspace is being provisioned.";
            ws["creation_time"] = s.NowMs;
            acc.Workspaces[id] = new WorkspaceState { WorkspaceId = id, Workspace = ws };
            if (verdict != null) Attach(acc.Collection(Networks)[network!], id, verdict);
            ScheduleOutcome(s, ws, verdict);
            return Emu.Json(ws.DeepClone());
        }
    }

    private static void ScheduleOutcome(EmulatorServices s, JsonObject ws, NetworkVerdict? verdict)
    {
        var at = s.NowMs + (long)(s.Options.ProvisioningSeconds * 1000);
        if (verdict is { VpcStatus: "BROKEN" }) Schedule(ws, "workspace_status", "FAILED", at, FailureMessage(verdict));
        else Schedule(ws, "workspace_status", "RUNNING", at, "Workspace is running.");
    }

    // ---- update ------------------------------------------------------------------------------------------

    private static async Task<IResult> Update(HttpContext http, EmulatorServices s, AwsEc2? aws, AccountState acc, long id, JsonObject body, string? updateMask)
    {
        // No mask (the older API): the fields in the body are the change. "*" likewise.
        var mask = string.IsNullOrEmpty(updateMask) || updateMask == "*"
            ? body.Select(kv => kv.Key).ToList()
            : updateMask.Split(',').Select(f => f.Trim()).Where(f => f.Length > 0).ToList();
        if (mask.Count == 0) return Emu.BadRequest(http, "update_mask names no field to update.");
        var unknown = mask.FirstOrDefault(f => !Updatable.Contains(f));
        if (unknown != null) return Emu.BadRequest(http, $"Field '{unknown}' cannot be updated. Updatable fields: {string.Join(", ", Updatable.Order())}.");
        foreach (var f in mask.Where(f => f != "custom_tags"))
            if (body[f] != null && (body[f] is not JsonValue v || !v.TryGetValue<string>(out _)))
                return Emu.Malformed(http, $"Field '{f}' must be a string.");

        Binding b;
        lock (s.State.Sync)
        {
            Settle(s, acc);
            if (!acc.Workspaces.TryGetValue(id, out var ws)) return Emu.NotFound(http, $"Workspace {id} does not exist.");
            if (Precheck(http, acc, ws, body, mask, out b) is { } refused) return refused;
        }
        var (verdict, verdictError) = await Verdict(http, s, aws, acc, b);
        if (verdictError != null) return verdictError;

        lock (s.State.Sync)
        {
            Settle(s, acc);
            if (!acc.Workspaces.TryGetValue(id, out var ws)) return Emu.NotFound(http, $"Workspace {id} does not exist.");
            if (Precheck(http, acc, ws, body, mask, out b) is { } refused) return refused;
            var w = ws.Workspace;
            var status = Str(w, "workspace_status");
            var hadCustomerVpc = !string.IsNullOrEmpty(Str(w, "network_id"));
            var oldNetwork = Str(w, "network_id");
            bool networkishChange = false;
            foreach (var f in mask)
            {
                if (f == "custom_tags")
                {
                    if (body[f] is JsonObject tags && tags.Count > 0) w[f] = tags.DeepClone();
                    continue;
                }
                var value = Str(body, f);
                if (string.Equals(value ?? "", Str(w, f) ?? "", StringComparison.Ordinal)) continue;
                if (string.IsNullOrEmpty(value)) w.Remove(f); else w[f] = value;
                if (f is "network_id" or "private_access_settings_id" or "network_connectivity_config_id" or "aws_region" or "storage_configuration_id") networkishChange = true;
            }
            if (b.NetworkChanged && !string.Equals(oldNetwork, b.NetworkId, StringComparison.OrdinalIgnoreCase))
            {
                if (oldNetwork != null && acc.Collection(Networks).TryGetValue(oldNetwork, out var old)) Detach(old);
                if (verdict != null) Attach(acc.Collection(Networks)[b.NetworkId!], id, verdict);
            }
            // A FAILED workspace on the same network: the network as AWS has it now (fixed, or still broken).
            else if (b.Revalidate && verdict != null && acc.Collection(Networks).TryGetValue(b.EffectiveNetworkId!, out var same)) Attach(same, id, verdict);
            else verdict = null;

            // A customer-managed VPC workspace that is RUNNING applies the change at once and stays RUNNING; a
            // Databricks-managed one re-provisions; a FAILED workspace is provisioned again (FAILED -> PROVISIONING ->
            // RUNNING, or FAILED again when its network still fails validation).
            var broken = verdict is { VpcStatus: "BROKEN" };
            if (status == "RUNNING") MarkEverRunning(w);
            if (status == "FAILED" || broken || (networkishChange && !hadCustomerVpc))
            {
                w["workspace_status"] = "PROVISIONING";
                w["workspace_status_message"] = "Workspace is being updated.";
                ScheduleOutcome(s, w, verdict);
            }
            return Emu.Json(w.DeepClone());
        }
    }

    /// <summary>Status and field rules of the update table (under the lock).</summary>
    private static IResult? Precheck(HttpContext http, AccountState acc, WorkspaceState ws, JsonObject body, List<string> mask, out Binding b)
    {
        var w = ws.Workspace;
        var status = Str(w, "workspace_status");
        var region = mask.Contains("aws_region") && Str(body, "aws_region") is { Length: > 0 } r ? r : Str(w, "aws_region");
        string? Effective(string f) => mask.Contains(f) ? Str(body, f) : Str(w, f);
        b = new Binding
        {
            NetworkChanged = mask.Contains("network_id") && !string.Equals(Str(body, "network_id") ?? "", Str(w, "network_id") ?? "", StringComparison.OrdinalIgnoreCase),
            NetworkId = Str(body, "network_id"),
            PasChanged = mask.Contains("private_access_settings_id") && !string.Equals(Str(body, "private_access_settings_id") ?? "", Str(w, "private_access_settings_id") ?? "", StringComparison.OrdinalIgnoreCase),
            PasId = Str(body, "private_access_settings_id"),
            NccChanged = mask.Contains("network_connectivity_config_id") && !string.Equals(Str(body, "network_connectivity_config_id") ?? "", Str(w, "network_connectivity_config_id") ?? "", StringComparison.OrdinalIgnoreCase),
            NccId = Str(body, "network_connectivity_config_id"),
            EffectiveNetworkId = Effective("network_id"),
            Region = region,
            Revalidate = status == "FAILED",
        };
        if (status != "RUNNING" && status != "FAILED")
            return Emu.Error(http, 400, "INVALID_STATE", $"Workspace {ws.WorkspaceId} is {status}; it can be updated only when RUNNING or FAILED.");
        // "To update a running workspace, you must first stop all running compute resources in the workspace's VPC in
        // the classic data plane" (update-workspace API docs): changes of the classic data plane's network or credentials.
        // The real error body is not public; this one names the workspace, the count and what to stop.
        var credentialsChanged = mask.Contains("credentials_id") && !string.Equals(Str(body, "credentials_id") ?? "", Str(w, "credentials_id") ?? "", StringComparison.Ordinal);
        if (status == "RUNNING" && ws.RunningClusters > 0 && (b.NetworkChanged || b.PasChanged || credentialsChanged))
            return Emu.Error(http, 400, "INVALID_STATE",
                $"Cannot update workspace {ws.WorkspaceId} while compute is running in it: {ws.RunningClusters} cluster(s) are running in the workspace's classic data plane. Terminate all running clusters (and stop SQL warehouses) in the workspace first, then retry.");
        foreach (var f in new[] { "aws_region", "storage_configuration_id" })
            if (mask.Contains(f) && status != "FAILED" && !string.Equals(Str(body, f), Str(w, f), StringComparison.Ordinal))
                return Emu.Error(http, 400, "INVALID_STATE", $"{f} can be changed only while the workspace is FAILED; workspace {ws.WorkspaceId} is {status}.");
        if (mask.Contains("aws_region") && !Regions.Contains(region ?? ""))
            return Emu.BadRequest(http, $"aws_region '{region}' is not a supported AWS region.");
        if (mask.Contains("storage_customer_managed_key_id") && status == "RUNNING" && Str(w, "storage_customer_managed_key_id") is { Length: > 0 } key
            && !string.Equals(key, Str(body, "storage_customer_managed_key_id"), StringComparison.Ordinal))
            return Emu.Error(http, 400, "INVALID_STATE", "A running workspace's storage customer-managed key can be set only when none is set yet.");
        // "If the workspace was ever in the running state, even if briefly before becoming a failed workspace, you cannot
        // add a new key configuration ID for workspace storage" (Go SDK provisioning Update doc, before v0.86). The real
        // error body is not public; this one names the rule.
        if (mask.Contains("storage_customer_managed_key_id") && status == "FAILED" && WasEverRunning(w) && Str(body, "storage_customer_managed_key_id") is { Length: > 0 } newKey
            && !string.Equals(newKey, Str(w, "storage_customer_managed_key_id"), StringComparison.Ordinal))
            return Emu.Error(http, 400, "INVALID_STATE", $"Workspace {ws.WorkspaceId} was RUNNING before it FAILED; a new key configuration for workspace storage cannot be added to a workspace that was ever running.");
        // A PAS already on the workspace must still match when the region changes (FAILED only).
        if (mask.Contains("aws_region") && !b.PasChanged && Effective("private_access_settings_id") is { Length: > 0 } pasId)
        {
            b.PasChanged = true;
            b.PasId = pasId;
        }
        return CheckBinding(http, acc, ws, b);
    }
}
