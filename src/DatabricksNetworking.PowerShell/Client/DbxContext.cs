using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
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
            string credentialSource, string? profile, string workspaceUrlTemplate, RetryOptions retry, HttpMessageInvoker? invoker = null)
        {
            Kind = kind;
            Host = host.GetLeftPart(UriPartial.Authority);
            AccountId = accountId;
            WorkspaceId = workspaceId;
            AuthType = credentials.AuthType;
            ClientId = (credentials as OAuthM2MCredentialProvider)?.ClientId;
            CredentialSource = credentialSource;
            Profile = profile;
            WorkspaceUrlTemplate = workspaceUrlTemplate;
            Retry = retry;
            IsUnifiedHost = kind == DbxScope.Account ? !ContextFactory.IsAccountsHost(host) : accountId != null;
            var http = new DbxHttp(host, credentials, retry, invoker);
            Client = new DbxClient(http, kind, accountId, workspaceId, IsUnifiedHost, workspaceUrlTemplate);
            ConnectedAt = DateTimeOffset.Now;
        }

        /// <summary>Account or Workspace.</summary>
        public DbxScope Kind { get; }
        public string Host { get; }
        public string? AccountId { get; }
        public long? WorkspaceId { get; }
        public string AuthType { get; }
        public string? ClientId { get; }
        /// <summary>Where the credentials came from (parameter, environment variable, profile), never the credentials.</summary>
        public string CredentialSource { get; }
        public string? Profile { get; }
        /// <summary>How a workspace of this account is reached when the host is an accounts host, e.g. <c>https://{deployment_name}.cloud.databricks.com</c>.</summary>
        public string WorkspaceUrlTemplate { get; }
        /// <summary>True when account and workspace APIs share this host (workspace calls carry X-Databricks-Org-Id).</summary>
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
        public DateTimeOffset ConnectedAt { get; }

        internal DbxClient Client { get; }

        public override string ToString() =>
            Kind == DbxScope.Account ? $"Account {AccountId} at {Host} ({AuthType})" : $"Workspace {WorkspaceId?.ToString(CultureInfo.InvariantCulture) ?? "?"} at {Host} ({AuthType})";
    }

    /// <summary>The session's default contexts (one account, one workspace), shared by all runspaces of the process.</summary>
    public static class DbxSession
    {
        private static readonly object Gate = new object();
        private static DbxContext? account, workspace;

        public static DbxContext? DefaultAccount { get { lock (Gate) return account; } set { lock (Gate) account = value; } }
        public static DbxContext? DefaultWorkspace { get { lock (Gate) return workspace; } set { lock (Gate) workspace = value; } }
    }

    /// <summary>Builds contexts from a resolved configuration; checks hosts (https, except loopback over http).</summary>
    public static class ContextFactory
    {
        public const string DefaultAccountHost = "https://accounts.cloud.databricks.com";
        public const string DefaultWorkspaceUrlTemplate = "https://{deployment_name}.cloud.databricks.com";

        public static bool IsAccountsHost(Uri host) =>
            host.Host.StartsWith("accounts.", StringComparison.OrdinalIgnoreCase) || host.Host.StartsWith("accounts-dod.", StringComparison.OrdinalIgnoreCase);

        public static bool IsLoopback(string host)
        {
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
            var h = host.Trim('[', ']');
            return IPAddress.TryParse(h, out var ip) && IPAddress.IsLoopback(ip);
        }

        /// <summary>Parses a host URL: <c>https://</c> required, <c>http://</c> only for loopback; a bare name gets https.</summary>
        public static Uri ValidateHost(string host)
        {
            if (string.IsNullOrWhiteSpace(host)) throw new ConfigResolutionException("The host is empty.", "DbxInvalidHost");
            var text = host.Trim();
            if (!text.Contains("://")) text = "https://" + text;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
                throw new ConfigResolutionException($"'{host}' is not a valid host URL.", "DbxInvalidHost");
            if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri.Host))
                throw new ConfigResolutionException($"'{host}' uses http://, which is allowed only for loopback hosts (localhost, 127.0.0.1, ::1). Use https://.", "DbxInsecureHost");
            if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                throw new ConfigResolutionException($"'{host}' must start with https://.", "DbxInvalidHost");
            if (uri.AbsolutePath != "/" && uri.AbsolutePath.Length > 0)
                uri = new Uri(uri.GetLeftPart(UriPartial.Authority));
            return uri;
        }

        /// <summary>Builds an account or workspace context from the resolved chain.</summary>
        public static DbxContext Create(DbxScope kind, ResolvedConfig cfg, string? workspaceUrlTemplate, RetryOptions? retry = null, HttpMessageInvoker? invoker = null)
        {
            var hostText = cfg.Host;
            if (string.IsNullOrEmpty(hostText))
            {
                if (kind == DbxScope.Account) hostText = DefaultAccountHost;
                else throw new ConfigResolutionException("No workspace host: give -Host, set DATABRICKS_HOST, or name a profile with a host.", "DbxMissingHost");
            }
            var host = ValidateHost(hostText!);
            var accountId = cfg.AccountId;
            if (kind == DbxScope.Account && string.IsNullOrEmpty(accountId))
                throw new ConfigResolutionException("No account id: give -AccountId, set DATABRICKS_ACCOUNT_ID, or name a profile with account_id.", "DbxMissingAccountId");
            if (!string.IsNullOrEmpty(accountId) && !Validation.Ids.IsUuid(accountId!))
                throw new ConfigResolutionException($"'{accountId}' is not a valid Databricks account id (a UUID such as 0d3a4f5e-1234-4c8a-9f00-123456789abc).", "DbxInvalidAccountId");
            long? workspaceId = null;
            if (!string.IsNullOrEmpty(cfg.WorkspaceId))
            {
                if (!long.TryParse(cfg.WorkspaceId, NumberStyles.None, CultureInfo.InvariantCulture, out var w) || w <= 0)
                    throw new ConfigResolutionException($"'{cfg.WorkspaceId}' ({cfg.SourceOf("workspace_id")}) is not a valid workspace id (a positive integer).", "DbxInvalidWorkspaceId");
                workspaceId = w;
            }

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
                    var useAccountEndpoint = !string.IsNullOrEmpty(accountId) && (kind == DbxScope.Account || !IsAccountsHost(host));
                    var endpoint = useAccountEndpoint
                        ? new Uri(host, "/oidc/accounts/" + Uri.EscapeDataString(accountId!) + "/v1/token")
                        : new Uri(host, "/oidc/v1/token");
                    creds = new OAuthM2MCredentialProvider(endpoint, cfg.ClientId!, cfg.ClientSecret!, invoker);
                    source = cfg.SourceOf("client_secret")!;
                    break;
                case null:
                    throw new ConfigResolutionException(
                        "No Databricks credentials were found. Give -Token, or -ClientId with -ClientSecret (or -Credential), or -Profile; " +
                        $"or set DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET; or add them to the [DEFAULT] profile of {cfg.ConfigFilePath}.", "DbxMissingCredentials");
                default:
                    throw new ConfigResolutionException($"auth_type '{cfg.AuthType}' ({cfg.SourceOf("auth_type")}) is not supported by this module; use 'pat' or 'oauth-m2m'.", "DbxUnsupportedAuthType");
            }

            return new DbxContext(kind, host, accountId, workspaceId, creds, source, cfg.Profile,
                string.IsNullOrEmpty(workspaceUrlTemplate) ? DefaultWorkspaceUrlTemplate : workspaceUrlTemplate!, retry, invoker);
        }
    }
}
