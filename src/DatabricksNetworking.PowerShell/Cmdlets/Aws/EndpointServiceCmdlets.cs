using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Aws;
using DatabricksNetworking.Cmdlets.Serverless;
using DatabricksNetworking.Data;

namespace DatabricksNetworking.Cmdlets.Aws
{
    /// <summary>
    /// <para type="synopsis">Gets the VPC endpoint services you own, with their allow lists and whether Databricks serverless compute may connect.</para>
    /// <para type="description">By -ServiceId or -ServiceName, or all of the region. DatabricksAllowed says whether the region's Databricks
    /// serverless principal (or its account, or *) is allowed; EndpointService is the name New-DbxPrivateEndpointRule -EndpointService takes.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxAwsEndpointService", HelpUri = DbxCmdlet.HelpBase + "Get-DbxAwsEndpointService.md")]
    [OutputType(typeof(AwsEndpointService))]
    public sealed class GetDbxAwsEndpointServiceCommand : DbxAwsCmdlet
    {
        /// <summary>Services by id (vpce-svc-…); a full service name is accepted too. All of the region when neither this nor -ServiceName is given.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("service_id")]
        public string[]? ServiceId { get; set; }

        /// <summary>Services by full name (com.amazonaws.vpce.&lt;region&gt;.vpce-svc-…); the region in the name must be the region of the call.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("service_name")]
        public string[]? ServiceName { get; set; }

        protected override void ProcessAwsRecord()
        {
            var given = new List<(string Value, string Id, string? NameRegion)>();
            foreach (var v in ServiceId ?? new string[0])
            {
                CurrentTarget = v;
                var (id, nameRegion) = EndpointServicePlans.ParseServiceReference(v, "ServiceId");
                given.Add((v, id, nameRegion));
            }
            foreach (var v in ServiceName ?? new string[0])
            {
                CurrentTarget = v;
                if (v == null || !v.StartsWith("com.amazonaws.", StringComparison.Ordinal))
                    throw new DbxValidationException("DbxInvalidServiceName",
                        $"-ServiceName '{v}' is not an endpoint service name (com.amazonaws.vpce.<region>.vpce-svc-...); give an id with -ServiceId.", v);
                var (id, nameRegion) = EndpointServicePlans.ParseServiceReference(v, "ServiceName");
                given.Add((v, id, nameRegion));
            }
            var options = AwsOptions;
            var region = ResolvedRegion(options);
            foreach (var g in given)
            {
                CurrentTarget = g.Value;
                EndpointServicePlans.RequireSameRegion(g.NameRegion, region, g.Value);
            }

            if (given.Count == 0)
            {
                CurrentTarget = region;
                try
                {
                    // Streamed page by page: Select-Object -First 1 costs one page.
                    foreach (var s in Client.Paging.Enumerate(token => RunAws((aws, ct) => aws.ListEndpointServicesAsync(options, null, token, ct))))
                        WriteObject(s);
                }
                catch (DbxAwsException ex) when (!ex.IsConfiguration)
                {
                    WriteError(ex.ToErrorRecord(region));
                }
                return;
            }

            // One call per id: an unknown id is an error for that id, and the others are still read.
            foreach (var id in given.Select(g => g.Id).Distinct(StringComparer.Ordinal))
            {
                CurrentTarget = id;
                var page = TryRunAws(id, (aws, ct) => aws.ListEndpointServicesAsync(options, new[] { id }, null, ct));
                if (page == null) continue;
                foreach (var s in page.Items) WriteObject(s);
            }
        }
    }

    /// <summary>
    /// <para type="synopsis">Creates a VPC endpoint service over a network load balancer and allows Databricks serverless compute of the region to connect.</para>
    /// <para type="description">Step 2 of the Databricks guide "Configure private connectivity to resources in your VPC". If allowing the principal
    /// fails, the service is deleted again. The output's EndpointService is what New-DbxPrivateEndpointRule -EndpointService takes.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxAwsEndpointService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxAwsEndpointService.md")]
    [OutputType(typeof(AwsEndpointService))]
    public sealed class NewDbxAwsEndpointServiceCommand : DbxAwsCmdlet
    {
        /// <summary>The internal network load balancer(s) in front of the resource, in the region of the call.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("LoadBalancerArn")]
        public string[] NetworkLoadBalancerArn { get; set; } = new string[0];

        /// <summary>Whether each endpoint connection must be accepted (default $true, as in the AWS console).</summary>
        [Parameter]
        public bool AcceptanceRequired { get; set; } = true;

        /// <summary>Do not allow the Databricks serverless principal(s) of the region (allow them later with Grant-DbxAwsEndpointServiceAccess).</summary>
        [Parameter]
        public SwitchParameter SkipDatabricksPrincipal { get; set; }

        [Parameter]
        public Hashtable? Tag { get; set; }

        protected override void ProcessAwsRecord()
        {
            CurrentTarget = NetworkLoadBalancerArn.Length == 1 ? NetworkLoadBalancerArn[0] : (object)NetworkLoadBalancerArn;
            if (NetworkLoadBalancerArn.Length == 0)
                throw new DbxValidationException("DbxInvalidNetworkLoadBalancerArn", "Give at least one network load balancer ARN.", null);
            var tags = AwsIdCheck.Tags(Tag, ("DatabricksPurpose", "ServerlessPrivateConnectivity"), ("ManagedBy", "DatabricksNetworking"));
            var options = AwsOptions;
            var region = ResolvedRegion(options);
            foreach (var arn in NetworkLoadBalancerArn) EndpointServicePlans.RequireLoadBalancerArn(arn, region);
            var arns = NetworkLoadBalancerArn.Distinct(StringComparer.Ordinal).ToArray();
            var principals = EndpointServicePlans.InitialPrincipals(region, SkipDatabricksPrincipal);
            var request = new AwsEndpointServiceRequest
            {
                NetworkLoadBalancerArns = arns,
                AcceptanceRequired = AcceptanceRequired,
                AllowedPrincipals = principals,
                Tags = tags,
            };
            var nl = Environment.NewLine;
            var description = $"Create a VPC endpoint service in {region} over{nl}" + string.Join(nl, arns.Select(a => "  " + a)) + nl
                + $"  acceptance required: {(AcceptanceRequired ? "yes (accept Databricks' endpoint connection after creating the rule)" : "no")}{nl}"
                + (principals.Length > 0
                    ? "  allowed principals (Databricks serverless): " + string.Join(", ", principals)
                    : "  allowed principals: none (-SkipDatabricksPrincipal; Databricks serverless cannot connect until allowed)");
            if (!ShouldProcess(description, $"Create a VPC endpoint service over {string.Join(", ", arns)}?", "New-DbxAwsEndpointService")) return;
            var service = TryRunAws(CurrentTarget, (aws, ct) => aws.CreateEndpointServiceAsync(options, request, ct));
            if (service == null) return;
            if (principals.Length == 0)
                WriteVerbose($"{service.ServiceId} allows no principal yet: Grant-DbxAwsEndpointServiceAccess -ServiceId {service.ServiceId} allows Databricks serverless of {region}.");
            WriteObject(service);
        }
    }

    /// <summary>Grant-/Revoke-DbxAwsEndpointServiceAccess: reads the allow list, changes only what differs, and says so when nothing does.</summary>
    public abstract class EndpointServiceAccessCmdlet : DbxAwsCmdlet
    {
        /// <summary>The service: vpce-svc-… or com.amazonaws.vpce.&lt;region&gt;.vpce-svc-….</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("service_id")]
        public string ServiceId { get; set; } = "";

        /// <summary>IAM principal ARNs (account root, role, user) or *; default: the Databricks serverless principal(s) of the region.</summary>
        [Parameter]
        public string[]? Principal { get; set; }

        /// <summary>Writes the service as it is afterwards.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected abstract bool Granting { get; }

        protected virtual bool Confirm(string target, string action) => ShouldProcess(target, action);

        protected override void ProcessAwsRecord()
        {
            CurrentTarget = ServiceId;
            var (id, nameRegion) = EndpointServicePlans.ParseServiceReference(ServiceId, "ServiceId");
            if (Principal != null)
            {
                if (Principal.Length == 0) throw new DbxValidationException("DbxInvalidPrincipal", "-Principal is empty.", null);
                EndpointServicePlans.RequirePrincipals(Principal);
            }
            var options = AwsOptions;
            var region = ResolvedRegion(options);
            EndpointServicePlans.RequireSameRegion(nameRegion, region, ServiceId);
            CurrentTarget = id;
            var principals = (Principal ?? ServerlessPrincipals.RoleArns(region).ToArray()).Distinct(StringComparer.Ordinal).ToArray();
            if (Granting && principals.Contains("*"))
                WriteWarning($"'*' lets every AWS account create endpoints to {id}; with acceptance off they connect without a check. Prefer the Databricks serverless principal (the default).");

            var page = TryRunAws(id, (aws, ct) => aws.ListEndpointServicesAsync(options, new[] { id }, null, ct));
            if (page == null) return;
            var service = page.Items.FirstOrDefault();
            if (service == null)
            {
                WriteError(new DbxAwsException("DbxAwsInvalidVpcEndpointServiceIdNotFound", $"The endpoint service '{id}' does not exist in {region}.",
                    ErrorCategory.ObjectNotFound, "InvalidVpcEndpointServiceId.NotFound", 400).ToErrorRecord(id));
                return;
            }
            var change = Granting ? EndpointServicePlans.ToAdd(service.AllowedPrincipals, principals) : EndpointServicePlans.ToRemove(service.AllowedPrincipals, principals);
            foreach (var p in principals.Except(change, StringComparer.Ordinal))
                WriteVerbose(Granting ? $"{p} is already allowed on {id}." : $"{p} is not on the allow list of {id}.");
            if (change.Length == 0)
            {
                WriteVerbose($"The allow list of {id} already {(Granting ? "holds" : "lacks")} every principal given; nothing was sent.");
                if (PassThru) WriteObject(service);
                return;
            }
            var action = (Granting ? "Allow " : "Stop allowing ") + string.Join(", ", change) + (Granting ? " to create endpoints" : " from creating endpoints (existing connections stay)");
            if (!Confirm($"{id} ({region})", action)) return;
            var updated = TryRunAws(id, (aws, ct) => aws.ModifyEndpointServicePermissionsAsync(options, new AwsEndpointServicePermissionChange
            {
                ServiceId = id,
                Add = Granting ? change : new string[0],
                Remove = Granting ? new string[0] : change,
            }, ct));
            if (updated == null) return;
            if (!Granting && !updated.DatabricksAllowed && service.DatabricksAllowed)
                WriteWarning($"Databricks serverless of {region} can no longer create endpoints to {id}; new private endpoint rules to it will fail.");
            if (PassThru) WriteObject(updated);
        }
    }

    /// <summary>
    /// <para type="synopsis">Allows principals — by default the Databricks serverless principal(s) of the region — to connect to a VPC endpoint service.</para>
    /// <para type="description">Adds only the principals not yet on the allow list; when all are, nothing is sent. -PassThru writes the service afterwards.</para>
    /// </summary>
    [Cmdlet(VerbsSecurity.Grant, "DbxAwsEndpointServiceAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Grant-DbxAwsEndpointServiceAccess.md")]
    [OutputType(typeof(AwsEndpointService))]
    public sealed class GrantDbxAwsEndpointServiceAccessCommand : EndpointServiceAccessCmdlet
    {
        protected override bool Granting => true;
    }

    /// <summary>
    /// <para type="synopsis">Removes principals — by default the Databricks serverless principal(s) of the region — from a VPC endpoint service's allow list.</para>
    /// <para type="description">Removes only principals that are on the list; existing endpoint connections are not affected. ConfirmImpact High; -Force skips the prompt.</para>
    /// </summary>
    [Cmdlet(VerbsSecurity.Revoke, "DbxAwsEndpointServiceAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Revoke-DbxAwsEndpointServiceAccess.md")]
    [OutputType(typeof(AwsEndpointService))]
    public sealed class RevokeDbxAwsEndpointServiceAccessCommand : EndpointServiceAccessCmdlet
    {
        /// <summary>Skips the confirmation prompt (not -WhatIf).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override bool Granting => false;

        protected override bool Confirm(string target, string action) => ShouldChange(Force, target, action);
    }
}
