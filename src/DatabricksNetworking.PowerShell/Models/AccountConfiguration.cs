using System;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>A credential configuration (account API <c>credentials</c>): the cross-account IAM role Databricks assumes
    /// to launch classic compute; a new workspace names one.</summary>
    public sealed class CredentialConfiguration : WireObject
    {
        [JsonPropertyName("credentials_id")] public string? CredentialsId { get; set; }
        [JsonPropertyName("credentials_name")] public string? CredentialsName { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("aws_credentials")] public AwsCredentials? AwsCredentials { get; set; }
        [JsonPropertyName("creation_time")] public long? CreationTime { get; set; }

        /// <summary>The role's ARN (not on the wire at top level: <c>aws_credentials.sts_role.role_arn</c>).</summary>
        [JsonIgnore] public string? RoleArn => AwsCredentials?.StsRole?.RoleArn;
        [JsonIgnore] public DateTimeOffset? Created => CreationTime.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(CreationTime.Value) : (DateTimeOffset?)null;

        public override string ToString() => $"{CredentialsName} ({CredentialsId})";
    }

    public sealed class AwsCredentials : WireObject
    {
        [JsonPropertyName("sts_role")] public StsRole? StsRole { get; set; }
        public override string ToString() => StsRole?.RoleArn ?? "";
    }

    public sealed class StsRole : WireObject
    {
        [JsonPropertyName("role_arn")] public string? RoleArn { get; set; }
        [JsonPropertyName("external_id")] public string? ExternalId { get; set; }
        public override string ToString() => RoleArn ?? "";
    }

    /// <summary>A storage configuration (account API <c>storage-configurations</c>): the workspace's root S3 bucket.</summary>
    public sealed class StorageConfiguration : WireObject
    {
        [JsonPropertyName("storage_configuration_id")] public string? StorageConfigurationId { get; set; }
        [JsonPropertyName("storage_configuration_name")] public string? StorageConfigurationName { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("root_bucket_info")] public RootBucketInfo? RootBucketInfo { get; set; }
        [JsonPropertyName("creation_time")] public long? CreationTime { get; set; }

        [JsonIgnore] public string? BucketName => RootBucketInfo?.BucketName;
        [JsonIgnore] public DateTimeOffset? Created => CreationTime.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(CreationTime.Value) : (DateTimeOffset?)null;

        public override string ToString() => $"{StorageConfigurationName} ({StorageConfigurationId})";
    }

    public sealed class RootBucketInfo : WireObject
    {
        [JsonPropertyName("bucket_name")] public string? BucketName { get; set; }
        public override string ToString() => BucketName ?? "";
    }

    /// <summary>The body of a workspace create (POST <c>/workspaces</c>): only what is given is sent.</summary>
    public sealed class WorkspaceCreateRequest
    {
        [JsonPropertyName("workspace_name")] public string? WorkspaceName { get; set; }
        [JsonPropertyName("aws_region")] public string? Region { get; set; }
        [JsonPropertyName("deployment_name")] public string? DeploymentName { get; set; }
        [JsonPropertyName("pricing_tier")] public string? PricingTier { get; set; }
        [JsonPropertyName("compute_mode")] public string? ComputeMode { get; set; }
        [JsonPropertyName("credentials_id")] public string? CredentialsId { get; set; }
        [JsonPropertyName("storage_configuration_id")] public string? StorageConfigurationId { get; set; }
        [JsonPropertyName("network_id")] public string? NetworkId { get; set; }
        [JsonPropertyName("private_access_settings_id")] public string? PrivateAccessSettingsId { get; set; }
        [JsonPropertyName("network_connectivity_config_id")] public string? NetworkConnectivityConfigId { get; set; }
        [JsonPropertyName("custom_tags")] public System.Collections.Generic.Dictionary<string, string>? CustomTags { get; set; }
    }
}
