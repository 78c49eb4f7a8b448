using System.Management.Automation;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>
    /// <para type="synopsis">Builds one context-based ingress rule for a network policy, locally (nothing is sent): origin, destination, identities.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxIngressRule", HelpUri = DbxCmdlet.HelpBase + "New-DbxIngressRule.md")]
    [OutputType(typeof(IngressRule))]
    public sealed class NewDbxIngressRuleCommand : DbxCmdlet
    {
        /// <summary>Allow or Deny. Deny rules are evaluated first; allow rules matter in RestrictedAccess mode.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public IngressRuleAction Action { get; set; }

        /// <summary>The rule's name; rules are listed, added and removed by label.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Label { get; set; } = "";

        /// <summary>Public IPv4 addresses or CIDRs the rule matches (none and no -AllIpRanges: every address).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("IpRanges")]
        public string[]? IpRange { get; set; }

        /// <summary>Matches every address (all_ip_ranges).</summary>
        [Parameter]
        public SwitchParameter AllIpRanges { get; set; }

        /// <summary>Addresses or CIDRs taken out of the match.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("ExcludedIpRanges")]
        public string[]? ExcludedIpRange { get; set; }

        /// <summary>WorkspaceUi, WorkspaceApi, AppsRuntime, LakebaseRuntime (with -Account: AccountUi, AccountApi); none = all destinations.</summary>
        [Parameter]
        public IngressDestinationKind[]? Destination { get; set; }

        /// <summary>API scopes of an API destination ('all-apis' when not given).</summary>
        [Parameter]
        public string[]? ApiScope { get; set; }

        /// <summary>Read narrows the scopes to their read-only variants; All matches any scope.</summary>
        [Parameter]
        public IngressApiScopeQualifier? ApiScopeQualifier { get; set; }

        /// <summary>Users and service principals: 'user:&lt;id&gt;', 'servicePrincipal:&lt;id&gt;', or objects with PrincipalId and PrincipalType.</summary>
        [Parameter]
        public object[]? Identity { get; set; }

        [Parameter]
        public SwitchParameter AllUsers { get; set; }

        [Parameter]
        public SwitchParameter AllServicePrincipals { get; set; }

        /// <summary>A rule for the account policy (account-policy): destinations AccountUi and AccountApi, no identities.</summary>
        [Parameter]
        public SwitchParameter Account { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = Label;
            WriteObject(IngressRules.Build(new IngressRules.Spec
                {
                    Action = Action, Label = Label, IpRange = IpRange, AllIpRanges = AllIpRanges, ExcludedIpRange = ExcludedIpRange,
                    Destination = Destination, ApiScope = ApiScope, ApiScopeQualifier = ApiScopeQualifier,
                    Identity = Identity, AllUsers = AllUsers, AllServicePrincipals = AllServicePrincipals, Account = Account,
                }));
        }
    }
}

namespace DatabricksNetworking.Cmdlets.Serverless
{
    using System;
    using System.Collections.Generic;
    using System.Linq;
    using DatabricksNetworking.Client;
    using DatabricksNetworking.Client.Api;
    using DatabricksNetworking.Cmdlets.IpAccess;
    using DatabricksNetworking.Validation;

    /// <summary>
    /// <para type="synopsis">Decides whether one request gets in: the network policy's ingress and the IP access lists together (both must allow), offline on piped objects or read live; names the rule or list that decided.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "DbxIngressAccess", DefaultParameterSetName = "Workspace", HelpUri = DbxCmdlet.HelpBase + "Test-DbxIngressAccess.md")]
    [OutputType(typeof(IngressAccessDecision))]
    public sealed class TestDbxIngressAccessCommand : DbxCmdlet
    {
        /// <summary>The request's public IPv4 source address.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string IpAddress { get; set; } = "";

        /// <summary>The principal: 'user:&lt;id&gt;' or 'servicePrincipal:&lt;id&gt;' (or an object with PrincipalId and PrincipalType). Unknown: only rules for everyone match.</summary>
        [Parameter]
        public object? Identity { get; set; }

        /// <summary>WorkspaceUi, WorkspaceApi, AppsRuntime, LakebaseRuntime (with -Account: AccountUi, AccountApi).</summary>
        [Parameter(Mandatory = true)]
        public IngressDestinationKind Destination { get; set; }

        /// <summary>The API scope of an API request (e.g. sql); without it only rules for all APIs match.</summary>
        [Parameter]
        public string? ApiScope { get; set; }

        /// <summary>The API request only reads (GET): rules with -ApiScopeQualifier Read match only such requests.</summary>
        [Parameter]
        public SwitchParameter ReadOnly { get; set; }

        /// <summary>The workspace whose bound policy is read when no policy is piped in.</summary>
        [Parameter(ParameterSetName = "Workspace", ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(DatabricksNetworking.Completion.WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long WorkspaceId { get; set; }

        /// <summary>Decide for the account console/API, under the account policy (account-policy).</summary>
        [Parameter(Mandatory = true, ParameterSetName = "Account")]
        public SwitchParameter Account { get; set; }

        /// <summary>Policies to decide against (offline); without them the policy is read from the account.</summary>
        [Parameter(ValueFromPipeline = true)]
        public NetworkPolicy[]? NetworkPolicy { get; set; }

        /// <summary>IP access lists to decide against (offline; taken as enforced). Without them, and without piped
        /// policies, the workspace's (or with -Account the account console's) lists and switch are read live.</summary>
        [Parameter(ValueFromPipeline = true)]
        public IpAccessList[]? IpAccessList { get; set; }

        /// <summary>Leave IP access lists out of the decision (policy ingress only).</summary>
        [Parameter]
        public SwitchParameter SkipIpAccessList { get; set; }

        private IngressRequest? request;
        private IngressIdentity? principal;
        private readonly List<NetworkPolicy> pipedPolicies = new List<NetworkPolicy>();
        private readonly List<IpAccessList> pipedLists = new List<IpAccessList>();
        private bool listsGiven;

        protected override void ProcessRecordCore()
        {
            if (request == null) request = BuildRequest();
            bool pipedThisRecord = false;
            if (MyInvocation.ExpectingInput)
            {
                // Piped policies and lists are gathered and decided together at the end (lists and policies may come in one pipeline).
                foreach (var p in NetworkPolicy ?? new NetworkPolicy[0]) if (p != null && !pipedPolicies.Contains(p)) { pipedPolicies.Add(p); pipedThisRecord = true; }
                foreach (var l in IpAccessList ?? new IpAccessList[0]) if (l != null && !pipedLists.Contains(l)) { pipedLists.Add(l); pipedThisRecord = true; }
                if (IpAccessList != null) listsGiven = true;
                if (pipedThisRecord) return;
            }
            Decide(NetworkPolicy, IpAccessList != null ? IpAccessList.ToList() : null);
        }

        protected override void EndProcessing()
        {
            if (pipedPolicies.Count == 0 && pipedLists.Count == 0) return;
            try { Decide(pipedPolicies.Count == 0 ? null : pipedPolicies.ToArray(), listsGiven ? pipedLists : null); }
            catch (DbxValidationException ex) { WriteError(ErrorRecords.FromValidation(ex)); }
            catch (DbxApiException ex) { WriteError(ErrorRecords.FromApi(ex, CurrentTarget)); }
        }

        private IngressRequest BuildRequest()
        {
            if (!Cidr.TryParseAddress(IpAddress, out var address, out var error))
                throw new DbxValidationException("DbxInvalidIpAddress", $"-IpAddress: {error}", IpAddress);
            if (Account != IngressRules.IsAccountLevel(Destination))
                throw new DbxValidationException("DbxInvalidIngressDestination", Account
                    ? $"-Destination {Destination} is a workspace destination; with -Account use AccountUi or AccountApi."
                    : $"-Destination {Destination} belongs to the account console: add -Account (and drop -WorkspaceId).", Destination);
            if (Identity != null) principal = IngressRules.Identities(new[] { Identity }, "request").Single();
            return new IngressRequest { Address = address, Principal = principal, Destination = Destination, ApiScope = ApiScope, ReadOnly = ReadOnly };
        }

        private void Decide(NetworkPolicy[]? policies, List<IpAccessList>? lists)
        {
            bool live = policies == null || policies.Length == 0;
            long? workspaceId = Account || !MyInvocation.BoundParameters.ContainsKey("WorkspaceId") ? (long?)null : WorkspaceId;
            if (live)
            {
                if (!Account && workspaceId == null)
                    throw new DbxValidationException("DbxMissingWorkspaceId", "Give -WorkspaceId (its bound policy is read), -Account, or pipe network policies in (Get-DbxNetworkPolicy).", null);
                var api = new NetworkPoliciesApi(AccountClient);
                var id = Account ? IngressWire.AccountPolicyId : Run(ct => api.GetWorkspaceOptionAsync(workspaceId!.Value, ct)).NetworkPolicyId ?? Names.DefaultPolicyId;
                CurrentTarget = id;
                policies = new[] { Run(ct => api.GetAsync(id, ct)) };
            }
            var ip = IpAccessPart(lists, live, workspaceId);
            foreach (var p in policies!)
            {
                bool isAccount = string.Equals(p.NetworkPolicyId, IngressWire.AccountPolicyId, StringComparison.OrdinalIgnoreCase);
                if (isAccount != Account.IsPresent)
                {
                    WriteVerbose($"Skipping network policy '{p.NetworkPolicyId}': it does not govern {(Account ? "the account console" : "workspaces")}.");
                    continue;
                }
                var enforced = IngressEvaluator.Evaluate(p.Ingress, request!);
                var dry = p.IngressDryRun == null ? null : IngressEvaluator.Evaluate(p.IngressDryRun, request!);
                // Both must allow. Ingress is checked first (as the emulator does), so when both would refuse the policy's rule is named.
                bool ipDenies = ip.Decision == "Denied";
                var d = new IngressAccessDecision
                {
                    IpAddress = IpAddress.Trim(), Identity = principal?.ToString(), Destination = Destination.ToString(), ApiScope = ApiScope,
                    WorkspaceId = workspaceId, NetworkPolicyId = p.NetworkPolicyId,
                    IngressDecision = enforced.Allowed ? "Allowed" : "Denied",
                    IpAccessDecision = ip.Decision, IpAccessList = ip.List, IpAccessReason = ip.Reason,
                    DryRunDecision = dry == null ? null : dry.Allowed ? "Allowed" : "Denied", DryRunRule = dry?.Rule,
                };
                if (!enforced.Allowed)
                {
                    d.Decision = "Denied"; d.DecidingRule = enforced.Rule; d.DecidingRuleAction = enforced.RuleAction; d.DecidedBy = "NetworkPolicy";
                    d.Reason = enforced.Reason;
                }
                else if (ipDenies)
                {
                    d.Decision = "Denied"; d.DecidingRule = ip.List; d.DecidingRuleAction = ip.ListType; d.DecidedBy = "IpAccessList";
                    d.Reason = $"network policy '{p.NetworkPolicyId}' allows ({enforced.Reason}), but the IP access lists refuse: {ip.Reason}";
                }
                else
                {
                    d.Decision = "Allowed"; d.DecidingRule = enforced.Rule; d.DecidingRuleAction = enforced.RuleAction; d.DecidedBy = "NetworkPolicy";
                    d.Reason = ip.Decision == "Allowed" ? $"{enforced.Reason}; IP access lists allow ({ip.Reason})" : enforced.Reason;
                }
                WriteObject(d);
            }
        }

        private sealed class IpPart
        {
            public string Decision = "NotChecked";
            public string? List, ListType, Reason;
        }

        private IpPart IpAccessPart(List<IpAccessList>? given, bool live, long? workspaceId)
        {
            if (SkipIpAccessList) return new IpPart { Reason = "-SkipIpAccessList" };
            List<IpAccessList> lists;
            if (given != null)
            {
                // Lists of the other level (account console vs. workspace) do not govern this request.
                lists = given.Where(l => Account ? l.WorkspaceId == null : l.WorkspaceId == null || workspaceId == null || l.WorkspaceId == workspaceId).ToList();
                if (lists.Count < given.Count) WriteVerbose($"Skipping {given.Count - lists.Count} IP access list(s) of another {(Account ? "workspace" : "workspace or the account console")}.");
            }
            else if (!live) return new IpPart { Reason = "no IP access lists given (pipe Get-DbxIpAccessList output in, or use -WorkspaceId without piped policies to read them live)" };
            else
            {
                try
                {
                    var api = Account ? new IpAccessListsApi(AccountClient, true) : new IpAccessListsApi(WorkspaceClient(workspaceId), false);
                    if (!IpAccessEnforced(workspaceId)) return new IpPart { Decision = "NotEnforced", Reason = $"IP access lists are not enforced for {(Account ? "the account console" : "workspace " + Ids.Format(workspaceId!.Value))}" };
                    lists = Run(ct => api.ListAsync(ct));
                }
                catch (DbxApiException ex)
                {
                    WriteWarning($"The IP access lists could not be read ({ex.Message}); the decision covers the network policy only.");
                    return new IpPart { Decision = "Unknown", Reason = "the IP access lists could not be read: " + ex.Message };
                }
            }
            var verdict = LockoutGuard.Evaluate(lists, request!.Address);
            return new IpPart { Decision = verdict.Allowed ? "Allowed" : "Denied", List = verdict.List?.Label, ListType = verdict.List?.ListType, Reason = verdict.Reason };
        }

        private bool IpAccessEnforced(long? workspaceId)
        {
            if (Account)
            {
                try { return Run(ct => new AccountSettingsApi(AccountClient).GetIpAclEnableAsync(ct)).AcctIpAclEnable?.Value ?? true; }
                catch (DbxApiException ex) when (ex.StatusCode == 404) { return true; }
            }
            var conf = Run(ct => new WorkspaceConfApi(WorkspaceClient(workspaceId)).GetAsync(new[] { WorkspaceConfApi.EnableIpAccessLists }, ct));
            conf.TryGetValue(WorkspaceConfApi.EnableIpAccessLists, out var value);
            return string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        }
    }
}

namespace DatabricksNetworking.Cmdlets.Serverless
{
    using System.Collections.Generic;
    using DatabricksNetworking.Client;
    using DatabricksNetworking.Client.Api;
    using DatabricksNetworking.Validation;

    /// <summary>
    /// <para type="synopsis">Lists the ingress rules of network policies, one object per rule, enforced and dry run, with the policy id and mode.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxNetworkPolicyIngressRule", DefaultParameterSetName = "Id", HelpUri = DbxCmdlet.HelpBase + "Get-DbxNetworkPolicyIngressRule.md")]
    [OutputType(typeof(IngressRule))]
    public sealed class GetDbxNetworkPolicyIngressRuleCommand : DbxCmdlet
    {
        /// <summary>The policy to read (account-policy for the account console/API).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
        [Alias("network_policy_id")]
        [ArgumentCompleter(typeof(DatabricksNetworking.Completion.NetworkPolicyIdCompleter))]
        [DbxId(DbxIdKind.NetworkPolicy)]
        public string NetworkPolicyId { get; set; } = "";

        /// <summary>Policies already read (Get-DbxNetworkPolicy): listed offline.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "Policy", ValueFromPipeline = true)]
        public NetworkPolicy[]? NetworkPolicy { get; set; }

        /// <summary>Enforced or DryRun only; both when not given.</summary>
        [Parameter]
        [ValidateSet("Enforced", "DryRun")]
        public string? Mode { get; set; }

        protected override void ProcessRecordCore()
        {
            IEnumerable<NetworkPolicy> policies;
            if (NetworkPolicy != null) policies = NetworkPolicy;
            else
            {
                CurrentTarget = NetworkPolicyId;
                var api = new NetworkPoliciesApi(AccountClient);
                try { policies = new[] { Run(ct => api.GetAsync(NetworkPolicyId, ct)) }; }
                catch (DbxApiException ex) { WriteApiError(ex, NetworkPolicyId); return; }
            }
            foreach (var policy in policies)
            {
                if (policy == null) continue;
                if (Mode != "DryRun") Emit(policy, policy.Ingress, "Enforced");
                if (Mode != "Enforced") Emit(policy, policy.IngressDryRun, "DryRun");
            }
        }

        private void Emit(NetworkPolicy policy, IngressNetworkPolicy? ingress, string mode)
        {
            string level = string.Equals(policy.NetworkPolicyId, IngressWire.AccountPolicyId, System.StringComparison.OrdinalIgnoreCase) ? "Account" : "Workspace";
            foreach (var r in ingress?.PublicAccess?.DenyRules ?? new List<IngressPublicRule>())
                WriteObject(new IngressRule { Action = "Deny", PolicyLevel = level, NetworkPolicyId = policy.NetworkPolicyId, Mode = mode, Rule = r });
            foreach (var r in ingress?.PublicAccess?.AllowRules ?? new List<IngressPublicRule>())
                WriteObject(new IngressRule { Action = "Allow", PolicyLevel = level, NetworkPolicyId = policy.NetworkPolicyId, Mode = mode, Rule = r });
        }
    }
}
