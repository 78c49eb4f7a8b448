using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>Produces the Authorization header of a request. Implementations hold the secret; nothing else does.</summary>
    public interface ICredentialProvider
    {
        /// <summary><c>pat</c> or <c>oauth-m2m</c>.</summary>
        string AuthType { get; }

        /// <summary>True when a 401 can be cured by fetching a new token.</summary>
        bool CanRefresh { get; }

        Task<string> GetAuthorizationAsync(bool forceRefresh, CancellationToken ct);
    }

    public sealed class PatCredentialProvider : ICredentialProvider
    {
        private readonly string header;

        public PatCredentialProvider(string token)
        {
            SecretRegistry.Register(token);
            header = "Bearer " + token;
        }

        public string AuthType => "pat";
        public bool CanRefresh => false;
        public Task<string> GetAuthorizationAsync(bool forceRefresh, CancellationToken ct) => Task.FromResult(header);
        public override string ToString() => "pat";
    }

    /// <summary>
    /// OAuth machine-to-machine: client-credentials grant with HTTP Basic client authentication and scope
    /// <c>all-apis</c>. The access token is cached, renewed shortly before it expires, and fetched again
    /// once when the service answers 401 (forceRefresh).
    /// </summary>
    public sealed class OAuthM2MCredentialProvider : ICredentialProvider
    {
        private readonly Uri tokenEndpoint;
        private readonly string basic;
        private readonly HttpMessageInvoker http;
        private readonly Func<DateTimeOffset> now;
        private readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        private string? accessHeader;
        private DateTimeOffset expiresAt;

        /// <summary>How long before expiry a token is renewed.</summary>
        public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

        public OAuthM2MCredentialProvider(Uri tokenEndpoint, string clientId, string clientSecret, HttpMessageInvoker http, Func<DateTimeOffset>? clock = null)
        {
            this.tokenEndpoint = tokenEndpoint;
            SecretRegistry.Register(clientSecret);
            basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + clientSecret));
            SecretRegistry.Register(basic);
            this.http = http;
            now = clock ?? (() => DateTimeOffset.UtcNow);
            ClientId = clientId;
        }

        public string AuthType => "oauth-m2m";
        public bool CanRefresh => true;
        public string ClientId { get; }
        public Uri TokenEndpoint => tokenEndpoint;

        /// <summary>Number of tokens fetched (for tests and -Debug).</summary>
        public int TokensFetched { get; private set; }

        public async Task<string> GetAuthorizationAsync(bool forceRefresh, CancellationToken ct)
        {
            var cached = accessHeader;
            if (!forceRefresh && cached != null && now() < expiresAt - RefreshMargin) return cached;
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (!forceRefresh && accessHeader != null && now() < expiresAt - RefreshMargin) return accessHeader;
                if (forceRefresh && accessHeader != null && !ReferenceEquals(accessHeader, cached)) return accessHeader; // another caller already renewed it
                await FetchAsync(ct).ConfigureAwait(false);
                return accessHeader!;
            }
            finally { gate.Release(); }
        }

        private async Task FetchAsync(CancellationToken ct)
        {
            DbxLog.Verbose($"OAuth: requesting an access token for client {ClientId} from {tokenEndpoint}");
            var r = await TokenEndpointClient.RequestAsync(http, tokenEndpoint, new[]
            {
                new KeyValuePair<string, string>("grant_type", "client_credentials"),
                new KeyValuePair<string, string>("scope", "all-apis"),
            }, req => req.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic), $"client '{ClientId}'", ct).ConfigureAwait(false);
            accessHeader = r.Header;
            expiresAt = now() + TimeSpan.FromSeconds(r.ExpiresIn);
            TokensFetched++;
        }

        /// <summary>The same client credentials against another token endpoint (a workspace's own).</summary>
        internal OAuthM2MCredentialProvider WithTokenEndpoint(Uri endpoint) => new OAuthM2MCredentialProvider(endpoint, this);

        private OAuthM2MCredentialProvider(Uri endpoint, OAuthM2MCredentialProvider from)
        {
            tokenEndpoint = endpoint;
            basic = from.basic;
            http = from.http;
            now = from.now;
            ClientId = from.ClientId;
        }

        public override string ToString() => "oauth-m2m client " + ClientId;
    }
}
