using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;

namespace DatabricksNetworking.Cmdlets.Posture
{
    /// <summary>
    /// <para type="synopsis">Writes a self-contained HTML report of the account's network posture: a chart of controls passed and failed across workspaces and sortable tables of workspaces and findings.</para>
    /// </summary>
    [Cmdlet(VerbsData.Export, "DbxNetworkPostureReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ScanSet, HelpUri = DbxCmdlet.HelpBase + "Export-DbxNetworkPostureReport.md")]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportDbxNetworkPostureReportCommand : PostureInputCmdletBase
    {
        private ComplianceBaseline? baseline;
        private readonly List<NetworkPosture> postures = new List<NetworkPosture>();

        /// <summary>The HTML file to write (overwritten when it exists).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = "";

        /// <summary>The controls to chart: a .psd1 or .json baseline or a hashtable; every control at its default severity when not given.</summary>
        [Parameter]
        public object? Baseline { get; set; }

        /// <summary>The report's title.</summary>
        [Parameter]
        public string Title { get; set; } = "Databricks network posture";

        protected override void BeginProcessing()
        {
            // The path is checked before any posture arrives or any scan starts, so a long scan never ends in "cannot write".
            try { outputPath = ResolveOutputPath(Path); }
            catch (DbxValidationException ex) { ThrowTerminatingError(ErrorRecords.FromValidation(ex)); }
            baseline = ReadBaseline(Baseline, ComplianceBaseline.Default);
        }

        private string? outputPath;

        protected override void OnPosture(NetworkPosture posture) => postures.Add(posture);

        protected override void EndProcessingCore()
        {
            var full = outputPath ?? ResolveOutputPath(Path);
            CurrentTarget = full;
            if (!ShouldProcess(full, "Write the network posture report")) return;
            ScanIfNeeded();
            var html = PostureReport.Render(postures, baseline!, Title, DateTimeOffset.UtcNow);
            File.WriteAllText(full, html, new UTF8Encoding(false));
            WriteFile(full);
        }
    }
}
