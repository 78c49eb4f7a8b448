using DatabricksNetworking.Firewall;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Tests;

public class FirewallTableTests
{
    private static readonly FirewallPurpose[] All = { FirewallPurpose.All };

    public static IEnumerable<object[]> SupportedRegions => Regions.Supported.Select(r => new object[] { r });

    [Fact]
    public void Table_covers_exactly_the_supported_regions()
    {
        Assert.Equal(Regions.Supported.OrderBy(r => r, StringComparer.Ordinal), FirewallTable.Regions.OrderBy(r => r, StringComparer.Ordinal));
        Assert.Equal("jakarta", FirewallTable.ShortName("ap-southeast-3"));
        Assert.Equal("pendleton", FirewallTable.ShortName("us-gov-west-1"));
    }

    [Theory]
    [MemberData(nameof(SupportedRegions))]
    public void Every_region_has_443_and_relay_rules_with_sources(string region)
    {
        var lookup = FirewallTable.Lookup(region, All);
        Assert.Contains(lookup.Rules, r => r.Ports == "443" && r.DestinationType != "SecurityGroup");
        Assert.Contains(lookup.Rules, r => r.UsedFor.StartsWith("SCC relay", StringComparison.Ordinal));
        foreach (var r in lookup.Rules)
        {
            Assert.Equal(region, r.Region);
            Assert.Contains(r.Confidence, new[] { "Confirmed", "Unconfirmed" });
            Assert.False(string.IsNullOrWhiteSpace(r.Source), $"{r.Destination} has no source");
            Assert.Equal(FirewallTable.AsOf, r.AsOf);
            Assert.False(string.IsNullOrWhiteSpace(r.Destination));
            // Every source tag is explained in the legend.
            foreach (var tag in r.Source.Replace("pattern (", "pattern, ").TrimEnd(')').Split(',').Select(t => t.Trim()))
                Assert.True(FirewallTable.SourceLegend.ContainsKey(tag), $"tag '{tag}' of {r.Destination} is not in the legend");
        }
        bool gov = region.StartsWith("us-gov-", StringComparison.Ordinal);
        Assert.Equal(!gov, lookup.Rules.Any(r => r.Ports == "6666"));
    }

    [Fact]
    public void Regions_without_data_get_gaps_not_invented_values()
    {
        var jakarta = FirewallTable.Lookup("ap-southeast-3", All);
        Assert.Contains(jakarta.Gaps, g => g.What == "web application FQDN" && g.Purposes.Contains(FirewallPurpose.ClassicCompute) && g.Purposes.Contains(FirewallPurpose.FrontEnd));
        Assert.Contains(jakarta.Gaps, g => g.What == "SCC relay FQDN");
        Assert.Contains(jakarta.Gaps, g => g.What == "legacy Hive metastore host");
        Assert.DoesNotContain(jakarta.Rules, r => r.Destination == "tunnel.ap-southeast-3.cloud.databricks.com");
        Assert.All(jakarta.Gaps, g => Assert.Contains(FirewallTable.AsOf, g.Message));

        var gov = FirewallTable.Lookup("us-gov-west-1", All);
        Assert.Contains(gov.Gaps, g => g.What == "SCC relay FQDN over PrivateLink");
        Assert.Contains(gov.Gaps, g => g.What == "control-plane NAT address");
        Assert.DoesNotContain(gov.Rules, r => r.Destination.EndsWith(".cloud.databricks.com", StringComparison.Ordinal));
        Assert.All(gov.Rules.Where(r => r.DestinationType != "SecurityGroup" && r.Destination != "0.0.0.0/0"), r => Assert.Equal("Unconfirmed", r.Confidence));
    }

    [Fact]
    public void Security_group_rules_take_their_ports_from_DatabricksPorts()
    {
        var rules = FirewallTable.Lookup("eu-west-1", new[] { FirewallPurpose.ClassicCompute, FirewallPurpose.BackEndPrivateLink }).Rules;
        Assert.Equal(DatabricksPorts.WorkspaceEgress.Select(p => p.ToString()),
            rules.Where(r => r.UsedFor.StartsWith("Workspace security group egress", StringComparison.Ordinal)).Select(r => r.Ports));
        Assert.Equal(DatabricksPorts.EndpointIngress.Select(p => p.ToString()),
            rules.Where(r => r.DestinationType == "SecurityGroup").Select(r => r.Ports));
        var gov = FirewallTable.Lookup("us-gov-west-1", All).Rules;
        Assert.DoesNotContain(gov, r => r.Ports == "6666");
        Assert.Equal(6666, DatabricksPorts.Egress(6666).FromPort);
        Assert.Equal("8445-8451", DatabricksPorts.Egress(8450).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => DatabricksPorts.Egress(22));
    }

    [Fact]
    public void PrivateLink_rules_use_the_shared_endpoint_service_table()
    {
        foreach (var region in Regions.Supported)
        {
            var rules = FirewallTable.Lookup(region, new[] { FirewallPurpose.BackEndPrivateLink }).Rules;
            // (Data.PrivateLinkServices is compiled into both the module and the emulator, so it is checked through the rules.)
            var names = rules.Where(r => r.DestinationType == "VpcEndpointService").Select(r => r.Destination).ToList();
            Assert.Equal(region == "us-gov-west-1" ? 4 : 2, names.Count);
            Assert.All(names, n => Assert.Matches($@"^com\.amazonaws\.vpce\.{region}\.vpce-svc-[0-9a-f]{{17}}$", n));
            Assert.All(rules, r => Assert.Equal("BackEndPrivateLink", r.Purpose));
        }
        var euc1 = FirewallTable.Lookup("eu-central-1", new[] { FirewallPurpose.BackEndPrivateLink }).Rules;
        Assert.Contains(euc1, r => r.Destination == "com.amazonaws.vpce.eu-central-1.vpce-svc-081f78503812597f7" && r.Ports == "443");
        Assert.Contains(euc1, r => r.Destination == "com.amazonaws.vpce.eu-central-1.vpce-svc-08e5dfca9572c85c4" && r.Ports == "6666");
    }

    [Theory]
    [InlineData("DOCS", true)]
    [InlineData("DOCS-FW", true)]
    [InlineData("TDE, TP4", true)]
    [InlineData("TP1", false)]
    [InlineData("SRA", false)]
    [InlineData("pattern (DOCS, TP2, TP3)", false)]
    public void Confidence_rule(string source, bool confirmed) => Assert.Equal(confirmed, FirewallTable.IsConfirmed(source));

    [Fact]
    public void Reference_values_carry_their_confidence()
    {
        var w2 = FirewallTable.Lookup("us-west-2", All).Rules;
        Assert.Equal("Unconfirmed", w2.First(r => r.Destination == "tunnel.cloud.databricks.com").Confidence);
        Assert.Equal("Confirmed", w2.First(r => r.Destination == "52.27.216.188/32").Confidence);
        var apne2 = FirewallTable.Lookup("ap-northeast-2", All).Rules;
        Assert.Equal("Unconfirmed", apne2.First(r => r.Destination == "54.180.50.119/32").Confidence);
        Assert.Equal("Unconfirmed", apne2.First(r => r.Destination == "tunnel.privatelink.ap-northeast-2.cloud.databricks.com").Confidence);
        var w1 = FirewallTable.Lookup("us-west-1", All).Rules;
        Assert.Contains(w1, r => r.Destination == "databricks-prod-artifacts-us-west-2");
        Assert.Contains(w1, r => r.Destination == "kinesis.us-west-2.amazonaws.com" && r.Confidence == "Unconfirmed");
        Assert.All(w1.Where(r => r.DestinationType == "VpcEndpointService"), r => Assert.Equal("Unconfirmed", r.Confidence));
    }
}
