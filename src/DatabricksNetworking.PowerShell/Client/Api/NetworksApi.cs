using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>Account API: <c>/api/2.0/accounts/{account_id}/networks</c> (no update: configurations are immutable).</summary>
    public sealed class NetworksApi : AccountObjectsApi<Network>
    {
        public NetworksApi(DbxClient client) : base(client, "networks", DbxIdKind.Network) { }
    }
}
