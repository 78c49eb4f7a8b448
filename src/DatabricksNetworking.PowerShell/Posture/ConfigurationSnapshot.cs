using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Posture
{
    /// <summary>One networking object of a snapshot: its type, id, owning workspace (workspace-level objects) and wire properties.</summary>
    public sealed class SnapshotObject
    {
        public SnapshotObject(string type, string id, long? workspaceId, string? name, JsonObject properties)
        {
            Type = type; Id = id; WorkspaceId = workspaceId; Name = name; Properties = properties;
        }

        public string Type { get; }
        public string Id { get; }
        public long? WorkspaceId { get; }
        public string? Name { get; }
        public JsonObject Properties { get; }
        public string Key => Type + "|" + (WorkspaceId?.ToString(CultureInfo.InvariantCulture) ?? "") + "|" + Id;
    }

    /// <summary>A snapshot read from a file or collected live.</summary>
    public sealed class ConfigurationSnapshotData
    {
        public ConfigurationSnapshotData(string? accountId, string? exportedAt, IReadOnlyList<string> incomplete, IReadOnlyList<SnapshotObject> objects, string source)
        {
            AccountId = accountId; ExportedAt = exportedAt; Incomplete = incomplete; Objects = objects; Source = source;
        }

        public string? AccountId { get; }
        public string? ExportedAt { get; }
        /// <summary>What could not be read when the snapshot was taken (its objects are missing from it).</summary>
        public IReadOnlyList<string> Incomplete { get; }
        public IReadOnlyList<SnapshotObject> Objects { get; }
        public string Source { get; }
    }

    /// <summary>
    /// The JSON snapshot of an account's networking objects (Export-/Compare-DbxNetworkConfiguration): wire properties
    /// without volatile fields (timestamps of the last update, derived counts, etags, workspace status), keys and arrays
    /// sorted, objects sorted by type, workspace and id, so two exports of an unchanged account are byte-identical apart
    /// from exported_at. No object of these families carries a secret.
    /// </summary>
    public static class ConfigurationSnapshot
    {
        public const string FormatName = "DatabricksNetworking.NetworkConfiguration";
        public const int FormatVersion = 1;

        /// <summary>Object types in the order they are written.</summary>
        public static readonly string[] TypeOrder =
        {
            "Workspace", "Network", "VpcEndpoint", "PrivateAccessSettings", "NetworkConnectivityConfig", "PrivateEndpointRule",
            "NetworkPolicy", "AccountIpAccessListFeature", "AccountIpAccessList", "IpAccessListFeature", "IpAccessList", "WorkspaceNetworkOption",
        };

        private static readonly string[] WorkspaceFields =
        {
            "workspace_id", "workspace_name", "aws_region", "deployment_name", "pricing_tier", "compute_mode", "network_id",
            "private_access_settings_id", "network_connectivity_config_id", "custom_tags",
        };

        // ---- building ------------------------------------------------------------------------------------------

        public static IEnumerable<SnapshotObject> AccountObjects(AccountData a, IEnumerable<Workspace> workspaces)
        {
            foreach (var w in workspaces)
            {
                var all = ToNode(w);
                var kept = new JsonObject();
                foreach (var f in WorkspaceFields) if (all[f] != null) kept[f] = all[f]!.DeepClone();
                yield return Make("Workspace", Id(w.WorkspaceId), null, w.WorkspaceName, kept);
            }
            foreach (var n in a.Networks.Value ?? new List<Network>()) yield return Make("Network", n.NetworkId, null, n.NetworkName, ToNode(n));
            foreach (var e in a.VpcEndpoints.Value ?? new List<VpcEndpoint>()) yield return Make("VpcEndpoint", e.VpcEndpointId, null, e.VpcEndpointName, ToNode(e));
            foreach (var p in a.PrivateAccessSettings.Value ?? new List<PrivateAccessSettings>())
                yield return Make("PrivateAccessSettings", p.PrivateAccessSettingsId, null, p.PrivateAccessSettingsName, ToNode(p));
            foreach (var n in a.Nccs.Value ?? new List<NetworkConnectivityConfig>())
            {
                var o = ToNode(n, "updated_time");
                (o["egress_config"] as JsonObject)?.Remove("target_rules");   // the rules are objects of their own
                yield return Make("NetworkConnectivityConfig", n.NetworkConnectivityConfigId, null, n.Name, o);
            }
            foreach (var kv in a.RulesByNcc)
                foreach (var r in kv.Value.Value ?? new List<PrivateEndpointRule>())
                    yield return Make("PrivateEndpointRule", r.RuleId, null, r.EndpointService, ToNode(r, "updated_time"));
            foreach (var p in a.Policies.Value ?? new List<NetworkPolicy>()) yield return Make("NetworkPolicy", p.NetworkPolicyId, null, p.NetworkPolicyId, ToNode(p));
            // The account ingress policy, read by id when the list does not carry it.
            if (a.Policies.Ok && a.AccountIngress.Value is NetworkPolicy ap && !(a.Policies.Value ?? new List<NetworkPolicy>()).Any(p => p.NetworkPolicyId == IngressWire.AccountPolicyId))
                yield return Make("NetworkPolicy", IngressWire.AccountPolicyId, null, IngressWire.AccountPolicyId, ToNode(ap));
            if (a.AccountFeature.Ok)
                yield return Make("AccountIpAccessListFeature", "acct_ip_acl_enable", null, "acct_ip_acl_enable",
                    new JsonObject { ["enabled"] = a.AccountFeature.Value?.AcctIpAclEnable?.Value ?? true });
            foreach (var l in a.AccountLists.Value ?? new List<IpAccessList>()) yield return Make("AccountIpAccessList", l.ListId, null, l.Label, ListNode(l));
        }

        public static IEnumerable<SnapshotObject> WorkspaceObjects(WorkspaceData d)
        {
            var wid = d.Workspace.WorkspaceId;
            if (d.Conf.Ok)
                yield return Make("IpAccessListFeature", "enableIpAccessLists", wid, "enableIpAccessLists",
                    new JsonObject { ["enableIpAccessLists"] = d.EnableIpAccessLists });
            foreach (var l in d.IpAccessLists.Value ?? new List<IpAccessList>()) yield return Make("IpAccessList", l.ListId, wid, l.Label, ListNode(l));
            if (d.NetworkOption.Ok)
                yield return Make("WorkspaceNetworkOption", Id(wid), wid, d.Workspace.WorkspaceName,
                    new JsonObject { ["network_policy_id"] = d.NetworkOption.Value?.NetworkPolicyId ?? PostureBuilder.DefaultPolicyId });
        }

        private static JsonObject ListNode(IpAccessList l) => ToNode(l, "updated_at", "updated_by", "address_count");

        private static SnapshotObject Make(string type, string? id, long? workspaceId, string? name, JsonObject properties) =>
            new SnapshotObject(type, id ?? "", workspaceId, name, (JsonObject)Canonical(properties)!);

        private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

        private static JsonObject ToNode<T>(T model, params string[] drop)
        {
            var node = Json.ToWireNode(model!);
            foreach (var d in drop) node.Remove(d);
            return node;
        }

        /// <summary>Keys sorted (ordinal) at every level, arrays sorted by their canonical JSON text.</summary>
        public static JsonNode? Canonical(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    var sorted = new JsonObject();
                    foreach (var kv in o.OrderBy(k => k.Key, StringComparer.Ordinal)) sorted[kv.Key] = Canonical(kv.Value);
                    return sorted;
                case JsonArray a:
                    var items = a.Select(Canonical).Select(x => (Node: x, Text: x?.ToJsonString() ?? "null")).OrderBy(x => x.Text, StringComparer.Ordinal).ToList();
                    return new JsonArray(items.Select(x => x.Node).ToArray());
                case null: return null;
                default: return JsonNode.Parse(node.ToJsonString());
            }
        }

        public static List<SnapshotObject> Sort(IEnumerable<SnapshotObject> objects) =>
            objects.OrderBy(o => Array.IndexOf(TypeOrder, o.Type)).ThenBy(o => o.WorkspaceId ?? 0).ThenBy(o => o.Id, StringComparer.Ordinal).ToList();

        // ---- files ---------------------------------------------------------------------------------------------

        public static void Write(Stream stream, string? accountId, DateTimeOffset exportedAt, IEnumerable<string> incomplete, IEnumerable<SnapshotObject> sortedObjects)
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", FormatVersion);
            if (accountId != null) w.WriteString("account_id", accountId); else w.WriteNull("account_id");
            w.WriteString("exported_at", exportedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteStartArray("incomplete");
            foreach (var i in incomplete) w.WriteStringValue(i);
            w.WriteEndArray();
            w.WriteStartArray("objects");
            foreach (var o in sortedObjects)
            {
                w.WriteStartObject();
                w.WriteString("type", o.Type);
                w.WriteString("id", o.Id);
                if (o.WorkspaceId.HasValue) w.WriteNumber("workspace_id", o.WorkspaceId.Value); else w.WriteNull("workspace_id");
                if (o.Name != null) w.WriteString("name", o.Name); else w.WriteNull("name");
                w.WritePropertyName("properties");
                o.Properties.WriteTo(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }

        /// <summary>Reads a snapshot file; a file that is not one throws <see cref="InvalidDataException"/> saying why.</summary>
        public static ConfigurationSnapshotData Read(string path)
        {
            JsonNode? root;
            try { root = JsonNode.Parse(File.ReadAllBytes(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
            catch (JsonException ex) { throw new InvalidDataException($"'{path}' is not a network configuration snapshot: not valid JSON ({ex.Message})."); }
            if (!(root is JsonObject o) || (string?)(o["format"] as JsonValue) != FormatName)
                throw new InvalidDataException($"'{path}' is not a network configuration snapshot: it has no \"format\": \"{FormatName}\" (write one with Export-DbxNetworkConfiguration).");
            var version = o["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
            if (version != FormatVersion)
                throw new InvalidDataException($"'{path}' is a snapshot of format version {version}; this module reads version {FormatVersion}.");
            var objects = new List<SnapshotObject>();
            foreach (var item in o["objects"] as JsonArray ?? new JsonArray())
            {
                if (!(item is JsonObject io) || !(io["type"] is JsonValue t) || !(io["id"] is JsonValue id))
                    throw new InvalidDataException($"'{path}' has an object without type and id.");
                long? wid = io["workspace_id"] is JsonValue wv && wv.TryGetValue<long>(out var wl) ? wl : (long?)null;
                var props = io["properties"] as JsonObject ?? new JsonObject();
                objects.Add(new SnapshotObject(t.ToString(), id.ToString(), wid, (io["name"] as JsonValue)?.ToString(), (JsonObject)Canonical(props)!));
            }
            var incomplete = (o["incomplete"] as JsonArray ?? new JsonArray()).Select(x => x?.ToString() ?? "").ToList();
            return new ConfigurationSnapshotData((o["account_id"] as JsonValue)?.ToString(), (o["exported_at"] as JsonValue)?.ToString(), incomplete, objects, path);
        }

        // ---- comparing -----------------------------------------------------------------------------------------

        /// <summary>One change per added or removed object, and per changed property (dotted path; arrays compare whole).</summary>
        public static IEnumerable<NetworkConfigurationChange> Compare(IEnumerable<SnapshotObject> reference, IEnumerable<SnapshotObject> difference)
        {
            var refs = new Dictionary<string, SnapshotObject>(StringComparer.Ordinal);
            foreach (var r in reference) refs[r.Key] = r;
            var diffs = new Dictionary<string, SnapshotObject>(StringComparer.Ordinal);
            foreach (var d in difference) diffs[d.Key] = d;
            var changes = new List<NetworkConfigurationChange>();
            // Workspace names from both sides, so every workspace-level change names its workspace.
            var names = new Dictionary<long, string>();
            foreach (var w in refs.Values.Concat(diffs.Values).Where(o => o.Type == "Workspace" && o.Name != null))
                if (long.TryParse(w.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var wid)) names[wid] = w.Name!;

            foreach (var r in Sort(refs.Values))
            {
                if (!diffs.TryGetValue(r.Key, out var d))
                {
                    changes.Add(Change("Removed", r, null, Describe(r), null, r.Properties.ToJsonString()));
                    continue;
                }
                var left = Flatten(r.Properties);
                var right = Flatten(d.Properties);
                foreach (var path in left.Keys.Union(right.Keys).OrderBy(k => k, StringComparer.Ordinal))
                {
                    left.TryGetValue(path, out var lv);
                    right.TryGetValue(path, out var rv);
                    if (lv != rv && !SameAddresses(d.Type, path, lv, rv)) changes.Add(Change("Changed", d, path, lv, rv));
                }
            }
            foreach (var d in diffs.Values.Where(x => !refs.ContainsKey(x.Key)))
                changes.Add(Change("Added", d, null, null, Describe(d), d.Properties.ToJsonString()));
            foreach (var c in changes)
                if (c.WorkspaceId.HasValue && names.TryGetValue(c.WorkspaceId.Value, out var n)) c.WorkspaceName = n;
            // In snapshot order (type, workspace, id), then by property.
            return changes.OrderBy(c => Array.IndexOf(TypeOrder, c.ObjectType)).ThenBy(c => c.WorkspaceId ?? 0).ThenBy(c => c.ObjectId, StringComparer.Ordinal)
                .ThenBy(c => c.Property ?? "", StringComparer.Ordinal).ToList();
        }

        private static NetworkConfigurationChange Change(string kind, SnapshotObject o, string? property, string? reference, string? difference, string? json = null) => new NetworkConfigurationChange
        {
            ChangeType = kind, ObjectType = o.Type, ObjectId = o.Id, Name = o.Name, WorkspaceId = o.WorkspaceId,
            Property = property, ReferenceValue = reference, DifferenceValue = difference, ObjectJson = json,
        };

        /// <summary>
        /// An added or removed object as an admin reads it: its name, then every field as <c>path=value</c> (strings unquoted,
        /// lists joined with ';', epoch-millisecond times as UTC dates), e.g.
        /// <c>partners: enabled=true, ip_addresses=198.51.100.0/24, label=partners, list_type=BLOCK</c>.
        /// </summary>
        internal static string Describe(SnapshotObject o)
        {
            var parts = new List<string>();
            foreach (var kv in Flatten(o.Properties))
            {
                if (kv.Value == "null" || kv.Value == "{}" || kv.Value == "[]") continue;
                parts.Add(kv.Key + "=" + Readable(kv.Key, kv.Value));
            }
            var head = o.Name ?? o.Id;
            return parts.Count == 0 ? head : head + ": " + string.Join(", ", parts);
        }

        private static string Readable(string path, string json)
        {
            JsonNode? n;
            try { n = JsonNode.Parse(json); } catch (JsonException) { return json; }
            var leaf = path.Substring(path.LastIndexOf('.') + 1);
            if (n is JsonValue v)
            {
                if (v.TryGetValue<string>(out var s)) return s;
                if ((leaf.EndsWith("_time", StringComparison.Ordinal) || leaf.EndsWith("_at", StringComparison.Ordinal)) && v.TryGetValue<long>(out var ms) && ms > 100_000_000_000L)
                    return DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
                return n.ToJsonString();
            }
            if (n is JsonArray a && a.All(x => x is JsonValue))
                return string.Join(DbxList<string>.Separator, a.Select(x => x is JsonValue xv && xv.TryGetValue<string>(out var xs) ? xs : x?.ToJsonString() ?? ""));
            return json;
        }

        /// <summary>The ip_addresses of IP access lists compare as blocks: <c>1.2.3.4</c> equals <c>1.2.3.4/32</c>, order aside.</summary>
        private static bool SameAddresses(string type, string path, string? left, string? right)
        {
            if (path != "ip_addresses" || (type != "IpAccessList" && type != "AccountIpAccessList")) return false;
            static List<string>? Read(string? json)
            {
                try { return (JsonNode.Parse(json ?? "null") as JsonArray)?.Select(x => x is JsonValue v && v.TryGetValue<string>(out var t) ? t : x?.ToJsonString() ?? "").ToList(); }
                catch (System.Text.Json.JsonException) { return null; }
            }
            var a = Read(left);
            var b = Read(right);
            return a != null && b != null && Validation.Cidr.SameValues(a, b);
        }

        /// <summary>Leaf values by dotted path; arrays are leaves (their canonical JSON).</summary>
        private static Dictionary<string, string> Flatten(JsonObject o)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            void Walk(JsonNode? n, string path)
            {
                if (n is JsonObject obj && obj.Count > 0)
                {
                    foreach (var kv in obj) Walk(kv.Value, path.Length == 0 ? kv.Key : path + "." + kv.Key);
                    return;
                }
                result[path] = n?.ToJsonString() ?? "null";
            }
            foreach (var kv in o) Walk(kv.Value, kv.Key);
            return result;
        }
    }
}
