using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Client.Api
{
    /// <summary>
    /// Account API <c>/api/2.0/accounts/{account_id}/network-policies</c> (PUT = full replace) and the workspace
    /// network option <c>/api/2.0/accounts/{account_id}/workspaces/{workspace_id}/network</c>.
    /// </summary>
    public sealed class NetworkPoliciesApi
    {
        private readonly DbxClient client;
        public NetworkPoliciesApi(DbxClient client) { this.client = client; }

        private string PolicyPath(string? id = null) =>
            client.AccountPath("network-policies" + (id == null ? "" : "/" + RequestGuard.Segment(DbxIdKind.NetworkPolicy, id)));

        private string OptionPath(long workspaceId) => client.AccountPath("workspaces/" + RequestGuard.Segment(workspaceId) + "/network");

        public Task<Page<NetworkPolicy>> ListPageAsync(string? pageToken, CancellationToken ct) =>
            ItemsPaging.GetPageAsync<NetworkPolicy>(client, PolicyPath(), pageToken, ct);

        public Task<NetworkPolicy> GetAsync(string policyId, CancellationToken ct) =>
            client.GetAsync<NetworkPolicy>(PolicyPath(policyId), ct);

        public Task<NetworkPolicy> CreateAsync(NetworkPolicy policy, CancellationToken ct) =>
            client.SendAsync<NetworkPolicy>(HttpMethod.Post, PolicyPath(), policy, ct);

        /// <summary>PUT: the whole policy replaces the stored one.</summary>
        public Task<NetworkPolicy> ReplaceAsync(NetworkPolicy policy, CancellationToken ct) =>
            client.SendAsync<NetworkPolicy>(HttpMethod.Put, PolicyPath(policy.NetworkPolicyId), policy, ct);

        public Task DeleteAsync(string policyId, CancellationToken ct) =>
            client.SendRawAsync(HttpMethod.Delete, PolicyPath(policyId), null, ct);

        public Task<WorkspaceNetworkOption> GetWorkspaceOptionAsync(long workspaceId, CancellationToken ct) =>
            client.GetAsync<WorkspaceNetworkOption>(OptionPath(workspaceId), ct);

        public Task<WorkspaceNetworkOption> SetWorkspaceOptionAsync(long workspaceId, string policyId, CancellationToken ct) =>
            client.SendAsync<WorkspaceNetworkOption>(HttpMethod.Put, OptionPath(workspaceId),
                new WorkspaceNetworkOption { WorkspaceId = workspaceId, NetworkPolicyId = policyId }, ct);
    }
}

namespace DatabricksNetworking.Client.Api
{
    /// <summary>egress.network_access.restriction_mode.</summary>
    public enum NetworkRestrictionMode { FullAccess, RestrictedAccess }

    /// <summary>ingress.private_access.restriction_mode (Go SDK CustomerFacingIngressNetworkPolicyPrivateAccessRestrictionMode):
    /// AllowAllRegisteredEndpoints = ALLOW_ALL_REGISTERED_ENDPOINTS, Restricted = RESTRICTED_ACCESS.</summary>
    public enum IngressPrivateAccessMode { AllRegisteredEndpoints, Restricted }

    /// <summary>ingress.cross_workspace_access.restriction_mode (Go SDK CustomerFacingIngressNetworkPolicyCrossWorkspaceAccessRestrictionMode).</summary>
    public enum IngressCrossWorkspaceMode { FullAccess, RestrictedAccess, LegacyMode }

    /// <summary>egress.network_access.policy_enforcement.enforcement_mode.</summary>
    public enum NetworkPolicyEnforcementMode { Enforced, DryRun }

    /// <summary>Products a dry run can be limited to (dry_run_mode_product_filter).</summary>
    public enum NetworkPolicyProduct { DBSQL, ML_SERVING }

    /// <summary>The wire strings of the network policy enums.</summary>
    public static class NetworkPolicyWire
    {
        public const string DnsName = "DNS_NAME";
        public const string AwsS3 = "AWS_S3";

        public static string ToWire(NetworkRestrictionMode mode) => mode == NetworkRestrictionMode.FullAccess ? "FULL_ACCESS" : "RESTRICTED_ACCESS";
        public static string ToWire(NetworkPolicyEnforcementMode mode) => mode == NetworkPolicyEnforcementMode.Enforced ? "ENFORCED" : "DRY_RUN";
        public static string ToWire(NetworkPolicyProduct product) => product.ToString();
        public static string ToWire(IngressPrivateAccessMode mode) => mode == IngressPrivateAccessMode.AllRegisteredEndpoints ? Models.IngressWire.AllowAllRegisteredEndpoints : Models.IngressWire.RestrictedAccess;
        public static string ToWire(IngressCrossWorkspaceMode mode) =>
            mode == IngressCrossWorkspaceMode.FullAccess ? Models.IngressWire.FullAccess : mode == IngressCrossWorkspaceMode.LegacyMode ? Models.IngressWire.LegacyMode : Models.IngressWire.RestrictedAccess;
    }
}
