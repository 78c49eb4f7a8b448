using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Tests.Foundation;
using DatabricksNetworking.Validation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DatabricksNetworking.Tests.Security;

/// <summary>A second loopback listener that only records whether anything connected to it (a credential would have).</summary>
public sealed class TrapListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private int connections;

    public TrapListener()
    {
        listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public int Connections => Volatile.Read(ref connections);

    private async Task AcceptLoop()
    {
        try
        {
            while (true)
            {
                using var c = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref connections);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException || e is SocketException || e is InvalidOperationException) { }
    }

    public void Dispose() => listener.Stop();
}

/// <summary>
/// Issue 18: a path is resolved against the context's host and must stay on it; the credential only goes to the
/// authority it was issued for; custom headers cannot inject or reroute. Proved against the emulator's request counter
/// and a second listener that records whether anything reached it.
/// </summary>
public sealed class RequestGuardTests : IAsyncLifetime
{
    private InProcessEmulator emu = null!;
    private readonly TrapListener trap = new();

    public async Task InitializeAsync() => emu = await InProcessEmulator.Start(o => o.Quiet = true);

    public async Task DisposeAsync()
    {
        trap.Dispose();
        await emu.DisposeAsync();
    }

    private long Served => (long)emu.Services.Stats.Snapshot()["total"]!;

    private DbxHttp Http() => new(new Uri(emu.Url), new PatCredentialProvider(InProcessEmulator.AccountToken), new RetryOptions());

    public static IEnumerable<object[]> HostilePaths() => new[]
    {
        new object[] { "//127.0.0.1:{trap}/x" },
        new object[] { "//127.0.0.1:{trap}" },
        new object[] { "/\\127.0.0.1:{trap}/x" },
        new object[] { "\\\\127.0.0.1:{trap}/x" },
        new object[] { "http://127.0.0.1:{trap}/x" },
        new object[] { "HTTP://127.0.0.1:{trap}/api/2.0/ip-access-lists" },
        new object[] { "/%2f%2f127.0.0.1:{trap}/x" },
        new object[] { "/%2F/127.0.0.1:{trap}/x" },
        new object[] { "/api/2.0/%5c%5c127.0.0.1:{trap}" },
        new object[] { "/api/2.0/accounts/x/network-connectivity-configs/y/private-endpoint-rules/.." },
        new object[] { "/api/2.0/accounts/x/network-connectivity-configs/y/private-endpoint-rules/%2e%2e" },
        new object[] { "/api/2.0/accounts/x/./networks" },
        new object[] { "/api/2.0/ip-access-lists/%252e%252e" },
        new object[] { "/api/2.0/ip-access-lists\r\nHost: 127.0.0.1:{trap}" },
        new object[] { "api/2.0/ip-access-lists" },
        new object[] { "" },
    };

    [Theory]
    [MemberData(nameof(HostilePaths))]
    public async Task A_path_that_leaves_the_host_or_climbs_a_segment_is_refused_and_nothing_is_sent(string template)
    {
        var path = template.Replace("{trap}", trap.Port.ToString());
        var before = Served;
        var ex = await Assert.ThrowsAsync<DbxRequestRefusedException>(() => Http().SendAsync(new DbxRequest(HttpMethod.Get, path), CancellationToken.None));
        Assert.Equal(RequestGuard.UnsafePath, ex.ErrorId);
        Assert.DoesNotContain(InProcessEmulator.AccountToken, ex.Message);
        Assert.Equal(before, Served);
        await Task.Delay(50);
        Assert.Equal(0, trap.Connections);
    }

    [Fact]
    public async Task The_old_behaviour_sent_the_token_to_the_other_host_so_the_trap_can_see_it()
    {
        // The trap is a real listener: a plain client reaching it is counted (the assertion above is not vacuous).
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, trap.Port);
        for (int i = 0; i < 100 && trap.Connections == 0; i++) await Task.Delay(20);
        Assert.Equal(1, trap.Connections);
    }

    [Fact]
    public async Task A_plain_path_still_reaches_the_context_host()
    {
        var before = Served;
        var resp = await Http().SendAsync(new DbxRequest(HttpMethod.Get, "/api/2.0/accounts/" + InProcessEmulator.AccountId + "/network-connectivity-configs"), CancellationToken.None);
        Assert.Equal(200, resp.StatusCode);
        Assert.Equal(before + 1, Served);
    }

    [Theory]
    [InlineData("https://dbc-a.cloud.databricks.com", "https://dbc-b.cloud.databricks.com/x")]
    [InlineData("https://dbc-a.cloud.databricks.com", "https://dbc-a.cloud.databricks.com:8443/x")]
    [InlineData("https://dbc-a.cloud.databricks.com", "http://dbc-a.cloud.databricks.com/x")]
    [InlineData("https://dbc-a.cloud.databricks.com", "https://user@dbc-a.cloud.databricks.com/x")]
    [InlineData("https://accounts.cloud.databricks.com/oidc/accounts/a/v1/token", "https://evil.example/oidc/accounts/a/v1/token")]
    public void A_credential_is_not_sent_to_another_authority(string issuedFor, string target)
    {
        var ex = Assert.Throws<DbxRequestRefusedException>(() => RequestGuard.EnsureSameAuthority(new Uri(issuedFor), new Uri(target)));
        Assert.Equal(RequestGuard.CredentialHostMismatch, ex.ErrorId);
        Assert.True(ex.IsCredentialPin);
    }

    [Fact]
    public void The_same_authority_passes_whatever_the_case_of_the_host()
    {
        RequestGuard.EnsureSameAuthority(new Uri("https://DBC-A.cloud.databricks.com"), new Uri("https://dbc-a.cloud.databricks.com/api/2.0/x"));
        RequestGuard.EnsureSameAuthority(new Uri("https://dbc-a.cloud.databricks.com:443"), new Uri("https://dbc-a.cloud.databricks.com/api/2.0/x"));
    }

    [Theory]
    [InlineData("Host", "127.0.0.1", RequestGuard.ReservedHeader)]
    [InlineData("host", "127.0.0.1", RequestGuard.ReservedHeader)]
    [InlineData("Authorization", "Bearer x", RequestGuard.ReservedHeader)]
    [InlineData("Cookie", "a=b", RequestGuard.ReservedHeader)]
    [InlineData("X-Databricks-Org-Id", "4444444444444444", RequestGuard.ReservedHeader)]
    [InlineData("X-Databricks-Workspace-Id", "4444444444444444", RequestGuard.ReservedHeader)]
    [InlineData("x-databricks-anything", "1", RequestGuard.ReservedHeader)]
    [InlineData("Transfer-Encoding", "chunked", RequestGuard.ReservedHeader)]
    [InlineData("X-Test", "a\r\nHost: 127.0.0.1", RequestGuard.InvalidHeader)]
    [InlineData("X-Test", "a\nX-Databricks-Org-Id: 1", RequestGuard.InvalidHeader)]
    [InlineData("X-Test", "a\0b", RequestGuard.InvalidHeader)]
    [InlineData("X-Test\r\nHost", "x", RequestGuard.InvalidHeader)]
    [InlineData("X Test", "x", RequestGuard.InvalidHeader)]
    [InlineData("X:Test", "x", RequestGuard.InvalidHeader)]
    [InlineData("", "x", RequestGuard.InvalidHeader)]
    public async Task A_refused_header_is_an_error_and_nothing_is_sent(string name, string value, string errorId)
    {
        var ex = Assert.Throws<DbxRequestRefusedException>(() => RequestGuard.CheckHeader(name, value));
        Assert.Equal(errorId, ex.ErrorId);
        // Structural: the client refuses it too, whoever filled DbxRequest.Headers.
        var before = Served;
        var req = new DbxRequest(HttpMethod.Get, "/api/2.0/accounts/" + InProcessEmulator.AccountId + "/networks");
        req.Headers.Add(new KeyValuePair<string, string>(name, value));
        var sent = await Assert.ThrowsAsync<DbxRequestRefusedException>(() => Http().SendAsync(req, CancellationToken.None));
        Assert.Equal(errorId, sent.ErrorId);
        Assert.Equal(before, Served);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "192.0.2.50")]
    [InlineData("Accept-Language", "en")]
    [InlineData("X-Request-Tag", "a\tb")]
    public void Ordinary_headers_pass(string name, string value) => RequestGuard.CheckHeader(name, value);

    [Fact]
    public async Task A_dot_rule_id_cannot_turn_a_rule_delete_into_an_ncc_delete()
    {
        // Remove-DbxPrivateEndpointRule -RuleId '..' used to DELETE the NCC itself.
        var handler = new FakeHandler((_, _, _) => FakeHandler.Json(200, "{}"));
        var t = new HttpUnderTest(handler);
        var client = new DbxClient(t.Http, DbxScope.Account, InProcessEmulator.AccountId, null, true, "{deployment_name}");
        var api = new NetworkConnectivityApi(client);
        var ncc = Guid.NewGuid().ToString();
        foreach (var rule in new[] { "..", ".", "%2e%2e", "a/../b", "", "x/y" })
        {
            var ex = await Assert.ThrowsAsync<DbxRequestRefusedException>(() => api.DeleteRuleAsync(ncc, rule, CancellationToken.None));
            Assert.Equal("DbxInvalidRuleId", ex.ErrorId);
        }
        await Assert.ThrowsAsync<DbxRequestRefusedException>(() => new NetworkPoliciesApi(client).DeleteAsync("..", CancellationToken.None));
        await Assert.ThrowsAsync<DbxRequestRefusedException>(() => new IpAccessListsApi(client, true).DeleteAsync("../..", CancellationToken.None));
        await Assert.ThrowsAsync<DbxRequestRefusedException>(() => new WorkspacesApi(client).GetAsync(0, CancellationToken.None));
        Assert.Empty(handler.Requests);

        var good = Guid.NewGuid().ToString();
        await api.DeleteRuleAsync(ncc, good, CancellationToken.None);
        Assert.Equal($"/api/2.0/accounts/{InProcessEmulator.AccountId}/network-connectivity-configs/{ncc}/private-endpoint-rules/{good}", handler.Requests.Single().Uri.AbsolutePath);
    }

    [Fact]
    public async Task A_token_of_an_accounts_host_is_not_sent_to_a_workspace_host()
    {
        // Through an accounts host, a workspace is reached at its own host: only OAuth client credentials may mint a
        // token there; a PAT (or a user or workload token) issued for the accounts host must not travel.
        var handler = new FakeHandler((_, _, _) => FakeHandler.Json(200, "{}"));
        var http = new DbxHttp(new Uri("https://accounts.cloud.databricks.com"), new PatCredentialProvider("dapi-accounts-host-token-0001"), new RetryOptions(), new HttpMessageInvoker(handler));
        var client = new DbxClient(http, DbxScope.Account, InProcessEmulator.AccountId, null, false, "https://{deployment_name}.cloud.databricks.com");
        var ws = new DatabricksNetworking.Models.Workspace { WorkspaceId = 1234567890123456, DeploymentName = "dbc-prod" };
        var ex = await Assert.ThrowsAsync<DbxRequestRefusedException>(() => client.ForWorkspaceAsync(ws, CancellationToken.None));
        Assert.Equal(RequestGuard.CredentialHostMismatch, ex.ErrorId);
        Assert.Contains("dbc-prod.cloud.databricks.com", ex.Message);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("evil.example/x")]
    [InlineData("a.b")]
    [InlineData("a@b")]
    [InlineData("-a")]
    public void A_deployment_name_that_is_not_a_dns_label_is_refused(string name)
    {
        var ex = Assert.Throws<DbxRequestRefusedException>(() => RequestGuard.CheckDeploymentName(name));
        Assert.Equal(RequestGuard.UnsafeHost, ex.ErrorId);
    }

    [Theory]
    [InlineData(DbxIdKind.NetworkConnectivityConfig, "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d")]
    [InlineData(DbxIdKind.PrivateEndpointRule, "9A1B2C3D-4E5F-4A6B-8C7D-0E1F2A3B4C5D")]
    [InlineData(DbxIdKind.IpAccessList, "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d")]
    [InlineData(DbxIdKind.NetworkPolicy, "default-policy")]
    [InlineData(DbxIdKind.NetworkPolicy, "np_1.prod-2")]
    [InlineData(DbxIdKind.NetworkPolicy, "a..b")]
    [InlineData(DbxIdKind.Workspace, "1111111111111111")]
    public void Real_ids_are_accepted(DbxIdKind kind, string id) => Assert.Equal(id, RequestGuard.Segment(kind, id));
}

public sealed record SegmentCandidate(string Value) { public override string ToString() => $"'{Ids.Printable(Value)}'"; }

public static class SegmentArbitraries
{
    private static readonly string[] Pieces = { ".", "..", "/", "\\", "%2e", "%2E", "%2f", "%5c", "%25", "%", "a", "Z", "0", "-", "_", "~", "?", "#", " ", "\r", "\n", "\0", "é", "@", ":", ";", "//host", "uuid" };

    private static readonly string[] Safe = { "a", "Z", "0", "-", "_", ".", "np", "prod" };

    private static Gen<string> Compose(string[] pieces) =>
        Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(pieces), n)).Select(parts => string.Concat(parts).Replace("uuid", "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"));

    public static Arbitrary<SegmentCandidate> Segments() => Arb.From(
        Gen.Frequency((3, Compose(Pieces)), (2, Compose(Safe))).Select(s => new SegmentCandidate(s)));
}

/// <summary>No value, accepted by the Api layer's segment helper, can add, remove or climb a segment.</summary>
public class PathSegmentProperties
{
    private static readonly Uri Base = new("https://dbc-a.cloud.databricks.com");
    private const string Prefix = "/api/2.0/accounts/5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37/network-policies/";

    [Property(Arbitrary = new[] { typeof(SegmentArbitraries) }, MaxTest = 3000)]
    public bool A_segment_is_refused_or_stays_exactly_one_segment(SegmentCandidate c)
    {
        foreach (var kind in new[] { DbxIdKind.NetworkPolicy, DbxIdKind.PrivateEndpointRule })
        {
            string segment;
            try { segment = RequestGuard.Segment(kind, c.Value); }
            catch (DbxRequestRefusedException ex) { if (ex.ErrorId != Ids.ErrorIdOf(kind)) return false; continue; }
            var path = Prefix + segment + "/rest";
            RequestGuard.CheckPath(path); // the client's own path check agrees
            var uri = new Uri(Base, path);
            if (uri.Host != Base.Host) return false;
            var parts = uri.AbsolutePath.Split('/');
            var expected = (Prefix + "x/rest").Split('/');
            if (parts.Length != expected.Length) return false;
            if (Uri.UnescapeDataString(parts[parts.Length - 2]) != c.Value) return false;
        }
        return true;
    }

    [Fact]
    public void The_generator_gives_both_accepted_and_refused_segments() =>
        GeneratorBalance.AssertBoth(SegmentArbitraries.Segments(), c => Ids.IsValid(DbxIdKind.NetworkPolicy, c.Value));
}

public sealed record PathCandidate(string Value) { public override string ToString() => $"'{Ids.Printable(Value)}'"; }

public static class PathArbitraries
{
    private static readonly string[] Pieces = { "/", "//", "\\", ".", "..", "%2e", "%2f", "%5C", "%252e", "@", ":", "?", "#", "api", "2.0", "evil.example", "127.0.0.1:9", "http:", "\r\n", " ", "~" };

    private static readonly string[] Safe = { "/api", "/2.0", "/accounts", "/x", "/a.b", "?q=1", "/%20", "/...", "/~" };

    private static Gen<string> Compose(string[] pieces, int min) =>
        Gen.Choose(min, 8).SelectMany(n => Gen.ArrayOf(Gen.Elements(pieces), n)).Select(p => string.Concat(p));

    public static Arbitrary<PathCandidate> Paths() => Arb.From(
        Gen.Frequency((3, Compose(Pieces, 1)), (1, Compose(Safe, 1).SelectMany(safe => Compose(Pieces, 0).Select(tail => safe + tail))), (1, Compose(Safe, 1)))
            .Select(p => new PathCandidate(p)));
}

/// <summary>Whatever text a caller gives as a path, an accepted one resolves on the context's host without a dot segment.</summary>
public class PathProperties
{
    private static readonly Uri Base = new("https://dbc-a.cloud.databricks.com");

    [Property(Arbitrary = new[] { typeof(PathArbitraries) }, MaxTest = 3000)]
    public bool An_accepted_path_stays_on_the_host(PathCandidate c)
    {
        Uri uri;
        try { uri = RequestGuard.Resolve(Base, c.Value); }
        catch (DbxRequestRefusedException ex) { return ex.ErrorId == RequestGuard.UnsafePath || ex.ErrorId == RequestGuard.CredentialHostMismatch; }
        var q = c.Value.IndexOf('?');
        var asked = (q < 0 ? c.Value : c.Value.Substring(0, q)).Split('/').Length;
        return uri.Scheme == Base.Scheme && uri.Host == Base.Host && uri.Port == Base.Port && uri.UserInfo.Length == 0
            && uri.AbsolutePath.Split('/').Length == asked
            && uri.AbsolutePath.Split('/').All(s => Uri.UnescapeDataString(s) != "." && Uri.UnescapeDataString(s) != "..");
    }

    [Fact]
    public void The_generator_gives_both_accepted_and_refused_paths() =>
        GeneratorBalance.AssertBoth(PathArbitraries.Paths(), c => { try { RequestGuard.Resolve(Base, c.Value); return true; } catch (DbxRequestRefusedException) { return false; } });
}
