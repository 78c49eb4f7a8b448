using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Aws;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Posture;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Aws
{
    /// <summary>
    /// -Rollback of Deploy-DbxPrivateLinkWorkspace: removes what one run created, newest first (workspace, private access
    /// settings, network configuration, registrations, endpoints, security groups), each through the typed client or the
    /// AWS engine, each with ShouldProcess, after one question (default No; a non-interactive session needs -Force).
    /// Two uses: a deployment with -Rollback undoes its own creations when a step fails, before it reports the error;
    /// a result piped in (<c>$d | Deploy-DbxPrivateLinkWorkspace -Rollback</c>) undoes what that run created.
    /// </summary>
    public sealed partial class DeployDbxPrivateLinkWorkspaceCommand
    {
        private const string DeploySet = "Deploy";
        private const string RollbackSet = "Rollback";

        /// <summary>With a deployment: when a step fails, remove what this run created (newest first) before the error. With
        /// -InputObject: remove what that run created.</summary>
        [Parameter(ParameterSetName = DeploySet)]
        [Parameter(ParameterSetName = RollbackSet, Mandatory = true)]
        public SwitchParameter Rollback { get; set; }

        /// <summary>The result of an earlier run (PrivateLinkDeployment) whose creations -Rollback removes.</summary>
        [Parameter(ParameterSetName = RollbackSet, Mandatory = true, ValueFromPipeline = true)]
        public PrivateLinkDeployment? InputObject { get; set; }

        /// <summary>Roll back without asking (a non-interactive session needs it); never overrides -WhatIf.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The piped-in result: its creations, newest first; the removal steps are the output.</summary>
        private void RollBackResult(PrivateLinkDeployment d)
        {
            CurrentTarget = d.Name;
            request = new PrivateLinkDeploymentRequest { Name = d.Name, Region = d.Region, VpcId = d.VpcId };
            options = AwsOptions;
            if (options.Region == null) options.Region = d.Region;
            var plan = PrivateLinkDeploymentPlanner.RollbackPlan(d.Steps);
            if (plan.Count == 0)
            {
                WriteWarning($"The deployment '{d.Name}' created nothing in the run this result is of (everything was reused); nothing to roll back.");
                return;
            }
            if (!ConfirmRollback(d.Name, plan)) return;
            var failure = RemoveAll(plan, out _);
            WriteObject(plan, true);
            if (failure != null) WriteError(failure);
        }

        /// <summary>A failed run with -Rollback: removes its creations; the text says what was removed or left, for the step's error.</summary>
        private string RollBackFailedRun(IReadOnlyList<DeploymentStep> steps)
        {
            var plan = PrivateLinkDeploymentPlanner.RollbackPlan(steps);
            if (plan.Count == 0) return "Nothing was created by this run, so -Rollback had nothing to remove.";
            try { if (!ConfirmRollback(request.Name, plan)) return "Not rolled back (declined): this run created " + string.Join("; ", plan.Select(Describe)) + "."; }
            catch (DbxValidationException ex)
            {
                WriteError(ErrorRecords.FromValidation(ex));
                return "Not rolled back (this session cannot ask; add -Force): this run created " + string.Join("; ", plan.Select(Describe)) + ".";
            }
            var failure = RemoveAll(plan, out var removed);
            if (failure == null) return $"-Rollback removed what this run created, newest first: {string.Join("; ", removed.Select(Describe))}. Nothing of this run is left.";
            WriteError(failure);
            return $"-Rollback removed {(removed.Count == 0 ? "nothing" : string.Join("; ", removed.Select(Describe)))} and stopped; left: {string.Join("; ", plan.Where(s => s.Status != "Done").Select(Describe))}.";
        }

        /// <summary>One question for the whole rollback (default No), unless -Force, -WhatIf, -Confirm or $ConfirmPreference None.</summary>
        private bool ConfirmRollback(string name, IReadOnlyList<DeploymentStep> plan)
        {
            if (WhatIfInEffect || MyInvocation.BoundParameters.ContainsKey("Confirm")) return true;
            if (GetVariableValue("ConfirmPreference") is ConfirmImpact pref && pref == ConfirmImpact.None) return true;
            var warning = $"-Rollback deletes {plan.Count} object(s) that the deployment '{name}' created: {string.Join("; ", plan.Select(Describe))}.";
            return ContinueDespite(warning, "Roll back a deployment", Force, "DbxConfirmationRequired", name, $"Nothing was rolled back for '{name}'.");
        }

        private static string Describe(DeploymentStep s) => $"{s.Kind} {s.Target} ({s.Id})";

        /// <summary>Removes each step in order; stops at the first failure (what is older may depend on it) and returns its error.</summary>
        private ErrorRecord? RemoveAll(IReadOnlyList<DeploymentStep> plan, out List<DeploymentStep> removed)
        {
            removed = new List<DeploymentStep>();
            var progress = new ProgressRecord(2, $"Deploy-DbxPrivateLinkWorkspace -Rollback '{request.Name}'", "Removing");
            try
            {
                foreach (var step in plan)
                {
                    progress.PercentComplete = (step.Order - 1) * 100 / plan.Count;
                    progress.StatusDescription = $"Step {step.Order}/{plan.Count}: remove {step.Kind} {step.Target}";
                    WriteProgress(progress);
                    if (!ShouldProcess($"{step.Kind} '{step.Target}' ({step.Id})", $"Roll back step {step.Order}: delete")) { step.Status = "NotRun"; continue; }
                    try
                    {
                        Remove(step);
                        step.Status = "Done";
                        removed.Add(step);
                        WriteVerbose($"Rollback step {step.Order}: removed {Describe(step)}.");
                    }
                    catch (Exception ex) when (ex is DbxApiException || ex is DbxAwsException || ex is DbxValidationException)
                    {
                        step.Status = "Failed";
                        foreach (var later in plan.Where(s => s.Order > step.Order)) later.Status = "NotRun";
                        var record = ex switch
                        {
                            DbxApiException api => ErrorRecords.FromApi(api, step),
                            DbxAwsException aws => aws.ToErrorRecord(step),
                            _ => ErrorRecords.FromValidation((DbxValidationException)ex),
                        };
                        var left = string.Join("; ", plan.Where(s => s.Order >= step.Order).Select(Describe));
                        return new ErrorRecord(record.Exception, record.FullyQualifiedErrorId, record.CategoryInfo.Category, step)
                        {
                            ErrorDetails = new ErrorDetails(SecretRegistry.Redact($"Rollback of '{request.Name}' stopped at {Describe(step)}: {record.ErrorDetails?.Message ?? ex.Message} Left: {left}."))
                            { RecommendedAction = "Fix the cause and run the rollback again (what is gone is skipped), or remove what is left with its Remove- cmdlet." },
                        };
                    }
                }
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
            return null;
        }

        private void Remove(DeploymentStep step)
        {
            var account = AccountClient;
            var id = step.Id!;
            switch (step.Kind)
            {
                case DeploymentStepKind.Workspace:
                {
                    var api = new WorkspacesApi(account);
                    var workspaceId = long.Parse(id, CultureInfo.InvariantCulture);
                    if (!Gone(() => Run(ct => api.DeleteAsync(workspaceId, ct)))) return;
                    // The network configuration and PAS can go only once the workspace is gone.
                    WaitGone(step, () => Run(ct => api.ListAsync(ct)).Any(w => w.WorkspaceId == workspaceId));
                    return;
                }
                case DeploymentStepKind.PrivateAccessSettings:
                    Gone(() => Run(ct => new PrivateAccessSettingsApi(account).DeleteAsync(id, ct)));
                    return;
                case DeploymentStepKind.NetworkConfiguration:
                    Gone(() => Run(ct => new NetworksApi(account).DeleteAsync(id, ct)));
                    return;
                case DeploymentStepKind.WorkspaceEndpointRegistration:
                case DeploymentStepKind.RelayEndpointRegistration:
                case DeploymentStepKind.FrontEndEndpointRegistration:
                case DeploymentStepKind.ServiceDirectVpcEndpointRegistration:
                    Gone(() => Run(ct => new VpcEndpointsApi(account).DeleteAsync(id, ct)));
                    return;
                case DeploymentStepKind.ServiceDirectRegistration:
                    Gone(() => Run(ct => new NetworkEndpointsApi(account).DeleteAsync(id, ct)));
                    return;
                case DeploymentStepKind.WorkspaceEndpoint:
                case DeploymentStepKind.RelayEndpoint:
                case DeploymentStepKind.FrontEndEndpoint:
                case DeploymentStepKind.ServiceDirectEndpoint:
                {
                    var filter = new AwsVpcEndpointFilter { VpcEndpointIds = new[] { id } };
                    bool Live() => RunAws((aws, ct) => aws.ListVpcEndpointsAsync(options, filter, null, ct)).Items.Any(e => e.State != "deleted");
                    if (!Live()) return;
                    RunAws(async (aws, ct) => { await aws.DeleteVpcEndpointsAsync(options, new[] { id }, ct).ConfigureAwait(false); return true; });
                    // Its network interfaces hold the endpoint group until the endpoint is deleted.
                    WaitGone(step, Live);
                    return;
                }
                case DeploymentStepKind.WorkspaceSecurityGroup:
                case DeploymentStepKind.EndpointSecurityGroup:
                    try { RunAws(async (aws, ct) => { await aws.DeleteSecurityGroupAsync(options, id, ct).ConfigureAwait(false); return true; }); }
                    catch (DbxAwsException ex) when (ex.AwsErrorCode == "InvalidGroup.NotFound") { }
                    return;
            }
        }

        /// <summary>Runs a delete; an object already gone (404) counts as removed. True when the delete was sent and answered.</summary>
        private static bool Gone(Action delete)
        {
            try { delete(); return true; }
            catch (DbxApiException ex) when (ex.StatusCode == 404) { return false; }
        }

        private void WaitGone(DeploymentStep step, Func<bool> stillThere)
        {
            var deadline = DateTime.UtcNow.AddSeconds(TimeoutSec);
            while (stillThere())
            {
                if (DateTime.UtcNow >= deadline)
                    throw new DbxValidationException("DbxWaitTimeout", $"{Describe(step)} is still there {TimeoutSec} s after its delete.", step.Id, ErrorCategory.OperationTimeout);
                CancelToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
                CancelToken.ThrowIfCancellationRequested();
            }
        }
    }
}
