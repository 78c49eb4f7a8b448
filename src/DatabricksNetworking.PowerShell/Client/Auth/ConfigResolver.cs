using System;
using System.Collections.Generic;
using System.Linq;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>One resolved configuration attribute and where it came from (for -Verbose).</summary>
    public sealed class ConfigValue
    {
        public ConfigValue(string value, string source) { Value = value; Source = source; }
        public string Value { get; }
        public string Source { get; }
    }

    /// <summary>
    /// The outcome of the Databricks unified-auth chain: explicit parameters, then <c>DATABRICKS_*</c>
    /// environment variables, then a profile of the config file, each filling only what is still unset
    /// (as the Go and Python SDKs do). Secret values are kept here only until the context takes them.
    /// </summary>
    public sealed class ResolvedConfig
    {
        internal Dictionary<string, ConfigValue> Values { get; } = new Dictionary<string, ConfigValue>(StringComparer.OrdinalIgnoreCase);

        public string? Get(string key) => Values.TryGetValue(key, out var v) ? v.Value : null;
        public string? SourceOf(string key) => Values.TryGetValue(key, out var v) ? v.Source : null;

        public string? Host => Get("host");
        public string? AccountId => Get("account_id");
        public string? WorkspaceId => Get("workspace_id");
        public string? Token => Get("token");
        public string? ClientId => Get("client_id");
        public string? ClientSecret => Get("client_secret");
        public string? Profile { get; internal set; }
        public string? ConfigFilePath { get; internal set; }

        /// <summary><c>pat</c> or <c>oauth-m2m</c>: forced by <c>auth_type</c>, otherwise the first strategy whose inputs are present (SDK order).</summary>
        public string? AuthType
        {
            get
            {
                var forced = Get("auth_type");
                if (!string.IsNullOrEmpty(forced)) return forced;
                if (!string.IsNullOrEmpty(Token)) return "pat";
                if (!string.IsNullOrEmpty(ClientId) && !string.IsNullOrEmpty(ClientSecret)) return "oauth-m2m";
                return null;
            }
        }

        /// <summary>A sentence for -Verbose saying where each attribute came from; never the values of secrets.</summary>
        public string Describe()
        {
            var parts = Values
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => IsSecretKey(kv.Key) ? $"{kv.Key} from {kv.Value.Source}" : $"{kv.Key}={kv.Value.Value} from {kv.Value.Source}");
            return $"auth type {AuthType ?? "(none)"}; " + string.Join("; ", parts);
        }

        internal static bool IsSecretKey(string key) =>
            key.Equals("token", StringComparison.OrdinalIgnoreCase) || key.Equals("client_secret", StringComparison.OrdinalIgnoreCase) || key.Equals("password", StringComparison.OrdinalIgnoreCase);
    }

    public sealed class ConfigResolutionException : Exception
    {
        public ConfigResolutionException(string message, string errorId) : base(message) { ErrorId = errorId; }
        public string ErrorId { get; }
    }

    public static class ConfigResolver
    {
        /// <summary>Attribute name → environment variable, as in the SDKs' config struct.</summary>
        public static readonly IReadOnlyDictionary<string, string> EnvVars = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = "DATABRICKS_HOST",
            ["account_id"] = "DATABRICKS_ACCOUNT_ID",
            ["workspace_id"] = "DATABRICKS_WORKSPACE_ID",
            ["token"] = "DATABRICKS_TOKEN",
            ["client_id"] = "DATABRICKS_CLIENT_ID",
            ["client_secret"] = "DATABRICKS_CLIENT_SECRET",
            ["auth_type"] = "DATABRICKS_AUTH_TYPE",
        };

        private static readonly string[] AuthKeys = { "token", "client_id", "client_secret" };

        /// <param name="explicitValues">Values given as cmdlet parameters (null entries are ignored).</param>
        /// <param name="explicitProfile">-Profile, if given.</param>
        /// <param name="env">Environment lookup (injectable for tests).</param>
        /// <param name="loadFile">Loads a config file by path, or null when it does not exist.</param>
        public static ResolvedConfig Resolve(
            IDictionary<string, string?> explicitValues,
            string? explicitProfile,
            Func<string, string?> env,
            Func<string, DatabricksConfigFile?>? loadFile = null)
        {
            loadFile ??= DatabricksConfigFile.TryLoad;
            var cfg = new ResolvedConfig();
            foreach (var kv in explicitValues)
                if (!string.IsNullOrEmpty(kv.Value)) cfg.Values[kv.Key] = new ConfigValue(kv.Value!.Trim(), "parameter -" + ParamName(kv.Key));

            foreach (var kv in EnvVars)
            {
                if (cfg.Values.ContainsKey(kv.Key)) continue;
                var v = env(kv.Value);
                if (!string.IsNullOrEmpty(v)) cfg.Values[kv.Key] = new ConfigValue(v!.Trim(), "environment variable " + kv.Value);
            }

            var profile = explicitProfile;
            var profileSource = "parameter -Profile";
            if (string.IsNullOrEmpty(profile))
            {
                profile = env("DATABRICKS_CONFIG_PROFILE");
                profileSource = "environment variable DATABRICKS_CONFIG_PROFILE";
            }
            var path = DatabricksConfigFile.DefaultPath(env);
            cfg.ConfigFilePath = path;

            bool profileExplicit = !string.IsNullOrEmpty(profile);
            bool authConfigured = AuthKeys.Any(k => cfg.Values.ContainsKey(k));
            bool hostConfigured = cfg.Values.ContainsKey("host");
            if (!profileExplicit && authConfigured && hostConfigured)
                return cfg; // like the SDKs: with host and credentials already given, the file is not consulted

            DatabricksConfigFile? file;
            try { file = loadFile(path); }
            catch (FormatException ex) { throw new ConfigResolutionException("The Databricks config file is malformed: " + ex.Message, "DbxConfigFileInvalid"); }

            if (file == null)
            {
                if (profileExplicit)
                    throw new ConfigResolutionException($"Profile '{profile}' was requested ({profileSource}) but the config file '{path}' does not exist.", "DbxProfileNotFound");
                return cfg;
            }

            if (!profileExplicit)
            {
                if (file.Sections.TryGetValue("__settings__", out var settings) && settings.TryGetValue("default_profile", out var dp) && !string.IsNullOrEmpty(dp))
                { profile = dp; profileSource = "[__settings__] default_profile"; }
                else profile = "DEFAULT";
            }

            if (!file.Sections.TryGetValue(profile!, out var section))
            {
                if (!profileExplicit) return cfg; // no DEFAULT section: nothing to add
                var names = string.Join(", ", file.ProfileNames);
                throw new ConfigResolutionException($"Profile '{profile}' was not found in '{path}'. Profiles in that file: {(names.Length == 0 ? "(none)" : names)}.", "DbxProfileNotFound");
            }

            cfg.Profile = profile;
            foreach (var kv in section)
            {
                var key = kv.Key.ToLowerInvariant();
                if (cfg.Values.ContainsKey(key) || string.IsNullOrEmpty(kv.Value)) continue;
                cfg.Values[key] = new ConfigValue(kv.Value, $"profile [{profile}] in {path}");
            }
            return cfg;
        }

        private static string ParamName(string key) => key switch
        {
            "host" => "Host",
            "account_id" => "AccountId",
            "workspace_id" => "WorkspaceId",
            "token" => "Token",
            "client_id" => "ClientId",
            "client_secret" => "ClientSecret",
            "auth_type" => "AuthType",
            _ => key,
        };
    }
}
