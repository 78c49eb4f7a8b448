using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DatabricksNetworking.Data;
using DatabricksNetworking.Emulator.Aws;
using DatabricksNetworking.Emulator.Core;
using static DatabricksNetworking.Emulator.Areas.ClassicRules;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// Networking v1 registered endpoints (<c>/api/networking/v1/accounts/{id}/endpoints</c>; Go SDK service/networking):
/// an AWS VPC endpoint to the region's Service Direct (front-end) service bound to the account. The create body is the
/// endpoint itself; display_name (RFC 1034 label, at most 63), region and aws_vpc_endpoint_info.aws_vpc_endpoint_id are
/// required. A new endpoint is PENDING and APPROVED after --pe-accept-delay (the service "reviews and approves the
/// endpoint within a few minutes"); use_case SERVICE_DIRECT is derived from the endpoint service. With --aws-endpoint
/// the AWS endpoint must exist in the region and connect to that region's Service Direct service (the workspace and
/// relay services are registered through vpc-endpoints instead); an AWS endpoint that AWS reports rejected or failed
/// makes the registration FAILED, and one deleted in AWS later turns it DISCONNECTED (read on every GET). Test hook: POST /_emulator/accounts/{id}/network-endpoints/{endpoint_id}/state
/// {"state": "FAILED"} fixes a state.
/// </summary>
public sealed class NetworkEndpointsArea : IEmulatorArea
{
    private const string Base = "/api/networking/v1/accounts/{accountId}/endpoints";
    private static readonly Regex Rfc1034 = new("^[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$", RegexOptions.CultureInvariant);

    public void Map(WebApplication app, EmulatorServices s)
    {
        var aws = AwsEc2.For(s.Options.AwsEndpoint);

        app.MapGet(Base, async (HttpContext http, string? page_token, string? page_size) =>
        {
            var acc = Emu.Req(http).Account!;
            await RefreshFromAws(s, aws, acc, null);
            var size = s.Options.PageSize;
            if (page_size != null && (!int.TryParse(page_size, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size < 0))
                return Emu.BadRequest(http, $"page_size '{page_size}' is not a non-negative integer.");
            if (size == 0 || size > s.Options.PageSize) size = s.Options.PageSize;
            lock (s.State.Sync)
            {
                Settle(s, acc);
                var all = acc.Collection(NetworkEndpoints).Values.OrderBy(e => Str(e, "create_time"), StringComparer.Ordinal)
                    .ThenBy(e => Str(e, "endpoint_id"), StringComparer.Ordinal).ToList();
                return Emu.Json(Emu.Paged(all, page_token, size));
            }
        });

        app.MapGet(Base + "/{id}", async (HttpContext http, string id) =>
        {
            var acc = Emu.Req(http).Account!;
            await RefreshFromAws(s, aws, acc, id);
            lock (s.State.Sync)
            {
                Settle(s, acc);
                return acc.Collection(NetworkEndpoints).TryGetValue(id, out var e) ? Emu.Json(e.DeepClone()) : NotFound(http, acc, id);
            }
        });

        app.MapDelete(Base + "/{id}", (HttpContext http, string id) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                if (!acc.Collection(NetworkEndpoints).Remove(id, out var e)) return NotFound(http, acc, id);
                Unschedule(e);
                return Emu.Empty();
            }
        });

        app.MapPost(Base, async (HttpContext http) =>
        {
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            return await Create(http, s, aws, Emu.Req(http).Account!, body!);
        });

        app.MapPost("/_emulator/accounts/{accountId}/network-endpoints/{id}/state", async (HttpContext http, string accountId, string id) =>
        {
            var node = await JsonNode.ParseAsync(http.Request.Body);
            var state = node?["state"]?.GetValue<string>();
            if (string.IsNullOrEmpty(state)) return Emu.BadRequest(http, "Give {\"state\": \"...\"}.");
            lock (s.State.Sync)
            {
                if (!s.State.Accounts.TryGetValue(accountId, out var acc) || !acc.Collection(NetworkEndpoints).TryGetValue(id, out var e))
                    return Emu.NotFound(http, $"Endpoint {id} does not exist.");
                e["state"] = state;
                Force(e);
                return Emu.Json(e.DeepClone());
            }
        });
    }

    /// <summary>An endpoint whose AWS endpoint is gone is DISCONNECTED; one AWS reports rejected or failed is FAILED (one Describe call per region).</summary>
    private static async Task RefreshFromAws(EmulatorServices s, AwsEc2? aws, AccountState acc, string? onlyId)
    {
        if (aws == null) return;
        List<(string Region, string AwsId)> wanted;
        lock (s.State.Sync)
            wanted = acc.Collection(NetworkEndpoints).Values
                .Where(e => (onlyId == null || Str(e, "endpoint_id") == onlyId) && !IsForced(e) && Str(e, "region") != null && AwsIdOf(e) != null)
                .Select(e => (Str(e, "region")!, AwsIdOf(e)!)).ToList();
        foreach (var group in wanted.GroupBy(w => w.Region))
        {
            IReadOnlyList<VpceFacts> facts;
            try { facts = await aws.DescribeVpcEndpointsAsync(group.Key, group.Select(g => g.AwsId).Distinct().ToList()); }
            catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or TimeoutException) { continue; }
            lock (s.State.Sync)
                foreach (var e in acc.Collection(NetworkEndpoints).Values.Where(e => Str(e, "region") == group.Key && !IsForced(e) && group.Any(g => g.AwsId == AwsIdOf(e))))
                {
                    var state = facts.FirstOrDefault(f => f.VpcEndpointId == AwsIdOf(e))?.State;
                    var next = state == null || state is "deleted" or "deleting" ? "DISCONNECTED" : state is "rejected" or "failed" or "expired" ? "FAILED" : null;
                    if (next == null) continue;
                    Unschedule(e);
                    e["state"] = next;
                }
        }
    }

    private static string? AwsIdOf(JsonObject e) => e["aws_vpc_endpoint_info"] is JsonObject i ? Str(i, "aws_vpc_endpoint_id") : null;

    private static IResult NotFound(HttpContext http, AccountState acc, string id) =>
        Emu.NotFound(http, $"Endpoint accounts/{acc.AccountId}/endpoints/{id} does not exist.");

    private static async Task<IResult> Create(HttpContext http, EmulatorServices s, AwsEc2? aws, AccountState acc, JsonObject body)
    {
        var displayName = ReadString(body, "display_name", out var e1);
        var region = ReadString(body, "region", out var e2);
        if ((e1 ?? e2) is { } shape) return Emu.Malformed(http, shape);
        if (body["aws_vpc_endpoint_info"] is { } infoNode && infoNode is not JsonObject)
            return Emu.Malformed(http, "Field 'aws_vpc_endpoint_info' must be an object.");
        var info = body["aws_vpc_endpoint_info"] as JsonObject;
        string? awsId = null, e3 = null;
        if (info != null) awsId = ReadString(info, "aws_vpc_endpoint_id", out e3);
        if (e3 != null) return Emu.Malformed(http, "aws_vpc_endpoint_info: " + e3);

        if (string.IsNullOrEmpty(displayName)) return Emu.BadRequest(http, "Missing required field: display_name.");
        if (!Rfc1034.IsMatch(displayName))
            return Emu.BadRequest(http, $"display_name '{displayName}' is invalid: it must conform to RFC-1034 (letters, numbers and hyphens, starting with a letter, ending with a letter or number, at most 63 characters).");
        if (string.IsNullOrEmpty(region)) return Emu.BadRequest(http, "Missing required field: region.");
        if (!Regions.Contains(region)) return Emu.BadRequest(http, $"region '{region}' is not a supported AWS region.");
        if (body["azure_private_endpoint_info"] != null || body["gcp_psc_endpoint_info"] != null)
            return Emu.BadRequest(http, "This account is on AWS: give aws_vpc_endpoint_info, not azure_private_endpoint_info or gcp_psc_endpoint_info.");
        if (info == null) return Emu.BadRequest(http, "Missing required field: aws_vpc_endpoint_info.");
        if (string.IsNullOrEmpty(awsId)) return Emu.BadRequest(http, "Missing required field: aws_vpc_endpoint_info.aws_vpc_endpoint_id.");
        if (!IsAwsId(awsId, "vpce")) return Emu.BadRequest(http, $"aws_vpc_endpoint_id '{awsId}' is not a valid AWS VPC endpoint id (vpce-...).");
        var serviceDirect = PrivateLinkServices.ServiceDirect.FirstOrDefault(x => x.Region == region);
        if (serviceDirect == null) return Emu.BadRequest(http, $"Service Direct endpoints are not supported in region {region}.");

        string awsAccount = "123456789012";
        string? awsState = null;
        if (aws != null)
        {
            IReadOnlyList<VpceFacts> found;
            try { found = await aws.DescribeVpcEndpointsAsync(region, new[] { awsId }); }
            catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or TimeoutException)
            {
                return Emu.Error(http, 503, "TEMPORARILY_UNAVAILABLE", "Could not reach AWS to check the VPC endpoint: " + ex.Message);
            }
            var facts = found.FirstOrDefault();
            if (facts == null) return Emu.BadRequest(http, $"VPC endpoint {awsId} does not exist in region {region}.");
            var service = PrivateLinkServices.FindByServiceName(facts.ServiceName);
            if (service == null || service.Kind != PrivateLinkServiceKind.ServiceDirect || service.Region != region)
                return Emu.BadRequest(http, $"VPC endpoint {awsId} connects to {facts.ServiceName}, which is not the Service Direct endpoint service of {region} ({serviceDirect.ServiceName}). " +
                    (service != null && service.Kind != PrivateLinkServiceKind.ServiceDirect ? "Workspace and relay endpoints are registered as VPC endpoints (/api/2.0/accounts/{account_id}/vpc-endpoints)." : ""));
            awsAccount = facts.OwnerId ?? awsAccount;
            awsState = facts.State;
        }

        var id = Emu.NewId();
        var o = new JsonObject
        {
            ["account_id"] = acc.AccountId,
            ["aws_vpc_endpoint_info"] = new JsonObject
            {
                ["aws_account_id"] = awsAccount,
                ["aws_endpoint_service_id"] = serviceDirect.ServiceId,
                ["aws_vpc_endpoint_id"] = awsId,
            },
            ["create_time"] = s.Clock().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["display_name"] = displayName,
            ["endpoint_id"] = id,
            ["name"] = $"accounts/{acc.AccountId}/endpoints/{id}",
            ["region"] = region,
            ["state"] = "PENDING",
            ["use_case"] = "SERVICE_DIRECT",
        };
        lock (s.State.Sync)
        {
            var items = acc.Collection(NetworkEndpoints);
            var twin = items.Values.FirstOrDefault(e => Str(e, "region") == region && AwsIdOf(e) == awsId);
            if (twin != null)
                return Emu.Error(http, 409, "ALREADY_EXISTS", $"VPC endpoint {awsId} is already registered as endpoint {Str(twin, "name")}.");
            items[id] = o;
            var failed = awsState is "rejected" or "failed" or "deleted" or "deleting" or "expired";
            Schedule(o, "state", failed ? "FAILED" : "APPROVED", s.NowMs + (long)(s.Options.PeAcceptDelaySeconds * 1000));
            return Emu.Json(o.DeepClone());
        }
    }
}
