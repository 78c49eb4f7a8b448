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

namespace DatabricksNetworking.Cmdlets.Classic
{
    public enum WorkspacePricingTier { Premium, Enterprise }

    public enum WorkspaceComputeMode { Hybrid, Serverless }

    /// <summary>
    /// <para type="synopsis">Creates a workspace, on a customer-managed VPC (network configuration), with PrivateLink (private access settings) and a serverless network connectivity configuration as given; -Wait follows it to RUNNING.</para>
    /// <para type="description">Checks what it can before anything is created: the ids' shapes, that the credential and storage configurations, the network configuration, the private access settings and the NCC exist; that the private access settings and the NCC are of the workspace's region; that no other workspace uses the network configuration; and, for private access settings with public access off, that the workspace will have PrivateLink both ways (the public-access guard). These reads are made under -WhatIf too, so a mistyped id fails there as it would in the real run. With -Wait, a FAILED workspace is one error naming the network configuration's errors and warnings and the workspace's status message.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxWorkspace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxWorkspace.md")]
    [OutputType(typeof(Workspace))]
    public sealed class NewDbxWorkspaceCommand : ClassicCmdlet
    {
        /// <summary>The workspace name the account console shows (1 to 100 characters).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_name", "WorkspaceName")]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("aws_region")]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string Region { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("credentials_id")]
        [DbxId(DbxIdKind.Credentials)]
        [ArgumentCompleter(typeof(CredentialsIdCompleter))]
        public string? CredentialsId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("storage_configuration_id")]
        [DbxId(DbxIdKind.StorageConfiguration)]
        [ArgumentCompleter(typeof(StorageConfigurationIdCompleter))]
        public string? StorageConfigurationId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("network_id")]
        [DbxId(DbxIdKind.Network)]
        [ArgumentCompleter(typeof(NetworkIdCompleter))]
        public string? NetworkId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("private_access_settings_id")]
        [DbxId(DbxIdKind.PrivateAccessSettings)]
        [ArgumentCompleter(typeof(PrivateAccessSettingsIdCompleter))]
        public string? PrivateAccessSettingsId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("network_connectivity_config_id")]
        [DbxId(DbxIdKind.NetworkConnectivityConfig)]
        [ArgumentCompleter(typeof(NetworkConnectivityConfigIdCompleter))]
        public string? NetworkConnectivityConfigId { get; set; }

        /// <summary>The first part of the workspace URL (https://&lt;deployment&gt;.cloud.databricks.com); the service picks one when not given.</summary>
        [Parameter]
        [Alias("deployment_name")]
        public string? DeploymentName { get; set; }

        [Parameter]
        public WorkspacePricingTier? PricingTier { get; set; }

        /// <summary>Serverless: a workspace with serverless compute only (no credential or storage configuration, no network).</summary>
        [Parameter]
        public WorkspaceComputeMode ComputeMode { get; set; } = WorkspaceComputeMode.Hybrid;

        [Parameter]
        public Hashtable? Tag { get; set; }

        /// <summary>Wait until the workspace is RUNNING; a FAILED workspace is one error naming what is wrong.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 1200;

        /// <summary>Create it even when private access settings with public access off leave it without PrivateLink both ways (no prompt).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = Name;
            var request = CheckLocally();
            var account = AccountClient;

            // Reads that tell a mistyped or mismatched id before anything is created (under -WhatIf too).
            if (request.CredentialsId != null) Run(ct => new CredentialsApi(account).GetAsync(request.CredentialsId, ct));
            if (request.StorageConfigurationId != null) Run(ct => new StorageConfigurationsApi(account).GetAsync(request.StorageConfigurationId, ct));
            Network? network = null;
            if (request.NetworkId != null)
            {
                network = Run(ct => new NetworksApi(account).GetAsync(request.NetworkId, ct));
                if (network.WorkspaceId.HasValue)
                    throw new DbxValidationException("DbxNetworkInUse",
                        $"Network configuration '{Text.Printable(network.NetworkName)}' ({network.NetworkId}) is already used by workspace {network.WorkspaceId}; a network configuration serves one workspace. Create another with New-DbxNetworkConfiguration.",
                        request.NetworkId, ErrorCategory.ResourceBusy);
            }
            PrivateAccessSettings? pas = null;
            if (request.PrivateAccessSettingsId != null)
            {
                pas = Run(ct => new PrivateAccessSettingsApi(account).GetAsync(request.PrivateAccessSettingsId, ct));
                if (!string.Equals(pas.Region, request.Region, StringComparison.OrdinalIgnoreCase))
                    throw new DbxValidationException("DbxRegionMismatch",
                        $"Private access settings '{Text.Printable(pas.PrivateAccessSettingsName)}' ({pas.PrivateAccessSettingsId}) are for {pas.Region}; the workspace is to be in {request.Region}.", request.PrivateAccessSettingsId);
            }
            if (request.NetworkConnectivityConfigId != null)
            {
                var ncc = Run(ct => new WorkspacesApi(account).GetNetworkConnectivityConfigAsync(request.NetworkConnectivityConfigId, ct));
                if (!string.Equals(ncc.Region, request.Region, StringComparison.OrdinalIgnoreCase))
                    throw new DbxValidationException("DbxRegionMismatch",
                        $"Network connectivity configuration '{Text.Printable(ncc.Name)}' ({ncc.NetworkConnectivityConfigId}) is for {ncc.Region}; the workspace is to be in {request.Region}.", request.NetworkConnectivityConfigId);
            }
            var proposed = new Workspace { WorkspaceName = request.WorkspaceName, Region = request.Region, NetworkId = request.NetworkId, PrivateAccessSettingsId = request.PrivateAccessSettingsId };
            if (pas != null && pas.PublicAccessEnabled != true)
            {
                var gap = PrivateLinkCoverage.PublicAccessOffGap(proposed, network, pas, ReadRegistrations());
                if (!PassesPublicAccessGuard(gap == null ? new string[0] : new[] { gap }, $"Creating workspace '{request.WorkspaceName}' with private access settings '{pas.PrivateAccessSettingsName}' ({pas.PrivateAccessSettingsId})", Force, Name))
                    return;
            }

            var uses = Uses(request);
            if (!ShouldChange(Force, $"workspace '{request.WorkspaceName}' in {request.Region}", "Create" + (uses.Length > 0 ? " with " + uses : ""))) return;
            var api = new WorkspacesApi(account);
            var created = CreateOnce($"workspace '{request.WorkspaceName}'", ct => api.CreateAsync(request, ct), async (notBefore, ct) =>
                (await api.ListAsync(ct).ConfigureAwait(false))
                    .Where(w => w.WorkspaceName == request.WorkspaceName && w.Region == request.Region && (w.CreationTime ?? long.MaxValue) >= notBefore)
                    .OrderBy(w => w.CreationTime ?? 0).FirstOrDefault());
            if (!Wait) { WriteObject(created); return; }
            var final = WaitUntilRunning(api, created.WorkspaceId, $"Creating workspace '{created.WorkspaceName}' ({created.WorkspaceId})", TimeoutSec,
                " The workspace was created; follow it with Wait-DbxWorkspace or Get-DbxWorkspace.", ExplainFailure);
            if (final != null) WriteObject(final);
        }

        private WorkspaceCreateRequest CheckLocally()
        {
            if (!Text.TryCheckName(Name, "workspace name", 1, 100, out var name, out var nameError))
                throw new DbxValidationException("DbxInvalidName", nameError!, Text.Printable(Name));
            if (!Regions.IsSupported(Region)) throw new DbxValidationException("DbxInvalidRegion", Regions.Describe(Region), Region);
            var serverless = ComputeMode == WorkspaceComputeMode.Serverless;
            if (!serverless && (string.IsNullOrEmpty(CredentialsId) || string.IsNullOrEmpty(StorageConfigurationId)))
                throw new DbxValidationException("DbxMissingWorkspaceConfiguration",
                    "A workspace with classic compute needs -CredentialsId (the cross-account IAM role) and -StorageConfigurationId (the root bucket): list them with Get-DbxCredentialConfiguration and Get-DbxStorageConfiguration, or give -ComputeMode Serverless.", Name);
            if (serverless && (NetworkId != null || PrivateAccessSettingsId != null))
                throw new DbxValidationException("DbxInvalidComputeMode", "A serverless workspace has no classic compute plane: -NetworkId and -PrivateAccessSettingsId belong to classic (Hybrid) workspaces.", Name);
            if (PrivateAccessSettingsId != null && NetworkId == null)
                throw new DbxValidationException("DbxPrivateLinkNeedsNetwork", "PrivateLink needs a customer-managed VPC: give -NetworkId with -PrivateAccessSettingsId.", PrivateAccessSettingsId);
            var ids = new[] { CredentialsId, StorageConfigurationId, NetworkId, PrivateAccessSettingsId, NetworkConnectivityConfigId }.Where(i => i != null).Select(i => i!).ToList();
            CheckUuids(ids, "Databricks object", "DbxInvalidId");
            if (DeploymentName != null)
            {
                var problem = Text.Problem(DeploymentName);
                var d = DeploymentName.Trim();
                if (problem != null || d.Length == 0 || d.Length > 64 || d == "EMPTY" || d.Any(c => !(char.IsLetterOrDigit(c) && c < 128) && c != '-'))
                    throw new DbxValidationException("DbxInvalidDeploymentName",
                        $"'{Text.Printable(DeploymentName)}' is not a valid deployment name: 1 to 64 letters, digits and hyphens (it becomes the workspace URL's first label).", Text.Printable(DeploymentName));
            }
            Dictionary<string, string>? tags = null;
            if (Tag != null)
            {
                tags = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (DictionaryEntry e in Tag) tags[Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? ""] = Convert.ToString(e.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }
            return new WorkspaceCreateRequest
            {
                WorkspaceName = name, Region = Region.Trim(), DeploymentName = DeploymentName?.Trim(),
                PricingTier = PricingTier?.ToString().ToUpperInvariant(), ComputeMode = serverless ? "SERVERLESS" : null,
                CredentialsId = CredentialsId, StorageConfigurationId = StorageConfigurationId, NetworkId = NetworkId,
                PrivateAccessSettingsId = PrivateAccessSettingsId, NetworkConnectivityConfigId = NetworkConnectivityConfigId, CustomTags = tags,
            };
        }

        private static string Uses(WorkspaceCreateRequest r) => string.Join(", ", new[]
        {
            r.NetworkId != null ? "network configuration " + r.NetworkId : null,
            r.PrivateAccessSettingsId != null ? "private access settings " + r.PrivateAccessSettingsId : null,
            r.NetworkConnectivityConfigId != null ? "NCC " + r.NetworkConnectivityConfigId : null,
        }.Where(x => x != null));

        /// <summary>What Terraform's workspace failure explanation reads: the network configuration's errors and warnings
        /// and the workspace's status message, each with what to do.</summary>
        private string? ExplainFailure(Workspace failed)
        {
            if (string.IsNullOrEmpty(failed.NetworkId)) return null;
            Network network;
            try { network = Run(ct => new NetworksApi(AccountClient).GetAsync(failed.NetworkId!, ct)); }
            catch (DbxApiException) { return null; }
            var lines = new List<string>();
            foreach (var e in network.ErrorMessages ?? new List<NetworkError>())
                lines.Add($"network {e.ErrorType} error: {e.ErrorMessage} ({FixFor(e.ErrorType)})");
            foreach (var w in network.WarningMessages ?? new List<NetworkWarning>())
                lines.Add($"network {w.WarningType} warning: {w.WarningMessage}");
            return lines.Count == 0 ? null : $"Network configuration '{network.NetworkName}' ({network.NetworkId}) is {network.VpcStatus}: " + string.Join("; ", lines) +
                ". Fix the VPC (Test-DbxAwsVpc shows each check), then give the workspace a corrected network configuration with Set-DbxWorkspaceNetwork -NetworkId, or remove it and create it again.";
        }

        private static string FixFor(string? errorType) => errorType switch
        {
            "subnet" => "the subnets must be in two availability zones of the workspace's region, with /17 to /26 masks",
            "securityGroup" => "the security groups must allow all traffic within the group and TCP 443, 2443, 6666 and 8443-8451 out",
            "vpc" => "the VPC must exist in the region with DNS hostnames and DNS resolution on",
            "networkAcl" => "the network ACLs must allow the Databricks ports both ways",
            "credentials" => "the cross-account role must allow the EC2 describe actions",
            _ => "see the Databricks documentation on customer-managed VPCs",
        };
    }

    /// <summary>
    /// <para type="synopsis">Deletes a workspace of the account (ConfirmImpact High; -WhatIf lists what the workspace uses).</para>
    /// <para type="description">The workspace's network configuration, private access settings, credential and storage configurations stay in the account (and can then be removed or reused). A non-interactive session needs -Force.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxWorkspace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxWorkspace.md")]
    [OutputType(typeof(Workspace))]
    public sealed class RemoveDbxWorkspaceCommand : ClassicCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [DbxId(DbxIdKind.Workspace)]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        public long[] WorkspaceId { get; set; } = new long[0];

        /// <summary>Delete without asking (a non-interactive session needs it); never overrides -WhatIf.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the deleted workspace.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new WorkspacesApi(AccountClient);
            foreach (var id in WorkspaceId)
            {
                CurrentTarget = id;
                try
                {
                    if (id <= 0) throw new DbxValidationException("DbxInvalidWorkspaceId", $"{id} is not a workspace id (a positive number).", id);
                    var ws = Run(ct => api.GetAsync(id, ct));
                    var uses = string.Join(", ", new[]
                    {
                        ws.NetworkId != null ? "network configuration " + ws.NetworkId : null,
                        ws.PrivateAccessSettingsId != null ? "private access settings " + ws.PrivateAccessSettingsId : null,
                        ws.NetworkConnectivityConfigId != null ? "NCC " + ws.NetworkConnectivityConfigId : null,
                        ws.CredentialsId != null ? "credentials " + ws.CredentialsId : null,
                        ws.StorageConfigurationId != null ? "storage configuration " + ws.StorageConfigurationId : null,
                    }.Where(x => x != null));
                    var target = $"workspace '{ws.WorkspaceName}' ({id}, {ws.WorkspaceStatus}{(ws.DeploymentName != null ? ", " + ws.DeploymentName : "")})";
                    var action = "Delete" + (uses.Length > 0 ? " (it uses " + uses + "; those stay in the account)" : "");
                    bool go;
                    try { go = ShouldChange(Force, target, action); }
                    catch (Exception ex) when (ex is PSInvalidOperationException || ex is System.Management.Automation.Host.HostException || ex is NotImplementedException)
                    {
                        throw new DbxValidationException("DbxConfirmationRequired",
                            $"Deleting {Text.Printable(target)} needs confirmation, and this session cannot ask (non-interactive): add -Force to delete it.", id, ErrorCategory.PermissionDenied);
                    }
                    if (!go) continue;
                    Run(ct => api.DeleteAsync(id, ct));
                    if (PassThru) WriteObject(ws);
                }
                catch (DbxValidationException ex) { WriteError(ErrorRecords.FromValidation(ex)); }
                catch (DbxApiException ex) { WriteApiError(ex, id); }
            }
        }

    }

    /// <summary>
    /// <para type="synopsis">Gets the credential configurations of the account (the cross-account IAM roles a workspace uses): by id, by name (wildcards), or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxCredentialConfiguration", DefaultParameterSetName = ByName, HelpUri = DbxCmdlet.HelpBase + "Get-DbxCredentialConfiguration.md")]
    [OutputType(typeof(CredentialConfiguration))]
    public sealed class GetDbxCredentialConfigurationCommand : ClassicCmdlet
    {
        private const string ById = "ById";
        private const string ByName = "ByName";

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("credentials_id")]
        [ValidateNotNullOrEmpty]
        [DbxId(DbxIdKind.Credentials)]
        [ArgumentCompleter(typeof(CredentialsIdCompleter))]
        public string[] CredentialsId { get; set; } = new string[0];

        [Parameter(ParameterSetName = ByName, Position = 0)]
        [Alias("credentials_name")]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new CredentialsApi(AccountClient);
            if (ParameterSetName == ById) { CheckUuids(CredentialsId, "credential configuration", "DbxInvalidId"); WriteEachById(CredentialsId, api.GetAsync); }
            else WriteByName(api.ListAsync, Name, c => c.CredentialsName, "credential configuration", "DbxCredentialConfigurationNotFound");
        }
    }

    /// <summary>
    /// <para type="synopsis">Gets the storage configurations of the account (the root S3 buckets a workspace uses): by id, by name (wildcards), or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxStorageConfiguration", DefaultParameterSetName = ByName, HelpUri = DbxCmdlet.HelpBase + "Get-DbxStorageConfiguration.md")]
    [OutputType(typeof(StorageConfiguration))]
    public sealed class GetDbxStorageConfigurationCommand : ClassicCmdlet
    {
        private const string ById = "ById";
        private const string ByName = "ByName";

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("storage_configuration_id")]
        [ValidateNotNullOrEmpty]
        [DbxId(DbxIdKind.StorageConfiguration)]
        [ArgumentCompleter(typeof(StorageConfigurationIdCompleter))]
        public string[] StorageConfigurationId { get; set; } = new string[0];

        [Parameter(ParameterSetName = ByName, Position = 0)]
        [Alias("storage_configuration_name")]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new StorageConfigurationsApi(AccountClient);
            if (ParameterSetName == ById) { CheckUuids(StorageConfigurationId, "storage configuration", "DbxInvalidId"); WriteEachById(StorageConfigurationId, api.GetAsync); }
            else WriteByName(api.ListAsync, Name, c => c.StorageConfigurationName, "storage configuration", "DbxStorageConfigurationNotFound");
        }
    }
}
