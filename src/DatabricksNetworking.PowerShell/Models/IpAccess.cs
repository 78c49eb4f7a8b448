using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>An IP access list of a workspace or of the account console (<c>IpAccessListInfo</c>).</summary>
    public sealed class IpAccessList : WireObject
    {
        [JsonPropertyName("list_id")] public string? ListId { get; set; }
        [JsonPropertyName("label")] public string? Label { get; set; }
        /// <summary><c>ALLOW</c> or <c>BLOCK</c> (kept as text so a newer value never breaks reading).</summary>
        [JsonPropertyName("list_type")] public string? ListType { get; set; }
        [JsonPropertyName("ip_addresses")] public DbxList<string>? IpAddresses { get; set; }
        [JsonPropertyName("address_count")] public int? AddressCount { get; set; }
        [JsonPropertyName("enabled")] public bool? Enabled { get; set; }
        [JsonPropertyName("created_at")] public long? CreatedAt { get; set; }
        [JsonPropertyName("created_by")] public long? CreatedBy { get; set; }
        [JsonPropertyName("updated_at")] public long? UpdatedAt { get; set; }
        [JsonPropertyName("updated_by")] public long? UpdatedBy { get; set; }

        /// <summary>The workspace the list belongs to; null for an account list (not on the wire).</summary>
        [JsonIgnore] public long? WorkspaceId { get; set; }
        /// <summary>The name of that workspace (not on the wire): read once per call through an account context (the one
        /// used, or the session's for the workspace context's account), or carried by a workspace context made from a
        /// workspace object; null for an account list, or when neither is at hand (no workspace API returns the name).</summary>
        [JsonIgnore] public string? WorkspaceName { get; set; }
        /// <summary><c>Workspace</c> or <c>Account</c> (not on the wire).</summary>
        [JsonIgnore] public string Scope => WorkspaceId.HasValue ? "Workspace" : "Account";
        /// <summary>The number of values: <c>address_count</c>, or the length of the list when the service omits it.</summary>
        [JsonIgnore] public int Count => AddressCount ?? IpAddresses?.Count ?? 0;
        [JsonIgnore] public DateTimeOffset? Created => CreatedAt.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt.Value) : (DateTimeOffset?)null;
        [JsonIgnore] public DateTimeOffset? Updated => UpdatedAt.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt.Value) : (DateTimeOffset?)null;

        public override string ToString() => $"{Label} ({ListType}, {ListId})";
    }

    public sealed class IpAccessListEnvelope
    {
        [JsonPropertyName("ip_access_list")] public IpAccessList? IpAccessList { get; set; }
    }

    public sealed class IpAccessListsEnvelope
    {
        [JsonPropertyName("ip_access_lists")] public DbxList<IpAccessList>? IpAccessLists { get; set; }
    }

    /// <summary>Create body (<c>enabled</c> is not part of a create) and, with <see cref="Enabled"/>, replace/update body.</summary>
    public sealed class IpAccessListRequest
    {
        [JsonPropertyName("label")] public string? Label { get; set; }
        [JsonPropertyName("list_type")] public string? ListType { get; set; }
        [JsonPropertyName("enabled")] public bool? Enabled { get; set; }
        [JsonPropertyName("ip_addresses")] public List<string>? IpAddresses { get; set; }
    }

    /// <summary>The account setting <c>acct_ip_acl_enable</c>.</summary>
    public sealed class AccountIpAclEnableSetting
    {
        [JsonPropertyName("acct_ip_acl_enable")] public BooleanMessage? AcctIpAclEnable { get; set; }
        [JsonPropertyName("etag")] public string? Etag { get; set; }
        [JsonPropertyName("setting_name")] public string? SettingName { get; set; }
        public override string ToString() => $"account IP access lists {(AcctIpAclEnable?.Value == true ? "enabled" : AcctIpAclEnable == null ? "not set" : "disabled")}";
    }

    public sealed class BooleanMessage
    {
        [JsonPropertyName("value")] public bool Value { get; set; }
        public override string ToString() => Value ? "true" : "false";
    }

    public sealed class AccountIpAclEnableUpdate
    {
        [JsonPropertyName("allow_missing")] public bool AllowMissing { get; set; } = true;
        [JsonPropertyName("field_mask")] public string FieldMask { get; set; } = "acct_ip_acl_enable.value";
        [JsonPropertyName("setting")] public AccountIpAclEnableSetting? Setting { get; set; }
    }

    /// <summary>Whether IP access lists are enforced for a workspace or the account console (output of the feature cmdlets).</summary>
    public sealed class IpAccessListFeature
    {
        public string Scope => WorkspaceId.HasValue ? "Workspace" : "Account";
        public long? WorkspaceId { get; set; }
        /// <summary>The workspace's name, found as <see cref="IpAccessList.WorkspaceName"/> is; null for the account.</summary>
        public string? WorkspaceName { get; set; }
        public string? AccountId { get; set; }
        public bool Enabled { get; set; }
        /// <summary>True when the value was never set and the service's default applies (account: on; workspace: off).</summary>
        public bool IsDefault { get; set; }
        /// <summary>The account setting's etag; null for a workspace.</summary>
        public string? Etag { get; set; }

        public override string ToString() => $"{Scope} IP access lists {(Enabled ? "enabled" : "disabled")}";
    }

    /// <summary>The result of Test-DbxIpAccess: allowed or blocked, and which list and entry decided.</summary>
    public sealed class IpAccessDecision
    {
        public string IpAddress { get; set; } = "";
        public string Scope => WorkspaceId.HasValue ? "Workspace" : "Account";
        public long? WorkspaceId { get; set; }
        /// <summary>The workspace's name, found as <see cref="IpAccessList.WorkspaceName"/> is; null for the account.</summary>
        public string? WorkspaceName { get; set; }
        /// <summary>What the service does with a request from the address now.</summary>
        public bool Allowed { get; set; }
        public string Decision => Allowed ? "Allowed" : "Blocked";
        /// <summary>Whether the feature switch is on (lists are ignored when it is off).</summary>
        public bool FeatureEnabled { get; set; }
        /// <summary>What the lists alone say (the decision once the feature is on).</summary>
        public bool AllowedByLists { get; set; }
        public string? ListId { get; set; }
        public string? ListLabel { get; set; }
        public string? ListType { get; set; }
        /// <summary>The address or CIDR of the list that matched.</summary>
        public string? Entry { get; set; }
        public string Reason { get; set; } = "";

        public override string ToString() => $"{IpAddress}: {Decision} ({Reason})";
    }
}
