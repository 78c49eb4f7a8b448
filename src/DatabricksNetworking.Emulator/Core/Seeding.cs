using System.Text.Json.Nodes;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>Generated state for benchmarks (--extra-workspaces N).</summary>
public static class Seeding
{
    public static void AddGeneratedWorkspaces(EmulatorState state, int count)
    {
        var account = state.Accounts.Values.First();
        var regions = new[] { "us-east-1", "us-west-2", "eu-west-1" };
        for (int i = 0; i < count; i++)
        {
            var id = state.NewWorkspaceId();
            var region = regions[i % regions.Length];
            account.Workspaces[id] = new WorkspaceState
            {
                WorkspaceId = id,
                Workspace = new JsonObject
                {
                    ["workspace_id"] = id,
                    ["workspace_name"] = $"gen-{i:D4}",
                    ["account_id"] = account.AccountId,
                    ["aws_region"] = region,
                    ["deployment_name"] = $"dbc-gen-{i:D4}",
                    ["pricing_tier"] = "ENTERPRISE",
                    ["workspace_status"] = "RUNNING",
                    ["workspace_status_message"] = "Workspace is running.",
                    ["compute_mode"] = "HYBRID",
                    ["creation_time"] = 1767225600000L + i,
                },
            };
        }
    }
}
