using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>One U2M token as the Databricks CLI caches it (golang.org/x/oauth2 Token JSON).</summary>
    public sealed class CachedToken
    {
        public CachedToken(string accessToken, string? tokenType, string? refreshToken, DateTimeOffset? expiry)
        {
            AccessToken = accessToken; TokenType = string.IsNullOrEmpty(tokenType) ? "Bearer" : tokenType!; RefreshToken = refreshToken; Expiry = expiry;
            SecretRegistry.Register(accessToken);
            SecretRegistry.Register(refreshToken);
        }
        public string AccessToken { get; }
        public string TokenType { get; }
        public string? RefreshToken { get; }
        public DateTimeOffset? Expiry { get; }
        /// <summary>The cache key it was found under.</summary>
        public string? Key { get; internal set; }
        public override string ToString() => "cached token" + (Expiry.HasValue ? " expiring " + Expiry.Value.ToString("u", CultureInfo.InvariantCulture) : "");
    }

    /// <summary>
    /// The Databricks CLI's plaintext token cache, <c>~/.databricks/token-cache.json</c> (databricks/cli
    /// libs/auth/storage/filestore.go): <c>{"version": 1, "tokens": {"&lt;key&gt;": {access_token, token_type,
    /// refresh_token, expiry}}}</c>, keyed by profile name and by host key (<c>https://host</c> for a workspace,
    /// <c>https://host/oidc/accounts/&lt;id&gt;</c> for an account; the CLI writes both). Entries are updated in place:
    /// unknown fields and other entries are kept, the file is replaced atomically and created owner-only
    /// (directory 0700, file 0600 on Unix; on Windows the file inherits the user profile's ACL, which grants only the
    /// user, SYSTEM and Administrators — netstandard2.0 cannot set an ACL without the Windows-only access-control package).
    /// </summary>
    public sealed class DatabricksTokenCache
    {
        public const int Version = 1;
        private static readonly object FileGate = new object();

        public DatabricksTokenCache(string path) { Path = path; }
        public string Path { get; }

        /// <summary>The CLI's location: the home directory (HOME, or USERPROFILE on Windows) + .databricks/token-cache.json.</summary>
        public static string DefaultPath(Func<string, string?> env)
        {
            var home = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? env("USERPROFILE") ?? env("HOME") : env("HOME");
            if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return System.IO.Path.Combine(home!, ".databricks", "token-cache.json");
        }

        private JsonObject? Load()
        {
            if (!File.Exists(Path)) return null;
            JsonObject? root;
            try { root = JsonNode.Parse(File.ReadAllText(Path, Encoding.UTF8)) as JsonObject; }
            catch (JsonException ex) { throw new ConfigResolutionException($"The Databricks CLI token cache '{Path}' is not valid JSON: {ex.Message}", "DbxTokenCacheInvalid"); }
            if (root == null) throw new ConfigResolutionException($"The Databricks CLI token cache '{Path}' is not a JSON object.", "DbxTokenCacheInvalid");
            var version = root["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
            if (version != Version)
                throw new ConfigResolutionException($"The Databricks CLI token cache '{Path}' has version {version}; this module reads version {Version}. Run 'databricks auth login' with a matching CLI, or move the file away.", "DbxTokenCacheInvalid");
            return root;
        }

        /// <summary>The first entry found under one of <paramref name="keys"/>, or null.</summary>
        public CachedToken? Lookup(IEnumerable<string> keys)
        {
            lock (FileGate)
            {
                var root = Load();
                if (root?["tokens"] is not JsonObject tokens) return null;
                foreach (var key in keys)
                {
                    if (tokens[key] is not JsonObject e) continue;
                    var access = Str(e, "access_token");
                    if (string.IsNullOrEmpty(access) && string.IsNullOrEmpty(Str(e, "refresh_token"))) continue;
                    return new CachedToken(access ?? "", Str(e, "token_type"), Str(e, "refresh_token"), ParseExpiry(Str(e, "expiry"))) { Key = key };
                }
                return null;
            }
        }

        /// <summary>Writes <paramref name="token"/> under every key, keeping other entries and unknown fields.</summary>
        public void Store(IEnumerable<string> keys, CachedToken token)
        {
            lock (FileGate)
            {
                var root = Load() ?? new JsonObject { ["version"] = Version, ["tokens"] = new JsonObject() };
                if (root["tokens"] is not JsonObject tokens) root["tokens"] = tokens = new JsonObject();
                foreach (var key in keys.Distinct(StringComparer.Ordinal))
                {
                    if (tokens[key] is not JsonObject e) tokens[key] = e = new JsonObject();
                    e["access_token"] = token.AccessToken;
                    e["token_type"] = token.TokenType;
                    if (!string.IsNullOrEmpty(token.RefreshToken)) e["refresh_token"] = token.RefreshToken;
                    if (token.Expiry.HasValue)
                    {
                        e["expiry"] = FormatExpiry(token.Expiry.Value);
                        if (e.ContainsKey("expires_in"))
                            e["expires_in"] = Math.Max(0, (long)(token.Expiry.Value - DateTimeOffset.UtcNow).TotalSeconds);
                    }
                    else e.Remove("expiry");
                }
                Write(root);
            }
        }

        /// <summary>Removes the entries under <paramref name="keys"/>; true when one was removed.</summary>
        public bool Delete(IEnumerable<string> keys)
        {
            lock (FileGate)
            {
                var root = Load();
                if (root?["tokens"] is not JsonObject tokens) return false;
                var removed = false;
                foreach (var key in keys) removed |= tokens.Remove(key);
                if (removed) Write(root);
                return removed;
            }
        }

        private void Write(JsonObject root)
        {
            var dir = System.IO.Path.GetDirectoryName(Path)!;
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir);
                SetUnixMode(dir, 0x1C0); // 0700
            }
            var tmp = System.IO.Path.Combine(dir, ".token-cache-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    SetUnixMode(tmp, 0x180); // 0600, before any secret is written
                    var bytes = new UTF8Encoding(false).GetBytes(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                    fs.Write(bytes, 0, bytes.Length);
                }
                if (File.Exists(Path)) File.Replace(tmp, Path, null);
                else File.Move(tmp, Path);
            }
            finally { if (File.Exists(tmp)) File.Delete(tmp); }
        }

        private static readonly MethodInfo? SetUnixFileMode =
            typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), Type.GetType("System.IO.UnixFileMode") ?? typeof(object) });

        /// <summary>chmod through File.SetUnixFileMode (.NET 7+), found by reflection; a no-op on Windows and older runtimes.</summary>
        internal static void SetUnixMode(string path, int mode)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || SetUnixFileMode == null) return;
            var enumType = SetUnixFileMode.GetParameters()[1].ParameterType;
            try { SetUnixFileMode.Invoke(null, new[] { path, Enum.ToObject(enumType, mode) }); }
            catch (TargetInvocationException ex) { DbxLog.Verbose($"Could not restrict the permissions of {path}: {ex.InnerException?.Message}"); }
        }

        private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

        private static readonly Regex LongFraction = new Regex(@"(\.\d{7})\d+", RegexOptions.CultureInvariant);

        /// <summary>Go's RFC 3339 with up to nanoseconds; the zero time (year 1) means "no expiry".</summary>
        internal static DateTimeOffset? ParseExpiry(string? text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            var t = LongFraction.Replace(text, "$1");
            if (!DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)) return null;
            return d.Year <= 1 ? (DateTimeOffset?)null : d;
        }

        internal static string FormatExpiry(DateTimeOffset d) => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    }
}
