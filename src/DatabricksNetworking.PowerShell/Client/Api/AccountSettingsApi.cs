using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>
    /// Account settings API: <c>/api/2.0/accounts/{account_id}/settings/types/acct_ip_acl_enable/names/default</c>
    /// (read → update with the etag; delete reverts to the default, which is on).
    /// </summary>
    /// <remarks>
    /// The etag protocol of the settings API: a write (PATCH or DELETE) carries the etag of the value it replaces.
    /// When that etag is stale or missing the service refuses with <c>409 RESOURCE_CONFLICT</c>, and a PATCH of a setting
    /// that was never written with <c>404 NOT_FOUND</c>; both put the current etag in the error's
    /// <c>google.rpc.ErrorInfo</c> metadata. The write is retried once with that etag (as the Terraform provider's
    /// generic setting resource does: 404 and 409 retriable for an update, 409 for a delete).
    /// </remarks>
    public sealed class AccountSettingsApi
    {
        private readonly DbxClient client;
        public AccountSettingsApi(DbxClient client) { this.client = client; }

        private string IpAclEnablePath => client.AccountPath("settings/types/acct_ip_acl_enable/names/default");

        /// <summary>The setting; a never-written setting is answered 404 (the default, on, applies).</summary>
        public Task<AccountIpAclEnableSetting> GetIpAclEnableAsync(CancellationToken ct) =>
            client.GetAsync<AccountIpAclEnableSetting>(IpAclEnablePath, ct);

        /// <summary>One PATCH with the given etag (none for a setting never read); no retry.</summary>
        public Task<AccountIpAclEnableSetting> UpdateIpAclEnableAsync(bool value, string? etag, CancellationToken ct) =>
            client.SendAsync<AccountIpAclEnableSetting>(new HttpMethod("PATCH"), IpAclEnablePath, new AccountIpAclEnableUpdate
            {
                Setting = new AccountIpAclEnableSetting { AcctIpAclEnable = new BooleanMessage { Value = value }, Etag = etag },
            }, ct);

        /// <summary>One DELETE (revert to the default, on) with the given etag; returns the new etag. No retry.</summary>
        public async Task<string?> DeleteIpAclEnableAsync(string? etag, CancellationToken ct) =>
            (await client.SendAsync<EtagAnswer>(HttpMethod.Delete, IpAclEnablePath, null, ct, ("etag", etag)).ConfigureAwait(false))?.Etag;

        /// <summary>
        /// Writes the value with the etag read before; when the service refuses the etag (409 RESOURCE_CONFLICT, or
        /// 404 NOT_FOUND for a setting never written) it retries once with the etag the error carries.
        /// </summary>
        public async Task<AccountIpAclEnableSetting> SetIpAclEnableAsync(bool value, CancellationToken ct)
        {
            var etag = await ReadEtagAsync(ct).ConfigureAwait(false);
            try { return await UpdateIpAclEnableAsync(value, etag, ct).ConfigureAwait(false); }
            catch (DbxApiException ex) when (ex.StatusCode == 409 || ex.StatusCode == 404)
            {
                var current = await EtagForRetryAsync(ex, ct).ConfigureAwait(false);
                return await UpdateIpAclEnableAsync(value, current, ct).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Reverts the setting to its default (on). Null when the setting was never written (nothing to revert);
        /// otherwise the new etag. A 409 RESOURCE_CONFLICT is retried once with the etag the error carries.
        /// </summary>
        public async Task<string?> ResetIpAclEnableAsync(CancellationToken ct)
        {
            string? etag;
            try { etag = (await GetIpAclEnableAsync(ct).ConfigureAwait(false)).Etag; }
            catch (DbxApiException ex) when (ex.StatusCode == 404)
            {
                DbxLog.Verbose("acct_ip_acl_enable was never written (404): it is at its default already, nothing to revert.");
                return null;
            }
            try { return await DeleteIpAclEnableAsync(etag, ct).ConfigureAwait(false); }
            catch (DbxApiException ex) when (ex.StatusCode == 409)
            {
                var current = await EtagForRetryAsync(ex, ct).ConfigureAwait(false);
                return await DeleteIpAclEnableAsync(current, ct).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The etag to retry with: the one in the error's ErrorInfo; for a 409 without one (an older answer shape) the
        /// setting is read again. A 404 without an etag is not an etag refusal: it is rethrown.
        /// </summary>
        private async Task<string?> EtagForRetryAsync(DbxApiException ex, CancellationToken ct)
        {
            var fromError = ex.ErrorInfoMetadata("etag");
            if (fromError != null)
            {
                DbxLog.Verbose($"acct_ip_acl_enable: the service refused the etag (HTTP {ex.StatusCode} {ex.ErrorCode}) and named the current one; retrying once with it.");
                return fromError;
            }
            if (ex.StatusCode != 409) throw ex;
            DbxLog.Verbose("acct_ip_acl_enable changed since it was read (etag conflict, no etag in the error); reading it again and retrying once.");
            return await ReadEtagAsync(ct).ConfigureAwait(false);
        }

        private async Task<string?> ReadEtagAsync(CancellationToken ct)
        {
            try { return (await GetIpAclEnableAsync(ct).ConfigureAwait(false)).Etag; }
            catch (DbxApiException ex) when (ex.StatusCode == 404) { return null; }
        }

        private sealed class EtagAnswer
        {
            [System.Text.Json.Serialization.JsonPropertyName("etag")] public string? Etag { get; set; }
        }
    }
}
