using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>
    /// Account API <c>/api/2.0/accounts/{account_id}/network-connectivity-configs</c> and their
    /// <c>private-endpoint-rules</c>: <c>{items, next_page_token}</c> lists paged with <c>page_token</c>.
    /// </summary>
    public sealed class NetworkConnectivityApi
    {
        private readonly DbxClient client;
        public NetworkConnectivityApi(DbxClient client) { this.client = client; }

        private string NccPath(string? id = null) =>
            client.AccountPath("network-connectivity-configs" + (id == null ? "" : "/" + RequestGuard.Segment(DbxIdKind.NetworkConnectivityConfig, id)));

        private string RulePath(string nccId, string? ruleId = null) =>
            NccPath(nccId) + "/private-endpoint-rules" + (ruleId == null ? "" : "/" + RequestGuard.Segment(DbxIdKind.PrivateEndpointRule, ruleId));

        public Task<Page<NetworkConnectivityConfig>> ListPageAsync(string? pageToken, CancellationToken ct) =>
            PageAsync<NetworkConnectivityConfig>(NccPath(), pageToken, ct);

        public Task<NetworkConnectivityConfig> GetAsync(string nccId, CancellationToken ct) =>
            client.GetAsync<NetworkConnectivityConfig>(NccPath(nccId), ct);

        public Task<NetworkConnectivityConfig> CreateAsync(string name, string region, CancellationToken ct) =>
            client.SendAsync<NetworkConnectivityConfig>(HttpMethod.Post, NccPath(), new CreateNetworkConnectivityConfigRequest { Name = name, Region = region }, ct);

        public Task DeleteAsync(string nccId, CancellationToken ct) =>
            client.SendRawAsync(HttpMethod.Delete, NccPath(nccId), null, ct);

        public Task<Page<PrivateEndpointRule>> ListRulesPageAsync(string nccId, string? pageToken, CancellationToken ct) =>
            PageAsync<PrivateEndpointRule>(RulePath(nccId), pageToken, ct);

        public Task<PrivateEndpointRule> GetRuleAsync(string nccId, string ruleId, CancellationToken ct) =>
            client.GetAsync<PrivateEndpointRule>(RulePath(nccId, ruleId), ct);

        public Task<PrivateEndpointRule> CreateRuleAsync(string nccId, CreatePrivateEndpointRuleRequest body, CancellationToken ct) =>
            client.SendAsync<PrivateEndpointRule>(HttpMethod.Post, RulePath(nccId), body, ct);

        /// <summary>PATCH with <c>update_mask</c> (comma-separated wire field names).</summary>
        public Task<PrivateEndpointRule> UpdateRuleAsync(string nccId, string ruleId, UpdatePrivateEndpointRuleRequest body, string updateMask, CancellationToken ct) =>
            client.SendAsync<PrivateEndpointRule>(new HttpMethod("PATCH"), RulePath(nccId, ruleId), body, ct, ("update_mask", updateMask));

        /// <summary>DELETE; the answer is the rule as it was. A retried DELETE whose first attempt removed the rule
        /// answers with no body (see DbxHttp): the rule is gone then.</summary>
        public async Task<PrivateEndpointRule> DeleteRuleAsync(string nccId, string ruleId, CancellationToken ct)
        {
            var resp = await client.SendRawAsync(HttpMethod.Delete, RulePath(nccId, ruleId), null, ct).ConfigureAwait(false);
            if (resp.Body.Length == 0) return new PrivateEndpointRule { RuleId = ruleId, NetworkConnectivityConfigId = nccId };
            return Json.Deserialize<PrivateEndpointRule>(resp);
        }

        private Task<Page<T>> PageAsync<T>(string path, string? pageToken, CancellationToken ct) => ItemsPaging.GetPageAsync<T>(client, path, pageToken, ct);
    }

    /// <summary>One page of an <c>{items, next_page_token}</c> list, asked for with <c>page_token</c>.</summary>
    internal static class ItemsPaging
    {
        public static async Task<Page<T>> GetPageAsync<T>(DbxClient client, string path, string? pageToken, CancellationToken ct)
        {
            var page = await client.GetAsync<ItemsPage<T>>(path, ct, ("page_token", pageToken)).ConfigureAwait(false);
            return new Page<T>(page.Items ?? new System.Collections.Generic.List<T>(), page.NextPageToken);
        }
    }
}
