using System;

namespace DatabricksNetworking.Validation
{
    /// <summary>Amazon S3 general purpose bucket naming rules (3–63 characters, lower case, no IP form, reserved prefixes and suffixes).</summary>
    public static class S3
    {
        private static readonly string[] ReservedPrefixes = { "xn--", "sthree-", "amzn-s3-demo-" };
        private static readonly string[] ReservedSuffixes = { "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3" };

        public static bool IsBucketName(string? value) => BucketProblem(value) == null;

        /// <summary>Why <paramref name="value"/> is not a valid bucket name, or null when it is one.</summary>
        public static string? BucketProblem(string? value)
        {
            if (string.IsNullOrEmpty(value)) return "a bucket name cannot be empty";
            var v = value!;
            if (v.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || v.StartsWith("arn:", StringComparison.OrdinalIgnoreCase))
                return "give the bucket name only, not an s3:// URL or an ARN";
            if (v.Length < 3 || v.Length > 63) return "a bucket name has 3 to 63 characters";
            foreach (var c in v)
                if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '.' && c != '-')
                    return $"'{c}' is not allowed; bucket names have lower-case letters, digits, dots and hyphens";
            if (!IsAlnum(v[0]) || !IsAlnum(v[v.Length - 1])) return "a bucket name begins and ends with a letter or digit";
            if (v.IndexOf("..", StringComparison.Ordinal) >= 0) return "a bucket name cannot contain two adjacent dots";
            if (LooksLikeIp(v)) return "a bucket name cannot be formatted as an IP address";
            foreach (var p in ReservedPrefixes) if (v.StartsWith(p, StringComparison.Ordinal)) return $"the prefix '{p}' is reserved by AWS";
            foreach (var s in ReservedSuffixes) if (v.EndsWith(s, StringComparison.Ordinal)) return $"the suffix '{s}' is reserved by AWS";
            return null;
        }

        private static bool IsAlnum(char c) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

        private static bool LooksLikeIp(string v)
        {
            var parts = v.Split('.');
            if (parts.Length != 4) return false;
            foreach (var p in parts)
            {
                if (p.Length == 0 || p.Length > 3) return false;
                foreach (var c in p) if (c < '0' || c > '9') return false;
            }
            return true;
        }
    }
}
