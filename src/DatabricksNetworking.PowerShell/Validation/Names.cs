using System.Text.RegularExpressions;

namespace DatabricksNetworking.Validation
{
    /// <summary>Name and id patterns of the serverless networking objects (reference §4.2, §4.3, §5.2).</summary>
    public static class Names
    {
        private static readonly Regex NccName = new Regex("^[0-9a-zA-Z_-]{3,30}\\z", RegexOptions.CultureInvariant);
        private static readonly Regex PolicyId = new Regex("^[a-zA-Z0-9_.-]{1,32}\\z", RegexOptions.CultureInvariant);
        private static readonly Regex EndpointService = new Regex("^com\\.amazonaws\\.vpce\\.([a-z0-9-]+)\\.vpce-svc-(?:[0-9a-f]{17}|[0-9a-f]{8})\\z", RegexOptions.CultureInvariant);

        /// <summary>Network configuration and VPC endpoint registration names: 4–256 characters, at least 4 of them not blank.</summary>
        public static bool IsClassicObjectName(string? value) => value != null && value.Trim().Length >= 4 && value.Length <= 256;

        /// <summary>Private access settings names: 4–256 characters, at least 4 of them not blank (as the Terraform provider
        /// validates private_access_settings_name, StringLenBetween(4, 256)); the same rule as the other classic objects.</summary>
        public static bool IsPrivateAccessSettingsName(string? value) => IsClassicObjectName(value);

        /// <summary>The reserved policy every account has; it can be updated but not deleted.</summary>
        public const string DefaultPolicyId = "default-policy";

        private static readonly Regex Rfc1034Label = new Regex("^[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\z", RegexOptions.CultureInvariant);

        /// <summary>Registered endpoint display_name (networking v1): an RFC 1034 label, letters, digits and '-', first a letter,
        /// last a letter or digit, at most 63 characters (Go SDK networking.Endpoint.DisplayName).</summary>
        public static bool IsEndpointDisplayName(string? value) => value != null && Rfc1034Label.IsMatch(value);

        /// <summary>NCC name: 3–30 of letters, digits, <c>-</c> and <c>_</c>.</summary>
        public static bool IsNccName(string? value) => value != null && NccName.IsMatch(value);

        /// <summary>Network policy id: 1–32 of letters, digits, <c>_</c>, <c>.</c> and <c>-</c>.</summary>
        public static bool IsNetworkPolicyId(string? value) => value != null && PolicyId.IsMatch(value);

        /// <summary>The region of a customer endpoint service name <c>com.amazonaws.vpce.&lt;region&gt;.vpce-svc-…</c>, or null when it is not one.</summary>
        public static string? EndpointServiceRegion(string? value)
        {
            if (value == null) return null;
            var m = EndpointService.Match(value);
            return m.Success ? m.Groups[1].Value : null;
        }

        /// <summary>The S3 endpoint service of a region, used by private endpoint rules to S3 buckets.</summary>
        public static string S3EndpointService(string region) => "com.amazonaws." + region + ".s3";
    }
}
