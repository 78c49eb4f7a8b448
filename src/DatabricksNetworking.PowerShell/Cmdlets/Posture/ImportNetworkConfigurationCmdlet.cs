using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Cmdlets.IpAccess;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;

namespace DatabricksNetworking.Cmdlets.Posture
{
    /// <summary>
    /// <para type="synopsis">Reconciles the live account towards a network configuration snapshot: IP access lists, network policies and bindings, NCCs and their private endpoint rules.</para>
    /// </summary>
    /// <remarks>
    /// Thin: the file is read and validated and the plan is made by <see cref="ConfigurationImportPlan"/> (pure); here the
    /// live state is read, the lockout guard asked, and each step sent through the typed client. It derives from the IP
    /// access change base for the lockout guard, -CallerIpAddress and -Force the IP access list cmdlets use.
    /// </remarks>
    [Cmdlet(VerbsData.Import, "DbxNetworkConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Import-DbxNetworkConfiguration.md")]
    [OutputType(typeof(NetworkConfigurationImportResult))]
    public sealed class ImportDbxNetworkConfigurationCommand : IpAccessChangeCmdletBase
    {
        /// <summary>The snapshot file (Export-DbxNetworkConfiguration).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        public string Path { get; set; } = "";

        /// <summary>The most read requests in flight at once while the live account is read (1 to 64).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 16;

        /// <summary>The kinds to import; all portable kinds when not given.</summary>
        [Parameter]
        public NetworkConfigurationKind[]? Include { get; set; }

        /// <summary>Also delete live objects of the included kinds that the snapshot does not have (never default-policy).</summary>
        [Parameter]
        public SwitchParameter RemoveExtra { get; set; }

        /// <summary>Also import the IP access list feature switches (workspace and account), through the lockout guard.</summary>
        [Parameter]
        public SwitchParameter IncludeFeatureSwitch { get; set; }

        /// <summary>How the snapshot's workspaces are found in the account: by workspace id (default) or by workspace name.</summary>
        [Parameter]
        public WorkspaceMatch MatchWorkspaceBy { get; set; } = WorkspaceMatch.Id;

        /// <summary>How long, in seconds, the import waits for each new S3 private endpoint rule that the snapshot has enabled to be
        /// ESTABLISHED before it enables it (the service keeps new S3 rules disabled until then; default 600).</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int RuleTimeoutSec { get; set; } = 600;

        protected override void ProcessRecordCore()
        {
            var full = ResolveFilePath(Path, "Path", output: false, "DbxSnapshotNotFound");
            CurrentTarget = full;
            var snapshot = ReadSnapshot(full);
            var problems = ConfigurationImportPlan.Validate(snapshot);
            if (problems.Count > 0)
            {
                var more = problems.Count > 1 ? $" ({problems.Count - 1} more: {string.Join(" ", problems.Skip(1).Take(5))}{(problems.Count > 6 ? " ..." : "")})" : "";
                throw new DbxValidationException("DbxInvalidSnapshot", $"'{full}' cannot be imported, nothing was changed: {problems[0]}{more}", full, ErrorCategory.InvalidData);
            }
            var client = AccountClient;
            if (snapshot.AccountId != null && !string.Equals(snapshot.AccountId, client.AccountId, StringComparison.OrdinalIgnoreCase))
                WriteVerbose($"The snapshot is of account {snapshot.AccountId}; importing it into account {client.AccountId}.");
            foreach (var i in snapshot.Incomplete) WriteWarning($"The snapshot is incomplete, its objects are missing from it: {i}");

            var (live, unreadable) = ReadLive(client);
            var options = new ImportOptions
            {
                Include = new HashSet<NetworkConfigurationKind>(Include != null && Include.Length > 0 ? Include : (NetworkConfigurationKind[])Enum.GetValues(typeof(NetworkConfigurationKind))),
                IncludeFeatureSwitch = IncludeFeatureSwitch, RemoveExtra = RemoveExtra, MatchWorkspaceBy = MatchWorkspaceBy, Unreadable = unreadable,
            };
            var plan = ConfigurationImportPlan.Build(snapshot, live, options);
            var refused = Guard(plan);
            var ingressRefused = IngressGuard(plan, live);
            var nccIds = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var n in live.Objects.Where(o => o.Type == "NetworkConnectivityConfig").OrderByDescending(o => o.Id, StringComparer.Ordinal))
                nccIds[ConfigurationImportPlan.NccKeyOf(n)] = n.Id;
            foreach (var step in plan.Steps)
            {
                switch (step.Action)
                {
                    case ImportStepAction.Skip: WriteObject(Result(step, "Skipped", step.LiveId, step.Detail)); continue;
                    case ImportStepAction.Unchanged: WriteObject(Result(step, "Unchanged", step.LiveId, null)); continue;
                    case ImportStepAction.Fail: WriteObject(Result(step, "Failed", step.LiveId, step.Detail)); continue;
                }
                if (step.IpScope != null && refused.TryGetValue(step.IpScope, out var why))
                {
                    WriteObject(Result(step, why.Action, step.LiveId, why.Detail));
                    continue;
                }
                if (ingressRefused.Contains(step))
                {
                    WriteObject(Result(step, "Skipped", step.LiveId, $"Not changed: {Describe(step)} would take access away at the ingress lockout guard (see the DbxIngressLockout error); check with Test-DbxIngressAccess, or -Force imports it."));
                    continue;
                }
                var (verb, done) = step.Action == ImportStepAction.Create ? ("Create", "Created") : step.Action == ImportStepAction.Update ? ("Update", "Updated") : ("Remove", "Removed");
                var target = Describe(step);
                if (!ShouldChange(target, verb + (step.Detail != null && step.Action == ImportStepAction.Update ? " (" + step.Detail + ")" : ""))) continue;
                if (step.Action == ImportStepAction.Remove && !ConfirmRemoval(target)) continue;
                try
                {
                    var id = Execute(step, client, nccIds);
                    WriteObject(Result(step, done, id, step.Action == ImportStepAction.Update ? step.Detail : null));
                }
                catch (DbxApiException ex)
                {
                    var failed = Result(step, "Failed", step.LiveId, ex.ServiceMessage ?? ex.Message);
                    WriteApiError(ex, failed, $"{verb} {target}");
                    WriteObject(failed);
                }
                catch (DbxValidationException ex)
                {
                    var failed = Result(step, "Failed", step.LiveId, ex.Message);
                    WriteError(new ErrorRecord(new ArgumentException(ex.Message), ex.ErrorId, ex.Category, failed) { ErrorDetails = new ErrorDetails(ex.Message) });
                    WriteObject(failed);
                }
            }
        }

        private ConfigurationSnapshotData ReadSnapshot(string full)
        {
            if (!File.Exists(full))
                throw new DbxValidationException("DbxSnapshotNotFound", $"The snapshot file '{full}' does not exist.", full, ErrorCategory.ObjectNotFound);
            try { return ConfigurationSnapshot.Read(full); }
            catch (InvalidDataException ex) { throw new DbxValidationException("DbxInvalidSnapshot", ex.Message + " Nothing was changed.", full, ErrorCategory.InvalidData); }
        }

        /// <summary>The live account as a snapshot (the export's scan: reads only), and what of it could not be read.</summary>
        private (ConfigurationSnapshotData, HashSet<string>) ReadLive(DbxClient client)
        {
            var (account, workspaces, data) = Run(async ct =>
            {
                using var scanner = new PostureScanner(client, ThrottleLimit);
                var all = await scanner.ListWorkspacesAsync(ct).ConfigureAwait(false);
                var accountTask = scanner.ReadAccountAsync(ct);
                var read = new List<WorkspaceData>();
                await scanner.ForEachWorkspaceAsync(all, d => { lock (read) read.Add(d); return Task.CompletedTask; }, ct).ConfigureAwait(false);
                return (await accountTask.ConfigureAwait(false), all, read);
            });
            var unreadable = new HashSet<string>(StringComparer.Ordinal);
            void Check<T>(Fetched<T> f, params string[] types) where T : class
            {
                if (f.Ok) return;
                foreach (var t in types) unreadable.Add(t);
                WriteApiError(f.Error!, account.AccountId, "Reading " + f.What);
            }
            Check(account.Nccs, "NetworkConnectivityConfig|", "PrivateEndpointRule|");
            foreach (var r in account.RulesByNcc.Values) Check(r, "PrivateEndpointRule|");
            Check(account.Policies, "NetworkPolicy|");
            Check(account.AccountLists, "AccountIpAccessList|");
            Check(account.AccountFeature, "AccountIpAccessListFeature|");
            var objects = ConfigurationSnapshot.AccountObjects(account, workspaces).ToList();
            foreach (var d in data.OrderBy(d => d.Workspace.WorkspaceId))
            {
                var wid = d.Workspace.WorkspaceId.ToString(CultureInfo.InvariantCulture);
                Check(d.IpAccessLists, "IpAccessList|" + wid);
                Check(d.Conf, "IpAccessListFeature|" + wid);
                Check(d.NetworkOption, "WorkspaceNetworkOption|" + wid);
                objects.AddRange(ConfigurationSnapshot.WorkspaceObjects(d));
            }
            return (new ConfigurationSnapshotData(client.AccountId, null, new List<string>(), ConfigurationSnapshot.Sort(objects), "the live account"), unreadable);
        }

        /// <summary>
        /// The lockout guard of every IP access scope the import writes whose lists are enforced afterwards (never under
        /// -WhatIf, which writes nothing). A refused or declined scope is left as it is.
        /// </summary>
        private Dictionary<string, (string Action, string Detail)> Guard(ImportPlan plan)
        {
            var refused = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            if (WhatIfInEffect) return refused;
            foreach (var scope in plan.Scopes.Where(s => s.HasWrites && s.FeatureOnAfter))
            {
                var text = scope.WorkspaceId.HasValue ? "workspace " + scope.WorkspaceId.Value.ToString(CultureInfo.InvariantCulture) : "the account console";
                var change = scope.Enabling ? "Enabling IP access lists with the imported lists" : "Importing the IP access lists";
                try
                {
                    if (!PassesLockoutGuard(scope.Enabling ? null : scope.Current, scope.Resulting, change, text))
                        refused[scope.Scope] = ("Skipped", $"Not changed: the import of the IP access lists of {text} was declined at the lockout prompt.");
                }
                catch (DbxValidationException ex)
                {
                    WriteError(ErrorRecords.FromValidation(ex));
                    refused[scope.Scope] = ("Failed", ex.Message);
                }
            }
            return refused;
        }

        /// <summary>
        /// Steps that change enforced ingress (a policy's <c>ingress</c>, the account-policy, or a binding to a policy with
        /// other ingress) could lock the caller out of a workspace or the account console. Each goes through the ingress
        /// lockout guard the ingress cmdlets use, before anything is written: the live ingress (as read for the plan) against
        /// the ingress after the import, for you (-CallerIpAddress or the context's address and identity) and the context's
        /// break-glass entries. A step that takes access away asks (default No), is refused in a session that cannot ask
        /// (DbxIngressLockout) unless -Force, and is reported as Skipped. Under -WhatIf the losses are warned, nothing is sent.
        /// </summary>
        private HashSet<ImportStep> IngressGuard(ImportPlan plan, ConfigurationSnapshotData live)
        {
            var refused = new HashSet<ImportStep>();
            var steps = plan.Steps.Where(s => s.ChangesIngress && (s.Action == ImportStepAction.Create || s.Action == ImportStepAction.Update)).ToList();
            if (steps.Count == 0) return refused;
            var livePolicies = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var o in live.Objects.Where(o => o.Type == "NetworkPolicy")) livePolicies[o.Id] = o.Properties["ingress"];
            var after = new Dictionary<string, JsonNode?>(livePolicies, StringComparer.Ordinal);
            foreach (var s in plan.Steps.Where(s => s.Kind == "NetworkPolicy" && (s.Action == ImportStepAction.Create || s.Action == ImportStepAction.Update)))
                after[s.Key] = s.Desired?["ingress"];
            Models.IngressNetworkPolicy? Of(Dictionary<string, JsonNode?> d, string id) =>
                d.TryGetValue(id, out var n) && n != null ? n.Deserialize<Models.IngressNetworkPolicy>(Json.Options) : null;
            var options = new Serverless.IngressGuardOptions { CallerIpAddress = CallerIpAddress, Force = Force };
            foreach (var step in steps)
            {
                var target = Describe(step);
                var change = $"importing {target}";
                List<Serverless.IngressGuardTarget> targets;
                if (step.Kind == "NetworkPolicy")
                    targets = IngressTargetsOfPolicy(step.Key, Of(livePolicies, step.Key), Of(after, step.Key));
                else
                {
                    var ws = step.WorkspaceId!.Value;
                    var from = live.Objects.FirstOrDefault(o => o.Type == "WorkspaceNetworkOption" && o.WorkspaceId == ws) is SnapshotObject b
                        ? b.Properties["network_policy_id"]?.GetValue<string>() ?? Validation.Names.DefaultPolicyId : Validation.Names.DefaultPolicyId;
                    var to = step.Desired?["network_policy_id"]?.GetValue<string>() ?? Validation.Names.DefaultPolicyId;
                    var name = live.Objects.FirstOrDefault(o => o.Type == "Workspace" && o.Id == ws.ToString(CultureInfo.InvariantCulture))?.Name;
                    targets = new List<Serverless.IngressGuardTarget> { Serverless.IngressGuardTarget.ForWorkspace(ws, name, from, Of(livePolicies, from), to, Of(after, to)) };
                }
                if (WhatIfInEffect)
                {
                    var people = Serverless.IngressGuardPeople.From(options, Context ?? DbxSession.DefaultAccount);
                    var losses = Serverless.IngressLockoutGuard.Losses(targets.Where(t => t.Changes).ToList(), people);
                    if (losses.Count > 0)
                        WriteWarning(Validation.Text.Printable(Serverless.IngressLockoutGuard.Describe(change, losses) + " " + Serverless.IngressLockoutGuard.Hint(people)) + " (What if: nothing was sent.)");
                    continue;
                }
                var skipped = Result(step, "Skipped", step.LiveId, null);
                try
                {
                    if (!PassesIngressLockoutGuard(change, targets, options, skipped)) refused.Add(step);
                }
                catch (DbxValidationException ex)
                {
                    // A session that cannot ask: this step is refused, the import goes on with the others.
                    refused.Add(step);
                    WriteError(new ErrorRecord(new InvalidOperationException(ex.Message), ex.ErrorId, ex.Category, skipped)
                    {
                        ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Check the snapshot's rules with Test-DbxIngressAccess (pipe the policy to it), stage them in ingress_dry_run, give -CallerIpAddress or break-glass entries that the rules admit, or rerun with -Force." },
                    });
                }
            }
            return refused;
        }

        /// <summary>Deletions are of high impact: they ask (as Remove-* cmdlets do) unless -Force or -Confirm:$false.</summary>
        private bool ConfirmRemoval(string target)
        {
            if (Force || MyInvocation.BoundParameters.ContainsKey("Confirm")) return true;
            if (GetVariableValue("ConfirmPreference") is ConfirmImpact pref && pref == ConfirmImpact.None) return true;
            return ContinueDespite($"-RemoveExtra deletes {target}, which the snapshot does not have.", "Remove an object the snapshot does not have", false,
                "DbxConfirmationRequired", target, $"Not removed: {target}.");
        }

        private static string Describe(ImportStep s) =>
            $"{s.Kind} '{(string.IsNullOrEmpty(s.Name) ? s.Key : s.Name)}'" + (s.Kind == "PrivateEndpointRule" ? " of " + s.NccKey : "")
            + (s.WorkspaceId.HasValue ? " of workspace " + s.WorkspaceId.Value.ToString(CultureInfo.InvariantCulture) : "");

        private static NetworkConfigurationImportResult Result(ImportStep s, string action, string? id, string? detail) => new NetworkConfigurationImportResult
        {
            Kind = s.Kind, Key = s.Key, Name = s.Name, WorkspaceId = s.WorkspaceId, Action = action, Id = id, Detail = detail,
        };

        // ---- the writes: one typed-client call (or two) per step ---------------------------------------------

        /// <summary>Sends one step; returns the id of the object written.</summary>
        private string? Execute(ImportStep s, DbxClient client, Dictionary<string, string> nccIds)
        {
            var d = s.Desired;
            switch (s.Kind)
            {
                case "AccountIpAccessList":
                case "IpAccessList":
                    var lists = s.Kind == "AccountIpAccessList" ? new IpAccessListsApi(client, true) : new IpAccessListsApi(WorkspaceClient(s.WorkspaceId), false);
                    if (s.Action == ImportStepAction.Remove) { var gone = s.LiveId!; Run(ct => lists.DeleteAsync(gone, ct)); return gone; }
                    string label = Str(d!, "label")!, type = Str(d!, "list_type")!;
                    var enabled = d!["enabled"]?.GetValue<bool>() ?? true;
                    var addresses = (d["ip_addresses"] as JsonArray ?? new JsonArray()).Select(x => x!.GetValue<string>()).ToList();
                    if (s.Action == ImportStepAction.Update) { var id = s.LiveId!; return Run(ct => lists.ReplaceAsync(id, label, type, enabled, addresses, ct)).ListId; }
                    var created = Run(ct => CreateRecovery.RunAsync($"IP access list '{label}'", c => lists.CreateAsync(label, type, addresses, c),
                        async (notBefore, c) => (await lists.ListAsync(c).ConfigureAwait(false)).FirstOrDefault(l => l.Label == label
                            && Validation.Cidr.SameValues(l.IpAddresses, addresses) && (l.CreatedAt ?? long.MaxValue) >= notBefore), ct));
                    if (!enabled) { var newId = created.ListId!; Run(ct => lists.ReplaceAsync(newId, label, type, false, addresses, ct)); }
                    return created.ListId;

                case "AccountIpAccessListFeature":
                    var on = d!["enabled"]!.GetValue<bool>();
                    Run(ct => new AccountSettingsApi(client).SetIpAclEnableAsync(on, ct));
                    return s.Key;
                case "IpAccessListFeature":
                    var value = d!["enabled"]!.GetValue<bool>() ? "true" : "false";
                    var ws = WorkspaceClient(s.WorkspaceId);
                    Run(ct => new WorkspaceConfApi(ws).SetAsync(new Dictionary<string, string> { [WorkspaceConfApi.EnableIpAccessLists] = value }, ct));
                    return s.Key;

                case "NetworkPolicy":
                    var policies = new NetworkPoliciesApi(client);
                    if (s.Action == ImportStepAction.Remove) { var gone = s.LiveId!; Run(ct => policies.DeleteAsync(gone, ct)); return gone; }
                    var policy = d!.Deserialize<NetworkPolicy>(Json.Options)!;
                    policy.NetworkPolicyId = s.Key;
                    if (s.Action == ImportStepAction.Update) return Run(ct => policies.ReplaceAsync(policy, ct)).NetworkPolicyId;
                    return Run(ct => CreateRecovery.RunAsync($"network policy '{s.Key}'", c => policies.CreateAsync(policy, c), async (notBefore, c) =>
                    {
                        try { return await policies.GetAsync(policy.NetworkPolicyId!, c).ConfigureAwait(false); }
                        catch (DbxApiException ex) when (ex.StatusCode == 404) { return null; }
                    }, ct)).NetworkPolicyId;
                case "WorkspaceNetworkOption":
                    var policyId = Str(d!, "network_policy_id")!;
                    var wid = s.WorkspaceId!.Value;
                    Run(ct => new NetworkPoliciesApi(client).SetWorkspaceOptionAsync(wid, policyId, ct));
                    return s.Key;

                case "NetworkConnectivityConfig":
                    var nccApi = new NetworkConnectivityApi(client);
                    if (s.Action == ImportStepAction.Remove) { var gone = s.LiveId!; Run(ct => nccApi.DeleteAsync(gone, ct)); return gone; }
                    string name = Str(d!, "name")!, region = Str(d!, "region")!;
                    var ncc = Run(ct => CreateRecovery.RunAsync($"network connectivity configuration '{name}'", c => nccApi.CreateAsync(name, region, c), async (notBefore, c) =>
                    {
                        string? token = null;
                        do
                        {
                            var page = await nccApi.ListPageAsync(token, c).ConfigureAwait(false);
                            var found = page.Items.FirstOrDefault(n => n.Name == name && n.Region == region);
                            if (found != null) return found;
                            token = page.NextPageToken;
                        } while (token != null);
                        return null;
                    }, ct));
                    nccIds[s.Key] = ncc.NetworkConnectivityConfigId!;
                    return ncc.NetworkConnectivityConfigId;

                case "PrivateEndpointRule":
                    var rules = new NetworkConnectivityApi(client);
                    if (!nccIds.TryGetValue(s.NccKey ?? "", out var nccId))
                        throw new DbxValidationException("DbxImportDependencyFailed", $"Its network connectivity configuration {s.NccKey} was not created, so the rule was not either.", s.Key, ErrorCategory.ObjectNotFound);
                    if (s.Action == ImportStepAction.Remove) { var gone = s.LiveId!; Run(ct => rules.DeleteRuleAsync(nccId, gone, ct)); return gone; }
                    var ruleEnabled = d!["enabled"]?.GetValue<bool>();
                    if (s.Action == ImportStepAction.Update)
                    {
                        var ruleId = s.LiveId!;
                        if (ruleEnabled != false && IsS3Rule(d))
                            return EnableWhenEstablished(rules, nccId, Run(ct => rules.GetRuleAsync(nccId, ruleId, ct)), s);
                        return Run(ct => rules.UpdateRuleAsync(nccId, ruleId, new UpdatePrivateEndpointRuleRequest { Enabled = ruleEnabled ?? true }, "enabled", ct)).RuleId;
                    }
                    var body = new CreatePrivateEndpointRuleRequest { EndpointService = Str(d, "endpoint_service") };
                    var names = (d["resource_names"] ?? d["domain_names"]) as JsonArray ?? new JsonArray();
                    var list = names.Select(x => x!.GetValue<string>()).ToList();
                    if (d["resource_names"] != null) body.ResourceNames = list; else body.DomainNames = list;
                    var wantedNames = new HashSet<string>(list, StringComparer.OrdinalIgnoreCase);
                    var rule = Run(ct => CreateRecovery.RunAsync($"private endpoint rule to {body.EndpointService}", c => rules.CreateRuleAsync(nccId, body, c), async (notBefore, c) =>
                    {
                        string? token = null;
                        do
                        {
                            var page = await rules.ListRulesPageAsync(nccId, token, c).ConfigureAwait(false);
                            var found = page.Items.FirstOrDefault(r => r.EndpointService == body.EndpointService && (r.CreationTime ?? 0) >= notBefore
                                && wantedNames.SetEquals((IEnumerable<string>?)r.ResourceNames ?? r.DomainNames ?? new List<string>()));
                            if (found != null) return found;
                            token = page.NextPageToken;
                        } while (token != null);
                        return null;
                    }, ct));
                    // A new S3 rule starts disabled and its enabled flag can change only once it is ESTABLISHED (the service
                    // refuses before); a source rule that was enabled is enabled after the wait. Other rules have no flag to set.
                    if (rule.Enabled == false && ruleEnabled == true && IsS3Rule(d)) return EnableWhenEstablished(rules, nccId, rule, s);
                    if (rule.Enabled == true && ruleEnabled == false)
                    {
                        var newRule = rule.RuleId!;
                        Run(ct => rules.UpdateRuleAsync(nccId, newRule, new UpdatePrivateEndpointRuleRequest { Enabled = false }, "enabled", ct));
                    }
                    return rule.RuleId;
            }
            throw new InvalidOperationException("No import for " + s.Kind);
        }

        /// <summary>
        /// Enables an S3 private endpoint rule the snapshot has enabled: waits (bounded by -RuleTimeoutSec, with progress, as
        /// New-DbxPrivateEndpointRule -Wait does) for ESTABLISHED with a vpc_endpoint_id, then PATCHes enabled=true. When it
        /// does not get there in time (or the rule failed), a warning names the rule and the command that finishes it later;
        /// the rule itself was imported either way.
        /// </summary>
        private string? EnableWhenEstablished(NetworkConnectivityApi rules, string nccId, PrivateEndpointRule rule, ImportStep s)
        {
            var id = rule.RuleId!;
            if (rule.Enabled == true) return id;
            rule = Serverless.PrivateEndpointRuleWait.WhileSettling(this, op => Run(op), rules, nccId, rule, s3: true, RuleTimeoutSec);
            if (!Serverless.PrivateEndpointRuleWait.IsEstablished(rule))
            {
                WriteWarning($"{Describe(s)}: private endpoint rule {id} is {rule.ConnectionState}{(string.IsNullOrEmpty(rule.VpcEndpointId) ? " without a vpc_endpoint_id" : "")}"
                    + (Serverless.PrivateEndpointRuleWait.Settling(rule, true) ? $" after {RuleTimeoutSec} s" : "")
                    + ", so it was left disabled (the service enables an S3 rule only once it is ESTABLISHED). When it is, enable it with: "
                    + $"Update-DbxPrivateEndpointRule -NetworkConnectivityConfigId {nccId} -RuleId {id} -Enabled $true");
                return id;
            }
            return Run(ct => rules.UpdateRuleAsync(nccId, id, new UpdatePrivateEndpointRuleRequest { Enabled = true }, "enabled", ct)).RuleId;
        }

        /// <summary>An S3 rule (resource_names, endpoint service com.amazonaws.&lt;region&gt;.s3): the only kind whose enabled flag the service honours.</summary>
        private static bool IsS3Rule(JsonObject desired) =>
            desired["resource_names"] != null || (Str(desired, "endpoint_service")?.EndsWith(".s3", StringComparison.Ordinal) ?? false);

        private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }
}
