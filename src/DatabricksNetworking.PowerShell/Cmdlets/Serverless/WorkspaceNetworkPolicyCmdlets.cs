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
    /// <summary>
    /// <para type="synopsis">Gets the network policy each workspace is bound to (the workspace network option).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxWorkspaceNetworkPolicy", HelpUri = DbxCmdlet.HelpBase + "Get-DbxWorkspaceNetworkPolicy.md")]
    [OutputType(typeof(WorkspaceNetworkOption))]
    public sealed class GetDbxWorkspaceNetworkPolicyCommand : DbxCmdlet
    {
        /// <summary>Workspace ids; every workspace of the account when not given. Workspaces piped in bind by WorkspaceId.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long[]? WorkspaceId { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new NetworkPoliciesApi(AccountClient);
            IEnumerable<long> targets = WorkspaceId ?? (IEnumerable<long>)Names(required: true).Keys.ToList();
            foreach (var id in targets)
            {
                CurrentTarget = id;
                try
                {
                    var option = Run(ct => api.GetWorkspaceOptionAsync(id, ct));
                    option.WorkspaceName = Names(required: false).TryGetValue(id, out var name) ? name : null;
                    WriteObject(option);
                }
                catch (DbxApiException ex) { WriteApiError(ex, id); }
            }
        }

        private Dictionary<long, string?>? names;

        /// <summary>
        /// The account's workspaces by id, from one list per call (also for ids given or piped in, so a pipeline of
        /// workspaces costs one read, not one per workspace). Without <paramref name="required"/> a failed list leaves
        /// the names empty (they are for display only).
        /// </summary>
        private Dictionary<long, string?> Names(bool required)
        {
            if (names != null) return names;
            var read = new Dictionary<long, string?>();
            try
            {
                foreach (var w in Run(ct => new WorkspacesApi(AccountClient).ListAsync(ct))) read[w.WorkspaceId] = w.WorkspaceName;
            }
            catch (DbxApiException ex) when (!required)
            {
                WriteVerbose($"The workspace names could not be read ({Validation.Text.Printable(ex.ErrorCode ?? "HTTP " + ex.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture))}); options show the workspace id only.");
            }
            names = read;
            return read;
        }
    }

    /// <summary>
    /// <para type="synopsis">Binds a workspace to a network policy; -NetworkPolicyId default-policy reverts to the account default.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DbxWorkspaceNetworkPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Set-DbxWorkspaceNetworkPolicy.md")]
    [OutputType(typeof(WorkspaceNetworkOption))]
    public sealed class SetDbxWorkspaceNetworkPolicyCommand : IngressGuardedCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long WorkspaceId { get; set; }

        /// <summary>The policy to bind; default-policy reverts to the account default.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("network_policy_id")]
        [ArgumentCompleter(typeof(NetworkPolicyIdCompleter))]
        [DbxId(DbxIdKind.NetworkPolicy)]
        public string NetworkPolicyId { get; set; } = "";

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = WorkspaceId;
            if (WorkspaceId <= 0) throw new DbxValidationException("DbxInvalidWorkspaceId", $"{WorkspaceId} is not a workspace id.", WorkspaceId);
            ServerlessChecks.PolicyId(NetworkPolicyId);
            // Reads first, so -WhatIf fails as the real run would (a workspace or policy that does not exist) and names
            // the workspace; the binding itself is the only write.
            var api = new NetworkPoliciesApi(AccountClient);
            var ws = Run(ct => new WorkspacesApi(AccountClient).GetAsync(WorkspaceId, ct));
            bool isDefault = string.Equals(NetworkPolicyId, DatabricksNetworking.Posture.PostureBuilder.DefaultPolicyId, System.StringComparison.Ordinal);
            CurrentTarget = NetworkPolicyId;
            var after = isDefault ? ReadIngress(api, NetworkPolicyId) : Run(ct => api.GetAsync(NetworkPolicyId, ct)).Ingress;
            CurrentTarget = WorkspaceId;
            // The guard compares the enforced ingress of the policy bound now with the one bound after.
            IngressGuardTarget Target()
            {
                var boundNow = Run(ct => api.GetWorkspaceOptionAsync(WorkspaceId, ct)).NetworkPolicyId ?? DatabricksNetworking.Posture.PostureBuilder.DefaultPolicyId;
                return IngressGuardTarget.ForWorkspace(WorkspaceId, ws.WorkspaceName, boundNow, boundNow == NetworkPolicyId ? after : ReadIngress(api, boundNow), NetworkPolicyId, after);
            }
            if (!ConfirmIngressChange(WorkspaceTarget(ws), $"Bind network policy '{NetworkPolicyId}'", $"Set-DbxWorkspaceNetworkPolicy '{NetworkPolicyId}' on {WorkspaceTarget(ws)}",
                () => new[] { Target() }, GuardOptions)) return;
            var option = Run(ct => api.SetWorkspaceOptionAsync(WorkspaceId, NetworkPolicyId, ct));
            option.WorkspaceName ??= ws.WorkspaceName;
            if (PassThru) WriteObject(option);
        }

        /// <summary>A policy's enforced ingress; null when it has none or does not exist (an unset default-policy: full access).</summary>
        private IngressNetworkPolicy? ReadIngress(NetworkPoliciesApi api, string policyId)
        {
            try { return Run(ct => api.GetAsync(policyId, ct)).Ingress; }
            catch (DbxApiException ex) when (ex.StatusCode == 404) { return null; }
        }
    }
}
