using System.Net;
using System.Net.Http;
using System.Text;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Tests.Foundation;

/// <summary>An HTTP handler that answers from a function and records every request (with its body).</summary>
public sealed class FakeHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, string?, int, HttpResponseMessage> respond;
    public List<(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, string? Body)> Requests { get; } = new();

    public FakeHandler(Func<HttpRequestMessage, string?, int, HttpResponseMessage> respond) { this.respond = respond; }

    public int Count(string pathPrefix) => Requests.Count(r => r.Uri.AbsolutePath.StartsWith(pathPrefix, StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content == null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        int n;
        lock (Requests) { Requests.Add((request.Method, request.RequestUri!, headers, body)); n = Requests.Count; }
        return respond(request, body, n);
    }

    public static HttpResponseMessage Json(int status, string json, params (string Name, string Value)[] headers)
    {
        var r = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) r.Headers.TryAddWithoutValidation(name, value);
        return r;
    }

    public static HttpResponseMessage Text(int status, string text, string mediaType = "text/plain") =>
        new((HttpStatusCode)status) { Content = new StringContent(text, Encoding.UTF8, mediaType) };

    public static HttpResponseMessage Token(string accessToken, int expiresIn = 3600) =>
        Json(200, $"{{\"access_token\":\"{accessToken}\",\"token_type\":\"Bearer\",\"expires_in\":{expiresIn},\"scope\":\"all-apis\"}}");
}

/// <summary>DbxHttp over a fake handler whose waits are recorded instead of slept.</summary>
public sealed class HttpUnderTest
{
    public HttpUnderTest(FakeHandler handler, RetryOptions? retry = null, ICredentialProvider? credentials = null)
    {
        Handler = handler;
        Http = new DbxHttp(new Uri("https://dbc-test.cloud.databricks.com"), credentials ?? new PatCredentialProvider("dapi-unit-test-token-0001"),
            retry ?? new RetryOptions(), new HttpMessageInvoker(handler), randomSeed: 7);
        Http.Delay = (d, ct) => { lock (Delays) Delays.Add(d); return Task.CompletedTask; };
    }

    public FakeHandler Handler { get; }
    public DbxHttp Http { get; }
    public List<TimeSpan> Delays { get; } = new();

    public Task<DbxResponse> Send(HttpMethod method, string path = "/api/2.0/ip-access-lists", string? body = null)
    {
        var req = new DbxRequest(method, path);
        if (body != null) req.Body = Encoding.UTF8.GetBytes(body);
        return Http.SendAsync(req, CancellationToken.None);
    }
}
