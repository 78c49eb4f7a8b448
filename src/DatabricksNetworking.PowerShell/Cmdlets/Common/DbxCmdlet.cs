using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Cmdlets
{
    /// <summary>
    /// Shared base of every cmdlet that talks to Databricks: resolves <c>-Context</c>, runs the async client
    /// on the pipeline thread with Ctrl+C cancellation, relays the client's log lines to the Verbose/Debug/
    /// Warning streams, and turns failures into ErrorRecords so one failed record does not stop the others.
    /// Derived cmdlets implement <see cref="ProcessRecordCore"/> and never touch HTTP or JSON.
    /// </summary>
    public abstract partial class DbxCmdlet : PSCmdlet
    {
        /// <summary>
        /// Where each cmdlet's help page is published (<c>Get-Help -Online</c>): every [Cmdlet] attribute's HelpUri is
        /// this plus "Verb-Noun.md", and every docs/cmdlets page's <c>online version:</c> is the same address.
        /// </summary>
        public const string HelpBase = "https://github.com/databricksnetworking/DatabricksNetworking/blob/main/docs/cmdlets/";

        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        /// <summary>The connection to use; defaults to the session's (Connect-DbxAccount / Connect-DbxWorkspace).</summary>
        [Parameter]
        public DbxContext? Context { get; set; }

        protected CancellationToken CancelToken => stopping.Token;

        protected override void StopProcessing() => stopping.Cancel();

        protected sealed override void ProcessRecord()
        {
            try
            {
                DbxIdParameters.Check(this); // ids of the wrong shape never reach a path (also under -WhatIf)
                ProcessRecordCore();
            }
            catch (DbxValidationException ex)
            {
                RefusedInput = true;
                WriteError(ErrorRecords.FromValidation(ex));
            }
            catch (DbxApiException ex)
            {
                LearnCallerAddress(ex);
                WriteError(ErrorRecords.FromApi(ex, CurrentTarget));
            }
            catch (ConfigResolutionException ex)
            {
                ThrowTerminatingError(ErrorRecords.FromConfig(ex, CurrentTarget));
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Ctrl+C: PowerShell stops the pipeline itself.
            }
            catch (Exception ex) when (ErrorRecords.IsUnexpected(ex))
            {
                // No raw .NET exception reaches the user: a bug or an unforeseen condition is still an ErrorRecord with
                // a stable id, for this record only, and the pipeline goes on.
                WriteError(ErrorRecords.Unexpected(ex, CurrentTarget, MyInvocation.MyCommand.Name));
            }
        }

        protected abstract void ProcessRecordCore();

        /// <summary>True once a record was refused by a local check (e.g. an id of the wrong shape), so nothing of it was done.</summary>
        protected bool RefusedInput { get; private set; }

        /// <summary>What the record being processed is about (an id or the input object), for ErrorRecord targets.</summary>
        protected object? CurrentTarget { get; set; }

        // ---- contexts -------------------------------------------------------------------------------

        protected DbxContext AccountContext
        {
            get
            {
                var ctx = Context ?? DbxSession.DefaultAccount;
                if (ctx == null)
                    ThrowTerminatingError(ErrorRecords.NotConnected("Not connected to a Databricks account. Run Connect-DbxAccount first, or pass -Context."));
                if (ctx!.Kind != DbxScope.Account)
                    ThrowTerminatingError(ErrorRecords.NotConnected($"{MyInvocation.MyCommand.Name} needs an account context; the given context is for workspace {ctx.WorkspaceId}. Use Connect-DbxAccount."));
                return ctx;
            }
        }

        protected DbxClient AccountClient => AccountContext.Client;

        /// <summary>
        /// The client for a workspace-level call: the given workspace through the account context (or the
        /// account context's default workspace id), or else the session's workspace context.
        /// </summary>
        protected DbxClient WorkspaceClient(long? workspaceId)
        {
            var ctx = WorkspaceCallContext(workspaceId);
            if (ctx == null)
                ThrowTerminatingError(ErrorRecords.NotConnected("Not connected. Run Connect-DbxWorkspace, or Connect-DbxAccount and pass -WorkspaceId."));
            if (ctx!.Kind == DbxScope.Workspace)
            {
                if (workspaceId.HasValue && ctx.WorkspaceId.HasValue && workspaceId != ctx.WorkspaceId)
                    throw new DbxValidationException("DbxWorkspaceMismatch", $"The context is for workspace {ctx.WorkspaceId}, not {workspaceId}. Use an account context to reach other workspaces.", workspaceId);
                return ctx.Client;
            }
            var id = workspaceId ?? ctx.WorkspaceId;
            if (!id.HasValue)
                throw new DbxValidationException("DbxMissingWorkspaceId", "This is a workspace-level call: give -WorkspaceId (or connect with Connect-DbxWorkspace).", null);
            var client = ctx.Client;
            return Run(ct => client.ForWorkspaceAsync(id.Value, ct));
        }

        // ---- running the async client on the pipeline thread -----------------------------------------

        /// <summary>Runs a client call, relaying its log lines to the Verbose/Debug/Warning streams as they happen.</summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> operation)
        {
            var sink = new QueueSink();
            var previous = DbxLog.Current;
            Task<T> task;
            DbxLog.Current = sink;
            try { task = Task.Run(() => operation(stopping.Token)); }
            finally { DbxLog.Current = previous; }
            task.ContinueWith(_ => sink.Complete(), TaskScheduler.Default);
            foreach (var line in sink.Drain())
            {
                switch (line.Kind)
                {
                    case 'V': WriteVerbose(line.Text); break;
                    case 'D': WriteDebug(line.Text); break;
                    case 'W': WriteWarning(line.Text); break;
                }
            }
            return task.GetAwaiter().GetResult();
        }

        protected void Run(Func<CancellationToken, Task> operation) =>
            Run<bool>(async ct => { await operation(ct).ConfigureAwait(false); return true; });

        /// <summary>Streams a paged list: each page is fetched only when the previous one has been written, so
        /// <c>Select-Object -First 1</c> costs one request.</summary>
        protected IEnumerable<T> RunPaged<T>(Func<string?, CancellationToken, Task<Page<T>>> fetchPage) =>
            Paging.Enumerate<T>(token => Run(ct => fetchPage(token, ct)));

        /// <summary>
        /// Runs a create (POST) so that a lost answer never leads to a duplicate or a false error: after a dropped
        /// connection the object is looked up with <paramref name="find"/> (by its name or natural key; it gets the
        /// earliest creation time, epoch ms, the new object can have) and returned with a warning when it exists,
        /// or the create is sent again when it does not. See <see cref="CreateRecovery"/>. Every New-* cmdlet of the
        /// Databricks areas creates through this.
        /// </summary>
        protected T CreateOnce<T>(string what, Func<CancellationToken, Task<T>> create, Func<long, CancellationToken, Task<T?>> find) where T : class =>
            Run(ct => CreateRecovery.RunAsync(what, create, find, ct));

        /// <summary>Whether -WhatIf is in effect: given on this call, or else through $WhatIfPreference.</summary>
        protected bool WhatIfInEffect =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
                ? (w is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(w))
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        /// <summary>A workspace as an admin knows it, for confirmation and -WhatIf targets: <c>workspace 'prod-us' (2222222222222222)</c>.</summary>
        protected static string WorkspaceTarget(Models.Workspace ws) => WorkspaceTarget(ws.WorkspaceId, ws.WorkspaceName);

        protected static string WorkspaceTarget(long id, string? name) =>
            string.IsNullOrEmpty(name) ? "workspace " + Validation.Ids.Format(id) : $"workspace '{name}' ({Validation.Ids.Format(id)})";

        /// <summary>
        /// Whether ShouldProcess would show something to the user (-WhatIf, -Confirm, or a ConfirmImpact at or above
        /// $ConfirmPreference without -Force): a name worth a read for the message is looked up only then.
        /// </summary>
        protected bool WouldAsk(bool force)
        {
            if (WhatIfInEffect) return true;
            if (MyInvocation.BoundParameters.TryGetValue("Confirm", out var c))
                return c is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(c);
            if (force) return false;
            var attr = (CmdletAttribute?)Attribute.GetCustomAttribute(GetType(), typeof(CmdletAttribute));
            var impact = attr?.ConfirmImpact ?? ConfirmImpact.Medium;
            var pref = GetVariableValue("ConfirmPreference");
            if (pref is PSObject p) pref = p.BaseObject;
            ConfirmImpact threshold;
            if (pref is ConfirmImpact ci) threshold = ci;
            else if (pref == null || !Enum.TryParse(pref.ToString(), true, out threshold)) threshold = ConfirmImpact.High;
            return threshold != ConfirmImpact.None && impact >= threshold;
        }

        /// <summary>
        /// ShouldProcess with the module's -Force semantics: -WhatIf always only reports and changes nothing; otherwise
        /// -Force skips the confirmation prompt.
        /// </summary>
        protected bool ShouldChange(bool force, string target, string action) =>
            (force && !WhatIfInEffect) || ShouldProcess(Validation.Text.Printable(target), Validation.Text.Printable(action));

        /// <summary>
        /// Resolves a file path parameter (relative to the current location, ~ expanded) and checks it before anything
        /// is read from the service: no control characters or wildcards, within the platform's name and path lengths,
        /// not a folder; for output the folder must exist, for input the file. Throws DbxValidationException.
        /// </summary>
        protected string ResolveFilePath(string typed, string parameter, bool output, string notFoundErrorId = "DbxPathNotFound")
        {
            var problem = Validation.FilePaths.CheckTyped(typed, parameter);
            string full;
            if (problem == null)
            {
                try { full = GetUnresolvedProviderPathFromPSPath(typed); }
                catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is PSNotSupportedException || ex is IOException)
                {
                    throw new DbxValidationException("DbxInvalidPath", $"-{parameter} '{Validation.Text.Printable(typed)}' is not a file system path: {ex.Message}", typed);
                }
                problem = Validation.FilePaths.CheckResolved(full, parameter, output, notFoundErrorId);
                if (problem == null) return full;
            }
            throw new DbxValidationException(problem.ErrorId, problem.Message, Validation.Text.Printable(typed),
                problem.ErrorId == notFoundErrorId || problem.ErrorId == "DbxInvalidPathFolderNotFound" ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidArgument);
        }

        /// <summary>
        /// A lockout guard's question: with <paramref name="force"/> warns and goes on; otherwise asks ShouldContinue,
        /// and in a session that cannot ask (non-interactive) refuses with <paramref name="errorId"/>, telling to use
        /// -Force (or, when given, with <paramref name="refusalHint"/>: how to make it go through). True = go on; false =
        /// declined at the prompt (a warning says nothing was changed). The prompt's default answer is No.
        /// </summary>
        protected bool ContinueDespite(string warning, string caption, bool force, string errorId, object? target, string declined, string? refusalHint = null)
        {
            warning = Validation.Text.Printable(warning);
            if (force)
            {
                WriteWarning(warning + " Going ahead because of -Force.");
                return true;
            }
            bool yes;
            try
            {
                if (Host?.UI == null) throw new PSInvalidOperationException("no host user interface");
                // hasSecurityImpact: true makes "No" the prompt's default answer (the two-argument ShouldContinue defaults to Yes).
                bool yesToAll = false, noToAll = false;
                yes = ShouldContinue(warning + " Make the change anyway?", caption, true, ref yesToAll, ref noToAll);
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is System.Management.Automation.Host.HostException || ex is NotImplementedException || ex is NullReferenceException)
            {
                throw new DbxValidationException(errorId,
                    warning + " Refused: this session cannot ask for confirmation (non-interactive). " + (refusalHint ?? "Use -Force to make the change anyway."),
                    target, ErrorCategory.PermissionDenied);
            }
            if (!yes) WriteWarning(declined);
            return yes;
        }

        /// <summary>The caller's public address looked up for a lockout guard (never under -WhatIf: guards run after ShouldProcess), kept on <paramref name="ctx"/>; the lookup URL comes from the context or DBX_CALLER_IP_URL.</summary>
        protected (string? Address, string? Source) LookUpCallerAddress(DbxContext? ctx)
        {
            var url = CallerAddress.LookupUrlFor(ctx, Environment.GetEnvironmentVariable);
            if (url == null)
            {
                WriteVerbose("Lockout guard: the caller address lookup is off (-NoCallerIpLookup, or " + CallerAddress.LookupUrlVariable + "=off).");
                return (null, null);
            }
            if (ctx?.CallerIpLookupFailure is (string failedUrl, DateTimeOffset failed) && failedUrl == url && DateTimeOffset.UtcNow - failed < CallerAddress.FailureMemory)
            {
                WriteVerbose($"Lockout guard: the caller address lookup at {url} failed a moment ago; not asking again.");
                return (null, null);
            }
            var ip = Run(ct => CallerAddress.LookUpAsync(url, ct));
            var source = "lookup " + url;
            if (ctx != null)
            {
                if (ip != null) { ctx.SetCallerIpAddress(ip, source); ctx.CallerIpLookupFailure = null; }
                else ctx.CallerIpLookupFailure = (url, DateTimeOffset.UtcNow);
            }
            return (ip, source);
        }

        /// <summary>Writes an error for one record and lets the pipeline go on.</summary>
        protected void WriteApiError(DbxApiException ex, object? target, string? doing = null)
        {
            LearnCallerAddress(ex);
            WriteError(ErrorRecords.FromApi(ex, target, doing));
        }

        /// <summary>An IP ACL refusal names the address the service sees: the lockout guard keeps it on the context(s) used.</summary>
        private void LearnCallerAddress(DbxApiException ex)
        {
            // A request sent with an X-Forwarded-For of your choosing (Invoke-DbxApi -Header) is refused for that address, not yours.
            if (MyInvocation.BoundParameters.TryGetValue("Header", out var h) && h is System.Collections.IDictionary headers
                && headers.Keys.Cast<object>().Any(k => string.Equals(k?.ToString(), "X-Forwarded-For", StringComparison.OrdinalIgnoreCase))) return;
            var learned = Context != null ? CallerAddress.LearnFromRefusal(Context, ex)
                : CallerAddress.LearnFromRefusal(DbxSession.DefaultAccount, ex) ?? CallerAddress.LearnFromRefusal(DbxSession.DefaultWorkspace, ex);
            if (learned != null)
                WriteVerbose($"The service refused a request from {learned} (IP ACL): the lockout guard now uses {learned} as your address for this context.");
        }

        private sealed class QueueSink : IDbxLogSink
        {
            private readonly BlockingCollection<(char Kind, string Text)> queue = new BlockingCollection<(char, string)>();
            public void Verbose(string message) => Add('V', message);
            public void Debug(string message) => Add('D', message);
            public void Warning(string message) => Add('W', message);
            private void Add(char kind, string text) { try { queue.Add((kind, text)); } catch (InvalidOperationException) { } }
            public void Complete() => queue.CompleteAdding();
            public IEnumerable<(char Kind, string Text)> Drain() => queue.GetConsumingEnumerable();
        }
    }
}
