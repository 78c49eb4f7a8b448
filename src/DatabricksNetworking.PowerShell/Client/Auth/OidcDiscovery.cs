using System;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>The authorization and token endpoints of a Databricks OIDC server.</summary>
    public sealed class OidcEndpoints
    {
        public OidcEndpoints(Uri authorization, Uri token) { AuthorizationEndpoint = authorization; TokenEndpoint = token; }
        public Uri AuthorizationEndpoint { get; }
        public Uri TokenEndpoint { get; }
        /// <summary>True for the account endpoints (<c>/oidc/accounts/{id}/…</c>), false for a workspace's own.</summary>
        public bool IsAccount => TokenEndpoint.AbsolutePath.StartsWith("/oidc/accounts/", StringComparison.Ordinal);
    }

    /// <summary>
    /// Finds the OIDC endpoints as the Go SDK does (credentials/u2m/endpoint_supplier.go): an accounts host uses
    /// <c>{host}/oidc/accounts/{account_id}/v1/{authorize,token}</c> without discovery; a unified host (an account id on a
    /// non-accounts host) reads <c>{host}/oidc/accounts/{account_id}/.well-known/oauth-authorization-server</c>; a workspace
    /// reads <c>{host}/oidc/.well-known/oauth-authorization-server</c>. Discovered endpoints must be on the same host:
    /// a credential is only ever sent to the host it was issued for.
    /// </summary>
    public static class OidcDiscovery
    {
        /// <summary>The key under which the Databricks CLI caches U2M tokens for this host (without a profile).</summary>
        public static string HostCacheKey(Uri host, string? accountId) =>
            string.IsNullOrEmpty(accountId) ? host.GetLeftPart(UriPartial.Authority) : host.GetLeftPart(UriPartial.Authority) + "/oidc/accounts/" + accountId;

        public static async Task<OidcEndpoints> ResolveAsync(Uri host, string? accountId, HttpMessageInvoker http, CancellationToken ct)
        {
            var root = new Uri(host.GetLeftPart(UriPartial.Authority));
            if (!string.IsNullOrEmpty(accountId) && ContextFactory.IsAccountsHost(root))
            {
                var b = "/oidc/accounts/" + Uri.EscapeDataString(accountId!);
                return new OidcEndpoints(new Uri(root, b + "/v1/authorize"), new Uri(root, b + "/v1/token"));
            }
            var wellKnown = string.IsNullOrEmpty(accountId)
                ? new Uri(root, "/oidc/.well-known/oauth-authorization-server")
                : new Uri(root, "/oidc/accounts/" + Uri.EscapeDataString(accountId!) + "/.well-known/oauth-authorization-server");
            DbxLog.Verbose($"OAuth: discovering the OIDC endpoints at {wellKnown}");
            using var req = new HttpRequestMessage(HttpMethod.Get, wellKnown);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(30));
            HttpResponseMessage resp;
            try { resp = await http.SendAsync(req, cts.Token).ConfigureAwait(false); }
            catch (Exception ex) when (!ct.IsCancellationRequested && (ex is HttpRequestException || ex is TaskCanceledException || ex is System.IO.IOException))
            {
                throw new DbxApiException(0, null, $"Could not reach {wellKnown} to discover the OAuth endpoints: {ex.Message}", null, "GET", wellKnown.AbsolutePath, ex);
            }
            using (resp)
            {
                var status = (int)resp.StatusCode;
                if (status == 404)
                    throw new DbxApiException(404, "FEATURE_DISABLED", $"Databricks OAuth is not supported for this host ({wellKnown} answered 404).", null, "GET", wellKnown.AbsolutePath);
                var body = await resp.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (!resp.IsSuccessStatusCode)
                    throw new DbxApiException(status, null, $"OAuth endpoint discovery at {wellKnown} failed with HTTP {status}.", null, "GET", wellKnown.AbsolutePath);
                try
                {
                    using var doc = JsonDocument.Parse(body);
                    var auth = new Uri(doc.RootElement.GetProperty("authorization_endpoint").GetString()!);
                    var token = new Uri(doc.RootElement.GetProperty("token_endpoint").GetString()!);
                    foreach (var u in new[] { auth, token })
                        if (!string.Equals(u.GetLeftPart(UriPartial.Authority), root.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
                            throw new DbxApiException(400, "OAUTH_ENDPOINT_OFF_HOST", $"The OAuth discovery document of {root} names an endpoint on another host ({u.GetLeftPart(UriPartial.Authority)}); refusing to send credentials there.", null, "GET", wellKnown.AbsolutePath);
                    return new OidcEndpoints(auth, token);
                }
                catch (Exception ex) when (ex is JsonException || ex is System.Collections.Generic.KeyNotFoundException || ex is InvalidOperationException || ex is UriFormatException || ex is ArgumentNullException)
                {
                    throw new DbxInvalidResponseException(status, $"The OAuth discovery document at {wellKnown} has no usable authorization_endpoint/token_endpoint.", null, "GET", wellKnown.AbsolutePath, ex);
                }
            }
        }
    }
}
