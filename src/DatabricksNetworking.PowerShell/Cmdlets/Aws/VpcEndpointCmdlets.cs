using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using System.Threading;
using DatabricksNetworking.Aws;
using DatabricksNetworking.Data;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Aws
{
    /// <summary>Checks shared by the AWS cmdlets that take AWS ids.</summary>
    internal static class AwsIdCheck
    {
        public static void Require(string? value, string prefix, string what)
        {
            if (value == null || !Ids.IsAwsId(value, prefix))
                throw new DbxValidationException("DbxInvalid" + what, $"'{value}' is not a well-formed {what} id ({prefix}- followed by 8 or 17 lower-case hex digits).", value);
        }

        public static void RequireAll(IEnumerable<string>? values, string prefix, string what)
        {
            foreach (var v in values ?? Enumerable.Empty<string>()) Require(v, prefix, what);
        }

        public static Dictionary<string, string> Tags(Hashtable? tags, params (string Key, string Value)[] defaults)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in defaults) result[k] = v;
            if (tags != null)
                foreach (DictionaryEntry e in tags)
                {
                    var key = Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "";
                    if (key.Length == 0 || key.Length > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                        throw new DbxValidationException("DbxInvalidTag", $"The tag key '{key}' is not allowed (1-128 characters, not starting with aws:).", key);
                    var value = Convert.ToString(e.Value, CultureInfo.InvariantCulture) ?? "";
                    if (value.Length > 256) throw new DbxValidationException("DbxInvalidTag", $"The value of the tag '{key}' is longer than 256 characters.", key);
                    result[key] = value;
                }
            return result;
        }
    }

    /// <summary>
    /// <para type="synopsis">Creates the interface VPC endpoint to the region's Databricks Workspace (REST API), Relay (secure cluster connectivity) or Service Direct (front-end) service.</para>
    /// <para type="description">Private DNS is enabled, as Databricks requires. The output carries AwsVpcEndpointId and Region, so it pipes into New-DbxVpcEndpointRegistration (Workspace, Relay) or New-DbxNetworkEndpoint (Service Direct).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxAwsVpcEndpoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxAwsVpcEndpoint.md")]
    [OutputType(typeof(AwsVpcEndpoint))]
    public sealed class NewDbxAwsVpcEndpointCommand : DbxAwsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        public PrivateLinkServiceKind Service { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_id")]
        [ArgumentCompleter(typeof(VpcIdCompleter))]
        public string VpcId { get; set; } = "";

        /// <summary>The subnets the endpoint's network interfaces go into (one per availability zone; Databricks advises a dedicated endpoint subnet).</summary>
        [Parameter(Mandatory = true)]
        public string[] SubnetId { get; set; } = new string[0];

        /// <summary>The endpoint security group(s), e.g. from New-DbxAwsSecurityGroup -Purpose Endpoint.</summary>
        [Parameter(Mandatory = true)]
        public string[] SecurityGroupId { get; set; } = new string[0];

        /// <summary>The Name tag (default databricks-&lt;service&gt;-&lt;vpc-id&gt;); it becomes the registration name when piped on.</summary>
        [Parameter]
        public string? Name { get; set; }

        [Parameter]
        public Hashtable? Tag { get; set; }

        /// <summary>us-gov-west-1 only: the civilian (default) or DoD shard's endpoint service.</summary>
        [Parameter]
        [ValidateSet("Civilian", "DoD", IgnoreCase = true)]
        public string? GovCloudShard { get; set; }

        /// <summary>Wait until AWS reports the endpoint available (fails at once on rejected or failed).</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 600;

        protected override void ProcessAwsRecord()
        {
            CurrentTarget = VpcId;
            AwsIdCheck.Require(VpcId, "vpc", "VpcId");
            if (SubnetId.Length == 0) throw new DbxValidationException("DbxInvalidSubnetId", "Give at least one subnet for the endpoint.", null);
            AwsIdCheck.RequireAll(SubnetId, "subnet", "SubnetId");
            if (SecurityGroupId.Length == 0 || SecurityGroupId.Length > 5) throw new DbxValidationException("DbxInvalidSecurityGroupId", "Give 1 to 5 security groups for the endpoint.", SecurityGroupId);
            AwsIdCheck.RequireAll(SecurityGroupId, "sg", "SecurityGroupId");
            var options = AwsOptions;
            var region = ResolvedRegion(options);
            var service = FindService(region);
            var name = Name ?? $"databricks-{Service.ToString().ToLowerInvariant()}-{VpcId}";
            var tags = AwsIdCheck.Tags(Tag, ("Name", name), ("DatabricksService", Service.ToString()), ("ManagedBy", "DatabricksNetworking"));
            var request = new AwsVpcEndpointRequest
            {
                VpcId = VpcId,
                ServiceName = service.ServiceName,
                SubnetIds = SubnetId.Distinct().ToArray(),
                SecurityGroupIds = SecurityGroupId.Distinct().ToArray(),
                PrivateDnsEnabled = true,
                Tags = tags,
            };
            var action = $"Create the interface endpoint '{name}' to the Databricks {Service} service {service.ServiceName} (private DNS on) in subnets {string.Join(", ", request.SubnetIds)} with security groups {string.Join(", ", request.SecurityGroupIds)}";
            if (!ShouldProcess($"{VpcId} ({region})", action)) return;
            var endpoint = TryRunAws(VpcId, (aws, ct) => aws.CreateVpcEndpointAsync(options, request, ct));
            if (endpoint == null) return;
            if (Wait) endpoint = WaitAvailable(options, endpoint);
            if (endpoint != null) WriteObject(endpoint);
        }

        private PrivateLinkServiceInfo FindService(string region)
        {
            if (!Regions.IsSupported(region))
                throw new DbxValidationException("DbxInvalidRegion", $"Databricks has no PrivateLink endpoint service in '{region}'. " + Regions.Describe(region), region);
            if (GovCloudShard != null && !AwsPlans.IsGovCloud(region))
                throw new DbxValidationException("DbxInvalidGovCloudShard", "-GovCloudShard applies to us-gov-west-1 only.", GovCloudShard);
            var candidates = PrivateLinkServices.ForRegion(region).Where(s => s.Kind == Service).ToList();
            if (candidates.Count == 0)
                throw new DbxValidationException("DbxInvalidRegion", $"Databricks publishes no {Service} endpoint service for {region}; Service Direct (front-end) is not offered there. Use -Service Workspace for front-end PrivateLink in this region.", region);
            var variant = GovCloudShard?.ToLowerInvariant();
            return candidates.FirstOrDefault(s => variant == null || s.Variant == variant) ?? candidates.First();
        }

        private AwsVpcEndpoint? WaitAvailable(AwsConnectionOptions options, AwsVpcEndpoint endpoint)
        {
            var deadline = DateTime.UtcNow.AddSeconds(TimeoutSec);
            var progress = new ProgressRecord(1, "New-DbxAwsVpcEndpoint", $"Waiting for {endpoint.AwsVpcEndpointId} to become available");
            var filter = new AwsVpcEndpointFilter { VpcEndpointIds = new[] { endpoint.AwsVpcEndpointId } };
            try
            {
                while (true)
                {
                    switch (endpoint.State)
                    {
                        case "available":
                            return endpoint;
                        case "rejected":
                        case "failed":
                        case "deleted":
                        case "deleting":
                        case "expired":
                            WriteError(new DbxAwsException("DbxAwsVpcEndpointFailed",
                                $"The VPC endpoint {endpoint.AwsVpcEndpointId} to {endpoint.ServiceName} is {endpoint.State}. Check that the Databricks service allows your account (PrivateLink needs the Enterprise tier) and the endpoint's subnets and security groups.",
                                ErrorCategory.InvalidResult).ToErrorRecord(endpoint.AwsVpcEndpointId));
                            return null;
                    }
                    if (DateTime.UtcNow >= deadline)
                    {
                        WriteError(new DbxAwsException("DbxAwsVpcEndpointTimeout",
                            $"The VPC endpoint {endpoint.AwsVpcEndpointId} is still '{endpoint.State}' after {TimeoutSec} s; it was created, and Get-DbxAwsVpcEndpoint -AwsVpcEndpointId {endpoint.AwsVpcEndpointId} shows its state.",
                            ErrorCategory.OperationTimeout).ToErrorRecord(endpoint.AwsVpcEndpointId));
                        return null;
                    }
                    progress.StatusDescription = $"State: {endpoint.State}";
                    WriteProgress(progress);
                    CancelToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));
                    CancelToken.ThrowIfCancellationRequested();
                    var page = TryRunAws(endpoint.AwsVpcEndpointId, (aws, ct) => aws.ListVpcEndpointsAsync(options, filter, null, ct));
                    if (page == null) return null;
                    endpoint = page.Items.FirstOrDefault() ?? endpoint;
                }
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }
    }

    /// <summary>
    /// <para type="synopsis">Gets the VPC endpoints to the Databricks endpoint services: those of a VPC, of the region, or by id.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxAwsVpcEndpoint", DefaultParameterSetName = ByVpc, HelpUri = DbxCmdlet.HelpBase + "Get-DbxAwsVpcEndpoint.md")]
    [OutputType(typeof(AwsVpcEndpoint))]
    public sealed class GetDbxAwsVpcEndpointCommand : DbxAwsCmdlet
    {
        private const string ByVpc = "ByVpc";
        private const string ById = "ById";

        /// <summary>The VPC whose Databricks endpoints to list (all of the region when omitted).</summary>
        [Parameter(ParameterSetName = ByVpc, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_id")]
        [ArgumentCompleter(typeof(VpcIdCompleter))]
        public string? VpcId { get; set; }

        /// <summary>Only endpoints to this Databricks service.</summary>
        [Parameter(ParameterSetName = ByVpc)]
        public PrivateLinkServiceKind? Service { get; set; }

        /// <summary>Endpoints by AWS id (any service), e.g. from Get-DbxVpcEndpointRegistration.</summary>
        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("aws_vpc_endpoint_id")]
        public string[] AwsVpcEndpointId { get; set; } = new string[0];

        protected override void ProcessAwsRecord()
        {
            var options = AwsOptions;
            AwsVpcEndpointFilter filter;
            if (ParameterSetName == ById)
            {
                CurrentTarget = AwsVpcEndpointId.Length == 1 ? AwsVpcEndpointId[0] : (object)AwsVpcEndpointId;
                AwsIdCheck.RequireAll(AwsVpcEndpointId, "vpce", "AwsVpcEndpointId");
                filter = new AwsVpcEndpointFilter { VpcEndpointIds = AwsVpcEndpointId };
            }
            else
            {
                CurrentTarget = VpcId;
                if (VpcId != null) AwsIdCheck.Require(VpcId, "vpc", "VpcId");
                var region = ResolvedRegion(options);
                var names = PrivateLinkServices.ForRegion(region).Where(s => Service == null || s.Kind == Service).Select(s => s.ServiceName).ToArray();
                if (names.Length == 0)
                {
                    WriteVerbose($"Databricks has no PrivateLink endpoint service in {region}: no endpoints to list.");
                    return;
                }
                filter = new AwsVpcEndpointFilter { VpcId = VpcId, ServiceNames = names };
            }
            try
            {
                // Streamed page by page: Select-Object -First 1 costs one request.
                foreach (var e in Client.Paging.Enumerate(token => RunAws((aws, ct) => aws.ListVpcEndpointsAsync(options, filter, token, ct))))
                    WriteObject(e);
            }
            catch (DbxAwsException ex) when (!ex.IsConfiguration)
            {
                WriteError(ex.ToErrorRecord(CurrentTarget));
            }
        }
    }
}
