using System;
using System.Collections.Generic;
using System.Linq;
using DatabricksNetworking.Aws;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Posture
{
    /// <summary>What Deploy-DbxPrivateLinkWorkspace is asked to build.</summary>
    public sealed class PrivateLinkDeploymentRequest
    {
        public string Name { get; set; } = "";
        public string Region { get; set; } = "";
        public string VpcId { get; set; } = "";
        public IReadOnlyList<string> SubnetIds { get; set; } = new string[0];
        public IReadOnlyList<string> EndpointSubnetIds { get; set; } = new string[0];
        public string CredentialsId { get; set; } = "";
        public string StorageConfigurationId { get; set; } = "";
        public bool FrontEnd { get; set; }
        /// <summary>Also a Service Direct front end: an interface endpoint to the region's Service Direct service,
        /// registered through the networking v1 endpoints API and APPROVED by Databricks.</summary>
        public bool ServiceDirect { get; set; }
        public bool PublicAccessEnabled { get; set; } = true;

        /// <summary>Users come in through PrivateLink (a front-end registration or a Service Direct endpoint).</summary>
        public bool AnyFrontEnd => FrontEnd || ServiceDirect;
        /// <summary>ACCOUNT or ENDPOINT when asked for (-PrivateAccessLevel); null: the default below.</summary>
        public string? RequestedPrivateAccessLevel { get; set; }
        /// <summary>By default ACCOUNT with Service Direct (the PAS admits every endpoint of the account, the Service Direct
        /// one included) and ENDPOINT otherwise. allowed_vpc_endpoint_ids takes VPC endpoint registration ids only (the
        /// vpc_endpoint_id of /vpc-endpoints: Go SDK provisioning docs, Terraform mws_private_access_settings), never a
        /// networking v1 endpoint_id; so ENDPOINT with Service Direct also registers the Service Direct endpoint as a VPC
        /// endpoint (as the SRA's databricks_mws_vpc_endpoint "service_direct" does) and lists that registration.</summary>
        public string PrivateAccessLevel => RequestedPrivateAccessLevel ?? (ServiceDirect ? "ACCOUNT" : "ENDPOINT");
        /// <summary>ENDPOINT with Service Direct: the Service Direct endpoint gets a VPC endpoint registration too, for the list.</summary>
        public bool RegistersServiceDirectVpcEndpoint => ServiceDirect && PrivateAccessLevel == "ENDPOINT";

        public string WorkspaceGroupName => "databricks-workspace-" + VpcId;
        public string EndpointGroupName => "databricks-endpoint-" + VpcId;
        public string EndpointName(string role) => $"databricks-{role}-{VpcId}";
        public string RegistrationName(string role) => $"{Name}-{role}";
        public string NetworkName => Name + "-network";
        public string PrivateAccessSettingsName => Name + "-pas";
    }

    /// <summary>What exists already (read by the cmdlet; the planner itself sends nothing).</summary>
    public sealed class PrivateLinkDeploymentFacts
    {
        public AwsVpcFacts Vpc { get; set; } = new AwsVpcFacts();
        public IReadOnlyList<AwsSecurityGroup> SecurityGroups { get; set; } = new AwsSecurityGroup[0];
        public IReadOnlyList<VpcEndpoint> Registrations { get; set; } = new VpcEndpoint[0];
        /// <summary>Registered endpoints of the networking v1 API (read only with Service Direct).</summary>
        public IReadOnlyList<NetworkEndpoint> NetworkEndpoints { get; set; } = new NetworkEndpoint[0];
        public IReadOnlyList<Network> Networks { get; set; } = new Network[0];
        public IReadOnlyList<PrivateAccessSettings> PrivateAccessSettings { get; set; } = new PrivateAccessSettings[0];
        public IReadOnlyList<Workspace> Workspaces { get; set; } = new Workspace[0];
    }

    public enum DeploymentStepKind
    {
        ReadinessCheck, WorkspaceSecurityGroup, EndpointSecurityGroup, WorkspaceEndpoint, RelayEndpoint, FrontEndEndpoint,
        WorkspaceEndpointRegistration, RelayEndpointRegistration, FrontEndEndpointRegistration,
        NetworkConfiguration, PrivateAccessSettings, Workspace, WaitRunning, Reachability,
        /// <summary>The interface endpoint to the region's Service Direct service (planned after FrontEndEndpoint).</summary>
        ServiceDirectEndpoint,
        /// <summary>Its registered endpoint (networking v1), waited for until APPROVED (planned after FrontEndEndpointRegistration).</summary>
        ServiceDirectRegistration,
        /// <summary>With -PrivateAccessLevel Endpoint: its VPC endpoint registration (/vpc-endpoints), the id an ENDPOINT-level
        /// PAS lists (planned after ServiceDirectRegistration).</summary>
        ServiceDirectVpcEndpointRegistration,
    }

    /// <summary>One step of the plan: what it creates or reuses, and (after a run) how it went.</summary>
    public sealed class DeploymentStep
    {
        public int Order { get; set; }
        public DeploymentStepKind Kind { get; set; }
        /// <summary>Check, Create, Reuse, Repair, Wait or Blocked. Repair: a FAILED workspace of an earlier run is updated in
        /// place (PATCH of its configuration ids) and so deployed again.</summary>
        public string Action { get; set; } = "";
        /// <summary>The name of what the step makes or finds.</summary>
        public string Target { get; set; } = "";
        public string? Id { get; set; }
        public string Detail { get; set; } = "";
        public string? HowToFix { get; set; }
        /// <summary>Planned, Done, Failed or NotRun.</summary>
        public string Status { get; set; } = "Planned";
        /// <summary>The step sends a change (Create or Repair): it asks ShouldProcess, and -WhatIf skips it.</summary>
        public bool Changes => Action == "Create" || Action == "Repair";
        public override string ToString() => $"{Order,2}. {Action} {Kind} {Target}{(Id != null ? " (" + Id + ")" : "")}";
    }

    /// <summary>The result: every id of the deployment, what this run created and what it reused.</summary>
    public sealed class PrivateLinkDeployment
    {
        public string Name { get; set; } = "";
        public string Region { get; set; } = "";
        public string VpcId { get; set; } = "";
        public string? WorkspaceSecurityGroupId { get; set; }
        public string? EndpointSecurityGroupId { get; set; }
        public string? WorkspaceAwsVpcEndpointId { get; set; }
        public string? RelayAwsVpcEndpointId { get; set; }
        public string? FrontEndAwsVpcEndpointId { get; set; }
        public string? RestApiVpcEndpointId { get; set; }
        public string? RelayVpcEndpointId { get; set; }
        public string? FrontEndVpcEndpointId { get; set; }
        public string? ServiceDirectAwsVpcEndpointId { get; set; }
        /// <summary>The registered endpoint (networking v1 endpoint_id) of the Service Direct endpoint.</summary>
        public string? ServiceDirectEndpointId { get; set; }
        public string? ServiceDirectEndpointState { get; set; }
        /// <summary>With -PrivateAccessLevel Endpoint: the VPC endpoint registration (vpc_endpoint_id) of the Service Direct endpoint.</summary>
        public string? ServiceDirectVpcEndpointId { get; set; }
        public string? NetworkId { get; set; }
        public string? PrivateAccessSettingsId { get; set; }
        public long? WorkspaceId { get; set; }
        public string? WorkspaceStatus { get; set; }
        public string? DeploymentName { get; set; }
        public DbxList<string> Created { get; set; } = new string[0];
        public DbxList<string> Reused { get; set; } = new string[0];
        /// <summary>What this run repaired in place: a FAILED workspace of an earlier run, updated and deployed again (same id).
        /// Not in Created, so -Rollback never removes it.</summary>
        public DbxList<string> Repaired { get; set; } = new string[0];
        public DbxList<DeploymentStep> Steps { get; set; } = new DeploymentStep[0];
    }

    /// <summary>Pure planner of a PrivateLink workspace from an existing VPC: what exists → the ordered steps.
    /// Everything is found by its natural key (security group name, endpoint Name tag, registration of the AWS
    /// endpoint, configuration names, workspace name and region), so a second run resumes where the first stopped.</summary>
    public static class PrivateLinkDeploymentPlanner
    {
        private static readonly string[] DeadEndpointStates = { "deleted", "deleting", "failed", "rejected", "expired" };

        /// <summary>What a Repair step PATCHes (update_mask): the ids this run made or found. All four are fields the service
        /// updates on a failed workspace (Go SDK provisioning WorkspacesService.Update before v0.86: "For a failed workspace,
        /// this request supports updates to the following fields only: Credential configuration ID, Storage configuration
        /// ID, Network configuration ID, ... Private access settings ID ..."; docs "Update a running or failed workspace").</summary>
        public static readonly IReadOnlyList<string> RepairFields = new[] { "credentials_id", "network_id", "private_access_settings_id", "storage_configuration_id" };

        public static IReadOnlyList<DeploymentStep> Plan(PrivateLinkDeploymentRequest r, PrivateLinkDeploymentFacts f)
        {
            var steps = new List<DeploymentStep>();
            void Add(DeploymentStepKind kind, string action, string target, string? id, string detail, string? fix = null) =>
                steps.Add(new DeploymentStep { Order = steps.Count + 1, Kind = kind, Action = action, Target = target, Id = id, Detail = detail, HowToFix = fix });

            // 1. Readiness: the VPC must work before anything is made (DNS, zones, masks; ports are the groups' own rules).
            // The workspace subnets only (the endpoint subnets are read too); no default route is fine: this plan makes both endpoints.
            var workspaceSubnets = new AwsVpcFacts
            {
                VpcId = f.Vpc.VpcId, Region = f.Vpc.Region, CidrBlocks = f.Vpc.CidrBlocks, EnableDnsHostnames = f.Vpc.EnableDnsHostnames, EnableDnsSupport = f.Vpc.EnableDnsSupport,
                Subnets = f.Vpc.Subnets.Where(s => r.SubnetIds.Contains(s.SubnetId)).ToArray(),
                SecurityGroups = f.Vpc.SecurityGroups, RouteTables = f.Vpc.RouteTables, DatabricksEndpoints = f.Vpc.DatabricksEndpoints,
            };
            var failed = VpcChecks.Evaluate(workspaceSubnets, r.SubnetIds, null).Where(c => !c.Passed && c.Name != "OutboundRoute").ToList();
            var endpointSubnetsMissing = r.EndpointSubnetIds.Where(id => !f.Vpc.Subnets.Any(s => s.SubnetId == id && s.VpcId == r.VpcId)).ToList();
            if (endpointSubnetsMissing.Count > 0)
                failed.Add(new AwsVpcCheck(r.VpcId, "EndpointSubnetsInVpc", false, $"Endpoint subnets not in {r.VpcId}: {string.Join(", ", endpointSubnetsMissing)}.", $"Give -EndpointSubnetId subnets of {r.VpcId}."));
            if (!r.PublicAccessEnabled && !r.AnyFrontEnd)
                failed.Add(new AwsVpcCheck(r.VpcId, "PublicAccess", false, "-PublicAccess Disabled without -FrontEnd or -ServiceDirect leaves the users no way in (Databricks then accepts only PrivateLink connections).", "Add -FrontEnd or -ServiceDirect, or keep -PublicAccess Enabled."));
            if (failed.Count == 0) Add(DeploymentStepKind.ReadinessCheck, "Check", r.VpcId, null, "DNS hostnames and resolution, subnets in two zones with /17-/26 masks, endpoint subnets in the VPC.");
            else Add(DeploymentStepKind.ReadinessCheck, "Blocked", r.VpcId, null, string.Join(" ", failed.Select(c => c.Name + ": " + c.Detail)), string.Join(" ", failed.Select(c => c.HowToFix)));

            // 2-3. Security groups, by name in the VPC.
            Group(DeploymentStepKind.WorkspaceSecurityGroup, r.WorkspaceGroupName, "the workspace group: all traffic within the group, the Databricks ports out");
            Group(DeploymentStepKind.EndpointSecurityGroup, r.EndpointGroupName, "the endpoint group: the endpoint ports from the workspace group");

            // 4-6. Interface endpoints, by their Name tag in the VPC.
            var endpoints = new Dictionary<string, AwsVpcEndpoint?>();
            Endpoint(DeploymentStepKind.WorkspaceEndpoint, "workspace", "Workspace (REST API) service");
            Endpoint(DeploymentStepKind.RelayEndpoint, "relay", "secure cluster connectivity relay service");
            if (r.FrontEnd) Endpoint(DeploymentStepKind.FrontEndEndpoint, "frontend", "Workspace service, for the users (front-end)");
            if (r.ServiceDirect) Endpoint(DeploymentStepKind.ServiceDirectEndpoint, "servicedirect", "Service Direct service, for the users (front-end)");

            // 7-9. Registrations of those endpoints with the account, by AWS endpoint id and region.
            var regs = new Dictionary<string, VpcEndpoint?>();
            Register(DeploymentStepKind.WorkspaceEndpointRegistration, "workspace", "rest");
            Register(DeploymentStepKind.RelayEndpointRegistration, "relay", "relay");
            if (r.FrontEnd) Register(DeploymentStepKind.FrontEndEndpointRegistration, "frontend", "frontend");
            if (r.ServiceDirect) RegisterServiceDirect();
            if (r.RegistersServiceDirectVpcEndpoint) Register(DeploymentStepKind.ServiceDirectVpcEndpointRegistration, "servicedirect", "servicedirect");

            // 10. Network configuration, by name.
            var net = f.Networks.FirstOrDefault(n => n.NetworkName == r.NetworkName);
            if (net == null) Add(DeploymentStepKind.NetworkConfiguration, "Create", r.NetworkName, null, $"{r.VpcId}, subnets {string.Join(", ", r.SubnetIds)}, the workspace group, REST API and relay registrations.");
            else if (net.VpcId != r.VpcId || (net.WorkspaceId.HasValue && !f.Workspaces.Any(w => w.WorkspaceId == net.WorkspaceId && w.WorkspaceName == r.Name)))
                Add(DeploymentStepKind.NetworkConfiguration, "Blocked", r.NetworkName, net.NetworkId,
                    $"A network configuration named '{r.NetworkName}' exists for {net.VpcId}{(net.WorkspaceId.HasValue ? ", used by workspace " + net.WorkspaceId : "")}.",
                    "Give the deployment another -Name, or remove that network configuration.");
            else Add(DeploymentStepKind.NetworkConfiguration, "Reuse", r.NetworkName, net.NetworkId, $"{net.VpcId}, {net.VpcStatus ?? "UNATTACHED"}.");

            // 11. Private access settings, by name.
            var pas = f.PrivateAccessSettings.FirstOrDefault(p => p.PrivateAccessSettingsName == r.PrivateAccessSettingsName && p.Region == r.Region);
            var pasDetail = r.PrivateAccessLevel == "ACCOUNT"
                ? $"public access {(r.PublicAccessEnabled ? "on" : "off")}, level ACCOUNT, admitting every endpoint registered in the account{(r.ServiceDirect ? ", the Service Direct one included" : "")}."
                : $"public access {(r.PublicAccessEnabled ? "on" : "off")}, level ENDPOINT, admitting the {(r.FrontEnd ? "front-end, " : "")}{(r.ServiceDirect ? "Service Direct (its VPC endpoint registration), " : "")}REST API registration{(r.AnyFrontEnd ? "s" : "")}.";
            if (pas == null) Add(DeploymentStepKind.PrivateAccessSettings, "Create", r.PrivateAccessSettingsName, null, pasDetail);
            else if ((pas.PublicAccessEnabled ?? false) != r.PublicAccessEnabled || !string.Equals(pas.PrivateAccessLevel ?? "ACCOUNT", r.PrivateAccessLevel, StringComparison.OrdinalIgnoreCase))
                Add(DeploymentStepKind.PrivateAccessSettings, "Blocked", r.PrivateAccessSettingsName, pas.PrivateAccessSettingsId,
                    $"The private access settings '{r.PrivateAccessSettingsName}' exist with public access {(pas.PublicAccessEnabled == true ? "on" : "off")} at level {pas.PrivateAccessLevel ?? "ACCOUNT"}; this run needs public access {(r.PublicAccessEnabled ? "on" : "off")} at level {r.PrivateAccessLevel}.",
                    "Change them with Set-DbxPrivateAccessSettings, or give -PublicAccess and -PrivateAccessLevel to match.");
            else Add(DeploymentStepKind.PrivateAccessSettings, "Reuse", r.PrivateAccessSettingsName, pas.PrivateAccessSettingsId, pasDetail);

            // 12-14. Workspace, by name and region; then wait and check.
            var ws = f.Workspaces.FirstOrDefault(w => w.WorkspaceName == r.Name && string.Equals(w.Region, r.Region, StringComparison.OrdinalIgnoreCase));
            var wsId = ws?.WorkspaceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (ws == null) Add(DeploymentStepKind.Workspace, "Create", r.Name, null, $"in {r.Region} on the network configuration and private access settings above.");
            // A FAILED workspace is repaired in place: the service takes new credentials, storage, network and private access
            // settings ids for a failed workspace and deploys it again (FAILED -> PROVISIONING -> RUNNING, or FAILED again).
            else if (ws.WorkspaceStatus == "FAILED")
                Add(DeploymentStepKind.Workspace, "Repair", r.Name, wsId,
                    $"FAILED ({ws.WorkspaceStatusMessage}): update it in place with {string.Join(", ", RepairFields)} of this run, so that it is deployed again.");
            else if (ws.WorkspaceStatus == "BANNED" || ws.WorkspaceStatus == "CANCELLING")
                Add(DeploymentStepKind.Workspace, "Blocked", r.Name, wsId,
                    $"Workspace '{r.Name}' exists and is {ws.WorkspaceStatus}: {ws.WorkspaceStatusMessage}",
                    ws.WorkspaceStatus == "BANNED" ? "A BANNED workspace cannot be updated; ask Databricks support, or remove it (Remove-DbxWorkspace) and run the deployment again."
                        : "It is being deleted; wait until it is gone (Get-DbxWorkspace), then run the deployment again.");
            else Add(DeploymentStepKind.Workspace, "Reuse", r.Name, wsId, $"{ws.WorkspaceStatus}.");
            Add(DeploymentStepKind.WaitRunning, ws?.WorkspaceStatus == "RUNNING" ? "Check" : "Wait", r.Name, null, ws?.WorkspaceStatus == "FAILED" ? "PROVISIONING to RUNNING after the repair." : "PROVISIONING to RUNNING.");
            Add(DeploymentStepKind.Reachability, "Check", r.Name, null, "The network configuration is VALID and the workspace has PrivateLink " + (r.AnyFrontEnd ? "both ways." : "back-end (users over the internet)."));
            return steps;

            void Group(DeploymentStepKind kind, string name, string what)
            {
                var g = f.SecurityGroups.FirstOrDefault(x => x.GroupName == name && x.VpcId == r.VpcId);
                Add(kind, g == null ? "Create" : "Reuse", name, g?.SecurityGroupId, what);
            }

            void Endpoint(DeploymentStepKind kind, string role, string what)
            {
                var name = r.EndpointName(role);
                var e = f.Vpc.DatabricksEndpoints.Where(x => x.VpcId == r.VpcId && !DeadEndpointStates.Contains(x.State, StringComparer.OrdinalIgnoreCase)
                    && x.Tags.TryGetValue("Name", out var n) && n == name).FirstOrDefault();
                endpoints[role] = e;
                Add(kind, e == null ? "Create" : "Reuse", name, e?.AwsVpcEndpointId, $"interface endpoint to the {what}, private DNS on, in {string.Join(", ", r.EndpointSubnetIds)}.");
            }

            void Register(DeploymentStepKind kind, string role, string suffix)
            {
                var e = endpoints[role];
                var reg = e == null ? null : f.Registrations.FirstOrDefault(x => x.AwsVpcEndpointId == e.AwsVpcEndpointId && x.Region == r.Region);
                regs[role] = reg;
                Add(kind, reg == null ? "Create" : "Reuse", reg?.VpcEndpointName ?? r.RegistrationName(suffix), reg?.VpcEndpointId,
                    $"registration of {(e?.AwsVpcEndpointId ?? "the " + role + " endpoint")} with the account.");
            }

            // The Service Direct endpoint is registered through the networking v1 endpoints API (found by AWS endpoint id and region).
            void RegisterServiceDirect()
            {
                var e = endpoints["servicedirect"];
                var reg = e == null ? null : f.NetworkEndpoints.FirstOrDefault(x => x.AwsVpcEndpointId == e.AwsVpcEndpointId && x.Region == r.Region);
                var target = reg?.DisplayName ?? ServiceDirectDisplayName(r);
                var what = $"registered endpoint (networking v1, use case SERVICE_DIRECT) of {(e?.AwsVpcEndpointId ?? "the Service Direct endpoint")}, waited for until APPROVED.";
                if (reg == null) Add(DeploymentStepKind.ServiceDirectRegistration, "Create", target, null, what);
                else if (reg.State == "FAILED" || reg.State == "DISCONNECTED")
                    Add(DeploymentStepKind.ServiceDirectRegistration, "Blocked", target, reg.EndpointId,
                        $"The registered endpoint '{reg.DisplayName}' ({reg.EndpointId}) of {e!.AwsVpcEndpointId} is {reg.State}.",
                        $"Check that {e.AwsVpcEndpointId} is available and connects to the Service Direct service of {r.Region}, remove the registration (Remove-DbxNetworkEndpoint -EndpointId {reg.EndpointId}) and run the deployment again.");
                else Add(DeploymentStepKind.ServiceDirectRegistration, "Reuse", target, reg.EndpointId, $"{reg.State}; {what}");
            }
        }

        /// <summary>The body of a Repair step's PATCH (the keys are its update_mask): this run's credentials and storage
        /// configuration and the network configuration and private access settings its earlier steps made or found.</summary>
        public static IDictionary<string, string> RepairUpdate(PrivateLinkDeploymentRequest r, string networkId, string privateAccessSettingsId) =>
            new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["credentials_id"] = r.CredentialsId, ["network_id"] = networkId,
                ["private_access_settings_id"] = privateAccessSettingsId, ["storage_configuration_id"] = r.StorageConfigurationId,
            };

        /// <summary>What -Rollback removes: the steps of one run that created something (done, or made and then failed while
        /// waiting), newest first, as Remove steps. Reused objects are never in it: they were there before the run.</summary>
        public static IReadOnlyList<DeploymentStep> RollbackPlan(IEnumerable<DeploymentStep> run) =>
            run.Where(s => s.Action == "Create" && s.Id != null && (s.Status == "Done" || s.Status == "Failed"))
                .OrderByDescending(s => s.Order)
                .Select((s, i) => new DeploymentStep { Order = i + 1, Kind = s.Kind, Action = "Remove", Target = s.Target, Id = s.Id, Detail = $"created by step {s.Order} of the run." })
                .ToList();

        /// <summary>display_name of the Service Direct registration: "&lt;Name&gt;-service-direct" when that is an RFC 1034
        /// label, else the endpoint's Name tag (always one: databricks-servicedirect-vpc-…).</summary>
        public static string ServiceDirectDisplayName(PrivateLinkDeploymentRequest r)
        {
            var name = r.Name + "-service-direct";
            return Validation.Names.IsEndpointDisplayName(name) ? name : r.EndpointName("servicedirect");
        }
    }
}
