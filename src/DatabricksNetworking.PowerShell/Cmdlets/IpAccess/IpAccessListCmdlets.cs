using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DatabricksNetworking.Client;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.IpAccess
{
    // ---- the operations, shared by the workspace cmdlets (this file) and the account cmdlets ----------------

    /// <summary>Get: one list by id, lists by label (wildcards), or all.</summary>
    public abstract class GetIpAccessListBase : IpAccessCmdletBase
    {
        /// <summary>The id of the list; omit it to list all.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("list_id", "ip_access_list_id")]
        [ArgumentCompleter(typeof(IpAccessListIdCompleter))]
        [DbxId(DbxIdKind.IpAccessList)]
        public string[]? ListId { get; set; }

        /// <summary>Only lists whose label matches (wildcards allowed).</summary>
        [Parameter]
        [SupportsWildcards]
        public string[]? Label { get; set; }

        protected override void ProcessRecordCore()
        {
            var api = ListsApi();
            var patterns = Label?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
            bool Matches(IpAccessList l) => patterns == null || patterns.Any(p => p.IsMatch(l.Label ?? ""));
            if (ListId != null && ListId.Length > 0)
            {
                foreach (var id in ListId)
                {
                    CurrentTarget = id;
                    try
                    {
                        var list = Run(ct => api.GetAsync(id, ct));
                        if (Matches(list)) WriteObject(Named(list));
                    }
                    catch (DbxApiException ex) { WriteApiError(ex, id); }
                }
                return;
            }
            foreach (var list in Run(ct => api.ListAsync(ct)))
                if (Matches(list)) WriteObject(Named(list));
        }
    }

    /// <summary>New: creates a list (the service enables it).</summary>
    public abstract class NewIpAccessListBase : IpAccessChangeCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Label { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("list_type")]
        public IpAccessListType ListType { get; set; }

        /// <summary>IPv4 addresses and CIDRs; sent as typed (trimmed), duplicates merged, sorted.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("ip_addresses", "IpAddresses")]
        [AllowEmptyCollection]
        public string[] IpAddress { get; set; } = new string[0];

        protected override void ProcessRecordCore()
        {
            CurrentTarget = Label;
            var label = CheckLabel(Label);
            var parsed = ParseAddresses(IpAddress);
            if (parsed == null) return;
            var addresses = Validation.Cidr.Normalise(parsed);
            var api = ListsApi();
            var scope = ScopeText(api);
            var type = WireType(ListType);
            var proposed = new IpAccessList { Label = label, ListType = type, IpAddresses = addresses.ToDbxList(), Enabled = true };
            var wide = WideAllowWarning(null, proposed, $"Creating ALLOW list '{label}'", scope);
            WarnWideAllowUnderWhatIf(wide);
            if (!ShouldChange(scope, $"Create {type} IP access list '{label}' with {addresses.Count} value(s)")) return;
            if (!PassesWideAllowCheck(wide, label, $"creating list '{label}'")) return;
            var current = Run(ct => api.ListAsync(ct));
            CheckQuota(current, null, addresses.Count, scope, label);
            if (!PassesLockoutGuard(current, With(current, null, proposed), $"Creating {type} list '{label}'", scope)) return;
            // A lost answer: the new list is one that was not there before, with this label and these addresses. Not
            // matched on list_type: an enum whose value the service may extend (or spell otherwise) cannot identify it.
            var before = new HashSet<string>(current.Select(l => l.ListId ?? ""), StringComparer.Ordinal);
            var created = Change(ct => CreateRecovery.RunAsync($"IP access list '{label}' of {scope}",
                c => api.CreateAsync(label, type, addresses, c),
                async (notBefore, c) => (await api.ListAsync(c).ConfigureAwait(false))
                    .Where(l => !before.Contains(l.ListId ?? "") && l.Label == label && Validation.Cidr.SameValues(l.IpAddresses, addresses))
                    .OrderByDescending(l => l.CreatedAt ?? 0).FirstOrDefault(), ct), label, scope);
            if (created != null) WriteObject(Named(created));
        }

        internal const int MaxLabelLength = 256;

        internal static string CheckLabel(string? label)
        {
            if (string.IsNullOrWhiteSpace(label))
                throw new DbxValidationException("DbxInvalidLabel", "An IP access list needs a label (a short name such as 'office' or 'vpn').", label);
            // The service publishes no length limit for labels; 256 is the module's, like the other names of the account.
            if (!Validation.Text.TryCheckName(label, "IP access list label", 1, MaxLabelLength, out var trimmed, out var error))
                throw new DbxValidationException("DbxInvalidLabel", error!, Validation.Text.Printable(label));
            return trimmed;
        }
    }

    /// <summary>Set: PUT, a full replace of label, type, addresses and enabled.</summary>
    public abstract class SetIpAccessListBase : IpAccessChangeCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("list_id", "ip_access_list_id")]
        [ArgumentCompleter(typeof(IpAccessListIdCompleter))]
        [DbxId(DbxIdKind.IpAccessList)]
        public string ListId { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string Label { get; set; } = "";

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("list_type")]
        public IpAccessListType ListType { get; set; }

        /// <summary>The complete new set of IPv4 addresses and CIDRs.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ip_addresses", "IpAddresses")]
        [AllowEmptyCollection]
        public string[] IpAddress { get; set; } = new string[0];

        /// <summary>Whether the list takes effect; a full replace sends it always (default: true).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public bool Enabled { get; set; } = true;

        protected override void ProcessRecordCore()
        {
            CurrentTarget = ListId;
            var label = NewIpAccessListBase.CheckLabel(Label);
            var parsed = ParseAddresses(IpAddress);
            if (parsed == null) return;
            var addresses = Validation.Cidr.Normalise(parsed);
            var api = ListsApi();
            var scope = ScopeText(api);
            var type = WireType(ListType);
            // Read first (also under -WhatIf): the prompt names the list as the admin knows it.
            var current = Run(ct => api.ListAsync(ct));
            var existing = current.FirstOrDefault(l => l.ListId == ListId);
            var named = ListText(existing, ListId);
            var proposed = new IpAccessList { ListId = ListId, Label = label, ListType = type, IpAddresses = addresses.ToDbxList(), Enabled = Enabled };
            var wide = WideAllowWarning(existing, proposed, "Replacing " + named, scope);
            WarnWideAllowUnderWhatIf(wide);
            if (!ShouldChange($"{named} of {scope}", $"Replace with {type} list '{label}' ({addresses.Count} value(s), {(Enabled ? "enabled" : "disabled")})")) return;
            if (!PassesWideAllowCheck(wide, ListId, "replacing " + named)) return;
            CheckQuota(current, ListId, addresses.Count, scope, ListId);
            if (!PassesLockoutGuard(current, With(current, ListId, proposed), "Replacing " + named, scope)) return;
            var id = ListId;
            var replaced = Change(ct => api.ReplaceAsync(id, label, type, Enabled, addresses, ct), id, scope);
            if (replaced != null) WriteObject(Named(replaced));
        }
    }

    /// <summary>Update: PATCH, only the given fields change (e.g. <c>-Enabled:$false</c>).</summary>
    public abstract class UpdateIpAccessListBase : IpAccessChangeCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("list_id", "ip_access_list_id")]
        [ArgumentCompleter(typeof(IpAccessListIdCompleter))]
        [DbxId(DbxIdKind.IpAccessList)]
        public string ListId { get; set; } = "";

        [Parameter]
        public string? Label { get; set; }

        [Parameter]
        public IpAccessListType? ListType { get; set; }

        /// <summary>Replaces the addresses of the list (use Add-/Remove-DbxIpAccessListEntry to edit them).</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? IpAddress { get; set; }

        [Parameter]
        public bool Enabled { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = ListId;
            var changes = new IpAccessListRequest();
            var described = new List<string>();
            if (Label != null) { changes.Label = NewIpAccessListBase.CheckLabel(Label); described.Add($"label '{changes.Label}'"); }
            if (ListType.HasValue) { changes.ListType = WireType(ListType.Value); described.Add("type " + changes.ListType); }
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Enabled))) { changes.Enabled = Enabled; described.Add(Enabled ? "enabled" : "disabled"); }
            if (IpAddress != null)
            {
                var parsed = ParseAddresses(IpAddress);
                if (parsed == null) return;
                changes.IpAddresses = Validation.Cidr.Normalise(parsed);
                described.Add($"{changes.IpAddresses.Count} value(s)");
            }
            if (described.Count == 0)
                throw new DbxValidationException("DbxNothingToUpdate", "Give at least one of -Label, -ListType, -IpAddress or -Enabled.", ListId);
            var api = ListsApi();
            var scope = ScopeText(api);
            // Read first (also under -WhatIf): the prompt names the list as the admin knows it.
            var current = Run(ct => api.ListAsync(ct));
            var existing = current.FirstOrDefault(l => l.ListId == ListId);
            var named = ListText(existing, ListId);
            var proposed = existing == null ? null : new IpAccessList
            {
                ListId = ListId,
                Label = changes.Label ?? existing.Label,
                ListType = changes.ListType ?? existing.ListType,
                IpAddresses = changes.IpAddresses?.ToDbxList() ?? existing.IpAddresses,
                Enabled = changes.Enabled ?? existing.Enabled,
            };
            var wide = proposed == null ? null : WideAllowWarning(existing, proposed, "Updating " + named, scope);
            WarnWideAllowUnderWhatIf(wide);
            if (!ShouldChange($"{named} of {scope}", "Update: " + string.Join(", ", described))) return;
            if (!PassesWideAllowCheck(wide, ListId, "updating " + named)) return;
            if (changes.IpAddresses != null) CheckQuota(current, ListId, changes.IpAddresses.Count, scope, ListId);
            if (proposed != null && !PassesLockoutGuard(current, With(current, ListId, proposed), "Updating " + named, scope)) return;
            var id = ListId;
            var updated = Change(ct => api.UpdateAsync(id, changes, ct), id, scope);
            if (updated != null) WriteObject(Named(updated));
        }
    }

    /// <summary>Remove: deletes a list (ConfirmImpact High; -Force skips the prompt).</summary>
    public abstract class RemoveIpAccessListBase : IpAccessChangeCmdletBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("list_id", "ip_access_list_id")]
        [ArgumentCompleter(typeof(IpAccessListIdCompleter))]
        [DbxId(DbxIdKind.IpAccessList)]
        public string[] ListId { get; set; } = new string[0];

        protected override void ProcessRecordCore()
        {
            var api = ListsApi();
            var scope = ScopeText(api);
            List<IpAccessList>? current = null;
            foreach (var id in ListId)
            {
                CurrentTarget = id;
                try
                {
                    // Read first (also under -WhatIf): the prompt names the list, and a missing one is an error before any prompt.
                    current ??= Run(ct => api.ListAsync(ct));
                    var listId0 = id;
                    var existing = current.FirstOrDefault(l => l.ListId == id) ?? Run(ct => api.GetAsync(listId0, ct));
                    var named = ListText(existing, id);
                    if (!ShouldChange($"{named} of {scope}", "Remove")) continue;
                    if (!PassesLockoutGuard(current, With(current, id, null), "Removing " + named, scope)) continue;
                    var listId = id;
                    if (Change(async ct => { await api.DeleteAsync(listId, ct).ConfigureAwait(false); return "ok"; }, id, scope) != null)
                        current = With(current, id, null);
                }
                catch (DbxApiException ex) { WriteApiError(ex, id); }
                catch (DbxValidationException ex) { WriteError(ErrorRecords.FromValidation(ex)); }
            }
        }
    }

    // ---- workspace lists ---------------------------------------------------------------------------------

    /// <summary>
    /// <para type="synopsis">Gets the IP access lists of a workspace: one by id, by label (wildcards), or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxIpAccessList", HelpUri = DbxCmdlet.HelpBase + "Get-DbxIpAccessList.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class GetDbxIpAccessListCommand : GetIpAccessListBase, IWorkspaceScoped
    {
        /// <summary>The workspace (through the account context); omit it with a workspace context.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }
    }

    /// <summary>
    /// <para type="synopsis">Creates an IP access list (ALLOW or BLOCK) in a workspace.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxIpAccessList", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxIpAccessList.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class NewDbxIpAccessListCommand : NewIpAccessListBase, IWorkspaceScoped
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }
    }

    /// <summary>
    /// <para type="synopsis">Replaces an IP access list of a workspace (PUT: label, type, addresses and enabled).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DbxIpAccessList", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Set-DbxIpAccessList.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class SetDbxIpAccessListCommand : SetIpAccessListBase, IWorkspaceScoped
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }
    }

    /// <summary>
    /// <para type="synopsis">Changes some fields of an IP access list of a workspace (PATCH), e.g. disables it.</para>
    /// </summary>
    [Cmdlet(VerbsData.Update, "DbxIpAccessList", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Update-DbxIpAccessList.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class UpdateDbxIpAccessListCommand : UpdateIpAccessListBase, IWorkspaceScoped
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }
    }

    /// <summary>
    /// <para type="synopsis">Deletes IP access lists of a workspace.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxIpAccessList", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxIpAccessList.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveDbxIpAccessListCommand : RemoveIpAccessListBase, IWorkspaceScoped
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("workspace_id")]
        [ArgumentCompleter(typeof(WorkspaceIdCompleter))]
        [DbxId(DbxIdKind.Workspace)]
        public long? WorkspaceId { get; set; }
    }
}
