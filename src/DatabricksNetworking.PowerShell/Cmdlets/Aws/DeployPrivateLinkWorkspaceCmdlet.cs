using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Aws;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Cmdlets.Classic;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Data;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Aws
{
    public enum DeploymentPublicAccess { Enabled, Disabled }

    public enum DeploymentPrivateAccessLevel { Account, Endpoint }

    /// <summary>Deploy is an approved lifecycle verb that PowerShellStandard.Library 5.1's VerbsLifecycle lacks.</summary>
    internal static class VerbsLifecycleDeploy
    {
        public const string Deploy = "Deploy";
    }

    /// <summary>
    /// <para type="synopsis">Deploys a PrivateLink workspace into an existing VPC in one resumable command: readiness checks, security groups, interface endpoints, their registrations, the network configuration, private access settings, the workspace, the wait for RUNNING and a final check.</para>
    /// <para type="description">Reads what exists, plans every step (-PlanOnly writes the plan; -WhatIf prints it and changes nothing), then runs the steps in order. Everything is found by its name or natural key, so a run after a failure picks up where the failed one stopped, and a run on a finished deployment changes nothing. A failed step stops the run with one error naming the step, the cause and what to do; what was made stays for the next run.</para>
    /// </summary>
    /// <remarks>The default parameter set is Rollback on purpose: every deploy invocation names -Name (Deploy only), so the
    /// default only decides the ambiguous case, a PrivateLinkDeployment piped in with -Rollback. With Deploy as the default,
    /// PowerShell picks it there (both sets have mandatory pipeline parameters: VpcId etc. by property name, InputObject by
    /// value) and then stops at the missing -Name; with Rollback it binds InputObject.</remarks>
    [Cmdlet(VerbsLifecycleDeploy.Deploy, "DbxPrivateLinkWorkspace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = RollbackSet, HelpUri = DbxCmdlet.HelpBase + "Deploy-DbxPrivateLinkWorkspace.md")]
    [OutputType(typeof(PrivateLinkDeployment), typeof(DeploymentStep))]
    public sealed partial class DeployDbxPrivateLinkWorkspaceCommand : DbxAwsCmdlet
    {
        [Parameter(ParameterSetName = DeploySet, Mandatory = true, Position = 0)]
        [Alias("workspace_name", "WorkspaceName")]
        public string Name { get; set; } = "";

        [Parameter(ParameterSetName = DeploySet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_id")]
        public string VpcId { get; set; } = "";

        /// <summary>The workspace subnets (two availability zones, /17 to /26).</summary>
        [Parameter(ParameterSetName = DeploySet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("SubnetIds")]
        public string[] SubnetId { get; set; } = new string[0];

        /// <summary>The subnets of the interface endpoints.</summary>
        [Parameter(ParameterSetName = DeploySet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string[] EndpointSubnetId { get; set; } = new string[0];

        [Parameter(ParameterSetName = DeploySet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("credentials_id")]
        [DbxId(DbxIdKind.Credentials)]
        [ArgumentCompleter(typeof(CredentialsIdCompleter))]
        public string CredentialsId { get; set; } = "";

        [Parameter(ParameterSetName = DeploySet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("storage_configuration_id")]
        [DbxId(DbxIdKind.StorageConfiguration)]
        [ArgumentCompleter(typeof(StorageConfigurationIdCompleter))]
        public string StorageConfigurationId { get; set; } = "";

        /// <summary>Also a front-end endpoint (users reach the workspace through PrivateLink), admitted by the private access settings.</summary>
        [Parameter(ParameterSetName = DeploySet)]
        public SwitchParameter FrontEnd { get; set; }

        /// <summary>Also a Service Direct front end: an interface endpoint to the region's Service Direct service, registered
        /// with the account (networking v1 endpoints) and waited for until APPROVED. The private access settings are then
        /// ACCOUNT level, so they admit it.</summary>
        [Parameter(ParameterSetName = DeploySet)]
        public SwitchParameter ServiceDirect { get; set; }

        /// <summary>Whether users may still come over the internet (Disabled needs -FrontEnd or -ServiceDirect).</summary>
        [Parameter(ParameterSetName = DeploySet)]
        public DeploymentPublicAccess PublicAccess { get; set; } = DeploymentPublicAccess.Enabled;

        /// <summary>Which PrivateLink endpoints the private access settings admit. Not given: Endpoint (this deployment's
        /// registrations), or Account (every endpoint registered in the account) with -ServiceDirect. Endpoint with
        /// -ServiceDirect also registers the Service Direct endpoint as a VPC endpoint, since allowed_vpc_endpoint_ids take
        /// VPC endpoint registration ids only, and lists that registration.</summary>
        [Parameter(ParameterSetName = DeploySet)]
        public DeploymentPrivateAccessLevel? PrivateAccessLevel { get; set; }

        /// <summary>Write the plan (one object per step) and change nothing.</summary>
        [Parameter(ParameterSetName = DeploySet)]
        public SwitchParameter PlanOnly { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 1200;

        private PrivateLinkDeploymentRequest request = new PrivateLinkDeploymentRequest();
        private AwsConnectionOptions options = new AwsConnectionOptions();
        private readonly PrivateLinkDeployment result = new PrivateLinkDeployment();
        private readonly List<string> created = new List<string>();
        private readonly List<string> reused = new List<string>();
        private readonly List<string> repaired = new List<string>();

        protected override void ProcessAwsRecord()
        {
            if (ParameterSetName == RollbackSet) { RollBackResult(InputObject!); return; }
            CurrentTarget = Name;
            if (!Text.TryCheckName(Name, "workspace name", 1, 100, out var name, out var nameError))
                throw new DbxValidationException("DbxInvalidName", nameError!, Text.Printable(Name));
            if (Region == null) throw new DbxValidationException("DbxInvalidRegion", "Give -Region: the workspace, its VPC and its endpoints are in one region.", Name);
            if (!Regions.IsSupported(Region)) throw new DbxValidationException("DbxInvalidRegion", Regions.Describe(Region), Region);
            if (ServiceDirect && !PrivateLinkServices.ServiceDirect.Any(s => s.Region == Region))
                throw new DbxValidationException("DbxInvalidRegion", $"Databricks publishes no Service Direct endpoint service for {Region}; use -FrontEnd (a front-end endpoint to the Workspace service) there.", Region);
            AwsIdCheck.Require(VpcId, "vpc", "VpcId");
            AwsIdCheck.RequireAll(SubnetId, "subnet", "SubnetId");
            AwsIdCheck.RequireAll(EndpointSubnetId, "subnet", "SubnetId");
            if (EndpointSubnetId.Length == 0) throw new DbxValidationException("DbxInvalidSubnetId", "Give at least one -EndpointSubnetId for the interface endpoints.", Name);
            foreach (var id in new[] { CredentialsId, StorageConfigurationId })
                if (!Guid.TryParse(id, out _)) throw new DbxValidationException("DbxInvalidId", $"'{Text.Printable(id)}' is not a Databricks configuration id (a UUID).", Text.Printable(id));
            options = AwsOptions;
            request = new PrivateLinkDeploymentRequest
            {
                Name = name, Region = Region, VpcId = VpcId, SubnetIds = SubnetId.Distinct().ToArray(), EndpointSubnetIds = EndpointSubnetId.Distinct().ToArray(),
                CredentialsId = CredentialsId, StorageConfigurationId = StorageConfigurationId, FrontEnd = FrontEnd, ServiceDirect = ServiceDirect, PublicAccessEnabled = PublicAccess == DeploymentPublicAccess.Enabled,
                RequestedPrivateAccessLevel = PrivateAccessLevel?.ToString().ToUpperInvariant(),
            };
            result.Name = name; result.Region = Region; result.VpcId = VpcId;

            // Read what exists (also under -WhatIf and -PlanOnly: a mistyped id fails here as in the real run), then plan.
            var account = AccountClient;
            Run(ct => new CredentialsApi(account).GetAsync(CredentialsId, ct));
            Run(ct => new StorageConfigurationsApi(account).GetAsync(StorageConfigurationId, ct));
            var steps = PrivateLinkDeploymentPlanner.Plan(request, ReadFacts());
            if (PlanOnly) { WriteObject(steps, true); return; }
            var blocked = steps.Where(s => s.Action == "Blocked").ToList();
            if (blocked.Count > 0)
            {
                foreach (var s in steps) s.Status = s.Action == "Blocked" ? "Failed" : "NotRun";
                result.Steps = steps.ToArray();
                throw new DbxValidationException("DbxDeploymentNotReady",
                    $"The deployment '{name}' cannot start; nothing was created. " + string.Join(" ", blocked.Select(s => $"Step {s.Order} ({s.Kind}): {s.Detail} {s.HowToFix}")), name, ErrorCategory.InvalidOperation);
            }

            var progress = new ProgressRecord(1, $"Deploy-DbxPrivateLinkWorkspace '{name}'", "Planning");
            try
            {
                foreach (var step in steps)
                {
                    progress.PercentComplete = (step.Order - 1) * 100 / steps.Count;
                    progress.StatusDescription = $"Step {step.Order}/{steps.Count}: {step.Action} {step.Kind} {step.Target}";
                    WriteProgress(progress);
                    // A reused registered endpoint that is not APPROVED yet (a run that timed out) is waited for again.
                    var reusedWait = step.Action == "Reuse" && step.Kind == DeploymentStepKind.ServiceDirectRegistration && !WhatIfRequested;
                    if (step.Action == "Reuse" && !reusedWait) { Record(step, step.Id!, false); step.Status = "Done"; WriteVerbose($"Step {step.Order} {step.Kind}: reusing {step.Target} ({step.Id})."); continue; }
                    if (step.Changes && !ShouldProcess(ChangeTarget(step), $"Step {step.Order}: {step.Action.ToLowerInvariant()}"))
                    {
                        step.Status = "NotRun";
                        continue;
                    }
                    if (!step.Changes && !reusedWait && (WhatIfRequested || result.WorkspaceId == null && step.Kind != DeploymentStepKind.ReadinessCheck)) { step.Status = "NotRun"; continue; }
                    try
                    {
                        Execute(step);
                        step.Status = "Done";
                        WriteVerbose($"Step {step.Order} {step.Kind}: {(step.Action == "Repair" ? "repaired" : step.Changes ? "created" : "checked")} {step.Target}{(step.Id != null ? " (" + step.Id + ")" : "")}.");
                    }
                    catch (Exception ex) when (ex is DbxApiException || ex is DbxAwsException || ex is DbxValidationException)
                    {
                        step.Status = "Failed";
                        foreach (var later in steps.Where(s => s.Order > step.Order)) later.Status = "NotRun";
                        result.Steps = steps.ToArray();
                        // The step's error first in the verbose stream, then (with -Rollback) the removals, then the error itself.
                        var rolledBack = Rollback ? RollBackFailedRun(steps) : null;
                        WriteError(StepFailed(step, ex, rolledBack));
                        return;
                    }
                }
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
            if (WhatIfRequested) return;
            result.Created = created.ToArray();
            result.Reused = reused.ToArray();
            result.Repaired = repaired.ToArray();
            result.Steps = steps.ToArray();
            WriteObject(result);
        }

        /// <summary>What a changing step's prompt and -WhatIf line name: a repaired workspace as 'name' (id), since it exists.</summary>
        private static string ChangeTarget(DeploymentStep step) => step.Action == "Repair"
            ? $"{step.Kind} '{Text.Printable(step.Target)}' ({step.Id}): {step.Detail}"
            : $"{step.Kind} '{step.Target}' ({step.Detail})";

        private bool WhatIfRequested => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && w is SwitchParameter s && s.IsPresent;

        private PrivateLinkDeploymentFacts ReadFacts()
        {
            var account = AccountClient;
            var vpc = RunAws((aws, ct) => aws.GetVpcFactsAsync(options, new AwsVpcQuery
            {
                VpcId = VpcId, SubnetIds = SubnetId.Concat(EndpointSubnetId).Distinct().ToArray(),
                SecurityGroupNames = new[] { request.WorkspaceGroupName, request.EndpointGroupName },
            }, ct));
            return new PrivateLinkDeploymentFacts
            {
                Vpc = vpc,
                SecurityGroups = vpc.SecurityGroups,
                Registrations = Run(ct => new VpcEndpointsApi(account).ListAsync(ct)),
                // The networking v1 list only when it matters: a run without Service Direct reads what it always read.
                NetworkEndpoints = ServiceDirect ? RunPaged<NetworkEndpoint>((token, ct) => new NetworkEndpointsApi(account).ListPageAsync(token, ct)).ToList() : new List<NetworkEndpoint>(),
                Networks = Run(ct => new NetworksApi(account).ListAsync(ct)),
                PrivateAccessSettings = Run(ct => new PrivateAccessSettingsApi(account).ListAsync(ct)),
                Workspaces = Run(ct => new WorkspacesApi(account).ListAsync(ct)),
            };
        }

        private void Record(DeploymentStep step, string id, bool isNew, bool isRepair = false)
        {
            step.Id = id;
            (isRepair ? repaired : isNew ? created : reused).Add($"{step.Kind} {step.Target} ({id})");
            switch (step.Kind)
            {
                case DeploymentStepKind.WorkspaceSecurityGroup: result.WorkspaceSecurityGroupId = id; break;
                case DeploymentStepKind.EndpointSecurityGroup: result.EndpointSecurityGroupId = id; break;
                case DeploymentStepKind.WorkspaceEndpoint: result.WorkspaceAwsVpcEndpointId = id; break;
                case DeploymentStepKind.RelayEndpoint: result.RelayAwsVpcEndpointId = id; break;
                case DeploymentStepKind.FrontEndEndpoint: result.FrontEndAwsVpcEndpointId = id; break;
                case DeploymentStepKind.WorkspaceEndpointRegistration: result.RestApiVpcEndpointId = id; break;
                case DeploymentStepKind.RelayEndpointRegistration: result.RelayVpcEndpointId = id; break;
                case DeploymentStepKind.FrontEndEndpointRegistration: result.FrontEndVpcEndpointId = id; break;
                case DeploymentStepKind.ServiceDirectEndpoint: result.ServiceDirectAwsVpcEndpointId = id; break;
                case DeploymentStepKind.ServiceDirectRegistration: result.ServiceDirectEndpointId = id; break;
                case DeploymentStepKind.ServiceDirectVpcEndpointRegistration: result.ServiceDirectVpcEndpointId = id; break;
                case DeploymentStepKind.NetworkConfiguration: result.NetworkId = id; break;
                case DeploymentStepKind.PrivateAccessSettings: result.PrivateAccessSettingsId = id; break;
                case DeploymentStepKind.Workspace: result.WorkspaceId = long.Parse(id, CultureInfo.InvariantCulture); break;
            }
        }

        private void Execute(DeploymentStep step)
        {
            var account = AccountClient;
            switch (step.Kind)
            {
                case DeploymentStepKind.ReadinessCheck:
                    return;
                case DeploymentStepKind.WorkspaceSecurityGroup:
                {
                    var (ingress, egress) = AwsPlans.WorkspaceRules(request.Region, "0.0.0.0/0", false);
                    Record(step, CreateGroup(step.Target, "Workspace", ingress, egress), true);
                    return;
                }
                case DeploymentStepKind.EndpointSecurityGroup:
                {
                    var (ingress, egress) = AwsPlans.EndpointRules(request.Region, result.WorkspaceSecurityGroupId, new string[0], false);
                    Record(step, CreateGroup(step.Target, "Endpoint", ingress, egress), true);
                    return;
                }
                case DeploymentStepKind.WorkspaceEndpoint:
                case DeploymentStepKind.FrontEndEndpoint:
                    CreateEndpoint(step, PrivateLinkServiceKind.Workspace);
                    return;
                case DeploymentStepKind.RelayEndpoint:
                    CreateEndpoint(step, PrivateLinkServiceKind.Relay);
                    return;
                case DeploymentStepKind.ServiceDirectEndpoint:
                    CreateEndpoint(step, PrivateLinkServiceKind.ServiceDirect);
                    return;
                case DeploymentStepKind.ServiceDirectRegistration:
                {
                    var api = new NetworkEndpointsApi(account);
                    var reused = step.Action == "Reuse";
                    var reg = reused ? Run(ct => api.GetAsync(step.Id!, ct))
                        : CreateOnce($"network endpoint '{step.Target}' of {result.ServiceDirectAwsVpcEndpointId}", ct => api.CreateAsync(step.Target, request.Region, result.ServiceDirectAwsVpcEndpointId!, ct),
                            (notBefore, ct) => NewDbxNetworkEndpointCommand.FindAsync(api, result.ServiceDirectAwsVpcEndpointId!, request.Region, ct));
                    Record(step, reg.EndpointId!, !reused);
                    result.ServiceDirectEndpointState = WaitApproved(api, reg).State;
                    return;
                }
                case DeploymentStepKind.WorkspaceEndpointRegistration:
                    Register(step, result.WorkspaceAwsVpcEndpointId!);
                    return;
                case DeploymentStepKind.RelayEndpointRegistration:
                    Register(step, result.RelayAwsVpcEndpointId!);
                    return;
                case DeploymentStepKind.FrontEndEndpointRegistration:
                    Register(step, result.FrontEndAwsVpcEndpointId!);
                    return;
                case DeploymentStepKind.ServiceDirectVpcEndpointRegistration:
                    Register(step, result.ServiceDirectAwsVpcEndpointId!);
                    return;
                case DeploymentStepKind.NetworkConfiguration:
                {
                    var api = new NetworksApi(account);
                    var body = new Network
                    {
                        NetworkName = step.Target, VpcId = request.VpcId, SubnetIds = request.SubnetIds.ToDbxList(), SecurityGroupIds = new DbxList<string> { result.WorkspaceSecurityGroupId! },
                        VpcEndpoints = new NetworkVpcEndpoints { RestApi = new DbxList<string> { result.RestApiVpcEndpointId! }, DataplaneRelay = new DbxList<string> { result.RelayVpcEndpointId! } },
                    };
                    var net = CreateOnce($"network configuration '{body.NetworkName}'", ct => api.CreateAsync(body, ct), async (notBefore, ct) =>
                        (await api.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(n => n.NetworkName == body.NetworkName && n.VpcId == body.VpcId));
                    Record(step, net.NetworkId!, true);
                    return;
                }
                case DeploymentStepKind.PrivateAccessSettings:
                {
                    var api = new PrivateAccessSettingsApi(account);
                    var allowed = new DbxList<string> { result.RestApiVpcEndpointId! };
                    if (result.FrontEndVpcEndpointId != null) allowed.Add(result.FrontEndVpcEndpointId);
                    // The Service Direct endpoint by its VPC endpoint registration: the list takes no networking v1 endpoint_id.
                    if (result.ServiceDirectVpcEndpointId != null) allowed.Add(result.ServiceDirectVpcEndpointId);
                    var body = new PrivateAccessSettings
                    {
                        PrivateAccessSettingsName = step.Target, Region = request.Region, PrivateAccessLevel = request.PrivateAccessLevel,
                        PublicAccessEnabled = request.PublicAccessEnabled, AllowedVpcEndpointIds = request.PrivateAccessLevel == "ENDPOINT" ? allowed : null,
                    };
                    var pas = CreateOnce($"private access settings '{body.PrivateAccessSettingsName}'", ct => api.CreateAsync(body, ct), async (notBefore, ct) =>
                        (await api.ListAsync(ct).ConfigureAwait(false)).LastOrDefault(p => p.PrivateAccessSettingsName == body.PrivateAccessSettingsName && p.Region == body.Region));
                    Record(step, pas.PrivateAccessSettingsId!, true);
                    return;
                }
                case DeploymentStepKind.Workspace when step.Action == "Repair":
                {
                    // The FAILED workspace of an earlier run, updated in place with this run's ids: the service deploys it
                    // again (PROVISIONING, then RUNNING or FAILED), which the WaitRunning step follows.
                    var workspaceId = long.Parse(step.Id!, CultureInfo.InvariantCulture);
                    var fields = PrivateLinkDeploymentPlanner.RepairUpdate(request, result.NetworkId!, result.PrivateAccessSettingsId!);
                    var ws = Run(ct => new WorkspacesApi(account).UpdateAsync(workspaceId, fields, ct));
                    Record(step, step.Id!, false, isRepair: true);
                    result.WorkspaceStatus = ws.WorkspaceStatus;
                    result.DeploymentName = ws.DeploymentName;
                    return;
                }
                case DeploymentStepKind.Workspace:
                {
                    var api = new WorkspacesApi(account);
                    var body = new WorkspaceCreateRequest
                    {
                        WorkspaceName = request.Name, Region = request.Region, PricingTier = "ENTERPRISE",
                        CredentialsId = request.CredentialsId, StorageConfigurationId = request.StorageConfigurationId,
                        NetworkId = result.NetworkId, PrivateAccessSettingsId = result.PrivateAccessSettingsId,
                    };
                    var ws = CreateOnce($"workspace '{body.WorkspaceName}'", ct => api.CreateAsync(body, ct), async (notBefore, ct) =>
                        (await api.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(w => w.WorkspaceName == body.WorkspaceName && w.Region == body.Region));
                    Record(step, ws.WorkspaceId.ToString(CultureInfo.InvariantCulture), true);
                    result.WorkspaceStatus = ws.WorkspaceStatus;
                    result.DeploymentName = ws.DeploymentName;
                    return;
                }
                case DeploymentStepKind.WaitRunning:
                {
                    var api = new WorkspacesApi(account);
                    var deadline = DateTime.UtcNow.AddSeconds(TimeoutSec);
                    while (true)
                    {
                        var ws = Run(ct => api.GetAsync(result.WorkspaceId!.Value, ct));
                        result.WorkspaceStatus = ws.WorkspaceStatus;
                        result.DeploymentName = ws.DeploymentName;
                        if (ws.WorkspaceStatus == "RUNNING") return;
                        if (ws.WorkspaceStatus == "FAILED" || ws.WorkspaceStatus == "BANNED")
                            throw new DbxValidationException("DbxWorkspaceFailed", $"Workspace '{ws.WorkspaceName}' ({ws.WorkspaceId}) is {ws.WorkspaceStatus}: {ws.WorkspaceStatusMessage} {NetworkProblems()}".TrimEnd(), ws.WorkspaceId, ErrorCategory.InvalidResult);
                        if (DateTime.UtcNow >= deadline)
                            throw new DbxValidationException("DbxWaitTimeout", $"Workspace '{ws.WorkspaceName}' ({ws.WorkspaceId}) is still {ws.WorkspaceStatus} after {TimeoutSec} s.", ws.WorkspaceId, ErrorCategory.OperationTimeout);
                        CancelToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
                        CancelToken.ThrowIfCancellationRequested();
                    }
                }
                case DeploymentStepKind.Reachability:
                {
                    var net = Run(ct => new NetworksApi(account).GetAsync(result.NetworkId!, ct));
                    if (net.VpcStatus != "VALID")
                        throw new DbxValidationException("DbxNetworkNotValid", $"The network configuration '{net.NetworkName}' ({net.NetworkId}) is {net.VpcStatus}. {NetworkProblems()}".TrimEnd(), net.NetworkId, ErrorCategory.InvalidResult);
                    return;
                }
            }
        }

        private string NetworkProblems()
        {
            if (result.NetworkId == null) return "";
            var net = Run(ct => new NetworksApi(AccountClient).GetAsync(result.NetworkId, ct));
            var lines = (net.ErrorMessages ?? new List<NetworkError>()).Select(e => e.ToString()).Concat((net.WarningMessages ?? new List<NetworkWarning>()).Select(w => w.ToString())).ToList();
            return lines.Count == 0 ? "" : "Network: " + string.Join("; ", lines) + ".";
        }

        private string CreateGroup(string name, string purpose, AwsSecurityGroupRule[] ingress, AwsSecurityGroupRule[] egress)
        {
            var group = RunAws((aws, ct) => aws.CreateSecurityGroupAsync(options, new AwsSecurityGroupRequest
            {
                VpcId = request.VpcId, GroupName = name, Description = $"Databricks {purpose.ToLowerInvariant()} security group (DatabricksNetworking)",
                Ingress = ingress, Egress = egress, RevokeDefaultEgress = true,
                Tags = AwsIdCheck.Tags(null, ("Name", name), ("DatabricksPurpose", purpose), ("ManagedBy", "DatabricksNetworking"), ("DatabricksDeployment", request.Name)),
            }, ct));
            return group.SecurityGroupId;
        }

        /// <summary>Creates the endpoint and records it at once (so a failed wait still leaves it in Created, for -Rollback), then waits for available.</summary>
        private void CreateEndpoint(DeploymentStep step, PrivateLinkServiceKind kind)
        {
            var name = step.Target;
            var service = PrivateLinkServices.ForRegion(request.Region).First(s => s.Kind == kind);
            var endpoint = RunAws((aws, ct) => aws.CreateVpcEndpointAsync(options, new AwsVpcEndpointRequest
            {
                VpcId = request.VpcId, ServiceName = service.ServiceName, SubnetIds = request.EndpointSubnetIds, SecurityGroupIds = new[] { result.EndpointSecurityGroupId! },
                PrivateDnsEnabled = true,
                Tags = AwsIdCheck.Tags(null, ("Name", name), ("DatabricksService", kind.ToString()), ("ManagedBy", "DatabricksNetworking"), ("DatabricksDeployment", request.Name)),
            }, ct));
            Record(step, endpoint.AwsVpcEndpointId, true);
            var deadline = DateTime.UtcNow.AddSeconds(TimeoutSec);
            var filter = new AwsVpcEndpointFilter { VpcEndpointIds = new[] { endpoint.AwsVpcEndpointId } };
            while (endpoint.State != "available")
            {
                if (new[] { "rejected", "failed", "deleted", "deleting", "expired" }.Contains(endpoint.State) || DateTime.UtcNow >= deadline)
                    throw new DbxAwsException("DbxAwsVpcEndpointFailed", $"The VPC endpoint {endpoint.AwsVpcEndpointId} to {endpoint.ServiceName} is {endpoint.State}.", ErrorCategory.InvalidResult);
                CancelToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
                CancelToken.ThrowIfCancellationRequested();
                endpoint = RunAws((aws, ct) => aws.ListVpcEndpointsAsync(options, filter, null, ct)).Items.FirstOrDefault() ?? endpoint;
            }
        }

        /// <summary>Registers the endpoint (once, after a lost answer too), records it, then waits for available.</summary>
        private void Register(DeploymentStep step, string awsEndpointId)
        {
            var name = step.Target;
            var api = new VpcEndpointsApi(AccountClient);
            var body = new VpcEndpoint { VpcEndpointName = name, AwsVpcEndpointId = awsEndpointId, Region = request.Region };
            var reg = CreateOnce($"VPC endpoint registration '{name}' of {awsEndpointId}", ct => api.CreateAsync(body, ct), async (notBefore, ct) =>
                (await api.ListAsync(ct).ConfigureAwait(false)).LastOrDefault(e => e.AwsVpcEndpointId == body.AwsVpcEndpointId && e.Region == body.Region));
            Record(step, reg.VpcEndpointId!, true);
            var deadline = DateTime.UtcNow.AddSeconds(TimeoutSec);
            while (!string.Equals(reg.State, "available", StringComparison.OrdinalIgnoreCase))
            {
                if (string.Equals(reg.State, "rejected", StringComparison.OrdinalIgnoreCase) || DateTime.UtcNow >= deadline)
                    throw new DbxValidationException("DbxVpcEndpointNotAvailable", $"The registration '{name}' ({reg.VpcEndpointId}) of {awsEndpointId} is {reg.State}.", reg.VpcEndpointId, ErrorCategory.InvalidResult);
                CancelToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
                CancelToken.ThrowIfCancellationRequested();
                reg = Run(ct => api.GetAsync(reg.VpcEndpointId!, ct));
            }
        }

        /// <summary>Polls the registered endpoint until APPROVED; FAILED, DISCONNECTED or the timeout fail the step.</summary>
        private NetworkEndpoint WaitApproved(NetworkEndpointsApi api, NetworkEndpoint reg)
        {
            string name = reg.DisplayName ?? "", awsEndpointId = reg.AwsVpcEndpointId ?? "";
            var deadline = DateTime.UtcNow.AddSeconds(TimeoutSec);
            while (true)
            {
                var outcome = NewDbxNetworkEndpointCommand.Classify(reg.State);
                if (outcome == WaitOutcome.Done) return reg;
                if (outcome == WaitOutcome.Failed || DateTime.UtcNow >= deadline)
                    throw new DbxValidationException("DbxNetworkEndpointNotApproved",
                        $"The registered endpoint '{name}' ({reg.EndpointId}) of {awsEndpointId} is {reg.State}, not APPROVED. Check that {awsEndpointId} is available and connects to the Service Direct service of {request.Region}; then remove the registration (Remove-DbxNetworkEndpoint -EndpointId {reg.EndpointId}) and run again.",
                        reg.EndpointId, ErrorCategory.InvalidResult);
                CancelToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
                CancelToken.ThrowIfCancellationRequested();
                reg = Run(ct => api.GetAsync(reg.EndpointId!, ct));
            }
        }

        private ErrorRecord StepFailed(DeploymentStep step, Exception ex, string? rolledBack)
        {
            var made = rolledBack ?? (created.Count == 0 ? "Nothing was created by this run." : "This run created (kept for the next run): " + string.Join("; ", created) + ".");
            if (repaired.Count > 0) made += " It repaired in place (created by an earlier run, never rolled back): " + string.Join("; ", repaired) + ".";
            var doing = $"Deploy-DbxPrivateLinkWorkspace '{request.Name}' stopped at step {step.Order} ({step.Kind} '{step.Target}')";
            var fix = "Fix the cause, then run the same command again: it reuses what exists and goes on from this step.";
            ErrorRecord record = ex switch
            {
                DbxApiException api => ErrorRecords.FromApi(api, step),
                DbxAwsException aws => aws.ToErrorRecord(step),
                DbxValidationException v => ErrorRecords.FromValidation(v),
                _ => throw ex,
            };
            var inner = record.ErrorDetails?.Message ?? ex.Message;
            return new ErrorRecord(record.Exception, record.FullyQualifiedErrorId, record.CategoryInfo.Category, step)
            {
                ErrorDetails = new ErrorDetails(SecretRegistry.Redact($"{doing}: {inner} {made}")) { RecommendedAction = fix },
            };
        }
    }
}
