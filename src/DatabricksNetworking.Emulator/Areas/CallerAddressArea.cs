using System.Net;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// A stand-in for a "what is my address" service such as https://checkip.amazonaws.com (no auth, outside the REST API
/// and outside the admin-only /_emulator routes): GET /checkip answers, as plain text, the caller's address as the
/// emulator sees it (X-Forwarded-For honoured from loopback, like the IP access check). Test knobs: ?ip=a.b.c.d answers
/// that address; ?status=N answers N with no address. A request that carries an Authorization header gets 400: such a
/// service is another host and must never be sent a Databricks credential.
/// </summary>
public sealed class CallerAddressArea : IEmulatorArea
{
    public void Map(WebApplication app, EmulatorServices s)
    {
        app.MapGet("/checkip", (HttpContext http, string? ip, int? status) =>
        {
            if (status is int code && code != 200)
                return Results.Text($"checkip unavailable (HTTP {code} asked for)\n", "text/plain", statusCode: code);
            if (!string.IsNullOrEmpty(http.Request.Headers.Authorization.ToString()))
                return Results.Text("refused: a what-is-my-address request must not carry an Authorization header\n", "text/plain", statusCode: 400);
            var answer = ip != null && IPAddress.TryParse(ip, out var given) ? given.ToString() : Middleware.ClientIp(http).ToString();
            return Results.Text(answer + "\n", "text/plain");
        });
    }
}
