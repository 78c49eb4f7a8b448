using System.Globalization;
using DatabricksNetworking.Cmdlets;
using DatabricksNetworking.Cmdlets.Classic;
using DatabricksNetworking.Emulator.Areas;
using DatabricksNetworking.Validation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DatabricksNetworking.Tests.Reliability;

public sealed record AwsIdCandidate(string Prefix, string Value) { public override string ToString() => $"{Prefix}: '{Value}'"; }
public sealed record UuidCandidate(string Value) { public override string ToString() => $"'{Value}'"; }
public sealed record RegionCandidate(string Value) { public override string ToString() => $"'{Value}'"; }
public sealed record ObjectNameCandidate(string Value) { public override string ToString() => $"'{Value}' ({Value.Length})"; }

/// <summary>
/// Generated identifiers shaped like what admins paste, with the slips they make: upper case, a character too many or
/// too few, the wrong prefix, blanks, a trailing newline, look-alike digits, braces around a UUID.
/// </summary>
public static class IdentifierArbitraries
{
    private const string Hex = "0123456789abcdef";
    private static readonly char[] Noise = " \t\n-_.{}:/GgZzé\u0661\u00a0".ToCharArray();
    public static readonly string[] AwsPrefixes = { "vpc", "subnet", "sg", "vpce" };

    private static Gen<string> Chars(string alphabet, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), n)).Select(a => new string(a));

    private static Gen<string> Mutate(Gen<string> gen) =>
        gen.SelectMany(s => Gen.Frequency(
            (5, Gen.Constant(s)),
            (2, Gen.Choose(0, s.Length).SelectMany(i => Gen.Elements(Noise).Select(c => s.Insert(i, c.ToString())))),
            (1, Gen.Choose(0, Math.Max(0, s.Length - 1)).SelectMany(i => Gen.Elements(Noise).Select(c => s.Length == 0 ? c.ToString() : s.Remove(i, 1).Insert(i, c.ToString())))),
            (1, Gen.Choose(0, Math.Max(0, s.Length - 1)).Select(i => s.Length == 0 ? s : s.Remove(i, 1))),
            (1, Gen.Constant(s.ToUpperInvariant())),
            (1, Gen.Elements(" ", "\n", "x", "0", "-").Select(p => s + p))));

    public static Arbitrary<AwsIdCandidate> AwsIds()
    {
        var gen = Gen.Elements(AwsPrefixes).SelectMany(prefix =>
            Gen.Frequency(
                    (4, Gen.Elements(8, 17).SelectMany(n => Chars(Hex, n, n))),
                    (2, Chars(Hex, 5, 20)),
                    (1, Chars(Hex + "ABCDEF", 8, 17)))
                .SelectMany(hex => Gen.Frequency(
                    (6, Gen.Constant(prefix + "-" + hex)),
                    (1, Gen.Elements(AwsPrefixes).Select(other => other + "-" + hex)),
                    (1, Gen.Constant(prefix + hex)),
                    (1, Gen.Constant(prefix + "_" + hex))))
                .SelectMany(s => Mutate(Gen.Constant(s)))
                .Select(s => new AwsIdCandidate(prefix, s)));
        return Arb.From(gen);
    }

    public static Arbitrary<UuidCandidate> Uuids()
    {
        var uuid = Gen.Choose(0, int.MaxValue).Select(seed =>
        {
            var bytes = new byte[16];
            new Random(seed).NextBytes(bytes);
            return new Guid(bytes).ToString();
        });
        var shaped = uuid.SelectMany(u => Gen.Frequency(
            (6, Gen.Constant(u)),
            (1, Gen.Constant(u.ToUpperInvariant())),
            (1, Gen.Constant("{" + u + "}")),
            (1, Gen.Constant(u.Replace("-", ""))),
            (1, Gen.Constant(u + "\n"))));
        return Arb.From(Mutate(shaped).Select(s => new UuidCandidate(s)));
    }

    public static Arbitrary<RegionCandidate> Regions()
    {
        var supported = Gen.Elements(Validation.Regions.Supported.ToArray());
        var otherAws = Gen.Elements("af-south-1", "ap-east-1", "ap-south-2", "ap-northeast-3", "eu-north-1", "eu-south-1", "me-south-1", "il-central-1", "us-gov-east-1", "cn-north-1", "us-east-3", "local");
        var az = supported.SelectMany(r => Gen.Elements("a", "b", "c").Select(z => r + z));
        var gen = Gen.Frequency((6, supported), (2, otherAws), (1, az), (1, Chars("abcdefghijklmnopqrstuvwxyz-0123456789", 0, 16)));
        return Arb.From(Mutate(gen).Select(s => new RegionCandidate(s)));
    }

    public static Arbitrary<ObjectNameCandidate> ObjectNames()
    {
        var plain = Chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_. ", 0, 12);
        var blanks = Chars(" \t\n", 0, 6);
        var padded = blanks.SelectMany(a => plain.SelectMany(p => blanks.Select(b => a + p + b)));
        var longName = Gen.Choose(250, 262).Select(n => new string('n', n));
        var unicode = Chars("ééü日本\u00a0\u2003", 1, 8);
        return Arb.From(Gen.Frequency((4, padded), (3, longName), (1, unicode), (2, blanks)).Select(s => new ObjectNameCandidate(s)));
    }
}

/// <summary>
/// The module's local checks of the classic identifiers against independent models of what the service accepts
/// (and, where the emulator has the rule as a function, against the emulator too): none accepted that the service
/// rejects, none refused that it accepts.
/// </summary>
public class IdentifierValidationProperties
{
    // ---- independent models, written from the reference, not from the module's code ----------------------------

    private static bool ModelAwsId(string value, string prefix)
    {
        var dash = prefix.Length;
        if (value.Length != dash + 1 + 8 && value.Length != dash + 1 + 17) return false;
        if (string.CompareOrdinal(value, 0, prefix, 0, dash) != 0 || value[dash] != '-') return false;
        for (int i = dash + 1; i < value.Length; i++)
            if ("0123456789abcdef".IndexOf(value[i]) < 0) return false;
        return true;
    }

    private static bool ModelUuid(string value)
    {
        if (value.Length != 36) return false;
        for (int i = 0; i < 36; i++)
        {
            bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
            if (hyphen ? value[i] != '-' : "0123456789abcdefABCDEF".IndexOf(value[i]) < 0) return false;
        }
        return true;
    }

    /// <summary>databricks-regions.md §1: the AWS regions with Databricks workspaces.</summary>
    private static readonly HashSet<string> ReferenceRegions = new(StringComparer.Ordinal)
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-central-1", "eu-west-1", "eu-west-2",
        "eu-west-3", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "us-gov-west-1",
    };

    private static int NonBlank(string s) => s.Trim().Length;

    // ---- properties --------------------------------------------------------------------------------------------

    [Property(Arbitrary = new[] { typeof(IdentifierArbitraries) }, MaxTest = 2000)]
    public bool Aws_ids_agree_with_the_service(AwsIdCandidate c) =>
        Ids.IsAwsId(c.Value, c.Prefix) == ModelAwsId(c.Value, c.Prefix) && Ids.IsAwsId(c.Value, c.Prefix) == ClassicRules.IsAwsId(c.Value, c.Prefix);

    [Property(Arbitrary = new[] { typeof(IdentifierArbitraries) }, MaxTest = 2000)]
    public bool Databricks_uuids_agree_with_the_service(UuidCandidate c) => Ids.IsUuid(c.Value) == ModelUuid(c.Value);

    [Property(Arbitrary = new[] { typeof(IdentifierArbitraries) }, MaxTest = 2000)]
    public bool Regions_agree_with_the_service(RegionCandidate c)
    {
        var module = Regions.IsSupported(c.Value);
        return module == ReferenceRegions.Contains(c.Value) && module == ClassicRules.Regions.Contains(c.Value) && module == ServerlessRules.IsRegion(c.Value);
    }

    [Property(MaxTest = 2000)]
    public bool Workspace_ids_are_positive_int64_and_round_trip(long id)
    {
        var accepted = Ids.IsWorkspaceId(id);
        if (accepted != id >= 1) return false;
        // The path segment sent is plain invariant digits the service parses back to the same id.
        var text = Ids.Format(id);
        return !accepted || long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) == id;
    }

    [Property(Arbitrary = new[] { typeof(IdentifierArbitraries) }, MaxTest = 2000)]
    public bool Network_and_registration_names_agree_with_the_service(ObjectNameCandidate c) =>
        Names.IsClassicObjectName(c.Value) == (NonBlank(c.Value) >= 4 && c.Value.Length <= 256);

    [Property(Arbitrary = new[] { typeof(IdentifierArbitraries) }, MaxTest = 2000)]
    public bool Private_access_settings_names_agree_with_the_service(ObjectNameCandidate c) =>
        Names.IsPrivateAccessSettingsName(c.Value) == (NonBlank(c.Value) >= 4 && c.Value.Length <= 256);

    [Property(Arbitrary = new[] { typeof(IdentifierArbitraries) }, MaxTest = 1000)]
    public bool The_cmdlet_check_of_private_access_settings_names_uses_the_same_rule(ObjectNameCandidate c)
    {
        // The cmdlet also refuses control and invisible formatting characters (Validation.Text), whatever the length.
        var acceptable = Names.IsPrivateAccessSettingsName(c.Value) && Text.Problem(c.Value) == null;
        try { PrivateAccessSettingsCmdlet.CheckPasName(c.Value); return acceptable; }
        catch (DbxValidationException ex) { return !acceptable && ex.ErrorId == "DbxInvalidName"; }
    }

    /// <summary>The generators must give both answers often, or agreement would be trivial.</summary>
    [Fact]
    public void Generators_give_both_valid_and_invalid_inputs()
    {
        GeneratorBalance.AssertBoth(IdentifierArbitraries.AwsIds(), c => Ids.IsAwsId(c.Value, c.Prefix));
        GeneratorBalance.AssertBoth(IdentifierArbitraries.Uuids(), c => Ids.IsUuid(c.Value));
        GeneratorBalance.AssertBoth(IdentifierArbitraries.Regions(), c => Regions.IsSupported(c.Value));
        GeneratorBalance.AssertBoth(IdentifierArbitraries.ObjectNames(), c => Names.IsClassicObjectName(c.Value));
        GeneratorBalance.AssertBoth(IdentifierArbitraries.ObjectNames(), c => Names.IsPrivateAccessSettingsName(c.Value));
    }

    [Theory]
    [InlineData("vpc", "vpc-0a1b2c3d", true)]
    [InlineData("vpc", "vpc-0a1b2c3d4e5f60718", true)]
    [InlineData("subnet", "subnet-0A1B2C3D", false)]
    [InlineData("sg", "sg-0a1b2c3", false)]
    [InlineData("sg", "sg-0a1b2c3d\n", false)]
    [InlineData("vpce", "vpc-0a1b2c3d", false)]
    [InlineData("vpc", "vpce-0a1b2c3d", false)]
    public void Aws_ids(string prefix, string value, bool valid)
    {
        Assert.Equal(valid, Ids.IsAwsId(value, prefix));
        Assert.Equal(valid, ClassicRules.IsAwsId(value, prefix));
    }

    [Theory]
    [InlineData("9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d", true)]
    [InlineData("9A1B2C3D-4E5F-4A6B-8C7D-0E1F2A3B4C5D", true)]
    [InlineData("9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d\n", false)]
    [InlineData("{9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d}", false)]
    [InlineData("9a1b2c3d4e5f4a6b8c7d0e1f2a3b4c5d", false)]
    [InlineData("9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5g", false)]
    public void Uuids(string value, bool valid) => Assert.Equal(valid, Ids.IsUuid(value));

    [Fact]
    public void Region_lists_of_the_module_and_the_emulator_are_the_reference_list()
    {
        Assert.Equal(ReferenceRegions.OrderBy(r => r, StringComparer.Ordinal), Regions.Supported.OrderBy(r => r, StringComparer.Ordinal));
        Assert.Equal(ReferenceRegions.OrderBy(r => r, StringComparer.Ordinal), ClassicRules.Regions.OrderBy(r => r, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("prod", true)]
    [InlineData("  ab  ", false)]
    [InlineData(" abcd ", true)]
    [InlineData("abc", false)]
    public void Classic_object_names(string name, bool valid) => Assert.Equal(valid, Names.IsClassicObjectName(name));

    [Fact]
    public void Name_length_limit_is_256()
    {
        Assert.True(Names.IsClassicObjectName(new string('n', 256)));
        Assert.False(Names.IsClassicObjectName(new string('n', 257)));
        Assert.True(Names.IsPrivateAccessSettingsName(new string('n', 256)));
        Assert.False(Names.IsPrivateAccessSettingsName(new string('n', 257)));
        Assert.False(Names.IsPrivateAccessSettingsName(" \t"));
        Assert.False(Names.IsPrivateAccessSettingsName("pas"));
        Assert.True(Names.IsPrivateAccessSettingsName("pas1"));
    }
}
