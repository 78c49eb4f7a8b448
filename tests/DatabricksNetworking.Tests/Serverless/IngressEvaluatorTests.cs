using DatabricksNetworking.Cmdlets.Serverless;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Tests.Serverless;

public class IngressEvaluatorTests
{
    private static IngressRule Rule(IngressRuleAction action, string label, string[]? ip = null, IngressDestinationKind[]? dest = null, object[]? ids = null, string[]? excluded = null, bool allUsers = false) =>
        IngressRules.Build(new IngressRules.Spec { Action = action, Label = label, IpRange = ip, Destination = dest, Identity = ids, ExcludedIpRange = excluded, AllUsers = allUsers });

    private static IngressNetworkPolicy Policy(string mode, params IngressRule[] rules) => new()
    {
        PublicAccess = new IngressPublicAccess
        {
            RestrictionMode = mode,
            AllowRules = rules.Where(r => r.Action == "Allow").Select(r => r.Rule).ToDbxList(),
            DenyRules = rules.Where(r => r.Action == "Deny").Select(r => r.Rule).ToDbxList(),
        },
    };

    private static IngressRequest Req(string ip, IngressDestinationKind d = IngressDestinationKind.WorkspaceUi, string? who = null, string? scope = null)
    {
        Assert.True(Cidr.TryParseAddress(ip, out var a, out _));
        return new IngressRequest { Address = a, Destination = d, ApiScope = scope, Principal = who == null ? null : IngressRules.Identities(new object[] { who }, "t")[0] };
    }

    [Fact]
    public void No_ingress_is_full_access() => Assert.True(IngressEvaluator.Evaluate(null, Req("198.51.100.1")).Allowed);

    [Fact]
    public void Deny_rules_win_over_allow_rules()
    {
        var p = Policy("RESTRICTED_ACCESS", Rule(IngressRuleAction.Allow, "all", ip: new[] { "198.51.100.0/24" }), Rule(IngressRuleAction.Deny, "one", ip: new[] { "198.51.100.7" }));
        var v = IngressEvaluator.Evaluate(p, Req("198.51.100.7"));
        Assert.False(v.Allowed);
        Assert.Equal("one", v.Rule);
        var ok = IngressEvaluator.Evaluate(p, Req("198.51.100.8"));
        Assert.True(ok.Allowed);
        Assert.Equal("all", ok.Rule);
    }

    [Fact]
    public void Restricted_denies_what_no_allow_rule_matches_and_full_allows_it()
    {
        var allow = Rule(IngressRuleAction.Allow, "office", ip: new[] { "203.0.113.0/24" });
        Assert.False(IngressEvaluator.Evaluate(Policy("RESTRICTED_ACCESS", allow), Req("198.51.100.1")).Allowed);
        Assert.True(IngressEvaluator.Evaluate(Policy("FULL_ACCESS", allow), Req("198.51.100.1")).Allowed);
    }

    [Fact]
    public void Excluded_ranges_and_host_bits()
    {
        var p = Policy("RESTRICTED_ACCESS", Rule(IngressRuleAction.Allow, "net", ip: new[] { "203.0.113.77/24" }, excluded: new[] { "203.0.113.9" }));
        Assert.True(IngressEvaluator.Evaluate(p, Req("203.0.113.1")).Allowed);
        Assert.False(IngressEvaluator.Evaluate(p, Req("203.0.113.9")).Allowed);
    }

    [Fact]
    public void Excluded_ranges_alone_match_public_addresses_outside_them_only()
    {
        // Go SDK: excluded_ip_ranges "means: all public IP ranges except this one"; all_ip_ranges covers private ones too.
        var p = Policy("FULL_ACCESS", Rule(IngressRuleAction.Deny, "not-office", excluded: new[] { "203.0.113.0/24" }));
        Assert.False(IngressEvaluator.Evaluate(p, Req("198.51.100.1")).Allowed);
        Assert.True(IngressEvaluator.Evaluate(p, Req("203.0.113.5")).Allowed);
        foreach (var notPublic in new[] { "10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "100.64.0.1", "169.254.1.1", "0.0.0.1", "224.0.0.1", "255.255.255.255" })
            Assert.True(IngressEvaluator.Evaluate(p, Req(notPublic)).Allowed);
        Assert.True(IngressEvaluator.IsPublic(0x08080808));
        var all = new IngressNetworkPolicy { PublicAccess = new IngressPublicAccess { RestrictionMode = "FULL_ACCESS", DenyRules = new() { new IngressPublicRule
        {
            Label = "all-but", Origin = new IngressPublicOrigin { AllIpRanges = true, ExcludedIpRanges = new IngressIpRanges { IpRanges = new() { "203.0.113.0/24" } } },
        } } } };
        Assert.False(IngressEvaluator.Evaluate(all, Req("10.1.2.3")).Allowed);
        Assert.True(IngressEvaluator.Evaluate(all, Req("203.0.113.5")).Allowed);
    }

    [Fact]
    public void Read_qualifier_matches_read_only_requests_only()
    {
        var p = Policy("RESTRICTED_ACCESS", IngressRules.Build(new IngressRules.Spec
        {
            Action = IngressRuleAction.Allow, Label = "readers", Destination = new[] { IngressDestinationKind.WorkspaceApi },
            ApiScope = new[] { "clusters" }, ApiScopeQualifier = IngressApiScopeQualifier.Read,
        }));
        var read = Req("198.51.100.1", IngressDestinationKind.WorkspaceApi, scope: "clusters");
        read.ReadOnly = true;
        Assert.True(IngressEvaluator.Evaluate(p, read).Allowed);
        read.ReadOnly = false;
        Assert.False(IngressEvaluator.Evaluate(p, read).Allowed);
    }

    [Fact]
    public void Destination_and_identity_must_match()
    {
        var p = Policy("RESTRICTED_ACCESS",
            Rule(IngressRuleAction.Allow, "ui-users", ip: new[] { "203.0.113.0/24" }, dest: new[] { IngressDestinationKind.WorkspaceUi }, allUsers: true),
            Rule(IngressRuleAction.Allow, "etl", dest: new[] { IngressDestinationKind.WorkspaceApi }, ids: new object[] { "sp:42" }));
        Assert.True(IngressEvaluator.Evaluate(p, Req("203.0.113.5", IngressDestinationKind.WorkspaceUi, "user:1")).Allowed);
        Assert.False(IngressEvaluator.Evaluate(p, Req("203.0.113.5", IngressDestinationKind.WorkspaceUi, "sp:42")).Allowed);
        Assert.False(IngressEvaluator.Evaluate(p, Req("203.0.113.5", IngressDestinationKind.WorkspaceUi)).Allowed);
        Assert.True(IngressEvaluator.Evaluate(p, Req("192.0.2.1", IngressDestinationKind.WorkspaceApi, "sp:42")).Allowed);
        Assert.False(IngressEvaluator.Evaluate(p, Req("192.0.2.1", IngressDestinationKind.WorkspaceApi, "sp:43")).Allowed);
        Assert.False(IngressEvaluator.Evaluate(p, Req("192.0.2.1", IngressDestinationKind.AppsRuntime, "sp:42")).Allowed);
    }

    [Fact]
    public void Api_scopes()
    {
        var r = IngressRules.Build(new IngressRules.Spec { Action = IngressRuleAction.Allow, Label = "sql", Destination = new[] { IngressDestinationKind.WorkspaceApi }, ApiScope = new[] { "sql" } });
        var p = Policy("RESTRICTED_ACCESS", r);
        Assert.True(IngressEvaluator.Evaluate(p, Req("192.0.2.1", IngressDestinationKind.WorkspaceApi, scope: "sql")).Allowed);
        Assert.False(IngressEvaluator.Evaluate(p, Req("192.0.2.1", IngressDestinationKind.WorkspaceApi, scope: "clusters")).Allowed);
        Assert.False(IngressEvaluator.Evaluate(p, Req("192.0.2.1", IngressDestinationKind.WorkspaceApi)).Allowed);
    }
}
