using System.Net;
using System.Net.Http;
using System.Text;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;
using DatabricksNetworking.Completion;

namespace DatabricksNetworking.Tests.Completion;

/// <summary>The id sources behind tab completion read each list shape of the reference, and the catalog caches and gives up.</summary>
public class IdCatalogTests
{
    private const string AccountId = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";

    private sealed class FakeHandler : HttpMessageHandler
    {
        private readonly Func<HttpRequestMessage, Task<HttpResponseMessage>> respond;
        public readonly List<string> Requests = new();
        public readonly List<string?> OrgIds = new();
        public FakeHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) { this.respond = respond; }
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request.RequestUri!.PathAndQuery);
                OrgIds.Add(request.Headers.TryGetValues("X-Databricks-Workspace-Id", out var v) ? v.First() : null);
            }
            return respond(request);
        }
    }

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static (DbxContext Context, FakeHandler Handler) Connect(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond)
    {
        var handler = new FakeHandler(respond);
        var ctx = new DbxContext(DbxScope.Account, new Uri("http://127.0.0.1:9"), AccountId, null, new PatCredentialProvider("dapitest0000000000000000000000000001"),
            "test", null, ContextFactory.DefaultWorkspaceUrlTemplate, new RetryOptions { MaxAttempts = 1 }, new HttpMessageInvoker(handler));
        return (ctx, handler);
    }

    [Fact]
    public async Task Reads_a_bare_array_with_names()
    {
        var (ctx, h) = Connect(_ => Task.FromResult(Json("[{\"network_id\":\"n-1\",\"network_name\":\"prod\",\"vpc_id\":\"vpc-1\"},{\"network_id\":\"n-2\"},{\"network_name\":\"no id\"}]")));
        var list = await IdSource.Account("networks", "network_id", "network_name", detailField: "vpc_id").FetchAsync(ctx.Client, null, CancellationToken.None);
        Assert.Equal(new[] { "n-1", "n-2" }, list.Select(c => c.Id));
        Assert.Equal("prod", list[0].Name);
        Assert.Equal("vpc-1", list[0].Detail);
        Assert.Null(list[1].Name);
        Assert.Equal($"/api/2.0/accounts/{AccountId}/networks", Assert.Single(h.Requests));
    }

    [Fact]
    public async Task Follows_next_page_token_of_items_lists()
    {
        var (ctx, h) = Connect(req => Task.FromResult(req.RequestUri!.Query.Contains("page_token=p2")
            ? Json("{\"items\":[{\"network_connectivity_config_id\":\"c-2\",\"name\":\"b\"}]}")
            : Json("{\"items\":[{\"network_connectivity_config_id\":\"c-1\",\"name\":\"a\"}],\"next_page_token\":\"p2\"}")));
        var list = await IdSource.Account("network-connectivity-configs", "network_connectivity_config_id", "name").FetchAsync(ctx.Client, null, CancellationToken.None);
        Assert.Equal(new[] { "c-1", "c-2" }, list.Select(c => c.Id));
        Assert.Equal(2, h.Requests.Count);
        Assert.EndsWith("?page_token=p2", h.Requests[1]);
    }

    [Fact]
    public async Task Reads_a_named_wrapper_and_numeric_ids()
    {
        var (ctx, _) = Connect(_ => Task.FromResult(Json("{\"ip_access_lists\":[{\"list_id\":\"l-1\",\"label\":\"office\",\"list_type\":\"ALLOW\"}]}")));
        var list = await IdSource.Account("ip-access-lists", "list_id", "label", "ip_access_lists", "list_type").FetchAsync(ctx.Client, null, CancellationToken.None);
        Assert.Equal("l-1", Assert.Single(list).Id);
        Assert.Equal("ALLOW", list[0].Detail);

        var (ctx2, _) = Connect(_ => Task.FromResult(Json("[{\"workspace_id\":1111111111111111,\"workspace_name\":\"prod-eu\"}]")));
        var ws = await IdSource.Account("workspaces", "workspace_id", "workspace_name").FetchAsync(ctx2.Client, null, CancellationToken.None);
        Assert.Equal("1111111111111111", Assert.Single(ws).Id);
    }

    [Fact]
    public async Task Rule_ids_are_read_from_the_rules_of_one_ncc_and_a_malformed_ncc_id_is_never_a_path()
    {
        const string ncc = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
        var (ctx, h) = Connect(_ => Task.FromResult(Json("{\"items\":[{\"rule_id\":\"r-1\",\"endpoint_service\":\"com.amazonaws.us-east-1.s3\"}]}")));
        var source = PrivateEndpointRuleIdCompleter.ForNcc(ncc);
        var list = await source.FetchAsync(ctx.Client, null, CancellationToken.None);
        Assert.Equal("r-1", Assert.Single(list).Id);
        Assert.Equal("com.amazonaws.us-east-1.s3", list[0].Detail);
        Assert.Equal($"/api/2.0/accounts/{AccountId}/network-connectivity-configs/{ncc}/private-endpoint-rules", Assert.Single(h.Requests));
        Assert.NotEqual(source.Key(null), PrivateEndpointRuleIdCompleter.ForNcc("0d3a4f5e-1234-4c8a-9f00-123456789abc").Key(null));
        Assert.Throws<DbxRequestRefusedException>(() => PrivateEndpointRuleIdCompleter.ForNcc("ncc 1/x"));
        Assert.Throws<DbxRequestRefusedException>(() => PrivateEndpointRuleIdCompleter.ForNcc(".."));
    }

    [Fact]
    public async Task Workspace_lists_go_to_the_workspace_and_need_one()
    {
        var (ctx, h) = Connect(_ => Task.FromResult(Json("{\"ip_access_lists\":[{\"list_id\":\"w-1\",\"label\":\"vpn\"}]}")));
        var source = IdSource.Workspace("/api/2.0/ip-access-lists", "list_id", "label", "ip_access_lists");
        Assert.Empty(await source.FetchAsync(ctx.Client, null, CancellationToken.None));
        Assert.Empty(h.Requests);
        var list = await source.FetchAsync(ctx.Client, 2222222222222222, CancellationToken.None);
        Assert.Equal("w-1", Assert.Single(list).Id);
        Assert.Equal("/api/2.0/ip-access-lists", Assert.Single(h.Requests));
        Assert.Equal("2222222222222222", Assert.Single(h.OrgIds));
        Assert.NotEqual(source.Key(1), source.Key(2));
    }

    [Fact]
    public void Catalog_caches_per_context_and_never_throws()
    {
        var (ctx, h) = Connect(_ => Task.FromResult(Json("[{\"vpc_endpoint_id\":\"v-1\"}]")));
        var source = IdSource.Account("vpc-endpoints", "vpc_endpoint_id");
        Assert.Equal("v-1", Assert.Single(IdCatalog.TryGet(ctx, source, null)!).Id);
        Assert.Single(IdCatalog.TryGet(ctx, source, null)!);
        Assert.Single(h.Requests);

        var (broken, _) = Connect(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("{\"error_code\":\"PERMISSION_DENIED\",\"message\":\"no\"}") }));
        Assert.Null(IdCatalog.TryGet(broken, source, null));
        var (garbage, _) = Connect(_ => Task.FromResult(Json("not json")));
        Assert.Null(IdCatalog.TryGet(garbage, source, null));
    }

    [Fact]
    public void Catalog_gives_up_when_the_list_is_late_and_keeps_fetching()
    {
        var gate = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (ctx, h) = Connect(_ => gate.Task);
        var source = IdSource.Account("private-access-settings", "private_access_settings_id", "private_access_settings_name");
        var saved = IdCatalog.GiveUpAfter;
        IdCatalog.GiveUpAfter = TimeSpan.FromMilliseconds(50);
        try
        {
            Assert.Null(IdCatalog.TryGet(ctx, source, null));
            gate.SetResult(Json("[{\"private_access_settings_id\":\"p-1\",\"private_access_settings_name\":\"pas\"}]"));
            IdCatalog.GiveUpAfter = TimeSpan.FromSeconds(30);
            Assert.Equal("p-1", Assert.Single(IdCatalog.TryGet(ctx, source, null)!).Id);
            Assert.Single(h.Requests);
        }
        finally { IdCatalog.GiveUpAfter = saved; }
    }
}
