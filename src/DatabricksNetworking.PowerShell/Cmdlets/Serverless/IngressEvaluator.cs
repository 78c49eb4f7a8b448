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
        /// <summary>A read-only API request (GET/HEAD): the only kind a rule with API_SCOPE_QUALIFIER_READ matches.</summary>
        public bool ReadOnly;
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

        /// <summary>
        /// Origin, as the Go SDK (v0.175.0, CustomerFacingIngressNetworkPolicyPublicRequestOrigin) words it: all_ip_ranges
        /// "matches all IPv4 and IPv6 ranges (both public and private)"; excluded_ip_ranges "means: all public IP ranges
        /// except this one", so a rule with only excluded ranges matches public addresses outside them and never a private,
        /// loopback or other special-purpose address; included minus excluded otherwise.
        /// </summary>
        public static bool OriginMatches(IngressPublicOrigin? origin, uint address)
        {
            if (origin == null) return true;
            if (InAny(origin.ExcludedIpRanges?.IpRanges, address)) return false;
            if (origin.AllIpRanges == true) return true;
            var included = origin.IncludedIpRanges?.IpRanges;
            if (included != null && included.Count > 0) return InAny(included, address);
            if (origin.ExcludedIpRanges != null) return IsPublic(address);
            return true;
        }

        private static readonly Ipv4Cidr[] NotPublic =
        {
            new Ipv4Cidr(0x00000000, 8),  // "this network"
            new Ipv4Cidr(0x0A000000, 8),  // RFC 1918
            new Ipv4Cidr(0x64400000, 10), // RFC 6598 shared address space
            new Ipv4Cidr(0x7F000000, 8),  // loopback
            new Ipv4Cidr(0xA9FE0000, 16), // link-local
            new Ipv4Cidr(0xAC100000, 12), // RFC 1918
            new Ipv4Cidr(0xC0A80000, 16), // RFC 1918
            new Ipv4Cidr(0xE0000000, 3),  // multicast (224/4) and reserved (240/4), never a request's source
        };

        /// <summary>A public (internet-routable) IPv4 source address.</summary>
        public static bool IsPublic(uint address) => !NotPublic.Any(n => n.Contains(address));

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
                case IngressDestinationKind.WorkspaceApi: return ApiMatches(d.WorkspaceApi, request.ApiScope, request.ReadOnly);
                case IngressDestinationKind.AccountApi: return ApiMatches(d.AccountApi, request.ApiScope, request.ReadOnly);
                default: return false;
            }
        }

        private static bool ApiMatches(IngressApiDestination? api, string? scope, bool readOnly)
        {
            if (api == null) return false;
            if (api.ScopeQualifier == IngressWire.ScopeAll) return true;
            // API_SCOPE_QUALIFIER_READ "narrows matching to read-only variants of the listed scopes" (Go SDK).
            if (api.ScopeQualifier == IngressWire.ScopeRead && !readOnly) return false;
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
