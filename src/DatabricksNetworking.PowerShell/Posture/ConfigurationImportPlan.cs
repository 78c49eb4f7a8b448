using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Posture
{
    /// <summary>The object kinds Import-DbxNetworkConfiguration can write: those portable through the Databricks API alone.</summary>
    public enum NetworkConfigurationKind { AccountIpAccessList, IpAccessList, NetworkPolicy, WorkspaceNetworkOption, NetworkConnectivityConfig, PrivateEndpointRule }

    /// <summary>How the workspaces of a snapshot are found in the live account.</summary>
    public enum WorkspaceMatch { Id, Name }

    /// <summary>What the import does with one object.</summary>
    public enum ImportStepAction { Create, Update, Unchanged, Remove, Skip, Fail }

    /// <summary>One object of an import: its kind, natural key, workspace, what to do and the desired (portable) properties.</summary>
    public sealed class ImportStep
    {
        public string Kind { get; set; } = "";
        /// <summary>The natural key: label, policy id, name@region, ...; the same in every account.</summary>
        public string Key { get; set; } = "";
        public string? Name { get; set; }
        /// <summary>The live workspace (workspace-level kinds).</summary>
        public long? WorkspaceId { get; set; }
        public ImportStepAction Action { get; set; }
        /// <summary>The id of the live object (Update, Unchanged, Remove).</summary>
        public string? LiveId { get; set; }
        /// <summary>The properties to write (Create, Update), as in the portable view.</summary>
        public JsonObject? Desired { get; set; }
        /// <summary>Private endpoint rules: the natural key of their NCC (name@region).</summary>
        public string? NccKey { get; set; }
        public string? Detail { get; set; }
        internal int Phase { get; set; }
        internal int SubPhase { get; set; }
        /// <summary>IP access list kinds: the scope whose lockout guard covers this step.</summary>
        public string? IpScope { get; set; }
        /// <summary>
        /// The step changes enforced context-based ingress: a network policy whose <c>ingress</c> changes (every workspace
        /// bound to it, or the account console for account-policy), or a binding that moves a workspace to a policy with
        /// other ingress. Such steps go through the ingress lockout check. Dry-run ingress never blocks, so it does not count.
        /// </summary>
        public bool ChangesIngress { get; set; }
        public override string ToString() => $"{Action} {Kind} {Key}";
    }

    /// <summary>One IP access scope (the account console or a workspace) as it will be after the import, for the lockout guard.</summary>
    public sealed class IpAccessScopePlan
    {
        public string Scope { get; set; } = "";
        public long? WorkspaceId { get; set; }
        /// <summary>Whether the lists are enforced after the import (the feature switch as imported, or as it is).</summary>
        public bool FeatureOnAfter { get; set; }
        /// <summary>The import turns the feature on.</summary>
        public bool Enabling { get; set; }
        /// <summary>The import writes a list or the switch of this scope.</summary>
        public bool HasWrites { get; set; }
        public List<IpAccessList> Resulting { get; set; } = new List<IpAccessList>();
        /// <summary>The live lists of the scope before the import (what the lockout guard compares with).</summary>
        public List<IpAccessList> Current { get; set; } = new List<IpAccessList>();
    }

    public sealed class ImportOptions
    {
        public ISet<NetworkConfigurationKind> Include { get; set; } = new HashSet<NetworkConfigurationKind>((NetworkConfigurationKind[])Enum.GetValues(typeof(NetworkConfigurationKind)));
        public bool IncludeFeatureSwitch { get; set; }
        public bool RemoveExtra { get; set; }
        public WorkspaceMatch MatchWorkspaceBy { get; set; } = WorkspaceMatch.Id;
        /// <summary>What could not be read live, as "Type|workspaceId" ("Type|" for account-level kinds): nothing of it is written.</summary>
        public ISet<string> Unreadable { get; set; } = new HashSet<string>(StringComparer.Ordinal);
    }

    public sealed class ImportPlan
    {
        public ImportPlan(List<ImportStep> steps, List<IpAccessScopePlan> scopes) { Steps = steps; Scopes = scopes; }
        /// <summary>In execution order: NCCs, rules, policies, bindings, IP access scopes, then removals.</summary>
        public List<ImportStep> Steps { get; }
        public List<IpAccessScopePlan> Scopes { get; }
    }

    /// <summary>
    /// The planning of Import-DbxNetworkConfiguration, without I/O: validates a snapshot, reduces snapshot objects to
    /// their portable view (natural key + the properties an import sets, no ids, timestamps or server-assigned state) and
    /// diffs the desired view against the live one. Also used by Compare-DbxNetworkConfiguration -Portable.
    /// </summary>
    public static class ConfigurationImportPlan
    {
        public const string AccountScope = "account";
        private static readonly string[] Classic = { "Workspace", "Network", "VpcEndpoint", "PrivateAccessSettings" };

        // ---- the portable view ---------------------------------------------------------------------------------

        private sealed class Portable
        {
            public Portable(SnapshotObject source, string key, string? name, JsonObject props, string? nccKey = null)
            {
                Source = source; Key = key; Name = name; Props = (JsonObject)ConfigurationSnapshot.Canonical(props)!; NccKey = nccKey;
            }
            public SnapshotObject Source { get; }
            /// <summary>Workspace singletons (binding, switch) are keyed by their workspace id, which a name match changes.</summary>
            public string Key { get; set; }
            public string? Name { get; }
            public JsonObject Props { get; }
            public string? NccKey { get; }
            public long? WorkspaceId { get; set; }
            public string Type => Source.Type;
            public string Full => Type + "|" + (WorkspaceId?.ToString(CultureInfo.InvariantCulture) ?? "") + "|" + Key;
        }

        /// <summary>
        /// The portable view of snapshot objects, as snapshot objects whose id is the natural key: what two accounts
        /// with the same imported configuration have in common. Classic objects and deactivated rules are left out.
        /// </summary>
        public static List<SnapshotObject> PortableView(IEnumerable<SnapshotObject> objects) =>
            ConfigurationSnapshot.Sort(ToPortable(objects.ToList()).Select(p => new SnapshotObject(p.Type, p.Key, p.WorkspaceId, p.Name, p.Props)));

        private static List<Portable> ToPortable(List<SnapshotObject> all)
        {
            var nccKeys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var n in all.Where(o => o.Type == "NetworkConnectivityConfig")) nccKeys[n.Id] = NccKey(n.Properties);
            var result = new List<Portable>();
            foreach (var o in all)
            {
                var p = o.Properties;
                Portable? v = null;
                switch (o.Type)
                {
                    case "AccountIpAccessList":
                    case "IpAccessList":
                        var label = Str(p, "label") ?? "";
                        v = new Portable(o, label, label, new JsonObject
                        {
                            ["label"] = label,
                            ["list_type"] = Str(p, "list_type"),
                            ["enabled"] = Bool(p["enabled"]) ?? true,
                            ["ip_addresses"] = new JsonArray(NormaliseAddresses(StrList(p, "ip_addresses")).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
                        });
                        break;
                    case "NetworkPolicy":
                        var policy = (JsonObject)p.DeepClone();
                        policy.Remove("account_id");
                        policy["network_policy_id"] = o.Id;
                        v = new Portable(o, o.Id, o.Id, policy);
                        break;
                    case "WorkspaceNetworkOption":
                        v = new Portable(o, Ws(o), o.Name, new JsonObject { ["network_policy_id"] = Str(p, "network_policy_id") ?? Names.DefaultPolicyId });
                        break;
                    case "NetworkConnectivityConfig":
                        v = new Portable(o, NccKey(p), Str(p, "name"), new JsonObject { ["name"] = Str(p, "name"), ["region"] = Str(p, "region") });
                        break;
                    case "PrivateEndpointRule":
                        if (Bool(p["deactivated"]) == true) break;
                        if (!nccKeys.TryGetValue(Str(p, "network_connectivity_config_id") ?? "", out var nccKey)) break;
                        v = Rule(o, nccKey);
                        break;
                    case "AccountIpAccessListFeature":
                        v = new Portable(o, "acct_ip_acl_enable", "acct_ip_acl_enable", new JsonObject { ["enabled"] = Bool(p["enabled"]) ?? true });
                        break;
                    case "IpAccessListFeature":
                        v = new Portable(o, Ws(o), "enableIpAccessLists", new JsonObject { ["enabled"] = Bool(p["enableIpAccessLists"]) ?? false });
                        break;
                }
                if (v == null) continue;
                v.WorkspaceId = o.WorkspaceId;
                result.Add(v);
            }
            return result;
        }

        private static Portable Rule(SnapshotObject o, string nccKey)
        {
            var p = o.Properties;
            var service = Str(p, "endpoint_service") ?? "";
            var buckets = StrList(p, "resource_names");
            var s3 = buckets.Count > 0;
            var names = (s3 ? buckets : StrList(p, "domain_names")).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(x => x, StringComparer.OrdinalIgnoreCase).ToList();
            var props = new JsonObject { ["network_connectivity_config"] = nccKey, ["endpoint_service"] = service };
            props[s3 ? "resource_names" : "domain_names"] = new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray());
            if (s3) props["enabled"] = Bool(p["enabled"]) ?? true;
            var key = nccKey + "|" + service + "|" + string.Join(",", names.Select(n => n.ToLowerInvariant()));
            return new Portable(o, key, service, props, nccKey);
        }

        /// <summary>The natural key of an NCC: name@region.</summary>
        public static string NccKeyOf(SnapshotObject ncc) => NccKey(ncc.Properties);

        private static string NccKey(JsonObject p) => (Str(p, "name") ?? "") + "@" + (Str(p, "region") ?? "");
        private static string Ws(SnapshotObject o) => o.WorkspaceId?.ToString(CultureInfo.InvariantCulture) ?? o.Id;

        private static List<string> NormaliseAddresses(List<string> raw)
        {
            var parsed = new List<Ipv4Cidr>();
            var bad = new List<string>();
            foreach (var r in raw)
            {
                if (Cidr.Check(r, out var c) == null) parsed.Add(c);
                else bad.Add(r);
            }
            return Cidr.Normalise(parsed).Concat(bad.OrderBy(b => b, StringComparer.Ordinal)).ToList();
        }

        // ---- validation ----------------------------------------------------------------------------------------

        /// <summary>
        /// Every problem of the portable objects of a snapshot (all of them, whatever is included): one line each, naming
        /// the object. An import writes nothing unless this is empty.
        /// </summary>
        public static List<string> Validate(ConfigurationSnapshotData snapshot)
        {
            var problems = new List<string>();
            var objects = snapshot.Objects;
            var nccs = objects.Where(o => o.Type == "NetworkConnectivityConfig").ToList();
            var policyIds = new HashSet<string>(objects.Where(o => o.Type == "NetworkPolicy").Select(o => o.Id), StringComparer.Ordinal) { Names.DefaultPolicyId };
            void Add(SnapshotObject o, string problem) => problems.Add(Describe(o) + ": " + problem);

            foreach (var o in objects)
            {
                var p = o.Properties;
                switch (o.Type)
                {
                    case "AccountIpAccessList":
                    case "IpAccessList":
                        if (o.Type == "IpAccessList" && !o.WorkspaceId.HasValue) Add(o, "a workspace IP access list needs its workspace_id.");
                        if (string.IsNullOrWhiteSpace(Str(p, "label"))) Add(o, "an IP access list needs a label.");
                        var type = Str(p, "list_type");
                        if (type != "ALLOW" && type != "BLOCK") Add(o, $"list_type must be ALLOW or BLOCK, not '{type}'.");
                        if (p["enabled"] != null && Bool(p["enabled"]) == null) Add(o, "enabled must be true or false.");
                        if (!(p["ip_addresses"] is JsonArray) && p["ip_addresses"] != null) Add(o, "ip_addresses must be an array of IPv4 addresses and CIDRs.");
                        foreach (var a in StrList(p, "ip_addresses"))
                        {
                            var problem = Cidr.Check(a, out _);
                            if (problem != null) Add(o, problem.Message);
                        }
                        break;
                    case "NetworkPolicy":
                        ValidatePolicy(o, Add);
                        break;
                    case "WorkspaceNetworkOption":
                        if (!o.WorkspaceId.HasValue || o.WorkspaceId <= 0) Add(o, "a network policy binding needs its workspace_id.");
                        var bound = Str(p, "network_policy_id");
                        if (!Names.IsNetworkPolicyId(bound)) Add(o, $"'{bound}' is not a valid network policy id: use 1 to 32 letters, digits, '_', '.' or '-'.");
                        else if (!policyIds.Contains(bound!)) Add(o, $"it binds network policy '{bound}', which is not in the snapshot.");
                        break;
                    case "NetworkConnectivityConfig":
                        var name = Str(p, "name");
                        if (!Names.IsNccName(name)) Add(o, $"'{name}' is not a valid network connectivity configuration name: use 3 to 30 letters, digits, '-' or '_'.");
                        var region = Str(p, "region");
                        if (!Regions.IsSupported(region)) Add(o, Regions.Describe(region));
                        break;
                    case "PrivateEndpointRule":
                        if (Bool(p["deactivated"]) == true) break;   // not imported
                        ValidateRule(o, nccs, Add);
                        break;
                    case "AccountIpAccessListFeature":
                        if (Bool(p["enabled"]) == null) Add(o, "enabled must be true or false.");
                        break;
                    case "IpAccessListFeature":
                        if (!o.WorkspaceId.HasValue) Add(o, "the workspace switch needs its workspace_id.");
                        if (p["enableIpAccessLists"] != null && Bool(p["enableIpAccessLists"]) == null) Add(o, "enableIpAccessLists must be \"true\", \"false\" or null.");
                        break;
                }
            }

            // Per scope: unique labels and the 1000-value limit.
            foreach (var scope in objects.Where(o => o.Type == "AccountIpAccessList" || o.Type == "IpAccessList").GroupBy(o => o.Type + "|" + o.WorkspaceId))
            {
                var first = scope.First();
                var where = first.Type == "AccountIpAccessList" ? "the account console" : "workspace " + first.WorkspaceId?.ToString(CultureInfo.InvariantCulture);
                foreach (var dup in scope.GroupBy(o => Str(o.Properties, "label") ?? "", StringComparer.Ordinal).Where(g => g.Count() > 1))
                    problems.Add($"{first.Type} '{dup.Key}' of {where}: {dup.Count()} lists have this label; the import matches lists by label, so labels must be unique.");
                var total = scope.Sum(o => NormaliseAddresses(StrList(o.Properties, "ip_addresses")).Count);
                if (total > Cidr.MaxValuesPerScope)
                    problems.Add($"{first.Type} of {where}: the lists hold {total} addresses and CIDRs; at most {Cidr.MaxValuesPerScope} are allowed per scope.");
            }
            foreach (var dup in nccs.GroupBy(n => NccKey(n.Properties), StringComparer.Ordinal).Where(g => g.Count() > 1))
                problems.Add($"NetworkConnectivityConfig '{dup.Key}': {dup.Count()} configurations have this name and region; the import matches them by name and region.");
            return problems;
        }

        private const int MaxPolicyDestinations = 2000;
        private const int MaxDomainsPerRule = 10;

        private static void ValidatePolicy(SnapshotObject o, Action<SnapshotObject, string> add)
        {
            var p = o.Properties;
            if (!Names.IsNetworkPolicyId(o.Id)) add(o, $"'{o.Id}' is not a valid network policy id: use 1 to 32 letters, digits, '_', '.' or '-'.");
            var bodyId = Str(p, "network_policy_id");
            if (bodyId != null && bodyId != o.Id) add(o, $"network_policy_id '{bodyId}' differs from the object's id '{o.Id}'.");
            NetworkPolicy? policy;
            try { policy = p.Deserialize<NetworkPolicy>(Json.Options); }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is NotSupportedException)
            {
                add(o, "its properties are not a network policy: " + ex.Message);
                return;
            }
            var access = policy?.Egress?.NetworkAccess;
            foreach (var (part, ingress) in new[] { ("ingress", policy?.Ingress), ("ingress_dry_run", policy?.IngressDryRun) })
            {
                var m = ingress?.PublicAccess?.RestrictionMode;
                if (m != null && m != IngressWire.FullAccess && m != IngressWire.RestrictedAccess)
                    add(o, $"{part}.public_access.restriction_mode must be FULL_ACCESS or RESTRICTED_ACCESS, not '{m}'.");
            }
            // egress is optional on the wire (the account-policy has none; a policy may carry only ingress).
            if (access == null)
            {
                if (policy?.Egress != null || (policy?.Ingress == null && policy?.IngressDryRun == null && o.Id != IngressWire.AccountPolicyId))
                    add(o, "egress.network_access is missing.");
                return;
            }
            if (access.RestrictionMode != "FULL_ACCESS" && access.RestrictionMode != "RESTRICTED_ACCESS")
                add(o, $"egress.network_access.restriction_mode must be FULL_ACCESS or RESTRICTED_ACCESS, not '{access.RestrictionMode}'.");
            foreach (var d in (access.AllowedInternetDestinations ?? new List<InternetDestination>()).Concat(access.BlockedInternetDestinations ?? new List<InternetDestination>()))
            {
                var problem = Domains.Problem(d.Destination);
                if (problem != null) add(o, $"'{d.Destination}' is not a valid domain name: {problem}.");
            }
            foreach (var s in (access.AllowedStorageDestinations ?? new List<StorageDestination>()).Where(s => s.StorageDestinationType == "AWS_S3"))
            {
                var problem = S3.BucketProblem(s.BucketName);
                if (problem != null) add(o, $"'{s.BucketName}' is not a valid S3 bucket name: {problem}.");
                if (!Regions.IsSupported(s.Region)) add(o, $"bucket '{s.BucketName}': " + Regions.Describe(s.Region));
            }
            if (policy!.DestinationCount > MaxPolicyDestinations)
                add(o, $"it has {policy.DestinationCount} destinations; a network policy holds at most {MaxPolicyDestinations}.");
            var mode = access.PolicyEnforcement?.EnforcementMode;
            if (mode != null && mode != "ENFORCED" && mode != "DRY_RUN") add(o, $"enforcement_mode must be ENFORCED or DRY_RUN, not '{mode}'.");
            if (access.PolicyEnforcement?.DryRunModeProductFilter?.Count > 0 && mode != "DRY_RUN")
                add(o, "dry_run_mode_product_filter is allowed only with enforcement_mode DRY_RUN.");
        }

        private static void ValidateRule(SnapshotObject o, List<SnapshotObject> nccs, Action<SnapshotObject, string> add)
        {
            var p = o.Properties;
            var nccId = Str(p, "network_connectivity_config_id");
            var ncc = nccs.FirstOrDefault(n => string.Equals(n.Id, nccId, StringComparison.OrdinalIgnoreCase));
            if (ncc == null) { add(o, $"its network connectivity configuration '{nccId}' is not in the snapshot."); return; }
            var region = Str(ncc.Properties, "region") ?? "";
            var service = Str(p, "endpoint_service");
            var buckets = StrList(p, "resource_names");
            var domains = StrList(p, "domain_names");
            if (buckets.Count > 0 == domains.Count > 0) { add(o, "a rule names either domain_names (an endpoint service) or resource_names (S3 buckets), one of them."); return; }
            if (buckets.Count > 0)
            {
                if (service != Names.S3EndpointService(region)) add(o, $"a rule to S3 buckets uses the endpoint service {Names.S3EndpointService(region)}, not '{service}'.");
                foreach (var b in buckets)
                {
                    var problem = S3.BucketProblem(b);
                    if (problem != null) add(o, $"'{b}' is not a valid S3 bucket name: {problem}.");
                }
                return;
            }
            var serviceRegion = Names.EndpointServiceRegion(service);
            if (serviceRegion == null) add(o, $"'{service}' is not an endpoint service name (com.amazonaws.vpce.<region>.vpce-svc-...).");
            else if (serviceRegion != region) add(o, $"the endpoint service is in {serviceRegion} but its network connectivity configuration is in {region}.");
            if (domains.Count > MaxDomainsPerRule) add(o, $"it has {domains.Count} domain names; a rule takes at most {MaxDomainsPerRule}.");
            foreach (var d in domains)
            {
                var problem = Domains.Problem(d);
                if (problem != null) add(o, $"'{d}' is not a valid domain name: {problem}.");
            }
        }

        /// <summary>How an object is named in messages: type, name or id, workspace.</summary>
        public static string Describe(SnapshotObject o) =>
            $"{o.Type} '{(string.IsNullOrEmpty(o.Name) ? o.Id : o.Name)}'" + (o.WorkspaceId.HasValue ? " of workspace " + o.WorkspaceId.Value.ToString(CultureInfo.InvariantCulture) : "");

        // ---- planning ------------------------------------------------------------------------------------------

        private static readonly Dictionary<string, NetworkConfigurationKind> KindOf = new Dictionary<string, NetworkConfigurationKind>(StringComparer.Ordinal)
        {
            ["AccountIpAccessList"] = NetworkConfigurationKind.AccountIpAccessList,
            ["IpAccessList"] = NetworkConfigurationKind.IpAccessList,
            ["NetworkPolicy"] = NetworkConfigurationKind.NetworkPolicy,
            ["WorkspaceNetworkOption"] = NetworkConfigurationKind.WorkspaceNetworkOption,
            ["NetworkConnectivityConfig"] = NetworkConfigurationKind.NetworkConnectivityConfig,
            ["PrivateEndpointRule"] = NetworkConfigurationKind.PrivateEndpointRule,
            ["AccountIpAccessListFeature"] = NetworkConfigurationKind.AccountIpAccessList,
            ["IpAccessListFeature"] = NetworkConfigurationKind.IpAccessList,
        };

        private static bool IsFeature(string type) => type == "AccountIpAccessListFeature" || type == "IpAccessListFeature";
        private static bool IsList(string type) => type == "AccountIpAccessList" || type == "IpAccessList";

        /// <summary>
        /// The steps that take the live account (<paramref name="live"/>, a snapshot collected from it) to the desired
        /// snapshot, in execution order, and the IP access scopes as they will be afterwards.
        /// </summary>
        public static ImportPlan Build(ConfigurationSnapshotData desired, ConfigurationSnapshotData live, ImportOptions options)
        {
            var steps = new List<ImportStep>();
            var liveWorkspaces = live.Objects.Where(o => o.Type == "Workspace").ToDictionary(o => long.Parse(o.Id, CultureInfo.InvariantCulture), o => o.Name);
            var snapshotNames = new Dictionary<long, string?>();
            foreach (var o in desired.Objects.Where(o => o.Type == "Workspace")) snapshotNames[long.Parse(o.Id, CultureInfo.InvariantCulture)] = o.Name;
            foreach (var o in desired.Objects.Where(o => o.Type == "WorkspaceNetworkOption" && o.WorkspaceId.HasValue && o.Name != null))
                if (!snapshotNames.ContainsKey(o.WorkspaceId!.Value)) snapshotNames[o.WorkspaceId.Value] = o.Name;

            long? MapWorkspace(long id)
            {
                if (options.MatchWorkspaceBy == WorkspaceMatch.Id) return liveWorkspaces.ContainsKey(id) ? id : (long?)null;
                if (!snapshotNames.TryGetValue(id, out var name) || name == null) return null;
                var matches = liveWorkspaces.Where(kv => string.Equals(kv.Value, name, StringComparison.Ordinal)).Select(kv => kv.Key).ToList();
                return matches.Count == 1 ? matches[0] : (long?)null;
            }

            // Classic objects: never written.
            foreach (var o in desired.Objects.Where(o => Classic.Contains(o.Type)))
                steps.Add(new ImportStep { Kind = o.Type, Key = o.Id, Name = o.Name, Action = ImportStepAction.Skip, Detail = ClassicReason(o.Type), Phase = 0 });
            foreach (var o in desired.Objects.Where(o => !Classic.Contains(o.Type) && !KindOf.ContainsKey(o.Type)))
                steps.Add(new ImportStep { Kind = o.Type, Key = o.Id, Name = o.Name, Action = ImportStepAction.Skip, Detail = "Not an object type this module imports.", Phase = 0 });

            bool Included(string type) => KindOf.TryGetValue(type, out var k) && options.Include.Contains(k) && (!IsFeature(type) || options.IncludeFeatureSwitch);

            var wanted = new List<Portable>();
            foreach (var p in ToPortable(desired.Objects.ToList()))
            {
                if (!KindOf.TryGetValue(p.Type, out var kind) || !options.Include.Contains(kind)) continue;
                if (IsFeature(p.Type) && !options.IncludeFeatureSwitch)
                {
                    steps.Add(Step(p, ImportStepAction.Skip, "Feature switches are imported only with -IncludeFeatureSwitch."));
                    continue;
                }
                if (p.WorkspaceId.HasValue)
                {
                    var target = MapWorkspace(p.WorkspaceId.Value);
                    if (target == null)
                    {
                        snapshotNames.TryGetValue(p.WorkspaceId.Value, out var wsName);
                        steps.Add(Step(p, ImportStepAction.Skip, options.MatchWorkspaceBy == WorkspaceMatch.Id
                            ? $"Workspace {p.WorkspaceId} of the snapshot is not in the account (use -MatchWorkspaceBy Name to match workspaces by name)."
                            : $"No single workspace of the account is named '{wsName}' (workspace {p.WorkspaceId} of the snapshot)."));
                        continue;
                    }
                    if (p.Key == p.WorkspaceId.Value.ToString(CultureInfo.InvariantCulture)) p.Key = target.Value.ToString(CultureInfo.InvariantCulture);
                    p.WorkspaceId = target;
                }
                wanted.Add(p);
            }
            var targetWorkspaces = new HashSet<long>(wanted.Where(w => w.WorkspaceId.HasValue).Select(w => w.WorkspaceId!.Value));

            var liveByKey = ToPortable(live.Objects.ToList()).Where(p => Included(p.Type))
                .GroupBy(p => p.Full, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.OrderBy(x => x.Source.Id, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
            var claimed = new HashSet<Portable>();

            foreach (var w in wanted)
            {
                var unreadable = options.Unreadable.Contains(w.Type + "|" + (w.WorkspaceId?.ToString(CultureInfo.InvariantCulture) ?? ""));
                if (unreadable)
                {
                    steps.Add(Step(w, ImportStepAction.Fail, $"The live {w.Type} objects could not be read, so nothing of them was changed."));
                    continue;
                }
                liveByKey.TryGetValue(w.Full, out var candidates);
                var match = candidates?.FirstOrDefault(c => !claimed.Contains(c));
                if (match != null)
                {
                    claimed.Add(match);
                    var same = !ChangedProperties(match.Props, w.Props).Any();
                    var step = Step(w, same ? ImportStepAction.Unchanged : ImportStepAction.Update, null);
                    step.LiveId = match.Source.Id;
                    if (!same) step.Detail = "Changed: " + string.Join(", ", ChangedProperties(match.Props, w.Props));
                    steps.Add(step);
                }
                else
                {
                    // Singletons (switches, bindings, default-policy) always exist: they are updated, never created.
                    var singleton = IsFeature(w.Type) || w.Type == "WorkspaceNetworkOption" || (w.Type == "NetworkPolicy" && IsFixedPolicy(w.Key));
                    steps.Add(Step(w, singleton ? ImportStepAction.Update : ImportStepAction.Create, null));
                }
            }

            if (options.RemoveExtra)
            {
                foreach (var l in liveByKey.Values.SelectMany(x => x).Where(x => !claimed.Contains(x)))
                {
                    if (IsFeature(l.Type) || l.Type == "WorkspaceNetworkOption") continue;
                    if (l.Type == "NetworkPolicy" && IsFixedPolicy(l.Key)) continue;
                    if (l.WorkspaceId.HasValue && !targetWorkspaces.Contains(l.WorkspaceId.Value)) continue;
                    if (options.Unreadable.Contains(l.Type + "|" + (l.WorkspaceId?.ToString(CultureInfo.InvariantCulture) ?? ""))) continue;
                    var step = Step(l, ImportStepAction.Remove, "Not in the snapshot (-RemoveExtra).");
                    step.LiveId = l.Source.Id;
                    step.Desired = null;
                    steps.Add(step);
                }
            }

            MarkIngressChanges(steps, live);
            foreach (var s in steps) Order(s);
            var scopes = Scopes(steps, live, options);
            var ordered = steps.OrderBy(s => s.Phase).ThenBy(s => s.IpScope == null ? 0 : s.WorkspaceId ?? 0).ThenBy(s => s.SubPhase)
                .ThenBy(s => s.WorkspaceId ?? 0).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
            return new ImportPlan(ordered, scopes);
        }

        private static void MarkIngressChanges(List<ImportStep> steps, ConfigurationSnapshotData live)
        {
            var livePolicies = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var o in live.Objects.Where(o => o.Type == "NetworkPolicy")) livePolicies[o.Id] = o.Properties["ingress"];
            var after = new Dictionary<string, JsonNode?>(livePolicies, StringComparer.Ordinal);
            var writes = steps.Where(s => s.Action == ImportStepAction.Create || s.Action == ImportStepAction.Update).ToList();
            foreach (var s in writes.Where(s => s.Kind == "NetworkPolicy")) after[s.Key] = s.Desired?["ingress"];
            JsonNode? Ingress(Dictionary<string, JsonNode?> d, string id) => d.TryGetValue(id, out var n) ? n : null;
            bool Same(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(ConfigurationSnapshot.Canonical(a), ConfigurationSnapshot.Canonical(b));
            foreach (var s in writes)
            {
                if (s.Kind == "NetworkPolicy" && s.Action == ImportStepAction.Update)
                    s.ChangesIngress = !Same(Ingress(livePolicies, s.Key), s.Desired?["ingress"]);
                else if (s.Kind == "WorkspaceNetworkOption" && s.WorkspaceId.HasValue)
                {
                    var from = live.Objects.FirstOrDefault(o => o.Type == "WorkspaceNetworkOption" && o.WorkspaceId == s.WorkspaceId) is SnapshotObject b
                        ? Str(b.Properties, "network_policy_id") ?? Names.DefaultPolicyId : Names.DefaultPolicyId;
                    var to = Str(s.Desired!, "network_policy_id") ?? Names.DefaultPolicyId;
                    s.ChangesIngress = from != to && !Same(Ingress(livePolicies, from), Ingress(after, to));
                }
            }
        }

        /// <summary>default-policy and account-policy exist in every account and cannot be created or deleted.</summary>
        private static bool IsFixedPolicy(string id) => id == Names.DefaultPolicyId || id == IngressWire.AccountPolicyId;

        private static ImportStep Step(Portable p, ImportStepAction action, string? detail) => new ImportStep
        {
            Kind = p.Type, Key = p.Key, Name = p.Name, WorkspaceId = p.WorkspaceId, Action = action, Detail = detail,
            Desired = (JsonObject)p.Props.DeepClone(), NccKey = p.NccKey,
            IpScope = IsList(p.Type) || IsFeature(p.Type) ? (p.WorkspaceId?.ToString(CultureInfo.InvariantCulture) ?? AccountScope) : null,
        };

        /// <summary>Dependencies first (NCCs before their rules, policies before bindings), removals last; within an IP
        /// access scope: switch off, lists, switch on.</summary>
        private static void Order(ImportStep s)
        {
            if (s.Action == ImportStepAction.Skip && s.Phase == 0 && Classic.Contains(s.Kind)) return;
            var remove = s.Action == ImportStepAction.Remove;
            switch (s.Kind)
            {
                case "NetworkConnectivityConfig": s.Phase = remove ? 80 : 10; break;
                case "PrivateEndpointRule": s.Phase = remove ? 60 : 20; break;
                case "NetworkPolicy": s.Phase = remove ? 70 : 30; break;
                case "WorkspaceNetworkOption": s.Phase = 40; break;
                case "AccountIpAccessListFeature":
                case "IpAccessListFeature":
                    s.Phase = 50;
                    s.SubPhase = s.Action == ImportStepAction.Update && Bool(s.Desired?["enabled"]) == false ? 0 : 4;
                    break;
                case "AccountIpAccessList":
                case "IpAccessList":
                    s.Phase = 50;
                    s.SubPhase = s.Action == ImportStepAction.Update ? 1 : s.Action == ImportStepAction.Remove ? 3 : 2;
                    break;
            }
        }

        private static List<IpAccessScopePlan> Scopes(List<ImportStep> steps, ConfigurationSnapshotData live, ImportOptions options)
        {
            var result = new List<IpAccessScopePlan>();
            foreach (var g in steps.Where(s => s.IpScope != null && s.Action != ImportStepAction.Skip && s.Action != ImportStepAction.Fail).GroupBy(s => s.IpScope!))
            {
                var account = g.Key == AccountScope;
                long? wid = account ? (long?)null : long.Parse(g.Key, CultureInfo.InvariantCulture);
                var listType = account ? "AccountIpAccessList" : "IpAccessList";
                var featureType = account ? "AccountIpAccessListFeature" : "IpAccessListFeature";
                var liveLists = live.Objects.Where(o => o.Type == listType && o.WorkspaceId == wid).ToList();
                var resulting = new List<IpAccessList>();
                var replaced = new HashSet<string>(g.Where(s => s.LiveId != null && IsList(s.Kind)).Select(s => s.LiveId!), StringComparer.Ordinal);
                foreach (var l in liveLists.Where(l => !replaced.Contains(l.Id))) resulting.Add(ToList(l.Id, l.Properties, wid));
                foreach (var s in g.Where(s => IsList(s.Kind) && s.Action != ImportStepAction.Remove)) resulting.Add(ToList(s.LiveId, s.Desired!, wid));

                var featureStep = g.FirstOrDefault(s => s.Kind == featureType);
                bool on;
                if (featureStep != null) on = Bool(featureStep.Desired?["enabled"]) ?? account;
                else
                {
                    var liveFeature = live.Objects.FirstOrDefault(o => o.Type == featureType && o.WorkspaceId == wid);
                    if (options.Unreadable.Contains(featureType + "|" + (wid?.ToString(CultureInfo.InvariantCulture) ?? "")) || liveFeature == null) on = true;   // unknown: assume enforced
                    else on = account ? Bool(liveFeature.Properties["enabled"]) ?? true : Bool(liveFeature.Properties["enableIpAccessLists"]) ?? false;
                }
                var writes = g.Any(s => s.Action == ImportStepAction.Create || s.Action == ImportStepAction.Update || s.Action == ImportStepAction.Remove);
                result.Add(new IpAccessScopePlan
                {
                    Scope = g.Key, WorkspaceId = wid, FeatureOnAfter = on, HasWrites = writes, Resulting = resulting,
                    Current = liveLists.Select(l => ToList(l.Id, l.Properties, wid)).ToList(),
                    Enabling = featureStep != null && featureStep.Action == ImportStepAction.Update && on,
                });
            }
            return result;
        }

        private static IpAccessList ToList(string? id, JsonObject p, long? wid) => new IpAccessList
        {
            ListId = id, Label = Str(p, "label"), ListType = Str(p, "list_type"), Enabled = Bool(p["enabled"]) ?? true,
            IpAddresses = StrList(p, "ip_addresses").ToDbxList(), WorkspaceId = wid,
        };

        /// <summary>Properties that differ; <c>ip_addresses</c> compare as blocks (<c>1.2.3.4</c> = <c>1.2.3.4/32</c>, order and spelling aside).</summary>
        private static IEnumerable<string> ChangedProperties(JsonObject from, JsonObject to) =>
            from.Select(kv => kv.Key).Union(to.Select(kv => kv.Key))
                .Where(k => !JsonNode.DeepEquals(from[k], to[k]) && !(k == "ip_addresses" && Cidr.SameValues(StrList(from, k), StrList(to, k))))
                .OrderBy(k => k, StringComparer.Ordinal);

        private static string ClassicReason(string type)
        {
            switch (type)
            {
                case "Network": return "A network configuration names the VPC, subnets and security groups of one AWS account; create it with New-DbxNetwork.";
                case "VpcEndpoint": return "A VPC endpoint registration names a VPC endpoint of one AWS account; register it with New-DbxVpcEndpoint.";
                case "PrivateAccessSettings": return "Private access settings name the account's own VPC endpoint registration ids; create them with New-DbxPrivateAccessSettings.";
                default: return "A workspace's network bindings (network configuration, private access settings, NCC) reference account-specific ids; set them with Set-DbxWorkspaceNetwork.";
            }
        }

        // ---- JSON helpers --------------------------------------------------------------------------------------

        private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

        private static List<string> StrList(JsonObject o, string key) =>
            o[key] is JsonArray a ? a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : x?.ToJsonString() ?? "null").ToList() : new List<string>();

        /// <summary>true/false, or the strings "true"/"false"; null otherwise.</summary>
        private static bool? Bool(JsonNode? n)
        {
            if (!(n is JsonValue v)) return null;
            if (v.TryGetValue<bool>(out var b)) return b;
            if (v.TryGetValue<string>(out var s))
            {
                if (string.Equals(s, "true", StringComparison.OrdinalIgnoreCase)) return true;
                if (string.Equals(s, "false", StringComparison.OrdinalIgnoreCase)) return false;
            }
            return null;
        }
    }
}
