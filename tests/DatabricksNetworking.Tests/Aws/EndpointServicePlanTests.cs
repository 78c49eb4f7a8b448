using DatabricksNetworking.Aws;
using DatabricksNetworking.Cmdlets;

namespace DatabricksNetworking.Tests.Aws;

public class EndpointServicePlanTests
{
    private const string Nlb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/my-nlb/0123456789abcdef";

    [Theory]
    [InlineData("vpce-svc-0123456789abcdef0", "vpce-svc-0123456789abcdef0", null)]
    [InlineData("vpce-svc-e1a4cc9f", "vpce-svc-e1a4cc9f", null)]
    [InlineData("com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0", "vpce-svc-0123456789abcdef0", "eu-west-1")]
    [InlineData("com.amazonaws.vpce.us-gov-west-1.vpce-svc-e1a4cc9f", "vpce-svc-e1a4cc9f", "us-gov-west-1")]
    public void Reads_a_service_id_or_name(string value, string id, string? region)
    {
        var (gotId, gotRegion) = EndpointServicePlans.ParseServiceReference(value, "ServiceId");
        Assert.Equal(id, gotId);
        Assert.Equal(region, gotRegion);
    }

    [Theory]
    [InlineData("vpce-svc-XYZ", "DbxInvalidServiceId")]
    [InlineData("vpce-0123456789abcdef0", "DbxInvalidServiceId")]
    [InlineData("vpce-svc-0123456789ABCDEF0", "DbxInvalidServiceId")]
    [InlineData("", "DbxInvalidServiceId")]
    [InlineData("com.amazonaws.eu-west-1.s3", "DbxInvalidServiceName")]
    [InlineData("com.amazonaws.vpce.eu-west-1.vpce-svc-0123", "DbxInvalidServiceName")]
    public void Refuses_what_is_neither(string value, string errorId)
    {
        var ex = Assert.Throws<DbxValidationException>(() => EndpointServicePlans.ParseServiceReference(value, "ServiceId"));
        Assert.Equal(errorId, ex.ErrorId);
    }

    [Fact]
    public void A_service_name_must_be_in_the_region_of_the_call()
    {
        EndpointServicePlans.RequireSameRegion(null, "us-east-1", "vpce-svc-e1a4cc9f");
        EndpointServicePlans.RequireSameRegion("us-east-1", "us-east-1", "x");
        var ex = Assert.Throws<DbxValidationException>(() => EndpointServicePlans.RequireSameRegion("eu-west-1", "us-east-1", "x"));
        Assert.Equal("DbxInvalidServiceRegion", ex.ErrorId);
        Assert.Contains("-Region eu-west-1", ex.Message);
    }

    [Theory]
    [InlineData(Nlb, "us-east-1")]
    [InlineData("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/nlb-497750/76ca633c1879a727", "us-east-1")]
    [InlineData("arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/net/x/0123456789abcdef", "us-gov-west-1")]
    public void Accepts_load_balancer_arns_of_the_region(string arn, string region) =>
        EndpointServicePlans.RequireLoadBalancerArn(arn, region);

    [Theory]
    [InlineData("my-nlb", "us-east-1")]
    [InlineData("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef", "us-east-1")]
    [InlineData("arn:aws:elasticloadbalancing:us-east-1:1234:loadbalancer/net/x/0123456789abcdef", "us-east-1")]
    [InlineData("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/x/0123456789abcdef", "us-east-1")]
    [InlineData(Nlb, "eu-west-1")]
    [InlineData("arn:aws:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/net/x/0123456789abcdef", "us-gov-west-1")]
    [InlineData(null, "us-east-1")]
    public void Refuses_other_arns(string? arn, string region)
    {
        var ex = Assert.Throws<DbxValidationException>(() => EndpointServicePlans.RequireLoadBalancerArn(arn, region));
        Assert.Equal("DbxInvalidNetworkLoadBalancerArn", ex.ErrorId);
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("arn:aws:iam::123456789012:root", true)]
    [InlineData("arn:aws:iam::565502421330:role/private-connectivity-role-us-east-1", true)]
    [InlineData("arn:aws-us-gov:iam::347038500609:role/private-connectivity-role-us-gov-west-1", true)]
    [InlineData("arn:aws:iam::123456789012:user/path/alice", true)]
    [InlineData("arn:aws:iam::123:role/x", false)]
    [InlineData("arn:aws:iam::123456789012:group/admins", false)]
    [InlineData("ec2.amazonaws.com", false)]
    [InlineData("**", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Knows_an_iam_principal(string? value, bool ok) => Assert.Equal(ok, EndpointServicePlans.IsPrincipal(value));

    [Fact]
    public void Allows_the_regions_databricks_principal_at_creation_unless_skipped()
    {
        Assert.Equal(new[] { "arn:aws:iam::565502421330:role/private-connectivity-role-eu-west-1" }, EndpointServicePlans.InitialPrincipals("eu-west-1", false));
        Assert.Equal(new[]
        {
            "arn:aws-us-gov:iam::347038500609:role/private-connectivity-role-us-gov-west-1",
            "arn:aws-us-gov:iam::347034940029:role/private-connectivity-role-us-gov-west-1",
        }, EndpointServicePlans.InitialPrincipals("us-gov-west-1", false));
        Assert.Empty(EndpointServicePlans.InitialPrincipals("eu-west-1", true));
    }

    [Fact]
    public void Changes_only_what_differs()
    {
        var current = new[] { "a", "b" };
        Assert.Equal(new[] { "c" }, EndpointServicePlans.ToAdd(current, new[] { "a", "c", "c" }));
        Assert.Empty(EndpointServicePlans.ToAdd(current, new[] { "b", "a" }));
        Assert.Equal(new[] { "b" }, EndpointServicePlans.ToRemove(current, new[] { "b", "z" }));
        Assert.Empty(EndpointServicePlans.ToRemove(current, new[] { "z" }));
    }

    [Fact]
    public void The_output_says_whether_databricks_may_connect()
    {
        var s = new AwsEndpointService { Region = "us-gov-west-1", AllowedPrincipals = new[] { "arn:aws-us-gov:iam::347034940029:role/private-connectivity-role-us-gov-west-1" } };
        Assert.True(s.DatabricksAllowed);
        Assert.Equal(2, s.DatabricksPrincipal.Length);
        s.AllowedPrincipals = new[] { "arn:aws:iam::111122223333:root" };
        Assert.False(s.DatabricksAllowed);
        s.ServiceName = "com.amazonaws.vpce.us-gov-west-1.vpce-svc-e1a4cc9f";
        Assert.Equal(s.ServiceName, s.EndpointService);
        Assert.False(new AwsEndpointService().DatabricksAllowed);
        Assert.Empty(new AwsEndpointService().DatabricksPrincipal);
    }
}
