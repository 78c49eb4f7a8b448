using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Cmdlets.Connection
{
    /// <summary>Parameters and logic shared by Connect-DbxAccount and Connect-DbxWorkspace.</summary>
    public abstract class ConnectCmdletBase : PSCmdlet
    {
        protected const string TokenSet = "Token";
        protected const string ClientSecretSet = "ClientSecret";
        protected const string CredentialSet = "Credential";
        protected const string ChainSet = "Chain";
        protected const string InteractiveSet = "Interactive";

        [Parameter(ParameterSetName = TokenSet, Mandatory = true)]
        public SecureString? Token { get; set; }

        [Parameter(ParameterSetName = ClientSecretSet, Mandatory = true)]
        [Parameter(ParameterSetName = InteractiveSet)]
        public string? ClientId { get; set; }

        [Parameter(ParameterSetName = ClientSecretSet, Mandatory = true)]
        public SecureString? ClientSecret { get; set; }

        /// <summary>OAuth client id as the user name and client secret as the password.</summary>
        [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>A profile of ~/.databrickscfg (or DATABRICKS_CONFIG_FILE).</summary>
        [Parameter(ParameterSetName = ChainSet)]
        [ArgumentCompleter(typeof(ProfileCompleter))]
        public string? Profile { get; set; }

        // ---- user sign-in (authflows) ------------------------------------------------------------------
        /// <summary>Sign in as a user in the browser (OAuth U2M, authorization code with PKCE; auth_type external-browser).</summary>
        [Parameter(ParameterSetName = InteractiveSet, Mandatory = true)]
        public SwitchParameter Interactive { get; set; }

        /// <summary>The loopback port of the sign-in redirect (http://localhost:PORT); default 8020 as the Databricks CLI.</summary>
        [Parameter(ParameterSetName = InteractiveSet)]
        [Parameter(ParameterSetName = ChainSet)]
        [ValidateRange(1, 65535)]
        public int? RedirectPort { get; set; }

        private readonly System.Threading.CancellationTokenSource stopping = new System.Threading.CancellationTokenSource();

        protected override void StopProcessing() => stopping.Cancel();

        /// <summary>
        /// Signs a user in now (cached CLI token, refresh token, or the browser) so connecting is where a login happens;
        /// the sign-in runs on a worker thread and its messages (the URL to open) are written here, on the pipeline thread.
        /// </summary>
        private void SignIn(DbxContext ctx)
        {
            if (!(ctx.Credentials is U2MCredentialProvider u2m)) return;
            if (RedirectPort.HasValue) u2m.RedirectPort = RedirectPort.Value;
            var messages = new System.Collections.Concurrent.BlockingCollection<string>();
            var relay = new VerboseRelay();
            u2m.Interaction = messages.Add;
            var work = System.Threading.Tasks.Task.Run(async () =>
            {
                DbxLog.Current = relay;
                try { await u2m.GetAuthorizationAsync(false, stopping.Token).ConfigureAwait(false); }
                finally { messages.CompleteAdding(); }
            });
            try
            {
                foreach (var m in messages.GetConsumingEnumerable()) WriteWarning(m);
                work.GetAwaiter().GetResult();
            }
            finally
            {
                u2m.Interaction = null;
                foreach (var line in relay.Lines) WriteVerbose(line);
            }
            WriteVerbose($"Signed in ({u2m.AuthType}): token from {u2m.TokenSource}");
        }

        /// <summary>Do not make the new context the session default.</summary>
        [Parameter]
        public SwitchParameter NoDefault { get; set; }

        /// <summary>Do not check the credentials with a first call.</summary>
        [Parameter]
        public SwitchParameter SkipValidation { get; set; }

        // ---- the caller's address, for the IP access list lockout guard (lockout) ----
        /// <summary>Your public IPv4 address as Databricks sees it; kept on the context for the lockout guard.</summary>
        [Parameter]
        public string? CallerIpAddress { get; set; }

        /// <summary>A service answering your public address as plain text (default DBX_CALLER_IP_URL, else https://checkip.amazonaws.com); 'off' for none.</summary>
        [Parameter]
        public string? CallerIpLookupUrl { get; set; }

        /// <summary>Never look your address up for this context (the lockout guard then asks, or refuses without -Force).</summary>
        [Parameter]
        public SwitchParameter NoCallerIpLookup { get; set; }

        // ---- who the ingress lockout guard keeps able to get in ----
        /// <summary>Your own principal, 'user:&lt;id&gt;' or 'servicePrincipal:&lt;id&gt;' (numeric SCIM id), for the ingress lockout guard.</summary>
        [Parameter]
        public string? CallerIdentity { get; set; }

        /// <summary>Break-glass public IPv4 addresses the ingress lockout guard keeps able to reach workspaces and the account console.</summary>
        [Parameter]
        public string[]? BreakGlassIpAddress { get; set; }

        /// <summary>Break-glass principals ('user:&lt;id&gt;' / 'servicePrincipal:&lt;id&gt;') the ingress lockout guard keeps able to get in.</summary>
        [Parameter]
        public string[]? BreakGlassIdentity { get; set; }

        private void ApplyCallerAddress(DbxContext ctx)
        {
            try
            {
                ctx.CallerIdentity = CallerIdentity == null ? null : Serverless.IngressGuardPeople.ParseIdentity(CallerIdentity, "CallerIdentity").ToString();
                ctx.BreakGlassIdentity = BreakGlassIdentity?.Select(i => Serverless.IngressGuardPeople.ParseIdentity(i, "BreakGlassIdentity").ToString()).ToArray();
                ctx.BreakGlassIpAddress = BreakGlassIpAddress?.Select(a => Validation.Cidr.FormatAddress(Serverless.IngressGuardPeople.ParseAddress(a, "BreakGlassIpAddress"))).ToArray();
            }
            catch (DbxValidationException ex) { ThrowTerminatingError(ErrorRecords.FromValidation(ex)); }
            if (CallerIpAddress != null)
            {
                if (!Validation.Cidr.TryParseAddress(CallerIpAddress, out var a, out var error))
                    ThrowTerminatingError(ErrorRecords.FromValidation(new DbxValidationException("DbxInvalidCallerIpAddress", error!, CallerIpAddress)));
                ctx.SetCallerIpAddress(Validation.Cidr.FormatAddress(a), CallerAddress.SourceParameter);
            }
            if (CallerIpLookupUrl != null)
            {
                var problem = CallerAddress.CheckLookupUrl(CallerIpLookupUrl);
                if (problem != null) ThrowTerminatingError(ErrorRecords.FromValidation(new DbxValidationException("DbxInvalidCallerIpLookupUrl", problem, CallerIpLookupUrl)));
                ctx.CallerIpLookupUrl = CallerIpLookupUrl.Trim();
            }
            ctx.NoCallerIpLookup = NoCallerIpLookup.IsPresent;
        }

        protected ResolvedConfig ResolveConfig(string? host, string? accountId, string? workspaceId)
        {
            var explicitValues = new Dictionary<string, string?>
            {
                ["host"] = host,
                ["account_id"] = accountId,
                ["workspace_id"] = workspaceId,
            };
            if (Token != null) { explicitValues["token"] = Plain(Token); explicitValues["auth_type"] = "pat"; }
            if (ClientId != null) { explicitValues["client_id"] = ClientId; explicitValues["client_secret"] = Plain(ClientSecret); explicitValues["auth_type"] = "oauth-m2m"; }
            if (Credential != null)
            {
                explicitValues["client_id"] = Credential.UserName;
                explicitValues["client_secret"] = Plain(Credential.Password);
                explicitValues["auth_type"] = "oauth-m2m";
            }
            if (Interactive) explicitValues["auth_type"] = "external-browser";
            var cfg = ConfigResolver.Resolve(explicitValues, Profile, Environment.GetEnvironmentVariable);
            if (Interactive) cfg.Values["auth_type"] = new ConfigValue("external-browser", "parameter -Interactive");
            cfg.RegisterSecrets();
            WriteVerbose(SecretRegistry.Redact("Databricks configuration: " + cfg.Describe()));
            WriteVerbose("Sign-in method: " + (cfg.AuthType ?? "(none)") + (cfg.SourceOf("auth_type") is string why ? " (auth_type from " + why + ")" : " (detected from the attributes that are set)"));
            return cfg;
        }

        /// <summary>
        /// Resolves the configuration, reads the host's /.well-known/databricks-config (ids of the host URL's query first,
        /// the host checked before anything is sent) and builds the context.
        /// </summary>
        protected DbxContext CreateContext(DbxScope kind, string? host, string? accountId, string? workspaceId, string? workspaceUrlTemplate)
        {
            var cfg = ResolveConfig(host, accountId, workspaceId);
            var (metadata, notes) = ContextFactory.Discover(kind, cfg);
            foreach (var note in notes) WriteVerbose(SecretRegistry.Redact(note));
            return ContextFactory.Create(kind, cfg, workspaceUrlTemplate, metadata: metadata);
        }

        /// <summary>Disconnect-*: a user sign-in's tokens are forgotten (ours also leave the token cache).</summary>
        internal static void ForgetSignIn(PSCmdlet cmdlet, DbxContext? ctx)
        {
            if (ctx?.Credentials is U2MCredentialProvider u2m)
            {
                var removed = u2m.SignOut();
                cmdlet.WriteVerbose(removed
                    ? $"Signed out: the tokens of {ctx.Host} were removed from {u2m.Cache.Path}"
                    : $"Signed out: this session forgot the tokens of {ctx.Host}" + (u2m.AuthType == "databricks-cli" ? $"; the Databricks CLI's login stays in {u2m.Cache.Path} (remove it with 'databricks auth logout')" : ""));
            }
        }

        internal static string? Plain(SecureString? s) => s == null ? null : new NetworkCredential(string.Empty, s).Password;

        protected void Finish(DbxContext ctx, Action<System.Threading.CancellationToken> validate)
        {
            ApplyCallerAddress(ctx);
            if (!SkipValidation || Interactive)
            {
                try
                {
                    SignIn(ctx);
                }
                catch (DbxApiException ex)
                {
                    ThrowTerminatingError(ErrorRecords.FromApi(ex, ctx.Host, "Signing in to " + ctx.Host + " failed"));
                }
            }
            if (!SkipValidation)
            {
                try
                {
                    var sink = new VerboseRelay();
                    var previous = DbxLog.Current;
                    DbxLog.Current = sink;
                    try { validate(System.Threading.CancellationToken.None); }
                    finally { DbxLog.Current = previous; }
                    foreach (var line in sink.Lines) WriteVerbose(line);
                }
                catch (DbxApiException ex)
                {
                    ThrowTerminatingError(ErrorRecords.FromApi(ex, ctx.Host, "Connecting to " + ctx.Host + " failed"));
                }
            }
            WriteVerbose($"Connected: {ctx} with credentials from {ctx.CredentialSource}");
            WriteObject(ctx);
        }

        private sealed class VerboseRelay : IDbxLogSink
        {
            public readonly List<string> Lines = new List<string>();
            public void Verbose(string message) { lock (Lines) Lines.Add(message); }
            public void Debug(string message) { }
            public void Warning(string message) { lock (Lines) Lines.Add("WARNING: " + message); }
        }
    }

    /// <summary>
    /// <para type="synopsis">Connects to a Databricks account and makes it the session default.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "DbxAccount", DefaultParameterSetName = ChainSet, HelpUri = DbxCmdlet.HelpBase + "Connect-DbxAccount.md")]
    [OutputType(typeof(DbxContext))]
    public sealed class ConnectDbxAccountCommand : ConnectCmdletBase
    {
        /// <summary>Account host; default https://accounts.cloud.databricks.com (GovCloud: https://accounts.cloud.databricks.us). A unified host serves account and workspace APIs. A URL with ?a=&lt;account id&gt; sets the account id.</summary>
        [Parameter(Position = 0)]
        [Alias("Host")]
        public string? AccountHost { get; set; }

        [Parameter(Position = 1)]
        [Alias("account_id")]
        public string? AccountId { get; set; }

        /// <summary>How a workspace URL is built from its deployment name, for accounts hosts; default: the account host with "accounts" replaced by {deployment_name}.</summary>
        [Parameter]
        public string? WorkspaceUrlTemplate { get; set; }

        protected override void EndProcessing()
        {
            DbxContext ctx;
            try
            {
                ctx = CreateContext(DbxScope.Account, AccountHost, AccountId, null, WorkspaceUrlTemplate);
            }
            catch (ConfigResolutionException ex)
            {
                ThrowTerminatingError(ErrorRecords.FromConfig(ex, AccountHost == null ? AccountId : ResolvedConfig.MaskUserInfo(AccountHost)));
                return;
            }
            Finish(ctx, ct => new WorkspacesApi(ctx.Client).ListAsync(ct).GetAwaiter().GetResult());
            DbxSession.Remember(ctx);
            if (!NoDefault) DbxSession.DefaultAccount = ctx;
        }
    }

    /// <summary>
    /// <para type="synopsis">Connects to a Databricks workspace and makes it the session default.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "DbxWorkspace", DefaultParameterSetName = ChainSet, HelpUri = DbxCmdlet.HelpBase + "Connect-DbxWorkspace.md")]
    [OutputType(typeof(DbxContext))]
    public sealed class ConnectDbxWorkspaceCommand : ConnectCmdletBase
    {
        [Parameter(Position = 0)]
        [Alias("Host")]
        public string? WorkspaceHost { get; set; }

        /// <summary>The workspace id; needed on a unified host, where it is sent as X-Databricks-Workspace-Id.</summary>
        [Parameter]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        public long? WorkspaceId { get; set; }

        /// <summary>The account id, on a unified host (OAuth tokens then come from the account token endpoint); a workspace host uses its own token endpoint whatever the account id.</summary>
        [Parameter]
        [Alias("account_id")]
        public string? AccountId { get; set; }

        /// <summary>A workspace read through the account API (Get-DbxWorkspace, New-DbxWorkspace), from the pipeline: its id,
        /// account id and URL (on a unified host, the host it was read through) stand in for -WorkspaceId, -AccountId and
        /// -WorkspaceHost where those are not given, and the context carries its name (WorkspaceName).</summary>
        [Parameter(ValueFromPipeline = true)]
        public Workspace? Workspace { get; set; }

        protected override void ProcessRecord()
        {
            var host = WorkspaceHost;
            var workspaceId = WorkspaceId;
            var accountId = AccountId;
            if (Workspace != null)
            {
                if (workspaceId.HasValue && workspaceId != Workspace.WorkspaceId)
                    ThrowTerminatingError(ErrorRecords.FromValidation(new DbxValidationException("DbxWorkspaceMismatch",
                        $"-WorkspaceId {workspaceId} and -Workspace {Validation.Ids.Workspace(Workspace.WorkspaceId, Workspace.WorkspaceName)} name different workspaces.", workspaceId)));
                workspaceId ??= Workspace.WorkspaceId;
                accountId ??= Workspace.AccountId;
                host ??= Workspace.ConnectHost;
                if (host == null)
                    ThrowTerminatingError(ErrorRecords.FromValidation(new DbxValidationException("DbxMissingWorkspaceHost",
                        $"{Validation.Ids.Workspace(Workspace.WorkspaceId, Workspace.WorkspaceName)} has no deployment name, so its URL is not known: give -WorkspaceHost.", Workspace.WorkspaceId)));
            }
            DbxContext ctx;
            try
            {
                ctx = CreateContext(DbxScope.Workspace, host, accountId, workspaceId?.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
            }
            catch (ConfigResolutionException ex)
            {
                ThrowTerminatingError(ErrorRecords.FromConfig(ex, host == null ? null : ResolvedConfig.MaskUserInfo(host)));
                return;
            }
            // The name the account API gave, for the workspace this context reaches (never one guessed from the host).
            if (Workspace != null && (ctx.WorkspaceId ?? Workspace.WorkspaceId) == Workspace.WorkspaceId) ctx.WorkspaceName = Workspace.WorkspaceName;
            Finish(ctx, ct => ctx.Client.SendRawAsync(System.Net.Http.HttpMethod.Get, "/api/2.0/workspace-conf", null, ct, ("keys", "enableIpAccessLists")).GetAwaiter().GetResult());
            DbxSession.Remember(ctx);
            if (!NoDefault) DbxSession.DefaultWorkspace = ctx;
        }
    }

    /// <summary><para type="synopsis">Shows the session's default Databricks contexts, or with -ListAvailable every context of the session.</para></summary>
    [Cmdlet(VerbsCommon.Get, "DbxContext", DefaultParameterSetName = "All", HelpUri = DbxCmdlet.HelpBase + "Get-DbxContext.md")]
    [OutputType(typeof(DbxContext))]
    public sealed class GetDbxContextCommand : PSCmdlet
    {
        [Parameter(ParameterSetName = "Account", Mandatory = true)]
        public SwitchParameter Account { get; set; }

        [Parameter(ParameterSetName = "Workspace", Mandatory = true)]
        public SwitchParameter Workspace { get; set; }

        /// <summary>Every context connected in this session (also with -NoDefault) and not disconnected, oldest first.</summary>
        [Parameter(ParameterSetName = "ListAvailable", Mandatory = true)]
        public SwitchParameter ListAvailable { get; set; }

        protected override void EndProcessing()
        {
            if (ParameterSetName == "ListAvailable")
            {
                foreach (var ctx in DbxSession.Connected) WriteObject(ctx);
                return;
            }
            if (ParameterSetName != "Workspace" && DbxSession.DefaultAccount != null) WriteObject(DbxSession.DefaultAccount);
            if (ParameterSetName != "Account" && DbxSession.DefaultWorkspace != null) WriteObject(DbxSession.DefaultWorkspace);
        }
    }

    /// <summary><para type="synopsis">Forgets the session's default account context.</para></summary>
    [Cmdlet(VerbsCommunications.Disconnect, "DbxAccount", HelpUri = DbxCmdlet.HelpBase + "Disconnect-DbxAccount.md")]
    [OutputType(typeof(void))]
    public sealed class DisconnectDbxAccountCommand : PSCmdlet
    {
        [Parameter(ValueFromPipeline = true)]
        public DbxContext? Context { get; set; }

        protected override void ProcessRecord()
        {
            var target = Context ?? DbxSession.DefaultAccount;
            if (Context == null || ReferenceEquals(Context, DbxSession.DefaultAccount)) DbxSession.DefaultAccount = null;
            DbxSession.Forget(target);
            ConnectCmdletBase.ForgetSignIn(this, target);
        }
    }

    /// <summary><para type="synopsis">Forgets the session's default workspace context.</para></summary>
    [Cmdlet(VerbsCommunications.Disconnect, "DbxWorkspace", HelpUri = DbxCmdlet.HelpBase + "Disconnect-DbxWorkspace.md")]
    [OutputType(typeof(void))]
    public sealed class DisconnectDbxWorkspaceCommand : PSCmdlet
    {
        [Parameter(ValueFromPipeline = true)]
        public DbxContext? Context { get; set; }

        protected override void ProcessRecord()
        {
            var target = Context ?? DbxSession.DefaultWorkspace;
            if (Context == null || ReferenceEquals(Context, DbxSession.DefaultWorkspace)) DbxSession.DefaultWorkspace = null;
            DbxSession.Forget(target);
            ConnectCmdletBase.ForgetSignIn(this, target);
        }
    }
}
