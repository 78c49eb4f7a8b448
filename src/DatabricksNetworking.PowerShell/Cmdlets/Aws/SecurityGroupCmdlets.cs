using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Aws;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Aws
{
    /// <summary>
    /// <para type="synopsis">Creates a security group with exactly the rules Databricks documents for the workspace, or for the PrivateLink endpoints.</para>
    /// <para type="description">Workspace: all TCP and UDP within the group both ways, and TCP egress on the Databricks ports (443, 2443, 6666, 8443-8451;
    /// 6666 not in GovCloud) to -EgressCidr. Endpoint: the endpoint ports from the workspace group (-SourceSecurityGroupId) or the VPC's CIDRs,
    /// both ways. AWS's default allow-all egress rule is removed. If a rule fails, the group is deleted again.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxAwsSecurityGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AwsSecurityGroup))]
    public sealed class NewDbxAwsSecurityGroupCommand : DbxAwsCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_id")]
        [ArgumentCompleter(typeof(VpcIdCompleter))]
        public string VpcId { get; set; } = "";

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateSet("Workspace", "Endpoint", IgnoreCase = true)]
        public string Purpose { get; set; } = "";

        /// <summary>The group name (default databricks-&lt;purpose&gt;-&lt;vpc-id&gt;).</summary>
        [Parameter]
        public string? Name { get; set; }

        [Parameter]
        public string? Description { get; set; }

        /// <summary>Workspace: where the Databricks ports may go (default 0.0.0.0/0; the VPC CIDR for a fully private workspace).</summary>
        [Parameter]
        public string EgressCidr { get; set; } = "0.0.0.0/0";

        /// <summary>Endpoint: the workspace security group the endpoint admits (default: the VPC's CIDR blocks).</summary>
        [Parameter]
        public string? SourceSecurityGroupId { get; set; }

        /// <summary>Also open the optional ports (3306 legacy Hive metastore, 5432 Lakebase).</summary>
        [Parameter]
        public SwitchParameter IncludeOptionalPort { get; set; }

        [Parameter]
        public Hashtable? Tag { get; set; }

        protected override void ProcessAwsRecord()
        {
            CurrentTarget = VpcId;
            AwsIdCheck.Require(VpcId, "vpc", "VpcId");
            var purpose = string.Equals(Purpose, "Endpoint", StringComparison.OrdinalIgnoreCase) ? "Endpoint" : "Workspace";
            if (purpose == "Workspace" && SourceSecurityGroupId != null)
                throw new DbxValidationException("DbxInvalidSourceSecurityGroupId", "-SourceSecurityGroupId is for -Purpose Endpoint (the workspace group the endpoints admit).", SourceSecurityGroupId);
            if (SourceSecurityGroupId != null) AwsIdCheck.Require(SourceSecurityGroupId, "sg", "SecurityGroupId");
            var cidrProblem = AwsText.RuleCidrProblem(EgressCidr, "EgressCidr");
            if (cidrProblem != null) throw new DbxValidationException("DbxInvalidCidr", cidrProblem, Text.Printable(EgressCidr));
            var name = Name ?? $"databricks-{purpose.ToLowerInvariant()}-{VpcId}";
            var nameProblem = AwsText.SecurityGroupTextProblem(name, "name");
            if (nameProblem != null) throw new DbxValidationException("DbxInvalidName", nameProblem, Text.Printable(name));
            if (name.StartsWith("sg-", StringComparison.OrdinalIgnoreCase))
                throw new DbxValidationException("DbxInvalidName", $"'{name}' is not a valid security group name: EC2 refuses names that start with sg-.", name);
            var descriptionProblem = AwsText.SecurityGroupTextProblem(Description, "description");
            if (descriptionProblem != null) throw new DbxValidationException("DbxInvalidDescription", descriptionProblem, Text.Printable(Description));
            var options = AwsOptions;
            var region = ResolvedRegion(options);

            AwsSecurityGroupRule[] ingress, egress;
            if (purpose == "Workspace")
            {
                (ingress, egress) = AwsPlans.WorkspaceRules(region, EgressCidr, IncludeOptionalPort);
            }
            else
            {
                string[] cidrs = new string[0];
                if (SourceSecurityGroupId == null)
                {
                    var facts = TryRunAws(VpcId, (aws, ct) => aws.GetVpcFactsAsync(options, new AwsVpcQuery { VpcId = VpcId, SubnetIds = new string[0] }, ct));
                    if (facts == null) return;
                    cidrs = facts.CidrBlocks.ToArray();
                }
                (ingress, egress) = AwsPlans.EndpointRules(region, SourceSecurityGroupId, cidrs, IncludeOptionalPort);
            }
            var request = new AwsSecurityGroupRequest
            {
                VpcId = VpcId,
                GroupName = name,
                Description = Description ?? $"Databricks {purpose.ToLowerInvariant()} security group (DatabricksNetworking)",
                Ingress = ingress,
                Egress = egress,
                RevokeDefaultEgress = true,
                Tags = AwsIdCheck.Tags(Tag, ("Name", name), ("DatabricksPurpose", purpose), ("ManagedBy", "DatabricksNetworking")),
            };
            var rules = string.Join(Environment.NewLine, ingress.Concat(egress).Select(r => "  " + r));
            var description = $"Create the {purpose} security group '{name}' in {VpcId} ({region}) with these rules (and without AWS's default allow-all egress):{Environment.NewLine}{rules}";
            if (!ShouldProcess(description, $"Create the {purpose} security group '{name}' in {VpcId}?", "New-DbxAwsSecurityGroup")) return;
            var group = TryRunAws(VpcId, (aws, ct) => aws.CreateSecurityGroupAsync(options, request, ct));
            if (group == null) return;
            group.Purpose = purpose;
            WriteObject(group);
        }
    }
}
