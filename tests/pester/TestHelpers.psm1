# Shared by every Pester file: the module under test, the running emulator and moto, and the demo seed's identities.
Set-StrictMode -Version 3
$root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
Import-Module (Join-Path $root 'build/Services.psm1') -Force -Global

$script:Seed = [pscustomobject]@{
    AccountId        = '5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37'
    ClientId         = '9f1e2d3c-4b5a-4968-8776-655443322110'
    ClientSecret     = 'dosedemo0123456789abcdef0123456789ab'
    AccountToken     = 'dapidemoaccount000000000000000000001'
    WorkspaceToken   = 'dapidemoworkspace0000000000000000001'
    WorkspaceId      = [long]1111111111111111
    WorkspaceIds     = [long[]](1111111111111111, 2222222222222222, 3333333333333333)
    OtherAccountId   = 'c0ffee00-1111-4222-8333-444455556666'
    OtherClientId    = '0a0b0c0d-1e1f-4a2b-8c3d-4e5f60718293'
    OtherSecret      = 'doseother0123456789abcdef012345678'
    OtherWorkspaceId = [long]4444444444444444
}

function Get-TestSeed { $script:Seed }

function Get-TestEnvironment {
    foreach ($v in 'DBX_TEST_MODULE', 'DBX_TEST_EMULATOR_URL', 'DBX_TEST_EMULATOR_DLL') {
        if (-not [Environment]::GetEnvironmentVariable($v)) { throw "$v is not set: run the tests through ./build.ps1 Test." }
    }
    [pscustomobject]@{
        Module      = $env:DBX_TEST_MODULE
        EmulatorUrl = $env:DBX_TEST_EMULATOR_URL
        EmulatorDll = $env:DBX_TEST_EMULATOR_DLL
        MotoUrl     = $env:DBX_TEST_MOTO_URL
        Results     = $env:DBX_TEST_RESULTS
    }
}

function Import-TestModule {
    # No test may reach the internet: the lockout guard's caller address lookup is off unless a context names one.
    if (-not $env:DBX_CALLER_IP_URL) { $env:DBX_CALLER_IP_URL = 'off' }
    Import-Module (Get-TestEnvironment).Module -Force -Global
}

function ConvertTo-TestSecret([string]$Text) { ConvertTo-SecureString $Text -AsPlainText -Force }

function Connect-TestAccount {
    # Connects to the demo account of an emulator (the shared one unless -Url) with the seed's service principal.
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl, [switch]$NoDefault)
    Connect-DbxAccount -AccountHost $Url -AccountId $script:Seed.AccountId -ClientId $script:Seed.ClientId `
        -ClientSecret (ConvertTo-TestSecret $script:Seed.ClientSecret) -NoDefault:$NoDefault -CallerIpLookupUrl "$($Url.TrimEnd('/'))/checkip"
}

function Start-TestEmulator {
    # A private emulator for tests that need their own state or fault knobs. Stop it with Stop-TestService.
    # The object has Url and AdminToken; pass it as -Emulator to Invoke-EmulatorControl (or its Url as -Url to the helpers below).
    param([string[]]$Arguments = @())
    $envi = Get-TestEnvironment
    $args2 = @($Arguments)
    if ($envi.MotoUrl -and $args2 -notcontains '--aws-endpoint') { $args2 += @('--aws-endpoint', $envi.MotoUrl) }
    $emu = Start-DbxTestEmulator -EmulatorDll $envi.EmulatorDll -Arguments $args2 -LogDirectory ([IO.Path]::GetTempPath())
    if ($emu.AdminToken) { $script:AdminTokens[$emu.Url.TrimEnd('/')] = $emu.AdminToken }
    $emu
}

# Admin tokens of the emulators Start-TestEmulator started, by URL; the shared emulator's is DBX_EMULATOR_ADMIN_TOKEN.
$script:AdminTokens = @{}

function Get-EmulatorAdminToken {
    # The admin token of the emulator at -Url: one Start-TestEmulator started, else DBX_EMULATOR_ADMIN_TOKEN (the shared
    # emulator's, set by ./build.ps1 Test; emulators started without --admin-token inherit it).
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    $t = $script:AdminTokens[$Url.TrimEnd('/')]
    if ($t) { return $t }
    $env:DBX_EMULATOR_ADMIN_TOKEN
}

function Invoke-EmulatorControl {
    <#
      Calls an /_emulator control route with the emulator's admin token (header X-Emulator-Admin-Token) and returns the parsed
      JSON. -Path is relative to /_emulator ('requests', 'clock/advance?seconds=5') or starts with /_emulator/.
      -Emulator: an object from Start-TestEmulator (or anything with Url and AdminToken); default: the shared emulator (-Url).
      -Body: a string, or an object converted to JSON. -NoToken: call without the token (tests of the token itself).
    #>
    param(
        [ValidateSet('Get', 'Post', 'Put', 'Patch', 'Delete')][string]$Method = 'Get',
        [Parameter(Mandatory)][string]$Path,
        $Body,
        $Emulator,
        [string]$Url,
        [string]$AdminToken,
        [switch]$NoToken
    )
    if ($Emulator) { if (-not $Url) { $Url = $Emulator.Url }; if (-not $AdminToken -and $Emulator.PSObject.Properties['AdminToken']) { $AdminToken = $Emulator.AdminToken } }
    if (-not $Url) { $Url = (Get-TestEnvironment).EmulatorUrl }
    if (-not $AdminToken) { $AdminToken = Get-EmulatorAdminToken -Url $Url }
    $rel = if ($Path.StartsWith('/_emulator')) { $Path } else { '/_emulator/' + $Path.TrimStart('/') }
    $p = @{ Method = $Method; Uri = $Url.TrimEnd('/') + $rel }
    if (-not $NoToken -and $AdminToken) { $p.Headers = @{ 'X-Emulator-Admin-Token' = $AdminToken } }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $p.Body = if ($Body -is [string]) { $Body } else { $Body | ConvertTo-Json -Depth 20 -Compress }
        $p.ContentType = 'application/json'
    }
    Invoke-RestMethod @p
}

function Get-EmulatorRequestCount {
    # Total API requests the emulator has served (admin calls excluded).
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    (Invoke-EmulatorControl -Path requests -Url $Url).total
}

function Get-EmulatorWriteCount {
    # Requests other than GET/HEAD the emulator has served (admin calls and OAuth token requests excluded): what -WhatIf must never send.
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    $n = 0
    foreach ($p in (Get-EmulatorRequests -Url $Url).by_route.PSObject.Properties) { if ($p.Name -notmatch '^(GET|HEAD) ' -and $p.Name -notmatch '^POST /oidc/') { $n += [long]$p.Value } }
    $n
}

function Get-EmulatorRequests {
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    Invoke-EmulatorControl -Path requests -Url $Url
}

function Reset-EmulatorRequests {
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    Invoke-EmulatorControl -Method Post -Path requests/reset -Url $Url | Out-Null
}

function Get-EmulatorState {
    # The emulator's state; secrets unmasked (the call carries the admin token).
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    Invoke-EmulatorControl -Path state -Url $Url
}

function Get-EmulatorRouteCount {
    # How many requests the emulator served on one route key, e.g. 'GET /api/2.0/accounts/*/network-policies'.
    param([Parameter(Mandatory)][string]$Route, [string]$Url = (Get-TestEnvironment).EmulatorUrl)
    $by = (Get-EmulatorRequests -Url $Url).by_route
    $p = $by.PSObject.Properties[$Route]
    if ($p) { [long]$p.Value } else { 0 }
}

function Move-EmulatorClock {
    # Moves the emulator's clock forward (a private emulator's: the clock is shared by everything in that process).
    param([Parameter(Mandatory)][double]$Seconds, [Parameter(Mandatory)][string]$Url)
    Invoke-EmulatorControl -Method Post -Path "clock/advance?seconds=$Seconds" -Url $Url | Out-Null
}

function New-TestName([string]$Prefix = 'test') { "$Prefix-" + [Guid]::NewGuid().ToString('N').Substring(0, 10) }

# A host whose UI answers prompts with a fixed choice (0 = Yes, 1 = No, -1 = the prompt's default; Yes and No are found
# by label, so a prompt with "Yes to All"/"No to All" gets the same answer) and records the prompts and their defaults.
# Changing the type's source needs a new PowerShell process (the type is compiled once per process).
if (-not ('IpAccessTests.AnsweringHost' -as [type])) {
    Add-Type -TypeDefinition @'
using System; using System.Collections.Generic; using System.Collections.ObjectModel; using System.Globalization;
using System.Management.Automation; using System.Management.Automation.Host; using System.Security;
namespace IpAccessTests {
  public sealed class AnsweringHost : PSHost {
    private readonly Guid id = Guid.NewGuid(); private readonly AnsweringUI ui;
    public AnsweringHost(int answer) { ui = new AnsweringUI(answer); }
    public AnsweringUI Answers { get { return ui; } }
    public override string Name { get { return "AnsweringHost"; } }
    public override Version Version { get { return new Version(1, 0); } }
    public override Guid InstanceId { get { return id; } }
    public override PSHostUserInterface UI { get { return ui; } }
    public override CultureInfo CurrentCulture { get { return CultureInfo.InvariantCulture; } }
    public override CultureInfo CurrentUICulture { get { return CultureInfo.InvariantCulture; } }
    public override void EnterNestedPrompt() { } public override void ExitNestedPrompt() { }
    public override void NotifyBeginApplication() { } public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
  }
  public sealed class AnsweringUI : PSHostUserInterface {
    private readonly int answer; public readonly List<string> Prompts = new List<string>(); public readonly List<string> Defaults = new List<string>();
    public readonly List<string> Lines = new List<string>();
    public AnsweringUI(int answer) { this.answer = answer; }
    // A gate: the first prompt whose text contains GateOn sets Reached and waits (up to 2 min) for Go, so a test running
    // the script with BeginInvoke can change the world between two steps of one run.
    public string GateOn; public readonly System.Threading.ManualResetEventSlim Reached = new System.Threading.ManualResetEventSlim(), Go = new System.Threading.ManualResetEventSlim();
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) {
      Prompts.Add(caption + ": " + message);
      if (GateOn != null && !Reached.IsSet && (caption + ": " + message).Contains(GateOn)) { Reached.Set(); Go.Wait(TimeSpan.FromMinutes(2)); }
      Defaults.Add(defaultChoice >= 0 && defaultChoice < choices.Count ? choices[defaultChoice].Label.Replace("&", "") : "(none)");
      if (answer < 0) return defaultChoice;
      string want = answer == 0 ? "Yes" : answer == 1 ? "No" : null;
      for (int i = 0; i < choices.Count; i++) if (want != null && choices[i].Label.Replace("&", "") == want) return i;
      return answer; }
    public override PSHostRawUserInterface RawUI { get { return null; } }
    public override string ReadLine() { return ""; }
    public override SecureString ReadLineAsSecureString() { return new SecureString(); }
    public override void Write(string value) { } public override void Write(ConsoleColor f, ConsoleColor b, string value) { }
    public override void WriteLine(string value) { Lines.Add(value); } public override void WriteErrorLine(string value) { }
    public override void WriteDebugLine(string message) { } public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) { } public override void WriteWarningLine(string message) { }
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) { return new Dictionary<string, PSObject>(); }
    public override PSCredential PromptForCredential(string c, string m, string u, string t) { return null; }
    public override PSCredential PromptForCredential(string c, string m, string u, string t, PSCredentialTypes a, PSCredentialUIOptions o) { return null; }
  }
}
'@
}

function Invoke-WithAnsweringHost([int]$Answer, [scriptblock]$Script, [object[]]$Arguments) {
    # Runs $Script in a runspace whose host answers prompts; returns the output, errors and prompts seen.
    $h = [IpAccessTests.AnsweringHost]::new($Answer)
    $rs = [runspacefactory]::CreateRunspace($h)
    $rs.Open()
    $ps = [powershell]::Create()
    $ps.Runspace = $rs
    try {
        [void]$ps.AddScript("Import-Module '$((Get-TestEnvironment).Module)'").AddStatement().AddScript($Script)
        foreach ($a in $Arguments) { [void]$ps.AddArgument($a) }
        $out = $ps.Invoke()
        [pscustomobject]@{ Output = $out; Errors = @($ps.Streams.Error); Prompts = @($h.Answers.Prompts); Defaults = @($h.Answers.Defaults); Lines = @($h.Answers.Lines); Warnings = @($ps.Streams.Warning) }
    }
    finally { $ps.Dispose(); $rs.Dispose() }
}

Export-ModuleMember -Function Invoke-WithAnsweringHost, Get-TestSeed, Get-TestEnvironment, Import-TestModule, ConvertTo-TestSecret, Connect-TestAccount,
    Start-TestEmulator, Get-EmulatorRequestCount, Get-EmulatorRequests, Reset-EmulatorRequests, Get-EmulatorState, New-TestName,
    Get-EmulatorRouteCount, Get-EmulatorWriteCount, Move-EmulatorClock, Invoke-EmulatorControl, Get-EmulatorAdminToken

# ---- moto (AWS EC2) helpers: the EC2 Query API over plain HTTP, no AWS SDK needed -------------------------------
# moto needs no real signature: it reads the region from the SigV4 credential scope of the Authorization header.

function Invoke-MotoEc2 {
    # Calls one EC2 action on moto and returns the parsed XML response. -Parameters: the action's query parameters.
    param(
        [Parameter(Mandatory)][string]$Action,
        [hashtable]$Parameters = @{},
        [string]$Region = 'us-east-1',
        [string]$Url = (Get-TestEnvironment).MotoUrl
    )
    if (-not $Url) { throw 'DBX_TEST_MOTO_URL is not set: run the tests through ./build.ps1 Test.' }
    $form = @{ Action = $Action; Version = '2016-11-15' } + $Parameters
    $body = ($form.GetEnumerator() | Sort-Object Name | ForEach-Object { [uri]::EscapeDataString($_.Name) + '=' + [uri]::EscapeDataString([string]$_.Value) }) -join '&'
    $date = [DateTime]::UtcNow.ToString('yyyyMMdd')
    $headers = @{ Authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/$date/$Region/ec2/aws4_request, SignedHeaders=host, Signature=0" }
    $resp = Invoke-WebRequest -Method Post -Uri "$Url/" -Body $body -ContentType 'application/x-www-form-urlencoded; charset=utf-8' -Headers $headers -SkipHttpErrorCheck
    if ($resp.StatusCode -ge 300) { throw "moto $Action failed ($($resp.StatusCode)): $($resp.Content)" }
    [xml]$resp.Content
}

function Get-MotoRandomOctet { Get-Random -Minimum 1 -Maximum 254 }

function Set-MotoVpcAttribute {
    param([Parameter(Mandatory)][string]$VpcId, [Nullable[bool]]$EnableDnsHostnames, [Nullable[bool]]$EnableDnsSupport, [string]$Region = 'us-east-1')
    if ($null -ne $EnableDnsHostnames) { Invoke-MotoEc2 ModifyVpcAttribute @{ VpcId = $VpcId; 'EnableDnsHostnames.Value' = "$EnableDnsHostnames".ToLowerInvariant() } -Region $Region | Out-Null }
    if ($null -ne $EnableDnsSupport) { Invoke-MotoEc2 ModifyVpcAttribute @{ VpcId = $VpcId; 'EnableDnsSupport.Value' = "$EnableDnsSupport".ToLowerInvariant() } -Region $Region | Out-Null }
}

function New-MotoVpc {
    # A VPC (DNS hostnames and DNS support on unless -NoDns); returns its id.
    param([string]$CidrBlock = "10.$(Get-MotoRandomOctet).0.0/16", [string]$Region = 'us-east-1', [switch]$NoDns)
    $vpcId = (Invoke-MotoEc2 CreateVpc @{ CidrBlock = $CidrBlock } -Region $Region).CreateVpcResponse.vpc.vpcId
    Set-MotoVpcAttribute -VpcId $vpcId -EnableDnsHostnames (-not $NoDns) -EnableDnsSupport (-not $NoDns) -Region $Region
    $vpcId
}

function New-MotoSubnet {
    param([Parameter(Mandatory)][string]$VpcId, [Parameter(Mandatory)][string]$CidrBlock, [string]$AvailabilityZone, [string]$Region = 'us-east-1')
    $p = @{ VpcId = $VpcId; CidrBlock = $CidrBlock }
    if ($AvailabilityZone) { $p.AvailabilityZone = $AvailabilityZone }
    (Invoke-MotoEc2 CreateSubnet $p -Region $Region).CreateSubnetResponse.subnet.subnetId
}

function New-MotoSecurityGroup {
    param([Parameter(Mandatory)][string]$VpcId, [string]$Name = (New-TestName 'sg'), [string]$Region = 'us-east-1')
    (Invoke-MotoEc2 CreateSecurityGroup @{ VpcId = $VpcId; GroupName = $Name; GroupDescription = 'test' } -Region $Region).CreateSecurityGroupResponse.groupId
}

function New-MotoVpcEndpoint {
    <#
      An interface endpoint. -Service Workspace|Relay picks the Databricks regional service (reference §7.1);
      -ServiceName gives any other. Returns an object with AwsVpcEndpointId and Region, as the AWS cmdlets do,
      so it pipes into New-DbxVpcEndpointRegistration.
    #>
    param([Parameter(Mandatory)][string]$VpcId, [ValidateSet('Workspace', 'Relay')][string]$Service = 'Workspace', [string]$ServiceName,
        [string[]]$SubnetId = @(), [string]$Region = 'us-east-1')
    if (-not $ServiceName) {
        $svc = @{
            'us-east-1' = @('vpce-svc-09143d1e626de2f04', 'vpce-svc-00018a8c3ff62ffdf')
            'us-west-2' = @('vpce-svc-0129f463fcfbc46c5', 'vpce-svc-0158114c0c730c3bb')
            'eu-west-1' = @('vpce-svc-0da6ebf1461278016', 'vpce-svc-09b4eb2bc775f4e8c')
        }[$Region]
        if (-not $svc) { throw "New-MotoVpcEndpoint knows the Databricks services of us-east-1, us-west-2 and eu-west-1 only; give -ServiceName." }
        $ServiceName = "com.amazonaws.vpce.$Region.$($svc[[int]($Service -eq 'Relay')])"
    }
    $p = @{ VpcId = $VpcId; ServiceName = $ServiceName; VpcEndpointType = 'Interface' }
    for ($i = 0; $i -lt $SubnetId.Count; $i++) { $p["SubnetId.$($i + 1)"] = $SubnetId[$i] }
    $e = (Invoke-MotoEc2 CreateVpcEndpoint $p -Region $Region).CreateVpcEndpointResponse.vpcEndpoint
    [pscustomobject]@{ AwsVpcEndpointId = $e.vpcEndpointId; Region = $Region; ServiceName = $e.serviceName; State = $e.state; VpcId = $VpcId }
}

function New-MotoWorkspaceNetwork {
    <#
      What a customer-managed VPC for Databricks needs in moto: a VPC with DNS on, two /20 subnets in two
      availability zones and a security group. Returns VpcId, SubnetIds, SecurityGroupIds, Region.
    #>
    param([string]$Region = 'us-east-1', [int]$SubnetPrefix = 20, [switch]$SameZone, [switch]$NoDns)
    $octet = Get-MotoRandomOctet
    $vpc = New-MotoVpc -CidrBlock "10.$octet.0.0/16" -Region $Region -NoDns:$NoDns
    $third = [int][math]::Max(1, [math]::Pow(2, 32 - $SubnetPrefix) / 256)   # third octet of the second subnet
    $s1 = New-MotoSubnet -VpcId $vpc -CidrBlock "10.$octet.0.0/$SubnetPrefix" -AvailabilityZone "${Region}a" -Region $Region
    $s2 = New-MotoSubnet -VpcId $vpc -CidrBlock "10.$octet.$third.0/$SubnetPrefix" -AvailabilityZone $(if ($SameZone) { "${Region}a" } else { "${Region}b" }) -Region $Region
    $sg = New-MotoSecurityGroup -VpcId $vpc -Region $Region
    [pscustomobject]@{ VpcId = $vpc; SubnetIds = @($s1, $s2); SecurityGroupIds = @($sg); Region = $Region; CidrBlock = "10.$octet.0.0/16" }
}

Export-ModuleMember -Function Invoke-MotoEc2, Set-MotoVpcAttribute, New-MotoVpc, New-MotoSubnet, New-MotoSecurityGroup, New-MotoVpcEndpoint, New-MotoWorkspaceNetwork

# ---- posture (issue 7): a private emulator seeded with tests/fixtures/posture-seed.json -------------------------------

function Start-PostureEmulator {
    # The posture seed on a private emulator with no AWS endpoint (its VPC endpoint states are the seed's), plus extra arguments.
    param([string[]]$Arguments = @())
    $seedFile = Join-Path $root 'tests/fixtures/posture-seed.json'
    Start-TestEmulator -Arguments (@('--seed-file', $seedFile, '--aws-endpoint', 'none', '--quiet') + $Arguments)
}

Export-ModuleMember -Function Start-PostureEmulator
