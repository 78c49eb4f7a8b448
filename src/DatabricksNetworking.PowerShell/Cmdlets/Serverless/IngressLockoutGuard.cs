using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>What a guarded change does to one workspace (or to the account console): its enforced ingress before and after.</summary>
    public sealed class IngressGuardTarget
    {
        /// <summary>How the message names it: <c>workspace 'prod-eu' (1111111111111111)</c> or <c>the account console</c>.</summary>
        public string Scope { get; set; } = "";
        /// <summary>True for the account console (destinations AccountUi/AccountApi), false for a workspace (WorkspaceUi/WorkspaceApi).</summary>
        public bool Account { get; set; }
        public string? PolicyIdBefore { get; set; }
        public string? PolicyIdAfter { get; set; }
        /// <summary>The enforced ingress (<c>ingress</c>, never <c>ingress_dry_run</c>) in force now; null = none (full access).</summary>
        public IngressNetworkPolicy? Before { get; set; }
        public IngressNetworkPolicy? After { get; set; }

        public static IngressGuardTarget ForWorkspace(long workspaceId, string? workspaceName, string? policyIdBefore, IngressNetworkPolicy? before, string? policyIdAfter, IngressNetworkPolicy? after) =>
            new IngressGuardTarget
            {
                Scope = Ids.Workspace(workspaceId, workspaceName),
                PolicyIdBefore = policyIdBefore, Before = before, PolicyIdAfter = policyIdAfter, After = after,
            };

        public static IngressGuardTarget ForAccount(IngressNetworkPolicy? before, IngressNetworkPolicy? after) => new IngressGuardTarget
        {
            Scope = "the account console", Account = true, PolicyIdBefore = IngressWire.AccountPolicyId, PolicyIdAfter = IngressWire.AccountPolicyId, Before = before, After = after,
        };

        /// <summary>Whether the public ingress that decides requests differs (dry run and private access never block a public request).</summary>
        public bool Changes => IngressLockoutGuard.Text(Before?.PublicAccess) != IngressLockoutGuard.Text(After?.PublicAccess);
    }

    /// <summary>
    /// A cmdlet with the ingress lockout guard's five parameters (-CallerIpAddress, -CallerIdentity, -BreakGlassIpAddress,
    /// -BreakGlassIdentity, -Force). <see cref="IngressGuardedCmdlet"/> declares them; a cmdlet that needs another base class
    /// (Set-DbxNetworkPolicy shares New-'s) implements this interface with the same names and types, and both build their
    /// options with <see cref="IngressGuardOptions.Of"/> only. Module.Tests checks that every implementer's parameters agree.
    /// </summary>
    public interface IIngressGuarded
    {
        string? CallerIpAddress { get; }
        string? CallerIdentity { get; }
        string[]? BreakGlassIpAddress { get; }
        string[]? BreakGlassIdentity { get; }
        SwitchParameter Force { get; }
    }

    /// <summary>Who the guard keeps able to get in, as a command gives it; null members fall back to the context's values.</summary>
    public sealed class IngressGuardOptions
    {
        /// <summary>The options of a guarded cmdlet's parameters: the one place they are read.</summary>
        public static IngressGuardOptions Of(IIngressGuarded c) => new IngressGuardOptions
        {
            CallerIpAddress = c.CallerIpAddress, CallerIdentity = c.CallerIdentity, BreakGlassIpAddress = c.BreakGlassIpAddress, BreakGlassIdentity = c.BreakGlassIdentity, Force = c.Force,
        };

        public string? CallerIpAddress { get; set; }
        public string? CallerIdentity { get; set; }
        public string[]? BreakGlassIpAddress { get; set; }
        public string[]? BreakGlassIdentity { get; set; }
        public bool Force { get; set; }
    }

    /// <summary>One request the guard checks: the caller or a break-glass entry. Null address = any address; null principal = unknown.</summary>
    public sealed class IngressGuardPerson
    {
        public string Who { get; set; } = "";
        public uint? Address { get; set; }
        public IngressIdentity? Principal { get; set; }
        public bool IsCaller { get; set; }
    }

    /// <summary>One lost access: who, which destination of which workspace (or the account console), and what decided.</summary>
    public sealed class IngressLoss
    {
        public IngressGuardPerson Person { get; set; } = new IngressGuardPerson();
        public IngressGuardTarget Target { get; set; } = new IngressGuardTarget();
        public IngressDestinationKind Destination { get; set; }
        /// <summary>The address that loses access (the person's, or with an unknown address the first one found).</summary>
        public uint Address { get; set; }
        public IngressVerdict After { get; set; } = new IngressVerdict();
    }

    /// <summary>Parsing of the guard's addresses and identities (also used by Connect-* for the context's values).</summary>
    public static class IngressGuardPeople
    {
        public static IngressIdentity ParseIdentity(string text, string parameter)
        {
            try { return IngressRules.Identities(new object[] { text }, "-" + parameter).Single(); }
            catch (DbxValidationException ex)
            {
                throw new DbxValidationException("DbxInvalid" + parameter, $"-{parameter} '{Text.Printable(text)}': give 'user:<id>' or 'servicePrincipal:<id>' with the numeric SCIM id of the principal. ({ex.Message})", Text.Printable(text));
            }
        }

        public static uint ParseAddress(string text, string parameter)
        {
            if (!Cidr.TryParseAddress(text, out var a, out var error))
                throw new DbxValidationException("DbxInvalid" + parameter, $"-{parameter}: {Text.Printable(error)}", Text.Printable(text));
            return a;
        }

        /// <summary>
        /// The caller (address given, on the context, or <paramref name="lookedUp"/>; identity given or on the context), then one
        /// break-glass request per break-glass address × identity: a missing side is the caller's (a break-glass address alone
        /// means "you, from there"; a break-glass identity alone means "that principal, from your address").
        /// </summary>
        public static List<IngressGuardPerson> From(IngressGuardOptions o, DbxContext? ctx, (string Address, string Source)? lookedUp = null)
        {
            string? addrText = o.CallerIpAddress, addrSource = "-CallerIpAddress";
            if (string.IsNullOrWhiteSpace(addrText)) { addrText = ctx?.CallerIpAddress; addrSource = ctx?.CallerIpAddressSource; }
            if (string.IsNullOrWhiteSpace(addrText) && lookedUp != null) { addrText = lookedUp.Value.Address; addrSource = lookedUp.Value.Source; }
            uint? addr = string.IsNullOrWhiteSpace(addrText) ? (uint?)null : ParseAddress(addrText!, "CallerIpAddress");
            var idText = o.CallerIdentity ?? ctx?.CallerIdentity;
            var id = string.IsNullOrWhiteSpace(idText) ? null : ParseIdentity(idText!, "CallerIdentity");
            var people = new List<IngressGuardPerson>
            {
                new IngressGuardPerson
                {
                    IsCaller = true, Address = addr, Principal = id,
                    Who = $"you ({(id == null ? "identity unknown" : id.ToString())}, {(addr == null ? "public address unknown" : "from " + Cidr.FormatAddress(addr.Value) + " (" + addrSource + ")")})",
                },
            };
            var bgAddrs = (o.BreakGlassIpAddress?.Length > 0 ? o.BreakGlassIpAddress : ctx?.BreakGlassIpAddress) ?? new string[0];
            var bgIds = (o.BreakGlassIdentity?.Length > 0 ? o.BreakGlassIdentity : ctx?.BreakGlassIdentity) ?? new string[0];
            if (bgAddrs.Length == 0 && bgIds.Length == 0) return people;
            var addresses = bgAddrs.Length > 0 ? bgAddrs.Select(a => (uint?)ParseAddress(a, "BreakGlassIpAddress")).ToList() : new List<uint?> { addr };
            var identities = bgIds.Length > 0 ? bgIds.Select(i => (IngressIdentity?)ParseIdentity(i, "BreakGlassIdentity")).ToList() : new List<IngressIdentity?> { id };
            foreach (var a in addresses)
                foreach (var i in identities)
                    people.Add(new IngressGuardPerson
                    {
                        Address = a, Principal = i,
                        Who = $"break-glass {(i == null ? "(identity unknown)" : i.ToString())} {(a == null ? "(public address unknown)" : "from " + Cidr.FormatAddress(a.Value))}",
                    });
            return people;
        }
    }

    /// <summary>
    /// The ingress lockout guard's pure part: for each changed workspace (or the account console), each person and each of
    /// the destinations an admin needs (WorkspaceUi and WorkspaceApi; AccountUi and AccountApi), whether the enforced public
    /// ingress lets the request in before the change and not after, decided by <see cref="IngressEvaluator"/>. An unknown
    /// address is checked at every address where a rule's range begins or ends (the decision is the same between them); an
    /// unknown identity is read in the caller's favour before and against the caller after (rules for selected identities),
    /// so "unknown" never means "safe". IP access lists are not read: they do not change here, so a caller they already block
    /// cannot lose anything, and one they let in loses exactly what ingress takes away.
    /// </summary>
    public static class IngressLockoutGuard
    {
        private static readonly IngressDestinationKind[] WorkspaceDestinations = { IngressDestinationKind.WorkspaceUi, IngressDestinationKind.WorkspaceApi };
        private static readonly IngressDestinationKind[] AccountDestinations = { IngressDestinationKind.AccountUi, IngressDestinationKind.AccountApi };

        internal static string Text(IngressPublicAccess? pub) => pub == null ? "" : JsonSerializer.Serialize(pub);

        /// <summary>A deep copy (what was read, kept before a change edits the policy in place).</summary>
        public static IngressNetworkPolicy? Copy(IngressNetworkPolicy? ingress) =>
            ingress == null ? null : JsonSerializer.Deserialize<IngressNetworkPolicy>(JsonSerializer.Serialize(ingress));

        /// <summary>Every lost access (one per person, target and destination), in the order of the targets.</summary>
        public static List<IngressLoss> Losses(IEnumerable<IngressGuardTarget> targets, IReadOnlyList<IngressGuardPerson> people)
        {
            var losses = new List<IngressLoss>();
            foreach (var t in targets.Where(t => t.Changes))
            {
                var candidates = Representatives(t);
                foreach (var person in people)
                    foreach (var dest in t.Account ? AccountDestinations : WorkspaceDestinations)
                        foreach (var a in person.Address.HasValue ? new[] { person.Address.Value } : candidates)
                        {
                            if (!Decide(t.Before, a, person.Principal, dest, inFavour: true).Allowed) continue;
                            var after = Decide(t.After, a, person.Principal, dest, inFavour: false);
                            if (after.Allowed) continue;
                            losses.Add(new IngressLoss { Person = person, Target = t, Destination = dest, Address = a, After = after });
                            break;
                        }
            }
            return losses;
        }

        /// <summary>The message: who loses which destinations of which workspaces, and what decided (at most 6 lines, then a count).</summary>
        public static string Describe(string change, IReadOnlyList<IngressLoss> losses)
        {
            var lines = losses
                .GroupBy(l => (l.Person.Who, l.Target.Scope, l.Target.PolicyIdAfter, Reason: l.After.Reason, Address: l.Person.Address.HasValue ? null : Cidr.FormatAddress(l.Address)))
                .Select(g => $"{g.Key.Who}{(g.Key.Address == null ? "" : " (for example from " + g.Key.Address + ")")} would lose {string.Join(" and ", g.Select(l => l.Destination.ToString()))} of {g.Key.Scope}: {g.Key.Reason} in network policy '{g.Key.PolicyIdAfter}'"
                    + (g.First().Person.Principal == null && IdentityScoped(g.First().Target) ? " (rules for selected identities read against an unknown identity)" : ""))
                .ToList();
            var shown = lines.Take(6).ToList();
            if (lines.Count > shown.Count) shown.Add($"and {lines.Count - shown.Count} more");
            return $"{change} would lock people out: " + string.Join("; ", shown) + ".";
        }

        /// <summary>How to make a refused change go through: who you are when that is unknown, else an allow rule or -Force.</summary>
        public static string Hint(IReadOnlyList<IngressGuardPerson> people) => people[0].Address == null || people[0].Principal == null
            ? "Tell the guard who you are with -CallerIpAddress a.b.c.d and -CallerIdentity user:<id>|servicePrincipal:<id> (or once per context: Connect-DbxAccount -CallerIpAddress ... -CallerIdentity ...), add -BreakGlassIpAddress/-BreakGlassIdentity, or use -Force to make the change anyway."
            : "Keep an allow rule that lets you in, or use -Force to make the change anyway.";

        private static bool IdentityScoped(IngressGuardTarget t) =>
            new[] { t.Before, t.After }.Any(i => Rules(i?.PublicAccess).Any(r => r.Authentication?.IdentityType != null));

        private static IEnumerable<IngressPublicRule> Rules(IngressPublicAccess? pub) =>
            (pub?.AllowRules ?? new List<IngressPublicRule>()).Concat(pub?.DenyRules ?? new List<IngressPublicRule>());

        private static IngressVerdict Decide(IngressNetworkPolicy? ingress, uint address, IngressIdentity? principal, IngressDestinationKind dest, bool inFavour) =>
            IngressEvaluator.Evaluate(principal == null ? ForUnknownPrincipal(ingress, inFavour) : ingress,
                new IngressRequest { Address = address, Principal = principal, Destination = dest });

        /// <summary>
        /// The ingress as an unknown principal meets it: in its favour, rules for selected identities (or all users / all
        /// service principals) that deny miss it and those that allow match it; against it, the other way round.
        /// </summary>
        private static IngressNetworkPolicy? ForUnknownPrincipal(IngressNetworkPolicy? ingress, bool inFavour)
        {
            var pub = ingress?.PublicAccess;
            if (pub == null) return ingress;
            DbxList<IngressPublicRule> Keep(List<IngressPublicRule>? rules, bool scopedMatch) => (rules ?? new List<IngressPublicRule>())
                .Where(r => r.Authentication?.IdentityType == null || scopedMatch)
                .Select(r => r.Authentication?.IdentityType == null ? r : new IngressPublicRule { Label = r.Label, Origin = r.Origin, Destination = r.Destination })
                .ToDbxList();
            return new IngressNetworkPolicy
            {
                PublicAccess = new IngressPublicAccess { RestrictionMode = pub.RestrictionMode, AllowRules = Keep(pub.AllowRules, inFavour), DenyRules = Keep(pub.DenyRules, !inFavour) },
            };
        }

        /// <summary>One address per stretch of addresses that every rule of before and after treats alike: 0 and every range's start and end.</summary>
        private static uint[] Representatives(IngressGuardTarget t)
        {
            var points = new SortedSet<long> { 0 };
            foreach (var r in Rules(t.Before?.PublicAccess).Concat(Rules(t.After?.PublicAccess)))
                foreach (var range in (r.Origin?.IncludedIpRanges?.IpRanges ?? new List<string>()).Concat(r.Origin?.ExcludedIpRanges?.IpRanges ?? new List<string>()))
                    if (Cidr.TryParse(range, out var c, out _))
                    {
                        points.Add(c.Network);
                        if (c.Network + c.Size <= uint.MaxValue) points.Add(c.Network + c.Size);
                    }
            return points.Select(p => (uint)p).ToArray();
        }
    }
}

namespace DatabricksNetworking.Cmdlets
{
    using DatabricksNetworking.Cmdlets.Serverless;

    /// <summary>
    /// The ingress lockout guard's cmdlet part, available to every cmdlet (see INGRESS-SHARED.md, "IngressLockoutGuard API").
    /// </summary>
    public abstract partial class DbxCmdlet
    {
        /// <summary>
        /// ShouldProcess plus the ingress lockout guard for a change of enforced ingress. Under -WhatIf: warns who would lose
        /// access (nothing looked up, nothing sent) and returns false. Otherwise: ShouldProcess (skipped by -Force), then
        /// <see cref="PassesIngressLockoutGuard"/>. True = send the change. <paramref name="targets"/> is called once (it may read).
        /// </summary>
        protected bool ConfirmIngressChange(string target, string action, string change, Func<IEnumerable<IngressGuardTarget>> targets, IngressGuardOptions options)
        {
            var people = IngressGuardPeople.From(options, Context ?? DbxSession.DefaultAccount); // bad -CallerIpAddress/-BreakGlass* fail here, also under -WhatIf
            if (WhatIfInEffect)
            {
                var losses = IngressLockoutGuard.Losses(targets().ToList(), people);
                if (losses.Count > 0) WriteWarning(Validation.Text.Printable(IngressLockoutGuard.Describe(change, losses) + " " + IngressLockoutGuard.Hint(people)) + " (What if: nothing was sent.)");
                ShouldProcess(Validation.Text.Printable(target), Validation.Text.Printable(action));
                return false;
            }
            if (!ShouldChange(options.Force, target, action)) return false;
            return PassesIngressLockoutGuard(change, targets(), options, target);
        }

        /// <summary>
        /// The ingress lockout guard, always on: when the change takes WorkspaceUi/WorkspaceApi (or AccountUi/AccountApi) away
        /// from the caller or a break-glass address/identity, it names who, what, where and why, then asks (default No),
        /// refuses in a non-interactive session without -Force (ErrorId DbxIngressLockout), or with -Force warns and goes on.
        /// The caller's address is looked up (unless -Force) only when it is not known and some address would lose access.
        /// </summary>
        protected bool PassesIngressLockoutGuard(string change, IEnumerable<IngressGuardTarget> targets, IngressGuardOptions options, object? errorTarget = null)
        {
            var changed = targets.Where(t => t.Changes).ToList();
            if (changed.Count == 0)
            {
                WriteVerbose($"Ingress lockout guard: {change} changes the enforced public ingress of no workspace or account console.");
                return true;
            }
            var ctx = Context ?? DbxSession.DefaultAccount;
            var people = IngressGuardPeople.From(options, ctx);
            var losses = IngressLockoutGuard.Losses(changed, people);
            if (!options.Force && people[0].Address == null && losses.Any(l => l.Person.Address == null))
            {
                var (ip, source) = LookUpCallerAddress(ctx);
                if (ip != null)
                {
                    people = IngressGuardPeople.From(options, ctx, (ip, source ?? "lookup"));
                    losses = IngressLockoutGuard.Losses(changed, people);
                }
            }
            if (losses.Count == 0)
            {
                WriteVerbose($"Ingress lockout guard: after {change} {string.Join("; ", people.Select(p => p.Who))} still reach {string.Join(", ", changed.Select(t => t.Scope))}.");
                return true;
            }
            return ContinueDespite(IngressLockoutGuard.Describe(change, losses), "Ingress lockout", options.Force, "DbxIngressLockout", errorTarget ?? change,
                $"Not changed: {change} was declined at the ingress lockout prompt.", IngressLockoutGuard.Hint(people));
        }

        /// <summary>
        /// The targets of a change of one policy's enforced ingress: the account console for account-policy, else every
        /// workspace bound to the policy (default-policy: every workspace without another binding). Reads the workspaces and
        /// their bindings only when the public ingress changes.
        /// </summary>
        protected List<IngressGuardTarget> IngressTargetsOfPolicy(string policyId, IngressNetworkPolicy? before, IngressNetworkPolicy? after)
        {
            if (string.Equals(policyId, IngressWire.AccountPolicyId, StringComparison.OrdinalIgnoreCase))
                return new List<IngressGuardTarget> { IngressGuardTarget.ForAccount(before, after) };
            var result = new List<IngressGuardTarget>();
            if (IngressLockoutGuard.Text(before?.PublicAccess) == IngressLockoutGuard.Text(after?.PublicAccess)) return result;
            var api = new NetworkPoliciesApi(AccountClient);
            foreach (var ws in Run(ct => new WorkspacesApi(AccountClient).ListAsync(ct)))
            {
                var bound = Run(ct => api.GetWorkspaceOptionAsync(ws.WorkspaceId, ct)).NetworkPolicyId ?? Validation.Names.DefaultPolicyId;
                if (string.Equals(bound, policyId, StringComparison.Ordinal))
                    result.Add(IngressGuardTarget.ForWorkspace(ws.WorkspaceId, ws.WorkspaceName, policyId, before, policyId, after));
            }
            if (result.Count == 0) WriteVerbose($"Ingress lockout guard: no workspace is bound to network policy '{policyId}'.");
            return result;
        }
    }
}

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>A cmdlet that changes ingress: the guard's parameters, and <see cref="GuardOptions"/> built from them.</summary>
    public abstract class IngressGuardedCmdlet : DbxCmdlet, IIngressGuarded
    {
        /// <summary>Your own public IPv4 address, for the ingress lockout guard; default: the context's (given, learned, or looked up).</summary>
        [Parameter]
        public string? CallerIpAddress { get; set; }

        /// <summary>Your own principal ('user:&lt;id&gt;' or 'servicePrincipal:&lt;id&gt;'), for the guard; default: the context's CallerIdentity.</summary>
        [Parameter]
        public string? CallerIdentity { get; set; }

        /// <summary>Public addresses that must keep reaching the workspace UI and API (or account console); default: the context's.</summary>
        [Parameter]
        public string[]? BreakGlassIpAddress { get; set; }

        /// <summary>Principals that must keep getting in; default: the context's BreakGlassIdentity.</summary>
        [Parameter]
        public string[]? BreakGlassIdentity { get; set; }

        /// <summary>Skip the confirmation prompts, including the lockout guard's (which then only warns); never -WhatIf.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected IngressGuardOptions GuardOptions => IngressGuardOptions.Of(this);
    }
}
