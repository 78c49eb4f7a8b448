using System;
using System.Collections.Generic;
using System.Linq;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Validation
{
    /// <summary>
    /// Which PrivateLink paths a workspace has, inferred from its network configuration, its private access settings and
    /// the account's VPC endpoint registrations (the API has no direct flag for front-end PrivateLink). Pure: used by
    /// the posture scan and by the public-access guard of Set-DbxPrivateAccessSettings and Set-DbxWorkspaceNetwork.
    /// </summary>
    public static class PrivateLinkCoverage
    {
        /// <summary>Registration use cases that carry REST API (front-end or back-end) traffic; SERVICE_DIRECT is front-end only
        /// (registered endpoints of the networking v1 API, see <see cref="AsRegistrations"/>).</summary>
        private static readonly string[] RestUseCases = { "GENERAL_ACCESS", "WORKSPACE_ACCESS", "SERVICE_DIRECT" };

        /// <summary>
        /// Registered endpoints (networking v1, Service Direct) in the shape of VPC endpoint registrations, so the front-end
        /// rules below read both: id = endpoint_id, use case SERVICE_DIRECT, APPROVED counts as 'available'. ACCOUNT-level
        /// private access settings admit them with every registration of the region; an ENDPOINT list names VPC endpoint
        /// registration ids only (the service refuses an endpoint_id there), so at ENDPOINT level a Service Direct endpoint
        /// counts through a VPC endpoint registration of its AWS endpoint, as the SRA registers it.
        /// </summary>
        public static IEnumerable<VpcEndpoint> AsRegistrations(IEnumerable<NetworkEndpoint>? endpoints) =>
            (endpoints ?? Enumerable.Empty<NetworkEndpoint>()).Select(e => new VpcEndpoint
            {
                VpcEndpointId = e.EndpointId,
                VpcEndpointName = e.DisplayName,
                AccountId = e.AccountId,
                AwsVpcEndpointId = e.AwsVpcEndpointId,
                AwsEndpointServiceId = e.AwsVpcEndpointInfo?.AwsEndpointServiceId,
                AwsAccountId = e.AwsVpcEndpointInfo?.AwsAccountId,
                Region = e.Region,
                State = string.Equals(e.State, "APPROVED", StringComparison.OrdinalIgnoreCase) ? "available" : e.State?.ToLowerInvariant(),
                UseCase = e.UseCase ?? "SERVICE_DIRECT",
            });

        /// <summary>Back-end PrivateLink: the network configuration names both a REST API and a relay endpoint.</summary>
        public static bool HasBackEnd(Network? network) =>
            network != null && network.RestApiVpcEndpointIds.Length > 0 && network.DataplaneRelayVpcEndpointIds.Length > 0;

        /// <summary>
        /// The registrations through which users can reach a workspace of <paramref name="region"/> under
        /// <paramref name="pas"/>: available REST registrations of the region that the access level admits (all of the
        /// account at ACCOUNT level, the allowed ones at ENDPOINT level), other than the workspace's own back-end REST
        /// endpoints.
        /// </summary>
        public static string[] FrontEndEndpointIds(string? region, PrivateAccessSettings pas, IEnumerable<VpcEndpoint> registrations, IEnumerable<string> backEndRestIds)
        {
            var endpointLevel = string.Equals(pas.PrivateAccessLevel ?? "ACCOUNT", "ENDPOINT", StringComparison.OrdinalIgnoreCase);
            var allowed = new HashSet<string>(pas.AllowedVpcEndpointIds ?? new List<string>(), StringComparer.OrdinalIgnoreCase);
            var backEnd = new HashSet<string>(backEndRestIds, StringComparer.OrdinalIgnoreCase);
            return registrations
                .Where(e => e.VpcEndpointId != null
                    && (e.UseCase == null || RestUseCases.Contains(e.UseCase, StringComparer.OrdinalIgnoreCase))
                    && string.Equals(e.Region, region, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(e.State, "available", StringComparison.OrdinalIgnoreCase)
                    && (!endpointLevel || allowed.Contains(e.VpcEndpointId!))
                    && !backEnd.Contains(e.VpcEndpointId!))
                .Select(e => e.VpcEndpointId!).OrderBy(x => x, StringComparer.Ordinal).ToArray();
        }

        /// <summary>
        /// What a workspace would lack if <paramref name="pas"/> turned public access off for it: null when it has both
        /// back-end and front-end PrivateLink (or public access stays on), else the missing part in words.
        /// </summary>
        public static string? PublicAccessOffGap(Workspace workspace, Network? network, PrivateAccessSettings pas, IEnumerable<VpcEndpoint> registrations)
        {
            if (pas.PublicAccessEnabled == true) return null;
            var missing = new List<string>();
            if (!HasBackEnd(network)) missing.Add("back-end PrivateLink (its network configuration names no REST API and relay endpoints), so its clusters cannot reach the control plane");
            if (FrontEndEndpointIds(workspace.Region, pas, registrations, network?.RestApiVpcEndpointIds ?? new string[0]).Length == 0)
                missing.Add("front-end PrivateLink (no available workspace endpoint registration or approved Service Direct endpoint of its region that these settings admit, besides its back-end one), so its users cannot reach it");
            return missing.Count == 0 ? null : $"workspace '{workspace.WorkspaceName}' ({workspace.WorkspaceId}) has no " + string.Join(", and no ", missing);
        }
    }
}
