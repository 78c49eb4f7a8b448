using System.Text.Json.Nodes;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>
/// Generated state for benchmarks (--extra-workspaces N): workspaces with the network objects a real account has, so
/// account-level lists have realistic sizes. Every workspace gets a network configuration (every other one with back-end
/// PrivateLink endpoints and private access settings), an ALLOW list that lets 127.0.0.1 in (enforced on every other
/// workspace), and every third one an NCC with an established private endpoint rule; every fourth one is bound to a
/// restrictive network policy.
/// </summary>
public static class Seeding
{
    public static void AddGeneratedWorkspaces(EmulatorState state, int count)
    {
        var account = state.Accounts.Values.First();
        var acc = account.AccountId;
        var regions = new[] { "us-east-1", "us-west-2", "eu-west-1" };
        const long created = 1767225600000L;
        string Uuid(int kind, int n) => $"{kind:x8}-0000-4000-8000-{n:x12}";

        var endpoints = account.Collection("vpc-endpoints");
        var settings = account.Collection("private-access-settings");
        var nccs = account.Collection("network-connectivity-configs");
        var rules = account.Collection("ncc-private-endpoint-rules");
        for (int r = 0; r < regions.Length; r++)
        {
            var region = regions[r];
            string rest = Uuid(0xb0, r * 2), relay = Uuid(0xb0, r * 2 + 1);
            endpoints[rest] = Endpoint(rest, $"gen-{region}-rest", region, "GENERAL_ACCESS", r * 2);
            endpoints[relay] = Endpoint(relay, $"gen-{region}-relay", region, "DATAPLANE_RELAY_ACCESS", r * 2 + 1);
            var pas = Uuid(0xc0, r);
            settings[pas] = new JsonObject
            {
                ["private_access_settings_id"] = pas, ["account_id"] = acc, ["private_access_settings_name"] = $"gen-{region}-pas",
                ["region"] = region, ["public_access_enabled"] = r != 0, ["private_access_level"] = "ACCOUNT", ["allowed_vpc_endpoint_ids"] = new JsonArray(),
            };
            var ncc = Uuid(0xd0, r);
            nccs[ncc] = new JsonObject
            {
                ["network_connectivity_config_id"] = ncc, ["account_id"] = acc, ["name"] = $"gen-{region}-ncc", ["region"] = region,
                ["creation_time"] = created, ["updated_time"] = created,
                ["egress_config"] = new JsonObject { ["default_rules"] = new JsonObject { ["aws_stable_ip_rule"] = new JsonObject { ["cidr_blocks"] = new JsonArray($"198.18.{r}.0/28") } } },
            };
            var rule = Uuid(0xe0, r);
            rules[rule] = new JsonObject
            {
                ["rule_id"] = rule, ["network_connectivity_config_id"] = ncc, ["account_id"] = acc,
                ["endpoint_service"] = $"com.amazonaws.vpce.{region}.vpce-svc-0gen{r:D12}", ["domain_names"] = new JsonArray($"db{r}.internal.example.com"),
                ["connection_state"] = "ESTABLISHED", ["vpc_endpoint_id"] = $"vpce-0gen{r:D12}", ["deactivated"] = false,
                ["creation_time"] = created, ["updated_time"] = created,
            };
        }
        account.Collection("network-policies")["gen-restricted"] = new JsonObject
        {
            ["network_policy_id"] = "gen-restricted", ["account_id"] = acc,
            ["egress"] = new JsonObject { ["network_access"] = new JsonObject { ["restriction_mode"] = "RESTRICTED_ACCESS" } },
        };

        var networks = account.Collection("networks");
        for (int i = 0; i < count; i++)
        {
            var id = state.NewWorkspaceId();
            var r = i % regions.Length;
            var region = regions[r];
            var networkId = Uuid(0xa0, i);
            var network = new JsonObject
            {
                ["network_id"] = networkId, ["account_id"] = acc, ["network_name"] = $"gen-net-{i:D4}", ["vpc_id"] = $"vpc-0gen{i:D13}",
                ["subnet_ids"] = new JsonArray($"subnet-0gen{i:D10}a", $"subnet-0gen{i:D10}b"), ["security_group_ids"] = new JsonArray($"sg-0gen{i:D13}"),
                ["vpc_status"] = "VALID", ["workspace_id"] = id, ["creation_time"] = created + i,
            };
            var workspace = new JsonObject
            {
                ["workspace_id"] = id,
                ["workspace_name"] = $"gen-{i:D4}",
                ["account_id"] = acc,
                ["aws_region"] = region,
                ["deployment_name"] = $"dbc-gen-{i:D4}",
                ["pricing_tier"] = "ENTERPRISE",
                ["workspace_status"] = "RUNNING",
                ["workspace_status_message"] = "Workspace is running.",
                ["compute_mode"] = "HYBRID",
                ["network_id"] = networkId,
                ["custom_tags"] = new JsonObject { ["env"] = i % 5 == 0 ? "dev" : "prod" },
                ["creation_time"] = created + i,
            };
            if (i % 2 == 0)
            {
                network["vpc_endpoints"] = new JsonObject { ["rest_api"] = new JsonArray(Uuid(0xb0, r * 2)), ["dataplane_relay"] = new JsonArray(Uuid(0xb0, r * 2 + 1)) };
                workspace["private_access_settings_id"] = Uuid(0xc0, r);
            }
            if (i % 3 == 0) workspace["network_connectivity_config_id"] = Uuid(0xd0, r);
            networks[networkId] = network;

            var ws = new WorkspaceState { WorkspaceId = id, Workspace = workspace };
            var listId = Uuid(0xf0, i);
            ws.Collection("ip-access-lists")[listId] = new JsonObject
            {
                ["list_id"] = listId, ["label"] = "corp", ["list_type"] = "ALLOW",
                ["ip_addresses"] = new JsonArray("127.0.0.1", $"10.{i % 256}.0.0/16"), ["address_count"] = 2, ["enabled"] = true,
                ["created_at"] = created, ["created_by"] = 7000, ["updated_at"] = created, ["updated_by"] = 7000,
            };
            if (i % 2 == 0) ws.Conf["enableIpAccessLists"] = "true";
            if (i % 4 == 0) ws.Collection("network-option")["gen-restricted"] = new JsonObject { ["workspace_id"] = id, ["network_policy_id"] = "gen-restricted" };
            account.Workspaces[id] = ws;
        }

        JsonObject Endpoint(string id, string name, string region, string useCase, int n) => new()
        {
            ["vpc_endpoint_id"] = id, ["account_id"] = acc, ["vpc_endpoint_name"] = name, ["aws_vpc_endpoint_id"] = $"vpce-0gen{n:D13}",
            ["aws_account_id"] = "123456789012", ["region"] = region, ["state"] = "available", ["use_case"] = useCase,
        };
    }
}
