using System.Collections.Concurrent;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace DatabricksNetworking.Emulator.Aws;

/// <summary>What AWS says about a VPC endpoint.</summary>
public sealed record VpceFacts(string VpcEndpointId, string ServiceName, string State, string? OwnerId);

public sealed record SubnetFacts(string SubnetId, string VpcId, string CidrBlock, string AvailabilityZone);

public sealed record SecurityGroupFacts(string GroupId, string VpcId);

/// <summary>What AWS says about a customer's VPC endpoint service (the target of a serverless private endpoint rule).</summary>
public sealed record EndpointServiceFacts(bool Exists, bool AcceptanceRequired, IReadOnlyList<string> AllowedPrincipals);

/// <summary>What AWS says about the VPC, subnets and security groups of a network configuration, in one region.</summary>
public sealed class NetworkFacts
{
    public bool VpcExists { get; init; }
    public bool DnsHostnames { get; init; }
    public bool DnsSupport { get; init; }
    public IReadOnlyList<SubnetFacts> Subnets { get; init; } = Array.Empty<SubnetFacts>();
    public IReadOnlyList<SecurityGroupFacts> SecurityGroups { get; init; } = Array.Empty<SecurityGroupFacts>();
}

/// <summary>
/// The emulator's window on AWS EC2 (moto in tests, see --aws-endpoint): the checks Databricks runs against the
/// customer's account when a VPC endpoint is registered or a network configuration is attached to a workspace.
/// One client per region (moto keeps state per region, picked from the SigV4 credential scope).
/// </summary>
public sealed class AwsEc2
{
    private static readonly ConcurrentDictionary<string, AwsEc2> ByEndpoint = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AmazonEC2Client> clients = new(StringComparer.Ordinal);
    private readonly string endpoint;

    static AwsEc2() { AWSConfigs.InitializeCollections = true; }

    private AwsEc2(string endpoint) { this.endpoint = endpoint; }

    /// <summary>The AWS view for --aws-endpoint, or null when none is configured ("none" or empty also mean none).</summary>
    public static AwsEc2? For(string? awsEndpoint)
    {
        if (string.IsNullOrWhiteSpace(awsEndpoint) || awsEndpoint.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        return ByEndpoint.GetOrAdd(awsEndpoint, e => new AwsEc2(e));
    }

    private AmazonEC2Client Client(string region) => clients.GetOrAdd(region, r => new AmazonEC2Client(
        new BasicAWSCredentials("AKIDDATABRICKSEMULATOR", "emulator-dummy-secret"),
        new AmazonEC2Config { ServiceURL = endpoint, AuthenticationRegion = r, MaxErrorRetry = 0, Timeout = TimeSpan.FromSeconds(10) }));

    private static Filter F(string name, IEnumerable<string> values) => new() { Name = name, Values = values.ToList() };

    /// <summary>The endpoints among <paramref name="ids"/> that exist in the region (state as EC2 sends it, lower-case).</summary>
    /// <remarks>One call per id: a Describe by id fails as a whole when one id is unknown (and moto cannot filter by vpc-endpoint-id).</remarks>
    public async Task<IReadOnlyList<VpceFacts>> DescribeVpcEndpointsAsync(string region, IReadOnlyCollection<string> ids)
    {
        var found = new List<VpceFacts>();
        foreach (var id in ids)
        {
            DescribeVpcEndpointsResponse resp;
            try { resp = await Client(region).DescribeVpcEndpointsAsync(new DescribeVpcEndpointsRequest { VpcEndpointIds = [id] }); }
            catch (AmazonEC2Exception ex) when (ex.ErrorCode == "InvalidVpcEndpointId.NotFound") { continue; }
            found.AddRange((resp.VpcEndpoints ?? new()).Select(e => new VpceFacts(e.VpcEndpointId, e.ServiceName, LowerState(e.State?.Value), e.OwnerId)));
        }
        return found;
    }

    /// <summary>EC2 sends states lower-case (the SDK turns them into its constants): available, pending, pendingAcceptance, rejected …</summary>
    private static string LowerState(string? state) => (state ?? "").ToLowerInvariant() switch
    {
        "pendingacceptance" => "pendingAcceptance",
        var s => s,
    };

    /// <summary>
    /// The endpoint service <paramref name="serviceId"/> (vpce-svc-…) of the region: whether it exists, whether it
    /// requires acceptance, and its allow list. Databricks, in its own account, learns the same things from AWS by
    /// creating its endpoint (refused when it is not allowed, pendingAcceptance or available after); moto has no
    /// cross-account endpoint connections, so the emulator asks the owner's view instead.
    /// </summary>
    public async Task<EndpointServiceFacts> DescribeEndpointServiceAsync(string region, string serviceId)
    {
        var ec2 = Client(region);
        DescribeVpcEndpointServiceConfigurationsResponse configs;
        try { configs = await ec2.DescribeVpcEndpointServiceConfigurationsAsync(new DescribeVpcEndpointServiceConfigurationsRequest { ServiceIds = [serviceId] }); }
        catch (AmazonEC2Exception ex) when (ex.ErrorCode.StartsWith("InvalidVpcEndpointService", StringComparison.Ordinal)) { return new EndpointServiceFacts(false, false, Array.Empty<string>()); }
        var config = configs.ServiceConfigurations?.FirstOrDefault(c => c.ServiceId == serviceId);
        if (config == null) return new EndpointServiceFacts(false, false, Array.Empty<string>());
        var permissions = await ec2.DescribeVpcEndpointServicePermissionsAsync(new DescribeVpcEndpointServicePermissionsRequest { ServiceId = serviceId });
        var principals = (permissions.AllowedPrincipals ?? new()).Select(p => p.Principal).Where(p => !string.IsNullOrEmpty(p)).ToList();
        return new EndpointServiceFacts(true, config.AcceptanceRequired ?? false, principals);
    }

    public async Task<NetworkFacts> DescribeNetworkAsync(string region, string vpcId, IReadOnlyCollection<string> subnetIds, IReadOnlyCollection<string> groupIds)
    {
        var ec2 = Client(region);
        var vpcs = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [F("vpc-id", [vpcId])] });
        bool exists = vpcs.Vpcs?.Count > 0, hostnames = false, support = false;
        if (exists)
        {
            hostnames = (await ec2.DescribeVpcAttributeAsync(new DescribeVpcAttributeRequest { VpcId = vpcId, Attribute = VpcAttributeName.EnableDnsHostnames })).EnableDnsHostnames ?? false;
            support = (await ec2.DescribeVpcAttributeAsync(new DescribeVpcAttributeRequest { VpcId = vpcId, Attribute = VpcAttributeName.EnableDnsSupport })).EnableDnsSupport ?? false;
        }
        var subnets = subnetIds.Count == 0 ? new List<SubnetFacts>() :
            ((await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [F("subnet-id", subnetIds)] })).Subnets ?? new())
            .Select(s => new SubnetFacts(s.SubnetId, s.VpcId, s.CidrBlock, s.AvailabilityZone)).ToList();
        var groups = groupIds.Count == 0 ? new List<SecurityGroupFacts>() :
            ((await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [F("group-id", groupIds)] })).SecurityGroups ?? new())
            .Select(g => new SecurityGroupFacts(g.GroupId, g.VpcId)).ToList();
        return new NetworkFacts { VpcExists = exists, DnsHostnames = hostnames, DnsSupport = support, Subnets = subnets, SecurityGroups = groups };
    }
}
