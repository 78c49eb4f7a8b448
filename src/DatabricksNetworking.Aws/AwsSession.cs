using System;
using System.Collections.Concurrent;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.Util;
using DatabricksNetworking.Client;

namespace DatabricksNetworking.Aws.Engine
{
    /// <summary>
    /// Resolves region, endpoint and credentials the way the AWS CLI does — parameters, then AWS_* environment
    /// variables, then the shared config and credentials files — except that instance metadata is only asked when
    /// the caller says so (no 15 s hang on a laptop), and that an endpoint override always signs for the resolved
    /// region (the SDK would sign for us-east-1 with AWS_ENDPOINT_URL, which sends moto to the wrong region).
    /// </summary>
    internal sealed class AwsSession
    {
        private static readonly ConcurrentDictionary<string, (SessionAWSCredentials Credentials, DateTime Expires)> AssumedRoles =
            new ConcurrentDictionary<string, (SessionAWSCredentials, DateTime)>();

        private AwsSession(string region, string regionSource, AWSCredentials credentials, string source, string? ec2Endpoint, string? stsEndpoint)
        {
            Region = region;
            RegionSource = regionSource;
            Credentials = credentials;
            CredentialSource = source;
            Ec2Endpoint = ec2Endpoint;
            StsEndpoint = stsEndpoint;
        }

        public string Region { get; }
        public string RegionSource { get; }
        public AWSCredentials Credentials { get; private set; }
        public string CredentialSource { get; private set; }
        public string? Ec2Endpoint { get; }
        public string? StsEndpoint { get; }

        public static async Task<AwsSession> CreateAsync(AwsConnectionOptions o, CancellationToken ct)
        {
            var (region, regionSource) = ResolveRegion(o);
            var ec2Endpoint = ResolveEndpoint(o, "EC2");
            var stsEndpoint = ResolveEndpoint(o, "STS");
            var (credentials, source) = BaseCredentials(o);
            var session = new AwsSession(region, regionSource, credentials, source, ec2Endpoint, stsEndpoint);
            DbxLog.Verbose($"AWS: region {region} ({regionSource}); credentials from {source}; EC2 endpoint {ec2Endpoint ?? "the AWS regional endpoint"}.");
            if (!string.IsNullOrEmpty(o.RoleArn)) await session.AssumeRoleAsync(o.RoleArn!, o.ExternalId, ct).ConfigureAwait(false);
            return session;
        }

        // ---- region ---------------------------------------------------------------------------------

        public static (string Region, string Source) ResolveRegion(AwsConnectionOptions o)
        {
            var chain = ProfileChain();
            if (!string.IsNullOrEmpty(o.Profile) && !chain.TryGetProfile(o.Profile, out _)) throw ProfileNotFound(o.Profile!, "-AwsProfile");
            if (!string.IsNullOrEmpty(o.Region)) return (o.Region!, "-Region");
            foreach (var name in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
            {
                var v = Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrWhiteSpace(v)) return (v.Trim(), name);
            }
            var profileName = ProfileName(o);
            var fromConfig = ConfigFileRegion(profileName);
            if (fromConfig != null) return (fromConfig, $"profile '{profileName}'");
            if (chain.TryGetProfile(profileName, out var profile) && profile.Region != null)
                return (profile.Region.SystemName, $"profile '{profileName}'");
            if (o.UseInstanceMetadata)
            {
                var r = EC2InstanceMetadata.Region;
                if (r != null) return (r.SystemName, "instance metadata");
            }
            throw new DbxAwsException("DbxAwsMissingRegion",
                $"No AWS region was given. Pass -Region, set AWS_REGION (or AWS_DEFAULT_REGION), or set 'region' in the AWS profile '{profileName}' (~/.aws/config)."
                + (o.UseInstanceMetadata ? " Instance metadata did not answer either." : " On an EC2 instance, -UseInstanceMetadata reads it from the instance."),
                ErrorCategory.InvalidArgument, configuration: true);
        }

        /// <summary>The region of a profile in the config file (AWS_CONFIG_FILE or ~/.aws/config), read afresh each call.</summary>
        internal static string? ConfigFileRegion(string profileName)
        {
            var path = Environment.GetEnvironmentVariable("AWS_CONFIG_FILE");
            if (string.IsNullOrWhiteSpace(path))
                path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "config");
            if (!File.Exists(path)) return null;
            var wanted = profileName == "default" ? new[] { "default", "profile default" } : new[] { "profile " + profileName };
            string? section = null;
            foreach (var raw in File.ReadLines(path))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line[0] == '#' || line[0] == ';') continue;
                if (line[0] == '[' && line[line.Length - 1] == ']') { section = System.Text.RegularExpressions.Regex.Replace(line.Substring(1, line.Length - 2).Trim(), @"\s+", " "); continue; }
                if (section == null || Array.IndexOf(wanted, section) < 0) continue;
                var eq = line.IndexOf('=');
                if (eq > 0 && line.Substring(0, eq).Trim() == "region")
                {
                    var value = line.Substring(eq + 1).Trim();
                    if (value.Length > 0) return value;
                }
            }
            return null;
        }

        private static string ProfileName(AwsConnectionOptions o)
        {
            if (!string.IsNullOrEmpty(o.Profile)) return o.Profile!;
            var env = Environment.GetEnvironmentVariable("AWS_PROFILE");
            return string.IsNullOrWhiteSpace(env) ? "default" : env.Trim();
        }

        // ---- endpoint -------------------------------------------------------------------------------

        /// <summary>-AwsEndpointUrl, else AWS_ENDPOINT_URL_&lt;SERVICE&gt;, else AWS_ENDPOINT_URL (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).</summary>
        public static string? ResolveEndpoint(AwsConnectionOptions o, string service)
        {
            if (!string.IsNullOrEmpty(o.EndpointUrl)) return CheckUrl(o.EndpointUrl!, "-AwsEndpointUrl");
            if (string.Equals(Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase)) return null;
            foreach (var name in new[] { "AWS_ENDPOINT_URL_" + service, "AWS_ENDPOINT_URL" })
            {
                var v = Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrWhiteSpace(v)) return CheckUrl(v.Trim(), name);
            }
            return null;
        }

        private static string CheckUrl(string url, string from)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) return url;
            throw new DbxAwsException("DbxAwsInvalidEndpointUrl",
                $"The AWS endpoint '{url}' (from {from}) is not an absolute http:// or https:// URL.", ErrorCategory.InvalidArgument, configuration: true);
        }

        // ---- credentials ----------------------------------------------------------------------------

        /// <summary>The profile files, read afresh on every call (the SDK's default chain reads AWS_SHARED_CREDENTIALS_FILE only once per process).</summary>
        private static CredentialProfileStoreChain ProfileChain()
        {
            var path = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
            return string.IsNullOrWhiteSpace(path) ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(path.Trim());
        }

        private static (AWSCredentials, string) BaseCredentials(AwsConnectionOptions o)
        {
            var chain = ProfileChain();
            if (!string.IsNullOrEmpty(o.Profile))
            {
                if (!chain.TryGetAWSCredentials(o.Profile, out var fromProfile)) throw ProfileNotFound(o.Profile!, "-AwsProfile");
                return (Register(fromProfile), $"profile '{o.Profile}'");
            }

            var key = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
            var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
            if (!string.IsNullOrEmpty(key) || !string.IsNullOrEmpty(secret))
            {
                if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
                    throw new DbxAwsException("DbxAwsIncompleteCredentials",
                        "Only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set; set both, or neither to use a profile.",
                        ErrorCategory.AuthenticationError, configuration: true);
                SecretRegistry.Register(secret);
                var token = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
                if (!string.IsNullOrEmpty(token))
                {
                    SecretRegistry.Register(token);
                    return (new SessionAWSCredentials(key, secret, token), "environment (AWS_ACCESS_KEY_ID, AWS_SESSION_TOKEN)");
                }
                return (new BasicAWSCredentials(key, secret), "environment (AWS_ACCESS_KEY_ID)");
            }

            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE")) && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ROLE_ARN")))
                return (AssumeRoleWithWebIdentityCredentials.FromEnvironmentVariables(), "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");

            var profileName = ProfileName(o);
            if (chain.TryGetAWSCredentials(profileName, out var fromDefault))
                return (Register(fromDefault), $"profile '{profileName}'");
            if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("AWS_PROFILE"))) throw ProfileNotFound(profileName, "AWS_PROFILE");

            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
                || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI")))
                return (new GenericContainerCredentials(), "container credentials");

            if (o.UseInstanceMetadata)
            {
                try { return (new InstanceProfileAWSCredentials(), "instance metadata"); }
                catch (Exception ex) when (!(ex is DbxAwsException))
                {
                    throw new DbxAwsException("DbxAwsInstanceMetadataUnavailable",
                        $"-UseInstanceMetadata was given, but the EC2 instance metadata service gave no credentials: {ex.Message}",
                        ErrorCategory.AuthenticationError, configuration: true);
                }
            }

            throw new DbxAwsException("DbxAwsNoCredentials",
                "No AWS credentials were found. Looked at: -AwsProfile (not given), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, "
                + $"the profile '{profileName}' in ~/.aws/credentials and ~/.aws/config, and container credentials. Instance metadata is not probed unless asked: add -UseInstanceMetadata on an EC2 instance.",
                ErrorCategory.AuthenticationError, configuration: true);
        }

        private static DbxAwsException ProfileNotFound(string name, string from) =>
            new DbxAwsException("DbxAwsProfileNotFound",
                $"The AWS profile '{name}' ({from}) was not found, or has no usable credentials, in ~/.aws/credentials or ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE moves both files).",
                ErrorCategory.ObjectNotFound, configuration: true);

        /// <summary>Static keys from a file are registered as secrets at once, so no message can ever show them.</summary>
        private static AWSCredentials Register(AWSCredentials credentials)
        {
            if (credentials is BasicAWSCredentials || credentials is SessionAWSCredentials)
            {
                var c = credentials.GetCredentials();
                SecretRegistry.Register(c.SecretKey);
                SecretRegistry.Register(c.Token);
            }
            return credentials;
        }

        private async Task AssumeRoleAsync(string roleArn, string? externalId, CancellationToken ct)
        {
            var cacheKey = string.Join("|", roleArn, externalId ?? "", Region, StsEndpoint ?? "", CredentialSource, AccessKeyOf(Credentials));
            if (AssumedRoles.TryGetValue(cacheKey, out var cached) && cached.Expires > DateTime.UtcNow.AddMinutes(5))
            {
                Credentials = cached.Credentials;
                CredentialSource = $"assumed role {roleArn} (cached; from {CredentialSource})";
                return;
            }
            using var sts = CreateStsClient();
            var request = new AssumeRoleRequest
            {
                RoleArn = roleArn,
                RoleSessionName = "DatabricksNetworking-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture),
                DurationSeconds = 3600,
            };
            if (!string.IsNullOrEmpty(externalId)) request.ExternalId = externalId;
            DbxLog.Verbose($"AWS: assuming role {roleArn}{(externalId != null ? " with an external id" : "")} through STS.");
            var response = await AwsErrors.Call("Assume role " + roleArn, StsEndpoint, () => sts.AssumeRoleAsync(request, ct), ct).ConfigureAwait(false);
            var c = response.Credentials;
            SecretRegistry.Register(c.SecretAccessKey);
            SecretRegistry.Register(c.SessionToken);
            var assumed = new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
            AssumedRoles[cacheKey] = (assumed, c.Expiration?.ToUniversalTime() ?? DateTime.UtcNow.AddMinutes(50));
            Credentials = assumed;
            CredentialSource = $"assumed role {roleArn} (from {CredentialSource})";
        }

        private static string AccessKeyOf(AWSCredentials credentials) =>
            credentials is BasicAWSCredentials || credentials is SessionAWSCredentials ? credentials.GetCredentials().AccessKey : credentials.GetType().Name;

        // ---- clients --------------------------------------------------------------------------------

        public AmazonEC2Client CreateEc2Client()
        {
            var config = new AmazonEC2Config { Timeout = TimeSpan.FromSeconds(30) };
            Apply(config, Ec2Endpoint);
            return new AmazonEC2Client(Credentials, config);
        }

        public AmazonSecurityTokenServiceClient CreateStsClient()
        {
            var config = new AmazonSecurityTokenServiceConfig { Timeout = TimeSpan.FromSeconds(30) };
            Apply(config, StsEndpoint);
            return new AmazonSecurityTokenServiceClient(Credentials, config);
        }

        private void Apply(ClientConfig config, string? endpoint)
        {
            if (endpoint != null)
            {
                // Never RegionEndpoint together with ServiceURL: it would drop the override (aws-sdk-net #1781).
                config.ServiceURL = endpoint;
                config.AuthenticationRegion = Region;
                config.IgnoreConfiguredEndpointUrls = true;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
            }
        }
    }
}
