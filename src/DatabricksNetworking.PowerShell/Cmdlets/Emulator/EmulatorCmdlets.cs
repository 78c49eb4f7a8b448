using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using DatabricksNetworking.Client;
using DatabricksNetworking.Client.Api;
using DatabricksNetworking.Client.Auth;

namespace DatabricksNetworking.Cmdlets.Emulator
{
    /// <summary>A running Databricks emulator started by <c>Start-DbxEmulator</c>.</summary>
    public sealed class DbxEmulatorInstance
    {
        internal DbxEmulatorInstance(string url, Process process, string? accountId, string? clientId, SecureString? clientSecret, string? seedFile, string? adminToken = null)
        {
            Url = url;
            AdminToken = adminToken;
            Process = process;
            ProcessId = process.Id;
            AccountId = accountId;
            ClientId = clientId;
            SeedFile = seedFile;
            StartedAt = DateTimeOffset.Now;
            if (clientId != null && clientSecret != null) Credential = new PSCredential(clientId, clientSecret);
        }

        /// <summary>The base URL, e.g. http://127.0.0.1:52113: use it as -AccountHost.</summary>
        public string Url { get; }
        public int ProcessId { get; }
        /// <summary>The first account of the seed (the demo account for the built-in seed).</summary>
        public string? AccountId { get; }
        /// <summary>The OAuth client id of the seed account's first service principal.</summary>
        public string? ClientId { get; }
        /// <summary>Client id and secret of that service principal, for <c>Connect-DbxAccount -Credential</c> (the secret stays a SecureString).</summary>
        public PSCredential? Credential { get; }
        /// <summary>
        /// The secret of this run's /_emulator control routes (request counts, state with secrets, clock, faults): send it as the
        /// X-Emulator-Admin-Token header. A local test secret: not in the default view, masked in traces.
        /// </summary>
        public string? AdminToken { get; }
        /// <summary>The seed file, or null for the built-in demo seed.</summary>
        public string? SeedFile { get; }
        public DateTimeOffset StartedAt { get; }
        /// <summary>The account context when started with -Connect.</summary>
        public DbxContext? Context { get; internal set; }

        /// <summary>True when Start-DbxEmulator connected a context to it (the default unless -NoConnect).</summary>
        public bool Connected => Context != null;
        public bool HasExited { get { try { return Process.HasExited; } catch (InvalidOperationException) { return true; } } }

        internal Process Process { get; }

        public override string ToString() => Url;
    }

    /// <summary>The emulators this PowerShell process started (Stop-DbxEmulator without arguments stops them all).</summary>
    internal static class EmulatorRegistry
    {
        private static readonly object Gate = new object();
        private static readonly List<DbxEmulatorInstance> Running = new List<DbxEmulatorInstance>();

        public static void Add(DbxEmulatorInstance i) { lock (Gate) Running.Add(i); }
        public static void Remove(DbxEmulatorInstance i) { lock (Gate) Running.Remove(i); }
        public static DbxEmulatorInstance[] All() { lock (Gate) return Running.ToArray(); }
    }

    /// <summary>
    /// <para type="synopsis">Starts the Databricks emulator that ships with the module, so the module can be tried without an account.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "DbxEmulator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, HelpUri = DbxCmdlet.HelpBase + "Start-DbxEmulator.md")]
    [OutputType(typeof(DbxEmulatorInstance))]
    public sealed class StartDbxEmulatorCommand : PSCmdlet
    {
        // The built-in demo seed (src/DatabricksNetworking.Emulator/Seeds/demo-seed.json): public demo values.
        internal const string DemoAccountId = "5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37";
        internal const string DemoClientId = "9f1e2d3c-4b5a-4968-8776-655443322110";
        internal const string DemoClientSecret = "dosedemo0123456789abcdef0123456789ab";

        private static readonly Regex Listening = new Regex(@"^Emulator listening on (http://\S+)(?: admin-token=(\S+))?", RegexOptions.CultureInvariant);

        /// <summary>Loopback port; 0 (default) picks a free one.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        /// <summary>A seed file (JSON) instead of the built-in demo account.</summary>
        [Parameter]
        public string? SeedFile { get; set; }

        /// <summary>Persist the emulator's state in this file (and start from it when it exists).</summary>
        [Parameter]
        public string? StateFile { get; set; }

        /// <summary>AWS endpoint (e.g. moto_server) the emulator validates networks and VPC endpoints against.</summary>
        [Parameter]
        public string? AwsEndpoint { get; set; }

        /// <summary>Added latency per request, in milliseconds.</summary>
        [Parameter]
        [ValidateRange(0, 60000)]
        public int LatencyMs { get; set; }

        /// <summary>Share of API requests answered with 503 or a reset connection (0 to 1).</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double FaultRate { get; set; }

        /// <summary>Requests per second per caller before 429 with Retry-After; 0 = off.</summary>
        [Parameter]
        [ValidateRange(0.0, 100000.0)]
        public double RateLimit { get; set; }

        /// <summary>Share of writes that are applied but whose answer is lost (0 to 1).</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double DropAfterCommitRate { get; set; }

        /// <summary>Random seed of the fault knobs (same seed, same faults).</summary>
        [Parameter]
        public int? Seed { get; set; }

        /// <summary>Further emulator options, passed through as they are (e.g. '--page-size','5').</summary>
        [Parameter]
        public string[]? ArgumentList { get; set; }

        /// <summary>Adds this many generated workspaces, each with its network objects, to the seed (a large account for trying scale).</summary>
        [Parameter]
        [ValidateRange(0, 100000)]
        public int ExtraWorkspaces { get; set; }

        /// <summary>Take the caller's address from X-Forwarded-For (loopback callers only), to try IP access lists from other addresses.</summary>
        [Parameter]
        public SwitchParameter TrustForwardedFor { get; set; }

        /// <summary>Also connect the session to the seed's first account (its first service principal, OAuth M2M).</summary>
        [Parameter]
        public SwitchParameter Connect { get; set; }

        /// <summary>Seconds to wait for the emulator to start listening.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = 60;

        protected override void EndProcessing()
        {
            var moduleDir = Path.GetDirectoryName(typeof(StartDbxEmulatorCommand).Assembly.Location) ?? ".";
            var dll = Path.Combine(Path.Combine(moduleDir, "emulator"), "DatabricksNetworking.Emulator.dll");
            if (!File.Exists(dll))
                ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"The emulator is not installed with the module: '{dll}' does not exist. Rebuild the module with ./build.ps1 Build.", dll),
                    "DbxEmulatorNotFound", ErrorCategory.ObjectNotFound, dll));

            string? seedPath = null;
            if (SeedFile != null)
            {
                seedPath = GetUnresolvedProviderPathFromPSPath(SeedFile);
                if (!File.Exists(seedPath))
                    ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"The seed file '{seedPath}' does not exist.", seedPath), "DbxInvalidSeedFile", ErrorCategory.ObjectNotFound, SeedFile));
            }
            var (accountId, clientId, secret) = seedPath == null ? (DemoAccountId, DemoClientId, DemoClientSecret) : ReadSeedIdentity(seedPath);

            var args = new List<string> { dll, "--port", Port.ToString(CultureInfo.InvariantCulture) };
            if (seedPath != null) args.AddRange(new[] { "--seed-file", seedPath });
            if (StateFile != null) args.AddRange(new[] { "--state-file", GetUnresolvedProviderPathFromPSPath(StateFile) });
            if (AwsEndpoint != null) args.AddRange(new[] { "--aws-endpoint", AwsEndpoint });
            if (LatencyMs > 0) args.AddRange(new[] { "--latency-ms", LatencyMs.ToString(CultureInfo.InvariantCulture) });
            if (FaultRate > 0) args.AddRange(new[] { "--fault-rate", FaultRate.ToString("R", CultureInfo.InvariantCulture) });
            if (RateLimit > 0) args.AddRange(new[] { "--rate-limit", RateLimit.ToString("R", CultureInfo.InvariantCulture) });
            if (DropAfterCommitRate > 0) args.AddRange(new[] { "--drop-after-commit-rate", DropAfterCommitRate.ToString("R", CultureInfo.InvariantCulture) });
            if (Seed.HasValue) args.AddRange(new[] { "--seed", Seed.Value.ToString(CultureInfo.InvariantCulture) });
            if (ExtraWorkspaces > 0) args.AddRange(new[] { "--extra-workspaces", ExtraWorkspaces.ToString(CultureInfo.InvariantCulture) });
            if (TrustForwardedFor) args.Add("--trust-forwarded-for");
            if (ArgumentList != null) args.AddRange(ArgumentList);
            args.AddRange(new[] { "--parent-pid", Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture) });

            var dotnet = FindDotnet();
            CheckAspNetCoreRuntime(dotnet);
            var commandLine = string.Join(" ", args.Select(QuoteArgument));
            if (!ShouldProcess($"{dotnet} {commandLine}", "Start the Databricks emulator")) return;
            WriteVerbose($"Starting: {dotnet} {commandLine}");

            var psi = new ProcessStartInfo(dotnet, commandLine)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            var listening = new ManualResetEventSlim(false);
            string? url = null;
            string? adminToken = null;
            var errors = new StringBuilder();
            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null || url != null) return;
                var m = Listening.Match(e.Data);
                if (m.Success)
                {
                    if (m.Groups[2].Success) { adminToken = m.Groups[2].Value; SecretRegistry.Register(adminToken); }
                    url = m.Groups[1].Value;
                    listening.Set();
                }
            };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.AppendLine(e.Data); };
            process.Exited += (_, __) => listening.Set();
            try { process.Start(); }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Could not start '{dotnet}': {ex.Message}. The emulator needs the .NET runtime (dotnet) on PATH.", ex),
                    "DbxEmulatorStartFailed", ErrorCategory.ResourceUnavailable, dotnet));
            }
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            listening.Wait(TimeSpan.FromSeconds(TimeoutSec));
            if (url == null)
            {
                var exited = process.HasExited;
                if (!exited) { try { process.Kill(); } catch (InvalidOperationException) { } }
                string err;
                lock (errors) err = errors.ToString().Trim();
                var inUse = err.Split('\n').FirstOrDefault(l => l.Contains(PortInUseMarker));
                if (exited && inUse != null)
                    ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(inUse.Substring(inUse.IndexOf(PortInUseMarker, StringComparison.Ordinal) + PortInUseMarker.Length).Trim()),
                        "DbxEmulatorPortInUse", ErrorCategory.ResourceUnavailable, Port));
                var why = exited ? $"exited with code {process.ExitCode}" : $"did not report its address within {TimeoutSec} s";
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"The emulator {why}.{(err.Length > 0 ? " " + err : "")}"),
                    "DbxEmulatorStartFailed", ErrorCategory.ResourceUnavailable, dll));
            }

            var instance = new DbxEmulatorInstance(url!, process, accountId, clientId, ToSecure(secret), seedPath, adminToken);
            EmulatorRegistry.Add(instance);
            WriteVerbose($"Emulator listening on {url} (process {process.Id})");

            if (Connect)
            {
                if (accountId == null || clientId == null || secret == null)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException("-Connect needs a seed whose first account has a service principal with a secret."),
                        "DbxEmulatorNoIdentity", ErrorCategory.InvalidData, seedPath));
                }
                else
                {
                    try
                    {
                        instance.Context = ConnectTo(url!, accountId, clientId, secret);
                        DbxSession.DefaultAccount = instance.Context;
                        WriteVerbose($"Connected: {instance.Context}");
                    }
                    catch (DbxApiException ex) { WriteError(ErrorRecords.FromApi(ex, url, "Connecting to the emulator failed")); }
                    catch (ConfigResolutionException ex) { WriteError(ErrorRecords.FromConfig(ex, url)); }
                }
            }
            WriteObject(instance);
        }

        private static DbxContext ConnectTo(string url, string accountId, string clientId, string secret)
        {
            var explicitValues = new Dictionary<string, string?>
            {
                ["host"] = url,
                ["account_id"] = accountId,
                ["client_id"] = clientId,
                ["client_secret"] = secret,
                ["auth_type"] = "oauth-m2m",
            };
            // Only these values: neither DATABRICKS_* variables nor ~/.databrickscfg may redirect the connection.
            var cfg = ConfigResolver.Resolve(explicitValues, null, _ => null, _ => null);
            var ctx = ContextFactory.Create(DbxScope.Account, cfg, null);
            new WorkspacesApi(ctx.Client).ListAsync(CancellationToken.None).GetAwaiter().GetResult();
            return ctx;
        }

        /// <summary>The first account of a seed file and its first service principal.</summary>
        private (string? AccountId, string? ClientId, string? Secret) ReadSeedIdentity(string path)
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                if (!doc.RootElement.TryGetProperty("accounts", out var accounts) || accounts.ValueKind != JsonValueKind.Array || accounts.GetArrayLength() == 0)
                    return (null, null, null);
                var acc = accounts[0];
                var id = acc.TryGetProperty("account_id", out var a) ? a.GetString() : null;
                if (acc.TryGetProperty("service_principals", out var sps) && sps.ValueKind == JsonValueKind.Array && sps.GetArrayLength() > 0)
                {
                    var sp = sps[0];
                    var cid = sp.TryGetProperty("application_id", out var c) ? c.GetString() : null;
                    var sec = sp.TryGetProperty("secret", out var s) ? s.GetString() : null;
                    SecretRegistry.Register(sec);
                    return (id, cid, sec);
                }
                return (id, null, null);
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is IOException)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidDataException($"The seed file '{path}' is not valid: {ex.Message}", ex), "DbxInvalidSeedFile", ErrorCategory.InvalidData, path));
                return (null, null, null);
            }
        }

        private static SecureString? ToSecure(string? s)
        {
            if (s == null) return null;
            var ss = new SecureString();
            foreach (var c in s) ss.AppendChar(c);
            ss.MakeReadOnly();
            return ss;
        }

        /// <summary>The dotnet host: this process when PowerShell runs as a .NET tool, else DOTNET_HOST_PATH, DOTNET_ROOT or PATH.</summary>
        // The emulator's stderr line for a port already taken (EmulatorOptions.PortInUseMarker in the emulator).
        private const string PortInUseMarker = "port-in-use:";
        /// <summary>The emulator targets net8.0 with RollForward=Major: any ASP.NET Core runtime of this major or newer runs it.</summary>
        internal const int MinAspNetCoreMajor = 8;
        /// <summary>What the message tells a machine without one to install: the current LTS (8.0, the minimum, is out of support since November 2026).</summary>
        internal const int SuggestedAspNetCoreMajor = 10;
        /// <summary>Test seam: a file whose text stands for the output of 'dotnet --list-runtimes'.</summary>
        internal const string RuntimesFileVariable = "DBX_EMULATOR_LIST_RUNTIMES_FILE";

        /// <summary>Refuses to start, saying what to install, when dotnet has no ASP.NET Core runtime the emulator can run on.</summary>
        private void CheckAspNetCoreRuntime(string dotnet)
        {
            string list;
            var fake = Environment.GetEnvironmentVariable(RuntimesFileVariable);
            if (!string.IsNullOrEmpty(fake)) list = File.ReadAllText(fake);
            else
            {
                try
                {
                    using var p = Process.Start(new ProcessStartInfo(dotnet, "--list-runtimes") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, CreateNoWindow = true })!;
                    list = p.StandardOutput.ReadToEnd();
                    p.WaitForExit(10000);
                }
                catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException)
                {
                    ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Could not run '{dotnet} --list-runtimes': {ex.Message}. The emulator needs the .NET runtime (dotnet) on PATH with the ASP.NET Core Runtime {MinAspNetCoreMajor}.0 or later.", ex),
                        "DbxEmulatorRuntimeMissing", ErrorCategory.NotInstalled, dotnet));
                    return;
                }
            }
            var found = Regex.Matches(list, @"^Microsoft\.AspNetCore\.App (\d+)\.(\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)
                .Cast<Match>().Select(m => m.Groups[1].Value + "." + m.Groups[2].Value).ToList();
            if (found.Any(v => int.Parse(v.Split('.')[0], CultureInfo.InvariantCulture) >= MinAspNetCoreMajor)) return;
            var have = found.Count == 0 ? "no ASP.NET Core runtime" : "only ASP.NET Core " + string.Join(", ", found);
            const int v = SuggestedAspNetCoreMajor;
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                $"The emulator needs the ASP.NET Core Runtime {MinAspNetCoreMajor}.0 or later, and '{dotnet}' has {have}. Install the current LTS, {v}.0: 'sudo apt-get install aspnetcore-runtime-{v}.0' (Debian/Ubuntu), 'winget install Microsoft.DotNet.AspNetCore.{v}' (Windows), 'brew install dotnet' (macOS), or from https://dotnet.microsoft.com/download/dotnet/{v}.0 (the ASP.NET Core Runtime)."),
                "DbxEmulatorRuntimeMissing", ErrorCategory.NotInstalled, dotnet));
        }

        internal static string FindDotnet()
        {
            var exeName = Path.DirectorySeparatorChar == '\\' ? "dotnet.exe" : "dotnet";
            try
            {
                var self = Process.GetCurrentProcess().MainModule?.FileName;
                if (self != null && string.Equals(Path.GetFileName(self), exeName, StringComparison.OrdinalIgnoreCase)) return self;
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException || ex is NotSupportedException) { }
            var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath)) return hostPath!;
            var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
            if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, exeName))) return Path.Combine(root, exeName);
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                if (dir.Length == 0) continue;
                var candidate = Path.Combine(dir, exeName);
                if (File.Exists(candidate)) return candidate;
            }
            return exeName;
        }

        /// <summary>Quotes one argument for ProcessStartInfo.Arguments (the MSVCRT rules .NET uses on every OS).</summary>
        internal static string QuoteArgument(string arg)
        {
            if (arg.Length > 0 && arg.IndexOfAny(new[] { ' ', '\t', '"' }) < 0) return arg;
            var sb = new StringBuilder("\"");
            int backslashes = 0;
            foreach (var c in arg)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"') { sb.Append('\\', backslashes * 2 + 1); backslashes = 0; sb.Append('"'); continue; }
                sb.Append('\\', backslashes); backslashes = 0; sb.Append(c);
            }
            sb.Append('\\', backslashes * 2);
            return sb.Append('"').ToString();
        }
    }

    /// <summary>
    /// <para type="synopsis">Stops Databricks emulators started with Start-DbxEmulator.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "DbxEmulator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = "All", HelpUri = DbxCmdlet.HelpBase + "Stop-DbxEmulator.md")]
    [OutputType(typeof(void))]
    public sealed class StopDbxEmulatorCommand : PSCmdlet
    {
        /// <summary>The emulator to stop (from Start-DbxEmulator); without it, every emulator this session started.</summary>
        [Parameter(ParameterSetName = "Instance", Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public DbxEmulatorInstance[] InputObject { get; set; } = new DbxEmulatorInstance[0];

        /// <summary>Process ids of emulators this session started.</summary>
        [Parameter(ParameterSetName = "Id", Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ProcessId")]
        public int[] Id { get; set; } = new int[0];

        protected override void ProcessRecord()
        {
            IEnumerable<DbxEmulatorInstance> targets;
            switch (ParameterSetName)
            {
                case "Instance": targets = InputObject; break;
                case "Id":
                    var all = EmulatorRegistry.All();
                    var list = new List<DbxEmulatorInstance>();
                    foreach (var id in Id)
                    {
                        var found = all.FirstOrDefault(i => i.ProcessId == id);
                        if (found == null)
                            WriteError(new ErrorRecord(new ItemNotFoundException($"No emulator with process id {id} was started by this session."), "DbxEmulatorNotFound", ErrorCategory.ObjectNotFound, id));
                        else list.Add(found);
                    }
                    targets = list;
                    break;
                default: targets = EmulatorRegistry.All(); break;
            }
            foreach (var instance in targets) Stop(instance);
        }

        private void Stop(DbxEmulatorInstance instance)
        {
            if (!ShouldProcess($"{instance.Url} (process {instance.ProcessId})", "Stop the Databricks emulator")) return;
            try
            {
                if (!instance.Process.HasExited)
                {
                    instance.Process.Kill();
                    instance.Process.WaitForExit(10000);
                }
            }
            catch (InvalidOperationException) { }
            EmulatorRegistry.Remove(instance);
            // Contexts that point at the stopped emulator would only fail from now on.
            var account = DbxSession.DefaultAccount;
            if (account != null && SameHost(account.Host, instance.Url)) DbxSession.DefaultAccount = null;
            var workspace = DbxSession.DefaultWorkspace;
            if (workspace != null && SameHost(workspace.Host, instance.Url)) DbxSession.DefaultWorkspace = null;
            WriteVerbose($"Stopped the emulator at {instance.Url} (process {instance.ProcessId})");
        }

        private static bool SameHost(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }
}
