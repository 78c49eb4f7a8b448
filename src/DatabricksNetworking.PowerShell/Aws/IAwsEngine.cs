using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;

namespace DatabricksNetworking.Aws
{
    /// <summary>
    /// Everything the AWS cmdlets need from AWS, as plain DTOs. Implemented by DatabricksNetworking.Aws.dll (the
    /// only assembly that references the AWS SDK), which <see cref="AwsEngineLoader"/> loads on first use into the
    /// module's own AssemblyLoadContext. No Amazon.* type crosses this interface, so nothing the SDK defines ever
    /// reaches a PowerShell parameter or output, and a different AWSSDK.Core elsewhere in the session cannot clash.
    /// Failures are thrown as <see cref="DbxAwsException"/>.
    /// </summary>
    public interface IAwsEngine
    {
        /// <summary>The region the options resolve to (parameter, AWS_REGION, AWS_DEFAULT_REGION, profile, instance
        /// metadata only when asked); throws DbxAwsMissingRegion at once when there is none.</summary>
        string ResolveRegion(AwsConnectionOptions options);

        Task<AwsCallerIdentity> GetCallerIdentityAsync(AwsConnectionOptions options, CancellationToken ct);

        Task<AwsVpcEndpoint> CreateVpcEndpointAsync(AwsConnectionOptions options, AwsVpcEndpointRequest request, CancellationToken ct);

        /// <summary>One page of VPC endpoints matching the filter (null token: the first page).</summary>
        Task<Page<AwsVpcEndpoint>> ListVpcEndpointsAsync(AwsConnectionOptions options, AwsVpcEndpointFilter filter, string? nextToken, CancellationToken ct);

        /// <summary>What Test-DbxAwsVpc, New-DbxAwsSecurityGroup and New-DbxAwsVpcPeering need to know about a VPC.
        /// Subnets and security groups that do not exist are left out (the checks report them), an unknown VPC throws.</summary>
        Task<AwsVpcFacts> GetVpcFactsAsync(AwsConnectionOptions options, AwsVpcQuery query, CancellationToken ct);

        /// <summary>Creates the group, authorizes exactly the given rules and, when asked, revokes AWS's default
        /// allow-all egress rule. A failure after the group exists deletes it again (no half-made group).</summary>
        Task<AwsSecurityGroup> CreateSecurityGroupAsync(AwsConnectionOptions options, AwsSecurityGroupRequest request, CancellationToken ct);

        /// <summary>Requests the peering, accepts it (same account and region) and adds the routes. A failure after
        /// the request removes what was made.</summary>
        Task<AwsVpcPeering> CreateVpcPeeringAsync(AwsConnectionOptions options, AwsVpcPeeringRequest request, CancellationToken ct);

        /// <summary>One page of the endpoint service configurations the caller owns (null or empty ids: all of the
        /// region), each with its allow list. An unknown id throws (DbxAwsInvalidVpcEndpointServiceIdNotFound).</summary>
        Task<Page<AwsEndpointService>> ListEndpointServicesAsync(AwsConnectionOptions options, IReadOnlyList<string>? serviceIds, string? nextToken, CancellationToken ct);

        /// <summary>Creates an endpoint service over the load balancers and allows the given principals. A failure
        /// after the service exists deletes it again (no half-made service).</summary>
        Task<AwsEndpointService> CreateEndpointServiceAsync(AwsConnectionOptions options, AwsEndpointServiceRequest request, CancellationToken ct);

        /// <summary>Adds and removes principals on a service's allow list, then returns the service as it is now.</summary>
        Task<AwsEndpointService> ModifyEndpointServicePermissionsAsync(AwsConnectionOptions options, AwsEndpointServicePermissionChange change, CancellationToken ct);

        /// <summary>Deletes VPC endpoints (they go to deleting, then deleted); an endpoint AWS does not delete throws with AWS's code.</summary>
        Task DeleteVpcEndpointsAsync(AwsConnectionOptions options, IReadOnlyList<string> vpcEndpointIds, CancellationToken ct);

        /// <summary>Deletes a security group (AWS refuses while an interface or another group's rule still uses it: DependencyViolation).</summary>
        Task DeleteSecurityGroupAsync(AwsConnectionOptions options, string groupId, CancellationToken ct);
    }

    /// <summary>How to reach AWS: the common parameters of the AWS cmdlets. Nulls mean "the standard chain".</summary>
    public sealed class AwsConnectionOptions
    {
        public string? Profile { get; set; }
        public string? Region { get; set; }
        public string? RoleArn { get; set; }
        public string? ExternalId { get; set; }
        public string? EndpointUrl { get; set; }
        /// <summary>Instance metadata (IMDS) is never probed for credentials or region unless this is set.</summary>
        public bool UseInstanceMetadata { get; set; }
    }

    public sealed class AwsVpcEndpointRequest
    {
        public string VpcId { get; set; } = "";
        public string ServiceName { get; set; } = "";
        public IReadOnlyList<string> SubnetIds { get; set; } = new string[0];
        public IReadOnlyList<string> SecurityGroupIds { get; set; } = new string[0];
        public bool PrivateDnsEnabled { get; set; } = true;
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
    }

    public sealed class AwsVpcEndpointFilter
    {
        public string? VpcId { get; set; }
        public IReadOnlyList<string>? VpcEndpointIds { get; set; }
        public IReadOnlyList<string>? ServiceNames { get; set; }
    }

    public sealed class AwsVpcQuery
    {
        public string VpcId { get; set; } = "";
        /// <summary>Null: all subnets of the VPC.</summary>
        public IReadOnlyList<string>? SubnetIds { get; set; }
        /// <summary>Null: no security groups.</summary>
        public IReadOnlyList<string>? SecurityGroupIds { get; set; }
        /// <summary>Also (or instead) the groups of the VPC with these names (a deployment finds its own groups by name).</summary>
        public IReadOnlyList<string>? SecurityGroupNames { get; set; }
    }

    public sealed class AwsSecurityGroupRequest
    {
        public string VpcId { get; set; } = "";
        public string GroupName { get; set; } = "";
        public string Description { get; set; } = "";
        public IReadOnlyList<AwsSecurityGroupRule> Ingress { get; set; } = new AwsSecurityGroupRule[0];
        public IReadOnlyList<AwsSecurityGroupRule> Egress { get; set; } = new AwsSecurityGroupRule[0];
        public bool RevokeDefaultEgress { get; set; } = true;
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
    }

    public sealed class AwsVpcPeeringRequest
    {
        public string VpcId { get; set; } = "";
        public string PeerVpcId { get; set; } = "";
        public IReadOnlyList<AwsRoute> Routes { get; set; } = new AwsRoute[0];
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
    }

    public sealed class AwsEndpointServiceRequest
    {
        public IReadOnlyList<string> NetworkLoadBalancerArns { get; set; } = new string[0];
        public bool AcceptanceRequired { get; set; } = true;
        /// <summary>Principals to allow once the service exists (empty: none).</summary>
        public IReadOnlyList<string> AllowedPrincipals { get; set; } = new string[0];
        public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>();
    }

    public sealed class AwsEndpointServicePermissionChange
    {
        public string ServiceId { get; set; } = "";
        public IReadOnlyList<string> Add { get; set; } = new string[0];
        public IReadOnlyList<string> Remove { get; set; } = new string[0];
    }
}
