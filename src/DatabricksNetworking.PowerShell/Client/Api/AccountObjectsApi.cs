using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>
    /// The shape the account provisioning collections share (<c>networks</c>, <c>vpc-endpoints</c>,
    /// <c>private-access-settings</c>): POST to create, GET a bare JSON array, GET/DELETE one by id.
    /// </summary>
    public abstract class AccountObjectsApi<T>
    {
        private readonly string collection;
        private readonly DbxIdKind kind;

        protected AccountObjectsApi(DbxClient client, string collection, DbxIdKind kind)
        {
            Client = client;
            this.collection = collection;
            this.kind = kind;
        }

        protected DbxClient Client { get; }

        protected string PathOf(string? id = null) =>
            Client.AccountPath(id == null ? collection : collection + "/" + RequestGuard.Segment(kind, id));

        public Task<List<T>> ListAsync(CancellationToken ct) => Client.GetAsync<List<T>>(PathOf(), ct);

        public Task<T> GetAsync(string id, CancellationToken ct) => Client.GetAsync<T>(PathOf(id), ct);

        public Task<T> CreateAsync(T body, CancellationToken ct) => Client.SendAsync<T>(HttpMethod.Post, PathOf(), body, ct);

        /// <summary>Deletes; the deleted object in the answer (newer API) is not needed, older services send none.</summary>
        public Task DeleteAsync(string id, CancellationToken ct) => Client.SendRawAsync(HttpMethod.Delete, PathOf(id), null, ct);
    }
}
