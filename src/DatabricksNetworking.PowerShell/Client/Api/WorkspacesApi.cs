using System.Collections.Generic;
using System.Linq;
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

        public async Task<List<Workspace>> ListAsync(CancellationToken ct)
        {
            var list = await client.GetAsync<List<Workspace>>(client.AccountPath("workspaces"), ct).ConfigureAwait(false);
            foreach (var w in list) Stamp(w);
            return list;
        }

        public async Task<Workspace> GetAsync(long workspaceId, CancellationToken ct) =>
            Stamp(await client.GetAsync<Workspace>(client.AccountPath("workspaces/" + RequestGuard.Segment(workspaceId)), ct).ConfigureAwait(false));

        /// <summary>Through an accounts host, WorkspaceUrl follows the account host's domain (GovCloud: .cloud.databricks.us);
        /// through a unified host, the workspace is reached on that host (Connect-DbxWorkspace -Workspace).</summary>
        private Workspace Stamp(Workspace w)
        {
            if (w != null && !client.IsUnifiedHost) w.UrlTemplate = client.WorkspaceUrlTemplate;
            if (w != null && client.IsUnifiedHost) w.UnifiedHost = client.Http.BaseUri.GetLeftPart(System.UriPartial.Authority);
            return w!;
        }

        /// <summary>POST: the new workspace (PROVISIONING) as the service answers it (provisioning/impl.go workspacesImpl.Create).</summary>
        public async Task<Workspace> CreateAsync(WorkspaceCreateRequest request, CancellationToken ct) =>
            Stamp(await client.SendAsync<Workspace>(HttpMethod.Post, client.AccountPath("workspaces"), request, ct).ConfigureAwait(false));

        /// <summary>DELETE: the service answers with the deleted workspace (older services with no body).</summary>
        public Task DeleteAsync(long workspaceId, CancellationToken ct) =>
            client.SendRawAsync(HttpMethod.Delete, client.AccountPath("workspaces/" + RequestGuard.Segment(workspaceId)), null, ct);

        /// <summary>
        /// PATCH with <c>update_mask</c>: the mask names exactly the fields in <paramref name="fields"/> (sorted,
        /// comma-separated, no spaces), the body carries them at top level. Older services answer with no body;
        /// the workspace is read back then.
        /// </summary>
        public async Task<Workspace> UpdateAsync(long workspaceId, IDictionary<string, string> fields, CancellationToken ct)
        {
            var path = client.AccountPath("workspaces/" + RequestGuard.Segment(workspaceId));
            var mask = string.Join(",", fields.Keys.OrderBy(k => k, System.StringComparer.Ordinal));
            var body = new SortedDictionary<string, string>(fields.ToDictionary(kv => kv.Key, kv => kv.Value), System.StringComparer.Ordinal);
            var resp = await client.SendRawAsync(new HttpMethod("PATCH"), path, body, ct, ("update_mask", mask)).ConfigureAwait(false);
            if (resp.Body.Length <= 2) return await GetAsync(workspaceId, ct).ConfigureAwait(false);
            return Stamp(Json.Deserialize<Workspace>(resp));
        }

        /// <summary>Reads the NCC a binding names (for the region check before a PATCH).</summary>
        public Task<NetworkConnectivityConfigRef> GetNetworkConnectivityConfigAsync(string nccId, CancellationToken ct) =>
            client.GetAsync<NetworkConnectivityConfigRef>(client.AccountPath("network-connectivity-configs/" + RequestGuard.Segment(DbxIdKind.NetworkConnectivityConfig, nccId)), ct);
    }
}
