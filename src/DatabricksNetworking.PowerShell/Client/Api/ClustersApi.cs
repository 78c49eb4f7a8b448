using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>
    /// Workspace clusters API <c>GET /api/2.0/clusters/list</c>, read only to learn whether classic compute runs in a
    /// workspace (the account API refuses some workspace updates while it does).
    /// </summary>
    public sealed class ClustersApi
    {
        private const string Path = "/api/2.0/clusters/list";
        private readonly DbxClient client;
        public ClustersApi(DbxClient client) { this.client = client; }

        /// <summary>The clusters that have instances running (PENDING, RUNNING, RESTARTING, RESIZING, TERMINATING); follows next_page_token.</summary>
        public async Task<List<ClusterSummary>> ListRunningAsync(CancellationToken ct)
        {
            var all = new List<ClusterSummary>();
            string? token = null;
            for (int page = 0; page < 1000; page++)
            {
                var list = await client.GetAsync<ClusterList>(Path, ct, ("page_token", token)).ConfigureAwait(false);
                all.AddRange(list.Clusters ?? new List<ClusterSummary>());
                token = list.NextPageToken;
                if (string.IsNullOrEmpty(token)) break;
            }
            return all.Where(c => c.IsRunning).ToList();
        }
    }
}
