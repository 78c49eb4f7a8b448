using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;

namespace DatabricksNetworking.Cmdlets.Posture
{
    /// <summary>
    /// Shared by the posture cmdlets: runs a scan on worker tasks while the pipeline thread writes what they hand back
    /// (objects, errors, progress, Verbose/Debug lines) through one bounded queue — nothing is written from a worker.
    /// </summary>
    public abstract class PostureCmdletBase : DbxCmdlet
    {
        private const int ProgressId = 0x7057;

        /// <summary>Scans run here, after every pipeline record was bound (their ids are collected in ProcessRecordCore).</summary>
        protected sealed override void EndProcessing()
        {
            // Every -WorkspaceId given was refused: scanning "all workspaces" instead would not be what was asked for.
            if (RefusedInput && RequestedIds == null) return;
            try { EndProcessingCore(); }
            catch (DbxValidationException ex) { ThrowTerminatingError(ErrorRecords.FromValidation(ex)); }
            catch (DbxApiException ex)
            {
                // The account-level reads failed, so there is nothing to scan: an error record like any Get- cmdlet's
                // (-ErrorAction Stop makes it terminating), unless the caller asked the run to fail hard.
                var record = ErrorRecords.FromApi(ex, CurrentTarget, "The account-level reads of the scan failed");
                if (ApiFailureIsTerminating) ThrowTerminatingError(record);
                else WriteError(record);
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested) { }
            catch (Exception ex) when (ErrorRecords.IsUnexpected(ex)) { WriteError(ErrorRecords.Unexpected(ex, CurrentTarget, MyInvocation.MyCommand.Name)); }
        }

        /// <summary>True when a failed scan must end the script (Test-DbxNetworkCompliance -FailOn, for schedulers).</summary>
        protected virtual bool ApiFailureIsTerminating => false;

        protected virtual void EndProcessingCore() { }
        private readonly List<long> requestedIds = new List<long>();

        /// <summary>Workspace ids bound from -WorkspaceId (or the pipeline) so far; the scan runs once at the end.</summary>
        protected void Collect(long[]? ids)
        {
            if (ids == null) return;
            foreach (var id in ids)
            {
                if (id <= 0) throw new DbxValidationException("DbxInvalidWorkspaceId", $"{id} is not a workspace id.", id);
                if (!requestedIds.Contains(id)) requestedIds.Add(id);
            }
        }

        protected IReadOnlyList<long>? RequestedIds => requestedIds.Count > 0 ? requestedIds : null;

        /// <summary>
        /// Runs <paramref name="work"/> on a worker; it hands actions to run on the pipeline thread to its first argument.
        /// Client log lines are relayed the same way. When the pipeline stops (Ctrl+C, Select-Object -First) the work is
        /// cancelled. Exceptions of the work are rethrown here.
        /// </summary>
        protected void RunOnPipeline(Func<Action<Action>, CancellationToken, Task> work)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(CancelToken);
            using var queue = new BlockingCollection<Action>(1024);
            void Post(Action a)
            {
                try { queue.Add(a, cts.Token); }
                catch (OperationCanceledException) { }
                catch (InvalidOperationException) { }
            }
            var previous = DbxLog.Current;
            Task task;
            DbxLog.Current = new PostingSink(Post, this);
            try { task = Task.Run(() => work(Post, cts.Token)); }
            finally { DbxLog.Current = previous; }
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            try
            {
                foreach (var action in queue.GetConsumingEnumerable()) action();
            }
            catch
            {
                cts.Cancel();
                try { task.Wait(); } catch (AggregateException) { }
                throw;
            }
            task.GetAwaiter().GetResult();
        }

        private sealed class PostingSink : IDbxLogSink
        {
            private readonly Action<Action> post;
            private readonly Cmdlet cmdlet;
            public PostingSink(Action<Action> post, Cmdlet cmdlet) { this.post = post; this.cmdlet = cmdlet; }
            public void Verbose(string message) => post(() => cmdlet.WriteVerbose(message));
            public void Debug(string message) => post(() => cmdlet.WriteDebug(message));
            public void Warning(string message) => post(() => cmdlet.WriteWarning(message));
        }

        /// <summary>The workspaces to scan: all, or the requested ids (an error for each id that is not in the account).</summary>
        private static List<Workspace> Select(List<Workspace> all, IReadOnlyList<long>? ids, Action<Action> post, Cmdlet cmdlet)
        {
            if (ids == null) return all;
            var found = all.Where(w => ids.Contains(w.WorkspaceId)).ToList();
            foreach (var missing in ids.Where(id => !found.Any(w => w.WorkspaceId == id)))
                post(() => cmdlet.WriteError(new ErrorRecord(new ItemNotFoundException($"Workspace {missing} is not a workspace of the account."),
                    "DbxWorkspaceNotFound", ErrorCategory.ObjectNotFound, missing)));
            return found;
        }

        private void Progress(string activity, int done, int total)
        {
            var record = new ProgressRecord(ProgressId, activity, string.Format(CultureInfo.InvariantCulture, "{0} of {1} workspaces", done, total))
            {
                PercentComplete = total == 0 ? 100 : (int)(done * 100L / total),
            };
            WriteProgress(record);
        }

        private void ProgressDone(string activity) =>
            WriteProgress(new ProgressRecord(ProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });

        private void AccountErrors(AccountData a, Action<Action> post)
        {
            foreach (var f in new[] { (a.Networks.Error, a.Networks.What), (a.VpcEndpoints.Error, a.VpcEndpoints.What), (a.PrivateAccessSettings.Error, a.PrivateAccessSettings.What),
                (a.Nccs.Error, a.Nccs.What), (a.Policies.Error, a.Policies.What), (a.AccountLists.Error, a.AccountLists.What), (a.AccountFeature.Error, a.AccountFeature.What),
                (a.AccountIngress.Error, a.AccountIngress.What) }
                .Concat(a.RulesByNcc.Values.Select(r => (r.Error, r.What))))
            {
                if (f.Error == null) continue;
                var (error, what) = (f.Error, f.What);
                post(() => WriteApiError(error, a.AccountId, "Reading " + what));
            }
        }

        /// <summary>
        /// The scan shared by the posture cmdlets: lists the workspaces, reads the account-level lists alongside, fans the
        /// workspace-level reads out under the throttle and hands each workspace's data (with the account data) to
        /// <paramref name="onWorkspace"/> on the worker as soon as it is read; whatever that returns runs on the pipeline
        /// thread. A workspace whose reads fail gets a non-terminating error; the rest go on.
        /// </summary>
        protected void Scan(int throttleLimit, string activity, Func<WorkspaceData, AccountData, Action?> onWorkspace, Action<AccountData, List<Workspace>>? onAccount = null)
        {
            var client = AccountClient;
            var ids = RequestedIds;
            var watch = Stopwatch.StartNew();
            RunOnPipeline(async (post, ct) =>
            {
                using var scanner = new PostureScanner(client, throttleLimit);
                var all = await scanner.ListWorkspacesAsync(ct).ConfigureAwait(false);
                var targets = Select(all, ids, post, this);
                var accountTask = scanner.ReadAccountAsync(ct);
                var reported = accountTask.ContinueWith(t =>
                {
                    if (t.Status != TaskStatus.RanToCompletion) return;
                    AccountErrors(t.Result, post);
                    onAccount?.Invoke(t.Result, targets);
                }, TaskScheduler.Default);
                int total = targets.Count, done = 0;
                post(() => Progress(activity, 0, total));
                await scanner.ForEachWorkspaceAsync(targets, async data =>
                {
                    var account = await accountTask.ConfigureAwait(false);
                    await reported.ConfigureAwait(false);
                    var write = onWorkspace(data, account);
                    var n = Interlocked.Increment(ref done);
                    var error = data.FirstError;
                    var w = data.Workspace;
                    post(() =>
                    {
                        if (error != null) WriteApiError(error, w.WorkspaceId, $"Reading the network facts of workspace {w.WorkspaceName} ({w.WorkspaceId})");
                        write?.Invoke();
                        Progress(activity, n, total);
                    });
                }, ct).ConfigureAwait(false);
                await accountTask.ConfigureAwait(false);
                await reported.ConfigureAwait(false);
                var requests = scanner.Requests;
                var peak = scanner.PeakInFlight;
                post(() =>
                {
                    ProgressDone(activity);
                    WriteVerbose(string.Format(CultureInfo.InvariantCulture, "{0} workspaces read with {1} requests, at most {2} in flight (throttle {3}), in {4:0.00} s.",
                        total, requests, peak, throttleLimit, watch.Elapsed.TotalSeconds));
                });
            });
        }

        /// <summary>Every posture of the scan, handed to <paramref name="write"/> on the pipeline thread as each workspace completes.</summary>
        protected void ScanPostures(int throttleLimit, int maxAllowPrefixLength, Action<NetworkPosture> write)
        {
            var now = DateTimeOffset.UtcNow;
            Scan(throttleLimit, "Reading the network posture", (data, account) =>
            {
                var posture = PostureBuilder.Build(data, account, maxAllowPrefixLength, now);
                return () => write(posture);
            });
        }

        /// <summary>Every networking object of the account and its workspaces (sorted), and what could not be read.</summary>
        protected ConfigurationSnapshotData CollectSnapshot(int throttleLimit)
        {
            var objects = new List<SnapshotObject>();
            var incomplete = new List<string>();
            Scan(throttleLimit, "Reading the network configuration", (data, account) =>
            {
                var mine = ConfigurationSnapshot.WorkspaceObjects(data).ToList();
                var reasons = data.FailureReasons(stable: true).Select(r => $"workspace {data.Workspace.WorkspaceId}: {r}").ToList();
                lock (objects) { objects.AddRange(mine); incomplete.AddRange(reasons); }
                return null;
            }, (account, workspaces) =>
            {
                var mine = ConfigurationSnapshot.AccountObjects(account, workspaces).ToList();
                lock (objects) { objects.AddRange(mine); incomplete.AddRange(account.FailureReasons(stable: true).Select(r => "account: " + r)); }
            });
            incomplete.Sort(StringComparer.Ordinal);
            return new ConfigurationSnapshotData(AccountClient.AccountId, null, incomplete, ConfigurationSnapshot.Sort(objects), "the live account");
        }

        /// <summary>A file path the provider understands, as a full file-system path.</summary>
        protected string ResolveOutputPath(string path) => ResolveFilePath(path, "Path", output: true);

        /// <summary>Writes the file as the FileSystem provider returns it (with PSPath), so it pipes into Get-Content, Copy-Item, ...</summary>
        protected void WriteFile(string fullPath)
        {
            foreach (var item in InvokeProvider.Item.Get(new[] { fullPath }, false, true)) WriteObject(item);
        }

        protected static void EnsureDirectory(string fullPath)
        {
            var dir = Path.GetDirectoryName(fullPath);
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                throw new DbxValidationException("DbxInvalidPath", $"The folder '{dir}' does not exist.", fullPath, ErrorCategory.ObjectNotFound);
        }
    }
}
