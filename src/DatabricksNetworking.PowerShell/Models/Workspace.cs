using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>A Databricks workspace (account API <c>workspaces</c>), network-relevant fields.</summary>
    public sealed class Workspace : WireObject
    {
        [JsonPropertyName("workspace_id")] public long WorkspaceId { get; set; }
        [JsonPropertyName("workspace_name")] public string? WorkspaceName { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        /// <summary>AWS region (<c>aws_region</c> on the wire); named Region so it binds to -Region.</summary>
        [JsonPropertyName("aws_region")] public string? Region { get; set; }
        [JsonPropertyName("cloud")] public string? Cloud { get; set; }
        [JsonPropertyName("deployment_name")] public string? DeploymentName { get; set; }
        [JsonPropertyName("workspace_status")] public string? WorkspaceStatus { get; set; }
        [JsonPropertyName("workspace_status_message")] public string? WorkspaceStatusMessage { get; set; }
        [JsonPropertyName("expected_workspace_status")] public string? ExpectedWorkspaceStatus { get; set; }
        [JsonPropertyName("pricing_tier")] public string? PricingTier { get; set; }
        [JsonPropertyName("compute_mode")] public string? ComputeMode { get; set; }
        [JsonPropertyName("storage_mode")] public string? StorageMode { get; set; }
        [JsonPropertyName("credentials_id")] public string? CredentialsId { get; set; }
        [JsonPropertyName("storage_configuration_id")] public string? StorageConfigurationId { get; set; }
        [JsonPropertyName("network_id")] public string? NetworkId { get; set; }
        [JsonPropertyName("private_access_settings_id")] public string? PrivateAccessSettingsId { get; set; }
        [JsonPropertyName("network_connectivity_config_id")] public string? NetworkConnectivityConfigId { get; set; }
        [JsonPropertyName("managed_services_customer_managed_key_id")] public string? ManagedServicesCustomerManagedKeyId { get; set; }
        [JsonPropertyName("storage_customer_managed_key_id")] public string? StorageCustomerManagedKeyId { get; set; }
        [JsonPropertyName("custom_tags")] public DbxMap? CustomTags { get; set; }
        [JsonPropertyName("creation_time")] public long? CreationTime { get; set; }

        /// <summary><see cref="CreationTime"/> as a date (not on the wire).</summary>
        [JsonIgnore] public DateTimeOffset? Created => CreationTime.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(CreationTime.Value) : (DateTimeOffset?)null;

        /// <summary>
        /// The workspace URL: the deployment name in the account host's domain (Terraform mws/resource_mws_workspaces.go
        /// "replacing accounts with the deployment name": accounts.cloud.databricks.us → &lt;deployment&gt;.cloud.databricks.us),
        /// when the workspace was read through an accounts host; otherwise by region (us-gov-* → .cloud.databricks.us,
        /// else .cloud.databricks.com).
        /// </summary>
        [JsonIgnore] public string? WorkspaceUrl =>
            string.IsNullOrEmpty(DeploymentName) ? null
            : !string.IsNullOrEmpty(UrlTemplate) ? UrlTemplate!.Replace("{deployment_name}", DeploymentName).Replace("{workspace_id}", WorkspaceId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : Region != null && Region.StartsWith("us-gov-", StringComparison.OrdinalIgnoreCase) ? $"https://{DeploymentName}.cloud.databricks.us"
            : $"https://{DeploymentName}.cloud.databricks.com";

        /// <summary>The account context's workspace URL template this workspace was read with (not on the wire).</summary>
        [JsonIgnore] internal string? UrlTemplate { get; set; }

        /// <summary>The unified host this workspace was read through, which also serves its workspace APIs (not on the wire).</summary>
        [JsonIgnore] internal string? UnifiedHost { get; set; }

        /// <summary>Where Connect-DbxWorkspace -Workspace connects: the unified host it was read through, else <see cref="WorkspaceUrl"/>.</summary>
        internal string? ConnectHost => UnifiedHost ?? WorkspaceUrl;

        public override string ToString() => $"{WorkspaceName} ({WorkspaceId})";
    }

    /// <summary>The two fields of a network connectivity configuration the workspace binding checks read (region match).</summary>
    public sealed class NetworkConnectivityConfigRef
    {
        [JsonPropertyName("network_connectivity_config_id")] public string? NetworkConnectivityConfigId { get; set; }
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
    }

    /// <summary>The fields of a workspace cluster the running-compute check reads (<c>GET /api/2.0/clusters/list</c>).</summary>
    public sealed class ClusterSummary
    {
        [JsonPropertyName("cluster_id")] public string? ClusterId { get; set; }
        [JsonPropertyName("cluster_name")] public string? ClusterName { get; set; }
        [JsonPropertyName("state")] public string? State { get; set; }

        /// <summary>States in which the cluster has instances in the classic data plane (all but TERMINATED, ERROR, UNKNOWN).</summary>
        [JsonIgnore] public bool IsRunning => State == "PENDING" || State == "RUNNING" || State == "RESTARTING" || State == "RESIZING" || State == "TERMINATING";

        public override string ToString() => $"{ClusterName} ({ClusterId}, {State})";
    }

    public sealed class ClusterList
    {
        [JsonPropertyName("clusters")] public DbxList<ClusterSummary>? Clusters { get; set; }
        [JsonPropertyName("next_page_token")] public string? NextPageToken { get; set; }
    }
}
