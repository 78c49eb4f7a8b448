using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// A stand-in for Databricks' public https://www.databricks.com/networking/v1/ip-ranges.json (no auth, outside the
/// REST API, so under /_emulator): GET /_emulator/ip-ranges.json serves the file given by --ip-ranges-file (read on
/// every request) or the built-in copy. Test knobs: ?status=N answers N with no feed; /_emulator/ip-ranges-redirect
/// answers 302 to the feed. Every feed answer carries <c>X-Emulator-Fixture: ip-ranges</c> so that the module labels it
/// as the emulator's fixture (SourceKind EmulatorFixture) and never caches it as Databricks' feed; Databricks' own URL
/// sends no such header.
/// </summary>
public sealed class PublishedIpRangesArea : IEmulatorArea
{
    private const string Resource = "DatabricksNetworking.Emulator.Seeds.ip-ranges.json";
    /// <summary>The same name as DatabricksNetworking.Firewall.PublishedIpRangeSource.FixtureHeader.</summary>
    public const string FixtureHeader = "X-Emulator-Fixture";

    public void Map(WebApplication app, EmulatorServices s)
    {
        app.MapGet("/_emulator/ip-ranges.json", (HttpContext http, int? status) =>
        {
            if (status is int code && code != 200)
                return Results.Text($"ip-ranges.json unavailable (HTTP {code} asked for)", "text/plain", statusCode: code);
            http.Response.Headers[FixtureHeader] = "ip-ranges";
            return Results.Bytes(Feed(s.Options), "application/json");
        });
        app.MapGet("/_emulator/ip-ranges-redirect", () => Results.Redirect("/_emulator/ip-ranges.json"));
    }

    private static byte[] Feed(EmulatorOptions o)
    {
        if (o.IpRangesFile != null) return File.ReadAllBytes(o.IpRangesFile);
        using var stream = typeof(PublishedIpRangesArea).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"The emulator was built without {Resource}.");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }
}
