using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>A <c>{items, next_page_token}</c> page of the serverless networking lists.</summary>
    public sealed class ItemsPage<T>
    {
        [JsonPropertyName("items")] public DbxList<T>? Items { get; set; }
        [JsonPropertyName("next_page_token")] public string? NextPageToken { get; set; }
    }

    /// <summary>A network connectivity configuration (NCC): serverless egress settings of one region, bound to workspaces.</summary>
    public sealed class NetworkConnectivityConfig : WireObject
    {
        [JsonPropertyName("network_connectivity_config_id")] public string? NetworkConnectivityConfigId { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("creation_time")] public long? CreationTime { get; set; }
        [JsonPropertyName("updated_time")] public long? UpdatedTime { get; set; }
        [JsonPropertyName("egress_config")] public NccEgressConfig? EgressConfig { get; set; }

        [JsonIgnore] public DateTimeOffset? Created => ServerlessTime.FromMs(CreationTime);

        /// <summary>The stable egress CIDRs (<c>aws_stable_ip_rule</c>); legacy, see Get-DbxServerlessEgressIp.</summary>
        [JsonIgnore] public DbxList<string> StableEgressCidrs => EgressConfig?.DefaultRules?.AwsStableIpRule?.CidrBlocks?.ToArray() ?? new string[0];

        [JsonIgnore] public int PrivateEndpointRuleCount => EgressConfig?.TargetRules?.AwsPrivateEndpointRules?.Count ?? 0;

        public override string ToString() => $"{Name} ({NetworkConnectivityConfigId})";
    }

    public sealed class NccEgressConfig : WireObject
    {
        [JsonPropertyName("default_rules")] public NccEgressDefaultRules? DefaultRules { get; set; }
        [JsonPropertyName("target_rules")] public NccEgressTargetRules? TargetRules { get; set; }
        public override string ToString() =>
            $"stable CIDRs: {DefaultRules?.AwsStableIpRule?.CidrBlocks?.Count ?? 0}, private endpoint rules: {TargetRules?.AwsPrivateEndpointRules?.Count ?? 0}";
    }

    public sealed class NccEgressDefaultRules : WireObject
    {
        [JsonPropertyName("aws_stable_ip_rule")] public NccAwsStableIpRule? AwsStableIpRule { get; set; }
        [JsonPropertyName("azure_service_endpoint_rule")] public JsonElement? AzureServiceEndpointRule { get; set; }
        public override string ToString() => $"AWS stable IPs: {AwsStableIpRule?.CidrBlocks?.Count ?? 0} CIDRs" + (AzureServiceEndpointRule.HasValue && AzureServiceEndpointRule.Value.ValueKind != JsonValueKind.Null ? ", Azure service endpoint rule" : "");
    }

    public sealed class NccAwsStableIpRule : WireObject
    {
        [JsonPropertyName("cidr_blocks")] public DbxList<string>? CidrBlocks { get; set; }
        public override string ToString() => IngressText.Join(CidrBlocks, "no CIDRs");
    }

    public sealed class NccEgressTargetRules : WireObject
    {
        [JsonPropertyName("aws_private_endpoint_rules")] public DbxList<PrivateEndpointRule>? AwsPrivateEndpointRules { get; set; }
        [JsonPropertyName("azure_private_endpoint_rules")] public JsonElement? AzurePrivateEndpointRules { get; set; }
        public override string ToString() => $"{AwsPrivateEndpointRules?.Count ?? 0} AWS private endpoint rules" + (AzurePrivateEndpointRules.HasValue && AzurePrivateEndpointRules.Value.ValueKind == JsonValueKind.Array ? $", {AzurePrivateEndpointRules.Value.GetArrayLength()} Azure" : "");
    }

    /// <summary>An NCC private endpoint rule: serverless compute reaches an S3 bucket or a service in the customer's VPC over PrivateLink.</summary>
    public sealed class PrivateEndpointRule : WireObject
    {
        [JsonPropertyName("rule_id")] public string? RuleId { get; set; }
        [JsonPropertyName("network_connectivity_config_id")] public string? NetworkConnectivityConfigId { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("endpoint_service")] public string? EndpointService { get; set; }
        [JsonPropertyName("domain_names")] public DbxList<string>? DomainNames { get; set; }
        [JsonPropertyName("resource_names")] public DbxList<string>? ResourceNames { get; set; }
        /// <summary>CREATING, PENDING, ESTABLISHED, CREATE_FAILED, REJECTED, DISCONNECTED, EXPIRED (string: unknown values never break reading).</summary>
        [JsonPropertyName("connection_state")] public string? ConnectionState { get; set; }
        [JsonPropertyName("vpc_endpoint_id")] public string? VpcEndpointId { get; set; }
        [JsonPropertyName("enabled")] public bool? Enabled { get; set; }
        [JsonPropertyName("deactivated")] public bool? Deactivated { get; set; }
        [JsonPropertyName("deactivated_at")] public long? DeactivatedAt { get; set; }
        [JsonPropertyName("creation_time")] public long? CreationTime { get; set; }
        [JsonPropertyName("updated_time")] public long? UpdatedTime { get; set; }
        [JsonPropertyName("error_message")] public string? ErrorMessage { get; set; }

        /// <summary>The name of the rule's network connectivity configuration, filled by the cmdlets from the NCC they read (not on the wire).</summary>
        [JsonIgnore] public string? NetworkConnectivityConfigName { get; set; }

        /// <summary>S3 when the rule names buckets, otherwise a service in the customer's VPC.</summary>
        [JsonIgnore] public string Target => ResourceNames != null && ResourceNames.Count > 0 ? "S3" : "EndpointService";
        [JsonIgnore] public DateTimeOffset? Created => ServerlessTime.FromMs(CreationTime);
        [JsonIgnore] public DateTimeOffset? DeactivatedOn => ServerlessTime.FromMs(DeactivatedAt);

        public override string ToString() => $"{RuleId} ({ConnectionState})";
    }

    /// <summary>POST body of a private endpoint rule (sent unwrapped).</summary>
    public sealed class CreatePrivateEndpointRuleRequest
    {
        [JsonPropertyName("endpoint_service")] public string? EndpointService { get; set; }
        [JsonPropertyName("domain_names")] public List<string>? DomainNames { get; set; }
        [JsonPropertyName("resource_names")] public List<string>? ResourceNames { get; set; }
    }

    /// <summary>PATCH body of a private endpoint rule; only the fields named in update_mask are read.</summary>
    public sealed class UpdatePrivateEndpointRuleRequest
    {
        [JsonPropertyName("domain_names")] public List<string>? DomainNames { get; set; }
        [JsonPropertyName("resource_names")] public List<string>? ResourceNames { get; set; }
        [JsonPropertyName("enabled")] public bool? Enabled { get; set; }
    }

    /// <summary>POST body of an NCC.</summary>
    public sealed class CreateNetworkConnectivityConfigRequest
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
    }

    /// <summary>One serverless egress CIDR of an NCC (published range or legacy stable CIDR, see <see cref="Kind"/>), ready for a firewall rule or an S3 bucket policy (<c>aws:SourceIp</c>). Not a wire object.</summary>
    public sealed class ServerlessEgressIp
    {
        public string? NetworkConnectivityConfigId { get; set; }
        public string? NetworkConnectivityConfigName { get; set; }
        public string? Region { get; set; }
        public string? Cidr { get; set; }
        /// <summary>The network address part of the CIDR.</summary>
        public string? Address { get; set; }
        public int PrefixLength { get; set; }
        /// <summary>Where the value came from: <c>ip-ranges.json</c> (Databricks' published outbound ranges) or <c>aws_stable_ip_rule</c> (the NCC's legacy list).</summary>
        public string Source { get; set; } = "aws_stable_ip_rule";
        /// <summary>
        /// Published (Databricks' published serverless outbound ranges for the region: the ones to allow) or Legacy
        /// (the NCC's stable egress CIDRs, decommissioned after 2026-05-25: only to find old rules to replace).
        /// </summary>
        public string Kind { get; set; } = "Legacy";
        /// <summary>The published feed's timestamp (published ranges only).</summary>
        public DateTime? FeedTimestamp { get; set; }
        /// <summary>The URL or file the published feed was read from (published ranges only).</summary>
        public string? FeedSource { get; set; }
        /// <summary>Databricks, EmulatorFixture (not Databricks' ranges), File or Url, as Get-DbxPublishedIpRange's SourceKind (published ranges only).</summary>
        public string? FeedSourceKind { get; set; }

        public override string ToString() => Cidr ?? "";
    }

    /// <summary>An S3 bucket policy that denies every request not arriving over the given private paths (VPC endpoint ids,
    /// Databricks' serverless VPC endpoint organization path). Not a wire object; <see cref="PolicyJson"/> is ready for
    /// <c>aws s3api put-bucket-policy --policy</c>.</summary>
    public sealed class S3BucketPolicy
    {
        public string? BucketName { get; set; }
        /// <summary>VPC endpoint ids the policy lets through (aws:SourceVpce): the NCC rules' endpoints and the customer's gateway endpoints.</summary>
        public DbxList<string> VpcEndpointIds { get; set; } = new string[0];
        /// <summary>aws:VpceOrgPaths values the policy lets through (serverless compute without naming its endpoint ids).</summary>
        public DbxList<string> VpceOrgPaths { get; set; } = new string[0];
        /// <summary>NCC private endpoint rules for the bucket that are not usable yet (not ESTABLISHED or no vpc_endpoint_id); left out of the policy.</summary>
        public DbxList<string> PendingRuleIds { get; set; } = new string[0];
        /// <summary>The policy statements, as ordered dictionaries in the IAM policy grammar.</summary>
        public DbxList<object> Statements { get; set; } = new object[0];
        /// <summary>The whole policy document as JSON.</summary>
        public string PolicyJson { get; set; } = "";

        public override string ToString() => PolicyJson;
    }

    // ---- network policies ----------------------------------------------------------------------------

    /// <summary>An account network policy (serverless egress control). Unknown fields are kept, so a read-then-PUT never drops them.</summary>
    public sealed class NetworkPolicy : WireObject
    {
        [JsonPropertyName("network_policy_id")] public string? NetworkPolicyId { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("egress")] public NetworkPolicyEgress? Egress { get; set; }
        /// <summary>Enforced context-based ingress (see Models/Ingress.cs).</summary>
        [JsonPropertyName("ingress")] public IngressNetworkPolicy? Ingress { get; set; }
        /// <summary>Ingress rules in dry run: they never block, they only log what they would decide.</summary>
        [JsonPropertyName("ingress_dry_run")] public IngressNetworkPolicy? IngressDryRun { get; set; }

        private NetworkAccessPolicy? Access => Egress?.NetworkAccess;

        /// <summary>FULL_ACCESS or RESTRICTED_ACCESS.</summary>
        [JsonIgnore] public string? RestrictionMode => Access?.RestrictionMode;
        /// <summary>ENFORCED (also when the service omits it) or DRY_RUN.</summary>
        [JsonIgnore] public string EnforcementMode => Access?.PolicyEnforcement?.EnforcementMode ?? "ENFORCED";
        [JsonIgnore] public DbxList<string> DryRunProducts => Access?.PolicyEnforcement?.DryRunModeProductFilter?.ToArray() ?? new string[0];
        [JsonIgnore] public DbxList<string> AllowedDomains => Access?.AllowedInternetDestinations?.Select(d => d.Destination ?? "").ToArray() ?? new string[0];
        [JsonIgnore] public DbxList<string> BlockedDomains => Access?.BlockedInternetDestinations?.Select(d => d.Destination ?? "").ToArray() ?? new string[0];
        [JsonIgnore] public DbxList<StorageDestination> AllowedS3Buckets => Access?.AllowedStorageDestinations?.Where(s => s.StorageDestinationType == "AWS_S3").ToArray() ?? new StorageDestination[0];
        /// <summary>Databricks workspaces serverless compute may reach (allowed_databricks_destinations[].workspace_ids, RestrictedAccess).</summary>
        [JsonIgnore] public DbxList<long> AllowedWorkspaceIds => Access?.AllowedDatabricksDestinations?.SelectMany(d => d.WorkspaceIds ?? new List<long>()).Distinct().ToArray() ?? new long[0];
        /// <summary>Blocked destinations (blocked domains), part of <see cref="DestinationCount"/>.</summary>
        [JsonIgnore] public int BlockedDestinationCount => Access?.BlockedInternetDestinations?.Count ?? 0;
        /// <summary>Destinations this policy counts against the 2000 limit: allowed and blocked domains, storage of every
        /// kind, and each allowed Databricks workspace.</summary>
        [JsonIgnore] public int DestinationCount => (Access?.AllowedInternetDestinations?.Count ?? 0) + BlockedDestinationCount
            + (Access?.AllowedStorageDestinations?.Count ?? 0) + AllowedWorkspaceIds.Length;

        /// <summary>Public ingress mode: FULL_ACCESS (also when no ingress is set) or RESTRICTED_ACCESS.</summary>
        [JsonIgnore] public string PublicAccessRestrictionMode => Ingress?.PublicAccess?.RestrictionMode ?? "FULL_ACCESS";
        /// <summary>The dry-run public ingress mode, or null when there is no dry run.</summary>
        [JsonIgnore] public string? DryRunPublicAccessRestrictionMode => IngressDryRun?.PublicAccess?.RestrictionMode;
        [JsonIgnore] public int IngressRuleCount => (Ingress?.PublicAccess?.AllowRules?.Count ?? 0) + (Ingress?.PublicAccess?.DenyRules?.Count ?? 0);
        [JsonIgnore] public int IngressDryRunRuleCount => (IngressDryRun?.PublicAccess?.AllowRules?.Count ?? 0) + (IngressDryRun?.PublicAccess?.DenyRules?.Count ?? 0);

        /// <summary>Private access (requests over registered endpoints): ALLOW_ALL_REGISTERED_ENDPOINTS, RESTRICTED_ACCESS, the
        /// service's own RESTRICTION_MODE_UNSPECIFIED (it fills private_access when unset), or null when there is no ingress.</summary>
        [JsonIgnore] public string? PrivateAccessRestrictionMode => Ingress?.PrivateAccess?.RestrictionMode;
        /// <summary>The registered endpoint ids the enforced private allow rules name.</summary>
        [JsonIgnore] public DbxList<string> AllowedEndpointIds => (Ingress?.PrivateAccess?.AllowRules?.SelectMany(r => r.Origin?.Endpoints?.EndpointIds ?? new List<string>()).Distinct() ?? Enumerable.Empty<string>()).ToDbxList();
        /// <summary>Cross-workspace access: FULL_ACCESS, RESTRICTED_ACCESS, LEGACY_MODE, or null when unset.</summary>
        [JsonIgnore] public string? CrossWorkspaceAccessRestrictionMode => Ingress?.CrossWorkspaceAccess?.RestrictionMode;

        /// <summary>One line for confirmations: the public ingress mode and rule counts, enforced and dry run.</summary>
        [JsonIgnore] public string IngressSummary =>
            $"public ingress {PublicAccessRestrictionMode} with {IngressRuleCount} rule(s)" + (IngressDryRun?.PublicAccess != null ? $", dry run {DryRunPublicAccessRestrictionMode} with {IngressDryRunRuleCount} rule(s)" : "")
            + (PrivateAccessRestrictionMode != null && PrivateAccessRestrictionMode != IngressWire.RestrictionModeUnspecified ? $", private access {PrivateAccessRestrictionMode}" + (AllowedEndpointIds.Length > 0 ? $" ({AllowedEndpointIds.Length} endpoint(s))" : "") : "")
            + (CrossWorkspaceAccessRestrictionMode != null ? $", cross-workspace {CrossWorkspaceAccessRestrictionMode}" : "");

        public override string ToString() => NetworkPolicyId ?? "";
    }

    public sealed class NetworkPolicyEgress : WireObject
    {
        [JsonPropertyName("network_access")] public NetworkAccessPolicy? NetworkAccess { get; set; }
        public override string ToString() => NetworkAccess?.ToString() ?? "";
    }

    public sealed class NetworkAccessPolicy : WireObject
    {
        [JsonPropertyName("restriction_mode")] public string? RestrictionMode { get; set; }
        [JsonPropertyName("allowed_internet_destinations")] public DbxList<InternetDestination>? AllowedInternetDestinations { get; set; }
        [JsonPropertyName("blocked_internet_destinations")] public DbxList<InternetDestination>? BlockedInternetDestinations { get; set; }
        [JsonPropertyName("allowed_storage_destinations")] public DbxList<StorageDestination>? AllowedStorageDestinations { get; set; }
        [JsonPropertyName("allowed_databricks_destinations")] public DbxList<DatabricksDestination>? AllowedDatabricksDestinations { get; set; }
        [JsonPropertyName("policy_enforcement")] public PolicyEnforcement? PolicyEnforcement { get; set; }
        public override string ToString() =>
            $"{RestrictionMode}: {AllowedInternetDestinations?.Count ?? 0} allowed and {BlockedInternetDestinations?.Count ?? 0} blocked domains, {AllowedStorageDestinations?.Count ?? 0} storage destinations";
    }

    public sealed class InternetDestination : WireObject
    {
        [JsonPropertyName("destination")] public string? Destination { get; set; }
        [JsonPropertyName("internet_destination_type")] public string? InternetDestinationType { get; set; }
        public override string ToString() => Destination ?? "";
    }

    /// <summary>Allowed Databricks workspaces (databricks-sdk-go settings EgressNetworkPolicyNetworkAccessPolicyDatabricksDestination).</summary>
    public sealed class DatabricksDestination : WireObject
    {
        /// <summary>int64 values; read from strings too (proto JSON writes int64 so in some answers).</summary>
        [JsonPropertyName("workspace_ids")]
        [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
        public DbxList<long>? WorkspaceIds { get; set; }
        public override string ToString() => string.Join(",", WorkspaceIds ?? new List<long>());
    }

    /// <summary>An allowed storage destination; for S3 the bucket name and its region.</summary>
    public sealed class StorageDestination : WireObject
    {
        [JsonPropertyName("bucket_name")] public string? BucketName { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("storage_destination_type")] public string? StorageDestinationType { get; set; }
        [JsonPropertyName("azure_storage_account")] public string? AzureStorageAccount { get; set; }
        [JsonPropertyName("azure_storage_service")] public string? AzureStorageService { get; set; }
        public override string ToString() => BucketName + "@" + Region;
    }

    public sealed class PolicyEnforcement : WireObject
    {
        [JsonPropertyName("enforcement_mode")] public string? EnforcementMode { get; set; }
        [JsonPropertyName("dry_run_mode_product_filter")] public DbxList<string>? DryRunModeProductFilter { get; set; }
        public override string ToString() => (EnforcementMode ?? "no enforcement mode") + (DryRunModeProductFilter?.Count > 0 ? " (dry run for " + IngressText.Join(DryRunModeProductFilter, "") + ")" : "");
    }

    /// <summary>The workspace network option: the one network policy a workspace is bound to.</summary>
    public sealed class WorkspaceNetworkOption : WireObject
    {
        [JsonPropertyName("workspace_id")] public long WorkspaceId { get; set; }
        [JsonPropertyName("network_policy_id")] public string? NetworkPolicyId { get; set; }
        /// <summary>Filled in when the workspace list was read anyway (not on the wire).</summary>
        [JsonIgnore] public string? WorkspaceName { get; set; }
        public override string ToString() => $"{WorkspaceId} -> {NetworkPolicyId}";
    }

    internal static class ServerlessTime
    {
        public static DateTimeOffset? FromMs(long? ms) => ms.HasValue && ms.Value > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms.Value) : (DateTimeOffset?)null;
    }
}
