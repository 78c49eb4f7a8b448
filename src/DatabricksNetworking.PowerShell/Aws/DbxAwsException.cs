using System;
using System.Management.Automation;
using System.Text;
using DatabricksNetworking.Client;

namespace DatabricksNetworking.Aws
{
    /// <summary>
    /// A failure on the AWS side, already translated by the engine: a stable ErrorId (<c>DbxAws</c> + the AWS error
    /// code, e.g. <c>DbxAwsInvalidVpcIDNotFound</c>), the PowerShell category and a message with the AWS code,
    /// HTTP status and request id. Never carries an SDK exception, so no Amazon.* type leaves the engine.
    /// </summary>
    public sealed class DbxAwsException : Exception
    {
        public DbxAwsException(string errorId, string message, ErrorCategory category, string? awsErrorCode = null,
            int statusCode = 0, string? requestId = null, bool configuration = false)
            : base(SecretRegistry.Redact(message))
        {
            ErrorId = errorId;
            Category = category;
            AwsErrorCode = awsErrorCode;
            StatusCode = statusCode;
            RequestId = requestId;
            IsConfiguration = configuration;
        }

        public string ErrorId { get; }
        public ErrorCategory Category { get; }
        public string? AwsErrorCode { get; }
        public int StatusCode { get; }
        public string? RequestId { get; }
        /// <summary>Region, credentials, profile or engine problems: every further record would fail the same way, so the cmdlet stops.</summary>
        public bool IsConfiguration { get; }

        /// <summary><c>DbxAws</c> + the AWS code without punctuation, keeping its casing: <c>InvalidVpcID.NotFound</c> → <c>DbxAwsInvalidVpcIDNotFound</c>.</summary>
        public static string ErrorIdFor(string? awsCode, int statusCode)
        {
            if (string.IsNullOrEmpty(awsCode)) return statusCode > 0 ? "DbxAwsHttp" + statusCode : "DbxAwsError";
            var sb = new StringBuilder("DbxAws");
            bool upper = true;
            foreach (var c in awsCode!)
            {
                if (!char.IsLetterOrDigit(c)) { upper = true; continue; }
                sb.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            return sb.ToString();
        }

        /// <summary>The PowerShell category of an AWS error code and HTTP status.</summary>
        public static ErrorCategory CategoryFor(string? awsCode, int statusCode)
        {
            var code = awsCode ?? "";
            if (code.EndsWith(".NotFound", StringComparison.Ordinal) || code.EndsWith("NotFound", StringComparison.Ordinal)) return ErrorCategory.ObjectNotFound;
            if (code.EndsWith(".Duplicate", StringComparison.Ordinal) || code.IndexOf("AlreadyExists", StringComparison.Ordinal) >= 0) return ErrorCategory.ResourceExists;
            if (code == "AuthFailure" || code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" || code == "ExpiredToken" || code == "ExpiredTokenException") return ErrorCategory.AuthenticationError;
            if (code == "UnauthorizedOperation" || code == "AccessDenied" || code == "AccessDeniedException") return ErrorCategory.PermissionDenied;
            if (code == "RequestLimitExceeded" || code == "Throttling" || code.EndsWith("LimitExceeded", StringComparison.Ordinal)) return ErrorCategory.LimitsExceeded;
            if (code == "IncorrectState" || code.StartsWith("IncorrectState", StringComparison.Ordinal) || code == "DependencyViolation") return ErrorCategory.ResourceBusy;
            switch (statusCode)
            {
                case 400: return ErrorCategory.InvalidArgument;
                case 401: return ErrorCategory.AuthenticationError;
                case 403: return ErrorCategory.PermissionDenied;
                case 404: return ErrorCategory.ObjectNotFound;
                case 0: return ErrorCategory.ConnectionError;
            }
            return statusCode >= 500 ? ErrorCategory.ConnectionError : ErrorCategory.NotSpecified;
        }

        public ErrorRecord ToErrorRecord(object? target)
        {
            var record = new ErrorRecord(new InvalidOperationException(Message), ErrorId, Category, target)
            {
                ErrorDetails = new ErrorDetails(Message) { RecommendedAction = Recommend() },
            };
            return record;
        }

        private string? Recommend()
        {
            switch (Category)
            {
                case ErrorCategory.AuthenticationError: return "Check the AWS credentials: Get-DbxAwsCallerIdentity shows which ones are used (-AwsProfile, AWS_ACCESS_KEY_ID, AWS_PROFILE).";
                case ErrorCategory.PermissionDenied: return "The AWS principal lacks the IAM permission for this call (see the message), or the role cannot be assumed.";
                case ErrorCategory.ObjectNotFound: return "Check the id and the region (-Region): AWS ids exist in one region only.";
                case ErrorCategory.ConnectionError: return "Check the network path to AWS, or -AwsEndpointUrl / AWS_ENDPOINT_URL when an endpoint override is meant.";
            }
            return null;
        }
    }
}
