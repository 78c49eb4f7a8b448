using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// A minimal workspace clusters API (<c>GET /api/2.0/clusters/list</c>): the workspace's running clusters, from its
/// seeded count (<c>workspace_state.{id}.running_clusters</c>), so clients can see running classic compute before a
/// workspace update that the service refuses while compute runs (see <see cref="WorkspacesArea"/>). The count is set
/// at run time with <c>POST /_emulator/workspaces/{workspaceId}/running-clusters?count=N</c>. Also the switch that makes a
/// workspace's callers public (<c>POST /_emulator/workspaces/{workspaceId}/public-callers?enabled=true</c>, for the
/// PrivateLink validation redirect) and the <c>/login.html</c> page that redirect points at.
/// </summary>
public sealed class ClustersArea : IEmulatorArea
{
    public void Map(WebApplication app, EmulatorServices s)
    {
        app.MapGet("/api/2.0/clusters/list", (HttpContext http) =>
        {
            var ws = Emu.Req(http).Workspace!;
            lock (s.State.Sync)
            {
                var result = new JsonObject();
                if (ws.RunningClusters > 0)
                    result["clusters"] = new JsonArray(Enumerable.Range(1, ws.RunningClusters).Select(i => (JsonNode)Cluster(ws.WorkspaceId, i)).ToArray());
                return Emu.Json(result);
            }
        });

        // Test hook (not part of the Databricks API): how many clusters run in a workspace.
        app.MapPost("/_emulator/workspaces/{workspaceId}/running-clusters", (long workspaceId, int count) =>
        {
            lock (s.State.Sync)
            {
                var ws = s.State.FindWorkspace(workspaceId);
                if (ws == null)
                    return Results.Text(new JsonObject { ["error_code"] = "RESOURCE_DOES_NOT_EXIST", ["message"] = $"Workspace {workspaceId} does not exist." }.ToJsonString(), "application/json", statusCode: 404);
                if (count < 0)
                    return Results.Text(new JsonObject { ["error_code"] = "INVALID_PARAMETER_VALUE", ["message"] = "count must be 0 or more." }.ToJsonString(), "application/json", statusCode: 400);
                ws.RunningClusters = count;
            }
            s.Changed?.Invoke();
            return Emu.Json(new JsonObject { ["workspace_id"] = workspaceId, ["running_clusters"] = count });
        });

        // Test hook (not part of the Databricks API): the workspace's callers come from the public internet, not through a
        // VPC endpoint (see WorkspaceState.PublicCallers). With public access off in its private access settings, its
        // API calls are redirected to /login.html?error=private-link-validation-error, as the real front end does.
        app.MapPost("/_emulator/workspaces/{workspaceId}/public-callers", (long workspaceId, bool enabled) =>
        {
            bool refuses;
            lock (s.State.Sync)
            {
                var ws = s.State.FindWorkspace(workspaceId);
                if (ws == null)
                    return Results.Text(new JsonObject { ["error_code"] = "RESOURCE_DOES_NOT_EXIST", ["message"] = $"Workspace {workspaceId} does not exist." }.ToJsonString(), "application/json", statusCode: 404);
                ws.PublicCallers = enabled;
                refuses = Auth.RefusesPublicAccess(s.State.AccountOfWorkspace(workspaceId)!, ws);
            }
            s.Changed?.Invoke();
            return Emu.Json(new JsonObject { ["workspace_id"] = workspaceId, ["public_callers"] = enabled, ["public_access_enabled"] = !refuses });
        });
        // The login page the redirect points at (a client that follows redirects, such as curl -L, lands here).
        app.MapGet("/login.html", () => Results.Text("<!doctype html><html><head><title>Databricks - Sign In</title></head><body><p>Sign in (emulator).</p></body></html>", "text/html"));
    }

    private static JsonObject Cluster(long workspaceId, int i) => new()
    {
        ["cluster_id"] = $"{i:D4}-{workspaceId % 1000000:D6}-emu{i:D5}",
        ["cluster_name"] = $"running-cluster-{i}",
        ["state"] = "RUNNING",
        ["cluster_source"] = "UI",
    };
}
