using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Cmdlets.IpAccess;
using DatabricksNetworking.Posture;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Tests.Reliability;

/// <summary>Issue 18 and issue 14 §5: values as typed and compared as blocks, read-modify-writes that are never re-sent
/// stale, entry merges that keep the list's own spelling, and creates whose 2xx answer cannot be read.</summary>
public sealed class IntegrityTests
{
    private static SnapshotObject List(string type, string id, string label, params string[] ips) =>
        new(type, id, type == "IpAccessList" ? 1 : null, label, new JsonObject
        {
            ["list_id"] = id, ["label"] = label, ["list_type"] = "ALLOW", ["enabled"] = true,
            ["ip_addresses"] = new JsonArray(ips.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()),
        });

    [Theory]
    [InlineData("IpAccessList")]
    [InlineData("AccountIpAccessList")]
    public void Compare_treats_a_bare_address_and_its_slash_32_as_equal(string type)
    {
        var reference = new[] { List(type, "l1", "office", "198.51.100.7", "10.0.0.0/8") };
        var same = new[] { List(type, "l1", "office", "10.0.0.0/8", "198.51.100.7/32") };
        Assert.Empty(ConfigurationSnapshot.Compare(reference, same));
        var other = new[] { List(type, "l1", "office", "10.0.0.0/8", "198.51.100.8/32") };
        Assert.Single(ConfigurationSnapshot.Compare(reference, other));
    }

    [Fact]
    public void Import_plan_sees_no_drift_between_spellings_and_keeps_the_typed_value()
    {
        var desired = new ConfigurationSnapshotData("acc", null, new List<string>(), new List<SnapshotObject> { List("AccountIpAccessList", "a1", "corp", "198.51.100.7/32") }, "test");
        var live = new ConfigurationSnapshotData("acc", null, new List<string>(), new List<SnapshotObject> { List("AccountIpAccessList", "a2", "corp", "198.51.100.7") }, "test");
        var plan = ConfigurationImportPlan.Build(desired, live, new ImportOptions());
        Assert.Equal(ImportStepAction.Unchanged, plan.Steps.Single(s => s.Kind == "AccountIpAccessList").Action);
        var portable = ConfigurationImportPlan.PortableView(desired.Objects).Single();
        Assert.Equal("198.51.100.7/32", (string)portable.Properties["ip_addresses"]![0]!);
        Assert.Empty(ConfigurationSnapshot.Compare(ConfigurationImportPlan.PortableView(desired.Objects), ConfigurationImportPlan.PortableView(live.Objects)));
    }

    private static List<Ipv4Cidr> V(params string[] values) => values.Select(v => { Assert.True(Cidr.TryParse(v, out var c, out _)); return c; }).ToList();

    [Fact]
    public void Merge_keeps_the_lists_own_spelling_and_adds_new_values_as_typed()
    {
        var existing = new[] { "203.0.113.0/24", "198.51.100.7/32", "not-an-address" };
        var result = IpAccessListEntryBase.Merge(existing, V("198.51.100.7", "2.2.2.2/21", "10.0.0.1/32"), true, out _);
        Assert.Equal(new[] { "2.2.2.2/21", "10.0.0.1/32", "198.51.100.7/32", "203.0.113.0/24", "not-an-address" }, result);
        Assert.Null(IpAccessListEntryBase.Merge(existing, V("198.51.100.7", "203.0.113.0/24"), true, out _));
        var removed = IpAccessListEntryBase.Merge(existing, V("198.51.100.7", "9.9.9.9"), false, out var absent);
        Assert.Equal(new[] { "203.0.113.0/24", "not-an-address" }, removed);
        Assert.Equal(new[] { "9.9.9.9" }, absent);
    }

    [Fact]
    public void Verification_names_every_value_the_list_does_not_show_not_only_one()
    {
        var wanted = V("10.0.0.1", "10.0.0.2/32", "10.1.0.0/16");
        Assert.Equal(new[] { "10.0.0.2/32", "10.1.0.0/16" }, IpAccessListEntryBase.Missed(new[] { "10.0.0.1/32" }, wanted, true));
        Assert.Empty(IpAccessListEntryBase.Missed(new[] { "10.0.0.1/32", "10.0.0.2", "10.1.0.0/16" }, wanted, true));
        Assert.Equal(new[] { "10.0.0.1" }, IpAccessListEntryBase.Missed(new[] { "10.0.0.1/32", "192.0.2.1" }, wanted, false));
    }

    private sealed class Handler : HttpMessageHandler
    {
        private readonly Func<int, HttpResponseMessage> respond;
        public int Calls;
        public Handler(Func<int, HttpResponseMessage> respond) { this.respond = respond; }
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            Task.FromResult(respond(Interlocked.Increment(ref Calls)));
    }

    private static DbxHttp Http(Handler h) => new(new Uri("https://dbc-1.cloud.databricks.com"), new PatCredentialProvider("dapi-integrity-test-token"),
        new RetryOptions { MaxAttempts = 5, BaseBackoff = TimeSpan.Zero, MaxBackoff = TimeSpan.Zero }, new HttpMessageInvoker(h)) { Delay = (_, _) => Task.CompletedTask };

    [Fact]
    public async Task A_read_modify_write_is_not_resent_after_its_answer_was_lost()
    {
        var h = new Handler(_ => throw new HttpRequestException("connection reset"));
        var req = new DbxRequest(new HttpMethod("PATCH"), "/api/2.0/ip-access-lists/x") { Body = new byte[] { 123, 125 }, NoResendAfterLostAnswer = true };
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => Http(h).SendAsync(req, CancellationToken.None));
        Assert.True(ex.IsAmbiguous);
        Assert.Equal(1, h.Calls);

        var gateway = new Handler(_ => new HttpResponseMessage(HttpStatusCode.GatewayTimeout));
        var ex2 = await Assert.ThrowsAsync<DbxApiException>(() => Http(gateway).SendAsync(new DbxRequest(new HttpMethod("PATCH"), "/x") { NoResendAfterLostAnswer = true }, CancellationToken.None));
        Assert.True(ex2.IsAmbiguous);
        Assert.Equal(1, gateway.Calls);

        // Without the flag a PATCH is retried as before (a plain idempotent update).
        var plain = new Handler(n => n == 1 ? throw new HttpRequestException("reset") : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") });
        await Http(plain).SendAsync(new DbxRequest(new HttpMethod("PATCH"), "/x"), CancellationToken.None);
        Assert.Equal(2, plain.Calls);
    }

    [Fact]
    public async Task A_create_with_an_unreadable_2xx_answer_is_looked_up_not_resent()
    {
        int sends = 0;
        var found = await CreateRecovery.RunAsync<string>("thing 'x'",
            _ => { sends++; throw new DbxInvalidResponseException(200, "cannot read", null, "POST", "/x", null); },
            (_, _) => Task.FromResult<string?>("the-object"), CancellationToken.None);
        Assert.Equal("the-object", found);
        Assert.Equal(1, sends);

        var ex = await Assert.ThrowsAsync<DbxApiException>(() => CreateRecovery.RunAsync<string>("thing 'y'",
            _ => { sends++; throw new DbxInvalidResponseException(200, "cannot read", null, "POST", "/x", null); },
            (_, _) => Task.FromResult<string?>(null), CancellationToken.None));
        Assert.Contains("may exist", ex.Message);
        Assert.Equal(2, sends);
    }
}
