using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Aws;
using DatabricksNetworking.Emulator.Core;
using Microsoft.AspNetCore.Builder;

namespace DatabricksNetworking.Tests;

/// <summary>The customer-managed VPC checks, as a pure function of AWS facts.</summary>
public class ClassicNetworkValidationTests
{
    private static readonly string[] Subnets = { "subnet-0a000001", "subnet-0a000002" };
    private static readonly string[] Groups = { "sg-0a000001" };

    private static NetworkFacts Facts(bool dns = true, string az2 = "us-east-1b", string cidr = "10.0.0.0/20", string sgVpc = "vpc-0a000001", string subnetVpc = "vpc-0a000001") => new()
    {
        VpcExists = true, DnsHostnames = dns, DnsSupport = dns,
        Subnets = new[] { new SubnetFacts(Subnets[0], "vpc-0a000001", cidr, "us-east-1a"), new SubnetFacts(Subnets[1], subnetVpc, "10.0.16.0/20", az2) },
        SecurityGroups = new[] { new SecurityGroupFacts(Groups[0], sgVpc) },
    };

    private static NetworkVerdict Validate(NetworkFacts f, string[]? subnets = null) => NetworkValidation.Validate("vpc-0a000001", subnets ?? Subnets, Groups, f);

    [Fact]
    public void A_correct_network_is_valid()
    {
        var v = Validate(Facts());
        Assert.Equal("VALID", v.VpcStatus);
        Assert.Empty(v.Errors);
    }

    [Theory]
    [InlineData("dns", "vpc", "DNS hostnames")]
    [InlineData("one-az", "subnet", "two availability zones")]
    [InlineData("/27", "subnet", "/27")]
    [InlineData("/16", "subnet", "/16")]
    [InlineData("sg-elsewhere", "securityGroup", "not in vpc-0a000001")]
    [InlineData("subnet-elsewhere", "subnet", "not in vpc-0a000001")]
    public void Broken_networks_name_the_problem_with_a_lower_camel_case_type(string problem, string type, string text)
    {
        var f = problem switch
        {
            "dns" => Facts(dns: false),
            "one-az" => Facts(az2: "us-east-1a"),
            "/27" => Facts(cidr: "10.0.0.0/27"),
            "/16" => Facts(cidr: "10.0.0.0/16"),
            "sg-elsewhere" => Facts(sgVpc: "vpc-0b000001"),
            _ => Facts(subnetVpc: "vpc-0b000001"),
        };
        var v = Validate(f);
        Assert.Equal("BROKEN", v.VpcStatus);
        var e = Assert.Single(v.Errors, x => ((string)x!["error_message"]!).Contains(text));
        Assert.Equal(type, (string)e!["error_type"]!);
    }

    [Fact]
    public void Netmask_bounds_are_17_and_26()
    {
        Assert.Equal("VALID", Validate(Facts(cidr: "10.0.0.0/17")).VpcStatus);
        Assert.Equal("VALID", Validate(Facts(cidr: "10.0.0.0/26")).VpcStatus);
    }

    [Fact]
    public void Two_subnets_in_one_zone_beside_another_zone_is_a_warning()
    {
        var f = Facts();
        f = new NetworkFacts
        {
            VpcExists = true, DnsHostnames = true, DnsSupport = true, SecurityGroups = f.SecurityGroups,
            Subnets = f.Subnets.Append(new SubnetFacts("subnet-0a000003", "vpc-0a000001", "10.0.32.0/20", "us-east-1a")).ToArray(),
        };
        var v = Validate(f, Subnets.Append("subnet-0a000003").ToArray());
        Assert.Equal("WARNED", v.VpcStatus);
        Assert.Equal("subnet", (string)v.Warnings.Single()!["warning_type"]!);
    }

    [Fact]
    public void Missing_objects_are_errors()
    {
        var v = Validate(new NetworkFacts { VpcExists = false });
        Assert.Equal("BROKEN", v.VpcStatus);
        Assert.Contains(v.Errors, e => (string)e!["error_type"]! == "vpc");
        Assert.Contains(v.Errors, e => (string)e!["error_type"]! == "securityGroup");
    }
}

/// <summary>The emulator's classic compute plane rules over HTTP, in process, without AWS.</summary>
public sealed class ClassicEmulatorRuleTests : IAsyncLifetime
{
    private const string Account = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";
    private const string Acc = "/api/2.0/accounts/" + Account + "/";
    private const string NccUse1 = "0c0c0c0c-0000-4000-8000-000000000001";
    private WebApplication app = null!;
    private EmulatorServices services = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        var seed = EmulatorState.ReadSeed(null);
        seed["accounts"]![0]!["collections"] = new JsonObject
        {
            ["network-connectivity-configs"] = new JsonArray(
                new JsonObject { ["network_connectivity_config_id"] = NccUse1, ["name"] = "n1", ["region"] = "us-east-1" }),
        };
        (app, services) = EmulatorHost.Build(new EmulatorOptions { Port = 0, PeAcceptDelaySeconds = 0, ProvisioningSeconds = 0, Quiet = true }, seed);
        await app.StartAsync();
        http = new HttpClient { BaseAddress = new Uri(EmulatorHost.Url(app)) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "dapidemoaccount000000000000000000001");
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Send(HttpMethod method, string path, object? body = null)
    {
        var req = new HttpRequestMessage(method, path);
        if (body != null) req.Content = new StringContent(body is JsonNode n ? n.ToJsonString() : System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        return (resp.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static object NetworkBody(int n) => new
    {
        network_name = $"net-{n:D4}",
        vpc_id = "vpc-0a00000" + n,
        subnet_ids = new[] { $"subnet-0a0000{n}1", $"subnet-0a0000{n}2" },
        security_group_ids = new[] { $"sg-0a0000{n}1" },
    };

    private async Task<string> CreateNetwork(int n)
    {
        var (status, body) = await Send(HttpMethod.Post, Acc + "networks", NetworkBody(n));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("UNATTACHED", (string)body!["vpc_status"]!);
        return (string)body["network_id"]!;
    }

    private async Task<long> CreateWorkspace(string? networkId, string? pasId = null)
    {
        var (status, body) = await Send(HttpMethod.Post, Acc + "workspaces", new
        {
            workspace_name = "x-" + Guid.NewGuid().ToString("N")[..6], aws_region = "us-east-1", credentials_id = "3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80", storage_configuration_id = "4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91",
            network_id = networkId, private_access_settings_id = pasId,
        });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal("PROVISIONING", (string)body!["workspace_status"]!);
        var id = (long)body["workspace_id"]!;
        var (_, now) = await Send(HttpMethod.Get, Acc + "workspaces/" + id);
        Assert.Equal("RUNNING", (string)now!["workspace_status"]!);
        return id;
    }

    [Fact]
    public async Task Lists_are_bare_arrays()
    {
        await CreateNetwork(1);
        foreach (var c in new[] { "networks", "vpc-endpoints", "private-access-settings", "workspaces" })
            Assert.IsType<JsonArray>((await Send(HttpMethod.Get, Acc + c)).Body);
    }

    [Fact]
    public async Task A_subnet_cannot_be_in_two_configurations()
    {
        await CreateNetwork(2);
        var (status, body) = await Send(HttpMethod.Post, Acc + "networks", new { network_name = "again", vpc_id = "vpc-0b000001", subnet_ids = new[] { "subnet-0a000021", "subnet-0b000001" }, security_group_ids = new[] { "sg-0b000001" } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body!["error_code"]!);
    }

    [Fact]
    public async Task Delete_of_a_used_network_is_refused_naming_the_workspace_and_attach_sets_workspace_id()
    {
        var net = await CreateNetwork(3);
        var ws = await CreateWorkspace(net);
        var (_, n) = await Send(HttpMethod.Get, Acc + "networks/" + net);
        Assert.Equal(ws, (long)n!["workspace_id"]!);
        Assert.Equal("VALID", (string)n["vpc_status"]!);
        var (status, body) = await Send(HttpMethod.Delete, Acc + "networks/" + net);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_STATE", (string)body!["error_code"]!);
        Assert.Contains(ws.ToString(), (string)body["message"]!);
        // Not twice: a second workspace cannot use it.
        var (s2, b2) = await Send(HttpMethod.Post, Acc + "workspaces", new { workspace_name = "dup", aws_region = "us-east-1", credentials_id = "3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80", storage_configuration_id = "4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91", network_id = net });
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Equal("INVALID_STATE", (string)b2!["error_code"]!);
        // Deleting the workspace frees it.
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, Acc + "workspaces/" + ws)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, Acc + "networks/" + net)).Status);
    }

    [Fact]
    public async Task Registration_without_aws_goes_pending_then_available()
    {
        var (status, body) = await Send(HttpMethod.Post, Acc + "vpc-endpoints", new { vpc_endpoint_name = "reg1", aws_vpc_endpoint_id = "vpce-0123456789abcdef0", region = "eu-west-1" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("pending", (string)body!["state"]!);
        Assert.Equal("GENERAL_ACCESS", (string)body["use_case"]!);
        Assert.Equal("com.amazonaws.vpce.eu-west-1.vpce-svc-0da6ebf1461278016", (string)body["aws_endpoint_service_id"]!);
        var (_, again) = await Send(HttpMethod.Get, Acc + "vpc-endpoints/" + (string)body["vpc_endpoint_id"]!);
        Assert.Equal("available", (string)again!["state"]!);
    }

    [Fact]
    public async Task Private_access_settings_put_is_a_full_replace_with_defaults()
    {
        var (_, pas) = await Send(HttpMethod.Post, Acc + "private-access-settings", new { private_access_settings_name = "pas-p", region = "us-east-1", public_access_enabled = true });
        var id = (string)pas!["private_access_settings_id"]!;
        var (status, put) = await Send(HttpMethod.Put, Acc + "private-access-settings/" + id, new { private_access_settings_name = "pas-p2", region = "us-east-1" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False((bool)put!["public_access_enabled"]!);
        Assert.Equal("ACCOUNT", (string)put["private_access_level"]!);
        var (bad, _) = await Send(HttpMethod.Put, Acc + "private-access-settings/" + id, new { private_access_settings_name = "pas-p3", region = "us-east-1", private_access_level = "ACCOUNT", allowed_vpc_endpoint_ids = new[] { Guid.NewGuid().ToString() } });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
    }

    [Fact]
    public async Task Workspace_patch_follows_the_update_table()
    {
        var net = await CreateNetwork(4);
        var (_, pas) = await Send(HttpMethod.Post, Acc + "private-access-settings", new { private_access_settings_name = "pas-p", region = "us-east-1" });
        var pasId = (string)pas!["private_access_settings_id"]!;
        var (_, euPas) = await Send(HttpMethod.Post, Acc + "private-access-settings", new { private_access_settings_name = "pas-eu", region = "eu-west-1" });
        var ws = await CreateWorkspace(net, pasId);
        string Path(string mask) => Acc + "workspaces/" + ws + "?update_mask=" + mask;

        async Task Refused(string mask, object body, HttpStatusCode code, string errorCode, string text)
        {
            var (status, b) = await Send(HttpMethod.Patch, Path(mask), body);
            Assert.Equal(code, status);
            Assert.Equal(errorCode, (string)b!["error_code"]!);
            Assert.Contains(text, (string)b["message"]!);
        }
        await Refused("private_access_settings_id", new { private_access_settings_id = "" }, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "PrivateLink cannot be removed");
        await Refused("network_id", new { }, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "converted back");
        await Refused("private_access_settings_id", new { private_access_settings_id = (string)euPas!["private_access_settings_id"]! }, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "eu-west-1");
        await Refused("network_connectivity_config_id", new { network_connectivity_config_id = Guid.NewGuid().ToString() }, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "does not exist");
        await Refused("workspace_name", new { workspace_name = "x" }, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "cannot be updated");
        await Refused("aws_region", new { aws_region = "us-west-2" }, HttpStatusCode.BadRequest, "INVALID_STATE", "FAILED");

        // Bind, switch is allowed; unset is not. A customer-managed VPC workspace stays RUNNING.
        var (ok, bound) = await Send(HttpMethod.Patch, Path("network_connectivity_config_id"), new { network_connectivity_config_id = NccUse1 });
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("RUNNING", (string)bound!["workspace_status"]!);
        await Refused("network_connectivity_config_id", new { network_connectivity_config_id = "" }, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "only switched");

        // Moving to another network keeps RUNNING and frees the old one.
        var net2 = await CreateNetwork(5);
        var (moved, w2) = await Send(HttpMethod.Patch, Path("network_id"), new { network_id = net2 });
        Assert.Equal(HttpStatusCode.OK, moved);
        Assert.Equal("RUNNING", (string)w2!["workspace_status"]!);
        var (_, old) = await Send(HttpMethod.Get, Acc + "networks/" + net);
        Assert.Equal("UNATTACHED", (string)old!["vpc_status"]!);
        Assert.Null(old["workspace_id"]);
    }

    /// <summary>Puts a workspace into FAILED as a broken network leaves it (its network BROKEN), without AWS.</summary>
    private void Fail(long workspaceId, string networkId)
    {
        lock (services.State.Sync)
        {
            var acc = services.State.AccountOfWorkspace(workspaceId)!;
            var w = acc.Workspaces[workspaceId].Workspace;
            DatabricksNetworking.Emulator.Areas.ClassicRules.Unschedule(w);
            w["workspace_status"] = "FAILED";
            w["workspace_status_message"] = "Network validation failed: VPC does not have DNS hostnames enabled.";
            var n = acc.Collection(DatabricksNetworking.Emulator.Areas.ClassicRules.Networks)[networkId];
            n["vpc_status"] = "BROKEN";
            n["error_messages"] = new JsonArray(new JsonObject { ["error_type"] = "vpc", ["error_message"] = "VPC does not have DNS hostnames enabled." });
        }
    }

    [Fact]
    public async Task A_failed_workspace_is_repaired_in_place_and_one_that_ever_ran_takes_no_new_storage_key()
    {
        // A workspace that failed while provisioning (never RUNNING): the PATCH of the configuration ids it already has
        // deploys it again, FAILED -> PROVISIONING -> RUNNING, with the same id, and its network is validated again.
        var net = await CreateNetwork(7);
        var (_, pas) = await Send(HttpMethod.Post, Acc + "private-access-settings", new { private_access_settings_name = "pas-r", region = "us-east-1" });
        var pasId = (string)pas!["private_access_settings_id"]!;
        var (created, ws) = await Send(HttpMethod.Post, Acc + "workspaces", new
        {
            workspace_name = "repair-me", aws_region = "us-east-1", credentials_id = "3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80", storage_configuration_id = "4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91",
            network_id = net, private_access_settings_id = pasId,
        });
        Assert.Equal(HttpStatusCode.OK, created);
        var id = (long)ws!["workspace_id"]!;
        Fail(id, net);
        var mask = "credentials_id,network_id,private_access_settings_id,storage_configuration_id";
        var (status, patched) = await Send(HttpMethod.Patch, Acc + "workspaces/" + id + "?update_mask=" + mask, new
        {
            credentials_id = "3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80", network_id = net, private_access_settings_id = pasId, storage_configuration_id = "4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91",
        });
        Assert.True(status == HttpStatusCode.OK, patched?.ToJsonString());
        Assert.Equal("PROVISIONING", (string)patched!["workspace_status"]!);
        Assert.Equal(id, (long)patched["workspace_id"]!);
        var (_, now) = await Send(HttpMethod.Get, Acc + "workspaces/" + id);
        Assert.Equal("RUNNING", (string)now!["workspace_status"]!);
        var (_, n) = await Send(HttpMethod.Get, Acc + "networks/" + net);
        Assert.Equal("VALID", (string)n!["vpc_status"]!);   // validated again (no AWS here: taken as valid), the errors gone
        Assert.Null(n["error_messages"]);
        Assert.Equal(id, (long)n["workspace_id"]!);

        // It has been RUNNING now: failed again, it takes no new storage key ("ever in the running state" rule), while
        // the other ids are still accepted.
        Fail(id, net);
        var (refused, body) = await Send(HttpMethod.Patch, Acc + "workspaces/" + id + "?update_mask=storage_customer_managed_key_id", new { storage_customer_managed_key_id = Guid.NewGuid().ToString() });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("INVALID_STATE", (string)body!["error_code"]!);
        Assert.Contains("ever running", (string)body["message"]!);
        var (again, _) = await Send(HttpMethod.Patch, Acc + "workspaces/" + id + "?update_mask=credentials_id", new { credentials_id = "3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80" });
        Assert.Equal(HttpStatusCode.OK, again);
    }

    [Fact]
    public async Task A_running_databricks_managed_vpc_workspace_cannot_take_a_network_or_privatelink()
    {
        // dev-us (3333333333333333) runs in a Databricks-managed VPC; prod-us has a customer-managed one in the demo seed.
        var net = await CreateNetwork(6);
        var (s1, b1) = await Send(HttpMethod.Patch, Acc + "workspaces/3333333333333333?update_mask=network_id", new { network_id = net });
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Assert.Equal("INVALID_STATE", (string)b1!["error_code"]!);
        var (_, pas) = await Send(HttpMethod.Post, Acc + "private-access-settings", new { private_access_settings_name = "pas-p", region = "us-east-1" });
        var (s2, b2) = await Send(HttpMethod.Patch, Acc + "workspaces/3333333333333333?update_mask=private_access_settings_id", new { private_access_settings_id = (string)pas!["private_access_settings_id"]! });
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Contains("customer-managed VPC", (string)b2!["message"]!);
        // An NCC re-provisions a Databricks-managed VPC workspace.
        var (s3, b3) = await Send(HttpMethod.Patch, Acc + "workspaces/3333333333333333?update_mask=network_connectivity_config_id", new { network_connectivity_config_id = NccUse1 });
        Assert.Equal(HttpStatusCode.OK, s3);
        Assert.Equal("PROVISIONING", (string)b3!["workspace_status"]!);
    }
}
