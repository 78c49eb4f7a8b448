using DatabricksNetworking.Emulator.Areas;
using DatabricksNetworking.Validation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DatabricksNetworking.Tests;

/// <summary>Inputs shaped like what admins type, with the mistakes they make (schemes, paths, wildcards, case, stray characters).</summary>
public sealed record DomainCandidate(string Value) { public override string ToString() => $"'{Value}'"; }
public sealed record BucketCandidate(string Value) { public override string ToString() => $"'{Value}'"; }
public sealed record NameCandidate(string Value) { public override string ToString() => $"'{Value}'"; }

public static class ServerlessArbitraries
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Digits = "0123456789";
    private static readonly char[] Noise = "*_/:. @é\n\t-.\u0661".ToCharArray();

    private static Gen<string> Chars(string alphabet, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), n)).Select(a => new string(a));

    /// <summary>Inserts, replaces or appends one character of noise, or leaves the string alone.</summary>
    private static Gen<string> Mutate(Gen<string> gen) =>
        gen.SelectMany(s => Gen.Frequency(
            (6, Gen.Constant(s)),
            (2, Gen.Choose(0, s.Length).SelectMany(i => Gen.Elements(Noise).Select(c => s.Insert(i, c.ToString())))),
            (1, Gen.Choose(0, Math.Max(0, s.Length - 1)).SelectMany(i => Gen.Elements(Noise).Select(c => s.Length == 0 ? c.ToString() : s.Remove(i, 1).Insert(i, c.ToString())))),
            (1, Gen.Elements("https://", "*.", "-", ".", "xn--", "sthree-", "amzn-s3-demo-", "s3://", " ").Select(p => p + s)),
            (1, Gen.Elements("/path", ":443", ".", "-", "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3", "\n", ".1").Select(p => s + p))));

    public static Arbitrary<DomainCandidate> Domains()
    {
        var label = Gen.Frequency(
            (8, Chars(Lower + Digits + "-", 1, 12)),
            (1, Chars(Lower + Lower.ToUpperInvariant() + Digits, 1, 12)),
            (1, Chars(Digits, 1, 3)),
            (1, Chars(Lower, 60, 66)));
        var name = Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(label, n)).Select(ls => string.Join(".", ls));
        var longName = Gen.Choose(4, 6).SelectMany(n => Gen.ArrayOf(Chars(Lower, 60, 63), n)).Select(ls => string.Join(".", ls) + ".com");
        return Arb.From(Mutate(Gen.Frequency((9, name), (1, longName))).Select(s => new DomainCandidate(s)));
    }

    public static Arbitrary<BucketCandidate> Buckets()
    {
        var ipLike = Gen.ArrayOf(Gen.Choose(0, 999), 4).Select(p => string.Join(".", p));
        var name = Gen.Frequency(
            (8, Chars(Lower + Digits + "-.", 1, 66)),
            (1, Chars(Lower + Lower.ToUpperInvariant() + Digits + "_", 3, 20)),
            (1, ipLike));
        return Arb.From(Mutate(name).Select(s => new BucketCandidate(s)));
    }

    public static Arbitrary<NameCandidate> Names() =>
        Arb.From(Mutate(Chars(Lower + Lower.ToUpperInvariant() + Digits + "-_.", 0, 35)).Select(s => new NameCandidate(s)));
}

/// <summary>
/// The module's local checks against the emulator's reading of the service rules: none accepted that the service would
/// reject, none refused that it accepts.
/// </summary>
public class ServerlessValidationProperties
{
    [Property(Arbitrary = new[] { typeof(ServerlessArbitraries) }, MaxTest = 2000)]
    public bool Domain_checks_agree_with_the_service(DomainCandidate d) => Domains.IsFqdn(d.Value) == ServerlessRules.IsFqdn(d.Value);

    [Property(Arbitrary = new[] { typeof(ServerlessArbitraries) }, MaxTest = 2000)]
    public bool Bucket_checks_agree_with_the_service(BucketCandidate b) => S3.IsBucketName(b.Value) == ServerlessRules.IsBucketName(b.Value);

    [Property(Arbitrary = new[] { typeof(ServerlessArbitraries) }, MaxTest = 2000)]
    public bool Ncc_name_checks_agree_with_the_service(NameCandidate n) => Names.IsNccName(n.Value) == ServerlessRules.IsNccName(n.Value);

    [Property(Arbitrary = new[] { typeof(ServerlessArbitraries) }, MaxTest = 2000)]
    public bool Policy_id_checks_agree_with_the_service(NameCandidate n) => Names.IsNetworkPolicyId(n.Value) == ServerlessRules.IsPolicyId(n.Value);

    [Property(Arbitrary = new[] { typeof(ServerlessArbitraries) }, MaxTest = 1000)]
    public bool A_refused_domain_always_has_a_reason(DomainCandidate d) => Domains.IsFqdn(d.Value) || !string.IsNullOrEmpty(Domains.Problem(d.Value));

    /// <summary>The generators must give both answers often, or agreement would be trivial.</summary>
    [Fact]
    public void Generators_give_both_valid_and_invalid_inputs()
    {
        GeneratorBalance.AssertBoth(ServerlessArbitraries.Domains(), d => Domains.IsFqdn(d.Value));
        GeneratorBalance.AssertBoth(ServerlessArbitraries.Buckets(), b => S3.IsBucketName(b.Value));
        GeneratorBalance.AssertBoth(ServerlessArbitraries.Names(), n => Names.IsNccName(n.Value));
        GeneratorBalance.AssertBoth(ServerlessArbitraries.Names(), n => Names.IsNetworkPolicyId(n.Value));
    }

    [Theory]
    [InlineData("pypi.org")]
    [InlineData("files.pythonhosted.org")]
    [InlineData("DB.Corp.Example.COM")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("a.b")]
    [InlineData("1password.com")]
    [InlineData("host-1.internal.example.com")]
    public void Accepts_real_domains(string d)
    {
        Assert.True(Domains.IsFqdn(d), Domains.Problem(d));
        Assert.True(ServerlessRules.IsFqdn(d));
    }

    [Theory]
    [InlineData("https://pypi.org", "scheme")]
    [InlineData("pypi.org/simple", "path")]
    [InlineData("*.example.com", "wildcard")]
    [InlineData("pypi.org:443", "port")]
    [InlineData("localhost", "two labels")]
    [InlineData("10.0.0.1", "IP address")]
    [InlineData("example.com.", "trailing dot")]
    [InlineData("-bad.example.com", "hyphen")]
    [InlineData("under_score.example.com", "not allowed")]
    [InlineData("bücher.example", "punycode")]
    [InlineData("a..b.com", "empty labels")]
    [InlineData("", "empty")]
    public void Refuses_what_the_service_rejects_with_a_specific_reason(string d, string reason)
    {
        Assert.False(ServerlessRules.IsFqdn(d));
        Assert.Contains(reason, Domains.Problem(d) ?? "<accepted>", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Domain_length_limits_are_253_and_63()
    {
        var label63 = new string('a', 63);
        var name253 = string.Join(".", label63, label63, label63, new string('b', 61));
        Assert.Equal(253, name253.Length);
        Assert.True(Domains.IsFqdn(name253));
        Assert.False(Domains.IsFqdn(name253 + "b"));
        Assert.False(Domains.IsFqdn(new string('a', 64) + ".com"));
        Assert.False(ServerlessRules.IsFqdn(new string('a', 64) + ".com"));
    }

    [Theory]
    [InlineData("my-bucket", true)]
    [InlineData("lake.raw.2024", true)]
    [InlineData("abc", true)]
    [InlineData("ab", false)]
    [InlineData("My-Bucket", false)]
    [InlineData("my_bucket", false)]
    [InlineData("my..bucket", false)]
    [InlineData("-bucket", false)]
    [InlineData("192.168.5.4", false)]
    [InlineData("xn--bucket", false)]
    [InlineData("sthree-bucket", false)]
    [InlineData("bucket-s3alias", false)]
    [InlineData("bucket--ol-s3", false)]
    [InlineData("bucket.mrap", false)]
    [InlineData("s3://bucket", false)]
    public void Bucket_names_follow_the_S3_rules(string name, bool valid)
    {
        Assert.Equal(valid, S3.IsBucketName(name));
        Assert.Equal(valid, ServerlessRules.IsBucketName(name));
        Assert.True(S3.IsBucketName(new string('a', 63)));
        Assert.False(S3.IsBucketName(new string('a', 64)));
    }

    [Theory]
    [InlineData("ncc-prod_eu", true)]
    [InlineData("abc", true)]
    [InlineData("ab", false)]
    [InlineData("has space", false)]
    [InlineData("dot.ted", false)]
    [InlineData("abc\n", false)]
    public void Ncc_names(string name, bool valid)
    {
        Assert.Equal(valid, Names.IsNccName(name));
        Assert.Equal(valid, ServerlessRules.IsNccName(name));
        Assert.True(Names.IsNccName(new string('n', 30)));
        Assert.False(Names.IsNccName(new string('n', 31)));
    }

    [Theory]
    [InlineData("default-policy", true)]
    [InlineData("strict.v2_eu", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData("bad id", false)]
    [InlineData("slash/id", false)]
    [InlineData("x\n", false)]
    public void Policy_ids(string id, bool valid)
    {
        Assert.Equal(valid, Names.IsNetworkPolicyId(id));
        Assert.Equal(valid, ServerlessRules.IsPolicyId(id));
        Assert.True(Names.IsNetworkPolicyId(new string('p', 32)));
        Assert.False(Names.IsNetworkPolicyId(new string('p', 33)));
    }

    [Theory]
    [InlineData("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", "us-east-1")]
    [InlineData("com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789ABCDEF0", null)]
    [InlineData("com.amazonaws.us-east-1.s3", null)]
    [InlineData("vpce-svc-0123456789abcdef0", null)]
    public void Endpoint_service_names(string service, string? region)
    {
        Assert.Equal(region, Names.EndpointServiceRegion(service));
        Assert.Equal(region, ServerlessRules.ServiceRegion(service));
    }
}
