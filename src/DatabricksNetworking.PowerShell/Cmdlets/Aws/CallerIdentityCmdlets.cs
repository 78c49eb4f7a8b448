using System.Management.Automation;
using DatabricksNetworking.Aws;

namespace DatabricksNetworking.Cmdlets.Aws
{
    /// <summary>
    /// <para type="synopsis">Shows which AWS account and principal the AWS cmdlets act as (STS GetCallerIdentity).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxAwsCallerIdentity", HelpUri = DbxCmdlet.HelpBase + "Get-DbxAwsCallerIdentity.md")]
    [OutputType(typeof(AwsCallerIdentity))]
    public sealed class GetDbxAwsCallerIdentityCommand : DbxAwsCmdlet
    {
        protected override void ProcessAwsRecord()
        {
            var options = AwsOptions;
            WriteObject(RunAws((aws, ct) => aws.GetCallerIdentityAsync(options, ct)));
        }
    }
}
