using System.Management.Automation;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Cmdlets.IpAccess
{
    // The account console's lists: the operations of IpAccessListCmdlets.cs through the account context.

    /// <summary>
    /// <para type="synopsis">Gets the account console's IP access lists: one by id, by label (wildcards), or all.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxAccountIpAccessList", HelpUri = DbxCmdlet.HelpBase + "Get-DbxAccountIpAccessList.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class GetDbxAccountIpAccessListCommand : GetIpAccessListBase
    {
    }

    /// <summary>
    /// <para type="synopsis">Creates an IP access list (ALLOW or BLOCK) for the account console and account APIs.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "DbxAccountIpAccessList", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "New-DbxAccountIpAccessList.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class NewDbxAccountIpAccessListCommand : NewIpAccessListBase
    {
    }

    /// <summary>
    /// <para type="synopsis">Replaces an account IP access list (PUT: label, type, addresses and enabled).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "DbxAccountIpAccessList", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Set-DbxAccountIpAccessList.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class SetDbxAccountIpAccessListCommand : SetIpAccessListBase
    {
    }

    /// <summary>
    /// <para type="synopsis">Changes some fields of an account IP access list (PATCH), e.g. disables it.</para>
    /// </summary>
    [Cmdlet(VerbsData.Update, "DbxAccountIpAccessList", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = DbxCmdlet.HelpBase + "Update-DbxAccountIpAccessList.md")]
    [OutputType(typeof(IpAccessList))]
    public sealed class UpdateDbxAccountIpAccessListCommand : UpdateIpAccessListBase
    {
    }

    /// <summary>
    /// <para type="synopsis">Deletes account IP access lists.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "DbxAccountIpAccessList", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = DbxCmdlet.HelpBase + "Remove-DbxAccountIpAccessList.md")]
    [OutputType(typeof(void))]
    public sealed class RemoveDbxAccountIpAccessListCommand : RemoveIpAccessListBase
    {
    }
}
