using System;
using System.Collections.Generic;
using System.Linq;
using DatabricksNetworking.Data;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Firewall
{
    /// <summary>What a set of firewall rules is for (Get-DbxFirewallRequirement -Purpose).</summary>
    public enum FirewallPurpose
    {
        /// <summary>Every rule below.</summary>
        All,
        /// <summary>Classic compute plane egress (the workspace VPC, or a firewall/proxy in front of it).</summary>
        ClassicCompute,
        /// <summary>Back-end PrivateLink: the SCC relay and REST endpoints inside the workspace VPC.</summary>
        BackEndPrivateLink,
        /// <summary>Users and clients reaching the web application, the account console and Service Direct.</summary>
        FrontEnd,
    }

    /// <summary>A value with the reference's source tags and confidence.</summary>
    internal sealed class Fact
    {
        public Fact(string value, string source, bool confirmed = true, string note = "", string condition = "")
        {
            Value = value; Source = source; Confirmed = confirmed; Note = note; Condition = condition;
        }
        public string Value { get; }
        public string Source { get; }
        public bool Confirmed { get; }
        public string Note { get; }
        public string Condition { get; }
    }

    /// <summary>The facts the table holds for one region (null or empty = the reference gives no value).</summary>
    internal sealed class RegionFacts
    {
        public RegionFacts(string region) { Region = region; }
        public string Region { get; }
        public string ShortName = "";
        public Fact? WebApp, ControlPlaneCidr, ExtraInboundCidr, Relay, RelayPrivateLink, ServiceDirect;
        public List<Fact> ControlPlaneNat = new List<Fact>();
        public List<Fact> HiveMetastore = new List<Fact>();
        public List<Fact> Kinesis = new List<Fact>();
        public List<(string UsedFor, Fact Bucket)> Buckets = new List<(string, Fact)>();
        public List<Fact> AccountConsole = new List<Fact>();
        /// <summary>Confidence and notes of the region's PrivateLink endpoint services (ids from <see cref="PrivateLinkServices"/>).</summary>
        public Fact? PrivateLink;
    }

    /// <summary>
    /// The module's table of per-region firewall facts for Databricks on AWS, compiled from the reference
    /// databricks-regions.md (tables T1–T7 and sections 2, 3, 5, 6) on <see cref="AsOf"/>. Each value carries its
    /// source tags and a confidence: Unconfirmed where the reference says UNCONFIRMED, "pattern only", or has a
    /// single non-Databricks-docs source. A value the reference does not give is absent (a <see cref="FirewallGap"/>),
    /// never guessed. Ports come from <see cref="DatabricksPorts"/>. Plain data: no PowerShell, no I/O.
    /// </summary>
    public static class FirewallTable
    {
        /// <summary>The date the table was compiled (its sources are dated up to 2026-09-07).</summary>
        public const string AsOf = "2026-11-27";

        /// <summary>Databricks' published machine-readable IP ranges (reference §6).</summary>
        public const string PublishedIpRangesUrl = "https://www.databricks.com/networking/v1/ip-ranges.json";

        /// <summary>The Databricks docs page to check values against.</summary>
        public const string DocsUrl = "https://docs.databricks.com/aws/en/resources/ip-domain-region";

        /// <summary>The source tags used in <see cref="FirewallRequirement.Source"/> and what they are (reference §0).</summary>
        public static readonly IReadOnlyDictionary<string, string> SourceLegend = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOCS"] = "Databricks docs, IP addresses and domains for Databricks services and assets (" + DocsUrl + ")",
            ["DOCS-FW"] = "Databricks docs, Configure domain name firewall rules (https://docs.databricks.com/aws/en/resources/firewall-rules)",
            ["SRA"] = "databricks/terraform-databricks-sra, aws/tf (2026-07-23)",
            ["SRA-2025"] = "databricks/terraform-databricks-sra, older aws/tf/modules/sra/variables.tf (2025-05-06)",
            ["SRA-GOV"] = "databricks/terraform-databricks-sra, aws-gov tree (removed 2025-09-11)",
            ["TDE"] = "databricks/terraform-databricks-examples, modules/aws-exfiltration-protection (2024-01-05)",
            ["TPD"] = "databricks/terraform-provider-databricks firewall and PrivateLink guides",
            ["TPD-2021"] = "databricks/terraform-provider-databricks docs/guides/aws-workspace.md (2021)",
            ["NB"] = "third-party copy of the older Databricks firewall appliance table (about 2021)",
            ["TP1"] = "third-party Terraform map of control-plane /28 and NAT /32 addresses",
            ["TP2"] = "third-party Terraform using the PrivateLink relay name", ["TP3"] = "third-party Terraform using the PrivateLink relay name",
            ["TP4"] = "third-party Terraform regional_config map",
            ["TP5"] = "third-party Go code listing control-plane NAT addresses",
            ["COMM"] = "Databricks Community thread on customer-managed VPC IP ranges (eu-central-1)",
            ["JSON-EX"] = "third-party copies of the published ip-ranges.json (2026-02 to 2026-09)",
            ["pattern"] = "built from the naming pattern seen in other regions, not read anywhere for this region",
        };

        // The 12 regions of the old firewall appliance table (NB), which gives kinesis.<region> (us-west-1: us-west-2).
        private static readonly HashSet<string> NbRegions = new HashSet<string>(StringComparer.Ordinal)
        {
            "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1",
            "eu-west-1", "eu-west-2", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        };

        // Declared after everything Build() reads (static fields initialise in text order).
        private static readonly Dictionary<string, RegionFacts> Facts = Build();

        /// <summary>The regions the table has rows for (all of Validation.Regions.Supported).</summary>
        public static IEnumerable<string> Regions => Facts.Keys;

        /// <summary>The region short name used in Databricks bucket and host names (reference T7), or null.</summary>
        public static string? ShortName(string region) => Facts.TryGetValue(region, out var f) ? f.ShortName : null;

        /// <summary>
        /// The rules of a region for the given purposes, plus the categories the table has no value for. Throws
        /// <see cref="ArgumentException"/> for a region the table does not know (check Validation.Regions first).
        /// </summary>
        public static FirewallLookup Lookup(string region, IEnumerable<FirewallPurpose> purposes)
        {
            if (!Facts.TryGetValue(region, out var f)) throw new ArgumentException($"No firewall facts for region '{region}'.", nameof(region));
            var wanted = new HashSet<FirewallPurpose>(purposes);
            if (wanted.Count == 0 || wanted.Contains(FirewallPurpose.All))
                wanted = new HashSet<FirewallPurpose> { FirewallPurpose.ClassicCompute, FirewallPurpose.BackEndPrivateLink, FirewallPurpose.FrontEnd };
            var result = new FirewallLookup(region);
            if (wanted.Contains(FirewallPurpose.ClassicCompute)) ClassicCompute(f, result);
            if (wanted.Contains(FirewallPurpose.BackEndPrivateLink)) BackEndPrivateLink(f, result);
            if (wanted.Contains(FirewallPurpose.FrontEnd)) FrontEnd(f, result);
            return result;
        }

        // ---- rules per purpose -------------------------------------------------------------------------

        private static void ClassicCompute(RegionFacts f, FirewallLookup r)
        {
            const FirewallPurpose p = FirewallPurpose.ClassicCompute;
            var https = DatabricksPorts.Egress(DatabricksPorts.Https);
            r.Add(p, "Web application and REST API", f.WebApp, "Fqdn", https, "Outbound", "web application FQDN");
            r.Add(p, "Control-plane addresses (web application and REST API, for IP-based rules)", f.ControlPlaneCidr, "Cidr", https, "Outbound", "control-plane CIDR");
            r.Add(p, "Default storage, Zerobus Ingestion and Lakebase", f.ExtraInboundCidr, "Cidr", https, "Outbound", "default storage / Zerobus / Lakebase CIDR");
            r.Add(p, "SCC relay", f.Relay, "Fqdn", https, "Outbound", "SCC relay FQDN");
            if (f.Relay != null)
                r.Add(p, "SCC relay, FIPS (compliance security profile)", f.Relay, "Fqdn", DatabricksPorts.Egress(DatabricksPorts.FipsRelay), "Outbound", null);
            const string fromControlPlane = "Control-plane outbound addresses (allow as sources where the control plane connects in)";
            if (f.ControlPlaneCidr != null) r.Add(p, fromControlPlane, f.ControlPlaneCidr, "Cidr", https, "Inbound", null);
            foreach (var nat in f.ControlPlaneNat) r.Add(p, fromControlPlane, nat, "Cidr", https, "Inbound", null);
            if (f.ControlPlaneNat.Count == 0) r.Gap(p, "control-plane NAT address");
            var hms = DatabricksPorts.Egress(DatabricksPorts.HiveMetastore);
            foreach (var rds in f.HiveMetastore) r.Add(p, "Legacy Hive metastore (Databricks-hosted RDS MySQL)", rds, "Fqdn", hms, "Outbound", null);
            if (f.HiveMetastore.Count == 0) r.Gap(p, "legacy Hive metastore host");
            foreach (var (usedFor, bucket) in f.Buckets) r.Add(p, usedFor, bucket, "S3Bucket", https, "Outbound", null);
            foreach (var fact in Global(f, r)) r.Add(p, fact.UsedFor, fact.Fact, "Fqdn", https, "Outbound", null);
            foreach (var k in f.Kinesis) r.Add(p, "Kinesis (Databricks-owned streams)", k, "Fqdn", https, "Outbound", null);
            PortRules(r, p, f.Region, DatabricksPorts.WorkspaceEgress, "Workspace security group egress: ", "0.0.0.0/0", "Cidr", "Outbound",
                "TDE opens these ports to 0.0.0.0/0 from the workspace security group.");
        }

        private static void BackEndPrivateLink(RegionFacts f, FirewallLookup r)
        {
            const FirewallPurpose p = FirewallPurpose.BackEndPrivateLink;
            bool gov = DatabricksPorts.IsGovCloud(f.Region);
            var relayPort = DatabricksPorts.Egress(gov ? DatabricksPorts.Https : DatabricksPorts.PrivateLinkRelay);
            r.Add(p, "SCC relay over PrivateLink", f.RelayPrivateLink, "Fqdn", relayPort, "Outbound", "SCC relay FQDN over PrivateLink");
            if (f.RelayPrivateLink != null)
                r.Add(p, "SCC relay over PrivateLink, FIPS (compliance security profile)", f.RelayPrivateLink, "Fqdn", DatabricksPorts.Egress(DatabricksPorts.FipsRelay), "Outbound", null);
            var pl = f.PrivateLink!;
            // Service Direct is front-end (FrontEnd below), not a back-end service.
            foreach (var svc in PrivateLinkServices.ForRegion(f.Region).Where(s => s.Kind != PrivateLinkServiceKind.ServiceDirect))
            {
                var shard = svc.Variant == null ? "" : (svc.Variant == "dod" ? "GovCloud DoD shard" : "GovCloud civilian shard");
                var fact = new Fact(svc.ServiceName, pl.Source, pl.Confirmed, pl.Note, shard);
                if (svc.Kind == PrivateLinkServiceKind.Workspace)
                    r.Add(p, "Workspace (REST API) VPC endpoint service", fact, "VpcEndpointService", DatabricksPorts.Egress(DatabricksPorts.Https), "Outbound", null);
                else
                    r.Add(p, "SCC relay VPC endpoint service" + (gov ? " (GovCloud: no 6666, relay on 443)" : ""), fact, "VpcEndpointService", relayPort, "Outbound", null);
            }
            PortRules(r, p, f.Region, DatabricksPorts.EndpointIngress, "VPC endpoint security group ingress: ", "VPC endpoint security group", "SecurityGroup", "Inbound",
                "Source: the workspace security group.");
        }

        /// <summary>One rule per <see cref="DatabricksPorts"/> entry that applies in the region: the security-group view of the ports.</summary>
        private static void PortRules(FirewallLookup r, FirewallPurpose p, string region, IEnumerable<PortRequirement> ports, string usedForPrefix,
            string destination, string destinationType, string direction, string note)
        {
            foreach (var port in DatabricksPorts.ForRegion(ports, region))
                r.Add(p, usedForPrefix + port.Purpose, new Fact(destination, port.Source, port.Confirmed, note), destinationType, port, direction, null);
        }

        private static void FrontEnd(RegionFacts f, FirewallLookup r)
        {
            const FirewallPurpose p = FirewallPurpose.FrontEnd;
            var https = DatabricksPorts.Egress(DatabricksPorts.Https);
            if (!DatabricksPorts.IsGovCloud(f.Region))
                r.Add(p, "Web application and REST API (all workspaces)", F("*.cloud.databricks.com", "DOCS-FW",
                    "HTTPS and WebSocket. Narrower: <deployment>.cloud.databricks.com plus dbc-dp-<workspace-id>.cloud.databricks.com per workspace. " +
                    "The docs also name CDN domains for UI assets; that list was not in the module's sources."), "Fqdn", https, "Outbound", null);
            r.Add(p, "Web application and REST API (regional)", f.WebApp, "Fqdn", https, "Outbound", "web application FQDN");
            r.Add(p, "Control-plane addresses (web application and REST API, for IP-based rules)", f.ControlPlaneCidr, "Cidr", https, "Outbound", "control-plane CIDR");
            r.Add(p, "Default storage, Zerobus Ingestion and Lakebase", f.ExtraInboundCidr, "Cidr", https, "Outbound", "default storage / Zerobus / Lakebase CIDR");
            foreach (var console in f.AccountConsole) r.Add(p, "Account console", console, "Fqdn", https, "Outbound", null);
            if (f.ServiceDirect != null)
                r.Add(p, "Service Direct (front-end) VPC endpoint service", f.ServiceDirect, "VpcEndpointService", https, "Outbound", null);
        }

        /// <summary>Reference §3. The global S3 and STS names belong to the commercial partition, so GovCloud gets a gap instead.</summary>
        private static IEnumerable<(string UsedFor, Fact Fact)> Global(RegionFacts f, FirewallLookup r)
        {
            if (DatabricksPorts.IsGovCloud(f.Region)) r.Gap(FirewallPurpose.ClassicCompute, "global S3 and STS endpoint (the sources give only the commercial ones)");
            else yield return ("S3 (global endpoint; workspace root bucket)", F("s3.amazonaws.com", "NB", "An S3 gateway endpoint is the recommended path."));
            yield return ("S3 (regional endpoint)", F($"s3.{f.Region}.amazonaws.com", "NB", "An S3 gateway endpoint is the recommended path."));
            if (!DatabricksPorts.IsGovCloud(f.Region))
                yield return ("STS", F("sts.amazonaws.com", "NB, SRA", "SRA builds a regional STS interface endpoint instead."));
        }

        // ---- the data ----------------------------------------------------------------------------------

        /// <summary>
        /// The confidence rule of the reference: Confirmed when two or more sources agree or the Databricks docs give
        /// the value; Unconfirmed for a single other source or a name built from a pattern.
        /// </summary>
        internal static bool IsConfirmed(string source) =>
            !source.StartsWith("pattern", StringComparison.Ordinal) && (source.IndexOf(',') >= 0 || source.StartsWith("DOCS", StringComparison.Ordinal));

        private static Fact F(string value, string source, string note = "", string condition = "", bool? confirmed = null) =>
            new Fact(value, source, confirmed ?? IsConfirmed(source), note, condition);

        private static Dictionary<string, RegionFacts> Build()
        {
            var d = new Dictionary<string, RegionFacts>(StringComparer.Ordinal);
            const string plPattern = "pattern (DOCS, TP2, TP3)";
            const string plPatternNote = "Built from the naming pattern tunnel.privatelink.<region>.cloud.databricks.com; not read for this region.";
            const string hms = "TDE, NB, SRA-2025, TP4", hmsNoNb = "TDE, SRA-2025, TP4", web = "TDE, NB, TP1, TP4", relay = "TDE, NB, TP4";

            // T1 web app FQDN and control-plane CIDR (+ their evidence), T2 public relay (+ evidence) and PrivateLink relay
            // evidence (null = pattern only), T3 NAT (+ evidence), T4 RDS host (+ evidence), T6 Service Direct id (+ AZ limits), T7 short name.
            var rows = new (string Region, string Short, string Web, string Cidr, string WebSrc, string Relay, string RelaySrc, string? PlSrc,
                string Nat, string NatSrc, string Hms, string HmsSrc, string SvcDirect, string? Azs)[]
            {
                ("ap-northeast-1", "tokyo", "tokyo.cloud.databricks.com", "35.72.28.0/28", "DOCS, TDE, NB, TP1, TP4", "tunnel.ap-northeast-1.cloud.databricks.com", "DOCS, TDE, NB, TP4", "DOCS",
                    "18.177.16.95/32", "TP1, JSON-EX", "mddx5a4bpbpm05.cfrfsun7mryq.ap-northeast-1.rds.amazonaws.com", hms, "vpce-svc-00645ba5aa920181a", "apne1-az1, apne1-az2, apne1-az4"),
                ("ap-northeast-2", "seoul", "seoul.cloud.databricks.com", "3.38.156.176/28", "DOCS, TDE, TP1, TP4", "tunnel.ap-northeast-2.cloud.databricks.com", "TDE, TP4", null,
                    "54.180.50.119/32", "TP1", "md1915a81ruxky5.cfomhrbro6gt.ap-northeast-2.rds.amazonaws.com", hmsNoNb, "vpce-svc-0eda2860bd3ffdc62", "apne2-az1, apne2-az3"),
                ("ap-south-1", "mumbai", "mumbai.cloud.databricks.com", "65.0.37.64/28", web, "tunnel.ap-south-1.cloud.databricks.com", relay, null,
                    "13.232.248.161/32", "TP1", "mdjanpojt83v6j.c5jml0fhgver.ap-south-1.rds.amazonaws.com", hms, "vpce-svc-0f8cf0950ddb2df95", null),
                ("ap-southeast-1", "singapore", "singapore.cloud.databricks.com", "13.214.1.96/28", web, "tunnel.ap-southeast-1.cloud.databricks.com", relay, null,
                    "13.213.212.4/32", "TP1", "md1n4trqmokgnhr.csnrqwqko4ho.ap-southeast-1.rds.amazonaws.com", hms, "vpce-svc-095bb0c17301d018c", null),
                ("ap-southeast-2", "sydney", "sydney.cloud.databricks.com", "3.26.4.0/28", web, "tunnel.ap-southeast-2.cloud.databricks.com", relay, null,
                    "13.237.96.217/32", "TP1", "mdnrak3rme5y1c.c5f38tyb1fdu.ap-southeast-2.rds.amazonaws.com", hms, "vpce-svc-0bad186019cff33de", null),
                ("ca-central-1", "canada", "canada.cloud.databricks.com", "3.96.84.208/28", web, "tunnel.ca-central-1.cloud.databricks.com", relay, null,
                    "35.183.59.105/32", "TP1, TP5", "md1w81rjeh9i4n5.co1tih5pqdrl.ca-central-1.rds.amazonaws.com", hms, "vpce-svc-0a677b49b6d71cf54", null),
                ("eu-central-1", "frankfurt", "frankfurt.cloud.databricks.com", "18.159.44.32/28", web, "tunnel.eu-central-1.cloud.databricks.com", relay, null,
                    "18.159.32.64/32", "TP1, COMM", "mdv2llxgl8lou0.ceptxxgorjrc.eu-central-1.rds.amazonaws.com", hms, "vpce-svc-040453426d7a48946", null),
                ("eu-west-1", "ireland", "ireland.cloud.databricks.com", "3.250.244.112/28", web, "tunnel.eu-west-1.cloud.databricks.com", relay, null,
                    "46.137.47.49/32", "TP1, TPD-2021, TP5", "md15cf9e1wmjgny.cxg30ia2wqgj.eu-west-1.rds.amazonaws.com", hms, "vpce-svc-0a5d3be4f026f5bd7", null),
                ("eu-west-2", "london", "london.cloud.databricks.com", "18.134.65.240/28", web, "tunnel.eu-west-2.cloud.databricks.com", relay, null,
                    "3.10.112.150/32", "TP1", "mdio2468d9025m.c6fvhwk6cqca.eu-west-2.rds.amazonaws.com", hms, "vpce-svc-000fc680ee188fcf6", null),
                ("eu-west-3", "paris", "paris.cloud.databricks.com", "13.39.141.128/28", "TDE, TP1, TP4", "tunnel.eu-west-3.cloud.databricks.com", "TDE, TP4", null,
                    "15.236.174.74/32", "TP1", "metastorerds-dbconsolidationmetastore-asda4em2u6eg.c2ybp3dss6ua.eu-west-3.rds.amazonaws.com", hmsNoNb, "vpce-svc-041f8eb165985a7eb", null),
                ("sa-east-1", "saopaulo", "saopaulo.cloud.databricks.com", "15.229.120.16/28", "TDE, TP1, TP4", "tunnel.sa-east-1.cloud.databricks.com", "TDE, TP4", null,
                    "177.71.254.47/32", "TP1", "metastorerds-dbconsolidationmetastore-fqekf3pck8yw.cog1aduyg4im.sa-east-1.rds.amazonaws.com", hmsNoNb, "vpce-svc-09d56640b3fed29b8", null),
                ("us-east-1", "nvirginia", "nvirginia.cloud.databricks.com", "3.237.73.224/28", web, "tunnel.us-east-1.cloud.databricks.com", relay, "TP2, TP3",
                    "54.156.226.103/32", "TP1, TPD-2021, TP5", "mdb7sywh50xhpr.chkweekm4xjq.us-east-1.rds.amazonaws.com", hms, "vpce-svc-0a1a39ada4ec3bcdc", "use1-az1, use1-az2, use1-az4"),
                ("us-east-2", "ohio", "ohio.cloud.databricks.com", "3.128.237.208/28", web, "tunnel.us-east-2.cloud.databricks.com", relay, null,
                    "18.221.200.169/32", "TP1, TPD-2021, TP5", "md7wf1g369xf22.cluz8hwxjhb6.us-east-2.rds.amazonaws.com", hms, "vpce-svc-052fbd90ec8e1af31", null),
                ("us-west-1", "oregon", "oregon.cloud.databricks.com", "44.234.192.32/28", web, "tunnel.cloud.databricks.com", relay, null,
                    "52.27.216.188/32", "TP1, TP5", "mdzsbtnvk0rnce.c13weuwubexq.us-west-1.rds.amazonaws.com", hms, "vpce-svc-070673a01d3f28066", null),
                ("us-west-2", "oregon", "oregon.cloud.databricks.com", "44.234.192.32/28", web, "tunnel.cloud.databricks.com", relay, null,
                    "52.27.216.188/32", "TP1, TP5, JSON-EX", "mdpartyyphlhsp.caj77bnxuhme.us-west-2.rds.amazonaws.com", hms, "vpce-svc-0d7fe235ba1abe9d2", "usw2-az1, usw2-az2, usw2-az3"),
            };
            foreach (var row in rows)
            {
                var x = d[row.Region] = new RegionFacts(row.Region) { ShortName = row.Short };
                x.WebApp = F(row.Web, row.WebSrc);
                x.ControlPlaneCidr = F(row.Cidr, row.WebSrc);
                x.Relay = F(row.Relay, row.RelaySrc);
                x.RelayPrivateLink = row.PlSrc != null
                    ? F($"tunnel.privatelink.{row.Region}.cloud.databricks.com", row.PlSrc)
                    : F($"tunnel.privatelink.{row.Region}.cloud.databricks.com", plPattern, plPatternNote);
                x.ControlPlaneNat.Add(F(row.Nat, row.NatSrc));
                x.HiveMetastore.Add(F(row.Hms, row.HmsSrc));
                x.ServiceDirect = F($"com.amazonaws.vpce.{row.Region}.{row.SvcDirect}", "SRA",
                    row.Azs == null ? "SRA only." : $"SRA only; SRA limits Service Direct to the AZ ids {row.Azs}.");
            }

            // The exceptions the reference notes.
            d["ap-northeast-1"].ExtraInboundCidr = F("18.99.67.176/28", "DOCS, JSON-EX");
            d["eu-central-1"].ControlPlaneNat.Add(F("18.158.203.57/32", "COMM",
                "Seen only in a Databricks-managed security group quoted in a community thread; not in the official list."));
            foreach (var region in new[] { "us-west-1", "us-west-2" })
            {
                var w = d[region];
                w.Relay = F(w.Relay!.Value, w.Relay.Source, "Older sources only; the current docs row was not seen.", confirmed: false);
                foreach (var legacy in new[] { "52.35.116.98/32", "52.88.31.94/32" })
                    w.ControlPlaneNat.Add(F(legacy, "TP5", "Labelled \"legacy NAT instance\" by TP5 only; not in TP1 or the published JSON samples."));
            }

            // Jakarta: no web app, relay, CIDR, NAT or RDS value in any source (reference T1-T4 notes).
            var jakarta = d["ap-southeast-3"] = new RegionFacts("ap-southeast-3") { ShortName = "jakarta" };
            jakarta.RelayPrivateLink = F("tunnel.privatelink.ap-southeast-3.cloud.databricks.com", plPattern, plPatternNote);
            jakarta.ServiceDirect = F("com.amazonaws.vpce.ap-southeast-3.vpce-svc-028527b0920c3e620", "SRA", "SRA only.");

            // §5 GovCloud: only SRA / SRA-GOV values, all UNCONFIRMED; no web app, relay, CIDR or NAT found.
            var g = d["us-gov-west-1"] = new RegionFacts("us-gov-west-1") { ShortName = "pendleton" };
            const string hmsGovNote = "SRA-GOV only; the names do not look like the commercial Hive metastore pattern.";
            g.HiveMetastore.Add(F("discovery-search-rds-prod-dbdiscoverysearch-uus7j2cyyu1m.c40ji7ukhesx.us-gov-west-1.rds.amazonaws.com", "SRA-GOV", hmsGovNote, "GovCloud civilian shard"));
            g.HiveMetastore.Add(F("lineage-usgovwest1dod-prod.cpnejponioft.us-gov-west-1.rds.amazonaws.com", "SRA-GOV", hmsGovNote, "GovCloud DoD shard"));

            // T5 buckets (all SRA, single source) and T6 PrivateLink confidence.
            const string bucketNote = "Databricks-owned bucket (SRA only, not checked against the docs); reach it through s3.<region>.amazonaws.com or an S3 gateway endpoint.";
            foreach (var x in d.Values)
            {
                Buckets(x, bucketNote);
                bool slOnly = x.Region == "ap-southeast-3" || x.Region == "us-west-1" || DatabricksPorts.IsGovCloud(x.Region);
                x.PrivateLink = slOnly
                    ? F("", "SRA", x.Region == "us-west-1" ? "SRA only; TDE marks us-west-1 PrivateLink as unsupported."
                        : DatabricksPorts.IsGovCloud(x.Region) ? "SRA only; SRA swapped the DoD workspace and relay services on 2025-05-15 (commit 1fef52d)." : "SRA only.")
                    : F("", "SRA, TDE");
                Kinesis(x);
                if (DatabricksPorts.IsGovCloud(x.Region))
                {
                    x.AccountConsole.Add(F("accounts.cloud.databricks.us", "SRA", "", "GovCloud civilian shard"));
                    x.AccountConsole.Add(F("accounts-dod.cloud.databricks.mil", "SRA", "An older SRA revision had accounts-dod.cloud.databricks.us.", "GovCloud DoD shard"));
                }
                else x.AccountConsole.Add(F("accounts.cloud.databricks.com", "DOCS-FW, SRA"));
            }
            return d;
        }

        private static void Kinesis(RegionFacts x)
        {
            const string sraNote = "SRA builds a kinesis-streams interface endpoint in the workspace region.";
            if (x.Region == "us-west-1")
            {
                x.Kinesis.Add(F("kinesis.us-west-2.amazonaws.com", "NB", "The older table sends us-west-1 to us-west-2; unconfirmed for today."));
                x.Kinesis.Add(F("kinesis.us-west-1.amazonaws.com", "SRA", sraNote));
            }
            else if (NbRegions.Contains(x.Region)) x.Kinesis.Add(F($"kinesis.{x.Region}.amazonaws.com", "NB, SRA"));
            else x.Kinesis.Add(F($"kinesis.{x.Region}.amazonaws.com", "SRA", sraNote));
        }

        private static void Buckets(RegionFacts x, string note)
        {
            const string artifacts = "Artifact bucket", logs = "Log storage bucket", system = "System tables bucket", datasets = "Shared datasets bucket";
            void B(string usedFor, string bucket, string condition = "") => x.Buckets.Add((usedFor, F(bucket, "SRA", note, condition)));
            switch (x.Region)
            {
                case "us-gov-west-1":
                    B(artifacts, "databricks-prod-artifacts-us-gov-west-1");
                    B(logs, "databricks-prod-storage-pendleton", "GovCloud civilian shard");
                    B(logs, "databricks-prod-storage-pendleton-dod", "GovCloud DoD shard");
                    B(system, "system-tables-prod-us-gov-west-1-gov-uc-metastore-bucket", "GovCloud civilian shard");
                    B(system, "system-tables-prod-us-gov-west-1-dod-uc-metastore-bucket", "GovCloud DoD shard");
                    B(datasets, "databricks-datasets-pendleton");
                    return;
                case "us-west-1":
                    B(artifacts, "databricks-prod-artifacts-us-west-2");
                    break;
                case "us-west-2":
                    B(artifacts, "databricks-prod-artifacts-us-west-2");
                    B(artifacts, "databricks-update-oregon");
                    break;
                default:
                    B(artifacts, $"databricks-prod-artifacts-{x.Region}");
                    break;
            }
            // T5 log and dataset buckets use these names, which differ from T7 in places (montreal, virginia).
            var storageName = x.Region == "ca-central-1" ? "montreal" : x.Region == "us-east-1" ? "virginia" : x.ShortName;
            B(logs, $"databricks-prod-storage-{storageName}");
            B(system, $"system-tables-prod-{x.Region}-uc-metastore-bucket");
            B(datasets, x.Region == "ap-southeast-3" ? "databricks-datasets-oregon" : $"databricks-datasets-{storageName}");
        }
    }

    /// <summary>A category the table has no value for in a region (the cmdlet warns instead of inventing one).</summary>
    public sealed class FirewallGap
    {
        internal FirewallGap(string region, string what) { Region = region; What = what; }
        public string Region { get; }
        /// <summary>The purposes that would have had a rule for this category.</summary>
        public List<FirewallPurpose> Purposes { get; } = new List<FirewallPurpose>();
        public string What { get; }
        public string Message =>
            $"{Region}: the module's firewall table (as of {FirewallTable.AsOf}) has no {What} for this region ({string.Join(", ", Purposes)}); " +
            $"none of its sources gives one, so no rule is listed. Check {FirewallTable.DocsUrl} before relying on the rules.";
    }

    /// <summary>The rules of one region and the categories without data.</summary>
    public sealed class FirewallLookup
    {
        internal FirewallLookup(string region) { Region = region; }
        public string Region { get; }
        public List<FirewallRequirement> Rules { get; } = new List<FirewallRequirement>();
        public List<FirewallGap> Gaps { get; } = new List<FirewallGap>();

        internal void Gap(FirewallPurpose purpose, string what)
        {
            var gap = Gaps.FirstOrDefault(g => g.What == what);
            if (gap == null) Gaps.Add(gap = new FirewallGap(Region, what));
            if (!gap.Purposes.Contains(purpose)) gap.Purposes.Add(purpose);
        }

        /// <summary>Adds a rule for <paramref name="fact"/>, or a gap named <paramref name="gapName"/> when there is no fact.</summary>
        internal void Add(FirewallPurpose purpose, string usedFor, Fact? fact, string destinationType, PortRequirement port, string direction, string? gapName)
        {
            if (fact == null)
            {
                if (gapName != null) Gap(purpose, gapName);
                return;
            }
            var conditions = new[] { fact.Condition, port.Condition }.Where(c => c.Length > 0);
            Rules.Add(new FirewallRequirement
            {
                Region = Region,
                Purpose = purpose.ToString(),
                UsedFor = usedFor,
                Destination = fact.Value,
                DestinationType = destinationType,
                Ports = port.ToString(),
                Protocol = "TCP",
                Direction = direction,
                Condition = string.Join("; ", conditions),
                Confidence = fact.Confirmed && port.Confirmed ? "Confirmed" : "Unconfirmed",
                Source = fact.Source,
                Note = fact.Note,
                AsOf = FirewallTable.AsOf,
            });
        }
    }
}
