using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>A token endpoint's answer. The tokens are registered as secrets as soon as they are read.</summary>
    internal sealed class TokenResponse
    {
        public string AccessToken = "";
        public string TokenType = "Bearer";
        public string? RefreshToken;
        public double ExpiresIn;
        /// <summary>The Authorization header value.</summary>
        public string Header => TokenType + " " + AccessToken;
    }

    /// <summary>
    /// POSTs one form to an OAuth token endpoint (every grant: client credentials, authorization code, refresh token,
    /// token exchange), retrying transport failures, 429 and 5xx a few times, and turning an OAuth error body
    /// (<c>{"error": ..., "error_description": ...}</c>) into a <see cref="DbxApiException"/> with status 401.
    /// </summary>
    internal static class TokenEndpointClient
    {
        public static async Task<TokenResponse> RequestAsync(HttpMessageInvoker http, Uri tokenEndpoint, IEnumerable<KeyValuePair<string, string>> form,
            Action<HttpRequestMessage>? decorate, string who, CancellationToken ct)
        {
            Exception? last = null;
            for (int attempt = 1; attempt <= 4; attempt++)
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint) { Content = new FormUrlEncodedContent(form) };
                decorate?.Invoke(req);
                // Client secrets, codes, refresh and ID tokens only go to the token endpoint's own authority, whatever built the request.
                RequestGuard.EnsureSameAuthority(tokenEndpoint, req.RequestUri!, "POST", tokenEndpoint.AbsolutePath);
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
                    if (!resp.IsSuccessStatusCode) throw TokenError(status, body, who, tokenEndpoint);
                    try
                    {
                        using var doc = JsonDocument.Parse(body);
                        var root = doc.RootElement;
                        var token = root.GetProperty("access_token").GetString();
                        if (string.IsNullOrEmpty(token)) throw new JsonException("access_token is empty");
                        SecretRegistry.Register(token);
                        var r = new TokenResponse { AccessToken = token! };
                        if (root.TryGetProperty("refresh_token", out var rt) && rt.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(rt.GetString()))
                        {
                            r.RefreshToken = rt.GetString();
                            SecretRegistry.Register(r.RefreshToken);
                        }
                        var type = root.TryGetProperty("token_type", out var tt) && tt.ValueKind == JsonValueKind.String ? tt.GetString() : "Bearer";
                        r.TokenType = string.IsNullOrEmpty(type) || type!.Equals("bearer", StringComparison.OrdinalIgnoreCase) ? "Bearer" : type!;
                        r.ExpiresIn = root.TryGetProperty("expires_in", out var ei) && ei.ValueKind == JsonValueKind.Number ? ei.GetDouble() : 3600;
                        SecretRegistry.Register(r.Header);
                        DbxLog.Verbose($"OAuth: access token received, valid for {r.ExpiresIn:0} s" + (r.RefreshToken != null ? ", with a refresh token" : ""));
                        return r;
                    }
                    catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException)
                    {
                        throw new DbxInvalidResponseException(status, "The OAuth token endpoint returned a response without a usable access_token.", null, "POST", tokenEndpoint.AbsolutePath, ex);
                    }
                }
            }
            throw last as DbxApiException ?? new DbxApiException(0, null, $"Could not reach the OAuth token endpoint {tokenEndpoint}: {last?.Message}", null, "POST", tokenEndpoint.AbsolutePath, last);
        }

        private static DbxApiException TokenError(int status, byte[] body, string who, Uri tokenEndpoint)
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
                $"OAuth authentication for {who} failed: {message ?? parsed.Message}", parsed.RequestId, "POST", tokenEndpoint.AbsolutePath);
        }
    }
}
