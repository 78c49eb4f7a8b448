using System;
using System.Collections.Generic;
using System.Linq;

namespace DatabricksNetworking.Models
{
    /// <summary>
    /// The network facts of one workspace an auditor asks for (Get-DbxNetworkPosture), plus the account-level facts.
    /// Not a wire object. A fact that could not be read is null and the reason is in <see cref="IncompleteReasons"/>.
    /// </summary>
    public sealed class NetworkPosture
    {
        public string? AccountId { get; set; }
        public long WorkspaceId { get; set; }
        public string? WorkspaceName { get; set; }
        public string? Region { get; set; }
        public string? WorkspaceStatus { get; set; }
        public string? PricingTier { get; set; }
        public string? ComputeMode { get; set; }
        public DbxMap CustomTags { get; set; } = new DbxMap();

        /// <summary>True when every fact could be read.</summary>
        public bool Complete => IncompleteReasons.Length == 0;
        /// <summary><c>Complete</c> or <c>Incomplete</c>.</summary>
        public string Status => Complete ? "Complete" : "Incomplete";
        /// <summary>Why facts are missing (one line per failed call).</summary>
        public DbxList<string> IncompleteReasons { get; set; } = new string[0];

        // ---- classic: customer-managed VPC and PrivateLink ----------------------------------------------
        public string? NetworkId { get; set; }
        public string? NetworkName { get; set; }
        /// <summary>True when the workspace uses a network configuration (a customer-managed VPC).</summary>
        public bool CustomerManagedVpc { get; set; }
        public string? VpcId { get; set; }
        /// <summary>The network configuration's vpc_status (VALID, WARNED, BROKEN, UNATTACHED); null without one or when unreadable.</summary>
        public string? VpcStatus { get; set; }
        public DbxList<string> RestApiVpcEndpointIds { get; set; } = new string[0];
        public DbxList<string> DataplaneRelayVpcEndpointIds { get; set; } = new string[0];
        /// <summary>Back-end PrivateLink: the network configuration names both a REST API and a relay VPC endpoint. Null when the network could not be read.</summary>
        public bool? BackEndPrivateLink { get; set; }
        /// <summary>The back-end endpoint registrations with their state ("name (id): available").</summary>
        public DbxList<string> BackEndVpcEndpointStates { get; set; } = new string[0];
        public string? PrivateAccessSettingsId { get; set; }
        public string? PrivateAccessSettingsName { get; set; }
        /// <summary>ACCOUNT or ENDPOINT.</summary>
        public string? PrivateAccessLevel { get; set; }
        /// <summary>Whether the workspace can be reached from the public internet: the private access settings' public_access_enabled; true without private access settings.</summary>
        public bool? PublicAccessEnabled { get; set; }
        /// <summary>Front-end PrivateLink: private access settings that admit a REST API endpoint registration of the region other than the back-end ones.</summary>
        public bool? FrontEndPrivateLink { get; set; }
        public DbxList<string> FrontEndVpcEndpointIds { get; set; } = new string[0];

        // ---- workspace IP access lists --------------------------------------------------------------------
        /// <summary>workspace-conf enableIpAccessLists.</summary>
        public bool? IpAccessListsEnabled { get; set; }
        /// <summary>Enabled ALLOW lists.</summary>
        public int? AllowListCount { get; set; }
        /// <summary>Enabled BLOCK lists.</summary>
        public int? BlockListCount { get; set; }
        /// <summary>Addresses and CIDRs in the enabled lists.</summary>
        public int? IpAccessEntryCount { get; set; }
        /// <summary>ALLOW entries wider than /<see cref="MaxAllowPrefixLength"/> (0.0.0.0/0 and friends), as "entry (list label)".</summary>
        public DbxList<string> WideAllowEntries { get; set; } = new string[0];
        /// <summary>The widest prefix an ALLOW entry may have before it counts as wide (the scan's -MaxAllowPrefixLength).</summary>
        public int MaxAllowPrefixLength { get; set; }

        // ---- serverless ------------------------------------------------------------------------------------
        public string? NetworkConnectivityConfigId { get; set; }
        public string? NetworkConnectivityConfigName { get; set; }
        public int? PrivateEndpointRuleCount { get; set; }
        /// <summary>Each private endpoint rule of the bound NCC as "rule id: STATE".</summary>
        public DbxList<string> PrivateEndpointRuleStates { get; set; } = new string[0];
        /// <summary>Rules in CREATE_FAILED, REJECTED, DISCONNECTED or EXPIRED.</summary>
        public int? FailedPrivateEndpointRuleCount { get; set; }
        public string? NetworkPolicyId { get; set; }
        /// <summary>FULL_ACCESS or RESTRICTED_ACCESS.</summary>
        public string? EgressRestrictionMode { get; set; }
        /// <summary>ENFORCED or DRY_RUN.</summary>
        public string? PolicyEnforcementMode { get; set; }
        public DbxList<string> DryRunProducts { get; set; } = new string[0];

        // ---- context-based ingress: the network policy the workspace uses (NetworkPolicyId) -------------------
        /// <summary><c>Bound</c> (the workspace is bound to <see cref="NetworkPolicyId"/>) or <c>DefaultPolicy</c> (no binding: default-policy applies).</summary>
        public string? NetworkPolicySource { get; set; }
        /// <summary>Enforced public ingress: <c>FullAccess</c>, <c>RestrictedAccess</c> or <c>None</c> (no ingress configured: every address reaches the workspace). Null when unreadable.</summary>
        public string? PublicIngressMode { get; set; }
        /// <summary>The dry-run public ingress mode (<c>ingress_dry_run</c>), null when the policy has no dry run.</summary>
        public string? DryRunPublicIngressMode { get; set; }
        /// <summary>Enforced public ingress rules (allow and deny).</summary>
        public int? IngressRuleCount { get; set; }
        /// <summary>Public ingress rules in dry run (they only log).</summary>
        public int? IngressDryRunRuleCount { get; set; }
        /// <summary>Public ALLOW rules, enforced or dry run, whose origin is every address.</summary>
        public DbxList<OpenIngressRule> OpenIngressRules { get; set; } = new OpenIngressRule[0];

        /// <summary>The account ingress policy (account-policy), read once per scan: the same object on every posture of the scan. Null when unreadable.</summary>
        public AccountIngressPosture? AccountIngress { get; set; }

        // ---- account-level facts (the same on every workspace of a scan) ----------------------------------
        public bool? AccountIpAccessListsEnabled { get; set; }
        public int? AccountAllowListCount { get; set; }
        public int? AccountBlockListCount { get; set; }
        public DbxList<string> AccountWideAllowEntries { get; set; } = new string[0];

        public DateTimeOffset ScannedAt { get; set; }

        public override string ToString() => $"{WorkspaceName} ({WorkspaceId}): {Status}";
    }

    /// <summary>A public ALLOW ingress rule that admits every address (origin absent, all_ip_ranges, or a /0 range, with no excluded range).</summary>
    public sealed class OpenIngressRule
    {
        public string? NetworkPolicyId { get; set; }
        public string? Label { get; set; }
        /// <summary><c>Enforced</c> (<c>ingress</c>) or <c>DryRun</c> (<c>ingress_dry_run</c>).</summary>
        public string Mode { get; set; } = "Enforced";
        /// <summary>Who the rule admits: All, AllUsers, AllServicePrincipals or the selected identities.</summary>
        public DbxList<string> Identities { get; set; } = new string[0];
        public DbxList<string> Destinations { get; set; } = new string[0];
        /// <summary>True when authentication narrows the rule to selected identities.</summary>
        public bool SelectedIdentitiesOnly { get; set; }

        public override string ToString() =>
            $"{(string.IsNullOrEmpty(Label) ? "(no label)" : Label)} ({Mode}; identities {string.Join(",", Identities)}; destinations {string.Join(",", Destinations)})";
    }

    /// <summary>The account ingress policy (fixed id account-policy: the account console and account APIs), as a posture scan reads it once.</summary>
    public sealed class AccountIngressPosture
    {
        public string? AccountId { get; set; }
        public string NetworkPolicyId { get; set; } = IngressWire.AccountPolicyId;
        /// <summary>Enforced public ingress of the account: <c>FullAccess</c>, <c>RestrictedAccess</c> or <c>None</c> (no account ingress policy configured).</summary>
        public string PublicIngressMode { get; set; } = "None";
        public string? DryRunPublicIngressMode { get; set; }
        public int IngressRuleCount { get; set; }
        public int IngressDryRunRuleCount { get; set; }
        public DbxList<OpenIngressRule> OpenIngressRules { get; set; } = new OpenIngressRule[0];

        public override string ToString() =>
            $"{NetworkPolicyId}: {PublicIngressMode}, {IngressRuleCount} enforced and {IngressDryRunRuleCount} dry-run rule(s)"
            + (DryRunPublicIngressMode != null ? $", dry run {DryRunPublicIngressMode}" : "")
            + (OpenIngressRules.Length > 0 ? $", open to all addresses: {string.Join(", ", OpenIngressRules.Select(r => r.Label))}" : "");
    }

    /// <summary>How serious a violated control is (baseline severities, -FailOn).</summary>
    public enum ComplianceSeverity { Info = 0, Low = 1, Medium = 2, High = 3, Critical = 4 }

    /// <summary>One violated (or unverifiable) control of one workspace (Test-DbxNetworkCompliance).</summary>
    public sealed class ComplianceFinding
    {
        /// <summary>The workspace; null for a finding of an account-level control (<see cref="Scope"/> Account).</summary>
        public long? WorkspaceId { get; set; }
        public string? WorkspaceName { get; set; }
        public string? AccountId { get; set; }
        /// <summary><c>Workspace</c>, or <c>Account</c> for an account-level control (reported once per account).</summary>
        public string Scope { get; set; } = "Workspace";
        public string Control { get; set; } = "";
        public ComplianceSeverity Severity { get; set; }
        /// <summary><c>Failed</c> (the facts violate the control) or <c>Unknown</c> (the facts could not be read).</summary>
        public string Status { get; set; } = "Failed";
        public string Actual { get; set; } = "";
        public string Expected { get; set; } = "";
        /// <summary>How to fix it, with the module's cmdlets.</summary>
        public string Remediation { get; set; } = "";

        public override string ToString() => $"{(Scope == "Account" ? "account " + AccountId : WorkspaceName)} {Control} ({Severity}): {Actual}";
    }

    /// <summary>One difference between two network configuration snapshots (Compare-DbxNetworkConfiguration).</summary>
    public sealed class NetworkConfigurationChange
    {
        /// <summary><c>Added</c>, <c>Removed</c> or <c>Changed</c>.</summary>
        public string ChangeType { get; set; } = "";
        /// <summary>Workspace, Network, VpcEndpoint, PrivateAccessSettings, NetworkConnectivityConfig, PrivateEndpointRule, NetworkPolicy, AccountIpAccessList, AccountIpAccessListFeature, IpAccessList, IpAccessListFeature, WorkspaceNetworkOption.</summary>
        public string ObjectType { get; set; } = "";
        public string ObjectId { get; set; } = "";
        public string? Name { get; set; }
        /// <summary>The workspace a workspace-level object belongs to.</summary>
        public long? WorkspaceId { get; set; }
        /// <summary>That workspace's name (from either snapshot), so a change in a pipeline over workspaces names its workspace.</summary>
        public string? WorkspaceName { get; set; }
        /// <summary>The changed property as a dotted path (Changed only).</summary>
        public string? Property { get; set; }
        /// <summary>
        /// The value in the reference snapshot: the property's JSON for a change; for a removed object a readable summary of
        /// it (name, key fields, dates as UTC; the whole object is in <see cref="ObjectJson"/>).
        /// </summary>
        public string? ReferenceValue { get; set; }
        /// <summary>The value in the difference snapshot (or the live state), as <see cref="ReferenceValue"/>; the added object's summary.</summary>
        public string? DifferenceValue { get; set; }
        /// <summary>The whole wire object as JSON (Added and Removed only).</summary>
        public string? ObjectJson { get; set; }

        public override string ToString() => $"{ChangeType} {ObjectType} {ObjectId}{(Property != null ? " ." + Property : "")}";
    }
    /// <summary>What Import-DbxNetworkConfiguration did with one object of the snapshot (or one extra live object).</summary>
    public sealed class NetworkConfigurationImportResult
    {
        /// <summary>The snapshot object type: NetworkPolicy, IpAccessList, NetworkConnectivityConfig, Network, ...</summary>
        public string Kind { get; set; } = "";
        /// <summary>The natural key the import matches by: the list label, the policy id, name@region of an NCC, ...</summary>
        public string Key { get; set; } = "";
        public string? Name { get; set; }
        /// <summary>The live workspace of a workspace-level object.</summary>
        public long? WorkspaceId { get; set; }
        /// <summary><c>Created</c>, <c>Updated</c>, <c>Unchanged</c>, <c>Removed</c>, <c>Skipped</c> or <c>Failed</c>.</summary>
        public string Action { get; set; } = "";
        /// <summary>The id of the live object (the new id after a create).</summary>
        public string? Id { get; set; }
        /// <summary>Why it was skipped or failed, or which properties changed.</summary>
        public string? Detail { get; set; }

        public override string ToString() => $"{Action} {Kind} {(string.IsNullOrEmpty(Name) ? Key : Name)}";
    }
}
