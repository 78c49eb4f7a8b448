using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Aws;

namespace DatabricksNetworking.Cmdlets.Aws
{
    /// <summary>
    /// <para type="synopsis">Checks a VPC against the Databricks customer-managed VPC requirements before Databricks does; one result per check.</para>
    /// <para type="description">DNS hostnames and DNS support, at least two subnets in different availability zones, netmasks /17 to /26,
    /// the security group rules for the Databricks ports (DatabricksPorts) and intra-group traffic, and an outbound route to a NAT
    /// gateway or to the Databricks PrivateLink endpoints. `Test-DbxAwsVpc ... | Where-Object -not Passed` is a to-do list.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "DbxAwsVpc", HelpUri = DbxCmdlet.HelpBase + "Test-DbxAwsVpc.md")]
    [OutputType(typeof(AwsVpcCheck))]
    public sealed class TestDbxAwsVpcCommand : DbxAwsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("vpc_id")]
        [ArgumentCompleter(typeof(VpcIdCompleter))]
        public string VpcId { get; set; } = "";

        /// <summary>The workspace subnets to check (all subnets of the VPC when omitted).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("subnet_ids", "SubnetIds")]
        public string[]? SubnetId { get; set; }

        /// <summary>The workspace security groups to check (their rules are not checked when omitted).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("security_group_ids", "SecurityGroupIds")]
        public string[]? SecurityGroupId { get; set; }

        protected override void ProcessAwsRecord()
        {
            CurrentTarget = VpcId;
            AwsIdCheck.Require(VpcId, "vpc", "VpcId");
            AwsIdCheck.RequireAll(SubnetId, "subnet", "SubnetId");
            AwsIdCheck.RequireAll(SecurityGroupId, "sg", "SecurityGroupId");
            var options = AwsOptions;
            var query = new AwsVpcQuery { VpcId = VpcId, SubnetIds = SubnetId, SecurityGroupIds = SecurityGroupId };
            var facts = TryRunAws(VpcId, (aws, ct) => aws.GetVpcFactsAsync(options, query, ct));
            if (facts == null) return;
            if (SecurityGroupId == null || SecurityGroupId.Length == 0)
                WriteWarning($"Security group rules of {VpcId} were not checked: pass -SecurityGroupId with the workspace security groups.");
            foreach (var check in VpcChecks.Evaluate(facts, SubnetId, SecurityGroupId))
                WriteObject(check);
        }
    }
}
