using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Posture
{
    /// <summary>A value read from the service, or the error that kept it from being read.</summary>
    public sealed class Fetched<T> where T : class
    {
        private Fetched(T? value, DbxApiException? error, string? what) { Value = value; Error = error; What = what; }

        public T? Value { get; }
        public DbxApiException? Error { get; }
        /// <summary>What was being read (for the reason text).</summary>
        public string? What { get; }
        public bool Ok => Error == null;
        /// <summary>"what: error" when the read failed, else null.</summary>
        public string? Reason => Error == null ? null : What + ": " + SecretRegistry.Redact(Error.Message);
        /// <summary>"what: ERROR_CODE (HTTP n): message" without the request id, the same on every run (snapshots).</summary>
        public string? StableReason => Error == null ? null
            : $"{What}: {Error.ErrorCode ?? "error"} (HTTP {Error.StatusCode}): {SecretRegistry.Redact(Error.ServiceMessage)}";

        public string? ReasonText(bool stable) => stable ? StableReason : Reason;

        public static Fetched<T> Of(T? value) => new Fetched<T>(value, null, null);
        public static Fetched<T> Failed(string what, DbxApiException error) => new Fetched<T>(null, error, what);
    }

    /// <summary>Everything read once per scan at account level, with lookups by id.</summary>
    public sealed class AccountData
    {
        public AccountData(string? accountId, Fetched<List<Network>> networks, Fetched<List<VpcEndpoint>> vpcEndpoints,
            Fetched<List<PrivateAccessSettings>> privateAccessSettings, Fetched<List<NetworkConnectivityConfig>> nccs,
            IReadOnlyDictionary<string, Fetched<List<PrivateEndpointRule>>> rulesByNcc, Fetched<List<NetworkPolicy>> policies,
            Fetched<List<IpAccessList>> accountLists, Fetched<AccountIpAclEnableSetting> accountFeature,
            Fetched<List<NetworkEndpoint>>? networkEndpoints = null, Fetched<NetworkPolicy>? accountIngress = null)
        {
            NetworkEndpoints = networkEndpoints ?? Fetched<List<NetworkEndpoint>>.Of(new List<NetworkEndpoint>());
            // Not read (tests of other facts): an account-policy without ingress, as a service that never had one.
            AccountIngress = accountIngress ?? Fetched<NetworkPolicy>.Of(null);
            AccountIngressPosture = PostureBuilder.AccountIngress(accountId, AccountIngress.Value);
            AccountId = accountId;
            Networks = networks; VpcEndpoints = vpcEndpoints; PrivateAccessSettings = privateAccessSettings; Nccs = nccs;
            RulesByNcc = rulesByNcc; Policies = policies; AccountLists = accountLists; AccountFeature = accountFeature;
            NetworkById = ById(networks.Value, n => n.NetworkId);
            VpcEndpointById = ById(vpcEndpoints.Value, e => e.VpcEndpointId);
            PrivateAccessSettingsById = ById(privateAccessSettings.Value, p => p.PrivateAccessSettingsId);
            NccById = ById(nccs.Value, n => n.NetworkConnectivityConfigId);
            PolicyById = ById(policies.Value, p => p.NetworkPolicyId);
        }

        public string? AccountId { get; }
        public Fetched<List<Network>> Networks { get; }
        public Fetched<List<VpcEndpoint>> VpcEndpoints { get; }
        /// <summary>Registered endpoints of the networking v1 API (Service Direct front-end PrivateLink).</summary>
        public Fetched<List<NetworkEndpoint>> NetworkEndpoints { get; }
        public Fetched<List<PrivateAccessSettings>> PrivateAccessSettings { get; }
        public Fetched<List<NetworkConnectivityConfig>> Nccs { get; }
        public IReadOnlyDictionary<string, Fetched<List<PrivateEndpointRule>>> RulesByNcc { get; }
        public Fetched<List<NetworkPolicy>> Policies { get; }
        public Fetched<List<IpAccessList>> AccountLists { get; }
        /// <summary>acct_ip_acl_enable; Value null when never set (the default, on, applies).</summary>
        public Fetched<AccountIpAclEnableSetting> AccountFeature { get; }
        /// <summary>The account ingress policy (account-policy); Value null when the service has none (404).</summary>
        public Fetched<NetworkPolicy> AccountIngress { get; }
        /// <summary>The account ingress facts, built once per scan and shared by every posture of it.</summary>
        public AccountIngressPosture AccountIngressPosture { get; }

        public IReadOnlyDictionary<string, Network> NetworkById { get; }
        public IReadOnlyDictionary<string, VpcEndpoint> VpcEndpointById { get; }
        public IReadOnlyDictionary<string, PrivateAccessSettings> PrivateAccessSettingsById { get; }
        public IReadOnlyDictionary<string, NetworkConnectivityConfig> NccById { get; }
        public IReadOnlyDictionary<string, NetworkPolicy> PolicyById { get; }

        /// <summary>Why account-level facts are missing (every failed list).</summary>
        public IEnumerable<string> FailureReasons(bool stable = false)
        {
            foreach (var f in new[] { Networks.ReasonText(stable), VpcEndpoints.ReasonText(stable), PrivateAccessSettings.ReasonText(stable), Nccs.ReasonText(stable),
                Policies.ReasonText(stable), AccountLists.ReasonText(stable), AccountFeature.ReasonText(stable), AccountIngress.ReasonText(stable) })
                if (f != null) yield return f;
            foreach (var kv in RulesByNcc.OrderBy(k => k.Key, StringComparer.Ordinal))
                if (kv.Value.ReasonText(stable) is string r) yield return r;
        }

        private static IReadOnlyDictionary<string, T> ById<T>(List<T>? items, Func<T, string?> id)
        {
            var d = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
            if (items == null) return d;
            foreach (var i in items)
            {
                var key = id(i);
                if (!string.IsNullOrEmpty(key)) d[key!] = i;
            }
            return d;
        }
    }

    /// <summary>What was read for one workspace: its IP access lists, the enableIpAccessLists switch and its network policy binding.</summary>
    public sealed class WorkspaceData
    {
        public WorkspaceData(Workspace workspace, Fetched<List<IpAccessList>> ipAccessLists, Fetched<Dictionary<string, string?>> conf, Fetched<WorkspaceNetworkOption> networkOption)
        {
            Workspace = workspace; IpAccessLists = ipAccessLists; Conf = conf; NetworkOption = networkOption;
        }

        public Workspace Workspace { get; }
        public Fetched<List<IpAccessList>> IpAccessLists { get; }
        /// <summary>workspace-conf with the key enableIpAccessLists.</summary>
        public Fetched<Dictionary<string, string?>> Conf { get; }
        public Fetched<WorkspaceNetworkOption> NetworkOption { get; }

        /// <summary>The raw enableIpAccessLists value (null when never set, or unreadable).</summary>
        public string? EnableIpAccessLists =>
            Conf.Value != null && Conf.Value.TryGetValue(WorkspaceConfApi.EnableIpAccessLists, out var v) ? v : null;

        public IEnumerable<string> FailureReasons(bool stable = false)
        {
            foreach (var r in new[] { IpAccessLists.ReasonText(stable), Conf.ReasonText(stable), NetworkOption.ReasonText(stable) })
                if (r != null) yield return r;
        }

        /// <summary>The first failure (for the error record), or null.</summary>
        public DbxApiException? FirstError => IpAccessLists.Error ?? Conf.Error ?? NetworkOption.Error;
    }

    /// <summary>
    /// Reads what a network posture or a configuration export needs, fast: account-level lists once, then the
    /// workspace-level calls fanned out with at most <see cref="ThrottleLimit"/> requests in flight across the whole
    /// scan (one <see cref="SemaphoreSlim"/> around every request), all through the shared client so retries and
    /// Retry-After apply as everywhere else. Workspaces are admitted a few at a time, so memory does not grow with
    /// the number of workspaces: a workspace's data is handed to the callback and dropped.
    /// </summary>
    public sealed class PostureScanner : IDisposable
    {
        private readonly DbxClient account;
        private readonly SemaphoreSlim gate;
        private int inFlight, peakInFlight;

        public PostureScanner(DbxClient accountClient, int throttleLimit)
        {
            if (throttleLimit < 1) throw new ArgumentOutOfRangeException(nameof(throttleLimit), "The throttle limit must be at least 1.");
            account = accountClient;
            ThrottleLimit = throttleLimit;
            gate = new SemaphoreSlim(throttleLimit, throttleLimit);
        }

        public int ThrottleLimit { get; }
        /// <summary>The most requests that were in flight at once.</summary>
        public int PeakInFlight => Volatile.Read(ref peakInFlight);
        /// <summary>Requests sent by this scanner (each logical call once, retries not counted).</summary>
        public int Requests => requests;
        private int requests;

        public void Dispose() => gate.Dispose();

        /// <summary>Runs one request under the throttle.</summary>
        private async Task<T> Limit<T>(Func<Task<T>> call, CancellationToken ct)
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            var now = Interlocked.Increment(ref inFlight);
            Interlocked.Increment(ref requests);
            int peak;
            while (now > (peak = Volatile.Read(ref peakInFlight)) && Interlocked.CompareExchange(ref peakInFlight, now, peak) != peak) { }
            try { return await call().ConfigureAwait(false); }
            finally
            {
                Interlocked.Decrement(ref inFlight);
                gate.Release();
            }
        }

        private static async Task<Fetched<T>> TryAsync<T>(string what, Func<Task<T>> call) where T : class
        {
            try { return Fetched<T>.Of(await call().ConfigureAwait(false)); }
            catch (DbxApiException ex) { return Fetched<T>.Failed(what, ex); }
        }

        private async Task<List<T>> AllPagesAsync<T>(Func<string?, CancellationToken, Task<Page<T>>> fetch, CancellationToken ct)
        {
            var all = new List<T>();
            string? token = null;
            do
            {
                var t = token;
                var page = await Limit(() => fetch(t, ct), ct).ConfigureAwait(false);
                all.AddRange(page.Items);
                token = page.NextPageToken;
            } while (token != null);
            return all;
        }

        /// <summary>The account's workspaces (a failure here is the caller's to report: there is nothing to scan).</summary>
        public Task<List<Workspace>> ListWorkspacesAsync(CancellationToken ct) =>
            Limit(() => new WorkspacesApi(account).ListAsync(ct), ct);

        /// <summary>
        /// Every account-level list, all at once under the throttle: networks, VPC endpoint registrations, private
        /// access settings, NCCs and the private endpoint rules of each, network policies, the account IP access lists
        /// and the account switch. A list that cannot be read is kept as its error.
        /// </summary>
        public async Task<AccountData> ReadAccountAsync(CancellationToken ct)
        {
            var networks = TryAsync<List<Network>>("the account's network configurations", () => Limit(() => new NetworksApi(account).ListAsync(ct), ct));
            var endpoints = TryAsync<List<VpcEndpoint>>("the account's VPC endpoint registrations", () => Limit(() => new VpcEndpointsApi(account).ListAsync(ct), ct));
            var pas = TryAsync<List<PrivateAccessSettings>>("the account's private access settings", () => Limit(() => new PrivateAccessSettingsApi(account).ListAsync(ct), ct));
            var nccApi = new NetworkConnectivityApi(account);
            var nccs = TryAsync<List<NetworkConnectivityConfig>>("the account's network connectivity configurations", () => AllPagesAsync<NetworkConnectivityConfig>(nccApi.ListPageAsync, ct));
            var policyApi = new NetworkPoliciesApi(account);
            var policies = TryAsync<List<NetworkPolicy>>("the account's network policies", () => AllPagesAsync<NetworkPolicy>(policyApi.ListPageAsync, ct));
            var lists = TryAsync<List<IpAccessList>>("the account's IP access lists", () => Limit(() => new IpAccessListsApi(account, true).ListAsync(ct), ct));
            var feature = ReadAccountFeatureAsync(ct);
            var endpointApi = new NetworkEndpointsApi(account);
            var networkEndpoints = TryAsync<List<NetworkEndpoint>>("the account's registered endpoints (Service Direct)", () => AllPagesAsync<NetworkEndpoint>(endpointApi.ListPageAsync, ct));
            var accountIngress = ReadAccountIngressAsync(policies, policyApi, ct);

            var nccList = await nccs.ConfigureAwait(false);
            var ruleTasks = (nccList.Value ?? new List<NetworkConnectivityConfig>())
                .Where(n => !string.IsNullOrEmpty(n.NetworkConnectivityConfigId))
                .Select(n => (Id: n.NetworkConnectivityConfigId!, Task: TryAsync<List<PrivateEndpointRule>>(
                    $"the private endpoint rules of network connectivity configuration {n.NetworkConnectivityConfigId}",
                    () => AllPagesAsync<PrivateEndpointRule>((t, c) => nccApi.ListRulesPageAsync(n.NetworkConnectivityConfigId!, t, c), ct))))
                .ToList();
            var rules = new Dictionary<string, Fetched<List<PrivateEndpointRule>>>(StringComparer.OrdinalIgnoreCase);
            foreach (var (id, task) in ruleTasks) rules[id] = await task.ConfigureAwait(false);

            return new AccountData(account.AccountId, await networks.ConfigureAwait(false), await endpoints.ConfigureAwait(false), await pas.ConfigureAwait(false),
                nccList, rules, await policies.ConfigureAwait(false), await lists.ConfigureAwait(false), await feature.ConfigureAwait(false),
                await networkEndpoints.ConfigureAwait(false), await accountIngress.ConfigureAwait(false));
        }

        // The account-policy from the policy list when it is listed (no extra request), else read by id as the Go SDK's
        // AccountNetworkPolicies.Get does (GET .../network-policies/account-policy); 404: no account policy, no restriction.
        private async Task<Fetched<NetworkPolicy>> ReadAccountIngressAsync(Task<Fetched<List<NetworkPolicy>>> policies, NetworkPoliciesApi api, CancellationToken ct)
        {
            const string what = "the account ingress policy (account-policy)";
            var listed = (await policies.ConfigureAwait(false)).Value?.FirstOrDefault(p => p.NetworkPolicyId == IngressWire.AccountPolicyId);
            if (listed != null) return Fetched<NetworkPolicy>.Of(listed);
            try { return Fetched<NetworkPolicy>.Of(await Limit(() => api.GetAsync(IngressWire.AccountPolicyId, ct), ct).ConfigureAwait(false)); }
            catch (DbxApiException ex) when (ex.StatusCode == 404) { return Fetched<NetworkPolicy>.Of(null); }
            catch (DbxApiException ex) { return Fetched<NetworkPolicy>.Failed(what, ex); }
        }

        // 404: never set, the default (on) applies: a null value, not an error.
        private async Task<Fetched<AccountIpAclEnableSetting>> ReadAccountFeatureAsync(CancellationToken ct)
        {
            try { return Fetched<AccountIpAclEnableSetting>.Of(await Limit(() => new AccountSettingsApi(account).GetIpAclEnableAsync(ct), ct).ConfigureAwait(false)); }
            catch (DbxApiException ex) when (ex.StatusCode == 404) { return Fetched<AccountIpAclEnableSetting>.Of(null); }
            catch (DbxApiException ex) { return Fetched<AccountIpAclEnableSetting>.Failed("the account setting acct_ip_acl_enable", ex); }
        }

        /// <summary>The three workspace-level reads of one workspace, side by side under the throttle.</summary>
        public async Task<WorkspaceData> ReadWorkspaceAsync(Workspace workspace, CancellationToken ct)
        {
            var id = workspace.WorkspaceId;
            var policyApi = new NetworkPoliciesApi(account);
            var option = TryAsync<WorkspaceNetworkOption>("the network policy binding", () => Limit(() => policyApi.GetWorkspaceOptionAsync(id, ct), ct));
            DbxClient ws;
            try { ws = await account.ForWorkspaceAsync(workspace, ct).ConfigureAwait(false); }
            catch (DbxApiException ex)
            {
                return new WorkspaceData(workspace, Fetched<List<IpAccessList>>.Failed("the workspace's IP access lists", ex),
                    Fetched<Dictionary<string, string?>>.Failed("the workspace setting enableIpAccessLists", ex), await option.ConfigureAwait(false));
            }
            var lists = TryAsync<List<IpAccessList>>("the workspace's IP access lists", () => Limit(() => new IpAccessListsApi(ws, false).ListAsync(ct), ct));
            var conf = TryAsync<Dictionary<string, string?>>("the workspace setting enableIpAccessLists",
                () => Limit(() => new WorkspaceConfApi(ws).GetAsync(new[] { WorkspaceConfApi.EnableIpAccessLists }, ct), ct));
            return new WorkspaceData(workspace, await lists.ConfigureAwait(false), await conf.ConfigureAwait(false), await option.ConfigureAwait(false));
        }

        /// <summary>
        /// Reads every workspace and hands each one's data to <paramref name="onRead"/> as soon as it is complete
        /// (completion order). At most twice the throttle limit of workspaces are admitted at a time, enough to keep
        /// the request throttle full while holding only those workspaces in memory. The first unexpected exception
        /// (not a service error, which is kept in the data) stops the scan and is rethrown.
        /// </summary>
        public async Task ForEachWorkspaceAsync(IEnumerable<Workspace> workspaces, Func<WorkspaceData, Task> onRead, CancellationToken ct)
        {
            var admit = Math.Max(2, ThrottleLimit * 2);
            using var admission = new SemaphoreSlim(admit, admit);
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Exception? first = null;
            try
            {
                foreach (var w in workspaces)
                {
                    await admission.WaitAsync(failed.Token).ConfigureAwait(false);
                    _ = RunOne(w);
                }
            }
            catch (OperationCanceledException) { }
            // Wait for the workspaces still in flight: all admission slots back.
            for (int i = 0; i < admit; i++) await admission.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            if (first != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            ct.ThrowIfCancellationRequested();

            async Task RunOne(Workspace w)
            {
                try
                {
                    var data = await ReadWorkspaceAsync(w, failed.Token).ConfigureAwait(false);
                    await onRead(data).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    if (Interlocked.CompareExchange(ref first, ex, null) == null) failed.Cancel();
                }
                finally { admission.Release(); }
            }
        }
    }
}
