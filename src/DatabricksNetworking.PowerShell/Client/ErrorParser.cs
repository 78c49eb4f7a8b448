using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// Turns every error body shape the real service sends into (error_code, message, request id):
    /// JSON <c>{error_code, message, details}</c> (error_code string or number; legacy <c>error</c>; SCIM
    /// <c>detail/status</c>), plain text <c>CODE: message</c>, an empty body, and HTML (text of &lt;pre&gt;).
    /// </summary>
    public static class ErrorParser
    {
        private static readonly Regex PlainText = new Regex(@"^([A-Z_]+): (.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        private static readonly Regex Pre = new Regex(@"<pre>(.*?)</pre>", RegexOptions.Singleline | RegexOptions.IgnoreCase);
        /// <summary>The legacy gateway's numeric-code answers put the request id in the message: "... [ReqId: &lt;id&gt;]".</summary>
        private static readonly Regex ReqIdInMessage = new Regex(@"\[ReqId: ([^\]\s]+)\]\s*$", RegexOptions.CultureInvariant);
        private static readonly Regex Title = new Regex(@"<title>(.*?)</title>", RegexOptions.Singleline | RegexOptions.IgnoreCase);

        public readonly struct ParsedError
        {
            public ParsedError(string? errorCode, string message, string? requestId, IReadOnlyList<DbxErrorInfo>? errorInfo = null)
            { ErrorCode = errorCode; Message = message; RequestId = requestId; ErrorInfo = errorInfo ?? Array.Empty<DbxErrorInfo>(); }
            public string? ErrorCode { get; }
            public string Message { get; }
            public string? RequestId { get; }
            /// <summary>The <c>google.rpc.ErrorInfo</c> details (reason, domain, metadata such as a setting's current etag).</summary>
            public IReadOnlyList<DbxErrorInfo> ErrorInfo { get; }
        }

        /// <summary>The message the SDKs give a PrivateLink validation redirect (databricks-sdk-go apierr/private_link.go, AWS).</summary>
        public const string PrivateLinkMessage = "The requested workspace has AWS PrivateLink enabled and is not accessible from the current network. " +
            "Ensure that AWS PrivateLink is properly configured and that your device has access to the AWS VPC endpoint. " +
            "For more information, see https://docs.databricks.com/en/security/network/classic/privatelink.html.";

        /// <summary>
        /// A workspace with PrivateLink (public access off) answers a request from another network with a redirect to
        /// <c>/login.html?error=private-link-validation-error</c>, not an error body (databricks-sdk-go apierr/private_link.go
        /// isPrivateLinkRedirect: that path and that query). The SDKs make it 403 PRIVATE_LINK_VALIDATION_ERROR.
        /// </summary>
        public static bool IsPrivateLinkRedirect(Uri? location)
        {
            if (location == null) return false;
            var abs = location.IsAbsoluteUri ? location : new Uri(new Uri("https://workspace.invalid"), location);
            return abs.AbsolutePath == "/login.html" && abs.Query.IndexOf("error=private-link-validation-error", StringComparison.Ordinal) >= 0;
        }

        public static ParsedError Parse(int status, string? reasonPhrase, byte[]? body, string? contentType)
        {
            var reason = string.IsNullOrEmpty(reasonPhrase) ? DefaultReason(status) : reasonPhrase!;
            if (body == null || body.Length == 0)
                return new ParsedError(null, reason, null);

            var text = SafeDecode(body);
            var trimmed = text.TrimStart();
            if (trimmed.StartsWith("{", StringComparison.Ordinal))
            {
                var json = TryJson(body);
                if (json.HasValue) return json.Value;
            }

            var m = PlainText.Match(text.Trim());
            if (m.Success)
                return new ParsedError(m.Groups[1].Value, m.Groups[2].Value.Trim(), null);

            if (trimmed.StartsWith("<", StringComparison.Ordinal) || (contentType ?? "").IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                var pre = Pre.Match(text);
                var msg = pre.Success ? System.Net.WebUtility.HtmlDecode(pre.Groups[1].Value.Trim()) : null;
                if (string.IsNullOrEmpty(msg))
                {
                    var title = Title.Match(text);
                    msg = title.Success ? System.Net.WebUtility.HtmlDecode(title.Groups[1].Value.Trim()) : reason;
                }
                return new ParsedError(ToUpperSnake(reason), "The service answered with an HTML page: " + Truncate(msg!, 500), null);
            }

            return new ParsedError(null, Truncate(text.Trim(), 500), null);
        }

        private static ParsedError? TryJson(byte[] body)
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) return null;
                string? code = null, message = null, requestId = null;
                var errorInfo = new List<DbxErrorInfo>();
                if (root.TryGetProperty("error_code", out var ec))
                    code = ec.ValueKind == JsonValueKind.String ? ec.GetString() : ec.ValueKind == JsonValueKind.Number ? ec.GetRawText() : null;
                if (root.TryGetProperty("message", out var mm) && mm.ValueKind == JsonValueKind.String) message = mm.GetString();
                if (message == null && root.TryGetProperty("error", out var le) && le.ValueKind == JsonValueKind.String) message = le.GetString();
                if (message == null && root.TryGetProperty("detail", out var sd) && sd.ValueKind == JsonValueKind.String)
                {
                    message = sd.GetString();
                    if (code == null && root.TryGetProperty("status", out var ss)) code = "SCIM_" + (ss.ValueKind == JsonValueKind.String ? ss.GetString() : ss.GetRawText());
                }
                if (root.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
                {
                    foreach (var d in details.EnumerateArray())
                    {
                        if (d.ValueKind == JsonValueKind.Object && d.TryGetProperty("request_id", out var rid) && rid.ValueKind == JsonValueKind.String)
                            requestId = rid.GetString();
                        var info = ReadErrorInfo(d);
                        if (info != null) errorInfo.Add(info);
                    }
                }
                if (code == null && message == null) return null;
                if (requestId == null && message != null && ReqIdInMessage.Match(message) is { Success: true } reqId) requestId = reqId.Groups[1].Value;
                return new ParsedError(code, message ?? "", requestId, errorInfo);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        /// <summary>A <c>type.googleapis.com/google.rpc.ErrorInfo</c> detail: reason, domain and string metadata.</summary>
        private static DbxErrorInfo? ReadErrorInfo(JsonElement d)
        {
            if (d.ValueKind != JsonValueKind.Object || !d.TryGetProperty("@type", out var t) || t.ValueKind != JsonValueKind.String
                || t.GetString() != DbxErrorInfo.TypeUrl) return null;
            string? Text(string name) => d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (d.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
                foreach (var p in md.EnumerateObject())
                    if (p.Value.ValueKind == JsonValueKind.String) metadata[p.Name] = p.Value.GetString()!;
            return new DbxErrorInfo(Text("reason"), Text("domain"), metadata);
        }

        public static string ToUpperSnake(string reason)
        {
            var sb = new StringBuilder();
            foreach (var ch in reason.Trim())
                sb.Append(char.IsLetterOrDigit(ch) ? char.ToUpperInvariant(ch) : '_');
            return sb.ToString();
        }

        internal static string SafeDecode(byte[] body)
        {
            var len = Math.Min(body.Length, 64 * 1024);
            return Encoding.UTF8.GetString(body, 0, len);
        }

        internal static string Truncate(string s, int max) => s.Length <= max ? s : s.Substring(0, max) + "…";

        private static string DefaultReason(int status)
        {
            var name = ((System.Net.HttpStatusCode)status).ToString();
            return int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? "HTTP " + status.ToString(CultureInfo.InvariantCulture) : name;
        }
    }
}
