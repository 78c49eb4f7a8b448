using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;
using DatabricksNetworking.Tests.Foundation;

namespace DatabricksNetworking.Tests.Emulator;

/// <summary>A raw HTTP/1.1 exchange over a TcpClient (what Kestrel answers before any middleware runs is visible only so).</summary>
internal static class RawHttp
{
    public sealed record Answer(int Status, Dictionary<string, string> Headers, string Body)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    }

    public static async Task<Answer> Send(string baseUrl, byte[] request)
    {
        var uri = new Uri(baseUrl);
        using var tcp = new TcpClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await tcp.ConnectAsync(IPAddress.Loopback, uri.Port, cts.Token);
        var stream = tcp.GetStream();
        try { await stream.WriteAsync(request, cts.Token); } catch (IOException) { } // the server may refuse before reading it all
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(chunk, cts.Token)) > 0) buffer.Write(chunk, 0, n);
        }
        catch (IOException) { } // a reset after the answer
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, "no HTTP answer: " + text);
        var lines = text.Substring(0, split).Split("\r\n");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var l in lines.Skip(1)) { var i = l.IndexOf(':'); headers[l.Substring(0, i)] = l.Substring(i + 1).Trim(); }
        return new Answer(int.Parse(lines[0].Split(' ')[1]), headers, text.Substring(split + 4));
    }

    public static byte[] Request(string method, string target, string? body = null, params string[] headers)
    {
        var sb = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        foreach (var h in headers) sb.Append(h).Append("\r\n");
        var bytes = body == null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(body);
        if (body != null) sb.Append("Content-Type: application/json\r\nContent-Length: ").Append(bytes.Length).Append("\r\n");
        sb.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(sb.ToString()), .. bytes];
    }

    /// <summary>The Databricks error shape with a request id that matches the x-request-id header.</summary>
    public static JsonObject AssertError(Answer a, int status, string code)
    {
        Assert.Equal(status, a.Status);
        Assert.StartsWith("application/json", a.Headers["Content-Type"]);
        var body = a.Json;
        Assert.Equal(code, (string?)body["error_code"]);
        Assert.False(string.IsNullOrEmpty((string?)body["message"]));
        var detail = body["details"]![0]!;
        Assert.Equal("type.googleapis.com/google.rpc.RequestInfo", (string?)detail["@type"]);
        Assert.Equal(a.Headers["x-request-id"], (string?)detail["request_id"]);
        return body;
    }
}

/// <summary>Every refusal, Kestrel's own included, has the Databricks error body and the real status.</summary>
public class EmulatorErrorShapeTests
{
    private const string Pat = "Authorization: Bearer " + InProcessEmulator.WorkspaceToken;
    private const string AccountPat = "Authorization: Bearer " + InProcessEmulator.AccountToken;

    [Fact]
    public async Task Kestrel_refusals_before_any_middleware_have_the_error_body()
    {
        await using var emu = await InProcessEmulator.Start();
        var garbage = await RawHttp.Send(emu.Url, Encoding.ASCII.GetBytes("GARBAGE\r\n\r\n"));
        RawHttp.AssertError(garbage, 400, "MALFORMED_REQUEST");
        var badHeader = await RawHttp.Send(emu.Url, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"));
        RawHttp.AssertError(badHeader, 400, "MALFORMED_REQUEST");
        var longUri = await RawHttp.Send(emu.Url, RawHttp.Request("GET", "/api/2.0/ip-access-lists?x=" + new string('a', 20000), null, Pat));
        RawHttp.AssertError(longUri, 414, "URI_TOO_LONG");
        var bigHeaders = await RawHttp.Send(emu.Url, RawHttp.Request("GET", "/api/2.0/ip-access-lists", null, Pat, "X-Big: " + new string('a', 40000)));
        RawHttp.AssertError(bigHeaders, 431, "REQUEST_HEADER_FIELDS_TOO_LARGE");
    }

    [Fact]
    public async Task An_oversized_body_gets_413_with_the_error_body()
    {
        await using var emu = await InProcessEmulator.Start();
        var head = RawHttp.Request("POST", "/api/2.0/ip-access-lists", null, Pat, "Content-Type: application/json",
            "Content-Length: " + (ErrorShapes.MaxRequestBodyBytes + 1));
        var a = await RawHttp.Send(emu.Url, [.. head, .. "{\"label\":"u8.ToArray()]);
        var body = RawHttp.AssertError(a, 413, "PAYLOAD_TOO_LARGE");
        Assert.Contains(ErrorShapes.MaxRequestBodyBytes.ToString(), (string)body["message"]!);
    }

    [Fact]
    public async Task Duplicate_keys_and_invalid_utf8_are_400_not_500()
    {
        await using var emu = await InProcessEmulator.Start();
        var dup = await RawHttp.Send(emu.Url, RawHttp.Request("POST", "/api/2.0/ip-access-lists",
            "{\"label\":\"a\",\"label\":\"b\",\"list_type\":\"ALLOW\",\"ip_addresses\":[\"127.0.0.1\"]}", Pat));
        Assert.Contains("Duplicate", (string)RawHttp.AssertError(dup, 400, "MALFORMED_REQUEST")["message"]!);

        var head = "POST /api/2.0/ip-access-lists HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + Pat + "\r\nContent-Type: application/json\r\n";
        byte[] json = [.. "{\"label\":\""u8.ToArray(), 0xff, 0xfe, .. "\",\"list_type\":\"ALLOW\",\"ip_addresses\":[\"127.0.0.1\"]}"u8.ToArray()];
        var utf = await RawHttp.Send(emu.Url, [.. Encoding.ASCII.GetBytes(head + "Content-Length: " + json.Length + "\r\n\r\n"), .. json]);
        Assert.Contains("UTF-8", (string)RawHttp.AssertError(utf, 400, "MALFORMED_REQUEST")["message"]!);
    }

    [Fact]
    public async Task Oversized_and_garbage_page_tokens_are_400_invalid_parameter_value()
    {
        await using var emu = await InProcessEmulator.Start();
        var path = $"/api/2.0/accounts/{InProcessEmulator.AccountId}/network-connectivity-configs?page_token=";
        var huge = await RawHttp.Send(emu.Url, RawHttp.Request("GET", path + new string('A', 4000), null, AccountPat));
        Assert.Contains("too long", (string)RawHttp.AssertError(huge, 400, "INVALID_PARAMETER_VALUE")["message"]!);
        // Base64 of a number beyond int (was an OverflowException, a 500) and of a negative offset.
        foreach (var bad in new[] { "OTk5OTk5OTk5OTk5OTk5", "LTU=", "!!notbase64" })
            RawHttp.AssertError(await RawHttp.Send(emu.Url, RawHttp.Request("GET", path + bad, null, AccountPat)), 400, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task An_unknown_method_on_a_known_route_is_405_with_allow()
    {
        await using var emu = await InProcessEmulator.Start();
        var a = await RawHttp.Send(emu.Url, RawHttp.Request("DELETE", "/api/2.0/ip-access-lists", null, Pat));
        RawHttp.AssertError(a, 405, "METHOD_NOT_ALLOWED");
        Assert.Equal("GET, HEAD, POST", a.Headers["Allow"]);
        var put = await RawHttp.Send(emu.Url, RawHttp.Request("PUT", $"/api/2.0/accounts/{InProcessEmulator.AccountId}/networks", "{}", AccountPat));
        RawHttp.AssertError(put, 405, "METHOD_NOT_ALLOWED");
        Assert.Contains("POST", put.Headers["Allow"]);
        // An unknown path stays 404.
        RawHttp.AssertError(await RawHttp.Send(emu.Url, RawHttp.Request("GET", "/api/2.0/no-such-api", null, Pat)), 404, "ENDPOINT_NOT_FOUND");
    }

    [Fact]
    public async Task A_query_parameter_that_does_not_bind_gets_the_error_body()
    {
        await using var emu = await InProcessEmulator.Start();
        var a = await RawHttp.Send(emu.Url, RawHttp.Request("POST", "/_emulator/clock/advance?seconds=abc", "", EmulatorOptions.AdminTokenHeader + ": " + emu.Services.Options.AdminToken));
        RawHttp.AssertError(a, 400, "MALFORMED_REQUEST");
    }
}

/// <summary>/_emulator control routes need the run's admin token; the state dump masks secrets without it.</summary>
public class EmulatorAdminTokenTests
{
    [Fact]
    public async Task Control_routes_refuse_callers_without_the_token()
    {
        await using var emu = await InProcessEmulator.Start(o => o.AdminToken = "given-admin-token-1");
        Assert.Equal("given-admin-token-1", emu.Services.Options.AdminToken);
        using var anon = new HttpClient { BaseAddress = new Uri(emu.Url) };
        var refused = await anon.PostAsync("/_emulator/tokens/expire", null);
        var body = await InProcessEmulator.ErrorBody(refused, 401, "UNAUTHENTICATED");
        Assert.Contains(EmulatorOptions.AdminTokenHeader, (string)body["message"]!);
        await InProcessEmulator.ErrorBody(await anon.GetAsync("/_emulator/requests"), 401, "UNAUTHENTICATED");
        await InProcessEmulator.ErrorBody(await anon.PostAsync("/_emulator/clock/advance?seconds=5", null), 401, "UNAUTHENTICATED");

        var wrong = new HttpRequestMessage(HttpMethod.Get, "/_emulator/requests");
        wrong.Headers.Add(EmulatorOptions.AdminTokenHeader, "given-admin-token-2");
        await InProcessEmulator.ErrorBody(await anon.SendAsync(wrong), 401, "UNAUTHENTICATED");

        var right = new HttpRequestMessage(HttpMethod.Get, "/_emulator/requests");
        right.Headers.Add(EmulatorOptions.AdminTokenHeader, "given-admin-token-1");
        Assert.Equal(HttpStatusCode.OK, (await anon.SendAsync(right)).StatusCode);
        var bearer = new HttpRequestMessage(HttpMethod.Get, "/_emulator/requests");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "given-admin-token-1");
        Assert.Equal(HttpStatusCode.OK, (await anon.SendAsync(bearer)).StatusCode);
        // Liveness and the stand-in of the public IP-range file stay open.
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync("/_emulator/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync("/_emulator/ip-ranges.json")).StatusCode);
    }

    [Fact]
    public async Task A_generated_token_differs_per_run()
    {
        var saved = Environment.GetEnvironmentVariable(EmulatorOptions.AdminTokenVariable);
        Environment.SetEnvironmentVariable(EmulatorOptions.AdminTokenVariable, null);
        try
        {
            await using var a = await InProcessEmulator.Start();
            await using var b = await InProcessEmulator.Start();
            Assert.False(string.IsNullOrEmpty(a.Services.Options.AdminToken));
            Assert.NotEqual(a.Services.Options.AdminToken, b.Services.Options.AdminToken);
        }
        finally { Environment.SetEnvironmentVariable(EmulatorOptions.AdminTokenVariable, saved); }
    }

    [Fact]
    public async Task The_state_dump_masks_secrets_unless_asked_with_the_token()
    {
        await using var emu = await InProcessEmulator.Start();
        using var anon = new HttpClient { BaseAddress = new Uri(emu.Url) };
        var masked = await (await anon.GetAsync("/_emulator/state")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(InProcessEmulator.ClientSecret, masked);
        Assert.DoesNotContain(InProcessEmulator.AccountToken, masked);
        Assert.DoesNotContain(InProcessEmulator.WorkspaceToken, masked);
        Assert.Contains(InProcessEmulator.ClientId, masked);
        Assert.Contains("\"secret\":\"****\"", masked);
        var full = await emu.Http.GetStringAsync("/_emulator/state"); // emu.Http sends the admin token
        Assert.Contains(InProcessEmulator.ClientSecret, full);
        Assert.Contains(InProcessEmulator.AccountToken, full);
    }
}

/// <summary>X-Forwarded-For only with --trust-forwarded-for; expired OAuth tokens are freed and the store is bounded.</summary>
public class EmulatorTrustAndTokenStoreTests
{
    private const long Ws = 1111111111111111;

    private static async Task<HttpStatusCode> ListFrom(InProcessEmulator emu, string from)
    {
        var req = new HttpRequestMessage(HttpMethod.Get, "/api/2.0/ip-access-lists");
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", InProcessEmulator.WorkspaceToken);
        req.Headers.Add("X-Forwarded-For", from);
        return (await emu.Http.SendAsync(req)).StatusCode;
    }

    [Theory]
    [InlineData(false, HttpStatusCode.OK)]
    [InlineData(true, HttpStatusCode.Forbidden)]
    public async Task X_forwarded_for_is_the_caller_only_with_the_flag(bool trust, HttpStatusCode expected)
    {
        await using var emu = await InProcessEmulator.Start(o => o.TrustForwardedFor = trust);
        var create = await emu.Call(HttpMethod.Post, "/api/2.0/ip-access-lists", InProcessEmulator.WorkspaceToken, null,
            "{\"label\":\"allow\",\"list_type\":\"ALLOW\",\"ip_addresses\":[\"127.0.0.1\",\"10.0.0.0/8\"]}");
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        var on = await emu.Call(HttpMethod.Patch, "/api/2.0/workspace-conf", InProcessEmulator.WorkspaceToken, null, "{\"enableIpAccessLists\":\"true\"}");
        Assert.True(on.IsSuccessStatusCode, await on.Content.ReadAsStringAsync());
        Assert.Equal(expected, await ListFrom(emu, "192.0.2.1"));
    }

    private static async Task<int> OAuthTokenCount(InProcessEmulator emu) =>
        (int)JsonNode.Parse(await emu.Http.GetStringAsync("/_emulator/tokens"))!["oauth"]!;

    [Fact]
    public async Task Expired_oauth_tokens_are_freed()
    {
        await using var emu = await InProcessEmulator.Start(o => o.TokenTtlSeconds = 600);
        for (int i = 0; i < 3; i++) await emu.OAuthToken();
        Assert.Equal(3, await OAuthTokenCount(emu));
        Assert.Equal(HttpStatusCode.OK, (await emu.Http.PostAsync("/_emulator/tokens/expire", null)).StatusCode);
        // Past the grace in which an expired token still answers "has expired".
        var seconds = (int)EmulatorState.ExpiredTokenGrace.TotalSeconds + 5;
        Assert.Equal(HttpStatusCode.OK, (await emu.Http.PostAsync($"/_emulator/clock/advance?seconds={seconds}", null)).StatusCode);
        await emu.Call(HttpMethod.Get, "/api/2.0/ip-access-lists", InProcessEmulator.WorkspaceToken);
        Assert.Equal(0, await OAuthTokenCount(emu));
        // Seeded tokens stay.
        Assert.Equal(HttpStatusCode.OK, (await emu.Call(HttpMethod.Get, "/api/2.0/ip-access-lists", InProcessEmulator.WorkspaceToken)).StatusCode);
    }

    [Fact]
    public async Task The_token_store_is_bounded()
    {
        await using var emu = await InProcessEmulator.Start(o => o.MaxOAuthTokens = 5);
        string last = "";
        for (int i = 0; i < 20; i++) last = await emu.OAuthToken();
        Assert.InRange(await OAuthTokenCount(emu), 1, 6);
        // The newest token still works.
        var ok = await emu.Call(HttpMethod.Get, $"/api/2.0/accounts/{InProcessEmulator.AccountId}/workspaces", last);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
