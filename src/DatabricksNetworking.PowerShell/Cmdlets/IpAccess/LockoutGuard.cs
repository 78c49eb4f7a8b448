using System;
using System.Collections.Generic;
using System.Linq;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.IpAccess
{
    /// <summary>
    /// The lockout guard's pure part, with the service's semantics: enabled BLOCK lists first, then (when any enabled
    /// ALLOW list exists) an ALLOW entry must contain the address; an entry with host bits set counts as its network
    /// (10.1.2.3/24 is 10.1.2.0/24). Used by <see cref="IpAccessChangeCmdletBase.PassesLockoutGuard(IReadOnlyCollection{IpAccessList}, IEnumerable{IpAccessList}, string, string)"/>.
    /// </summary>
    public static class LockoutGuard
    {
        private const ulong Top = 1UL << 32;

        /// <summary>An entry as the service reads it: a CIDR (host bits masked off) or an address; null when not IPv4.</summary>
        public static Ipv4Cidr? ReadEntry(string? entry)
        {
            // Cidr.Check accepts host bits and masks them off for Network, as the service reads them.
            if (Cidr.Check(entry, out var value) != null) return null;
            return new Ipv4Cidr(value.Network, value.Prefix);
        }

        /// <summary>The lists with every entry in its network form, for <see cref="IpAccessEvaluator"/>.</summary>
        public static List<IpAccessList> AsServiceReads(IEnumerable<IpAccessList> lists) => lists.Select(l => new IpAccessList
        {
            ListId = l.ListId, Label = l.Label, ListType = l.ListType, Enabled = l.Enabled, WorkspaceId = l.WorkspaceId, WorkspaceName = l.WorkspaceName,
            IpAddresses = (l.IpAddresses ?? new DbxList<string>()).Select(e => ReadEntry(e)?.ToString() ?? e).ToDbxList(),
        }).ToList();

        /// <summary>Whether the lists let <paramref name="address"/> in, and why (the service's order of evaluation).</summary>
        public static IpAccessVerdict Evaluate(IEnumerable<IpAccessList> lists, uint address) => IpAccessEvaluator.Evaluate(AsServiceReads(lists), address);

        /// <summary>
        /// An address that <paramref name="before"/> lets in and <paramref name="after"/> does not (null = nobody loses
        /// access). <paramref name="before"/> null means every address gets in now (the switch is off).
        /// </summary>
        public static string? FirstLosingAccess(IEnumerable<IpAccessList>? before, IEnumerable<IpAccessList> after)
        {
            var lost = Subtract(before == null ? All() : Allowed(before), Allowed(after));
            return lost.Count == 0 ? null : Cidr.FormatAddress((uint)lost[0].Lo);
        }

        /// <summary>The addresses the lists let in, as sorted, disjoint [Lo, Hi) ranges.</summary>
        internal static List<(ulong Lo, ulong Hi)> Allowed(IEnumerable<IpAccessList> lists)
        {
            var enabled = lists.Where(l => l.Enabled != false).ToList();
            var blocked = Union(Entries(enabled, "BLOCK"));
            var allowLists = enabled.Where(l => string.Equals(l.ListType, "ALLOW", StringComparison.OrdinalIgnoreCase)).ToList();
            var allowed = allowLists.Count == 0 ? All() : Union(Entries(allowLists, "ALLOW"));
            return Subtract(allowed, blocked);
        }

        private static List<(ulong, ulong)> All() => new List<(ulong, ulong)> { (0UL, Top) };

        private static IEnumerable<(ulong, ulong)> Entries(IEnumerable<IpAccessList> lists, string type) =>
            lists.Where(l => string.Equals(l.ListType, type, StringComparison.OrdinalIgnoreCase))
                .SelectMany(l => l.IpAddresses ?? new List<string>())
                .Select(ReadEntry).Where(c => c.HasValue)
                .Select(c => ((ulong)c!.Value.Network, (ulong)c.Value.Network + (ulong)c.Value.Size));

        private static List<(ulong Lo, ulong Hi)> Union(IEnumerable<(ulong Lo, ulong Hi)> ranges)
        {
            var result = new List<(ulong Lo, ulong Hi)>();
            foreach (var r in ranges.OrderBy(r => r.Lo))
            {
                if (result.Count > 0 && r.Lo <= result[result.Count - 1].Hi)
                    result[result.Count - 1] = (result[result.Count - 1].Lo, Math.Max(result[result.Count - 1].Hi, r.Hi));
                else result.Add(r);
            }
            return result;
        }

        private static List<(ulong Lo, ulong Hi)> Subtract(List<(ulong Lo, ulong Hi)> from, List<(ulong Lo, ulong Hi)> take)
        {
            var result = new List<(ulong Lo, ulong Hi)>();
            foreach (var (lo0, hi) in from)
            {
                var lo = lo0;
                foreach (var t in take)
                {
                    if (t.Hi <= lo || t.Lo >= hi) continue;
                    if (t.Lo > lo) result.Add((lo, t.Lo));
                    lo = Math.Max(lo, t.Hi);
                    if (lo >= hi) break;
                }
                if (lo < hi) result.Add((lo, hi));
            }
            return result;
        }
    }
}
