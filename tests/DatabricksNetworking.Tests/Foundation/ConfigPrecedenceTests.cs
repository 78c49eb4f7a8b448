using System.Net;
using System.Net.Http;
using System.Text;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Tests.Foundation;

/// <summary>
/// Config precedence ported from the SDKs' own tables: databricks-sdk-go config/auth_permutations_test.go (TestConfig_*),
/// config/config_file_test.go (TestConfigFile_*), config/testdata/.databrickscfg, and databricks-sdk-py tests/test_config.py.
/// Each row names its source test. "file" is the Go SDK's testdata/.databrickscfg (the parts these rows use).
/// </summary>
public class ConfigPrecedenceTests
{
    // databricks-sdk-go config/testdata/.databrickscfg (abridged) + testdata/empty_default + default_profile fixtures.
    private const string GoTestdata = """
        [DEFAULT]
        host = https://dbc-XXXXXXXX-YYYY.cloud.databricks.com/
        token = PT0+IC9kZXYvdXJhbmRvbSA8PT0KYFZ

        [nohost]
        token = PT0+IC9kZXYvdXJhbmRvbSA8PT0KYFZ

        [notoken]
        host = https://dbc-XXXXXXXX-YYYY.cloud.databricks.com/

        [basic]
        host = https://dbc-XXXXXXXX-YYYY.cloud.databricks.com/
        username = abc
        password = bcd

        [pat.with.dot]
        host = https://dbc-XXXXXXXX-YYYY.cloud.databricks.com/
        token = PT0+IC9kZXYvdXJhbmRvbSA8PT0KYFZ

        [abc]
        host = https://foo
        token = abc

        [password-with-double-quotes]
        host = https://dbc-XXXXXXXX-YYYY.cloud.databricks.com/
        username = abc
        password = "%Y#X$Z" # comment

        [password-with-single-quotes]
        host = https://dbc-XXXXXXXX-YYYY.cloud.databricks.com/
        username = abc
        password = '%Y#X$Z' # comment

        [password-without-quotes]
        host = https://dbc-XXXXXXXX-YYYY.cloud.databricks.com/
        username = abc
        password = %Y#X$Z # comment

        [commented]
        host = https://x.cloud.databricks.com # prod
        token = dapi#not-a-comment

        [m2m]
        host = https://dbc-m2m.cloud.databricks.com
        client_id = cid
        client_secret = csecret

        [oidc-go-names]
        host = https://dbc-oidc.cloud.databricks.com
        databricks_id_token_filepath = /tokens/id
        audience = my-audience
        """;

    private const string DefaultProfileFile = """
        [__settings__]
        default_profile = my-workspace

        [DEFAULT]
        host = https://default.cloud.databricks.com
        token = dapi-default

        [my-workspace]
        host = https://my-workspace.cloud.databricks.com
        token = dapi-mine
        """;

    public sealed record Case(string Name, string Source, Dictionary<string, string> Env, Dictionary<string, string?> Params, string? Profile, string? File,
        string? AuthType = "?", string? Host = null, string? ResolvedProfile = null, string? Error = null, bool? FileRead = null,
        string? Key = null, string? KeyValue = null)
    {
        public override string ToString() => Name;
    }

    private static Dictionary<string, string> E(params string[] kv) { var d = new Dictionary<string, string>(); for (int i = 0; i < kv.Length; i += 2) d[kv[i]] = kv[i + 1]; return d; }
    private static Dictionary<string, string?> P(params string[] kv) { var d = new Dictionary<string, string?>(); for (int i = 0; i < kv.Length; i += 2) d[kv[i]] = kv[i + 1]; return d; }

    public static IEnumerable<object[]> Cases() => new Case[]
    {
        new("no parameters: nothing configured", "go TestConfig_NoParams", E(), P(), null, null, AuthType: null),
        new("host env alone: no auth", "go TestConfig_HostEnv", E("DATABRICKS_HOST", "x"), P(), null, GoTestdata, AuthType: null, Host: "x", FileRead: false),
        new("token env alone: pat, and the DEFAULT host is NOT taken", "go TestConfig_TokenEnv; fidelity row 2", E("DATABRICKS_TOKEN", "x"), P(), null, GoTestdata, AuthType: "pat", Host: null, FileRead: false),
        new("host and token env: pat", "go TestConfig_HostTokenEnv", E("DATABRICKS_HOST", "x", "DATABRICKS_TOKEN", "x"), P(), null, GoTestdata, AuthType: "pat", Host: "x", FileRead: false),
        new("host parameter, token env: pat", "go TestConfig_HostParamTokenEnv", E("DATABRICKS_TOKEN", "x"), P("host", "https://x"), null, GoTestdata, AuthType: "pat", Host: "https://x"),
        new("username/password env without host: not basic", "go TestConfig_UserPasswordEnv", E("DATABRICKS_USERNAME", "x", "DATABRICKS_PASSWORD", "x"), P(), null, null, AuthType: null),
        new("host, username, password env: basic", "go TestConfig_BasicAuth", E("DATABRICKS_HOST", "x", "DATABRICKS_USERNAME", "x", "DATABRICKS_PASSWORD", "x"), P(), null, null, AuthType: "basic"),
        new("host parameter beats host env", "go TestConfig_AttributePrecedence", E("DATABRICKS_HOST", "x", "DATABRICKS_USERNAME", "x", "DATABRICKS_PASSWORD", "x"), P("host", "y"), null, null, AuthType: "basic", Host: "y"),
        new("token and username/password: more than one method", "go TestConfig_ConflictingEnvs", E("DATABRICKS_HOST", "x", "DATABRICKS_TOKEN", "x", "DATABRICKS_USERNAME", "x", "DATABRICKS_PASSWORD", "x"), P(), null, null,
            Error: "more than one authorization method configured: basic and pat"),
        new("the same with auth_type: the chosen method", "go TestConfig_ConflictingEnvs_AuthType", E("DATABRICKS_HOST", "x", "DATABRICKS_TOKEN", "x", "DATABRICKS_USERNAME", "x", "DATABRICKS_PASSWORD", "x"), P("auth_type", "basic"), null, null, AuthType: "basic"),
        new("auth_type from the environment", "go TestConfig_AuthTypeFromEnv", E("DATABRICKS_TOKEN", "token", "DATABRICKS_USERNAME", "user", "DATABRICKS_PASSWORD", "password", "DATABRICKS_AUTH_TYPE", "basic"), P("host", "x"), null, null, AuthType: "basic"),
        new("host parameter: the DEFAULT profile is skipped", "go TestConfig_ConfigFileSkipDefaultProfileIfHostSpecified; fidelity row 2", E(), P("host", "x"), null, GoTestdata, AuthType: null, Host: "x", FileRead: false),
        new("DATABRICKS_CONFIG_PROFILE selects a profile", "go TestConfig_ConfigFileWithEmptyDefaultProfileSelectAbc", E("DATABRICKS_CONFIG_PROFILE", "abc"), P(), null, GoTestdata, AuthType: "pat", Host: "https://foo", ResolvedProfile: "abc"),
        new("DEFAULT profile: pat", "go TestConfig_PatFromDatabricksCfg", E(), P(), null, GoTestdata, AuthType: "pat", Host: "https://dbc-XXXXXXXX-YYYY.cloud.databricks.com/", ResolvedProfile: "DEFAULT"),
        new("a profile name with dots", "go TestConfig_PatFromDatabricksCfg_DotProfile", E("DATABRICKS_CONFIG_PROFILE", "pat.with.dot"), P(), null, GoTestdata, AuthType: "pat", ResolvedProfile: "pat.with.dot"),
        new("a profile without host: pat, no host", "go TestConfig_PatFromDatabricksCfg_NohostProfile", E("DATABRICKS_CONFIG_PROFILE", "nohost"), P(), null, GoTestdata, AuthType: "pat", Host: null),
        new("token env with a named profile: the profile is still read", "go TestConfig_ConfigProfileAndToken", E("DATABRICKS_TOKEN", "x", "DATABRICKS_CONFIG_PROFILE", "nohost"), P(), null, GoTestdata, AuthType: "pat", FileRead: true, Key: "token", KeyValue: "x"),
        new("username env + the profile's token: more than one method", "go TestConfig_ConfigProfileAndPassword", E("DATABRICKS_USERNAME", "x", "DATABRICKS_CONFIG_PROFILE", "nohost"), P(), null, GoTestdata,
            Error: "more than one authorization method configured: basic and pat"),
        new("token env + the profile's client credentials: more than one method", "fidelity row 3 (go config_attributes.go Validate)", E("DATABRICKS_TOKEN", "dapi-env"), P(), "m2m", GoTestdata,
            Error: "oauth and pat"),
        new("default_profile is used, before [DEFAULT]", "go TestConfigFile_DefaultProfileTakesPrecedenceOverDefault", E(), P(), null, DefaultProfileFile, AuthType: "pat", Host: "https://my-workspace.cloud.databricks.com", ResolvedProfile: "my-workspace"),
        new("an explicit profile overrides default_profile", "go TestConfigFile_ExplicitProfileOverridesDefaultProfile", E(), P(), "DEFAULT", DefaultProfileFile, Host: "https://default.cloud.databricks.com", ResolvedProfile: "DEFAULT"),
        new("default_profile naming a missing section is an error", "go TestConfigFile_DefaultProfileNonexistentSection; fidelity row 9", E(), P(), null, DefaultProfileFile.Replace("default_profile = my-workspace", "default_profile = gone"),
            Error: "'gone'"),
        new("__settings__ is not a profile", "go TestConfigFile_ExplicitSettingsSectionProfileRejected", E(), P(), "__settings__", DefaultProfileFile, Error: "reserved section name"),
        new("default_profile = __settings__ is rejected", "go TestConfigFile_DefaultProfileSettingsSelfReference", E(), P(), null, DefaultProfileFile.Replace("default_profile = my-workspace", "default_profile = __settings__"), Error: "reserved section name"),
        new("password in double quotes with # and a comment", "go TestConfigFileLoad", E(), P(), "password-with-double-quotes", GoTestdata, AuthType: "basic", Key: "password", KeyValue: "%Y#X$Z"),
        new("password in single quotes with # and a comment", "go TestConfigFileLoad", E(), P(), "password-with-single-quotes", GoTestdata, Key: "password", KeyValue: "%Y#X$Z"),
        new("password without quotes: # needs a space before it", "go TestConfigFileLoad; fidelity row 8", E(), P(), "password-without-quotes", GoTestdata, Key: "password", KeyValue: "%Y#X$Z"),
        new("inline comment after a host; # inside a token kept", "fidelity row 8 (go config_file.go SpaceBeforeInlineComment)", E(), P(), "commented", GoTestdata, Host: "https://x.cloud.databricks.com", Key: "token", KeyValue: "dapi#not-a-comment"),
        new("client credentials: oauth-m2m", "go auth_m2m.go Configure", E(), P(), "m2m", GoTestdata, AuthType: "oauth-m2m"),
        new("DATABRICKS_OIDC_TOKEN with a host: env-oidc", "go auth_oidc.go envOIDC", E("DATABRICKS_HOST", "https://h", "DATABRICKS_OIDC_TOKEN", "eyJ"), P(), null, null, AuthType: "env-oidc"),
        new("oidc_token_env names another variable", "go auth_oidc.go envOIDC (OIDCTokenEnv)", E("DATABRICKS_HOST", "https://h", "DATABRICKS_OIDC_TOKEN_ENV", "MY_ID_TOKEN", "MY_ID_TOKEN", "eyJ"), P(), null, null, AuthType: "env-oidc", Key: "oidc_token_env", KeyValue: "MY_ID_TOKEN"),
        new("GitHub Actions id token variables: github-oidc", "go auth_oidc.go githubOIDC", E("DATABRICKS_HOST", "https://h", "ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ghtok"), P(), null, null, AuthType: "github-oidc"),
        new("client credentials come before OIDC in the chain", "go auth_default.go chain order", E("DATABRICKS_HOST", "https://h", "DATABRICKS_CLIENT_ID", "c", "DATABRICKS_CLIENT_SECRET", "s", "DATABRICKS_OIDC_TOKEN", "eyJ"), P(), null, null, AuthType: "oauth-m2m"),
        new("DATABRICKS_OIDC_TOKEN_FILE is an alias of DATABRICKS_OIDC_TOKEN_FILEPATH", "py test_oidc_token_filepath_env_alias", E("DATABRICKS_HOST", "https://h", "DATABRICKS_OIDC_TOKEN_FILE", "/tokens/id"), P(), null, null, AuthType: "file-oidc", Key: "oidc_token_filepath", KeyValue: "/tokens/id"),
        new("DATABRICKS_OIDC_TOKEN_FILEPATH wins over the alias", "py test_oidc_token_filepath_env_primary_precedence", E("DATABRICKS_HOST", "https://h", "DATABRICKS_OIDC_TOKEN_FILE", "/alias", "DATABRICKS_OIDC_TOKEN_FILEPATH", "/tokens/id"), P(), null, null, Key: "oidc_token_filepath", KeyValue: "/tokens/id"),
        new("Go attribute names in a profile (databricks_id_token_filepath, audience)", "go config.go name tags", E(), P(), "oidc-go-names", GoTestdata, AuthType: "file-oidc", Key: "token_audience", KeyValue: "my-audience"),
    }.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resolves_as_the_SDKs_do(Case c)
    {
        var env = new Dictionary<string, string>(c.Env) { ["DATABRICKS_CONFIG_FILE"] = "/cfg" };
        bool read = false;
        Func<string, DatabricksConfigFile?> load = p => { read = true; return c.File == null ? null : DatabricksConfigFile.Parse(p, c.File); };
        ResolvedConfig? cfg = null;
        Exception? error = null;
        try
        {
            cfg = ConfigResolver.Resolve(c.Params, c.Profile, n => env.TryGetValue(n, out var v) ? v : null, load);
            cfg.FileHasContent = p => p == "/tokens/id";
        }
        catch (ConfigResolutionException ex) { error = ex; }

        if (c.Error != null)
        {
            Assert.NotNull(error);
            Assert.Contains(c.Error, error!.Message);
            return;
        }
        Assert.Null(error);
        if (c.AuthType != "?") Assert.Equal(c.AuthType, cfg!.AuthType);
        if (c.Host != null || c.Name.Contains("no host")) Assert.Equal(c.Host, cfg!.Host);
        if (c.Name.Contains("NOT taken")) Assert.Null(cfg!.Host);
        if (c.ResolvedProfile != null) Assert.Equal(c.ResolvedProfile, cfg!.Profile);
        if (c.FileRead.HasValue) Assert.Equal(c.FileRead.Value, read);
        if (c.Key != null) Assert.Equal(c.KeyValue, cfg!.Get(c.Key));
    }

    [Fact]
    public void The_many_methods_error_names_each_attribute_and_its_source()
    {
        var env = new Dictionary<string, string> { ["DATABRICKS_TOKEN"] = "dapi-env", ["DATABRICKS_CONFIG_FILE"] = "/cfg" };
        var ex = Assert.Throws<ConfigResolutionException>(() =>
            ConfigResolver.Resolve(new Dictionary<string, string?>(), "m2m", n => env.TryGetValue(n, out var v) ? v : null, p => DatabricksConfigFile.Parse(p, GoTestdata)));
        Assert.Equal("DbxMultipleAuthMethods", ex.ErrorId);
        Assert.Contains("token from environment variable DATABRICKS_TOKEN", ex.Message);
        Assert.Contains("client_secret from profile [m2m] in /cfg", ex.Message);
        Assert.DoesNotContain("dapi-env", ex.Message);
        Assert.DoesNotContain("csecret", ex.Message);
    }

    [Fact]
    public void Describe_masks_every_secret_key_and_url_user_info()
    {
        var text = """
            [p]
            host = https://dbc-1.cloud.databricks.com
            auth_type = databricks-cli
            azure_client_secret = AZSECRETVALUE1
            google_credentials = GOOGLECREDVALUE2
            custom_password = CUSTOMPASSVALUE3
            some_token = SOMETOKENVALUE4
            metadata_service_url = http://user:METAPASS5@localhost:1234/x
            databricks_cli_path = https://cliuser:CLIPASS6@example.com/cli
            """;
        var cfg = ConfigResolver.Resolve(new Dictionary<string, string?>(), "p", n => n == "DATABRICKS_CONFIG_FILE" ? "/cfg" : null, p => DatabricksConfigFile.Parse(p, text));
        var d = cfg.Describe();
        foreach (var secret in new[] { "AZSECRETVALUE1", "GOOGLECREDVALUE2", "CUSTOMPASSVALUE3", "SOMETOKENVALUE4", "METAPASS5", "CLIPASS6", "cliuser" })
            Assert.DoesNotContain(secret, d);
        Assert.Contains("azure_client_secret from profile [p]", d);
        Assert.Contains("databricks_cli_path=https://***@example.com/cli", d);
        cfg.RegisterSecrets();
        Assert.Equal("x *** y ***", SecretRegistry.Redact("x GOOGLECREDVALUE2 y CLIPASS6"));
    }

    // ---- hosts ------------------------------------------------------------------------------------

    [Theory] // go config.go fixHostIfNeeded / workspaceIDFromQuery / accountIDFromQuery
    [InlineData("https://h.cloud.databricks.com/?o=1234567890123456", "1234567890123456", null)]
    [InlineData("https://h.cloud.databricks.com/?o=1234&a=0d3a4f5e-1234-4c8a-9f00-123456789abc", "1234", "0d3a4f5e-1234-4c8a-9f00-123456789abc")]
    [InlineData("https://h.cloud.databricks.com/?workspace_id=42&account_id=acc", "42", "acc")]
    [InlineData("https://h.cloud.databricks.com/?w=cpdr-abc&o=42", "cpdr-abc", null)]
    [InlineData("https://h.cloud.databricks.com/?o=notanumber", null, null)]
    [InlineData("https://h.cloud.databricks.com/", null, null)]
    public void Host_query_ids(string host, string? ws, string? acct)
    {
        var (w, a) = ContextFactory.IdsFromHostQuery(host);
        Assert.Equal(ws, w);
        Assert.Equal(acct, a);
        Assert.Equal("https://h.cloud.databricks.com/", ContextFactory.ValidateHost(host).ToString());
    }

    [Fact]
    public void Query_ids_fill_only_what_is_unset()
    {
        var cfg = ConfigResolver.Resolve(new Dictionary<string, string?> { ["host"] = "https://h.cloud.databricks.com/?o=42&a=0d3a4f5e-1234-4c8a-9f00-123456789abc", ["workspace_id"] = "7", ["token"] = "dapi-x" }, null, _ => null, _ => null);
        ContextFactory.ApplyHostQuery(cfg);
        Assert.Equal("7", cfg.WorkspaceId);
        Assert.Equal("0d3a4f5e-1234-4c8a-9f00-123456789abc", cfg.AccountId);
        Assert.StartsWith("the query of the host URL", cfg.SourceOf("account_id"));
    }

    [Theory] // terraform mws/resource_mws_workspaces.go generateWorkspaceHostname
    [InlineData("https://accounts.cloud.databricks.com", "https://{deployment_name}.cloud.databricks.com")]
    [InlineData("https://accounts.cloud.databricks.us", "https://{deployment_name}.cloud.databricks.us")]
    [InlineData("https://accounts-dod.cloud.databricks.mil", "https://{deployment_name}.cloud.databricks.mil")]
    [InlineData("http://127.0.0.1:8089", "https://{deployment_name}.cloud.databricks.com")]
    [InlineData("http://accounts.localhost:8089", "http://{deployment_name}.localhost:8089")]
    public void Workspace_urls_follow_the_account_host(string accountHost, string template) =>
        Assert.Equal(template, ContextFactory.WorkspaceUrlTemplateFor(new Uri(accountHost)));

    [Fact]
    public void GovCloud_account_context_reaches_workspaces_in_the_us_domain()
    {
        var cfg = ConfigResolver.Resolve(new Dictionary<string, string?> { ["host"] = "https://accounts.cloud.databricks.us", ["account_id"] = "0d3a4f5e-1234-4c8a-9f00-123456789abc", ["token"] = "dapi-gov-000" }, null, _ => null, _ => null);
        var ctx = ContextFactory.Create(DbxScope.Account, cfg, null);
        Assert.Equal("https://{deployment_name}.cloud.databricks.us", ctx.WorkspaceUrlTemplate);
        Assert.False(ctx.IsUnifiedHost);
        Assert.Equal("https://dbc-x.cloud.databricks.us", new Models.Workspace { DeploymentName = "dbc-x", Region = "us-gov-west-1" }.WorkspaceUrl);
        Assert.Equal("https://dbc-x.cloud.databricks.com", new Models.Workspace { DeploymentName = "dbc-x", Region = "us-east-1" }.WorkspaceUrl);
    }

    private static (DbxContext Ctx, OAuthM2MCredentialProvider M2m) M2m(DbxScope kind, string host, string? accountId, HostMetadata? meta, string? workspaceId = null)
    {
        var values = new Dictionary<string, string?> { ["host"] = host, ["client_id"] = "cid", ["client_secret"] = "csecret-000", ["workspace_id"] = workspaceId };
        var env = new Dictionary<string, string> { ["DATABRICKS_ACCOUNT_ID"] = accountId ?? "" };
        var cfg = ConfigResolver.Resolve(values, null, n => env.TryGetValue(n, out var v) && v.Length > 0 ? v : null, _ => null);
        var ctx = ContextFactory.Create(kind, cfg, null, metadata: meta);
        return (ctx, (OAuthM2MCredentialProvider)ctx.Client.Http.Credentials);
    }

    private static HostMetadata Meta(string json) => HostMetadata.Parse(new Uri("https://h/.well-known/databricks-config"), Encoding.UTF8.GetBytes(json))!;

    [Fact]
    public void A_workspace_host_uses_its_own_token_endpoint_even_with_DATABRICKS_ACCOUNT_ID()
    {
        // fidelity row 4: go config.go HostType() → WORKSPACE_HOST, getOidcEndpoints → GetWorkspaceOAuthEndpoints(host)
        var (ctx, m2m) = M2m(DbxScope.Workspace, "https://dbc-1.cloud.databricks.com", "0d3a4f5e-1234-4c8a-9f00-123456789abc", null);
        Assert.Equal("https://dbc-1.cloud.databricks.com/oidc/v1/token", m2m.TokenEndpoint.ToString());
        Assert.False(ctx.IsUnifiedHost);
    }

    [Fact]
    public void A_unified_host_per_its_metadata_uses_the_account_token_endpoint()
    {
        var meta = Meta("""{"host_type":"UNIFIED_HOST","account_id":"0d3a4f5e-1234-4c8a-9f00-123456789abc","oidc_endpoint":"https://h/oidc/accounts/0d3a4f5e-1234-4c8a-9f00-123456789abc"}""");
        var (ctx, m2m) = M2m(DbxScope.Workspace, "https://h", null, meta, workspaceId: "42");
        Assert.True(ctx.IsUnifiedHost);
        Assert.Equal("0d3a4f5e-1234-4c8a-9f00-123456789abc", ctx.AccountId);
        Assert.Equal("https://h/oidc/accounts/0d3a4f5e-1234-4c8a-9f00-123456789abc/v1/token", m2m.TokenEndpoint.ToString());
    }

    [Fact]
    public void A_unified_host_needs_a_workspace_id_for_a_workspace_context()
    {
        var meta = Meta("""{"host_type":"UNIFIED_HOST","account_id":"0d3a4f5e-1234-4c8a-9f00-123456789abc"}""");
        var ex = Assert.Throws<ConfigResolutionException>(() => M2m(DbxScope.Workspace, "https://h", null, meta));
        Assert.Equal("DbxMissingWorkspaceId", ex.ErrorId);
    }

    [Fact]
    public void An_account_context_on_a_workspace_host_is_refused()
    {
        var meta = Meta("""{"host_type":"WORKSPACE_HOST","workspace_id":"42","account_id":"0d3a4f5e-1234-4c8a-9f00-123456789abc"}""");
        var ex = Assert.Throws<ConfigResolutionException>(() => M2m(DbxScope.Account, "https://dbc-1.cloud.databricks.com", null, meta));
        Assert.Equal("DbxInvalidHost", ex.ErrorId);
        Assert.Contains("WORKSPACE_HOST", ex.Message);
    }

    [Theory] // py tests/test_config.py test_resolve_host_metadata (unified-populates-all-fields, unified-does-not-overwrite-existing-fields)
    [InlineData(null, null, "acc-meta", "ws-meta")]
    [InlineData("acc-mine", "ws-mine", "acc-mine", "ws-mine")]
    public void Host_metadata_fills_only_unset_ids(string? account, string? workspace, string expectAccount, string expectWorkspace)
    {
        var cfg = ConfigResolver.Resolve(new Dictionary<string, string?> { ["host"] = "https://h", ["token"] = "t-000", ["account_id"] = account, ["workspace_id"] = workspace }, null, _ => null, _ => null);
        Meta("""{"oidc_endpoint":"https://h/oidc","account_id":"acc-meta","workspace_id":"ws-meta","host_type":"workspace"}""").ApplyTo(cfg);
        Assert.Equal(expectAccount, cfg.AccountId);
        Assert.Equal(expectWorkspace, cfg.WorkspaceId);
    }

    [Fact]
    public void Host_metadata_is_fetched_without_credentials_and_a_404_changes_nothing()
    {
        var seen = new List<HttpRequestMessage>();
        var handler = new FakeHandler((req, _, _) =>
        {
            seen.Add(req);
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        });
        var cfg = ConfigResolver.Resolve(new Dictionary<string, string?> { ["host"] = "https://dbc-1.cloud.databricks.com/?o=99", ["token"] = "dapi-secret-000" }, null, _ => null, _ => null);
        var (meta, notes) = ContextFactory.Discover(DbxScope.Workspace, cfg, new HttpMessageInvoker(handler));
        Assert.Null(meta);
        var req = Assert.Single(seen);
        Assert.Equal("https://dbc-1.cloud.databricks.com/.well-known/databricks-config", req.RequestUri!.ToString());
        Assert.Null(req.Headers.Authorization);
        Assert.False(req.Headers.Contains("X-Databricks-Org-Id"));
        Assert.Equal("99", cfg.WorkspaceId);
        Assert.Contains(notes, n => n.Contains("HTTP 404"));
    }

    [Fact]
    public void Discovery_refuses_an_insecure_host_before_sending()
    {
        var handler = new FakeHandler((_, _, _) => throw new InvalidOperationException("nothing may be sent"));
        var cfg = ConfigResolver.Resolve(new Dictionary<string, string?> { ["host"] = "http://accounts.cloud.databricks.com", ["token"] = "dapi-x-000" }, null, _ => null, _ => null);
        var ex = Assert.Throws<ConfigResolutionException>(() => ContextFactory.Discover(DbxScope.Account, cfg, new HttpMessageInvoker(handler)));
        Assert.Equal("DbxInsecureHost", ex.ErrorId);
    }

    [Theory]
    [InlineData("dbc-x.localhost", true)]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("evil-localhost", false)]
    [InlineData("localhost.example.com", false)]
    public void Localhost_names_are_loopback(string host, bool loopback) => Assert.Equal(loopback, ContextFactory.IsLoopback(host));
}
