using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;

namespace DatabricksNetworking.Cmdlets.Posture
{
    /// <summary>
    /// <para type="synopsis">Writes a JSON snapshot of every networking object of the account and its workspaces (no secrets, stable ordering).</para>
    /// </summary>
    [Cmdlet(VerbsData.Export, "DbxNetworkConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = DbxCmdlet.HelpBase + "Export-DbxNetworkConfiguration.md")]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportDbxNetworkConfigurationCommand : PostureCmdletBase
    {
        /// <summary>The snapshot file to write (overwritten when it exists).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = "";

        /// <summary>The most requests in flight at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 16;

        protected override void ProcessRecordCore()
        {
            var full = ResolveOutputPath(Path);
            CurrentTarget = full;
            EnsureDirectory(full);
            if (!ShouldProcess(full, "Write the network configuration snapshot of the account")) return;
            var snapshot = CollectSnapshot(ThrottleLimit);
            foreach (var i in snapshot.Incomplete) WriteWarning("Not in the snapshot, it could not be read: " + i);
            var temp = full + ".tmp";
            using (var stream = File.Create(temp))
                ConfigurationSnapshot.Write(stream, snapshot.AccountId, DateTimeOffset.UtcNow, snapshot.Incomplete, snapshot.Objects);
            if (File.Exists(full)) File.Delete(full);
            File.Move(temp, full);
            WriteVerbose($"{snapshot.Objects.Count} objects written to {full}.");
            WriteFile(full);
        }
    }

    /// <summary>
    /// <para type="synopsis">Compares a network configuration snapshot with the live account (or with a second snapshot) and writes one object per added, removed or changed object and property.</para>
    /// </summary>
    [Cmdlet(VerbsData.Compare, "DbxNetworkConfiguration", HelpUri = DbxCmdlet.HelpBase + "Compare-DbxNetworkConfiguration.md")]
    [OutputType(typeof(NetworkConfigurationChange))]
    public sealed class CompareDbxNetworkConfigurationCommand : PostureCmdletBase
    {
        /// <summary>The earlier snapshot (Export-DbxNetworkConfiguration).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string ReferencePath { get; set; } = "";

        /// <summary>The later snapshot; the live account when not given.</summary>
        [Parameter(Position = 1)]
        public string? DifferencePath { get; set; }

        /// <summary>The most requests in flight at once (live comparison).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 16;

        /// <summary>
        /// Compares only what Import-DbxNetworkConfiguration writes: the portable kinds matched by their natural key (list
        /// label, policy id, NCC name and region, rule endpoint service and names), ignoring ids, timestamps and
        /// server-assigned state, so an account seeded from another one's snapshot shows no drift.
        /// </summary>
        [Parameter]
        public SwitchParameter Portable { get; set; }

        protected override void ProcessRecordCore()
        {
            var reference = ReadSnapshot(ReferencePath);
            var difference = DifferencePath != null ? ReadSnapshot(DifferencePath) : CollectSnapshot(ThrottleLimit);
            if (Portable)
            {
                reference = new ConfigurationSnapshotData(reference.AccountId, reference.ExportedAt, reference.Incomplete, ConfigurationImportPlan.PortableView(reference.Objects), reference.Source);
                difference = new ConfigurationSnapshotData(difference.AccountId, difference.ExportedAt, difference.Incomplete, ConfigurationImportPlan.PortableView(difference.Objects), difference.Source);
            }
            if (!Portable && reference.AccountId != null && difference.AccountId != null && !string.Equals(reference.AccountId, difference.AccountId, StringComparison.OrdinalIgnoreCase))
                WriteWarning($"The snapshots are of different accounts ({reference.AccountId} and {difference.AccountId}): every object shows as added or removed.");
            foreach (var s in new[] { reference, difference })
                foreach (var i in s.Incomplete)
                    WriteWarning($"{s.Source} is incomplete, its objects may show as removed or added: {i}");
            foreach (var change in ConfigurationSnapshot.Compare(reference.Objects, difference.Objects)) WriteObject(change);
        }

        private ConfigurationSnapshotData ReadSnapshot(string path)
        {
            var full = ResolveFilePath(path, path == ReferencePath ? "ReferencePath" : "DifferencePath", output: false, "DbxSnapshotNotFound");
            CurrentTarget = full;
            try { return ConfigurationSnapshot.Read(full); }
            catch (InvalidDataException ex) { throw new DbxValidationException("DbxInvalidSnapshot", ex.Message, full, ErrorCategory.InvalidData); }
        }
    }
}
