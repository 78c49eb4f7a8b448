using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    // Context-based ingress of a network policy (`ingress` and `ingress_dry_run`), typed after the Go SDK's
    // CustomerFacingIngressNetworkPolicy (service/settings/model.go). Every class keeps unknown fields, and every
    // optional boolean is nullable, so a read-then-PUT sends back exactly what was read.

    /// <summary>The ingress part of a network policy: public, private (registered endpoints) and cross-workspace access.</summary>
    public sealed class IngressNetworkPolicy : WireObject
    {
        [JsonPropertyName("cross_workspace_access")] public IngressCrossWorkspaceAccess? CrossWorkspaceAccess { get; set; }
        [JsonPropertyName("private_access")] public IngressPrivateAccess? PrivateAccess { get; set; }
        [JsonPropertyName("public_access")] public IngressPublicAccess? PublicAccess { get; set; }
        public override string ToString() =>
            $"public: {PublicAccess?.RestrictionMode ?? "none"} ({PublicAccess?.AllowRules?.Count ?? 0} allow, {PublicAccess?.DenyRules?.Count ?? 0} deny rules)" +
            $", private: {(PrivateAccess?.AllowRules?.Count ?? 0) + (PrivateAccess?.DenyRules?.Count ?? 0)} rules, cross-workspace: {(CrossWorkspaceAccess?.AllowRules?.Count ?? 0) + (CrossWorkspaceAccess?.DenyRules?.Count ?? 0)} rules";
    }

    /// <summary>Public internet access: FULL_ACCESS or RESTRICTED_ACCESS, deny rules first, then allow rules.</summary>
    public sealed class IngressPublicAccess : WireObject
    {
        [JsonPropertyName("allow_rules")] public DbxList<IngressPublicRule>? AllowRules { get; set; }
        [JsonPropertyName("deny_rules")] public DbxList<IngressPublicRule>? DenyRules { get; set; }
        /// <summary>FULL_ACCESS or RESTRICTED_ACCESS (string: unknown values never break reading).</summary>
        [JsonPropertyName("restriction_mode")] public string? RestrictionMode { get; set; }
        public override string ToString() => IngressText.Access(RestrictionMode, AllowRules?.Count, DenyRules?.Count);
    }

    /// <summary>A public ingress rule: it matches when its origin, destination and authentication all match (an absent part matches all).</summary>
    public sealed class IngressPublicRule : WireObject
    {
        [JsonPropertyName("authentication")] public IngressAuthentication? Authentication { get; set; }
        [JsonPropertyName("destination")] public IngressDestination? Destination { get; set; }
        [JsonPropertyName("label")] public string? Label { get; set; }
        [JsonPropertyName("origin")] public IngressPublicOrigin? Origin { get; set; }
        public override string ToString() => Label ?? "";
    }

    public sealed class IngressPublicOrigin : WireObject
    {
        [JsonPropertyName("all_ip_ranges")] public bool? AllIpRanges { get; set; }
        [JsonPropertyName("excluded_ip_ranges")] public IngressIpRanges? ExcludedIpRanges { get; set; }
        [JsonPropertyName("included_ip_ranges")] public IngressIpRanges? IncludedIpRanges { get; set; }
        public override string ToString() => AllIpRanges == true ? "all IP ranges" : IngressText.Join(IncludedIpRanges?.IpRanges, "no IP ranges") + (ExcludedIpRanges?.IpRanges?.Count > 0 ? " except " + IngressText.Join(ExcludedIpRanges.IpRanges, "") : "");
    }

    public sealed class IngressIpRanges : WireObject
    {
        [JsonPropertyName("ip_ranges")] public DbxList<string>? IpRanges { get; set; }
        public override string ToString() => IngressText.Join(IpRanges, "no IP ranges");
    }

    /// <summary>Who a rule applies to: IDENTITY_TYPE_ALL_USERS, IDENTITY_TYPE_ALL_SERVICE_PRINCIPALS or IDENTITY_TYPE_SELECTED_IDENTITIES.</summary>
    public sealed class IngressAuthentication : WireObject
    {
        [JsonPropertyName("identities")] public DbxList<IngressIdentity>? Identities { get; set; }
        [JsonPropertyName("identity_type")] public string? IdentityType { get; set; }
        public override string ToString() => string.Join(", ", IngressText.Identities(this));
    }

    /// <summary>One principal: its numeric id and PRINCIPAL_TYPE_USER or PRINCIPAL_TYPE_SERVICE_PRINCIPAL.</summary>
    public sealed class IngressIdentity : WireObject
    {
        [JsonPropertyName("principal_id")] public long? PrincipalId { get; set; }
        [JsonPropertyName("principal_type")] public string? PrincipalType { get; set; }
        public override string ToString() => (PrincipalType == IngressWire.ServicePrincipal ? "servicePrincipal:" : PrincipalType == IngressWire.User ? "user:" : PrincipalType + ":") + PrincipalId;
    }

    /// <summary>What a rule protects: all destinations, or some of workspace UI/API, apps and Lakebase runtime (account policy: account UI/API).</summary>
    public sealed class IngressDestination : WireObject
    {
        [JsonPropertyName("account_api")] public IngressApiDestination? AccountApi { get; set; }
        [JsonPropertyName("account_databricks_one")] public IngressAllDestinations? AccountDatabricksOne { get; set; }
        [JsonPropertyName("account_ui")] public IngressAllDestinations? AccountUi { get; set; }
        [JsonPropertyName("all_destinations")] public bool? AllDestinations { get; set; }
        [JsonPropertyName("apps_runtime")] public IngressAllDestinations? AppsRuntime { get; set; }
        [JsonPropertyName("lakebase_runtime")] public IngressAllDestinations? LakebaseRuntime { get; set; }
        [JsonPropertyName("workspace_api")] public IngressApiDestination? WorkspaceApi { get; set; }
        [JsonPropertyName("workspace_ui")] public IngressAllDestinations? WorkspaceUi { get; set; }
        public override string ToString() => string.Join(", ", IngressText.Destinations(this));
    }

    /// <summary>A destination without parts (<c>{"all_destinations": true}</c>).</summary>
    public sealed class IngressAllDestinations : WireObject
    {
        [JsonPropertyName("all_destinations")] public bool? AllDestinations { get; set; }
        public override string ToString() => AllDestinations == false ? "none" : "all";
    }

    /// <summary>API destinations: scopes ("all-apis" for any) and API_SCOPE_QUALIFIER_ALL / API_SCOPE_QUALIFIER_READ.</summary>
    public sealed class IngressApiDestination : WireObject
    {
        [JsonPropertyName("scope_qualifier")] public string? ScopeQualifier { get; set; }
        [JsonPropertyName("scopes")] public DbxList<string>? Scopes { get; set; }
        public override string ToString() => IngressText.Join(Scopes, "all scopes") + (ScopeQualifier == IngressWire.ScopeRead ? " [read]" : ScopeQualifier == IngressWire.ScopeAll ? " [all]" : ScopeQualifier != null ? " [" + ScopeQualifier + "]" : "");
    }

    /// <summary>Access over private connectivity: ALLOW_ALL_REGISTERED_ENDPOINTS or RESTRICTED_ACCESS with rules.</summary>
    public sealed class IngressPrivateAccess : WireObject
    {
        [JsonPropertyName("allow_rules")] public DbxList<IngressPrivateRule>? AllowRules { get; set; }
        [JsonPropertyName("deny_rules")] public DbxList<IngressPrivateRule>? DenyRules { get; set; }
        [JsonPropertyName("restriction_mode")] public string? RestrictionMode { get; set; }
        public override string ToString() => IngressText.Access(RestrictionMode, AllowRules?.Count, DenyRules?.Count);
    }

    public sealed class IngressPrivateRule : WireObject
    {
        [JsonPropertyName("authentication")] public IngressAuthentication? Authentication { get; set; }
        [JsonPropertyName("destination")] public IngressDestination? Destination { get; set; }
        [JsonPropertyName("label")] public string? Label { get; set; }
        [JsonPropertyName("origin")] public IngressPrivateOrigin? Origin { get; set; }
        public override string ToString() => Label ?? "";
    }

    public sealed class IngressPrivateOrigin : WireObject
    {
        [JsonPropertyName("all_private_access")] public bool? AllPrivateAccess { get; set; }
        [JsonPropertyName("all_registered_endpoints")] public bool? AllRegisteredEndpoints { get; set; }
        [JsonPropertyName("azure_workspace_private_link")] public bool? AzureWorkspacePrivateLink { get; set; }
        [JsonPropertyName("endpoints")] public IngressEndpoints? Endpoints { get; set; }
        public override string ToString() => AllPrivateAccess == true ? "all private access" : AllRegisteredEndpoints == true ? "all registered endpoints" : AzureWorkspacePrivateLink == true ? "Azure workspace private link" : "endpoints: " + IngressText.Join(Endpoints?.EndpointIds, "none");
    }

    public sealed class IngressEndpoints : WireObject
    {
        [JsonPropertyName("endpoint_ids")] public DbxList<string>? EndpointIds { get; set; }
        public override string ToString() => IngressText.Join(EndpointIds, "no endpoints");
    }

    /// <summary>Access from other workspaces: FULL_ACCESS, RESTRICTED_ACCESS or LEGACY_MODE.</summary>
    public sealed class IngressCrossWorkspaceAccess : WireObject
    {
        [JsonPropertyName("allow_rules")] public DbxList<IngressCrossWorkspaceRule>? AllowRules { get; set; }
        [JsonPropertyName("deny_rules")] public DbxList<IngressCrossWorkspaceRule>? DenyRules { get; set; }
        [JsonPropertyName("restriction_mode")] public string? RestrictionMode { get; set; }
        public override string ToString() => IngressText.Access(RestrictionMode, AllowRules?.Count, DenyRules?.Count);
    }

    public sealed class IngressCrossWorkspaceRule : WireObject
    {
        [JsonPropertyName("authentication")] public IngressAuthentication? Authentication { get; set; }
        [JsonPropertyName("destination")] public IngressDestination? Destination { get; set; }
        [JsonPropertyName("label")] public string? Label { get; set; }
        [JsonPropertyName("origin")] public IngressCrossWorkspaceOrigin? Origin { get; set; }
        public override string ToString() => Label ?? "";
    }

    public sealed class IngressCrossWorkspaceOrigin : WireObject
    {
        [JsonPropertyName("all_source_workspaces")] public bool? AllSourceWorkspaces { get; set; }
        [JsonPropertyName("selected_workspaces")] public IngressWorkspaceIdList? SelectedWorkspaces { get; set; }
        public override string ToString() => AllSourceWorkspaces == true ? "all source workspaces" : "workspaces: " + IngressText.Join(SelectedWorkspaces?.WorkspaceIds, "none");
    }

    public sealed class IngressWorkspaceIdList : WireObject
    {
        [JsonPropertyName("workspace_ids")] public DbxList<long>? WorkspaceIds { get; set; }
        public override string ToString() => IngressText.Join(WorkspaceIds, "no workspaces");
    }

    /// <summary>Wire values of the ingress enums (the Go SDK constants' strings).</summary>
    public static class IngressWire
    {
        public const string FullAccess = "FULL_ACCESS";
        public const string RestrictedAccess = "RESTRICTED_ACCESS";
        public const string AllUsers = "IDENTITY_TYPE_ALL_USERS";
        public const string AllServicePrincipals = "IDENTITY_TYPE_ALL_SERVICE_PRINCIPALS";
        public const string SelectedIdentities = "IDENTITY_TYPE_SELECTED_IDENTITIES";
        public const string User = "PRINCIPAL_TYPE_USER";
        public const string ServicePrincipal = "PRINCIPAL_TYPE_SERVICE_PRINCIPAL";
        public const string ScopeAll = "API_SCOPE_QUALIFIER_ALL";
        public const string ScopeRead = "API_SCOPE_QUALIFIER_READ";
        public const string AccountPolicyId = "account-policy";
        public const string AllowAllRegisteredEndpoints = "ALLOW_ALL_REGISTERED_ENDPOINTS";
        public const string LegacyMode = "LEGACY_MODE";
        /// <summary>What the service returns in a private_access it filled in itself (terraform-provider-databricks#5884).</summary>
        public const string RestrictionModeUnspecified = "RESTRICTION_MODE_UNSPECIFIED";
        /// <summary>The label of the private allow rule -AllowedEndpointId writes.</summary>
        public const string AllowedEndpointsLabel = "allowed-endpoints";
    }

    /// <summary>
    /// One public ingress rule with its action, as New-DbxIngressRule builds it and Get-DbxNetworkPolicyIngressRule
    /// streams it (then with the policy id and whether it is enforced or dry run). Not a wire object: <see cref="Rule"/> is.
    /// </summary>
    public sealed class IngressRule
    {
        /// <summary>Allow or Deny.</summary>
        public string Action { get; set; } = "Allow";
        public string? Label => Rule.Label;
        /// <summary>Workspace or Account: the policy level whose destinations the rule uses.</summary>
        public string PolicyLevel { get; set; } = "Workspace";
        /// <summary>The policy the rule was read from (null for a rule not yet in a policy).</summary>
        public string? NetworkPolicyId { get; set; }
        /// <summary>Enforced (<c>ingress</c>) or DryRun (<c>ingress_dry_run</c>); null for a rule not yet in a policy.</summary>
        public string? Mode { get; set; }
        /// <summary>The wire rule.</summary>
        public IngressPublicRule Rule { get; set; } = new IngressPublicRule();

        public DbxList<string> IpRanges => Rule.Origin?.AllIpRanges == true ? new[] { "*" } : Rule.Origin?.IncludedIpRanges?.IpRanges?.ToArray() ?? new string[0];
        public DbxList<string> ExcludedIpRanges => Rule.Origin?.ExcludedIpRanges?.IpRanges?.ToArray() ?? new string[0];
        public DbxList<string> Destinations => IngressText.Destinations(Rule.Destination);
        public DbxList<string> Identities => IngressText.Identities(Rule.Authentication);

        public override string ToString() => $"{Action} {Label}";
    }

    internal static class IngressText
    {
        /// <summary>One line for an access part of a policy: its mode and how many rules it has ("RESTRICTED_ACCESS; 2 allow, 1 deny rules").</summary>
        public static string Access(string? mode, int? allow, int? deny) => $"{mode ?? "no mode"}; {allow ?? 0} allow, {deny ?? 0} deny rules";

        /// <summary>The items joined with ", ", or the text for none.</summary>
        public static string Join<T>(IEnumerable<T>? items, string none) =>
            items == null || !items.Any() ? none : string.Join(", ", items.Select(i => Convert.ToString(i, System.Globalization.CultureInfo.InvariantCulture)));

        public static string[] Destinations(IngressDestination? d)
        {
            if (d == null || d.AllDestinations == true) return new[] { "All" };
            var list = new List<string>();
            if (d.WorkspaceUi != null) list.Add("WorkspaceUi");
            if (d.WorkspaceApi != null) list.Add("WorkspaceApi" + Scopes(d.WorkspaceApi));
            if (d.AppsRuntime != null) list.Add("AppsRuntime");
            if (d.LakebaseRuntime != null) list.Add("LakebaseRuntime");
            if (d.AccountUi != null) list.Add("AccountUi");
            if (d.AccountApi != null) list.Add("AccountApi" + Scopes(d.AccountApi));
            if (d.AccountDatabricksOne != null) list.Add("AccountDatabricksOne");
            return list.ToArray();
        }

        private static string Scopes(IngressApiDestination a) =>
            (a.Scopes == null || a.Scopes.Count == 0 ? "" : "(" + string.Join(",", a.Scopes) + ")")
            + (a.ScopeQualifier == IngressWire.ScopeRead ? "[read]" : a.ScopeQualifier == IngressWire.ScopeAll ? "[all]" : "");

        public static string[] Identities(IngressAuthentication? a)
        {
            if (a == null) return new[] { "All" };
            return a.IdentityType switch
            {
                IngressWire.AllUsers => new[] { "AllUsers" },
                IngressWire.AllServicePrincipals => new[] { "AllServicePrincipals" },
                _ => a.Identities?.Select(i => i.ToString()).ToArray() ?? new string[0],
            };
        }
    }
}

namespace DatabricksNetworking.Models
{
    /// <summary>The decision Test-DbxIngressAccess computes for one request against one network policy. Not a wire object.</summary>
    public sealed class IngressAccessDecision
    {
        public string? IpAddress { get; set; }
        public string? Identity { get; set; }
        public string? Destination { get; set; }
        public string? ApiScope { get; set; }
        public long? WorkspaceId { get; set; }
        public string? NetworkPolicyId { get; set; }
        /// <summary>Allowed or Denied: the enforced ingress and the IP access lists together (both must allow).</summary>
        public string Decision { get; set; } = "Allowed";
        public bool Allowed => Decision == "Allowed";
        /// <summary>NetworkPolicy or IpAccessList: which control decided.</summary>
        public string? DecidedBy { get; set; }
        /// <summary>The label of the rule (or, when an IP access list refused, of the list) that decided, or null when the mode decided.</summary>
        public string? DecidingRule { get; set; }
        /// <summary>Allow/Deny for a rule; ALLOW/BLOCK for a list.</summary>
        public string? DecidingRuleAction { get; set; }
        /// <summary>What the policy's enforced ingress alone decides.</summary>
        public string? IngressDecision { get; set; }
        /// <summary>Allowed, Denied, NotEnforced (the switch is off), NotChecked (no lists given offline, or -SkipIpAccessList) or Unknown (could not be read).</summary>
        public string? IpAccessDecision { get; set; }
        /// <summary>The label of the IP access list that decided (block list hit or allow list match).</summary>
        public string? IpAccessList { get; set; }
        public string? IpAccessReason { get; set; }
        public string? Reason { get; set; }
        /// <summary>What the dry-run ingress would decide (null when the policy has no dry run); it never blocks.</summary>
        public string? DryRunDecision { get; set; }
        public string? DryRunRule { get; set; }
        public override string ToString() => $"{Decision} ({Reason})";
    }
}
