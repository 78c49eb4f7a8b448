using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
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
    /// <para type="synopsis">Changes the account-level ingress policy (account-policy) from parameters, through the ingress lockout guard (the account console: AccountUi and AccountApi).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DbxAccountIngressPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Set-DbxAccountIngressPolicy.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class SetDbxAccountIngressPolicyCommand : IngressGuardedCmdlet, IIngressPrivateAccess
    {
        /// <summary>Public ingress of the account console/APIs: FullAccess (allowed unless a deny rule matches) or RestrictedAccess (only what an allow rule matches).</summary>
        [Parameter]
        public NetworkRestrictionMode? PublicAccessRestrictionMode { get; set; }

        /// <summary>Rules built with New-DbxIngressRule -Account (destinations AccountUi, AccountApi); they replace the current ones. @() removes all.</summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowEmptyCollection]
        public IngressRule[]? IngressRule { get; set; }

        // The private-access part: IIngressPrivateAccess (the same declaration as Set-DbxNetworkPolicy's), read only
        // through IngressPrivateAccessOptions.Of.
        /// <summary>Private access to the account (requests over registered endpoints): AllRegisteredEndpoints or Restricted (only -AllowedEndpointId).</summary>
        [Parameter]
        public IngressPrivateAccessMode? PrivateAccess { get; set; }

        /// <summary>Registered endpoint ids (Get-DbxNetworkEndpoint) private access lets in; implies -PrivateAccess Restricted. @() removes them.</summary>
        [Parameter]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(NetworkEndpointIdCompleter))]
        [DbxId(DbxIdKind.NetworkEndpoint)]
        public string[]? AllowedEndpointId { get; set; }

        /// <summary>-PublicAccessRestrictionMode and -IngressRule go to ingress_dry_run: they only log what they would decide (on a real account, account-level denials are not logged).</summary>
        [Parameter]
        public SwitchParameter IngressDryRun { get; set; }

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
            var priv = IngressPrivateAccessOptions.Of(this);
            if (PublicAccessRestrictionMode == null && rules == null && !priv.Given)
                throw new DbxValidationException("DbxInvalidNetworkPolicyChange", "Nothing to change: give -PublicAccessRestrictionMode, -IngressRule (rules from New-DbxIngressRule -Account), " + IngressPrivateAccessOptions.Named + ".", id);
            // Local checks first (rule levels, addresses, identities), so bad input fails before any request.
            IngressRules.Apply(new NetworkPolicy { NetworkPolicyId = id }, PublicAccessRestrictionMode, rules, IngressDryRun, _ => { });
            priv.Check(id);
            IngressGuardPeople.From(GuardOptions, Context ?? DbxSession.DefaultAccount); // bad -CallerIpAddress/-BreakGlass* fail here, before the read
            var api = new NetworkPoliciesApi(AccountClient);
            var policy = Run(ct => api.GetAsync(id, ct));
            policy.NetworkPolicyId = id;
            var before = IngressLockoutGuard.Copy(policy.Ingress);
            IngressRules.Apply(policy, PublicAccessRestrictionMode, rules, IngressDryRun, WriteWarning);
            priv.ApplyTo(policy, null, WriteWarning);
            // The shared guard: the caller (-CallerIpAddress/-CallerIdentity, else the context's) and the break-glass
            // addresses and identities must keep AccountUi and AccountApi; a dry-run change leaves the enforced ingress as it is.
            if (!ConfirmIngressChange(id, $"Replace the account ingress policy ({policy.IngressSummary})", "Set-DbxAccountIngressPolicy",
                () => new[] { IngressGuardTarget.ForAccount(before, policy.Ingress) }, GuardOptions)) return;
            var stored = Run(ct => api.ReplaceAsync(policy, ct));
            if (PassThru) WriteObject(AccountIngressPolicyView.Wrap(stored));
        }
    }
}
