using System.Net;
using System.Text.Json.Nodes;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>What the auth middleware learned about a request: who calls, for which account and workspace.</summary>
public sealed class EmuRequest
{
    public required Principal Principal { get; init; }
    public AccountState? Account { get; init; }
    public WorkspaceState? Workspace { get; init; }
    /// <summary>The caller's address (X-Forwarded-For honoured from loopback only with --trust-forwarded-for, for tests).</summary>
    public required IPAddress ClientIp { get; init; }
    public required string RequestId { get; init; }
}

/// <summary>An area of the API (Accounts, Classic, IpAccess, Serverless ...): found by reflection, maps its routes.</summary>
public interface IEmulatorArea
{
    void Map(WebApplication app, EmulatorServices services);
}

/// <summary>
/// A check run after authentication and before the handler (e.g. IP access list enforcement). Returns an
/// error result to refuse the request, or null to let it through. Found by reflection.
/// </summary>
public interface IAccessCheck
{
    IResult? Check(HttpContext http, EmuRequest request, EmulatorServices services);
}

/// <summary>What every area gets: state, options, a clock and the AWS validator (when --aws-endpoint is set).</summary>
public sealed class EmulatorServices
{
    public required EmulatorState State { get; init; }
    public required EmulatorOptions Options { get; init; }
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;
    public long NowMs => Clock().ToUnixTimeMilliseconds();
    public RequestStats Stats { get; } = new();
    /// <summary>Context-based ingress decisions (GET /_emulator/ingress-log).</summary>
    public Areas.IngressLog IngressLog { get; } = new();
    /// <summary>Called after a successful write, to persist --state-file.</summary>
    public Action? Changed { get; set; }
}

public sealed class RequestStats
{
    private readonly Dictionary<string, long> counts = new();
    private long total, faults, dropped, rateLimited, chaos;
    public void Count(string key) { lock (counts) { counts[key] = counts.GetValueOrDefault(key) + 1; total++; } }
    public void Fault() => Interlocked.Increment(ref faults);
    public void Dropped() => Interlocked.Increment(ref dropped);
    public void RateLimited() => Interlocked.Increment(ref rateLimited);
    public void Chaos() => Interlocked.Increment(ref chaos);
    public JsonObject Snapshot()
    {
        lock (counts)
        {
            var by = new JsonObject();
            foreach (var kv in counts.OrderBy(k => k.Key, StringComparer.Ordinal)) by[kv.Key] = kv.Value;
            return new JsonObject { ["total"] = total, ["faults"] = faults, ["dropped_after_commit"] = dropped, ["rate_limited"] = rateLimited, ["chaos"] = chaos, ["by_route"] = by };
        }
    }
    public void Reset() { lock (counts) { counts.Clear(); total = 0; faults = 0; dropped = 0; rateLimited = 0; chaos = 0; } }
}

/// <summary>Helpers for handlers: the Databricks error body, JSON results, ids, paging.</summary>
public static class Emu
{
    public static EmuRequest Req(HttpContext http) => (EmuRequest)http.Items["emu"]!;

    /// <summary>The standard Databricks error body: {error_code, message, details:[RequestInfo]}.</summary>
    public static IResult Error(HttpContext http, int status, string errorCode, string message)
    {
        var rid = http.Items["request_id"] as string ?? Guid.NewGuid().ToString();
        return Results.Text(ErrorShapes.Body(errorCode, message, rid), "application/json", statusCode: status);
    }

    /// <summary>
    /// The legacy gateway's error answer: a <em>numeric</em> <c>error_code</c> equal to the status and no details, e.g.
    /// <c>403 {"error_code": 403, "message": "Invalid access to Org: &lt;id&gt;"}</c> with the message repeated in an
    /// <c>X-Databricks-Reason-Phrase</c> header (databricks-sdk-go#853, #928 wire logs). The request id stays in the
    /// x-request-id header only.
    /// </summary>
    public static IResult NumericError(HttpContext http, int status, string message, bool reasonPhraseHeader)
    {
        if (reasonPhraseHeader) http.Response.Headers["X-Databricks-Reason-Phrase"] = message;
        var body = new JsonObject { ["error_code"] = status, ["message"] = message };
        return Results.Text(body.ToJsonString(), "application/json", statusCode: status);
    }

    /// <summary>
    /// The error body with a <c>google.rpc.ErrorInfo</c> detail before the RequestInfo one (e.g. the settings API's
    /// current etag in <c>metadata.etag</c> of a 409 RESOURCE_CONFLICT).
    /// </summary>
    public static IResult ErrorWithInfo(HttpContext http, int status, string errorCode, string message, string reason, IDictionary<string, string> metadata)
    {
        var rid = http.Items["request_id"] as string ?? Guid.NewGuid().ToString();
        var md = new JsonObject();
        foreach (var kv in metadata) md[kv.Key] = kv.Value;
        var body = new JsonObject
        {
            ["error_code"] = errorCode,
            ["message"] = message,
            ["details"] = new JsonArray(
                new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = reason, ["domain"] = "databricks.com", ["metadata"] = md },
                new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.RequestInfo", ["request_id"] = rid, ["serving_data"] = "", ["metadata"] = new JsonObject() }),
        };
        return Results.Text(body.ToJsonString(), "application/json", statusCode: status);
    }

    public static IResult NotFound(HttpContext http, string what) => Error(http, 404, "RESOURCE_DOES_NOT_EXIST", what);
    public static IResult BadRequest(HttpContext http, string message) => Error(http, 400, "INVALID_PARAMETER_VALUE", message);
    public static IResult Malformed(HttpContext http, string message) => Error(http, 400, "MALFORMED_REQUEST", message);

    public static IResult Json(JsonNode node, int status = 200) => Results.Text(node.ToJsonString(), "application/json", statusCode: status);
    public static IResult Empty() => Results.Text("{}", "application/json");

    public static string NewId() => Guid.NewGuid().ToString();

    /// <summary>Reads the JSON object body; null (and the error result) when it is not a JSON object.</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObject(HttpContext http)
    {
        try
        {
            // Duplicate keys are refused (a JsonObject would otherwise throw on first use, a 500).
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            // Invalid UTF-8 inside strings parses, then throws on first read of the value (a 500): refuse it here.
            if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
                return (null, Malformed(http, "The request body is not valid UTF-8."));
            buffer.Position = 0;
            var node = await JsonNode.ParseAsync(buffer);
            StrictJson.RefuseDuplicateProperties(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (node is JsonObject o) return (o, null);
            return (null, Malformed(http, "The request body must be a JSON object."));
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (null, Malformed(http, "Could not parse request body as JSON: " + ex.Message));
        }
    }

    /// <summary>{items, next_page_token} paging over a snapshot; the token is the offset, opaque to clients.</summary>
    public static JsonObject Paged(IReadOnlyList<JsonObject> all, string? pageToken, int pageSize, string itemsName = "items")
    {
        int start = 0;
        if (!string.IsNullOrEmpty(pageToken))
        {
            // Tokens this emulator issues are short base64 offsets: anything else (oversized, garbage, negative) is refused.
            bool ok = pageToken.Length <= 64;
            try { ok = ok && int.TryParse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(pageToken)), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out start); }
            catch (FormatException) { ok = false; }
            if (!ok) throw new EmuException(400, "INVALID_PARAMETER_VALUE", pageToken.Length > 64 ? $"The page token is too long ({pageToken.Length} characters)." : "The page token is not valid.");
        }
        var page = all.Skip(start).Take(pageSize).Select(o => (JsonNode)o.DeepClone()).ToArray();
        var result = new JsonObject();
        if (page.Length > 0) result[itemsName] = new JsonArray(page);
        if (start + pageSize < all.Count)
            result["next_page_token"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes((start + pageSize).ToString()));
        return result;
    }

    public static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static List<string>? StrList(JsonObject o, string key)
    {
        if (o[key] is not JsonArray arr) return null;
        var list = new List<string>();
        foreach (var n in arr) if (n is JsonValue v && v.TryGetValue<string>(out var s)) list.Add(s); else return null;
        return list;
    }
}
