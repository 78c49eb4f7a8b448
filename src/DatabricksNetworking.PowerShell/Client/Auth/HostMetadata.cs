using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>What a host says about itself at <c>/.well-known/databricks-config</c>.</summary>
    public enum DbxHostType { Unknown, Workspace, Account, Unified }

    /// <summary>
    /// The host metadata document (databricks-sdk-go config/host_metadata.go, config.go resolveHostMetadata;
    /// databricks-sdk-py config.py): <c>host_type</c>, <c>account_id</c>, <c>workspace_id</c>, <c>cloud</c>,
    /// <c>oidc_endpoint</c>, <c>token_federation_default_oidc_audiences</c>. Read once at connect time, without any
    /// credential, with a short timeout; a host that does not answer leaves the configuration as it was.
    /// </summary>
    public sealed class HostMetadata
    {
        public DbxHostType HostType { get; private set; }
        public string? AccountId { get; private set; }
        public string? WorkspaceId { get; private set; }
        public string? Cloud { get; private set; }
        public string? OidcEndpoint { get; private set; }
        public IReadOnlyList<string> TokenAudiences { get; private set; } = Array.Empty<string>();
        public Uri Url { get; private set; } = null!;

        /// <summary>How long connecting waits for the document (a host without one usually answers 404 at once).</summary>
        public static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

        public static Uri UrlOf(Uri host) => new Uri(host, "/.well-known/databricks-config");

        /// <summary>Parses the document; null when it is not a JSON object.</summary>
        public static HostMetadata? Parse(Uri url, byte[] body)
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                var r = doc.RootElement;
                if (r.ValueKind != JsonValueKind.Object) return null;
                var m = new HostMetadata { Url = url };
                m.HostType = ParseHostType(Str(r, "host_type"));
                m.AccountId = Str(r, "account_id");
                m.WorkspaceId = Str(r, "workspace_id");
                m.Cloud = Str(r, "cloud");
                m.OidcEndpoint = Str(r, "oidc_endpoint");
                if (r.TryGetProperty("token_federation_default_oidc_audiences", out var a) && a.ValueKind == JsonValueKind.Array)
                {
                    var list = new List<string>();
                    foreach (var e in a.EnumerateArray()) if (e.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(e.GetString())) list.Add(e.GetString()!);
                    m.TokenAudiences = list;
                }
                return m;
            }
            catch (JsonException) { return null; }
        }

        /// <summary>config.go normalizeHostType: WORKSPACE_HOST/workspace, ACCOUNT_HOST/account, UNIFIED_HOST/unified.</summary>
        public static DbxHostType ParseHostType(string? text)
        {
            switch ((text ?? "").Trim().ToLowerInvariant())
            {
                case "workspace": case "workspace_host": return DbxHostType.Workspace;
                case "account": case "account_host": return DbxHostType.Account;
                case "unified": case "unified_host": return DbxHostType.Unified;
                default: return DbxHostType.Unknown;
            }
        }

        private static string? Str(JsonElement r, string name)
        {
            if (!r.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind == JsonValueKind.String) return string.IsNullOrEmpty(v.GetString()) ? null : v.GetString();
            if (v.ValueKind == JsonValueKind.Number) return v.GetRawText();
            return null;
        }

        /// <summary>
        /// GETs the document: no Authorization or routing header, no redirects followed, at most <see cref="Timeout"/>.
        /// Returns the metadata (or null) and a sentence for -Verbose saying what was found.
        /// </summary>
        public static async Task<(HostMetadata? Metadata, string Note)> FetchAsync(Uri host, HttpMessageInvoker invoker, CancellationToken ct)
        {
            var url = UrlOf(host);
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(Timeout);
                using var req = new HttpRequestMessage(HttpMethod.Get, url);
                req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using var resp = await invoker.SendAsync(req, cts.Token).ConfigureAwait(false);
                var status = (int)resp.StatusCode;
                if (!resp.IsSuccessStatusCode) return (null, $"Host metadata: {url} answered HTTP {status}; the host type is inferred from its name.");
                var body = resp.Content == null ? Array.Empty<byte>() : await resp.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                var m = body.Length > 1024 * 1024 ? null : Parse(url, body);
                if (m == null) return (null, $"Host metadata: {url} did not answer a JSON document; the host type is inferred from its name.");
                return (m, "Host metadata from " + url + ": " + m.Describe());
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && (ex is HttpRequestException || ex is TaskCanceledException || ex is OperationCanceledException || ex is System.IO.IOException))
            {
                return (null, $"Host metadata: {url} did not answer ({(ex is OperationCanceledException ? "no answer within " + Timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s" : ex.Message)}); the host type is inferred from its name.");
            }
        }

        public string Describe()
        {
            var parts = new List<string> { "host_type " + (HostType == DbxHostType.Unknown ? "(not given)" : HostType.ToString().ToUpperInvariant() + "_HOST") };
            if (AccountId != null) parts.Add("account_id " + AccountId);
            if (WorkspaceId != null) parts.Add("workspace_id " + WorkspaceId);
            if (Cloud != null) parts.Add("cloud " + Cloud);
            if (OidcEndpoint != null) parts.Add("oidc_endpoint " + OidcEndpoint);
            return string.Join(", ", parts);
        }

        /// <summary>
        /// config.go resolveHostMetadata: fills account_id, workspace_id, cloud and token_audience that are still unset
        /// (never overwrites). Returns the names of the attributes filled.
        /// </summary>
        public IList<string> ApplyTo(ResolvedConfig cfg)
        {
            var filled = new List<string>();
            var source = "host metadata " + Url;
            if (cfg.FillIfUnset("account_id", AccountId, source)) filled.Add("account_id");
            if (cfg.FillIfUnset("workspace_id", WorkspaceId, source)) filled.Add("workspace_id");
            if (cfg.FillIfUnset("cloud", Cloud, source)) filled.Add("cloud");
            if (TokenAudiences.Count > 0 && cfg.FillIfUnset("token_audience", TokenAudiences[0], source)) filled.Add("token_audience");
            else if (WorkspaceId == null && cfg.AccountId != null && cfg.FillIfUnset("token_audience", cfg.AccountId, source + " (account host: the account id)")) filled.Add("token_audience");
            return filled;
        }
    }
}
