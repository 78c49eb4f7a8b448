using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>
    /// A cmdlet that builds the private-access part of an ingress policy from -PrivateAccess and -AllowedEndpointId
    /// (Set-DbxNetworkPolicy, Set-DbxAccountIngressPolicy). The two cmdlets have different base classes, so each declares
    /// the parameters with these names and types and with the same attributes ([Parameter], [AllowEmptyCollection],
    /// [DbxId(NetworkEndpoint)], the endpoint id completer: attributes are not inherited from an interface), and both read
    /// them only through <see cref="IngressPrivateAccessOptions.Of"/>. NetworkPolicyIngress.Tests checks that the
    /// implementers' parameters agree.
    /// </summary>
    public interface IIngressPrivateAccess
    {
        IngressPrivateAccessMode? PrivateAccess { get; }
        string[]? AllowedEndpointId { get; }
        /// <summary>Where the private-access part goes: ingress_dry_run instead of ingress.</summary>
        SwitchParameter IngressDryRun { get; }
    }

    /// <summary>The private-access part of an ingress change as a command gives it: the one builder of both cmdlets.</summary>
    public sealed class IngressPrivateAccessOptions
    {
        /// <summary>The parameter names, for "nothing to change" checks and messages.</summary>
        public static readonly string[] ParameterNames = { "PrivateAccess", "AllowedEndpointId" };

        /// <summary>The options of a cmdlet's parameters: the one place they are read.</summary>
        public static IngressPrivateAccessOptions Of(IIngressPrivateAccess c) => new IngressPrivateAccessOptions
        {
            Mode = c.PrivateAccess, EndpointIds = c.AllowedEndpointId, DryRun = c.IngressDryRun,
        };

        public IngressPrivateAccessMode? Mode { get; set; }
        public string[]? EndpointIds { get; set; }
        public bool DryRun { get; set; }

        /// <summary>The parameters for messages: "-PrivateAccess or -AllowedEndpointId".</summary>
        public static string Named => string.Join(" or ", ParameterNames.Select(n => "-" + n));

        /// <summary>True when the command gives a private-access change.</summary>
        public bool Given => Mode.HasValue || EndpointIds != null;

        /// <summary>The local checks alone (on a scratch policy), so bad input fails before any request.</summary>
        public void Check(string policyId, IngressCrossWorkspaceMode? cross = null) =>
            ApplyTo(new NetworkPolicy { NetworkPolicyId = policyId }, cross, _ => { });

        /// <summary>Applies private access (and, for workspace policies, cross-workspace access) to the enforced or dry-run ingress.</summary>
        public void ApplyTo(NetworkPolicy policy, IngressCrossWorkspaceMode? cross, Action<string> warn) =>
            IngressRules.ApplyPrivate(policy, Mode, EndpointIds, cross, DryRun, warn);
    }
}

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>Destinations of an ingress rule; AccountUi/AccountApi belong to the account policy, the others to workspace policies.</summary>
    public enum IngressDestinationKind { WorkspaceUi, WorkspaceApi, AppsRuntime, LakebaseRuntime, AccountUi, AccountApi }

    public enum IngressRuleAction { Allow, Deny }

    public enum IngressApiScopeQualifier { All, Read }

    /// <summary>Builds and checks ingress rules locally (no service call); every refusal names the value and the rule.</summary>
    public static class IngressRules
    {
        private static readonly Ipv4Cidr[] PrivateRanges =
        {
            new Ipv4Cidr(0x0A000000, 8), new Ipv4Cidr(0xAC100000, 12), new Ipv4Cidr(0xC0A80000, 16),
        };

        public static bool IsAccountLevel(IngressDestinationKind d) => d == IngressDestinationKind.AccountUi || d == IngressDestinationKind.AccountApi;

        public sealed class Spec
        {
            public IngressRuleAction Action;
            public string Label = "";
            public string[]? IpRange;
            public bool AllIpRanges;
            public string[]? ExcludedIpRange;
            public IngressDestinationKind[]? Destination;
            public string[]? ApiScope;
            public IngressApiScopeQualifier? ApiScopeQualifier;
            public object[]? Identity;
            public bool AllUsers;
            public bool AllServicePrincipals;
            public bool Account;
        }

        public static IngressRule Build(Spec s)
        {
            var label = (s.Label ?? "").Trim();
            if (label.Length == 0 || label.Any(char.IsControl))
                throw new DbxValidationException("DbxInvalidIngressRuleLabel", "-Label must be a non-empty name without control characters: rules are edited and removed by label.", s.Label);
            var rule = new IngressPublicRule { Label = label };

            // Origin.
            if (s.AllIpRanges && s.IpRange != null && s.IpRange.Length > 0)
                throw new DbxValidationException("DbxInvalidIngressOrigin", $"Rule '{label}': give -IpRange or -AllIpRanges, not both.", label);
            var included = Ranges(s.IpRange, "IpRange", label, publicOnly: true);
            var excluded = Ranges(s.ExcludedIpRange, "ExcludedIpRange", label, publicOnly: false);
            if (s.AllIpRanges || included.Count > 0 || excluded.Count > 0)
                rule.Origin = new IngressPublicOrigin
                {
                    AllIpRanges = s.AllIpRanges ? true : (bool?)null,
                    IncludedIpRanges = included.Count > 0 ? new IngressIpRanges { IpRanges = included.ToDbxList() } : null,
                    ExcludedIpRanges = excluded.Count > 0 ? new IngressIpRanges { IpRanges = excluded.ToDbxList() } : null,
                };

            // Destination.
            var dests = (s.Destination ?? new IngressDestinationKind[0]).Distinct().ToArray();
            foreach (var d in dests)
            {
                if (s.Account && !IsAccountLevel(d))
                    throw new DbxValidationException("DbxInvalidIngressDestination", $"Rule '{label}': -Destination {d} belongs to workspace network policies; the account policy (account-policy) takes AccountUi and AccountApi.", label);
                if (!s.Account && IsAccountLevel(d))
                    throw new DbxValidationException("DbxInvalidIngressDestination", $"Rule '{label}': -Destination {d} can only be used in the account policy (account-policy): add -Account, or use WorkspaceUi, WorkspaceApi, AppsRuntime, LakebaseRuntime.", label);
            }
            bool api = dests.Contains(IngressDestinationKind.WorkspaceApi) || dests.Contains(IngressDestinationKind.AccountApi);
            var scopes = (s.ApiScope ?? new string[0]).Select(x => (x ?? "").Trim()).Where(x => x.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if ((scopes.Count > 0 || s.ApiScopeQualifier.HasValue) && !api)
                throw new DbxValidationException("DbxInvalidIngressApiScope", $"Rule '{label}': -ApiScope and -ApiScopeQualifier apply to an API destination: add -Destination {(s.Account ? "AccountApi" : "WorkspaceApi")}.", label);
            foreach (var sc in scopes)
                if (sc.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
                    throw new DbxValidationException("DbxInvalidIngressApiScope", $"Rule '{label}': API scope '{sc}' contains blanks or control characters (scopes look like 'all-apis' or 'sql').", label);
            if (dests.Length == 0) rule.Destination = new IngressDestination { AllDestinations = true };
            else
            {
                var dest = new IngressDestination();
                IngressApiDestination Api() => new IngressApiDestination
                {
                    Scopes = scopes.Count > 0 ? scopes.ToDbxList() : new DbxList<string> { "all-apis" },
                    ScopeQualifier = s.ApiScopeQualifier == IngressApiScopeQualifier.Read ? IngressWire.ScopeRead : s.ApiScopeQualifier == IngressApiScopeQualifier.All ? IngressWire.ScopeAll : null,
                };
                foreach (var d in dests)
                    switch (d)
                    {
                        case IngressDestinationKind.WorkspaceUi: dest.WorkspaceUi = new IngressAllDestinations { AllDestinations = true }; break;
                        case IngressDestinationKind.WorkspaceApi: dest.WorkspaceApi = Api(); break;
                        case IngressDestinationKind.AppsRuntime: dest.AppsRuntime = new IngressAllDestinations { AllDestinations = true }; break;
                        case IngressDestinationKind.LakebaseRuntime: dest.LakebaseRuntime = new IngressAllDestinations { AllDestinations = true }; break;
                        case IngressDestinationKind.AccountUi: dest.AccountUi = new IngressAllDestinations { AllDestinations = true }; break;
                        case IngressDestinationKind.AccountApi: dest.AccountApi = Api(); break;
                    }
                rule.Destination = dest;
            }

            // Authentication.
            var ids = Identities(s.Identity, label);
            int kinds = (ids.Count > 0 ? 1 : 0) + (s.AllUsers ? 1 : 0) + (s.AllServicePrincipals ? 1 : 0);
            if (kinds > 1)
                throw new DbxValidationException("DbxInvalidIngressIdentity", $"Rule '{label}': give one of -Identity, -AllUsers, -AllServicePrincipals (none = every user and service principal).", label);
            if (s.Account && kinds > 0)
                throw new DbxValidationException("DbxInvalidIngressIdentity", $"Rule '{label}': account policy rules cannot be scoped to identities (the service supports only all users and service principals there); drop -Identity/-AllUsers/-AllServicePrincipals.", label);
            if (ids.Count > 0) rule.Authentication = new IngressAuthentication { IdentityType = IngressWire.SelectedIdentities, Identities = ids.ToDbxList() };
            else if (s.AllUsers) rule.Authentication = new IngressAuthentication { IdentityType = IngressWire.AllUsers };
            else if (s.AllServicePrincipals) rule.Authentication = new IngressAuthentication { IdentityType = IngressWire.AllServicePrincipals };

            return new IngressRule { Action = s.Action.ToString(), PolicyLevel = s.Account ? "Account" : "Workspace", Rule = rule };
        }

        private static List<string> Ranges(string[]? values, string parameter, string label, bool publicOnly)
        {
            var list = new List<string>();
            foreach (var v in values ?? new string[0])
            {
                var problem = Cidr.Check(v, out var c);
                if (problem != null)
                    throw new DbxValidationException("DbxInvalidIngressIpRange", $"Rule '{label}': -{parameter} {problem.Message.Replace("IP access lists accept", "ingress rules accept")}", v);
                if (publicOnly)
                    foreach (var p in PrivateRanges)
                        if (p.Contains(c.Network) || c.Contains(p.Network))
                            throw new DbxValidationException("DbxInvalidIngressIpRange", $"Rule '{label}': -{parameter} '{v}' overlaps the private range {p}; public ingress rules take public addresses only (private connectivity is governed by private access).", v);
                if (!list.Contains(c.Wire)) list.Add(c.Wire);
            }
            return list;
        }

        /// <summary>Identities from 'user:&lt;id&gt;' / 'servicePrincipal:&lt;id&gt;' (or 'sp:&lt;id&gt;') strings, IngressIdentity objects, or objects with PrincipalId and PrincipalType.</summary>
        public static List<IngressIdentity> Identities(object[]? values, string label)
        {
            var list = new List<IngressIdentity>();
            foreach (var raw in values ?? new object[0])
            {
                var v = raw is PSObject pso ? pso.BaseObject : raw;
                string? type, id;
                if (v is IngressIdentity ii) { type = ii.PrincipalType; id = ii.PrincipalId?.ToString(CultureInfo.InvariantCulture); }
                else if (v is string s)
                {
                    var colon = s.IndexOf(':');
                    type = colon < 0 ? null : s.Substring(0, colon).Trim();
                    id = colon < 0 ? s.Trim() : s.Substring(colon + 1).Trim();
                }
                else
                {
                    type = NetworkPolicyEdit.Property(raw, "PrincipalType", "principal_type", "Type");
                    id = NetworkPolicyEdit.Property(raw, "PrincipalId", "principal_id", "Id");
                }
                var wireType = TypeOf(type);
                if (wireType == null)
                    throw new DbxValidationException("DbxInvalidIngressIdentity", $"Rule '{label}': identity '{Convert.ToString(raw, CultureInfo.InvariantCulture)}' needs its type: give 'user:<id>' or 'servicePrincipal:<id>' (numeric principal ids), or an object with PrincipalId and PrincipalType.", raw);
                if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
                    throw new DbxValidationException("DbxInvalidIngressIdentity", $"Rule '{label}': identity '{Convert.ToString(raw, CultureInfo.InvariantCulture)}' needs a positive numeric principal id (the SCIM id of the user or service principal).", raw);
                if (!list.Any(x => x.PrincipalId == n && x.PrincipalType == wireType)) list.Add(new IngressIdentity { PrincipalId = n, PrincipalType = wireType });
            }
            return list;
        }

        private static string? TypeOf(string? t)
        {
            switch ((t ?? "").Trim().ToLowerInvariant())
            {
                case "user": case "u": case IngressWireLower.User: return IngressWire.User;
                case "serviceprincipal": case "sp": case "service_principal": case IngressWireLower.ServicePrincipal: return IngressWire.ServicePrincipal;
                default: return null;
            }
        }

        private static class IngressWireLower
        {
            public const string User = "principal_type_user";
            public const string ServicePrincipal = "principal_type_service_principal";
        }

        /// <summary>The rules a policy may take: destinations of its level, unique labels.</summary>
        public static void CheckForPolicy(string policyId, IEnumerable<IngressRule> rules)
        {
            bool account = string.Equals(policyId, IngressWire.AccountPolicyId, StringComparison.OrdinalIgnoreCase);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var r in rules)
            {
                if (account != (r.PolicyLevel == "Account"))
                    throw new DbxValidationException("DbxInvalidIngressDestination", account
                        ? $"Rule '{r.Label}' was built for a workspace policy; the account policy takes rules built with New-DbxIngressRule -Account (destinations AccountUi, AccountApi)."
                        : $"Rule '{r.Label}' was built for the account policy (-Account); workspace network policy '{policyId}' takes WorkspaceUi, WorkspaceApi, AppsRuntime, LakebaseRuntime.", r.Label);
                if (!seen.Add(r.Label ?? ""))
                    throw new DbxValidationException("DbxDuplicateIngressRuleLabel", $"Two ingress rules are labelled '{r.Label}': labels identify rules, give each its own.", r.Label);
            }
        }

        /// <summary>
        /// -PrivateAccess, -AllowedEndpointId and -CrossWorkspaceAccess on the enforced or dry-run ingress, as the Go SDK declares
        /// them: private_access.restriction_mode ALLOW_ALL_REGISTERED_ENDPOINTS (no rules allowed) or RESTRICTED_ACCESS, where
        /// -AllowedEndpointId is one allow rule (label 'allowed-endpoints', origin.endpoints.endpoint_ids); cross_workspace_access
        /// only in workspace policies. -AllowedEndpointId alone means Restricted; @() removes the endpoint rule. Other private
        /// rules (deny rules, rules the service or another tool wrote) are kept.
        /// </summary>
        public static void ApplyPrivate(NetworkPolicy policy, IngressPrivateAccessMode? mode, string[]? endpointIds, IngressCrossWorkspaceMode? cross, bool dryRun, Action<string> warn)
        {
            var id = policy.NetworkPolicyId ?? "";
            bool account = string.Equals(id, IngressWire.AccountPolicyId, StringComparison.OrdinalIgnoreCase);
            if (endpointIds != null && mode == IngressPrivateAccessMode.AllRegisteredEndpoints)
                throw new DbxValidationException("DbxInvalidPrivateAccess", "-AllowedEndpointId needs -PrivateAccess Restricted: with AllRegisteredEndpoints every endpoint registered to the account gets in and the service takes no private rules.", id);
            if (cross.HasValue && account)
                throw new DbxValidationException("DbxInvalidCrossWorkspaceAccess", "-CrossWorkspaceAccess belongs to workspace network policies: the account policy (account-policy) has no cross_workspace_access.", id);
            var ids = new List<string>();
            foreach (var raw in endpointIds ?? new string[0])
            {
                var e = (raw ?? "").Trim();
                if (!Ids.IsValid(DbxIdKind.NetworkEndpoint, e))
                    throw new DbxValidationException(Ids.ErrorIdOf(DbxIdKind.NetworkEndpoint), "-AllowedEndpointId: " + Ids.InvalidMessage(DbxIdKind.NetworkEndpoint, raw) + " (Get-DbxNetworkEndpoint lists them).", Validation.Text.Printable(raw ?? ""));
                if (!ids.Contains(e, StringComparer.OrdinalIgnoreCase)) ids.Add(e);
            }
            if (!mode.HasValue && endpointIds == null && !cross.HasValue) return;
            var ingress = dryRun ? (policy.IngressDryRun ??= new IngressNetworkPolicy()) : (policy.Ingress ??= new IngressNetworkPolicy());
            if (mode.HasValue || endpointIds != null)
            {
                var wire = NetworkPolicyWire.ToWire(mode ?? IngressPrivateAccessMode.Restricted);
                var pa = ingress.PrivateAccess;
                if (wire == IngressWire.AllowAllRegisteredEndpoints) ingress.PrivateAccess = new IngressPrivateAccess { RestrictionMode = wire, OtherFields = pa?.OtherFields };
                else
                {
                    if (pa == null || pa.RestrictionMode != IngressWire.RestrictedAccess) ingress.PrivateAccess = pa = new IngressPrivateAccess { RestrictionMode = wire, OtherFields = pa?.OtherFields };
                    if (endpointIds != null)
                    {
                        var others = (pa.AllowRules ?? new List<IngressPrivateRule>()).Where(r => !string.Equals(r.Label, IngressWire.AllowedEndpointsLabel, StringComparison.Ordinal)).ToList();
                        if (ids.Count > 0) others.Add(new IngressPrivateRule { Label = IngressWire.AllowedEndpointsLabel, Origin = new IngressPrivateOrigin { Endpoints = new IngressEndpoints { EndpointIds = ids.ToDbxList() } } });
                        pa.AllowRules = others.Count > 0 ? others.ToDbxList() : null;
                    }
                    if (!(pa.AllowRules?.Count > 0))
                        warn($"Network policy '{id}' has private access RESTRICTED_ACCESS{(dryRun ? " (dry run)" : "")} without an allow rule: every request over a registered endpoint is refused. Give -AllowedEndpointId.");
                }
            }
            if (cross.HasValue)
            {
                var ca = ingress.CrossWorkspaceAccess ??= new IngressCrossWorkspaceAccess();
                ca.RestrictionMode = NetworkPolicyWire.ToWire(cross.Value);
            }
        }

        /// <summary>Applies the ingress parameters of New-/Set-DbxNetworkPolicy to the enforced or dry-run part.</summary>
        public static void Apply(NetworkPolicy policy, NetworkRestrictionMode? mode, IngressRule[]? rules, bool dryRun, Action<string> warn)
        {
            if (!mode.HasValue && rules == null) return;
            if (rules != null) CheckForPolicy(policy.NetworkPolicyId ?? "", rules);
            var ingress = dryRun ? (policy.IngressDryRun ??= new IngressNetworkPolicy()) : (policy.Ingress ??= new IngressNetworkPolicy());
            var pub = ingress.PublicAccess ??= new IngressPublicAccess { RestrictionMode = IngressWire.FullAccess };
            if (mode.HasValue) pub.RestrictionMode = NetworkPolicyWire.ToWire(mode.Value);
            pub.RestrictionMode ??= IngressWire.FullAccess;
            if (rules != null)
            {
                var allow = rules.Where(r => r.Action == "Allow").Select(r => r.Rule).ToList();
                var deny = rules.Where(r => r.Action == "Deny").Select(r => r.Rule).ToList();
                pub.AllowRules = allow.Count > 0 ? allow.ToDbxList() : null;
                pub.DenyRules = deny.Count > 0 ? deny.ToDbxList() : null;
            }
            if (pub.RestrictionMode == IngressWire.FullAccess && pub.AllowRules?.Count > 0)
                warn($"Network policy '{policy.NetworkPolicyId}' has public ingress FullAccess{(dryRun ? " (dry run)" : "")}: its allow rules take effect only with -PublicAccessRestrictionMode RestrictedAccess.");
        }
    }
}
