using DatabricksNetworking.Aws;

namespace DatabricksNetworking.Tests.Aws;

public class AwsVpcCheckTests
{
    private const string VpcId = "vpc-0a";

    private static AwsVpcFacts Good(string region = "us-east-1")
    {
        var (ingress, egress) = AwsPlans.WorkspaceRules(region, "0.0.0.0/0", false);
        foreach (var r in ingress.Concat(egress)) if (r.Self) { r.Self = false; r.PeerGroupId = "sg-ws"; }
        return new AwsVpcFacts
        {
            VpcId = VpcId,
            Region = region,
            CidrBlocks = new[] { "10.0.0.0/16" },
            EnableDnsHostnames = true,
            EnableDnsSupport = true,
            Subnets = new[]
            {
                new AwsSubnetFacts { SubnetId = "subnet-a", VpcId = VpcId, CidrBlock = "10.0.1.0/24", AvailabilityZone = "us-east-1a" },
                new AwsSubnetFacts { SubnetId = "subnet-b", VpcId = VpcId, CidrBlock = "10.0.2.0/24", AvailabilityZone = "us-east-1b" },
            },
            SecurityGroups = new[] { new AwsSecurityGroup { SecurityGroupId = "sg-ws", VpcId = VpcId, IngressRules = ingress, EgressRules = egress } },
            RouteTables = new[]
            {
                new AwsRouteTableFacts { RouteTableId = "rtb-main", Main = true, Routes = new[] { new AwsRoute { DestinationCidrBlock = "0.0.0.0/0", Target = "nat-1", State = "active" } } },
            },
        };
    }

    private static Dictionary<string, AwsVpcCheck> Run(AwsVpcFacts f, bool named = true) =>
        VpcChecks.Evaluate(f, named ? new[] { "subnet-a", "subnet-b" } : null, new[] { "sg-ws" }).ToDictionary(c => c.Name);

    [Fact]
    public void A_good_vpc_passes_everything_without_fixes()
    {
        var r = Run(Good());
        Assert.All(r.Values, c => { Assert.True(c.Passed, c.ToString()); Assert.Null(c.HowToFix); });
        Assert.Equal(10, r.Count);
    }

    [Fact]
    public void Dns_off_fails_with_a_fix()
    {
        var f = Good(); f.EnableDnsHostnames = false; f.EnableDnsSupport = null;
        var r = Run(f);
        Assert.False(r["DnsHostnames"].Passed);
        Assert.Contains("enable-dns-hostnames", r["DnsHostnames"].HowToFix);
        Assert.False(r["DnsSupport"].Passed);
        Assert.Contains("unknown", r["DnsSupport"].Detail);
    }

    [Theory]
    [InlineData("10.0.0.0/16", false)]
    [InlineData("10.0.0.0/17", true)]
    [InlineData("10.0.1.0/26", true)]
    [InlineData("10.0.1.0/27", false)]
    public void Netmasks_from_17_to_26_pass(string cidr, bool passes)
    {
        var f = Good(); f.Subnets[0].CidrBlock = cidr;
        Assert.Equal(passes, Run(f)["SubnetNetmask"].Passed);
    }

    [Fact]
    public void Named_subnets_must_each_be_in_their_own_zone()
    {
        var f = Good(); f.Subnets[1].AvailabilityZone = "us-east-1a";
        Assert.False(Run(f)["SubnetAvailabilityZones"].Passed);
    }

    [Fact]
    public void Missing_ports_are_named_and_6666_is_not_required_in_govcloud()
    {
        var f = Good();
        f.SecurityGroups[0].EgressRules = f.SecurityGroups[0].EgressRules.Where(r => r.Ports != "6666" && r.Ports != "8444").ToArray();
        var c = Run(f)["SecurityGroupEgressPorts"];
        Assert.False(c.Passed);
        Assert.Contains("6666", c.Detail);
        Assert.Contains("8444", c.Detail);
        var gov = Good("us-gov-west-1");
        gov.SecurityGroups[0].EgressRules = gov.SecurityGroups[0].EgressRules.Where(r => r.Ports != "6666").ToArray();
        Assert.True(Run(gov)["SecurityGroupEgressPorts"].Passed);
    }

    [Fact]
    public void Intra_group_needs_tcp_and_udp_both_ways()
    {
        var f = Good();
        f.SecurityGroups[0].IngressRules = f.SecurityGroups[0].IngressRules.Where(r => r.Protocol != "udp").ToArray();
        var c = Run(f)["SecurityGroupIntraGroup"];
        Assert.False(c.Passed);
        Assert.Contains("does not admit", c.Detail);
    }

    [Theory]
    [InlineData("igw-1", false)]
    [InlineData("tgw-1", true)]
    [InlineData("pcx-1", false)]
    public void The_default_route_must_lead_to_a_nat_or_equivalent(string target, bool passes)
    {
        var f = Good(); f.RouteTables[0].Routes[0].Target = target;
        Assert.Equal(passes, Run(f)["OutboundRoute"].Passed);
    }

    [Fact]
    public void Both_databricks_endpoints_replace_the_nat()
    {
        var f = Good(); f.RouteTables[0].Routes = new AwsRoute[0];
        Assert.False(Run(f)["OutboundRoute"].Passed);
        f.DatabricksEndpoints = new[] { new AwsVpcEndpoint { AwsVpcEndpointId = "vpce-1", Service = "Workspace", State = "available" } };
        Assert.False(Run(f)["OutboundRoute"].Passed);
        f.DatabricksEndpoints = f.DatabricksEndpoints.Append(new AwsVpcEndpoint { AwsVpcEndpointId = "vpce-2", Service = "Relay", State = "available" }).ToArray();
        Assert.True(Run(f)["OutboundRoute"].Passed);
    }

    [Fact]
    public void Without_named_subnets_two_private_zones_suffice()
    {
        var f = Good();
        f.Subnets = f.Subnets.Append(new AwsSubnetFacts { SubnetId = "subnet-pub", VpcId = VpcId, CidrBlock = "10.0.9.0/26", AvailabilityZone = "us-east-1a" }).ToArray();
        f.RouteTables = f.RouteTables.Append(new AwsRouteTableFacts { RouteTableId = "rtb-pub", SubnetIds = new[] { "subnet-pub" }, Routes = new[] { new AwsRoute { DestinationCidrBlock = "0.0.0.0/0", Target = "igw-1" } } }).ToArray();
        Assert.True(Run(f, named: false)["OutboundRoute"].Passed);
    }
}
