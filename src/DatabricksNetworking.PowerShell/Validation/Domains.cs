using System;

namespace DatabricksNetworking.Validation
{
    /// <summary>
    /// Fully qualified domain names as Databricks takes them in network policies (<c>DNS_NAME</c> destinations) and in
    /// private endpoint rules (<c>domain_names</c>): plain host names, no scheme, path, port or wildcard.
    /// </summary>
    public static class Domains
    {
        public const int MaxLength = 253;
        public const int MaxLabelLength = 63;

        public static bool IsFqdn(string? value) => Problem(value) == null;

        /// <summary>Why <paramref name="value"/> is not an FQDN the service accepts, or null when it is one.</summary>
        public static string? Problem(string? value)
        {
            if (string.IsNullOrEmpty(value)) return "a domain name cannot be empty";
            var v = value!;
            if (v.IndexOf("://", StringComparison.Ordinal) >= 0) return "give the host name only, without a scheme such as https://";
            if (v.IndexOf('/') >= 0) return "give the host name only, without a path";
            if (v.IndexOf('*') >= 0) return "wildcards are not supported; list each host name";
            if (v.IndexOf(':') >= 0) return "give the host name only, without a port";
            foreach (var c in v)
            {
                if (c > 127) return "non-ASCII names must be given in their punycode (xn--) form";
                if (char.IsWhiteSpace(c)) return "a domain name cannot contain spaces";
            }
            if (v.EndsWith(".", StringComparison.Ordinal)) return "leave out the trailing dot";
            if (v.Length > MaxLength) return $"a domain name has at most {MaxLength} characters";
            var labels = v.Split('.');
            if (labels.Length < 2) return "a fully qualified name has at least two labels (host.example.com)";
            foreach (var label in labels)
            {
                if (label.Length == 0) return "a domain name cannot contain empty labels (two dots in a row, or a leading dot)";
                if (label.Length > MaxLabelLength) return $"each label has at most {MaxLabelLength} characters";
                if (label[0] == '-' || label[label.Length - 1] == '-') return $"the label '{label}' starts or ends with a hyphen";
                foreach (var c in label)
                    if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-')
                        return $"'{c}' is not allowed; labels have letters, digits and hyphens only";
            }
            var tld = labels[labels.Length - 1];
            bool allDigits = true;
            foreach (var c in tld) if (c < '0' || c > '9') { allDigits = false; break; }
            if (allDigits) return "an IP address is not a domain name";
            return null;
        }
    }
}
