using System.Net;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>Request id, counting, latency, rate limiting, injected faults, drop-after-commit, then authentication.</summary>
public static class Middleware
{
    public static void Use(WebApplication app, EmulatorServices services, IReadOnlyList<IAccessCheck> checks)
    {
        var o = services.Options;
        var rng = new Random(o.Seed);
        double NextDouble() { lock (rng) return rng.NextDouble(); }
        async Task Throttle(HttpContext http)
        {
            services.Stats.RateLimited();
            http.Response.Headers["Retry-After"] = o.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Emu.Error(http, 429, "REQUEST_LIMIT_EXCEEDED", "Too many requests. Please wait a moment and try again.").ExecuteAsync(http);
        }
        var buckets = new Dictionary<string, (double Tokens, DateTimeOffset At)>();
        var lastPrune = DateTimeOffset.MinValue;

        app.Use(async (http, next) =>
        {
            var rid = Guid.NewGuid().ToString();
            http.Items["request_id"] = rid;
            http.Response.Headers["x-request-id"] = rid;
            await ErrorShapes.Guard(http, next);
        });

        app.Use(async (http, next) =>
        {
            var path = http.Request.Path.Value ?? "";
            if (path.StartsWith("/_emulator", StringComparison.Ordinal))
            {
                bool admin = IsAdmin(http, o);
                http.Items[AdminItem] = admin;
                if (!admin && !OpenAdminRoute(http.Request.Method, path))
                {
                    await Emu.Error(http, 401, "UNAUTHENTICATED",
                        $"The /_emulator control routes need this emulator's admin token in the {EmulatorOptions.AdminTokenHeader} header (printed at start as admin-token=..., the AdminToken of Start-DbxEmulator).").ExecuteAsync(http);
                    return;
                }
                await next();
                return;
            }
            services.Stats.Count(http.Request.Method + " " + RouteKey(path));
            bool isApi = path.StartsWith("/api/", StringComparison.Ordinal);

            if (o.LatencyMs > 0) await Task.Delay(o.LatencyMs);

            if (isApi && o.RateLimit > 0)
            {
                var key = http.Request.Headers.Authorization.ToString();
                bool limited;
                lock (buckets)
                {
                    var now = DateTimeOffset.UtcNow;
                    var (tokens, at) = buckets.TryGetValue(key, out var b) ? b : (o.RateLimit, now);
                    tokens = Math.Min(o.RateLimit, tokens + (now - at).TotalSeconds * o.RateLimit);
                    limited = tokens < 1;
                    buckets[key] = (limited ? tokens : tokens - 1, now);
                }
                if (limited) { await Throttle(http); return; }
            }
            if (isApi && o.ThrottleRate > 0 && NextDouble() < o.ThrottleRate) { await Throttle(http); return; }

            if (isApi && o.FaultRate > 0 && NextDouble() < o.FaultRate)
            {
                services.Stats.Fault();
                if (NextDouble() < 0.5)
                {
                    http.Response.Headers["Retry-After"] = "0";
                    await Emu.Error(http, 503, "TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable.").ExecuteAsync(http);
                }
                else http.Abort(); // connection reset before the request is processed
                return;
            }

            bool isWrite = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
            if (isApi && isWrite && o.DropAfterCommitRate > 0 && NextDouble() < o.DropAfterCommitRate)
            {
                // Apply the write, then lose the answer: the client sees a dropped connection.
                var original = http.Response.Body;
                http.Response.Body = new MemoryStream();
                await next();
                http.Response.Body = original;
                services.Stats.Dropped();
                http.Abort();
                return;
            }

            if (isApi && o.ChaosRate > 0 && Chaos.AppliesTo(o.ChaosMethod, http.Request.Method) && NextDouble() < o.ChaosRate)
            {
                services.Stats.Chaos();
                if (await Chaos.Respond(http, NextDouble(), next, o.ChaosKind)) return;
            }
            await next();
        });

        app.Use(async (http, next) =>
        {
            var path = http.Request.Path.Value ?? "";
            if (!path.StartsWith("/_emulator", StringComparison.Ordinal)) PruneTokens(services, ref lastPrune); // token requests included
            if (!path.StartsWith("/api/", StringComparison.Ordinal)) { await next(); return; }
            var (req, error) = Auth.Authenticate(http, services);
            if (error != null) { await error.ExecuteAsync(http); return; }
            http.Items["emu"] = req;
            foreach (var check in checks)
            {
                var refused = check.Check(http, req!, services);
                if (refused != null) { await refused.ExecuteAsync(http); return; }
            }
            // Persist a successful write before its answer starts, so an acknowledged write survives a kill -9; after the
            // handler too, for writes whose answer never starts (drop-after-commit).
            bool persisted = false;
            void Persist()
            {
                if (persisted || HttpMethods.IsGet(http.Request.Method) || http.Response.StatusCode >= 300) return;
                persisted = true;
                services.Changed?.Invoke();
            }
            if (services.Changed != null) http.Response.OnStarting(() => { Persist(); return Task.CompletedTask; });
            await next();
            Persist();
        });
    }

    /// <summary>Collapses ids in a path so counts group by route (e.g. /api/2.0/accounts/*/networks/*).</summary>
    public static string RouteKey(string path)
    {
        var parts = path.Split('/');
        for (int i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            if (p.Length >= 8 && (Guid.TryParse(p, out _) || long.TryParse(p, out _))) parts[i] = "*";
            else if (i > 0 && parts[i - 1] == "accounts") parts[i] = "*";
        }
        return string.Join('/', parts);
    }

    /// <summary>http.Items key: true when the request carried the admin token (e.g. /_emulator/state then shows secrets).</summary>
    public const string AdminItem = "emu_admin";

    /// <summary>/_emulator routes open without the admin token: liveness, the stand-in of Databricks' public IP-range file,
    /// and the state dump, which then masks secrets.</summary>
    public static bool OpenAdminRoute(string method, string path) =>
        (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) &&
        path is "/_emulator/health" or "/_emulator/ip-ranges.json" or "/_emulator/ip-ranges-redirect" or "/_emulator/state";

    /// <summary>The request carries the admin token: X-Emulator-Admin-Token, or Authorization: Bearer on /_emulator routes.</summary>
    public static bool IsAdmin(HttpContext http, EmulatorOptions o)
    {
        var expected = o.AdminToken;
        if (string.IsNullOrEmpty(expected)) return false;
        var given = http.Request.Headers[EmulatorOptions.AdminTokenHeader].ToString();
        if (string.IsNullOrEmpty(given))
        {
            var auth = http.Request.Headers.Authorization.ToString();
            if (auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) given = auth.Substring(7).Trim();
        }
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>Frees expired OAuth tokens (at most once a second of the emulator clock, or at once above the bound).</summary>
    private static void PruneTokens(EmulatorServices services, ref DateTimeOffset lastPrune)
    {
        var state = services.State;
        var now = services.Clock();
        lock (state.Sync)
        {
            if (now - lastPrune < TimeSpan.FromSeconds(1) && now >= lastPrune && state.Tokens.Count <= services.Options.MaxOAuthTokens) return;
            lastPrune = now;
            state.PruneOAuthTokens(now, services.Options.MaxOAuthTokens);
        }
    }

    public static IPAddress ClientIp(HttpContext http, bool trustForwardedFor = false)
    {
        var remote = http.Connection.RemoteIpAddress ?? IPAddress.Loopback;
        if (trustForwardedFor && IPAddress.IsLoopback(remote))
        {
            var xff = http.Request.Headers["X-Forwarded-For"].ToString();
            if (!string.IsNullOrWhiteSpace(xff))
            {
                var first = xff.Split(',')[0].Trim();
                if (IPAddress.TryParse(first, out var forged)) return forged;
            }
        }
        return remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
    }
}
