using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Emulator.Areas;

/// <summary>
/// The user and workload sign-in flows of the OAuth area: authorization code with PKCE (the <c>databricks-cli</c>
/// published app, a loopback redirect), refresh-token grant with rotation, and RFC 8693 token exchange against the
/// federation policies seeded per service principal (account collection <c>federation-policies</c>).
/// Simplifications (documented in the about topic): the authorize endpoint signs in the account's first seeded user
/// without a form, and the JWTs of token exchange are not signature-checked (unsigned or HS256 test tokens are
/// accepted when issuer, audience, subject and expiry match a policy).
/// </summary>
internal static class OAuthFlows
{
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";
    public const string PublishedClientId = "databricks-cli";
    private const int CodeTtlSeconds = 300;
    private const int RefreshTtlSeconds = 90 * 24 * 3600;

    private sealed class Code
    {
        public string? AccountId;
        public required string ClientId, RedirectUri, Challenge, Scope;
        public DateTimeOffset ExpiresAt;
    }

    private sealed class RefreshGrant
    {
        public required string AccountId, ClientId, Scope;
        public required Principal Principal;
        public long? WorkspaceId;
        public DateTimeOffset ExpiresAt;
    }

    private sealed class Flows
    {
        public readonly Dictionary<string, Code> Codes = new();
        public readonly Dictionary<string, RefreshGrant> RefreshTokens = new();
    }

    private static readonly ConditionalWeakTable<EmulatorState, Flows> All = new();
    private static Flows Of(EmulatorServices s) => All.GetValue(s.State, _ => new Flows());

    private static string Random(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));
    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool IsLoopbackRedirect(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.Scheme == "http" &&
        (u.Host == "localhost" || u.Host == "127.0.0.1" || u.Host == "[::1]" || u.Host == "::1");

    /// <summary>GET …/v1/authorize: checks the request and redirects straight back with a code (no sign-in form).</summary>
    public static IResult Authorize(HttpContext http, EmulatorServices s, string? accountId)
    {
        var q = http.Request.Query;
        string P(string k) => q[k].ToString();
        var clientId = P("client_id");
        var redirect = P("redirect_uri");
        if (clientId != PublishedClientId)
            return OAuthArea.OAuthError(400, "invalid_client", $"Unknown OAuth application '{clientId}'.");
        if (!IsLoopbackRedirect(redirect))
            return OAuthArea.OAuthError(400, "invalid_request", $"redirect_uri '{redirect}' is not registered for {PublishedClientId} (a loopback http:// address is).");
        IResult Back(params (string, string)[] values)
        {
            var sb = new StringBuilder(redirect).Append(redirect.Contains('?') ? '&' : '?');
            sb.Append(string.Join("&", values.Append(("state", P("state"))).Select(v => v.Item1 + "=" + Uri.EscapeDataString(v.Item2))));
            return Results.Redirect(sb.ToString());
        }
        if (P("response_type") != "code")
            return Back(("error", "unsupported_response_type"), ("error_description", "Only response_type=code is supported."));
        if (string.IsNullOrEmpty(P("code_challenge")) || P("code_challenge_method") != "S256")
            return Back(("error", "invalid_request"), ("error_description", "PKCE is required: code_challenge with code_challenge_method=S256."));
        var code = Random(32);
        lock (s.State.Sync)
        {
            if (accountId != null && !s.State.Accounts[accountId].Principals.Values.Any(p => p.Kind == "user"))
                return Back(("error", "access_denied"), ("error_description", "The account has no user to sign in."));
            Of(s).Codes[code] = new Code
            {
                AccountId = accountId,
                ClientId = clientId,
                RedirectUri = redirect,
                Challenge = P("code_challenge"),
                Scope = P("scope"),
                ExpiresAt = s.Clock().AddSeconds(CodeTtlSeconds),
            };
        }
        return Back(("code", code));
    }

    private static IResult Grant(string error, string description) => OAuthArea.OAuthError(400, error, description);

    /// <summary>grant_type=authorization_code: single-use code, same client and redirect_uri, PKCE S256 verifier.</summary>
    public static IResult RedeemCode(EmulatorServices s, AccountState account, long? workspaceId, IFormCollection form)
    {
        var codeText = form["code"].ToString();
        lock (s.State.Sync)
        {
            var flows = Of(s);
            if (!flows.Codes.Remove(codeText, out var code) || code.ExpiresAt <= s.Clock())
                return Grant("invalid_grant", "The authorization code is invalid, expired or already used.");
            if (code.AccountId != null && code.AccountId != account.AccountId)
                return Grant("invalid_grant", "The authorization code was issued for another account.");
            if (form["client_id"].ToString() != code.ClientId)
                return Grant("invalid_grant", "The authorization code was issued to another client.");
            if (form["redirect_uri"].ToString() != code.RedirectUri)
                return Grant("invalid_grant", "redirect_uri does not match the authorization request.");
            var verifier = form["code_verifier"].ToString();
            if (string.IsNullOrEmpty(verifier) || Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != code.Challenge)
                return Grant("invalid_grant", "PKCE verification failed: code_verifier does not match code_challenge.");
            var user = account.Principals.Values.FirstOrDefault(p => p.Kind == "user");
            if (user == null) return Grant("access_denied", "The account has no user to sign in.");
            return Emu.Json(Issue(s, flows, account, user, workspaceId, code.ClientId, code.Scope));
        }
    }

    private static JsonObject Issue(EmulatorServices s, Flows flows, AccountState account, Principal user, long? workspaceId, string clientId, string scope)
    {
        var o = OAuthArea.NewAccessToken(s, user, workspaceId, scope);
        if (scope.Split(' ').Contains("offline_access"))
        {
            var rt = "doseemu-rt-" + Random(24);
            flows.RefreshTokens[rt] = new RefreshGrant
            {
                AccountId = account.AccountId, ClientId = clientId, Scope = scope, Principal = user, WorkspaceId = workspaceId,
                ExpiresAt = s.Clock().AddSeconds(RefreshTtlSeconds),
            };
            o["refresh_token"] = rt;
        }
        return o;
    }

    /// <summary>grant_type=refresh_token: the refresh token is rotated (the old one stops working).</summary>
    public static IResult RefreshToken(EmulatorServices s, AccountState account, long? workspaceId, IFormCollection form)
    {
        var rtText = form["refresh_token"].ToString();
        lock (s.State.Sync)
        {
            var flows = Of(s);
            if (!flows.RefreshTokens.TryGetValue(rtText, out var rt) || rt.ExpiresAt <= s.Clock())
                return Grant("invalid_grant", "Refresh token is invalid, expired or already used.");
            if (rt.AccountId != account.AccountId || form["client_id"].ToString() != rt.ClientId)
                return Grant("invalid_grant", "Refresh token was issued to another client or account.");
            flows.RefreshTokens.Remove(rtText);
            return Emu.Json(Issue(s, flows, account, rt.Principal, workspaceId ?? rt.WorkspaceId, rt.ClientId, rt.Scope));
        }
    }

    /// <summary>RFC 8693 token exchange of a workload's OIDC JWT for a Databricks token of a service principal.</summary>
    public static IResult Exchange(EmulatorServices s, AccountState account, long? workspaceId, IFormCollection form, string baseUrl)
    {
        if (form["subject_token_type"].ToString() != JwtTokenType)
            return Grant("invalid_request", $"subject_token_type must be {JwtTokenType}.");
        var claims = ReadJwt(form["subject_token"].ToString());
        if (claims == null) return Grant("invalid_request", "subject_token is not a JWT.");
        var clientId = form["client_id"].ToString();
        lock (s.State.Sync)
        {
            if (string.IsNullOrEmpty(clientId) || !account.Principals.TryGetValue(clientId, out var sp) || sp.Kind != "service_principal")
                return OAuthArea.OAuthError(401, "invalid_client", $"No service principal with application id '{clientId}' in this account (account-wide federation policies are not emulated).");
            var iss = Emu.Str(claims, "iss");
            var sub = Emu.Str(claims, "sub");
            var aud = claims["aud"] is JsonArray arr ? arr.Select(a => a?.ToString()).ToList() : new List<string?> { Emu.Str(claims, "aud") };
            var now = s.Clock().ToUnixTimeSeconds();
            if (claims["exp"] is JsonValue ev && ev.TryGetValue<long>(out var exp) && exp <= now)
                return Grant("invalid_grant", "Token exchange failed: the subject token has expired.");
            if (claims["nbf"] is JsonValue nv && nv.TryGetValue<long>(out var nbf) && nbf > now)
                return Grant("invalid_grant", "Token exchange failed: the subject token is not valid yet.");
            var policies = account.Collection("federation-policies").Values
                .Where(p => p["service_principal_id"] is JsonValue v && v.TryGetValue<long>(out var id) && id == sp.UserId)
                .Select(p => p["oidc_policy"] as JsonObject).Where(p => p != null).ToList();
            foreach (var p in policies)
            {
                var audiences = Emu.StrList(p!, "audiences") is { Count: > 0 } l ? l : new List<string> { account.AccountId };
                if (Emu.Str(p!, "issuer") == iss && Emu.Str(p!, "subject") == sub && aud.Any(a => a != null && audiences.Contains(a)))
                    return Emu.Json(OAuthArea.NewAccessToken(s, sp, workspaceId, form["scope"].ToString()));
            }
            return Grant("invalid_grant", $"Token exchange failed: the token (issuer '{iss}', subject '{sub}') matches no federation policy of service principal {clientId}.");
        }
    }

    private static JsonObject? ReadJwt(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var b = parts[1].Replace('-', '+').Replace('_', '/');
            b = b.PadRight(b.Length + (4 - b.Length % 4) % 4, '=');
            return JsonNode.Parse(Convert.FromBase64String(b)) as JsonObject;
        }
        catch (Exception ex) when (ex is FormatException || ex is JsonException) { return null; }
    }
}
