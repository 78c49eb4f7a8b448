using System;
using System.Collections.Generic;

namespace DatabricksNetworking.Data
{
    /// <summary>
    /// The AWS principal through which Databricks serverless compute creates its VPC endpoint to an endpoint service in
    /// the customer's VPC (private endpoint rules of an NCC). The customer allows this principal on the endpoint service
    /// ("Allow principals"); without it AWS refuses Databricks' endpoint and the rule ends CREATE_FAILED.
    /// Source: Databricks docs, security/network/serverless-network-security/pl-to-internal-network, step 2, as quoted
    /// by several public Terraform modules (one role per region in account 565502421330; GovCloud has one role per
    /// shard). Plain data with no PowerShell dependency: the emulator links this file to check the allow list in moto.
    /// </summary>
    public static class ServerlessPrincipals
    {
        public const string CommercialAccountId = "565502421330";
        public const string GovCivilianAccountId = "347038500609";
        public const string GovDodAccountId = "347034940029";

        /// <summary>
        /// The principal ARN(s) Databricks serverless uses in <paramref name="region"/>: one for a commercial region,
        /// the civilian and the DoD shard's for us-gov-west-1 (civilian first). <paramref name="variant"/>
        /// ("civilian" or "dod") picks one GovCloud shard.
        /// </summary>
        public static IReadOnlyList<string> RoleArns(string region, string? variant = null)
        {
            if (string.IsNullOrEmpty(region)) throw new ArgumentException("A region is required.", nameof(region));
            if (region.StartsWith("us-gov-", StringComparison.Ordinal))
            {
                var civilian = $"arn:aws-us-gov:iam::{GovCivilianAccountId}:role/private-connectivity-role-{region}";
                var dod = $"arn:aws-us-gov:iam::{GovDodAccountId}:role/private-connectivity-role-{region}";
                if (string.Equals(variant, "civilian", StringComparison.OrdinalIgnoreCase)) return new[] { civilian };
                if (string.Equals(variant, "dod", StringComparison.OrdinalIgnoreCase)) return new[] { dod };
                return new[] { civilian, dod };
            }
            return new[] { $"arn:aws:iam::{CommercialAccountId}:role/private-connectivity-role-{region}" };
        }

        /// <summary>Whether <paramref name="principal"/> is one of Databricks serverless' principals for the region.</summary>
        public static bool IsDatabricksPrincipal(string region, string? principal)
        {
            if (principal == null) return false;
            foreach (var arn in RoleArns(region))
                if (string.Equals(arn, principal, StringComparison.Ordinal)) return true;
            return false;
        }

        /// <summary>
        /// Whether an endpoint service whose allow list is <paramref name="allowedPrincipals"/> lets Databricks
        /// serverless of <paramref name="region"/> connect: its role, the root of its account, or "*".
        /// </summary>
        public static bool AllowsDatabricks(string region, IEnumerable<string> allowedPrincipals)
        {
            foreach (var p in allowedPrincipals)
            {
                if (p == "*" || IsDatabricksPrincipal(region, p)) return true;
                foreach (var arn in RoleArns(region))
                {
                    var root = arn.Substring(0, arn.IndexOf(":role/", StringComparison.Ordinal)) + ":root";
                    if (string.Equals(p, root, StringComparison.Ordinal)) return true;
                }
            }
            return false;
        }
    }
}
