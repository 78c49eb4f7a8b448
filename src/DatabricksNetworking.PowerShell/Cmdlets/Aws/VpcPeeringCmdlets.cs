using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Aws;

namespace DatabricksNetworking.Cmdlets.Aws
{
    /// <summary>
    /// <para type="synopsis">Peers two VPCs of the same account and region: requests and accepts the peering and adds the routes both ways.</para>
    /// <para type="description">Routes go into every route table of both VPCs, or only into -RouteTableId. -WhatIf shows the routes. If a step
    /// fails, the routes already added and the peering are removed again.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxAwsVpcPeering", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxAwsVpcPeering.md")]
    [OutputType(typeof(AwsVpcPeering))]
    public sealed class NewDbxAwsVpcPeeringCommand : DbxAwsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_id")]
        [ArgumentCompleter(typeof(VpcIdCompleter))]
        public string VpcId { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1)]
        public string PeerVpcId { get; set; } = "";

        /// <summary>Only these route tables (of either VPC) get a route to the other VPC; all of both VPCs when omitted.</summary>
        [Parameter]
        public string[]? RouteTableId { get; set; }

        [Parameter]
        public Hashtable? Tag { get; set; }

        protected override void ProcessAwsRecord()
        {
            CurrentTarget = VpcId;
            AwsIdCheck.Require(VpcId, "vpc", "VpcId");
            AwsIdCheck.Require(PeerVpcId, "vpc", "PeerVpcId");
            AwsIdCheck.RequireAll(RouteTableId, "rtb", "RouteTableId");
            if (VpcId == PeerVpcId) throw new DbxValidationException("DbxInvalidPeerVpcId", "A VPC cannot be peered with itself.", PeerVpcId);
            var options = AwsOptions;
            var vpc = TryRunAws(VpcId, (aws, ct) => aws.GetVpcFactsAsync(options, new AwsVpcQuery { VpcId = VpcId, SubnetIds = new string[0] }, ct));
            if (vpc == null) return;
            var peer = TryRunAws(PeerVpcId, (aws, ct) => aws.GetVpcFactsAsync(options, new AwsVpcQuery { VpcId = PeerVpcId, SubnetIds = new string[0] }, ct));
            if (peer == null) return;
            var routes = AwsPlans.PeeringRoutes(vpc, peer, RouteTableId);
            var request = new AwsVpcPeeringRequest
            {
                VpcId = VpcId,
                PeerVpcId = PeerVpcId,
                Routes = routes,
                Tags = AwsIdCheck.Tags(Tag, ("Name", $"{VpcId}-{PeerVpcId}"), ("ManagedBy", "DatabricksNetworking")),
            };
            var lines = string.Join(Environment.NewLine, routes.Select(r => $"  {r.RouteTableId}: {r.DestinationCidrBlock} -> the new peering connection"));
            var description = $"Peer {VpcId} ({string.Join(", ", vpc.CidrBlocks)}) with {PeerVpcId} ({string.Join(", ", peer.CidrBlocks)}) in {vpc.Region}, accept the peering, and add {routes.Length} route(s):{Environment.NewLine}{lines}";
            if (!ShouldProcess(description, $"Peer {VpcId} with {PeerVpcId} and add {routes.Length} route(s)?", "New-DbxAwsVpcPeering")) return;
            var peering = TryRunAws(VpcId, (aws, ct) => aws.CreateVpcPeeringAsync(options, request, ct));
            if (peering != null) WriteObject(peering);
        }
    }
}
