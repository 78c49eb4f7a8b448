using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DatabricksNetworking.Cmdlets;
using DatabricksNetworking.Firewall;

namespace DatabricksNetworking.Aws
{
    /// <summary>Pure planning of what the AWS cmdlets change: security group rules and peering routes (xUnit-tested).</summary>
    public static class AwsPlans
    {
        public static bool IsGovCloud(string region) => region.StartsWith("us-gov-", StringComparison.Ordinal);

        /// <summary>The ports of <paramref name="list"/> that apply in the region (6666 is not used in GovCloud); optional ones only when asked.</summary>
        public static IEnumerable<PortRequirement> Applicable(IEnumerable<PortRequirement> list, string region, bool includeOptional) =>
            list.Where(p => (includeOptional || !p.Optional) && (p.InGovCloud || !IsGovCloud(region)));

        /// <summary>The workspace security group Databricks documents: all TCP and UDP within the group both ways, and TCP egress
        /// on every Databricks port (DatabricksPorts.WorkspaceEgress) to <paramref name="egressCidr"/>.</summary>
        public static (AwsSecurityGroupRule[] Ingress, AwsSecurityGroupRule[] Egress) WorkspaceRules(string region, string egressCidr, bool includeOptional)
        {
            var ingress = new[]
            {
                new AwsSecurityGroupRule { Direction = "Ingress", Protocol = "tcp", FromPort = 0, ToPort = 65535, Self = true, Description = "Databricks: all TCP within the workspace group" },
                new AwsSecurityGroupRule { Direction = "Ingress", Protocol = "udp", FromPort = 0, ToPort = 65535, Self = true, Description = "Databricks: all UDP within the workspace group" },
            };
            var egress = new List<AwsSecurityGroupRule>
            {
                new AwsSecurityGroupRule { Direction = "Egress", Protocol = "tcp", FromPort = 0, ToPort = 65535, Self = true, Description = "Databricks: all TCP within the workspace group" },
                new AwsSecurityGroupRule { Direction = "Egress", Protocol = "udp", FromPort = 0, ToPort = 65535, Self = true, Description = "Databricks: all UDP within the workspace group" },
            };
            foreach (var p in Applicable(DatabricksPorts.WorkspaceEgress, region, includeOptional))
                egress.Add(new AwsSecurityGroupRule { Direction = "Egress", Protocol = "tcp", FromPort = p.FromPort, ToPort = p.ToPort, Cidr = egressCidr, Description = Short(p.Purpose) });
            return (ingress, egress.ToArray());
        }

        /// <summary>The PrivateLink endpoint security group: TCP on DatabricksPorts.EndpointIngress from the workspace group (or
        /// the VPC CIDRs), and the same ports back to it (the Terraform guide's "bidirectional" rule).</summary>
        public static (AwsSecurityGroupRule[] Ingress, AwsSecurityGroupRule[] Egress) EndpointRules(string region, string? sourceGroupId, IReadOnlyList<string> sourceCidrs, bool includeOptional)
        {
            var ingress = new List<AwsSecurityGroupRule>();
            var egress = new List<AwsSecurityGroupRule>();
            foreach (var p in Applicable(DatabricksPorts.EndpointIngress, region, includeOptional))
            {
                var peers = sourceGroupId != null ? new[] { (string?)null } : sourceCidrs.Select(c => (string?)c).ToArray();
                foreach (var cidr in peers)
                {
                    ingress.Add(new AwsSecurityGroupRule { Direction = "Ingress", Protocol = "tcp", FromPort = p.FromPort, ToPort = p.ToPort, PeerGroupId = sourceGroupId, Cidr = cidr, Description = Short(p.Purpose) });
                    egress.Add(new AwsSecurityGroupRule { Direction = "Egress", Protocol = "tcp", FromPort = p.FromPort, ToPort = p.ToPort, PeerGroupId = sourceGroupId, Cidr = cidr, Description = Short(p.Purpose) });
                }
            }
            return (ingress.ToArray(), egress.ToArray());
        }

        /// <summary>AWS rule descriptions allow 255 characters of a limited set; keep the purpose short and plain.</summary>
        private static string Short(string purpose)
        {
            var text = "Databricks: " + new string(purpose.Where(c => char.IsLetterOrDigit(c) || " ._-:/()#,@[]+=&;{}!$*".IndexOf(c) >= 0).ToArray());
            return text.Length > 255 ? text.Substring(0, 255) : text;
        }

        /// <summary>
        /// The routes a peering needs: in each route table (all of both VPCs, or the given ones) a route to every CIDR of the
        /// other VPC. Overlapping CIDRs, a route table of neither VPC, or a destination a table already routes are refused here.
        /// </summary>
        public static AwsRoute[] PeeringRoutes(AwsVpcFacts vpc, AwsVpcFacts peer, IReadOnlyList<string>? routeTableIds)
        {
            foreach (var a in vpc.CidrBlocks)
                foreach (var b in peer.CidrBlocks)
                    if (Cidr.Overlaps(a, b))
                        throw new DbxValidationException("DbxInvalidPeeringCidrOverlap",
                            $"{vpc.VpcId} ({a}) and {peer.VpcId} ({b}) have overlapping CIDR blocks; AWS cannot route between overlapping VPCs. Peer VPCs with distinct address ranges.", peer.VpcId);
            var tables = new List<(AwsRouteTableFacts Table, AwsVpcFacts Other)>();
            if (routeTableIds == null || routeTableIds.Count == 0)
            {
                tables.AddRange(vpc.RouteTables.Select(t => (t, peer)));
                tables.AddRange(peer.RouteTables.Select(t => (t, vpc)));
            }
            else
            {
                foreach (var id in routeTableIds.Distinct(StringComparer.Ordinal))
                {
                    var t = vpc.RouteTables.FirstOrDefault(r => r.RouteTableId == id);
                    if (t != null) { tables.Add((t, peer)); continue; }
                    t = peer.RouteTables.FirstOrDefault(r => r.RouteTableId == id);
                    if (t != null) { tables.Add((t, vpc)); continue; }
                    throw new DbxValidationException("DbxInvalidRouteTableId", $"The route table '{id}' belongs to neither {vpc.VpcId} nor {peer.VpcId}.", id);
                }
            }
            var routes = new List<AwsRoute>();
            foreach (var (table, other) in tables)
            {
                foreach (var cidr in other.CidrBlocks)
                {
                    var existing = table.Routes.FirstOrDefault(r => r.DestinationCidrBlock == cidr);
                    if (existing != null)
                        throw new DbxValidationException("DbxInvalidRouteConflict",
                            $"The route table {table.RouteTableId} already routes {cidr} to {existing.Target}; remove that route or leave the table out with -RouteTableId.", table.RouteTableId);
                    routes.Add(new AwsRoute { RouteTableId = table.RouteTableId, DestinationCidrBlock = cidr });
                }
            }
            return routes.ToArray();
        }
    }

    /// <summary>Minimal IPv4 CIDR arithmetic for the AWS checks.</summary>
    public static class Cidr
    {
        public static bool TryParse(string? text, out uint network, out int prefix)
        {
            network = 0; prefix = -1;
            if (string.IsNullOrEmpty(text)) return false;
            var slash = text!.IndexOf('/');
            if (slash < 0 || !int.TryParse(text.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix < 0 || prefix > 32) return false;
            var parts = text.Substring(0, slash).Split('.');
            if (parts.Length != 4) return false;
            uint value = 0;
            foreach (var part in parts)
            {
                if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var b)) return false;
                value = (value << 8) | b;
            }
            network = prefix == 0 ? 0 : value & (uint.MaxValue << (32 - prefix));
            return true;
        }

        public static int PrefixLength(string cidr) => TryParse(cidr, out _, out var p) ? p : -1;

        public static bool Overlaps(string a, string b)
        {
            if (!TryParse(a, out var na, out var pa) || !TryParse(b, out var nb, out var pb)) return false;
            var p = Math.Min(pa, pb);
            var mask = p == 0 ? 0u : uint.MaxValue << (32 - p);
            return (na & mask) == (nb & mask);
        }
    }
}
