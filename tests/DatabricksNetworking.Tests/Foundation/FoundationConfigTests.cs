using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Tests.Foundation;

/// <summary>The unified-auth chain: parameters &gt; DATABRICKS_* environment &gt; a profile of the config file.</summary>
public class FoundationConfigTests
{
    private const string File1 = """
        [__settings__]
        default_profile = chosen

        [DEFAULT]
        host = https://default.cloud.databricks.com
        token = dapi-default

        [chosen]
        host = https://chosen.cloud.databricks.com
        token = dapi-chosen

        [acct]
        host = https://accounts.cloud.databricks.com
        account_id = 11111111-2222-4333-8444-555555555555
        client_id = cid-from-profile
        client_secret = secret-from-profile
        """;

    private sealed class Env : Dictionary<string, string?>
    {
        public string? Get(string name) => TryGetValue(name, out var v) ? v : null;
    }

    private static (Func<string, DatabricksConfigFile?> Load, List<string> Asked) Loader(string? text)
    {
        var asked = new List<string>();
        return (path => { asked.Add(path); return text == null ? null : DatabricksConfigFile.Parse(path, text); }, asked);
    }

    private static Dictionary<string, string?> Params(params (string Key, string? Value)[] kv) => kv.ToDictionary(x => x.Key, x => x.Value);

    [Fact]
    public void Parameters_beat_environment_which_beats_the_profile()
    {
        var env = new Env { ["DATABRICKS_HOST"] = "https://env.cloud.databricks.com", ["DATABRICKS_ACCOUNT_ID"] = "99999999-2222-4333-8444-555555555555", ["DATABRICKS_CONFIG_FILE"] = "/cfg" };
        var (load, _) = Loader(File1);
        var cfg = ConfigResolver.Resolve(Params(("host", "https://param.cloud.databricks.com")), "acct", env.Get, load);
        Assert.Equal("https://param.cloud.databricks.com", cfg.Host);
        Assert.Equal("parameter -Host", cfg.SourceOf("host"));
        Assert.Equal("99999999-2222-4333-8444-555555555555", cfg.AccountId);
        Assert.Equal("environment variable DATABRICKS_ACCOUNT_ID", cfg.SourceOf("account_id"));
        Assert.Equal("cid-from-profile", cfg.ClientId);
        Assert.StartsWith("profile [acct] in /cfg", cfg.SourceOf("client_secret"));
        Assert.Equal("oauth-m2m", cfg.AuthType);
        Assert.Equal("acct", cfg.Profile);
    }

    [Fact]
    public void Config_file_path_comes_from_DATABRICKS_CONFIG_FILE()
    {
        var env = new Env { ["DATABRICKS_CONFIG_FILE"] = "/somewhere/my.cfg", ["HOME"] = "/home/u" };
        var (load, asked) = Loader(File1);
        var cfg = ConfigResolver.Resolve(Params(), null, env.Get, load);
        Assert.Equal(new[] { "/somewhere/my.cfg" }, asked);
        Assert.Equal("/somewhere/my.cfg", cfg.ConfigFilePath);
    }

    [Fact]
    public void Without_DATABRICKS_CONFIG_FILE_the_file_is_databrickscfg_in_home()
    {
        var env = new Env { ["HOME"] = "/home/u" };
        var (load, asked) = Loader(null);
        ConfigResolver.Resolve(Params(), null, env.Get, load);
        Assert.Equal(Path.Combine("/home/u", ".databrickscfg"), asked.Single());
    }

    [Fact]
    public void DATABRICKS_CONFIG_PROFILE_selects_the_profile()
    {
        var env = new Env { ["DATABRICKS_CONFIG_FILE"] = "/cfg", ["DATABRICKS_CONFIG_PROFILE"] = "acct" };
        var (load, _) = Loader(File1);
        var cfg = ConfigResolver.Resolve(Params(), null, env.Get, load);
        Assert.Equal("acct", cfg.Profile);
        Assert.Equal("https://accounts.cloud.databricks.com", cfg.Host);
        Assert.Equal("cid-from-profile", cfg.ClientId);
    }

    [Fact]
    public void The_profile_parameter_beats_DATABRICKS_CONFIG_PROFILE()
    {
        var env = new Env { ["DATABRICKS_CONFIG_FILE"] = "/cfg", ["DATABRICKS_CONFIG_PROFILE"] = "acct" };
        var (load, _) = Loader(File1);
        var cfg = ConfigResolver.Resolve(Params(), "DEFAULT", env.Get, load);
        Assert.Equal("DEFAULT", cfg.Profile);
        Assert.Equal("dapi-default", cfg.Token);
    }

    [Fact]
    public void Settings_default_profile_is_used_when_no_profile_is_named()
    {
        var env = new Env { ["DATABRICKS_CONFIG_FILE"] = "/cfg" };
        var (load, _) = Loader(File1);
        var cfg = ConfigResolver.Resolve(Params(), null, env.Get, load);
        Assert.Equal("chosen", cfg.Profile);
        Assert.Equal("https://chosen.cloud.databricks.com", cfg.Host);
        Assert.Equal("pat", cfg.AuthType);
    }

    [Fact]
    public void DEFAULT_is_used_without_settings()
    {
        var env = new Env { ["DATABRICKS_CONFIG_FILE"] = "/cfg" };
        var (load, _) = Loader(File1.Replace("default_profile = chosen", "; no default"));
        var cfg = ConfigResolver.Resolve(Params(), null, env.Get, load);
        Assert.Equal("DEFAULT", cfg.Profile);
        Assert.Equal("dapi-default", cfg.Token);
    }

    [Fact]
    public void An_unknown_profile_is_an_error_that_lists_the_profiles()
    {
        var env = new Env { ["DATABRICKS_CONFIG_FILE"] = "/cfg" };
        var (load, _) = Loader(File1);
        var ex = Assert.Throws<ConfigResolutionException>(() => ConfigResolver.Resolve(Params(), "nope", env.Get, load));
        Assert.Equal("DbxProfileNotFound", ex.ErrorId);
        Assert.Contains("'nope'", ex.Message);
        Assert.Contains("DEFAULT, chosen, acct", ex.Message);
        Assert.DoesNotContain("__settings__", ex.Message);
    }

    [Fact]
    public void A_named_profile_without_a_file_is_an_error()
    {
        var env = new Env { ["DATABRICKS_CONFIG_FILE"] = "/missing.cfg" };
        var (load, _) = Loader(null);
        var ex = Assert.Throws<ConfigResolutionException>(() => ConfigResolver.Resolve(Params(), "acct", env.Get, load));
        Assert.Equal("DbxProfileNotFound", ex.ErrorId);
        Assert.Contains("/missing.cfg", ex.Message);
    }

    [Fact]
    public void The_file_is_not_read_when_host_and_credentials_are_already_set()
    {
        var env = new Env { ["DATABRICKS_TOKEN"] = "dapi-env", ["DATABRICKS_CONFIG_FILE"] = "/cfg" };
        var cfg = ConfigResolver.Resolve(Params(("host", "https://h.cloud.databricks.com")), null, env.Get,
            _ => throw new InvalidOperationException("the config file must not be read"));
        Assert.Equal("dapi-env", cfg.Token);
        Assert.Equal("environment variable DATABRICKS_TOKEN", cfg.SourceOf("token"));
        Assert.Null(cfg.Profile);
    }

    [Fact]
    public void Environment_alone_configures_oauth_m2m()
    {
        var env = new Env
        {
            ["DATABRICKS_HOST"] = "https://accounts.cloud.databricks.com",
            ["DATABRICKS_ACCOUNT_ID"] = "11111111-2222-4333-8444-555555555555",
            ["DATABRICKS_CLIENT_ID"] = "cid",
            ["DATABRICKS_CLIENT_SECRET"] = "csecret",
        };
        var cfg = ConfigResolver.Resolve(Params(), null, env.Get, _ => throw new InvalidOperationException("not read"));
        Assert.Equal("oauth-m2m", cfg.AuthType);
        Assert.Equal("environment variable DATABRICKS_CLIENT_SECRET", cfg.SourceOf("client_secret"));
    }

    [Fact]
    public void Auth_type_forces_the_strategy_and_describe_names_sources_but_not_secrets()
    {
        var env = new Env { ["DATABRICKS_CLIENT_ID"] = "cid", ["DATABRICKS_CLIENT_SECRET"] = "csecret-value" };
        var cfg = ConfigResolver.Resolve(Params(("host", "https://h.cloud.databricks.com"), ("token", "dapi-param-value"), ("auth_type", "pat")), null, env.Get, _ => null);
        Assert.Equal("pat", cfg.AuthType);
        var text = cfg.Describe();
        Assert.Contains("token from parameter -Token", text);
        Assert.DoesNotContain("dapi-param-value", text);
        Assert.DoesNotContain("csecret-value", text);
    }

    [Fact]
    public void A_malformed_file_is_a_clear_error()
    {
        var env = new Env { ["DATABRICKS_CONFIG_FILE"] = "/cfg" };
        var ex = Assert.Throws<ConfigResolutionException>(() =>
            ConfigResolver.Resolve(Params(), "x", env.Get, p => DatabricksConfigFile.Parse(p, "[x\nhost = y")));
        Assert.Equal("DbxConfigFileInvalid", ex.ErrorId);
        Assert.Contains("line 1", ex.Message);
    }
}
