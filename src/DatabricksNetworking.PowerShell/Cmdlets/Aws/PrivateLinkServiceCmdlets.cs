using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Data;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Aws
{
    /// <summary>
    /// <para type="synopsis">Lists the Databricks PrivateLink endpoint services (workspace/REST API, secure cluster connectivity relay and the front-end Service Direct) per AWS region, GovCloud included.</para>
    /// <para type="description">Read from the table in the module: no AWS call, no AWS assembly loaded.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxPrivateLinkService", HelpUri = DbxCmdlet.HelpBase + "Get-DbxPrivateLinkService.md")]
    [OutputType(typeof(PrivateLinkServiceInfo))]
    public sealed class GetDbxPrivateLinkServiceCommand : DbxCmdlet
    {
        /// <summary>Only these regions (all regions when omitted).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string[]? Region { get; set; }

        /// <summary>Only the Workspace (front-end and back-end REST), the Relay (secure cluster connectivity) or the Service Direct (front-end; not in GovCloud) service.</summary>
        [Parameter]
        public PrivateLinkServiceKind? Service { get; set; }

        protected override void ProcessRecordCore()
        {
            var regions = Region ?? Regions.Supported.ToArray();
            foreach (var region in regions)
            {
                CurrentTarget = region;
                if (!Regions.IsSupported(region))
                {
                    WriteError(ErrorRecords.FromValidation(new DbxValidationException("DbxInvalidRegion", Regions.Describe(region), region)));
                    continue;
                }
                foreach (var s in PrivateLinkServices.ForRegion(region).Where(s => Service == null || s.Kind == Service))
                    WriteObject(s);
            }
        }
    }
}
