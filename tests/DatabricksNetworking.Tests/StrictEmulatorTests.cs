using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;
using Microsoft.AspNetCore.Builder;

namespace DatabricksNetworking.Tests;

/// <summary>
/// The emulator refuses what the real service refuses (real-service-fidelity rows 15, 17, 18, 19, 23, 24): running
/// clusters block a workspace network change, names, required fields, policies without egress, the bodiless 409.
/// </summary>
public sealed class StrictEmulatorTests : IAsyncLifetime
{
    private const string Account = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";
    private const string Acc = "/api/2.0/accounts/" + Account + "/";
    private WebApplication app = null!;
    private HttpClient http = null!;
    private string url = "";
    private string? adminToken;

    public async Task InitializeAsync()
    {
        var seed = EmulatorState.ReadSeed(null);
        // A seeded running-clusters count for the demo workspace 1111111111111111.
        var wsState = seed["accounts"]![0]!["workspace_state"] as JsonObject ?? new JsonObject();
        seed["accounts"]![0]!["workspace_state"] = wsState;
        var entry = wsState["1111111111111111"] as JsonObject ?? new JsonObject();
        wsState["1111111111111111"] = entry;
        entry["running_clusters"] = 2;
        (app, var services) = EmulatorHost.Build(new EmulatorOptions { Port = 0, ProvisioningSeconds = 0, PeAcceptDelaySeconds = 0, Quiet = true }, seed);
        adminToken = services.Options.AdminToken;
        await app.StartAsync();
        url = EmulatorHost.Url(app);
        http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "dapidemoaccount000000000000000000001");
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, string Text)> Send(HttpMethod method, string path, object? body = null, long? workspace = null, string? chaos = null)
    {
        var req = new HttpRequestMessage(method, path);
        if (workspace.HasValue) req.Headers.Add("X-Databricks-Org-Id", workspace.Value.ToString());
        if (chaos != null) req.Headers.Add("X-Emulator-Chaos", chaos);
        if (path.StartsWith("/_emulator", StringComparison.Ordinal)) req.Headers.Add(EmulatorOptions.AdminTokenHeader, adminToken);
        if (body != null) req.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        return (resp.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, text);
    }

    private async Task<string> CreateNetwork(int n)
    {
        var (status, body, text) = await Send(HttpMethod.Post, Acc + "networks", new
        {
            network_name = $"strict-net-{n}", vpc_id = $"vpc-0c00000{n}",
            subnet_ids = new[] { $"subnet-0c0000{n}1", $"subnet-0c0000{n}2" }, security_group_ids = new[] { $"sg-0c0000{n}1" },
        });
        Assert.True(status == HttpStatusCode.OK, text);
        return (string)body!["network_id"]!;
    }

    private async Task<long> CreateWorkspace(string networkId)
    {
        var (status, body, text) = await Send(HttpMethod.Post, Acc + "workspaces", new
        {
            workspace_name = "strict-" + Guid.NewGuid().ToString("N")[..6], aws_region = "us-east-1", credentials_id = "3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80", storage_configuration_id = "4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91", network_id = networkId,
        });
        Assert.True(status == HttpStatusCode.OK, text);
        var id = (long)body!["workspace_id"]!;
        Assert.Equal("RUNNING", (string)(await Send(HttpMethod.Get, Acc + "workspaces/" + id)).Body!["workspace_status"]!);
        return id;
    }

    private async Task SetRunningClusters(long workspaceId, int count)
    {
        var (status, body, text) = await Send(HttpMethod.Post, $"/_emulator/workspaces/{workspaceId}/running-clusters?count={count}");
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(count, (int)body!["running_clusters"]!);
    }

    [Fact]
    public async Task The_clusters_list_serves_the_seeded_count_and_the_hook_changes_it()
    {
        var (s1, seeded, _) = await Send(HttpMethod.Get, "/api/2.0/clusters/list", workspace: 1111111111111111);
        Assert.Equal(HttpStatusCode.OK, s1);
        var clusters = seeded!["clusters"]!.AsArray();
        Assert.Equal(2, clusters.Count);
        Assert.All(clusters, c => Assert.Equal("RUNNING", (string)c!["state"]!));
        Assert.Equal(2, clusters.Select(c => (string)c!["cluster_id"]!).Distinct().Count());
        await SetRunningClusters(1111111111111111, 0);
        var (_, none, _) = await Send(HttpMethod.Get, "/api/2.0/clusters/list", workspace: 1111111111111111);
        Assert.Null(none!["clusters"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Post, "/_emulator/workspaces/9999999999999999/running-clusters?count=1")).Status);
        // The count is part of the state (a state file keeps it).
        await SetRunningClusters(1111111111111111, 3);
        var (_, state, _) = await Send(HttpMethod.Get, "/_emulator/state");
        Assert.Equal(3, (int)state!["accounts"]![0]!["workspace_state"]!["1111111111111111"]!["running_clusters"]!);
        await SetRunningClusters(1111111111111111, 2);
    }

    [Fact]
    public async Task A_running_workspace_with_running_clusters_refuses_a_network_change_until_they_stop()
    {
        var net = await CreateNetwork(1);
        var ws = await CreateWorkspace(net);
        var net2 = await CreateNetwork(2);
        await SetRunningClusters(ws, 3);
        var (refused, body, _) = await Send(HttpMethod.Patch, Acc + "workspaces/" + ws + "?update_mask=network_id", new { network_id = net2 });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("INVALID_STATE", (string)body!["error_code"]!);
        Assert.Contains(ws.ToString(), (string)body["message"]!);
        Assert.Contains("3 cluster(s) are running", (string)body["message"]!);
        Assert.Equal(net, (string)(await Send(HttpMethod.Get, Acc + "workspaces/" + ws)).Body!["network_id"]!);
        // Tags (no data-plane change) go through while clusters run.
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Patch, Acc + "workspaces/" + ws + "?update_mask=custom_tags", new { custom_tags = new { team = "net" } })).Status);
        await SetRunningClusters(ws, 0);
        var (ok, moved, text) = await Send(HttpMethod.Patch, Acc + "workspaces/" + ws + "?update_mask=network_id", new { network_id = net2 });
        Assert.True(ok == HttpStatusCode.OK, text);
        Assert.Equal(net2, (string)moved!["network_id"]!);
    }

    [Theory]
    [InlineData("pas", false)]
    [InlineData("  ab  ", false)]
    [InlineData("pas1", true)]
    public async Task Private_access_settings_names_are_4_to_256_characters(string name, bool accepted)
    {
        var (status, body, _) = await Send(HttpMethod.Post, Acc + "private-access-settings", new { private_access_settings_name = name, region = "us-east-1" });
        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.BadRequest, status);
        if (!accepted) Assert.Contains("4 to 256", (string)body!["message"]!);
        var (tooLong, _, _) = await Send(HttpMethod.Post, Acc + "private-access-settings", new { private_access_settings_name = new string('n', 257), region = "us-east-1" });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
    }

    [Fact]
    public async Task A_vpc_endpoint_registration_needs_its_name()
    {
        var (status, body, _) = await Send(HttpMethod.Post, Acc + "vpc-endpoints", new { aws_vpc_endpoint_id = "vpce-0123456789abcdef1", region = "us-east-1" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string)body!["error_code"]!);
        Assert.Contains("vpc_endpoint_name is required", (string)body["message"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Post, Acc + "vpc-endpoints", new { vpc_endpoint_name = "abc", aws_vpc_endpoint_id = "vpce-0123456789abcdef1", region = "us-east-1" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, Acc + "vpc-endpoints", new { vpc_endpoint_name = "abcd", aws_vpc_endpoint_id = "vpce-0123456789abcdef1", region = "us-east-1" })).Status);
    }

    [Fact]
    public async Task A_network_policy_without_egress_is_accepted()
    {
        var id = "no-egress-" + Guid.NewGuid().ToString("N")[..6];
        var (status, body, text) = await Send(HttpMethod.Post, Acc + "network-policies", new { network_policy_id = id });
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(id, (string)body!["network_policy_id"]!);
        Assert.Null(body["egress"]);
        // A malformed egress is still refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Post, Acc + "network-policies", new { network_policy_id = id + "x", egress = new { network_access = new { restriction_mode = "SOMETIMES" } } })).Status);
        await Send(HttpMethod.Delete, Acc + "network-policies/" + id);
    }

    [Theory]
    // Go SDK settings/model.go: private_access.restriction_mode is ALLOW_ALL_REGISTERED_ENDPOINTS | RESTRICTED_ACCESS,
    // cross_workspace_access.restriction_mode FULL_ACCESS | LEGACY_MODE | RESTRICTED_ACCESS; anything else is refused.
    [InlineData("private_access", "ALLOW_ALL")]
    [InlineData("private_access", "allow_all_registered_endpoints")]
    [InlineData("cross_workspace_access", "LEGACY")]
    public async Task An_ingress_access_mode_outside_the_SDK_enum_is_refused_and_nothing_is_stored(string part, string mode)
    {
        var id = "bad-mode-" + Guid.NewGuid().ToString("N")[..6];
        var ingress = new JsonObject { ["public_access"] = new JsonObject { ["restriction_mode"] = "FULL_ACCESS" }, [part] = new JsonObject { ["restriction_mode"] = mode } };
        var (status, body, text) = await Send(HttpMethod.Post, Acc + "network-policies", new JsonObject { ["network_policy_id"] = id, ["ingress"] = ingress });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", (string?)body!["error_code"]);
        Assert.Contains($"ingress.{part}.restriction_mode", (string?)body["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, Acc + "network-policies/" + id)).Status);
        // The SDK's own values are taken; an unset private_access comes back filled the way the service fills it.
        var good = new JsonObject { ["network_policy_id"] = id, ["ingress"] = new JsonObject { ["public_access"] = new JsonObject { ["restriction_mode"] = "FULL_ACCESS" } } };
        (status, body, text) = await Send(HttpMethod.Post, Acc + "network-policies", good);
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal("RESTRICTION_MODE_UNSPECIFIED", (string?)body!["ingress"]!["private_access"]!["restriction_mode"]);
        await Send(HttpMethod.Delete, Acc + "network-policies/" + id);
    }

    [Fact]
    public async Task Allowed_databricks_destinations_take_workspace_ids_and_count_as_destinations()
    {
        // databricks-sdk-go settings/model.go: allowed_databricks_destinations []{workspace_ids []int64} (fidelity row 21).
        var id = "dbx-dest-" + Guid.NewGuid().ToString("N")[..6];
        object Policy(object destinations) => new { network_policy_id = id, egress = new { network_access = new { restriction_mode = "RESTRICTED_ACCESS", allowed_databricks_destinations = destinations } } };
        var (status, body, text) = await Send(HttpMethod.Post, Acc + "network-policies", Policy(new[] { new { workspace_ids = new object[] { 1111111111111111L, "2222222222222222" } } }));
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal(2, body!["egress"]!["network_access"]!["allowed_databricks_destinations"]![0]!["workspace_ids"]!.AsArray().Count);
        // The client reads both the number and the proto-JSON string form, and counts each workspace.
        var policy = System.Text.Json.JsonSerializer.Deserialize<DatabricksNetworking.Models.NetworkPolicy>(text, DatabricksNetworking.Client.Json.Options)!;
        Assert.Equal(new[] { 1111111111111111L, 2222222222222222L }, policy.AllowedWorkspaceIds);
        Assert.Equal(2, policy.DestinationCount);
        foreach (var bad in new object[] { new[] { new { workspace_ids = new object[] { -5 } } }, new[] { new { workspace_ids = new object[] { "abc" } } }, new[] { new { workspace_ids = 7 } }, new { workspace_ids = new[] { 7 } } })
        {
            var (s2, _, t2) = await Send(HttpMethod.Put, Acc + "network-policies/" + id, Policy(bad));
            Assert.True(s2 == HttpStatusCode.BadRequest, t2);
            Assert.Contains("allowed_databricks_destinations", t2);
        }
        await Send(HttpMethod.Delete, Acc + "network-policies/" + id);
    }

    [Fact]
    public async Task The_bodiless_409_chaos_kind_answers_a_refused_delete_of_a_network_in_use_with_an_empty_409()
    {
        var net = await CreateNetwork(3);
        var ws = await CreateWorkspace(net);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Post, "/_emulator/chaos?rate=1&kind=bodiless-409")).Status);
        var (status, _, text) = await Send(HttpMethod.Delete, Acc + "networks/" + net);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("", text);
        // The client reads it as a conflict with the status text, no body needed.
        var parsed = DatabricksNetworking.Client.ErrorParser.Parse(409, "Conflict", Array.Empty<byte>(), null);
        Assert.Null(parsed.ErrorCode);
        Assert.Equal("Conflict", parsed.Message);
        // Other answers are served unchanged under that kind.
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, Acc + "networks/" + net)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, Acc + "workspaces/" + ws)).Status);
        Assert.Contains("bodiless-409", Chaos.Kinds);
    }
}
