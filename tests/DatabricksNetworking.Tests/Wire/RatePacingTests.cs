using System.Net.Http;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Models;
using DatabricksNetworking.Tests.Foundation;

namespace DatabricksNetworking.Tests.Wire;

/// <summary>
/// The context's pacer under the emulator's per-principal rate limit (issue 14 §6). Asserts shares of refused
/// requests, never times: how fast a loaded machine runs does not change whether the pacer keeps 429s rare.
/// </summary>
public class RatePacingTests
{
    private const string Workspaces = "/api/2.0/accounts/" + InProcessEmulator.AccountId + "/workspaces";

    private static DbxHttp NewHttp(InProcessEmulator emu, RatePacer? pacer = null) =>
        new DbxHttp(new Uri(emu.Url), new PatCredentialProvider(InProcessEmulator.AccountToken),
            new RetryOptions { MaxAttempts = 10, MaxRetryTime = TimeSpan.FromMinutes(5) }, pacer: pacer);

    // 12 workers sending GETs back to back until `count` have succeeded (each retries its 429s).
    private static async Task Hammer(DbxHttp http, int count)
    {
        int left = count;
        async Task Worker()
        {
            while (Interlocked.Decrement(ref left) >= 0)
                await http.SendAsync(new DbxRequest(HttpMethod.Get, Workspaces), CancellationToken.None);
        }
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(Worker)));
    }

    private static (long Total, long Limited) Counts(InProcessEmulator emu)
    {
        var s = emu.Services.Stats.Snapshot();
        return ((long)s["total"]!, (long)s["rate_limited"]!);
    }

    [Fact]
    public async Task Under_a_limit_of_60_per_second_fewer_than_5_percent_of_requests_are_refused()
    {
        // Unpaced, 12 workers against 60/s see a quarter or more of their requests refused (bench 55-RateLimit).
        await using var emu = await InProcessEmulator.Start(o => { o.RateLimit = 60; o.RetryAfterSeconds = 1; o.Quiet = true; });
        var http = NewHttp(emu, new RatePacer(null, enabled: true));
        await Hammer(http, 400);
        var (total, limited) = Counts(emu);
        Assert.True(http.Pacer.Active, "the first 429 switches pacing on");
        Assert.True(limited > 0, "the limit was reached (else this test proves nothing)");
        Assert.True(limited < 0.05 * total, $"{limited} of {total} requests were refused with 429");
        Assert.Equal(limited, http.Pacer.Refusals);
    }

    [Fact]
    public async Task Without_a_limit_nothing_is_paced()
    {
        await using var emu = await InProcessEmulator.Start(o => o.Quiet = true);
        var http = NewHttp(emu);
        await Hammer(http, 100);
        Assert.False(http.Pacer.Active);
        Assert.Equal(0, http.Pacer.Paced);
        Assert.Null(http.Pacer.Rate);
    }

    [Fact]
    public async Task Workspace_clients_of_an_account_context_share_its_pacer()
    {
        await using var emu = await InProcessEmulator.Start(o => o.Quiet = true);
        var http = NewHttp(emu);
        var account = new DbxClient(http, DbxScope.Account, InProcessEmulator.AccountId, null, false, emu.Url);
        var ws = await account.ForWorkspaceAsync(new Workspace { WorkspaceId = 1111111111111111, DeploymentName = "dbc-demo" }, CancellationToken.None);
        Assert.NotSame(http, ws.Http);
        Assert.Same(http.Pacer, ws.Http.Pacer);
    }

    [Fact]
    public void The_pace_drops_to_what_the_service_accepted_when_it_refuses_and_climbs_back_when_it_does_not()
    {
        double now = 0;
        var p = new RatePacer(() => now, enabled: true);
        // 100 answers a second accepted, then a 429: pacing starts at half of that.
        for (int i = 0; i < 100; i++) { now += 0.01; p.OnResponse(200, null, now); }
        p.OnResponse(429, TimeSpan.FromSeconds(1), now);
        Assert.Equal(50, p.Rate!.Value, 0);
        Assert.True(p.Reserve() == TimeSpan.Zero);
        Assert.Equal(0.02, p.Reserve().TotalSeconds, 3);

        // One window (half a second at these rates): answers evenly spread over it, the refusals first.
        double Window(int accepted, int refused)
        {
            int n = accepted + refused;
            for (int i = 0; i < n; i++) { p.Reserve(); now += 0.5001 / n; p.OnResponse(i < refused ? 429 : 200, TimeSpan.FromSeconds(1), now - 0.001); }
            return p.Rate!.Value;
        }
        // The callers used the pace (25 in half a second) and nothing was refused: +15% while no rate is learned.
        Assert.Equal(57.5, Window(25, 0), 1);
        // Refusals while the service took 50 a second: that is its rate, and the pace is 95% of it.
        Assert.Equal(47.5, Window(25, 3), 1);
        // No refusals at the learned pace: probe slowly above it (+1%).
        Assert.Equal(47.975, Window(24, 0), 1);
        // A window the callers did not fill does not raise the pace.
        Assert.Equal(47.975, Window(5, 0), 1);
        Assert.Equal(3 + 1, p.Refusals);
    }
}
