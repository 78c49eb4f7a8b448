using System;
using System.Collections.Generic;
using System.Net;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// The one exception type the client throws for anything that went wrong talking to Databricks:
    /// an error answer from the service, a response the client could not understand, or a connection
    /// that failed after the retries it was allowed. Cmdlets turn it into an ErrorRecord in one place.
    /// </summary>
    public class DbxApiException : Exception
    {
        public DbxApiException(int statusCode, string? errorCode, string message, string? requestId,
            string? method = null, string? path = null, Exception? inner = null)
            : base(message, inner)
        {
            StatusCode = statusCode;
            ErrorCode = errorCode;
            RequestId = requestId;
            Method = method;
            Path = path;
            ServiceMessage = message;
        }

        /// <summary>HTTP status; 0 when no response arrived (connection failure or timeout).</summary>
        public int StatusCode { get; }

        /// <summary>Databricks <c>error_code</c> (stringified when the service sent a number).</summary>
        public string? ErrorCode { get; }

        public string? RequestId { get; }
        public string? Method { get; }
        public string? Path { get; }

        /// <summary>The service's own message text, without the decorations of <see cref="Message"/>.</summary>
        public string ServiceMessage { get; }

        /// <summary>
        /// The <c>google.rpc.ErrorInfo</c> details of the error body (empty when there were none). The settings API puts
        /// the setting's current etag in <c>metadata.etag</c> of a 409 RESOURCE_CONFLICT or 404 NOT_FOUND answer.
        /// </summary>
        public IReadOnlyList<DbxErrorInfo> ErrorInfo { get; internal set; } = Array.Empty<DbxErrorInfo>();

        /// <summary>The first ErrorInfo detail's metadata value for <paramref name="key"/> (e.g. "etag"), or null.</summary>
        public string? ErrorInfoMetadata(string key)
        {
            foreach (var info in ErrorInfo)
                if (info.Metadata.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value)) return value;
            return null;
        }

        /// <summary>Number of attempts made (1 = no retry).</summary>
        public int Attempts { get; internal set; } = 1;

        /// <summary>True when the failure is a transport one (no HTTP answer): connection refused/reset or timeout.</summary>
        public bool IsConnectionFailure => StatusCode == 0;

        /// <summary>True when a write may have been applied although no answer arrived (POST after a dropped connection).</summary>
        public bool IsAmbiguous { get; internal set; }

        public override string Message
        {
            get
            {
                var code = ErrorCode ?? (StatusCode == 0 ? "CONNECTION_ERROR" : "HTTP_" + StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var text = $"{ServiceMessage} (error_code: {code}";
                if (StatusCode != 0) text += $", HTTP {StatusCode}";
                if (!string.IsNullOrEmpty(RequestId)) text += $", request id: {RequestId}";
                if (!string.IsNullOrEmpty(Method)) text += $", {Method} {Path}";
                return text + ")";
            }
        }
    }

    /// <summary>One <c>type.googleapis.com/google.rpc.ErrorInfo</c> detail of an error answer.</summary>
    public sealed class DbxErrorInfo
    {
        public const string TypeUrl = "type.googleapis.com/google.rpc.ErrorInfo";
        public DbxErrorInfo(string? reason, string? domain, IReadOnlyDictionary<string, string> metadata)
        { Reason = reason; Domain = domain; Metadata = metadata; }
        public string? Reason { get; }
        public string? Domain { get; }
        public IReadOnlyDictionary<string, string> Metadata { get; }
    }

    /// <summary>The service answered 2xx, but the body is not what the API promises (bad JSON, wrong types).</summary>
    public sealed class DbxInvalidResponseException : DbxApiException
    {
        public DbxInvalidResponseException(int statusCode, string message, string? requestId, string? method, string? path, Exception? inner)
            : base(statusCode, "INVALID_RESPONSE", message, requestId, method, path, inner) { }
    }
}
