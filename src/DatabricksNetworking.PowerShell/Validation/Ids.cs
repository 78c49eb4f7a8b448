using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DatabricksNetworking.Validation
{
    /// <summary>The kinds of Databricks identifier that go into a request path, each with its own shape.</summary>
    public enum DbxIdKind
    {
        /// <summary>Account id: a UUID.</summary>
        Account,
        /// <summary>Workspace id: a positive int64.</summary>
        Workspace,
        /// <summary>Network connectivity configuration id: a UUID.</summary>
        NetworkConnectivityConfig,
        /// <summary>Private endpoint rule id: a UUID.</summary>
        PrivateEndpointRule,
        /// <summary>Network configuration id: a UUID.</summary>
        Network,
        /// <summary>Private access settings id: a UUID.</summary>
        PrivateAccessSettings,
        /// <summary>VPC endpoint registration id (Databricks' own, not the AWS vpce- id): a UUID.</summary>
        VpcEndpoint,
        /// <summary>IP access list id: a UUID.</summary>
        IpAccessList,
        /// <summary>Network policy id: 1 to 32 of letters, digits, '_', '.', '-'; never only dots.</summary>
        NetworkPolicy,
        /// <summary>Credential configuration id: a UUID.</summary>
        Credentials,
        /// <summary>Storage configuration id: a UUID.</summary>
        StorageConfiguration,
        /// <summary>Registered endpoint id (networking v1 <c>endpoints</c>, e.g. Service Direct): a UUID.</summary>
        NetworkEndpoint,
    }

    /// <summary>Shapes of Databricks and AWS identifiers, checked before anything is sent.</summary>
    public static class Ids
    {
        // \z, not $: "$" also matches before a final newline, and "uuid\n" is not an id the service knows.
        private static readonly Regex Uuid = new Regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\z", RegexOptions.CultureInvariant);

        public static bool IsUuid(string value) => value != null && Uuid.IsMatch(value);

        /// <summary>Workspace ids are positive int64.</summary>
        public static bool IsWorkspaceId(long value) => value > 0;

        /// <summary>AWS resource id of the given prefix: <c>vpc-</c>, <c>subnet-</c>, <c>sg-</c>, <c>vpce-</c> … followed by 8 or 17 hex digits.</summary>
        public static bool IsAwsId(string value, string prefix)
        {
            if (value == null || !value.StartsWith(prefix + "-", StringComparison.Ordinal)) return false;
            var hex = value.Substring(prefix.Length + 1);
            if (hex.Length != 8 && hex.Length != 17) return false;
            foreach (var c in hex) if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            return true;
        }

        public static string Format(long id) => id.ToString(CultureInfo.InvariantCulture);

        /// <summary>A workspace as prompts and messages name it: <c>workspace 'prod-us' (2222222222222222)</c>, or the id
        /// alone when the name is not known.</summary>
        public static string Workspace(long id, string? name) =>
            string.IsNullOrEmpty(name) ? "workspace " + Format(id) : $"workspace '{Text.Printable(name)}' ({Format(id)})";

        /// <summary>
        /// True when <paramref name="value"/> is one whole path segment that cannot add, remove or climb a segment:
        /// 1 to 256 of the URI unreserved characters (letters, digits, '-', '.', '_', '~') and not only dots
        /// (so no '/', '\', '%', '.', '..', control characters or blanks, in any encoding).
        /// </summary>
        public static bool IsSafePathSegment(string? value)
        {
            if (string.IsNullOrEmpty(value) || value!.Length > 256) return false;
            bool allDots = true;
            foreach (var c in value)
            {
                bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
                if (!unreserved) return false;
                if (c != '.') allDots = false;
            }
            return !allDots;
        }

        /// <summary>True when the text is an id of that kind (and, by construction, a safe path segment).</summary>
        public static bool IsValid(DbxIdKind kind, string? value)
        {
            if (value == null) return false;
            switch (kind)
            {
                case DbxIdKind.Workspace:
                    return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                        && Format(n) == value;
                case DbxIdKind.NetworkPolicy:
                    return Names.IsNetworkPolicyId(value) && IsSafePathSegment(value);
                default:
                    return IsUuid(value);
            }
        }

        /// <summary>The ErrorId of a malformed id of that kind (<c>DbxInvalid&lt;Kind&gt;Id</c>).</summary>
        public static string ErrorIdOf(DbxIdKind kind)
        {
            switch (kind)
            {
                case DbxIdKind.PrivateEndpointRule: return "DbxInvalidRuleId";
                case DbxIdKind.IpAccessList: return "DbxInvalidListId";
                default: return "DbxInvalid" + kind + "Id";
            }
        }

        /// <summary>What an id of that kind looks like, for messages.</summary>
        public static string Describe(DbxIdKind kind)
        {
            switch (kind)
            {
                case DbxIdKind.Workspace: return "a workspace id (a positive integer such as 1234567890123456)";
                case DbxIdKind.NetworkPolicy: return "a network policy id (1 to 32 letters, digits, '_', '.' or '-', not only dots)";
                default: return "a " + Noun(kind) + " id (a UUID such as 9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d)";
            }
        }

        private static string Noun(DbxIdKind kind)
        {
            switch (kind)
            {
                case DbxIdKind.Account: return "Databricks account";
                case DbxIdKind.NetworkConnectivityConfig: return "network connectivity configuration";
                case DbxIdKind.PrivateEndpointRule: return "private endpoint rule";
                case DbxIdKind.Network: return "network configuration";
                case DbxIdKind.PrivateAccessSettings: return "private access settings";
                case DbxIdKind.VpcEndpoint: return "VPC endpoint registration";
                case DbxIdKind.IpAccessList: return "IP access list";
                case DbxIdKind.Credentials: return "credential configuration";
                case DbxIdKind.StorageConfiguration: return "storage configuration";
                case DbxIdKind.NetworkEndpoint: return "registered network endpoint";
                default: return kind.ToString();
            }
        }

        /// <summary>The message for a malformed id, with the value shown safely (control characters escaped, long values cut).</summary>
        public static string InvalidMessage(DbxIdKind kind, string? value) =>
            $"'{Printable(value)}' is not {Describe(kind)}; nothing was sent.";

        /// <summary>The text with control characters shown as \uXXXX and cut to 80 characters, for messages.</summary>
        public static string Printable(string? value)
        {
            if (value == null) return "(null)";
            var sb = new System.Text.StringBuilder();
            foreach (var c in value.Length > 80 ? value.Substring(0, 80) : value)
            {
                if (c < 0x20 || c == 0x7f) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            if (value.Length > 80) sb.Append("… (" + value.Length.ToString(CultureInfo.InvariantCulture) + " characters)");
            return sb.ToString();
        }
    }
}
