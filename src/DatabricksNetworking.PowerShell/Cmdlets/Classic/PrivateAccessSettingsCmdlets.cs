using System;
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
    /// <summary>Which PrivateLink connections private access settings admit (wire: ACCOUNT / ENDPOINT).</summary>
    public enum PrivateAccessLevel
    {
        /// <summary>Any VPC endpoint registered in the account.</summary>
        Account,
        /// <summary>Only the VPC endpoint registrations in -AllowedVpcEndpointId.</summary>
        Endpoint,
    }

    /// <summary>
    /// <para type="synopsis">Gets private access settings of the account: by id, by name (wildcards), or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxPrivateAccessSettings", DefaultParameterSetName = ByName, HelpUri = DbxCmdlet.HelpBase + "Get-DbxPrivateAccessSettings.md")]
    [OutputType(typeof(PrivateAccessSettings))]
    public sealed class GetDbxPrivateAccessSettingsCommand : ClassicCmdlet
    {
        private const string ById = "ById";
        private const string ByName = "ByName";

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("private_access_settings_id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PrivateAccessSettingsIdCompleter))]
        [DbxId(DbxIdKind.PrivateAccessSettings)]
        public string[] PrivateAccessSettingsId { get; set; } = new string[0];

        [Parameter(ParameterSetName = ByName, Position = 0)]
        [Alias("private_access_settings_name")]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new PrivateAccessSettingsApi(AccountClient);
            if (ParameterSetName == ById) WriteEachById(PrivateAccessSettingsId, api.GetAsync);
            else WriteByName(api.ListAsync, Name, p => p.PrivateAccessSettingsName, "private access settings", "DbxPrivateAccessSettingsNotFound");
        }
    }

    /// <summary>Shared by New- and Set-DbxPrivateAccessSettings: the checks and the mapping to the wire object.</summary>
    public abstract class PrivateAccessSettingsCmdlet : ClassicCmdlet
    {
        internal static string Wire(PrivateAccessLevel level) => level == PrivateAccessLevel.Endpoint ? "ENDPOINT" : "ACCOUNT";

        internal static void CheckPasName(string? name)
        {
            var problem = Validation.Text.Problem(name);
            if (problem != null)
                throw new DbxValidationException("DbxInvalidName", $"The private access settings name '{Validation.Text.Printable(name)}' contains {problem}; use visible characters only.", Validation.Text.Printable(name));
            if (!Validation.Names.IsPrivateAccessSettingsName(name))
                throw new DbxValidationException("DbxInvalidName", $"The private access settings name must be 4 to 256 characters long (got '{name}').", name);
        }

        internal static void CheckLevel(string level, IReadOnlyCollection<string> allowed)
        {
            if (level == "ACCOUNT" && allowed.Count > 0)
                throw new DbxValidationException("DbxInvalidPrivateAccessLevel",
                    "-AllowedVpcEndpointId only applies with -PrivateAccessLevel Endpoint; with Account every VPC endpoint registered in the account is admitted.", allowed);
        }

        /// <summary>The allowed registrations must exist and be in the settings' region.</summary>
        internal void CheckAllowedEndpoints(IReadOnlyCollection<string> allowed, string region)
        {
            if (allowed.Count == 0) return;
            var registrations = Run(ct => new VpcEndpointsApi(AccountClient).ListAsync(ct));
            foreach (var id in allowed)
            {
                var reg = registrations.FirstOrDefault(r => string.Equals(r.VpcEndpointId, id, StringComparison.OrdinalIgnoreCase));
                if (reg == null)
                {
                    // allowed_vpc_endpoint_ids take VPC endpoint registration ids (vpc_endpoint_id) only: the Go SDK and the
                    // Terraform docs name no other kind. A networking v1 registered endpoint (Service Direct) gets its own words.
                    var endpoint = RunPaged<NetworkEndpoint>((token, ct) => new NetworkEndpointsApi(AccountClient).ListPageAsync(token, ct))
                        .FirstOrDefault(e => string.Equals(e.EndpointId, id, StringComparison.OrdinalIgnoreCase));
                    if (endpoint != null)
                        throw new DbxValidationException("DbxInvalidVpcEndpointId",
                            $"{id} is the registered endpoint '{endpoint.DisplayName}' (networking v1, {endpoint.UseCase ?? "SERVICE_DIRECT"}) of {endpoint.AwsVpcEndpointId}, not a VPC endpoint registration: -AllowedVpcEndpointId takes VPC endpoint registration ids only. Register {endpoint.AwsVpcEndpointId} with New-DbxVpcEndpointRegistration and allow that registration's VpcEndpointId, or use -PrivateAccessLevel Account.", id);
                    throw new DbxValidationException("DbxVpcEndpointNotFound", $"VPC endpoint registration {id} does not exist in this account (list them with Get-DbxVpcEndpointRegistration).", id, ErrorCategory.ObjectNotFound);
                }
                if (!string.Equals(reg.Region, region, StringComparison.Ordinal))
                    throw new DbxValidationException("DbxRegionMismatch", $"VPC endpoint registration '{reg.VpcEndpointName}' ({id}) is in {reg.Region}; private access settings in {region} can only allow endpoints of {region}.", id);
            }
        }
    }

    /// <summary>
    /// <para type="synopsis">Creates private access settings: the PrivateLink access policy (public access, account- or endpoint-level) of workspaces in one region.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxPrivateAccessSettings", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxPrivateAccessSettings.md")]
    [OutputType(typeof(PrivateAccessSettings))]
    public sealed class NewDbxPrivateAccessSettingsCommand : PrivateAccessSettingsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("private_access_settings_name", "PrivateAccessSettingsName")]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string Region { get; set; } = "";

        /// <summary>Account (default) or Endpoint; Endpoint is implied by -AllowedVpcEndpointId.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("private_access_level")]
        public PrivateAccessLevel PrivateAccessLevel { get; set; }

        /// <summary>VPC endpoint registration ids (Databricks UUIDs) admitted with -PrivateAccessLevel Endpoint.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("allowed_vpc_endpoint_ids", "AllowedVpcEndpointIds")]
        [ArgumentCompleter(typeof(VpcEndpointIdCompleter))]
        [DbxId(DbxIdKind.VpcEndpoint)]
        public string[]? AllowedVpcEndpointId { get; set; }

        /// <summary>Keep the workspaces reachable over the public internet too (subject to IP access lists). Off by default: front-end and back-end PrivateLink only.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("public_access_enabled")]
        public SwitchParameter PublicAccessEnabled { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = Name;
            CheckPasName(Name);
            CheckRegion(Region);
            var allowed = AllowedVpcEndpointId ?? new string[0];
            CheckUuids(allowed, "VPC endpoint registration", "DbxInvalidVpcEndpointId");
            var level = IsBound(nameof(PrivateAccessLevel)) ? Wire(PrivateAccessLevel) : allowed.Length > 0 ? "ENDPOINT" : "ACCOUNT";
            CheckLevel(level, allowed);
            if (!ShouldProcess($"private access settings '{Name}' in {Region} ({level}, public access {(PublicAccessEnabled ? "on" : "off")})", "Create")) return;
            CheckAllowedEndpoints(allowed, Region);
            var body = new PrivateAccessSettings
            {
                PrivateAccessSettingsName = Name,
                Region = Region,
                PrivateAccessLevel = level,
                PublicAccessEnabled = PublicAccessEnabled.IsPresent,
                AllowedVpcEndpointIds = level == "ENDPOINT" ? allowed.ToDbxList() : null,
            };
            // Private access settings carry no creation time: after a lost answer, settings with the name, region and
            // values as sent are the ones created (not private_access_level: an enum the service may extend).
            var api = new PrivateAccessSettingsApi(AccountClient);
            WriteObject(CreateOnce($"private access settings '{Name}'", ct => api.CreateAsync(body, ct), async (notBefore, ct) =>
                (await api.ListAsync(ct).ConfigureAwait(false)).LastOrDefault(p => p.PrivateAccessSettingsName == body.PrivateAccessSettingsName && p.Region == body.Region
                    && (p.PublicAccessEnabled ?? false) == body.PublicAccessEnabled
                    && new HashSet<string>(p.AllowedVpcEndpointIds ?? new List<string>(), StringComparer.OrdinalIgnoreCase).SetEquals(body.AllowedVpcEndpointIds ?? new List<string>()))));
        }
    }

    /// <summary>
    /// <para type="synopsis">Changes private access settings (the API replaces the whole object; parameters not given keep their current value).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DbxPrivateAccessSettings", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Set-DbxPrivateAccessSettings.md")]
    [OutputType(typeof(PrivateAccessSettings))]
    public sealed class SetDbxPrivateAccessSettingsCommand : PrivateAccessSettingsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("private_access_settings_id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PrivateAccessSettingsIdCompleter))]
        [DbxId(DbxIdKind.PrivateAccessSettings)]
        public string PrivateAccessSettingsId { get; set; } = "";

        [Parameter]
        public string? Name { get; set; }

        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        [Parameter]
        public PrivateAccessLevel PrivateAccessLevel { get; set; }

        /// <summary>The complete new list of admitted VPC endpoint registrations (implies -PrivateAccessLevel Endpoint); an empty array clears it.</summary>
        [Parameter]
        [AllowEmptyCollection]
        [ArgumentCompleter(typeof(VpcEndpointIdCompleter))]
        [DbxId(DbxIdKind.VpcEndpoint)]
        public string[]? AllowedVpcEndpointId { get; set; }

        [Parameter]
        public SwitchParameter PublicAccessEnabled { get; set; }

        /// <summary>Make the change even when it leaves a workspace with public access off but without PrivateLink both ways (no prompt).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = PrivateAccessSettingsId;
            if (IsBound(nameof(Name))) CheckPasName(Name);
            if (IsBound(nameof(Region))) CheckRegion(Region);
            if (AllowedVpcEndpointId != null) CheckUuids(AllowedVpcEndpointId, "VPC endpoint registration", "DbxInvalidVpcEndpointId");
            if (IsBound(nameof(PrivateAccessLevel)) && AllowedVpcEndpointId != null) CheckLevel(Wire(PrivateAccessLevel), AllowedVpcEndpointId);
            if (!ShouldProcess($"private access settings {PrivateAccessSettingsId}", "Replace")) return;

            var api = new PrivateAccessSettingsApi(AccountClient);
            var current = Run(ct => api.GetAsync(PrivateAccessSettingsId, ct));
            var level = IsBound(nameof(PrivateAccessLevel)) ? Wire(PrivateAccessLevel)
                : AllowedVpcEndpointId != null && AllowedVpcEndpointId.Length > 0 ? "ENDPOINT" : current.PrivateAccessLevel ?? "ACCOUNT";
            var allowed = level == "ENDPOINT" ? (AllowedVpcEndpointId ?? current.AllowedVpcEndpointIds?.ToArray() ?? new string[0]) : new string[0];
            var region = Region ?? current.Region ?? "";
            if (!string.Equals(region, current.Region, StringComparison.Ordinal))
                CheckNotUsedInOtherRegion(region);
            CheckAllowedEndpoints(allowed, region);
            var body = new PrivateAccessSettings
            {
                PrivateAccessSettingsId = current.PrivateAccessSettingsId,
                AccountId = current.AccountId,
                PrivateAccessSettingsName = Name ?? current.PrivateAccessSettingsName,
                Region = region,
                PrivateAccessLevel = level,
                PublicAccessEnabled = IsBound(nameof(PublicAccessEnabled)) ? PublicAccessEnabled.IsPresent : current.PublicAccessEnabled ?? false,
                AllowedVpcEndpointIds = level == "ENDPOINT" ? allowed.ToDbxList() : null,
            };
            if (body.PublicAccessEnabled != true
                && !PassesPublicAccessGuard(PublicAccessGaps(body), $"Replacing private access settings '{body.PrivateAccessSettingsName}' ({PrivateAccessSettingsId})", Force, PrivateAccessSettingsId))
                return;
            WriteObject(Run(ct => api.ReplaceAsync(PrivateAccessSettingsId, body, ct)));
        }

        /// <summary>The workspaces using these settings that would have public access off without PrivateLink both ways.</summary>
        private List<string> PublicAccessGaps(PrivateAccessSettings resulting)
        {
            var users = Run(ct => new WorkspacesApi(AccountClient).ListAsync(ct))
                .Where(w => string.Equals(w.PrivateAccessSettingsId, PrivateAccessSettingsId, StringComparison.OrdinalIgnoreCase)).ToList();
            if (users.Count == 0) return new List<string>();
            var networks = Run(ct => new NetworksApi(AccountClient).ListAsync(ct));
            var registrations = ReadRegistrations();
            return users.Select(w => PrivateLinkCoverage.PublicAccessOffGap(w,
                    networks.FirstOrDefault(n => !string.IsNullOrEmpty(w.NetworkId) && string.Equals(n.NetworkId, w.NetworkId, StringComparison.OrdinalIgnoreCase)),
                    resulting, registrations))
                .OfType<string>().ToList();
        }

        private void CheckNotUsedInOtherRegion(string region)
        {
            var users = Run(ct => new WorkspacesApi(AccountClient).ListAsync(ct))
                .Where(w => string.Equals(w.PrivateAccessSettingsId, PrivateAccessSettingsId, StringComparison.OrdinalIgnoreCase) && !string.Equals(w.Region, region, StringComparison.Ordinal)).ToList();
            if (users.Count > 0)
                throw new DbxValidationException("DbxRegionMismatch",
                    $"Private access settings {PrivateAccessSettingsId} are used by workspace {string.Join(", ", users.Select(w => $"'{w.WorkspaceName}' ({w.WorkspaceId}) in {w.Region}"))}; they cannot move to {region}.", region);
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes private access settings; refuses, naming the workspace, while a workspace uses them.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxPrivateAccessSettings", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxPrivateAccessSettings.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveDbxPrivateAccessSettingsCommand : ClassicCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("private_access_settings_id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(PrivateAccessSettingsIdCompleter))]
        [DbxId(DbxIdKind.PrivateAccessSettings)]
        public string[] PrivateAccessSettingsId { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecordCore()
        {
            RemoveEach(PrivateAccessSettingsId, Force, "private access settings", id => CheckNotUsed("Private access settings", id, w => string.Equals(w.PrivateAccessSettingsId, id, StringComparison.OrdinalIgnoreCase), "DbxPrivateAccessSettingsInUse"), new PrivateAccessSettingsApi(AccountClient).DeleteAsync);
        }
    }
}
