using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

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

        /// <summary>The environment the chain was resolved from (env-oidc reads the variable it names).</summary>
        internal Func<string, string?> Env { get; set; } = _ => null;

        /// <summary>True when the databricks CLI token cache holds a token for this host or profile (databricks-cli).</summary>
        internal Func<ResolvedConfig, bool> HasCliToken { get; set; } = _ => false;

        /// <summary>True when a file exists and is not empty (file-oidc); injectable for tests.</summary>
        internal Func<string, bool> FileHasContent { get; set; } = DefaultFileHasContent;

        public string? Get(string key) => Values.TryGetValue(key, out var v) ? v.Value : null;
        public string? SourceOf(string key) => Values.TryGetValue(key, out var v) ? v.Source : null;

        /// <summary>Sets an attribute that is still unset (host metadata, ids from the host URL's query); false when it was set.</summary>
        public bool FillIfUnset(string key, string? value, string source)
        {
            if (string.IsNullOrEmpty(value) || Values.ContainsKey(key)) return false;
            Values[key] = new ConfigValue(value!, source);
            return true;
        }

        internal void Set(string key, string value, string source) => Values[key] = new ConfigValue(value, source);

        public string? Host => Get("host");
        public string? AccountId => Get("account_id");
        public string? WorkspaceId => Get("workspace_id");
        public string? Token => Get("token");
        public string? ClientId => Get("client_id");
        public string? ClientSecret => Get("client_secret");
        public string? Profile { get; internal set; }
        public string? ConfigFilePath { get; internal set; }

        /// <summary>
        /// The SDK name of the sign-in method: forced by <c>auth_type</c>, otherwise the first strategy of the SDKs'
        /// default chain whose inputs are present. Order and preconditions (databricks-sdk-go config/auth_default.go
        /// DefaultCredentials, and each strategy's Configure):
        /// <code>
        ///  1. pat               token                                   (auth_pat.go)
        ///  2. basic             username + password + host              (auth_basic.go)
        ///  3. oauth-m2m         client_id + client_secret               (auth_m2m.go)
        ///  4. databricks-cli    host + a token of the databricks CLI cache for this profile/host (auth_u2m.go)
        ///  5. metadata-service  metadata_service_url + host             (auth_metadata_service.go; not supported here)
        ///  6. github-oidc       actions_id_token_request_url + actions_id_token_request_token + host
        ///                       (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN; auth_oidc.go, oidc/github.go)
        ///  7. azure-devops-oidc SYSTEM_ACCESSTOKEN + SYSTEM_OIDCREQUESTURI + host (not supported here)
        ///  8. env-oidc          the variable named by oidc_token_env (default DATABRICKS_OIDC_TOKEN) is set, + host
        ///  9. file-oidc         oidc_token_filepath names a non-empty file, + host
        /// 10. azure-client-secret / google-credentials (Azure, GCP: not supported by this AWS module)
        /// </code>
        /// Sources, highest first: cmdlet parameters, DATABRICKS_* environment variables (<see cref="ConfigResolver.EnvVars"/>),
        /// then the profile of ~/.databrickscfg — which is read only when a profile is named or neither a host nor any
        /// credential is set yet. <c>external-browser</c> is never chosen by the chain (as in the SDKs): only by auth_type.
        /// </summary>
        public string? AuthType
        {
            get
            {
                var forced = Get("auth_type");
                if (!string.IsNullOrEmpty(forced)) return forced;
                bool host = Has("host");
                if (Has("token")) return "pat";
                if (Has("username") && Has("password") && host) return "basic";
                if (Has("client_id") && Has("client_secret")) return "oauth-m2m";
                if (host && HasCliToken(this)) return "databricks-cli";
                if (Has("metadata_service_url") && host) return "metadata-service";
                if (host && Has("actions_id_token_request_url") && Has("actions_id_token_request_token")) return "github-oidc";
                if (host && !string.IsNullOrEmpty(Env("SYSTEM_ACCESSTOKEN")) && !string.IsNullOrEmpty(Env("SYSTEM_OIDCREQUESTURI"))) return "azure-devops-oidc";
                if (host && !string.IsNullOrEmpty(Env(OidcTokenVariable))) return "env-oidc";
                if (host && Has("oidc_token_filepath") && FileHasContent(Get("oidc_token_filepath")!)) return "file-oidc";
                if (Has("azure_client_secret") && Has("azure_client_id") && Has("azure_tenant_id")) return "azure-client-secret";
                if (Has("google_credentials")) return "google-credentials";
                return null;
            }
        }

        /// <summary>The environment variable env-oidc reads: <c>oidc_token_env</c>, default <c>DATABRICKS_OIDC_TOKEN</c>.</summary>
        public string OidcTokenVariable => Get("oidc_token_env") is { Length: > 0 } v ? v : "DATABRICKS_OIDC_TOKEN";

        private bool Has(string key) => !string.IsNullOrEmpty(Get(key));

        /// <summary>A sentence for -Verbose saying where each attribute came from; never the values of secrets.</summary>
        public string Describe()
        {
            var parts = Values
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => IsSecretKey(kv.Key) ? $"{kv.Key} from {kv.Value.Source}" : $"{kv.Key}={MaskUserInfo(kv.Value.Value)} from {kv.Value.Source}");
            return $"auth type {AuthType ?? "(none)"}; " + string.Join("; ", parts);
        }

        /// <summary>
        /// Keys whose values are secrets: the SDKs' sensitive attributes (token, password, client_secret,
        /// azure_client_secret, google_credentials, metadata_service_url) and, to be safe with keys this module does
        /// not know, any key ending in <c>_secret</c>, <c>_token</c>, <c>_password</c> or <c>_credentials</c>.
        /// </summary>
        public static bool IsSecretKey(string key)
        {
            var k = key.ToLowerInvariant();
            return k == "token" || k == "password" || k == "client_secret" || k == "azure_client_secret" || k == "google_credentials"
                || k == "metadata_service_url" || k == "secret" || k == "credentials"
                || k.EndsWith("_secret", StringComparison.Ordinal) || k.EndsWith("_token", StringComparison.Ordinal)
                || k.EndsWith("_password", StringComparison.Ordinal) || k.EndsWith("_credentials", StringComparison.Ordinal);
        }

        private static readonly Regex UserInfo = new Regex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?<info>[^/@\s]+)@", RegexOptions.CultureInvariant);

        /// <summary>The user info of every URL in a value (<c>https://user:pass@host</c>), replaced by <c>***</c>.</summary>
        public static string MaskUserInfo(string value) => UserInfo.Replace(value, m => m.Groups["scheme"].Value + "***@");

        /// <summary>The secret parts of every value (secret keys whole, user info of URLs), for <see cref="SecretRegistry"/>.</summary>
        internal IEnumerable<string> SecretValues()
        {
            foreach (var kv in Values)
            {
                if (IsSecretKey(kv.Key)) { yield return kv.Value.Value; continue; }
                foreach (Match m in UserInfo.Matches(kv.Value.Value))
                {
                    var info = m.Groups["info"].Value;
                    yield return info;
                    var colon = info.IndexOf(':');
                    if (colon >= 0 && colon < info.Length - 1) yield return info.Substring(colon + 1);
                }
            }
        }

        /// <summary>Registers every secret value of this configuration with <see cref="SecretRegistry"/>.</summary>
        public void RegisterSecrets()
        {
            foreach (var s in SecretValues()) SecretRegistry.Register(s);
        }

        private static bool DefaultFileHasContent(string path)
        {
            try { return File.Exists(path) && new FileInfo(path).Length > 0; }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException) { return false; }
        }
    }

    public sealed class ConfigResolutionException : Exception
    {
        public ConfigResolutionException(string message, string errorId) : base(message) { ErrorId = errorId; }
        public string ErrorId { get; }
    }

    public static class ConfigResolver
    {
        /// <summary>
        /// Attribute name → environment variable, as databricks-sdk-go config/config.go tags them (<c>name</c>/<c>env</c>)
        /// and databricks-sdk-py config.py names them. Where the two SDKs name an attribute differently, the Python name
        /// is the key here and the Go name is read from profiles as an alias (<see cref="ProfileAliases"/>).
        /// </summary>
        public static readonly IReadOnlyDictionary<string, string> EnvVars = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = "DATABRICKS_HOST",
            ["account_id"] = "DATABRICKS_ACCOUNT_ID",
            ["workspace_id"] = "DATABRICKS_WORKSPACE_ID",
            ["token"] = "DATABRICKS_TOKEN",
            ["username"] = "DATABRICKS_USERNAME",
            ["password"] = "DATABRICKS_PASSWORD",
            ["client_id"] = "DATABRICKS_CLIENT_ID",
            ["client_secret"] = "DATABRICKS_CLIENT_SECRET",
            ["auth_type"] = "DATABRICKS_AUTH_TYPE",
            ["metadata_service_url"] = "DATABRICKS_METADATA_SERVICE_URL",
            ["databricks_cli_path"] = "DATABRICKS_CLI_PATH",
            ["oidc_token_env"] = "DATABRICKS_OIDC_TOKEN_ENV",
            ["oidc_token_filepath"] = "DATABRICKS_OIDC_TOKEN_FILEPATH",
            ["token_audience"] = "DATABRICKS_TOKEN_AUDIENCE",
            ["actions_id_token_request_url"] = "ACTIONS_ID_TOKEN_REQUEST_URL",
            ["actions_id_token_request_token"] = "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            ["discovery_url"] = "DATABRICKS_DISCOVERY_URL",
            ["oauth_callback_port"] = "DATABRICKS_OAUTH_CALLBACK_PORT",
            ["disable_oauth_refresh_token"] = "DATABRICKS_DISABLE_OAUTH_REFRESH_TOKEN",
            ["cloud"] = "DATABRICKS_CLOUD",
            ["google_service_account"] = "DATABRICKS_GOOGLE_SERVICE_ACCOUNT",
            ["google_credentials"] = "GOOGLE_CREDENTIALS",
            ["azure_workspace_resource_id"] = "DATABRICKS_AZURE_RESOURCE_ID",
            ["azure_use_msi"] = "ARM_USE_MSI",
            ["azure_client_secret"] = "ARM_CLIENT_SECRET",
            ["azure_client_id"] = "ARM_CLIENT_ID",
            ["azure_tenant_id"] = "ARM_TENANT_ID",
        };

        /// <summary>Older environment variable names still read (databricks-sdk-py: DATABRICKS_OIDC_TOKEN_FILE).</summary>
        private static readonly IReadOnlyDictionary<string, string> EnvAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["oidc_token_filepath"] = "DATABRICKS_OIDC_TOKEN_FILE",
        };

        /// <summary>Go SDK attribute names that differ from the Python ones (a profile written for either works).</summary>
        public static readonly IReadOnlyDictionary<string, string> ProfileAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["databricks_id_token_filepath"] = "oidc_token_filepath",
            ["audience"] = "token_audience",
        };

        /// <summary>
        /// Attribute → the SDKs' auth group (config.go <c>auth:</c> tags). Two groups at once without auth_type is an error.
        /// </summary>
        private static readonly IReadOnlyDictionary<string, string> AuthGroups = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["token"] = "pat",
            ["username"] = "basic",
            ["password"] = "basic",
            ["client_id"] = "oauth",
            ["client_secret"] = "oauth",
            ["metadata_service_url"] = "metadata-service",
            ["oidc_token_env"] = "env-oidc",
            ["oidc_token_filepath"] = "file-oidc",
            ["google_service_account"] = "google",
            ["google_credentials"] = "google",
            ["azure_workspace_resource_id"] = "azure",
            ["azure_use_msi"] = "azure",
            ["azure_client_secret"] = "azure",
            ["azure_client_id"] = "azure",
            ["azure_tenant_id"] = "azure",
        };

        /// <summary>
        /// How the chain learns whether the databricks CLI's token cache holds a token for a configuration's profile or
        /// host (the databricks-cli step). Null: never (the sign-in method that reads the cache sets it).
        /// </summary>
        public static Func<ResolvedConfig, bool>? DefaultCliTokenProbe { get; set; }

        /// <param name="explicitValues">Values given as cmdlet parameters (null entries are ignored).</param>
        /// <param name="explicitProfile">-Profile, if given.</param>
        /// <param name="env">Environment lookup (injectable for tests).</param>
        /// <param name="loadFile">Loads a config file by path, or null when it does not exist.</param>
        /// <param name="hasCliToken">Whether the databricks CLI token cache holds a token for the resolved host/profile (databricks-cli in the chain).</param>
        public static ResolvedConfig Resolve(
            IDictionary<string, string?> explicitValues,
            string? explicitProfile,
            Func<string, string?> env,
            Func<string, DatabricksConfigFile?>? loadFile = null,
            Func<ResolvedConfig, bool>? hasCliToken = null)
        {
            loadFile ??= DatabricksConfigFile.TryLoad;
            var cfg = new ResolvedConfig { Env = env };
            var probe = hasCliToken ?? DefaultCliTokenProbe;
            if (probe != null) cfg.HasCliToken = probe;
            foreach (var kv in explicitValues)
                if (!string.IsNullOrEmpty(kv.Value)) cfg.Values[kv.Key] = new ConfigValue(kv.Value!.Trim(), "parameter -" + ParamName(kv.Key));

            foreach (var kv in EnvVars)
            {
                if (cfg.Values.ContainsKey(kv.Key)) continue;
                var name = kv.Value;
                var v = env(name);
                if (string.IsNullOrEmpty(v) && EnvAliases.TryGetValue(kv.Key, out var alias)) { name = alias; v = env(alias); }
                if (!string.IsNullOrEmpty(v)) cfg.Values[kv.Key] = new ConfigValue(v!.Trim(), "environment variable " + name);
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
            // databricks-sdk-go config/config_file.go:72 and databricks-sdk-py config.py _known_file_config_loader: without a
            // named profile the file is skipped when ANY credential or a host is already set, so a token from the environment
            // is never paired with a profile's host, nor a profile's token with the environment's host.
            if (!profileExplicit && (AuthGroups.Keys.Any(k => cfg.Values.ContainsKey(k)) || cfg.Values.ContainsKey("host")))
            {
                Validate(cfg);
                return cfg;
            }

            if (profileExplicit && profile == DatabricksConfigFile.SettingsSection)
                throw new ConfigResolutionException($"{DatabricksConfigFile.SettingsSection} is a reserved section name and cannot be used as a profile ({profileSource}).", "DbxProfileNotFound");

            DatabricksConfigFile? file;
            try { file = loadFile(path); }
            catch (FormatException ex) { throw new ConfigResolutionException("The Databricks config file is malformed: " + ex.Message, "DbxConfigFileInvalid"); }

            if (file == null)
            {
                if (profileExplicit)
                    throw new ConfigResolutionException($"Profile '{profile}' was requested ({profileSource}) but the config file '{path}' does not exist.", "DbxProfileNotFound");
                Validate(cfg);
                return cfg;
            }

            // config_file.go resolveProfile: a named profile, else [__settings__] default_profile (both must exist), else
            // [DEFAULT] as a fallback that may be missing.
            bool fallback = false;
            if (!profileExplicit)
            {
                if (file.Sections.TryGetValue(DatabricksConfigFile.SettingsSection, out var settings) && settings.TryGetValue("default_profile", out var dp) && !string.IsNullOrWhiteSpace(dp))
                {
                    profile = dp.Trim();
                    profileSource = $"[{DatabricksConfigFile.SettingsSection}] default_profile";
                    if (profile == DatabricksConfigFile.SettingsSection)
                        throw new ConfigResolutionException($"{DatabricksConfigFile.SettingsSection} is a reserved section name and cannot be used as a profile ({profileSource} in {path}).", "DbxProfileNotFound");
                }
                else { profile = "DEFAULT"; fallback = true; }
            }

            if (!file.Sections.TryGetValue(profile!, out var section) || section.Count == 0)
            {
                if (fallback) { Validate(cfg); return cfg; } // no DEFAULT section: nothing to add
                var names = string.Join(", ", file.ProfileNames);
                throw new ConfigResolutionException($"Profile '{profile}' ({profileSource}) was not found in '{path}'. Profiles in that file: {(names.Length == 0 ? "(none)" : names)}.", "DbxProfileNotFound");
            }

            cfg.Profile = profile;
            foreach (var kv in section)
            {
                var key = kv.Key.ToLowerInvariant();
                if (ProfileAliases.TryGetValue(key, out var canonical)) key = canonical;
                if (cfg.Values.ContainsKey(key) || string.IsNullOrEmpty(kv.Value)) continue;
                cfg.Values[key] = new ConfigValue(kv.Value, $"profile [{profile}] in {path}");
            }
            Validate(cfg);
            return cfg;
        }

        /// <summary>
        /// databricks-sdk-go config/config_attributes.go Validate (and databricks-sdk-py Config._validate): attributes of
        /// more than one auth group without auth_type is an error naming the groups (sorted, joined by " and ").
        /// </summary>
        private static void Validate(ResolvedConfig cfg)
        {
            if (!string.IsNullOrEmpty(cfg.Get("auth_type"))) return;
            var used = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var kv in cfg.Values)
            {
                if (!AuthGroups.TryGetValue(kv.Key, out var group) || string.IsNullOrEmpty(kv.Value.Value)) continue;
                if (!used.TryGetValue(group, out var list)) used[group] = list = new List<string>();
                list.Add($"{kv.Key.ToLowerInvariant()} from {kv.Value.Source}");
            }
            if (used.Count <= 1) return;
            var detail = string.Join("; ", used.Select(g => g.Key + ": " + string.Join(", ", g.Value.OrderBy(x => x, StringComparer.Ordinal))));
            throw new ConfigResolutionException(
                $"more than one authorization method configured: {string.Join(" and ", used.Keys)} ({detail}). " +
                "Remove one of them, or choose one with auth_type (DATABRICKS_AUTH_TYPE or auth_type in the profile).",
                "DbxMultipleAuthMethods");
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
