using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>Workspace API <c>/api/2.0/workspace-conf</c>: string key/value settings such as <c>enableIpAccessLists</c>.</summary>
    public sealed class WorkspaceConfApi
    {
        public const string EnableIpAccessLists = "enableIpAccessLists";
        private const string Path = "/api/2.0/workspace-conf";
        private readonly DbxClient client;
        public WorkspaceConfApi(DbxClient client) { this.client = client; }

        /// <summary>The values of the keys; a key that was never set has a null value.</summary>
        public Task<Dictionary<string, string?>> GetAsync(IEnumerable<string> keys, CancellationToken ct) =>
            client.GetAsync<Dictionary<string, string?>>(Path, ct, ("keys", string.Join(",", keys)));

        /// <summary>Sets string values (<c>"true"</c>/<c>"false"</c> for the switches); the answer is empty.</summary>
        public Task SetAsync(IDictionary<string, string> values, CancellationToken ct) =>
            client.SendRawAsync(new HttpMethod("PATCH"), Path, new Dictionary<string, string>(values), ct);
    }
}
