using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>
    /// OAuth user-to-machine sign-in (<c>external-browser</c>) and the Databricks CLI's cached logins
    /// (<c>databricks-cli</c>). Tokens come from the CLI's token cache first (so a <c>databricks auth login</c> serves this
    /// module and the other way round), are renewed with the refresh token (written back to the cache in the CLI's shape),
    /// and, for <c>external-browser</c> while connecting, from an authorization-code login with PKCE (S256) through the
    /// system browser and a loopback redirect (<c>http://localhost:&lt;port&gt;</c>, default 8020 as in the Go SDK).
    /// The refresh token is only ever sent to the token endpoint that issued it.
    /// </summary>
    public sealed class U2MCredentialProvider : ICredentialProvider
    {
        public const string DefaultClientId = "databricks-cli";
        public const int DefaultRedirectPort = 8020;
        public const string Scopes = "all-apis offline_access";
        public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

        private readonly Uri host;
        private readonly string? accountId;
        private readonly long? workspaceId;
        private readonly HttpMessageInvoker http;
        private readonly Func<DateTimeOffset> now;
        private readonly SemaphoreSlim gate = new SemaphoreSlim(1, 1);
        private OidcEndpoints? endpoints;
        private string? accessHeader;
        private DateTimeOffset? expiresAt;
        private string? refreshToken;
        private bool cacheRead, signedOut;

        public U2MCredentialProvider(string authType, Uri host, string? accountId, long? workspaceId, string? clientId, string? profile,
            DatabricksTokenCache cache, int redirectPort, HttpMessageInvoker http, Func<DateTimeOffset>? clock = null)
        {
            AuthType = authType;
            this.host = new Uri(host.GetLeftPart(UriPartial.Authority));
            this.accountId = string.IsNullOrEmpty(accountId) ? null : accountId;
            this.workspaceId = workspaceId;
            ClientId = string.IsNullOrEmpty(clientId) ? DefaultClientId : clientId!;
            Profile = profile;
            Cache = cache;
            RedirectPort = redirectPort;
            this.http = http;
            now = clock ?? (() => DateTimeOffset.UtcNow);
            var keys = new List<string>();
            if (!string.IsNullOrEmpty(profile)) keys.Add(profile!);
            keys.Add(OidcDiscovery.HostCacheKey(this.host, this.accountId));
            CacheKeys = keys;
        }

        /// <summary><c>external-browser</c> or <c>databricks-cli</c>.</summary>
        public string AuthType { get; }
        public bool CanRefresh => true;
        public string ClientId { get; }
        public string? Profile { get; }
        public DatabricksTokenCache Cache { get; }
        /// <summary>Profile name first (when connecting by profile), then the host key, as the CLI writes them.</summary>
        public IReadOnlyList<string> CacheKeys { get; }
        public int RedirectPort { get; set; }
        /// <summary>How long a browser login waits for the redirect.</summary>
        public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromMinutes(5);
        /// <summary>Set while connecting: a browser login may start (external-browser only); messages for the user go here.</summary>
        public Action<string>? Interaction { get; set; }
        /// <summary>Where the current token came from, for Get-DbxContext and -Verbose (never the token).</summary>
        public string TokenSource { get; private set; } = "not signed in yet";
        public int BrowserLogins { get; private set; }
        public int Refreshes { get; private set; }

        public string LoginCommand => "databricks auth login --host " + host.GetLeftPart(UriPartial.Authority) + (accountId != null ? " --account-id " + accountId : "") + (Profile != null ? " --profile " + Profile : "");

        public async Task<string> GetAuthorizationAsync(bool forceRefresh, CancellationToken ct)
        {
            var cached = accessHeader;
            if (!forceRefresh && cached != null && Fresh()) return cached;
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (signedOut) throw Needed("this context was disconnected (Disconnect-DbxAccount/Disconnect-DbxWorkspace forgot its tokens)");
                if (!forceRefresh && accessHeader != null && Fresh()) return accessHeader;
                if (forceRefresh && accessHeader != null && !ReferenceEquals(accessHeader, cached)) return accessHeader;
                endpoints ??= await OidcDiscovery.ResolveAsync(host, accountId, http, ct).ConfigureAwait(false);
                if (!cacheRead && !forceRefresh)
                {
                    cacheRead = true;
                    var t = ReadCache();
                    if (t != null)
                    {
                        refreshToken = t.RefreshToken;
                        if (!string.IsNullOrEmpty(t.AccessToken) && (!t.Expiry.HasValue || now() < t.Expiry.Value - RefreshMargin))
                        {
                            Use(t.TokenType + " " + t.AccessToken, t.Expiry, $"token cache {Cache.Path} (key '{t.Key}')");
                            DbxLog.Verbose($"OAuth U2M: using the cached access token under '{t.Key}' in {Cache.Path}");
                            return accessHeader!;
                        }
                    }
                }
                if (!string.IsNullOrEmpty(refreshToken))
                {
                    try
                    {
                        DbxLog.Verbose($"OAuth U2M: renewing the access token with the refresh token at {endpoints.TokenEndpoint}");
                        var r = await TokenEndpointClient.RequestAsync(http, endpoints.TokenEndpoint, new[]
                        {
                            Kv("grant_type", "refresh_token"), Kv("refresh_token", refreshToken!), Kv("client_id", ClientId),
                        }, Decorate, $"user sign-in ({AuthType}, client '{ClientId}')", ct).ConfigureAwait(false);
                        Refreshes++;
                        Accept(r, "refreshed with the refresh token of " + Cache.Path);
                        return accessHeader!;
                    }
                    catch (DbxApiException ex) when (ex.StatusCode == 401)
                    {
                        DbxLog.Verbose("OAuth U2M: the refresh token was refused (" + ex.Message + ")");
                        refreshToken = null;
                    }
                }
                if (AuthType == "external-browser" && Interaction != null)
                {
                    var r = await BrowserLoginAsync(endpoints, ct).ConfigureAwait(false);
                    BrowserLogins++;
                    Accept(r, "browser sign-in (authorization code with PKCE)");
                    return accessHeader!;
                }
                throw Needed(cacheRead ? $"the Databricks CLI token cache {Cache.Path} has no usable token under {string.Join(" or ", CacheKeys.Select(k => "'" + k + "'"))}" : "the session needs a new sign-in");
            }
            finally { gate.Release(); }
        }

        /// <summary>Signs out: forgets the tokens in memory and, for our own logins (external-browser), in the token cache.</summary>
        public bool SignOut()
        {
            gate.Wait();
            try
            {
                signedOut = true;
                accessHeader = null; refreshToken = null;
                if (AuthType != "external-browser") return false; // databricks-cli: the cache is the CLI's; `databricks auth logout` removes it
                try { return Cache.Delete(CacheKeys); }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ConfigResolutionException)
                {
                    DbxLog.Warning($"Could not remove the cached tokens from {Cache.Path}: {ex.Message}");
                    return false;
                }
            }
            finally { gate.Release(); }
        }

        private bool Fresh() => !expiresAt.HasValue || now() < expiresAt.Value - RefreshMargin;

        private DbxApiException Needed(string why) => new DbxApiException(401, "SIGN_IN_REQUIRED",
            $"No usable Databricks sign-in for {host.GetLeftPart(UriPartial.Authority)}{(accountId != null ? " account " + accountId : "")}: {why}. " +
            $"Sign in with '{LoginCommand}', or connect again with -Interactive (Connect-Dbx{(accountId != null && workspaceId == null ? "Account" : "Workspace")} -Interactive).",
            null, "POST", endpoints?.TokenEndpoint.AbsolutePath);

        private CachedToken? ReadCache()
        {
            try { return Cache.Lookup(CacheKeys); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ConfigResolutionException)
            {
                DbxLog.Warning($"The Databricks CLI token cache could not be read: {ex.Message}");
                return null;
            }
        }

        private void Use(string header, DateTimeOffset? expiry, string source)
        {
            SecretRegistry.Register(header);
            accessHeader = header;
            expiresAt = expiry;
            TokenSource = source;
        }

        private void Accept(TokenResponse r, string source)
        {
            if (!string.IsNullOrEmpty(r.RefreshToken)) refreshToken = r.RefreshToken;
            var expiry = now() + TimeSpan.FromSeconds(r.ExpiresIn);
            Use(r.Header, expiry, source);
            try
            {
                Cache.Store(CacheKeys, new CachedToken(r.AccessToken, r.TokenType, refreshToken, expiry));
                DbxLog.Verbose($"OAuth U2M: token written to {Cache.Path} under {string.Join(", ", CacheKeys)}");
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ConfigResolutionException)
            {
                DbxLog.Warning($"The new token could not be written to the Databricks CLI token cache: {ex.Message}");
            }
        }

        /// <summary>A workspace's own token endpoint needs to know the workspace on a host that serves several.</summary>
        private void Decorate(HttpRequestMessage req)
        {
            if (endpoints != null && !endpoints.IsAccount && workspaceId.HasValue)
                req.Headers.TryAddWithoutValidation("X-Databricks-Org-Id", workspaceId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        private static KeyValuePair<string, string> Kv(string k, string v) => new KeyValuePair<string, string>(k, v);

        internal static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        private static string RandomText(int bytes)
        {
            var b = new byte[bytes];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(b);
            return Base64Url(b);
        }

        internal static string Challenge(string verifier)
        {
            using var sha = SHA256.Create();
            return Base64Url(sha.ComputeHash(Encoding.ASCII.GetBytes(verifier)));
        }

        private async Task<TokenResponse> BrowserLoginAsync(OidcEndpoints ep, CancellationToken ct)
        {
            var verifier = RandomText(32);
            var state = RandomText(16);
            var redirect = "http://localhost:" + RedirectPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var listeners = new List<TcpListener>();
            try
            {
                foreach (var addr in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
                {
                    var l = new TcpListener(addr, RedirectPort);
                    try { l.Start(); listeners.Add(l); }
                    catch (SocketException ex)
                    {
                        if (addr.Equals(IPAddress.Loopback))
                            throw new DbxApiException(400, "REDIRECT_PORT_UNAVAILABLE", $"Cannot listen on {redirect} for the sign-in redirect ({ex.SocketErrorCode}: {ex.Message}). Give a free -RedirectPort.", null, "GET", "/");
                        // no IPv6 loopback here: IPv4 is enough
                    }
                }
                var url = ep.AuthorizationEndpoint.GetLeftPart(UriPartial.Path) + "?" + string.Join("&", new[]
                {
                    ("client_id", ClientId), ("redirect_uri", redirect), ("response_type", "code"), ("scope", Scopes),
                    ("state", state), ("code_challenge", Challenge(verifier)), ("code_challenge_method", "S256"),
                }.Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2)));
                var opened = BrowserLauncher.TryOpen(url, out var how);
                Interaction?.Invoke(opened
                    ? $"Sign-in: opened {how}; waiting up to {LoginTimeout.TotalMinutes:0} min for the redirect to {redirect}. If no browser appeared, open this URL: {url}"
                    : $"Sign-in: no browser could be opened ({how}). Open this URL in a browser on this machine (the redirect goes to {redirect}): {url}");
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(LoginTimeout);
                string code;
                try { code = await AwaitCallbackAsync(listeners, state, cts.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new DbxApiException(408, "SIGN_IN_TIMEOUT", $"No sign-in redirect arrived at {redirect} within {LoginTimeout.TotalMinutes:0} min.", null, "GET", "/");
                }
                DbxLog.Verbose($"OAuth U2M: authorization code received; redeeming it at {ep.TokenEndpoint}");
                return await TokenEndpointClient.RequestAsync(http, ep.TokenEndpoint, new[]
                {
                    Kv("grant_type", "authorization_code"), Kv("code", code), Kv("redirect_uri", redirect), Kv("client_id", ClientId), Kv("code_verifier", verifier),
                }, Decorate, $"user sign-in ({AuthType}, client '{ClientId}')", ct).ConfigureAwait(false);
            }
            finally { foreach (var l in listeners) l.Stop(); }
        }

        private static async Task<string> AwaitCallbackAsync(List<TcpListener> listeners, string state, CancellationToken ct)
        {
            var pending = listeners.ToDictionary(l => l, l => l.AcceptTcpClientAsync());
            using (ct.Register(() => { foreach (var l in listeners) l.Stop(); }))
            {
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    Task<TcpClient> done;
                    try { done = await Task.WhenAny(pending.Values).ConfigureAwait(false); }
                    catch (ObjectDisposedException) { ct.ThrowIfCancellationRequested(); throw; }
                    var listener = pending.First(kv => kv.Value == done).Key;
                    TcpClient client;
                    try { client = await done.ConfigureAwait(false); }
                    catch (Exception) when (ct.IsCancellationRequested) { throw new OperationCanceledException(ct); }
                    pending[listener] = listener.AcceptTcpClientAsync();
                    using (client)
                    {
                        var (result, error) = await HandleAsync(client, state, ct).ConfigureAwait(false);
                        if (error != null) throw error;
                        if (result != null) return result;
                    }
                }
            }
        }

        /// <summary>Reads one HTTP request from the browser and answers it; returns the code, or an error to stop with.</summary>
        private static async Task<(string?, Exception?)> HandleAsync(TcpClient client, string state, CancellationToken ct)
        {
            var stream = client.GetStream();
            var buf = new byte[16384];
            int n = 0;
            using (var rcts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                rcts.CancelAfter(TimeSpan.FromSeconds(30));
                using (rcts.Token.Register(() => client.Close()))
                {
                    try
                    {
                        while (n < buf.Length)
                        {
                            var r = await stream.ReadAsync(buf, n, buf.Length - n, rcts.Token).ConfigureAwait(false);
                            if (r <= 0) break;
                            n += r;
                            if (Encoding.ASCII.GetString(buf, 0, n).Contains("\r\n\r\n")) break;
                        }
                    }
                    catch (Exception ex) when (ex is IOException || ex is ObjectDisposedException || ex is OperationCanceledException)
                    {
                        ct.ThrowIfCancellationRequested();
                        return (null, null);
                    }
                }
            }
            var head = Encoding.ASCII.GetString(buf, 0, n);
            var line = head.Split(new[] { "\r\n" }, StringSplitOptions.None)[0].Split(' ');
            var target = line.Length >= 2 ? line[1] : "/";
            var q = ParseQuery(target.Contains("?") ? target.Substring(target.IndexOf('?') + 1) : "");
            int status; string page; string? code = null; Exception? error = null;
            if (q.TryGetValue("error", out var err))
            {
                q.TryGetValue("error_description", out var desc);
                status = 400; page = "Sign-in failed: " + WebUtility.HtmlEncode(err + (desc != null ? ": " + desc : ""));
                error = new DbxApiException(401, err, "The sign-in was refused by the authorization server: " + err + (desc != null ? ": " + desc : ""), null, "GET", "/");
            }
            else if (q.TryGetValue("code", out var c))
            {
                if (!q.TryGetValue("state", out var st) || st != state)
                {
                    status = 400; page = "Sign-in failed: the state parameter does not match this login.";
                    error = new DbxApiException(401, "SIGN_IN_STATE_MISMATCH", "The sign-in redirect carried a state that does not match this login; it was ignored for safety. Try again.", null, "GET", "/");
                }
                else { status = 200; page = "Signed in to Databricks. You can close this window and return to PowerShell."; code = c; }
            }
            else { status = 404; page = "Not found."; }
            var html = "<!DOCTYPE html><html><head><title>Databricks sign-in</title></head><body><p>" + page + "</p></body></html>";
            var bytes = Encoding.UTF8.GetBytes(html);
            var reason = status == 200 ? "OK" : status == 400 ? "Bad Request" : "Not Found";
            var resp = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
            try
            {
                await stream.WriteAsync(resp, 0, resp.Length, ct).ConfigureAwait(false);
                await stream.WriteAsync(bytes, 0, bytes.Length, ct).ConfigureAwait(false);
                await stream.FlushAsync(ct).ConfigureAwait(false);
            }
            catch (IOException) { }
            return (code, error);
        }

        private static Dictionary<string, string> ParseQuery(string query)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var part in query.Split('&'))
            {
                if (part.Length == 0) continue;
                var eq = part.IndexOf('=');
                var k = Uri.UnescapeDataString((eq < 0 ? part : part.Substring(0, eq)).Replace('+', ' '));
                var v = eq < 0 ? "" : Uri.UnescapeDataString(part.Substring(eq + 1).Replace('+', ' '));
                d[k] = v;
            }
            return d;
        }

        public override string ToString() => AuthType + " (" + TokenSource + ")";
    }

    /// <summary>Opens a URL in the user's browser: Windows shell, macOS <c>open</c>, Linux <c>$BROWSER</c> then <c>xdg-open</c>.</summary>
    public static class BrowserLauncher
    {
        /// <summary>For tests: the environment lookup.</summary>
        internal static Func<string, string?> Env = Environment.GetEnvironmentVariable;

        public static bool TryOpen(string url, out string how)
        {
            try
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    Process.Start(new ProcessStartInfo(url) { UseShellExecute = true })?.Dispose();
                    how = "the default browser";
                    return true;
                }
                var browser = Env("BROWSER");
                if (!string.IsNullOrWhiteSpace(browser))
                {
                    // $BROWSER is a command; the URL is passed through the environment so no quoting can break it.
                    var psi = new ProcessStartInfo("/bin/sh", "-c \"$BROWSER \\\"$DBX_SIGNIN_URL\\\" >/dev/null 2>&1\"") { UseShellExecute = false, CreateNoWindow = true };
                    psi.EnvironmentVariables["DBX_SIGNIN_URL"] = url;
                    psi.EnvironmentVariables["BROWSER"] = browser;
                    Process.Start(psi)?.Dispose();
                    how = "the BROWSER command";
                    return true;
                }
                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    Process.Start(new ProcessStartInfo("open", "\"" + url + "\"") { UseShellExecute = false })?.Dispose();
                    how = "the default browser (open)";
                    return true;
                }
                if (string.IsNullOrEmpty(Env("DISPLAY")) && string.IsNullOrEmpty(Env("WAYLAND_DISPLAY")))
                {
                    how = "no graphical session: neither BROWSER, DISPLAY nor WAYLAND_DISPLAY is set, as in an SSH session";
                    return false;
                }
                Process.Start(new ProcessStartInfo("xdg-open", "\"" + url + "\"") { UseShellExecute = false })?.Dispose();
                how = "the default browser (xdg-open)";
                return true;
            }
            catch (Exception ex) when (ex is Win32Exception || ex is InvalidOperationException || ex is FileNotFoundException)
            {
                how = "starting the browser failed: " + ex.Message;
                return false;
            }
        }
    }
}
