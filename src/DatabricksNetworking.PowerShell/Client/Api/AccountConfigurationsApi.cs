using DatabricksNetworking.Models;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>Account API: <c>/api/2.0/accounts/{account_id}/credentials</c> (cross-account IAM role configurations).</summary>
    public sealed class CredentialsApi : AccountObjectsApi<CredentialConfiguration>
    {
        public CredentialsApi(DbxClient client) : base(client, "credentials", Validation.DbxIdKind.Credentials) { }
    }

    /// <summary>Account API: <c>/api/2.0/accounts/{account_id}/storage-configurations</c> (root S3 bucket configurations).</summary>
    public sealed class StorageConfigurationsApi : AccountObjectsApi<StorageConfiguration>
    {
        public StorageConfigurationsApi(DbxClient client) : base(client, "storage-configurations", Validation.DbxIdKind.StorageConfiguration) { }
    }
}
