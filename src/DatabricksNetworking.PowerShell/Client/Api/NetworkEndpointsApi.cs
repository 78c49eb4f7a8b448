using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>
    /// Networking v1 API <c>/api/networking/v1/accounts/{account_id}/endpoints</c> (registered endpoints, e.g. Service
    /// Direct): the create body is the endpoint itself (no wrapper), lists are <c>{items, next_page_token}</c>.
    /// </summary>
    public sealed class NetworkEndpointsApi
    {
        private readonly DbxClient client;
        public NetworkEndpointsApi(DbxClient client) { this.client = client; }

        private string PathOf(string? id = null) =>
            client.NetworkingAccountPath("endpoints" + (id == null ? "" : "/" + RequestGuard.Segment(DbxIdKind.NetworkEndpoint, id)));

        public Task<Page<NetworkEndpoint>> ListPageAsync(string? pageToken, CancellationToken ct) =>
            ItemsPaging.GetPageAsync<NetworkEndpoint>(client, PathOf(), pageToken, ct);

        public Task<NetworkEndpoint> GetAsync(string endpointId, CancellationToken ct) =>
            client.GetAsync<NetworkEndpoint>(PathOf(endpointId), ct);

        /// <summary>Registers an AWS endpoint: only display_name, region and aws_vpc_endpoint_info.aws_vpc_endpoint_id are sent.</summary>
        public Task<NetworkEndpoint> CreateAsync(string displayName, string region, string awsVpcEndpointId, CancellationToken ct) =>
            client.SendAsync<NetworkEndpoint>(HttpMethod.Post, PathOf(), new NetworkEndpoint
            {
                DisplayName = displayName,
                Region = region,
                AwsVpcEndpointInfo = new AwsVpcEndpointInfo { AwsVpcEndpointId = awsVpcEndpointId },
            }, ct);

        public Task DeleteAsync(string endpointId, CancellationToken ct) => client.SendRawAsync(HttpMethod.Delete, PathOf(endpointId), null, ct);
    }
}
