using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>
    /// One firewall rule for a Databricks on AWS region (Get-DbxFirewallRequirement). Every property is a flat
    /// string so the rules survive Export-Csv / Import-Csv unchanged on the way to a network team.
    /// </summary>
    public sealed class FirewallRequirement
    {
        public string Region { get; set; } = "";
        /// <summary>ClassicCompute, BackEndPrivateLink or FrontEnd (what -Purpose selects).</summary>
        public string Purpose { get; set; } = "";
        /// <summary>What the rule is for: web application, SCC relay, legacy Hive metastore, log bucket, ...</summary>
        public string UsedFor { get; set; } = "";
        /// <summary>FQDN, CIDR, S3 bucket name, VPC endpoint service name or security group.</summary>
        public string Destination { get; set; } = "";
        /// <summary>Fqdn, Cidr, S3Bucket, VpcEndpointService or SecurityGroup.</summary>
        public string DestinationType { get; set; } = "";
        /// <summary>A port or range ("443", "8445-8451").</summary>
        public string Ports { get; set; } = "";
        public string Protocol { get; set; } = "TCP";
        /// <summary>Outbound (from the compute plane or the clients) or Inbound.</summary>
        public string Direction { get; set; } = "";
        /// <summary>When the rule is needed; empty when always.</summary>
        public string Condition { get; set; } = "";
        /// <summary>Confirmed (two or more sources, or the Databricks docs) or Unconfirmed.</summary>
        public string Confidence { get; set; } = "";
        /// <summary>Where the value comes from: source tags of the module's reference (see the help's NOTES).</summary>
        public string Source { get; set; } = "";
        public string Note { get; set; } = "";
        /// <summary>The date the module's table was compiled (yyyy-MM-dd).</summary>
        public string AsOf { get; set; } = "";

        public override string ToString() => $"{Destination}:{Ports}";
    }

    /// <summary>One prefix of Databricks' published ip-ranges.json (Get-DbxPublishedIpRange).</summary>
    public sealed class PublishedIpRange
    {
        public string Prefix { get; set; } = "";
        /// <summary>IPv4 or IPv6.</summary>
        public string AddressFamily { get; set; } = "";
        public string Platform { get; set; } = "";
        public string Region { get; set; } = "";
        public string Service { get; set; } = "";
        /// <summary>As in the feed: inbound or outbound.</summary>
        public string Type { get; set; } = "";
        /// <summary>The feed's timestampSeconds, as UTC.</summary>
        public DateTime FeedTimestamp { get; set; }
        public string SchemaVersion { get; set; } = "";
        /// <summary>The URL or file the feed was read from.</summary>
        public string Source { get; set; } = "";
        /// <summary>
        /// What the source is: Databricks (its public URL), EmulatorFixture (the module's emulator: not Databricks'
        /// published ranges), File (a local copy) or Url (another URL, such as a mirror).
        /// </summary>
        public string SourceKind { get; set; } = "";
        /// <summary>True when the feed was unreachable and the cached last good copy was used.</summary>
        public bool FromCache { get; set; }

        public override string ToString() => Prefix;
    }

    /// <summary>Wire model of ip-ranges.json (reference databricks-regions.md §6).</summary>
    public sealed class IpRangesFeed
    {
        [JsonPropertyName("timestampSeconds")] public long? TimestampSeconds { get; set; }
        [JsonPropertyName("schemaVersion")] public string? SchemaVersion { get; set; }
        [JsonPropertyName("prefixes")] public DbxList<IpRangesEntry>? Prefixes { get; set; }
    }

    /// <summary>One (platform, region, service, type) entry of ip-ranges.json.</summary>
    public sealed class IpRangesEntry
    {
        /// <summary>aws, azure or gcp (string: new platforms must not break reading).</summary>
        [JsonPropertyName("platform")] public string? Platform { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("service")] public string? Service { get; set; }
        /// <summary>inbound or outbound.</summary>
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("ipv4Prefixes")] public DbxList<string?>? Ipv4Prefixes { get; set; }
        [JsonPropertyName("ipv6Prefixes")] public DbxList<string?>? Ipv6Prefixes { get; set; }
        public override string ToString() => $"{Platform} {Region} {Service} {Type}: {Ipv4Prefixes?.Count ?? 0} IPv4, {Ipv6Prefixes?.Count ?? 0} IPv6 prefixes";
    }
}
