using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Completion;
using DatabricksNetworking.Models;
using DatabricksNetworking.Validation;

namespace DatabricksNetworking.Cmdlets.Serverless
{
    /// <summary>
    /// <para type="synopsis">Gets the S3 bucket policy that restricts a bucket to private paths while keeping it reachable for Databricks: serverless compute through the NCC's S3 private endpoint rules, classic compute through your S3 gateway endpoints. Sends only reads; the policy is returned as JSON for put-bucket-policy.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "DbxS3BucketPolicy", HelpUri = DbxCmdlet.HelpBase + "Get-DbxS3BucketPolicy.md")]
    [OutputType(typeof(S3BucketPolicy))]
    public sealed class GetDbxS3BucketPolicyCommand : DbxCmdlet
    {
        /// <summary>The organization path of Databricks' serverless VPC endpoints for S3 bucket policies (aws:VpceOrgPaths), from the serverless firewall documentation (commercial regions).</summary>
        internal const string ServerlessVpceOrgPath = "o-g29axo4oyt/r-gu8r/ou-gu8r-g4va1rkr/ou-gu8r-hvyilq7g/*";

        /// <summary>The bucket the policy is for.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("bucket_name", "Bucket")]
        public string BucketName { get; set; } = "";

        /// <summary>NCCs whose S3 private endpoint rules name the bucket (serverless compute); NCCs piped in bind by NetworkConnectivityConfigId.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("network_connectivity_config_id")]
        [ArgumentCompleter(typeof(NetworkConnectivityConfigIdCompleter))]
        [DbxId(DbxIdKind.NetworkConnectivityConfig)]
        public string[]? NetworkConnectivityConfigId { get; set; }

        /// <summary>Your S3 gateway (or interface) VPC endpoint ids, vpce-…, that classic compute uses.</summary>
        [Parameter]
        [Alias("aws_vpc_endpoint_id")]
        public string[]? AwsVpcEndpointId { get; set; }

        /// <summary>The bucket's region; the NCCs must be in it (S3 private endpoint rules reach buckets of their own region).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        /// <summary>Lets serverless compute through by Databricks' VPC endpoint organization path (aws:VpceOrgPaths) instead of, or while waiting for, the rules' endpoint ids.</summary>
        [Parameter]
        public SwitchParameter UseVpceOrgPath { get; set; }

        protected override void ProcessRecordCore()
        {
            CurrentTarget = BucketName;
            var problem = S3.BucketProblem(BucketName);
            if (problem != null)
                throw new DbxValidationException("DbxInvalidS3BucketName", $"-BucketName '{Text.Printable(BucketName)}' is not a valid S3 bucket name: {problem}.", BucketName);
            if (Region != null) ServerlessChecks.Region(Region);
            var endpointIds = new List<string>();
            foreach (var id in AwsVpcEndpointId ?? new string[0])
            {
                if (!Ids.IsAwsId(id, "vpce"))
                    throw new DbxValidationException("DbxInvalidVpcEndpointId", $"-AwsVpcEndpointId '{Text.Printable(id)}' is not a VPC endpoint id: expected vpce- and 8 or 17 lowercase hex digits.", id);
                if (!endpointIds.Contains(id)) endpointIds.Add(id);
            }
            var nccIds = (NetworkConnectivityConfigId ?? new string[0]).Where(i => !string.IsNullOrEmpty(i)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (nccIds.Count == 0 && endpointIds.Count == 0 && !UseVpceOrgPath)
                throw new DbxValidationException("DbxS3BucketPolicyNoPath",
                    "Give -NetworkConnectivityConfigId (serverless), -AwsVpcEndpointId (classic compute through your S3 gateway endpoint) or -UseVpceOrgPath: a policy with no private path would deny every request to the bucket.", BucketName);

            var api = new NetworkConnectivityApi(AccountClient);
            var pending = new List<string>();
            string? govRegion = Region != null && Region.StartsWith("us-gov-", StringComparison.Ordinal) ? Region : null;
            foreach (var nccId in nccIds)
            {
                CurrentTarget = nccId;
                NetworkConnectivityConfig ncc;
                try { ncc = Run(ct => api.GetAsync(nccId, ct)); }
                catch (DbxApiException ex) { WriteApiError(ex, nccId); return; }
                if (Region != null && !string.Equals(ncc.Region, Region, StringComparison.Ordinal))
                    throw new DbxValidationException("DbxS3BucketPolicyRegionMismatch",
                        $"The network connectivity configuration '{ncc.Name}' is in {ncc.Region} but the bucket is in {Region}: S3 private endpoint rules reach buckets of their own region only.", nccId);
                if (ncc.Region != null && ncc.Region.StartsWith("us-gov-", StringComparison.Ordinal)) govRegion = ncc.Region;
                var rules = RunPaged<PrivateEndpointRule>((token, ct) => api.ListRulesPageAsync(nccId, token, ct))
                    .Where(r => r.Deactivated != true && r.ResourceNames != null && r.ResourceNames.Contains(BucketName, StringComparer.Ordinal)).ToList();
                if (rules.Count == 0)
                    WriteWarning($"The network connectivity configuration '{ncc.Name}' ({nccId}) has no active S3 private endpoint rule for {BucketName}: serverless compute of its workspaces reaches the bucket only over a path this policy lets through. Create one with New-DbxPrivateEndpointRule -S3BucketName {BucketName} -Wait.");
                foreach (var rule in rules)
                {
                    if (rule.ConnectionState == "ESTABLISHED" && !string.IsNullOrEmpty(rule.VpcEndpointId))
                    {
                        if (!endpointIds.Contains(rule.VpcEndpointId!)) endpointIds.Add(rule.VpcEndpointId!);
                        continue;
                    }
                    pending.Add(rule.RuleId ?? "");
                    WriteWarning($"The S3 private endpoint rule {rule.RuleId} of '{ncc.Name}' is {rule.ConnectionState}{(string.IsNullOrEmpty(rule.VpcEndpointId) ? " and has no vpc_endpoint_id yet" : "")}: it is left out of the policy; " +
                        (FailedOrGone(rule.ConnectionState) ? "recreate the rule." : "run this again once it is ESTABLISHED (New-DbxPrivateEndpointRule -Wait waits for it)."));
                }
            }
            CurrentTarget = BucketName;
            if (UseVpceOrgPath && govRegion != null)
                throw new DbxValidationException("DbxS3BucketPolicyOrgPathUnknown",
                    $"Databricks documents its serverless VPC endpoint organization path for commercial regions only, not for {govRegion}: leave out -UseVpceOrgPath and name the endpoints.", BucketName);
            var orgPaths = UseVpceOrgPath ? new[] { ServerlessVpceOrgPath } : new string[0];
            if (endpointIds.Count == 0 && orgPaths.Length == 0)
            {
                WriteError(new ErrorRecord(new InvalidOperationException(
                    $"No usable private path to {BucketName} yet (every S3 private endpoint rule is still pending or missing, and no -AwsVpcEndpointId was given): a policy now would deny every request to the bucket. Wait for the rules (New-DbxPrivateEndpointRule -Wait), give -VpcEndpointId, or use -UseVpceOrgPath."),
                    "DbxS3BucketPolicyNoUsablePath", ErrorCategory.ResourceUnavailable, BucketName));
                return;
            }
            WriteObject(Build(BucketName, endpointIds, orgPaths, pending));
        }

        private static bool FailedOrGone(string? state) => NewDbxPrivateEndpointRuleCommand.FailedStates.Contains(state ?? "");

        /// <summary>One Deny statement: refuse every request unless it comes through one of the endpoints or one of the organization paths (the condition operators are AND-ed).</summary>
        internal static S3BucketPolicy Build(string bucket, IReadOnlyList<string> endpointIds, IReadOnlyList<string> orgPaths, IReadOnlyList<string> pendingRuleIds)
        {
            var condition = new OrderedDictionary();
            if (endpointIds.Count > 0) condition["StringNotEquals"] = new OrderedDictionary { ["aws:SourceVpce"] = endpointIds.ToArray() };
            if (orgPaths.Count > 0) condition["ForAllValues:StringNotLike"] = new OrderedDictionary { ["aws:VpceOrgPaths"] = orgPaths.ToArray() };
            var statement = new OrderedDictionary
            {
                ["Sid"] = "DenyOutsideDatabricksPrivatePaths",
                ["Effect"] = "Deny",
                ["Principal"] = "*",
                ["Action"] = "s3:*",
                ["Resource"] = new[] { $"arn:aws:s3:::{bucket}", $"arn:aws:s3:::{bucket}/*" },
                ["Condition"] = condition,
            };
            var document = new OrderedDictionary { ["Version"] = "2012-10-17", ["Statement"] = new object[] { statement } };
            return new S3BucketPolicy
            {
                BucketName = bucket,
                VpcEndpointIds = endpointIds.ToArray(),
                VpceOrgPaths = orgPaths.ToArray(),
                PendingRuleIds = pendingRuleIds.ToArray(),
                Statements = new object[] { statement },
                PolicyJson = JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }),
            };
        }
    }
}
