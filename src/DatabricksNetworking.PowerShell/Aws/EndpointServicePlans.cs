using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using DatabricksNetworking.Cmdlets;
using DatabricksNetworking.Data;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Aws
{
    /// <summary>
    /// Pure checks and planning for the endpoint service cmdlets (New-/Get-DbxAwsEndpointService,
    /// Grant-/Revoke-DbxAwsEndpointServiceAccess): input shapes, the region of a service name, and which principals a
    /// change adds or removes. No AWS call; xUnit-tested.
    /// </summary>
    public static class EndpointServicePlans
    {
        // moto returns loadbalancer/app/... even for network load balancers, hence (net|app).
        private static readonly Regex LoadBalancerArnShape = new Regex(
            @"^arn:(?<partition>aws|aws-us-gov):elasticloadbalancing:(?<region>[a-z]{2}(-[a-z]+)+-[0-9]{1,2}):[0-9]{12}:loadbalancer/(net|app)/[A-Za-z0-9-]{1,32}/[0-9a-f]{1,32}\z",
            RegexOptions.CultureInvariant);

        private static readonly Regex PrincipalShape = new Regex(
            @"^arn:(aws|aws-us-gov):iam::[0-9]{12}:(root|(role|user)/[\w+=,.@/-]{1,512})\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// A service reference as a user gives it — <c>vpce-svc-…</c> or <c>com.amazonaws.vpce.&lt;region&gt;.vpce-svc-…</c> —
        /// as its id and, for a full name, the region the name carries (null for a bare id).
        /// Throws DbxInvalidServiceId / DbxInvalidServiceName when the text is neither.
        /// </summary>
        public static (string ServiceId, string? NameRegion) ParseServiceReference(string? value, string parameter)
        {
            if (value != null && value.StartsWith("com.amazonaws.", StringComparison.Ordinal))
            {
                var region = Names.EndpointServiceRegion(value);
                if (region == null)
                    throw new DbxValidationException("DbxInvalidServiceName",
                        $"-{parameter} '{value}' is not an endpoint service name: expected com.amazonaws.vpce.<region>.vpce-svc-<8 or 17 hex digits>.", value);
                return (value.Substring(value.LastIndexOf('.') + 1), region);
            }
            if (value == null || !Ids.IsAwsId(value, "vpce-svc"))
                throw new DbxValidationException("DbxInvalidServiceId",
                    $"-{parameter} '{value}' is not an endpoint service id (vpce-svc- followed by 8 or 17 lower-case hex digits) or name (com.amazonaws.vpce.<region>.vpce-svc-...).", value);
            return (value, null);
        }

        /// <summary>A service name names its region; it must be the region the call goes to (ids exist in one region only).</summary>
        public static void RequireSameRegion(string? nameRegion, string region, string value)
        {
            if (nameRegion != null && !string.Equals(nameRegion, region, StringComparison.Ordinal))
                throw new DbxValidationException("DbxInvalidServiceRegion",
                    $"The endpoint service '{value}' is in {nameRegion}, but the AWS calls would go to {region}. Pass -Region {nameRegion}.", value);
        }

        /// <summary>Checks a network load balancer ARN and that it is in <paramref name="region"/> (an endpoint service lives in its NLB's region).</summary>
        public static void RequireLoadBalancerArn(string? arn, string region)
        {
            var m = arn == null ? Match.Empty : LoadBalancerArnShape.Match(arn);
            if (!m.Success)
                throw new DbxValidationException("DbxInvalidNetworkLoadBalancerArn",
                    $"'{arn}' is not a load balancer ARN (arn:aws:elasticloadbalancing:<region>:<12-digit account>:loadbalancer/net/<name>/<id>).", arn);
            var arnRegion = m.Groups["region"].Value;
            if (!string.Equals(arnRegion, region, StringComparison.Ordinal))
                throw new DbxValidationException("DbxInvalidNetworkLoadBalancerArn",
                    $"The load balancer '{arn}' is in {arnRegion}, but the endpoint service would be created in {region}; an endpoint service lives in its load balancer's region. Pass -Region {arnRegion}.", arn);
            var gov = AwsPlans.IsGovCloud(region);
            if (gov != (m.Groups["partition"].Value == "aws-us-gov"))
                throw new DbxValidationException("DbxInvalidNetworkLoadBalancerArn",
                    $"The load balancer '{arn}' names the partition '{m.Groups["partition"].Value}', which does not hold {region}.", arn);
        }

        /// <summary>An IAM principal an endpoint service can allow: an account root, role or user ARN, or * (everyone).</summary>
        public static bool IsPrincipal(string? value) => value == "*" || (value != null && PrincipalShape.IsMatch(value));

        public static void RequirePrincipals(IEnumerable<string?> principals)
        {
            foreach (var p in principals)
                if (!IsPrincipal(p))
                    throw new DbxValidationException("DbxInvalidPrincipal",
                        $"'{p}' is not an IAM principal ARN (arn:aws:iam::123456789012:root, ...:role/Name or ...:user/Name) or *.", p);
        }

        /// <summary>The principals New-DbxAwsEndpointService allows at creation: Databricks serverless of the region unless skipped.</summary>
        public static string[] InitialPrincipals(string region, bool skipDatabricks) =>
            skipDatabricks ? new string[0] : ServerlessPrincipals.RoleArns(region).ToArray();

        /// <summary>Of <paramref name="wanted"/>, those not yet on the allow list (AWS compares ARNs exactly).</summary>
        public static string[] ToAdd(IEnumerable<string> current, IEnumerable<string> wanted)
        {
            var have = new HashSet<string>(current, StringComparer.Ordinal);
            return wanted.Distinct(StringComparer.Ordinal).Where(p => !have.Contains(p)).ToArray();
        }

        /// <summary>Of <paramref name="unwanted"/>, those that are on the allow list.</summary>
        public static string[] ToRemove(IEnumerable<string> current, IEnumerable<string> unwanted)
        {
            var have = new HashSet<string>(current, StringComparer.Ordinal);
            return unwanted.Distinct(StringComparer.Ordinal).Where(have.Contains).ToArray();
        }
    }
}
