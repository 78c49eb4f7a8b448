using System;
using System.Net.Http;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>
    /// Builds the credential providers of the user and workload sign-in methods from the resolved configuration
    /// (the <c>case</c>s of <see cref="ContextFactory.Create"/> for external-browser, databricks-cli, env-oidc,
    /// file-oidc and github-oidc). Attribute names and environment variables are the Go SDK's (config/config.go).
    /// </summary>
    internal static class SignInMethods
    {
        public static bool Handles(string? authType) => authType switch
        {
            "external-browser" or "databricks-cli" or "env-oidc" or "file-oidc" or "github-oidc" => true,
            _ => false,
        };

        /// <summary>An attribute from the resolved chain, else its environment variable (until the resolver lists it).</summary>
        private static (string? Value, string Source) Attr(ResolvedConfig cfg, string name, string envVar, Func<string, string?> env)
        {
            var v = cfg.Get(name);
            if (!string.IsNullOrEmpty(v)) return (v, cfg.SourceOf(name)!);
            v = env(envVar);
            return (string.IsNullOrEmpty(v) ? null : v, "environment variable " + envVar);
        }

        public static ICredentialProvider Create(string authType, DbxScope kind, ResolvedConfig cfg, Uri host, string? accountId, long? workspaceId,
            HttpMessageInvoker invoker, out string source, Func<string, string?>? env = null)
        {
            env ??= Environment.GetEnvironmentVariable;
            // A workspace on an accounts host has no account endpoints of its own; elsewhere an account id means the account OIDC server.
            var oidcAccount = kind == DbxScope.Workspace && ContextFactory.IsAccountsHost(host) ? null : accountId;
            var audience = Attr(cfg, "audience", "DATABRICKS_TOKEN_AUDIENCE", env).Value ?? cfg.Get("token_audience");
            switch (authType)
            {
                case "external-browser":
                case "databricks-cli":
                {
                    var cache = new DatabricksTokenCache(DatabricksTokenCache.DefaultPath(env));
                    // The OAuth app of a user sign-in (-ClientId, client_id); a client id that comes with a client secret is a
                    // service principal's for M2M (DATABRICKS_CLIENT_ID/SECRET left in the shell), not an app to sign in with.
                    var clientId = authType == "external-browser" && string.IsNullOrEmpty(cfg.ClientSecret) ? cfg.ClientId : null;
                    var p = new U2MCredentialProvider(authType, host, oidcAccount, workspaceId, clientId, cfg.Profile, cache, U2MCredentialProvider.DefaultRedirectPort, invoker);
                    source = (authType == "external-browser" ? "browser sign-in" : "Databricks CLI login") + $" (token cache {cache.Path})";
                    return p;
                }
                case "env-oidc":
                {
                    var (name, from) = Attr(cfg, "oidc_token_env", "DATABRICKS_OIDC_TOKEN_ENV", env);
                    var variable = name ?? "DATABRICKS_OIDC_TOKEN";
                    if (string.IsNullOrEmpty(env(variable)))
                        throw new ConfigResolutionException($"auth_type is 'env-oidc' but the environment variable {variable}{(name != null ? " (named by " + from + ")" : "")} holds no ID token.", "DbxMissingCredentials");
                    source = "environment variable " + variable;
                    return new WorkloadIdentityCredentialProvider(authType, host, oidcAccount, workspaceId, RequireClient(cfg, authType), audience,
                        WorkloadIdentityCredentialProvider.FromEnvironment(variable, env), source, invoker);
                }
                case "file-oidc":
                {
                    var (path, from) = Attr(cfg, "databricks_id_token_filepath", "DATABRICKS_OIDC_TOKEN_FILEPATH", env);
                    path ??= cfg.Get("oidc_token_filepath");
                    if (string.IsNullOrEmpty(path))
                        throw new ConfigResolutionException("auth_type is 'file-oidc' but no ID token file was named (DATABRICKS_OIDC_TOKEN_FILEPATH or databricks_id_token_filepath in the profile).", "DbxMissingCredentials");
                    if (!System.IO.File.Exists(path))
                        throw new ConfigResolutionException($"The ID token file '{path}' ({from}) does not exist.", "DbxMissingCredentials");
                    source = "ID token file " + path + " (" + from + ")";
                    return new WorkloadIdentityCredentialProvider(authType, host, oidcAccount, workspaceId, RequireClient(cfg, authType), audience,
                        WorkloadIdentityCredentialProvider.FromFile(path!), "file " + path, invoker);
                }
                default: // github-oidc
                {
                    var url = Attr(cfg, "actions_id_token_request_url", "ACTIONS_ID_TOKEN_REQUEST_URL", env).Value;
                    var token = Attr(cfg, "actions_id_token_request_token", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", env).Value;
                    SecretRegistry.Register(token);
                    if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(token))
                        throw new ConfigResolutionException("auth_type is 'github-oidc' but ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not both set (give the job 'permissions: id-token: write').", "DbxMissingCredentials");
                    if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttps && !(u.Scheme == Uri.UriSchemeHttp && ContextFactory.IsLoopback(u.Host))))
                        throw new ConfigResolutionException($"ACTIONS_ID_TOKEN_REQUEST_URL '{url}' must be an https:// URL (http:// only for loopback).", "DbxInvalidHost");
                    source = "GitHub Actions ID token (ACTIONS_ID_TOKEN_REQUEST_URL)";
                    return new WorkloadIdentityCredentialProvider(authType, host, oidcAccount, workspaceId, RequireClient(cfg, authType), audience,
                        WorkloadIdentityCredentialProvider.FromGitHubActions(url!, token!, invoker), "the GitHub Actions ID token URL " + u.GetLeftPart(UriPartial.Path), invoker);
                }
            }
        }

        private static string? RequireClient(ResolvedConfig cfg, string authType)
        {
            // Without a client id the SDK uses account-wide token federation; the service principal's client id is the usual case.
            if (string.IsNullOrEmpty(cfg.ClientId))
                Client.DbxLog.Verbose($"{authType}: no client id given; using account-wide token federation");
            return cfg.ClientId;
        }
    }
}
