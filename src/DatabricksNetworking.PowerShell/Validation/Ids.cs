using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DatabricksNetworking.Validation
{
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
    }
}
