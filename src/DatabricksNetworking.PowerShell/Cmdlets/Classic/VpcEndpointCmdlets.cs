using System;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Classic
{
    /// <summary>
    /// <para type="synopsis">Gets VPC endpoint registrations of the account: by id, by name (wildcards), or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxVpcEndpointRegistration", DefaultParameterSetName = ByName, HelpUri = DbxCmdlet.HelpBase + "Get-DbxVpcEndpointRegistration.md")]
    [OutputType(typeof(VpcEndpoint))]
    public sealed class GetDbxVpcEndpointRegistrationCommand : ClassicCmdlet
    {
        private const string ById = "ById";
        private const string ByName = "ByName";

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_endpoint_id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(VpcEndpointIdCompleter))]
        [DbxId(DbxIdKind.VpcEndpoint)]
        public string[] VpcEndpointId { get; set; } = new string[0];

        [Parameter(ParameterSetName = ByName, Position = 0)]
        [Alias("vpc_endpoint_name")]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        /// <summary>Only registrations of these AWS endpoints (vpce- ids).</summary>
        [Parameter(ParameterSetName = ByName)]
        public string[]? AwsVpcEndpointId { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new VpcEndpointsApi(AccountClient);
            if (ParameterSetName == ById) WriteEachById(VpcEndpointId, api.GetAsync);
            else WriteByName(api.ListAsync, Name, e => e.VpcEndpointName, "VPC endpoint registration", "DbxVpcEndpointNotFound", e => AwsVpcEndpointId == null || AwsVpcEndpointId.Contains(e.AwsVpcEndpointId ?? "", StringComparer.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// <para type="synopsis">Registers an AWS interface VPC endpoint (to the Databricks workspace or relay service) with the account, optionally waiting until it is available.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxVpcEndpointRegistration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxVpcEndpointRegistration.md")]
    [OutputType(typeof(VpcEndpoint))]
    public sealed class NewDbxVpcEndpointRegistrationCommand : ClassicCmdlet
    {
        /// <summary>The AWS endpoint id (vpce-…); binds from AWS endpoint objects piped in.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("aws_vpc_endpoint_id")]
        public string AwsVpcEndpointId { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string Region { get; set; } = "";

        /// <summary>Registration name (4–256 characters); defaults to the AWS endpoint id.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_endpoint_name", "VpcEndpointName")]
        public string? Name { get; set; }

        /// <summary>Wait until the registration's state is 'available'; fail on 'rejected', 'failed' and other end states.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 900;

        protected override void ProcessRecordCore()
        {
            CurrentTarget = AwsVpcEndpointId;
            if (!Validation.Ids.IsAwsId(AwsVpcEndpointId, "vpce"))
                throw new DbxValidationException("DbxInvalidAwsVpcEndpointId", $"'{AwsVpcEndpointId}' is not a well-formed AWS VPC endpoint id: expected 'vpce-' followed by 8 or 17 lower-case hex digits.", AwsVpcEndpointId);
            CheckRegion(Region);
            var name = string.IsNullOrEmpty(Name) ? AwsVpcEndpointId : Name;
            CheckName(name, "VPC endpoint registration", "DbxInvalidName");
            if (!ShouldProcess($"AWS endpoint {AwsVpcEndpointId} in {Region} as '{name}'", "Register")) return;

            var api = new VpcEndpointsApi(AccountClient);
            var body = new VpcEndpoint { VpcEndpointName = name, AwsVpcEndpointId = AwsVpcEndpointId, Region = Region };
            // After a lost answer, the registration of this AWS endpoint in this region under this name is the one created.
            var created = CreateOnce($"VPC endpoint registration '{name}' of {AwsVpcEndpointId}", ct => api.CreateAsync(body, ct), async (notBefore, ct) =>
                (await api.ListAsync(ct).ConfigureAwait(false)).LastOrDefault(e => e.AwsVpcEndpointId == body.AwsVpcEndpointId && e.Region == body.Region && e.VpcEndpointName == body.VpcEndpointName));
            if (!Wait) { WriteObject(created); return; }

            var final = WaitForEnd($"Registering {AwsVpcEndpointId}", () => Run(ct => api.GetAsync(created.VpcEndpointId!, ct)), e => e.State, e => Classify(e.State), TimeoutSec,
                created, $"The registration {created.VpcEndpointId} exists; check it with Get-DbxVpcEndpointRegistration.", "DbxVpcEndpointNotAvailable",
                f => $"VPC endpoint registration '{f.VpcEndpointName}' ({f.VpcEndpointId}) for {f.AwsVpcEndpointId} ended in state '{f.State}', not 'available'. Check the endpoint in AWS (service name, region, acceptance), then remove the registration with Remove-DbxVpcEndpointRegistration.");
            if (final != null) WriteObject(final);
        }

        /// <summary>available → done; pending / pendingAcceptance → keep waiting; anything else (rejected, failed, expired, deleted …) → failed.</summary>
        internal static WaitOutcome? Classify(string? state)
        {
            var s = (state ?? "").Replace("-", "").Replace("_", "").ToLowerInvariant();
            if (s == "available") return WaitOutcome.Done;
            if (s == "pending" || s == "pendingacceptance" || s.Length == 0) return null;
            return WaitOutcome.Failed;
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes VPC endpoint registrations (not the AWS endpoints); refuses, naming the workspace, while a workspace uses one.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxVpcEndpointRegistration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxVpcEndpointRegistration.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveDbxVpcEndpointRegistrationCommand : ClassicCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_endpoint_id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(VpcEndpointIdCompleter))]
        [DbxId(DbxIdKind.VpcEndpoint)]
        public string[] VpcEndpointId { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecordCore()
        {
            RemoveEach(VpcEndpointId, Force, "VPC endpoint registration", CheckVpcEndpointNotUsed, new VpcEndpointsApi(AccountClient).DeleteAsync);
        }

        /// <summary>A registration is in use when a workspace's network configuration lists it, or a workspace's private access settings allow it.</summary>
        private void CheckVpcEndpointNotUsed(string id)
        {
            bool Has(System.Collections.Generic.IEnumerable<string>? ids) => ids != null && ids.Contains(id, StringComparer.OrdinalIgnoreCase);
            var networks = Run(ct => new NetworksApi(AccountClient).ListAsync(ct))
                .Where(n => Has(n.VpcEndpoints?.RestApi) || Has(n.VpcEndpoints?.DataplaneRelay)).Select(n => n.NetworkId).ToList();
            var settings = Run(ct => new PrivateAccessSettingsApi(AccountClient).ListAsync(ct))
                .Where(p => Has(p.AllowedVpcEndpointIds)).Select(p => p.PrivateAccessSettingsId).ToList();
            if (networks.Count == 0 && settings.Count == 0) return;
            CheckNotUsed("VPC endpoint registration", id,
                w => networks.Contains(w.NetworkId, StringComparer.OrdinalIgnoreCase) || settings.Contains(w.PrivateAccessSettingsId, StringComparer.OrdinalIgnoreCase),
                "DbxVpcEndpointInUse");
        }
    }
}
