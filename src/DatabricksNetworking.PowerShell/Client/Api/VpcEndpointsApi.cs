using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>Account API: <c>/api/2.0/accounts/{account_id}/vpc-endpoints</c> (VPC endpoint registrations).</summary>
    public sealed class VpcEndpointsApi : AccountObjectsApi<VpcEndpoint>
    {
        public VpcEndpointsApi(DbxClient client) : base(client, "vpc-endpoints", DbxIdKind.VpcEndpoint) { }
    }
}
