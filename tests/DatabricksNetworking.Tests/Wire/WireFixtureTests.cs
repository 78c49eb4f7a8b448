using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Models;
using DatabricksNetworking.Tests.Foundation;

namespace DatabricksNetworking.Tests.Wire;

/// <summary>
/// Replays tests/fixtures/wire/*.json (request/response pairs from public sources, each citing its source) against
/// the in-process emulator: same status, same field names and JSON types as the fixture's response (values are not
/// compared), error bodies decoded by ErrorParser, success bodies by the client's model types.
/// Id mapping: the Terraform fixtures' account id "abc" is the emulator's demo account.
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

    private static string Map(string s) => s.Replace("/accounts/abc/", "/accounts/" + InProcessEmulator.AccountId + "/").Replace("\"abc\"", "\"" + InProcessEmulator.AccountId + "\"");

    private static void SameShape(JsonNode? expected, JsonNode? actual, string at)
    {
        if (expected == null) return;
        Assert.True(actual != null, $"{at}: missing");
        Assert.Equal(expected.GetValueKind(), actual!.GetValueKind());
        if (expected is JsonObject eo)
            foreach (var kv in eo) SameShape(kv.Value, actual.AsObject()[kv.Key], at + "." + kv.Key);
        else if (expected is JsonArray ea && ea.Count > 0 && actual.AsArray().Count > 0)
            SameShape(ea[0], actual.AsArray()[0], at + "[0]");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_replays_against_the_emulator(string file)
    {
        var f = JsonNode.Parse(File.ReadAllText(Path.Combine(Dir(), file)))!;
        Assert.NotNull(f["source"]);
        Assert.False(string.IsNullOrEmpty((string?)f["notes"]));
        await using var emu = await InProcessEmulator.Start(o => o.Quiet = true);
        var req = f["request"]!;
        var body = req["body"];
        var resp = await emu.Call(new HttpMethod((string)req["method"]!), Map((string)req["path"]!), InProcessEmulator.AccountToken,
            body: body == null ? null : Map(body.ToJsonString()));
        var text = await resp.Content.ReadAsByteArrayAsync();
        var status = (int)f["response"]!["status"]!;
        Assert.True(status == (int)resp.StatusCode, $"expected {status}, got {(int)resp.StatusCode}: {Encoding.UTF8.GetString(text)}");
        var expected = f["response"]!["body"];
        var actual = text.Length == 0 ? null : JsonNode.Parse(text);
        SameShape(expected, actual, "$");
        var dbx = new DbxResponse((int)resp.StatusCode, text, null, (string)req["method"]!, (string)req["path"]!);
        switch ((string?)f["model"])
        {
            case "error":
                var parsed = ErrorParser.Parse(status, resp.ReasonPhrase, text, resp.Content.Headers.ContentType?.MediaType);
                Assert.False(string.IsNullOrEmpty(parsed.ErrorCode));
                // The fixture's own body decodes too (the real service's shape).
                Assert.Equal((string?)expected!["error_code"], ErrorParser.Parse(status, null, Encoding.UTF8.GetBytes(expected.ToJsonString()), "application/json").ErrorCode);
                break;
            case "Network": Assert.NotNull(Json.Deserialize<Network>(dbx).NetworkId); break;
            case "Network[]": Assert.NotNull(Json.Deserialize<List<Network>>(dbx)); break;
        }
    }
}
