using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DatabricksNetworking.Firewall
{
    /// <summary>A TCP port range the workspace security group must reach (egress) and what it is for.</summary>
    public sealed class PortRequirement
    {
        public PortRequirement(int fromPort, int toPort, string purpose, bool inGovCloud = true, bool optional = false,
            string source = "", bool confirmed = true, string? condition = null)
        {
            FromPort = fromPort;
            ToPort = toPort;
            Purpose = purpose;
            InGovCloud = inGovCloud;
            Optional = optional;
            Source = source;
            Confirmed = confirmed;
            Condition = condition ?? "";
        }

        public int FromPort { get; }
        public int ToPort { get; }
        public string Purpose { get; }
        /// <summary>False for ports GovCloud shards do not use (6666: the SCC relay over PrivateLink).</summary>
        public bool InGovCloud { get; }
        /// <summary>Legacy or feature-specific ports (3306 legacy Hive metastore, 5432 Lakebase): not required.</summary>
        public bool Optional { get; }
        /// <summary>Source tags of the reference (databricks-regions.md §0) the port comes from, e.g. "SRA, TDE, TPD".</summary>
        public string Source { get; }
        /// <summary>False when only one source gives the port (the reference marks it UNCONFIRMED).</summary>
        public bool Confirmed { get; }
        /// <summary>When the port is needed ("" = always), e.g. "Compliance security profile".</summary>
        public string Condition { get; }
        /// <summary>True when <paramref name="port"/> lies in this range.</summary>
        public bool Covers(int port) => FromPort <= port && port <= ToPort;
        public override string ToString() => FromPort == ToPort
            ? FromPort.ToString(CultureInfo.InvariantCulture)
            : FromPort.ToString(CultureInfo.InvariantCulture) + "-" + ToPort.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The single source of the Databricks ports (reference databricks-regions.md §2): New-DbxAwsSecurityGroup opens
    /// them, Test-DbxAwsVpc checks them, Get-DbxFirewallRequirement reports them (its FQDN rules take their ports
    /// from here through <see cref="Egress"/>). Keep this API stable.
    /// </summary>
    public static class DatabricksPorts
    {
        public const int Https = 443;
        public const int FipsRelay = 2443;
        public const int PrivateLinkRelay = 6666;
        public const int HiveMetastore = 3306;

        private const string Csp = "Compliance security profile (FIPS)";

        public static readonly IReadOnlyList<PortRequirement> WorkspaceEgress = new[]
        {
            new PortRequirement(443, 443, "Web application, REST API, SCC relay without PrivateLink, S3/STS/Kinesis, PrivateLink REST endpoint", source: "SRA, TDE, TPD"),
            new PortRequirement(2443, 2443, "FIPS-encrypted SCC relay (compliance security profile)", source: "SRA, TDE, TPD", condition: Csp),
            new PortRequirement(6666, 6666, "SCC relay over back-end PrivateLink", inGovCloud: false, source: "SRA, TDE, TPD"),
            new PortRequirement(8443, 8443, "Internal calls from the compute plane to the control-plane API", source: "SRA, TDE"),
            new PortRequirement(8444, 8444, "Unity Catalog logging and lineage data streaming", source: "SRA, TDE"),
            new PortRequirement(8445, 8451, "Reserved for future extendability", source: "SRA, TDE"),
            new PortRequirement(3306, 3306, "Legacy Databricks-hosted Hive metastore", optional: true, source: "TDE, TPD, NB",
                condition: "Only with the legacy workspace Hive metastore"),
            new PortRequirement(5432, 5432, "Lakebase PostgreSQL (UNCONFIRMED outside SRA)", optional: true, source: "SRA", confirmed: false,
                condition: "Only with Lakebase"),
        };

        /// <summary>Ports a PrivateLink VPC endpoint security group admits from the workspace security group.</summary>
        public static readonly IReadOnlyList<PortRequirement> EndpointIngress = new[]
        {
            new PortRequirement(443, 443, "PrivateLink REST API and web application", source: "SRA, TDE"),
            new PortRequirement(6666, 6666, "SCC relay over back-end PrivateLink", inGovCloud: false, source: "SRA, TDE"),
            new PortRequirement(2443, 2443, "FIPS-encrypted SCC relay (compliance security profile)", source: "SRA, TDE", condition: Csp),
            new PortRequirement(8443, 8451, "Control-plane internal calls, UC lineage, reserved", source: "SRA", confirmed: false),
            new PortRequirement(5432, 5432, "Lakebase PostgreSQL (UNCONFIRMED outside SRA)", optional: true, source: "SRA", confirmed: false,
                condition: "Only with Lakebase"),
        };

        /// <summary>The workspace egress requirement that covers <paramref name="port"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The port is not a Databricks port.</exception>
        public static PortRequirement Egress(int port) =>
            WorkspaceEgress.FirstOrDefault(p => p.Covers(port))
            ?? throw new ArgumentOutOfRangeException(nameof(port), port, "Not a Databricks workspace egress port.");

        /// <summary>The requirements that apply in a region (GovCloud shards do not use 6666).</summary>
        public static IEnumerable<PortRequirement> ForRegion(IEnumerable<PortRequirement> list, string region) =>
            list.Where(p => p.InGovCloud || !IsGovCloud(region));

        public static bool IsGovCloud(string region) => region.StartsWith("us-gov-", StringComparison.Ordinal);
    }
}
