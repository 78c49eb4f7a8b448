using System;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>The feed could not be fetched: no connection, a timeout, a refused redirect or an HTTP error status.</summary>
    public sealed class FeedUnreachableException : Exception
    {
        public FeedUnreachableException(Uri uri, string reason, Exception? inner = null)
            : base($"Could not read {uri}: {reason}", inner) { Uri = uri; Reason = reason; }
        public Uri Uri { get; }
        public string Reason { get; }
    }

    /// <summary>
    /// Databricks' published IP ranges (<c>ip-ranges.json</c>, reference databricks-regions.md §6): a public,
    /// unauthenticated URL, so this is a plain GET with no Authorization header, not a <see cref="DbxClient"/> call.
    /// Like <see cref="DbxHttp"/>: redirects are followed by hand (at most <see cref="MaxRedirects"/>, never from
    /// https to http), one timeout covers the whole fetch, and bodies over <see cref="DbxHttp.MaxResponseBytes"/>
    /// are refused.
    /// </summary>
    public sealed class PublishedIpRangesApi
    {
        public static readonly Uri DefaultUri = new Uri(Firewall.FirewallTable.PublishedIpRangesUrl);
        public const int MaxRedirects = 5;

        private static readonly HttpMessageInvoker SharedInvoker = new HttpMessageInvoker(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate,
        }, disposeHandler: true);

        private readonly HttpMessageInvoker invoker;

        public PublishedIpRangesApi(HttpMessageInvoker? invoker = null, TimeSpan? timeout = null)
        {
            this.invoker = invoker ?? SharedInvoker;
            Timeout = timeout ?? TimeSpan.FromSeconds(30);
        }

        public TimeSpan Timeout { get; }

        /// <summary>A fetched feed: the body, the URL that answered it (after redirects) and whether it carried the emulator's fixture mark.</summary>
        public sealed class FeedResponse
        {
            public FeedResponse(byte[] body, Uri finalUri, bool markedFixture) { Body = body; FinalUri = finalUri; MarkedFixture = markedFixture; }
            public byte[] Body { get; }
            public Uri FinalUri { get; }
            /// <summary>The response had the <c>X-Emulator-Fixture</c> header (Firewall.PublishedIpRangeSource.FixtureHeader).</summary>
            public bool MarkedFixture { get; }
        }

        /// <summary>The body of <paramref name="uri"/>; throws <see cref="FeedUnreachableException"/> when it cannot be had.</summary>
        public async Task<byte[]> GetAsync(Uri uri, CancellationToken ct) => (await GetResponseAsync(uri, ct).ConfigureAwait(false)).Body;

        /// <summary>The body of <paramref name="uri"/> with where it came from; throws <see cref="FeedUnreachableException"/> when it cannot be had.</summary>
        public async Task<FeedResponse> GetResponseAsync(Uri uri, CancellationToken ct)
        {
            if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                throw new ArgumentException($"'{uri}' is not an http or https URL.", nameof(uri));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            var current = uri;
            for (int hop = 0; ; hop++)
            {
                using var msg = new HttpRequestMessage(HttpMethod.Get, current);
                msg.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                msg.Headers.TryAddWithoutValidation("User-Agent", "DatabricksNetworking/" + typeof(PublishedIpRangesApi).Assembly.GetName().Version?.ToString(3) + " powershell");
                DbxLog.Verbose($"GET {current}");
                HttpResponseMessage resp;
                try { resp = await invoker.SendAsync(msg, timeout.Token).ConfigureAwait(false); }
                catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
                { throw new FeedUnreachableException(uri, $"timed out after {Timeout.TotalSeconds:0} s", ex); }
                catch (Exception ex) when (ex is HttpRequestException || ex is IOException || ex is System.Net.Sockets.SocketException)
                { throw new FeedUnreachableException(uri, Innermost(ex).Message, ex); }

                using (resp)
                {
                    int status = (int)resp.StatusCode;
                    DbxLog.Debug($"GET {current} -> {status}");
                    if (status >= 300 && status < 400 && resp.Headers.Location != null)
                    {
                        var next = resp.Headers.Location.IsAbsoluteUri ? resp.Headers.Location : new Uri(current, resp.Headers.Location);
                        if (hop + 1 > MaxRedirects) throw new FeedUnreachableException(uri, $"more than {MaxRedirects} redirects");
                        if (current.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
                            throw new FeedUnreachableException(uri, $"refused a redirect from https to {next.Scheme} ({next})");
                        DbxLog.Verbose($"GET {current}: HTTP {status}, following the redirect to {next}");
                        current = next;
                        continue;
                    }
                    if (status < 200 || status >= 300)
                        throw new FeedUnreachableException(uri, $"HTTP {status} {resp.ReasonPhrase}".TrimEnd());
                    // DbxHttp's reader: the same size limit (DbxInvalidResponseException when over it).
                    var marked = resp.Headers.Contains(Firewall.PublishedIpRangeSource.FixtureHeader);
                    try { return new FeedResponse(await DbxHttp.ReadBodyAsync(resp, timeout.Token).ConfigureAwait(false), current, marked); }
                    catch (DbxInvalidResponseException ex) { throw new FeedUnreachableException(uri, ex.ServiceMessage, ex); }
                    catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
                    { throw new FeedUnreachableException(uri, $"timed out after {Timeout.TotalSeconds:0} s", ex); }
                    catch (IOException ex) { throw new FeedUnreachableException(uri, ex.Message, ex); }
                }
            }
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }
    }
}
