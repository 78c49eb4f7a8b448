using System.Text.Json.Nodes;
using DatabricksNetworking.Data;
using DatabricksNetworking.Emulator.Aws;
using DatabricksNetworking.Emulator.Core;
using static DatabricksNetworking.Emulator.Areas.ClassicRules;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// Account provisioning APIs of the classic compute plane: network configurations, VPC endpoint registrations and
/// private access settings (bare JSON array lists, reference databricks-api.md §2). With --aws-endpoint the AWS
/// side is checked the way Databricks checks it; a test hook under /_emulator fixes an endpoint's state.
/// </summary>
public sealed class ClassicArea : IEmulatorArea
{
    private const string Base = "/api/2.0/accounts/{accountId}/";

    /// <summary>Planned end states of future registrations (test hook), per account object.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AccountState, Dictionary<string, string>> Outcomes = new();

    public void Map(WebApplication app, EmulatorServices s)
    {
        var aws = AwsEc2.For(s.Options.AwsEndpoint);
        MapCollection(app, s, Networks, "network_id", "Network configuration", "Network");
        MapCollection(app, s, VpcEndpoints, "vpc_endpoint_id", "VPC endpoint", "VPC endpoint");
        MapCollection(app, s, PrivateAccessSettings, "private_access_settings_id", "Private access settings", "Private access settings");

        app.MapPost(Base + Networks, async (HttpContext http) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync) return CreateNetwork(http, s, acc, body!);
        });

        app.MapPost(Base + VpcEndpoints, async (HttpContext http) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            return await CreateVpcEndpoint(http, s, aws, Emu.Req(http).Account!, body!);
        });

        app.MapPost(Base + PrivateAccessSettings, async (HttpContext http) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync) return WritePas(http, s, acc, body!, null);
        });

        app.MapPut(Base + PrivateAccessSettings + "/{id}", async (HttpContext http, string id) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                if (!acc.Collection(PrivateAccessSettings).TryGetValue(id, out var existing))
                    return Emu.NotFound(http, $"Private access settings {id} does not exist.");
                return WritePas(http, s, acc, body!, existing);
            }
        });

        // Test hook (not Databricks API): without AWS, the next registration of this vpce- id ends in the given
        // state instead of 'available', e.g. {"aws_vpc_endpoint_id":"vpce-…","state":"rejected"}.
        app.MapPost("/_emulator/accounts/{accountId}/vpc-endpoint-outcomes", async (HttpContext http, string accountId) =>
        {
            var node = await JsonNode.ParseAsync(http.Request.Body);
            var awsId = node?["aws_vpc_endpoint_id"]?.GetValue<string>();
            var state = node?["state"]?.GetValue<string>();
            if (string.IsNullOrEmpty(awsId) || string.IsNullOrEmpty(state)) return Emu.BadRequest(http, "Give {\"aws_vpc_endpoint_id\": \"vpce-...\", \"state\": \"...\"}.");
            lock (s.State.Sync)
            {
                if (!s.State.Accounts.TryGetValue(accountId, out var acc)) return Emu.NotFound(http, $"Account {accountId} does not exist.");
                Outcomes.GetOrCreateValue(acc)[awsId] = state;
            }
            return Emu.Empty();
        });

        // Test hook (not Databricks API): fix a registration's state, e.g. {"state":"rejected"}.
        app.MapPost("/_emulator/accounts/{accountId}/vpc-endpoints/{id}/state", async (HttpContext http, string accountId, string id) =>
        {
            var node = await JsonNode.ParseAsync(http.Request.Body);
            var state = node?["state"]?.GetValue<string>();
            if (string.IsNullOrEmpty(state)) return Emu.BadRequest(http, "Give {\"state\": \"...\"}.");
            lock (s.State.Sync)
            {
                if (!s.State.Accounts.TryGetValue(accountId, out var acc) || !acc.Collection(VpcEndpoints).TryGetValue(id, out var e))
                    return Emu.NotFound(http, $"VPC endpoint {id} does not exist.");
                e["state"] = state;
                Force(e);
                return Emu.Json(e.DeepClone());
            }
        });

    }

    /// <summary>GET list (bare array), GET one and DELETE (refused while a workspace uses the object) of one collection.</summary>
    private static void MapCollection(WebApplication app, EmulatorServices s, string collection, string idField, string what, string deleteWord)
    {
        var aws = AwsEc2.For(s.Options.AwsEndpoint);
        app.MapGet(Base + collection, async (HttpContext http) =>
        {
            var acc = Emu.Req(http).Account!;
            if (collection == VpcEndpoints) await RefreshFromAws(s, aws, acc, null);
            lock (s.State.Sync)
            {
                Settle(s, acc);
                return Emu.Json(new JsonArray(acc.Collection(collection).Values.Select(o => (JsonNode)o.DeepClone()).ToArray()));
            }
        });
        app.MapGet(Base + collection + "/{id}", async (HttpContext http, string id) =>
        {
            var acc = Emu.Req(http).Account!;
            if (collection == VpcEndpoints) await RefreshFromAws(s, aws, acc, id);
            lock (s.State.Sync)
            {
                Settle(s, acc);
                return acc.Collection(collection).TryGetValue(id, out var o) ? Emu.Json(o.DeepClone()) : Emu.NotFound(http, $"{what} {id} does not exist.");
            }
        });
        app.MapDelete(Base + collection + "/{id}", (HttpContext http, string id) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                Settle(s, acc);
                var items = acc.Collection(collection);
                if (!items.TryGetValue(id, out var o)) return Emu.NotFound(http, $"{what} {id} does not exist.");
                var users = collection == VpcEndpoints ? WorkspacesUsingVpcEndpoint(acc, id) : WorkspacesWith(acc, idField, id);
                if (users.Count > 0) return InUse(http, deleteWord, users);
                items.Remove(id);
                return Emu.Json(o);
            }
        });
    }

    // ---- networks --------------------------------------------------------------------------------------

    internal static IResult CreateNetwork(HttpContext http, EmulatorServices s, AccountState acc, JsonObject body)
    {
        var name = ReadString(body, "network_name", out var e1);
        var vpcId = ReadString(body, "vpc_id", out var e2);
        var subnets = ReadStrings(body, "subnet_ids", out var e3);
        var groups = ReadStrings(body, "security_group_ids", out var e4);
        var shapeError = e1 ?? e2 ?? e3 ?? e4;
        if (shapeError != null) return Emu.Malformed(http, shapeError);
        if (name == null || name.Trim().Length < 4 || name.Length > 256)
            return Emu.BadRequest(http, "network_name must be 4 to 256 characters long.");
        if (!IsAwsId(vpcId, "vpc")) return Emu.BadRequest(http, $"vpc_id '{vpcId}' is not a valid VPC id.");
        if (subnets == null || subnets.Count < 2) return Emu.BadRequest(http, "subnet_ids must name at least 2 subnets, in different availability zones.");
        if (groups == null || groups.Count < 1 || groups.Count > 5) return Emu.BadRequest(http, "security_group_ids must name 1 to 5 security groups.");
        var bad = subnets.FirstOrDefault(x => !IsAwsId(x, "subnet")) ?? groups.FirstOrDefault(x => !IsAwsId(x, "sg"));
        if (bad != null) return Emu.BadRequest(http, $"'{bad}' is not a valid AWS {(bad.StartsWith("sg", StringComparison.Ordinal) ? "security group" : "subnet")} id.");
        var dup = subnets.Concat(groups).GroupBy(x => x).FirstOrDefault(g => g.Count() > 1);
        if (dup != null) return Emu.BadRequest(http, $"'{dup.Key}' is listed more than once.");
        foreach (var other in acc.Collection(Networks).Values)
        {
            var usedSubnet = Ids(other["subnet_ids"]).Intersect(subnets).FirstOrDefault();
            if (usedSubnet != null) return Emu.BadRequest(http, $"Subnet {usedSubnet} is already used by network configuration {Str(other, "network_id")}; a subnet cannot be used in more than one network configuration.");
            var usedGroup = Ids(other["security_group_ids"]).Intersect(groups).FirstOrDefault();
            if (usedGroup != null) return Emu.BadRequest(http, $"Security group {usedGroup} is already used by network configuration {Str(other, "network_id")}; a security group cannot be used in more than one network configuration.");
        }

        JsonObject? endpoints = null;
        if (body["vpc_endpoints"] is JsonObject ve)
        {
            var rest = ReadStrings(ve, "rest_api", out var e5) ?? new();
            var relay = ReadStrings(ve, "dataplane_relay", out var e6) ?? new();
            if ((e5 ?? e6) is { } err) return Emu.Malformed(http, "vpc_endpoints malformed parameters: " + err);
            foreach (var (list, listName, relayList) in new[] { (rest, "rest_api", false), (relay, "dataplane_relay", true) })
                foreach (var id in list)
                {
                    if (!acc.Collection(VpcEndpoints).TryGetValue(id, out var reg))
                        return Emu.Malformed(http, $"vpc_endpoints malformed parameters: VPC Endpoint {id} does not exist.");
                    var useCase = Str(reg, "use_case");
                    if ((useCase == "DATAPLANE_RELAY_ACCESS") != relayList)
                        return Emu.Malformed(http, $"vpc_endpoints malformed parameters: VPC Endpoint {id} with use_case {useCase} cannot be attached in {listName} list");
                }
            endpoints = new JsonObject { ["rest_api"] = new JsonArray(rest.Select(x => (JsonNode)x).ToArray()), ["dataplane_relay"] = new JsonArray(relay.Select(x => (JsonNode)x).ToArray()) };
        }
        else if (body["vpc_endpoints"] != null) return Emu.Malformed(http, "vpc_endpoints must be an object {rest_api, dataplane_relay}.");

        var network = new JsonObject
        {
            ["network_id"] = Emu.NewId(),
            ["account_id"] = acc.AccountId,
            ["network_name"] = name,
            ["vpc_id"] = vpcId,
            ["subnet_ids"] = new JsonArray(subnets.Select(x => (JsonNode)x).ToArray()),
            ["security_group_ids"] = new JsonArray(groups.Select(x => (JsonNode)x).ToArray()),
            ["vpc_status"] = "UNATTACHED",
            ["creation_time"] = s.NowMs,
        };
        if (endpoints != null) network["vpc_endpoints"] = endpoints;
        acc.Collection(Networks)[(string)network["network_id"]!] = network;
        return Emu.Json(network.DeepClone());
    }

    // ---- VPC endpoint registrations --------------------------------------------------------------------

    private static async Task<IResult> CreateVpcEndpoint(HttpContext http, EmulatorServices s, AwsEc2? aws, AccountState acc, JsonObject body)
    {
        var awsId = ReadString(body, "aws_vpc_endpoint_id", out var e1);
        var region = ReadString(body, "region", out var e2);
        var name = ReadString(body, "vpc_endpoint_name", out var e3);
        if ((e1 ?? e2 ?? e3) is { } shape) return Emu.Malformed(http, shape);
        if (!IsAwsId(awsId, "vpce")) return Emu.BadRequest(http, $"aws_vpc_endpoint_id '{awsId}' is not a valid AWS VPC endpoint id (vpce-...).");
        if (region == null || !Regions.Contains(region)) return Emu.BadRequest(http, $"region '{region}' is not a supported AWS region.");
        // Required (no default): the real API refuses a registration without a name.
        if (name == null) return Emu.BadRequest(http, "vpc_endpoint_name is required (4 to 256 characters).");
        if (name.Trim().Length < 4 || name.Length > 256) return Emu.BadRequest(http, "vpc_endpoint_name must be 4 to 256 characters long.");

        var o = new JsonObject
        {
            ["vpc_endpoint_id"] = Emu.NewId(),
            ["account_id"] = acc.AccountId,
            ["vpc_endpoint_name"] = name,
            ["aws_vpc_endpoint_id"] = awsId,
            ["region"] = region,
        };
        if (aws != null)
        {
            IReadOnlyList<VpceFacts> found;
            try { found = await aws.DescribeVpcEndpointsAsync(region, new[] { awsId! }); }
            catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or TimeoutException)
            {
                return Emu.Error(http, 503, "TEMPORARILY_UNAVAILABLE", "Could not reach AWS to check the VPC endpoint: " + ex.Message);
            }
            var facts = found.FirstOrDefault();
            if (facts == null) return Emu.BadRequest(http, $"VPC endpoint {awsId} does not exist in region {region}.");
            var service = PrivateLinkServices.FindByServiceName(facts.ServiceName);
            if (service == null)
                return Emu.BadRequest(http, $"VPC endpoint {awsId} connects to {facts.ServiceName}, which is not a Databricks endpoint service.");
            if (service.Region != region)
                return Emu.BadRequest(http, $"VPC endpoint {awsId} connects to the Databricks service of {service.Region}, not of {region}.");
            o["aws_endpoint_service_id"] = service.ServiceName;
            o["aws_account_id"] = facts.OwnerId;
            o["state"] = facts.State;
            o["use_case"] = service.UseCase;
        }
        else
        {
            // No AWS to ask: take the id, assume the workspace (REST API) service, accept after a short delay.
            var service = PrivateLinkServices.ForRegion(region).First(x => x.Kind == PrivateLinkServiceKind.Workspace);
            o["aws_endpoint_service_id"] = service.ServiceName;
            o["aws_account_id"] = "123456789012";
            o["state"] = "pending";
            o["use_case"] = service.UseCase;
        }
        lock (s.State.Sync)
        {
            acc.Collection(VpcEndpoints)[(string)o["vpc_endpoint_id"]!] = o;
            if (aws == null)
            {
                var outcome = Outcomes.TryGetValue(acc, out var planned) && planned.Remove(awsId!, out var st) ? st : "available";
                Schedule(o, "state", outcome, s.NowMs + (long)(s.Options.PeAcceptDelaySeconds * 1000));
            }
            return Emu.Json(o.DeepClone());
        }
    }

    /// <summary>The state of a registration mirrors its AWS endpoint (one Describe call per region; gone from AWS = 'deleted').</summary>
    private static async Task RefreshFromAws(EmulatorServices s, AwsEc2? aws, AccountState acc, string? onlyId)
    {
        if (aws == null) return;
        List<(string Region, string AwsId)> wanted;
        lock (s.State.Sync)
            wanted = acc.Collection(VpcEndpoints).Values
                .Where(e => (onlyId == null || Str(e, "vpc_endpoint_id") == onlyId) && !IsForced(e) && Str(e, "region") != null && Str(e, "aws_vpc_endpoint_id") != null)
                .Select(e => (Str(e, "region")!, Str(e, "aws_vpc_endpoint_id")!)).ToList();
        foreach (var group in wanted.GroupBy(w => w.Region))
        {
            IReadOnlyList<VpceFacts> facts;
            try { facts = await aws.DescribeVpcEndpointsAsync(group.Key, group.Select(g => g.AwsId).Distinct().ToList()); }
            catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or TimeoutException) { continue; }
            lock (s.State.Sync)
                foreach (var e in acc.Collection(VpcEndpoints).Values.Where(e => Str(e, "region") == group.Key && !IsForced(e)))
                {
                    var awsId = Str(e, "aws_vpc_endpoint_id");
                    if (!group.Any(g => g.AwsId == awsId)) continue;
                    e["state"] = facts.FirstOrDefault(f => f.VpcEndpointId == awsId)?.State ?? "deleted";
                }
        }
    }

    // ---- private access settings ------------------------------------------------------------------------

    /// <summary>Create (existing == null) or full replace (PUT): every field comes from the body, defaults apply.</summary>
    internal static IResult WritePas(HttpContext http, EmulatorServices s, AccountState acc, JsonObject body, JsonObject? existing)
    {
        var name = ReadString(body, "private_access_settings_name", out var e1);
        var region = ReadString(body, "region", out var e2);
        var level = ReadString(body, "private_access_level", out var e3) ?? "ACCOUNT";
        var allowed = ReadStrings(body, "allowed_vpc_endpoint_ids", out var e4) ?? new();
        if ((e1 ?? e2 ?? e3 ?? e4) is { } shape) return Emu.Malformed(http, shape);
        if (body["public_access_enabled"] is { } pub && (pub is not JsonValue pv || !pv.TryGetValue<bool>(out _)))
            return Emu.Malformed(http, "Field 'public_access_enabled' must be a boolean.");
        var publicAccess = body["public_access_enabled"]?.GetValue<bool>() ?? false;
        if (name == null || name.Trim().Length < 4 || name.Length > 256) return Emu.BadRequest(http, "private_access_settings_name must be 4 to 256 characters long.");
        if (region == null || !Regions.Contains(region)) return Emu.BadRequest(http, $"region '{region}' is not a supported AWS region.");
        if (level != "ACCOUNT" && level != "ENDPOINT") return Emu.BadRequest(http, $"private_access_level must be ACCOUNT or ENDPOINT, not '{level}'.");
        if (level == "ACCOUNT" && allowed.Count > 0) return Emu.BadRequest(http, "allowed_vpc_endpoint_ids can only be used with private_access_level ENDPOINT.");
        // VPC endpoint registration ids (vpc_endpoint_id of /vpc-endpoints) only: "the Databricks ID returned when registering
        // the VPC endpoint configuration" (Go SDK provisioning CreatePrivateAccessSettingsRequest), "databricks_mws_vpc_endpoint
        // vpc_endpoint_id" (Terraform mws_private_access_settings). No source admits a networking v1 endpoint_id here (those
        // are named by network policies' private_access endpoint_ids), so one is refused like any unknown id; the SRA gives a
        // Service Direct endpoint a VPC endpoint registration (databricks_mws_vpc_endpoint "service_direct"), which may be listed.
        foreach (var id in allowed)
        {
            if (!acc.Collection(VpcEndpoints).TryGetValue(id, out var reg)) return Emu.BadRequest(http, $"VPC endpoint {id} in allowed_vpc_endpoint_ids does not exist.");
            if (Str(reg, "region") != region) return Emu.BadRequest(http, $"VPC endpoint {id} is in {Str(reg, "region")}; private access settings in {region} can only allow endpoints of the same region.");
        }
        var id0 = existing != null ? Str(existing, "private_access_settings_id")! : Emu.NewId();
        if (existing != null)
        {
            var elsewhere = WorkspacesWith(acc, "private_access_settings_id", id0).Where(w => Str(w.Workspace, "aws_region") != region).ToList();
            if (elsewhere.Count > 0)
                return Emu.Error(http, 400, "INVALID_STATE", $"Private access settings {id0} are used by workspace {Describe(elsewhere)} in another region; the region cannot change to {region}.");
        }
        var o = new JsonObject
        {
            ["private_access_settings_id"] = id0,
            ["account_id"] = acc.AccountId,
            ["private_access_settings_name"] = name,
            ["region"] = region,
            ["public_access_enabled"] = publicAccess,
            ["private_access_level"] = level,
        };
        if (level == "ENDPOINT") o["allowed_vpc_endpoint_ids"] = new JsonArray(allowed.Select(x => (JsonNode)x).ToArray());
        acc.Collection(PrivateAccessSettings)[id0] = o;
        return Emu.Json(o.DeepClone());
    }
}
