using System.Collections.Generic;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.IpAccess
{
    /// <summary>Reads the switch (workspace-conf <c>enableIpAccessLists</c> or account setting <c>acct_ip_acl_enable</c>).</summary>
    public abstract class GetIpAccessListFeatureBase : IpAccessCmdletBase
    {
        protected override void ProcessRecordCore()
        {
            CurrentTarget = TargetWorkspaceId;
            WriteObject(ReadFeature());
        }
    }

    /// <summary>Turns the switch on or off. Turning it on is guarded: it must not lock the caller out.</summary>
    public abstract class SetIpAccessListFeatureBase : IpAccessChangeCmdletBase
    {
        protected abstract bool TargetValue { get; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = TargetWorkspaceId;
            var api = ListsApi();
            var scope = ScopeText(api);
            var verb = TargetValue ? "Enable" : "Disable";
            if (!ShouldChange(scope, verb + " IP access lists")) return;
            if (TargetValue)
            {
                var lists = Run(ct => api.ListAsync(ct));
                // Before: every address gets in while the switch is off; if it is on already, the lists are in force.
                if (!PassesLockoutGuard(ReadFeature().Enabled ? lists : null, lists, "Enabling IP access lists", scope)) return;
            }
            if (IsAccount) WriteObject(SetAccount());
            else
            {
                var ws = WorkspaceClient(TargetWorkspaceId);
                var values = new Dictionary<string, string> { [WorkspaceConfApi.EnableIpAccessLists] = TargetValue ? "true" : "false" };
                if (Change(async ct => { await new WorkspaceConfApi(ws).SetAsync(values, ct).ConfigureAwait(false); return "ok"; }, TargetWorkspaceId, scope) != null)
                    WriteObject(ReadFeature());
            }
        }

        private IpAccessListFeature SetAccount()
        {
            var client = AccountClient;
            var written = Run(ct => new AccountSettingsApi(client).SetIpAclEnableAsync(TargetValue, ct));
            return new IpAccessListFeature { AccountId = client.AccountId, Enabled = written.AcctIpAclEnable?.Value ?? TargetValue, Etag = written.Etag };
        }
    }

    /// <summary>
    /// <para type="synopsis">Tells whether IP access lists are enforced for a workspace (workspace-conf enableIpAccessLists).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxIpAccessListFeature", HelpUri = DbxCmdlet.HelpBase + "Get-DbxIpAccessListFeature.md")]
    [OutputType(typeof(IpAccessListFeature))]
    public sealed class GetDbxIpAccessListFeatureCommand : GetIpAccessListFeatureBase, IWorkspaceScoped
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }
    }

    /// <summary>
    /// <para type="synopsis">Turns on IP access list enforcement for a workspace, after checking it does not lock you out.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "DbxIpAccessListFeature", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Enable-DbxIpAccessListFeature.md")]
    [OutputType(typeof(IpAccessListFeature))]
    public sealed class EnableDbxIpAccessListFeatureCommand : SetIpAccessListFeatureBase, IWorkspaceScoped
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }
        protected override bool TargetValue => true;
    }

    /// <summary>
    /// <para type="synopsis">Turns off IP access list enforcement for a workspace (the lists are kept).</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Disable, "DbxIpAccessListFeature", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Disable-DbxIpAccessListFeature.md")]
    [OutputType(typeof(IpAccessListFeature))]
    public sealed class DisableDbxIpAccessListFeatureCommand : SetIpAccessListFeatureBase, IWorkspaceScoped
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }
        protected override bool TargetValue => false;
    }

    /// <summary>
    /// <para type="synopsis">Tells whether IP access lists are enforced for the account console (setting acct_ip_acl_enable; on by default).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxAccountIpAccessListFeature", HelpUri = DbxCmdlet.HelpBase + "Get-DbxAccountIpAccessListFeature.md")]
    [OutputType(typeof(IpAccessListFeature))]
    public sealed class GetDbxAccountIpAccessListFeatureCommand : GetIpAccessListFeatureBase
    {    }

    /// <summary>
    /// <para type="synopsis">Turns on IP access list enforcement for the account console, after checking it does not lock you out.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "DbxAccountIpAccessListFeature", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Enable-DbxAccountIpAccessListFeature.md")]
    [OutputType(typeof(IpAccessListFeature))]
    public sealed class EnableDbxAccountIpAccessListFeatureCommand : SetIpAccessListFeatureBase
    {
        protected override bool TargetValue => true;
    }

    /// <summary>
    /// <para type="synopsis">Turns off IP access list enforcement for the account console (the lists are kept).</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Disable, "DbxAccountIpAccessListFeature", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Disable-DbxAccountIpAccessListFeature.md")]
    [OutputType(typeof(IpAccessListFeature))]
    public sealed class DisableDbxAccountIpAccessListFeatureCommand : SetIpAccessListFeatureBase
    {
        protected override bool TargetValue => false;
    }

    /// <summary>
    /// <para type="synopsis">Reverts the account console's IP access list switch (acct_ip_acl_enable) to its default, which is on, after checking it does not lock you out.</para>
    /// <para type="description">Deletes the setting (DELETE .../settings/types/acct_ip_acl_enable/names/default?etag=...), so the
    /// service's default applies again: the account's IP access lists are enforced. Because that turns enforcement on, the
    /// lockout guard checks your address against the account lists first. A setting that was never written is at its
    /// default already and is left alone.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Reset, "DbxAccountIpAccessListFeature", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Reset-DbxAccountIpAccessListFeature.md")]
    [OutputType(typeof(IpAccessListFeature))]
    public sealed class ResetDbxAccountIpAccessListFeatureCommand : IpAccessChangeCmdletBase
    {
        protected override void ProcessRecordCore()
        {
            var api = ListsApi();
            var scope = ScopeText(api);
            if (!ShouldChange(scope, "Revert IP access list enforcement to its default (on)")) return;
            var lists = Run(ct => api.ListAsync(ct));
            if (!PassesLockoutGuard(lists, "Reverting IP access lists to their default (on)", scope)) return;
            var client = AccountClient;
            var etag = Run(ct => new AccountSettingsApi(client).ResetIpAclEnableAsync(ct));
            if (etag == null) WriteVerbose("acct_ip_acl_enable was never written: it is at its default (on) already.");
            WriteObject(new IpAccessListFeature { AccountId = client.AccountId, Enabled = true, IsDefault = true, Etag = etag });
        }
    }
}
