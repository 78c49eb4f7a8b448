using System.Management.Automation;
using DatabricksNetworking.Aws;
using DatabricksNetworking.Cmdlets;

namespace DatabricksNetworking.Tests.Aws;

public class AwsErrorIdTests
{
    [Theory]
    [InlineData("InvalidVpcID.NotFound", 400, "DbxAwsInvalidVpcIDNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("InvalidGroup.Duplicate", 400, "DbxAwsInvalidGroupDuplicate", ErrorCategory.ResourceExists)]
    [InlineData("UnauthorizedOperation", 403, "DbxAwsUnauthorizedOperation", ErrorCategory.PermissionDenied)]
    [InlineData("AuthFailure", 401, "DbxAwsAuthFailure", ErrorCategory.AuthenticationError)]
    [InlineData("RequestLimitExceeded", 503, "DbxAwsRequestLimitExceeded", ErrorCategory.LimitsExceeded)]
    [InlineData("InvalidParameterValue", 400, "DbxAwsInvalidParameterValue", ErrorCategory.InvalidArgument)]
    [InlineData(null, 500, "DbxAwsHttp500", ErrorCategory.ConnectionError)]
    public void Maps_aws_codes_to_stable_error_ids(string? code, int status, string id, ErrorCategory category)
    {
        Assert.Equal(id, DbxAwsException.ErrorIdFor(code, status));
        Assert.Equal(category, DbxAwsException.CategoryFor(code, status));
    }

    [Fact]
    public void Redacts_registered_secrets_from_the_message()
    {
        Client.SecretRegistry.Register("awsSecretForTheAwsErrorIdTests123");
        var ex = new DbxAwsException("DbxAwsX", "failed with awsSecretForTheAwsErrorIdTests123 inside", ErrorCategory.NotSpecified);
        Assert.DoesNotContain("awsSecretForTheAwsErrorIdTests123", ex.Message);
    }
}

public class AwsPlanTests
{
    private static AwsVpcFacts Vpc(string id, string cidr, params string[] tables) => new()
    {
        VpcId = id,
        Region = "us-east-1",
        CidrBlocks = new[] { cidr },
        RouteTables = tables.Select(t => new AwsRouteTableFacts { RouteTableId = t }).ToArray(),
    };

    [Fact]
    public void Workspace_rules_are_intra_group_both_ways_plus_the_databricks_ports()
    {
        var (ingress, egress) = AwsPlans.WorkspaceRules("eu-west-1", "0.0.0.0/0", includeOptional: false);
        Assert.All(ingress, r => Assert.True(r.Self));
        Assert.Equal(new[] { "tcp", "udp" }, ingress.Select(r => r.Protocol));
        var ports = egress.Where(r => !r.Self).Select(r => r.Ports).ToArray();
        Assert.Equal(new[] { "443", "2443", "6666", "8443", "8444", "8445-8451" }, ports);
        Assert.All(egress.Where(r => !r.Self), r => Assert.Equal("0.0.0.0/0", r.Cidr));
    }

    [Fact]
    public void GovCloud_workspace_rules_leave_out_6666_and_optional_ports_come_only_when_asked()
    {
        var (_, gov) = AwsPlans.WorkspaceRules("us-gov-west-1", "10.0.0.0/16", includeOptional: true);
        var ports = gov.Where(r => !r.Self).Select(r => r.Ports).ToArray();
        Assert.DoesNotContain("6666", ports);
        Assert.Contains("3306", ports);
        Assert.Contains("5432", ports);
    }

    [Fact]
    public void Endpoint_rules_admit_the_source_group_or_each_cidr()
    {
        var (byGroup, _) = AwsPlans.EndpointRules("us-east-1", "sg-0123456789abcdef0", new string[0], false);
        Assert.All(byGroup, r => Assert.Equal("sg-0123456789abcdef0", r.PeerGroupId));
        Assert.Equal(new[] { "443", "6666", "2443", "8443-8451" }, byGroup.Select(r => r.Ports));
        var (byCidr, egress) = AwsPlans.EndpointRules("us-east-1", null, new[] { "10.0.0.0/16", "10.1.0.0/16" }, false);
        Assert.Equal(8, byCidr.Length);
        Assert.Equal(8, egress.Length);
        Assert.All(egress, r => Assert.Equal("Egress", r.Direction));
    }

    [Fact]
    public void Peering_routes_go_both_ways_into_every_table()
    {
        var routes = AwsPlans.PeeringRoutes(Vpc("vpc-a", "10.0.0.0/16", "rtb-a1", "rtb-a2"), Vpc("vpc-b", "10.1.0.0/16", "rtb-b1"), null);
        Assert.Equal(new[] { "rtb-a1:10.1.0.0/16", "rtb-a2:10.1.0.0/16", "rtb-b1:10.0.0.0/16" }, routes.Select(r => $"{r.RouteTableId}:{r.DestinationCidrBlock}"));
    }

    [Fact]
    public void Peering_refuses_overlap_foreign_tables_and_existing_routes()
    {
        Assert.Equal("DbxInvalidPeeringCidrOverlap", Assert.Throws<DbxValidationException>(() =>
            AwsPlans.PeeringRoutes(Vpc("vpc-a", "10.0.0.0/16"), Vpc("vpc-b", "10.0.128.0/17"), null)).ErrorId);
        Assert.Equal("DbxInvalidRouteTableId", Assert.Throws<DbxValidationException>(() =>
            AwsPlans.PeeringRoutes(Vpc("vpc-a", "10.0.0.0/16", "rtb-a"), Vpc("vpc-b", "10.1.0.0/16"), new[] { "rtb-x" })).ErrorId);
        var a = Vpc("vpc-a", "10.0.0.0/16", "rtb-a");
        a.RouteTables[0].Routes = new[] { new AwsRoute { DestinationCidrBlock = "10.1.0.0/16", Target = "pcx-1" } };
        Assert.Equal("DbxInvalidRouteConflict", Assert.Throws<DbxValidationException>(() =>
            AwsPlans.PeeringRoutes(a, Vpc("vpc-b", "10.1.0.0/16"), null)).ErrorId);
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.255.0/24", true)]
    [InlineData("10.0.0.0/16", "10.1.0.0/16", false)]
    [InlineData("0.0.0.0/0", "192.168.1.0/24", true)]
    [InlineData("10.0.0.0/33", "10.0.0.0/16", false)]
    public void Cidr_overlap(string a, string b, bool overlaps) => Assert.Equal(overlaps, Cidr.Overlaps(a, b));
}
