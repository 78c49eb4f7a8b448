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
    /// <summary>
    /// <para type="synopsis">Gets network configurations (customer-managed VPCs) of the account: by id, by name (wildcards), or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxNetworkConfiguration", DefaultParameterSetName = ByName)]
    [OutputType(typeof(Network))]
    public sealed class GetDbxNetworkConfigurationCommand : ClassicCmdlet
    {
        private const string ById = "ById";
        private const string ByName = "ByName";

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("network_id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NetworkIdCompleter))]
        [DbxId(DbxIdKind.Network)]
        public string[] NetworkId { get; set; } = new string[0];

        [Parameter(ParameterSetName = ByName, Position = 0)]
        [Alias("network_name")]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = new NetworksApi(AccountClient);
            if (ParameterSetName == ById) WriteEachById(NetworkId, api.GetAsync);
            else WriteByName(api.ListAsync, Name, n => n.NetworkName, "network configuration", "DbxNetworkNotFound");
        }
    }

    /// <summary>
    /// <para type="synopsis">Registers a customer-managed VPC (subnets, security groups and, for back-end PrivateLink, VPC endpoint registrations) as a network configuration.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxNetworkConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(Network))]
    public sealed class NewDbxNetworkConfigurationCommand : ClassicCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("network_name", "NetworkName")]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_id")]
        public string VpcId { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("subnet_ids", "SubnetIds")]
        public string[] SubnetId { get; set; } = new string[0];

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("security_group_ids", "SecurityGroupIds")]
        public string[] SecurityGroupId { get; set; } = new string[0];

        /// <summary>VPC endpoint registration ids (Databricks UUIDs, not vpce- ids) of the workspace (REST API) service, for back-end PrivateLink.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("rest_api", "RestApiVpcEndpointIds")]
        [ArgumentCompleter(typeof(VpcEndpointIdCompleter))]
        [DbxId(DbxIdKind.VpcEndpoint)]
        public string[]? RestApiVpcEndpointId { get; set; }

        /// <summary>VPC endpoint registration ids of the secure cluster connectivity relay service, for back-end PrivateLink.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("dataplane_relay", "DataplaneRelayVpcEndpointIds", "RelayVpcEndpointId")]
        [ArgumentCompleter(typeof(VpcEndpointIdCompleter))]
        [DbxId(DbxIdKind.VpcEndpoint)]
        public string[]? DataplaneRelayVpcEndpointId { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = Name;
            CheckName(Name, "network configuration", "DbxInvalidName");
            if (!Validation.Ids.IsAwsId(VpcId, "vpc"))
                throw new DbxValidationException("DbxInvalidVpcId", $"'{VpcId}' is not a well-formed VPC id: expected 'vpc-' followed by 8 or 17 lower-case hex digits.", VpcId);
            if (SubnetId.Length < 2)
                throw new DbxValidationException("DbxInvalidSubnetIds", $"A network configuration needs at least 2 subnets, each in a different availability zone (got {SubnetId.Length}).", SubnetId);
            CheckAwsIds(SubnetId, "subnet", "subnet", "DbxInvalidSubnetIds");
            if (SecurityGroupId.Length < 1 || SecurityGroupId.Length > 5)
                throw new DbxValidationException("DbxInvalidSecurityGroupIds", $"A network configuration needs 1 to 5 security groups (got {SecurityGroupId.Length}).", SecurityGroupId);
            CheckAwsIds(SecurityGroupId, "sg", "security group", "DbxInvalidSecurityGroupIds");
            var rest = RestApiVpcEndpointId ?? new string[0];
            var relay = DataplaneRelayVpcEndpointId ?? new string[0];
            CheckUuids(rest.Concat(relay), "VPC endpoint registration", "DbxInvalidVpcEndpointId");
            var both = rest.Intersect(relay, StringComparer.OrdinalIgnoreCase).FirstOrDefault();
            if (both != null)
                throw new DbxValidationException("DbxInvalidVpcEndpointUseCase", $"VPC endpoint registration {both} is in both the REST API and the relay list; a registration serves one use case.", both);

            if (!ShouldProcess($"network configuration '{Name}' (VPC {VpcId}, subnets {string.Join(", ", SubnetId)})", "Create")) return;

            // Checks that need the account's current objects (read only; nothing is created when one fails).
            var networks = Run(ct => new NetworksApi(AccountClient).ListAsync(ct));
            foreach (var n in networks)
            {
                var subnet = n.SubnetIds?.Intersect(SubnetId, StringComparer.Ordinal).FirstOrDefault();
                if (subnet != null)
                    throw new DbxValidationException("DbxSubnetInUse", $"Subnet {subnet} is already used by network configuration '{n.NetworkName}' ({n.NetworkId}); a subnet can be in only one network configuration.", subnet, ErrorCategory.ResourceExists);
                var sg = n.SecurityGroupIds?.Intersect(SecurityGroupId, StringComparer.Ordinal).FirstOrDefault();
                if (sg != null)
                    throw new DbxValidationException("DbxSecurityGroupInUse", $"Security group {sg} is already used by network configuration '{n.NetworkName}' ({n.NetworkId}); a security group can be in only one network configuration.", sg, ErrorCategory.ResourceExists);
            }
            if (rest.Length + relay.Length > 0)
            {
                var registrations = Run(ct => new VpcEndpointsApi(AccountClient).ListAsync(ct)).ToDictionary(e => e.VpcEndpointId ?? "", StringComparer.OrdinalIgnoreCase);
                CheckUseCases(rest, registrations, relayList: false);
                CheckUseCases(relay, registrations, relayList: true);
            }

            var body = new Network
            {
                NetworkName = Name,
                VpcId = VpcId,
                SubnetIds = SubnetId.ToDbxList(),
                SecurityGroupIds = SecurityGroupId.ToDbxList(),
                VpcEndpoints = rest.Length + relay.Length > 0 ? new NetworkVpcEndpoints { RestApi = rest.ToDbxList(), DataplaneRelay = relay.ToDbxList() } : null,
            };
            // A subnet belongs to one network configuration, so after a lost answer the new one is the one with these subnets.
            var api = new NetworksApi(AccountClient);
            var before = new HashSet<string>(networks.Select(n => n.NetworkId ?? ""), StringComparer.OrdinalIgnoreCase);
            WriteObject(CreateOnce($"network configuration '{Name}'", ct => api.CreateAsync(body, ct), async (notBefore, ct) =>
                (await api.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(n => !before.Contains(n.NetworkId ?? "") && n.NetworkName == body.NetworkName
                    && new HashSet<string>(n.SubnetIds ?? new List<string>(), StringComparer.Ordinal).SetEquals(body.SubnetIds))));
        }

        private static void CheckUseCases(IEnumerable<string> ids, IDictionary<string, VpcEndpoint> registrations, bool relayList)
        {
            foreach (var id in ids)
            {
                if (!registrations.TryGetValue(id, out var reg))
                    throw new DbxValidationException("DbxVpcEndpointNotFound", $"VPC endpoint registration {id} does not exist in this account (list them with Get-DbxVpcEndpointRegistration).", id, ErrorCategory.ObjectNotFound);
                var isRelay = string.Equals(reg.UseCase, "DATAPLANE_RELAY_ACCESS", StringComparison.Ordinal);
                if (isRelay != relayList)
                    throw new DbxValidationException("DbxInvalidVpcEndpointUseCase",
                        $"VPC endpoint registration '{reg.VpcEndpointName}' ({id}) has use case {reg.UseCase}; put it in {(isRelay ? "-DataplaneRelayVpcEndpointId" : "-RestApiVpcEndpointId")}, not {(relayList ? "-DataplaneRelayVpcEndpointId" : "-RestApiVpcEndpointId")}.", id);
            }
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes network configurations; refuses (naming the workspace) while a workspace uses one.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxNetworkConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveDbxNetworkConfigurationCommand : ClassicCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("network_id")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NetworkIdCompleter))]
        [DbxId(DbxIdKind.Network)]
        public string[] NetworkId { get; set; } = new string[0];

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecordCore()
        {
            RemoveEach(NetworkId, Force, "network configuration", id => CheckNotUsed("Network configuration", id, w => string.Equals(w.NetworkId, id, StringComparison.OrdinalIgnoreCase), "DbxNetworkInUse"), new NetworksApi(AccountClient).DeleteAsync);
        }
    }
}
