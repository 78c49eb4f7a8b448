using System;
using DatabricksNetworking.Models;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DatabricksNetworking.Data;

namespace DatabricksNetworking.Aws
{
    // Output objects of the AWS cmdlets. Plain classes owned by the module (never Amazon.* types); property names
    // are the ones later cmdlets bind to by property name (AwsVpcEndpointId, Region, SecurityGroupId, VpcId ...).

    /// <summary>Get-DbxAwsCallerIdentity: who the resolved AWS credentials are.</summary>
    public sealed class AwsCallerIdentity
    {
        public string Account { get; set; } = "";
        public string Arn { get; set; } = "";
        public string UserId { get; set; } = "";
        public string Region { get; set; } = "";
        /// <summary>Where the credentials came from: environment, profile 'x', web identity, container, instance metadata, assumed role.</summary>
        public string CredentialSource { get; set; } = "";
        /// <summary>The endpoint override in use, or null for the regular AWS endpoints.</summary>
        public string? EndpointUrl { get; set; }
    }

    /// <summary>An AWS interface VPC endpoint; the Databricks ones have <see cref="Service"/> Workspace or Relay.</summary>
    public sealed class AwsVpcEndpoint
    {
        public string AwsVpcEndpointId { get; set; } = "";
        /// <summary>The Name tag: the natural <c>vpc_endpoint_name</c> of its Databricks registration.</summary>
        public string? VpcEndpointName { get; set; }
        public string VpcId { get; set; } = "";
        /// <summary>Workspace, Relay, or Other (not a Databricks endpoint service).</summary>
        public string Service { get; set; } = "Other";
        public string ServiceName { get; set; } = "";
        /// <summary>AWS state in lower case: pending, pendingacceptance, available, deleting, deleted, rejected, failed, expired.</summary>
        public string State { get; set; } = "";
        public string? VpcEndpointType { get; set; }
        public bool PrivateDnsEnabled { get; set; }
        public DbxList<string> SubnetIds { get; set; } = new string[0];
        public DbxList<string> SecurityGroupIds { get; set; } = new string[0];
        public DbxList<string> DnsNames { get; set; } = new string[0];
        public string Region { get; set; } = "";
        public string? OwnerId { get; set; }
        public DateTime? CreationTime { get; set; }
        public DbxMap Tags { get; set; } = new DbxMap();
    }

    /// <summary>One security group rule. Exactly one of <see cref="Cidr"/>, <see cref="PeerGroupId"/>,
    /// <see cref="PrefixListId"/> or <see cref="Self"/> says whom it admits or reaches.</summary>
    public sealed class AwsSecurityGroupRule
    {
        /// <summary>Ingress or Egress.</summary>
        public string Direction { get; set; } = "Ingress";
        /// <summary>tcp, udp, icmp or -1 (all).</summary>
        public string Protocol { get; set; } = "tcp";
        public int FromPort { get; set; }
        public int ToPort { get; set; }
        public string? Cidr { get; set; }
        public string? PeerGroupId { get; set; }
        public string? PrefixListId { get; set; }
        /// <summary>The group itself (resolved to its id once it exists).</summary>
        public bool Self { get; set; }
        public string? Description { get; set; }

        public bool IsAllProtocols => Protocol == "-1" || string.Equals(Protocol, "all", StringComparison.OrdinalIgnoreCase);

        /// <summary>True when the rule admits this protocol on every port from <paramref name="from"/> to <paramref name="to"/>.</summary>
        public bool Covers(string protocol, int from, int to) =>
            IsAllProtocols || (string.Equals(Protocol, protocol, StringComparison.OrdinalIgnoreCase) && FromPort <= from && ToPort >= to);

        public string Ports => IsAllProtocols ? "all" : FromPort == ToPort ? FromPort.ToString(CultureInfo.InvariantCulture) : $"{FromPort}-{ToPort}";

        public string Peer => Self ? "self" : Cidr ?? PeerGroupId ?? PrefixListId ?? "";

        public override string ToString() => $"{Direction} {(IsAllProtocols ? "all" : Protocol)} {Ports} {(Direction == "Egress" ? "to" : "from")} {Peer}";
    }

    /// <summary>New-DbxAwsSecurityGroup's output.</summary>
    public sealed class AwsSecurityGroup
    {
        public string SecurityGroupId { get; set; } = "";
        public string GroupName { get; set; } = "";
        public string VpcId { get; set; } = "";
        /// <summary>Workspace or Endpoint (null for groups the module did not make).</summary>
        public string? Purpose { get; set; }
        public string Description { get; set; } = "";
        public DbxList<AwsSecurityGroupRule> IngressRules { get; set; } = new AwsSecurityGroupRule[0];
        public DbxList<AwsSecurityGroupRule> EgressRules { get; set; } = new AwsSecurityGroupRule[0];
        public string Region { get; set; } = "";
        public DbxMap Tags { get; set; } = new DbxMap();
    }

    /// <summary>A route: destination CIDR in a route table, through a target (a peering connection, NAT gateway ...).</summary>
    public sealed class AwsRoute
    {
        public string RouteTableId { get; set; } = "";
        public string? DestinationCidrBlock { get; set; }
        public string? DestinationPrefixListId { get; set; }
        /// <summary>The target id: igw-, nat-, tgw-, pcx-, eni-, i-, vpce-, local.</summary>
        public string? Target { get; set; }
        public string? State { get; set; }
        public override string ToString() => $"{RouteTableId}: {DestinationCidrBlock ?? DestinationPrefixListId} -> {Target ?? "(new peering)"}";
    }

    /// <summary>New-DbxAwsVpcPeering's output.</summary>
    public sealed class AwsVpcPeering
    {
        public string VpcPeeringConnectionId { get; set; } = "";
        public string VpcId { get; set; } = "";
        public string PeerVpcId { get; set; } = "";
        /// <summary>AWS status code: pending-acceptance, active, failed ...</summary>
        public string Status { get; set; } = "";
        public DbxList<AwsRoute> Routes { get; set; } = new AwsRoute[0];
        public string Region { get; set; } = "";
    }

    /// <summary>
    /// A VPC endpoint service the caller owns (Get-/New-DbxAwsEndpointService, Grant-/Revoke-DbxAwsEndpointServiceAccess):
    /// the customer side of a serverless private endpoint rule to a resource behind a network load balancer.
    /// </summary>
    public sealed class AwsEndpointService
    {
        public string ServiceId { get; set; } = "";
        /// <summary>com.amazonaws.vpce.&lt;region&gt;.vpce-svc-…: what New-DbxPrivateEndpointRule -EndpointService takes.</summary>
        public string ServiceName { get; set; } = "";
        /// <summary>The same as <see cref="ServiceName"/>, under the name of New-DbxPrivateEndpointRule's parameter.</summary>
        public string EndpointService => ServiceName;
        public string Region { get; set; } = "";
        /// <summary>AWS state: Pending, Available, Deleting, Deleted, Failed.</summary>
        public string ServiceState { get; set; } = "";
        /// <summary>Whether each endpoint connection must be accepted (then accept Databricks' one after creating the rule).</summary>
        public bool AcceptanceRequired { get; set; }
        public DbxList<string> NetworkLoadBalancerArns { get; set; } = new string[0];
        /// <summary>The principals allowed to create endpoints to the service.</summary>
        public DbxList<string> AllowedPrincipals { get; set; } = new string[0];
        /// <summary>Whether Databricks serverless compute of <see cref="Region"/> may connect (its role, its account root, or *).</summary>
        public bool DatabricksAllowed => Region.Length > 0 && ServerlessPrincipals.AllowsDatabricks(Region, AllowedPrincipals);
        /// <summary>The principal(s) of Databricks serverless compute in <see cref="Region"/> (two in us-gov-west-1: civilian and DoD shard).</summary>
        public DbxList<string> DatabricksPrincipal => Region.Length > 0 ? ServerlessPrincipals.RoleArns(Region).ToArray() : new string[0];
        public DbxList<string> AvailabilityZones { get; set; } = new string[0];
        public DbxList<string> BaseEndpointDnsNames { get; set; } = new string[0];
        public string? PrivateDnsName { get; set; }
        public DbxMap Tags { get; set; } = new DbxMap();
        public override string ToString() => ServiceName.Length > 0 ? ServiceName : ServiceId;
    }

    /// <summary>One requirement checked by Test-DbxAwsVpc. <c>Test-DbxAwsVpc ... | Where-Object -not Passed</c> is a to-do list.</summary>
    public sealed class AwsVpcCheck
    {
        public AwsVpcCheck(string vpcId, string name, bool passed, string detail, string? howToFix)
        {
            VpcId = vpcId;
            Name = name;
            Passed = passed;
            Detail = detail;
            HowToFix = passed ? null : howToFix;
        }

        public string VpcId { get; }
        public string Name { get; }
        public bool Passed { get; }
        public string Detail { get; }
        public string? HowToFix { get; }
        /// <summary><c>PASS</c> or <c>FAIL</c>: the word the default view shows (in red for a failure where the host supports colour).</summary>
        public string Result => Passed ? "PASS" : "FAIL";
        public override string ToString() => $"{Result} {Name}: {Detail}";
    }

    // ---- facts about a VPC (input of the pure checks in VpcChecks) -------------------------------------------

    public sealed class AwsSubnetFacts
    {
        public string SubnetId { get; set; } = "";
        public string VpcId { get; set; } = "";
        public string CidrBlock { get; set; } = "";
        public string AvailabilityZone { get; set; } = "";
    }

    public sealed class AwsRouteTableFacts
    {
        public string RouteTableId { get; set; } = "";
        public bool Main { get; set; }
        public DbxList<string> SubnetIds { get; set; } = new string[0];
        public DbxList<AwsRoute> Routes { get; set; } = new AwsRoute[0];
    }

    public sealed class AwsVpcFacts
    {
        public string VpcId { get; set; } = "";
        public string Region { get; set; } = "";
        public DbxList<string> CidrBlocks { get; set; } = new string[0];
        public bool? EnableDnsHostnames { get; set; }
        public bool? EnableDnsSupport { get; set; }
        /// <summary>The subnets asked for that exist (all of the VPC's when none were named), wherever they are.</summary>
        public DbxList<AwsSubnetFacts> Subnets { get; set; } = new AwsSubnetFacts[0];
        /// <summary>The security groups asked for that exist, wherever they are.</summary>
        public DbxList<AwsSecurityGroup> SecurityGroups { get; set; } = new AwsSecurityGroup[0];
        public DbxList<AwsRouteTableFacts> RouteTables { get; set; } = new AwsRouteTableFacts[0];
        /// <summary>The VPC's endpoints to Databricks endpoint services.</summary>
        public DbxList<AwsVpcEndpoint> DatabricksEndpoints { get; set; } = new AwsVpcEndpoint[0];
    }
}
