using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using DatabricksNetworking.Client;

namespace DatabricksNetworking.Completion
{
    /// <summary>
    /// Base of the completers for ids of existing objects (-WorkspaceId, -NetworkId, ...). A derived class only
    /// names its <see cref="IdSource"/>; the base finds the context (-Context, else the session's), the workspace
    /// for workspace-level lists (-WorkspaceId, else the context's), asks <see cref="IdCatalog"/> (cached per
    /// context, gives up quietly after 2 seconds) and offers ids whose id or name starts with what was typed.
    /// It never throws: tab completion must never show an error.
    /// </summary>
    public abstract class DbxIdCompleter : IArgumentCompleter
    {
        private readonly IdSource? source;

        protected DbxIdCompleter(IdSource source) { this.source = source; }

        /// <summary>True for completers of names (-Name): the completion text is the object's name, not its id.</summary>
        protected virtual bool CompletesNames => false;

        /// <summary>For completers whose list depends on the command (see <see cref="SourceFor"/>).</summary>
        protected DbxIdCompleter() { }

        /// <summary>The list to complete from for this command; by default the one given to the constructor.</summary>
        protected virtual IdSource SourceFor(string commandName) => source ?? throw new InvalidOperationException("No id source.");

        /// <summary>
        /// The list to complete from, given what is already typed on the command line (for lists that depend on
        /// another parameter, such as a rule of the NCC given in -NetworkConnectivityConfigId); null offers nothing.
        /// </summary>
        protected virtual IdSource? SourceFor(string commandName, IDictionary? bound) => SourceFor(commandName);

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return Complete(commandName ?? "", wordToComplete ?? "", fakeBoundParameters);
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>();
            }
        }

        private IEnumerable<CompletionResult> Complete(string commandName, string wordToComplete, IDictionary? bound)
        {
            var src = SourceFor(commandName, bound);
            if (src == null) return Array.Empty<CompletionResult>();
            var boundWorkspace = src.WorkspaceLevel ? BoundWorkspaceId(bound) : null;
            var ctx = BoundContext(bound, src.WorkspaceLevel, boundWorkspace.HasValue);
            if (ctx == null) return Array.Empty<CompletionResult>();
            long? workspaceId = src.WorkspaceLevel ? boundWorkspace ?? ctx.WorkspaceId : null;
            var candidates = IdCatalog.TryGet(ctx, src, workspaceId);
            if (candidates == null) return Array.Empty<CompletionResult>();
            var prefix = wordToComplete.Trim('\'', '"');
            if (CompletesNames)
                return candidates
                    .Where(c => c.Name != null && c.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .GroupBy(c => c.Name!, StringComparer.Ordinal).Select(g => g.First())
                    .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
                    .Select(c => new CompletionResult(Quote(c.Name!), c.Name, CompletionResultType.ParameterValue,
                        string.Join(" | ", new[] { c.Name, c.Id, c.Detail }.Where(x => !string.IsNullOrEmpty(x)).Distinct())))
                    .ToList();
            return candidates
                .GroupBy(c => c.Id, StringComparer.Ordinal).Select(g => g.First())
                .Where(c => c.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || (c.Name != null && c.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(c => c.Name ?? c.Id, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Id, StringComparer.Ordinal)
                .Select(ToResult)
                .ToList();
        }

        private static string Quote(string value) =>
            value.Length == 0 || value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ',', ';', '(', ')', '{', '}', '@', '#', '[', ']', '*', '?', '|', '&', '<', '>' }) >= 0 || value[0] == '-'
                ? "'" + value.Replace("'", "''") + "'" : value;

        private static CompletionResult ToResult(IdCandidate c)
        {
            var text = Quote(c.Id);
            var list = c.Name != null && c.Name != c.Id ? c.Id + " (" + c.Name + ")" : c.Id;
            var tip = string.Join(" | ", new[] { c.Name, c.Id, c.Detail }.Where(s => !string.IsNullOrEmpty(s)).Distinct());
            return new CompletionResult(text, list, CompletionResultType.ParameterValue, tip);
        }

        private static object? Unwrap(object? value) => value is PSObject p ? p.BaseObject : value;

        /// <summary>The value typed for <paramref name="name"/> (the first one of a list), as text; null when not given.</summary>
        protected static string? BoundText(IDictionary? bound, string name)
        {
            if (bound == null || !bound.Contains(name)) return null;
            var value = Unwrap(bound[name]);
            if (value is IEnumerable e && !(value is string)) value = e.Cast<object?>().Select(Unwrap).FirstOrDefault();
            var text = value == null ? null : Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim('\'', '"');
            return string.IsNullOrEmpty(text) ? null : text;
        }

        /// <summary>Whether the switch <paramref name="name"/> is on the command line (and not -Name:$false).</summary>
        protected static bool BoundSwitch(IDictionary? bound, string name)
        {
            if (bound == null || !bound.Contains(name)) return false;
            var value = Unwrap(bound[name]);
            return value is SwitchParameter s ? s.IsPresent : !(value is bool b) || b;
        }

        /// <summary>-Context, else the session's context the cmdlet itself would use (as DbxCmdlet resolves it).</summary>
        private static DbxContext? BoundContext(IDictionary? bound, bool workspaceLevel, bool workspaceGiven)
        {
            if (bound != null && bound.Contains("Context") && Unwrap(bound["Context"]) is DbxContext given) return given;
            if (!workspaceLevel) return DbxSession.DefaultAccount;
            return workspaceGiven ? DbxSession.DefaultAccount ?? DbxSession.DefaultWorkspace : DbxSession.DefaultWorkspace ?? DbxSession.DefaultAccount;
        }

        private static long? BoundWorkspaceId(IDictionary? bound)
        {
            if (bound == null || !bound.Contains("WorkspaceId")) return null;
            var value = Unwrap(bound["WorkspaceId"]);
            if (value is IEnumerable e && !(value is string)) value = e.Cast<object?>().Select(Unwrap).FirstOrDefault();
            if (value == null) return null;
            try { return Convert.ToInt64(value, CultureInfo.InvariantCulture); }
            catch (Exception) { return null; }
        }
    }

    /// <summary>-WorkspaceId: the workspaces of the account.</summary>
    public sealed class WorkspaceIdCompleter : DbxIdCompleter
    {
        public WorkspaceIdCompleter() : base(IdSource.Account("workspaces", "workspace_id", "workspace_name", detailField: "aws_region")) { }
    }

    /// <summary>-Name of Get-DbxWorkspace: the names of the account's workspaces.</summary>
    public sealed class WorkspaceNameCompleter : DbxIdCompleter
    {
        public WorkspaceNameCompleter() : base(IdSource.Account("workspaces", "workspace_id", "workspace_name", detailField: "aws_region")) { }

        protected override bool CompletesNames => true;
    }

    /// <summary>-VpcId: the VPCs the account's network configurations use (named by their network configuration).</summary>
    public sealed class VpcIdCompleter : DbxIdCompleter
    {
        public VpcIdCompleter() : base(IdSource.Account("networks", "vpc_id", "network_name", detailField: "network_id")) { }
    }

    /// <summary>-NetworkId: the network configurations of the account.</summary>
    public sealed class NetworkIdCompleter : DbxIdCompleter
    {
        public NetworkIdCompleter() : base(IdSource.Account("networks", "network_id", "network_name", detailField: "vpc_id")) { }
    }

    /// <summary>-VpcEndpointId: the VPC endpoint registrations of the account.</summary>
    public sealed class VpcEndpointIdCompleter : DbxIdCompleter
    {
        public VpcEndpointIdCompleter() : base(IdSource.Account("vpc-endpoints", "vpc_endpoint_id", "vpc_endpoint_name", detailField: "aws_vpc_endpoint_id")) { }
    }

    /// <summary>-EndpointId: the registered endpoints (networking v1, e.g. Service Direct) of the account.</summary>
    public sealed class NetworkEndpointIdCompleter : DbxIdCompleter
    {
        public NetworkEndpointIdCompleter() : base(IdSource.NetworkingAccount("endpoints", "endpoint_id", "display_name", detailField: "region")) { }
    }

    /// <summary>-Name of Get-DbxNetworkEndpoint: the display names of the account's registered endpoints.</summary>
    public sealed class NetworkEndpointNameCompleter : DbxIdCompleter
    {
        public NetworkEndpointNameCompleter() : base(IdSource.NetworkingAccount("endpoints", "endpoint_id", "display_name", detailField: "region")) { }

        protected override bool CompletesNames => true;
    }

    /// <summary>-PrivateAccessSettingsId: the private access settings of the account.</summary>
    public sealed class PrivateAccessSettingsIdCompleter : DbxIdCompleter
    {
        public PrivateAccessSettingsIdCompleter() : base(IdSource.Account("private-access-settings", "private_access_settings_id", "private_access_settings_name", detailField: "region")) { }
    }

    /// <summary>-CredentialsId: the credential configurations (cross-account IAM roles) of the account.</summary>
    public sealed class CredentialsIdCompleter : DbxIdCompleter
    {
        public CredentialsIdCompleter() : base(IdSource.Account("credentials", "credentials_id", "credentials_name")) { }
    }

    /// <summary>-StorageConfigurationId: the storage configurations (root S3 buckets) of the account.</summary>
    public sealed class StorageConfigurationIdCompleter : DbxIdCompleter
    {
        public StorageConfigurationIdCompleter() : base(IdSource.Account("storage-configurations", "storage_configuration_id", "storage_configuration_name")) { }
    }

    /// <summary>-NetworkConnectivityConfigId: the serverless network connectivity configurations of the account.</summary>
    public sealed class NetworkConnectivityConfigIdCompleter : DbxIdCompleter
    {
        public NetworkConnectivityConfigIdCompleter() : base(IdSource.Account("network-connectivity-configs", "network_connectivity_config_id", "name", detailField: "region")) { }
    }

    /// <summary>-NetworkPolicyId: the serverless network policies of the account.</summary>
    public sealed class NetworkPolicyIdCompleter : DbxIdCompleter
    {
        public NetworkPolicyIdCompleter() : base(IdSource.Account("network-policies", "network_policy_id")) { }
    }

    /// <summary>-ListId: account IP access lists for the *-DbxAccountIpAccessList* cmdlets, else the workspace's.</summary>
    public sealed class IpAccessListIdCompleter : DbxIdCompleter
    {
        internal static readonly IdSource AccountLists = IdSource.Account("ip-access-lists", "list_id", "label", "ip_access_lists", "list_type");
        internal static readonly IdSource WorkspaceLists = IdSource.Workspace("/api/2.0/ip-access-lists", "list_id", "label", "ip_access_lists", "list_type");

        protected override IdSource SourceFor(string commandName) =>
            commandName.IndexOf("DbxAccountIpAccessList", StringComparison.OrdinalIgnoreCase) >= 0 ? AccountLists : WorkspaceLists;

        /// <summary>Also the account's lists when -Account is given (Add-/Remove-DbxIpAccessListEntry -Account).</summary>
        protected override IdSource? SourceFor(string commandName, IDictionary? bound) =>
            BoundSwitch(bound, "Account") ? AccountLists : SourceFor(commandName);
    }

    /// <summary>-RuleId: the private endpoint rules of the NCC given in -NetworkConnectivityConfigId (nothing without it).</summary>
    public sealed class PrivateEndpointRuleIdCompleter : DbxIdCompleter
    {
        /// <summary>The rule list of one NCC (an <c>{items, next_page_token}</c> list); the id must be a well-formed NCC id
        /// (it becomes one path segment, see RequestGuard.Segment).</summary>
        public static IdSource ForNcc(string networkConnectivityConfigId) =>
            IdSource.Account("network-connectivity-configs/" + RequestGuard.Segment(Validation.DbxIdKind.NetworkConnectivityConfig, networkConnectivityConfigId) + "/private-endpoint-rules",
                "rule_id", detailField: "endpoint_service");

        protected override IdSource? SourceFor(string commandName, IDictionary? bound)
        {
            var ncc = BoundText(bound, "NetworkConnectivityConfigId");
            return ncc == null || !Validation.Ids.IsValid(Validation.DbxIdKind.NetworkConnectivityConfig, ncc) ? null : ForNcc(ncc);
        }
    }

    /// <summary>
    /// -Label of Remove-DbxNetworkPolicyIngressRule and Confirm-DbxNetworkPolicyIngress: the labels of the public ingress
    /// rules of the policy given in -NetworkPolicyId (nothing without it). Remove- offers the enforced rules (with -DryRun
    /// or -Mode DryRun the dry run's), Confirm- the dry run's (the rules it can promote).
    /// </summary>
    public sealed class IngressRuleLabelCompleter : DbxIdCompleter
    {
        /// <summary>The rule labels of one network policy's enforced (<c>ingress</c>) or dry-run (<c>ingress_dry_run</c>) public
        /// access; the id must be a well-formed network policy id (it becomes one path segment, see RequestGuard.Segment).</summary>
        public static IdSource ForPolicy(string networkPolicyId, bool dryRun)
        {
            var part = dryRun ? "ingress_dry_run" : "ingress";
            return IdSource.AccountObject("network-policies/" + RequestGuard.Segment(Validation.DbxIdKind.NetworkPolicy, networkPolicyId),
                part + ".public_access.label", policy => Labels(policy, part, dryRun ? "dry run" : "enforced"));
        }

        private static IEnumerable<IdCandidate> Labels(System.Text.Json.JsonElement policy, string part, string where)
        {
            if (!policy.TryGetProperty(part, out var ingress) || ingress.ValueKind != System.Text.Json.JsonValueKind.Object
                || !ingress.TryGetProperty("public_access", out var pub) || pub.ValueKind != System.Text.Json.JsonValueKind.Object) yield break;
            foreach (var (list, action) in new[] { ("deny_rules", "deny"), ("allow_rules", "allow") })
            {
                if (!pub.TryGetProperty(list, out var rules) || rules.ValueKind != System.Text.Json.JsonValueKind.Array) continue;
                foreach (var rule in rules.EnumerateArray())
                    if (rule.ValueKind == System.Text.Json.JsonValueKind.Object && rule.TryGetProperty("label", out var l) && l.ValueKind == System.Text.Json.JsonValueKind.String)
                        yield return new IdCandidate(l.GetString()!, null, $"{action} rule ({where})");
            }
        }

        protected override IdSource? SourceFor(string commandName, IDictionary? bound)
        {
            var policy = BoundText(bound, "NetworkPolicyId");
            if (policy == null || !Validation.Ids.IsValid(Validation.DbxIdKind.NetworkPolicy, policy)) return null;
            bool dryRun = commandName.StartsWith("Confirm-", StringComparison.OrdinalIgnoreCase)
                || BoundSwitch(bound, "DryRun") || string.Equals(BoundText(bound, "Mode"), "DryRun", StringComparison.OrdinalIgnoreCase);
            return ForPolicy(policy, dryRun);
        }
    }
}
