using System.Text;
using System.Text.Json.Nodes;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>
/// Hostile responses for the reliability suite (--chaos [rate]): invalid JSON, truncated bodies, HTML pages,
/// wrong field types, huge bodies, unknown enum values, slow drips, and the bodiless 409 of a refused delete of an object in use. The kind is chosen by the seeded random.
/// </summary>
public static class Chaos
{
    public static readonly string[] Kinds = { "invalid-json", "truncated", "html", "wrong-types", "huge", "unknown-enum", "slow-drip", "bodiless-409" };

    private static readonly HashSet<string> EnumFields = new(StringComparer.Ordinal)
    {
        "state", "vpc_status", "list_type", "workspace_status", "connection_state", "restriction_mode", "enforcement_mode",
        "use_case", "private_access_level", "pricing_tier", "compute_mode",
    };

    /// <summary>Whether chaos may answer a request of <paramref name="method"/> (<paramref name="only"/>: null = every method).</summary>
    public static bool AppliesTo(string? only, string method) => only == null || string.Equals(only, method, StringComparison.OrdinalIgnoreCase);

    public static string CheckKind(string kind) =>
        Kinds.Contains(kind, StringComparer.Ordinal) ? kind : throw new ArgumentException($"Unknown chaos kind '{kind}'. Kinds: {string.Join(", ", Kinds)}.");

    /// <summary>Writes a hostile answer. Returns false when the request should be served normally. The kind: the
    /// X-Emulator-Chaos header, else --chaos-kind (or POST /_emulator/chaos?kind=), else a seeded random one.</summary>
    public static async Task<bool> Respond(HttpContext http, double pick, Func<Task> next, string? configuredKind = null)
    {
        var forced = http.Request.Headers["X-Emulator-Chaos"].ToString();
        var kind = forced.Length > 0 ? forced : configuredKind ?? Kinds[(int)(pick * Kinds.Length) % Kinds.Length];
        switch (kind)
        {
            case "invalid-json":
                http.Response.StatusCode = 200;
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("{\"items\": [ {\"id\": ");
                return true;
            case "html":
                http.Response.StatusCode = 502;
                http.Response.ContentType = "text/html";
                await http.Response.WriteAsync("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>");
                return true;
            case "huge":
                http.Response.StatusCode = 200;
                http.Response.ContentType = "application/json";
                http.Response.ContentLength = 200L * 1024 * 1024;
                await http.Response.WriteAsync("{\"items\": [");
                await http.Response.Body.FlushAsync();
                http.Abort();
                return true;
            case "slow-drip":
                http.Response.StatusCode = 200;
                http.Response.ContentType = "application/json";
                for (int i = 0; i < 120 && !http.RequestAborted.IsCancellationRequested; i++)
                {
                    await http.Response.WriteAsync(" ");
                    await http.Response.Body.FlushAsync();
                    try { await Task.Delay(500, http.RequestAborted); } catch (OperationCanceledException) { return true; }
                }
                await http.Response.WriteAsync("{}");
                return true;
        }

        // The rest transform the real answer.
        var original = http.Response.Body;
        var buffer = new MemoryStream();
        http.Response.Body = buffer;
        await next();
        http.Response.Body = original;
        var bytes = buffer.ToArray();
        if (kind == "truncated")
        {
            http.Response.ContentLength = bytes.Length;
            await original.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await original.FlushAsync();
            http.Abort();
            return true;
        }
        JsonNode? node = null;
        try { node = bytes.Length > 0 ? JsonNode.Parse(bytes) : null; } catch (System.Text.Json.JsonException) { }
        if (kind == "bodiless-409")
        {
            // The real service also refuses some deletes of objects in use (a network of an active workspace) with an
            // empty-body 409 Conflict (databricks-sdk-go#777) instead of the 400 INVALID_STATE JSON: any DELETE the
            // emulator refuses with INVALID_STATE gets that answer; everything else is served unchanged.
            if (http.Request.Method == "DELETE" && http.Response.StatusCode == 400 && node is JsonObject err && (string?)err["error_code"] == "INVALID_STATE")
            {
                http.Response.StatusCode = 409;
                http.Response.ContentLength = 0;
                http.Items[ErrorShapes.IntendedBodilessKey] = true;
                return true;
            }
            http.Response.ContentLength = bytes.Length;
            await original.WriteAsync(bytes);
            return true;
        }
        if (node != null && http.Response.StatusCode < 300)
        {
            node = kind == "wrong-types" ? WrongTypes(node) : UnknownEnums(node);
            bytes = Encoding.UTF8.GetBytes(node!.ToJsonString());
        }
        http.Response.ContentLength = bytes.Length;
        await original.WriteAsync(bytes);
        return true;
    }

    private static JsonNode? WrongTypes(JsonNode? n) => n switch
    {
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, WrongTypes(kv.Value?.DeepClone())))),
        JsonArray a => new JsonArray(a.Select(x => WrongTypes(x?.DeepClone())).ToArray()),
        JsonValue v when v.TryGetValue<string>(out _) => JsonValue.Create(12345),
        JsonValue v when v.TryGetValue<bool>(out _) => JsonValue.Create("yes"),
        JsonValue => JsonValue.Create("not-a-number"),
        _ => null,
    };

    private static JsonNode? UnknownEnums(JsonNode? n)
    {
        switch (n)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var kv in o)
                    copy[kv.Key] = EnumFields.Contains(kv.Key) && kv.Value is JsonValue ? JsonValue.Create("SOMETHING_NEW_" + kv.Key.ToUpperInvariant()) : UnknownEnums(kv.Value?.DeepClone());
                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(x => UnknownEnums(x?.DeepClone())).ToArray());
            default:
                return n?.DeepClone();
        }
    }
}
