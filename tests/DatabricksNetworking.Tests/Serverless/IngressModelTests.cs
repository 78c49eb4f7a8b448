using System.Text.Json;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Cmdlets.Serverless;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Tests.Serverless;

/// <summary>The typed ingress models read and write every field the Go SDK declares, and keep fields they do not know.</summary>
public class IngressModelTests
{
    // Every field of CustomerFacingIngressNetworkPolicy (Go SDK service/settings/model.go), plus unknown ones at several depths.
    private const string Full = """
    {
      "network_policy_id": "np-1", "account_id": "acc",
      "egress": { "network_access": { "restriction_mode": "FULL_ACCESS" } },
      "ingress": {
        "public_access": {
          "restriction_mode": "RESTRICTED_ACCESS",
          "allow_rules": [ {
            "label": "office",
            "origin": { "included_ip_ranges": { "ip_ranges": ["203.0.113.0/24"] }, "excluded_ip_ranges": { "ip_ranges": ["203.0.113.9"] } },
            "destination": { "workspace_ui": { "all_destinations": true }, "workspace_api": { "scopes": ["sql"], "scope_qualifier": "API_SCOPE_QUALIFIER_READ" },
                             "apps_runtime": { "all_destinations": true }, "lakebase_runtime": { "all_destinations": true } },
            "authentication": { "identity_type": "IDENTITY_TYPE_SELECTED_IDENTITIES",
                                "identities": [ { "principal_id": 101, "principal_type": "PRINCIPAL_TYPE_USER" }, { "principal_id": 202, "principal_type": "PRINCIPAL_TYPE_SERVICE_PRINCIPAL" } ] },
            "future_rule_field": { "x": 1 }
          } ],
          "deny_rules": [ { "label": "all", "origin": { "all_ip_ranges": true }, "destination": { "all_destinations": true },
                            "authentication": { "identity_type": "IDENTITY_TYPE_ALL_SERVICE_PRINCIPALS" } } ]
        },
        "private_access": {
          "restriction_mode": "RESTRICTED_ACCESS",
          "allow_rules": [ { "label": "pl", "origin": { "endpoints": { "endpoint_ids": ["ep-1"] } }, "destination": { "all_destinations": true } } ],
          "deny_rules": [ { "label": "d1", "origin": { "all_private_access": true } }, { "label": "d2", "origin": { "azure_workspace_private_link": true } },
                          { "label": "d3", "origin": { "all_registered_endpoints": true } } ]
        },
        "cross_workspace_access": {
          "restriction_mode": "LEGACY_MODE",
          "allow_rules": [ { "label": "cw", "origin": { "selected_workspaces": { "workspace_ids": [1234567890123456] } } } ],
          "deny_rules": [ { "label": "cw-all", "origin": { "all_source_workspaces": true } } ]
        },
        "future_ingress_field": "kept"
      },
      "ingress_dry_run": {
        "public_access": { "restriction_mode": "FULL_ACCESS",
          "allow_rules": [ { "label": "acct", "destination": { "account_ui": { "all_destinations": true }, "account_api": { "scopes": ["all-apis"], "scope_qualifier": "API_SCOPE_QUALIFIER_ALL" },
                                                                 "account_databricks_one": { "all_destinations": true } } } ] }
      }
    }
    """;

    [Fact]
    public void The_wire_json_round_trips_losslessly()
    {
        var policy = JsonSerializer.Deserialize<NetworkPolicy>(Full, Json.Options)!;
        var back = JsonNode.Parse(JsonSerializer.Serialize(policy, Json.Options));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Full), back), back!.ToJsonString());
    }

    [Fact]
    public void Typed_fields_are_read()
    {
        var policy = JsonSerializer.Deserialize<NetworkPolicy>(Full, Json.Options)!;
        Assert.Equal("RESTRICTED_ACCESS", policy.PublicAccessRestrictionMode);
        Assert.Equal("FULL_ACCESS", policy.DryRunPublicAccessRestrictionMode);
        Assert.Equal(2, policy.IngressRuleCount);
        var allow = policy.Ingress!.PublicAccess!.AllowRules![0];
        Assert.Equal(202, allow.Authentication!.Identities![1].PrincipalId);
        Assert.Equal("API_SCOPE_QUALIFIER_READ", allow.Destination!.WorkspaceApi!.ScopeQualifier);
        Assert.Equal(1234567890123456, policy.Ingress.CrossWorkspaceAccess!.AllowRules![0].Origin!.SelectedWorkspaces!.WorkspaceIds![0]);
        Assert.Equal(new[] { "ep-1" }, policy.Ingress.PrivateAccess!.AllowRules![0].Origin!.Endpoints!.EndpointIds);
    }

    [Fact]
    public void A_policy_without_ingress_is_full_access()
    {
        var policy = JsonSerializer.Deserialize<NetworkPolicy>("""{"network_policy_id":"p"}""", Json.Options)!;
        Assert.Equal("FULL_ACCESS", policy.PublicAccessRestrictionMode);
        Assert.Null(policy.DryRunPublicAccessRestrictionMode);
        Assert.DoesNotContain("ingress", JsonSerializer.Serialize(policy, Json.Options));
    }

    [Fact]
    public void Built_rules_serialise_to_the_sdk_shape()
    {
        var r = IngressRules.Build(new IngressRules.Spec
        {
            Action = IngressRuleAction.Allow, Label = "x", IpRange = new[] { "198.51.100.0/24" },
            Destination = new[] { IngressDestinationKind.WorkspaceApi }, Identity = new object[] { "sp:7" },
        });
        var node = JsonNode.Parse(JsonSerializer.Serialize(r.Rule, Json.Options))!;
        var expected = JsonNode.Parse("""
            {"authentication":{"identities":[{"principal_id":7,"principal_type":"PRINCIPAL_TYPE_SERVICE_PRINCIPAL"}],"identity_type":"IDENTITY_TYPE_SELECTED_IDENTITIES"},
             "destination":{"workspace_api":{"scopes":["all-apis"]}},"label":"x","origin":{"included_ip_ranges":{"ip_ranges":["198.51.100.0/24"]}}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, node), node.ToJsonString());
    }
}
