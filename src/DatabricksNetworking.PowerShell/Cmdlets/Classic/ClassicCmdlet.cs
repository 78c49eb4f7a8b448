using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Classic
{
    /// <summary>What a wait ended with.</summary>
    public enum WaitOutcome { Done, Failed }

    /// <summary>How a workspace status ends a wait: RUNNING is done, FAILED/BANNED/CANCELLING are failures, others go on.</summary>
    internal static class WorkspaceWait
    {
        internal static WaitOutcome? Classify(string? status)
        {
            switch (status)
            {
                case "RUNNING": return WaitOutcome.Done;
                case "FAILED":
                case "BANNED":
                case "CANCELLING":
                case "CANCELLED": return WaitOutcome.Failed;
                default: return null;
            }
        }
    }

    /// <summary>
    /// Shared by the classic compute plane cmdlets: the local checks (names, AWS ids, regions, UUIDs), the lookup of
    /// workspaces that use an object, and the polling wait with a progress bar that -Wait uses.
    /// </summary>
    public abstract class ClassicCmdlet : DbxCmdlet
    {
        protected bool IsBound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

        /// <summary>
        /// The public-access guard: <paramref name="gaps"/> are the workspaces a change would leave with public access
        /// off but without back-end or front-end PrivateLink (<see cref="PrivateLinkCoverage.PublicAccessOffGap"/>).
        /// When there are any, asks to continue; refuses in a session that cannot ask unless -Force. True = go on.
        /// </summary>
        protected bool PassesPublicAccessGuard(IReadOnlyList<string> gaps, string change, bool force, object? target)
        {
            if (gaps.Count == 0) return true;
            var warning = $"{change} leaves public access off, but {string.Join("; and ", gaps)}. With public access off Databricks accepts only PrivateLink connections: keep it on (-PublicAccessEnabled) until both directions of PrivateLink are in place.";
            return ContinueDespite(warning, "Workspace access lockout", force, "DbxPublicAccessLockout", target,
                $"Not changed: {change} was declined at the lockout prompt.");
        }

        /// <summary>
        /// The account's VPC endpoint registrations and its registered (Service Direct) endpoints as registrations, read
        /// once per record, for the public-access guard. Registered endpoints that cannot be read (an account or service
        /// without the networking v1 API) are left out with a verbose line: the guard then only warns more.
        /// </summary>
        protected List<VpcEndpoint> ReadRegistrations()
        {
            var all = Run(ct => new VpcEndpointsApi(AccountClient).ListAsync(ct));
            try
            {
                var api = new NetworkEndpointsApi(AccountClient);
                all.AddRange(PrivateLinkCoverage.AsRegistrations(RunPaged<NetworkEndpoint>((token, ct) => api.ListPageAsync(token, ct)).ToList()));
            }
            catch (DbxApiException ex) when (ex.StatusCode >= 400 && ex.StatusCode < 500)
            {
                WriteVerbose($"Registered endpoints (Service Direct) not read: {ex.Message}");
            }
            return all;
        }

        protected static void CheckName(string? name, string what, string errorId)
        {
            var problem = Validation.Text.Problem(name);
            if (problem != null)
                throw new DbxValidationException(errorId, $"The {what} name '{Validation.Text.Printable(name)}' contains {problem}; use visible characters only.", Validation.Text.Printable(name));
            if (!Names.IsClassicObjectName(name))
                throw new DbxValidationException(errorId, $"The {what} name must be 4 to 256 characters long (got '{name}').", name);
        }

        protected static void CheckAwsIds(IReadOnlyCollection<string> ids, string prefix, string what, string errorId)
        {
            foreach (var id in ids)
                if (!Ids.IsAwsId(id, prefix))
                    throw new DbxValidationException(errorId, $"'{id}' is not a well-formed {what} id: expected '{prefix}-' followed by 8 or 17 lower-case hex digits.", id);
            var dup = ids.GroupBy(i => i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (dup != null)
                throw new DbxValidationException(errorId, $"{what} id '{dup.Key}' is given more than once.", dup.Key);
        }

        protected static void CheckUuids(IEnumerable<string> ids, string what, string errorId)
        {
            foreach (var id in ids)
                if (!Ids.IsUuid(id))
                    throw new DbxValidationException(errorId, $"'{id}' is not a {what} id (a UUID such as 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d).", id);
        }

        protected static void CheckRegion(string? region)
        {
            if (!Regions.IsSupported(region))
                throw new DbxValidationException("DbxInvalidRegion", Regions.Describe(region), region);
        }

        /// <summary>Fails, naming the workspaces, when any workspace of the account matches <paramref name="uses"/>.</summary>
        protected void CheckNotUsed(string what, string id, Func<Workspace, bool> uses, string errorId)
        {
            var api = new WorkspacesApi(AccountClient);
            var users = Run(ct => api.ListAsync(ct)).Where(uses).ToList();
            if (users.Count > 0)
                throw new DbxValidationException(errorId,
                    $"{what} {id} is used by workspace {string.Join(", ", users.Select(w => $"'{w.WorkspaceName}' ({w.WorkspaceId})"))}; " +
                    "move the workspace to another one with Set-DbxWorkspaceNetwork (or delete the workspace) first.", id, ErrorCategory.ResourceBusy);
        }

        /// <summary>
        /// Polls until <paramref name="classify"/> says done or failed, showing a progress bar; the interval grows from
        /// 1 s to 10 s. Throws <see cref="TimeoutException"/> after <paramref name="timeoutSec"/>.
        /// </summary>
        protected T WaitFor<T>(string activity, Func<T> poll, Func<T, string?> describe, Func<T, WaitOutcome?> classify, int timeoutSec)
        {
            var watch = Stopwatch.StartNew();
            var delay = TimeSpan.FromSeconds(1);
            var record = new ProgressRecord(Math.Abs(activity.GetHashCode() % 100000) + 1, activity, "Waiting");
            try
            {
                while (true)
                {
                    var current = poll();
                    var outcome = classify(current);
                    if (outcome.HasValue) return current;
                    if (watch.Elapsed.TotalSeconds >= timeoutSec)
                        throw new TimeoutException($"{activity}: still '{describe(current)}' after {timeoutSec} s (-TimeoutSec).");
                    record.StatusDescription = $"{describe(current)} ({(int)watch.Elapsed.TotalSeconds} s of at most {timeoutSec} s)";
                    record.PercentComplete = Math.Min(99, (int)(100 * watch.Elapsed.TotalSeconds / Math.Max(1, timeoutSec)));
                    WriteProgress(record);
                    var remaining = TimeSpan.FromSeconds(timeoutSec) - watch.Elapsed;
                    var sleep = remaining < delay ? remaining : delay;
                    if (sleep > TimeSpan.Zero && CancelToken.WaitHandle.WaitOne(sleep)) CancelToken.ThrowIfCancellationRequested();
                    delay = TimeSpan.FromSeconds(Math.Min(10, delay.TotalSeconds * 1.5));
                }
            }
            finally
            {
                record.RecordType = ProgressRecordType.Completed;
                WriteProgress(record);
            }
        }

        /// <summary>
        /// Waits until a workspace is RUNNING; on FAILED/BANNED/CANCELLING or a timeout writes the error record and
        /// returns null. <paramref name="timeoutNote"/> is appended to the timeout message.
        /// </summary>
        protected Models.Workspace? WaitUntilRunning(Client.Api.WorkspacesApi workspaces, long workspaceId, string activity, int timeoutSec, string timeoutNote,
            Func<Models.Workspace, string?>? explainFailure = null)
        {
            Models.Workspace final;
            try
            {
                final = WaitFor(activity, () => Run(ct => workspaces.GetAsync(workspaceId, ct)), w => w.WorkspaceStatus, w => WorkspaceWait.Classify(w.WorkspaceStatus), timeoutSec);
            }
            catch (TimeoutException ex)
            {
                WriteWaitError("DbxWaitTimeout", ex.Message + timeoutNote, ErrorCategory.OperationTimeout, workspaceId);
                return null;
            }
            if (WorkspaceWait.Classify(final.WorkspaceStatus) == WaitOutcome.Failed)
            {
                var why = explainFailure?.Invoke(final);
                WriteWaitError("DbxWorkspaceFailed", $"Workspace '{final.WorkspaceName}' ({workspaceId}) is {final.WorkspaceStatus}: {final.WorkspaceStatusMessage}" + (why != null ? " " + why : ""), ErrorCategory.InvalidResult, final);
                return null;
            }
            return final;
        }

        /// <summary>
        /// -Wait of a create: <see cref="WaitFor"/> until an end state; a timeout (message + <paramref name="timeoutHint"/>)
        /// or a failed end state (<paramref name="failMessage"/>, ErrorId <paramref name="failErrorId"/>) is written as an
        /// error record and gives null.
        /// </summary>
        protected T? WaitForEnd<T>(string activity, Func<T> poll, Func<T, string?> describe, Func<T, WaitOutcome?> classify, int timeoutSec,
            object created, string timeoutHint, string failErrorId, Func<T, string> failMessage) where T : class
        {
            T final;
            try { final = WaitFor(activity, poll, describe, classify, timeoutSec); }
            catch (TimeoutException ex)
            {
                WriteWaitError("DbxWaitTimeout", ex.Message + " " + timeoutHint, ErrorCategory.OperationTimeout, created);
                return null;
            }
            if (classify(final) != WaitOutcome.Failed) return final;
            WriteWaitError(failErrorId, failMessage(final), ErrorCategory.InvalidResult, final);
            return null;
        }

        protected void WriteWaitError(string errorId, string message, ErrorCategory category, object? target) =>
            WriteError(new ErrorRecord(new InvalidOperationException(message), errorId, category, target) { ErrorDetails = new ErrorDetails(message) });

        /// <summary>Get-* by id: one GET per id; a failed id is an error record and the next id goes on.</summary>
        protected void WriteEachById<T>(IEnumerable<string> ids, Func<string, CancellationToken, Task<T>> get)
        {
            foreach (var id in ids)
            {
                CurrentTarget = id;
                try { WriteObject(Run(ct => get(id, ct))); }
                catch (DbxApiException ex) { WriteApiError(ex, id); }
            }
        }

        /// <summary>Get-* by name: the list (a bare array, one request) filtered by wildcard names; names without wildcards that match nothing are errors.</summary>
        protected void WriteByName<T>(Func<CancellationToken, Task<List<T>>> list, string[]? names, Func<T, string?> nameOf, string what, string errorId, Func<T, bool>? alsoMatches = null)
        {
            var all = Run(list);
            foreach (var item in FilterByName(all, names, nameOf))
                if (alsoMatches == null || alsoMatches(item)) WriteObject(item);
            ReportMissingNames(all, names, nameOf, what, errorId);
        }

        /// <summary>Remove-*: confirm, check that no workspace uses the object (naming it), delete; each id on its own.</summary>
        protected void RemoveEach(IEnumerable<string> ids, bool force, string what, Action<string> checkNotUsed, Func<string, CancellationToken, Task> delete)
        {
            foreach (var id in ids)
            {
                CurrentTarget = id;
                try
                {
                    if (!ShouldChange(force, $"{what} {id}", "Remove")) continue;
                    checkNotUsed(id);
                    Run(ct => delete(id, ct));
                }
                catch (DbxValidationException ex) { WriteError(ErrorRecords.FromValidation(ex)); }
                catch (DbxApiException ex) { WriteApiError(ex, id); }
            }
        }

        protected static IEnumerable<T> FilterByName<T>(IEnumerable<T> items, string[]? names, Func<T, string?> nameOf)
        {
            if (names == null) return items;
            var patterns = names.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
            return items.Where(i => patterns.Any(p => p.IsMatch(nameOf(i) ?? "")));
        }

        /// <summary>Writes a not-found error for each name without wildcards that matched nothing.</summary>
        protected void ReportMissingNames<T>(IReadOnlyCollection<T> all, string[]? names, Func<T, string?> nameOf, string what, string errorId)
        {
            if (names == null) return;
            foreach (var n in names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !all.Any(x => string.Equals(nameOf(x), n, StringComparison.OrdinalIgnoreCase))))
                WriteError(new ErrorRecord(new ItemNotFoundException($"No {what} named '{n}' in account {AccountClient.AccountId}."), errorId, ErrorCategory.ObjectNotFound, n));
        }
    }
}
