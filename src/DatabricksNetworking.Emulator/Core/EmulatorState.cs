using System.Text.Json;
using System.Text.Json.Nodes;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>A principal: a user or a service principal of one account.</summary>
public sealed class Principal
{
    public required string Name { get; init; }
    public required string AccountId { get; init; }
    public long UserId { get; init; }
    public string Kind { get; init; } = "service_principal";
}

/// <summary>A bearer token the emulator accepts: a seeded PAT/account token or an OAuth access token it issued.</summary>
public sealed class TokenInfo
{
    public required Principal Principal { get; init; }
    /// <summary>Null: usable for account APIs and every workspace of the account. Set: only that workspace.</summary>
    public long? WorkspaceId { get; init; }
    public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>A seeded PAT's creation_time (PublicTokenInfo: ms since the epoch), kept so a saved state keeps it.</summary>
    public long? CreationTimeMs { get; init; }
    public bool IsOAuth { get; init; }
}

public sealed class WorkspaceState
{
    public required long WorkspaceId { get; init; }
    /// <summary>The wire object of the account API.</summary>
    public required JsonObject Workspace { get; set; }
    /// <summary>Workspace-level collections (e.g. "ip-access-lists"), each id → wire object, in insertion order.</summary>
    public Dictionary<string, Dictionary<string, JsonObject>> Collections { get; } = new();
    /// <summary>workspace-conf keys.</summary>
    public Dictionary<string, string> Conf { get; } = new();
    /// <summary>Clusters with instances running in the workspace's classic data plane (seed: workspace_state.{id}.running_clusters).</summary>
    public int RunningClusters { get; set; }
    /// <summary>
    /// Test switch "callers are public" (seed: workspace_state.{id}.public_callers; hook
    /// <c>POST /_emulator/workspaces/{id}/public-callers?enabled=</c>): the emulator cannot tell a caller behind a VPC
    /// endpoint from any other, so this says its callers come from the public internet. With private access settings
    /// that disable public access, workspace API calls then get the PrivateLink validation redirect.
    /// </summary>
    public bool PublicCallers { get; set; }

    public Dictionary<string, JsonObject> Collection(string name)
    {
        if (!Collections.TryGetValue(name, out var c)) Collections[name] = c = new Dictionary<string, JsonObject>();
        return c;
    }
}

public sealed class AccountState
{
    public required string AccountId { get; init; }
    public Dictionary<long, WorkspaceState> Workspaces { get; } = new();
    /// <summary>Account-level collections ("networks", "vpc-endpoints", ...), id → wire object, in insertion order.</summary>
    public Dictionary<string, Dictionary<string, JsonObject>> Collections { get; } = new();
    /// <summary>Service principals: application (client) id → secret.</summary>
    public Dictionary<string, string> ClientSecrets { get; } = new();
    public Dictionary<string, Principal> Principals { get; } = new();
    /// <summary>Account settings (e.g. acct_ip_acl_enable): name → setting object with etag.</summary>
    public Dictionary<string, JsonObject> Settings { get; } = new();

    public Dictionary<string, JsonObject> Collection(string name)
    {
        if (!Collections.TryGetValue(name, out var c)) Collections[name] = c = new Dictionary<string, JsonObject>();
        return c;
    }
}

/// <summary>
/// All emulated state. One lock (<see cref="Sync"/>) guards it: handlers take it for the whole read-modify-write,
/// which keeps every rule atomic; the emulator is still far faster than the network it stands in for.
/// Wire objects are kept as JsonObject, so what goes out is exactly what the rules produced.
/// </summary>
public sealed class EmulatorState
{
    public object Sync { get; } = new();
    public Dictionary<string, AccountState> Accounts { get; } = new();
    public Dictionary<string, TokenInfo> Tokens { get; } = new();
    private long nextWorkspaceId = 1000000000000000;

    public long NewWorkspaceId() => ++nextWorkspaceId;

    /// <summary>How long an expired OAuth token is still known (and answered "has expired") before it is freed.</summary>
    public static readonly TimeSpan ExpiredTokenGrace = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Frees OAuth access tokens that expired more than <see cref="ExpiredTokenGrace"/> ago; above
    /// <paramref name="maxOAuthTokens"/>, the ones expiring first go too. Seeded tokens stay. Call under <see cref="Sync"/>.
    /// Returns how many were removed.
    /// </summary>
    public int PruneOAuthTokens(DateTimeOffset now, int maxOAuthTokens)
    {
        var oauth = Tokens.Where(t => t.Value.IsOAuth).ToList();
        var remove = oauth.Where(t => t.Value.ExpiresAt.HasValue && t.Value.ExpiresAt.Value + ExpiredTokenGrace <= now).Select(t => t.Key).ToList();
        int left = oauth.Count - remove.Count;
        if (left > maxOAuthTokens)
        {
            var gone = new HashSet<string>(remove, StringComparer.Ordinal);
            remove.AddRange(oauth.Where(t => !gone.Contains(t.Key)).OrderBy(t => t.Value.ExpiresAt ?? DateTimeOffset.MaxValue).Take(left - maxOAuthTokens).Select(t => t.Key));
        }
        foreach (var k in remove) Tokens.Remove(k);
        return remove.Count;
    }

    public WorkspaceState? FindWorkspace(long id)
    {
        foreach (var a in Accounts.Values) if (a.Workspaces.TryGetValue(id, out var w)) return w;
        return null;
    }

    public AccountState? AccountOfWorkspace(long id)
    {
        foreach (var a in Accounts.Values) if (a.Workspaces.ContainsKey(id)) return a;
        return null;
    }

    // ---- seed / state file ------------------------------------------------------------------------

    public static EmulatorState Load(JsonObject seed)
    {
        var s = new EmulatorState();
        foreach (var accNode in seed["accounts"]?.AsArray() ?? new JsonArray())
        {
            var acc = accNode!.AsObject();
            var a = new AccountState { AccountId = (string)acc["account_id"]! };
            s.Accounts[a.AccountId] = a;
            foreach (var sp in acc["service_principals"]?.AsArray() ?? new JsonArray())
            {
                var appId = (string)sp!["application_id"]!;
                a.ClientSecrets[appId] = (string)sp["secret"]!;
                a.Principals[appId] = new Principal { Name = appId, AccountId = a.AccountId, UserId = (long?)sp["id"] ?? 0, Kind = "service_principal" };
            }
            foreach (var u in acc["users"]?.AsArray() ?? new JsonArray())
            {
                var name = (string)u!["user_name"]!;
                a.Principals[name] = new Principal { Name = name, AccountId = a.AccountId, UserId = (long?)u["id"] ?? 0, Kind = "user" };
            }
            foreach (var w in acc["workspaces"]?.AsArray() ?? new JsonArray())
            {
                var wo = w!.AsObject().DeepClone().AsObject();
                var id = (long)wo["workspace_id"]!;
                wo["account_id"] = a.AccountId;
                a.Workspaces[id] = new WorkspaceState { WorkspaceId = id, Workspace = wo };
                if (id > s.nextWorkspaceId) s.nextWorkspaceId = id;
            }
            foreach (var kv in acc["collections"]?.AsObject() ?? new JsonObject())
                foreach (var item in kv.Value!.AsArray())
                    a.Collection(kv.Key)[IdOf(kv.Key, item!.AsObject())] = item.AsObject().DeepClone().AsObject();
            foreach (var kv in acc["settings"]?.AsObject() ?? new JsonObject())
                a.Settings[kv.Key] = kv.Value!.DeepClone().AsObject();
            foreach (var kv in acc["workspace_state"]?.AsObject() ?? new JsonObject())
            {
                var ws = a.Workspaces[long.Parse(kv.Key)];
                foreach (var c in kv.Value!["collections"]?.AsObject() ?? new JsonObject())
                    foreach (var item in c.Value!.AsArray())
                        ws.Collection(c.Key)[IdOf(c.Key, item!.AsObject())] = item.AsObject().DeepClone().AsObject();
                foreach (var c in kv.Value!["conf"]?.AsObject() ?? new JsonObject())
                    ws.Conf[c.Key] = (string)c.Value!;
                ws.RunningClusters = (int?)kv.Value!["running_clusters"] ?? 0;
                ws.PublicCallers = (bool?)kv.Value!["public_callers"] ?? false;
            }
            foreach (var t in acc["tokens"]?.AsArray() ?? new JsonArray())
            {
                var principalName = (string)t!["principal"]!;
                if (!a.Principals.TryGetValue(principalName, out var p))
                    a.Principals[principalName] = p = new Principal { Name = principalName, AccountId = a.AccountId, Kind = "user" };
                long? expiry = (long?)t["expiry_time"];
                s.Tokens[(string)t["token"]!] = new TokenInfo
                {
                    Principal = p,
                    WorkspaceId = (long?)t["workspace_id"],
                    // expiry_time as the token API gives it: ms since the epoch, -1 (or absent) = never; checked on every request (Auth).
                    ExpiresAt = expiry.HasValue && expiry.Value > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(expiry.Value) : null,
                    CreationTimeMs = (long?)t["creation_time"],
                };
            }
        }
        return s;
    }

    /// <summary>The id field of an object of a collection (wire names), used when seeding.</summary>
    public static string IdOf(string collection, JsonObject o)
    {
        foreach (var key in IdFields)
            if (o[key] is JsonValue v) return v.ToString();
        throw new InvalidOperationException($"An object of collection '{collection}' has no id field.");
    }

    /// <summary>Id fields of the wire objects, in the order they are looked for. rule_id comes first: a private endpoint
    /// rule also carries its NCC's network_connectivity_config_id and an AWS vpc_endpoint_id.</summary>
    public static readonly string[] IdFields =
    {
        "rule_id", "network_id", "vpc_endpoint_id", "private_access_settings_id", "list_id", "network_connectivity_config_id",
        "network_policy_id", "credentials_id", "storage_configuration_id", "endpoint_id", "id",
    };

    /// <summary>Writes the state in the seed format, so a state file can be used as a seed.</summary>
    public JsonObject Save()
    {
        var accounts = new JsonArray();
        foreach (var a in Accounts.Values)
        {
            var sps = new JsonArray();
            foreach (var kv in a.ClientSecrets)
                sps.Add(new JsonObject { ["application_id"] = kv.Key, ["secret"] = kv.Value, ["id"] = a.Principals.TryGetValue(kv.Key, out var p) ? p.UserId : 0 });
            var users = new JsonArray();
            foreach (var p in a.Principals.Values.Where(p => p.Kind == "user"))
                users.Add(new JsonObject { ["user_name"] = p.Name, ["id"] = p.UserId });
            var tokens = new JsonArray();
            foreach (var kv in Tokens.Where(t => !t.Value.IsOAuth && t.Value.Principal.AccountId == a.AccountId))
            {
                var t = new JsonObject { ["token"] = kv.Key, ["principal"] = kv.Value.Principal.Name };
                if (kv.Value.WorkspaceId.HasValue) t["workspace_id"] = kv.Value.WorkspaceId.Value;
                if (kv.Value.CreationTimeMs.HasValue) t["creation_time"] = kv.Value.CreationTimeMs.Value;
                if (kv.Value.ExpiresAt.HasValue) t["expiry_time"] = kv.Value.ExpiresAt.Value.ToUnixTimeMilliseconds();
                tokens.Add(t);
            }
            var collections = new JsonObject();
            foreach (var c in a.Collections) collections[c.Key] = new JsonArray(c.Value.Values.Select(v => (JsonNode)v.DeepClone()).ToArray());
            var settings = new JsonObject();
            foreach (var st in a.Settings) settings[st.Key] = st.Value.DeepClone();
            var wsState = new JsonObject();
            foreach (var w in a.Workspaces.Values)
            {
                var wc = new JsonObject();
                foreach (var c in w.Collections) wc[c.Key] = new JsonArray(c.Value.Values.Select(v => (JsonNode)v.DeepClone()).ToArray());
                var conf = new JsonObject();
                foreach (var c in w.Conf) conf[c.Key] = c.Value;
                wsState[w.WorkspaceId.ToString()] = new JsonObject { ["collections"] = wc, ["conf"] = conf };
                if (w.RunningClusters > 0) wsState[w.WorkspaceId.ToString()]!["running_clusters"] = w.RunningClusters;
                if (w.PublicCallers) wsState[w.WorkspaceId.ToString()]!["public_callers"] = true;
            }
            accounts.Add(new JsonObject
            {
                ["account_id"] = a.AccountId,
                ["service_principals"] = sps,
                ["users"] = users,
                ["tokens"] = tokens,
                ["workspaces"] = new JsonArray(a.Workspaces.Values.Select(w => (JsonNode)w.Workspace.DeepClone()).ToArray()),
                ["collections"] = collections,
                ["settings"] = settings,
                ["workspace_state"] = wsState,
            });
        }
        return new JsonObject { ["accounts"] = accounts };
    }

    /// <summary>Names of the fields of the state format that hold secrets.</summary>
    public static readonly string[] SecretFields = { "secret", "client_secret", "token", "access_token", "refresh_token", "password" };

    /// <summary>Replaces every secret value (see <see cref="SecretFields"/>) of a saved state, in place, by a mask.</summary>
    public static void MaskSecrets(JsonNode? node)
    {
        if (node is JsonArray arr) foreach (var n in arr) MaskSecrets(n);
        if (node is not JsonObject o) return;
        foreach (var key in o.Select(kv => kv.Key).ToList())
        {
            if (SecretFields.Contains(key, StringComparer.OrdinalIgnoreCase) && o[key] is JsonValue) o[key] = "****";
            else MaskSecrets(o[key]);
        }
    }

    public static JsonObject ReadSeed(string? path)
    {
        if (path != null) return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        using var stream = typeof(EmulatorState).Assembly.GetManifestResourceStream("DatabricksNetworking.Emulator.Seeds.demo-seed.json")
            ?? throw new InvalidOperationException("The built-in demo seed is missing.");
        return JsonNode.Parse(stream)!.AsObject();
    }
}
