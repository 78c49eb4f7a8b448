using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// The service's view of serverless networking input (reference §4, §5): name and id patterns, FQDNs, S3 bucket names,
/// limits, and the stable egress CIDRs of a region. Written as patterns on purpose, independently of the module's
/// validators, so the xUnit properties compare two readings of the rules.
/// </summary>
public static class ServerlessRules
{
    public const int NccsPerRegion = 10;
    public const int PrivateEndpointRulesPerRegion = 30;
    public const int DomainNamesPerRule = 10;
    public const int PolicyDestinations = 2000;
    public const string DefaultPolicyId = "default-policy";
    public static readonly TimeSpan PendingExpiry = TimeSpan.FromDays(14);
    public static readonly TimeSpan DeactivatedRetention = TimeSpan.FromDays(1);

    public static readonly string[] Regions =
    {
        "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1",
        "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-gov-west-1", "us-west-1", "us-west-2",
    };

    private static readonly Regex NccNamePattern = new(@"^[0-9a-zA-Z-_]{3,30}\z", RegexOptions.CultureInvariant);
    private static readonly Regex PolicyIdPattern = new(@"^[a-zA-Z0-9_.-]{1,32}\z", RegexOptions.CultureInvariant);
    private static readonly Regex ServicePattern = new(@"^com\.amazonaws\.vpce\.(?<region>[a-z0-9-]+)\.vpce-svc-(?:[0-9a-f]{17}|[0-9a-f]{8})\z", RegexOptions.CultureInvariant);
    // RFC 1035 host names: labels of 1-63 letters/digits/hyphens not starting or ending with a hyphen, at least two labels,
    // a top-level label that is not all digits, 253 characters at most, no trailing dot.
    private static readonly Regex FqdnPattern = new(
        @"^(?=.{1,253}\z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?=[A-Za-z0-9-]*[A-Za-z-])[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z",
        RegexOptions.CultureInvariant);
    private static readonly Regex BucketPattern = new(@"^(?!.*\.\.)(?!xn--|sthree-|amzn-s3-demo-)(?!.*(?:-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)\z)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\z", RegexOptions.CultureInvariant);
    private static readonly Regex IpLike = new(@"^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\z", RegexOptions.CultureInvariant);

    public static bool IsNccName(string? v) => v != null && NccNamePattern.IsMatch(v);
    public static bool IsPolicyId(string? v) => v != null && PolicyIdPattern.IsMatch(v);
    public static bool IsRegion(string? v) => v != null && Regions.Contains(v);
    public static bool IsFqdn(string? v) => v != null && FqdnPattern.IsMatch(v);
    public static bool IsBucketName(string? v) => v != null && BucketPattern.IsMatch(v) && !IpLike.IsMatch(v);
    public static string S3Service(string region) => $"com.amazonaws.{region}.s3";

    /// <summary>The region of a customer endpoint service name, or null.</summary>
    public static string? ServiceRegion(string? v)
    {
        if (v == null) return null;
        var m = ServicePattern.Match(v);
        return m.Success ? m.Groups["region"].Value : null;
    }

    /// <summary>"After May 25, 2026, legacy IP lists will be decommissioned" (serverless firewall docs).</summary>
    public static readonly DateTimeOffset StableIpsDecommissioned = new(2026, 5, 26, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Stable egress CIDRs of a region: deterministic, distinct per region, four /28 blocks in public space.</summary>
    public static JsonArray StableCidrs(string region)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes("dbx-serverless-egress:" + region));
        int[] firstOctets = { 3, 18, 34, 44, 52, 54 };
        var cidrs = new JsonArray();
        for (int i = 0; i < 4; i++)
            cidrs.Add($"{firstOctets[h[i * 4] % firstOctets.Length]}.{h[i * 4 + 1]}.{h[i * 4 + 2]}.{h[i * 4 + 3] & 0xF0}/28");
        return cidrs;
    }

    /// <summary>A deterministic AWS-looking VPC endpoint id for a rule.</summary>
    public static string VpcEndpointId(string ruleId) =>
        "vpce-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ruleId))).ToLowerInvariant()[..17];
}
