using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// RFC 6761 §6.3: names under <c>.localhost</c> are the loopback address, always. Browsers and curl resolve them
    /// so; the system resolver of many machines does not. For plain-http requests to <c>&lt;name&gt;.localhost</c> this
    /// handler connects to 127.0.0.1 and keeps the name in the Host header, so a local service (the emulator) can
    /// serve one host name per workspace, as Databricks serves <c>&lt;deployment&gt;.cloud.databricks.com</c>.
    /// https requests are left alone (the certificate would not match).
    /// </summary>
    public sealed class LocalhostNames : DelegatingHandler
    {
        public LocalhostNames(HttpMessageHandler inner) : base(inner) { }

        public static bool IsLocalhostName(string host) =>
            host.Length > ".localhost".Length && host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri;
            if (uri != null && uri.IsAbsoluteUri && uri.Scheme == Uri.UriSchemeHttp && IsLocalhostName(uri.Host))
            {
                if (request.Headers.Host == null) request.Headers.Host = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port;
                request.RequestUri = new UriBuilder(uri) { Host = "127.0.0.1" }.Uri;
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
