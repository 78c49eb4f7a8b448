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

function Import-TestModule { Import-Module (Get-TestEnvironment).Module -Force -Global }

function ConvertTo-TestSecret([string]$Text) { ConvertTo-SecureString $Text -AsPlainText -Force }

function Connect-TestAccount {
    # Connects to the demo account of an emulator (the shared one unless -Url) with the seed's service principal.
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl, [switch]$NoDefault)
    Connect-DbxAccount -AccountHost $Url -AccountId $script:Seed.AccountId -ClientId $script:Seed.ClientId `
        -ClientSecret (ConvertTo-TestSecret $script:Seed.ClientSecret) -NoDefault:$NoDefault
}

function Start-TestEmulator {
    # A private emulator for tests that need their own state or fault knobs. Stop it with Stop-TestService.
    param([string[]]$Arguments = @())
    $envi = Get-TestEnvironment
    $args2 = @($Arguments)
    if ($envi.MotoUrl -and $args2 -notcontains '--aws-endpoint') { $args2 += @('--aws-endpoint', $envi.MotoUrl) }
    Start-DbxTestEmulator -EmulatorDll $envi.EmulatorDll -Arguments $args2 -LogDirectory ([IO.Path]::GetTempPath())
}

function Get-EmulatorRequestCount {
    # Total API requests the emulator has served (admin calls excluded).
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    (Invoke-RestMethod -Uri "$Url/_emulator/requests").total
}

function Get-EmulatorRequests {
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    Invoke-RestMethod -Uri "$Url/_emulator/requests"
}

function Reset-EmulatorRequests {
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    Invoke-RestMethod -Method Post -Uri "$Url/_emulator/requests/reset" | Out-Null
}

function Get-EmulatorState {
    param([string]$Url = (Get-TestEnvironment).EmulatorUrl)
    Invoke-RestMethod -Uri "$Url/_emulator/state"
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
    Invoke-RestMethod -Method Post -Uri "$Url/_emulator/clock/advance?seconds=$Seconds" | Out-Null
}

function New-TestName([string]$Prefix = 'test') { "$Prefix-" + [Guid]::NewGuid().ToString('N').Substring(0, 10) }

Export-ModuleMember -Function Get-TestSeed, Get-TestEnvironment, Import-TestModule, ConvertTo-TestSecret, Connect-TestAccount,
    Start-TestEmulator, Get-EmulatorRequestCount, Get-EmulatorRequests, Reset-EmulatorRequests, Get-EmulatorState, New-TestName,
    Get-EmulatorRouteCount, Move-EmulatorClock
