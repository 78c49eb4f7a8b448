using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Validation
{
    /// <summary>
    /// An IPv4 address (a /32) or CIDR block. Two values are equal when they cover the same addresses: <c>10.0.0.1</c>
    /// equals <c>10.0.0.1/32</c>, and <c>2.2.2.2/21</c> (host bits set) equals its network <c>2.2.0.0/21</c>, which is
    /// how Databricks reads it. <see cref="Text"/> keeps the value as the user typed it (trimmed): that is what is sent,
    /// so lists managed elsewhere (Terraform) show no drift.
    /// </summary>
    public readonly struct Ipv4Cidr : IEquatable<Ipv4Cidr>, IComparable<Ipv4Cidr>
    {
        public Ipv4Cidr(uint network, int prefix) : this(network, prefix, null) { }

        /// <param name="address">The address as given; bits beyond the prefix are masked off for <see cref="Network"/>.</param>
        /// <param name="text">The value as typed (trimmed), or null for one built from numbers.</param>
        public Ipv4Cidr(uint address, int prefix, string? text)
        {
            if (prefix < 0 || prefix > 32) throw new ArgumentOutOfRangeException(nameof(prefix));
            Prefix = prefix;
            Network = address & MaskOf(prefix);
            HostBitsSet = Network != address;
            Text = text;
        }

        /// <summary>The value as typed (trimmed); null when built from numbers.</summary>
        public string? Text { get; }
        /// <summary>True when the typed address has bits beyond the prefix (<c>2.2.2.2/21</c>); it is read as its network.</summary>
        public bool HostBitsSet { get; }
        /// <summary>What is sent to Databricks: the value as typed, else the canonical form.</summary>
        public string Wire => Text ?? ToString();

        public uint Network { get; }
        public int Prefix { get; }
        public uint Mask => MaskOf(Prefix);
        /// <summary>How many addresses the block spans (1 for a single address).</summary>
        public long Size => 1L << (32 - Prefix);

        public bool Contains(uint address) => (address & Mask) == Network;

        public static uint MaskOf(int prefix) => prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);

        /// <summary>A single address prints bare (<c>10.0.0.1</c>), a block as <c>10.0.0.0/24</c>.</summary>
        public override string ToString() => Prefix == 32 ? Cidr.FormatAddress(Network) : Cidr.FormatAddress(Network) + "/" + Prefix.ToString(CultureInfo.InvariantCulture);

        public bool Equals(Ipv4Cidr other) => Network == other.Network && Prefix == other.Prefix;
        public override bool Equals(object? obj) => obj is Ipv4Cidr c && Equals(c);
        public override int GetHashCode() => unchecked((int)Network * 33 + Prefix);
        public int CompareTo(Ipv4Cidr other) => Network != other.Network ? Network.CompareTo(other.Network) : Prefix.CompareTo(other.Prefix);
    }

    /// <summary>
    /// Parses the IPv4 addresses and CIDRs of IP access lists. Strict where the text is ambiguous (no leading zeros
    /// in octets, which some parsers read as octal; no shortened forms such as <c>10.1</c>), lenient only about
    /// surrounding blanks. A CIDR with host bits set (<c>2.2.2.2/21</c>) is accepted as the service accepts it, and
    /// read as its network. Values are kept as typed; comparisons use <see cref="Ipv4Cidr"/> equality.
    /// Every refusal names the value and what is wrong with it.
    /// </summary>
    public static class Cidr
    {
        public const int MaxValuesPerScope = 1000;

        public static bool TryParse(string? text, out Ipv4Cidr value, out string? error)
        {
            var problem = Check(text, out value);
            error = problem?.Message;
            return problem == null;
        }

        /// <summary>Parses one address or CIDR: null when it is valid (then <paramref name="value"/> is set), else what is wrong.</summary>
        public static CidrProblem? Check(string? text, out Ipv4Cidr value)
        {
            value = default;
            var t = (text ?? "").Trim();
            if (t.Length == 0) return new CidrProblem(CidrProblemKind.Malformed, "An IP address or CIDR is empty.");
            if (t.IndexOf(':') >= 0)
                return new CidrProblem(CidrProblemKind.Ipv6, $"'{t}' is an IPv6 address; IP access lists accept IPv4 addresses and CIDRs only (such as 203.0.113.7 or 203.0.113.0/24).");
            var slash = t.IndexOf('/');
            var addressText = slash < 0 ? t : t.Substring(0, slash);
            if (!TryParseOctets(addressText, out var address))
                return new CidrProblem(CidrProblemKind.Malformed, $"'{t}' is not a valid IPv4 address or CIDR: expected a.b.c.d or a.b.c.d/n with four decimal parts from 0 to 255, without leading zeros.");
            int prefix = 32;
            if (slash >= 0)
            {
                var p = t.Substring(slash + 1);
                if (p.Length == 0 || !p.All(c => c >= '0' && c <= '9') || (p.Length > 1 && p[0] == '0'))
                    return new CidrProblem(CidrProblemKind.Malformed, $"'{t}' is not a valid CIDR: the prefix after '/' must be a number from 0 to 32, without leading zeros.");
                if (p.Length > 3 || (prefix = int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture)) > 32)
                    return new CidrProblem(CidrProblemKind.PrefixOutOfRange, $"'{t}' has an out-of-range prefix /{p}: an IPv4 CIDR prefix must be from 0 to 32.");
            }
            value = new Ipv4Cidr(address, prefix, t);
            return null;
        }

        /// <summary>What a value with host bits set means, for the one warning per call (null when none has them).</summary>
        public static string? HostBitsWarning(IEnumerable<Ipv4Cidr> values)
        {
            var odd = values.Where(v => v.HostBitsSet).Distinct().ToList();
            if (odd.Count == 0) return null;
            var shown = string.Join(", ", odd.Take(5).Select(v => $"{v.Wire} as {v}")) + (odd.Count > 5 ? $" (and {odd.Count - 5} more)" : "");
            return $"{odd.Count} value(s) have host bits set beyond their prefix and are sent as given, but Databricks reads each as its network: {shown}.";
        }

        /// <summary>Whether two lists of values cover the same blocks (<c>1.2.3.4</c> = <c>1.2.3.4/32</c>; order, duplicates
        /// and host bits do not matter); values that do not parse compare as text.</summary>
        public static bool SameValues(IEnumerable<string>? a, IEnumerable<string>? b) =>
            Canonical(a ?? Enumerable.Empty<string>()).SequenceEqual(Canonical(b ?? Enumerable.Empty<string>()), StringComparer.Ordinal);

        /// <summary>The canonical form of values, for comparisons only (never sent): parsed ones as <see cref="Ipv4Cidr.ToString"/>,
        /// merged and sorted, then the unparsed ones as text, sorted.</summary>
        public static List<string> Canonical(IEnumerable<string> values)
        {
            var parsed = new List<Ipv4Cidr>();
            var bad = new List<string>();
            foreach (var v in values)
            {
                if (TryParse(v, out var c, out _)) parsed.Add(c);
                else bad.Add(v ?? "");
            }
            return parsed.Distinct().OrderBy(v => v).Select(v => v.ToString()).Concat(bad.Distinct().OrderBy(x => x, StringComparer.Ordinal)).ToList();
        }

        /// <summary>Parses one IPv4 address (no prefix), e.g. the caller's address or the address to test.</summary>
        public static bool TryParseAddress(string? text, out uint address, out string? error)
        {
            var t = (text ?? "").Trim();
            error = null;
            if (t.IndexOf(':') >= 0)
            {
                address = 0;
                error = $"'{t}' is an IPv6 address; IP access lists apply to IPv4 addresses only.";
                return false;
            }
            if (TryParseOctets(t, out address)) return true;
            error = $"'{t}' is not a valid IPv4 address: expected a.b.c.d with four decimal parts from 0 to 255, without leading zeros.";
            return false;
        }

        public static string FormatAddress(uint a) =>
            string.Join(".", (a >> 24).ToString(CultureInfo.InvariantCulture), ((a >> 16) & 255).ToString(CultureInfo.InvariantCulture),
                ((a >> 8) & 255).ToString(CultureInfo.InvariantCulture), (a & 255).ToString(CultureInfo.InvariantCulture));

        /// <summary>Merges duplicates (the first spelling wins) and sorts by address, then prefix; the strings Databricks is
        /// sent, each as typed (<c>1.2.3.4/32</c> stays <c>1.2.3.4/32</c>).</summary>
        public static List<string> Normalise(IEnumerable<Ipv4Cidr> values) =>
            values.Distinct().OrderBy(v => v).Select(v => v.Wire).ToList();

        private static bool TryParseOctets(string text, out uint address)
        {
            address = 0;
            var parts = text.Split('.');
            if (parts.Length != 4) return false;
            foreach (var part in parts)
            {
                if (part.Length == 0 || part.Length > 3 || (part.Length > 1 && part[0] == '0')) return false;
                uint octet = 0;
                foreach (var c in part)
                {
                    if (c < '0' || c > '9') return false;
                    octet = octet * 10 + (uint)(c - '0');
                }
                if (octet > 255) return false;
                address = (address << 8) | octet;
            }
            return true;
        }
    }

    public enum CidrProblemKind { Malformed, Ipv6, PrefixOutOfRange }

    /// <summary>Why a value is not a valid IPv4 address or CIDR, in words that name the value.</summary>
    public sealed class CidrProblem
    {
        public CidrProblem(CidrProblemKind kind, string message) { Kind = kind; Message = message; }
        public CidrProblemKind Kind { get; }
        public string Message { get; }
    }

    /// <summary>What decided an evaluation: the list and the entry, or none.</summary>
    public sealed class IpAccessVerdict
    {
        public IpAccessVerdict(bool allowed, IpAccessList? list, string? entry, string reason)
        {
            Allowed = allowed; List = list; Entry = entry; Reason = reason;
        }
        public bool Allowed { get; }
        public IpAccessList? List { get; }
        public string? Entry { get; }
        public string Reason { get; }
    }

    /// <summary>
    /// The service's evaluation of IP access lists: enabled BLOCK lists first (a match rejects); then, if any
    /// enabled ALLOW list exists, the address must match one; with no ALLOW list everything else is allowed.
    /// Whether the feature is switched on is the caller's concern.
    /// </summary>
    public static class IpAccessEvaluator
    {
        public static IpAccessVerdict Evaluate(IEnumerable<IpAccessList> lists, uint address)
        {
            var enabled = lists.Where(l => l.Enabled != false).ToList();
            foreach (var list in enabled.Where(l => IsType(l, "BLOCK")))
            {
                var hit = FirstMatch(list, address);
                if (hit != null) return new IpAccessVerdict(false, list, hit, $"blocked by entry {hit} of BLOCK list '{list.Label}'");
            }
            var allows = enabled.Where(l => IsType(l, "ALLOW")).ToList();
            if (allows.Count == 0) return new IpAccessVerdict(true, null, null, "no BLOCK entry matches and there is no enabled ALLOW list");
            foreach (var list in allows)
            {
                var hit = FirstMatch(list, address);
                if (hit != null) return new IpAccessVerdict(true, list, hit, $"allowed by entry {hit} of ALLOW list '{list.Label}'");
            }
            return new IpAccessVerdict(false, null, null, $"not in any of the {allows.Count} enabled ALLOW list(s)");
        }

        private static bool IsType(IpAccessList l, string type) => string.Equals(l.ListType, type, StringComparison.OrdinalIgnoreCase);

        private static string? FirstMatch(IpAccessList list, uint address)
        {
            foreach (var entry in list.IpAddresses ?? new List<string>())
                if (Cidr.TryParse(entry, out var c, out _) && c.Contains(address)) return entry;
            return null;
        }
    }
}
