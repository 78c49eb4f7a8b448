using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Client
{
    public enum DbxScope { Account, Workspace }

    /// <summary>One page of a paged list, and the token of the next page (null at the end).</summary>
    public sealed class Page<T>
    {
        public Page(IReadOnlyList<T> items, string? nextPageToken) { Items = items; NextPageToken = string.IsNullOrEmpty(nextPageToken) ? null : nextPageToken; }
        public IReadOnlyList<T> Items { get; }
        public string? NextPageToken { get; }
    }

    /// <summary>
    /// The typed Databricks client of one context: knows the account id, the workspace it addresses (if any)
    /// and how to reach a workspace of the account. API families (Client/Api) are thin classes over it.
    /// </summary>
    public sealed class DbxClient
    {
        private readonly ConcurrentDictionary<long, Lazy<Task<DbxClient>>> workspaceClients = new ConcurrentDictionary<long, Lazy<Task<DbxClient>>>();
        private readonly OAuthM2MCredentialProvider? m2m;

        public DbxClient(DbxHttp http, DbxScope scope, string? accountId, long? workspaceId, bool unifiedHost, string workspaceUrlTemplate)
        {
            Http = http;
            Scope = scope;
            AccountId = accountId;
            WorkspaceId = workspaceId;
            IsUnifiedHost = unifiedHost;
            WorkspaceUrlTemplate = workspaceUrlTemplate;
            m2m = http.Credentials as OAuthM2MCredentialProvider;
        }

        public DbxHttp Http { get; }
        public DbxScope Scope { get; }
        public string? AccountId { get; }
        public long? WorkspaceId { get; }
        public bool IsUnifiedHost { get; }
        public string WorkspaceUrlTemplate { get; }

        /// <summary><c>/api/2.0/accounts/{account_id}/{rest}</c>; fails clearly when the context has no account id.</summary>
        public string AccountPath(string rest) => AccountRoot("/api/2.0/accounts/") + rest;

        /// <summary><c>/api/networking/v1/accounts/{account_id}/{rest}</c> (the networking v1 API, e.g. registered endpoints).</summary>
        public string NetworkingAccountPath(string rest) => AccountRoot("/api/networking/v1/accounts/") + rest;

        private string AccountRoot(string prefix)
        {
            if (string.IsNullOrEmpty(AccountId))
                throw new InvalidOperationException("This context has no account id. Connect with Connect-DbxAccount -AccountId, or set DATABRICKS_ACCOUNT_ID.");
            return prefix + RequestGuard.Segment(Validation.DbxIdKind.Account, AccountId) + "/";
        }

        public DbxRequest NewRequest(HttpMethod method, string path)
        {
            var req = new DbxRequest(method, path);
            if (Scope == DbxScope.Workspace) req.WorkspaceId = WorkspaceId;
            return req;
        }

        public Task<DbxResponse> SendAsync(DbxRequest request, CancellationToken ct) => Http.SendAsync(request, ct);

        public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct, params (string Name, string? Value)[] query)
        {
            var resp = await SendRawAsync(method, path, body, ct, query).ConfigureAwait(false);
            return Json.Deserialize<T>(resp);
        }

        public async Task<DbxResponse> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken ct, params (string Name, string? Value)[] query)
        {
            var req = NewRequest(method, path);
            foreach (var q in query) req.WithQuery(q.Name, q.Value);
            if (body != null) req.Body = body as byte[] ?? System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json.Options);
            return await Http.SendAsync(req, ct).ConfigureAwait(false);
        }

        public Task<T> GetAsync<T>(string path, CancellationToken ct, params (string Name, string? Value)[] query) => SendAsync<T>(HttpMethod.Get, path, null, ct, query);

        /// <summary>
        /// A client for a workspace of this account. On a unified host it is the same host and credentials with
        /// the workspace id in X-Databricks-Workspace-Id; on an accounts host the workspace URL comes from the template
        /// and the workspace's deployment name, and OAuth tokens come from the workspace's own token endpoint.
        /// </summary>
        public Task<DbxClient> ForWorkspaceAsync(long workspaceId, CancellationToken ct) => ForWorkspaceAsync(workspaceId, null, ct);

        /// <summary>As <see cref="ForWorkspaceAsync(long, CancellationToken)"/> for a workspace already read: its deployment name
        /// is known, so an accounts host needs no extra GET of the workspace (scans of many workspaces).</summary>
        public Task<DbxClient> ForWorkspaceAsync(Workspace workspace, CancellationToken ct) =>
            ForWorkspaceAsync(workspace.WorkspaceId, string.IsNullOrEmpty(workspace.DeploymentName) ? null : workspace.DeploymentName, ct);

        private Task<DbxClient> ForWorkspaceAsync(long workspaceId, string? deploymentName, CancellationToken ct)
        {
            if (Scope == DbxScope.Workspace && WorkspaceId == workspaceId) return Task.FromResult(this);
            if (Scope == DbxScope.Workspace)
                throw new InvalidOperationException($"This is a workspace context for workspace {WorkspaceId}; connect to the account (Connect-DbxAccount) to reach workspace {workspaceId}.");
            var lazy = workspaceClients.GetOrAdd(workspaceId, id => new Lazy<Task<DbxClient>>(() => CreateWorkspaceClientAsync(id, deploymentName, CancellationToken.None)));
            return ForgetIfFailed(workspaceId, lazy);
        }

        // A failed lookup (a transient error, or a workspace created a moment later) must not be cached for the context's lifetime.
        private async Task<DbxClient> ForgetIfFailed(long workspaceId, Lazy<Task<DbxClient>> lazy)
        {
            try { return await lazy.Value.ConfigureAwait(false); }
            catch
            {
                ((ICollection<KeyValuePair<long, Lazy<Task<DbxClient>>>>)workspaceClients).Remove(new KeyValuePair<long, Lazy<Task<DbxClient>>>(workspaceId, lazy));
                throw;
            }
        }

        private async Task<DbxClient> CreateWorkspaceClientAsync(long workspaceId, string? deploymentName, CancellationToken ct)
        {
            if (IsUnifiedHost)
                return new DbxClient(Http, DbxScope.Workspace, AccountId, workspaceId, true, WorkspaceUrlTemplate);

            deploymentName ??= (await GetAsync<Workspace>(AccountPath("workspaces/" + RequestGuard.Segment(workspaceId)), ct).ConfigureAwait(false)).DeploymentName;
            RequestGuard.CheckDeploymentName(deploymentName);
            var host = WorkspaceUrlTemplate.Replace("{deployment_name}", deploymentName ?? "").Replace("{workspace_id}", workspaceId.ToString(CultureInfo.InvariantCulture));
            var uri = ContextFactory.ValidateHost(host);
            // Only OAuth client credentials mint a token at the workspace's own endpoint; a token (PAT, user or workload
            // sign-in) was issued for the account host and is never sent to another host.
            var sameAuthority = Uri.Compare(uri, Http.BaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
            if (m2m == null && !sameAuthority)
                throw new DbxRequestRefusedException(RequestGuard.CredentialHostMismatch,
                    $"The {Http.Credentials.AuthType} credential of this context was issued for {Http.BaseUri.Host} and is not sent to workspace {workspaceId} at {uri.Host}. " +
                    $"Connect to the workspace itself (Connect-DbxWorkspace -WorkspaceHost {uri.GetLeftPart(UriPartial.Authority)}), or connect the account with an OAuth service principal (-ClientId/-ClientSecret).",
                    "GET", uri.AbsolutePath, workspaceId);
            ICredentialProvider creds = m2m != null ? m2m.WithTokenEndpoint(new Uri(uri, "/oidc/v1/token")) : Http.Credentials;
            var http = new DbxHttp(uri, creds, Http.Retry, Http.Invoker, pacer: Http.Pacer);
            return new DbxClient(http, DbxScope.Workspace, AccountId, workspaceId, false, WorkspaceUrlTemplate);
        }
    }
}

namespace DatabricksNetworking.Client
{
    public static class Paging
    {
        /// <summary>Lazily walks a paged list: the next page is fetched only when the consumer asks past the current one.</summary>
        public static IEnumerable<T> Enumerate<T>(Func<string?, Page<T>> fetchPage)
        {
            string? token = null;
            do
            {
                var page = fetchPage(token);
                foreach (var item in page.Items) yield return item;
                token = page.NextPageToken;
            } while (token != null);
        }
    }
}
