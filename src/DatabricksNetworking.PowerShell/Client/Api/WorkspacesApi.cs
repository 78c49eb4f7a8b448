using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>Account API: <c>/api/2.0/accounts/{account_id}/workspaces</c> (bare JSON array lists).</summary>
    public sealed class WorkspacesApi
    {
        private readonly DbxClient client;
        public WorkspacesApi(DbxClient client) { this.client = client; }

        public Task<List<Workspace>> ListAsync(CancellationToken ct) =>
            client.GetAsync<List<Workspace>>(client.AccountPath("workspaces"), ct);

        public Task<Workspace> GetAsync(long workspaceId, CancellationToken ct) =>
            client.GetAsync<Workspace>(client.AccountPath("workspaces/" + Ids.Format(workspaceId)), ct);
    }
}
