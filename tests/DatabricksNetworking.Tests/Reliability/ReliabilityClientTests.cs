using System.Net.Http;
using DatabricksNetworking.Client;
using DatabricksNetworking.Tests.Foundation;

namespace DatabricksNetworking.Tests.Reliability;

/// <summary>What the client does when an answer is lost: DELETE that finds the object gone, and creates looked up by name.</summary>
public class ReliabilityClientTests
{
    private static HttpResponseMessage NotFound() =>
        FakeHandler.Json(404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"gone\"}");

    [Fact]
    public async Task A_retried_DELETE_that_answers_404_after_a_dropped_attempt_counts_as_deleted()
    {
        var handler = new FakeHandler((_, _, n) => n == 1 ? throw new HttpRequestException("Connection reset by peer") : NotFound());
        var t = new HttpUnderTest(handler);
        var before = DbxStats.DeletesAlreadyGone;
        var resp = await t.Send(HttpMethod.Delete, "/api/2.0/ip-access-lists/abc");
        Assert.Equal(204, resp.StatusCode);
        Assert.Empty(resp.Body);
        Assert.Equal(2, handler.Requests.Count);
        Assert.True(DbxStats.DeletesAlreadyGone > before);
    }

    [Fact]
    public async Task A_retried_DELETE_that_answers_404_after_a_gateway_timeout_counts_as_deleted()
    {
        var handler = new FakeHandler((_, _, n) => n == 1 ? FakeHandler.Text(504, "gateway timeout") : NotFound());
        var resp = await new HttpUnderTest(handler).Send(HttpMethod.Delete, "/api/2.0/ip-access-lists/abc");
        Assert.Equal(204, resp.StatusCode);
    }

    [Fact]
    public async Task A_DELETE_that_answers_404_at_once_is_an_error()
    {
        var t = new HttpUnderTest(new FakeHandler((_, _, _) => NotFound()));
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => t.Send(HttpMethod.Delete, "/api/2.0/ip-access-lists/abc"));
        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task A_DELETE_that_answers_404_after_a_503_is_an_error()
    {
        // 503 means "not processed": the object was never there.
        var handler = new FakeHandler((_, _, n) => n == 1 ? FakeHandler.Json(503, "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"x\"}", ("Retry-After", "0")) : NotFound());
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => new HttpUnderTest(handler).Send(HttpMethod.Delete, "/api/2.0/ip-access-lists/abc"));
        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task A_GET_that_answers_404_after_a_dropped_attempt_is_still_an_error()
    {
        var handler = new FakeHandler((_, _, n) => n == 1 ? throw new HttpRequestException("Connection reset by peer") : NotFound());
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => new HttpUnderTest(handler).Send(HttpMethod.Get, "/api/2.0/ip-access-lists/abc"));
        Assert.Equal(404, ex.StatusCode);
    }

    private static DbxApiException Dropped(string code = "CONNECTION_ERROR") =>
        new(0, code, "The request to host failed: Connection reset by peer", null, "POST", "/x") { IsAmbiguous = true };

    private sealed class Log : IDbxLogSink
    {
        public List<string> Warnings { get; } = new();
        public void Verbose(string message) { }
        public void Debug(string message) { }
        public void Warning(string message) => Warnings.Add(message);
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_returns_the_object_it_created_with_a_warning()
    {
        var log = new Log();
        DbxLog.Current = log;
        int creates = 0, finds = 0;
        var result = await CreateRecovery.RunAsync("thing 'a'", _ => { creates++; throw Dropped(); }, (_, _) => { finds++; return Task.FromResult<string?>("a-123"); }, CancellationToken.None);
        DbxLog.Current = null;
        Assert.Equal("a-123", result);
        Assert.Equal(1, creates);
        Assert.Equal(1, finds);
        Assert.Contains(log.Warnings, w => w.Contains("thing 'a'") && w.Contains("created it"));
    }

    [Fact]
    public async Task A_dropped_create_that_was_not_applied_is_sent_again()
    {
        int creates = 0;
        var result = await CreateRecovery.RunAsync("thing", _ => ++creates == 1 ? throw Dropped() : Task.FromResult("made"), (_, _) => Task.FromResult<string?>(null), CancellationToken.None);
        Assert.Equal("made", result);
        Assert.Equal(2, creates);
    }

    [Fact]
    public async Task Creates_are_sent_at_most_MaxSends_times()
    {
        int creates = 0;
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => CreateRecovery.RunAsync<string>("thing", _ => { creates++; throw Dropped(); }, (_, _) => Task.FromResult<string?>(null), CancellationToken.None));
        Assert.Equal(CreateRecovery.MaxSends, creates);
        Assert.Contains("was not created", ex.ServiceMessage);
    }

    [Fact]
    public async Task A_timed_out_create_is_not_sent_again()
    {
        int creates = 0;
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => CreateRecovery.RunAsync<string>("thing", _ => { creates++; throw Dropped("TIMEOUT"); }, (_, _) => Task.FromResult<string?>(null), CancellationToken.None));
        Assert.Equal(1, creates);
        Assert.Contains("may still create it", ex.ServiceMessage);
        Assert.Equal("TIMEOUT", ex.ErrorCode);
    }

    [Fact]
    public async Task A_failed_lookup_reports_the_outcome_as_unknown()
    {
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => CreateRecovery.RunAsync<string>("thing",
            _ => throw Dropped(), (_, _) => throw new DbxApiException(503, "TEMPORARILY_UNAVAILABLE", "down", null), CancellationToken.None));
        Assert.Contains("may or may not exist", ex.ServiceMessage);
        Assert.True(ex.IsAmbiguous);
    }

    [Fact]
    public async Task Errors_that_are_not_ambiguous_pass_through_without_a_lookup()
    {
        int finds = 0;
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => CreateRecovery.RunAsync<string>("thing",
            _ => throw new DbxApiException(400, "INVALID_PARAMETER_VALUE", "bad", null), (_, _) => { finds++; return Task.FromResult<string?>("x"); }, CancellationToken.None));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(0, finds);
    }

    [Fact]
    public async Task The_lookup_gets_a_creation_time_floor_a_little_before_the_create()
    {
        long floor = 0;
        var start = DateTimeOffset.UtcNow;
        await CreateRecovery.RunAsync("thing", _ => throw Dropped(), (notBefore, _) => { floor = notBefore; return Task.FromResult<string?>("x"); }, CancellationToken.None);
        var expected = start.Subtract(CreateRecovery.ClockSkew).ToUnixTimeMilliseconds();
        Assert.InRange(floor, expected - 1000, expected + 60_000);
    }
}
