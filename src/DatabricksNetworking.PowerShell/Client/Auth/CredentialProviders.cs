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
            Exception? last = null;
            for (int attempt = 1; attempt <= 4; attempt++)
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint)
                {
                    Content = new FormUrlEncodedContent(new[]
                    {
                        new KeyValuePair<string, string>("grant_type", "client_credentials"),
                        new KeyValuePair<string, string>("scope", "all-apis"),
                    }),
                };
                // The client secret only goes to the token endpoint's own authority, whatever built the request.
                RequestGuard.EnsureSameAuthority(tokenEndpoint, req.RequestUri!, "POST", tokenEndpoint.AbsolutePath);
                req.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
                req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                HttpResponseMessage resp;
                try
                {
                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    cts.CancelAfter(TimeSpan.FromSeconds(30));
                    resp = await http.SendAsync(req, cts.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && (ex is HttpRequestException || ex is TaskCanceledException || ex is System.IO.IOException))
                {
                    last = ex;
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct).ConfigureAwait(false);
                    continue;
                }
                using (resp)
                {
                    var body = resp.Content == null ? Array.Empty<byte>() : await resp.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    var status = (int)resp.StatusCode;
                    if (status == 429 || status == 502 || status == 503 || status == 504)
                    {
                        var wait = RetryPolicy.ParseRetryAfter(resp.Headers.RetryAfter?.ToString(), DateTimeOffset.UtcNow) ?? TimeSpan.FromMilliseconds(250 * attempt);
                        if (wait > TimeSpan.FromSeconds(20)) wait = TimeSpan.FromSeconds(20);
                        DbxLog.Verbose($"OAuth: token endpoint answered {status}; retrying in {wait.TotalMilliseconds:0} ms");
                        last = new DbxApiException(status, null, "The OAuth token endpoint is temporarily unavailable.", null, "POST", tokenEndpoint.AbsolutePath);
                        await Task.Delay(wait, ct).ConfigureAwait(false);
                        continue;
                    }
                    if (!resp.IsSuccessStatusCode) throw TokenError(status, body);
                    try
                    {
                        using var doc = JsonDocument.Parse(body);
                        var root = doc.RootElement;
                        var token = root.GetProperty("access_token").GetString();
                        if (string.IsNullOrEmpty(token)) throw new JsonException("access_token is empty");
                        var type = root.TryGetProperty("token_type", out var tt) && tt.ValueKind == JsonValueKind.String ? tt.GetString() : "Bearer";
                        var expiresIn = root.TryGetProperty("expires_in", out var ei) && ei.ValueKind == JsonValueKind.Number ? ei.GetDouble() : 3600;
                        SecretRegistry.Register(token);
                        accessHeader = (string.IsNullOrEmpty(type) || type!.Equals("bearer", StringComparison.OrdinalIgnoreCase) ? "Bearer" : type) + " " + token;
                        expiresAt = now() + TimeSpan.FromSeconds(expiresIn);
                        TokensFetched++;
                        DbxLog.Verbose($"OAuth: access token received, valid for {expiresIn:0} s");
                        return;
                    }
                    catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException)
                    {
                        throw new DbxInvalidResponseException(status, "The OAuth token endpoint returned a response without a usable access_token.", null, "POST", tokenEndpoint.AbsolutePath, ex);
                    }
                }
            }
            throw last as DbxApiException ?? new DbxApiException(0, null, $"Could not reach the OAuth token endpoint {tokenEndpoint}: {last?.Message}", null, "POST", tokenEndpoint.AbsolutePath, last);
        }

        private DbxApiException TokenError(int status, byte[] body)
        {
            string? code = null, message = null;
            try
            {
                using var doc = JsonDocument.Parse(body);
                var r = doc.RootElement;
                if (r.ValueKind == JsonValueKind.Object)
                {
                    if (r.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String) code = e.GetString();
                    else if (r.TryGetProperty("errorCode", out e) && e.ValueKind == JsonValueKind.String) code = e.GetString();
                    else if (r.TryGetProperty("error_code", out e)) code = e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText();
                    if (r.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String) message = d.GetString();
                    else if (r.TryGetProperty("errorSummary", out d) && d.ValueKind == JsonValueKind.String) message = d.GetString();
                    else if (r.TryGetProperty("message", out d) && d.ValueKind == JsonValueKind.String) message = d.GetString();
                }
            }
            catch (JsonException) { }
            var parsed = ErrorParser.Parse(status, null, body, null);
            // A refused client is an authentication failure whatever status the endpoint chose (400 invalid_client is common).
            var effective = status == 400 || status == 401 || status == 403 ? 401 : status;
            return new DbxApiException(effective, code ?? parsed.ErrorCode ?? "invalid_client",
                $"OAuth authentication for client '{ClientId}' failed: {message ?? parsed.Message}", parsed.RequestId, "POST", tokenEndpoint.AbsolutePath);
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
