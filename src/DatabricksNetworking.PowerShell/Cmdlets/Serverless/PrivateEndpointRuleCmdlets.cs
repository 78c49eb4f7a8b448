using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>
    /// <para type="synopsis">Gets the private endpoint rules of a network connectivity configuration.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxPrivateEndpointRule", HelpUri = DbxCmdlet.HelpBase + "Get-DbxPrivateEndpointRule.md")]
    [OutputType(typeof(PrivateEndpointRule))]
    public sealed class GetDbxPrivateEndpointRuleCommand : DbxCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("network_connectivity_config_id")]
        [ArgumentCompleter(typeof(NetworkConnectivityConfigIdCompleter))]
        [DbxId(DbxIdKind.NetworkConnectivityConfig)]
        public string NetworkConnectivityConfigId { get; set; } = "";

        /// <summary>Rule ids; all rules of the NCC when not given.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("rule_id")]
        [ArgumentCompleter(typeof(PrivateEndpointRuleIdCompleter))]
        [DbxId(DbxIdKind.PrivateEndpointRule)]
        public string[]? RuleId { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = NetworkConnectivityConfigId;
            ServerlessChecks.NotEmpty(NetworkConnectivityConfigId, "NetworkConnectivityConfigId");
            var api = new NetworkConnectivityApi(AccountClient);
            if (RuleId != null && RuleId.Length > 0)
            {
                foreach (var id in RuleId)
                {
                    CurrentTarget = id;
                    try { WriteObject(WithNccName(api, Run(ct => api.GetRuleAsync(NetworkConnectivityConfigId, id, ct)), NetworkConnectivityConfigId)); }
                    catch (DbxApiException ex) { WriteApiError(ex, id); }
                }
                return;
            }
            foreach (var rule in RunPaged<PrivateEndpointRule>((token, ct) => api.ListRulesPageAsync(NetworkConnectivityConfigId, token, ct)))
                WriteObject(WithNccName(api, rule, NetworkConnectivityConfigId));
        }
    }

    /// <summary>
    /// <para type="synopsis">Creates a private endpoint rule: serverless compute reaches S3 buckets, or a service in your VPC, over AWS PrivateLink.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxPrivateEndpointRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = EndpointServiceSet, HelpUri = DbxCmdlet.HelpBase + "New-DbxPrivateEndpointRule.md")]
    [OutputType(typeof(PrivateEndpointRule))]
    public sealed class NewDbxPrivateEndpointRuleCommand : DbxCmdlet
    {
        private const string S3Set = "S3";
        private const string EndpointServiceSet = "EndpointService";
        internal static readonly string[] FailedStates = { "CREATE_FAILED", "REJECTED", "DISCONNECTED", "EXPIRED" };

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("network_connectivity_config_id")]
        [ArgumentCompleter(typeof(NetworkConnectivityConfigIdCompleter))]
        [DbxId(DbxIdKind.NetworkConnectivityConfig)]
        public string NetworkConnectivityConfigId { get; set; } = "";

        /// <summary>S3 buckets in the NCC's region (sent as resource_names to the region's S3 endpoint service).</summary>
        [Parameter(Mandatory = true, ParameterSetName = S3Set)]
        [Alias("resource_names")]
        public string[] S3BucketName { get; set; } = new string[0];

        /// <summary>com.amazonaws.vpce.&lt;region&gt;.vpce-svc-… of the customer's endpoint service (NLB-backed), in the NCC's region.
        /// Binds by property name, so services from Get-DbxAwsEndpointService / New-DbxAwsEndpointService pipe in.</summary>
        [Parameter(Mandatory = true, ParameterSetName = EndpointServiceSet, ValueFromPipelineByPropertyName = true)]
        [Alias("endpoint_service")]
        public string EndpointService { get; set; } = "";

        /// <summary>Up to 10 fully qualified domain names that resolve to the endpoint for serverless compute.</summary>
        [Parameter(Mandatory = true, ParameterSetName = EndpointServiceSet)]
        [Alias("domain_names")]
        public string[] DomainName { get; set; } = new string[0];

        /// <summary>S3 rules only, with -Wait: once the rule is ESTABLISHED with its vpc_endpoint_id, sets enabled to this value
        /// (the service ignores enabled until then).</summary>
        [Parameter(ParameterSetName = S3Set)]
        public bool? Enabled { get; set; }

        /// <summary>Waits until the rule leaves CREATING (S3 rules: until ESTABLISHED with a vpc_endpoint_id); fails on CREATE_FAILED, REJECTED, DISCONNECTED or EXPIRED.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>How long -Wait waits, in seconds (default 600).</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 600;

        protected override void ProcessRecordCore()
        {
            CurrentTarget = NetworkConnectivityConfigId;
            ServerlessChecks.NotEmpty(NetworkConnectivityConfigId, "NetworkConnectivityConfigId");
            var body = new CreatePrivateEndpointRuleRequest();
            string? serviceRegion = null;
            if (ParameterSetName == S3Set)
            {
                body.ResourceNames = ServerlessChecks.Buckets(S3BucketName, nameof(S3BucketName));
                if (Enabled.HasValue && !Wait)
                    throw new DbxValidationException("DbxEnabledNeedsWait",
                        "-Enabled needs -Wait: new S3 rules start disabled and the service refuses to change enabled until the rule is ESTABLISHED, so it is applied after the wait.", Enabled);
            }
            else
            {
                serviceRegion = Names.EndpointServiceRegion(EndpointService);
                if (serviceRegion == null)
                    throw new DbxValidationException("DbxInvalidEndpointService",
                        $"-EndpointService '{EndpointService}' is not an endpoint service name: expected com.amazonaws.vpce.<region>.vpce-svc-<17 (or 8) hex digits>.", EndpointService);
                body.EndpointService = EndpointService;
                body.DomainNames = ServerlessChecks.Domains(DomainName, nameof(DomainName));
                ServerlessChecks.DomainCount(body.DomainNames.Count, DomainName);
            }

            var api = new NetworkConnectivityApi(AccountClient);
            var ncc = Run(ct => api.GetAsync(NetworkConnectivityConfigId, ct));
            if (ParameterSetName == S3Set) body.EndpointService = Names.S3EndpointService(ncc.Region ?? "");
            else if (!string.Equals(serviceRegion, ncc.Region, StringComparison.Ordinal))
                throw new DbxValidationException("DbxInvalidEndpointService",
                    $"The endpoint service is in {serviceRegion} but the network connectivity configuration '{ncc.Name}' is in {ncc.Region}; PrivateLink connects within one region.", EndpointService);

            var what = ParameterSetName == S3Set ? "S3 " + string.Join(", ", body.ResourceNames!) : EndpointService + " (" + string.Join(", ", body.DomainNames!) + ")";
            if (!ShouldProcess($"{ncc.Name} ({NetworkConnectivityConfigId})", "Create private endpoint rule to " + what)) return;
            var nccId = NetworkConnectivityConfigId;
            var rule = CreateOnce<PrivateEndpointRule>($"private endpoint rule to {what}", ct => api.CreateRuleAsync(nccId, body, ct), async (notBefore, ct) =>
            {
                static bool Same(List<string>? a, List<string>? b) => new HashSet<string>(a ?? new List<string>(), StringComparer.OrdinalIgnoreCase).SetEquals(b ?? new List<string>());
                PrivateEndpointRule? best = null;
                string? token = null;
                do
                {
                    var page = await api.ListRulesPageAsync(nccId, token, ct).ConfigureAwait(false);
                    foreach (var r in page.Items)
                        if (r.EndpointService == body.EndpointService && Same(r.DomainNames, body.DomainNames) && Same(r.ResourceNames, body.ResourceNames)
                            && r.Deactivated != true && (r.CreationTime ?? long.MaxValue) >= notBefore && (best == null || (r.CreationTime ?? 0) > (best.CreationTime ?? 0)))
                            best = r;
                    token = page.NextPageToken;
                } while (token != null);
                return best;
            });
            if (Wait) rule = WaitWhileCreating(api, rule);
            if (rule == null) return;
            if (FailedStates.Contains(rule.ConnectionState ?? "", StringComparer.OrdinalIgnoreCase))
            {
                WriteError(new ErrorRecord(new InvalidOperationException(
                        $"Private endpoint rule {rule.RuleId} ended in {rule.ConnectionState}: {rule.ErrorMessage ?? "no error message"}. Delete it with Remove-DbxPrivateEndpointRule and check the endpoint service."),
                    "DbxPrivateEndpointRule" + Pascal(rule.ConnectionState!), ErrorCategory.InvalidResult, rule));
                return;
            }
            if (Enabled.HasValue && rule.Enabled != Enabled.Value)
            {
                var ruleId = rule.RuleId!;
                var update = new UpdatePrivateEndpointRuleRequest { Enabled = Enabled.Value };
                try { rule = Run(ct => api.UpdateRuleAsync(nccId, ruleId, update, "enabled", ct)); }
                catch (DbxApiException ex) { WriteApiError(ex, rule); return; }
            }
            KnowNccName(nccId, ncc.Name);
            WriteObject(WithNccName(api, rule, nccId));
        }

        private PrivateEndpointRule? WaitWhileCreating(NetworkConnectivityApi api, PrivateEndpointRule rule)
        {
            rule = PrivateEndpointRuleWait.WhileSettling(this, op => Run(op), api, NetworkConnectivityConfigId, rule, ParameterSetName == S3Set, TimeoutSec);
            if (!PrivateEndpointRuleWait.Settling(rule, ParameterSetName == S3Set)) return rule;
            WriteError(new ErrorRecord(new TimeoutException($"Private endpoint rule {rule.RuleId} was still {rule.ConnectionState}{(string.IsNullOrEmpty(rule.VpcEndpointId) ? " without a vpc_endpoint_id" : "")} after {TimeoutSec} s. It may still finish: check it with Get-DbxPrivateEndpointRule."),
                "DbxPrivateEndpointRuleTimeout", ErrorCategory.OperationTimeout, rule));
            return null;
        }

        private static string Pascal(string state) =>
            string.Concat(state.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1).ToLowerInvariant()));
    }

    /// <summary>
    /// <para type="synopsis">Changes a private endpoint rule (PATCH with update_mask): its domain names, its S3 buckets, or whether an S3 rule is enabled.</para>
    /// </summary>
    [Cmdlet(VerbsData.Update, "DbxPrivateEndpointRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Update-DbxPrivateEndpointRule.md")]
    [OutputType(typeof(PrivateEndpointRule))]
    public sealed class UpdateDbxPrivateEndpointRuleCommand : PrivateEndpointRuleCmdlet
    {
        /// <summary>The new full list of domain names (rules to a customer endpoint service; at most 10).</summary>
        [Parameter]
        public string[]? DomainName { get; set; }

        /// <summary>The new full list of S3 buckets (S3 rules).</summary>
        [Parameter]
        public string[]? S3BucketName { get; set; }

        /// <summary>Enables or disables an S3 rule.</summary>
        [Parameter]
        public bool? Enabled { get; set; }

        /// <summary>Writes the updated rule.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecordCore()
        {
            CheckIds();
            var body = new UpdatePrivateEndpointRuleRequest();
            var mask = new List<string>();
            if (DomainName != null && S3BucketName != null)
                throw new DbxValidationException("DbxInvalidPrivateEndpointRuleUpdate", "A rule names either domain names (endpoint service) or S3 buckets, not both: give -DomainName or -S3BucketName.", RuleId);
            if (DomainName != null)
            {
                body.DomainNames = ServerlessChecks.Domains(DomainName, nameof(DomainName));
                if (body.DomainNames.Count == 0) throw new DbxValidationException("DbxInvalidDomainCount", "-DomainName needs at least one domain name.", RuleId);
                ServerlessChecks.DomainCount(body.DomainNames.Count, DomainName);
                mask.Add("domain_names");
            }
            if (S3BucketName != null)
            {
                body.ResourceNames = ServerlessChecks.Buckets(S3BucketName, nameof(S3BucketName));
                if (body.ResourceNames.Count == 0) throw new DbxValidationException("DbxInvalidS3BucketName", "-S3BucketName needs at least one bucket.", RuleId);
                mask.Add("resource_names");
            }
            if (Enabled.HasValue) { body.Enabled = Enabled.Value; mask.Add("enabled"); }
            if (mask.Count == 0)
                throw new DbxValidationException("DbxInvalidPrivateEndpointRuleUpdate", "Nothing to change: give -DomainName, -S3BucketName or -Enabled.", RuleId);

            if (!ShouldProcess($"{RuleId} of {NetworkConnectivityConfigId}", "Update private endpoint rule (" + string.Join(", ", mask) + ")")) return;
            var api = new NetworkConnectivityApi(AccountClient);
            var rule = Run(ct => api.UpdateRuleAsync(NetworkConnectivityConfigId, RuleId, body, string.Join(",", mask), ct));
            if (PassThru) WriteObject(WithNccName(api, rule, NetworkConnectivityConfigId));
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes a private endpoint rule: PENDING and EXPIRED rules go at once, others are deactivated and removed after a day.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxPrivateEndpointRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxPrivateEndpointRule.md")]
    [OutputType(typeof(PrivateEndpointRule))]
    public sealed class RemoveDbxPrivateEndpointRuleCommand : PrivateEndpointRuleCmdlet
    {
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes the rule as the service returned it (deactivated, or as it was when removed at once).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecordCore()
        {
            CheckIds();
            if (!ShouldChange(Force, $"{RuleId} of {NetworkConnectivityConfigId}", "Delete private endpoint rule")) return;
            var api = new NetworkConnectivityApi(AccountClient);
            var rule = Run(ct => api.DeleteRuleAsync(NetworkConnectivityConfigId, RuleId, ct));
            WriteVerbose(rule.Deactivated == true
                ? $"Private endpoint rule {RuleId} was {rule.ConnectionState}: it is deactivated now and the service removes it after one day."
                : $"Private endpoint rule {RuleId} was {rule.ConnectionState}: it is removed.");
            if (PassThru) WriteObject(WithNccName(api, rule, NetworkConnectivityConfigId));
        }
    }

    /// <summary>
    /// Waiting for a new private endpoint rule to settle, shared by New-DbxPrivateEndpointRule -Wait and
    /// Import-DbxNetworkConfiguration (which enables S3 rules only once they are ESTABLISHED): polls once a second with a
    /// progress bar until the rule leaves CREATING (S3 rules: until ESTABLISHED with a vpc_endpoint_id, which enabling
    /// and bucket policies need), it fails, or the time is up.
    /// </summary>
    internal static class PrivateEndpointRuleWait
    {
        /// <summary>Still settling: CREATING, or (S3 rules) not yet ESTABLISHED with a vpc_endpoint_id and not failed.</summary>
        internal static bool Settling(PrivateEndpointRule rule, bool s3)
        {
            if (string.Equals(rule.ConnectionState, "CREATING", StringComparison.OrdinalIgnoreCase)) return true;
            return s3 && !NewDbxPrivateEndpointRuleCommand.FailedStates.Contains(rule.ConnectionState ?? "", StringComparer.OrdinalIgnoreCase)
                && !IsEstablished(rule);
        }

        internal static bool IsEstablished(PrivateEndpointRule rule) =>
            string.Equals(rule.ConnectionState, "ESTABLISHED", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(rule.VpcEndpointId);

        /// <summary>Returns the rule as last read: still <see cref="Settling"/> when the time ran out.</summary>
        /// <param name="run">The cmdlet's Run (the async call on a worker thread, Ctrl+C cancels).</param>
        internal static PrivateEndpointRule WhileSettling(Cmdlet cmdlet, Func<Func<System.Threading.CancellationToken, Task<PrivateEndpointRule>>, PrivateEndpointRule> run,
            NetworkConnectivityApi api, string nccId, PrivateEndpointRule rule, bool s3, int timeoutSec)
        {
            var started = DateTime.UtcNow;
            var deadline = started.AddSeconds(timeoutSec);
            var progress = new ProgressRecord(1, "Waiting for private endpoint rule " + rule.RuleId, rule.ConnectionState ?? "CREATING");
            try
            {
                while (Settling(rule, s3))
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) return rule;
                    progress.StatusDescription = $"{rule.ConnectionState} for {(int)(DateTime.UtcNow - started).TotalSeconds} s";
                    cmdlet.WriteProgress(progress);
                    var delay = left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
                    var id = rule.RuleId!;
                    rule = run(async ct =>
                    {
                        await Task.Delay(delay, ct).ConfigureAwait(false);
                        return await api.GetRuleAsync(nccId, id, ct).ConfigureAwait(false);
                    });
                    cmdlet.WriteVerbose($"Private endpoint rule {id}: {rule.ConnectionState}");
                }
                return rule;
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                cmdlet.WriteProgress(progress);
            }
        }
    }

    /// <summary>One rule of one NCC, bound from the pipeline by NetworkConnectivityConfigId and RuleId.</summary>
    public abstract class PrivateEndpointRuleCmdlet : DbxCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("network_connectivity_config_id")]
        [ArgumentCompleter(typeof(NetworkConnectivityConfigIdCompleter))]
        [DbxId(DbxIdKind.NetworkConnectivityConfig)]
        public string NetworkConnectivityConfigId { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("rule_id")]
        [ArgumentCompleter(typeof(PrivateEndpointRuleIdCompleter))]
        [DbxId(DbxIdKind.PrivateEndpointRule)]
        public string RuleId { get; set; } = "";

        protected void CheckIds()
        {
            CurrentTarget = RuleId;
            ServerlessChecks.NotEmpty(NetworkConnectivityConfigId, "NetworkConnectivityConfigId");
            ServerlessChecks.NotEmpty(RuleId, "RuleId");
        }
    }
}

namespace DatabricksNetworking.Cmdlets
{
    using DatabricksNetworking.Client.Api;
    using DatabricksNetworking.Models;

    /// <summary>The NCC name every cmdlet that writes a private endpoint rule fills in (Get-, New-, Update- -PassThru, Remove- -PassThru).</summary>
    public abstract partial class DbxCmdlet
    {
        private readonly Dictionary<string, string?> nccNames = new Dictionary<string, string?>(StringComparer.Ordinal);

        /// <summary>Records an NCC name already read by the cmdlet, so <see cref="WithNccName"/> sends no second read.</summary>
        protected void KnowNccName(string nccId, string? name) => nccNames[nccId] = name;

        /// <summary>
        /// The rule with <c>NetworkConnectivityConfigName</c> filled in: one read of each NCC per call (cached for the
        /// rest of it); a failed read leaves the name empty with a verbose line (it is for display only).
        /// </summary>
        protected PrivateEndpointRule WithNccName(NetworkConnectivityApi api, PrivateEndpointRule rule, string nccIdGiven)
        {
            var nccId = string.IsNullOrEmpty(rule.NetworkConnectivityConfigId) ? nccIdGiven : rule.NetworkConnectivityConfigId!;
            if (!nccNames.TryGetValue(nccId, out var name))
            {
                try { name = Run(ct => api.GetAsync(nccId, ct)).Name; }
                catch (DbxApiException ex) { WriteVerbose($"The name of network connectivity configuration {nccId} could not be read ({Validation.Text.Printable(ex.ErrorCode ?? "HTTP " + ex.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture))}); rules show its id only."); }
                nccNames[nccId] = name;
            }
            rule.NetworkConnectivityConfigName = name;
            return rule;
        }
    }
}
