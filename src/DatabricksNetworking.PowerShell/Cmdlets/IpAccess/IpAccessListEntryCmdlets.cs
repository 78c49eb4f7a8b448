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
    /// the whole pipeline, validated, and applied once per list in EndProcessing, under a lock per list (in-process,
    /// and a named system mutex so pwsh processes on one machine never overwrite each other), then read back and
    /// verified. A write whose answer was lost is never re-sent as it was: the list is read again, and the change is
    /// computed again from what it holds. The service has no etag for IP access lists, so writers on other machines
    /// can still race; the verification after every write reports that as DbxIpAccessListChangeLost.
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
        [DbxId(DbxIdKind.IpAccessList)]
        public string ListId { get; set; } = "";

        /// <summary>IPv4 addresses and CIDRs; blank lines and lines starting with # are skipped. Import-Csv columns named
        /// Cidr, IpRange or Address bind here too.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ip_addresses", "IpAddresses", "Cidr", "IpRange", "Address")]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[] IpAddress { get; set; } = new string[0];

        [Parameter(ParameterSetName = WorkspaceSet, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
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
            var parsed = ParseAddresses(IpAddress, skipBlankAndComments: true, warnHostBits: false);
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
                catch (TimeoutException ex) { WriteError(new ErrorRecord(ex, "DbxIpAccessListLocked", ErrorCategory.ResourceBusy, batch.ListId)); }
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
            WarnHostBits(batch.Values);
            var api = ListsApi();
            var scope = ScopeText(api);
            // Distinct by the block covered, the first spelling kept: the value is sent as typed.
            var wanted = batch.Values.Distinct().ToList();

            // Read first (also under -WhatIf): the prompt names the list, values to remove must be there, and nothing
            // is asked when nothing would change.
            var first = Run(ct => api.ListAsync(ct));
            var firstList = first.FirstOrDefault(l => l.ListId == batch.ListId) ?? Run(ct => api.GetAsync(batch.ListId, ct));
            var named = ListText(firstList, batch.ListId);
            var firstResult = Merge(firstList.IpAddresses ?? new List<string>(), wanted, Adding, out var absent);
            if (!Adding && firstResult == null)
                throw new DbxValidationException("DbxIpAccessListEntryNotFound",
                    $"{(absent.Count == 1 ? absent[0] + " is" : "None of " + string.Join(", ", absent.Take(10)) + (absent.Count > 10 ? $" (and {absent.Count - 10} more) is" : " is"))} not in {named} of {scope}; nothing was sent.",
                    batch.ListId, ErrorCategory.ObjectNotFound);
            foreach (var missing in absent) WriteWarning($"{missing} is not in {named}.");
            if (firstResult == null)
            {
                WriteVerbose($"{named} already holds every value given; nothing was sent.");
                if (PassThru) WriteObject(Named(firstList));
                return;
            }
            if (!Adding)
            {
                var gone = new HashSet<string>(absent, StringComparer.Ordinal);
                values = Cidr.Normalise(wanted.Where(w => !gone.Contains(w.Wire)));
            }
            var shown = string.Join(", ", values.Take(10)) + (values.Count > 10 ? $" (and {values.Count - 10} more)" : "");
            string? wide = null;
            if (Adding)
                wide = WideAllowWarning(firstList, new IpAccessList { ListType = firstList.ListType, Enabled = firstList.Enabled, IpAddresses = firstResult?.ToDbxList() },
                    $"Adding {shown} to {named}", scope);
            WarnWideAllowUnderWhatIf(wide);
            if (!ShouldChange($"{named} of {scope}", (Adding ? "Add " : "Remove ") + shown)) return;
            if (!PassesWideAllowCheck(wide, batch.ListId, $"adding {shown} to {named}")) return;
            var key = api.ScopeKey + "|" + batch.ListId;

            lock (ListLocks.GetOrAdd(key, _ => new object()))
            using (CrossProcessListLock.Acquire(key, CancelToken))
            {
                for (int attempt = 1; ; attempt++)
                {
                    // Every attempt reads the list again: a full list computed from an older read is never sent.
                    var current = Run(ct => api.ListAsync(ct));
                    var list = current.FirstOrDefault(l => l.ListId == batch.ListId) ?? Run(ct => api.GetAsync(batch.ListId, ct));
                    var before = list.IpAddresses ?? new List<string>();
                    var result = Merge(before, wanted, Adding, out _);
                    if (result == null)
                    {
                        // Changed by someone else since the first read: nothing is left to do.
                        WriteVerbose($"{named} now already {(Adding ? "holds" : "lacks")} every value given; nothing was sent.");
                        if (PassThru) WriteObject(Named(list));
                        return;
                    }
                    if (Adding) CheckQuota(current, batch.ListId, result.Count, scope, batch.ListId);
                    var proposed = new IpAccessList { ListId = list.ListId, Label = list.Label, ListType = list.ListType, Enabled = list.Enabled, IpAddresses = result?.ToDbxList() };
                    if (!PassesLockoutGuard(current, With(current, batch.ListId, proposed), $"{(Adding ? "Adding" : "Removing")} {shown} {(Adding ? "to" : "from")} {list.ListType} list '{list.Label}'", scope)) return;

                    var listId = batch.ListId;
                    bool sent;
                    try { sent = Change(ct => api.UpdateOnceAsync(listId, new IpAccessListRequest { IpAddresses = result?.ToDbxList() }, ct), listId, scope) != null; }
                    catch (DbxApiException ex) when (ex.IsAmbiguous)
                    {
                        // The write may or may not have been applied; it is not sent again as it was (its list may be
                        // stale by now): the verification below reads what the service holds and decides.
                        WriteVerbose($"The answer to the change of IP access list {listId} was lost ({ex.ServiceMessage}); reading the list to see whether it was applied.");
                        sent = true;
                    }
                    if (!sent) return;

                    // Verify: everything this call adds must be there, and everything it removes gone, in what the service now returns.
                    var check = Run(ct => api.GetAsync(listId, ct));
                    var missed = Missed(check.IpAddresses, wanted, Adding);
                    if (missed.Count == 0)
                    {
                        if (PassThru) WriteObject(Named(check));
                        return;
                    }
                    if (attempt >= MaxAttempts)
                    {
                        WriteError(new ErrorRecord(new InvalidOperationException(
                            $"IP access list '{list.Label}' ({listId}) did not keep the change after {MaxAttempts} attempts: {string.Join(", ", missed.Take(10))} {(Adding ? "not in" : "still in")} the list. It is being changed by someone else at the same time (the service has no etag for IP access lists). Read it with Get-{(batch.Account ? "DbxAccountIpAccessList" : "DbxIpAccessList")} and try again."),
                            "DbxIpAccessListChangeLost", ErrorCategory.ResourceBusy, listId));
                        return;
                    }
                    WriteVerbose($"IP access list {listId} does not show the change ({string.Join(", ", missed.Take(5))}): changed by someone else at the same time, or the change was lost; reading it again (attempt {attempt + 1} of {MaxAttempts}).");
                }
            }
        }

        /// <summary>
        /// The list after adding (or removing) <paramref name="wanted"/>, or null when nothing changes. Entries already
        /// there keep their spelling (<c>1.2.3.4/32</c> stays so), new ones are added as typed, the result is sorted by
        /// block, and entries that do not parse are kept, last. <paramref name="absent"/>: values to remove that are not in the list.
        /// </summary>
        internal static List<string>? Merge(IReadOnlyList<string> existing, IReadOnlyList<Ipv4Cidr> wanted, bool adding, out List<string> absent)
        {
            var present = new HashSet<Ipv4Cidr>();
            foreach (var e in existing) if (Cidr.TryParse(e, out var c, out _)) present.Add(c);
            absent = new List<string>();
            List<string> result;
            if (adding)
            {
                var added = wanted.Where(w => !present.Contains(w)).Select(w => w.Wire).ToList();
                if (added.Count == 0) return null;
                result = existing.Concat(added).ToList();
            }
            else
            {
                var drop = new HashSet<Ipv4Cidr>(wanted);
                absent.AddRange(wanted.Where(w => !present.Contains(w)).Select(w => w.Wire));
                if (absent.Count == wanted.Count) return null;
                result = existing.Where(e => !(Cidr.TryParse(e, out var c, out _) && drop.Contains(c))).ToList();
            }
            return result.Select(x => (Ok: Cidr.TryParse(x, out var c, out _), Value: c, Text: x))
                .OrderBy(t => t.Ok ? 0 : 1).ThenBy(t => t.Value).Select(t => t.Text).ToList();
        }

        /// <summary>The values of <paramref name="wanted"/> the list does not show as changed: not in it (adding) or still in it (removing).</summary>
        internal static List<string> Missed(IEnumerable<string>? now, IReadOnlyList<Ipv4Cidr> wanted, bool adding)
        {
            var have = new HashSet<Ipv4Cidr>();
            foreach (var e in now ?? Enumerable.Empty<string>()) if (Cidr.TryParse(e, out var c, out _)) have.Add(c);
            return wanted.Where(w => have.Contains(w) != adding).Select(w => w.Wire).ToList();
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
    [Cmdlet(VerbsCommon.Add, "DbxIpAccessListEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Workspace", HelpUri = DbxCmdlet.HelpBase + "Add-DbxIpAccessListEntry.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class AddDbxIpAccessListEntryCommand : IpAccessListEntryBase
    {
        protected override bool Adding => true;
    }

    /// <summary>
    /// <para type="synopsis">Removes IPv4 addresses and CIDRs from an IP access list (workspace or, with -Account, account console).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxIpAccessListEntry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Workspace", HelpUri = DbxCmdlet.HelpBase + "Remove-DbxIpAccessListEntry.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class RemoveDbxIpAccessListEntryCommand : IpAccessListEntryBase
    {
        protected override bool Adding => false;
    }
}
