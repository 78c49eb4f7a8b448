using System.Net;
using System.Net.Http;
using System.Text;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;

namespace DatabricksNetworking.Tests.Posture;

/// <summary>The scanner over a fake service that answers slowly: the throttle holds, every workspace is delivered once,
/// a failing workspace keeps its error and the client's retry (Retry-After) still applies.</summary>
public sealed class PostureScannerTests
{
    private const string Account = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";

    /// <summary>Answers after a delay; counts requests in flight (the service's view of the throttle).</summary>
    private sealed class SlowService : HttpMessageHandler
    {
        private readonly int workspaces;
        private int inFlight, throttled;
        public int Peak, Total;
        public long BlockedWorkspace = -1;
        public bool ThrottleFirstNetworksCall;
        public SlowService(int workspaces) { this.workspaces = workspaces; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var now = Interlocked.Increment(ref inFlight);
            Interlocked.Increment(ref Total);
            lock (this) Peak = Math.Max(Peak, now);
            try
            {
                await Task.Delay(15, ct);
                var path = request.RequestUri!.AbsolutePath;
                var org = request.Headers.TryGetValues("X-Databricks-Workspace-Id", out var v) ? long.Parse(v.First()) : 0;
                if (path.EndsWith("/networks") && ThrottleFirstNetworksCall && Interlocked.Exchange(ref throttled, 1) == 0)
                    return Json(429, "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow down\"}", ("Retry-After", "1"));
                if (org != 0 && org == BlockedWorkspace)
                    return Json(403, "{\"error_code\":\"PERMISSION_DENIED\",\"message\":\"Source IP address: 127.0.0.1 is blocked by Databricks IP ACL\"}");
                if (path.EndsWith("/workspaces"))
                    return Json(200, "[" + string.Join(",", Enumerable.Range(1, workspaces).Select(i => $"{{\"workspace_id\":{i},\"workspace_name\":\"ws-{i}\",\"aws_region\":\"us-east-1\"}}")) + "]");
                if (path.EndsWith("/network")) return Json(200, $"{{\"workspace_id\":{path.Split('/')[^2]},\"network_policy_id\":\"default-policy\"}}");
                if (path == "/api/2.0/workspace-conf") return Json(200, "{\"enableIpAccessLists\":\"true\"}");
                if (path == "/api/2.0/ip-access-lists") return Json(200, "{\"ip_access_lists\":[{\"list_id\":\"l1\",\"label\":\"all\",\"list_type\":\"ALLOW\",\"ip_addresses\":[\"0.0.0.0/0\"],\"enabled\":true}]}");
                if (path.EndsWith("/ip-access-lists")) return Json(200, "{}");
                if (path.EndsWith("/network-policies/account-policy")) return Json(404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"no account policy\"}");
                if (path.EndsWith("/names/default")) return Json(404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"not set\"}");
                if (path.EndsWith("/network-connectivity-configs") || path.EndsWith("/network-policies") || path.EndsWith("/endpoints")) return Json(200, "{\"items\":[]}");
                return Json(200, "[]");
            }
            finally { Interlocked.Decrement(ref inFlight); }
        }

        private static HttpResponseMessage Json(int status, string body, params (string, string)[] headers)
        {
            var r = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (n, v) in headers) r.Headers.TryAddWithoutValidation(n, v);
            return r;
        }
    }

    private static (DbxClient Client, List<TimeSpan> Waits) ClientFor(SlowService service)
    {
        var waits = new List<TimeSpan>();
        var http = new DbxHttp(new Uri("https://unified.example.com"), new PatCredentialProvider("dapi-posture-unit-0001"), new RetryOptions(), new HttpMessageInvoker(service), randomSeed: 1,
            pacer: new RatePacer(null, enabled: false)); // these tests are about retries and fan-out; pacing has its own (Wire/RatePacingTests)
        http.Delay = (d, ct) => { lock (waits) waits.Add(d); return Task.CompletedTask; };
        return (new DbxClient(http, DbxScope.Account, Account, null, true, "https://{deployment_name}.cloud.databricks.com"), waits);
    }

    private static async Task<List<NetworkPosture>> ScanAll(PostureScanner scanner, CancellationToken ct = default)
    {
        var all = await scanner.ListWorkspacesAsync(ct);
        var account = scanner.ReadAccountAsync(ct);
        var result = new List<NetworkPosture>();
        await scanner.ForEachWorkspaceAsync(all, async d =>
        {
            var p = PostureBuilder.Build(d, await account, 8, DateTimeOffset.UnixEpoch);
            lock (result) result.Add(p);
        }, ct);
        return result;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task Posture_scan_never_has_more_requests_in_flight_than_the_throttle_and_fills_it(int throttle)
    {
        var service = new SlowService(40);
        using var scanner = new PostureScanner(ClientFor(service).Client, throttle);
        var postures = await ScanAll(scanner);
        Assert.Equal(40, postures.Count);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), postures.Select(p => p.WorkspaceId).OrderBy(x => x));
        Assert.True(service.Peak <= throttle, $"peak {service.Peak} > throttle {throttle}");
        Assert.Equal(throttle, service.Peak);
        Assert.Equal(throttle, scanner.PeakInFlight);
        Assert.Equal(1 + 9 + 40 * 3, service.Total); // account: 8 lists (networking v1 endpoints included) and account-policy (not listed)
    }

    [Fact]
    public async Task Posture_scan_keeps_a_failing_workspace_as_its_error_and_completes_the_others()
    {
        var service = new SlowService(10) { BlockedWorkspace = 7 };
        using var scanner = new PostureScanner(ClientFor(service).Client, 4);
        var postures = await ScanAll(scanner);
        Assert.Equal(10, postures.Count);
        var blocked = postures.Single(p => p.WorkspaceId == 7);
        Assert.False(blocked.Complete);
        Assert.Null(blocked.IpAccessListsEnabled);
        Assert.Null(blocked.AllowListCount);
        Assert.Contains(blocked.IncompleteReasons, r => r.StartsWith("the workspace's IP access lists: ") && r.Contains("403"));
        Assert.All(postures.Where(p => p.WorkspaceId != 7), p =>
        {
            Assert.True(p.Complete, string.Join("; ", p.IncompleteReasons));
            Assert.True(p.IpAccessListsEnabled);
            Assert.Equal(new[] { "0.0.0.0/0 (all)" }, p.WideAllowEntries);
            Assert.True(p.AccountIpAccessListsEnabled); // acct_ip_acl_enable never set (404): the default, on
        });
    }

    [Fact]
    public async Task Posture_scan_goes_through_the_clients_retry_and_Retry_After()
    {
        var service = new SlowService(3) { ThrottleFirstNetworksCall = true };
        var (client, waits) = ClientFor(service);
        using var scanner = new PostureScanner(client, 2);
        var postures = await ScanAll(scanner);
        Assert.All(postures, p => Assert.True(p.Complete));
        Assert.Equal(new[] { TimeSpan.FromSeconds(1) }, waits);
        Assert.Equal(1 + 9 + 1 + 3 * 3, service.Total);
    }

    [Fact]
    public async Task Posture_scan_stops_when_cancelled()
    {
        var service = new SlowService(200);
        using var scanner = new PostureScanner(ClientFor(service).Client, 2);
        using var cts = new CancellationTokenSource();
        var all = await scanner.ListWorkspacesAsync(cts.Token);
        var account = await scanner.ReadAccountAsync(cts.Token);
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scanner.ForEachWorkspaceAsync(all, d =>
        {
            if (Interlocked.Increment(ref seen) == 3) cts.Cancel();
            return Task.CompletedTask;
        }, cts.Token));
        Assert.True(service.Total < 1 + 7 + 200 * 3, "the scan went on after cancellation");
    }

    [Fact]
    public void Posture_scanner_refuses_a_throttle_below_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PostureScanner(ClientFor(new SlowService(1)).Client, 0));
    }
}
