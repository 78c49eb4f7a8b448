using System;
using System.Collections.Generic;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Firewall;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Firewall
{
    /// <summary>
    /// <para type="synopsis">Lists the firewall rules (FQDNs, CIDRs, buckets, endpoint services, ports) Databricks on AWS needs in a region, from the module's table as of 2026-11-27.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxFirewallRequirement", HelpUri = DbxCmdlet.HelpBase + "Get-DbxFirewallRequirement.md")]
    [OutputType(typeof(FirewallRequirement))]
    public sealed class GetDbxFirewallRequirementCommand : DbxCmdlet
    {
        /// <summary>AWS region of the workspace (binds from Get-DbxWorkspace output).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("aws_region")]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string[] Region { get; set; } = new string[0];

        /// <summary>Which rules: ClassicCompute, BackEndPrivateLink, FrontEnd, or All (default).</summary>
        [Parameter(Position = 1)]
        public FirewallPurpose[] Purpose { get; set; } = { FirewallPurpose.All };

        // Regions already written in this pipeline: two workspaces in one region give one set of rules.
        private readonly HashSet<string> done = new HashSet<string>(StringComparer.Ordinal);

        protected override void ProcessRecordCore()
        {
            foreach (var given in Region)
            {
                var region = (given ?? "").Trim().ToLowerInvariant();
                CurrentTarget = given;
                if (!Regions.IsSupported(region))
                {
                    WriteError(ErrorRecords.FromValidation(new DbxValidationException("DbxInvalidRegion", Regions.Describe(given), given)));
                    continue;
                }
                if (!done.Add(region))
                {
                    WriteVerbose($"{region}: rules already written in this pipeline.");
                    continue;
                }
                var lookup = FirewallTable.Lookup(region, Purpose);
                foreach (var gap in lookup.Gaps) WriteWarning(gap.Message);
                foreach (var rule in lookup.Rules) WriteObject(rule);
            }
        }
    }
}
