using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Cmdlets.Classic
{
    /// <summary>
    /// <para type="synopsis">Gets the workspaces of the account: one by id, by name (wildcards), or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxWorkspace", DefaultParameterSetName = ByName)]
    [OutputType(typeof(Workspace))]
    public sealed class GetDbxWorkspaceCommand : DbxCmdlet
    {
        private const string ById = "ById";
        private const string ByName = "ByName";

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        public long[] WorkspaceId { get; set; } = new long[0];

        /// <summary>Workspace name; wildcards allowed.</summary>
        [Parameter(ParameterSetName = ByName, Position = 0)]
        [Alias("workspace_name")]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new WorkspacesApi(AccountClient);
            if (ParameterSetName == ById)
            {
                foreach (var id in WorkspaceId)
                {
                    CurrentTarget = id;
                    try { WriteObject(Run(ct => api.GetAsync(id, ct))); }
                    catch (Client.DbxApiException ex) { WriteApiError(ex, id); }
                }
                return;
            }
            var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
            var all = Run(ct => api.ListAsync(ct));
            foreach (var ws in all)
            {
                if (patterns == null || patterns.Any(p => p.IsMatch(ws.WorkspaceName ?? ""))) WriteObject(ws);
            }
            if (Name != null)
                foreach (var n in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !all.Any(w => string.Equals(w.WorkspaceName, n, System.StringComparison.OrdinalIgnoreCase))))
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No workspace named '{n}' in account {AccountClient.AccountId}."), "DbxWorkspaceNotFound", ErrorCategory.ObjectNotFound, n));
        }
    }
}
