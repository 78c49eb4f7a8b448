using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// Test hooks under /_emulator (not part of the Databricks API): health, request counts, a state dump, fault and chaos knobs,
/// token expiry and a movable clock. Every route but health, the IP-range file and the state dump needs the admin token
/// (see <see cref="Middleware.IsAdmin"/>); the state dump masks secrets without it.
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
        app.MapGet("/_emulator/state", (HttpContext http) =>
        {
            JsonObject saved;
            lock (s.State.Sync) saved = s.State.Save();
            if (http.Items[Middleware.AdminItem] is not true) EmulatorState.MaskSecrets(saved);
            return Emu.Json(saved);
        });
        app.MapGet("/_emulator/tokens", () =>
        {
            lock (s.State.Sync)
                return Emu.Json(new JsonObject { ["total"] = s.State.Tokens.Count, ["oauth"] = s.State.Tokens.Values.Count(t => t.IsOAuth) });
        });
        app.MapPost("/_emulator/tokens/expire", () =>
        {
            int n = 0;
            lock (s.State.Sync)
                foreach (var t in s.State.Tokens.Values.Where(t => t.IsOAuth)) { t.ExpiresAt = s.Clock().AddSeconds(-1); n++; }
            return Emu.Json(new JsonObject { ["expired"] = n });
        });
        // Chaos mode at run time (rate 0 = off; kind empty = a seeded random kind per request).
        app.MapPost("/_emulator/chaos", (HttpContext http, double rate, string? kind, string? method) =>
        {
            if (!string.IsNullOrEmpty(kind) && !Chaos.Kinds.Contains(kind, StringComparer.Ordinal))
                return Emu.BadRequest(http, $"Unknown chaos kind '{kind}'. Kinds: {string.Join(", ", Chaos.Kinds)}.");
            s.Options.ChaosRate = rate;
            s.Options.ChaosKind = string.IsNullOrEmpty(kind) ? null : kind;
            s.Options.ChaosMethod = string.IsNullOrEmpty(method) ? null : method.ToUpperInvariant();
            return Emu.Json(new JsonObject { ["rate"] = rate, ["kind"] = s.Options.ChaosKind, ["method"] = s.Options.ChaosMethod });
        });
        // Fault knobs at run time, so a test can set up its objects first and then turn the faults on (-1 = unchanged).
        app.MapPost("/_emulator/faults", (double? fault_rate, double? drop_after_commit_rate, double? rate_limit, double? retry_after_seconds, double? throttle_rate) =>
        {
            if (fault_rate.HasValue) s.Options.FaultRate = fault_rate.Value;
            if (drop_after_commit_rate.HasValue) s.Options.DropAfterCommitRate = drop_after_commit_rate.Value;
            if (rate_limit.HasValue) s.Options.RateLimit = rate_limit.Value;
            if (retry_after_seconds.HasValue) s.Options.RetryAfterSeconds = retry_after_seconds.Value;
            if (throttle_rate.HasValue) s.Options.ThrottleRate = throttle_rate.Value;
            return Emu.Json(new JsonObject
            {
                ["fault_rate"] = s.Options.FaultRate, ["drop_after_commit_rate"] = s.Options.DropAfterCommitRate,
                ["rate_limit"] = s.Options.RateLimit, ["retry_after_seconds"] = s.Options.RetryAfterSeconds,
                ["throttle_rate"] = s.Options.ThrottleRate,
            });
        });
        app.MapPost("/_emulator/clock/advance", (double seconds) =>
        {
            offset += TimeSpan.FromSeconds(seconds);
            return Emu.Json(new JsonObject { ["now"] = s.NowMs });
        });
    }
}
