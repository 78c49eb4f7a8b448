using DatabricksNetworking.Cmdlets.Serverless;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Tests.Serverless;

/// <summary>
/// When New-DbxPrivateEndpointRule -Wait stops waiting: an S3 rule only once it is ESTABLISHED with its vpc_endpoint_id
/// (enabled is ignored by the service until then, and a bucket policy needs the id); other rules once they leave CREATING.
/// The emulator gives the id and ESTABLISHED together, so the gap between them is pinned here.
/// </summary>
public sealed class PrivateEndpointRuleWaitTests
{
    private static PrivateEndpointRule Rule(string state, string? vpce = null) => new() { RuleId = "r1", ConnectionState = state, VpcEndpointId = vpce };

    [Theory]
    [InlineData("CREATING", null, true, true)]
    [InlineData("CREATING", null, false, true)]
    [InlineData("ESTABLISHED", null, true, true)]          // S3: ESTABLISHED without the endpoint id is not done yet
    [InlineData("ESTABLISHED", "", true, true)]
    [InlineData("ESTABLISHED", "vpce-0a1b2c3d4e5f60718", true, false)]
    [InlineData("ESTABLISHED", null, false, false)]        // a customer-service rule is done once it has left CREATING
    [InlineData("PENDING", null, false, false)]
    [InlineData("PENDING", null, true, true)]
    [InlineData("CREATE_FAILED", null, true, false)]       // failed states end the wait (the cmdlet then reports the error)
    [InlineData("REJECTED", null, true, false)]
    [InlineData("DISCONNECTED", "vpce-0a1b2c3d4e5f60718", true, false)]
    [InlineData("EXPIRED", null, true, false)]
    public void Settling_follows_state_and_the_vpc_endpoint_id(string state, string? vpce, bool s3, bool settling) =>
        Assert.Equal(settling, PrivateEndpointRuleWait.Settling(Rule(state, vpce), s3));

    [Fact]
    public void Established_needs_the_vpc_endpoint_id()
    {
        Assert.False(PrivateEndpointRuleWait.IsEstablished(Rule("ESTABLISHED")));
        Assert.True(PrivateEndpointRuleWait.IsEstablished(Rule("established", "vpce-0a1b2c3d4e5f60718")));
        Assert.False(PrivateEndpointRuleWait.IsEstablished(Rule("PENDING", "vpce-0a1b2c3d4e5f60718")));
    }
}
