using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>Private access settings (account API <c>private-access-settings</c>): who may reach PrivateLink workspaces.</summary>
    public sealed class PrivateAccessSettings : WireObject
    {
        [JsonPropertyName("private_access_settings_id")] public string? PrivateAccessSettingsId { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("private_access_settings_name")] public string? PrivateAccessSettingsName { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("public_access_enabled")] public bool? PublicAccessEnabled { get; set; }
        /// <summary><c>ACCOUNT</c> or <c>ENDPOINT</c>.</summary>
        [JsonPropertyName("private_access_level")] public string? PrivateAccessLevel { get; set; }
        [JsonPropertyName("allowed_vpc_endpoint_ids")] public DbxList<string>? AllowedVpcEndpointIds { get; set; }

        public override string ToString() => $"{PrivateAccessSettingsName} ({PrivateAccessSettingsId})";
    }
}
