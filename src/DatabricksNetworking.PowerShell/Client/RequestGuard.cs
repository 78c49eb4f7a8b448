using System;
using System.Collections.Generic;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// A request the client refused to send (unsafe path, a credential bound for another host, a refused header,
    /// a malformed id): nothing went out. <see cref="ErrorId"/> is the stable ErrorId of the ErrorRecord.
    /// </summary>
    public sealed class DbxRequestRefusedException : DbxApiException
    {
        public DbxRequestRefusedException(string errorId, string message, string? method = null, string? path = null, object? target = null)
            : base(-1, errorId, message, null, method, path)
        {
            ErrorId = errorId;
            Target = target;
        }

        public string ErrorId { get; }
        public object? Target { get; }

        /// <summary>True when the refusal protects a credential (the target is not the host it was issued for).</summary>
        public bool IsCredentialPin => ErrorId == RequestGuard.CredentialHostMismatch;

        public override string Message => ServiceMessage;
    }

    /// <summary>
    /// What the client checks before a request leaves: the path stays on the context's host (scheme, host and port
    /// never change, no dot segment is collapsed), the Authorization header only goes to the authority the credential
    /// was issued for, custom headers cannot inject or override routing and authentication, and id path segments are
    /// single, whole segments of the right shape.
    /// </summary>
    public static class RequestGuard
    {
        public const string UnsafePath = "DbxUnsafePath";
        public const string CredentialHostMismatch = "DbxCredentialHostMismatch";
        public const string InvalidHeader = "DbxInvalidHeader";
        public const string ReservedHeader = "DbxReservedHeader";
        public const string UnsafeHost = "DbxUnsafeHost";

        // Headers a caller may not set: the client owns authentication, routing and framing.
        private static readonly HashSet<string> Reserved = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Host", "Authorization", "Proxy-Authorization", "Cookie", "Cookie2", "Content-Length", "Transfer-Encoding",
            "Connection", "Upgrade", "TE", "Trailer", "Keep-Alive", "Proxy-Connection", "Expect", "Forwarded", "X-Forwarded-Host",
        };

        /// <summary>
        /// The absolute URI of <paramref name="pathAndQuery"/> on <paramref name="baseUri"/>'s host. Refuses (DbxUnsafePath)
        /// anything that is not a plain absolute path: a scheme or authority (<c>http://</c>, <c>//host</c>, <c>\\host</c>),
        /// backslashes, control characters, encoded separators (<c>%2f</c>, <c>%5c</c>) and dot segments (<c>.</c>, <c>..</c>,
        /// <c>%2e%2e</c>); then checks that the result has the same scheme, host and port (DbxCredentialHostMismatch).
        /// </summary>
        public static Uri Resolve(Uri baseUri, string pathAndQuery, string? method = null)
        {
            CheckPath(pathAndQuery, method);
            var uri = new Uri(baseUri, pathAndQuery);
            EnsureSameAuthority(baseUri, uri, method, pathAndQuery);
            return uri;
        }

        /// <summary>Refuses a path that could leave the host or climb a segment (see <see cref="Resolve"/>).</summary>
        public static void CheckPath(string? pathAndQuery, string? method = null)
        {
            var shown = Ids.Printable(pathAndQuery);
            if (string.IsNullOrEmpty(pathAndQuery) || pathAndQuery![0] != '/')
                throw Refuse(UnsafePath, $"The path '{shown}' is not an absolute path on the context's host (it must start with a single '/'); nothing was sent.", method, pathAndQuery);
            if (pathAndQuery.Length > 1 && (pathAndQuery[1] == '/' || pathAndQuery[1] == '\\'))
                throw Refuse(UnsafePath, $"The path '{shown}' names another host ('//' or '\\\\' after the first '/'); a path is resolved against the context's host and must stay on it. Nothing was sent.", method, pathAndQuery);
            foreach (var c in pathAndQuery)
            {
                if (c < 0x20 || c == 0x7f)
                    throw Refuse(UnsafePath, $"The path '{shown}' contains a control character; nothing was sent.", method, pathAndQuery);
                if (c == '\\' || c == '#')
                    throw Refuse(UnsafePath, $"The path '{shown}' contains '{c}', which clients and servers read differently; nothing was sent.", method, pathAndQuery);
            }
            var q = pathAndQuery.IndexOf('?');
            var path = q < 0 ? pathAndQuery : pathAndQuery.Substring(0, q);
            if (path.IndexOf("%2f", StringComparison.OrdinalIgnoreCase) >= 0 || path.IndexOf("%5c", StringComparison.OrdinalIgnoreCase) >= 0
                || path.IndexOf("%25", StringComparison.OrdinalIgnoreCase) >= 0 || path.IndexOf("%00", StringComparison.Ordinal) >= 0)
                throw Refuse(UnsafePath, $"The path '{shown}' contains an encoded '/', '\\', '%' or NUL, which can add or climb a segment once decoded; nothing was sent.", method, pathAndQuery);
            foreach (var segment in path.Split('/'))
            {
                var decoded = Uri.UnescapeDataString(segment);
                if (decoded == "." || decoded == "..")
                    throw Refuse(UnsafePath, $"The path '{shown}' contains the dot segment '{segment}', which would be collapsed into another path (e.g. a rule's path into its NCC's); nothing was sent.", method, pathAndQuery);
            }
        }

        /// <summary>
        /// Refuses (DbxCredentialHostMismatch) to send a credential issued for <paramref name="issuedFor"/> to
        /// <paramref name="target"/> unless both have the same scheme, host and port and the target carries no user info.
        /// </summary>
        public static void EnsureSameAuthority(Uri issuedFor, Uri target, string? method = null, string? path = null)
        {
            if (!target.IsAbsoluteUri
                || !string.Equals(target.Scheme, issuedFor.Scheme, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(target.IdnHost, issuedFor.IdnHost, StringComparison.OrdinalIgnoreCase)
                || target.Port != issuedFor.Port
                || target.UserInfo.Length != 0)
                throw Refuse(CredentialHostMismatch,
                    $"Refused to send the context's credential to {Authority(target)}: it was issued for {Authority(issuedFor)}. Nothing was sent.",
                    method, path ?? (target.IsAbsoluteUri ? target.AbsolutePath : target.OriginalString));
        }

        /// <summary>
        /// Refuses a custom header that could inject another header (control characters, a name that is not an HTTP
        /// token: DbxInvalidHeader) or take over authentication or routing (Host, Authorization, Cookie, framing headers,
        /// any <c>X-Databricks-*</c>: DbxReservedHeader).
        /// </summary>
        public static void CheckHeader(string? name, string? value)
        {
            if (string.IsNullOrEmpty(name) || !IsToken(name!))
                throw Refuse(InvalidHeader, $"'{Ids.Printable(name)}' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only); nothing was sent.", null, null, name);
            if (Reserved.Contains(name!) || name!.StartsWith("X-Databricks-", StringComparison.OrdinalIgnoreCase))
                throw Refuse(ReservedHeader, $"The header '{name}' is set by the module (authentication, routing to the host and workspace, or message framing) and cannot be given with -Header; nothing was sent.", null, null, name);
            foreach (var c in value ?? "")
                if ((c < 0x20 && c != '\t') || c == 0x7f)
                    throw Refuse(InvalidHeader, $"The value of header '{name}' contains a control character (CR, LF or similar), which would inject another header; nothing was sent.", null, null, name);
        }

        private static bool IsToken(string name)
        {
            foreach (var c in name)
            {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0;
                if (!ok) return false;
            }
            return true;
        }

        /// <summary>
        /// One id as one path segment: checks its shape for <paramref name="kind"/> (DbxInvalid&lt;Kind&gt;Id) and escapes it.
        /// No value passes that could add, remove or climb a segment.
        /// </summary>
        public static string Segment(DbxIdKind kind, string? id)
        {
            if (!Ids.IsValid(kind, id) || !Ids.IsSafePathSegment(id))
                throw Refuse(Ids.ErrorIdOf(kind), Ids.InvalidMessage(kind, id), null, null, id);
            return Uri.EscapeDataString(id!);
        }

        /// <summary>A workspace id as a path segment (DbxInvalidWorkspaceId when it is not positive).</summary>
        public static string Segment(long workspaceId)
        {
            if (!Ids.IsWorkspaceId(workspaceId))
                throw Refuse(Ids.ErrorIdOf(DbxIdKind.Workspace), Ids.InvalidMessage(DbxIdKind.Workspace, Ids.Format(workspaceId)), null, null, workspaceId);
            return Ids.Format(workspaceId);
        }

        /// <summary>
        /// A workspace's deployment name goes into its host name: it must be one DNS label (letters, digits, inner '-'),
        /// so an answer cannot move the workspace's credential to another host (DbxUnsafeHost).
        /// </summary>
        public static void CheckDeploymentName(string? deploymentName)
        {
            if (deploymentName == null) return;
            if (!DnsLabel.IsMatch(deploymentName))
                throw Refuse(UnsafeHost, $"The workspace's deployment name '{Ids.Printable(deploymentName)}' is not a DNS label; it would change the host the workspace's credential is sent to. Nothing was sent.", null, null, deploymentName);
        }

        private static readonly System.Text.RegularExpressions.Regex DnsLabel =
            new System.Text.RegularExpressions.Regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        private static string Authority(Uri uri) => uri.IsAbsoluteUri ? uri.Scheme + "://" + uri.Authority : "'" + uri.OriginalString + "'";

        private static DbxRequestRefusedException Refuse(string errorId, string message, string? method, string? path, object? target = null) =>
            new DbxRequestRefusedException(errorId, message, method, path, target ?? path);
    }
}
