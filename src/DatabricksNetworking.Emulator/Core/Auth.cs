using System.Net;
using System.Text.Json.Nodes;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>Bearer-token authentication for /api/ paths, with the account/workspace routing of a unified host.</summary>
public static class Auth
{
    public const string OrgIdHeader = "X-Databricks-Org-Id";
    public const string WorkspaceIdHeader = "X-Databricks-Workspace-Id";

    public const string InvalidAccessToken = "Invalid access token.";

    /// <summary>Databricks personal access tokens start with <c>dapi</c> (the seeds' too); OAuth access tokens are JWTs.</summary>
    public static bool IsPersonalAccessToken(string token) => token.StartsWith("dapi", StringComparison.Ordinal);

    /// <summary>Where the redirect points: the Terraform provider's troubleshooting guide quotes
    /// <c>GET /login.html?error=private-link-validation-error:NNNNNNNNNN</c> (the workspace id after the colon).</summary>
    public static string PrivateLinkRedirect(long workspaceId) => "/login.html?error=private-link-validation-error:" + workspaceId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The workspace's private access settings disable public access (no settings: public access is on). Caller holds the state lock.</summary>
    public static bool RefusesPublicAccess(AccountState account, WorkspaceState ws) =>
        ws.Workspace["private_access_settings_id"] is JsonValue id && id.TryGetValue<string>(out var pasId)
        && account.Collection("private-access-settings").TryGetValue(pasId, out var pas)
        && pas["public_access_enabled"] is JsonValue pub && pub.TryGetValue<bool>(out var enabled) && !enabled;

    public static (EmuRequest? Request, IResult? Error) Authenticate(HttpContext http, EmulatorServices services)
    {
        var state = services.State;
        var header = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return (null, Emu.Error(http, 401, "UNAUTHENTICATED", "Credential was not sent or was of an unsupported type for this API."));
        var token = header.Substring(7).Trim();
        TokenInfo? info;
        lock (state.Sync) state.Tokens.TryGetValue(token, out info);
        // A personal access token the service does not know (never issued, revoked) or that has expired: the real answer is
        // 403 {"error_code": 403, "message": "Invalid access token."} with the message in X-Databricks-Reason-Phrase
        // (databricks-sdk-go#873, #917, #1046 wire logs). No public trace shows the real answer to a bad OAuth bearer, so
        // those keep 401 UNAUTHENTICATED (what the client's one re-authentication on 401 expects).
        if (info == null)
            return (null, IsPersonalAccessToken(token)
                ? Emu.NumericError(http, 403, InvalidAccessToken, reasonPhraseHeader: true)
                : Emu.Error(http, 401, "UNAUTHENTICATED", InvalidAccessToken));
        if (info.ExpiresAt.HasValue && info.ExpiresAt.Value <= services.Clock())
            return (null, info.IsOAuth
                ? Emu.Error(http, 401, "UNAUTHENTICATED", "Invalid access token: the token has expired.")
                : Emu.NumericError(http, 403, InvalidAccessToken, reasonPhraseHeader: true));

        var path = http.Request.Path.Value ?? "";
        var ip = Middleware.ClientIp(http, services.Options.TrustForwardedFor);
        var rid = (string)http.Items["request_id"]!;
        lock (state.Sync)
        {
            var accountPrefix = "/api/2.0/accounts/";
            var altAccountPrefix = "/api/networking/v1/accounts/";
            var prefix = path.StartsWith(accountPrefix, StringComparison.Ordinal) ? accountPrefix : path.StartsWith(altAccountPrefix, StringComparison.Ordinal) ? altAccountPrefix : null;
            if (prefix != null)
            {
                var rest = path.Substring(prefix.Length);
                var accountId = rest.Split('/')[0];
                if (!state.Accounts.TryGetValue(accountId, out var account))
                    return (null, Emu.Error(http, 404, "RESOURCE_DOES_NOT_EXIST", $"Account {accountId} does not exist."));
                if (info.Principal.AccountId != accountId)
                    return (null, Emu.Error(http, 403, "PERMISSION_DENIED", $"The principal {info.Principal.Name} is not a member of account {accountId}."));
                if (info.WorkspaceId.HasValue)
                    return (null, Emu.Error(http, 403, "PERMISSION_DENIED", "A workspace personal access token cannot be used for account APIs."));
                return (new EmuRequest { Principal = info.Principal, Account = account, ClientIp = ip, RequestId = rid }, null);
            }

            // Workspace API: the workspace is named by header, or implied by a workspace-bound token.
            var idText = http.Request.Headers[OrgIdHeader].ToString();
            if (string.IsNullOrEmpty(idText)) idText = http.Request.Headers[WorkspaceIdHeader].ToString();
            long workspaceId;
            if (string.IsNullOrEmpty(idText) && WorkspaceHosts.Resolve(http, state).Workspace is { } hostWorkspace)
                idText = hostWorkspace.WorkspaceId.ToString(System.Globalization.CultureInfo.InvariantCulture); // a classic workspace host names its workspace
            if (string.IsNullOrEmpty(idText))
            {
                if (!info.WorkspaceId.HasValue)
                    return (null, Emu.Error(http, 400, "INVALID_PARAMETER_VALUE", $"This host serves several workspaces: name the workspace with the {OrgIdHeader} header."));
                workspaceId = info.WorkspaceId.Value;
            }
            else if (!long.TryParse(idText, out workspaceId))
                return (null, Emu.Error(http, 400, "INVALID_PARAMETER_VALUE", $"Invalid {OrgIdHeader} header value '{idText}'."));

            var ws = state.FindWorkspace(workspaceId);
            if (ws == null)
                return (null, Emu.Error(http, 404, "RESOURCE_DOES_NOT_EXIST", $"Workspace {workspaceId} does not exist."));
            var owner = state.AccountOfWorkspace(workspaceId)!;
            if (info.Principal.AccountId != owner.AccountId || (info.WorkspaceId.HasValue && info.WorkspaceId != workspaceId))
                // The real answer for a workspace the token cannot reach (another account's principal, or a PAT of another
                // workspace): the numeric code and this message (databricks-sdk-go#853, #928; fidelity row 14).
                return (null, Emu.NumericError(http, 403, $"Invalid access to Org: {workspaceId}", reasonPhraseHeader: true));
            if (ws.PublicCallers && RefusesPublicAccess(owner, ws))
                // The real front end's answer to a public caller of a workspace whose private access settings disable
                // public access: a redirect to the login page, no error body (databricks-sdk-go apierr/errors.go
                // isPrivateLinkRedirect, private_link.go: the SDKs make it 403 PRIVATE_LINK_VALIDATION_ERROR).
                return (null, Results.Redirect(PrivateLinkRedirect(workspaceId), permanent: false));
            return (new EmuRequest { Principal = info.Principal, Account = owner, Workspace = ws, ClientIp = ip, RequestId = rid }, null);
        }
    }
}
