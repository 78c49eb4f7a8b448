using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.IpAccess
{
    /// <summary>
    /// Adds or removes entries of one list without a hand-written read-modify-write: values are collected from
    /// the whole pipeline, validated, and applied once per list in EndProcessing, under a lock per list (so
    /// runspaces of one process never overwrite each other), then read back and verified.
    /// </summary>
    public abstract class IpAccessListEntryBase : IpAccessChangeCmdletBase, IWorkspaceScoped
    {
        private const string WorkspaceSet = "Workspace";
        private const string AccountSet = "Account";
        private const int MaxAttempts = 3;
        private static readonly ConcurrentDictionary<string, object> ListLocks = new ConcurrentDictionary<string, object>(StringComparer.Ordinal);

        private readonly List<Batch> batches = new List<Batch>();
        private Batch? applying;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("list_id", "ip_access_list_id")]
        [ArgumentCompleter(typeof(IpAccessListIdCompleter))]
        public string ListId { get; set; } = "";

        /// <summary>IPv4 addresses and CIDRs; blank lines and lines starting with # are skipped.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ip_addresses", "IpAddresses")]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[] IpAddress { get; set; } = new string[0];

        [Parameter(ParameterSetName = WorkspaceSet, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        public long? WorkspaceId { get; set; }

        /// <summary>Edit an account console list instead of a workspace list.</summary>
        [Parameter(ParameterSetName = AccountSet, Mandatory = true)]
        public SwitchParameter Account { get; set; }

        /// <summary>Write the list as it is after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected abstract bool Adding { get; }

        protected override bool IsAccount => applying?.Account ?? Account.IsPresent;
        protected override long? TargetWorkspaceId => applying != null ? applying.WorkspaceId : WorkspaceId;

        protected override void ProcessRecordCore()
        {
            CurrentTarget = ListId;
            if (string.IsNullOrWhiteSpace(ListId))
                throw new DbxValidationException("DbxInvalidListId", "-ListId is empty.", ListId);
            var account = Account.IsPresent;
            var batch = batches.FirstOrDefault(b => b.Account == account && b.WorkspaceId == WorkspaceId && b.ListId == ListId);
            if (batch == null) batches.Add(batch = new Batch(account, account ? null : WorkspaceId, ListId));
            var parsed = ParseAddresses(IpAddress, skipBlankAndComments: true);
            if (parsed == null) batch.Invalid = true;
            else batch.Values.AddRange(parsed);
        }

        protected override void EndProcessing()
        {
            foreach (var batch in batches)
            {
                applying = batch;
                CurrentTarget = batch.ListId;
                try { Apply(batch); }
                catch (DbxValidationException ex) { WriteError(ErrorRecords.FromValidation(ex)); }
                catch (DbxApiException ex) { WriteApiError(ex, batch.ListId); }
                catch (OperationCanceledException) when (CancelToken.IsCancellationRequested) { return; }
                finally { applying = null; }
            }
        }

        private void Apply(Batch batch)
        {
            if (batch.Invalid)
                throw new DbxValidationException("DbxIpAccessListNotChanged",
                    $"IP access list {batch.ListId} was not changed: some of the values given are not valid IPv4 addresses or CIDRs (see the errors above).", batch.ListId);
            var values = Cidr.Normalise(batch.Values);
            if (values.Count == 0) { WriteWarning($"No addresses were given for IP access list {batch.ListId}; nothing to do."); return; }
            var api = ListsApi();
            var scope = ScopeText(api);
            var shown = string.Join(", ", values.Take(10)) + (values.Count > 10 ? $" (and {values.Count - 10} more)" : "");
            if (!ShouldChange($"IP access list {batch.ListId} of {scope}", (Adding ? "Add " : "Remove ") + shown)) return;
            var wanted = new HashSet<Ipv4Cidr>(batch.Values);

            lock (ListLocks.GetOrAdd(api.ScopeKey + "|" + batch.ListId, _ => new object()))
            {
                for (int attempt = 1; ; attempt++)
                {
                    var current = Run(ct => api.ListAsync(ct));
                    var list = current.FirstOrDefault(l => l.ListId == batch.ListId) ?? Run(ct => api.GetAsync(batch.ListId, ct));
                    var existing = new List<Ipv4Cidr>();
                    var unparsed = new List<string>();
                    foreach (var e in list.IpAddresses ?? new List<string>())
                        if (Cidr.TryParse(e, out var c, out _)) existing.Add(c); else unparsed.Add(e);

                    List<string> result;
                    if (Adding) result = Cidr.Normalise(existing.Concat(wanted));
                    else
                    {
                        foreach (var missing in values.Where(v => Cidr.TryParse(v, out var c, out _) && !existing.Contains(c)))
                            WriteWarning($"{missing} is not in IP access list '{list.Label}' ({batch.ListId}).");
                        result = Cidr.Normalise(existing.Where(c => !wanted.Contains(c)));
                    }
                    result.AddRange(unparsed);

                    if (result.SequenceEqual(list.IpAddresses ?? new List<string>()))
                    {
                        WriteVerbose($"IP access list '{list.Label}' ({batch.ListId}) already {(Adding ? "holds" : "lacks")} every value given; nothing was sent.");
                        if (PassThru) WriteObject(list);
                        return;
                    }
                    if (Adding) CheckQuota(current, batch.ListId, result.Count, scope, batch.ListId);
                    var proposed = new IpAccessList { ListId = list.ListId, Label = list.Label, ListType = list.ListType, Enabled = list.Enabled, IpAddresses = result };
                    if (!PassesLockoutGuard(current, With(current, batch.ListId, proposed), $"{(Adding ? "Adding" : "Removing")} {shown} {(Adding ? "to" : "from")} {list.ListType} list '{list.Label}'", scope)) return;

                    var listId = batch.ListId;
                    if (Change(ct => api.UpdateAsync(listId, new IpAccessListRequest { IpAddresses = result }, ct), listId, scope) == null) return;

                    // Verify: the values must be there (or gone) in what the service now returns.
                    var check = Run(ct => api.GetAsync(listId, ct));
                    var now = new HashSet<Ipv4Cidr>((check.IpAddresses ?? new List<string>()).Select(e => Cidr.TryParse(e, out var c, out _) ? c : (Ipv4Cidr?)null).Where(c => c.HasValue).Select(c => c!.Value));
                    var ok = Adding ? wanted.All(now.Contains) : !wanted.Any(now.Contains);
                    if (ok)
                    {
                        if (PassThru) WriteObject(check);
                        return;
                    }
                    if (attempt >= MaxAttempts)
                    {
                        WriteError(new ErrorRecord(new InvalidOperationException(
                            $"IP access list '{list.Label}' ({listId}) did not keep the change after {MaxAttempts} attempts: it is being changed by someone else at the same time. Read it with Get-{(batch.Account ? "DbxAccountIpAccessList" : "DbxIpAccessList")} and try again."),
                            "DbxIpAccessListChangeLost", ErrorCategory.ResourceBusy, listId));
                        return;
                    }
                    WriteVerbose($"IP access list {listId} was changed by someone else while it was written; reading it again (attempt {attempt + 1} of {MaxAttempts}).");
                }
            }
        }

        private sealed class Batch
        {
            public Batch(bool account, long? workspaceId, string listId) { Account = account; WorkspaceId = workspaceId; ListId = listId; }
            public bool Account { get; }
            public long? WorkspaceId { get; }
            public string ListId { get; }
            public List<Ipv4Cidr> Values { get; } = new List<Ipv4Cidr>();
            public bool Invalid { get; set; }
        }
    }

    /// <summary>
    /// <para type="synopsis">Adds IPv4 addresses and CIDRs to an IP access list (workspace or, with -Account, account console).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "DbxIpAccessListEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Workspace")]
    [OutputType(typeof(IpAccessList))]
    public sealed class AddDbxIpAccessListEntryCommand : IpAccessListEntryBase
    {
        protected override bool Adding => true;
    }

    /// <summary>
    /// <para type="synopsis">Removes IPv4 addresses and CIDRs from an IP access list (workspace or, with -Account, account console).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxIpAccessListEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Workspace")]
    [OutputType(typeof(IpAccessList))]
    public sealed class RemoveDbxIpAccessListEntryCommand : IpAccessListEntryBase
    {
        protected override bool Adding => false;
    }
}
