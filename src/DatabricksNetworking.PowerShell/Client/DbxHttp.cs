using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Client
{
    public sealed class DbxRequest
    {
        public DbxRequest(HttpMethod method, string path) { Method = method; Path = path; }
        public HttpMethod Method { get; }
        public string Path { get; }
        public IList<KeyValuePair<string, string>> Query { get; } = new List<KeyValuePair<string, string>>();
        public byte[]? Body { get; set; }
        /// <summary>Workspace the call addresses on a unified host (sent as X-Databricks-Workspace-Id).</summary>
        public long? WorkspaceId { get; set; }
        /// <summary>A write computed from an earlier read (a read-modify-write): once an attempt may have reached the
        /// service without its answer (dropped connection, timeout, 502/504) it is not sent again, and the error is
        /// ambiguous, so the caller reads again instead of re-sending a stale body.</summary>
        public bool NoResendAfterLostAnswer { get; set; }
        /// <summary>Extra headers (Invoke-DbxApi -Header); refused when reserved or carrying control characters (see <see cref="RequestGuard.CheckHeader"/>).</summary>
        public IList<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();

        public DbxRequest WithQuery(string name, string? value)
        {
            if (value != null) Query.Add(new KeyValuePair<string, string>(name, value));
            return this;
        }

        public string PathAndQuery =>
            Query.Count == 0 ? Path : Path + "?" + string.Join("&", Query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
    }

    public sealed class DbxResponse
    {
        public DbxResponse(int statusCode, byte[] body, string? requestId, string method, string path)
        { StatusCode = statusCode; Body = body; RequestId = requestId; Method = method; Path = path; }
        public int StatusCode { get; }
        public byte[] Body { get; }
        public string? RequestId { get; }
        public string Method { get; }
        public string Path { get; }
    }

    /// <summary>Process-wide counters, read by the reliability suite and -Debug.</summary>
    public static class DbxStats
    {
        private static long requests, retries, recoveredCreates, resentCreates, deletesAlreadyGone;
        public static long Requests => Interlocked.Read(ref requests);
        public static long Retries => Interlocked.Read(ref retries);
        /// <summary>Creates whose answer was lost but whose object was found by its name (see <see cref="CreateRecovery"/>).</summary>
        public static long RecoveredCreates => Interlocked.Read(ref recoveredCreates);
        /// <summary>Creates sent again after a dropped connection, once a lookup showed the first one was not applied.</summary>
        public static long ResentCreates => Interlocked.Read(ref resentCreates);
        /// <summary>Retried DELETEs that answered 404 after an earlier attempt got no answer (counted as deleted).</summary>
        public static long DeletesAlreadyGone => Interlocked.Read(ref deletesAlreadyGone);
        internal static void CountRequest() => Interlocked.Increment(ref requests);
        internal static void CountRetry() => Interlocked.Increment(ref retries);
        internal static void CountRecoveredCreate() => Interlocked.Increment(ref recoveredCreates);
        internal static void CountResentCreate() => Interlocked.Increment(ref resentCreates);
        internal static void CountDeleteAlreadyGone() => Interlocked.Increment(ref deletesAlreadyGone);
    }

    /// <summary>
    /// Sends one logical request: authentication header, retries (Retry-After honoured for 429/503, exponential
    /// back-off with jitter otherwise, POST never re-sent after a dropped connection), per-request timeout,
    /// error parsing into <see cref="DbxApiException"/>, and redacted Verbose/Debug logging.
    /// </summary>
    public sealed class DbxHttp
    {
        /// <summary>One connection pool for the whole process (contexts share it).</summary>
        public static readonly HttpMessageInvoker SharedInvoker = CreateDefaultInvoker();

        /// <summary>Responses larger than this are refused rather than read into memory.</summary>
        public const long MaxResponseBytes = 64L * 1024 * 1024;

        /// <summary>The header that names the workspace of a call on a unified host.</summary>
        public const string WorkspaceIdHeader = "X-Databricks-Workspace-Id";

        private static readonly string UserAgent = "DatabricksNetworking/" + typeof(DbxHttp).Assembly.GetName().Version?.ToString(3) + " powershell";
        private readonly HttpMessageInvoker invoker;
        private readonly Random rng;

        public DbxHttp(Uri baseUri, ICredentialProvider credentials, RetryOptions retry, HttpMessageInvoker? invoker = null, int? randomSeed = null, RatePacer? pacer = null)
        {
            Pacer = pacer ?? new RatePacer();
            BaseUri = baseUri;
            Credentials = credentials;
            Retry = retry;
            this.invoker = invoker ?? SharedInvoker;
            rng = randomSeed.HasValue ? new Random(randomSeed.Value) : new Random();
        }

        public Uri BaseUri { get; }
        public ICredentialProvider Credentials { get; }
        public RetryOptions Retry { get; }
        public HttpMessageInvoker Invoker => invoker;

        /// <summary>Paces requests under the service's rate limit once it answers 429; workspace clients of an account context share it.</summary>
        public RatePacer Pacer { get; }

        /// <summary>Overridable delay, so unit tests can observe waits without sleeping.</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (d, ct) => Task.Delay(d, ct);

        private static HttpMessageInvoker CreateDefaultInvoker()
        {
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                MaxConnectionsPerServer = 64,
                AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate,
            };
            return new HttpMessageInvoker(new LocalhostNames(handler), disposeHandler: true); // <name>.localhost → loopback (config)
        }

        public async Task<DbxResponse> SendAsync(DbxRequest request, CancellationToken ct)
        {
            var started = Stopwatch.StartNew();
            var method = request.Method.Method;
            var pathAndQuery = request.PathAndQuery;
            // Before anything is sent: the path stays on this host, custom headers cannot inject or take over routing.
            var target = RequestGuard.Resolve(BaseUri, pathAndQuery, method);
            foreach (var h in request.Headers) RequestGuard.CheckHeader(h.Key, h.Value);
            bool reauthenticated = false;
            bool forceRefresh = false;
            // Set once an attempt may have reached the service without its answer reaching us (dropped connection,
            // timeout, 502/504): a DELETE that then answers 404 was applied by that attempt.
            bool unanswered = false;
            DbxApiException? lastError = null;

            for (int attempt = 1; ; attempt++)
            {
                ct.ThrowIfCancellationRequested();
                string auth = await Credentials.GetAuthorizationAsync(forceRefresh, ct).ConfigureAwait(false);
                forceRefresh = false;
                using var msg = new HttpRequestMessage(request.Method, target);
                // The credential only goes to the authority it was issued for, whatever built the URI.
                RequestGuard.EnsureSameAuthority(BaseUri, msg.RequestUri!, method, request.Path);
                msg.Headers.TryAddWithoutValidation("Authorization", auth);
                msg.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                msg.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
                // Unified host: the SDKs name the workspace with X-Databricks-Workspace-Id (the legacy X-Databricks-Org-Id is no longer sent).
                if (request.WorkspaceId.HasValue)
                    msg.Headers.TryAddWithoutValidation(WorkspaceIdHeader, request.WorkspaceId.Value.ToString(CultureInfo.InvariantCulture));
                foreach (var h in request.Headers) msg.Headers.TryAddWithoutValidation(h.Key, h.Value);
                if (request.Body != null)
                {
                    msg.Content = new ByteArrayContent(request.Body);
                    msg.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                }

                DbxLog.Debug($"{method} {target} (attempt {attempt}){(request.Body != null ? " body: " + ErrorParser.Truncate(Encoding.UTF8.GetString(request.Body), 2000) : "")}");
                await Pacer.WaitAsync(Delay, ct).ConfigureAwait(false);
                var sentAt = Pacer.Now;
                DbxStats.CountRequest();

                HttpResponseMessage? resp = null;
                byte[] body;
                int status;
                string? requestId;
                using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    timeout.CancelAfter(Retry.RequestTimeout);
                    try
                    {
                        resp = await invoker.SendAsync(msg, timeout.Token).ConfigureAwait(false);
                        status = (int)resp.StatusCode;
                        requestId = HeaderValue(resp, "x-request-id") ?? HeaderValue(resp, "x-databricks-request-id");
                        body = await ReadBodyAsync(resp, timeout.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested && IsTransport(ex))
                    {
                        resp?.Dispose();
                        var what = ex is OperationCanceledException ? $"timed out after {Retry.RequestTimeout.TotalSeconds:0} s" : "failed: " + Innermost(ex).Message;
                        lastError = new DbxApiException(0, ex is OperationCanceledException ? "TIMEOUT" : "CONNECTION_ERROR",
                            $"The request to {BaseUri.Host} {what}", null, method, request.Path, ex) { Attempts = attempt };
                        if (!RetryPolicy.ShouldRetryConnectionFailure(request.Method) || request.NoResendAfterLostAnswer)
                        {
                            lastError.IsAmbiguous = true;
                            DbxLog.Verbose($"{method} {request.Path}: connection {what}; not retried because the write may already have been applied");
                            throw lastError;
                        }
                        unanswered = true;
                        if (!await WaitBeforeRetry(attempt, started, null, $"{method} {request.Path}: connection {what}", ct).ConfigureAwait(false))
                            throw lastError;
                        continue;
                    }
                    catch (DbxApiException) { resp?.Dispose(); throw; }
                }

                using (resp)
                {
                    Pacer.OnResponse(status, status == 429 ? RetryAfterOf(resp) : null, sentAt);
                    DbxLog.Debug($"{method} {request.Path} -> {status}{(requestId != null ? " request id " + requestId : "")} ({body.Length} bytes)");
                    if (status >= 200 && status < 300)
                    {
                        if (attempt > 1) DbxLog.Verbose($"{method} {request.Path} succeeded on attempt {attempt}");
                        return new DbxResponse(status, body, requestId, method, request.Path);
                    }

                    if (status == 401 && Credentials.CanRefresh && !reauthenticated)
                    {
                        reauthenticated = true;
                        forceRefresh = true;
                        DbxLog.Verbose($"{method} {request.Path}: 401, fetching a new OAuth token and trying once more");
                        continue;
                    }

                    if (status == 404 && unanswered && request.Method == HttpMethod.Delete)
                    {
                        DbxStats.CountDeleteAlreadyGone();
                        DbxLog.Verbose($"{method} {request.Path}: 404 on attempt {attempt} after an earlier attempt got no answer; that attempt deleted it, counted as deleted");
                        return new DbxResponse(204, Array.Empty<byte>(), requestId, method, request.Path);
                    }

                    if (status >= 300 && status < 400 && ErrorParser.IsPrivateLinkRedirect(resp.Headers.Location))
                        throw new DbxApiException(403, "PRIVATE_LINK_VALIDATION_ERROR", ErrorParser.PrivateLinkMessage, requestId, method, request.Path) { Attempts = attempt };

                    var parsed = ErrorParser.Parse(status, resp.ReasonPhrase, body, resp.Content?.Headers.ContentType?.MediaType);
                    lastError = new DbxApiException(status, parsed.ErrorCode, SecretRegistry.Redact(parsed.Message), parsed.RequestId ?? requestId, method, request.Path) { Attempts = attempt, ErrorInfo = parsed.ErrorInfo };
                    if (!RetryPolicy.ShouldRetryStatus(request.Method, status)) throw lastError;
                    if (status == 502 || status == 504) unanswered = true;
                    if (unanswered && request.NoResendAfterLostAnswer) { lastError.IsAmbiguous = true; throw lastError; }
                    var retryAfter = RetryAfterOf(resp);
                    if (!await WaitBeforeRetry(attempt, started, retryAfter, $"{method} {request.Path}: HTTP {status} {parsed.ErrorCode}", ct).ConfigureAwait(false))
                        throw lastError;
                }
            }
        }

        private async Task<bool> WaitBeforeRetry(int attempt, Stopwatch started, TimeSpan? retryAfter, string why, CancellationToken ct)
        {
            if (attempt >= Retry.MaxAttempts)
            {
                DbxLog.Verbose($"{why}; giving up after {attempt} attempts");
                return false;
            }
            var delay = retryAfter ?? RetryPolicy.Backoff(Retry, attempt, rng);
            if (started.Elapsed + delay > Retry.MaxRetryTime)
            {
                DbxLog.Verbose($"{why}; giving up: waiting {delay.TotalSeconds:0.##} s more would exceed the retry budget of {Retry.MaxRetryTime.TotalSeconds:0} s");
                return false;
            }
            DbxLog.Verbose($"{why}; retry {attempt} of {Retry.MaxAttempts - 1} in {delay.TotalMilliseconds:0} ms{(retryAfter.HasValue ? " (Retry-After)" : "")}");
            DbxStats.CountRetry();
            await Delay(delay, ct).ConfigureAwait(false);
            return true;
        }

        internal static async Task<byte[]> ReadBodyAsync(HttpResponseMessage resp, CancellationToken ct)
        {
            if (resp.Content == null) return Array.Empty<byte>();
            var declared = resp.Content.Headers.ContentLength;
            if (declared.HasValue && declared.Value > MaxResponseBytes)
                throw new DbxInvalidResponseException((int)resp.StatusCode, $"The response is {declared.Value} bytes, over the module's limit of {MaxResponseBytes} bytes.", null, resp.RequestMessage?.Method.Method, resp.RequestMessage?.RequestUri?.AbsolutePath, null);
            using var stream = await resp.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var ms = new MemoryStream();
            var buffer = new byte[16384];
            while (true)
            {
                var n = await stream.ReadAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
                if (n == 0) break;
                if (ms.Length + n > MaxResponseBytes)
                    throw new DbxInvalidResponseException((int)resp.StatusCode, $"The response exceeded the module's limit of {MaxResponseBytes} bytes.", null, resp.RequestMessage?.Method.Method, resp.RequestMessage?.RequestUri?.AbsolutePath, null);
                ms.Write(buffer, 0, n);
            }
            return ms.ToArray();
        }

        private static bool IsTransport(Exception ex) =>
            ex is HttpRequestException || ex is IOException || ex is OperationCanceledException || ex is System.Net.Sockets.SocketException;

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }

        private static TimeSpan? RetryAfterOf(HttpResponseMessage resp) =>
            RetryPolicy.ParseRetryAfter(resp.Headers.RetryAfter?.ToString() ?? HeaderValue(resp, "Retry-After"), DateTimeOffset.UtcNow);

        private static string? HeaderValue(HttpResponseMessage resp, string name) =>
            resp.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
    }
}
