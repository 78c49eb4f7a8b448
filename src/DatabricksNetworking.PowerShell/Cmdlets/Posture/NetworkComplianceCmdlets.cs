using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Models;
using DatabricksNetworking.Posture;

namespace DatabricksNetworking.Cmdlets.Posture
{
    /// <summary>
    /// <para type="synopsis">Checks the network posture of the account's workspaces against a baseline and writes one finding per violated control per workspace.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "DbxNetworkCompliance", DefaultParameterSetName = ScanSet, HelpUri = DbxCmdlet.HelpBase + "Test-DbxNetworkCompliance.md")]
    [OutputType(typeof(ComplianceFinding))]
    public sealed class TestDbxNetworkComplianceCommand : PostureInputCmdletBase
    {
        private ComplianceBaseline? baseline;
        private readonly Dictionary<ComplianceSeverity, int> counts = new Dictionary<ComplianceSeverity, int>();
        private readonly HashSet<string> failingWorkspaces = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<long> checkedWorkspaces = new HashSet<long>();
        private int passedChecks, failedChecks, unknownChecks;

        /// <summary>The baseline: the path of a .psd1 or .json file, or a hashtable.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public object Baseline { get; set; } = null!;

        /// <summary>End with a terminating error when a finding of this severity or higher exists (for schedulers: a non-zero exit code).</summary>
        [Parameter]
        public ComplianceSeverity? FailOn { get; set; }

        /// <summary>With -FailOn a scan that could not run is a failure a scheduler must see, not a quiet pass.</summary>
        protected override bool ApiFailureIsTerminating => FailOn.HasValue;

        protected override void BeginProcessing() =>
            baseline = ReadBaseline(Baseline, () => throw new DbxValidationException(ComplianceBaseline.ErrorId, "-Baseline is empty.", null));

        protected override void EndProcessingCore()
        {
            ScanIfNeeded();
            WriteSummary();
            if (!FailOn.HasValue) return;
            var over = counts.Where(kv => kv.Key >= FailOn.Value).OrderByDescending(kv => kv.Key).ToList();
            if (over.Count == 0) return;
            var total = over.Sum(kv => kv.Value);
            var detail = string.Join(", ", over.Select(kv => kv.Value.ToString(CultureInfo.InvariantCulture) + " " + kv.Key));
            var message = $"The network compliance check failed: {total} finding(s) at or above {FailOn.Value} ({detail}) in {string.Join(" and ", Scopes())}, against {baseline!.Source}.";
            var record = new ErrorRecord(new InvalidOperationException(message), "DbxComplianceFailed", ErrorCategory.SecurityError, baseline.Source)
            {
                ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Fix the findings (see their Remediation), or lower -FailOn." },
            };
            // Script-terminating, as PowerShell's own throw statement: a scheduled `pwsh -File` run stops here and exits
            // with a non-zero code even when the call is not the script's last statement (try/catch still catches it).
            throw new RuntimeException(message, null, record) { WasThrownFromThrowStatement = true };
        }

        private IEnumerable<string> Scopes()
        {
            var ws = failingWorkspaces.Count(s => s.StartsWith("workspace ", StringComparison.Ordinal));
            if (ws > 0 || !failingWorkspaces.Contains("the account")) yield return ws.ToString(CultureInfo.InvariantCulture) + " workspace(s)";
            if (failingWorkspaces.Contains("the account")) yield return "the account";
        }

        /// <summary>
        /// One line for the log of a scheduled run (never empty, even when every control passes): shown on the host as
        /// Write-Host is, kept in the information stream (6, -InformationVariable), never among the findings.
        /// </summary>
        private void WriteSummary()
        {
            var bySeverity = counts.Where(kv => kv.Value > 0).OrderByDescending(kv => kv.Key)
                .Select(kv => kv.Value.ToString(CultureInfo.InvariantCulture) + " " + kv.Key).ToList();
            var line = $"Network compliance against {baseline!.Source}: {checkedWorkspaces.Count} workspace(s), {passedChecks} check(s) passed, {failedChecks} failed, {unknownChecks} unknown"
                + (bySeverity.Count > 0 ? $"; findings: {string.Join(", ", bySeverity)}." : "; no findings.");
            WriteInformation(new HostInformationMessage { Message = line }, new[] { "PSHOST", "DbxComplianceSummary" });
        }

        protected override void OnPosture(NetworkPosture posture)
        {
            checkedWorkspaces.Add(posture.WorkspaceId);
            var results = ComplianceControls.Evaluate(posture, baseline!).ToList();
            // Account-level controls once per account: on the first of its postures in the baseline's scope.
            if (ComplianceControls.EvaluateAccount(posture, baseline!).Any() && accountsChecked.Add(posture.AccountId ?? ""))
                results.AddRange(ComplianceControls.EvaluateAccount(posture, baseline!));
            passedChecks += results.Count(r => r.Outcome == ComplianceControls.Passed);
            failedChecks += results.Count(r => r.Outcome == ComplianceControls.Failed);
            unknownChecks += results.Count(r => r.Outcome == ComplianceControls.Unknown);
            foreach (var f in results.Where(r => r.Outcome != ComplianceControls.Passed).Select(r => r.ToFinding()))
            {
                counts.TryGetValue(f.Severity, out var n);
                counts[f.Severity] = n + 1;
                if (FailOn.HasValue && f.Severity >= FailOn.Value) failingWorkspaces.Add(f.WorkspaceId.HasValue ? "workspace " + f.WorkspaceId.Value : "the account");
                WriteObject(f);
            }
        }

        private readonly HashSet<string> accountsChecked = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
    }
}
