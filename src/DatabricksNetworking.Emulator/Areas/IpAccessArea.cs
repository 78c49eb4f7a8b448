using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// IP access lists of workspaces (<c>/api/2.0/ip-access-lists</c>) and of the account console
/// (<c>/api/2.0/accounts/{id}/ip-access-lists</c>), and the account switch <c>acct_ip_acl_enable</c>.
/// Rules: labels and types required, IPv4 addresses/CIDRs in canonical form, at most 1000 values across all
/// lists (400 QUOTA_EXCEEDED), no change whose result blocks the caller's own address (400 INVALID_STATE).
/// </summary>
public sealed class IpAccessArea : IEmulatorArea
{
    public const string Collection = "ip-access-lists";
    public const string AccountSwitch = "acct_ip_acl_enable";

    public void Map(WebApplication app, EmulatorServices s)
    {
        MapLists(app, s, "/api/2.0/ip-access-lists", r => r.Workspace!.Collection(Collection), r => "workspace");
        MapLists(app, s, "/api/2.0/accounts/{accountId}/ip-access-lists", r => r.Account!.Collection(Collection), r => "account console");
        MapAccountSwitch(app, s);
    }

    private static void MapLists(WebApplication app, EmulatorServices s, string root, Func<EmuRequest, Dictionary<string, JsonObject>> listsOf, Func<EmuRequest, string> scopeOf)
    {
        app.MapGet(root, (HttpContext http) =>
        {
            var req = Emu.Req(http);
            lock (s.State.Sync)
            {
                var lists = listsOf(req);
                var result = new JsonObject();
                if (lists.Count > 0) result["ip_access_lists"] = new JsonArray(lists.Values.Select(l => (JsonNode)l.DeepClone()).ToArray());
                return Emu.Json(result);
            }
        });

        app.MapGet(root + "/{listId}", (HttpContext http, string listId) =>
        {
            var req = Emu.Req(http);
            lock (s.State.Sync)
                return listsOf(req).TryGetValue(listId, out var list) ? Wrap(list) : Missing(http, listId);
        });

        app.MapPost(root, async (HttpContext http) =>
        {
            var req = Emu.Req(http);
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var (fields, invalid) = ReadFields(http, body!, requireAll: true, requireEnabled: false);
            if (invalid != null) return invalid;
            lock (s.State.Sync)
            {
                var lists = listsOf(req);
                // The service keeps (label, list_type) unique per workspace / account: a second one is refused.
                if (lists.Values.Any(l => (string?)l["label"] == fields.Label && (string?)l["list_type"] == fields.ListType))
                    return Emu.Error(http, 400, "RESOURCE_ALREADY_EXISTS", $"IP access list with type ({fields.ListType}) and label ({fields.Label}) already exists");
                var now = s.NowMs;
                var list = new JsonObject
                {
                    ["list_id"] = Emu.NewId(),
                    ["label"] = fields.Label,
                    ["list_type"] = fields.ListType,
                    ["ip_addresses"] = ToArray(fields.Addresses ?? new List<string>()),
                    ["address_count"] = (fields.Addresses ?? new List<string>()).Count,
                    ["enabled"] = true,
                    ["created_at"] = now,
                    ["created_by"] = req.Principal.UserId,
                    ["updated_at"] = now,
                    ["updated_by"] = req.Principal.UserId,
                };
                var refused = CheckResult(http, req, lists.Values.Append(list).ToList(), scopeOf(req));
                if (refused != null) return refused;
                lists[(string)list["list_id"]!] = list;
                return Wrap(list);
            }
        });

        app.MapPut(root + "/{listId}", (HttpContext http, string listId) => Write(http, s, listsOf, scopeOf, listId, replace: true));
        app.MapMethods(root + "/{listId}", new[] { "PATCH" }, (HttpContext http, string listId) => Write(http, s, listsOf, scopeOf, listId, replace: false));

        app.MapDelete(root + "/{listId}", (HttpContext http, string listId) =>
        {
            var req = Emu.Req(http);
            lock (s.State.Sync)
                return listsOf(req).Remove(listId) ? Emu.Empty() : Missing(http, listId);
        });
    }

    private static async Task<IResult> Write(HttpContext http, EmulatorServices s, Func<EmuRequest, Dictionary<string, JsonObject>> listsOf,
        Func<EmuRequest, string> scopeOf, string listId, bool replace)
    {
        var req = Emu.Req(http);
        var (body, error) = await Emu.ReadObject(http);
        if (error != null) return error;
        var (fields, invalid) = ReadFields(http, body!, requireAll: replace, requireEnabled: replace);
        if (invalid != null) return invalid;
        lock (s.State.Sync)
        {
            var lists = listsOf(req);
            if (!lists.TryGetValue(listId, out var existing)) return Missing(http, listId);
            var list = existing.DeepClone().AsObject();
            if (fields.Label != null) list["label"] = fields.Label;
            if (fields.ListType != null) list["list_type"] = fields.ListType;
            if (fields.Enabled.HasValue) list["enabled"] = fields.Enabled.Value;
            if (fields.Addresses != null || replace)
            {
                var addresses = fields.Addresses ?? new List<string>();
                list["ip_addresses"] = ToArray(addresses);
                list["address_count"] = addresses.Count;
            }
            list["updated_at"] = s.NowMs;
            list["updated_by"] = req.Principal.UserId;
            var refused = CheckResult(http, req, lists.Values.Select(l => l == existing ? list : l).ToList(), scopeOf(req));
            if (refused != null) return refused;
            lists[listId] = list;
            // The real PUT/PATCH answer carries no list (the SDKs decode no body): clients read the list back.
            return Emu.Empty();
        }
    }

    private sealed record Fields(string? Label, string? ListType, bool? Enabled, List<string>? Addresses);

    private static (Fields Fields, IResult? Error) ReadFields(HttpContext http, JsonObject body, bool requireAll, bool requireEnabled)
    {
        var none = new Fields(null, null, null, null);
        string? label = null, type = null;
        bool? enabled = null;
        List<string>? addresses = null;
        if (body["label"] != null)
        {
            label = Emu.Str(body, "label");
            if (label == null) return (none, Emu.Malformed(http, "label must be a string."));
            if (label.Trim().Length == 0) return (none, Emu.BadRequest(http, "label must not be empty."));
        }
        else if (requireAll) return (none, Emu.BadRequest(http, "label is required."));
        if (body["list_type"] != null)
        {
            type = Emu.Str(body, "list_type");
            if (type != "ALLOW" && type != "BLOCK") return (none, Emu.BadRequest(http, $"list_type must be ALLOW or BLOCK, not {body["list_type"]!.ToJsonString()}."));
        }
        else if (requireAll) return (none, Emu.BadRequest(http, "list_type is required."));
        if (body["enabled"] != null)
        {
            if (body["enabled"] is not JsonValue v || !v.TryGetValue<bool>(out var b)) return (none, Emu.Malformed(http, "enabled must be true or false."));
            enabled = b;
        }
        else if (requireEnabled) return (none, Emu.BadRequest(http, "enabled is required."));
        if (body["ip_addresses"] != null)
        {
            addresses = Emu.StrList(body, "ip_addresses");
            if (addresses == null) return (none, Emu.Malformed(http, "ip_addresses must be an array of strings."));
            foreach (var a in addresses)
                if (!IpAccessRules.TryParse(a, out _))
                    return (none, Emu.BadRequest(http, $"Invalid IP address or CIDR: '{a}'. Use IPv4 addresses (10.0.0.1) or CIDR blocks (10.0.0.0/24)."));
        }
        return (new Fields(label, type, enabled, addresses), null);
    }

    /// <summary>The 1000-value quota and the self-block rule, on the lists as they would be after the change.</summary>
    private static IResult? CheckResult(HttpContext http, EmuRequest req, List<JsonObject> resulting, string scope)
    {
        var total = resulting.Sum(l => (int?)l["address_count"] ?? 0);
        if (total > IpAccessRules.MaxValues)
            return Emu.Error(http, 400, "QUOTA_EXCEEDED", $"The IP access lists would hold {total} IP addresses and CIDRs; the limit is {IpAccessRules.MaxValues} across all lists.");
        if (!IpAccessRules.Allows(resulting, req.ClientIp))
            return Emu.Error(http, 400, "INVALID_STATE", $"Your current IP {req.ClientIp} will not be allowed to access the {scope} under the current configuration.");
        return null;
    }

    private static IResult Wrap(JsonObject list) => Emu.Json(new JsonObject { ["ip_access_list"] = list.DeepClone() });

    private static IResult Missing(HttpContext http, string listId) => Emu.NotFound(http, $"Can't find an IP access list with id: {listId}.");

    private static JsonArray ToArray(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());

    // ---- acct_ip_acl_enable -----------------------------------------------------------------------------

    private static void MapAccountSwitch(WebApplication app, EmulatorServices s)
    {
        const string path = "/api/2.0/accounts/{accountId}/settings/types/acct_ip_acl_enable/names/default";

        // A setting never written (or reverted to its default) is answered 404, as the real settings API does; the
        // default (on) applies to enforcement all the same.
        app.MapGet(path, (HttpContext http) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
                return Written(acc) ? Emu.Json(Answer(CurrentSetting(acc))) : Emu.NotFound(http, "Setting acct_ip_acl_enable does not exist: it was never written, its default (on) applies.");
        });

        app.MapMethods(path, new[] { "PATCH" }, async (HttpContext http) =>
        {
            var acc = Emu.Req(http).Account!;
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            if (string.IsNullOrEmpty(Emu.Str(body!, "field_mask"))) return Emu.BadRequest(http, "field_mask is required (e.g. \"acct_ip_acl_enable.value\").");
            if (body!["setting"] is not JsonObject setting) return Emu.BadRequest(http, "setting is required.");
            if (setting[AccountSwitch]?["value"] is not JsonValue v || !v.TryGetValue<bool>(out var value))
                return Emu.BadRequest(http, "setting.acct_ip_acl_enable.value must be true or false.");
            var allowMissing = body["allow_missing"] is JsonValue am && am.TryGetValue<bool>(out var amv) && amv;
            lock (s.State.Sync)
            {
                var current = CurrentSetting(acc);
                var refused = EtagRefusal(http, acc, Emu.Str(setting, "etag"), update: true);
                if (refused != null) return refused;
                if (!Written(acc) && !allowMissing)
                    return Emu.NotFound(http, "Setting acct_ip_acl_enable does not exist; send allow_missing: true.");
                var updated = NewSetting(value, Version(current) + 1);
                acc.Settings[AccountSwitch] = updated;
                return Emu.Json(Answer(updated));
            }
        });

        app.MapDelete(path, (HttpContext http, string? etag) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                var refused = EtagRefusal(http, acc, etag, update: false);
                if (refused != null) return refused;
                var reverted = NewSetting(true, Version(CurrentSetting(acc)) + 1);
                reverted[DefaultMarker] = true;
                acc.Settings[AccountSwitch] = reverted;
                return Emu.Json(new JsonObject { ["etag"] = (string?)reverted["etag"] });
            }
        });
    }

    /// <summary>
    /// The etag rule of the settings API: a write must carry the current etag. Otherwise 409 RESOURCE_CONFLICT (a PATCH of a
    /// setting never written: 404 NOT_FOUND), with the current etag in the error's google.rpc.ErrorInfo metadata.
    /// </summary>
    private static IResult? EtagRefusal(HttpContext http, AccountState acc, string? etag, bool update)
    {
        var current = (string)CurrentSetting(acc)["etag"]!;
        if (etag == current) return null;
        var metadata = new Dictionary<string, string> { ["etag"] = current };
        if (update && !Written(acc))
            return Emu.ErrorWithInfo(http, 404, "NOT_FOUND", "Setting acct_ip_acl_enable was never written: send the etag in this error's details to create it.", "NOT_FOUND", metadata);
        var why = string.IsNullOrEmpty(etag) ? "No etag was sent" : "The etag is stale: the setting was changed since it was read";
        return Emu.ErrorWithInfo(http, 409, "RESOURCE_CONFLICT", why + "; retry with the etag in this error's details.", "RESOURCE_CONFLICT", metadata);
    }

    /// <summary>Marks a setting reverted to its default (DELETE): kept for its etag version, answered as never written.</summary>
    private const string DefaultMarker = "_emulator_default";

    private static bool Written(AccountState acc) =>
        acc.Settings.TryGetValue(AccountSwitch, out var stored) && !((bool?)stored[DefaultMarker] ?? false);

    private static JsonObject Answer(JsonObject setting)
    {
        var copy = setting.DeepClone().AsObject();
        copy.Remove(DefaultMarker);
        return copy;
    }

    /// <summary>The stored setting, or the default (on) when it was never set.</summary>
    public static JsonObject CurrentSetting(AccountState acc) =>
        acc.Settings.TryGetValue(AccountSwitch, out var stored) ? stored : NewSetting(true, 0);

    public static bool AccountEnforced(AccountState acc) => (bool?)CurrentSetting(acc)[AccountSwitch]?["value"] ?? true;

    private static JsonObject NewSetting(bool value, long version) => new()
    {
        [AccountSwitch] = new JsonObject { ["value"] = value },
        ["etag"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("acct_ip_acl_enable/" + version)),
        ["setting_name"] = "default",
    };

    private static long Version(JsonObject setting)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String((string?)setting["etag"] ?? ""));
            return long.TryParse(text.Split('/').Last(), out var v) ? v : 0;
        }
        catch (FormatException) { return 0; }
    }
}

/// <summary>The service's own reading of IP access list values and its evaluation (independent of the module's).</summary>
public static class IpAccessRules
{
    public const int MaxValues = 1000;

    /// <summary>
    /// An IPv4 address or CIDR; anything else is refused. Like the service, a CIDR with host bits set
    /// (<c>2.2.2.2/21</c>, the docs' own example) is accepted, stored as sent and enforced as its network (2.2.0.0/21).
    /// </summary>
    public static bool TryParse(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var prefixText = text[(slash + 1)..];
            if (!IPAddress.TryParse(text[..slash], out var baseIp) || baseIp.AddressFamily != AddressFamily.InterNetwork || baseIp.ToString() != text[..slash]) return false;
            if (prefixText.Length == 0 || prefixText.Length > 2 || !prefixText.All(char.IsAsciiDigit) || (prefixText.Length > 1 && prefixText[0] == '0')) return false;
            var prefix = int.Parse(prefixText, System.Globalization.CultureInfo.InvariantCulture);
            if (prefix > 32) return false;
            var bytes = baseIp.GetAddressBytes();
            var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
            var value = ((uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3]) & mask;
            network = new IPNetwork(new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value }), prefix);
            return true;
        }
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || ip.ToString() != text) return false;
        network = new IPNetwork(ip, 32);
        return true;
    }

    /// <summary>BLOCK lists first (a match rejects); then, when any ALLOW list exists, one must match. Disabled lists are ignored.</summary>
    public static bool Allows(IEnumerable<JsonObject> lists, IPAddress caller)
    {
        if (caller.IsIPv4MappedToIPv6) caller = caller.MapToIPv4();
        if (caller.AddressFamily != AddressFamily.InterNetwork) return true;
        var enabled = lists.Where(l => (bool?)l["enabled"] ?? true).ToList();
        bool Matches(JsonObject l) => (l["ip_addresses"] as JsonArray ?? new JsonArray())
            .Any(n => n is JsonValue v && v.TryGetValue<string>(out var t) && TryParse(t, out var net) && net.Contains(caller));
        if (enabled.Any(l => (string?)l["list_type"] == "BLOCK" && Matches(l))) return false;
        var allows = enabled.Where(l => (string?)l["list_type"] == "ALLOW").ToList();
        return allows.Count == 0 || allows.Any(Matches);
    }
}

/// <summary>
/// Enforcement: once the workspace's enableIpAccessLists is "true" (or the account's acct_ip_acl_enable is on,
/// the default) and lists exist, a request from an address the lists do not allow gets 403. Nothing is exempt.
/// </summary>
public sealed class IpAccessCheck : IAccessCheck
{
    /// <summary>
    /// The real block answer: HTTP 403 with a <em>numeric</em> <c>"error_code": 403</c> (not PERMISSION_DENIED) and
    /// "Source IP address: &lt;ip&gt; is blocked by Databricks IP ACL for workspace: &lt;id&gt;" (account: "account: &lt;id&gt;").
    /// </summary>
    public static IResult Blocked(HttpContext http, IPAddress ip, string scope)
    {
        // The real message ends in " [ReqId: ...]"; the emulator leaves it out (the request id is in the header) so that
        // messages stay the same between runs (exports record them).
        return Emu.NumericError(http, 403, $"Source IP address: {ip} is blocked by Databricks IP ACL for {scope}", reasonPhraseHeader: false);
    }

    public IResult? Check(HttpContext http, EmuRequest request, EmulatorServices services)
    {
        lock (services.State.Sync)
        {
            Dictionary<string, JsonObject>? lists;
            string scope;
            if (request.Workspace != null)
            {
                var ws = request.Workspace;
                if (!ws.Conf.TryGetValue("enableIpAccessLists", out var on) || !string.Equals(on, "true", StringComparison.OrdinalIgnoreCase)) return null;
                ws.Collections.TryGetValue(IpAccessArea.Collection, out lists);
                scope = "workspace: " + ws.WorkspaceId;
            }
            else if (request.Account != null)
            {
                if (!IpAccessArea.AccountEnforced(request.Account)) return null;
                request.Account.Collections.TryGetValue(IpAccessArea.Collection, out lists);
                scope = "account: " + request.Account.AccountId;
            }
            else return null;
            if (lists == null || lists.Count == 0 || IpAccessRules.Allows(lists.Values, request.ClientIp)) return null;
            return Blocked(http, request.ClientIp, scope);
        }
    }
}
