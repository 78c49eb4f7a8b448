using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Posture
{
    /// <summary>
    /// <para type="synopsis">Gets the network posture of every workspace of the account (or of the given ones): VPC, PrivateLink, public access, IP access lists, NCC and network policy, plus the account-level facts.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxNetworkPosture", HelpUri = DbxCmdlet.HelpBase + "Get-DbxNetworkPosture.md")]
    [OutputType(typeof(NetworkPosture))]
    public sealed class GetDbxNetworkPostureCommand : PostureCmdletBase
    {
        /// <summary>Workspace ids; every workspace of the account when not given. Workspaces piped in bind by WorkspaceId.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long[]? WorkspaceId { get; set; }

        /// <summary>The most requests in flight at once across the whole scan.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 16;

        /// <summary>ALLOW entries with a prefix shorter than this (wider networks) are reported as wide.</summary>
        [Parameter]
        [ValidateRange(0, 32)]
        public int MaxAllowPrefixLength { get; set; } = PostureBuilder.DefaultMaxAllowPrefixLength;

        protected override void ProcessRecordCore() => Collect(WorkspaceId);

        protected override void EndProcessingCore() => ScanPostures(ThrottleLimit, MaxAllowPrefixLength, p => WriteObject(p));
    }
}
