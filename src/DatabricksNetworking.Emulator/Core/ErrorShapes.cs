using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using KestrelServerOptions = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions;
using Microsoft.AspNetCore.WebUtilities;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>An error a handler (or a helper such as <see cref="Emu.Paged"/>) throws; answered with the Databricks error body.</summary>
public sealed class EmuException : Exception
{
    public EmuException(int status, string errorCode, string message) : base(message) { Status = status; ErrorCode = errorCode; }
    public int Status { get; }
    public string ErrorCode { get; }
}

/// <summary>
/// Every error the emulator answers has the Databricks body {error_code, message, details:[RequestInfo]} and the real
/// status: exceptions in handlers, Kestrel's body-size and bad-body refusals (BadHttpRequestException), bodiless error
/// results, unknown methods on known routes (405 with Allow) and the refusals Kestrel writes itself before any
/// middleware runs (400 malformed request, 414 URI too long, 431 headers too large), which a connection filter rewrites.
/// </summary>
public static class ErrorShapes
{
    public const long MaxRequestBodyBytes = 16 * 1024 * 1024;

    /// <summary>The error_code for a status without a more specific one: the Go SDK's rule for bodies it cannot parse
    /// (the reason phrase, upper case, spaces as underscores), with the codes the emulator uses elsewhere for the common ones.</summary>
    public static string CodeFor(int status) => status switch
    {
        400 => "MALFORMED_REQUEST",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "ENDPOINT_NOT_FOUND",
        500 => "INTERNAL_ERROR",
        503 => "TEMPORARILY_UNAVAILABLE",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } r ? r.ToUpperInvariant().Replace(' ', '_').Replace("-", "_") : "UNKNOWN",
    };

    public static string MessageFor(int status) => status switch
    {
        400 => "The request is malformed and cannot be read as HTTP.",
        413 => $"The request body is larger than the limit of {MaxRequestBodyBytes} bytes.",
        414 => "The request URI is too long.",
        431 => "The request headers are too large.",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } r ? r + "." : "The request failed.",
    };

    /// <summary>The Databricks error body as JSON text.</summary>
    public static string Body(string errorCode, string message, string requestId) => new JsonObject
    {
        ["error_code"] = errorCode,
        ["message"] = message,
        ["details"] = new JsonArray(new JsonObject
        {
            ["@type"] = "type.googleapis.com/google.rpc.RequestInfo",
            ["request_id"] = requestId,
            ["serving_data"] = "",
            // Not part of google.rpc.RequestInfo, but the official JS SDK (@databricks/sdk-experimental 0.17)
            // reads detail.metadata of every detail and falls back to "unknown error" without it; the Go and
            // Python SDKs ignore the extra field.
            ["metadata"] = new JsonObject(),
        }),
    }.ToJsonString();

    public static void ConfigureKestrel(KestrelServerOptions k, EmulatorOptions options)
    {
        k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        k.Listen(System.Net.IPAddress.Loopback, options.Port, listen => listen.Use(next => async connection =>
        {
            var transport = connection.Transport;
            var output = new KestrelRefusalStream(transport.Output.AsStream(leaveOpen: true));
            var writer = PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true));
            connection.Transport = new DuplexPipe(transport.Input, writer);
            try { await next(connection); }
            finally
            {
                await writer.CompleteAsync();
                await transport.Output.CompleteAsync();
                connection.Transport = transport;
            }
        }));
    }

    /// <summary>The first middleware: exceptions and bodiless error answers become Databricks error bodies.</summary>
    public static async Task Guard(HttpContext http, RequestDelegate next)
    {
        try
        {
            await next(http);
        }
        catch (Exception ex) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            var (status, code, message) = ex switch
            {
                EmuException e => (e.Status, e.ErrorCode, e.Message),
                BadHttpRequestException b => (b.StatusCode, CodeFor(b.StatusCode), b.StatusCode == 413 ? MessageFor(413) : "The request could not be read: " + b.Message),
                System.Text.Json.JsonException j => (400, "MALFORMED_REQUEST", "Could not parse request body as JSON: " + j.Message),
                _ => (500, "INTERNAL_ERROR", $"The emulator failed on this request ({ex.GetType().Name}: {ex.Message})."),
            };
            http.Response.Clear();
            http.Response.Headers["x-request-id"] = http.Items["request_id"] as string ?? "";
            if (status == 413 || status == 400 && ex is BadHttpRequestException) http.Response.Headers.Connection = "close";
            await Emu.Error(http, status, code, message).ExecuteAsync(http);
            return;
        }
        var r = http.Response;
        if (r.StatusCode >= 400 && !r.HasStarted && !HttpMethods.IsHead(http.Request.Method) && !http.Items.ContainsKey(IntendedBodilessKey))
        {
            // A bodiless error (a framework refusal, e.g. a query parameter that does not bind): give it the error body.
            var message = r.StatusCode == 400 ? "The request has a missing or invalid parameter." : MessageFor(r.StatusCode);
            await Emu.Error(http, r.StatusCode, CodeFor(r.StatusCode), message).ExecuteAsync(http);
        }
    }

    /// <summary>Set in HttpContext.Items when an answer is meant to have no body (the bodiless-409 chaos kind, as the real
    /// service sometimes answers), so the guard does not add one.</summary>
    public const string IntendedBodilessKey = "emu-intended-bodiless";

    /// <summary>The fallback endpoint: 405 with Allow when the path is a known route of other methods, else 404.</summary>
    public static RequestDelegate Fallback(WebApplication app)
    {
        List<(TemplateMatcher Matcher, string[] Methods)>? routes = null;
        return async http =>
        {
            routes ??= Routes(app);
            var path = http.Request.Path;
            var allowed = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (matcher, methods) in routes)
                if (matcher.TryMatch(path, new RouteValueDictionary())) allowed.UnionWith(methods);
            if (allowed.Count > 0 && !allowed.Contains(http.Request.Method))
            {
                if (allowed.Contains("GET")) allowed.Add("HEAD");
                http.Response.Headers.Allow = string.Join(", ", allowed);
                await Emu.Error(http, 405, "METHOD_NOT_ALLOWED", $"Method {http.Request.Method} is not allowed on '{path}'. Allowed: {string.Join(", ", allowed)}.").ExecuteAsync(http);
                return;
            }
            await Emu.Error(http, 404, "ENDPOINT_NOT_FOUND", $"No API found for '{http.Request.Method} {path}'.").ExecuteAsync(http);
        };
    }

    private static List<(TemplateMatcher, string[])> Routes(WebApplication app)
    {
        var list = new List<(TemplateMatcher, string[])>();
        foreach (var source in ((IEndpointRouteBuilder)app).DataSources)
            foreach (var e in source.Endpoints.OfType<RouteEndpoint>())
            {
                var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
                if (methods == null || methods.Count == 0 || e.RoutePattern.RawText == null || e.RoutePattern.RawText.Contains("*")) continue;
                list.Add((new TemplateMatcher(TemplateParser.Parse(StripConstraints(e.RoutePattern)), new RouteValueDictionary()), methods.ToArray()));
            }
        return list;
    }

    /// <summary>The route template without parameter constraints (a 405 only needs the shape of the path).</summary>
    private static string StripConstraints(RoutePattern p) =>
        string.Join("/", p.PathSegments.Select(s => string.Concat(s.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart l => l.Content,
            RoutePatternParameterPart prm => "{" + prm.Name + "}",
            RoutePatternSeparatorPart sep => sep.Content,
            _ => "",
        }))));

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes a connection's output through, except a bodiless error answer Kestrel writes itself (a request it refused
    /// before any middleware ran: "HTTP/1.1 4xx ...", Content-Length: 0, Connection: close, nothing after the head),
    /// which gets the Databricks error body.
    /// </summary>
    internal sealed class KestrelRefusalStream(Stream inner) : Stream
    {
        private static readonly byte[] Http11 = "HTTP/1.1 "u8.ToArray();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var rewritten = Rewrite(buffer.Span);
            await inner.WriteAsync(rewritten ?? buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            var rewritten = Rewrite(buffer.AsSpan(offset, count));
            if (rewritten != null) inner.Write(rewritten, 0, rewritten.Length); else inner.Write(buffer, offset, count);
        }

        internal static byte[]? Rewrite(ReadOnlySpan<byte> data)
        {
            if (data.Length < 16 || data.Length > 4096 || !data.StartsWith(Http11)) return null;
            if (data.IndexOf("\r\n\r\n"u8) != data.Length - 4) return null;
            var head = Encoding.ASCII.GetString(data);
            if (!int.TryParse(head.AsSpan(9, 3), out var status) || status < 400) return null;
            var lines = head.Substring(0, head.Length - 4).Split("\r\n");
            bool emptyBody = false, closing = false;
            foreach (var l in lines.Skip(1))
            {
                if (l.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase)) emptyBody = true;
                if (l.Equals("Connection: close", StringComparison.OrdinalIgnoreCase)) closing = true;
            }
            if (!emptyBody || !closing) return null;
            var rid = Guid.NewGuid().ToString();
            var body = Encoding.UTF8.GetBytes(Body(CodeFor(status), MessageFor(status), rid));
            var sb = new StringBuilder();
            foreach (var l in lines)
                sb.Append(l.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase) ? "Content-Length: " + body.Length : l).Append("\r\n");
            sb.Append("Content-Type: application/json\r\n").Append("x-request-id: ").Append(rid).Append("\r\n\r\n");
            return [.. Encoding.ASCII.GetBytes(sb.ToString()), .. body];
        }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
    }
}
