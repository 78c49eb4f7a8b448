using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>
    /// IP access lists of a workspace (<c>/api/2.0/ip-access-lists</c>) or of the account console
    /// (<c>/api/2.0/accounts/{account_id}/ip-access-lists</c>): the same bodies, the wrappers
    /// <c>ip_access_list</c> / <c>ip_access_lists</c>, no paging.
    /// </summary>
    public sealed class IpAccessListsApi
    {
        private readonly DbxClient client;
        private readonly bool account;

        /// <param name="client">An account client (account lists) or a workspace client.</param>
        /// <param name="account">True for the account console's lists.</param>
        public IpAccessListsApi(DbxClient client, bool account) { this.client = client; this.account = account; }

        /// <summary>The workspace the lists belong to; null for account lists.</summary>
        public long? WorkspaceId => account ? null : client.WorkspaceId;

        /// <summary>A stable key of the lists' owner (host, account or workspace), for in-process locks.</summary>
        public string ScopeKey => client.Http.BaseUri.Host + "|" + (account ? "account:" + client.AccountId : "workspace:" + client.WorkspaceId);

        private string Path(string? id = null)
        {
            var root = account ? client.AccountPath("ip-access-lists") : "/api/2.0/ip-access-lists";
            return id == null ? root : root + "/" + RequestGuard.Segment(DbxIdKind.IpAccessList, id);
        }

        public async Task<List<IpAccessList>> ListAsync(CancellationToken ct)
        {
            var env = await client.GetAsync<IpAccessListsEnvelope>(Path(), ct).ConfigureAwait(false);
            var lists = env.IpAccessLists ?? new List<IpAccessList>();
            foreach (var l in lists) Own(l);
            return lists;
        }

        public async Task<IpAccessList> GetAsync(string listId, CancellationToken ct) =>
            Unwrap(await client.GetAsync<IpAccessListEnvelope>(Path(listId), ct).ConfigureAwait(false), listId);

        public async Task<IpAccessList> CreateAsync(string label, string listType, List<string> addresses, CancellationToken ct) =>
            Unwrap(await client.SendAsync<IpAccessListEnvelope>(HttpMethod.Post, Path(), new IpAccessListRequest { Label = label, ListType = listType, IpAddresses = addresses }, ct).ConfigureAwait(false), null);

        /// <summary>PUT: a full replace (label, list_type, enabled and ip_addresses are all sent).</summary>
        public Task<IpAccessList> ReplaceAsync(string listId, string label, string listType, bool enabled, List<string> addresses, CancellationToken ct) =>
            WriteAsync(new HttpMethod("PUT"), listId, new IpAccessListRequest { Label = label, ListType = listType, Enabled = enabled, IpAddresses = addresses }, ct);

        /// <summary>PATCH: only the fields that are set are sent.</summary>
        public Task<IpAccessList> UpdateAsync(string listId, IpAccessListRequest changes, CancellationToken ct) =>
            WriteAsync(new HttpMethod("PATCH"), listId, changes, ct);

        /// <summary>
        /// PATCH for a read-modify-write: when an attempt may have reached the service without its answer reaching us
        /// (dropped connection, timeout, 502/504), it is not sent again (its list may be stale by then) and the error
        /// is <see cref="DbxApiException.IsAmbiguous"/>: the caller reads the list again and decides.
        /// </summary>
        public Task<IpAccessList> UpdateOnceAsync(string listId, IpAccessListRequest changes, CancellationToken ct) =>
            WriteAsync(new HttpMethod("PATCH"), listId, changes, ct, noResendAfterLostAnswer: true);

        public Task DeleteAsync(string listId, CancellationToken ct) => client.SendRawAsync(HttpMethod.Delete, Path(listId), null, ct);

        // The body of PUT/PATCH answers is not documented for every variant: use it when it carries the list,
        // otherwise read the list back.
        private async Task<IpAccessList> WriteAsync(HttpMethod method, string listId, IpAccessListRequest body, CancellationToken ct, bool noResendAfterLostAnswer = false)
        {
            DbxResponse resp;
            if (noResendAfterLostAnswer)
            {
                var req = client.NewRequest(method, Path(listId));
                req.Body = Json.Serialize(body);
                req.NoResendAfterLostAnswer = true;
                resp = await client.SendAsync(req, ct).ConfigureAwait(false);
            }
            else resp = await client.SendRawAsync(method, Path(listId), body, ct).ConfigureAwait(false);
            if (resp.Body.Length > 2)
            {
                var env = Json.Deserialize<IpAccessListEnvelope>(resp);
                if (env.IpAccessList?.ListId != null) return Own(env.IpAccessList);
            }
            return await GetAsync(listId, ct).ConfigureAwait(false);
        }

        private IpAccessList Unwrap(IpAccessListEnvelope env, string? listId)
        {
            if (env.IpAccessList == null)
                throw new DbxInvalidResponseException(200, $"The service's answer has no ip_access_list{(listId != null ? " for " + listId : "")}.", null, null, Path(listId), null);
            return Own(env.IpAccessList);
        }

        private IpAccessList Own(IpAccessList list)
        {
            list.WorkspaceId = WorkspaceId;
            return list;
        }
    }
}
