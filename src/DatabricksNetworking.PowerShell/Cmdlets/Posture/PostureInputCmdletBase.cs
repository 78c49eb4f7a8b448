using System;
using System.Management.Automation;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Posture
{
    /// <summary>
    /// A cmdlet that works on postures: piped in from Get-DbxNetworkPosture (parameter set InputObject), or read by a
    /// scan of its own (parameter set Scan, the default).
    /// </summary>
    public abstract class PostureInputCmdletBase : PostureCmdletBase
    {
        protected const string ScanSet = "Scan", InputSet = "InputObject";

        /// <summary>Postures from Get-DbxNetworkPosture; without them the cmdlet scans the account itself.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
        public NetworkPosture[]? InputObject { get; set; }

        /// <summary>Workspaces to scan; every workspace of the account when not given.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ScanSet)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long[]? WorkspaceId { get; set; }

        /// <summary>The most requests in flight at once (when the cmdlet scans).</summary>
        [Parameter(ParameterSetName = ScanSet)]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 16;

        /// <summary>ALLOW entries with a prefix shorter than this count as wide (when the cmdlet scans).</summary>
        [Parameter(ParameterSetName = ScanSet)]
        [ValidateRange(0, 32)]
        public int MaxAllowPrefixLength { get; set; } = PostureBuilder.DefaultMaxAllowPrefixLength;

        /// <summary>Called on the pipeline thread for every posture, piped in or scanned.</summary>
        protected abstract void OnPosture(NetworkPosture posture);

        protected override void ProcessRecordCore()
        {
            if (ParameterSetName == InputSet)
            {
                foreach (var p in InputObject ?? new NetworkPosture[0]) OnPosture(p);
            }
            else Collect(WorkspaceId);
        }

        /// <summary>Scans (parameter set Scan) and hands every posture to <see cref="OnPosture"/>; nothing to do for piped postures.</summary>
        protected void ScanIfNeeded()
        {
            if (ParameterSetName == ScanSet) ScanPostures(ThrottleLimit, MaxAllowPrefixLength, OnPosture);
        }

        /// <summary>The -Baseline argument read and checked, or a terminating error naming the problem.</summary>
        protected ComplianceBaseline? ReadBaseline(object? argument, Func<ComplianceBaseline> orElse)
        {
            try { return argument == null ? orElse() : ComplianceBaseline.FromArgument(argument, p => ResolveFilePath(p, "Baseline", output: false, ComplianceBaseline.ErrorId)); }
            catch (DbxValidationException ex) { ThrowTerminatingError(ErrorRecords.FromValidation(ex)); }
            catch (Exception ex) when (ex is ItemNotFoundException || ex is ProviderNotFoundException || ex is DriveNotFoundException || ex is PSNotSupportedException)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ComplianceBaseline.ErrorId, ErrorCategory.InvalidArgument, argument));
            }
            return null;
        }
    }
}
