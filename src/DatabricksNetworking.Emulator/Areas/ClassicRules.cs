using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Aws;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// State shared by the classic compute plane routes (networks, vpc-endpoints, private-access-settings) and the
/// workspace routes: delayed state changes (workspace provisioning, endpoint acceptance), who uses what, and the
/// small body readers. Callers hold <c>State.Sync</c> for everything that reads or writes state.
/// </summary>
public static class ClassicRules
{
    public const string Networks = "networks";
    public const string VpcEndpoints = "vpc-endpoints";
    public const string PrivateAccessSettings = "private-access-settings";
    /// <summary>Registered endpoints of the networking v1 API (NetworkEndpointsArea).</summary>
    public const string NetworkEndpoints = "networking-endpoints";
    /// <summary>Kept by the serverless area; read here for the workspace binding rules.</summary>
    public const string Nccs = "network-connectivity-configs";
    public const int MaxWorkspacesPerNcc = 50;

    private sealed class Pending
    {
        public required string Field { get; init; }
        public required string Value { get; init; }
        public string? Message { get; init; }
        public required long AtMs { get; init; }
    }

    // Keyed by the wire object itself, so several emulators in one process (xUnit) never see each other's entries.
    private static readonly ConditionalWeakTable<JsonObject, Pending> PendingChanges = new();
    private static readonly ConditionalWeakTable<JsonObject, object> ForcedState = new();

    /// <summary>Sets <paramref name="field"/> of <paramref name="o"/> to <paramref name="value"/> at <paramref name="atMs"/> (replacing any earlier plan).</summary>
    public static void Schedule(JsonObject o, string field, string value, long atMs, string? message = null) =>
        PendingChanges.AddOrUpdate(o, new Pending { Field = field, Value = value, AtMs = atMs, Message = message });

    public static void Unschedule(JsonObject o) => PendingChanges.Remove(o);

    /// <summary>Workspaces that were RUNNING at some time: "If the workspace was ever in the running state, even if briefly
    /// before becoming a failed workspace, you cannot add a new key configuration ID for workspace storage" (Go SDK
    /// provisioning WorkspacesService.Update, before v0.86). Kept beside the wire object, never in it.</summary>
    private static readonly ConditionalWeakTable<JsonObject, object> EverRunning = new();
    public static void MarkEverRunning(JsonObject workspace) => EverRunning.AddOrUpdate(workspace, true);
    public static bool WasEverRunning(JsonObject workspace) => Str(workspace, "workspace_status") == "RUNNING" || EverRunning.TryGetValue(workspace, out _);

    /// <summary>A test hook fixed the state of this object: AWS refreshes leave it alone.</summary>
    public static void Force(JsonObject o) { PendingChanges.Remove(o); ForcedState.AddOrUpdate(o, true); }
    public static bool IsForced(JsonObject o) => ForcedState.TryGetValue(o, out _);

    /// <summary>Applies the delayed changes that are due (call under the lock before reading).</summary>
    public static void Settle(EmulatorServices s, AccountState acc)
    {
        var now = s.NowMs;
        foreach (var o in acc.Workspaces.Values.Select(w => w.Workspace).Concat(acc.Collection(VpcEndpoints).Values).Concat(acc.Collection(NetworkEndpoints).Values))
        {
            if (!PendingChanges.TryGetValue(o, out var p) || p.AtMs > now) continue;
            o[p.Field] = p.Value;
            if (p.Field == "workspace_status" && p.Value == "RUNNING") MarkEverRunning(o);
            if (p.Message != null) o["workspace_status_message"] = p.Message;
            PendingChanges.Remove(o);
        }
    }

    // ---- who uses what -----------------------------------------------------------------------------

    public static List<WorkspaceState> WorkspacesWith(AccountState acc, string field, string id) =>
        acc.Workspaces.Values.Where(w => string.Equals(Str(w.Workspace, field), id, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Workspaces whose network configuration lists the registration, or whose private access settings allow it.</summary>
    public static List<WorkspaceState> WorkspacesUsingVpcEndpoint(AccountState acc, string id)
    {
        var networks = acc.Collection(Networks).Values.Where(n => Ids(n["vpc_endpoints"]?["rest_api"]).Concat(Ids(n["vpc_endpoints"]?["dataplane_relay"])).Contains(id, StringComparer.OrdinalIgnoreCase))
            .Select(n => Str(n, "network_id")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var settings = acc.Collection(PrivateAccessSettings).Values.Where(p => Ids(p["allowed_vpc_endpoint_ids"]).Contains(id, StringComparer.OrdinalIgnoreCase))
            .Select(p => Str(p, "private_access_settings_id")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return acc.Workspaces.Values.Where(w => networks.Contains(Str(w.Workspace, "network_id") ?? "") || settings.Contains(Str(w.Workspace, "private_access_settings_id") ?? "")).ToList();
    }

    public static string Describe(IEnumerable<WorkspaceState> workspaces) =>
        string.Join(", ", workspaces.Select(w => $"{w.WorkspaceId} ('{Str(w.Workspace, "workspace_name")}')"));

    /// <summary>400 INVALID_STATE naming the workspaces, as the real service refuses deletes of used objects.</summary>
    public static IResult InUse(HttpContext http, string what, IEnumerable<WorkspaceState> users) =>
        Emu.Error(http, 400, "INVALID_STATE", $"Unable to delete, {what} is being used by active workspace {Describe(users)}.");

    /// <summary>Marks a network configuration as no longer used by a workspace.</summary>
    public static void Detach(JsonObject network)
    {
        network.Remove("workspace_id");
        network["vpc_status"] = "UNATTACHED";
        network.Remove("error_messages");
        network.Remove("warning_messages");
    }

    public static void Attach(JsonObject network, long workspaceId, NetworkVerdict verdict)
    {
        network["workspace_id"] = workspaceId;
        network["vpc_status"] = verdict.VpcStatus;
        if (verdict.Errors.Count > 0) network["error_messages"] = verdict.Errors.DeepClone(); else network.Remove("error_messages");
        if (verdict.Warnings.Count > 0) network["warning_messages"] = verdict.Warnings.DeepClone(); else network.Remove("warning_messages");
    }

    /// <summary>Without an AWS endpoint nothing can be checked: the configuration is taken as valid.</summary>
    public static readonly NetworkVerdict Unchecked = new("VALID", new JsonArray(), new JsonArray());

    /// <summary>
    /// Validates a network configuration against AWS in the workspace's region (outside the lock: it calls AWS).
    /// Returns null for the verdict and an error text when the network is not in that region at all.
    /// </summary>
    public static async Task<(NetworkVerdict? Verdict, string? RegionError)> ValidateNetworkAsync(AwsEc2? aws, JsonObject networkCopy, string region)
    {
        if (aws == null) return (Unchecked, null);
        var vpcId = Str(networkCopy, "vpc_id") ?? "";
        var subnets = Ids(networkCopy["subnet_ids"]).ToList();
        var groups = Ids(networkCopy["security_group_ids"]).ToList();
        var facts = await aws.DescribeNetworkAsync(region, vpcId, subnets, groups);
        if (!facts.VpcExists && facts.Subnets.Count == 0)
            return (null, $"Network configuration {Str(networkCopy, "network_id")}: neither VPC {vpcId} nor its subnets exist in {region}, the workspace's region; a network configuration must be in the workspace's region.");
        return (NetworkValidation.Validate(vpcId, subnets, groups, facts), null);
    }

    // ---- body readers --------------------------------------------------------------------------------

    public static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static IEnumerable<string> Ids(JsonNode? node) =>
        node is JsonArray a ? a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).Where(s => s != null).Select(s => s!) : Enumerable.Empty<string>();

    /// <summary>Reads an optional string field; an error text when it is there but not a string.</summary>
    public static string? ReadString(JsonObject body, string key, out string? error)
    {
        error = null;
        var node = body[key];
        if (node == null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        error = $"Field '{key}' must be a string.";
        return null;
    }

    /// <summary>Reads an optional array of strings; an error text when it is there but not one.</summary>
    public static List<string>? ReadStrings(JsonObject body, string key, out string? error)
    {
        error = null;
        var node = body[key];
        if (node == null) return null;
        if (node is not JsonArray a || a.Any(x => x is not JsonValue v || !v.TryGetValue<string>(out _)))
        {
            error = $"Field '{key}' must be an array of strings.";
            return null;
        }
        return a.Select(x => (string)x!).ToList();
    }

    public static bool IsAwsId(string? value, string prefix)
    {
        if (value == null || !value.StartsWith(prefix + "-", StringComparison.Ordinal)) return false;
        var hex = value[(prefix.Length + 1)..];
        return (hex.Length == 8 || hex.Length == 17) && hex.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
    }

    /// <summary>The AWS regions Databricks supports (databricks-regions.md §1).</summary>
    public static readonly HashSet<string> Regions = new(StringComparer.Ordinal)
    {
        "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
        "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
        "us-east-1", "us-east-2", "us-gov-west-1", "us-west-1", "us-west-2",
    };
}
