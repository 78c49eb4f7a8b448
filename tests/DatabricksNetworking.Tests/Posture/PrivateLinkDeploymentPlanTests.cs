using DatabricksNetworking.Aws;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;

namespace DatabricksNetworking.Tests.Posture;

/// <summary>The pure planner of Deploy-DbxPrivateLinkWorkspace: what exists decides Create, Reuse or Blocked, without HTTP.</summary>
public sealed class PrivateLinkDeploymentPlanTests
{
    private const string Vpc = "vpc-0123456789abcdef0";

    private static PrivateLinkDeploymentRequest Request(bool frontEnd = false, bool publicAccess = true, bool serviceDirect = false) => new()
    {
        Name = "ws", Region = "us-east-1", VpcId = Vpc, SubnetIds = new[] { "subnet-aaaaaaaa", "subnet-bbbbbbbb" }, EndpointSubnetIds = new[] { "subnet-cccccccc" },
        CredentialsId = "c", StorageConfigurationId = "s", FrontEnd = frontEnd, PublicAccessEnabled = publicAccess, ServiceDirect = serviceDirect,
    };

    private static AwsVpcFacts GoodVpc(bool dns = true) => new()
    {
        VpcId = Vpc, Region = "us-east-1", CidrBlocks = new[] { "10.0.0.0/16" }, EnableDnsHostnames = dns, EnableDnsSupport = true,
        Subnets = new[]
        {
            new AwsSubnetFacts { SubnetId = "subnet-aaaaaaaa", VpcId = Vpc, CidrBlock = "10.0.1.0/24", AvailabilityZone = "us-east-1a" },
            new AwsSubnetFacts { SubnetId = "subnet-bbbbbbbb", VpcId = Vpc, CidrBlock = "10.0.2.0/24", AvailabilityZone = "us-east-1b" },
            new AwsSubnetFacts { SubnetId = "subnet-cccccccc", VpcId = Vpc, CidrBlock = "10.0.3.0/26", AvailabilityZone = "us-east-1a" },
        },
    };

    [Fact]
    public void An_empty_vpc_plans_every_step_as_create()
    {
        var steps = PrivateLinkDeploymentPlanner.Plan(Request(), new PrivateLinkDeploymentFacts { Vpc = GoodVpc() });
        Assert.Equal(12, steps.Count);
        Assert.Equal("Check", steps[0].Action);
        Assert.Equal(9, steps.Count(s => s.Action == "Create"));
        Assert.Equal(Enumerable.Range(1, 12), steps.Select(s => s.Order));
    }

    [Fact]
    public void What_exists_is_reused_by_name_tag_and_endpoint_id()
    {
        var vpc = GoodVpc();
        vpc.DatabricksEndpoints = new[] { new AwsVpcEndpoint { AwsVpcEndpointId = "vpce-11111111", VpcId = Vpc, Service = "Workspace", State = "available", Tags = new() { ["Name"] = "databricks-workspace-" + Vpc } } };
        var facts = new PrivateLinkDeploymentFacts
        {
            Vpc = vpc,
            SecurityGroups = new[] { new AwsSecurityGroup { SecurityGroupId = "sg-11111111", GroupName = "databricks-workspace-" + Vpc, VpcId = Vpc } },
            Registrations = new[] { new VpcEndpoint { VpcEndpointId = "r1", AwsVpcEndpointId = "vpce-11111111", Region = "us-east-1", VpcEndpointName = "ws-rest" } },
        };
        var steps = PrivateLinkDeploymentPlanner.Plan(Request(), facts);
        Assert.Equal(("Reuse", "sg-11111111"), (steps.Single(s => s.Kind == DeploymentStepKind.WorkspaceSecurityGroup).Action, steps.Single(s => s.Kind == DeploymentStepKind.WorkspaceSecurityGroup).Id));
        Assert.Equal("Create", steps.Single(s => s.Kind == DeploymentStepKind.EndpointSecurityGroup).Action);
        Assert.Equal("vpce-11111111", steps.Single(s => s.Kind == DeploymentStepKind.WorkspaceEndpoint).Id);
        Assert.Equal("r1", steps.Single(s => s.Kind == DeploymentStepKind.WorkspaceEndpointRegistration).Id);
        Assert.Equal("Create", steps.Single(s => s.Kind == DeploymentStepKind.RelayEndpointRegistration).Action);
    }

    [Fact]
    public void A_vpc_without_dns_hostnames_and_public_access_off_without_front_end_block_the_plan()
    {
        var steps = PrivateLinkDeploymentPlanner.Plan(Request(publicAccess: false), new PrivateLinkDeploymentFacts { Vpc = GoodVpc(dns: false) });
        var ready = steps[0];
        Assert.Equal("Blocked", ready.Action);
        Assert.Contains("DnsHostnames", ready.Detail);
        Assert.Contains("PublicAccess", ready.Detail);
        Assert.Contains("-FrontEnd", ready.HowToFix);
    }

    [Fact]
    public void A_failed_workspace_of_the_same_name_is_repaired_in_place_and_a_banned_or_cancelling_one_blocks()
    {
        Workspace Ws(string status) => new() { WorkspaceId = 7, WorkspaceName = "ws", Region = "us-east-1", WorkspaceStatus = status, WorkspaceStatusMessage = "Network validation failed: VPC does not have DNS hostnames enabled." };
        IReadOnlyList<DeploymentStep> Plan(string status) => PrivateLinkDeploymentPlanner.Plan(Request(frontEnd: true), new PrivateLinkDeploymentFacts { Vpc = GoodVpc(), Workspaces = new[] { Ws(status) } });

        var failed = Plan("FAILED");
        var repair = failed.Single(s => s.Kind == DeploymentStepKind.Workspace);
        Assert.Equal(("Repair", "7"), (repair.Action, repair.Id));
        Assert.True(repair.Changes);   // asks ShouldProcess; -WhatIf skips it
        Assert.Contains("DNS hostnames", repair.Detail);
        Assert.Contains("network_id", repair.Detail);
        Assert.Equal("Wait", failed.Single(s => s.Kind == DeploymentStepKind.WaitRunning).Action);
        Assert.DoesNotContain(failed, s => s.Action == "Blocked");

        foreach (var status in new[] { "BANNED", "CANCELLING" })
        {
            var step = Plan(status).Single(s => s.Kind == DeploymentStepKind.Workspace);
            Assert.Equal("Blocked", step.Action);
            Assert.Contains(status, step.Detail);
        }
        Assert.Contains("Remove-DbxWorkspace", Plan("BANNED").Single(s => s.Kind == DeploymentStepKind.Workspace).HowToFix);
        Assert.Equal("Reuse", Plan("PROVISIONING").Single(s => s.Kind == DeploymentStepKind.Workspace).Action);
        // Another region's workspace of the name is not this deployment's: created anew.
        var elsewhere = new Workspace { WorkspaceId = 8, WorkspaceName = "ws", Region = "us-west-2", WorkspaceStatus = "FAILED" };
        Assert.Equal("Create", PrivateLinkDeploymentPlanner.Plan(Request(), new PrivateLinkDeploymentFacts { Vpc = GoodVpc(), Workspaces = new[] { elsewhere } })
            .Single(s => s.Kind == DeploymentStepKind.Workspace).Action);
    }

    [Fact]
    public void A_repair_patches_exactly_the_four_ids_a_failed_workspace_takes()
    {
        var fields = PrivateLinkDeploymentPlanner.RepairUpdate(Request(), "n1", "p1");
        Assert.Equal(new[] { "credentials_id", "network_id", "private_access_settings_id", "storage_configuration_id" }, fields.Keys);
        Assert.Equal(PrivateLinkDeploymentPlanner.RepairFields, fields.Keys);
        Assert.Equal(new[] { "c", "n1", "p1", "s" }, fields.Values);
    }

    [Fact]
    public void Service_direct_adds_its_endpoint_and_registration_and_an_account_level_pas_that_may_turn_public_access_off()
    {
        var steps = PrivateLinkDeploymentPlanner.Plan(Request(serviceDirect: true, publicAccess: false), new PrivateLinkDeploymentFacts { Vpc = GoodVpc() });
        Assert.Equal(new[]
        {
            DeploymentStepKind.ReadinessCheck, DeploymentStepKind.WorkspaceSecurityGroup, DeploymentStepKind.EndpointSecurityGroup,
            DeploymentStepKind.WorkspaceEndpoint, DeploymentStepKind.RelayEndpoint, DeploymentStepKind.ServiceDirectEndpoint,
            DeploymentStepKind.WorkspaceEndpointRegistration, DeploymentStepKind.RelayEndpointRegistration, DeploymentStepKind.ServiceDirectRegistration,
            DeploymentStepKind.NetworkConfiguration, DeploymentStepKind.PrivateAccessSettings, DeploymentStepKind.Workspace,
            DeploymentStepKind.WaitRunning, DeploymentStepKind.Reachability,
        }, steps.Select(s => s.Kind));
        Assert.Equal("Check", steps[0].Action);
        Assert.Equal(11, steps.Count(s => s.Action == "Create"));
        Assert.Equal("databricks-servicedirect-" + Vpc, steps.Single(s => s.Kind == DeploymentStepKind.ServiceDirectEndpoint).Target);
        Assert.Equal("ws-service-direct", steps.Single(s => s.Kind == DeploymentStepKind.ServiceDirectRegistration).Target);
        Assert.Contains("level ACCOUNT", steps.Single(s => s.Kind == DeploymentStepKind.PrivateAccessSettings).Detail);
    }

    [Fact]
    public void Service_direct_at_endpoint_level_also_registers_the_endpoint_as_a_vpc_endpoint_for_the_allowed_list()
    {
        // allowed_vpc_endpoint_ids take VPC endpoint registration ids only, so the Service Direct endpoint gets one too.
        var r = Request(serviceDirect: true, publicAccess: false);
        r.RequestedPrivateAccessLevel = "ENDPOINT";
        var steps = PrivateLinkDeploymentPlanner.Plan(r, new PrivateLinkDeploymentFacts { Vpc = GoodVpc() });
        var kinds = steps.Select(s => s.Kind).ToList();
        Assert.Equal(kinds.IndexOf(DeploymentStepKind.ServiceDirectRegistration) + 1, kinds.IndexOf(DeploymentStepKind.ServiceDirectVpcEndpointRegistration));
        Assert.True(kinds.IndexOf(DeploymentStepKind.ServiceDirectVpcEndpointRegistration) < kinds.IndexOf(DeploymentStepKind.PrivateAccessSettings));
        Assert.Equal(12, steps.Count(s => s.Action == "Create"));
        Assert.Equal("ws-servicedirect", steps.Single(s => s.Kind == DeploymentStepKind.ServiceDirectVpcEndpointRegistration).Target);
        Assert.Contains("level ENDPOINT", steps.Single(s => s.Kind == DeploymentStepKind.PrivateAccessSettings).Detail);
        Assert.Contains("Service Direct (its VPC endpoint registration)", steps.Single(s => s.Kind == DeploymentStepKind.PrivateAccessSettings).Detail);

        // An existing VPC endpoint registration of the Service Direct endpoint is reused; an ACCOUNT-level PAS of the name blocks.
        var vpc = GoodVpc();
        vpc.DatabricksEndpoints = new[] { new AwsVpcEndpoint { AwsVpcEndpointId = "vpce-22222222", VpcId = Vpc, Service = "ServiceDirect", State = "available", Tags = new() { ["Name"] = "databricks-servicedirect-" + Vpc } } };
        var facts = new PrivateLinkDeploymentFacts
        {
            Vpc = vpc,
            Registrations = new[] { new VpcEndpoint { VpcEndpointId = "r9", AwsVpcEndpointId = "vpce-22222222", Region = "us-east-1", VpcEndpointName = "ws-servicedirect" } },
            PrivateAccessSettings = new[] { new PrivateAccessSettings { PrivateAccessSettingsId = "p1", PrivateAccessSettingsName = "ws-pas", Region = "us-east-1", PrivateAccessLevel = "ACCOUNT", PublicAccessEnabled = false } },
        };
        var again = PrivateLinkDeploymentPlanner.Plan(r, facts);
        Assert.Equal(("Reuse", "r9"), (again.Single(s => s.Kind == DeploymentStepKind.ServiceDirectVpcEndpointRegistration).Action, again.Single(s => s.Kind == DeploymentStepKind.ServiceDirectVpcEndpointRegistration).Id));
        Assert.Equal("Blocked", again.Single(s => s.Kind == DeploymentStepKind.PrivateAccessSettings).Action);
        // Without -PrivateAccessLevel, Service Direct stays ACCOUNT level and plans no VPC endpoint registration of it.
        Assert.DoesNotContain(PrivateLinkDeploymentPlanner.Plan(Request(serviceDirect: true), facts), s => s.Kind == DeploymentStepKind.ServiceDirectVpcEndpointRegistration);
    }

    [Fact]
    public void A_service_direct_registration_is_reused_by_aws_endpoint_id_and_a_failed_one_blocks()
    {
        var vpc = GoodVpc();
        vpc.DatabricksEndpoints = new[] { new AwsVpcEndpoint { AwsVpcEndpointId = "vpce-22222222", VpcId = Vpc, Service = "ServiceDirect", State = "available", Tags = new() { ["Name"] = "databricks-servicedirect-" + Vpc } } };
        NetworkEndpoint Registered(string state) => new() { EndpointId = "e1", DisplayName = "ws-service-direct", Region = "us-east-1", State = state, AwsVpcEndpointInfo = new AwsVpcEndpointInfo { AwsVpcEndpointId = "vpce-22222222" } };
        DeploymentStep Step(string state) => PrivateLinkDeploymentPlanner.Plan(Request(serviceDirect: true), new PrivateLinkDeploymentFacts { Vpc = vpc, NetworkEndpoints = new[] { Registered(state) } })
            .Single(s => s.Kind == DeploymentStepKind.ServiceDirectRegistration);

        Assert.Equal(("Reuse", "e1"), (Step("APPROVED").Action, Step("APPROVED").Id));
        Assert.Equal("Reuse", Step("PENDING").Action);
        var failed = Step("FAILED");
        Assert.Equal("Blocked", failed.Action);
        Assert.Contains("Remove-DbxNetworkEndpoint -EndpointId e1", failed.HowToFix);
        // Another region's registration of the same AWS id is not this deployment's.
        var other = PrivateLinkDeploymentPlanner.Plan(Request(serviceDirect: true), new PrivateLinkDeploymentFacts
        {
            Vpc = vpc, NetworkEndpoints = new[] { new NetworkEndpoint { EndpointId = "e2", Region = "us-west-2", State = "APPROVED", AwsVpcEndpointInfo = new AwsVpcEndpointInfo { AwsVpcEndpointId = "vpce-22222222" } } },
        }).Single(s => s.Kind == DeploymentStepKind.ServiceDirectRegistration);
        Assert.Equal("Create", other.Action);
    }

    [Fact]
    public void A_name_that_is_no_rfc1034_label_names_the_service_direct_registration_after_the_endpoint()
    {
        var r = Request(serviceDirect: true);
        r.Name = "my_workspace";
        Assert.Equal("databricks-servicedirect-" + Vpc, PrivateLinkDeploymentPlanner.ServiceDirectDisplayName(r));
    }

    [Fact]
    public void Rollback_removes_what_the_run_created_newest_first_and_never_what_it_reused()
    {
        var run = new[]
        {
            new DeploymentStep { Order = 2, Kind = DeploymentStepKind.WorkspaceSecurityGroup, Action = "Reuse", Id = "sg-1", Status = "Done" },
            new DeploymentStep { Order = 3, Kind = DeploymentStepKind.EndpointSecurityGroup, Action = "Create", Id = "sg-2", Status = "Done" },
            new DeploymentStep { Order = 4, Kind = DeploymentStepKind.WorkspaceEndpoint, Action = "Create", Id = "vpce-1", Status = "Done" },
            new DeploymentStep { Order = 7, Kind = DeploymentStepKind.WorkspaceEndpointRegistration, Action = "Create", Id = "r1", Status = "Failed" },
            new DeploymentStep { Order = 8, Kind = DeploymentStepKind.RelayEndpointRegistration, Action = "Create", Status = "Failed" },
            new DeploymentStep { Order = 9, Kind = DeploymentStepKind.NetworkConfiguration, Action = "Create", Status = "NotRun" },
        };
        var plan = PrivateLinkDeploymentPlanner.RollbackPlan(run);
        Assert.Equal(new[] { "r1", "vpce-1", "sg-2" }, plan.Select(s => s.Id));
        Assert.All(plan, s => Assert.Equal("Remove", s.Action));
        Assert.Equal(new[] { 1, 2, 3 }, plan.Select(s => s.Order));
        Assert.Empty(PrivateLinkDeploymentPlanner.RollbackPlan(run.Take(1)));
        // A workspace repaired in place was created by an earlier run: never removed, done or failed.
        var repaired = run.Append(new DeploymentStep { Order = 12, Kind = DeploymentStepKind.Workspace, Action = "Repair", Id = "7", Status = "Done" })
            .Append(new DeploymentStep { Order = 13, Kind = DeploymentStepKind.WaitRunning, Action = "Wait", Status = "Failed" });
        Assert.Equal(new[] { "r1", "vpce-1", "sg-2" }, PrivateLinkDeploymentPlanner.RollbackPlan(repaired).Select(s => s.Id));
        Assert.Empty(PrivateLinkDeploymentPlanner.RollbackPlan(new[] { new DeploymentStep { Order = 12, Kind = DeploymentStepKind.Workspace, Action = "Repair", Id = "7", Status = "Failed" } }));
    }
}
