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
        public ComplianceControl(string name, ComplianceSeverity defaultSeverity, string expected, string remediation, Func<NetworkPosture, ControlVerdict> check)
        {
            Name = name; DefaultSeverity = defaultSeverity; Expected = expected; Remediation = remediation; Check = check;
        }

        public string Name { get; }
        public ComplianceSeverity DefaultSeverity { get; }
        public string Expected { get; }
        public string Remediation { get; }
        public Func<NetworkPosture, ControlVerdict> Check { get; }
    }

    /// <summary>The outcome of one control for one workspace (Passed, Failed or Unknown), for findings and the report.</summary>
    public sealed class ControlResult
    {
        public long WorkspaceId { get; set; }
        public string? WorkspaceName { get; set; }
        public string Control { get; set; } = "";
        public ComplianceSeverity Severity { get; set; }
        public string Outcome { get; set; } = "";
        public string Actual { get; set; } = "";
        public string Expected { get; set; } = "";
        public string Remediation { get; set; } = "";

        public ComplianceFinding ToFinding() => new ComplianceFinding
        {
            WorkspaceId = WorkspaceId, WorkspaceName = WorkspaceName, Control = Control, Severity = Severity,
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
                }),
        };

        private static bool FailedState(string ruleState) =>
            PostureBuilder.FailedRuleStates.Any(s => ruleState.EndsWith(": " + s, StringComparison.OrdinalIgnoreCase));

        public static ComplianceControl? Find(string name) =>
            All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>The outcome of every control of the baseline whose scope includes the workspace, in the baseline's order.</summary>
        public static IEnumerable<ControlResult> Evaluate(NetworkPosture p, ComplianceBaseline baseline)
        {
            if (!baseline.Scope.Matches(p.WorkspaceName, p.CustomTags)) yield break;
            foreach (var bc in baseline.Controls)
            {
                if (!bc.Scope.Matches(p.WorkspaceName, p.CustomTags)) continue;
                var v = bc.Control.Check(p);
                yield return new ControlResult
                {
                    WorkspaceId = p.WorkspaceId,
                    WorkspaceName = p.WorkspaceName,
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
        }

        /// <summary>The findings: every control that did not pass.</summary>
        public static IEnumerable<ComplianceFinding> Findings(NetworkPosture p, ComplianceBaseline baseline) =>
            Evaluate(p, baseline).Where(r => r.Outcome != Passed).Select(r => r.ToFinding());
    }
}
