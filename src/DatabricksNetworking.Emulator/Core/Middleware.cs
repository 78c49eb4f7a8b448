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
        var buckets = new Dictionary<string, (double Tokens, DateTimeOffset At)>();

        app.Use(async (http, next) =>
        {
            var rid = Guid.NewGuid().ToString();
            http.Items["request_id"] = rid;
            http.Response.Headers["x-request-id"] = rid;
            var path = http.Request.Path.Value ?? "";
            if (path.StartsWith("/_emulator", StringComparison.Ordinal)) { await next(); return; }
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
                if (limited)
                {
                    services.Stats.RateLimited();
                    http.Response.Headers["Retry-After"] = o.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await Emu.Error(http, 429, "REQUEST_LIMIT_EXCEEDED", "Too many requests. Please wait a moment and try again.").ExecuteAsync(http);
                    return;
                }
            }

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
            if (!path.StartsWith("/api/", StringComparison.Ordinal)) { await next(); return; }
            var (req, error) = Auth.Authenticate(http, services);
            if (error != null) { await error.ExecuteAsync(http); return; }
            http.Items["emu"] = req;
            foreach (var check in checks)
            {
                var refused = check.Check(http, req!, services);
                if (refused != null) { await refused.ExecuteAsync(http); return; }
            }
            await next();
            if (!HttpMethods.IsGet(http.Request.Method) && http.Response.StatusCode < 300) services.Changed?.Invoke();
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

    public static IPAddress ClientIp(HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress ?? IPAddress.Loopback;
        if (IPAddress.IsLoopback(remote))
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
