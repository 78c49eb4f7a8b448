using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Cmdlets
{
    /// <summary>The one place where exceptions become ErrorRecords: stable ErrorId, category from the status, target = the failing id or input.</summary>
    public static class ErrorRecords
    {
        public static ErrorCategory CategoryFor(DbxApiException ex)
        {
            if (ex is DbxRequestRefusedException refused) return refused.IsCredentialPin ? ErrorCategory.SecurityError : ErrorCategory.InvalidArgument;
            if (ex is DbxInvalidResponseException) return ErrorCategory.InvalidResult;
            if (IsInvalidAccessToken(ex)) return ErrorCategory.AuthenticationError;
            switch (ex.StatusCode)
            {
                case 0: return ex.ErrorCode == "TIMEOUT" ? ErrorCategory.OperationTimeout : ErrorCategory.ConnectionError;
                case 400: return ErrorCategory.InvalidArgument;
                case 401: return ErrorCategory.AuthenticationError;
                case 403: return ErrorCategory.PermissionDenied;
                case 404: return ErrorCategory.ObjectNotFound;
                case 409:
                    return ex.ErrorCode != null && ex.ErrorCode.IndexOf("ALREADY_EXISTS", StringComparison.Ordinal) >= 0
                        ? ErrorCategory.ResourceExists : ErrorCategory.ResourceBusy;
                case 429: return ErrorCategory.LimitsExceeded;
            }
            if (ex.StatusCode >= 500) return ErrorCategory.ConnectionError;
            return ErrorCategory.NotSpecified;
        }

        /// <summary><c>DbxApi</c> + the error code in PascalCase (<c>DbxApiResourceDoesNotExist</c>), or the HTTP status when there is none.</summary>
        public static string ErrorIdFor(DbxApiException ex)
        {
            if (ex is DbxRequestRefusedException refused) return refused.ErrorId;
            if (ex is DbxInvalidResponseException) return "DbxApiInvalidResponse";
            if (ex.StatusCode == 0) return ex.ErrorCode == "TIMEOUT" ? "DbxApiTimeout" : "DbxApiConnectionError";
            if (IsInvalidAccessToken(ex)) return "DbxApiInvalidAccessToken";
            if (!string.IsNullOrEmpty(ex.ErrorCode)) return "DbxApi" + Pascal(ex.ErrorCode!);
            return "DbxApiHttp" + ex.StatusCode.ToString(CultureInfo.InvariantCulture);
        }

        public static ErrorRecord FromApi(DbxApiException ex, object? target, string? doing = null)
        {
            if (ex is DbxRequestRefusedException refused)
                return new ErrorRecord(new ArgumentException(SecretRegistry.Redact(refused.Message)), refused.ErrorId, CategoryFor(refused), refused.Target ?? target)
                { ErrorDetails = new ErrorDetails(SecretRegistry.Redact((doing != null ? doing + ": " : "") + refused.Message)) };
            var message = SecretRegistry.Redact((doing != null ? doing + ": " : "") + ex.Message);
            var record = new ErrorRecord(new DbxApiException(ex.StatusCode, ex.ErrorCode, SecretRegistry.Redact(ex.ServiceMessage), ex.RequestId, ex.Method, ex.Path) { ErrorInfo = ex.ErrorInfo },
                ErrorIdFor(ex), CategoryFor(ex), target)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = Recommend(ex) },
            };
            return record;
        }

        public static ErrorRecord FromValidation(DbxValidationException ex) =>
            new ErrorRecord(new ArgumentException(ex.Message), ex.ErrorId, ex.Category, ex.Target)
            { ErrorDetails = new ErrorDetails(ex.Message) };

        public static ErrorRecord FromConfig(ConfigResolutionException ex, object? target) =>
            new ErrorRecord(new InvalidOperationException(SecretRegistry.Redact(ex.Message)), ex.ErrorId,
                ex.ErrorId == "DbxMissingCredentials" ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidArgument, target);

        /// <summary>True for exceptions that no layer of the module turned into an ErrorRecord: not PowerShell's own
        /// (terminating errors, pipeline stops), not cancellation.</summary>
        public static bool IsUnexpected(Exception ex) =>
            !(ex is RuntimeException) && !(ex is OperationCanceledException) && !(ex is OutOfMemoryException) && !(ex is StackOverflowException);

        /// <summary>An exception that escaped the module's own checks: ErrorId <c>DbxUnexpected&lt;Type&gt;</c>, the message
        /// redacted, and a word that it is a defect worth reporting.</summary>
        public static ErrorRecord Unexpected(Exception ex, object? target, string command)
        {
            var type = ex.GetType().Name;
            if (type.EndsWith("Exception", StringComparison.Ordinal)) type = type.Substring(0, type.Length - "Exception".Length);
            var category = ex is IOException || ex is UnauthorizedAccessException ? (ex is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError)
                : ex is ArgumentException ? ErrorCategory.InvalidArgument : ErrorCategory.NotSpecified;
            var message = SecretRegistry.Redact($"{command} failed unexpectedly ({ex.GetType().Name}): {ex.Message}");
            return new ErrorRecord(new InvalidOperationException(message), "DbxUnexpected" + type, category, target)
            {
                ErrorDetails = new ErrorDetails(message)
                {
                    RecommendedAction = ex is IOException || ex is UnauthorizedAccessException
                        ? "Check the path and its permissions."
                        : "This is a defect of the module: please report it with the command you ran (the message carries no secret).",
                },
            };
        }

        public static ErrorRecord NotConnected(string what) =>
            new ErrorRecord(new InvalidOperationException(what + EnvironmentHint()), "DbxNotConnected", ErrorCategory.ConnectionError, null);

        /// <summary>The variables Connect-DbxAccount would read (names only, never values), or empty when none is set.</summary>
        internal static string EnvironmentHint()
        {
            var set = EnvironmentNames.Where(n => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(n))).ToList();
            if (set.Count == 0) return "";
            return $" {string.Join(", ", set)} {(set.Count == 1 ? "is" : "are")} set in the environment: Connect-DbxAccount (or Connect-DbxWorkspace) without parameters would use {(set.Count == 1 ? "it" : "them")}.";
        }

        private static readonly string[] EnvironmentNames =
        {
            "DATABRICKS_HOST", "DATABRICKS_ACCOUNT_ID", "DATABRICKS_WORKSPACE_ID", "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID",
            "DATABRICKS_CLIENT_SECRET", "DATABRICKS_AUTH_TYPE", "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CONFIG_FILE",
        };

        /// <summary>
        /// The real service's answer to a personal access token it does not know (revoked, expired, never issued here):
        /// <c>403 {"error_code": 403, "message": "Invalid access token."}</c> (databricks-sdk-go#873, #917). A credential
        /// problem, not a missing permission; not an OAuth token to renew either (DbxHttp re-authenticates on 401 only).
        /// </summary>
        public static bool IsInvalidAccessToken(DbxApiException ex) =>
            ex.StatusCode == 403 && ex.ServiceMessage.StartsWith("Invalid access token", StringComparison.Ordinal);

        internal const string InvalidAccessTokenAction =
            "The service does not know this personal access token: it was revoked, has expired, or was issued by another workspace or deployment. " +
            "Create a new one (workspace Settings > Developer > Access tokens, or `databricks tokens create`) and connect again with -Token, " +
            "or sign in another way: -Interactive (browser sign-in), -ClientId with -ClientSecret (an OAuth service principal), or a profile that `databricks auth login` wrote (-Profile).";

        private static string? Recommend(DbxApiException ex)
        {
            if (IsInvalidAccessToken(ex)) return InvalidAccessTokenAction;
            switch (ex.StatusCode)
            {
                case 401: return "Check the token or the OAuth client id and secret of the context (Get-DbxContext), then connect again.";
                case 403:
                    return ex.ServiceMessage.StartsWith("Invalid access to Org", StringComparison.Ordinal)
                        ? "The credential cannot reach this workspace: its principal is not a member of the workspace (or of its account), or it is a personal access token of another workspace. Check -WorkspaceId and the host of the context (Get-DbxContext)."
                        : "The principal lacks the permission for this call, or an IP access list blocks the caller's address.";
                case 404: return "Check the id; list the existing objects with the matching Get- cmdlet.";
                case 429: return "The service is rate limiting; raise $ctx.Retry.MaxRetryTime or lower the parallelism.";
                case 0: return "Check the host and the network path to it; the request was retried where that was safe.";
            }
            return null;
        }

        private static string Pascal(string code)
        {
            var sb = new StringBuilder();
            bool upper = true;
            foreach (var c in code)
            {
                if (!char.IsLetterOrDigit(c)) { upper = true; continue; }
                sb.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
                upper = false;
            }
            return sb.ToString();
        }
    }
}
