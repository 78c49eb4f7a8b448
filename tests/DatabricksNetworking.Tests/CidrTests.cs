using System.Net;
using DatabricksNetworking.Emulator.Areas;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;
using FsCheck;
using FsCheck.Xunit;

namespace DatabricksNetworking.Tests;

public class CidrTests
{
    [Theory]
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData(" 10.0.0.1 ", "10.0.0.1")]
    [InlineData("10.0.0.1/32", "10.0.0.1")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("192.168.1.128/25", "192.168.1.128/25")]
    public void Accepts_and_normalises(string input, string expected)
    {
        Assert.True(Cidr.TryParse(input, out var value, out var error), error);
        Assert.Equal(expected, value.ToString());
    }

    [Theory]
    [InlineData("10.0.0.0/33", CidrProblemKind.PrefixOutOfRange, "/33")]
    [InlineData("10.0.0.0/1000", CidrProblemKind.PrefixOutOfRange, "from 0 to 32")]
    [InlineData("::1", CidrProblemKind.Ipv6, "IPv6")]
    [InlineData("2001:db8::/32", CidrProblemKind.Ipv6, "'2001:db8::/32'")]
    [InlineData("::ffff:10.0.0.1", CidrProblemKind.Ipv6, "IPv6")]
    [InlineData("10.0.0", CidrProblemKind.Malformed, "'10.0.0'")]
    [InlineData("10.0.0.256", CidrProblemKind.Malformed, "0 to 255")]
    [InlineData("010.0.0.1", CidrProblemKind.Malformed, "leading zeros")]
    [InlineData("10.0.0.0/", CidrProblemKind.Malformed, "prefix")]
    [InlineData("10.0.0.0/-1", CidrProblemKind.Malformed, "prefix")]
    [InlineData("10.0.0.0/08", CidrProblemKind.Malformed, "leading zeros")]
    [InlineData("10.0.0.0/8/8", CidrProblemKind.Malformed, "prefix")]
    [InlineData("0x0A.0.0.1", CidrProblemKind.Malformed, "'0x0A.0.0.1'")]
    [InlineData("", CidrProblemKind.Malformed, "empty")]
    [InlineData("10.0.0.1 10.0.0.2", CidrProblemKind.Malformed, "not a valid")]
    public void Refuses_with_a_specific_reason_naming_the_value(string input, CidrProblemKind kind, string says)
    {
        var problem = Cidr.Check(input, out _);
        Assert.NotNull(problem);
        Assert.Equal(kind, problem!.Kind);
        Assert.Contains(says, problem.Message);
    }

    [Fact]
    public void Normalise_merges_duplicates_sorts_numerically_and_keeps_each_value_as_typed()
    {
        var values = new[] { "10.0.0.10", "10.0.0.9/32", "10.0.0.9", "9.0.0.0/8", "10.0.0.0/24", "10.0.0.0/16", " 2.2.2.2/21 " }
            .Select(v => { Assert.True(Cidr.TryParse(v, out var c, out _)); return c; });
        // 10.0.0.9/32 is sent as typed (not rewritten to 10.0.0.9): a list managed by Terraform shows no drift.
        Assert.Equal(new[] { "2.2.2.2/21", "9.0.0.0/8", "10.0.0.0/16", "10.0.0.0/24", "10.0.0.9/32", "10.0.0.10" }, Cidr.Normalise(values));
    }

    [Theory]
    [InlineData("2.2.2.2/21", "2.2.0.0/21")]
    [InlineData("10.0.0.1/24", "10.0.0.0/24")]
    [InlineData("192.168.1.200/25", "192.168.1.128/25")]
    [InlineData("255.255.255.255/0", "0.0.0.0/0")]
    public void Accepts_host_bits_as_the_service_does_and_reads_them_as_the_network(string input, string network)
    {
        Assert.True(Cidr.TryParse(input, out var value, out var error), error);
        Assert.True(value.HostBitsSet);
        Assert.Equal(network, value.ToString());
        Assert.Equal(input, value.Wire);
        Assert.True(Cidr.TryParse(network, out var net, out _));
        Assert.Equal(net, value);
        Assert.False(net.HostBitsSet);
        Assert.Contains(input + " as " + network, Cidr.HostBitsWarning(new[] { value, net }));
        Assert.Null(Cidr.HostBitsWarning(new[] { net }));
    }

    [Fact]
    public void Host_bits_are_evaluated_as_the_network_by_the_evaluator()
    {
        var lists = new[] { L("ALLOW", "docs", true, "2.2.2.2/21") };
        Assert.True(IpAccessEvaluator.Evaluate(lists, Ip("2.2.0.1")).Allowed);
        Assert.True(IpAccessEvaluator.Evaluate(lists, Ip("2.2.7.255")).Allowed);
        Assert.False(IpAccessEvaluator.Evaluate(lists, Ip("2.2.8.0")).Allowed);
        Assert.Equal("2.2.2.2/21", IpAccessEvaluator.Evaluate(lists, Ip("2.2.0.1")).Entry);
    }

    [Theory]
    [InlineData(new[] { "1.2.3.4" }, new[] { "1.2.3.4/32" }, true)]
    [InlineData(new[] { "1.2.3.4/32", "10.0.0.0/8" }, new[] { "10.0.0.0/8", "1.2.3.4" }, true)]
    [InlineData(new[] { "2.2.2.2/21" }, new[] { "2.2.0.0/21" }, true)]
    [InlineData(new[] { "1.2.3.4" }, new[] { "1.2.3.5/32" }, false)]
    [InlineData(new[] { "1.2.3.4/31" }, new[] { "1.2.3.4/32" }, false)]
    [InlineData(new[] { "junk" }, new[] { "junk" }, true)]
    [InlineData(new[] { "junk" }, new[] { "1.2.3.4" }, false)]
    public void SameValues_treats_a_bare_address_and_its_slash_32_as_equal(string[] a, string[] b, bool same) =>
        Assert.Equal(same, Cidr.SameValues(a, b));

    [Fact]
    public void Address_parse_refuses_cidrs_and_ipv6()
    {
        Assert.True(Cidr.TryParseAddress("203.0.113.7", out var a, out _));
        Assert.Equal("203.0.113.7", Cidr.FormatAddress(a));
        Assert.False(Cidr.TryParseAddress("203.0.113.0/24", out _, out _));
        Assert.False(Cidr.TryParseAddress("::1", out _, out var e));
        Assert.Contains("IPv6", e);
    }

    private static IpAccessList L(string type, string label, bool enabled = true, params string[] ips) =>
        new() { ListId = label, Label = label, ListType = type, Enabled = enabled, IpAddresses = ips.ToDbxList() };

    private static uint Ip(string s) { Assert.True(Cidr.TryParseAddress(s, out var a, out _)); return a; }

    [Fact]
    public void Evaluator_block_first_then_allow_lists()
    {
        var lists = new[] { L("ALLOW", "office", true, "10.0.0.0/8"), L("BLOCK", "bad", true, "10.6.0.0/16") };
        var blocked = IpAccessEvaluator.Evaluate(lists, Ip("10.6.1.1"));
        Assert.False(blocked.Allowed);
        Assert.Equal("bad", blocked.List!.Label);
        Assert.Equal("10.6.0.0/16", blocked.Entry);
        var allowed = IpAccessEvaluator.Evaluate(lists, Ip("10.7.1.1"));
        Assert.True(allowed.Allowed);
        Assert.Equal("office", allowed.List!.Label);
        var outside = IpAccessEvaluator.Evaluate(lists, Ip("192.0.2.1"));
        Assert.False(outside.Allowed);
        Assert.Null(outside.List);
        Assert.Contains("ALLOW", outside.Reason);
    }

    [Fact]
    public void Evaluator_ignores_disabled_lists_and_allows_all_without_allow_lists()
    {
        var lists = new[] { L("ALLOW", "off", false, "10.0.0.0/8"), L("BLOCK", "off-block", false, "192.0.2.0/24"), L("BLOCK", "bad", true, "198.51.100.0/24") };
        Assert.True(IpAccessEvaluator.Evaluate(lists, Ip("192.0.2.1")).Allowed);
        Assert.True(IpAccessEvaluator.Evaluate(lists, Ip("203.0.113.1")).Allowed);
        Assert.False(IpAccessEvaluator.Evaluate(lists, Ip("198.51.100.1")).Allowed);
        Assert.True(IpAccessEvaluator.Evaluate(Array.Empty<IpAccessList>(), Ip("198.51.100.1")).Allowed);
    }
}

/// <summary>
/// The module's parser against the emulator's own reading of values (System.Net, canonical form): the module
/// must never accept a value whose normalised form the service would refuse, nor refuse one the service accepts.
/// </summary>
public class CidrPropertyTests
{
    private const string Noise = "0123456789./: ax-";

    /// <summary>Builds candidate text of many shapes: canonical, host bits, prefixes out of range, leading zeros,
    /// short forms, blanks, /32, IPv6, octets over 255, and random single-character corruptions.</summary>
    internal static string Candidate(uint address, int prefixRaw, int shape, int noise)
    {
        int prefix = prefixRaw % 33;
        string Dotted(uint a) => Cidr.FormatAddress(a);
        var masked = address & Ipv4Cidr.MaskOf(prefix);
        var octets = Dotted(address).Split('.');
        switch (shape % 13)
        {
            case 0: return Dotted(address);
            case 1: return $"{Dotted(masked)}/{prefix}";
            case 2: return $"{Dotted(address)}/{prefix}";
            case 3: return $"{Dotted(masked)}/{33 + prefixRaw % 100}";
            case 4: octets[noise & 3] = "0" + octets[noise & 3]; return string.Join(".", octets) + (noise % 2 == 0 ? "" : $"/{prefix}");
            case 5: return string.Join(".", octets.Take(3));
            case 6: return $" {Dotted(masked)}/{prefix}\t";
            case 7: return $"{Dotted(address)}/32";
            case 8: return noise % 2 == 0 ? $"::ffff:{Dotted(address)}" : $"2001:db8:{address & 0xffff:x}::/{prefix + 32}";
            case 9: octets[noise & 3] = (256 + (int)(address % 700)).ToString(); return string.Join(".", octets);
            case 10: return $"{Dotted(masked)}/0{prefix}";
            case 11:
            {
                var text = ((noise & 1) == 0 ? Dotted(address) : $"{Dotted(masked)}/{prefix}").ToCharArray();
                text[(noise >> 1) % text.Length] = Noise[(noise >> 8) % Noise.Length];
                return new string(text);
            }
            default: return $"{Dotted(masked)}/{prefix}/{prefix}";
        }
    }

    /// <summary>The module accepts exactly what the service accepts (after trimming blanks, which the module
    /// does before sending), and reads it as the same network.</summary>
    internal static bool Agrees(string text)
    {
        var moduleOk = Cidr.TryParse(text, out var value, out _);
        var serviceOk = IpAccessRules.TryParse(text.Trim(), out var net);
        if (moduleOk != serviceOk) return false;
        if (!moduleOk) return true;
        // What the module sends is accepted too, and all three readings are the same network.
        return Same(net, value) && IpAccessRules.TryParse(value.Wire, out var sent) && Same(sent, value) && value.Wire == text.Trim();
    }

    private static bool Same(IPNetwork net, Ipv4Cidr value)
    {
        var b = net.BaseAddress.GetAddressBytes();
        var n = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        return n == value.Network && net.PrefixLength == value.Prefix;
    }

    [Property(MaxTest = 12000)]
    public bool Module_and_service_agree_on_generated_values(DoNotSize<uint> address, byte prefix, byte shape, DoNotSize<int> noise) =>
        Agrees(Candidate(address.Item, prefix, shape, noise.Item & int.MaxValue));

    [Fact]
    public void The_generator_covers_both_accepted_and_refused_values()
    {
        var rng = new Random(7);
        int accepted = 0, refused = 0;
        for (int i = 0; i < 10000; i++)
        {
            var text = Candidate((uint)rng.NextInt64(0, 1L << 32), rng.Next(256), rng.Next(256), rng.Next(int.MaxValue));
            Assert.True(Agrees(text), text);
            if (IpAccessRules.TryParse(text, out _)) accepted++; else refused++;
        }
        Assert.True(accepted > 2000, $"accepted {accepted}");
        Assert.True(refused > 2000, $"refused {refused}");
    }
}
