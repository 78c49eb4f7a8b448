using System.Collections.Generic;

namespace DatabricksNetworking.Firewall
{
    /// <summary>A TCP port range the workspace security group must reach (egress) and what it is for.</summary>
    public sealed class PortRequirement
    {
        public PortRequirement(int fromPort, int toPort, string purpose, bool inGovCloud = true, bool optional = false)
        {
            FromPort = fromPort;
            ToPort = toPort;
            Purpose = purpose;
            InGovCloud = inGovCloud;
            Optional = optional;
        }

        public int FromPort { get; }
        public int ToPort { get; }
        public string Purpose { get; }
        /// <summary>False for ports GovCloud shards do not use (6666: the SCC relay over PrivateLink).</summary>
        public bool InGovCloud { get; }
        /// <summary>Legacy or feature-specific ports (3306 legacy Hive metastore, 5432 Lakebase): not required.</summary>
        public bool Optional { get; }
        public override string ToString() => FromPort == ToPort ? $"{FromPort}" : $"{FromPort}-{ToPort}";
    }

    /// <summary>
    /// The single source of the Databricks ports (reference databricks-regions.md §2): New-DbxAwsSecurityGroup opens
    /// them, Test-DbxAwsVpc checks them, Get-DbxFirewallRequirement reports them. Keep this API stable.
    /// </summary>
    public static class DatabricksPorts
    {
        public static readonly IReadOnlyList<PortRequirement> WorkspaceEgress = new[]
        {
            new PortRequirement(443, 443, "Web application, REST API, SCC relay without PrivateLink, S3/STS/Kinesis, PrivateLink REST endpoint"),
            new PortRequirement(2443, 2443, "FIPS-encrypted SCC relay (compliance security profile)"),
            new PortRequirement(6666, 6666, "SCC relay over back-end PrivateLink", inGovCloud: false),
            new PortRequirement(8443, 8443, "Internal calls from the compute plane to the control-plane API"),
            new PortRequirement(8444, 8444, "Unity Catalog logging and lineage data streaming"),
            new PortRequirement(8445, 8451, "Reserved for future extendability"),
            new PortRequirement(3306, 3306, "Legacy Databricks-hosted Hive metastore", optional: true),
            new PortRequirement(5432, 5432, "Lakebase PostgreSQL (UNCONFIRMED outside SRA)", optional: true),
        };

        /// <summary>Ports a PrivateLink VPC endpoint security group admits from the workspace security group.</summary>
        public static readonly IReadOnlyList<PortRequirement> EndpointIngress = new[]
        {
            new PortRequirement(443, 443, "PrivateLink REST API and web application"),
            new PortRequirement(6666, 6666, "SCC relay over back-end PrivateLink", inGovCloud: false),
            new PortRequirement(2443, 2443, "FIPS-encrypted SCC relay (compliance security profile)"),
            new PortRequirement(8443, 8451, "Control-plane internal calls, UC lineage, reserved"),
            new PortRequirement(5432, 5432, "Lakebase PostgreSQL (UNCONFIRMED outside SRA)", optional: true),
        };
    }
}
