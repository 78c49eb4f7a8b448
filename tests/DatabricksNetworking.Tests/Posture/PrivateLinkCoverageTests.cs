using System.Collections.Generic;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Tests.Posture;

/// <summary>The public-access guard's inference: what a workspace lacks when its private access settings turn public access off.</summary>
public class PrivateLinkCoverageTests
{
    private const string Rest = "0d0d0d0d-0000-4000-8000-000000000001", Relay = "0d0d0d0d-0000-4000-8000-000000000002", Front = "0d0d0d0d-0000-4000-8000-000000000003";

    private static readonly Workspace Ws = new() { WorkspaceId = 42, WorkspaceName = "pl", Region = "us-east-1" };

    private static Network PrivateNetwork() => new() { VpcEndpoints = new NetworkVpcEndpoints { RestApi = new() { Rest }, DataplaneRelay = new() { Relay } } };

    private static List<VpcEndpoint> Registrations(string frontState = "available", string frontRegion = "us-east-1") => new()
    {
        new() { VpcEndpointId = Rest, UseCase = "GENERAL_ACCESS", Region = "us-east-1", State = "available" },
        new() { VpcEndpointId = Relay, UseCase = "DATAPLANE_RELAY_ACCESS", Region = "us-east-1", State = "available" },
        new() { VpcEndpointId = Front, UseCase = "GENERAL_ACCESS", Region = frontRegion, State = frontState },
    };

    private static PrivateAccessSettings Pas(bool publicAccess, string level = "ACCOUNT", params string[] allowed) =>
        new() { PublicAccessEnabled = publicAccess, PrivateAccessLevel = level, AllowedVpcEndpointIds = new DbxList<string>(allowed) };

    [Fact]
    public void Public_access_on_needs_nothing() =>
        Assert.Null(PrivateLinkCoverage.PublicAccessOffGap(Ws, null, Pas(true), new List<VpcEndpoint>()));

    [Fact]
    public void Both_directions_present_is_no_gap() =>
        Assert.Null(PrivateLinkCoverage.PublicAccessOffGap(Ws, PrivateNetwork(), Pas(false, "ENDPOINT", Rest, Front), Registrations()));

    [Fact]
    public void The_back_end_rest_endpoint_is_not_a_front_end()
    {
        var gap = PrivateLinkCoverage.PublicAccessOffGap(Ws, PrivateNetwork(), Pas(false, "ENDPOINT", Rest), Registrations());
        Assert.NotNull(gap);
        Assert.Contains("front-end", gap);
        Assert.DoesNotContain("back-end PrivateLink (", gap);
    }

    [Theory]
    [InlineData("pending", "us-east-1")]
    [InlineData("available", "eu-west-1")]
    public void A_front_end_endpoint_must_be_available_and_in_the_region(string state, string region) =>
        Assert.Contains("front-end", PrivateLinkCoverage.PublicAccessOffGap(Ws, PrivateNetwork(), Pas(false), Registrations(state, region)));

    [Fact]
    public void Account_level_admits_every_registration_of_the_region() =>
        Assert.Null(PrivateLinkCoverage.PublicAccessOffGap(Ws, PrivateNetwork(), Pas(false), Registrations()));

    [Fact]
    public void No_network_means_no_back_end_and_the_gap_names_the_workspace()
    {
        var gap = PrivateLinkCoverage.PublicAccessOffGap(Ws, null, Pas(false), Registrations());
        Assert.NotNull(gap);
        Assert.StartsWith("workspace 'pl' (42) has no back-end PrivateLink", gap);
        Assert.DoesNotContain("front-end", gap);
    }
}
