using System.Globalization;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>Command-line options. Every fault knob is deterministic under --seed.</summary>
public sealed class EmulatorOptions
{
    /// <summary>0 = pick a free port; the chosen URL is printed as "Emulator listening on http://127.0.0.1:N admin-token=T".</summary>
    public int Port { get; set; }
    public string? SeedFile { get; set; }
    public string? StateFile { get; set; }
    public int Seed { get; set; } = 12345;
    public int LatencyMs { get; set; }
    public double FaultRate { get; set; }
    /// <summary>Requests per second per caller before 429; 0 = off. "--rate-limit" alone means 20.</summary>
    public double RateLimit { get; set; }
    /// <summary>Retry-After of 429 answers, in seconds (fractions allowed, for fast tests).</summary>
    public double RetryAfterSeconds { get; set; } = 1;
    /// <summary>Share of API requests answered 429 whatever the request rate (seeded, so a test sees the same 429s on a
    /// fast or a loaded machine; --rate-limit depends on how fast the client sends); 0 = off.</summary>
    public double ThrottleRate { get; set; }
    public double DropAfterCommitRate { get; set; }
    /// <summary>Chaos mode: hostile response bodies (see Faults).</summary>
    public double ChaosRate { get; set; }
    /// <summary>Chaos mode: always this kind (one of <see cref="Chaos.Kinds"/>) instead of a seeded random one.</summary>
    public string? ChaosKind { get; set; }
    /// <summary>Chaos mode: only requests of this HTTP method (e.g. GET: list/get answers only); null = every method.</summary>
    public string? ChaosMethod { get; set; }
    /// <summary>AWS endpoint (moto) the emulator validates networks and endpoints against, as Databricks does.</summary>
    public string? AwsEndpoint { get; set; }
    /// <summary>Page size of paged lists ({items, next_page_token}); small so paging is exercised.</summary>
    public int PageSize { get; set; } = 50;
    public int TokenTtlSeconds { get; set; } = 3600;
    /// <summary>Seconds a private endpoint rule to a customer service waits before it is accepted (no AWS endpoint configured).</summary>
    public double PeAcceptDelaySeconds { get; set; } = 2;
    /// <summary>Seconds a workspace stays PROVISIONING after a create.</summary>
    public double ProvisioningSeconds { get; set; } = 1;
    /// <summary>Number of extra generated workspaces added to the seed (benchmarks).</summary>
    public int ExtraWorkspaces { get; set; }
    public bool Quiet { get; set; }
    /// <summary>Exit when this process ends (Start-DbxEmulator passes the PowerShell process, so no emulator is orphaned).</summary>
    public int ParentPid { get; set; }
    /// <summary>File served at /_emulator/ip-ranges.json instead of the built-in copy of Databricks' published IP ranges.</summary>
    public string? IpRangesFile { get; set; }
    /// <summary>
    /// Secret of the /_emulator control routes (header <see cref="AdminTokenHeader"/>). Null: taken from the
    /// <see cref="AdminTokenVariable"/> environment variable, else generated at start; printed on the "listening" line.
    /// </summary>
    public string? AdminToken { get; set; }
    /// <summary>Honour X-Forwarded-For from loopback callers as the client address (tests that forge a caller's address).</summary>
    public bool TrustForwardedFor { get; set; }
    /// <summary>At most this many OAuth access tokens are kept; expired ones are removed first, then the oldest.</summary>
    public int MaxOAuthTokens { get; set; } = 10000;

    public const string AdminTokenHeader = "X-Emulator-Admin-Token";
    /// <summary>Start-DbxEmulator matches this text on stderr to report DbxEmulatorPortInUse.</summary>
    public const string PortInUseMarker = "port-in-use:";

    /// <summary>What --help prints: every option and what it does.</summary>
    public const string HelpText = @"DatabricksNetworking.Emulator: the Databricks account and workspace APIs (networking) on 127.0.0.1,
for tests, demos and trying the module without an account. Prints the runtime it runs on
('Emulator runtime: .NET 8.0.x, ASP.NET Core 8.0.x, RID': any 8.0 or newer), then
'Emulator listening on http://127.0.0.1:N admin-token=T' once it accepts requests.

Usage: dotnet DatabricksNetworking.Emulator.dll [options]

  --port N                   port on 127.0.0.1 (0, the default: a free port)
  --seed-file PATH           start from this seed (JSON) instead of the built-in demo account
  --state-file PATH          keep the state in this file across restarts (written atomically)
  --seed N                   random seed of every fault knob (default 12345), so runs repeat
  --latency-ms N             delay every answer by N ms
  --fault-rate R             answer this share of requests (0..1) with a transient 5xx
  --rate-limit [N]           answer 429 beyond N requests per second per caller (alone: 20)
  --throttle-rate R          answer this share of API requests (0..1) with 429, whatever their rate (seeded)
  --retry-after-seconds S    Retry-After of those 429 answers (default 1)
  --drop-after-commit-rate R commit a change, then drop this share of the answers (lost responses)
  --chaos [R]                hostile response bodies for this share of requests (alone: 1)
  --chaos-rate R             the same as --chaos R
  --chaos-kind KIND          always this kind of hostile body instead of a random one
  --aws-endpoint URL         check networks and VPC endpoints against this AWS (EC2) endpoint, e.g. moto
  --page-size N              page size of paged lists (default 50)
  --token-ttl S              lifetime of OAuth access tokens in seconds (default 3600)
  --pe-accept-delay S        seconds before a private endpoint rule is accepted (default 2)
  --provisioning-seconds S   seconds a new workspace stays PROVISIONING (default 1)
  --extra-workspaces N       add N generated workspaces with their network objects (benchmarks)
  --quiet                    no request log
  --parent-pid PID           exit when this process ends
  --ip-ranges-file PATH      serve this file at /_emulator/ip-ranges.json instead of the built-in fixture
  --admin-token T            token of the /_emulator control routes (default: $DBX_EMULATOR_ADMIN_TOKEN, else random)
  --trust-forwarded-for      take X-Forwarded-For from loopback callers as the caller's address
  --max-oauth-tokens N       keep at most N OAuth access tokens (default 10000)
  --help, -h                 this text";
    public const string AdminTokenVariable = "DBX_EMULATOR_ADMIN_TOKEN";

    /// <summary>
    /// The runtime this process runs on, e.g. ".NET 8.0.31, ASP.NET Core 8.0.31, linux-x64": the last line of --help and
    /// the "Emulator runtime:" line before "Emulator listening on". The emulator targets net8.0 and rolls forward to newer
    /// majors, so this says which one a machine chose (tests/pester/Reliability/EmulatorNet8.Tests.ps1 checks 8.0).
    /// </summary>
    public static string RuntimeText()
    {
        var asp = typeof(WebApplication).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";
        var plus = asp.IndexOf('+');
        if (plus >= 0) asp = asp.Substring(0, plus);
        return $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, ASP.NET Core {asp}, {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}";
    }

    /// <summary>The admin token to use: the given one, the environment's, or a new random one.</summary>
    public string ResolveAdminToken()
    {
        if (string.IsNullOrEmpty(AdminToken)) AdminToken = Environment.GetEnvironmentVariable(AdminTokenVariable);
        if (string.IsNullOrEmpty(AdminToken))
            AdminToken = "emuadmin" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        return AdminToken;
    }

    public static EmulatorOptions Parse(string[] args)
    {
        var o = new EmulatorOptions();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Next()
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"{a} needs a value");
                return args[++i];
            }
            bool HasValue() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            double D(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
            int I(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
            switch (a)
            {
                case "--port": o.Port = I(Next()); break;
                case "--seed-file": o.SeedFile = Next(); break;
                case "--state-file": o.StateFile = Next(); break;
                case "--seed": o.Seed = I(Next()); break;
                case "--latency-ms": o.LatencyMs = I(Next()); break;
                case "--fault-rate": o.FaultRate = D(Next()); break;
                case "--rate-limit": o.RateLimit = HasValue() ? D(Next()) : 20; break;
                case "--retry-after-seconds": o.RetryAfterSeconds = D(Next()); break;
                case "--throttle-rate": o.ThrottleRate = D(Next()); break;
                case "--drop-after-commit-rate": o.DropAfterCommitRate = D(Next()); break;
                case "--chaos-rate": o.ChaosRate = D(Next()); break;
                case "--chaos": o.ChaosRate = HasValue() ? D(Next()) : 1.0; break;
                case "--chaos-kind": o.ChaosKind = Chaos.CheckKind(Next()); break;
                case "--aws-endpoint": o.AwsEndpoint = Next(); break;
                case "--page-size": o.PageSize = I(Next()); break;
                case "--token-ttl": o.TokenTtlSeconds = I(Next()); break;
                case "--pe-accept-delay": o.PeAcceptDelaySeconds = D(Next()); break;
                case "--provisioning-seconds": o.ProvisioningSeconds = D(Next()); break;
                case "--extra-workspaces": o.ExtraWorkspaces = I(Next()); break;
                case "--quiet": o.Quiet = true; break;
                case "--parent-pid": o.ParentPid = I(Next()); break;
                case "--ip-ranges-file": o.IpRangesFile = Next(); break;
                case "--admin-token": o.AdminToken = Next(); break;
                case "--trust-forwarded-for": o.TrustForwardedFor = true; break;
                case "--max-oauth-tokens": o.MaxOAuthTokens = I(Next()); break;
                default: throw new ArgumentException($"Unknown option '{a}'. Options: --port --seed-file --state-file --seed --latency-ms --fault-rate --rate-limit [N] --throttle-rate --retry-after-seconds --drop-after-commit-rate --chaos [rate] --chaos-kind --aws-endpoint --page-size --token-ttl --pe-accept-delay --provisioning-seconds --extra-workspaces --quiet --parent-pid --ip-ranges-file --admin-token --trust-forwarded-for --max-oauth-tokens");
            }
        }
        return o;
    }
}
