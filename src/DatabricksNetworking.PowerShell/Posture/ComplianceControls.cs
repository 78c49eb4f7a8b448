using System;
using System.Collections.Generic;
using System.Linq;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Posture
{
    /// <summary>What one control says about one posture: passed (true), failed (false) or unknown (null), and what was seen.</summary>
    public readonly struct ControlVerdict
    {
        public ControlVerdict(bool? passed, string actual) { Passed = passed; Actual = actual; }
        public bool? Passed { get; }
        public string Actual { get; }
    }

    /// <summary>One control a baseline can require: its rule over a posture, what it expects and how to fix a violation.</summary>
    public sealed class ComplianceControl
    {
        public ComplianceControl(string name, ComplianceSeverity defaultSeverity, string expected, string remediation, Func<NetworkPosture, ControlVerdict> check, bool accountLevel = false)
        {
            Name = name; DefaultSeverity = defaultSeverity; Expected = expected; Remediation = remediation; Check = check; AccountLevel = accountLevel;
        }

        /// <summary>A control of the account itself: evaluated once per account (its finding targets the account), never per workspace.</summary>
        public bool AccountLevel { get; }

        public string Name { get; }
        public ComplianceSeverity DefaultSeverity { get; }
        public string Expected { get; }
        public string Remediation { get; }
        public Func<NetworkPosture, ControlVerdict> Check { get; }
    }

    /// <summary>The outcome of one control for one workspace (Passed, Failed or Unknown), for findings and the report.</summary>
    public sealed class ControlResult
    {
        /// <summary>The workspace; null for an account-level control.</summary>
        public long? WorkspaceId { get; set; }
        public string? AccountId { get; set; }
        /// <summary><c>Workspace</c> or <c>Account</c>: what the result is about.</summary>
        public string Scope { get; set; } = "Workspace";
        public string? WorkspaceName { get; set; }
        public string Control { get; set; } = "";
        public ComplianceSeverity Severity { get; set; }
        public string Outcome { get; set; } = "";
        public string Actual { get; set; } = "";
        public string Expected { get; set; } = "";
        public string Remediation { get; set; } = "";

        public ComplianceFinding ToFinding() => new ComplianceFinding
        {
            WorkspaceId = WorkspaceId, WorkspaceName = WorkspaceName, AccountId = AccountId, Scope = Scope, Control = Control, Severity = Severity,
            Status = Outcome, Actual = Actual, Expected = Expected, Remediation = Remediation,
        };
    }

    /// <summary>The controls a baseline can name, and their evaluation. Pure.</summary>
    public static class ComplianceControls
    {
        public const string Passed = "Passed", Failed = "Failed", Unknown = "Unknown";

        private static ControlVerdict Unknowable(NetworkPosture p) =>
            new ControlVerdict(null, "unknown: " + (p.IncompleteReasons.Length > 0 ? string.Join("; ", p.IncompleteReasons) : "the facts could not be read"));

        private static string List(IEnumerable<string> items) => string.Join(", ", items);

        public static readonly IReadOnlyList<ComplianceControl> All = new[]
        {
            new ComplianceControl("RequireCustomerManagedVpc", ComplianceSeverity.Medium,
                "a customer-managed VPC (network configuration) whose vpc_status is VALID or WARNED",
                "Create a network configuration (New-DbxNetworkConfiguration) for a VPC that passes Test-DbxAwsVpc and attach it with Set-DbxWorkspaceNetwork -NetworkId.",
                p =>
                {
                    if (!p.CustomerManagedVpc) return new ControlVerdict(false, "no network configuration (Databricks-managed VPC)");
                    if (p.VpcStatus == null) return Unknowable(p);
                    var ok = p.VpcStatus == "VALID" || p.VpcStatus == "WARNED";
                    return new ControlVerdict(ok, $"network configuration {p.NetworkName ?? p.NetworkId} ({p.VpcId}) with vpc_status {p.VpcStatus}");
                }),
            new ComplianceControl("RequireBackEndPrivateLink", ComplianceSeverity.High,
                "back-end PrivateLink: the network configuration names a REST API and a secure cluster connectivity relay VPC endpoint",
                "Create the two interface endpoints (New-DbxAwsVpcEndpoint -Service Workspace/Relay), register them (New-DbxVpcEndpointRegistration), create a network configuration that names them (New-DbxNetworkConfiguration -RestApiVpcEndpointId -DataplaneRelayVpcEndpointId) and attach it with Set-DbxWorkspaceNetwork.",
                p =>
                {
                    if (p.BackEndPrivateLink == null) return Unknowable(p);
                    if (!p.CustomerManagedVpc) return new ControlVerdict(false, "no customer-managed VPC, so no back-end PrivateLink");
                    return new ControlVerdict(p.BackEndPrivateLink, $"network configuration {p.NetworkName ?? p.NetworkId} names {p.RestApiVpcEndpointIds.Length} REST API and {p.DataplaneRelayVpcEndpointIds.Length} relay VPC endpoint(s)");
                }),
            new ComplianceControl("RequireFrontEndPrivateLink", ComplianceSeverity.Medium,
                "front-end PrivateLink: private access settings that admit an available REST API VPC endpoint registration of the workspace's region",
                "Register a front-end (transit VPC) endpoint with New-DbxVpcEndpointRegistration, allow it in the workspace's private access settings (Set-DbxPrivateAccessSettings -AllowedVpcEndpointId) and attach those settings with Set-DbxWorkspaceNetwork -PrivateAccessSettingsId.",
                p =>
                {
                    if (p.FrontEndPrivateLink == null) return Unknowable(p);
                    if (p.PrivateAccessSettingsId == null) return new ControlVerdict(false, "no private access settings");
                    return new ControlVerdict(p.FrontEndPrivateLink, p.FrontEndPrivateLink == true
                        ? $"front-end endpoint(s) {List(p.FrontEndVpcEndpointIds)} admitted by {p.PrivateAccessSettingsName ?? p.PrivateAccessSettingsId}"
                        : $"private access settings {p.PrivateAccessSettingsName ?? p.PrivateAccessSettingsId} ({p.PrivateAccessLevel}) admit no available front-end REST API endpoint in {p.Region}");
                }),
            new ComplianceControl("DenyPublicAccess", ComplianceSeverity.High,
                "public access disabled (private access settings with public_access_enabled false)",
                "Attach private access settings with -PublicAccessEnabled:$false (Set-DbxPrivateAccessSettings, Set-DbxWorkspaceNetwork -PrivateAccessSettingsId) once front-end and back-end PrivateLink work.",
                p =>
                {
                    if (p.PublicAccessEnabled == null) return Unknowable(p);
                    if (p.PrivateAccessSettingsId == null) return new ControlVerdict(false, "public access enabled (no private access settings)");
                    return new ControlVerdict(p.PublicAccessEnabled == false, $"public_access_enabled {(p.PublicAccessEnabled == true ? "true" : "false")} in {p.PrivateAccessSettingsName ?? p.PrivateAccessSettingsId}");
                }),
            new ComplianceControl("RequireIpAccessLists", ComplianceSeverity.High,
                "workspace IP access lists enforced (enableIpAccessLists true) with at least one enabled ALLOW list",
                "Create an ALLOW list (New-DbxIpAccessList -WorkspaceId <id> -ListType Allow) and turn enforcement on with Enable-DbxIpAccessListFeature -WorkspaceId <id>.",
                p =>
                {
                    if (p.IpAccessListsEnabled == null || p.AllowListCount == null) return Unknowable(p);
                    var ok = p.IpAccessListsEnabled == true && p.AllowListCount > 0;
                    return new ControlVerdict(ok, $"enforcement {(p.IpAccessListsEnabled == true ? "on" : "off")}, {p.AllowListCount} ALLOW and {p.BlockListCount} BLOCK list(s)");
                }),
            new ComplianceControl("ForbidOpenCidr", ComplianceSeverity.Critical,
                "no workspace ALLOW entry wider than the allowed prefix",
                "Replace the wide entries with the networks that need access (Remove-DbxIpAccessListEntry, Add-DbxIpAccessListEntry).",
                p =>
                {
                    if (p.AllowListCount == null) return Unknowable(p);
                    return p.WideAllowEntries.Length == 0
                        ? new ControlVerdict(true, $"no ALLOW entry wider than /{p.MaxAllowPrefixLength}")
                        : new ControlVerdict(false, $"ALLOW entries wider than /{p.MaxAllowPrefixLength}: {List(p.WideAllowEntries)}");
                }),
            new ComplianceControl("RequireRestrictedEgress", ComplianceSeverity.Medium,
                "serverless egress restricted: the bound network policy has restriction_mode RESTRICTED_ACCESS",
                "Bind a network policy with -RestrictionMode RestrictedAccess (New-DbxNetworkPolicy, Set-DbxWorkspaceNetworkPolicy).",
                p =>
                {
                    if (p.EgressRestrictionMode == null) return Unknowable(p);
                    return new ControlVerdict(p.EgressRestrictionMode == "RESTRICTED_ACCESS", $"network policy {p.NetworkPolicyId}: {p.EgressRestrictionMode}");
                }),
            new ComplianceControl("RequireEnforcedPolicy", ComplianceSeverity.Medium,
                "the bound network policy is enforced (enforcement_mode ENFORCED, no dry run)",
                "Set the policy's enforcement to Enforced (Set-DbxNetworkPolicy -EnforcementMode Enforced) once the dry-run logs are clean.",
                p =>
                {
                    if (p.PolicyEnforcementMode == null) return Unknowable(p);
                    var ok = p.PolicyEnforcementMode == "ENFORCED";
                    var scope = p.DryRunProducts.Length > 0 ? " for " + List(p.DryRunProducts) : "";
                    return new ControlVerdict(ok, $"network policy {p.NetworkPolicyId}: {p.PolicyEnforcementMode}{(ok ? "" : scope)}");
                }),
            new ComplianceControl("RequireNcc", ComplianceSeverity.Low,
                "a network connectivity configuration bound, with no private endpoint rule in a failed state",
                "Bind an NCC of the workspace's region (New-DbxNetworkConnectivityConfig, Set-DbxWorkspaceNetwork -NetworkConnectivityConfigId); delete and recreate rules that are REJECTED, EXPIRED, DISCONNECTED or CREATE_FAILED.",
                p =>
                {
                    if (p.NetworkConnectivityConfigId == null) return new ControlVerdict(false, "no network connectivity configuration bound");
                    if (p.FailedPrivateEndpointRuleCount == null) return Unknowable(p);
                    var name = p.NetworkConnectivityConfigName ?? p.NetworkConnectivityConfigId;
                    return p.FailedPrivateEndpointRuleCount == 0
                        ? new ControlVerdict(true, $"{name} bound with {p.PrivateEndpointRuleCount} private endpoint rule(s)")
                        : new ControlVerdict(false, $"{name} bound; failed private endpoint rules: {List(p.PrivateEndpointRuleStates.Where(s => FailedState(s)))}");
                }),
            new ComplianceControl("RequireAccountIpAccessLists", ComplianceSeverity.High,
                "account console IP access lists enforced with at least one enabled ALLOW list and no ALLOW entry wider than the allowed prefix",
                "Create an account ALLOW list (New-DbxAccountIpAccessList -ListType Allow), keep enforcement on (Enable-DbxAccountIpAccessListFeature) and narrow wide entries (Update-DbxAccountIpAccessList).",
                p =>
                {
                    if (p.AccountIpAccessListsEnabled == null || p.AccountAllowListCount == null) return Unknowable(p);
                    var ok = p.AccountIpAccessListsEnabled == true && p.AccountAllowListCount > 0 && p.AccountWideAllowEntries.Length == 0;
                    var wide = p.AccountWideAllowEntries.Length > 0 ? $", ALLOW entries wider than /{p.MaxAllowPrefixLength}: {List(p.AccountWideAllowEntries)}" : "";
                    return new ControlVerdict(ok, $"account enforcement {(p.AccountIpAccessListsEnabled == true ? "on" : "off")}, {p.AccountAllowListCount} ALLOW and {p.AccountBlockListCount} BLOCK list(s){wide}");
                }, accountLevel: true),
            new ComplianceControl("RequireRestrictedIngress", ComplianceSeverity.High,
                "public ingress restricted and enforced: the workspace's network policy has ingress.public_access.restriction_mode RESTRICTED_ACCESS",
                "Stage the rules in dry run (Set-DbxNetworkPolicy -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule ...), check the denial log, then enforce them (Set-DbxNetworkPolicy -PublicAccessRestrictionMode RestrictedAccess -IngressRule ...) on the policy bound to the workspace (Set-DbxWorkspaceNetworkPolicy).",
                p =>
                {
                    if (p.PublicIngressMode == null) return Unknowable(p);
                    var ok = p.PublicIngressMode == "RestrictedAccess";
                    var dry = p.DryRunPublicIngressMode != null ? $", dry run {p.DryRunPublicIngressMode} with {p.IngressDryRunRuleCount} rule(s)" : "";
                    return new ControlVerdict(ok, $"network policy {p.NetworkPolicyId} ({Source(p)}): public ingress {p.PublicIngressMode} with {p.IngressRuleCount} enforced rule(s){dry}");
                }),
            new ComplianceControl("ForbidOpenIngress", ComplianceSeverity.Critical,
                "no enforced public ingress ALLOW rule for all IP ranges that admits every identity (not narrowed to selected identities)",
                "Narrow the rule to the networks that need access (-IpRange) or to selected identities (-Identity): Remove-/Add-DbxNetworkPolicyIngressRule, or Set-DbxNetworkPolicy -IngressRule.",
                p =>
                {
                    if (p.PublicIngressMode == null) return Unknowable(p);
                    var open = p.OpenIngressRules.Where(r => r.Mode == "Enforced" && !r.SelectedIdentitiesOnly).ToList();
                    return open.Count == 0
                        ? new ControlVerdict(true, $"network policy {p.NetworkPolicyId}: no enforced ALLOW rule open to all addresses and identities")
                        : new ControlVerdict(false, $"network policy {p.NetworkPolicyId}: enforced ALLOW rule(s) open to all addresses and identities: {List(open.Select(r => r.ToString()))}");
                }),
            new ComplianceControl("RequireAccountIngressPolicy", ComplianceSeverity.High,
                "the account ingress policy (account-policy) restricts public access to the account console and APIs (RESTRICTED_ACCESS, enforced) with no ALLOW rule open to all addresses",
                "Stage and then enforce account rules: Set-DbxAccountIngressPolicy -PublicAccessRestrictionMode RestrictedAccess -IngressRule (New-DbxIngressRule -Account ...), first with -IngressDryRun.",
                p =>
                {
                    var a = p.AccountIngress;
                    if (a == null) return Unknowable(p);
                    var open = a.OpenIngressRules.Where(r => r.Mode == "Enforced").ToList();
                    var ok = a.PublicIngressMode == "RestrictedAccess" && open.Count == 0;
                    var wide = open.Count > 0 ? $", open to all addresses: {List(open.Select(r => r.Label ?? ""))}" : "";
                    return new ControlVerdict(ok, a.ToString().Split(new[] { ", open to" }, StringSplitOptions.None)[0] + wide);
                }, accountLevel: true),
        };

        private static string Source(NetworkPosture p) => p.NetworkPolicySource == "Bound" ? "bound" : "default-policy, no binding";

        private static bool FailedState(string ruleState) =>
            PostureBuilder.FailedRuleStates.Any(s => ruleState.EndsWith(": " + s, StringComparison.OrdinalIgnoreCase));

        public static ComplianceControl? Find(string name) =>
            All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>The outcome of every workspace-level control of the baseline whose scope includes the workspace, in the baseline's order.</summary>
        public static IEnumerable<ControlResult> Evaluate(NetworkPosture p, ComplianceBaseline baseline)
        {
            if (!baseline.Scope.Matches(p.WorkspaceName, p.CustomTags)) yield break;
            foreach (var bc in baseline.Controls)
            {
                if (bc.Control.AccountLevel || !bc.Scope.Matches(p.WorkspaceName, p.CustomTags)) continue;
                yield return Result(p, bc, workspace: true);
            }
        }

        /// <summary>
        /// The outcome of the account-level controls, from the account facts of <paramref name="p"/> (a posture of the account
        /// in the baseline's scope). Callers evaluate them once per account; the results target the account, not the workspace.
        /// </summary>
        public static IEnumerable<ControlResult> EvaluateAccount(NetworkPosture p, ComplianceBaseline baseline)
        {
            if (!baseline.Scope.Matches(p.WorkspaceName, p.CustomTags)) yield break;
            foreach (var bc in baseline.Controls.Where(c => c.Control.AccountLevel)) yield return Result(p, bc, workspace: false);
        }

        private static ControlResult Result(NetworkPosture p, BaselineControl bc, bool workspace)
        {
            var v = bc.Control.Check(p);
            return new ControlResult
            {
                WorkspaceId = workspace ? p.WorkspaceId : (long?)null,
                WorkspaceName = workspace ? p.WorkspaceName : null,
                AccountId = p.AccountId,
                Scope = workspace ? "Workspace" : "Account",
                Control = bc.Control.Name,
                Severity = bc.Severity,
                Outcome = v.Passed == true ? Passed : v.Passed == false ? Failed : Unknown,
                Actual = v.Actual,
                Expected = bc.Control.Name == "ForbidOpenCidr" || bc.Control.Name == "RequireAccountIpAccessLists"
                    ? bc.Control.Expected.Replace("the allowed prefix", "/" + p.MaxAllowPrefixLength)
                    : bc.Control.Expected,
                Remediation = bc.Control.Remediation,
            };
        }

        /// <summary>The findings: every control that did not pass.</summary>
        public static IEnumerable<ComplianceFinding> Findings(NetworkPosture p, ComplianceBaseline baseline) =>
            Evaluate(p, baseline).Where(r => r.Outcome != Passed).Select(r => r.ToFinding());

        /// <summary>The account-level findings (call once per account).</summary>
        public static IEnumerable<ComplianceFinding> AccountFindings(NetworkPosture p, ComplianceBaseline baseline) =>
            EvaluateAccount(p, baseline).Where(r => r.Outcome != Passed).Select(r => r.ToFinding());
    }
}
