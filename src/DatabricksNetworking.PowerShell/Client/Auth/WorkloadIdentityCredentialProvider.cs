using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>
    /// Workload identity federation (<c>env-oidc</c>, <c>file-oidc</c>, <c>github-oidc</c>): the workload's OIDC ID token
    /// (a JWT) is exchanged at the Databricks token endpoint (RFC 8693: grant_type token-exchange, subject_token_type
    /// jwt, the service principal's client_id, scope all-apis) for a Databricks access token, as the Go SDK does in
    /// config/experimental/auth/oidc/tokensource.go. The audience of the ID token is the configured one, else the account
    /// id (account or unified host), else the token endpoint. A fresh ID token is read for every exchange.
    /// </summary>
    public sealed class WorkloadIdentityCredentialProvider : ICredentialProvider
    {
        /// <summary>Reads the workload's ID token for an audience.</summary>
        public delegate Task<string> IdTokenSource(string audience, CancellationToken ct);

        private readonly Uri host;
        private readonly string? accountId;
        private readonly long? workspaceId;
        private readonly string? audience;
        private readonly IdTokenSource idTokens;
        private readonly HttpMessageInvoker http;
        private readonly Func<DateTimeOffset> now;
        private readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        private OidcEndpoints? endpoints;
        private string? accessHeader;
        private DateTimeOffset expiresAt;

        public WorkloadIdentityCredentialProvider(string authType, Uri host, string? accountId, long? workspaceId, string? clientId, string? audience,
            IdTokenSource idTokens, string idTokenOrigin, HttpMessageInvoker http, Func<DateTimeOffset>? clock = null)
        {
            AuthType = authType;
            this.host = new Uri(host.GetLeftPart(UriPartial.Authority));
            this.accountId = string.IsNullOrEmpty(accountId) ? null : accountId;
            this.workspaceId = workspaceId;
            ClientId = string.IsNullOrEmpty(clientId) ? null : clientId;
            this.audience = string.IsNullOrEmpty(audience) ? null : audience;
            this.idTokens = idTokens;
            IdTokenOrigin = idTokenOrigin;
            this.http = http;
            now = clock ?? (() => DateTimeOffset.UtcNow);
        }

        public string AuthType { get; }
        public bool CanRefresh => true;
        public string? ClientId { get; }
        /// <summary>Where the ID token is read (an environment variable's name, a file path, the Actions token URL).</summary>
        public string IdTokenOrigin { get; }
        public int Exchanges { get; private set; }

        public async Task<string> GetAuthorizationAsync(bool forceRefresh, CancellationToken ct)
        {
            var cached = accessHeader;
            if (!forceRefresh && cached != null && now() < expiresAt - OAuthM2MCredentialProvider.RefreshMargin) return cached;
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (!forceRefresh && accessHeader != null && now() < expiresAt - OAuthM2MCredentialProvider.RefreshMargin) return accessHeader;
                if (forceRefresh && accessHeader != null && !ReferenceEquals(accessHeader, cached)) return accessHeader;
                endpoints ??= await OidcDiscovery.ResolveAsync(host, accountId, http, ct).ConfigureAwait(false);
                var aud = audience ?? accountId ?? endpoints.TokenEndpoint.ToString();
                DbxLog.Verbose($"OIDC ({AuthType}): reading the workload's ID token from {IdTokenOrigin} for audience {aud}");
                var jwt = (await idTokens(aud, ct).ConfigureAwait(false))?.Trim();
                if (string.IsNullOrEmpty(jwt))
                    throw new DbxApiException(401, "MISSING_ID_TOKEN", $"{AuthType}: {IdTokenOrigin} gave no ID token.", null, "POST", endpoints.TokenEndpoint.AbsolutePath);
                SecretRegistry.Register(jwt);
                var form = new List<KeyValuePair<string, string>>
                {
                    new KeyValuePair<string, string>("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
                    new KeyValuePair<string, string>("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
                    new KeyValuePair<string, string>("subject_token", jwt!),
                    new KeyValuePair<string, string>("scope", "all-apis"),
                };
                if (ClientId != null) form.Add(new KeyValuePair<string, string>("client_id", ClientId));
                DbxLog.Verbose($"OIDC ({AuthType}): exchanging it at {endpoints.TokenEndpoint} for service principal {ClientId ?? "(account-wide federation)"}");
                var r = await TokenEndpointClient.RequestAsync(http, endpoints.TokenEndpoint, form, req =>
                {
                    if (!endpoints.IsAccount && workspaceId.HasValue)
                        req.Headers.TryAddWithoutValidation("X-Databricks-Org-Id", workspaceId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }, $"workload identity federation ({AuthType}, client '{ClientId}')", ct).ConfigureAwait(false);
                accessHeader = r.Header;
                expiresAt = now() + TimeSpan.FromSeconds(r.ExpiresIn);
                Exchanges++;
                return accessHeader;
            }
            finally { gate.Release(); }
        }

        /// <summary>The ID token in an environment variable (read each time, so a rotated token is picked up).</summary>
        public static IdTokenSource FromEnvironment(string variable, Func<string, string?> env) => (aud, ct) =>
        {
            var v = env(variable);
            if (string.IsNullOrEmpty(v))
                throw new DbxApiException(401, "MISSING_ID_TOKEN", $"env-oidc: the environment variable {variable} is empty or not set.", null, "POST", null);
            return Task.FromResult(v!);
        };

        /// <summary>The ID token in a file (read each time).</summary>
        public static IdTokenSource FromFile(string path) => (aud, ct) =>
        {
            try { return Task.FromResult(File.ReadAllText(path)); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new DbxApiException(401, "MISSING_ID_TOKEN", $"file-oidc: the ID token file '{path}' cannot be read: {ex.Message}", null, "POST", null, ex);
            }
        };

        /// <summary>
        /// GitHub Actions: GET <c>ACTIONS_ID_TOKEN_REQUEST_URL&amp;audience=…</c> with <c>Authorization: Bearer
        /// ACTIONS_ID_TOKEN_REQUEST_TOKEN</c>; the answer is <c>{"value": "&lt;jwt&gt;"}</c> (Go SDK oidc/github.go).
        /// </summary>
        public static IdTokenSource FromGitHubActions(string requestUrl, string requestToken, HttpMessageInvoker http)
        {
            SecretRegistry.Register(requestToken);
            return async (aud, ct) =>
            {
                var url = requestUrl + (requestUrl.Contains("?") ? "&" : "?") + "audience=" + Uri.EscapeDataString(aud);
                using var req = new HttpRequestMessage(HttpMethod.Get, url);
                req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", requestToken);
                req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(TimeSpan.FromSeconds(30));
                HttpResponseMessage resp;
                try { resp = await http.SendAsync(req, cts.Token).ConfigureAwait(false); }
                catch (Exception ex) when (!ct.IsCancellationRequested && (ex is HttpRequestException || ex is TaskCanceledException || ex is IOException))
                {
                    throw new DbxApiException(401, "MISSING_ID_TOKEN", $"github-oidc: the Actions ID token URL could not be reached: {ex.Message}", null, "GET", null, ex);
                }
                using (resp)
                {
                    var body = await resp.Content.ReadAsStringAsync().ConfigureAwait(false);
                    if (!resp.IsSuccessStatusCode)
                        throw new DbxApiException(401, "MISSING_ID_TOKEN", $"github-oidc: the Actions ID token URL answered HTTP {(int)resp.StatusCode}.", null, "GET", null);
                    try
                    {
                        using var doc = JsonDocument.Parse(body);
                        var v = doc.RootElement.GetProperty("value").GetString();
                        if (string.IsNullOrEmpty(v)) throw new JsonException("empty value");
                        SecretRegistry.Register(v);
                        return v!;
                    }
                    catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException)
                    {
                        throw new DbxApiException(401, "MISSING_ID_TOKEN", "github-oidc: the Actions ID token URL did not answer {\"value\": \"<jwt>\"}.", null, "GET", null, ex);
                    }
                }
            };
        }

        public override string ToString() => AuthType + " client " + ClientId;
    }
}
