using System;
using System.Collections.Generic;
using System.Linq;

namespace DatabricksNetworking.Validation
{
    /// <summary>The AWS regions Databricks supports (reference: databricks-regions.md §1).</summary>
    public static class Regions
    {
        public static readonly IReadOnlyList<string> Supported = new[]
        {
            "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
            "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
            "us-east-1", "us-east-2", "us-gov-west-1", "us-west-1", "us-west-2",
        };

        public static bool IsSupported(string? region) => region != null && Supported.Contains(region, StringComparer.Ordinal);

        /// <summary>Error text listing the supported regions, for a clear "unknown region" message.</summary>
        public static string Describe(string? region) =>
            $"'{region}' is not an AWS region Databricks supports. Supported regions: {string.Join(", ", Supported)}.";
    }
}
