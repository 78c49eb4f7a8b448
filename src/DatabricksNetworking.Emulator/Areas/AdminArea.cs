using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// Test hooks under /_emulator (no auth, not part of the Databricks API): health, request counts, a state dump,
/// token expiry and a movable clock.
/// </summary>
public sealed class AdminArea : IEmulatorArea
{
    public void Map(WebApplication app, EmulatorServices s)
    {
        // The offset belongs to this emulator instance (in-process tests run several side by side).
        var offset = TimeSpan.Zero;
        var realClock = s.Clock;
        s.Clock = () => realClock() + offset;
        app.MapGet("/_emulator/health", () => Emu.Json(new JsonObject { ["status"] = "ok" }));
        app.MapGet("/_emulator/requests", () => Emu.Json(s.Stats.Snapshot()));
        app.MapPost("/_emulator/requests/reset", () => { s.Stats.Reset(); return Emu.Empty(); });
        app.MapGet("/_emulator/state", () => { lock (s.State.Sync) return Emu.Json(s.State.Save()); });
        app.MapPost("/_emulator/tokens/expire", () =>
        {
            int n = 0;
            lock (s.State.Sync)
                foreach (var t in s.State.Tokens.Values.Where(t => t.IsOAuth)) { t.ExpiresAt = s.Clock().AddSeconds(-1); n++; }
            return Emu.Json(new JsonObject { ["expired"] = n });
        });
        app.MapPost("/_emulator/clock/advance", (double seconds) =>
        {
            offset += TimeSpan.FromSeconds(seconds);
            return Emu.Json(new JsonObject { ["now"] = s.NowMs });
        });
    }
}
