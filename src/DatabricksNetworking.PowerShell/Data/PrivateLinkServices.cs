using System;
using System.Collections.Generic;
using System.Linq;

namespace DatabricksNetworking.Data
{
    /// <summary>Which Databricks endpoint service a VPC endpoint connects to.</summary>
    public enum PrivateLinkServiceKind { Workspace, Relay }

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
        /// <summary>The Databricks <c>use_case</c> a registration of an endpoint to this service gets.</summary>
        public string UseCase => Kind == PrivateLinkServiceKind.Relay ? "DATAPLANE_RELAY_ACCESS" : "GENERAL_ACCESS";
    }

    /// <summary>
    /// Databricks regional PrivateLink endpoint services (reference databricks-api.md §7.1, source SRA variables.tf).
    /// Plain data with no PowerShell dependency: the emulator links this file to derive use_case from a service name.
    /// </summary>
    public static class PrivateLinkServices
    {
        public static readonly IReadOnlyList<PrivateLinkServiceInfo> All = Build();

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

        /// <summary>The service a full service name (or a bare vpce-svc id) belongs to, or null.</summary>
        public static PrivateLinkServiceInfo? FindByServiceName(string? serviceName)
        {
            if (string.IsNullOrEmpty(serviceName)) return null;
            return All.FirstOrDefault(s => string.Equals(s.ServiceName, serviceName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(s.ServiceId, serviceName, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>The services of a region (GovCloud's civilian shard first).</summary>
        public static IEnumerable<PrivateLinkServiceInfo> ForRegion(string region) =>
            All.Where(s => string.Equals(s.Region, region, StringComparison.Ordinal));
    }
}
