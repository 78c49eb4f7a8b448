using System.Text;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>OAuth client-credentials token endpoints (account and workspace), discovery documents and host metadata.</summary>
public sealed class OAuthArea : IEmulatorArea
{
    public void Map(WebApplication app, EmulatorServices s)
    {
        app.MapGet("/.well-known/databricks-config", (HttpContext http) =>
        {
            var baseUrl = BaseUrl(http);
            var o = new JsonObject { ["cloud"] = "aws", ["host_type"] = "UNIFIED_HOST" };
            lock (s.State.Sync)
            {
                var (ws, wsAccount, unknown) = WorkspaceHosts.Resolve(http, s.State);
                if (unknown != null) return Results.NotFound();
                if (ws != null)
                    return Emu.Json(new JsonObject
                    {
                        ["cloud"] = "aws", ["host_type"] = "WORKSPACE_HOST", ["account_id"] = wsAccount!.AccountId,
                        ["workspace_id"] = ws.WorkspaceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["oidc_endpoint"] = baseUrl + "/oidc",
                        ["token_federation_default_oidc_audiences"] = new JsonArray(baseUrl + "/oidc/v1/token"),
                    });
                if (s.State.Accounts.Count == 1)
                {
                    var id = s.State.Accounts.Keys.First();
                    o["account_id"] = id;
                    o["oidc_endpoint"] = $"{baseUrl}/oidc/accounts/{id}";
                }
                else o["oidc_endpoint"] = baseUrl + "/oidc/accounts/{account_id}";
            }
            return Emu.Json(o);
        });

        app.MapGet("/oidc/accounts/{accountId}/.well-known/oauth-authorization-server", (HttpContext http, string accountId) =>
        {
            lock (s.State.Sync)
                if (!s.State.Accounts.ContainsKey(accountId)) return Results.NotFound();
            var b = $"{BaseUrl(http)}/oidc/accounts/{accountId}";
            return Emu.Json(Discovery(b));
        });
        app.MapGet("/oidc/.well-known/oauth-authorization-server", (HttpContext http) => Emu.Json(Discovery(BaseUrl(http) + "/oidc")));

        app.MapGet("/oidc/accounts/{accountId}/v1/authorize", (HttpContext http, string accountId) =>
        {
            lock (s.State.Sync)
                if (!s.State.Accounts.ContainsKey(accountId)) return OAuthError(400, "invalid_request", $"Account {accountId} does not exist.");
            return OAuthFlows.Authorize(http, s, accountId);
        });
        app.MapGet("/oidc/v1/authorize", (HttpContext http) => OAuthFlows.Authorize(http, s, null));

        app.MapPost("/oidc/accounts/{accountId}/v1/token", async (HttpContext http, string accountId) =>
        {
            AccountState? account;
            lock (s.State.Sync) s.State.Accounts.TryGetValue(accountId, out account);
            if (account == null) return OAuthError(400, "invalid_request", $"Account {accountId} does not exist.");
            return await Issue(http, s, account, null);
        });

        app.MapPost("/oidc/v1/token", async (HttpContext http) =>
        {
            // A classic workspace host (<deployment_name>.localhost) names its workspace by host, as on the real service;
            // the unified host needs a routing header.
            long wsId;
            AccountState? account;
            WorkspaceState? hostWs;
            string? unknown;
            lock (s.State.Sync) (hostWs, account, unknown) = WorkspaceHosts.Resolve(http, s.State);
            if (unknown != null) return OAuthError(400, "invalid_request", $"No workspace has the deployment name '{unknown}'.");
            if (hostWs != null) return await Issue(http, s, account!, hostWs.WorkspaceId);
            var idText = http.Request.Headers[Auth.OrgIdHeader].ToString();
            if (string.IsNullOrEmpty(idText)) idText = http.Request.Headers[Auth.WorkspaceIdHeader].ToString();
            if (!long.TryParse(idText, out wsId))
                return OAuthError(400, "invalid_request", $"Name the workspace with the {Auth.OrgIdHeader} header, use the workspace's own host (http://<deployment_name>.localhost:<port>), or use the account token endpoint.");
            lock (s.State.Sync) account = s.State.AccountOfWorkspace(wsId);
            if (account == null) return OAuthError(400, "invalid_request", $"Workspace {wsId} does not exist.");
            return await Issue(http, s, account, wsId);
        });
    }

    private static JsonObject Discovery(string b) => new()
    {
        ["issuer"] = b,
        ["authorization_endpoint"] = b + "/v1/authorize",
        ["token_endpoint"] = b + "/v1/token",
        ["grant_types_supported"] = new JsonArray("client_credentials", "authorization_code", "refresh_token", OAuthFlows.TokenExchangeGrant),
        ["code_challenge_methods_supported"] = new JsonArray("S256"),
        ["response_types_supported"] = new JsonArray("code"),
    };

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    internal static IResult OAuthError(int status, string error, string description) =>
        Emu.Json(new JsonObject { ["error"] = error, ["error_description"] = description }, status);

    private static async Task<IResult> Issue(HttpContext http, EmulatorServices s, AccountState account, long? workspaceId)
    {
        if (!http.Request.HasFormContentType) return OAuthError(400, "invalid_request", "Expected application/x-www-form-urlencoded.");
        var form = await http.Request.ReadFormAsync();
        var grant = form["grant_type"].ToString();
        if (grant == "authorization_code") return OAuthFlows.RedeemCode(s, account, workspaceId, form);
        if (grant == "refresh_token") return OAuthFlows.RefreshToken(s, account, workspaceId, form);
        if (grant == OAuthFlows.TokenExchangeGrant) return OAuthFlows.Exchange(s, account, workspaceId, form, BaseUrl(http));
        if (grant != "client_credentials")
            return OAuthError(400, "unsupported_grant_type", $"grant_type '{form["grant_type"]}' is not supported here.");
        string? id = null, secret = null;
        var auth = http.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth.Substring(6).Trim()));
                var colon = decoded.IndexOf(':');
                if (colon > 0) { id = Uri.UnescapeDataString(decoded[..colon]); secret = Uri.UnescapeDataString(decoded[(colon + 1)..]); }
            }
            catch (FormatException) { }
        }
        id ??= form["client_id"].ToString();
        secret ??= form["client_secret"].ToString();
        Principal? principal;
        lock (s.State.Sync)
        {
            if (string.IsNullOrEmpty(id) || !account.ClientSecrets.TryGetValue(id, out var expected) || expected != secret)
                return OAuthError(401, "invalid_client", "Client authentication failed");
            principal = account.Principals[id];
            return Emu.Json(NewAccessToken(s, principal, workspaceId, form["scope"].ToString()));
        }
    }

    /// <summary>Issues an OAuth access token (caller holds the state lock).</summary>
    internal static JsonObject NewAccessToken(EmulatorServices s, Principal principal, long? workspaceId, string? scope)
    {
        var token = "eyJemu." + Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        s.State.Tokens[token] = new TokenInfo
        {
            Principal = principal,
            WorkspaceId = workspaceId,
            IsOAuth = true,
            ExpiresAt = s.Clock().AddSeconds(s.Options.TokenTtlSeconds),
        };
        return new JsonObject
        {
            ["access_token"] = token,
            ["token_type"] = "Bearer",
            ["expires_in"] = s.Options.TokenTtlSeconds,
            ["scope"] = string.IsNullOrEmpty(scope) ? "all-apis" : scope,
        };
    }
}
