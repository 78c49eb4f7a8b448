using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>
    /// A registered endpoint of the networking v1 API (<c>/api/networking/v1/accounts/{id}/endpoints</c>): an AWS VPC
    /// endpoint bound to the account, e.g. to the front-end Service Direct service. Wire shape after the Go SDK's
    /// <c>service/networking</c> <c>Endpoint</c>.
    /// </summary>
    public sealed class NetworkEndpoint : WireObject
    {
        /// <summary>The Databricks-side id, a UUID.</summary>
        [JsonPropertyName("endpoint_id")] public string? EndpointId { get; set; }
        /// <summary>The resource name, <c>accounts/{account_id}/endpoints/{endpoint_id}</c>.</summary>
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        /// <summary>RFC 1034 label: letters, digits and '-', first a letter, last a letter or digit, at most 63.</summary>
        [JsonPropertyName("display_name")] public string? DisplayName { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("aws_vpc_endpoint_info")] public AwsVpcEndpointInfo? AwsVpcEndpointInfo { get; set; }
        /// <summary><c>PENDING</c>, <c>APPROVED</c> (usable), <c>DISCONNECTED</c> or <c>FAILED</c> (output only).</summary>
        [JsonPropertyName("state")] public string? State { get; set; }
        /// <summary>Set by Databricks from the endpoint service, e.g. <c>SERVICE_DIRECT</c> (output only).</summary>
        [JsonPropertyName("use_case")] public string? UseCase { get; set; }
        /// <summary>RFC 3339, UTC (output only).</summary>
        [JsonPropertyName("create_time")] public string? CreateTime { get; set; }

        /// <summary>The AWS endpoint (vpce-…), lifted from <see cref="AwsVpcEndpointInfo"/> so it pipes into the AWS cmdlets.</summary>
        [JsonIgnore] public string? AwsVpcEndpointId => AwsVpcEndpointInfo?.AwsVpcEndpointId;

        public override string ToString() => $"{DisplayName} ({EndpointId})";
    }

    /// <summary>The AWS side of a registered endpoint.</summary>
    public sealed class AwsVpcEndpointInfo : WireObject
    {
        /// <summary>The AWS endpoint id (vpce-…); the only field a create sends.</summary>
        [JsonPropertyName("aws_vpc_endpoint_id")] public string? AwsVpcEndpointId { get; set; }
        [JsonPropertyName("aws_account_id")] public string? AwsAccountId { get; set; }
        /// <summary>The Databricks endpoint service the AWS endpoint connects to (output only).</summary>
        [JsonPropertyName("aws_endpoint_service_id")] public string? AwsEndpointServiceId { get; set; }

        public override string ToString() => AwsVpcEndpointId ?? "";
    }
}
