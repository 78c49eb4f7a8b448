using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>Account API workspaces: list (bare JSON array) and get.</summary>
public sealed class WorkspacesArea : IEmulatorArea
{
    public void Map(WebApplication app, EmulatorServices s)
    {
        app.MapGet("/api/2.0/accounts/{accountId}/workspaces", (HttpContext http) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
                return Emu.Json(new JsonArray(acc.Workspaces.Values.Select(w => (JsonNode)w.Workspace.DeepClone()).ToArray()));
        });

        app.MapGet("/api/2.0/accounts/{accountId}/workspaces/{workspaceId}", (HttpContext http, string workspaceId) =>
        {
            var acc = Emu.Req(http).Account!;
            lock (s.State.Sync)
            {
                if (!long.TryParse(workspaceId, out var id) || !acc.Workspaces.TryGetValue(id, out var ws))
                    return Emu.NotFound(http, $"Workspace {workspaceId} does not exist.");
                return Emu.Json(ws.Workspace.DeepClone());
            }
        });
    }
}
