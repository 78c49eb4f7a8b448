using DatabricksNetworking.Client;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Tests.Posture;

/// <summary>Registered Service Direct endpoints (networking v1) count as front-end PrivateLink, in posture and the public-access guard.</summary>
public sealed class ServiceDirectPostureTests
{
    private static Fetched<T> Ok<T>(T? value) where T : class => Fetched<T>.Of(value);

    private static readonly Workspace Ws = new() { WorkspaceId = 7, WorkspaceName = "sd", Region = "us-east-1", NetworkId = "n", PrivateAccessSettingsId = "p" };
    private static readonly Network Net = new() { NetworkId = "n", VpcStatus = "VALID", VpcEndpoints = new NetworkVpcEndpoints { RestApi = new() { "rest" }, DataplaneRelay = new() { "relay" } } };
    private static readonly List<VpcEndpoint> BackEnd = new()
    {
        new() { VpcEndpointId = "rest", UseCase = "GENERAL_ACCESS", Region = "us-east-1", State = "available" },
        new() { VpcEndpointId = "relay", UseCase = "DATAPLANE_RELAY_ACCESS", Region = "us-east-1", State = "available" },
    };

    private static NetworkEndpoint Sd(string id, string state, string region = "us-east-1") => new()
    {
        EndpointId = id, DisplayName = id, Region = region, State = state, UseCase = "SERVICE_DIRECT",
        AwsVpcEndpointInfo = new AwsVpcEndpointInfo { AwsVpcEndpointId = "vpce-0123456789abcdef0" },
    };

    private static PrivateAccessSettings Pas(string level, params string[] allowed) =>
        new() { PrivateAccessSettingsId = "p", PrivateAccessLevel = level, PublicAccessEnabled = false, AllowedVpcEndpointIds = allowed.ToDbxList() };

    private static NetworkPosture Build(PrivateAccessSettings pas, Fetched<List<NetworkEndpoint>> sd) =>
        PostureBuilder.Build(
            new WorkspaceData(Ws, Ok(new List<IpAccessList>()), Ok(new Dictionary<string, string?>()), Ok(new WorkspaceNetworkOption { WorkspaceId = 7 })),
            new AccountData("acc", Ok(new List<Network> { Net }), Ok(BackEnd), Ok(new List<PrivateAccessSettings> { pas }),
                Ok(new List<NetworkConnectivityConfig>()), new Dictionary<string, Fetched<List<PrivateEndpointRule>>>(), Ok(new List<NetworkPolicy>()),
                Ok(new List<IpAccessList>()), Ok<AccountIpAclEnableSetting>(null), sd),
            8, default);

    [Fact]
    public void An_approved_service_direct_endpoint_of_the_region_is_front_end_privatelink_pending_and_other_regions_are_not()
    {
        var endpoints = new List<NetworkEndpoint> { Sd("sd-ok", "APPROVED"), Sd("sd-pending", "PENDING"), Sd("sd-eu", "APPROVED", "eu-west-1") };
        var p = Build(Pas("ACCOUNT"), Ok(endpoints));
        Assert.True(p.FrontEndPrivateLink);
        Assert.Equal(new[] { "sd-ok" }, p.FrontEndVpcEndpointIds);

        var endpointLevel = Build(Pas("ENDPOINT", "rest"), Ok(endpoints));
        Assert.False(endpointLevel.FrontEndPrivateLink);
        Assert.True(Build(Pas("ENDPOINT", "sd-ok"), Ok(endpoints)).FrontEndPrivateLink);
        Assert.False(Build(Pas("ACCOUNT"), Ok(new List<NetworkEndpoint> { Sd("sd-pending", "PENDING") })).FrontEndPrivateLink);
    }

    [Fact]
    public void Unreadable_registered_endpoints_leave_a_missing_front_end_unproven()
    {
        var failed = Fetched<List<NetworkEndpoint>>.Failed("the account's registered endpoints (Service Direct)",
            new DbxApiException(404, "NOT_FOUND", "no such API", "rid-1", "GET", "/api/networking/v1/accounts/acc/endpoints"));
        var p = Build(Pas("ACCOUNT"), failed);
        Assert.False(p.FrontEndPrivateLink);
        Assert.False(p.Complete);
    }

    [Fact]
    public void The_public_access_guard_counts_an_approved_service_direct_endpoint()
    {
        var withSd = BackEnd.Concat(PrivateLinkCoverage.AsRegistrations(new[] { Sd("sd-ok", "APPROVED") })).ToList();
        Assert.Null(PrivateLinkCoverage.PublicAccessOffGap(Ws, Net, Pas("ACCOUNT"), withSd));
        Assert.Contains("front-end PrivateLink", PrivateLinkCoverage.PublicAccessOffGap(Ws, Net, Pas("ACCOUNT"), BackEnd));
    }
}
