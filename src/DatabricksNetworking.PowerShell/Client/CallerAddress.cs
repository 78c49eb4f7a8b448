using System;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// Learns the caller's public IPv4 address for the IP access list lockout guard: from a Databricks IP ACL refusal
    /// (<c>Source IP address: a.b.c.d is blocked by Databricks IP ACL ...</c>, whatever its error_code), or from a
    /// "what is my address" service answering the address as plain text (default https://checkip.amazonaws.com;
    /// per context <see cref="DbxContext.CallerIpLookupUrl"/>, else the <c>DBX_CALLER_IP_URL</c> environment variable;
    /// <c>off</c> turns it off). The lookup is another host: it is sent with no credential, no cookie, no redirect
    /// followed, and gives up after <see cref="LookupTimeout"/>.
    /// </summary>
    public static class CallerAddress
    {
        public const string LookupUrlVariable = "DBX_CALLER_IP_URL";
        public const string DefaultLookupUrl = "https://checkip.amazonaws.com";
        public const string SourceParameter = "parameter";
        public const string SourceContext = "set on the context";
        public const string SourceRefusal = "service refusal";
        public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(3);
        /// <summary>How long a failed lookup is not tried again through the same context.</summary>
        public static readonly TimeSpan FailureMemory = TimeSpan.FromMinutes(5);

        private static readonly Regex RefusalPattern = new Regex(@"Source IP address:?\s*(?<ip>[0-9]{1,3}(?:\.[0-9]{1,3}){3})\s+is blocked",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        // Its own client: never the Databricks HttpMessageInvoker (which adds credentials); no cookies, no redirects.
        private static readonly HttpClient Lookup = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };

        /// <summary>The address named by an IP ACL refusal's message, or null.</summary>
        public static string? FromRefusal(string? message)
        {
            var m = RefusalPattern.Match(message ?? "");
            if (!m.Success || !Cidr.TryParseAddress(m.Groups["ip"].Value, out var a, out _)) return null;
            return Cidr.FormatAddress(a);
        }

        /// <summary>
        /// Remembers on <paramref name="context"/> the address an IP ACL refusal names (never over an address the user gave);
        /// returns it when it is new to the context, else null.
        /// </summary>
        public static string? LearnFromRefusal(DbxContext? context, DbxApiException ex)
        {
            if (context == null) return null;
            var ip = FromRefusal(ex.ServiceMessage);
            if (ip == null) return null;
            var source = context.CallerIpAddressSource;
            if (source == SourceParameter || source == SourceContext || (context.CallerIpAddress == ip && source == SourceRefusal)) return null;
            context.SetCallerIpAddress(ip, SourceRefusal);
            return ip;
        }

        /// <summary>The lookup URL for a context: its own, else DBX_CALLER_IP_URL, else the default; null when turned off.</summary>
        public static string? LookupUrlFor(DbxContext? context, Func<string, string?> environment)
        {
            if (context?.NoCallerIpLookup == true) return null;
            var url = context?.CallerIpLookupUrl ?? environment(LookupUrlVariable);
            if (url == null) return DefaultLookupUrl;
            url = url.Trim();
            return url.Length == 0 || IsOff(url) ? null : url;
        }

        public static bool IsOff(string value) =>
            string.Equals(value, "off", StringComparison.OrdinalIgnoreCase) || string.Equals(value, "none", StringComparison.OrdinalIgnoreCase);

        /// <summary>Checks a lookup URL: absolute https (http only for loopback). Returns null when good, else what is wrong.</summary>
        public static string? CheckLookupUrl(string url)
        {
            if (IsOff(url.Trim())) return null;
            if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                return $"'{url}' is not an http(s) URL of a service that answers your public address (such as {DefaultLookupUrl}); use 'off' to turn the lookup off.";
            if (uri.Scheme == Uri.UriSchemeHttp && !ContextFactory.IsLoopback(uri.Host))
                return $"'{url}' uses http://, which is allowed only for loopback hosts; use https://.";
            return null;
        }

        /// <summary>
        /// Asks <paramref name="url"/> for the caller's address; null (with a verbose line saying why) when it does not
        /// answer one within <see cref="LookupTimeout"/>.
        /// </summary>
        public static async Task<string?> LookUpAsync(string url, CancellationToken ct)
        {
            var problem = CheckLookupUrl(url);
            if (problem != null) { DbxLog.Verbose("Caller address lookup skipped: " + problem); return null; }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(LookupTimeout);
            try
            {
                DbxLog.Verbose($"Looking up your public address at {url} (no credential is sent; gives up after {LookupTimeout.TotalSeconds:0} s)");
                using var request = new HttpRequestMessage(HttpMethod.Get, url.Trim());
                using var response = await Lookup.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                var body = response.Content == null ? "" : Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
                if (!response.IsSuccessStatusCode)
                {
                    DbxLog.Verbose($"Caller address lookup at {url} answered HTTP {(int)response.StatusCode}; your address stays unknown.");
                    return null;
                }
                var text = body.Length > 64 ? body.Substring(0, 64) : body;
                var first = text.Split('\n')[0].Trim();
                if (!Cidr.TryParseAddress(first, out var address, out _))
                {
                    DbxLog.Verbose($"Caller address lookup at {url} did not answer an IPv4 address; your address stays unknown.");
                    return null;
                }
                var ip = Cidr.FormatAddress(address);
                DbxLog.Verbose($"Caller address lookup at {url}: your public address is {ip}.");
                return ip;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                DbxLog.Verbose($"Caller address lookup at {url} did not answer within {LookupTimeout.TotalSeconds:0} s; your address stays unknown.");
                return null;
            }
            catch (HttpRequestException ex)
            {
                DbxLog.Verbose($"Caller address lookup at {url} failed ({ex.Message}); your address stays unknown.");
                return null;
            }
        }
    }
}
