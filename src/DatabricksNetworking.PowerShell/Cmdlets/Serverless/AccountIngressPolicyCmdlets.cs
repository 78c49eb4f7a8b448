using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>The account policy as this module shows it: the network policy object (pipes into Test-DbxIngressAccess -Account)
    /// under its own view (DatabricksNetworking.AccountIngressPolicy: ingress columns only).</summary>
    internal static class AccountIngressPolicyView
    {
        public const string TypeName = "DatabricksNetworking.AccountIngressPolicy";

        public static PSObject Wrap(NetworkPolicy policy)
        {
            var o = PSObject.AsPSObject(policy);
            if (!o.TypeNames.Contains(TypeName)) o.TypeNames.Insert(0, TypeName);
            return o;
        }
    }

    /// <summary>
    /// <para type="synopsis">Reads the account-level context-based ingress policy (account-policy): who may reach the account console and account APIs.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxAccountIngressPolicy", HelpUri = DbxCmdlet.HelpBase + "Get-DbxAccountIngressPolicy.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class GetDbxAccountIngressPolicyCommand : DbxCmdlet
    {
        protected override void ProcessRecordCore()
        {
            CurrentTarget = IngressWire.AccountPolicyId;
            var policy = Run(ct => new NetworkPoliciesApi(AccountClient).GetAsync(IngressWire.AccountPolicyId, ct));
            WriteObject(AccountIngressPolicyView.Wrap(policy));
        }
    }

    /// <summary>
    /// <para type="synopsis">Changes the account-level ingress policy (account-policy) from parameters, through the account console lockout guard.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DbxAccountIngressPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Set-DbxAccountIngressPolicy.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class SetDbxAccountIngressPolicyCommand : DbxCmdlet
    {
        /// <summary>Public ingress of the account console/APIs: FullAccess (allowed unless a deny rule matches) or RestrictedAccess (only what an allow rule matches).</summary>
        [Parameter]
        public NetworkRestrictionMode? PublicAccessRestrictionMode { get; set; }

        /// <summary>Rules built with New-DbxIngressRule -Account (destinations AccountUi, AccountApi); they replace the current ones. @() removes all.</summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowEmptyCollection]
        public IngressRule[]? IngressRule { get; set; }

        /// <summary>-PublicAccessRestrictionMode and -IngressRule go to ingress_dry_run: they only log what they would decide (on a real account, account-level denials are not logged).</summary>
        [Parameter]
        public SwitchParameter IngressDryRun { get; set; }

        /// <summary>Your public IPv4 address as the service sees it, for the lockout guard; defaults to the context's (given, learned or looked up).</summary>
        [Parameter]
        public string? CallerIpAddress { get; set; }

        /// <summary>Addresses that must keep reaching the account console (break-glass), checked like yours.</summary>
        [Parameter]
        public string[]? BreakGlassIpAddress { get; set; }

        /// <summary>Skip the confirmation prompts, including the lockout guard's (never -WhatIf).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes the policy as stored after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private readonly List<IngressRule> piped = new List<IngressRule>();
        private bool rulesGiven;

        protected override void ProcessRecordCore()
        {
            // Piped rules are gathered and written once, as one replacement (the API takes only a full PUT).
            if (IngressRule != null) { rulesGiven = true; piped.AddRange(IngressRule.Where(r => r != null)); }
            if (!MyInvocation.ExpectingInput) Change();
        }

        protected override void EndProcessing()
        {
            if (!MyInvocation.ExpectingInput) return;
            try { Change(); }
            catch (DbxValidationException ex) { WriteError(ErrorRecords.FromValidation(ex)); }
            catch (DbxApiException ex) { WriteError(ErrorRecords.FromApi(ex, IngressWire.AccountPolicyId)); }
        }

        private void Change()
        {
            const string id = IngressWire.AccountPolicyId;
            CurrentTarget = id;
            var rules = rulesGiven ? piped.ToArray() : null;
            if (PublicAccessRestrictionMode == null && rules == null)
                throw new DbxValidationException("DbxInvalidNetworkPolicyChange", "Nothing to change: give -PublicAccessRestrictionMode and/or -IngressRule (rules from New-DbxIngressRule -Account).", id);
            // Local checks first (rule levels, addresses, identities), so bad input fails before any request.
            IngressRules.Apply(new NetworkPolicy { NetworkPolicyId = id }, PublicAccessRestrictionMode, rules, IngressDryRun, _ => { });
            var checks = GuardRequests();
            var api = new NetworkPoliciesApi(AccountClient);
            var policy = Run(ct => api.GetAsync(id, ct));
            policy.NetworkPolicyId = id;
            IngressRules.Apply(policy, PublicAccessRestrictionMode, rules, IngressDryRun, WriteWarning);
            if (!ShouldChange(Force, id, $"Replace the account ingress policy ({policy.IngressSummary})")) return;
            if (!IngressDryRun && !PassesAccountConsoleGuard(policy, checks)) return;
            var stored = Run(ct => api.ReplaceAsync(policy, ct));
            if (PassThru) WriteObject(AccountIngressPolicyView.Wrap(stored));
        }

        /// <summary>Who must keep reaching the account console: the caller's address and the break-glass addresses; parsed
        /// before anything is read. Account policy rules cannot name identities, so only addresses decide.</summary>
        private List<(string Who, uint Address)> GuardRequests()
        {
            var list = new List<(string, uint)>();
            if (CallerIpAddress != null)
            {
                if (!Cidr.TryParseAddress(CallerIpAddress, out var a, out var error))
                    throw new DbxValidationException("DbxInvalidCallerIpAddress", "-CallerIpAddress: " + Validation.Text.Printable(error), Validation.Text.Printable(CallerIpAddress));
                list.Add(("you (-CallerIpAddress " + CallerIpAddress.Trim() + ")", a));
            }
            foreach (var text in BreakGlassIpAddress ?? new string[0])
            {
                if (!Cidr.TryParseAddress(text, out var a, out var error))
                    throw new DbxValidationException("DbxInvalidIpAddress", "-BreakGlassIpAddress: " + Validation.Text.Printable(error), Validation.Text.Printable(text));
                list.Add(("break-glass " + text.Trim(), a));
            }
            return list;
        }

        /// <summary>
        /// The account console lockout guard: the resulting enforced ingress is evaluated for the account UI and the account
        /// API (all APIs) for the caller and every break-glass address/identity; anyone who would be denied is named and the
        /// change is asked about (default No), refused without -Force in a session that cannot ask.
        /// </summary>
        private bool PassesAccountConsoleGuard(NetworkPolicy policy, List<(string Who, uint Address)> checks)
        {
            if (CallerIpAddress == null)
            {
                var (known, source) = KnownCaller();
                if (known != null && Cidr.TryParseAddress(known, out var a, out _)) checks.Insert(0, ($"you ({known.Trim()}, {source})", a));
                else if (LosesAnyone(policy))
                    return ContinueDespite("The account ingress policy would refuse some requests to the account console and your public address is not known, so it could lock you out of the account console.",
                        "Account console lockout", Force, "DbxAccountIngressLockout", IngressWire.AccountPolicyId,
                        "Not changed: the account ingress policy change was declined at the lockout prompt.",
                        "Give your public address with -CallerIpAddress a.b.c.d, or use -Force to make the change anyway.");
            }
            var losing = new List<string>();
            foreach (var (who, address) in checks)
                foreach (var dest in new[] { IngressDestinationKind.AccountUi, IngressDestinationKind.AccountApi })
                {
                    var v = IngressEvaluator.Evaluate(policy.Ingress, new IngressRequest { Address = address, Destination = dest });
                    if (!v.Allowed) { losing.Add($"{who} from {dest}: {v.Reason}"); break; }
                }
            if (losing.Count == 0)
            {
                WriteVerbose($"Account console lockout guard: {checks.Count} caller/break-glass address(es) keep access.");
                return true;
            }
            return ContinueDespite($"The account ingress policy would lock out of the account console: {string.Join("; ", losing)}.",
                "Account console lockout", Force, "DbxAccountIngressLockout", IngressWire.AccountPolicyId,
                "Not changed: the account ingress policy change was declined at the lockout prompt.");
        }

        /// <summary>True when the enforced ingress refuses anything at all (restricted, or any deny rule).</summary>
        private static bool LosesAnyone(NetworkPolicy policy)
        {
            var pub = policy.Ingress?.PublicAccess;
            return pub != null && (pub.RestrictionMode == IngressWire.RestrictedAccess || pub.DenyRules?.Count > 0);
        }

        /// <summary>The caller's address as the context knows it (given at connect, learned from a refusal), else looked up (its lookup URL); null when unknown.</summary>
        private (string? Address, string? Source) KnownCaller()
        {
            var ctx = Context ?? DbxSession.DefaultAccount;
            if (!string.IsNullOrWhiteSpace(ctx?.CallerIpAddress)) return (ctx!.CallerIpAddress, ctx.CallerIpAddressSource);
            var url = CallerAddress.LookupUrlFor(ctx, Environment.GetEnvironmentVariable);
            if (url == null) return (null, null);
            var ip = Run(ct => CallerAddress.LookUpAsync(url, ct));
            if (ip != null) ctx?.SetCallerIpAddress(ip, "lookup " + url);
            return (ip, "lookup " + url);
        }
    }
}
