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
    public sealed class AccountSettingsApi
    {
        private readonly DbxClient client;
        public AccountSettingsApi(DbxClient client) { this.client = client; }

        private string IpAclEnablePath => client.AccountPath("settings/types/acct_ip_acl_enable/names/default");

        public Task<AccountIpAclEnableSetting> GetIpAclEnableAsync(CancellationToken ct) =>
            client.GetAsync<AccountIpAclEnableSetting>(IpAclEnablePath, ct);

        /// <summary>PATCH with the etag read before; a stale etag is answered with 409.</summary>
        public Task<AccountIpAclEnableSetting> UpdateIpAclEnableAsync(bool value, string? etag, CancellationToken ct) =>
            client.SendAsync<AccountIpAclEnableSetting>(new HttpMethod("PATCH"), IpAclEnablePath, new AccountIpAclEnableUpdate
            {
                Setting = new AccountIpAclEnableSetting { AcctIpAclEnable = new BooleanMessage { Value = value }, Etag = etag },
            }, ct);

        /// <summary>
        /// Read-then-write: reads the setting for its etag and writes the value with it; when the setting changed in
        /// between (409, etag conflict) it reads again and retries once.
        /// </summary>
        public async Task<AccountIpAclEnableSetting> SetIpAclEnableAsync(bool value, CancellationToken ct)
        {
            try { return await UpdateIpAclEnableAsync(value, await ReadEtagAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false); }
            catch (DbxApiException ex) when (ex.StatusCode == 409)
            {
                DbxLog.Verbose("acct_ip_acl_enable changed since it was read (etag conflict); reading it again and retrying once.");
                return await UpdateIpAclEnableAsync(value, await ReadEtagAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
        }

        private async Task<string?> ReadEtagAsync(CancellationToken ct)
        {
            try { return (await GetIpAclEnableAsync(ct).ConfigureAwait(false)).Etag; }
            catch (DbxApiException ex) when (ex.StatusCode == 404) { return null; }
        }
    }
}
