using System;
using DatabricksNetworking.Models;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// A connection to one Databricks account or workspace: what <c>Connect-DbxAccount</c> and
    /// <c>Connect-DbxWorkspace</c> return and every API cmdlet takes as <c>-Context</c>. It carries no secret
    /// in any public member: the credentials live inside its client.
    /// </summary>
    public sealed class DbxContext
    {
        internal DbxContext(DbxScope kind, Uri host, string? accountId, long? workspaceId, ICredentialProvider credentials,
            string credentialSource, string? profile, string workspaceUrlTemplate, RetryOptions retry, HttpMessageInvoker? invoker = null, bool? unifiedHost = null)
        {
            Kind = kind;
            Host = host.GetLeftPart(UriPartial.Authority);
            AccountId = accountId;
            WorkspaceId = workspaceId;
            AuthType = credentials.AuthType;
            ClientId = (credentials as OAuthM2MCredentialProvider)?.ClientId ?? (credentials as WorkloadIdentityCredentialProvider)?.ClientId ?? (credentials as U2MCredentialProvider)?.ClientId;
            Credentials = credentials;
            CredentialSource = credentialSource;
            Profile = profile;
            WorkspaceUrlTemplate = workspaceUrlTemplate;
            Retry = retry;
            // Unified: from the host's /.well-known/databricks-config (ContextFactory.Create); without it, an account
            // context on a host that is not accounts.* / accounts-dod.* can only be a unified host.
            IsUnifiedHost = unifiedHost ?? (kind == DbxScope.Account && !ContextFactory.IsAccountsHost(host));
            var http = new DbxHttp(host, credentials, retry, invoker);
            Client = new DbxClient(http, kind, accountId, workspaceId, IsUnifiedHost, workspaceUrlTemplate);
            ConnectedAt = DateTimeOffset.Now;
        }

        /// <summary>Account or Workspace.</summary>
        public DbxScope Kind { get; }
        public string Host { get; }
        public string? AccountId { get; }
        public long? WorkspaceId { get; }
        /// <summary>
        /// A workspace context's workspace name, when it was made from a workspace object read through the account API
        /// (<c>Get-DbxWorkspace | Connect-DbxWorkspace</c>); null otherwise (no workspace API returns the name, and none
        /// is made up from the host). Workspace-level objects read through this context carry it as WorkspaceName.
        /// </summary>
        public string? WorkspaceName { get; internal set; }
        public string AuthType { get; }
        public string? ClientId { get; }
        /// <summary>Where the credentials came from (parameter, environment variable, profile), never the credentials.</summary>
        public string CredentialSource { get; }
        public string? Profile { get; }
        /// <summary>How a workspace of this account is reached when the host is an accounts host, e.g. <c>https://{deployment_name}.cloud.databricks.com</c>.</summary>
        public string WorkspaceUrlTemplate { get; }
        /// <summary>True when account and workspace APIs share this host (workspace calls carry X-Databricks-Workspace-Id).</summary>
        public bool IsUnifiedHost { get; }
        public RetryOptions Retry { get; }
        /// <summary>
        /// The caller's public address, for the IP access list lockout guard: given (Connect-* -CallerIpAddress, or set
        /// here), or learned from an IP ACL refusal or the lookup URL. Setting it records "set on the context" as its source.
        /// </summary>
        public string? CallerIpAddress
        {
            get { lock (callerGate) return callerIp; }
            set => SetCallerIpAddress(string.IsNullOrWhiteSpace(value) ? null : value!.Trim(), string.IsNullOrWhiteSpace(value) ? null : CallerAddress.SourceContext);
        }
        /// <summary>Where CallerIpAddress came from: parameter, set on the context, service refusal, or lookup &lt;URL&gt;.</summary>
        public string? CallerIpAddressSource { get { lock (callerGate) return callerIpSource; } }
        /// <summary>The "what is my address" service for this context; null = DBX_CALLER_IP_URL or https://checkip.amazonaws.com; 'off' = none.</summary>
        public string? CallerIpLookupUrl { get; set; }
        /// <summary>True: never look the caller's address up for this context.</summary>
        public bool NoCallerIpLookup { get; set; }
        private readonly object callerGate = new object();
        private string? callerIp, callerIpSource;
        /// <summary>The lookup URL that last failed and when (not asked again for a while).</summary>
        internal (string Url, DateTimeOffset At)? CallerIpLookupFailure { get; set; }
        internal void SetCallerIpAddress(string? ip, string? source) { lock (callerGate) { callerIp = ip; callerIpSource = ip == null ? null : source; } }
        /// <summary>Your own principal for the ingress lockout guard: 'user:&lt;id&gt;' or 'servicePrincipal:&lt;id&gt;' (numeric SCIM id); null = unknown (identity-scoped rules are read against you).</summary>
        public string? CallerIdentity { get; set; }
        /// <summary>Break-glass public addresses the ingress lockout guard keeps able to reach workspaces and the account console.</summary>
        public DbxList<string>? BreakGlassIpAddress { get; set; }
        /// <summary>Break-glass principals ('user:&lt;id&gt;' / 'servicePrincipal:&lt;id&gt;') the ingress lockout guard keeps able to get in.</summary>
        public DbxList<string>? BreakGlassIdentity { get; set; }
        public DateTimeOffset ConnectedAt { get; }

        internal DbxClient Client { get; }
        /// <summary>The credential provider (holds the secrets; not public).</summary>
        internal ICredentialProvider Credentials { get; }

        public override string ToString() =>
            Kind == DbxScope.Account ? $"Account {AccountId} at {Host} ({AuthType})" : $"Workspace {WorkspaceId?.ToString(CultureInfo.InvariantCulture) ?? "?"} at {Host} ({AuthType})";
    }

    /// <summary>The session's default contexts (one account, one workspace), shared by all runspaces of the process.</summary>
    public static class DbxSession
    {
        private static readonly object Gate = new object();
        private static DbxContext? account, workspace;

        private static readonly List<DbxContext> connected = new List<DbxContext>();

        public static DbxContext? DefaultAccount { get { lock (Gate) return account; } set { lock (Gate) { account = value; if (value != null) Add(value); } } }
        public static DbxContext? DefaultWorkspace { get { lock (Gate) return workspace; } set { lock (Gate) { workspace = value; if (value != null) Add(value); } } }

        /// <summary>Every context a Connect-* call of this process made (also with -NoDefault) and no Disconnect-* forgot, oldest first.</summary>
        public static IReadOnlyList<DbxContext> Connected { get { lock (Gate) return connected.ToArray(); } }

        public static void Remember(DbxContext ctx) { lock (Gate) Add(ctx); }

        public static void Forget(DbxContext? ctx)
        {
            if (ctx == null) return;
            lock (Gate) connected.RemoveAll(c => ReferenceEquals(c, ctx));
        }

        private static void Add(DbxContext ctx)
        {
            if (!connected.Any(c => ReferenceEquals(c, ctx))) connected.Add(ctx);
        }
    }

    /// <summary>Builds contexts from a resolved configuration; checks hosts (https, except loopback over http).</summary>
    public static class ContextFactory
    {
        public const string DefaultAccountHost = "https://accounts.cloud.databricks.com";
        public const string DefaultWorkspaceUrlTemplate = "https://{deployment_name}.cloud.databricks.com";

        public static bool IsAccountsHost(Uri host) =>
            host.Host.StartsWith("accounts.", StringComparison.OrdinalIgnoreCase) || host.Host.StartsWith("accounts-dod.", StringComparison.OrdinalIgnoreCase);

        /// <summary>localhost, <c>*.localhost</c> (RFC 6761: always the loopback address), 127.0.0.0/8 and ::1.</summary>
        public static bool IsLoopback(string host)
        {
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
            if (LocalhostNames.IsLocalhostName(host)) return true;
            var h = host.Trim('[', ']');
            return IPAddress.TryParse(h, out var ip) && IPAddress.IsLoopback(ip);
        }

        /// <summary>Parses a host URL: <c>https://</c> required, <c>http://</c> only for loopback; a bare name gets https; path and query are dropped.</summary>
        public static Uri ValidateHost(string host)
        {
            if (string.IsNullOrWhiteSpace(host)) throw new ConfigResolutionException("The host is empty.", "DbxInvalidHost");
            var text = host.Trim();
            if (!text.Contains("://")) text = "https://" + text;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
                throw new ConfigResolutionException($"'{ConfigSafe(host)}' is not a valid host URL.", "DbxInvalidHost");
            if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri.Host))
                throw new ConfigResolutionException($"'{ConfigSafe(host)}' uses http://, which is allowed only for loopback hosts (localhost, *.localhost, 127.0.0.1, ::1). Use https://.", "DbxInsecureHost");
            if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                throw new ConfigResolutionException($"'{ConfigSafe(host)}' must start with https://.", "DbxInvalidHost");
            if (!string.IsNullOrEmpty(uri.UserInfo))
                throw new ConfigResolutionException($"'{ConfigSafe(host)}' carries a user name or password; give credentials with -Token, -ClientId/-ClientSecret or a profile instead.", "DbxInvalidHost");
            if ((uri.AbsolutePath != "/" && uri.AbsolutePath.Length > 0) || uri.Query.Length > 0 || uri.Fragment.Length > 0)
                uri = new Uri(uri.GetLeftPart(UriPartial.Authority));
            return uri;
        }

        private static string ConfigSafe(string host) => ResolvedConfig.MaskUserInfo(host);

        /// <summary>
        /// The workspace and account ids a host URL pasted from the Databricks UI carries in its query
        /// (databricks-sdk-go config/config.go fixHostIfNeeded): workspace <c>?w=</c> (any form), else a numeric
        /// <c>?o=</c> or <c>?workspace_id=</c>; account <c>?a=</c> or <c>?account_id=</c>.
        /// </summary>
        public static (string? WorkspaceId, string? AccountId) IdsFromHostQuery(string host)
        {
            var q = host.IndexOf('?');
            if (q < 0) return (null, null);
            var query = host.Substring(q + 1);
            var hash = query.IndexOf('#');
            if (hash >= 0) query = query.Substring(0, hash);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in query.Split('&'))
            {
                if (pair.Length == 0) continue;
                var eq = pair.IndexOf('=');
                var k = Uri.UnescapeDataString((eq < 0 ? pair : pair.Substring(0, eq)).Replace('+', ' '));
                var v = eq < 0 ? "" : Uri.UnescapeDataString(pair.Substring(eq + 1).Replace('+', ' '));
                if (!values.ContainsKey(k)) values[k] = v;
            }
            string? ws = null, acct = null;
            if (values.TryGetValue("w", out var w) && w.Length > 0) ws = w;
            else
                foreach (var key in new[] { "o", "workspace_id" })
                    if (values.TryGetValue(key, out var v) && v.Length > 0 && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) { ws = v; break; }
            foreach (var key in new[] { "a", "account_id" })
                if (values.TryGetValue(key, out var v) && v.Length > 0) { acct = v; break; }
            return (ws, acct);
        }

        /// <summary>Moves the ids of the host URL's query into the configuration (unless already set); returns the notes for -Verbose.</summary>
        public static IList<string> ApplyHostQuery(ResolvedConfig cfg)
        {
            var notes = new List<string>();
            var host = cfg.Host;
            if (string.IsNullOrEmpty(host)) return notes;
            var (ws, acct) = IdsFromHostQuery(host!);
            var source = "the query of the host URL (" + cfg.SourceOf("host") + ")";
            if (cfg.FillIfUnset("workspace_id", ws, source)) notes.Add($"workspace_id={ws} from {source}");
            if (cfg.FillIfUnset("account_id", acct, source)) notes.Add($"account_id={acct} from {source}");
            return notes;
        }

        /// <summary>
        /// How an account context reaches its workspaces when the account host is not a unified host: the host with its
        /// first label (<c>accounts</c>, <c>accounts-dod</c>) replaced by the deployment name, as Terraform does
        /// (mws/resource_mws_workspaces.go generateWorkspaceHostname): accounts.cloud.databricks.us →
        /// https://{deployment_name}.cloud.databricks.us. Other hosts (an IP address, a unified host) get the AWS
        /// commercial template.
        /// </summary>
        public static string WorkspaceUrlTemplateFor(Uri accountHost)
        {
            var name = accountHost.Host;
            var dot = name.IndexOf('.');
            if (!IsAccountsHost(accountHost) || dot < 0) return DefaultWorkspaceUrlTemplate;
            var port = accountHost.IsDefaultPort ? "" : ":" + accountHost.Port.ToString(CultureInfo.InvariantCulture);
            return accountHost.Scheme + "://{deployment_name}" + name.Substring(dot) + port;
        }

        /// <summary>
        /// Before a context is built: the host URL's query ids, the host check (nothing is sent to a refused host),
        /// then the host's <c>/.well-known/databricks-config</c> (once, no credential, short timeout), whose
        /// account_id/workspace_id fill what is still unset. Returns the metadata (null when the host did not answer)
        /// and the lines for -Verbose.
        /// </summary>
        public static (HostMetadata? Metadata, IList<string> Notes) Discover(DbxScope kind, ResolvedConfig cfg, HttpMessageInvoker? invoker = null, CancellationToken ct = default)
        {
            var notes = ApplyHostQuery(cfg);
            var hostText = cfg.Host;
            if (string.IsNullOrEmpty(hostText))
            {
                // Create says what is missing; the default accounts host is an ACCOUNT_HOST by name, nothing to ask.
                return (null, notes);
            }
            var host = ValidateHost(hostText!);
            var (meta, note) = HostMetadata.FetchAsync(host, invoker ?? DbxHttp.SharedInvoker, ct).GetAwaiter().GetResult();
            notes.Add(note);
            if (meta != null)
                foreach (var key in meta.ApplyTo(cfg)) notes.Add($"{key}={cfg.Get(key)} from {cfg.SourceOf(key)}");
            return (meta, notes);
        }

        /// <summary>Builds an account or workspace context from the resolved chain (and the host metadata <see cref="Discover"/> read).</summary>
        public static DbxContext Create(DbxScope kind, ResolvedConfig cfg, string? workspaceUrlTemplate, RetryOptions? retry = null, HttpMessageInvoker? invoker = null, HostMetadata? metadata = null)
        {
            ApplyHostQuery(cfg);
            var hostText = cfg.Host;
            if (string.IsNullOrEmpty(hostText))
            {
                if (kind == DbxScope.Account) hostText = DefaultAccountHost;
                else throw new ConfigResolutionException("No workspace host: give -Host, set DATABRICKS_HOST, or name a profile with a host.", "DbxMissingHost");
            }
            var host = ValidateHost(hostText!);
            metadata?.ApplyTo(cfg);
            var accountId = cfg.AccountId;
            if (kind == DbxScope.Account && string.IsNullOrEmpty(accountId))
                throw new ConfigResolutionException("No account id: give -AccountId, set DATABRICKS_ACCOUNT_ID, or name a profile with account_id.", "DbxMissingAccountId");
            if (!string.IsNullOrEmpty(accountId) && !Validation.Ids.IsUuid(accountId!))
                throw new ConfigResolutionException($"'{accountId}' ({cfg.SourceOf("account_id")}) is not a valid Databricks account id (a UUID such as 0d3a4f5e-1234-4c8a-9f00-123456789abc).", "DbxInvalidAccountId");
            long? workspaceId = null;
            if (!string.IsNullOrEmpty(cfg.WorkspaceId))
            {
                if (!long.TryParse(cfg.WorkspaceId, NumberStyles.None, CultureInfo.InvariantCulture, out var w) || w <= 0)
                    throw new ConfigResolutionException($"'{cfg.WorkspaceId}' ({cfg.SourceOf("workspace_id")}) is not a valid workspace id (a positive integer).", "DbxInvalidWorkspaceId");
                workspaceId = w;
            }

            // databricks-sdk-go config/config.go HostType(): the host metadata's host_type when it gave one, else
            // ACCOUNT_HOST for accounts.* / accounts-dod.*, else WORKSPACE_HOST. An account context on any other host
            // without metadata can only be a unified host (account APIs are served there).
            var hostType = metadata?.HostType ?? DbxHostType.Unknown;
            if (hostType == DbxHostType.Unknown)
                hostType = IsAccountsHost(host) ? DbxHostType.Account : kind == DbxScope.Account ? DbxHostType.Unified : DbxHostType.Workspace;
            if (kind == DbxScope.Account && hostType == DbxHostType.Workspace)
                throw new ConfigResolutionException($"{host.GetLeftPart(UriPartial.Authority)} is a workspace host (its {HostMetadata.UrlOf(host)} says WORKSPACE_HOST); connect to it with Connect-DbxWorkspace, or give the account host (https://accounts.cloud.databricks.com).", "DbxInvalidHost");
            bool unified = hostType == DbxHostType.Unified;
            if (kind == DbxScope.Workspace && unified && workspaceId == null)
                throw new ConfigResolutionException($"{host.GetLeftPart(UriPartial.Authority)} is a unified host serving several workspaces: name the workspace with -WorkspaceId, DATABRICKS_WORKSPACE_ID, workspace_id in the profile, or ?o=<workspace id> in the host URL.", "DbxMissingWorkspaceId");

            retry ??= new RetryOptions();
            invoker ??= DbxHttp.SharedInvoker;
            ICredentialProvider creds;
            string source;
            switch (cfg.AuthType)
            {
                case "pat":
                    if (string.IsNullOrEmpty(cfg.Token))
                        throw new ConfigResolutionException("auth_type is 'pat' but no token was given (-Token, DATABRICKS_TOKEN or token in the profile).", "DbxMissingCredentials");
                    creds = new PatCredentialProvider(cfg.Token!);
                    source = cfg.SourceOf("token")!;
                    break;
                case "oauth-m2m":
                    if (string.IsNullOrEmpty(cfg.ClientId) || string.IsNullOrEmpty(cfg.ClientSecret))
                        throw new ConfigResolutionException("OAuth machine-to-machine needs both a client id and a client secret (-ClientId with -ClientSecret or -Credential; DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET; or client_id/client_secret in the profile).", "DbxMissingCredentials");
                    creds = new OAuthM2MCredentialProvider(TokenEndpoint(kind, host, hostType, accountId), cfg.ClientId!, cfg.ClientSecret!, invoker);
                    source = cfg.SourceOf("client_secret")!;
                    break;
                case "basic":
                    throw new ConfigResolutionException($"Basic authentication (username and password, {cfg.SourceOf("password") ?? cfg.SourceOf("username")}) is not supported by this module: Databricks on AWS accounts no longer accept it. Use a token (-Token) or an OAuth service principal (-ClientId/-ClientSecret).", "DbxUnsupportedAuthType");
                case var t when SignInMethods.Handles(t):
                    creds = SignInMethods.Create(t!, kind, cfg, host, accountId, workspaceId, invoker, out source);
                    break;
                case null:
                    throw new ConfigResolutionException(
                        "No Databricks credentials were found. Give -Token, or -ClientId with -ClientSecret (or -Credential), or -Profile; " +
                        $"or set DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET; or add them to the [DEFAULT] profile of {cfg.ConfigFilePath}.", "DbxMissingCredentials");
                default:
                    throw new ConfigResolutionException($"auth_type '{cfg.AuthType}' ({cfg.SourceOf("auth_type") ?? "chosen from the attributes present"}) is not supported by this module; use pat, oauth-m2m, external-browser, databricks-cli, env-oidc, file-oidc or github-oidc.", "DbxUnsupportedAuthType");
            }

            return new DbxContext(kind, host, accountId, workspaceId, creds, source, cfg.Profile,
                string.IsNullOrEmpty(workspaceUrlTemplate) ? WorkspaceUrlTemplateFor(host) : workspaceUrlTemplate!, retry, invoker, unified);
        }

        /// <summary>
        /// The OAuth token endpoint (databricks-sdk-go config.go getOidcEndpoints): a workspace context on a workspace
        /// host uses the workspace's own <c>{host}/oidc/v1/token</c> whatever account id is configured; account contexts,
        /// and workspace contexts on a unified host, use <c>{host}/oidc/accounts/{account_id}/v1/token</c>.
        /// </summary>
        public static Uri TokenEndpoint(DbxScope kind, Uri host, DbxHostType hostType, string? accountId)
        {
            bool account = kind == DbxScope.Account || hostType == DbxHostType.Unified;
            if (!account) return new Uri(host, "/oidc/v1/token");
            if (string.IsNullOrEmpty(accountId))
                throw new ConfigResolutionException($"{host.GetLeftPart(UriPartial.Authority)} is a unified host: OAuth tokens come from the account's token endpoint, so the account id is needed (-AccountId, DATABRICKS_ACCOUNT_ID, account_id in the profile, or ?a=<account id> in the host URL).", "DbxMissingAccountId");
            return new Uri(host, "/oidc/accounts/" + Uri.EscapeDataString(accountId!) + "/v1/token");
        }
    }
}
