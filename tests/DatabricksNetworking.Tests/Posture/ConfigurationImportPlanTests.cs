using System.Text.Json.Nodes;
using DatabricksNetworking.Posture;

namespace DatabricksNetworking.Tests.Posture;

/// <summary>The pure planning of Import-DbxNetworkConfiguration: validation, the portable view, and the diff against the live state.</summary>
public sealed class ConfigurationImportPlanTests
{
    private static SnapshotObject Obj(string type, string id, long? wid, string? name, string json) =>
        new(type, id, wid, name, (JsonObject)JsonNode.Parse(json)!);

    private static SnapshotObject Ws(long id, string name) => Obj("Workspace", id.ToString(), null, name, $"{{\"workspace_id\":{id},\"workspace_name\":\"{name}\"}}");

    private static SnapshotObject AcctList(string id, string label, string type, params string[] ips) =>
        Obj("AccountIpAccessList", id, null, label, new JsonObject
        {
            ["list_id"] = id, ["label"] = label, ["list_type"] = type, ["enabled"] = true, ["created_at"] = 1,
            ["ip_addresses"] = new JsonArray(ips.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()),
        }.ToJsonString());

    private static SnapshotObject WsList(string id, long wid, string label, params string[] ips) =>
        Obj("IpAccessList", id, wid, label, new JsonObject
        {
            ["list_id"] = id, ["label"] = label, ["list_type"] = "ALLOW", ["enabled"] = true,
            ["ip_addresses"] = new JsonArray(ips.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()),
        }.ToJsonString());

    private static SnapshotObject Policy(string id, string mode = "FULL_ACCESS", string account = "acc-a") =>
        Obj("NetworkPolicy", id, null, id, $"{{\"account_id\":\"{account}\",\"network_policy_id\":\"{id}\",\"egress\":{{\"network_access\":{{\"restriction_mode\":\"{mode}\"}}}}}}");

    private static SnapshotObject Binding(long wid, string name, string policy) =>
        Obj("WorkspaceNetworkOption", wid.ToString(), wid, name, $"{{\"network_policy_id\":\"{policy}\"}}");

    private static SnapshotObject Ncc(string id, string name, string region = "us-east-1") =>
        Obj("NetworkConnectivityConfig", id, null, name, $"{{\"network_connectivity_config_id\":\"{id}\",\"name\":\"{name}\",\"region\":\"{region}\",\"creation_time\":5}}");

    private static SnapshotObject S3Rule(string id, string nccId, params string[] buckets) =>
        Obj("PrivateEndpointRule", id, null, "com.amazonaws.us-east-1.s3", new JsonObject
        {
            ["rule_id"] = id, ["network_connectivity_config_id"] = nccId, ["endpoint_service"] = "com.amazonaws.us-east-1.s3",
            ["resource_names"] = new JsonArray(buckets.Select(b => (JsonNode)JsonValue.Create(b)!).ToArray()), ["enabled"] = true,
            ["connection_state"] = "ESTABLISHED", ["deactivated"] = false,
        }.ToJsonString());

    private static ConfigurationSnapshotData Snap(params SnapshotObject[] objects) => new("acc", null, new List<string>(), objects.ToList(), "test");

    private static ImportPlan Plan(ConfigurationSnapshotData desired, ConfigurationSnapshotData live, Action<ImportOptions>? configure = null)
    {
        var options = new ImportOptions();
        configure?.Invoke(options);
        return ConfigurationImportPlan.Build(desired, live, options);
    }

    private static ImportStep Step(ImportPlan plan, string kind, string key) => plan.Steps.Single(s => s.Kind == kind && s.Key == key);

    [Fact]
    public void Identical_configuration_in_another_account_is_unchanged_although_ids_timestamps_and_account_differ()
    {
        var desired = Snap(Ws(1, "prod"), AcctList("a1", "corp", "ALLOW", "10.0.0.0/8", "127.0.0.1"), Policy("strict", "RESTRICTED_ACCESS", "acc-a"),
            Binding(1, "prod", "strict"), Ncc("n-a", "ncc1"), S3Rule("r-a", "n-a", "bucket-one"), WsList("w-a", 1, "office", "192.0.2.0/24"));
        var live = Snap(Ws(1, "prod"), AcctList("a2", "corp", "ALLOW", "127.0.0.1", "10.0.0.0/8"), Policy("strict", "RESTRICTED_ACCESS", "acc-b"),
            Binding(1, "prod", "strict"), Ncc("n-b", "ncc1"), S3Rule("r-b", "n-b", "bucket-one"), WsList("w-b", 1, "office", "192.0.2.0/24"));

        var plan = Plan(desired, live);

        Assert.All(plan.Steps.Where(s => s.Kind != "Workspace"), s => Assert.Equal(ImportStepAction.Unchanged, s.Action));
        Assert.Equal("a2", Step(plan, "AccountIpAccessList", "corp").LiveId);
        Assert.Equal("n-b", Step(plan, "NetworkConnectivityConfig", "ncc1@us-east-1").LiveId);
        Assert.Equal(ImportStepAction.Skip, plan.Steps.Single(s => s.Kind == "Workspace").Action);
        Assert.Empty(ConfigurationSnapshot.Compare(ConfigurationImportPlan.PortableView(desired.Objects), ConfigurationImportPlan.PortableView(live.Objects)));
    }

    [Fact]
    public void Missing_objects_are_created_changed_ones_updated_with_the_changed_properties_named()
    {
        var desired = Snap(Ws(1, "prod"), AcctList("a1", "corp", "ALLOW", "10.0.0.0/8"), Policy("strict", "RESTRICTED_ACCESS"), Binding(1, "prod", "strict"),
            Ncc("n-a", "ncc1"), S3Rule("r-a", "n-a", "bucket-one"));
        var live = Snap(Ws(1, "prod"), AcctList("a2", "corp", "ALLOW", "10.0.0.0/16"), Binding(1, "prod", "default-policy"));

        var plan = Plan(desired, live);

        var list = Step(plan, "AccountIpAccessList", "corp");
        Assert.Equal(ImportStepAction.Update, list.Action);
        Assert.Equal("a2", list.LiveId);
        Assert.Equal("Changed: ip_addresses", list.Detail);
        Assert.Equal(ImportStepAction.Create, Step(plan, "NetworkPolicy", "strict").Action);
        Assert.Equal(ImportStepAction.Update, Step(plan, "WorkspaceNetworkOption", "1").Action);
        Assert.Equal(ImportStepAction.Create, Step(plan, "NetworkConnectivityConfig", "ncc1@us-east-1").Action);
        var rule = plan.Steps.Single(s => s.Kind == "PrivateEndpointRule");
        Assert.Equal(ImportStepAction.Create, rule.Action);
        Assert.Equal("ncc1@us-east-1", rule.NccKey);
    }

    [Fact]
    public void Steps_run_dependencies_first_and_removals_last()
    {
        var desired = Snap(Ws(1, "prod"), Policy("strict"), Binding(1, "prod", "strict"), Ncc("n-a", "ncc1"), S3Rule("r-a", "n-a", "bucket-one"));
        var live = Snap(Ws(1, "prod"), Policy("old"), Binding(1, "prod", "old"), Ncc("n-x", "gone"), S3Rule("r-x", "n-x", "bucket-two"));

        var kinds = Plan(desired, live, o => o.RemoveExtra = true).Steps.Where(s => s.Kind != "Workspace").Select(s => s.Action + " " + s.Kind).ToList();

        Assert.Equal(new[]
        {
            "Create NetworkConnectivityConfig", "Create PrivateEndpointRule", "Create NetworkPolicy", "Update WorkspaceNetworkOption",
            "Remove PrivateEndpointRule", "Remove NetworkPolicy", "Remove NetworkConnectivityConfig",
        }, kinds);
    }

    [Fact]
    public void RemoveExtra_never_removes_default_policy_and_without_it_nothing_is_removed()
    {
        var desired = Snap(Policy("strict"));
        var live = Snap(Policy("default-policy"), Policy("strict"), Policy("extra"));

        Assert.DoesNotContain(Plan(desired, live).Steps, s => s.Action == ImportStepAction.Remove);
        var removals = Plan(desired, live, o => o.RemoveExtra = true).Steps.Where(s => s.Action == ImportStepAction.Remove).ToList();
        Assert.Equal("extra", Assert.Single(removals).Key);
    }

    [Fact]
    public void Default_policy_is_updated_never_created()
    {
        var plan = Plan(Snap(Policy("default-policy", "RESTRICTED_ACCESS")), Snap());
        Assert.Equal(ImportStepAction.Update, Step(plan, "NetworkPolicy", "default-policy").Action);
    }

    [Fact]
    public void Only_included_kinds_are_planned_and_classic_objects_are_skipped_with_a_reason()
    {
        var desired = Snap(Ws(1, "prod"), Obj("Network", "net-1", null, "n", "{}"), AcctList("a1", "corp", "ALLOW", "10.0.0.0/8"), Policy("strict"));
        var plan = Plan(desired, Snap(Ws(1, "prod")), o => o.Include = new HashSet<NetworkConfigurationKind> { NetworkConfigurationKind.NetworkPolicy });

        Assert.DoesNotContain(plan.Steps, s => s.Kind == "AccountIpAccessList");
        Assert.Equal(ImportStepAction.Create, Step(plan, "NetworkPolicy", "strict").Action);
        var network = Step(plan, "Network", "net-1");
        Assert.Equal(ImportStepAction.Skip, network.Action);
        Assert.Contains("AWS account", network.Detail);
    }

    [Fact]
    public void Feature_switches_are_skipped_without_the_switch_and_planned_with_it()
    {
        var feature = Obj("IpAccessListFeature", "enableIpAccessLists", 1, "enableIpAccessLists", "{\"enableIpAccessLists\":\"true\"}");
        var liveFeature = Obj("IpAccessListFeature", "enableIpAccessLists", 1, "enableIpAccessLists", "{\"enableIpAccessLists\":null}");
        var desired = Snap(Ws(1, "prod"), feature, WsList("w1", 1, "office", "192.0.2.0/24"));
        var live = Snap(Ws(1, "prod"), liveFeature, WsList("w2", 1, "office", "192.0.2.0/24"));

        Assert.Equal(ImportStepAction.Skip, Step(Plan(desired, live), "IpAccessListFeature", "1").Action);

        var plan = Plan(desired, live, o => o.IncludeFeatureSwitch = true);
        Assert.Equal(ImportStepAction.Update, Step(plan, "IpAccessListFeature", "1").Action);
        var scope = Assert.Single(plan.Scopes);
        Assert.True(scope.FeatureOnAfter);
        Assert.True(scope.Enabling);
        Assert.True(scope.HasWrites);
        Assert.Equal("office", Assert.Single(scope.Resulting).Label);
    }

    [Fact]
    public void The_lockout_scope_holds_the_lists_as_they_will_be()
    {
        var desired = Snap(AcctList("a1", "corp", "ALLOW", "203.0.113.0/24"), AcctList("a3", "new", "BLOCK", "198.51.100.0/24"));
        var live = Snap(AcctList("a2", "corp", "ALLOW", "127.0.0.1"), AcctList("a4", "extra", "ALLOW", "0.0.0.0/0"),
            Obj("AccountIpAccessListFeature", "acct_ip_acl_enable", null, "acct_ip_acl_enable", "{\"enabled\":true}"));

        var kept = Assert.Single(Plan(desired, live).Scopes);
        Assert.Equal(new[] { "corp", "extra", "new" }, kept.Resulting.Select(l => l.Label).OrderBy(l => l));
        Assert.True(kept.FeatureOnAfter);
        Assert.False(kept.Enabling);
        var removed = Assert.Single(Plan(desired, live, o => o.RemoveExtra = true).Scopes);
        Assert.Equal(new[] { "corp", "new" }, removed.Resulting.Select(l => l.Label).OrderBy(l => l));
        Assert.Equal(new[] { "203.0.113.0/24" }, removed.Resulting.Single(l => l.Label == "corp").IpAddresses);
    }

    [Fact]
    public void Workspaces_match_by_id_or_by_name()
    {
        var desired = Snap(Ws(1, "prod"), Binding(1, "prod", "default-policy"), WsList("w1", 1, "office", "192.0.2.0/24"));
        var live = Snap(Ws(9, "prod"), Binding(9, "prod", "default-policy"));

        var byId = Plan(desired, live);
        Assert.All(byId.Steps.Where(s => s.Kind != "Workspace"), s => Assert.Equal(ImportStepAction.Skip, s.Action));
        Assert.Contains("-MatchWorkspaceBy Name", byId.Steps.First(s => s.Kind == "IpAccessList").Detail);

        var byName = Plan(desired, live, o => o.MatchWorkspaceBy = WorkspaceMatch.Name);
        var list = byName.Steps.Single(s => s.Kind == "IpAccessList");
        Assert.Equal(ImportStepAction.Create, list.Action);
        Assert.Equal(9, list.WorkspaceId);
        Assert.Equal(ImportStepAction.Unchanged, byName.Steps.Single(s => s.Kind == "WorkspaceNetworkOption").Action);
    }

    [Fact]
    public void What_could_not_be_read_live_is_neither_written_nor_removed()
    {
        var desired = Snap(AcctList("a1", "corp", "ALLOW", "10.0.0.0/8"));
        var plan = Plan(desired, Snap(), o => { o.RemoveExtra = true; o.Unreadable.Add("AccountIpAccessList|"); });
        var step = Assert.Single(plan.Steps);
        Assert.Equal(ImportStepAction.Fail, step.Action);
        Assert.Empty(plan.Scopes);
    }

    [Fact]
    public void Deactivated_rules_are_not_imported_and_not_matched()
    {
        var rule = S3Rule("r-a", "n-a", "bucket-one");
        rule.Properties["deactivated"] = true;
        Assert.DoesNotContain(ConfigurationImportPlan.PortableView(new[] { Ncc("n-a", "ncc1"), rule }), o => o.Type == "PrivateEndpointRule");
    }

    [Fact]
    public void A_valid_snapshot_has_no_problems()
    {
        var snap = Snap(Ws(1, "prod"), AcctList("a1", "corp", "ALLOW", "10.0.0.0/8"), Policy("strict"), Binding(1, "prod", "strict"), Ncc("n-a", "ncc1"), S3Rule("r-a", "n-a", "bucket-one"),
            Obj("PrivateEndpointRule", "r-b", null, "svc", "{\"network_connectivity_config_id\":\"n-a\",\"endpoint_service\":\"com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0\",\"domain_names\":[\"db.example.com\"]}"));
        Assert.Empty(ConfigurationImportPlan.Validate(snap));
    }

    [Theory]
    [InlineData("AccountIpAccessList", "{\"label\":\"corp\",\"list_type\":\"ALLOW\",\"ip_addresses\":[\"10.0.0.300/8\"]}", "AccountIpAccessList 'x'", "10.0.0.300/8")]
    [InlineData("AccountIpAccessList", "{\"label\":\"corp\",\"list_type\":\"MAYBE\",\"ip_addresses\":[]}", "AccountIpAccessList 'x'", "list_type")]
    [InlineData("AccountIpAccessList", "{\"label\":\" \",\"list_type\":\"ALLOW\",\"ip_addresses\":[]}", "AccountIpAccessList 'x'", "label")]
    [InlineData("NetworkPolicy", "{\"egress\":{\"network_access\":{\"restriction_mode\":\"OPEN\"}}}", "NetworkPolicy 'x'", "restriction_mode")]
    [InlineData("NetworkPolicy", "{\"egress\":{\"network_access\":{\"restriction_mode\":\"RESTRICTED_ACCESS\",\"allowed_internet_destinations\":[{\"destination\":\"not a domain\"}]}}}", "NetworkPolicy 'x'", "not a domain")]
    [InlineData("NetworkConnectivityConfig", "{\"name\":\"a\",\"region\":\"us-east-1\"}", "NetworkConnectivityConfig 'x'", "'a' is not a valid")]
    [InlineData("NetworkConnectivityConfig", "{\"name\":\"good-name\",\"region\":\"mars-1\"}", "NetworkConnectivityConfig 'x'", "mars-1")]
    [InlineData("AccountIpAccessListFeature", "{\"enabled\":\"perhaps\"}", "AccountIpAccessListFeature 'x'", "enabled")]
    public void A_bad_object_is_named_in_the_problem(string type, string json, string names, string mentions)
    {
        var problems = ConfigurationImportPlan.Validate(Snap(Obj(type, "x", null, "x", json)));
        var problem = Assert.Single(problems);
        Assert.StartsWith(names, problem);
        Assert.Contains(mentions, problem);
    }

    [Fact]
    public void Rules_are_checked_against_their_ncc()
    {
        var tooMany = new JsonObject
        {
            ["network_connectivity_config_id"] = "n-a", ["endpoint_service"] = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
            ["domain_names"] = new JsonArray(Enumerable.Range(1, 11).Select(i => (JsonNode)JsonValue.Create($"h{i}.example.com")!).ToArray()),
        };
        var otherRegion = Obj("PrivateEndpointRule", "r2", null, "s", "{\"network_connectivity_config_id\":\"n-a\",\"endpoint_service\":\"com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0\",\"domain_names\":[\"a.example.com\"]}");
        var orphan = Obj("PrivateEndpointRule", "r3", null, "s", "{\"network_connectivity_config_id\":\"nope\",\"endpoint_service\":\"com.amazonaws.us-east-1.s3\",\"resource_names\":[\"bucket-one\"]}");
        var problems = ConfigurationImportPlan.Validate(Snap(Ncc("n-a", "ncc1"), Obj("PrivateEndpointRule", "r1", null, "s", tooMany.ToJsonString()), otherRegion, orphan));
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("at most 10"));
        Assert.Contains(problems, p => p.Contains("eu-west-1"));
        Assert.Contains(problems, p => p.Contains("'nope' is not in the snapshot"));
    }

    [Fact]
    public void Per_scope_limits_and_unique_labels_are_checked()
    {
        var many = Enumerable.Range(0, 1001).Select(i => $"10.{i / 256}.{i % 256}.1").ToArray();
        var problems = ConfigurationImportPlan.Validate(Snap(AcctList("a1", "big", "ALLOW", many)));
        Assert.Contains("1001", Assert.Single(problems));

        var dup = ConfigurationImportPlan.Validate(Snap(WsList("w1", 1, "office", "10.0.0.1"), WsList("w2", 1, "office", "10.0.0.2"), WsList("w3", 2, "office", "10.0.0.3")));
        Assert.Contains("workspace 1", Assert.Single(dup));
    }

    [Fact]
    public void A_binding_must_name_a_policy_of_the_snapshot()
    {
        var problem = Assert.Single(ConfigurationImportPlan.Validate(Snap(Binding(1, "prod", "missing"))));
        Assert.Contains("'missing'", problem);
        Assert.Empty(ConfigurationImportPlan.Validate(Snap(Binding(1, "prod", "default-policy"))));
    }
}
