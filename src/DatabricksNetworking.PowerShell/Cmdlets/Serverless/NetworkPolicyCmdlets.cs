using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>Builds and edits the egress part of a network policy from cmdlet parameters, with the local checks.</summary>
    internal static class NetworkPolicyEdit
    {
        public static NetworkAccessPolicy Access(NetworkPolicy policy)
        {
            policy.Egress ??= new NetworkPolicyEgress();
            return policy.Egress.NetworkAccess ??= new NetworkAccessPolicy { RestrictionMode = "FULL_ACCESS" };
        }

        public static List<InternetDestination> DomainDestinations(IEnumerable<string> domains, string parameter) =>
            ServerlessChecks.Domains(domains, parameter).Select(d => new InternetDestination { Destination = d, InternetDestinationType = NetworkPolicyWire.DnsName }).ToList();

        /// <summary>
        /// S3 buckets from 'bucket@region' strings or objects with BucketName/Region (or bucket_name/region) properties.
        /// With <paramref name="regionOptional"/> a bare 'bucket' is allowed (Region left null), for removals.
        /// </summary>
        public static List<StorageDestination> Buckets(IEnumerable<object> values, string parameter, bool regionOptional = false)
        {
            var list = new List<StorageDestination>();
            foreach (var raw in values)
            {
                var v = raw is PSObject pso ? pso.BaseObject : raw;
                string? bucket, region;
                if (v is string s)
                {
                    var at = s.LastIndexOf('@');
                    bucket = at < 0 ? s : s.Substring(0, at);
                    region = at < 0 ? null : s.Substring(at + 1);
                }
                else if (v is StorageDestination sd) { bucket = sd.BucketName; region = sd.Region; }
                else
                {
                    bucket = Property(raw, "BucketName", "bucket_name", "Bucket", "Name");
                    region = Property(raw, "Region", "region");
                }
                var problem = S3.BucketProblem(bucket);
                if (problem != null)
                    throw new DbxValidationException("DbxInvalidS3BucketName", $"-{parameter} '{bucket ?? Convert.ToString(raw)}' is not a valid S3 bucket name: {problem}. Give 'bucket@region' or an object with BucketName and Region.", raw);
                if (region == null && !regionOptional)
                    throw new DbxValidationException("DbxInvalidRegion", $"-{parameter} '{bucket}' needs its region: give 'bucket@region' (e.g. '{bucket}@us-east-1') or an object with BucketName and Region.", raw);
                if (region != null && !Regions.IsSupported(region))
                    throw new DbxValidationException("DbxInvalidRegion", $"-{parameter} '{bucket}': " + Regions.Describe(region), raw);
                if (!list.Any(d => Same(d, bucket!, region)))
                    list.Add(new StorageDestination { BucketName = bucket, Region = region, StorageDestinationType = NetworkPolicyWire.AwsS3 });
            }
            return list;
        }

        public static bool Same(StorageDestination d, string bucket, string? region) =>
            d.StorageDestinationType == NetworkPolicyWire.AwsS3 && string.Equals(d.BucketName, bucket, StringComparison.Ordinal)
            && (region == null || string.Equals(d.Region, region, StringComparison.Ordinal));

        internal static string? Property(object o, params string[] names)
        {
            if (o is IDictionary dict)
            {
                foreach (var n in names)
                    foreach (DictionaryEntry e in dict)
                        if (string.Equals(Convert.ToString(e.Key), n, StringComparison.OrdinalIgnoreCase)) return Convert.ToString(e.Value);
                return null;
            }
            var ps = PSObject.AsPSObject(o);
            foreach (var n in names)
            {
                var p = ps.Properties[n];
                if (p?.Value != null) return Convert.ToString(p.Value);
            }
            return null;
        }

        /// <summary>The 2000-destination limit and the dry-run product filter rule, checked on the policy about to be sent.</summary>
        public static void Check(NetworkPolicy policy)
        {
            if (policy.DestinationCount > ServerlessChecks.MaxPolicyDestinations)
                throw new DbxValidationException("DbxInvalidDestinationCount",
                    $"A network policy holds at most {ServerlessChecks.MaxPolicyDestinations} destinations (allowed and blocked domains, storage, Databricks workspaces; Unity Catalog locations included); this one would have {policy.DestinationCount}.", policy.NetworkPolicyId);
            var enforcement = Access(policy).PolicyEnforcement;
            if (enforcement?.DryRunModeProductFilter?.Count > 0 && enforcement.EnforcementMode != "DRY_RUN")
                throw new DbxValidationException("DbxInvalidDryRunProduct",
                    "-DryRunProduct limits a dry run to some products: use it with -EnforcementMode DryRun.", policy.NetworkPolicyId);
        }

        /// <summary>Applies the bound parameters of New-/Set-DbxNetworkPolicy; parameters not bound keep the policy's value.</summary>
        public static void Apply(NetworkPolicy policy, IDictionary<string, object> bound, NetworkRestrictionMode? mode, string[]? allowed, string[]? blocked,
            object[]? buckets, NetworkPolicyEnforcementMode? enforcement, NetworkPolicyProduct[]? products)
        {
            var access = Access(policy);
            if (mode.HasValue) access.RestrictionMode = NetworkPolicyWire.ToWire(mode.Value);
            if (bound.ContainsKey("AllowedDomain")) access.AllowedInternetDestinations = DomainDestinations(allowed ?? new string[0], "AllowedDomain").ToDbxList();
            if (bound.ContainsKey("BlockedDomain")) access.BlockedInternetDestinations = DomainDestinations(blocked ?? new string[0], "BlockedDomain").ToDbxList();
            if (bound.TryGetValue("AllowedWorkspaceId", out var workspaces))
            {
                var ids = ((long[]?)workspaces ?? new long[0]).Distinct().ToList();
                access.AllowedDatabricksDestinations = ids.Count == 0 ? null : new DbxList<DatabricksDestination> { new DatabricksDestination { WorkspaceIds = ids.ToDbxList() } };
            }
            if (bound.ContainsKey("AllowedS3Bucket"))
            {
                var others = (access.AllowedStorageDestinations ?? new List<StorageDestination>()).Where(d => d.StorageDestinationType != NetworkPolicyWire.AwsS3);
                access.AllowedStorageDestinations = others.Concat(Buckets(buckets ?? new object[0], "AllowedS3Bucket")).ToDbxList();
            }
            if (enforcement.HasValue || products != null)
            {
                var pe = access.PolicyEnforcement ??= new PolicyEnforcement { EnforcementMode = "ENFORCED" };
                if (enforcement.HasValue)
                {
                    pe.EnforcementMode = NetworkPolicyWire.ToWire(enforcement.Value);
                    if (enforcement.Value == NetworkPolicyEnforcementMode.Enforced && products == null) pe.DryRunModeProductFilter = null;
                }
                if (products != null) pe.DryRunModeProductFilter = products.Length == 0 ? null : products.Distinct().Select(NetworkPolicyWire.ToWire).ToDbxList();
            }
            Check(policy);
        }

        public static void WarnIfAllowListsIdle(Cmdlet cmdlet, NetworkPolicy policy)
        {
            if (policy.RestrictionMode == "FULL_ACCESS" && (policy.AllowedDomains.Length > 0 || policy.AllowedS3Buckets.Length > 0 || policy.AllowedWorkspaceIds.Length > 0))
                cmdlet.WriteWarning($"Network policy '{policy.NetworkPolicyId}' is FullAccess: its allowed destinations take effect only with -RestrictionMode RestrictedAccess.");
        }
    }

    /// <summary>
    /// <para type="synopsis">Gets the account's network policies (serverless egress control): by id (wildcards allowed) or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxNetworkPolicy", HelpUri = DbxCmdlet.HelpBase + "Get-DbxNetworkPolicy.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class GetDbxNetworkPolicyCommand : DbxCmdlet
    {
        /// <summary>Policy ids; wildcards allowed. Workspace network options piped in bind by NetworkPolicyId.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("network_policy_id")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NetworkPolicyIdCompleter))]
        [DbxId(DbxIdKind.NetworkPolicy, AllowWildcards = true)]
        public string[]? NetworkPolicyId { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new NetworkPoliciesApi(AccountClient);
            var exact = NetworkPolicyId?.Where(i => !WildcardPattern.ContainsWildcardCharacters(i)).ToArray() ?? new string[0];
            var patterns = NetworkPolicyId?.Where(WildcardPattern.ContainsWildcardCharacters).Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToArray();
            foreach (var id in exact)
            {
                CurrentTarget = id;
                try { WriteObject(Run(ct => api.GetAsync(id, ct))); }
                catch (DbxApiException ex) { WriteApiError(ex, id); }
            }
            if (NetworkPolicyId != null && patterns!.Length == 0) return;
            foreach (var policy in RunPaged<NetworkPolicy>((token, ct) => api.ListPageAsync(token, ct)))
                if (patterns == null || patterns.Any(p => p.IsMatch(policy.NetworkPolicyId ?? ""))) WriteObject(policy);
        }
    }

    /// <summary>Parameters New- and Set-DbxNetworkPolicy share.</summary>
    public abstract class NetworkPolicyChangeCmdlet : DbxCmdlet
    {
        /// <summary>FullAccess (no blocking) or RestrictedAccess (only allowed destinations and Unity Catalog locations).</summary>
        [Parameter]
        public NetworkRestrictionMode? RestrictionMode { get; set; }

        /// <summary>Fully qualified domain names serverless compute may reach (RestrictedAccess).</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? AllowedDomain { get; set; }

        /// <summary>Fully qualified domain names that are blocked.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? BlockedDomain { get; set; }

        /// <summary>S3 buckets serverless compute may reach: 'bucket@region' strings or objects with BucketName and Region.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public object[]? AllowedS3Bucket { get; set; }

        /// <summary>Databricks workspaces serverless compute may reach (RestrictedAccess); they replace the current ones. @() removes all.</summary>
        [Parameter]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long[]? AllowedWorkspaceId { get; set; }

        /// <summary>Enforced blocks; DryRun only logs what would be blocked.</summary>
        [Parameter]
        public NetworkPolicyEnforcementMode? EnforcementMode { get; set; }

        /// <summary>With DryRun: the products in dry run (the others are enforced); none = all products in dry run.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public NetworkPolicyProduct[]? DryRunProduct { get; set; }

        /// <summary>Public ingress: FullAccess (allowed unless a deny rule matches) or RestrictedAccess (only what an allow rule matches).</summary>
        [Parameter]
        public NetworkRestrictionMode? PublicAccessRestrictionMode { get; set; }

        /// <summary>The public ingress rules (from New-DbxIngressRule); they replace the current ones. @() removes all.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public IngressRule[]? IngressRule { get; set; }

        /// <summary>-PublicAccessRestrictionMode and -IngressRule go to ingress_dry_run: they only log what they would decide.</summary>
        [Parameter]
        public SwitchParameter IngressDryRun { get; set; }

        /// <summary>True when the cmdlet gives other ingress parts (Set-: private and cross-workspace access) that -IngressDryRun also directs.</summary>
        protected virtual bool MoreIngress => false;

        protected void ApplyParameters(NetworkPolicy policy, bool quiet = false)
        {
            NetworkPolicyEdit.Apply(policy, MyInvocation.BoundParameters, RestrictionMode, AllowedDomain, BlockedDomain, AllowedS3Bucket, EnforcementMode, DryRunProduct);
            if (IngressDryRun && PublicAccessRestrictionMode == null && IngressRule == null && !MoreIngress)
                throw new DbxValidationException("DbxInvalidNetworkPolicyChange", "-IngressDryRun says where -PublicAccessRestrictionMode and -IngressRule go: give at least one of them.", policy.NetworkPolicyId);
            IngressRules.Apply(policy, PublicAccessRestrictionMode, IngressRule, IngressDryRun, quiet ? (Action<string>)(_ => { }) : WriteWarning);
        }
    }

    /// <summary>
    /// <para type="synopsis">Creates a network policy from parameters: restriction mode, allowed and blocked domains, allowed S3 buckets, enforcement.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxNetworkPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxNetworkPolicy.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class NewDbxNetworkPolicyCommand : NetworkPolicyChangeCmdlet
    {
        /// <summary>The caller-chosen id: 1–32 of letters, digits, '_', '.', '-'.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("network_policy_id")]
        [DbxId(DbxIdKind.NetworkPolicy)]
        public string NetworkPolicyId { get; set; } = "";

        protected override void ProcessRecordCore()
        {
            CurrentTarget = NetworkPolicyId;
            ServerlessChecks.PolicyId(NetworkPolicyId);
            if (!RestrictionMode.HasValue)
                throw new DbxValidationException("DbxInvalidRestrictionMode", "-RestrictionMode is required for a new policy: FullAccess or RestrictedAccess.", NetworkPolicyId);
            var policy = new NetworkPolicy { NetworkPolicyId = NetworkPolicyId };
            ApplyParameters(policy);
            var access = NetworkPolicyEdit.Access(policy);
            access.PolicyEnforcement ??= new PolicyEnforcement { EnforcementMode = "ENFORCED" };
            NetworkPolicyEdit.WarnIfAllowListsIdle(this, policy);
            if (!ShouldProcess(NetworkPolicyId, $"Create network policy ({policy.RestrictionMode}, {policy.EnforcementMode}, {policy.DestinationCount} destinations, {policy.IngressSummary})")) return;
            var api = new NetworkPoliciesApi(AccountClient);
            // The id is the caller's: after a lost answer, the policy with this id is the one just created.
            WriteObject(CreateOnce($"network policy '{NetworkPolicyId}'", ct => api.CreateAsync(policy, ct), async (notBefore, ct) =>
            {
                try { return await api.GetAsync(policy.NetworkPolicyId!, ct).ConfigureAwait(false); }
                catch (DbxApiException ex) when (ex.StatusCode == 404) { return null; }
            }));
        }
    }

    /// <summary>
    /// <para type="synopsis">Replaces a network policy (PUT); parameters not given keep their current value.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DbxNetworkPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Set-DbxNetworkPolicy.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class SetDbxNetworkPolicyCommand : NetworkPolicyChangeCmdlet, IIngressGuarded, IIngressPrivateAccess
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("network_policy_id")]
        [ArgumentCompleter(typeof(NetworkPolicyIdCompleter))]
        [DbxId(DbxIdKind.NetworkPolicy)]
        public string NetworkPolicyId { get; set; } = "";

        /// <summary>Writes the policy as stored after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        // The private-access part: IIngressPrivateAccess (the same declaration as Set-DbxAccountIngressPolicy's), read only
        // through IngressPrivateAccessOptions.Of.
        /// <summary>Private access (requests over registered endpoints): AllRegisteredEndpoints (ALLOW_ALL_REGISTERED_ENDPOINTS) or Restricted (RESTRICTED_ACCESS: only -AllowedEndpointId).</summary>
        [Parameter]
        public IngressPrivateAccessMode? PrivateAccess { get; set; }

        /// <summary>Registered endpoint ids (Get-DbxNetworkEndpoint) private access lets in; implies -PrivateAccess Restricted. @() removes them.</summary>
        [Parameter]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(NetworkEndpointIdCompleter))]
        [DbxId(DbxIdKind.NetworkEndpoint)]
        public string[]? AllowedEndpointId { get; set; }

        /// <summary>Access from other workspaces (cross_workspace_access.restriction_mode): FullAccess, RestrictedAccess or LegacyMode.</summary>
        [Parameter]
        public IngressCrossWorkspaceMode? CrossWorkspaceAccess { get; set; }

        // The ingress lockout guard's parameters: IIngressGuarded (the names and types of IngressGuardedCmdlet's; this cmdlet
        // shares New-'s base class instead), read only through IngressGuardOptions.Of.
        /// <summary>Your own public IPv4 address, for the ingress lockout guard; default: the context's (given, learned, or looked up).</summary>
        [Parameter] public string? CallerIpAddress { get; set; }
        /// <summary>Your own principal ('user:&lt;id&gt;' or 'servicePrincipal:&lt;id&gt;'), for the guard; default: the context's CallerIdentity.</summary>
        [Parameter] public string? CallerIdentity { get; set; }
        /// <summary>Public addresses that must keep reaching the workspace UI and API; default: the context's.</summary>
        [Parameter] public string[]? BreakGlassIpAddress { get; set; }
        /// <summary>Principals that must keep getting in; default: the context's BreakGlassIdentity.</summary>
        [Parameter] public string[]? BreakGlassIdentity { get; set; }
        /// <summary>Skip the confirmation prompts, including the lockout guard's (which then only warns); never -WhatIf.</summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override bool MoreIngress => IngressPrivateAccessOptions.Of(this).Given || CrossWorkspaceAccess.HasValue;

        private static readonly string[] ChangeParameters = new[] { "RestrictionMode", "AllowedDomain", "BlockedDomain", "AllowedS3Bucket", "AllowedWorkspaceId", "EnforcementMode", "DryRunProduct", "PublicAccessRestrictionMode", "IngressRule" }
            .Concat(IngressPrivateAccessOptions.ParameterNames).Concat(new[] { "CrossWorkspaceAccess" }).ToArray();

        protected override void ProcessRecordCore()
        {
            CurrentTarget = NetworkPolicyId;
            ServerlessChecks.PolicyId(NetworkPolicyId);
            if (!ChangeParameters.Any(MyInvocation.BoundParameters.ContainsKey))
                throw new DbxValidationException("DbxInvalidNetworkPolicyChange", "Nothing to change: give " + string.Join(", ", ChangeParameters.Take(ChangeParameters.Length - 1).Select(n => "-" + n)) + " or -" + ChangeParameters.Last() + ".", NetworkPolicyId);
            // Validate the parameters on their own first, so bad input fails before any request.
            ApplyParameters(new NetworkPolicy { NetworkPolicyId = NetworkPolicyId }, quiet: true);
            var priv = IngressPrivateAccessOptions.Of(this);
            priv.Check(NetworkPolicyId, CrossWorkspaceAccess);
            var guard = IngressGuardOptions.Of(this);
            IngressGuardPeople.From(guard, Context ?? DbxSession.DefaultAccount); // bad -CallerIpAddress/-BreakGlass* fail here, before the read
            var api = new NetworkPoliciesApi(AccountClient);
            var policy = Run(ct => api.GetAsync(NetworkPolicyId, ct));
            policy.NetworkPolicyId = NetworkPolicyId;
            var before = IngressLockoutGuard.Copy(policy.Ingress);
            ApplyParameters(policy);
            priv.ApplyTo(policy, CrossWorkspaceAccess, WriteWarning);
            NetworkPolicyEdit.WarnIfAllowListsIdle(this, policy);
            // The guard decides public requests only: private access and cross-workspace access never take public access away.
            if (!ConfirmIngressChange(NetworkPolicyId, $"Replace network policy ({policy.RestrictionMode}, {policy.EnforcementMode}, {policy.DestinationCount} destinations, {policy.IngressSummary})",
                $"Set-DbxNetworkPolicy '{NetworkPolicyId}'", () => IngressTargetsOfPolicy(NetworkPolicyId, before, policy.Ingress), guard)) return;
            var stored = Run(ct => api.ReplaceAsync(policy, ct));
            if (PassThru) WriteObject(stored);
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes a network policy that no workspace uses; default-policy cannot be deleted.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxNetworkPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxNetworkPolicy.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveDbxNetworkPolicyCommand : DbxCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("network_policy_id")]
        [ArgumentCompleter(typeof(NetworkPolicyIdCompleter))]
        [DbxId(DbxIdKind.NetworkPolicy)]
        public string NetworkPolicyId { get; set; } = "";

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = NetworkPolicyId;
            if (string.Equals(NetworkPolicyId, Names.DefaultPolicyId, StringComparison.OrdinalIgnoreCase))
                throw new DbxValidationException("DbxInvalidNetworkPolicyId",
                    "default-policy is the account's reserved network policy: it applies to every workspace without an explicit policy and cannot be deleted. Change it with Set-DbxNetworkPolicy instead.",
                    NetworkPolicyId, ErrorCategory.InvalidOperation);
            ServerlessChecks.PolicyId(NetworkPolicyId);
            if (!ShouldChange(Force, NetworkPolicyId, "Delete network policy")) return;
            var api = new NetworkPoliciesApi(AccountClient);
            Run(ct => api.DeleteAsync(NetworkPolicyId, ct));
        }
    }

    /// <summary>Shared by Add- and Remove-DbxNetworkPolicyDestination: read, edit the allow lists, PUT only when something changed.</summary>
    public abstract class NetworkPolicyDestinationCmdlet : DbxCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("network_policy_id")]
        [ArgumentCompleter(typeof(NetworkPolicyIdCompleter))]
        [DbxId(DbxIdKind.NetworkPolicy)]
        public string NetworkPolicyId { get; set; } = "";

        /// <summary>Fully qualified domain names (allowed internet destinations).</summary>
        [Parameter]
        [Alias("AllowedDomain")]
        public string[]? Domain { get; set; }

        /// <summary>S3 buckets: 'bucket@region' strings or objects with BucketName and Region.</summary>
        [Parameter]
        [Alias("AllowedS3Bucket")]
        public object[]? S3Bucket { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected abstract bool Adding { get; }

        protected virtual bool Confirm(string target, string action) => ShouldProcess(target, action);

        protected override void ProcessRecordCore()
        {
            CurrentTarget = NetworkPolicyId;
            ServerlessChecks.PolicyId(NetworkPolicyId);
            if ((Domain == null || Domain.Length == 0) && (S3Bucket == null || S3Bucket.Length == 0))
                throw new DbxValidationException("DbxInvalidNetworkPolicyChange", "Give -Domain or -S3Bucket.", NetworkPolicyId);
            var domains = Domain == null ? new List<string>() : ServerlessChecks.Domains(Domain, "Domain");
            var buckets = S3Bucket == null ? new List<StorageDestination>() : NetworkPolicyEdit.Buckets(S3Bucket, "S3Bucket", regionOptional: !Adding);

            var api = new NetworkPoliciesApi(AccountClient);
            var policy = Run(ct => api.GetAsync(NetworkPolicyId, ct));
            policy.NetworkPolicyId = NetworkPolicyId;
            var access = NetworkPolicyEdit.Access(policy);
            var allowed = access.AllowedInternetDestinations ?? new List<InternetDestination>();
            var storage = access.AllowedStorageDestinations ?? new List<StorageDestination>();
            var changes = new List<string>();
            foreach (var d in domains)
            {
                bool present = allowed.Any(a => string.Equals(a.Destination, d, StringComparison.OrdinalIgnoreCase));
                if (Adding && !present) { allowed.Add(new InternetDestination { Destination = d, InternetDestinationType = NetworkPolicyWire.DnsName }); changes.Add(d); }
                else if (!Adding && present) { allowed.RemoveAll(a => string.Equals(a.Destination, d, StringComparison.OrdinalIgnoreCase)); changes.Add(d); }
                else if (!Adding) WriteWarning($"'{d}' is not an allowed domain of network policy '{NetworkPolicyId}'.");
                else WriteVerbose($"'{d}' is already allowed by network policy '{NetworkPolicyId}'.");
            }
            foreach (var b in buckets)
            {
                bool present = storage.Any(s => NetworkPolicyEdit.Same(s, b.BucketName!, b.Region));
                if (Adding && !present) { storage.Add(b); changes.Add(b.ToString()); }
                else if (!Adding && present) { storage.RemoveAll(s => NetworkPolicyEdit.Same(s, b.BucketName!, b.Region)); changes.Add(b.Region == null ? b.BucketName! : b.ToString()); }
                else if (!Adding) WriteWarning($"S3 bucket '{(b.Region == null ? b.BucketName : b.ToString())}' is not an allowed destination of network policy '{NetworkPolicyId}'.");
                else WriteVerbose($"S3 bucket '{b}' is already allowed by network policy '{NetworkPolicyId}'.");
            }
            if (changes.Count == 0)
            {
                WriteVerbose($"Network policy '{NetworkPolicyId}' already has the requested allow lists; nothing was sent.");
                if (PassThru) WriteObject(policy);
                return;
            }
            access.AllowedInternetDestinations = allowed.Count == 0 ? null : allowed.ToDbxList();
            access.AllowedStorageDestinations = storage.Count == 0 ? null : storage.ToDbxList();
            NetworkPolicyEdit.Check(policy);
            if (!Confirm(NetworkPolicyId, (Adding ? "Allow " : "Stop allowing ") + string.Join(", ", changes))) return;
            var stored = Run(ct => api.ReplaceAsync(policy, ct));
            if (PassThru) WriteObject(stored);
        }
    }

    /// <summary>
    /// <para type="synopsis">Adds domains and S3 buckets to the allow lists of a network policy.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "DbxNetworkPolicyDestination", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Add-DbxNetworkPolicyDestination.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class AddDbxNetworkPolicyDestinationCommand : NetworkPolicyDestinationCmdlet
    {
        protected override bool Adding => true;
    }

    /// <summary>
    /// <para type="synopsis">Removes domains and S3 buckets from the allow lists of a network policy.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxNetworkPolicyDestination", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxNetworkPolicyDestination.md")]
    [OutputType(typeof(NetworkPolicy))]
    public sealed class RemoveDbxNetworkPolicyDestinationCommand : NetworkPolicyDestinationCmdlet
    {
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override bool Adding => false;

        protected override bool Confirm(string target, string action) => ShouldChange(Force, target, action);
    }
}
