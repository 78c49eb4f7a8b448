using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>
    /// Shared by Add-/Remove-DbxNetworkPolicyIngressRule and Confirm-DbxNetworkPolicyIngress. The API offers only a full
    /// PUT, so each edit reads the policy, changes its rule lists in place, asks (the ingress lockout guard when the
    /// enforced ingress changes, ShouldProcess when only the dry run does), re-reads the policy and refuses
    /// (DbxNetworkPolicyChanged) when it is no longer what was read, then writes it back.
    /// </summary>
    public abstract class NetworkPolicyIngressEditCmdlet : IngressGuardedCmdlet
    {
        /// <summary>The policy to edit (account-policy for the account console/API). Objects of Get-DbxNetworkPolicyIngressRule bind by NetworkPolicyId.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("network_policy_id")]
        [ArgumentCompleter(typeof(NetworkPolicyIdCompleter))]
        [DbxId(DbxIdKind.NetworkPolicy)]
        public string NetworkPolicyId { get; set; } = "";

        /// <summary>Writes the policy as stored after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Test seam: called with the policy id after the confirmation, just before the re-read (Pester sets it by reflection to change the policy in between).</summary>
        internal static Action<string>? BeforeReread;

        /// <summary>What an edit did to the policy read; null = nothing to change.</summary>
        protected sealed class Outcome
        {
            public string Action = "";
            public List<string> Summary = new List<string>();
        }

        /// <summary>Local checks before anything is sent.</summary>
        protected virtual void CheckInput() { }

        /// <summary>Edits <paramref name="policy"/> in place (throw DbxValidationException for a refusal); null when there is nothing to change.</summary>
        protected abstract Outcome? Edit(NetworkPolicy policy);

        protected abstract string CommandName { get; }

        protected bool IsAccountPolicy => string.Equals(NetworkPolicyId, IngressWire.AccountPolicyId, StringComparison.OrdinalIgnoreCase);

        internal static string Json(object? o) => o == null ? "" : JsonSerializer.Serialize(o);

        /// <summary>A deep copy of a wire rule, so the rule objects given (or read) are never shared with the policy sent.</summary>
        protected static IngressPublicRule CopyRule(IngressPublicRule rule) => JsonSerializer.Deserialize<IngressPublicRule>(JsonSerializer.Serialize(rule))!;

        protected override void ProcessRecordCore()
        {
            CurrentTarget = NetworkPolicyId;
            ServerlessChecks.PolicyId(NetworkPolicyId);
            CheckInput();
            var api = new NetworkPoliciesApi(AccountClient);
            var policy = Run(ct => api.GetAsync(NetworkPolicyId, ct));
            var read = Json(policy);
            policy.NetworkPolicyId = NetworkPolicyId;
            var before = IngressLockoutGuard.Copy(policy.Ingress);
            var enforcedBefore = Json(policy.Ingress);
            var dryBefore = Json(policy.IngressDryRun);
            var outcome = Edit(policy);
            bool enforcedChanged = Json(policy.Ingress) != enforcedBefore;
            if (outcome == null || (!enforcedChanged && Json(policy.IngressDryRun) == dryBefore))
            {
                WriteVerbose($"Network policy '{NetworkPolicyId}' already has the requested ingress rules; nothing was sent.");
                if (PassThru) WriteObject(policy);
                return;
            }
            var summary = $"{outcome.Action} on network policy '{NetworkPolicyId}': " + string.Join("; ", outcome.Summary) + $" (then {policy.IngressSummary})";
            WriteVerbose(summary);
            WriteInformation(new InformationRecord(Text.Printable(summary), CommandName));
            bool go = enforcedChanged
                ? ConfirmIngressChange(NetworkPolicyId, $"{outcome.Action} ({string.Join("; ", outcome.Summary)})", $"{CommandName} '{NetworkPolicyId}'",
                    () => IngressTargetsOfPolicy(NetworkPolicyId, before, policy.Ingress), GuardOptions)
                : ShouldChange(Force, NetworkPolicyId, $"{outcome.Action} ({string.Join("; ", outcome.Summary)}; dry run only: nothing is blocked)");
            if (!go) return;
            BeforeReread?.Invoke(NetworkPolicyId);
            var current = Run(ct => api.GetAsync(NetworkPolicyId, ct));
            if (Json(current) != read)
                throw new DbxValidationException("DbxNetworkPolicyChanged",
                    $"Network policy '{NetworkPolicyId}' changed while {CommandName} was working on it (someone else wrote it between the read and the write); nothing was sent. Run the command again: it reads the policy afresh.",
                    NetworkPolicyId, ErrorCategory.ResourceUnavailable);
            var stored = Run(ct => api.ReplaceAsync(policy, ct));
            if (PassThru) WriteObject(stored);
        }

        /// <summary>
        /// The enforced or dry-run public access of the policy, created without rules when absent: the enforced one
        /// FULL_ACCESS (no ingress is full access), a new dry run with the enforced mode (so promoting it later does not
        /// change the mode unless someone staged another one with Set-DbxNetworkPolicy -IngressDryRun).
        /// </summary>
        protected static IngressPublicAccess PublicPart(NetworkPolicy policy, bool dryRun)
        {
            var ingress = dryRun ? (policy.IngressDryRun ??= new IngressNetworkPolicy()) : (policy.Ingress ??= new IngressNetworkPolicy());
            var pub = ingress.PublicAccess ??= new IngressPublicAccess();
            pub.RestrictionMode ??= dryRun ? policy.Ingress?.PublicAccess?.RestrictionMode ?? IngressWire.FullAccess : IngressWire.FullAccess;
            return pub;
        }

        protected static IEnumerable<(string Action, IngressPublicRule Rule)> RulesOf(IngressPublicAccess? pub) =>
            (pub?.DenyRules ?? new List<IngressPublicRule>()).Select(r => ("Deny", r))
            .Concat((pub?.AllowRules ?? new List<IngressPublicRule>()).Select(r => ("Allow", r)));

        protected static bool SameLabel(IngressPublicRule r, string label) => string.Equals(r.Label, label, StringComparison.OrdinalIgnoreCase);

        /// <summary>Takes the rules labelled <paramref name="label"/> out of both lists; true when there was one.</summary>
        protected static bool Take(IngressPublicAccess pub, string label)
        {
            int n = (pub.AllowRules?.RemoveAll(r => SameLabel(r, label)) ?? 0) + (pub.DenyRules?.RemoveAll(r => SameLabel(r, label)) ?? 0);
            if (pub.AllowRules?.Count == 0) pub.AllowRules = null;
            if (pub.DenyRules?.Count == 0) pub.DenyRules = null;
            return n > 0;
        }

        protected static void Put(IngressPublicAccess pub, string action, IngressPublicRule rule)
        {
            if (action == "Deny") (pub.DenyRules ??= new DbxList<IngressPublicRule>()).Add(rule);
            else (pub.AllowRules ??= new DbxList<IngressPublicRule>()).Add(rule);
        }

        protected static string Where(bool dryRun) => dryRun ? "ingress_dry_run" : "the enforced ingress";

        protected void WarnIfAllowRulesIdle(IngressPublicAccess pub, bool dryRun)
        {
            if (pub.RestrictionMode == IngressWire.FullAccess && pub.AllowRules?.Count > 0)
                WriteWarning($"Network policy '{NetworkPolicyId}' has public ingress FullAccess{(dryRun ? " (dry run)" : "")}: its allow rules take effect only with RestrictedAccess (Set-DbxNetworkPolicy{(dryRun ? " -IngressDryRun" : "")} -PublicAccessRestrictionMode RestrictedAccess).");
        }

        protected static string[] CleanLabels(string[]? labels, string parameter)
        {
            var list = (labels ?? new string[0]).Select(l => (l ?? "").Trim()).ToList();
            if (list.Count == 0 || list.Any(l => l.Length == 0 || l.Any(char.IsControl)))
                throw new DbxValidationException("DbxInvalidIngressRuleLabel", $"-{parameter} takes rule labels: non-empty names without control characters.", labels);
            return list.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }

        protected DbxValidationException NotFound(IEnumerable<string> missing, bool dryRun, IngressPublicAccess? pub) =>
            new DbxValidationException("DbxIngressRuleNotFound",
                $"Network policy '{NetworkPolicyId}' has no rule labelled {string.Join(", ", missing.Select(l => "'" + l + "'"))} in {Where(dryRun)} (its labels there: {(RulesOf(pub).Any() ? string.Join(", ", RulesOf(pub).Select(r => "'" + r.Rule.Label + "'")) : "none")}); nothing was sent.",
                NetworkPolicyId, ErrorCategory.ObjectNotFound);
    }

    /// <summary>
    /// <para type="synopsis">Adds ingress rules (New-DbxIngressRule) to a network policy's enforced ingress or, with -DryRun, its dry run, by label, through the lockout guard.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "DbxNetworkPolicyIngressRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Add-DbxNetworkPolicyIngressRule.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class AddDbxNetworkPolicyIngressRuleCommand : NetworkPolicyIngressEditCmdlet
    {
        /// <summary>The rules to add (New-DbxIngressRule, or rules of another policy from Get-DbxNetworkPolicyIngressRule); their labels must be new in that list.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        public IngressRule[] IngressRule { get; set; } = new IngressRule[0];

        /// <summary>Add the rules to ingress_dry_run: they only log what they would decide, nothing is blocked.</summary>
        [Parameter]
        public SwitchParameter DryRun { get; set; }

        protected override string CommandName => "Add-DbxNetworkPolicyIngressRule";

        protected override void CheckInput()
        {
            var rules = IngressRule.Where(r => r != null).ToArray();
            if (rules.Length == 0)
                throw new DbxValidationException("DbxInvalidNetworkPolicyChange", "-IngressRule: give at least one rule (New-DbxIngressRule).", NetworkPolicyId);
            IngressRules.CheckForPolicy(NetworkPolicyId, rules);
        }

        protected override Outcome? Edit(NetworkPolicy policy)
        {
            var pub = PublicPart(policy, DryRun);
            var rules = IngressRule.Where(r => r != null).ToArray();
            var taken = rules.Where(r => RulesOf(pub).Any(e => SameLabel(e.Rule, r.Label ?? ""))).Select(r => "'" + r.Label + "'").ToList();
            if (taken.Count > 0)
                throw new DbxValidationException("DbxIngressRuleLabelExists",
                    $"Network policy '{NetworkPolicyId}' already has a rule labelled {string.Join(", ", taken)} in {Where(DryRun)}; nothing was sent. Labels identify rules: remove the old one first (Remove-DbxNetworkPolicyIngressRule{(DryRun ? " -DryRun" : "")}) or give the new rule another label.",
                    NetworkPolicyId, ErrorCategory.ResourceExists);
            foreach (var r in rules) Put(pub, r.Action, CopyRule(r.Rule));
            WarnIfAllowRulesIdle(pub, DryRun);
            return new Outcome
            {
                Action = DryRun ? "Add dry-run ingress rules" : "Add ingress rules",
                Summary = rules.Select(r => $"{r.Action.ToLowerInvariant()} '{r.Label}' added to {Where(DryRun)}").ToList(),
            };
        }
    }

    /// <summary>
    /// <para type="synopsis">Removes ingress rules from a network policy by label (enforced, or with -DryRun the dry run), through the lockout guard; binds Get-DbxNetworkPolicyIngressRule output.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxNetworkPolicyIngressRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxNetworkPolicyIngressRule.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class RemoveDbxNetworkPolicyIngressRuleCommand : NetworkPolicyIngressEditCmdlet
    {
        /// <summary>The labels of the rules to remove; every one must exist in that list.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(IngressRuleLabelCompleter))]
        public string[] Label { get; set; } = new string[0];

        /// <summary>Remove from ingress_dry_run instead of the enforced ingress.</summary>
        [Parameter]
        public SwitchParameter DryRun { get; set; }

        /// <summary>Enforced or DryRun, as Get-DbxNetworkPolicyIngressRule emits it (DryRun = -DryRun).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Enforced", "DryRun")]
        public string? Mode { get; set; }

        protected override string CommandName => "Remove-DbxNetworkPolicyIngressRule";

        private bool InDryRun => DryRun || string.Equals(Mode, "DryRun", StringComparison.OrdinalIgnoreCase);

        protected override void CheckInput()
        {
            CleanLabels(Label, "Label");
            if (DryRun && string.Equals(Mode, "Enforced", StringComparison.OrdinalIgnoreCase))
                throw new DbxValidationException("DbxInvalidIngressRuleMode", "-DryRun removes from the dry run, but -Mode (or the piped rule) says Enforced: give one of them.", NetworkPolicyId);
        }

        protected override Outcome? Edit(NetworkPolicy policy)
        {
            var labels = CleanLabels(Label, "Label");
            var ingress = InDryRun ? policy.IngressDryRun : policy.Ingress;
            var pub = ingress?.PublicAccess;
            var missing = labels.Where(l => !RulesOf(pub).Any(r => SameLabel(r.Rule, l))).ToList();
            if (missing.Count > 0) throw NotFound(missing, InDryRun, pub);
            var summary = labels.Select(l => $"{RulesOf(pub).First(r => SameLabel(r.Rule, l)).Action.ToLowerInvariant()} '{RulesOf(pub).First(r => SameLabel(r.Rule, l)).Rule.Label}' removed from {Where(InDryRun)}").ToList();
            foreach (var l in labels) Take(pub!, l);
            return new Outcome { Action = InDryRun ? "Remove dry-run ingress rules" : "Remove ingress rules", Summary = summary };
        }
    }

    /// <summary>
    /// <para type="synopsis">Promotes a network policy's dry-run ingress to enforced: its rules (all, or by label) and its public access mode, after showing what changes, through the lockout guard.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Confirm, "DbxNetworkPolicyIngress", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Confirm-DbxNetworkPolicyIngress.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class ConfirmDbxNetworkPolicyIngressCommand : NetworkPolicyIngressEditCmdlet
    {
        /// <summary>Promote only the dry-run rules with these labels (the enforced mode then stays); none = every dry-run rule and the dry-run mode.</summary>
        [Parameter(Position = 1)]
        [ArgumentCompleter(typeof(IngressRuleLabelCompleter))]
        public string[]? Label { get; set; }

        /// <summary>Leave the promoted rules in ingress_dry_run too (default: they leave it; promoting everything ends the dry run).</summary>
        [Parameter]
        public SwitchParameter KeepDryRun { get; set; }

        protected override string CommandName => "Confirm-DbxNetworkPolicyIngress";

        protected override void CheckInput()
        {
            if (Label != null) CleanLabels(Label, "Label");
        }

        protected override Outcome? Edit(NetworkPolicy policy)
        {
            var dry = policy.IngressDryRun?.PublicAccess;
            var staged = RulesOf(dry).ToList();
            if (dry == null || (staged.Count == 0 && Label == null && dry.RestrictionMode == null))
                throw new DbxValidationException("DbxIngressDryRunNotFound",
                    $"Network policy '{NetworkPolicyId}' has no dry-run ingress to promote; stage rules first (Add-DbxNetworkPolicyIngressRule -DryRun, or Set-DbxNetworkPolicy -IngressDryRun). Nothing was sent.",
                    NetworkPolicyId, ErrorCategory.ObjectNotFound);
            var labels = Label == null ? null : CleanLabels(Label, "Label");
            if (labels != null)
            {
                var missing = labels.Where(l => !staged.Any(r => SameLabel(r.Rule, l))).ToList();
                if (missing.Count > 0) throw NotFound(missing, true, dry);
                staged = staged.Where(r => labels.Any(l => SameLabel(r.Rule, l))).ToList();
            }
            var enforced = PublicPart(policy, false);
            var summary = new List<string>();
            foreach (var (action, rule) in staged)
            {
                bool replaced = Take(enforced, rule.Label ?? "");
                Put(enforced, action, CopyRule(rule));
                summary.Add($"{action.ToLowerInvariant()} '{rule.Label}' {(replaced ? "replaces the enforced rule of that label" : "added to the enforced rules")}");
            }
            if (labels == null && dry.RestrictionMode != null && dry.RestrictionMode != enforced.RestrictionMode)
            {
                summary.Add($"public access mode {enforced.RestrictionMode} -> {dry.RestrictionMode}");
                enforced.RestrictionMode = dry.RestrictionMode;
            }
            else if (labels != null && dry.RestrictionMode != null && dry.RestrictionMode != enforced.RestrictionMode)
                WriteVerbose($"The dry run's public access mode {dry.RestrictionMode} is not promoted with -Label; the enforced mode stays {enforced.RestrictionMode}.");
            if (!KeepDryRun)
            {
                if (labels == null)
                {
                    policy.IngressDryRun = null;
                    summary.Add("the dry run ends (ingress_dry_run cleared)");
                }
                else
                {
                    foreach (var (_, rule) in staged) Take(dry, rule.Label ?? "");
                    summary.Add($"{staged.Count} rule(s) leave ingress_dry_run");
                }
            }
            if (summary.Count == 0) return null;
            WarnIfAllowRulesIdle(enforced, false);
            return new Outcome { Action = "Promote the dry-run ingress to enforced", Summary = summary };
        }
    }
}
