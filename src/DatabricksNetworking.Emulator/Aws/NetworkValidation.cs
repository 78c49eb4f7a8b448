using System.Text.Json.Nodes;

namespace DatabricksNetworking.Emulator.Aws;

/// <summary>The outcome of validating a network configuration: vpc_status and the wire error/warning lists.</summary>
public sealed record NetworkVerdict(string VpcStatus, JsonArray Errors, JsonArray Warnings);

/// <summary>
/// The customer-managed VPC requirements Databricks checks when a workspace uses a network configuration
/// (reference databricks-api.md §7.2): the VPC exists with DNS hostnames and DNS support on; every subnet exists in
/// that VPC with a netmask between /17 and /26; the subnets span at least two availability zones (more than one
/// subnet in an AZ is a warning); every security group exists in that VPC. Pure: AWS facts in, verdict out.
/// </summary>
public static class NetworkValidation
{
    public const int MinPrefix = 17;
    public const int MaxPrefix = 26;

    public static NetworkVerdict Validate(string vpcId, IReadOnlyList<string> subnetIds, IReadOnlyList<string> groupIds, NetworkFacts facts)
    {
        var errors = new JsonArray();
        var warnings = new JsonArray();
        void Error(string type, string message) => errors.Add(new JsonObject { ["error_type"] = type, ["error_message"] = message });
        void Warn(string type, string message) => warnings.Add(new JsonObject { ["warning_type"] = type, ["warning_message"] = message });

        if (!facts.VpcExists) Error("vpc", $"VPC {vpcId} does not exist.");
        else
        {
            if (!facts.DnsHostnames) Error("vpc", $"VPC {vpcId} must have DNS hostnames enabled (enableDnsHostnames).");
            if (!facts.DnsSupport) Error("vpc", $"VPC {vpcId} must have DNS resolution enabled (enableDnsSupport).");
        }

        var found = new List<SubnetFacts>();
        foreach (var id in subnetIds)
        {
            var s = facts.Subnets.FirstOrDefault(x => x.SubnetId == id);
            if (s == null) { Error("subnet", $"Subnet {id} does not exist."); continue; }
            if (s.VpcId != vpcId) { Error("subnet", $"Subnet {id} is in {s.VpcId}, not in {vpcId}."); continue; }
            var prefix = Prefix(s.CidrBlock);
            if (prefix < MinPrefix || prefix > MaxPrefix)
                Error("subnet", $"Subnet {id} ({s.CidrBlock}) has netmask /{prefix}; Databricks needs a netmask between /{MinPrefix} and /{MaxPrefix}.");
            found.Add(s);
        }
        var zones = found.GroupBy(s => s.AvailabilityZone).ToList();
        if (found.Count == subnetIds.Count && zones.Count < 2)
            Error("subnet", $"The subnets must be in at least two availability zones; all are in {string.Join(", ", zones.Select(z => z.Key))}.");
        foreach (var z in zones.Where(z => z.Count() > 1))
            Warn("subnet", $"Subnets {string.Join(", ", z.Select(s => s.SubnetId))} are in the same availability zone {z.Key}; Databricks uses one subnet per availability zone.");

        foreach (var id in groupIds)
        {
            var g = facts.SecurityGroups.FirstOrDefault(x => x.GroupId == id);
            if (g == null) Error("securityGroup", $"Security group {id} does not exist.");
            else if (g.VpcId != vpcId) Error("securityGroup", $"Security group {id} is in {g.VpcId}, not in {vpcId}.");
        }

        var status = errors.Count > 0 ? "BROKEN" : warnings.Count > 0 ? "WARNED" : "VALID";
        return new NetworkVerdict(status, errors, warnings);
    }

    /// <summary>The prefix length of an IPv4 CIDR block, or -1 when it is not one.</summary>
    public static int Prefix(string? cidr)
    {
        var slash = cidr?.IndexOf('/') ?? -1;
        return slash > 0 && int.TryParse(cidr![(slash + 1)..], out var p) ? p : -1;
    }
}
