using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets
{
    /// <summary>
    /// The one place the WorkspaceName of workspace-level objects (IP access lists, the IP access list switch, IP access
    /// decisions) comes from. No Databricks workspace API returns the workspace's name (databricks-sdk-go: the only
    /// <c>workspace_name</c> is the account Workspaces API's, service/provisioning; /.well-known/databricks-config and
    /// workspace-conf carry none), so the name is read through an account context, or carried by a workspace context made
    /// from a workspace object (<c>Get-DbxWorkspace | Connect-DbxWorkspace</c>). It is never made up from the host.
    /// </summary>
    public abstract partial class DbxCmdlet
    {
        private readonly Dictionary<long, string?> workspaceNames = new Dictionary<long, string?>();

        /// <summary>
        /// The context a workspace-level call goes through when the cmdlet has no -Context: with a workspace id the
        /// session's account (which reaches every workspace), else the session's workspace; <see cref="WorkspaceClient"/>
        /// chooses the same way.
        /// </summary>
        protected DbxContext? WorkspaceCallContext(long? workspaceId) =>
            Context ?? (workspaceId.HasValue
                ? DbxSession.DefaultAccount ?? DbxSession.DefaultWorkspace
                : DbxSession.DefaultWorkspace ?? DbxSession.DefaultAccount);

        /// <summary>
        /// The workspace's name, for display: carried by the workspace context <paramref name="via"/> (made from a
        /// workspace object), or read (once per call, cached) through <paramref name="via"/> when it is an account
        /// context, or through an account context of the session for the same account when <paramref name="via"/> is a
        /// workspace context that knows its account id (the session's default account first). Null when none of these
        /// is at hand or the read fails (a verbose line says why); a failure never stops the cmdlet.
        /// </summary>
        protected string? WorkspaceNameOf(long workspaceId, DbxContext? via)
        {
            if (workspaceNames.TryGetValue(workspaceId, out var known)) return known;
            string? name = null;
            if (via != null && via.Kind == DbxScope.Workspace && !string.IsNullOrEmpty(via.WorkspaceName) && (via.WorkspaceId ?? workspaceId) == workspaceId)
                name = via.WorkspaceName;
            else
            {
                var accounts = AccountContextsFor(via).ToList();
                if (accounts.Count == 0 && via != null)
                    WriteVerbose($"{Ids.Workspace(workspaceId, null)} is shown by id: a workspace context cannot read workspace names (no workspace API returns one) " +
                        (string.IsNullOrEmpty(via.AccountId)
                            ? "and this one does not know its account id, so no account context of the session can be asked."
                            : $"and the session holds no account context for account {Text.Printable(via.AccountId)} (Connect-DbxAccount -NoDefault adds one)."));
                foreach (var account in accounts)
                {
                    try
                    {
                        name = Run(ct => new WorkspacesApi(account.Client).GetAsync(workspaceId, ct)).WorkspaceName;
                        if (!ReferenceEquals(account, via)) WriteVerbose($"The name of {Ids.Workspace(workspaceId, null)} was read through the session's account context {account}.");
                        break;
                    }
                    catch (Exception ex) when (!(ex is PipelineStoppedException) && !(ex is OperationCanceledException))
                    {
                        WriteVerbose($"The name of {Ids.Workspace(workspaceId, null)} could not be read through {account} ({Text.Printable((ex as DbxApiException)?.ErrorCode ?? ex.GetType().Name)}); it is shown by id.");
                    }
                }
            }
            workspaceNames[workspaceId] = name;
            return name;
        }

        /// <summary>The account contexts that may name a workspace reached through <paramref name="via"/>: itself when it is
        /// an account context; for a workspace context, the session's contexts of the same account (same host first,
        /// then the default account, then the others as connected).</summary>
        private static IEnumerable<DbxContext> AccountContextsFor(DbxContext? via)
        {
            if (via == null) return Enumerable.Empty<DbxContext>();
            if (via.Kind == DbxScope.Account) return new[] { via };
            if (string.IsNullOrEmpty(via.AccountId)) return Enumerable.Empty<DbxContext>();
            var all = new List<DbxContext>();
            if (DbxSession.DefaultAccount is DbxContext d) all.Add(d);
            all.AddRange(DbxSession.Connected.Where(c => !all.Any(a => ReferenceEquals(a, c))));
            return all
                .Where(c => c.Kind == DbxScope.Account && string.Equals(c.AccountId, via.AccountId, StringComparison.OrdinalIgnoreCase))
                .Select((c, i) => (c, i))
                .OrderBy(t => string.Equals(t.c.Host, via.Host, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ThenBy(t => t.i)
                .Select(t => t.c)
                .ToList();
        }
    }
}
