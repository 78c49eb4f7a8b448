using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Models;
using DatabricksNetworking.Tests.Foundation;

namespace DatabricksNetworking.Tests.Wire;

/// <summary>
/// Replays tests/fixtures/wire/*.json (request/response pairs from public sources, each citing its source) against
/// the in-process emulator: same status, same error_code, same field names and JSON types as the fixture's response
/// (values are not compared), error bodies decoded by ErrorParser, success bodies (the emulator's and the fixture's
/// own) by the client's model types.
/// Id mapping: the Terraform fixtures' account id "abc" is the emulator's demo account.
/// Optional "replay" block (how to reach that state on the emulator, never a change of what the source shows):
/// org_id (X-Databricks-Org-Id for workspace APIs), token (account | workspace | none | bogus), basic (client
/// credentials as Basic auth, form body), form (form-urlencoded body), setup (requests sent first, 2xx unless a step names its status; "{{i.field}}" (dots, array indexes) in
/// later paths and bodies is field of setup answer i), emulator (rate_limit, retry_after_seconds, chaos_kind,
/// trust_forwarded_for, running_clusters), headers (extra request headers), repeat (send until the expected status answers, at most N times), error_code (the code the
/// emulator answers where the source's is a test mock's placeholder; the notes say why), expect_header.
/// </summary>
public class WireFixtureTests
{
    private static string Dir()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d != null && !Directory.Exists(Path.Combine(d.FullName, "tests", "fixtures", "wire"))) d = d.Parent;
        return Path.Combine(d!.FullName, "tests", "fixtures", "wire");
    }

    public static IEnumerable<object[]> Fixtures() => Directory.GetFiles(Dir(), "*.json").OrderBy(f => f).Select(f => new object[] { Path.GetFileName(f) });

    private static string Map(string s) => s.Replace("/accounts/abc/", "/accounts/" + InProcessEmulator.AccountId + "/").Replace("/accounts/abc?", "/accounts/" + InProcessEmulator.AccountId + "?")
        .Replace("\"abc\"", "\"" + InProcessEmulator.AccountId + "\"");

    private static string Fill(string s, List<JsonNode?> answers) => Regex.Replace(s, @"\{\{(\d+)\.([a-zA-Z0-9_.]+)\}\}", m =>
    {
        JsonNode? n = answers[int.Parse(m.Groups[1].Value)];
        foreach (var part in m.Groups[2].Value.Split('.')) n = n is JsonArray a && int.TryParse(part, out var i) ? a[i] : n?[part];
        Assert.True(n != null, $"setup answer has no {m.Value}");
        return n!.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)n! : n.ToJsonString();
    });

    /// <summary>The JSON type (true and false are one type: values are not compared).</summary>
    private static System.Text.Json.JsonValueKind Kind(JsonNode n) => n.GetValueKind() == System.Text.Json.JsonValueKind.False ? System.Text.Json.JsonValueKind.True : n.GetValueKind();

    private static void SameShape(JsonNode? expected, JsonNode? actual, string at)
    {
        if (expected == null) return;
        Assert.True(actual != null, $"{at}: missing");
        Assert.True(Kind(expected) == Kind(actual!), $"{at}: {expected.ToJsonString()} vs {actual!.ToJsonString()}");
        if (expected is JsonObject eo)
            foreach (var kv in eo) SameShape(kv.Value, actual.AsObject()[kv.Key], at + "." + kv.Key);
        else if (expected is JsonArray ea && ea.Count > 0 && actual.AsArray().Count > 0)
            SameShape(ea[0], actual.AsArray()[0], at + "[0]");
    }

    private static HttpRequestMessage Build(JsonNode step, JsonNode? replay, List<JsonNode?> answers, string method, string path, JsonNode? body)
    {
        var req = new HttpRequestMessage(new HttpMethod(method), Fill(Map(path), answers));
        var token = (string?)replay?["token"] ?? "account";
        var basic = replay?["basic"] != null && step == replay;
        if (basic)
            req.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(InProcessEmulator.ClientId + ":" + InProcessEmulator.ClientSecret)));
        else if (token != "none")
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token switch
            {
                "workspace" => InProcessEmulator.WorkspaceToken,
                "bogus" => "dapi-not-a-token",              // a personal access token the service does not know
                "bogus-oauth" => "eyJ-not-an-oauth-token",  // an OAuth bearer the service does not know
                _ => InProcessEmulator.AccountToken,
            });
        var org = step["org_id"] ?? (step == replay ? replay?["org_id"] : null);
        if (org != null) req.Headers.Add("X-Databricks-Org-Id", org.ToJsonString());
        if (step == replay && replay?["headers"] is JsonObject headers)
            foreach (var kv in headers) req.Headers.Add(kv.Key, (string)kv.Value!);
        if (step == replay && replay?["form"] is JsonObject form)
            req.Content = new FormUrlEncodedContent(form.ToDictionary(kv => kv.Key, kv => (string)kv.Value!));
        else if (body != null)
            req.Content = new StringContent(Fill(Map(body.ToJsonString()), answers), Encoding.UTF8, "application/json");
        return req;
    }

    /// <summary>Decodes a success body with the client's model for it (the emulator's answer and the source's).</summary>
    private static void Decode(string? model, DbxResponse r)
    {
        switch (model)
        {
            case null: case "none": break;
            case "Network": Assert.NotNull(Json.Deserialize<Network>(r).NetworkId); break;
            case "Network[]": Assert.NotNull(Json.Deserialize<List<Network>>(r)); break;
            case "VpcEndpoint": Assert.NotNull(Json.Deserialize<VpcEndpoint>(r).VpcEndpointId); break;
            case "VpcEndpoint[]": Assert.NotNull(Json.Deserialize<List<VpcEndpoint>>(r)); break;
            case "PrivateAccessSettings": Assert.NotNull(Json.Deserialize<PrivateAccessSettings>(r).PrivateAccessSettingsId); break;
            case "PrivateAccessSettings[]": Assert.NotNull(Json.Deserialize<List<PrivateAccessSettings>>(r)); break;
            case "Workspace": Assert.NotEqual(0, Json.Deserialize<Workspace>(r).WorkspaceId); break;
            case "Workspace[]": Assert.NotNull(Json.Deserialize<List<Workspace>>(r)); break;
            case "CredentialConfiguration": Assert.NotNull(Json.Deserialize<CredentialConfiguration>(r).CredentialsId); break;
            case "CredentialConfiguration[]": Assert.NotNull(Json.Deserialize<List<CredentialConfiguration>>(r)); break;
            case "StorageConfiguration": Assert.NotNull(Json.Deserialize<StorageConfiguration>(r).StorageConfigurationId); break;
            case "StorageConfiguration[]": Assert.NotNull(Json.Deserialize<List<StorageConfiguration>>(r)); break;
            case "NetworkConnectivityConfig": Assert.NotNull(Json.Deserialize<NetworkConnectivityConfig>(r).NetworkConnectivityConfigId); break;
            case "NetworkConnectivityConfig[]": Assert.NotNull(Json.Deserialize<ItemsPage<NetworkConnectivityConfig>>(r)); break;
            case "PrivateEndpointRule": Assert.NotNull(Json.Deserialize<PrivateEndpointRule>(r).RuleId); break;
            case "PrivateEndpointRule[]": Assert.NotNull(Json.Deserialize<ItemsPage<PrivateEndpointRule>>(r)); break;
            case "NetworkPolicy": Assert.NotNull(Json.Deserialize<NetworkPolicy>(r).NetworkPolicyId); break;
            case "NetworkPolicy[]": Assert.NotNull(Json.Deserialize<ItemsPage<NetworkPolicy>>(r)); break;
            case "WorkspaceNetworkOption": Assert.NotNull(Json.Deserialize<WorkspaceNetworkOption>(r).NetworkPolicyId); break;
            case "IpAccessList": Assert.NotNull(Json.Deserialize<IpAccessListEnvelope>(r).IpAccessList?.ListId); break;
            case "IpAccessList[]": Assert.NotNull(Json.Deserialize<IpAccessListsEnvelope>(r)); break;
            case "AccountIpAclEnableSetting": Assert.NotNull(Json.Deserialize<AccountIpAclEnableSetting>(r).Etag); break;
            case "WorkspaceConf": Assert.NotNull(Json.Deserialize<Dictionary<string, string?>>(r)); break;
            case "ClusterList": Assert.NotNull(Json.Deserialize<ClusterList>(r)); break;
            case "HostMetadata": Assert.NotEqual(DbxHostType.Unknown, HostMetadata.Parse(new Uri("https://example.cloud.databricks.com/.well-known/databricks-config"), r.Body)!.HostType); break;
            case "OAuthToken": case "OAuthMetadata": Assert.NotNull(JsonNode.Parse(r.Body)); break;
            default: throw new InvalidOperationException("unknown model " + model);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_replays_against_the_emulator(string file)
    {
        var f = JsonNode.Parse(File.ReadAllText(Path.Combine(Dir(), file)))!;
        Assert.NotNull(f["source"]);
        Assert.False(string.IsNullOrEmpty((string?)f["notes"]));
        var replay = f["replay"];
        var emuOpts = replay?["emulator"];
        await using var emu = await InProcessEmulator.Start(o =>
        {
            o.Quiet = true;
            if (emuOpts?["rate_limit"] != null) o.RateLimit = (double)emuOpts["rate_limit"]!;
            if (emuOpts?["retry_after_seconds"] != null) o.RetryAfterSeconds = (double)emuOpts["retry_after_seconds"]!;
            if (emuOpts?["trust_forwarded_for"] != null) o.TrustForwardedFor = (bool)emuOpts["trust_forwarded_for"]!;
            if (emuOpts?["chaos_kind"] != null) { o.ChaosKind = (string)emuOpts["chaos_kind"]!; o.ChaosRate = 1.0; }
        });
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(emu.Url) };
        var answers = new List<JsonNode?>();
        if (emuOpts?["running_clusters"] is JsonObject rc)
            foreach (var kv in rc)
                Assert.True((await emu.Http.PostAsync($"/_emulator/workspaces/{kv.Key}/running-clusters?count={kv.Value}", null)).IsSuccessStatusCode);
        foreach (var id in emuOpts?["public_callers"]?.AsArray() ?? new JsonArray())
            Assert.True((await emu.Http.PostAsync($"/_emulator/workspaces/{id}/public-callers?enabled=true", null)).IsSuccessStatusCode);
        foreach (var step in replay?["setup"]?.AsArray() ?? new JsonArray())
        {
            var sr = await http.SendAsync(Build(step!, replay, answers, (string)step!["method"]!, (string)step["path"]!, step["body"]));
            var sb = await sr.Content.ReadAsStringAsync();
            Assert.True(step["status"] == null ? sr.IsSuccessStatusCode : (int)step["status"]! == (int)sr.StatusCode, $"setup {step["method"]} {step["path"]}: {(int)sr.StatusCode} {sb}");
            answers.Add(sb.Length == 0 ? null : JsonNode.Parse(sb));
        }
        var req = f["request"]!;
        var status = (int)f["response"]!["status"]!;
        var repeat = (int?)replay?["repeat"] ?? 1;
        HttpResponseMessage resp = null!;
        for (int i = 0; i < repeat; i++)
        {
            resp = await http.SendAsync(Build(replay ?? req, replay, answers, (string)req["method"]!, (string)req["path"]!, req["body"]));
            if ((int)resp.StatusCode == status) break;
        }
        var text = await resp.Content.ReadAsByteArrayAsync();
        Assert.True(status == (int)resp.StatusCode, $"expected {status}, got {(int)resp.StatusCode}: {Encoding.UTF8.GetString(text)}");
        if (replay?["expect_header"] is JsonNode h) Assert.True(resp.Headers.Contains((string)h!) || resp.Content.Headers.Contains((string)h!), $"no {h} header");
        var expected = f["response"]!["body"];
        var model = (string?)f["model"];
        if (model == "bodiless")
        {
            Assert.Empty(text);
            Assert.Null(expected);
            Assert.False(string.IsNullOrEmpty(ErrorParser.Parse(status, resp.ReasonPhrase, text, null).Message));
            return;
        }
        if (model == "redirect")
        {
            // The same Location as the source, and the client makes of it what the SDKs do.
            var location = (string)f["response"]!["headers"]!["Location"]!;
            Assert.Equal(location, resp.Headers.Location?.OriginalString);
            Assert.True(ErrorParser.IsPrivateLinkRedirect(new Uri(location, UriKind.Relative)));
            var client = new DbxHttp(new Uri(emu.Url), new PatCredentialProvider(InProcessEmulator.AccountToken), new RetryOptions { MaxAttempts = 1 });
            var ex = await Assert.ThrowsAsync<DbxApiException>(() => client.SendAsync(
                new DbxRequest(new HttpMethod((string)req["method"]!), (string)req["path"]!) { WorkspaceId = (long?)replay?["org_id"] }, CancellationToken.None));
            Assert.Equal(403, ex.StatusCode);
            Assert.Equal("PRIVATE_LINK_VALIDATION_ERROR", ex.ErrorCode);
            Assert.Equal(ErrorParser.PrivateLinkMessage, ex.ServiceMessage);
            Assert.Contains("AWS PrivateLink", ex.ServiceMessage);
            Assert.Equal("DbxApiPrivateLinkValidationError", Cmdlets.ErrorRecords.ErrorIdFor(ex));
            Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, Cmdlets.ErrorRecords.CategoryFor(ex));
            return;
        }
        if (model == "html")
        {
            var html = (string)expected!;
            Assert.Contains("html", resp.Content.Headers.ContentType?.MediaType ?? "");
            var fromSource = ErrorParser.Parse(status, resp.ReasonPhrase, Encoding.UTF8.GetBytes(html), "text/html");
            var fromEmulator = ErrorParser.Parse(status, resp.ReasonPhrase, text, resp.Content.Headers.ContentType?.MediaType);
            Assert.Equal(fromSource.ErrorCode, fromEmulator.ErrorCode);
            Assert.Equal(fromSource.Message, fromEmulator.Message);
            Assert.StartsWith("The service answered with an HTML page", fromEmulator.Message);
            return;
        }
        var actual = text.Length == 0 ? null : JsonNode.Parse(text);
        SameShape(expected, actual, "$");
        var path = Fill(Map((string)req["path"]!), answers);
        if (model == "error")
        {
            var parsed = ErrorParser.Parse(status, resp.ReasonPhrase, text, resp.Content.Headers.ContentType?.MediaType);
            Assert.False(string.IsNullOrEmpty(parsed.ErrorCode));
            // The fixture's own body decodes too (the real service's shape), and the emulator answers the same code.
            var own = ErrorParser.Parse(status, null, Encoding.UTF8.GetBytes(expected!.ToJsonString()), "application/json");
            var sourceCode = expected["error_code"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.ToJsonString() : (string?)expected["error_code"];
            Assert.Equal(sourceCode, own.ErrorCode);
            Assert.True(((string?)replay?["error_code"] ?? sourceCode) == parsed.ErrorCode, $"error_code: source {sourceCode}, replay {(string?)replay?["error_code"]}, emulator {parsed.ErrorCode}: {parsed.Message}");
            if (expected["details"] is JsonArray details && details.Any(d => (string?)d?["@type"] == DbxErrorInfo.TypeUrl))
            {
                Assert.NotEmpty(own.ErrorInfo);
                Assert.Equal(own.ErrorInfo[0].Metadata.Keys.OrderBy(k => k), parsed.ErrorInfo[0].Metadata.Keys.OrderBy(k => k));
            }
            return;
        }
        if (text.Length > 0) Decode(model, new DbxResponse((int)resp.StatusCode, text, null, (string)req["method"]!, path));
        if (expected != null) Decode(model, new DbxResponse(status, Encoding.UTF8.GetBytes(expected.ToJsonString()), null, (string)req["method"]!, path));
    }
}
