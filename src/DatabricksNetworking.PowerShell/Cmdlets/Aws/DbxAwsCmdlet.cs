using System;
using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using DatabricksNetworking.Aws;
using DatabricksNetworking.Completion;

namespace DatabricksNetworking.Cmdlets.Aws
{
    /// <summary>
    /// Base of the cmdlets that call AWS: the common AWS parameters, local checks of them, the lazily loaded engine
    /// (<see cref="AwsEngineLoader"/>), and AWS failures as ErrorRecords. Configuration failures (no region, no
    /// credentials, unknown profile) stop the cmdlet, since every further record would fail the same way; a failure
    /// of one AWS call is written for its record and the pipeline goes on.
    /// </summary>
    public abstract class DbxAwsCmdlet : DbxCmdlet
    {
        private static readonly Regex RegionShape = new Regex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$", RegexOptions.CultureInvariant);
        private static readonly Regex RoleArnShape = new Regex(@"^arn:aws[a-z\-]*:iam::[0-9]{12}:role/[\w+=,.@/\-]+$", RegexOptions.CultureInvariant);

        /// <summary>A profile of ~/.aws/credentials or ~/.aws/config; otherwise the standard AWS credential chain.</summary>
        [Parameter]
        public string? AwsProfile { get; set; }

        /// <summary>The AWS region; otherwise AWS_REGION, AWS_DEFAULT_REGION or the profile's region.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public string? Region { get; set; }

        /// <summary>A role to assume through STS with the resolved credentials before calling AWS.</summary>
        [Parameter]
        public string? AwsRoleArn { get; set; }

        /// <summary>The external id the role's trust policy demands (only with -AwsRoleArn).</summary>
        [Parameter]
        public string? ExternalId { get; set; }

        /// <summary>An endpoint override for EC2 and STS (e.g. a local AWS emulator); otherwise AWS_ENDPOINT_URL_EC2/_STS or AWS_ENDPOINT_URL.</summary>
        [Parameter]
        public string? AwsEndpointUrl { get; set; }

        /// <summary>Allow the EC2 instance metadata service as a source of credentials and region (never probed otherwise).</summary>
        [Parameter]
        public SwitchParameter UseInstanceMetadata { get; set; }

        protected IAwsEngine Aws => AwsEngineLoader.Engine;

        /// <summary>The options of this record, checked locally: nothing is loaded or sent when they are malformed.</summary>
        protected AwsConnectionOptions AwsOptions
        {
            get
            {
                if (Region != null && !RegionShape.IsMatch(Region))
                    throw new DbxValidationException("DbxInvalidRegion", $"'{Region}' is not an AWS region name (like eu-west-1).", Region);
                if (AwsRoleArn != null && !RoleArnShape.IsMatch(AwsRoleArn))
                    throw new DbxValidationException("DbxInvalidRoleArn", $"'{AwsRoleArn}' is not an IAM role ARN (arn:aws:iam::123456789012:role/Name).", AwsRoleArn);
                if (ExternalId != null && AwsRoleArn == null)
                    throw new DbxValidationException("DbxInvalidExternalId", "-ExternalId is only used when assuming a role: give -AwsRoleArn too.", ExternalId);
                if (AwsEndpointUrl != null && !(Uri.TryCreate(AwsEndpointUrl, UriKind.Absolute, out var uri) && (uri.Scheme == "http" || uri.Scheme == "https")))
                    throw new DbxValidationException("DbxInvalidEndpointUrl", $"-AwsEndpointUrl '{AwsEndpointUrl}' is not an absolute http:// or https:// URL.", AwsEndpointUrl);
                return new AwsConnectionOptions
                {
                    Profile = AwsProfile,
                    Region = Region,
                    RoleArn = AwsRoleArn,
                    ExternalId = ExternalId,
                    EndpointUrl = AwsEndpointUrl,
                    UseInstanceMetadata = UseInstanceMetadata.IsPresent,
                };
            }
        }

        /// <summary>The region the options resolve to (fails at once, without a network call, when there is none).</summary>
        protected string ResolvedRegion(AwsConnectionOptions options) => Region ?? Aws.ResolveRegion(options);

        protected sealed override void ProcessRecordCore()
        {
            try
            {
                ProcessAwsRecord();
            }
            catch (DbxAwsException ex)
            {
                if (ex.IsConfiguration) ThrowTerminatingError(ex.ToErrorRecord(CurrentTarget));
                WriteError(ex.ToErrorRecord(CurrentTarget));
            }
        }

        protected abstract void ProcessAwsRecord();

        /// <summary>Runs one engine call with the log relay and cancellation of <see cref="DbxCmdlet.Run{T}"/>.</summary>
        protected T RunAws<T>(Func<IAwsEngine, CancellationToken, Task<T>> call)
        {
            var engine = Aws;
            try
            {
                return Run(ct => call(engine, ct));
            }
            catch (Exception ex) when (!(ex is DbxAwsException || ex is DbxValidationException || ex is OperationCanceledException || ex is PipelineStoppedException))
            {
                // Anything the engine did not translate (e.g. the SDK's own credential providers) still becomes a clean ErrorRecord.
                throw new DbxAwsException("DbxAwsUnexpectedError", $"{ex.GetType().Name}: {ex.Message}", ErrorCategory.NotSpecified, configuration: ex is InvalidOperationException);
            }
        }

        /// <summary>Runs an engine call for one record; an AWS failure is written for that record and null returned.</summary>
        protected T? TryRunAws<T>(object? target, Func<IAwsEngine, CancellationToken, Task<T>> call) where T : class
        {
            try { return RunAws(call); }
            catch (DbxAwsException ex) when (!ex.IsConfiguration)
            {
                WriteError(ex.ToErrorRecord(target));
                return null;
            }
        }
    }
}
