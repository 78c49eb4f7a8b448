using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>Workspace API <c>/api/2.0/workspace-conf</c>: string key/value settings (e.g. enableIpAccessLists).</summary>
public sealed class WorkspaceConfArea : IEmulatorArea
{
    public void Map(WebApplication app, EmulatorServices s)
    {
        app.MapGet("/api/2.0/workspace-conf", (HttpContext http, string? keys) =>
        {
            var ws = Emu.Req(http).Workspace!;
            var result = new JsonObject();
            lock (s.State.Sync)
                foreach (var key in (keys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    result[key] = ws.Conf.TryGetValue(key, out var v) ? v : null;
            return Emu.Json(result);
        });

        app.MapMethods("/api/2.0/workspace-conf", new[] { "PATCH" }, async (HttpContext http) =>
        {
            var ws = Emu.Req(http).Workspace!;
            var (body, error) = await Emu.ReadObject(http);
            if (error != null) return error;
            foreach (var kv in body!)
                if (kv.Value is not JsonValue v || !v.TryGetValue<string>(out _))
                    return Emu.BadRequest(http, $"Value of '{kv.Key}' must be a string, e.g. \"true\".");
            if (body!["enableIpAccessLists"] is JsonValue flag && (string)flag! is not ("true" or "false"))
                return Emu.BadRequest(http, $"Value of 'enableIpAccessLists' must be \"true\" or \"false\", not \"{(string)flag!}\".");
            lock (s.State.Sync)
                foreach (var kv in body!) ws.Conf[kv.Key] = (string)kv.Value!;
            return Results.NoContent();
        });
    }
}
