using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>A network configuration (account API <c>networks</c>): a customer-managed VPC for classic compute.</summary>
    public sealed class Network : WireObject
    {
        [JsonPropertyName("network_id")] public string? NetworkId { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("network_name")] public string? NetworkName { get; set; }
        [JsonPropertyName("vpc_id")] public string? VpcId { get; set; }
        [JsonPropertyName("subnet_ids")] public DbxList<string>? SubnetIds { get; set; }
        [JsonPropertyName("security_group_ids")] public DbxList<string>? SecurityGroupIds { get; set; }
        [JsonPropertyName("vpc_endpoints")] public NetworkVpcEndpoints? VpcEndpoints { get; set; }
        /// <summary><c>VALID</c>, <c>WARNED</c>, <c>BROKEN</c> or <c>UNATTACHED</c> (string: unknown values never break reading).</summary>
        [JsonPropertyName("vpc_status")] public string? VpcStatus { get; set; }
        [JsonPropertyName("error_messages")] public DbxList<NetworkError>? ErrorMessages { get; set; }
        [JsonPropertyName("warning_messages")] public DbxList<NetworkWarning>? WarningMessages { get; set; }
        /// <summary>The workspace that uses this configuration, if any.</summary>
        [JsonPropertyName("workspace_id")] public long? WorkspaceId { get; set; }
        [JsonPropertyName("creation_time")] public long? CreationTime { get; set; }

        [JsonIgnore] public DateTimeOffset? Created => CreationTime.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(CreationTime.Value) : (DateTimeOffset?)null;

        /// <summary>The REST API (front-end/back-end REST) VPC endpoint registration ids, flattened for display and binding.</summary>
        [JsonIgnore] public DbxList<string> RestApiVpcEndpointIds => VpcEndpoints?.RestApi?.ToArray() ?? new string[0];

        /// <summary>The secure cluster connectivity relay VPC endpoint registration ids.</summary>
        [JsonIgnore] public DbxList<string> DataplaneRelayVpcEndpointIds => VpcEndpoints?.DataplaneRelay?.ToArray() ?? new string[0];

        public override string ToString() => $"{NetworkName} ({NetworkId})";
    }

    /// <summary>The VPC endpoint registrations a network configuration uses for back-end PrivateLink.</summary>
    public sealed class NetworkVpcEndpoints : WireObject
    {
        [JsonPropertyName("rest_api")] public DbxList<string>? RestApi { get; set; }
        [JsonPropertyName("dataplane_relay")] public DbxList<string>? DataplaneRelay { get; set; }
        public override string ToString() => $"rest_api: {RestApi}, dataplane_relay: {DataplaneRelay}";
    }

    /// <summary>A validation error of a network configuration; <c>error_type</c> is lower camelCase on the wire (<c>securityGroup</c>, <c>networkAcl</c> ...).</summary>
    public sealed class NetworkError : WireObject
    {
        [JsonPropertyName("error_type")] public string? ErrorType { get; set; }
        [JsonPropertyName("error_message")] public string? ErrorMessage { get; set; }
        public override string ToString() => $"{ErrorType}: {ErrorMessage}";
    }

    /// <summary>A validation warning of a network configuration (<c>securityGroup</c>, <c>subnet</c>).</summary>
    public sealed class NetworkWarning : WireObject
    {
        [JsonPropertyName("warning_type")] public string? WarningType { get; set; }
        [JsonPropertyName("warning_message")] public string? WarningMessage { get; set; }
        public override string ToString() => $"{WarningType}: {WarningMessage}";
    }
}
