using System;
using System.Collections.Generic;
using System.Linq;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>One request to decide: source address, optional principal, destination (and API scope), over public internet.</summary>
    public sealed class IngressRequest
    {
        public uint Address;
        /// <summary>Null when the principal is unknown: then only rules without authentication match.</summary>
        public IngressIdentity? Principal;
        public IngressDestinationKind Destination;
        /// <summary>The API scope of an API request, or null (then only rules for all APIs match).</summary>
        public string? ApiScope;
    }

    /// <summary>What one part of a policy (enforced or dry run) decides, and the rule that decided it.</summary>
    public sealed class IngressVerdict
    {
        public bool Allowed;
        public string? Rule;
        public string? RuleAction;
        public string Reason = "";
    }

    /// <summary>
    /// The public ingress decision of a network policy, written from the docs: deny rules first (any match denies), then in
    /// RESTRICTED_ACCESS only a matching allow rule allows, in FULL_ACCESS everything else is allowed. A rule matches when its
    /// origin, destination and authentication all match; an absent part matches everything. No ingress at all = full access.
    /// </summary>
    public static class IngressEvaluator
    {
        public static IngressVerdict Evaluate(IngressNetworkPolicy? ingress, IngressRequest request)
        {
            var pub = ingress?.PublicAccess;
            if (pub == null) return new IngressVerdict { Allowed = true, Reason = "no public ingress configured (full access)" };
            var deny = pub.DenyRules?.FirstOrDefault(r => Matches(r, request));
            if (deny != null) return new IngressVerdict { Allowed = false, Rule = deny.Label, RuleAction = "Deny", Reason = $"deny rule '{deny.Label}' matches" };
            if (pub.RestrictionMode != IngressWire.RestrictedAccess)
                return new IngressVerdict { Allowed = true, Reason = $"public access {pub.RestrictionMode ?? IngressWire.FullAccess} and no deny rule matches" };
            var allow = pub.AllowRules?.FirstOrDefault(r => Matches(r, request));
            return allow != null
                ? new IngressVerdict { Allowed = true, Rule = allow.Label, RuleAction = "Allow", Reason = $"allow rule '{allow.Label}' matches" }
                : new IngressVerdict { Allowed = false, Reason = "RESTRICTED_ACCESS and no allow rule matches" };
        }

        public static bool Matches(IngressPublicRule rule, IngressRequest request) =>
            OriginMatches(rule.Origin, request.Address) && DestinationMatches(rule.Destination, request) && AuthenticationMatches(rule.Authentication, request.Principal);

        public static bool OriginMatches(IngressPublicOrigin? origin, uint address)
        {
            if (origin == null || origin.AllIpRanges == true) return origin?.ExcludedIpRanges == null || !InAny(origin.ExcludedIpRanges.IpRanges, address);
            var included = origin.IncludedIpRanges?.IpRanges;
            if (included != null && included.Count > 0 && !InAny(included, address)) return false;
            return !InAny(origin.ExcludedIpRanges?.IpRanges, address);
        }

        private static bool InAny(IEnumerable<string>? ranges, uint address) =>
            ranges != null && ranges.Any(r => Cidr.TryParse(r, out var c, out _) && c.Contains(address));

        public static bool DestinationMatches(IngressDestination? d, IngressRequest request)
        {
            if (d == null || d.AllDestinations == true) return true;
            switch (request.Destination)
            {
                case IngressDestinationKind.WorkspaceUi: return d.WorkspaceUi != null;
                case IngressDestinationKind.AppsRuntime: return d.AppsRuntime != null;
                case IngressDestinationKind.LakebaseRuntime: return d.LakebaseRuntime != null;
                case IngressDestinationKind.AccountUi: return d.AccountUi != null;
                case IngressDestinationKind.WorkspaceApi: return ApiMatches(d.WorkspaceApi, request.ApiScope);
                case IngressDestinationKind.AccountApi: return ApiMatches(d.AccountApi, request.ApiScope);
                default: return false;
            }
        }

        private static bool ApiMatches(IngressApiDestination? api, string? scope)
        {
            if (api == null) return false;
            if (api.ScopeQualifier == IngressWire.ScopeAll) return true;
            var scopes = api.Scopes ?? new List<string>();
            if (scopes.Count == 0 || scopes.Contains("all-apis", StringComparer.OrdinalIgnoreCase)) return true;
            return scope != null && scopes.Contains(scope, StringComparer.OrdinalIgnoreCase);
        }

        public static bool AuthenticationMatches(IngressAuthentication? auth, IngressIdentity? principal)
        {
            if (auth == null || auth.IdentityType == null) return true;
            if (principal == null) return false;
            switch (auth.IdentityType)
            {
                case IngressWire.AllUsers: return principal.PrincipalType == IngressWire.User;
                case IngressWire.AllServicePrincipals: return principal.PrincipalType == IngressWire.ServicePrincipal;
                case IngressWire.SelectedIdentities:
                    return auth.Identities?.Any(i => i.PrincipalId == principal.PrincipalId && i.PrincipalType == principal.PrincipalType) == true;
                default: return false;
            }
        }
    }
}
