using System.Collections.Generic;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.IpAccess
{
    /// <summary>
    /// <para type="synopsis">Tells whether the live IP access lists of a workspace (or, with -Account, the account console) allow an address, and which list and entry decide.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "DbxIpAccess", DefaultParameterSetName = WorkspaceSet, HelpUri = DbxCmdlet.HelpBase + "Test-DbxIpAccess.md")]
    [OutputType(typeof(IpAccessDecision))]
    public sealed class TestDbxIpAccessCommand : IpAccessCmdletBase, IWorkspaceScoped
    {
        private const string WorkspaceSet = "Workspace";
        private const string AccountSet = "Account";
        private readonly Dictionary<string, Live> live = new Dictionary<string, Live>();

        /// <summary>The IPv4 addresses to test.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ip_address", "CallerIpAddress", "Address")]
        public string[] IpAddress { get; set; } = new string[0];

        [Parameter(ParameterSetName = WorkspaceSet, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }

        /// <summary>Test against the account console's lists instead of a workspace's.</summary>
        [Parameter(ParameterSetName = AccountSet, Mandatory = true)]
        public SwitchParameter Account { get; set; }

        protected override bool IsAccount => Account.IsPresent;

        protected override void ProcessRecordCore()
        {
            // Invalid addresses are refused before anything is read.
            var addresses = new List<(string Text, uint Value)>();
            foreach (var text in IpAddress)
            {
                CurrentTarget = text;
                if (Cidr.TryParseAddress(text, out var ip, out var error)) addresses.Add((text.Trim(), ip));
                else WriteError(ErrorRecords.FromValidation(new DbxValidationException("DbxInvalidIpAddress", error!, text)));
            }
            if (addresses.Count == 0) return;

            // The lists and the switch are read once per workspace (or account) for the whole pipeline.
            var key = IsAccount ? "account" : "workspace:" + (WorkspaceId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
            if (!live.TryGetValue(key, out var state))
            {
                var api = ListsApi();
                live[key] = state = new Live(api.WorkspaceId, ScopeText(api), Run(ct => api.ListAsync(ct)), ReadFeature());
            }

            foreach (var (text, ip) in addresses)
            {
                var verdict = IpAccessEvaluator.Evaluate(state.Lists, ip);
                var reason = verdict.Reason;
                if (!state.Feature.Enabled)
                    reason = $"IP access lists are not enforced for {state.Scope}, so every address is allowed; once enabled, the address would be {(verdict.Allowed ? "allowed" : "blocked")}: {verdict.Reason}";
                WriteObject(new IpAccessDecision
                {
                    IpAddress = text,
                    WorkspaceId = state.WorkspaceId,
                    WorkspaceName = state.WorkspaceId.HasValue ? WorkspaceNameOf(state.WorkspaceId.Value) : null,
                    FeatureEnabled = state.Feature.Enabled,
                    AllowedByLists = verdict.Allowed,
                    Allowed = verdict.Allowed || !state.Feature.Enabled,
                    ListId = verdict.List?.ListId,
                    ListLabel = verdict.List?.Label,
                    ListType = verdict.List?.ListType,
                    Entry = verdict.Entry,
                    Reason = reason,
                });
            }
        }

        private sealed class Live
        {
            public Live(long? workspaceId, string scope, List<IpAccessList> lists, IpAccessListFeature feature)
            { WorkspaceId = workspaceId; Scope = scope; Lists = lists; Feature = feature; }
            public long? WorkspaceId { get; }
            public string Scope { get; }
            public List<IpAccessList> Lists { get; }
            public IpAccessListFeature Feature { get; }
        }
    }
}
