using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Classic
{
    /// <summary>
    /// <para type="synopsis">Gets the workspaces of the account: one by id, by name (wildcards), or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxWorkspace", DefaultParameterSetName = ByName, HelpUri = DbxCmdlet.HelpBase + "Get-DbxWorkspace.md")]
    [OutputType(typeof(Workspace))]
    public sealed class GetDbxWorkspaceCommand : DbxCmdlet
    {
        private const string ById = "ById";
        private const string ByName = "ByName";

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long[] WorkspaceId { get; set; } = new long[0];

        /// <summary>Workspace name; wildcards allowed.</summary>
        [Parameter(ParameterSetName = ByName, Position = 0)]
        [Alias("workspace_name")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(WorkspaceNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new WorkspacesApi(AccountClient);
            if (ParameterSetName == ById)
            {
                foreach (var id in WorkspaceId)
                {
                    CurrentTarget = id;
                    try { WriteObject(Run(ct => api.GetAsync(id, ct))); }
                    catch (Client.DbxApiException ex) { WriteApiError(ex, id); }
                }
                return;
            }
            var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
            var all = Run(ct => api.ListAsync(ct));
            foreach (var ws in all)
            {
                if (patterns == null || patterns.Any(p => p.IsMatch(ws.WorkspaceName ?? ""))) WriteObject(ws);
            }
            if (Name != null)
                foreach (var n in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !all.Any(w => string.Equals(w.WorkspaceName, n, System.StringComparison.OrdinalIgnoreCase))))
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No workspace named '{n}' in account {AccountClient.AccountId}."), "DbxWorkspaceNotFound", ErrorCategory.ObjectNotFound, n));
        }
    }

    /// <summary>
    /// <para type="synopsis">Changes the network binding of a workspace: its network configuration (customer-managed VPC), private access settings (PrivateLink) and network connectivity configuration (serverless).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DbxWorkspaceNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Set-DbxWorkspaceNetwork.md")]
    [OutputType(typeof(Workspace))]
    public sealed class SetDbxWorkspaceNetworkCommand : ClassicCmdlet
    {
        /// <summary>An NCC can be attached to at most this many workspaces.</summary>
        public const int MaxWorkspacesPerNcc = 50;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long WorkspaceId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NetworkIdCompleter))]
        [DbxId(DbxIdKind.Network)]
        public string? NetworkId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PrivateAccessSettingsIdCompleter))]
        [DbxId(DbxIdKind.PrivateAccessSettings)]
        public string? PrivateAccessSettingsId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NetworkConnectivityConfigIdCompleter))]
        [DbxId(DbxIdKind.NetworkConnectivityConfig)]
        public string? NetworkConnectivityConfigId { get; set; }

        /// <summary>Wait until the workspace is RUNNING again; fail at once on FAILED or BANNED.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 1200;

        /// <summary>Make the change even when it leaves the workspace with public access off but without PrivateLink both ways (no prompt).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = WorkspaceId;
            var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (NetworkId != null) fields["network_id"] = NetworkId;
            if (PrivateAccessSettingsId != null) fields["private_access_settings_id"] = PrivateAccessSettingsId;
            if (NetworkConnectivityConfigId != null) fields["network_connectivity_config_id"] = NetworkConnectivityConfigId;
            if (fields.Count == 0)
                throw new DbxValidationException("DbxNothingToChange", "Give at least one of -NetworkId, -PrivateAccessSettingsId, -NetworkConnectivityConfigId.", WorkspaceId);
            if (WorkspaceId <= 0)
                throw new DbxValidationException("DbxInvalidWorkspaceId", $"{WorkspaceId} is not a workspace id (a positive number).", WorkspaceId);
            CheckUuids(fields.Values, "Databricks object", "DbxInvalidId");

            // Everything that only reads comes before ShouldProcess, so -WhatIf gives the error the real run would
            // (a referenced object missing, the update table's rules, regions, running compute) and sends no write.
            var workspaces = new WorkspacesApi(AccountClient);
            var ws = Run(ct => workspaces.GetAsync(WorkspaceId, ct));
            var newPas = CheckUpdate(ws);
            CheckNoRunningCompute(ws);
            if (!ShouldProcess(WorkspaceTarget(ws), "Set " + string.Join(", ", fields.Select(kv => kv.Key + "=" + kv.Value)))) return;

            if (!PassesPublicAccessGuard(ws, newPas)) return;
            var updated = Run(ct => workspaces.UpdateAsync(WorkspaceId, fields, ct));
            if (!Wait) { WriteObject(updated); return; }

            var final = WaitUntilRunning(workspaces, WorkspaceId, $"Updating workspace '{ws.WorkspaceName}' ({WorkspaceId})", TimeoutSec,
                " The update was accepted; check the workspace with Get-DbxWorkspace.");
            if (final != null) WriteObject(final);
        }

        /// <summary>
        /// The service refuses to change a RUNNING workspace's network or private access settings while classic compute
        /// runs in it ("you must first stop all running compute resources in the workspace's VPC"): the workspace's
        /// clusters are read (GET /api/2.0/clusters/list) and the change is refused, naming what to stop, before
        /// anything is sent (also under -WhatIf). When the clusters cannot be read the change goes on with a warning.
        /// </summary>
        private void CheckNoRunningCompute(Workspace ws)
        {
            bool Changes(string? wanted, string? current) => wanted != null && !string.Equals(wanted, current, StringComparison.OrdinalIgnoreCase);
            if (ws.WorkspaceStatus != "RUNNING" || !(Changes(NetworkId, ws.NetworkId) || Changes(PrivateAccessSettingsId, ws.PrivateAccessSettingsId))) return;
            List<ClusterSummary> running;
            try
            {
                var client = WorkspaceClient(ws.WorkspaceId);
                running = Run(ct => new ClustersApi(client).ListRunningAsync(ct));
            }
            catch (Client.DbxApiException ex)
            {
                WriteWarning($"Could not read the clusters of workspace '{ws.WorkspaceName}' ({ws.WorkspaceId}) to check for running compute ({ex.ServiceMessage}); the service refuses the change while clusters run in it.");
                return;
            }
            if (running.Count == 0) return;
            const int shown = 10;
            var names = string.Join(", ", running.Take(shown).Select(c => $"'{c.ClusterName}' ({c.ClusterId}, {c.State})"));
            if (running.Count > shown) names += $" and {running.Count - shown} more";
            throw new DbxValidationException("DbxWorkspaceComputeRunning",
                $"Workspace '{ws.WorkspaceName}' ({ws.WorkspaceId}) has {running.Count} cluster(s) running in its classic data plane: {names}. " +
                "The service refuses a network or private access settings change of a running workspace while compute runs in it: terminate these clusters (and stop classic SQL warehouses) first, then retry.",
                WorkspaceId, ErrorCategory.ResourceBusy);
        }

        /// <summary>
        /// A new network or private access settings that leave the workspace with public access off must leave it
        /// PrivateLink both ways, or its users (and clusters) are cut off: the guard asks, or refuses without -Force.
        /// </summary>
        private bool PassesPublicAccessGuard(Workspace ws, PrivateAccessSettings? newPas)
        {
            if (NetworkId == null && PrivateAccessSettingsId == null) return true;
            var pasId = PrivateAccessSettingsId ?? ws.PrivateAccessSettingsId;
            if (string.IsNullOrEmpty(pasId)) return true;
            var pas = newPas ?? Run(ct => new PrivateAccessSettingsApi(AccountClient).GetAsync(pasId!, ct));
            if (pas.PublicAccessEnabled == true) return true;
            var networkId = NetworkId ?? ws.NetworkId;
            var network = string.IsNullOrEmpty(networkId) ? null : Run(ct => new NetworksApi(AccountClient).GetAsync(networkId!, ct));
            var gap = PrivateLinkCoverage.PublicAccessOffGap(ws, network, pas, ReadRegistrations());
            var change = PrivateAccessSettingsId != null
                ? $"Binding private access settings '{pas.PrivateAccessSettingsName}' ({pasId}) to workspace {ws.WorkspaceId}"
                : $"Moving workspace {ws.WorkspaceId} to network configuration {NetworkId}";
            return PassesPublicAccessGuard(gap == null ? new string[0] : new[] { gap }, change, Force, WorkspaceId);
        }

        /// <summary>The update table's rules, checked against the current objects before the PATCH is sent. Returns the
        /// private access settings of -PrivateAccessSettingsId as read for the checks (null when not given).</summary>
        private PrivateAccessSettings? CheckUpdate(Workspace ws)
        {
            PrivateAccessSettings? pas = null;
            var name = $"'{ws.WorkspaceName}' ({ws.WorkspaceId})";
            if (ws.WorkspaceStatus != "RUNNING" && ws.WorkspaceStatus != "FAILED")
                throw new DbxValidationException("DbxInvalidWorkspaceState", $"Workspace {name} is {ws.WorkspaceStatus}; its network can be changed only when it is RUNNING or FAILED.", WorkspaceId, ErrorCategory.InvalidOperation);
            if (NetworkId != null && !string.Equals(NetworkId, ws.NetworkId, StringComparison.OrdinalIgnoreCase))
            {
                if (string.IsNullOrEmpty(ws.NetworkId) && ws.WorkspaceStatus == "RUNNING")
                    throw new DbxValidationException("DbxInvalidWorkspaceState",
                        $"Workspace {name} runs in a Databricks-managed VPC; a running workspace cannot be converted to a customer-managed VPC (only a FAILED one can).", WorkspaceId, ErrorCategory.InvalidOperation);
                var network = Run(ct => new NetworksApi(AccountClient).GetAsync(NetworkId, ct));
                if (network.WorkspaceId.HasValue && network.WorkspaceId.Value != ws.WorkspaceId)
                    throw new DbxValidationException("DbxNetworkInUse",
                        $"Network configuration '{network.NetworkName}' ({NetworkId}) is already used by workspace {network.WorkspaceId}; a network configuration serves one workspace. Create another one with New-DbxNetworkConfiguration.", NetworkId, ErrorCategory.ResourceBusy);
            }
            if (PrivateAccessSettingsId != null)
            {
                if (string.IsNullOrEmpty(ws.NetworkId) && NetworkId == null)
                    throw new DbxValidationException("DbxPrivateLinkNeedsNetwork",
                        $"Workspace {name} has no customer-managed VPC; PrivateLink needs one. Give -NetworkId too (possible only while the workspace is FAILED) or use a workspace created with a network configuration.", WorkspaceId, ErrorCategory.InvalidOperation);
                pas = Run(ct => new PrivateAccessSettingsApi(AccountClient).GetAsync(PrivateAccessSettingsId, ct));
                if (!string.Equals(pas.Region, ws.Region, StringComparison.Ordinal))
                    throw new DbxValidationException("DbxRegionMismatch",
                        $"Private access settings '{pas.PrivateAccessSettingsName}' ({PrivateAccessSettingsId}) are for {pas.Region}; workspace {name} is in {ws.Region}.", PrivateAccessSettingsId);
            }
            if (NetworkConnectivityConfigId != null && !string.Equals(NetworkConnectivityConfigId, ws.NetworkConnectivityConfigId, StringComparison.OrdinalIgnoreCase))
            {
                var workspaces = new WorkspacesApi(AccountClient);
                var ncc = Run(ct => workspaces.GetNetworkConnectivityConfigAsync(NetworkConnectivityConfigId, ct));
                if (!string.Equals(ncc.Region, ws.Region, StringComparison.Ordinal))
                    throw new DbxValidationException("DbxRegionMismatch",
                        $"Network connectivity configuration '{ncc.Name}' ({NetworkConnectivityConfigId}) is for {ncc.Region}; workspace {name} is in {ws.Region}.", NetworkConnectivityConfigId);
                var users = Run(ct => workspaces.ListAsync(ct)).Count(w => string.Equals(w.NetworkConnectivityConfigId, NetworkConnectivityConfigId, StringComparison.OrdinalIgnoreCase));
                if (users >= MaxWorkspacesPerNcc)
                    throw new DbxValidationException("DbxNccLimit",
                        $"Network connectivity configuration {NetworkConnectivityConfigId} is already attached to {users} workspaces, the most one can serve ({MaxWorkspacesPerNcc}).", NetworkConnectivityConfigId, ErrorCategory.LimitsExceeded);
            }
            return pas;
        }
    }

    /// <summary>
    /// <para type="synopsis">Waits until workspaces are RUNNING (after a create or a network change), with a progress bar; fails at once on FAILED or BANNED.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "DbxWorkspace", HelpUri = DbxCmdlet.HelpBase + "Wait-DbxWorkspace.md")]
    [OutputType(typeof(Workspace))]
    public sealed class WaitDbxWorkspaceCommand : ClassicCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long WorkspaceId { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 1200;

        protected override void ProcessRecordCore()
        {
            CurrentTarget = WorkspaceId;
            if (WorkspaceId <= 0)
                throw new DbxValidationException("DbxInvalidWorkspaceId", $"{WorkspaceId} is not a workspace id (a positive number).", WorkspaceId);
            var final = WaitUntilRunning(new WorkspacesApi(AccountClient), WorkspaceId, $"Waiting for workspace {WorkspaceId}", TimeoutSec, "");
            if (final != null) WriteObject(final);
        }
    }
}
