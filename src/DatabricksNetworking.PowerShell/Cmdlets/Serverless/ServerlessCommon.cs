using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>Local checks and confirmation shared by the serverless cmdlets; every check throws before anything is sent.</summary>
    internal static class ServerlessChecks
    {
        public const int MaxDomainsPerRule = 10;
        public const int MaxPolicyDestinations = 2000;

        public static void NccName(string name)
        {
            if (!Names.IsNccName(name))
                throw new DbxValidationException("DbxInvalidNccName",
                    $"'{Validation.Text.Printable(name)}' is not a valid network connectivity configuration name: use 3 to 30 letters, digits, '-' or '_'.", name);
        }

        public static void Region(string region)
        {
            if (!Regions.IsSupported(region)) throw new DbxValidationException("DbxInvalidRegion", Regions.Describe(region), region);
        }

        public static void PolicyId(string id)
        {
            if (!Names.IsNetworkPolicyId(id))
                throw new DbxValidationException("DbxInvalidNetworkPolicyId",
                    $"'{Validation.Text.Printable(id)}' is not a valid network policy id: use 1 to 32 letters, digits, '_', '.' or '-'.", id);
        }

        public static void NotEmpty(string? value, string what)
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new DbxValidationException("DbxInvalid" + what, $"-{what} cannot be empty.", value);
        }

        /// <summary>Each value must be an FQDN; returns them de-duplicated (case-insensitive, first spelling kept).</summary>
        public static List<string> Domains(IEnumerable<string> values, string parameter)
        {
            var list = new List<string>();
            foreach (var d in values)
            {
                var problem = Validation.Domains.Problem(d);
                if (problem != null)
                    throw new DbxValidationException("DbxInvalidDomainName", $"-{parameter} '{d}' is not a valid domain name: {problem}.", d);
                if (!list.Contains(d, System.StringComparer.OrdinalIgnoreCase)) list.Add(d);
            }
            return list;
        }

        public static List<string> Buckets(IEnumerable<string> values, string parameter)
        {
            var list = new List<string>();
            foreach (var b in values)
            {
                var problem = S3.BucketProblem(b);
                if (problem != null)
                    throw new DbxValidationException("DbxInvalidS3BucketName", $"-{parameter} '{b}' is not a valid S3 bucket name: {problem}.", b);
                if (!list.Contains(b)) list.Add(b);
            }
            return list;
        }

        public static void DomainCount(int count, object? target)
        {
            if (count > MaxDomainsPerRule)
                throw new DbxValidationException("DbxInvalidDomainCount",
                    $"A private endpoint rule takes at most {MaxDomainsPerRule} domain names; {count} were given. Split them over several rules.", target);
        }
    }
}
