using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>A VPC endpoint registration (account API <c>vpc-endpoints</c>): an AWS interface endpoint made known to Databricks.</summary>
    public sealed class VpcEndpoint : WireObject
    {
        /// <summary>The Databricks-side id (a UUID), used in network configurations and private access settings.</summary>
        [JsonPropertyName("vpc_endpoint_id")] public string? VpcEndpointId { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("vpc_endpoint_name")] public string? VpcEndpointName { get; set; }
        /// <summary>The AWS id, <c>vpce-…</c>.</summary>
        [JsonPropertyName("aws_vpc_endpoint_id")] public string? AwsVpcEndpointId { get; set; }
        /// <summary>The Databricks endpoint service the AWS endpoint connects to (output only).</summary>
        [JsonPropertyName("aws_endpoint_service_id")] public string? AwsEndpointServiceId { get; set; }
        [JsonPropertyName("aws_account_id")] public string? AwsAccountId { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        /// <summary>The AWS endpoint state as Databricks reports it, e.g. <c>available</c>, <c>pending</c>, <c>rejected</c>.</summary>
        [JsonPropertyName("state")] public string? State { get; set; }
        /// <summary><c>GENERAL_ACCESS</c> / <c>WORKSPACE_ACCESS</c> (REST API) or <c>DATAPLANE_RELAY_ACCESS</c> (relay).</summary>
        [JsonPropertyName("use_case")] public string? UseCase { get; set; }

        public override string ToString() => $"{VpcEndpointName} ({VpcEndpointId})";
    }
}
