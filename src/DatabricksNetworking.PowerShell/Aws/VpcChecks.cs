using System;
using System.Collections.Generic;
using System.Linq;
using DatabricksNetworking.Firewall;

namespace DatabricksNetworking.Aws
{
    /// <summary>
    /// The customer-managed VPC requirements Databricks validates (reference databricks-api.md §7.2), checked against
    /// facts read from AWS. Pure: one <see cref="AwsVpcCheck"/> per requirement, in a fixed order.
    /// </summary>
    public static class VpcChecks
    {
        public const int MinPrefix = 17;
        public const int MaxPrefix = 26;

        public static IEnumerable<AwsVpcCheck> Evaluate(AwsVpcFacts f, IReadOnlyList<string>? subnetIds, IReadOnlyList<string>? securityGroupIds)
        {
            var vpc = f.VpcId;
            yield return new AwsVpcCheck(vpc, "DnsHostnames", f.EnableDnsHostnames == true,
                $"DNS hostnames are {OnOff(f.EnableDnsHostnames)} in {vpc}.",
                $"Turn on DNS hostnames: VPC console > {vpc} > Actions > Edit VPC settings, or: aws ec2 modify-vpc-attribute --vpc-id {vpc} --enable-dns-hostnames");
            yield return new AwsVpcCheck(vpc, "DnsSupport", f.EnableDnsSupport == true,
                $"DNS resolution (enableDnsSupport) is {OnOff(f.EnableDnsSupport)} in {vpc}.",
                $"Turn on DNS resolution: VPC console > {vpc} > Actions > Edit VPC settings, or: aws ec2 modify-vpc-attribute --vpc-id {vpc} --enable-dns-support");

            // Subnets: the ones named (that exist in this VPC), or every subnet of the VPC.
            var subnets = f.Subnets.Where(s => s.VpcId == vpc).ToList();
            if (subnetIds != null)
            {
                var missing = subnetIds.Where(id => !f.Subnets.Any(s => s.SubnetId == id)).ToList();
                var elsewhere = f.Subnets.Where(s => s.VpcId != vpc).ToList();
                var problems = missing.Select(id => $"{id} does not exist in {f.Region}").Concat(elsewhere.Select(s => $"{s.SubnetId} belongs to {s.VpcId}")).ToList();
                yield return new AwsVpcCheck(vpc, "SubnetsInVpc", problems.Count == 0,
                    problems.Count == 0 ? $"All {subnetIds.Count} subnets are in {vpc}." : string.Join("; ", problems) + ".",
                    $"Use subnets of {vpc} (aws ec2 describe-subnets --filters Name=vpc-id,Values={vpc} lists them).");
            }
            var zones = subnets.Select(s => s.AvailabilityZone).Distinct(StringComparer.Ordinal).OrderBy(z => z, StringComparer.Ordinal).ToList();
            var listed = string.Join(", ", subnets.Select(s => $"{s.SubnetId} ({s.AvailabilityZone}, {s.CidrBlock})"));
            yield return new AwsVpcCheck(vpc, "SubnetCount", subnets.Count >= 2,
                $"{subnets.Count} subnet(s){(subnets.Count > 0 ? ": " + listed : "")}.",
                $"Databricks needs at least two private subnets for the workspace; create another one in {vpc} in a second availability zone.");
            bool azOk = subnetIds != null ? zones.Count >= 2 && zones.Count == subnets.Count : zones.Count >= 2;
            yield return new AwsVpcCheck(vpc, "SubnetAvailabilityZones", azOk,
                $"The subnets are in {zones.Count} availability zone(s): {(zones.Count == 0 ? "none" : string.Join(", ", zones))}"
                + (subnetIds != null && zones.Count < subnets.Count ? "; some share a zone" : "") + ".",
                "Databricks needs the workspace subnets in different availability zones (one subnet per zone, at least two zones): create a subnet in another zone and use it instead.");
            var badMask = subnets.Where(s => { var p = Cidr.PrefixLength(s.CidrBlock); return p < MinPrefix || p > MaxPrefix; }).ToList();
            yield return new AwsVpcCheck(vpc, "SubnetNetmask", badMask.Count == 0 && subnets.Count > 0,
                badMask.Count == 0 ? (subnets.Count == 0 ? "No subnets to check." : $"Every subnet netmask is between /{MinPrefix} and /{MaxPrefix}.")
                    : "Outside /" + MinPrefix + " to /" + MaxPrefix + ": " + string.Join(", ", badMask.Select(s => $"{s.SubnetId} ({s.CidrBlock})")) + ".",
                $"Use subnets with a netmask between /{MinPrefix} and /{MaxPrefix} (a /17 holds the most nodes; each node takes two addresses).");

            if (securityGroupIds != null && securityGroupIds.Count > 0)
            {
                foreach (var c in SecurityGroupChecks(f, securityGroupIds)) yield return c;
            }

            yield return RouteCheck(f, subnets, subnetIds != null);
        }

        private static IEnumerable<AwsVpcCheck> SecurityGroupChecks(AwsVpcFacts f, IReadOnlyList<string> ids)
        {
            var vpc = f.VpcId;
            var groups = f.SecurityGroups.Where(g => g.VpcId == vpc && ids.Contains(g.SecurityGroupId)).ToList();
            var problems = ids.Where(id => !f.SecurityGroups.Any(g => g.SecurityGroupId == id)).Select(id => $"{id} does not exist in {f.Region}")
                .Concat(f.SecurityGroups.Where(g => g.VpcId != vpc).Select(g => $"{g.SecurityGroupId} belongs to {g.VpcId}")).ToList();
            if (ids.Count > 5) problems.Add($"{ids.Count} groups given; a network configuration takes 1 to 5");
            yield return new AwsVpcCheck(vpc, "SecurityGroupsInVpc", problems.Count == 0,
                problems.Count == 0 ? $"{groups.Count} security group(s) of {vpc}: {string.Join(", ", groups.Select(g => g.SecurityGroupId))}." : string.Join("; ", problems) + ".",
                $"Use 1 to 5 security groups of {vpc}; New-DbxAwsSecurityGroup -VpcId {vpc} -Purpose Workspace makes one with the documented rules.");

            var egress = groups.SelectMany(g => g.EgressRules).ToList();
            var required = AwsPlans.Applicable(DatabricksPorts.WorkspaceEgress, f.Region, includeOptional: false).ToList();
            // Traffic to the workspace groups themselves does not reach Databricks: only CIDRs, prefix lists or other groups (the endpoints') count.
            bool Outward(AwsSecurityGroupRule r) => !r.Self && (r.Cidr != null || r.PrefixListId != null || (r.PeerGroupId != null && !ids.Contains(r.PeerGroupId)));
            var missing = required.Where(p => !egress.Any(r => r.Covers("tcp", p.FromPort, p.ToPort) && Outward(r))).ToList();
            yield return new AwsVpcCheck(vpc, "SecurityGroupEgressPorts", missing.Count == 0 && groups.Count > 0,
                missing.Count == 0 ? (groups.Count == 0 ? "No security group to check." : $"TCP egress is open on {string.Join(", ", required)}.")
                    : $"No TCP egress on {string.Join(", ", missing)} ({string.Join("; ", missing.Select(p => $"{p}: {p.Purpose}"))}).",
                "Allow TCP egress on " + string.Join(", ", missing.Count > 0 ? missing : required) + " to 0.0.0.0/0 (or to the VPC CIDR where the PrivateLink endpoints are), or create the group with New-DbxAwsSecurityGroup -Purpose Workspace.");

            var lacking = new List<string>();
            foreach (var g in groups)
            {
                bool Self(AwsSecurityGroupRule r) => r.Self || (r.PeerGroupId != null && ids.Contains(r.PeerGroupId));
                var inOk = g.IngressRules.Any(r => Self(r) && r.Covers("tcp", 0, 65535)) && g.IngressRules.Any(r => Self(r) && r.Covers("udp", 0, 65535));
                var outOk = g.EgressRules.Any(r => Self(r) && r.Covers("tcp", 0, 65535)) && g.EgressRules.Any(r => Self(r) && r.Covers("udp", 0, 65535));
                if (!inOk) lacking.Add($"{g.SecurityGroupId} does not admit all TCP and UDP from itself");
                if (!outOk) lacking.Add($"{g.SecurityGroupId} does not allow all TCP and UDP to itself");
            }
            yield return new AwsVpcCheck(vpc, "SecurityGroupIntraGroup", lacking.Count == 0 && groups.Count > 0,
                lacking.Count == 0 ? (groups.Count == 0 ? "No security group to check." : "Every group allows all TCP and UDP within itself, both ways.") : string.Join("; ", lacking) + ".",
                "Add ingress and egress rules for TCP 0-65535 and UDP 0-65535 with the group itself as source and destination (cluster nodes talk to each other on any port).");
        }

        private static AwsVpcCheck RouteCheck(AwsVpcFacts f, List<AwsSubnetFacts> subnets, bool named)
        {
            var vpc = f.VpcId;
            var usable = f.DatabricksEndpoints.Where(e => e.State == "available" || e.State == "pending" || e.State == "pendingacceptance").ToList();
            bool hasWorkspace = usable.Any(e => e.Service == "Workspace"), hasRelay = usable.Any(e => e.Service == "Relay");
            if (hasWorkspace && hasRelay)
                return new AwsVpcCheck(vpc, "OutboundRoute", true,
                    $"{vpc} reaches Databricks through its PrivateLink endpoints {string.Join(", ", usable.Select(e => $"{e.AwsVpcEndpointId} ({e.Service})"))}.", null);
            var main = f.RouteTables.FirstOrDefault(t => t.Main);
            var problems = new List<string>();
            var good = new List<string>();
            foreach (var s in subnets)
            {
                var table = f.RouteTables.FirstOrDefault(t => t.SubnetIds.Contains(s.SubnetId)) ?? main;
                var def = table?.Routes.FirstOrDefault(r => r.DestinationCidrBlock == "0.0.0.0/0" && r.State != "blackhole");
                var target = def?.Target ?? "";
                if (table == null) problems.Add($"{s.SubnetId} has no route table");
                else if (def == null) problems.Add($"{s.SubnetId} ({table.RouteTableId}) has no default route (0.0.0.0/0)");
                else if (target.StartsWith("igw-", StringComparison.Ordinal)) problems.Add($"{s.SubnetId} ({table.RouteTableId}) routes 0.0.0.0/0 to the internet gateway {target}: it is a public subnet");
                else if (target.StartsWith("nat-", StringComparison.Ordinal) || target.StartsWith("tgw-", StringComparison.Ordinal) || target.StartsWith("eni-", StringComparison.Ordinal) || target.StartsWith("i-", StringComparison.Ordinal))
                    good.Add($"{s.SubnetId} via {target}");
                else problems.Add($"{s.SubnetId} ({table.RouteTableId}) routes 0.0.0.0/0 to {target}, not to a NAT gateway");
            }
            // Named subnets must all route out privately; otherwise the VPC needs two private subnets (in two zones) that do.
            var goodZones = subnets.Where(s => good.Any(g => g.StartsWith(s.SubnetId + " ", StringComparison.Ordinal))).Select(s => s.AvailabilityZone).Distinct().Count();
            var passed = named ? problems.Count == 0 && subnets.Count > 0 : goodZones >= 2;
            var endpointsNote = usable.Count > 0 ? $" (only the {(hasWorkspace ? "Workspace" : "Relay")} PrivateLink endpoint exists)" : "";
            return new AwsVpcCheck(vpc, "OutboundRoute", passed,
                passed ? "Outbound traffic leaves through " + string.Join(", ", good) + "."
                    : (subnets.Count == 0 ? "No subnets to check" : string.Join("; ", named ? problems : problems.Concat(good.Select(g => g + " (one zone is not enough)")))) + endpointsNote + ".",
                "Give the workspace subnets a route 0.0.0.0/0 to a NAT gateway (in a public subnet), or create both Databricks PrivateLink endpoints (New-DbxAwsVpcEndpoint -Service Workspace and -Service Relay) for a fully private workspace.");
        }

        private static string OnOff(bool? value) => value == true ? "on" : value == false ? "off" : "unknown";
    }
}
