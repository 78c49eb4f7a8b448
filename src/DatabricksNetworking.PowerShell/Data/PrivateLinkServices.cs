using System;
using System.Collections.Generic;
using System.Linq;

namespace DatabricksNetworking.Data
{
    /// <summary>Which Databricks endpoint service a VPC endpoint connects to.</summary>
    /// <summary>
    /// Workspace: the regional workspace (REST API / front-end) service; Relay: the secure cluster connectivity relay;
    /// ServiceDirect: the front-end "Service Direct" service the SRA registers as a front-end PrivateLink endpoint.
    /// </summary>
    public enum PrivateLinkServiceKind { Workspace, Relay, ServiceDirect }

    /// <summary>One Databricks regional VPC endpoint service.</summary>
    public sealed class PrivateLinkServiceInfo
    {
        public PrivateLinkServiceInfo(string region, PrivateLinkServiceKind kind, string serviceId, string? variant = null)
        {
            Region = region;
            Kind = kind;
            ServiceId = serviceId;
            Variant = variant;
        }

        public string Region { get; }
        public PrivateLinkServiceKind Kind { get; }
        /// <summary>The <c>vpce-svc-…</c> part.</summary>
        public string ServiceId { get; }
        /// <summary>Full AWS endpoint service name: <c>com.amazonaws.vpce.&lt;region&gt;.vpce-svc-…</c>.</summary>
        public string ServiceName => $"com.amazonaws.vpce.{Region}.{ServiceId}";
        /// <summary>GovCloud shards: "civilian" or "dod"; null elsewhere.</summary>
        public string? Variant { get; }
        /// <summary>The Databricks <c>use_case</c> a registration of an endpoint to this service gets (Service Direct is front-end: GENERAL_ACCESS).</summary>
        public string UseCase => Kind == PrivateLinkServiceKind.Relay ? "DATAPLANE_RELAY_ACCESS" : "GENERAL_ACCESS";

        /// <summary>Front-end (users and clients to the workspace) rather than back-end (clusters to the control plane).</summary>
        public bool IsFrontEnd => Kind != PrivateLinkServiceKind.Relay;
    }

    /// <summary>
    /// Databricks regional PrivateLink endpoint services (reference databricks-api.md §7.1, source SRA variables.tf).
    /// Plain data with no PowerShell dependency: the emulator links this file to derive use_case from a service name.
    /// </summary>
    public static class PrivateLinkServices
    {
        /// <summary>The workspace and relay services of every region (what Get-DbxPrivateLinkService lists).</summary>
        public static readonly IReadOnlyList<PrivateLinkServiceInfo> All = Build();

        /// <summary>
        /// The front-end Service Direct endpoint services per region (terraform-databricks-sra aws/tf/variables.tf
        /// service_direct_config; the same ids as the firewall table's Service Direct rows). Known so that a registration
        /// of such an endpoint is recognised (use_case GENERAL_ACCESS, front-end) and not refused as foreign.
        /// </summary>
        public static readonly IReadOnlyList<PrivateLinkServiceInfo> ServiceDirect = new (string Region, string Id)[]
        {
            ("ap-northeast-1", "vpce-svc-00645ba5aa920181a"),
            ("ap-northeast-2", "vpce-svc-0eda2860bd3ffdc62"),
            ("ap-south-1", "vpce-svc-0f8cf0950ddb2df95"),
            ("ap-southeast-1", "vpce-svc-095bb0c17301d018c"),
            ("ap-southeast-2", "vpce-svc-0bad186019cff33de"),
            ("ap-southeast-3", "vpce-svc-028527b0920c3e620"),
            ("ca-central-1", "vpce-svc-0a677b49b6d71cf54"),
            ("eu-central-1", "vpce-svc-040453426d7a48946"),
            ("eu-west-1", "vpce-svc-0a5d3be4f026f5bd7"),
            ("eu-west-2", "vpce-svc-000fc680ee188fcf6"),
            ("eu-west-3", "vpce-svc-041f8eb165985a7eb"),
            ("sa-east-1", "vpce-svc-09d56640b3fed29b8"),
            ("us-east-1", "vpce-svc-0a1a39ada4ec3bcdc"),
            ("us-east-2", "vpce-svc-052fbd90ec8e1af31"),
            ("us-west-1", "vpce-svc-070673a01d3f28066"),
            ("us-west-2", "vpce-svc-0d7fe235ba1abe9d2"),
        }.Select(r => new PrivateLinkServiceInfo(r.Region, PrivateLinkServiceKind.ServiceDirect, r.Id)).ToList();

        private static IReadOnlyList<PrivateLinkServiceInfo> Build()
        {
            var rows = new (string Region, string Workspace, string Relay, string? Variant)[]
            {
                ("ap-northeast-1", "vpce-svc-02691fd610d24fd64", "vpce-svc-02aa633bda3edbec0", null),
                ("ap-northeast-2", "vpce-svc-0babb9bde64f34d7e", "vpce-svc-0dc0e98a5800db5c4", null),
                ("ap-south-1", "vpce-svc-0dbfe5d9ee18d6411", "vpce-svc-03fd4d9b61414f3de", null),
                ("ap-southeast-1", "vpce-svc-02535b257fc253ff4", "vpce-svc-0557367c6fc1a0c5c", null),
                ("ap-southeast-2", "vpce-svc-0b87155ddd6954974", "vpce-svc-0b4a72e8f825495f6", null),
                ("ap-southeast-3", "vpce-svc-07a698e7e9ccfd04a", "vpce-svc-025ca447c232c6a1b", null),
                ("ca-central-1", "vpce-svc-0205f197ec0e28d65", "vpce-svc-0c4e25bdbcbfbb684", null),
                ("eu-central-1", "vpce-svc-081f78503812597f7", "vpce-svc-08e5dfca9572c85c4", null),
                ("eu-west-1", "vpce-svc-0da6ebf1461278016", "vpce-svc-09b4eb2bc775f4e8c", null),
                ("eu-west-2", "vpce-svc-01148c7cdc1d1326c", "vpce-svc-05279412bf5353a45", null),
                ("eu-west-3", "vpce-svc-008b9368d1d011f37", "vpce-svc-005b039dd0b5f857d", null),
                ("sa-east-1", "vpce-svc-0bafcea8cdfe11b66", "vpce-svc-0e61564963be1b43f", null),
                ("us-east-1", "vpce-svc-09143d1e626de2f04", "vpce-svc-00018a8c3ff62ffdf", null),
                ("us-east-2", "vpce-svc-041dc2b4d7796b8d3", "vpce-svc-090a8fab0d73e39a6", null),
                ("us-west-1", "vpce-svc-09bb6ca26208063f2", "vpce-svc-04cb91f9372b792fe", null),
                ("us-west-2", "vpce-svc-0129f463fcfbc46c5", "vpce-svc-0158114c0c730c3bb", null),
                ("us-gov-west-1", "vpce-svc-0f25e28401cbc9418", "vpce-svc-05f27abef1a1a3faa", "civilian"),
                ("us-gov-west-1", "vpce-svc-08fddf710780b2a54", "vpce-svc-05c210a2feea23ad7", "dod"),
            };
            var list = new List<PrivateLinkServiceInfo>();
            foreach (var r in rows)
            {
                list.Add(new PrivateLinkServiceInfo(r.Region, PrivateLinkServiceKind.Workspace, r.Workspace, r.Variant));
                list.Add(new PrivateLinkServiceInfo(r.Region, PrivateLinkServiceKind.Relay, r.Relay, r.Variant));
            }
            return list;
        }

        /// <summary>The service (workspace, relay or Service Direct) a full service name (or a bare vpce-svc id) belongs to, or null.</summary>
        public static PrivateLinkServiceInfo? FindByServiceName(string? serviceName)
        {
            if (string.IsNullOrEmpty(serviceName)) return null;
            return All.Concat(ServiceDirect).FirstOrDefault(s => string.Equals(s.ServiceName, serviceName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(s.ServiceId, serviceName, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The services of a region (GovCloud's civilian shard first), Service Direct last where the region has it.</summary>
        public static IEnumerable<PrivateLinkServiceInfo> ForRegion(string region) =>
            All.Concat(ServiceDirect).Where(s => string.Equals(s.Region, region, StringComparison.Ordinal));
    }
}
