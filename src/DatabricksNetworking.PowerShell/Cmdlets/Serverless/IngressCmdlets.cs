using System.Management.Automation;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>
    /// <para type="synopsis">Builds one context-based ingress rule for a network policy, locally (nothing is sent): origin, destination, identities.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxIngressRule")]
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
