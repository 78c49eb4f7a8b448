using System.Collections;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Cmdlets;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;

namespace DatabricksNetworking.Tests.Posture;

/// <summary>The pure parts of the posture engine: facts from what was read, controls, baselines, snapshots and the report.</summary>
public sealed class PostureRulesTests
{
    private static Fetched<T> Ok<T>(T? value) where T : class => Fetched<T>.Of(value);
    private static Fetched<T> Fail<T>(string what, int status = 403) where T : class =>
        Fetched<T>.Failed(what, new DbxApiException(status, status == 403 ? "PERMISSION_DENIED" : "INTERNAL_ERROR", "denied", "rid-1", "GET", "/x"));

    private static AccountData Account(List<Network>? networks = null, List<VpcEndpoint>? endpoints = null, List<PrivateAccessSettings>? pas = null,
        List<NetworkPolicy>? policies = null, List<IpAccessList>? accountLists = null, AccountIpAclEnableSetting? feature = null,
        Fetched<List<Network>>? failedNetworks = null) =>
        new AccountData("acc", failedNetworks ?? Ok(networks ?? new List<Network>()), Ok(endpoints ?? new List<VpcEndpoint>()), Ok(pas ?? new List<PrivateAccessSettings>()),
            Ok(new List<NetworkConnectivityConfig>()), new Dictionary<string, Fetched<List<PrivateEndpointRule>>>(), Ok(policies ?? new List<NetworkPolicy>()),
            Ok(accountLists ?? new List<IpAccessList>()), Ok(feature));

    private static WorkspaceData Data(Workspace w, List<IpAccessList>? lists = null, string? enable = null, string? policy = null) =>
        new WorkspaceData(w, Ok(lists ?? new List<IpAccessList>()), Ok(new Dictionary<string, string?> { ["enableIpAccessLists"] = enable }),
            Ok(new WorkspaceNetworkOption { WorkspaceId = w.WorkspaceId, NetworkPolicyId = policy }));

    private static VpcEndpoint Endpoint(string id, string useCase, string region = "us-east-1", string state = "available") =>
        new VpcEndpoint { VpcEndpointId = id, VpcEndpointName = id, UseCase = useCase, Region = region, State = state };

    private static IpAccessList List(string type, bool enabled, params string[] addresses) =>
        new IpAccessList { ListId = type + addresses.Length, Label = type.ToLowerInvariant(), ListType = type, Enabled = enabled, IpAddresses = addresses.ToDbxList() };

    // ---- facts -------------------------------------------------------------------------------------------------

    [Fact]
    public void Posture_front_end_privatelink_needs_an_admitted_available_rest_endpoint_of_the_region_other_than_the_back_end_ones()
    {
        var w = new Workspace { WorkspaceId = 1, Region = "us-east-1", NetworkId = "n", PrivateAccessSettingsId = "p" };
        var net = new Network { NetworkId = "n", VpcStatus = "VALID", VpcEndpoints = new NetworkVpcEndpoints { RestApi = new() { "rest" }, DataplaneRelay = new() { "relay" } } };
        var endpoints = new List<VpcEndpoint>
        {
            Endpoint("rest", "GENERAL_ACCESS"), Endpoint("relay", "DATAPLANE_RELAY_ACCESS"), Endpoint("front", "WORKSPACE_ACCESS"),
            Endpoint("front-eu", "GENERAL_ACCESS", "eu-west-1"), Endpoint("front-pending", "GENERAL_ACCESS", state: "pending"),
        };
        PrivateAccessSettings Pas(string level, params string[] allowed) => new() { PrivateAccessSettingsId = "p", PrivateAccessLevel = level, PublicAccessEnabled = false, AllowedVpcEndpointIds = allowed.ToDbxList() };

        var account = PostureBuilder.Build(Data(w), Account(new() { net }, endpoints, new() { Pas("ACCOUNT") }), 8, default);
        Assert.True(account.BackEndPrivateLink);
        Assert.Equal(new[] { "front" }, account.FrontEndVpcEndpointIds);
        Assert.True(account.FrontEndPrivateLink);
        Assert.False(account.PublicAccessEnabled);

        var endpointLevel = PostureBuilder.Build(Data(w), Account(new() { net }, endpoints, new() { Pas("ENDPOINT", "rest", "front-eu") }), 8, default);
        Assert.False(endpointLevel.FrontEndPrivateLink);
        Assert.Empty(endpointLevel.FrontEndVpcEndpointIds);
    }

    [Fact]
    public void Posture_without_private_access_settings_is_public_and_without_a_network_has_no_back_end_privatelink()
    {
        var p = PostureBuilder.Build(Data(new Workspace { WorkspaceId = 2 }), Account(), 8, default);
        Assert.True(p.Complete);
        Assert.True(p.PublicAccessEnabled);
        Assert.False(p.FrontEndPrivateLink);
        Assert.False(p.BackEndPrivateLink);
        Assert.False(p.CustomerManagedVpc);
        Assert.Equal("default-policy", p.NetworkPolicyId);
        Assert.Equal("FULL_ACCESS", p.EgressRestrictionMode);
        Assert.True(p.AccountIpAccessListsEnabled);
    }

    [Theory]
    [InlineData(8, new[] { "0.0.0.0/0 (allow)", "64.0.0.0/2 (allow)" })]
    [InlineData(16, new[] { "0.0.0.0/0 (allow)", "64.0.0.0/2 (allow)", "10.0.0.0/8 (allow)" })]
    [InlineData(0, new string[0])]
    public void Posture_reports_enabled_allow_entries_wider_than_the_prefix(int maxPrefix, string[] expected)
    {
        var lists = new List<IpAccessList>
        {
            List("ALLOW", true, "0.0.0.0/0", "64.0.0.0/2", "10.0.0.0/8", "10.1.0.0/16", "203.0.113.7", "not-an-ip"),
            List("ALLOW", false, "0.0.0.0/0"),
            List("BLOCK", true, "0.0.0.0/1"),
        };
        var p = PostureBuilder.Build(Data(new Workspace { WorkspaceId = 3 }, lists, "true"), Account(), maxPrefix, default);
        Assert.Equal(expected, p.WideAllowEntries);
        Assert.Equal(1, p.AllowListCount);
        Assert.Equal(1, p.BlockListCount);
        Assert.True(p.IpAccessListsEnabled);
    }

    [Fact]
    public void Posture_with_an_unreadable_account_list_leaves_the_facts_unknown_and_says_why()
    {
        var w = new Workspace { WorkspaceId = 4, NetworkId = "n" };
        var p = PostureBuilder.Build(Data(w), Account(failedNetworks: Fail<List<Network>>("the account's network configurations")), 8, default);
        Assert.False(p.Complete);
        Assert.Null(p.BackEndPrivateLink);
        Assert.Null(p.VpcStatus);
        Assert.StartsWith("the account's network configurations: ", Assert.Single(p.IncompleteReasons));
        Assert.Equal(ComplianceControls.Unknown, ComplianceControls.Evaluate(p, ComplianceBaseline.Default()).Single(r => r.Control == "RequireBackEndPrivateLink").Outcome);
    }

    [Fact]
    public void Posture_names_a_bound_policy_missing_from_the_list_as_incomplete_but_knows_the_reserved_default()
    {
        var policies = new List<NetworkPolicy>();
        var missing = PostureBuilder.Build(Data(new Workspace { WorkspaceId = 5 }, policy: "gone"), Account(policies: policies), 8, default);
        Assert.Null(missing.EgressRestrictionMode);
        Assert.Contains("network policy gone of the workspace is not in the account's list", missing.IncompleteReasons);
        var dryRun = new NetworkPolicy { NetworkPolicyId = "dr", Egress = new NetworkPolicyEgress { NetworkAccess = new NetworkAccessPolicy { RestrictionMode = "RESTRICTED_ACCESS", PolicyEnforcement = new PolicyEnforcement { EnforcementMode = "DRY_RUN" } } } };
        var p = PostureBuilder.Build(Data(new Workspace { WorkspaceId = 5 }, policy: "dr"), Account(policies: new() { dryRun }), 8, default);
        Assert.Equal("DRY_RUN", p.PolicyEnforcementMode);
        var r = ComplianceControls.Evaluate(p, ComplianceBaseline.Default()).ToList();
        Assert.Equal(ComplianceControls.Passed, r.Single(x => x.Control == "RequireRestrictedEgress").Outcome);
        Assert.Equal(ComplianceControls.Failed, r.Single(x => x.Control == "RequireEnforcedPolicy").Outcome);
    }

    // ---- baselines --------------------------------------------------------------------------------------------

    private static string Temp(string name, string text)
    {
        var dir = Path.Combine(Path.GetTempPath(), "posture-xunit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    // PowerShell data files (.psd1) need the PowerShell parser, which the reference assembly the tests build against does
    // not implement: tests/pester/Posture/Compliance.Tests.ps1 covers them, with their line numbers.
    [Fact]
    public void Posture_baseline_reads_a_json_file_with_scopes()
    {
        var path = Temp("b.json", "{\n  \"Name\": \"x\",\n  \"Scope\": { \"ExcludeWorkspaceName\": \"tmp-*\" },\n  \"Controls\": {\n    \"denypublicaccess\": \"high\",\n    \"RequireNcc\": { \"Severity\": \"Low\", \"WorkspaceName\": [\"prod-*\", \"stg-*\"], \"Tag\": { \"env\": [\"prod\", \"stg\"] } }\n  }\n}\n");
        var b = ComplianceBaseline.FromFile(path);
        Assert.Equal("x", b.Name);
        Assert.Equal(new[] { "DenyPublicAccess", "RequireNcc" }, b.Controls.Select(c => c.Control.Name).OrderBy(n => n));
        var ncc = b.Controls.Single(c => c.Control.Name == "RequireNcc");
        Assert.Equal(ComplianceSeverity.Low, ncc.Severity);
        // Matching runs PowerShell's WildcardPattern, which only the real PowerShell implements: Pester covers it.
        Assert.Equal(new[] { "prod-*", "stg-*" }, ncc.Scope.WorkspaceNames);
        Assert.Equal("env", Assert.Single(ncc.Scope.Tags).Key);
        Assert.Equal(new[] { "prod", "stg" }, ncc.Scope.Tags[0].Value);
        Assert.Equal(new[] { "tmp-*" }, b.Scope.ExcludeWorkspaceNames);
        Assert.Equal(ComplianceSeverity.High, b.Controls.Single(c => c.Control.Name == "DenyPublicAccess").Severity);
    }

    [Theory]
    [InlineData("b.json", "{\n \"Controls\": {\n  \"RequireNcc\": \"Low\",\n  \"requirencc\": \"High\"\n }\n}", "line 4, key 'Controls.requirencc': the key appears twice")]
    [InlineData("b.json", "{\n \"Controls\": { \"RequireNcc\": \"Low\" },\n \"Scope\": { \"Tag\": { \"env\": [\"prod\", 3] } }\n}", "line 3, key 'Scope.Tag.env': '3' is not a name pattern")]
    [InlineData("b.json", "{\n \"Controls\": []\n}", "line 2, key 'Controls': Controls must be a hashtable")]
    [InlineData("b.json", "{ \"Controls\": { \"RequireNcc\": \"Low\" } } x", "not valid JSON")]
    public void Posture_baseline_errors_name_the_key_and_the_line(string file, string text, string expected)
    {
        var ex = Assert.Throws<DbxValidationException>(() => ComplianceBaseline.FromFile(Temp(file, text)));
        Assert.Equal("DbxInvalidBaseline", ex.ErrorId);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Posture_baseline_from_a_hashtable_and_the_default_one()
    {
        var table = new Hashtable { ["Controls"] = new Hashtable { ["ForbidOpenCidr"] = "Critical", ["RequireNcc"] = new Hashtable { ["Severity"] = "Info" } } };
        var b = ComplianceBaseline.FromDictionary(table);
        Assert.Equal(2, b.Controls.Count);
        Assert.Equal("the -Baseline hashtable", b.Source);
        var bad = Assert.Throws<DbxValidationException>(() => ComplianceBaseline.FromDictionary(new Hashtable { ["Controls"] = new Hashtable { ["RequireNcc"] = "Severe" } }));
        Assert.Equal("Invalid baseline the -Baseline hashtable, key 'Controls.RequireNcc': 'Severe' is not a severity: use Info, Low, Medium, High, Critical.", bad.Message);
        Assert.Equal(ComplianceControls.All.Select(c => c.Name), ComplianceBaseline.Default().Controls.Select(c => c.Control.Name));
    }

    // ---- snapshots ----------------------------------------------------------------------------------------------

    private static SnapshotObject Obj(string type, string id, string json, long? ws = null) =>
        new(type, id, ws, id, (JsonObject)ConfigurationSnapshot.Canonical(JsonNode.Parse(json))!);

    [Fact]
    public void Posture_snapshot_canonical_form_sorts_keys_and_arrays()
    {
        var a = ConfigurationSnapshot.Canonical(JsonNode.Parse("{\"b\":[\"y\",\"x\"],\"a\":{\"d\":1,\"c\":[{\"k\":2},{\"k\":1}]}}"))!.ToJsonString();
        Assert.Equal("{\"a\":{\"c\":[{\"k\":1},{\"k\":2}],\"d\":1},\"b\":[\"x\",\"y\"]}", a);
    }

    [Fact]
    public void Posture_snapshot_compare_gives_one_change_per_object_or_property_in_snapshot_order()
    {
        var reference = new[]
        {
            Obj("NetworkPolicy", "p", "{\"egress\":{\"network_access\":{\"restriction_mode\":\"FULL_ACCESS\"}}}"),
            Obj("Network", "gone", "{\"vpc_id\":\"v\"}"),
            Obj("IpAccessList", "l", "{\"ip_addresses\":[\"1.1.1.1\"],\"label\":\"a\"}", 9),
        };
        var difference = new[]
        {
            Obj("NetworkPolicy", "p", "{\"egress\":{\"network_access\":{\"restriction_mode\":\"RESTRICTED_ACCESS\"}}}"),
            Obj("IpAccessList", "l", "{\"ip_addresses\":[\"1.1.1.1\",\"2.2.2.2\"],\"label\":\"a\"}", 9),
            Obj("Workspace", "9", "{\"workspace_name\":\"new\"}"),
        };
        var changes = ConfigurationSnapshot.Compare(reference, difference).ToList();
        Assert.Equal(new[] { "Added Workspace ", "Removed Network ", "Changed NetworkPolicy egress.network_access.restriction_mode", "Changed IpAccessList ip_addresses" },
            changes.Select(c => $"{c.ChangeType} {c.ObjectType} {c.Property}"));
        Assert.Equal("\"FULL_ACCESS\"", changes[2].ReferenceValue);
        Assert.Equal("\"RESTRICTED_ACCESS\"", changes[2].DifferenceValue);
        Assert.Equal(9, changes[3].WorkspaceId);
        Assert.Empty(ConfigurationSnapshot.Compare(reference, reference));
    }

    [Fact]
    public void Posture_snapshot_round_trips_through_its_file_and_refuses_other_json()
    {
        var objects = ConfigurationSnapshot.Sort(new[] { Obj("Network", "b", "{\"x\":1}"), Obj("Workspace", "1", "{\"y\":[2,1]}"), Obj("Network", "a", "{}") });
        var path = Temp("s.json", "");
        using (var s = File.Create(path)) ConfigurationSnapshot.Write(s, "acc", DateTimeOffset.FromUnixTimeSeconds(0), new[] { "account: x" }, objects);
        var read = ConfigurationSnapshot.Read(path);
        Assert.Equal("acc", read.AccountId);
        Assert.Equal("1970-01-01T00:00:00Z", read.ExportedAt);
        Assert.Equal(new[] { "account: x" }, read.Incomplete);
        Assert.Equal(new[] { "Workspace|1", "Network|a", "Network|b" }, read.Objects.Select(o => o.Type + "|" + o.Id));
        Assert.Empty(ConfigurationSnapshot.Compare(objects, read.Objects));
        Assert.Throws<InvalidDataException>(() => ConfigurationSnapshot.Read(Temp("o.json", "{\"format\":\"other\"}")));
        Assert.Throws<InvalidDataException>(() => ConfigurationSnapshot.Read(Temp("n.json", "not json")));
    }

    // ---- report -------------------------------------------------------------------------------------------------

    [Fact]
    public void Posture_report_is_self_contained_encodes_names_and_counts_per_control()
    {
        var evil = PostureBuilder.Build(Data(new Workspace { WorkspaceId = 1, WorkspaceName = "<script>alert(1)</script>" }), Account(), 8, default);
        var good = PostureBuilder.Build(Data(new Workspace { WorkspaceId = 2, WorkspaceName = "ok" }, new() { List("ALLOW", true, "10.0.0.0/16") }, "true"), Account(), 8, default);
        var baseline = ComplianceBaseline.FromDictionary(new Hashtable { ["Controls"] = new Hashtable { ["RequireIpAccessLists"] = "High" } });
        var html = PostureReport.Render(new[] { evil, good }, baseline, "T & <b>", DateTimeOffset.UnixEpoch);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("<title>T &amp; &lt;b&gt;</title>", html);
        Assert.Contains("data-control=\"RequireIpAccessLists\" data-passed=\"1\" data-failed=\"1\" data-unknown=\"0\"", html);
        Assert.DoesNotContain("http", html);
        Assert.Equal(1, html.Split("<script>").Length - 1);
    }

    [Theory]
    [InlineData(null, null, null, true)]
    [InlineData(true, null, null, true)]
    [InlineData(null, "0.0.0.0/0", null, true)]
    [InlineData(null, "203.0.113.0/24", null, false)]
    [InlineData(true, null, "198.51.100.0/24", false)]   // all but excluded ranges is not every address
    public void Ingress_rule_is_open_to_all_addresses_only_when_its_origin_matches_every_address(bool? all, string? included, string? excluded, bool open)
    {
        var rule = new IngressPublicRule { Label = "r" };
        if (all != null || included != null || excluded != null)
            rule.Origin = new IngressPublicOrigin
            {
                AllIpRanges = all,
                IncludedIpRanges = included == null ? null : new IngressIpRanges { IpRanges = new() { included } },
                ExcludedIpRanges = excluded == null ? null : new IngressIpRanges { IpRanges = new() { excluded } },
            };
        Assert.Equal(open, PostureBuilder.OpenToAllAddresses(rule));
    }
}
