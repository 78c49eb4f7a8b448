using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.IpAccess
{
    /// <summary>The type of an IP access list; sent as <c>ALLOW</c> / <c>BLOCK</c>.</summary>
    public enum IpAccessListType { Allow, Block }

    /// <summary>A workspace-level IP access cmdlet: it has a <c>-WorkspaceId</c> parameter (the account variants have none).</summary>
    public interface IWorkspaceScoped
    {
        long? WorkspaceId { get; }
    }

    /// <summary>
    /// Shared by every IP access cmdlet: whose lists (a workspace's or the account console's), reading the lists
    /// and the feature switch, and address parsing. Workspace and account variants differ only in
    /// <see cref="IsAccount"/> and the workspace id.
    /// </summary>
    public abstract class IpAccessCmdletBase : DbxCmdlet
    {
        /// <summary>True for the account console's lists and switch: a cmdlet without -WorkspaceId.</summary>
        protected virtual bool IsAccount => !(this is IWorkspaceScoped);

        /// <summary>The workspace named by the cmdlet (workspace variants), or null for the context's.</summary>
        protected virtual long? TargetWorkspaceId => (this as IWorkspaceScoped)?.WorkspaceId;

        protected IpAccessListsApi ListsApi() =>
            IsAccount ? new IpAccessListsApi(AccountClient, true) : new IpAccessListsApi(WorkspaceClient(TargetWorkspaceId), false);

        /// <summary>Whose lists, as prompts and messages name them: <c>workspace 'prod-us' (2222222222222222)</c>
        /// (the id alone when the name cannot be read), or <c>the account console</c>.</summary>
        protected string ScopeText(IpAccessListsApi api)
        {
            CheckBeforeReading();
            if (!api.WorkspaceId.HasValue) return "the account console";
            return Ids.Workspace(api.WorkspaceId.Value, WorkspaceNameOf(api.WorkspaceId.Value));
        }

        /// <summary>Local checks of the cmdlet's own input that must fail before the first read (the workspace name
        /// read of <see cref="ScopeText"/> included), so bad input sends nothing, under -WhatIf too.</summary>
        protected virtual void CheckBeforeReading() { }

        /// <summary>The list with its workspace's name filled in (account lists have none).</summary>
        protected IpAccessList Named(IpAccessList list)
        {
            if (list.WorkspaceId.HasValue) list.WorkspaceName = WorkspaceNameOf(list.WorkspaceId.Value);
            return list;
        }

        /// <summary>The workspace's name through the context this call uses (see <see cref="DbxCmdlet.WorkspaceNameOf(long, DbxContext)"/>):
        /// an account context, one of the session for the workspace context's account, or the name a workspace context carries.</summary>
        protected string? WorkspaceNameOf(long workspaceId) => WorkspaceNameOf(workspaceId, EffectiveContext());

        protected static string WireType(IpAccessListType type) => type == IpAccessListType.Allow ? "ALLOW" : "BLOCK";

        /// <summary>The context the call goes through (for <c>CallerIpAddress</c>), resolved as the client is.</summary>
        protected DbxContext? EffectiveContext()
        {
            if (Context != null) return Context;
            return IsAccount ? DbxSession.DefaultAccount : WorkspaceCallContext(TargetWorkspaceId);
        }

        /// <summary>Whether IP access lists are enforced for the workspace or the account.</summary>
        protected IpAccessListFeature ReadFeature()
        {
            if (IsAccount)
            {
                var client = AccountClient;
                var setting = ReadAccountSetting(client);
                return new IpAccessListFeature
                {
                    AccountId = client.AccountId,
                    Enabled = setting?.AcctIpAclEnable?.Value ?? true,
                    IsDefault = setting?.AcctIpAclEnable == null,
                    Etag = setting?.Etag,
                };
            }
            var ws = WorkspaceClient(TargetWorkspaceId);
            var conf = Run(ct => new WorkspaceConfApi(ws).GetAsync(new[] { WorkspaceConfApi.EnableIpAccessLists }, ct));
            conf.TryGetValue(WorkspaceConfApi.EnableIpAccessLists, out var value);
            return new IpAccessListFeature
            {
                WorkspaceId = ws.WorkspaceId,
                WorkspaceName = ws.WorkspaceId.HasValue ? WorkspaceNameOf(ws.WorkspaceId.Value) : null,
                AccountId = ws.AccountId,
                Enabled = string.Equals(value, "true", StringComparison.OrdinalIgnoreCase),
                IsDefault = value == null,
            };
        }

        /// <summary>The account setting, or null when the service says it was never set (the default, on, applies).</summary>
        protected AccountIpAclEnableSetting? ReadAccountSetting(DbxClient client)
        {
            try { return Run(ct => new AccountSettingsApi(client).GetIpAclEnableAsync(ct)); }
            catch (DbxApiException ex) when (ex.StatusCode == 404) { return null; }
        }

        /// <summary>
        /// Parses addresses and CIDRs (kept as typed, trimmed); writes one error per bad value (ErrorId by kind) and
        /// returns null when any was bad, so the caller sends nothing. Values with host bits set are accepted, with one
        /// warning per call that the service reads them as their network.
        /// </summary>
        /// <param name="warnHostBits">False for a cmdlet that collects values over its pipeline and warns once over all of them.</param>
        protected List<Ipv4Cidr>? ParseAddresses(IEnumerable<string>? values, bool skipBlankAndComments = false, bool warnHostBits = true)
        {
            if (values == null)
                throw new DbxValidationException("DbxInvalidIpAddress", "-IpAddress is $null: give one or more IPv4 addresses or CIDRs (such as 203.0.113.7 or 203.0.113.0/24), or @() for none.", null);
            var parsed = new List<Ipv4Cidr>();
            bool bad = false;
            foreach (var raw in values)
            {
                if (skipBlankAndComments && (string.IsNullOrWhiteSpace(raw) || raw.TrimStart().StartsWith("#", StringComparison.Ordinal))) continue;
                var problem = Cidr.Check(raw, out var value);
                if (problem == null) { parsed.Add(value); continue; }
                bad = true;
                WriteError(ErrorRecords.FromValidation(InvalidAddress(problem, raw)));
            }
            if (bad) return null;
            if (warnHostBits) WarnHostBits(parsed);
            return parsed;
        }

        /// <summary>The one warning per call that values with host bits set are read as their network.</summary>
        protected void WarnHostBits(IEnumerable<Ipv4Cidr> values)
        {
            var hostBits = hostBitsWarned ? null : Cidr.HostBitsWarning(values);
            if (hostBits != null) { hostBitsWarned = true; WriteWarning(hostBits); }
        }

        private bool hostBitsWarned;

        protected static DbxValidationException InvalidAddress(CidrProblem problem, string? raw)
        {
            string id;
            switch (problem.Kind)
            {
                case CidrProblemKind.Ipv6: id = "DbxIpv6NotSupported"; break;
                case CidrProblemKind.PrefixOutOfRange: id = "DbxInvalidCidrPrefix"; break;
                default: id = "DbxInvalidIpAddress"; break;
            }
            return new DbxValidationException(id, problem.Message, raw);
        }
    }

    /// <summary>
    /// Shared by the cmdlets that change lists or switches: <c>-Force</c>, <c>-CallerIpAddress</c>, the local
    /// 1000-value quota check, the lockout guard, and plain words for the service's own refusals.
    /// </summary>
    public abstract class IpAccessChangeCmdletBase : IpAccessCmdletBase
    {
        /// <summary>Your own public IPv4 address, for the lockout guard; defaults to the context's CallerIpAddress (given, learned from an IP ACL refusal, or looked up).</summary>
        [Parameter]
        public string? CallerIpAddress { get; set; }

        /// <summary>Skip the confirmation prompts, including the lockout guard's (never -WhatIf).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>ShouldProcess, skipped by -Force unless -WhatIf is in effect. -CallerIpAddress is checked first, so a
        /// mistyped address fails under -WhatIf exactly as in the real run (not only when the guard happens to need it).</summary>
        protected bool ShouldChange(string target, string action)
        {
            CheckBeforeReading();
            return ShouldChange(Force, target, action);
        }

        protected override void CheckBeforeReading()
        {
            if (CallerIpAddress != null && !Cidr.TryParseAddress(CallerIpAddress, out _, out var error))
                throw new DbxValidationException("DbxInvalidCallerIpAddress", "-CallerIpAddress: " + Validation.Text.Printable(error), Validation.Text.Printable(CallerIpAddress));
        }

        /// <summary>Refuses (before anything is sent) a change that takes the live total over 1000 values.</summary>
        protected static void CheckQuota(IReadOnlyList<IpAccessList> current, string? replacedListId, int newCount, string scope, object? target)
        {
            var inUse = current.Sum(l => l.Count);
            var freed = replacedListId == null ? 0 : current.Where(l => l.ListId == replacedListId).Sum(l => l.Count);
            var after = inUse - freed + newCount;
            if (after <= Cidr.MaxValuesPerScope) return;
            var adds = replacedListId == null
                ? $"this change adds {newCount}"
                : $"this change adds {after - inUse} (the list goes from {freed} to {newCount} values)";
            throw new DbxValidationException("DbxIpAccessQuotaExceeded",
                $"IP access lists of {scope} may hold at most {Cidr.MaxValuesPerScope} addresses and CIDRs in all: {inUse} are in use across {current.Count} list(s) and {adds}, which would make {after}. Remove or merge entries first.",
                target, ErrorCategory.LimitsExceeded);
        }

        /// <summary>
        /// The lockout guard when the lists before the change are not at hand: as if every address got in before
        /// (the switch was off). Prefer the overload with <c>before</c>.
        /// </summary>
        protected bool PassesLockoutGuard(IEnumerable<IpAccessList> resulting, string change, string scope) =>
            PassesLockoutGuard(null, resulting, change, scope);

        /// <summary>
        /// The lockout guard, always on. <paramref name="before"/>: the lists in force now (null when the switch is off,
        /// so every address gets in); <paramref name="resulting"/>: the lists as they would be after the change.
        /// With a known caller address (-CallerIpAddress, the context's, one learned from an IP ACL refusal, or else looked
        /// up) the change is questioned when the resulting lists would block it. When the address cannot be known, a change
        /// that takes access away from any address is questioned. A question asks ShouldContinue (default No) and, in a
        /// session that cannot ask, refuses unless -Force. The lookup runs only when a change takes access away and -Force is
        /// not given. True = go on.
        /// </summary>
        protected bool PassesLockoutGuard(IReadOnlyCollection<IpAccessList>? before, IEnumerable<IpAccessList> resulting, string change, string scope)
        {
            var after = resulting.ToList();
            var (callerText, source) = GivenCaller();
            string? losing = null;
            if (callerText == null)
            {
                losing = LockoutGuard.FirstLosingAccess(before, after);
                if (losing == null)
                {
                    WriteVerbose($"Lockout guard: {change} takes access away from no address; your own address is not needed.");
                    return true;
                }
                // -Force goes ahead whatever the address is: no lookup, only the warning.
                if (!Force) (callerText, source) = LookUpCaller();
            }
            if (callerText == null)
            {
                var unknown = $"{change} takes access to {scope} away from some addresses (such as {losing}), and your own public address is not known, so it could lock you out of {scope}.";
                var hint = "Give your public address with -CallerIpAddress a.b.c.d (or once per context: Connect-DbxAccount -CallerIpAddress a.b.c.d, or $context.CallerIpAddress = 'a.b.c.d'), or use -Force to make the change anyway.";
                return ContinueDespite(unknown, "IP access list lockout", Force, "DbxIpAccessLockout", scope,
                    $"Not changed: {change} was declined at the lockout prompt.", hint);
            }
            if (!Cidr.TryParseAddress(callerText, out var caller, out var error))
                throw new DbxValidationException("DbxInvalidCallerIpAddress", error!, callerText);
            var verdict = LockoutGuard.Evaluate(after, caller);
            if (verdict.Allowed)
            {
                WriteVerbose($"Lockout guard: after {change} your address {callerText.Trim()} ({source}) is still let in: {verdict.Reason}.");
                return true;
            }
            var warning = $"{change} would block your own address {callerText.Trim()} ({source}; {verdict.Reason}): you would be locked out of {scope}.";
            return ContinueDespite(warning, "IP access list lockout", Force, "DbxIpAccessLockout", callerText,
                $"Not changed: {change} was declined at the lockout prompt.");
        }

        /// <summary>The caller's address as given (-CallerIpAddress) or kept by the context, with where it came from.</summary>
        private (string? Address, string? Source) GivenCaller()
        {
            if (!string.IsNullOrWhiteSpace(CallerIpAddress)) return (CallerIpAddress, "-CallerIpAddress");
            var ctx = EffectiveContext();
            var known = ctx?.CallerIpAddress;
            return string.IsNullOrWhiteSpace(known) ? (null, null) : (known, ctx!.CallerIpAddressSource);
        }

        /// <summary>Looks the caller's address up (never under -WhatIf: the guard runs after ShouldProcess) and keeps it on the context.</summary>
        private (string? Address, string? Source) LookUpCaller() => LookUpCallerAddress(EffectiveContext());

        /// <summary>Runs a change; the service's INVALID_STATE and QUOTA_EXCEEDED refusals become errors in plain words.</summary>
        protected T? Change<T>(Func<CancellationToken, Task<T>> operation, object? target, string scope) where T : class
        {
            try { return Run(operation); }
            catch (DbxApiException ex) when (ex.ErrorCode == "INVALID_STATE")
            {
                WriteApiError(ex, target, $"Databricks refused the change because the resulting IP access lists would block the address you are calling from: it would lock you out of {scope}. Add your address to an ALLOW list, or leave it out of BLOCK lists, and try again");
            }
            catch (DbxApiException ex) when (ex.ErrorCode == "QUOTA_EXCEEDED")
            {
                WriteApiError(ex, target, $"Databricks refused the change because the IP access lists of {scope} would hold more than {Cidr.MaxValuesPerScope} addresses and CIDRs");
            }
            return null;
        }

        /// <summary>A list as an admin knows it in prompts and -WhatIf: <c>IP access list 'office' (id)</c>, the id alone when not found.</summary>
        protected static string ListText(IpAccessList? list, string id) =>
            string.IsNullOrEmpty(list?.Label) ? $"IP access list {id}" : $"IP access list '{Validation.Text.Printable(list!.Label)}' ({id})";

        /// <summary>An ALLOW entry with a shorter prefix than this (a wider network) is questioned, as posture reports it.</summary>
        internal const int WideAllowPrefix = 8;

        private static bool LetsIn(IpAccessList? l) =>
            l != null && string.Equals(l.ListType, "ALLOW", StringComparison.OrdinalIgnoreCase) && (l.Enabled ?? true);

        private static IEnumerable<Ipv4Cidr> WideValues(IpAccessList? l) =>
            !LetsIn(l) ? Enumerable.Empty<Ipv4Cidr>()
            : (l!.IpAddresses ?? new List<string>()).Select(a => (Ok: Cidr.TryParse(a, out var c, out _), Value: c)).Where(t => t.Ok && t.Value.Prefix < WideAllowPrefix).Select(t => t.Value);

        /// <summary>
        /// The warning for ALLOW entries wider than /8 that take effect through the change (in <paramref name="after"/> and
        /// not already in force in <paramref name="before"/>), or null. 0.0.0.0/0 lets every address in.
        /// </summary>
        internal static string? WideAllowWarning(IpAccessList? before, IpAccessList after, string change, string scope)
        {
            var had = new HashSet<Ipv4Cidr>(WideValues(before));
            var wide = WideValues(after).Where(c => !had.Contains(c)).Distinct().ToList();
            if (wide.Count == 0) return null;
            var shown = string.Join(", ", wide.Select(c => c.Prefix == 0
                ? $"{c.Wire} (every address)"
                : $"{c.Wire} ({c.Size.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} addresses)"));
            return $"{change} lets in {shown}: an ALLOW entry wider than /{WideAllowPrefix} opens {scope} to a large part of the internet.";
        }

        /// <summary>Under -WhatIf the wide ALLOW warning is written at once (the real run would ask).</summary>
        protected void WarnWideAllowUnderWhatIf(string? warning)
        {
            if (warning != null && WhatIfInEffect) WriteWarning(Validation.Text.Printable(warning));
        }

        /// <summary>The wide ALLOW question (after ShouldProcess): asks with No as the default, refuses non-interactively without -Force. True = go on.</summary>
        protected bool PassesWideAllowCheck(string? warning, object? target, string change) =>
            warning == null || ContinueDespite(warning, "Wide ALLOW entry", Force, "DbxIpAccessWideAllow", target,
                $"Not changed: {change} was declined at the wide ALLOW prompt.");

        /// <summary>The lists as they would be after replacing (or adding, or with null removing) one of them.</summary>
        protected static List<IpAccessList> With(IEnumerable<IpAccessList> current, string? listId, IpAccessList? replacement)
        {
            var result = current.Where(l => listId == null || l.ListId != listId).ToList();
            if (replacement != null) result.Add(replacement);
            return result;
        }
    }
}
