using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using DatabricksNetworking.Client;
using DatabricksNetworking.Data;

namespace DatabricksNetworking.Aws.Engine
{
    /// <summary>The one implementation of <see cref="IAwsEngine"/>: EC2 and STS through the AWS SDK for .NET v4.</summary>
    public sealed class AwsEngine : IAwsEngine
    {
        static AwsEngine()
        {
            // Empty lists come back as empty lists, not null (this is our private copy of AWSSDK.Core: no one else sees it).
            AWSConfigs.InitializeCollections = true;
        }

        public string ResolveRegion(AwsConnectionOptions options) => AwsSession.ResolveRegion(options).Region;

        public async Task<AwsCallerIdentity> GetCallerIdentityAsync(AwsConnectionOptions options, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var sts = s.CreateStsClient();
            var r = await AwsErrors.Call("Get caller identity", s.StsEndpoint,
                () => sts.GetCallerIdentityAsync(new Amazon.SecurityToken.Model.GetCallerIdentityRequest(), ct), ct).ConfigureAwait(false);
            return new AwsCallerIdentity
            {
                Account = r.Account ?? "",
                Arn = r.Arn ?? "",
                UserId = r.UserId ?? "",
                Region = s.Region,
                CredentialSource = s.CredentialSource,
                EndpointUrl = s.StsEndpoint,
            };
        }

        public async Task<AwsVpcEndpoint> CreateVpcEndpointAsync(AwsConnectionOptions options, AwsVpcEndpointRequest request, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            var req = new CreateVpcEndpointRequest
            {
                VpcId = request.VpcId,
                ServiceName = request.ServiceName,
                VpcEndpointType = VpcEndpointType.Interface,
                SubnetIds = request.SubnetIds.ToList(),
                SecurityGroupIds = request.SecurityGroupIds.ToList(),
                PrivateDnsEnabled = request.PrivateDnsEnabled,
                ClientToken = Guid.NewGuid().ToString("N"),
                TagSpecifications = Tags(ResourceType.VpcEndpoint, request.Tags),
            };
            DbxLog.Verbose($"AWS: CreateVpcEndpoint {request.ServiceName} in {request.VpcId} (subnets {string.Join(", ", request.SubnetIds)}).");
            var r = await AwsErrors.Call($"Create the VPC endpoint to {request.ServiceName} in {request.VpcId}", s.Ec2Endpoint,
                () => ec2.CreateVpcEndpointAsync(req, ct), ct).ConfigureAwait(false);
            return Map(r.VpcEndpoint, s.Region);
        }

        public async Task<Page<AwsVpcEndpoint>> ListVpcEndpointsAsync(AwsConnectionOptions options, AwsVpcEndpointFilter filter, string? nextToken, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            var r = await DescribeEndpoints(s, ec2, filter, nextToken, ct).ConfigureAwait(false);
            return new Page<AwsVpcEndpoint>(r.VpcEndpoints.Select(e => Map(e, s.Region)).ToList(), r.NextToken);
        }

        private static Task<DescribeVpcEndpointsResponse> DescribeEndpoints(AwsSession s, AmazonEC2Client ec2, AwsVpcEndpointFilter filter, string? nextToken, CancellationToken ct)
        {
            var req = new DescribeVpcEndpointsRequest { NextToken = nextToken, Filters = new List<Filter>() };
            if (filter.VpcId != null) req.Filters.Add(new Filter("vpc-id", new List<string> { filter.VpcId }));
            if (filter.ServiceNames != null && filter.ServiceNames.Count > 0) req.Filters.Add(new Filter("service-name", filter.ServiceNames.ToList()));
            if (filter.VpcEndpointIds != null && filter.VpcEndpointIds.Count > 0) req.VpcEndpointIds = filter.VpcEndpointIds.ToList();
            else req.MaxResults = 100;
            return AwsErrors.Call("Describe VPC endpoints" + (filter.VpcId != null ? " of " + filter.VpcId : ""), s.Ec2Endpoint,
                () => ec2.DescribeVpcEndpointsAsync(req, ct), ct);
        }

        public async Task<AwsVpcFacts> GetVpcFactsAsync(AwsConnectionOptions options, AwsVpcQuery query, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            var ep = s.Ec2Endpoint;
            var vpcs = await AwsErrors.Call("Describe " + query.VpcId, ep,
                () => ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = new List<string> { query.VpcId } }, ct), ct).ConfigureAwait(false);
            var vpc = vpcs.Vpcs.FirstOrDefault() ?? throw new DbxAwsException("DbxAwsInvalidVpcIDNotFound",
                $"The VPC '{query.VpcId}' does not exist in {s.Region}.", System.Management.Automation.ErrorCategory.ObjectNotFound, "InvalidVpcID.NotFound", 400);
            var facts = new AwsVpcFacts { VpcId = vpc.VpcId, Region = s.Region };
            var cidrs = vpc.CidrBlockAssociationSet
                .Where(a => a.CidrBlockState?.State == null || a.CidrBlockState.State.Value == "associated")
                .Select(a => a.CidrBlock).ToList();
            if (cidrs.Count == 0 && !string.IsNullOrEmpty(vpc.CidrBlock)) cidrs.Add(vpc.CidrBlock);
            facts.CidrBlocks = cidrs.Distinct().ToArray();

            var hostnames = await AwsErrors.Call("Read enableDnsHostnames of " + query.VpcId, ep, () => ec2.DescribeVpcAttributeAsync(
                new DescribeVpcAttributeRequest { VpcId = query.VpcId, Attribute = VpcAttributeName.EnableDnsHostnames }, ct), ct).ConfigureAwait(false);
            var support = await AwsErrors.Call("Read enableDnsSupport of " + query.VpcId, ep, () => ec2.DescribeVpcAttributeAsync(
                new DescribeVpcAttributeRequest { VpcId = query.VpcId, Attribute = VpcAttributeName.EnableDnsSupport }, ct), ct).ConfigureAwait(false);
            facts.EnableDnsHostnames = hostnames.EnableDnsHostnames;
            facts.EnableDnsSupport = support.EnableDnsSupport;

            var subnetFilter = query.SubnetIds == null ? new Filter("vpc-id", new List<string> { query.VpcId }) : new Filter("subnet-id", query.SubnetIds.ToList());
            var subnets = new List<AwsSubnetFacts>();
            if (query.SubnetIds == null || query.SubnetIds.Count > 0)
            {
                string? token = null;
                do
                {
                    var page = await AwsErrors.Call("Describe the subnets", ep, () => ec2.DescribeSubnetsAsync(
                        new DescribeSubnetsRequest { Filters = new List<Filter> { subnetFilter }, NextToken = token }, ct), ct).ConfigureAwait(false);
                    subnets.AddRange(page.Subnets.Select(n => new AwsSubnetFacts { SubnetId = n.SubnetId, VpcId = n.VpcId, CidrBlock = n.CidrBlock, AvailabilityZone = n.AvailabilityZone }));
                    token = page.NextToken;
                } while (!string.IsNullOrEmpty(token));
            }
            facts.Subnets = subnets.OrderBy(n => n.AvailabilityZone, StringComparer.Ordinal).ThenBy(n => n.SubnetId, StringComparer.Ordinal).ToArray();

            if (query.SecurityGroupIds != null && query.SecurityGroupIds.Count > 0)
            {
                var groups = await DescribeGroups(s, ec2, new Filter("group-id", query.SecurityGroupIds.ToList()), ct).ConfigureAwait(false);
                facts.SecurityGroups = groups.ToArray();
            }
            if (query.SecurityGroupNames != null && query.SecurityGroupNames.Count > 0)
            {
                var named = await DescribeGroups(s, ec2, new Filter("group-name", query.SecurityGroupNames.ToList()), ct).ConfigureAwait(false);
                facts.SecurityGroups = facts.SecurityGroups.Concat(named.Where(g => g.VpcId == query.VpcId && !facts.SecurityGroups.Any(x => x.SecurityGroupId == g.SecurityGroupId))).ToArray();
            }

            var tables = new List<AwsRouteTableFacts>();
            string? rtToken = null;
            do
            {
                var page = await AwsErrors.Call("Describe the route tables of " + query.VpcId, ep, () => ec2.DescribeRouteTablesAsync(
                    new DescribeRouteTablesRequest { Filters = new List<Filter> { new Filter("vpc-id", new List<string> { query.VpcId }) }, NextToken = rtToken }, ct), ct).ConfigureAwait(false);
                tables.AddRange(page.RouteTables.Select(MapRouteTable));
                rtToken = page.NextToken;
            } while (!string.IsNullOrEmpty(rtToken));
            facts.RouteTables = tables.ToArray();

            var endpoints = new List<AwsVpcEndpoint>();
            string? epToken = null;
            do
            {
                var page = await DescribeEndpoints(s, ec2, new AwsVpcEndpointFilter { VpcId = query.VpcId }, epToken, ct).ConfigureAwait(false);
                endpoints.AddRange(page.VpcEndpoints.Select(e => Map(e, s.Region)).Where(e => e.Service != "Other"));
                epToken = page.NextToken;
            } while (!string.IsNullOrEmpty(epToken));
            facts.DatabricksEndpoints = endpoints.ToArray();
            return facts;
        }

        private static async Task<List<AwsSecurityGroup>> DescribeGroups(AwsSession s, AmazonEC2Client ec2, Filter filter, CancellationToken ct)
        {
            var list = new List<AwsSecurityGroup>();
            string? token = null;
            do
            {
                var page = await AwsErrors.Call("Describe the security groups", s.Ec2Endpoint, () => ec2.DescribeSecurityGroupsAsync(
                    new DescribeSecurityGroupsRequest { Filters = new List<Filter> { filter }, NextToken = token }, ct), ct).ConfigureAwait(false);
                list.AddRange(page.SecurityGroups.Select(g => Map(g, s.Region)));
                token = page.NextToken;
            } while (!string.IsNullOrEmpty(token));
            return list;
        }

        public async Task<AwsSecurityGroup> CreateSecurityGroupAsync(AwsConnectionOptions options, AwsSecurityGroupRequest request, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            var ep = s.Ec2Endpoint;
            var created = await AwsErrors.Call($"Create the security group '{request.GroupName}' in {request.VpcId}", ep, () => ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest
            {
                VpcId = request.VpcId,
                GroupName = request.GroupName,
                Description = request.Description,
                TagSpecifications = Tags(ResourceType.SecurityGroup, request.Tags),
            }, ct), ct).ConfigureAwait(false);
            var id = created.GroupId;
            DbxLog.Verbose($"AWS: created security group {id}; authorizing {request.Ingress.Count} ingress and {request.Egress.Count} egress rules.");
            try
            {
                if (request.Ingress.Count > 0)
                    await AwsErrors.Call("Authorize the ingress rules of " + id, ep, () => ec2.AuthorizeSecurityGroupIngressAsync(
                        new AuthorizeSecurityGroupIngressRequest { GroupId = id, IpPermissions = request.Ingress.Select(r => Permission(r, id)).ToList() }, ct), ct).ConfigureAwait(false);
                if (request.RevokeDefaultEgress)
                    await AwsErrors.Call("Revoke the default egress rule of " + id, ep, () => ec2.RevokeSecurityGroupEgressAsync(new RevokeSecurityGroupEgressRequest
                    {
                        GroupId = id,
                        IpPermissions = new List<IpPermission> { new IpPermission { IpProtocol = "-1", Ipv4Ranges = new List<IpRange> { new IpRange { CidrIp = "0.0.0.0/0" } } } },
                    }, ct), ct).ConfigureAwait(false);
                if (request.Egress.Count > 0)
                    await AwsErrors.Call("Authorize the egress rules of " + id, ep, () => ec2.AuthorizeSecurityGroupEgressAsync(
                        new AuthorizeSecurityGroupEgressRequest { GroupId = id, IpPermissions = request.Egress.Select(r => Permission(r, id)).ToList() }, ct), ct).ConfigureAwait(false);
            }
            catch (DbxAwsException)
            {
                DbxLog.Warning($"AWS: a rule of {id} failed; deleting the group again so nothing half-made is left.");
                try { await ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = id }, CancellationToken.None).ConfigureAwait(false); }
                catch (Exception ex) { DbxLog.Warning($"AWS: could not delete {id}: {ex.Message}"); }
                throw;
            }
            var groups = await DescribeGroups(s, ec2, new Filter("group-id", new List<string> { id }), ct).ConfigureAwait(false);
            return groups.FirstOrDefault() ?? new AwsSecurityGroup { SecurityGroupId = id, GroupName = request.GroupName, VpcId = request.VpcId, Region = s.Region };
        }

        public async Task DeleteVpcEndpointsAsync(AwsConnectionOptions options, IReadOnlyList<string> vpcEndpointIds, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            var doing = "Delete the VPC endpoints " + string.Join(", ", vpcEndpointIds);
            DbxLog.Verbose("AWS: " + doing + ".");
            var r = await AwsErrors.Call(doing, s.Ec2Endpoint,
                () => ec2.DeleteVpcEndpointsAsync(new DeleteVpcEndpointsRequest { VpcEndpointIds = vpcEndpointIds.ToList() }, ct), ct).ConfigureAwait(false);
            var refused = r.Unsuccessful?.FirstOrDefault();
            if (refused != null)
                throw new DbxAwsException(DbxAwsException.ErrorIdFor(refused.Error?.Code, 400),
                    $"{doing}: AWS did not delete {refused.ResourceId}: {refused.Error?.Code} {refused.Error?.Message}", DbxAwsException.CategoryFor(refused.Error?.Code, 400), refused.Error?.Code, 400);
        }

        public async Task DeleteSecurityGroupAsync(AwsConnectionOptions options, string groupId, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            DbxLog.Verbose($"AWS: DeleteSecurityGroup {groupId}.");
            await AwsErrors.Call("Delete the security group " + groupId, s.Ec2Endpoint,
                () => ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = groupId }, ct), ct).ConfigureAwait(false);
        }

        public async Task<AwsVpcPeering> CreateVpcPeeringAsync(AwsConnectionOptions options, AwsVpcPeeringRequest request, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            var ep = s.Ec2Endpoint;
            var created = await AwsErrors.Call($"Request the peering of {request.VpcId} with {request.PeerVpcId}", ep, () => ec2.CreateVpcPeeringConnectionAsync(new CreateVpcPeeringConnectionRequest
            {
                VpcId = request.VpcId,
                PeerVpcId = request.PeerVpcId,
                TagSpecifications = Tags(ResourceType.VpcPeeringConnection, request.Tags),
            }, ct), ct).ConfigureAwait(false);
            var pcx = created.VpcPeeringConnection.VpcPeeringConnectionId;
            var made = new List<AwsRoute>();
            try
            {
                await AwsErrors.Call("Accept " + pcx, ep, () => ec2.AcceptVpcPeeringConnectionAsync(new AcceptVpcPeeringConnectionRequest { VpcPeeringConnectionId = pcx }, ct), ct).ConfigureAwait(false);
                foreach (var route in request.Routes)
                {
                    await AwsErrors.Call($"Add the route {route.DestinationCidrBlock} to {route.RouteTableId}", ep, () => ec2.CreateRouteAsync(new CreateRouteRequest
                    {
                        RouteTableId = route.RouteTableId,
                        DestinationCidrBlock = route.DestinationCidrBlock,
                        VpcPeeringConnectionId = pcx,
                    }, ct), ct).ConfigureAwait(false);
                    made.Add(new AwsRoute { RouteTableId = route.RouteTableId, DestinationCidrBlock = route.DestinationCidrBlock, Target = pcx, State = "active" });
                }
            }
            catch (DbxAwsException)
            {
                DbxLog.Warning($"AWS: setting up {pcx} failed; removing its routes and the peering so nothing half-made is left.");
                foreach (var r in made)
                {
                    try { await ec2.DeleteRouteAsync(new DeleteRouteRequest { RouteTableId = r.RouteTableId, DestinationCidrBlock = r.DestinationCidrBlock }, CancellationToken.None).ConfigureAwait(false); }
                    catch (Exception ex) { DbxLog.Warning($"AWS: could not delete the route {r}: {ex.Message}"); }
                }
                try { await ec2.DeleteVpcPeeringConnectionAsync(new DeleteVpcPeeringConnectionRequest { VpcPeeringConnectionId = pcx }, CancellationToken.None).ConfigureAwait(false); }
                catch (Exception ex) { DbxLog.Warning($"AWS: could not delete {pcx}: {ex.Message}"); }
                throw;
            }
            var described = await AwsErrors.Call("Describe " + pcx, ep, () => ec2.DescribeVpcPeeringConnectionsAsync(
                new DescribeVpcPeeringConnectionsRequest { VpcPeeringConnectionIds = new List<string> { pcx } }, ct), ct).ConfigureAwait(false);
            var status = described.VpcPeeringConnections.FirstOrDefault()?.Status?.Code?.Value ?? "";
            return new AwsVpcPeering
            {
                VpcPeeringConnectionId = pcx,
                VpcId = request.VpcId,
                PeerVpcId = request.PeerVpcId,
                Status = status,
                Routes = made.ToArray(),
                Region = s.Region,
            };
        }

        // ---- endpoint services ----------------------------------------------------------------------

        public async Task<Page<AwsEndpointService>> ListEndpointServicesAsync(AwsConnectionOptions options, IReadOnlyList<string>? serviceIds, string? nextToken, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            var req = new DescribeVpcEndpointServiceConfigurationsRequest { NextToken = nextToken };
            if (serviceIds != null && serviceIds.Count > 0) req.ServiceIds = serviceIds.ToList();
            else req.MaxResults = 100;
            var what = serviceIds != null && serviceIds.Count > 0 ? string.Join(", ", serviceIds) : "the endpoint services of " + s.Region;
            var r = await AwsErrors.Call("Describe " + what, s.Ec2Endpoint,
                () => ec2.DescribeVpcEndpointServiceConfigurationsAsync(req, ct), ct).ConfigureAwait(false);
            var items = new List<AwsEndpointService>();
            foreach (var config in r.ServiceConfigurations)
            {
                var service = Map(config, s.Region);
                service.AllowedPrincipals = await AllowedPrincipals(s, ec2, config.ServiceId, ct).ConfigureAwait(false);
                items.Add(service);
            }
            return new Page<AwsEndpointService>(items, r.NextToken);
        }

        public async Task<AwsEndpointService> CreateEndpointServiceAsync(AwsConnectionOptions options, AwsEndpointServiceRequest request, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            var ep = s.Ec2Endpoint;
            var lbs = string.Join(", ", request.NetworkLoadBalancerArns);
            DbxLog.Verbose($"AWS: CreateVpcEndpointServiceConfiguration over {lbs} (acceptance required: {request.AcceptanceRequired}).");
            var created = await AwsErrors.Call("Create the endpoint service over " + lbs, ep, () => ec2.CreateVpcEndpointServiceConfigurationAsync(new CreateVpcEndpointServiceConfigurationRequest
            {
                NetworkLoadBalancerArns = request.NetworkLoadBalancerArns.ToList(),
                AcceptanceRequired = request.AcceptanceRequired,
                ClientToken = Guid.NewGuid().ToString("N"),
                TagSpecifications = Tags(ResourceType.VpcEndpointService, request.Tags),
            }, ct), ct).ConfigureAwait(false);
            var id = created.ServiceConfiguration.ServiceId;
            if (request.AllowedPrincipals.Count > 0)
            {
                DbxLog.Verbose($"AWS: created endpoint service {id}; allowing {string.Join(", ", request.AllowedPrincipals)}.");
                try
                {
                    await AwsErrors.Call("Allow " + string.Join(", ", request.AllowedPrincipals) + " on " + id, ep, () => ec2.ModifyVpcEndpointServicePermissionsAsync(
                        new ModifyVpcEndpointServicePermissionsRequest { ServiceId = id, AddAllowedPrincipals = request.AllowedPrincipals.ToList() }, ct), ct).ConfigureAwait(false);
                }
                catch (DbxAwsException)
                {
                    DbxLog.Warning($"AWS: allowing the principals on {id} failed; deleting the endpoint service again so nothing half-made is left.");
                    try { await ec2.DeleteVpcEndpointServiceConfigurationsAsync(new DeleteVpcEndpointServiceConfigurationsRequest { ServiceIds = new List<string> { id } }, CancellationToken.None).ConfigureAwait(false); }
                    catch (Exception ex) { DbxLog.Warning($"AWS: could not delete {id}: {ex.Message}"); }
                    throw;
                }
            }
            var page = await ListEndpointServicesAsync(options, new[] { id }, null, ct).ConfigureAwait(false);
            return page.Items.FirstOrDefault() ?? Map(created.ServiceConfiguration, s.Region);
        }

        public async Task<AwsEndpointService> ModifyEndpointServicePermissionsAsync(AwsConnectionOptions options, AwsEndpointServicePermissionChange change, CancellationToken ct)
        {
            var s = await AwsSession.CreateAsync(options, ct).ConfigureAwait(false);
            using var ec2 = s.CreateEc2Client();
            var req = new ModifyVpcEndpointServicePermissionsRequest { ServiceId = change.ServiceId };
            if (change.Add.Count > 0) req.AddAllowedPrincipals = change.Add.ToList();
            if (change.Remove.Count > 0) req.RemoveAllowedPrincipals = change.Remove.ToList();
            var doing = string.Join("; ", new[]
            {
                change.Add.Count > 0 ? "allow " + string.Join(", ", change.Add) : null,
                change.Remove.Count > 0 ? "stop allowing " + string.Join(", ", change.Remove) : null,
            }.Where(x => x != null));
            DbxLog.Verbose($"AWS: ModifyVpcEndpointServicePermissions {change.ServiceId}: {doing}.");
            await AwsErrors.Call($"Change the allowed principals of {change.ServiceId} ({doing})", s.Ec2Endpoint,
                () => ec2.ModifyVpcEndpointServicePermissionsAsync(req, ct), ct).ConfigureAwait(false);
            var page = await ListEndpointServicesAsync(options, new[] { change.ServiceId }, null, ct).ConfigureAwait(false);
            return page.Items.FirstOrDefault() ?? throw new DbxAwsException("DbxAwsInvalidVpcEndpointServiceIdNotFound",
                $"The endpoint service '{change.ServiceId}' was not found in {s.Region} after changing its permissions.", System.Management.Automation.ErrorCategory.ObjectNotFound, "InvalidVpcEndpointServiceId.NotFound", 400);
        }

        private static async Task<string[]> AllowedPrincipals(AwsSession s, AmazonEC2Client ec2, string serviceId, CancellationToken ct)
        {
            var list = new List<string>();
            string? token = null;
            do
            {
                var page = await AwsErrors.Call("Describe the allowed principals of " + serviceId, s.Ec2Endpoint, () => ec2.DescribeVpcEndpointServicePermissionsAsync(
                    new DescribeVpcEndpointServicePermissionsRequest { ServiceId = serviceId, NextToken = token }, ct), ct).ConfigureAwait(false);
                list.AddRange(page.AllowedPrincipals.Select(p => p.Principal).Where(p => !string.IsNullOrEmpty(p)));
                token = page.NextToken;
            } while (!string.IsNullOrEmpty(token));
            return list.Distinct(StringComparer.Ordinal).ToArray();
        }

        // ---- mapping --------------------------------------------------------------------------------

        private static AwsEndpointService Map(ServiceConfiguration c, string region) => new AwsEndpointService
        {
            ServiceId = c.ServiceId,
            ServiceName = c.ServiceName ?? "",
            Region = region,
            ServiceState = c.ServiceState?.Value ?? "",
            AcceptanceRequired = c.AcceptanceRequired ?? false,
            NetworkLoadBalancerArns = (c.NetworkLoadBalancerArns ?? new List<string>()).ToArray(),
            AvailabilityZones = (c.AvailabilityZones ?? new List<string>()).ToArray(),
            BaseEndpointDnsNames = (c.BaseEndpointDnsNames ?? new List<string>()).ToArray(),
            PrivateDnsName = string.IsNullOrEmpty(c.PrivateDnsName) ? null : c.PrivateDnsName,
            Tags = new DatabricksNetworking.Models.DbxMap((c.Tags ?? new List<Tag>()).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.First().Value ?? "")),
        };

        private static List<TagSpecification>? Tags(ResourceType type, IDictionary<string, string> tags)
        {
            if (tags.Count == 0) return null;
            return new List<TagSpecification>
            {
                new TagSpecification { ResourceType = type, Tags = tags.Select(kv => new Tag(kv.Key, kv.Value)).ToList() },
            };
        }

        private static IpPermission Permission(AwsSecurityGroupRule rule, string groupId)
        {
            var p = new IpPermission { IpProtocol = rule.IsAllProtocols ? "-1" : rule.Protocol };
            if (!rule.IsAllProtocols) { p.FromPort = rule.FromPort; p.ToPort = rule.ToPort; }
            if (rule.Self || rule.PeerGroupId != null)
                p.UserIdGroupPairs = new List<UserIdGroupPair> { new UserIdGroupPair { GroupId = rule.Self ? groupId : rule.PeerGroupId, Description = rule.Description } };
            else if (rule.PrefixListId != null)
                p.PrefixListIds = new List<PrefixListId> { new PrefixListId { Id = rule.PrefixListId, Description = rule.Description } };
            else if (rule.Cidr != null && rule.Cidr.Contains(':'))
                p.Ipv6Ranges = new List<Ipv6Range> { new Ipv6Range { CidrIpv6 = rule.Cidr, Description = rule.Description } };
            else
                p.Ipv4Ranges = new List<IpRange> { new IpRange { CidrIp = rule.Cidr ?? "0.0.0.0/0", Description = rule.Description } };
            return p;
        }

        internal static AwsVpcEndpoint Map(VpcEndpoint e, string region)
        {
            var service = PrivateLinkServices.FindByServiceName(e.ServiceName);
            var tags = (e.Tags ?? new List<Tag>()).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.First().Value ?? "");
            return new AwsVpcEndpoint
            {
                AwsVpcEndpointId = e.VpcEndpointId,
                VpcEndpointName = tags.TryGetValue("Name", out var name) ? name : null,
                VpcId = e.VpcId,
                Service = service?.Kind.ToString() ?? "Other",
                ServiceName = e.ServiceName,
                State = e.State?.Value?.ToLowerInvariant() ?? "",
                VpcEndpointType = e.VpcEndpointType?.Value,
                PrivateDnsEnabled = e.PrivateDnsEnabled ?? false,
                SubnetIds = (e.SubnetIds ?? new List<string>()).ToArray(),
                SecurityGroupIds = (e.Groups ?? new List<SecurityGroupIdentifier>()).Select(g => g.GroupId).ToArray(),
                DnsNames = (e.DnsEntries ?? new List<DnsEntry>()).Select(d => d.DnsName).Where(d => !string.IsNullOrEmpty(d)).ToArray(),
                Region = region,
                OwnerId = e.OwnerId,
                CreationTime = e.CreationTimestamp,
                Tags = new DatabricksNetworking.Models.DbxMap(tags),
            };
        }

        private static AwsSecurityGroup Map(SecurityGroup g, string region) => new AwsSecurityGroup
        {
            SecurityGroupId = g.GroupId,
            GroupName = g.GroupName,
            VpcId = g.VpcId,
            Description = g.Description ?? "",
            IngressRules = Rules("Ingress", g.IpPermissions, g.GroupId).ToArray(),
            EgressRules = Rules("Egress", g.IpPermissionsEgress, g.GroupId).ToArray(),
            Region = region,
            Tags = new DatabricksNetworking.Models.DbxMap((g.Tags ?? new List<Tag>()).GroupBy(t => t.Key).ToDictionary(x => x.Key, x => x.First().Value ?? "")),
            Purpose = (g.Tags ?? new List<Tag>()).FirstOrDefault(t => t.Key == "DatabricksPurpose")?.Value,
        };

        private static IEnumerable<AwsSecurityGroupRule> Rules(string direction, List<IpPermission>? permissions, string groupId)
        {
            foreach (var p in permissions ?? new List<IpPermission>())
            {
                var protocol = p.IpProtocol ?? "-1";
                int from = p.FromPort ?? 0, to = p.ToPort ?? 65535;
                if (protocol == "-1") { from = 0; to = 65535; }
                AwsSecurityGroupRule Rule() => new AwsSecurityGroupRule { Direction = direction, Protocol = protocol, FromPort = from, ToPort = to };
                foreach (var r in p.Ipv4Ranges ?? new List<IpRange>()) { var x = Rule(); x.Cidr = r.CidrIp; x.Description = r.Description; yield return x; }
                foreach (var r in p.Ipv6Ranges ?? new List<Ipv6Range>()) { var x = Rule(); x.Cidr = r.CidrIpv6; x.Description = r.Description; yield return x; }
                foreach (var r in p.PrefixListIds ?? new List<PrefixListId>()) { var x = Rule(); x.PrefixListId = r.Id; x.Description = r.Description; yield return x; }
                foreach (var r in p.UserIdGroupPairs ?? new List<UserIdGroupPair>())
                {
                    var x = Rule();
                    if (r.GroupId == groupId) x.Self = true; else x.PeerGroupId = r.GroupId;
                    x.Description = r.Description;
                    yield return x;
                }
            }
        }

        private static AwsRouteTableFacts MapRouteTable(RouteTable t) => new AwsRouteTableFacts
        {
            RouteTableId = t.RouteTableId,
            Main = (t.Associations ?? new List<RouteTableAssociation>()).Any(a => a.Main == true),
            SubnetIds = (t.Associations ?? new List<RouteTableAssociation>()).Where(a => !string.IsNullOrEmpty(a.SubnetId)).Select(a => a.SubnetId).ToArray(),
            Routes = (t.Routes ?? new List<Route>()).Select(r => new AwsRoute
            {
                RouteTableId = t.RouteTableId,
                DestinationCidrBlock = r.DestinationCidrBlock,
                DestinationPrefixListId = r.DestinationPrefixListId,
                Target = r.NatGatewayId ?? r.TransitGatewayId ?? r.VpcPeeringConnectionId ?? r.NetworkInterfaceId ?? r.InstanceId ?? r.GatewayId,
                State = r.State?.Value,
            }).ToArray(),
        };
    }
}
