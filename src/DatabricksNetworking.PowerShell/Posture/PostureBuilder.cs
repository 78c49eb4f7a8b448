using System;
using System.Collections.Generic;
using System.Linq;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Posture
{
    /// <summary>Turns what was read into a <see cref="NetworkPosture"/>. Pure: no I/O, so every rule is unit-tested.</summary>
    public static class PostureBuilder
    {
        public const int DefaultMaxAllowPrefixLength = 8;
        public const string DefaultPolicyId = "default-policy";

        /// <summary>Private endpoint rule states that mean the rule does not work and needs attention.</summary>
        public static readonly string[] FailedRuleStates = { "CREATE_FAILED", "REJECTED", "DISCONNECTED", "EXPIRED" };

        public static NetworkPosture Build(WorkspaceData data, AccountData account, int maxAllowPrefixLength, DateTimeOffset scannedAt)
        {
            var w = data.Workspace;
            var reasons = new List<string>(data.FailureReasons());
            var p = new NetworkPosture
            {
                AccountId = w.AccountId ?? account.AccountId,
                WorkspaceId = w.WorkspaceId,
                WorkspaceName = w.WorkspaceName,
                Region = w.Region,
                WorkspaceStatus = w.WorkspaceStatus,
                PricingTier = w.PricingTier,
                ComputeMode = w.ComputeMode,
                CustomTags = w.CustomTags != null ? new DbxMap(w.CustomTags) : new DbxMap(),
                MaxAllowPrefixLength = maxAllowPrefixLength,
                ScannedAt = scannedAt,
            };

            Classic(p, w, account, reasons);
            WorkspaceIpAccess(p, data, maxAllowPrefixLength);
            Serverless(p, w, data, account, reasons);
            Ingress(p, data, account, reasons);
            AccountIpAccess(p, account, maxAllowPrefixLength, reasons);

            p.IncompleteReasons = reasons.Distinct(StringComparer.Ordinal).ToArray();
            return p;
        }

        private static void Classic(NetworkPosture p, Workspace w, AccountData a, List<string> reasons)
        {
            p.NetworkId = Blank(w.NetworkId);
            p.CustomerManagedVpc = p.NetworkId != null;
            p.PrivateAccessSettingsId = Blank(w.PrivateAccessSettingsId);
            string[] backEndRest = new string[0];

            if (p.NetworkId == null) p.BackEndPrivateLink = false;
            else if (!a.Networks.Ok) reasons.Add(a.Networks.Reason!);
            else if (!a.NetworkById.TryGetValue(p.NetworkId, out var net))
                reasons.Add($"network configuration {p.NetworkId} of the workspace is not in the account's list");
            else
            {
                p.NetworkName = net.NetworkName;
                p.VpcId = net.VpcId;
                p.VpcStatus = net.VpcStatus;
                p.RestApiVpcEndpointIds = net.RestApiVpcEndpointIds;
                p.DataplaneRelayVpcEndpointIds = net.DataplaneRelayVpcEndpointIds;
                backEndRest = net.RestApiVpcEndpointIds.ToArray();
                p.BackEndPrivateLink = PrivateLinkCoverage.HasBackEnd(net);
                var ids = p.RestApiVpcEndpointIds.Concat(p.DataplaneRelayVpcEndpointIds).ToList();
                if (ids.Count > 0)
                {
                    if (!a.VpcEndpoints.Ok) reasons.Add(a.VpcEndpoints.Reason!);
                    else p.BackEndVpcEndpointStates = ids.Select(id => a.VpcEndpointById.TryGetValue(id, out var e)
                        ? $"{e.VpcEndpointName} ({id}): {e.State ?? "unknown"}"
                        : $"{id}: not registered").ToArray();
                }
            }

            if (p.PrivateAccessSettingsId == null)
            {
                p.PublicAccessEnabled = true;
                p.FrontEndPrivateLink = false;
                return;
            }
            if (!a.PrivateAccessSettings.Ok) { reasons.Add(a.PrivateAccessSettings.Reason!); return; }
            if (!a.PrivateAccessSettingsById.TryGetValue(p.PrivateAccessSettingsId, out var pas))
            {
                reasons.Add($"private access settings {p.PrivateAccessSettingsId} of the workspace are not in the account's list");
                return;
            }
            p.PrivateAccessSettingsName = pas.PrivateAccessSettingsName;
            p.PrivateAccessLevel = pas.PrivateAccessLevel ?? "ACCOUNT";
            p.PublicAccessEnabled = pas.PublicAccessEnabled ?? false;
            if (!a.VpcEndpoints.Ok) { reasons.Add(a.VpcEndpoints.Reason!); return; }
            var registrations = (a.VpcEndpoints.Value ?? new List<VpcEndpoint>()).Concat(PrivateLinkCoverage.AsRegistrations(a.NetworkEndpoints.Value));
            p.FrontEndVpcEndpointIds = PrivateLinkCoverage.FrontEndEndpointIds(w.Region, pas, registrations, backEndRest);
            p.FrontEndPrivateLink = p.FrontEndVpcEndpointIds.Length > 0;
            // Not knowing the Service Direct endpoints leaves "no front-end PrivateLink" unproven.
            if (p.FrontEndPrivateLink != true && !a.NetworkEndpoints.Ok) reasons.Add(a.NetworkEndpoints.Reason!);
        }

        private static void WorkspaceIpAccess(NetworkPosture p, WorkspaceData d, int maxPrefix)
        {
            if (d.Conf.Ok) p.IpAccessListsEnabled = string.Equals(d.EnableIpAccessLists, "true", StringComparison.OrdinalIgnoreCase);
            if (!d.IpAccessLists.Ok) return;
            var lists = (d.IpAccessLists.Value ?? new List<IpAccessList>()).Where(l => l.Enabled ?? true).ToList();
            p.AllowListCount = lists.Count(IsAllow);
            p.BlockListCount = lists.Count(l => string.Equals(l.ListType, "BLOCK", StringComparison.OrdinalIgnoreCase));
            p.IpAccessEntryCount = lists.Sum(l => l.Count);
            p.WideAllowEntries = WideEntries(lists, maxPrefix);
        }

        private static void AccountIpAccess(NetworkPosture p, AccountData a, int maxPrefix, List<string> reasons)
        {
            if (a.AccountFeature.Ok) p.AccountIpAccessListsEnabled = a.AccountFeature.Value?.AcctIpAclEnable?.Value ?? true;
            else reasons.Add(a.AccountFeature.Reason!);
            if (!a.AccountLists.Ok) { reasons.Add(a.AccountLists.Reason!); return; }
            var lists = (a.AccountLists.Value ?? new List<IpAccessList>()).Where(l => l.Enabled ?? true).ToList();
            p.AccountAllowListCount = lists.Count(IsAllow);
            p.AccountBlockListCount = lists.Count(l => string.Equals(l.ListType, "BLOCK", StringComparison.OrdinalIgnoreCase));
            p.AccountWideAllowEntries = WideEntries(lists, maxPrefix);
        }

        private static void Serverless(NetworkPosture p, Workspace w, WorkspaceData d, AccountData a, List<string> reasons)
        {
            p.NetworkConnectivityConfigId = Blank(w.NetworkConnectivityConfigId);
            if (p.NetworkConnectivityConfigId == null)
            {
                p.PrivateEndpointRuleCount = 0;
                p.FailedPrivateEndpointRuleCount = 0;
            }
            else if (!a.Nccs.Ok) reasons.Add(a.Nccs.Reason!);
            else
            {
                if (a.NccById.TryGetValue(p.NetworkConnectivityConfigId, out var ncc)) p.NetworkConnectivityConfigName = ncc.Name;
                if (a.RulesByNcc.TryGetValue(p.NetworkConnectivityConfigId, out var rules))
                {
                    if (!rules.Ok) reasons.Add(rules.Reason!);
                    else
                    {
                        var list = rules.Value ?? new List<PrivateEndpointRule>();
                        p.PrivateEndpointRuleCount = list.Count;
                        p.PrivateEndpointRuleStates = list.Select(r => $"{r.RuleId}: {r.ConnectionState ?? "unknown"}").ToArray();
                        p.FailedPrivateEndpointRuleCount = list.Count(r => FailedRuleStates.Contains(r.ConnectionState ?? "", StringComparer.OrdinalIgnoreCase));
                    }
                }
                else reasons.Add($"network connectivity configuration {p.NetworkConnectivityConfigId} of the workspace is not in the account's list");
            }

            if (!d.NetworkOption.Ok) return;
            p.NetworkPolicyId = Blank(d.NetworkOption.Value?.NetworkPolicyId) ?? DefaultPolicyId;
            if (!a.Policies.Ok) { reasons.Add(a.Policies.Reason!); return; }
            if (a.PolicyById.TryGetValue(p.NetworkPolicyId, out var policy))
            {
                p.EgressRestrictionMode = policy.RestrictionMode ?? "FULL_ACCESS";
                p.PolicyEnforcementMode = policy.EnforcementMode;
                p.DryRunProducts = string.Equals(policy.EnforcementMode, "DRY_RUN", StringComparison.OrdinalIgnoreCase) ? policy.DryRunProducts : new string[0];
            }
            else if (p.NetworkPolicyId == DefaultPolicyId)
            {
                // The reserved policy exists in every account; a service that does not list it applies full access.
                p.EgressRestrictionMode = "FULL_ACCESS";
                p.PolicyEnforcementMode = "ENFORCED";
            }
            else reasons.Add($"network policy {p.NetworkPolicyId} of the workspace is not in the account's list");
        }

        private static void Ingress(NetworkPosture p, WorkspaceData d, AccountData a, List<string> reasons)
        {
            if (a.AccountIngress.Ok) p.AccountIngress = a.AccountIngressPosture;
            else reasons.Add(a.AccountIngress.Reason!);
            if (!d.NetworkOption.Ok || !a.Policies.Ok || p.NetworkPolicyId == null) return;
            p.NetworkPolicySource = Blank(d.NetworkOption.Value?.NetworkPolicyId) is string bound && bound != DefaultPolicyId ? "Bound" : "DefaultPolicy";
            a.PolicyById.TryGetValue(p.NetworkPolicyId, out var policy);
            // A default-policy the service does not list has no ingress: full access, as an unconfigured policy.
            if (policy == null && p.NetworkPolicyId != DefaultPolicyId) return;
            var (mode, dryMode, enforced, dry, open) = IngressFacts(policy);
            p.PublicIngressMode = mode;
            p.DryRunPublicIngressMode = dryMode;
            p.IngressRuleCount = enforced;
            p.IngressDryRunRuleCount = dry;
            p.OpenIngressRules = open;
        }

        /// <summary>The account ingress policy as a posture reports it (once per scan).</summary>
        public static AccountIngressPosture AccountIngress(string? accountId, NetworkPolicy? policy)
        {
            var (mode, dryMode, enforced, dry, open) = IngressFacts(policy);
            return new AccountIngressPosture
            {
                AccountId = accountId, PublicIngressMode = mode, DryRunPublicIngressMode = dryMode,
                IngressRuleCount = enforced, IngressDryRunRuleCount = dry, OpenIngressRules = open,
            };
        }

        private static (string Mode, string? DryMode, int Enforced, int Dry, OpenIngressRule[] Open) IngressFacts(NetworkPolicy? policy)
        {
            var open = OpenRules(policy?.NetworkPolicyId, policy?.Ingress, "Enforced").Concat(OpenRules(policy?.NetworkPolicyId, policy?.IngressDryRun, "DryRun")).ToArray();
            return (Mode(policy?.Ingress) ?? "None", Mode(policy?.IngressDryRun), policy?.IngressRuleCount ?? 0, policy?.IngressDryRunRuleCount ?? 0, open);
        }

        /// <summary>FullAccess or RestrictedAccess (an unknown wire value as it is); null when there is no public ingress.</summary>
        private static string? Mode(IngressNetworkPolicy? ingress)
        {
            var m = ingress?.PublicAccess?.RestrictionMode;
            if (ingress?.PublicAccess == null) return null;
            return m == IngressWire.RestrictedAccess ? "RestrictedAccess" : m == IngressWire.FullAccess || string.IsNullOrEmpty(m) ? "FullAccess" : m;
        }

        private static IEnumerable<OpenIngressRule> OpenRules(string? policyId, IngressNetworkPolicy? ingress, string mode) =>
            (ingress?.PublicAccess?.AllowRules ?? new List<IngressPublicRule>()).Where(OpenToAllAddresses).Select(r => new OpenIngressRule
            {
                NetworkPolicyId = policyId, Label = r.Label, Mode = mode,
                Identities = IngressText.Identities(r.Authentication), Destinations = IngressText.Destinations(r.Destination),
                SelectedIdentitiesOnly = r.Authentication?.IdentityType == IngressWire.SelectedIdentities,
            });

        /// <summary>An origin that matches every address: none given, all_ip_ranges, or an included /0, and nothing excluded.</summary>
        public static bool OpenToAllAddresses(IngressPublicRule rule)
        {
            var o = rule.Origin;
            if (o == null) return true;
            if ((o.ExcludedIpRanges?.IpRanges?.Count ?? 0) > 0) return false;
            if (o.AllIpRanges == true) return true;
            var included = o.IncludedIpRanges?.IpRanges;
            if (included == null || included.Count == 0) return o.AllIpRanges == null && o.IncludedIpRanges == null;
            return included.Any(r => r.Trim() == "::/0" || (Cidr.TryParse(r, out var c, out _) && c.Prefix == 0));
        }

        private static bool IsAllow(IpAccessList l) => string.Equals(l.ListType, "ALLOW", StringComparison.OrdinalIgnoreCase);

        /// <summary>ALLOW entries with a prefix shorter than <paramref name="maxPrefix"/> ("0.0.0.0/0 (label)").</summary>
        public static string[] WideEntries(IEnumerable<IpAccessList> lists, int maxPrefix) =>
            lists.Where(IsAllow)
                .SelectMany(l => (l.IpAddresses ?? new List<string>()).Select(a => (List: l, Address: a)))
                .Where(x => Cidr.TryParse(x.Address, out var c, out _) && c.Prefix < maxPrefix)
                .Select(x => $"{x.Address} ({x.List.Label})")
                .ToArray();

        private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
    }
}
