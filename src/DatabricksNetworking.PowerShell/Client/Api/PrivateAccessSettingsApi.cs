using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>Account API: <c>/api/2.0/accounts/{account_id}/private-access-settings</c>; PUT replaces the whole object.</summary>
    public sealed class PrivateAccessSettingsApi : AccountObjectsApi<PrivateAccessSettings>
    {
        public PrivateAccessSettingsApi(DbxClient client) : base(client, "private-access-settings", DbxIdKind.PrivateAccessSettings) { }

        /// <summary>Full replace: the body is the complete object (unwrapped); fields left out are reset by the service.</summary>
        public async Task<PrivateAccessSettings> ReplaceAsync(string id, PrivateAccessSettings body, CancellationToken ct)
        {
            var resp = await Client.SendRawAsync(HttpMethod.Put, PathOf(id), body, ct).ConfigureAwait(false);
            // Older services answer with no body; read the object back then.
            if (resp.Body.Length == 0 || resp.Body.Length == 2) return await GetAsync(id, ct).ConfigureAwait(false);
            return Json.Deserialize<PrivateAccessSettings>(resp);
        }
    }
}
