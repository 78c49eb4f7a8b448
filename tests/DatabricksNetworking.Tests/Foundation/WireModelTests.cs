using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using DatabricksNetworking.Client;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Tests.Foundation;

/// <summary>
/// Every model of a service object (a <see cref="WireObject"/>) reads and writes the wire losslessly: a field a newer
/// service sends that the model does not know comes back out of <see cref="Json.ToWireNode"/> unchanged, at every
/// level of nesting, and the member that keeps it is not public (PowerShell adapts public members only).
/// </summary>
public class WireModelTests
{
    private static readonly Type[] WireTypes = typeof(WireObject).Assembly.GetTypes()
        .Where(t => t.IsClass && !t.IsAbstract && typeof(WireObject).IsAssignableFrom(t)).OrderBy(t => t.Name).ToArray();

    public static IEnumerable<object[]> Types() => WireTypes.Select(t => new object[] { t.Name });

    [Fact]
    public void The_service_objects_and_their_parts_are_wire_objects()
    {
        foreach (var n in new[] { "Workspace", "Network", "NetworkVpcEndpoints", "VpcEndpoint", "PrivateAccessSettings", "IpAccessList", "NetworkConnectivityConfig",
                     "NccEgressConfig", "PrivateEndpointRule", "NetworkPolicy", "IngressPublicRule", "NetworkEndpoint", "AwsVpcEndpointInfo", "WorkspaceNetworkOption",
                     "CredentialConfiguration", "StsRole", "StorageConfiguration", "RootBucketInfo" })
            Assert.Contains(WireTypes, t => t.Name == n);
        Assert.Null(typeof(WireObject).GetProperty("OtherFields", BindingFlags.Public | BindingFlags.Instance));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void An_unknown_field_survives_the_round_trip(string name)
    {
        var type = WireTypes.Single(t => t.Name == name);
        const string body = """{"zz_future":{"by":"a newer service","values":[3,1,2]},"zz_flag":false,"zz_big":1234567890123456789}""";
        var model = JsonSerializer.Deserialize(body, type, Json.Options)!;
        var node = Json.ToWireNode(model);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"by":"a newer service","values":[3,1,2]}"""), node["zz_future"]), node.ToJsonString());
        Assert.Equal("false", node["zz_flag"]!.ToJsonString());
        Assert.Equal("1234567890123456789", node["zz_big"]!.ToJsonString());
    }

    [Fact]
    public void Every_modelled_part_of_a_wire_object_is_a_wire_object_too()
    {
        // So an unknown field deep inside (an NCC's egress rules, a policy's destinations) is kept, not only at the top.
        var missing = new List<string>();
        foreach (var t in WireTypes)
            foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() != null))
            {
                var pt = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                if (pt.IsGenericType) pt = pt.GetGenericArguments().Last();
                if (pt.IsClass && pt.Namespace == typeof(WireObject).Namespace && !typeof(WireObject).IsAssignableFrom(pt) && pt != typeof(DbxMap))
                    missing.Add($"{t.Name}.{p.Name} ({pt.Name})");
            }
        Assert.Empty(missing);
    }

    [Fact]
    public void A_network_read_from_the_wire_is_written_back_field_for_field()
    {
        const string body = """
        {"network_id":"n1","account_id":"a","network_name":"prod","vpc_id":"vpc-1","subnet_ids":["s1","s2"],"security_group_ids":["sg-1"],
         "vpc_endpoints":{"rest_api":["r1"],"dataplane_relay":["d1"],"future_kind":["f1"]},"vpc_status":"WARNED",
         "warning_messages":[{"warning_type":"subnet","warning_message":"m","future":1}],"workspace_id":1111111111111111,"creation_time":1767312000000,
         "future_top":{"nested":{"deeper":[{"x":null}]}}}
        """;
        var n = JsonSerializer.Deserialize<Network>(body, Json.Options)!;
        Assert.Equal(new[] { "r1" }, n.RestApiVpcEndpointIds);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), Json.ToWireNode(n)), Json.ToWireNode(n).ToJsonString());
        Assert.DoesNotContain("Created", Json.ToWireNode(n).ToJsonString());
    }
}
