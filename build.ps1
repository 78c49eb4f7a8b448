#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, demonstrates, documents, packages and benchmarks the DatabricksNetworking module.
.DESCRIPTION
    Tasks:
      Build    lays out an importable module under out/DatabricksNetworking/<version>/ and the emulator under out/emulator/
      Test     xUnit + Pester against the emulator and moto; the last line is "N passed, N failed"
      Demo     starts the emulator and moto, connects and shows the demo account's network setup
      Docs     checks docs/cmdlets against the built module and compiles them to MAML
      Package  produces a .nupkg of the module
      Bench    prints benchmark figures and writes bench/results.md
    Run through the local tool: dotnet tool restore && dotnet pwsh ./build.ps1 Test
.EXAMPLE
    dotnet pwsh ./build.ps1 Test -PesterPath tests/pester/Foundation
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench -Only PerCall,Paging -Runs 5
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Docs', 'Package', 'Bench', 'Clean')]
    [string[]]$Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release',
    # Run only these Pester files or folders (Test task).
    [string[]]$PesterPath,
    # Run only the xUnit tests matching this dotnet test filter (Test task), e.g. 'FullyQualifiedName~Cidr'.
    [string]$XunitFilter,
    [switch]$SkipXunit,
    [switch]$SkipPester,
    # Bench task: runs per figure (default 7, at least 5 for a median worth reporting).
    [ValidateRange(1, 100)]
    [int]$Runs,
    # Bench task: only these benches (file names without the number, e.g. 'PerCall','Paging').
    [string[]]$Only
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
$Root = $PSScriptRoot
Import-Module (Join-Path $Root 'build/Services.psm1') -Force

function Get-ModuleVersion {
    [xml]$props = Get-Content (Join-Path $Root 'Directory.Build.props') -Raw
    return ($props.Project.PropertyGroup | Where-Object { $_['Version'] } | Select-Object -First 1).Version
}

$Version = Get-ModuleVersion
$Out = Join-Path $Root 'out'
$ModuleDir = Join-Path $Out "DatabricksNetworking/$Version"
$ModuleManifest = Join-Path $ModuleDir 'DatabricksNetworking.psd1'
$EmulatorDir = Join-Path $Out 'emulator'
$EmulatorDll = Join-Path $EmulatorDir 'DatabricksNetworking.Emulator.dll'
$ResultsDir = Join-Path $Out 'test-results'

function Invoke-Dotnet {
    # Plain function (no param block), so dotnet's own switches such as -o pass through untouched.
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

function Merge-PsXml {
    # Merges the per-area Formats/*.Format.ps1xml (or *.Types.ps1xml) files into the one file the manifest names.
    param([string]$Pattern, [string]$Destination, [string]$RootName, [string]$ContainerName)
    $files = Get-ChildItem (Join-Path $Root 'src/DatabricksNetworking.PowerShell/Formats') -Filter $Pattern | Sort-Object Name
    $doc = [xml]"<?xml version=`"1.0`" encoding=`"utf-8`"?><$RootName/>"
    $container = if ($ContainerName) { $doc.DocumentElement.AppendChild($doc.CreateElement($ContainerName)) } else { $doc.DocumentElement }
    foreach ($f in $files) {
        [xml]$part = Get-Content $f.FullName -Raw
        $nodes = if ($ContainerName) { $part.DocumentElement.SelectNodes($ContainerName + '/*') } else { $part.DocumentElement.ChildNodes }
        foreach ($n in $nodes) { [void]$container.AppendChild($doc.ImportNode($n, $true)) }
    }
    # The first view of a type is its default (Out-Default): list views (Formats/Lists.Format.ps1xml) go after every
    # table view, so a list view serves Format-List and never displaces a table as the default.
    if ($ContainerName) { foreach ($v in @($container.SelectNodes('View[ListControl]'))) { [void]$container.AppendChild($container.RemoveChild($v)) } }
    $doc.Save($Destination)
}

function Get-DeclaredCmdlets {
    Get-ChildItem (Join-Path $Root 'src/DatabricksNetworking.PowerShell') -Recurse -Filter *.cs |
        Select-String -Pattern '\[Cmdlet\(\s*Verbs\w+\.(\w+)\s*,\s*"(\w+)"' |
        ForEach-Object { "$($_.Matches[0].Groups[1].Value)-$($_.Matches[0].Groups[2].Value)" } | Sort-Object -Unique
}

function Invoke-Build {
    Write-Host "== Build $Version ($Configuration)"
    $publish = Join-Path $Out 'publish/module'
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    Invoke-Dotnet publish (Join-Path $Root 'src/DatabricksNetworking.PowerShell') -c $Configuration -o $publish --nologo -v q
    Invoke-Dotnet publish (Join-Path $Root 'src/DatabricksNetworking.Emulator') -c $Configuration -o $EmulatorDir --nologo -v q
    $awsProject = Join-Path $Root 'src/DatabricksNetworking.Aws'
    if (Test-Path $awsProject) {
        Invoke-Dotnet publish $awsProject -c $Configuration -o (Join-Path $Out 'publish/aws') --nologo -v q
    }

    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    New-Item -ItemType Directory -Path $ModuleDir -Force | Out-Null
    Get-ChildItem $publish -File | Where-Object { $_.Name -notmatch '^System\.Management\.Automation' -and $_.Extension -in '.dll', '.json' -and $_.Name -notmatch '\.deps\.json$' } |
        Copy-Item -Destination $ModuleDir
    if (Test-Path (Join-Path $Out 'publish/aws')) {
        $awsDir = New-Item -ItemType Directory -Path (Join-Path $ModuleDir 'aws') -Force
        Get-ChildItem (Join-Path $Out 'publish/aws') -File -Filter *.dll | Copy-Item -Destination $awsDir
    }
    Merge-PsXml -Pattern '*.Format.ps1xml' -Destination (Join-Path $ModuleDir 'DatabricksNetworking.Format.ps1xml') -RootName 'Configuration' -ContainerName 'ViewDefinitions'
    Merge-PsXml -Pattern '*.Types.ps1xml' -Destination (Join-Path $ModuleDir 'DatabricksNetworking.Types.ps1xml') -RootName 'Types'

    # The manifest: version from Directory.Build.props; the cmdlet list must match the code exactly.
    $manifestText = Get-Content (Join-Path $Root 'DatabricksNetworking.psd1') -Raw
    $manifestText = $manifestText -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$Version'"
    Set-Content -Path $ModuleManifest -Value $manifestText -Encoding utf8NoBOM
    $data = Import-PowerShellDataFile $ModuleManifest
    $declared = @(Get-DeclaredCmdlets)
    $listed = @($data.CmdletsToExport | Sort-Object -Unique)
    $missing = @($declared | Where-Object { $_ -notin $listed })
    $extra = @($listed | Where-Object { $_ -notin $declared })
    if ($missing -or $extra) {
        throw "DatabricksNetworking.psd1 CmdletsToExport does not match the code. Missing: $($missing -join ', '). Not in code: $($extra -join ', ')."
    }
    $docsScript = Join-Path $Root 'build/Docs.ps1'
    if (Test-Path $docsScript) { & $docsScript -ModuleDir $ModuleDir -Compile }
    # The emulator ships inside the module, so Start-DbxEmulator works from an installed copy.
    Copy-Item $EmulatorDir -Destination (Join-Path $ModuleDir 'emulator') -Recurse -Force
    Write-Host "Module: $ModuleManifest"
}

function Get-TrxCounts([string]$Path) {
    [xml]$trx = Get-Content $Path -Raw
    $c = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted; Skipped = [int]$c.notExecuted }
}

function Invoke-Test {
    Invoke-Build
    Invoke-Dotnet build (Join-Path $Root 'tests/DatabricksNetworking.Tests') -c $Configuration --nologo -v q
    New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
    $passed = 0; $failed = 0; $skipped = 0
    $services = @()
    try {
        $moto = Start-MotoServer -LogDirectory $ResultsDir
        $services += $moto
        $emulator = Start-DbxTestEmulator -EmulatorDll $EmulatorDll -Arguments @('--aws-endpoint', $moto.Url, '--quiet') -LogDirectory $ResultsDir
        $services += $emulator
        $env:DBX_TEST_MOTO_URL = $moto.Url
        # Headless Chromium renders the HTML report (Posture/ReportRendering.Tests.ps1); empty: that test is skipped, visibly.
        $env:DBX_TEST_CHROMIUM = if ($SkipPester) { '' } else { "$(Initialize-Chromium)" }
        # A private DOTNET_ROOT with only the .NET 8 shared frameworks (Reliability/EmulatorNet8.Tests.ps1 runs the emulator
        # on the oldest runtime it accepts); laid out once per clone under out/dotnet8; empty: that test is skipped, visibly.
        $env:DBX_TEST_DOTNET8_ROOT = if ($SkipPester) { '' } else { "$(Initialize-Dotnet8Runtime -RepoRoot $Root -Destination (Join-Path $Out 'dotnet8'))" }
        $env:DBX_TEST_EMULATOR_URL = $emulator.Url
        # The shared emulator's admin token: TestHelpers sends it to /_emulator routes, and emulators the tests start inherit it.
        $env:DBX_EMULATOR_ADMIN_TOKEN = $emulator.AdminToken
        $env:DBX_TEST_EMULATOR_DLL = $EmulatorDll
        $env:DBX_TEST_MODULE = $ModuleManifest
        $env:DBX_TEST_RESULTS = $ResultsDir
        # A fresh cache of Databricks' published IP ranges per run, so no copy left by an earlier run changes results.
        $env:DBX_CACHE_DIR = Join-Path $ResultsDir 'cache'
        if (Test-Path $env:DBX_CACHE_DIR) { Remove-Item $env:DBX_CACHE_DIR -Recurse -Force }

        if (-not $SkipXunit) {
            Write-Host '== xUnit'
            $trx = Join-Path $ResultsDir 'xunit.trx'
            if (Test-Path $trx) { Remove-Item $trx }
            $filterArgs = if ($XunitFilter) { @('--filter', $XunitFilter) } else { @() }
            & dotnet test (Join-Path $Root 'tests/DatabricksNetworking.Tests') -c $Configuration --no-build --nologo `
                --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' --results-directory $ResultsDir @filterArgs
            if (Test-Path $trx) {
                $x = Get-TrxCounts $trx
                $passed += $x.Passed; $failed += $x.Failed; $skipped += $x.Skipped
                Write-Host "xUnit: $($x.Passed) passed, $($x.Failed) failed, $($x.Skipped) skipped"
            } else { $failed += 1; Write-Host 'xUnit: no result file (the run failed to start)' }
        }

        if (-not $SkipPester) {
            Write-Host '== Pester'
            $pesterResult = Join-Path $ResultsDir 'pester.json'
            if (Test-Path $pesterResult) { Remove-Item $pesterResult }
            $paths = if ($PesterPath) { $PesterPath | ForEach-Object { $_ -split ',' } | Where-Object { $_ } | ForEach-Object { (Resolve-Path $_).Path } } else { @(Join-Path $Root 'tests/pester') }
            $pwsh = @(Get-PwshCommand)
            $runner = Join-Path $Root 'tests/Invoke-PesterRun.ps1'
            $pwshArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $runner, '-ResultFile', $pesterResult, '-Path') + @($paths -join ',')
            & $pwsh[0] @pwshArgs
            if (Test-Path $pesterResult) {
                $p = Get-Content $pesterResult -Raw | ConvertFrom-Json
                $passed += $p.Passed; $failed += $p.Failed; $skipped += $p.Skipped
                Write-Host "Pester: $($p.Passed) passed, $($p.Failed) failed, $($p.Skipped) skipped"
            } else { $failed += 1; Write-Host 'Pester: no result file (the run failed to start)' }
        }
    }
    finally {
        $services | Stop-TestService
    }
    $line = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $line += ", $skipped skipped" }
    Write-Host $line
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $services = @()
    try {
        $moto = Start-MotoServer -LogDirectory ([IO.Path]::GetTempPath())
        $services += $moto
        $emulator = Start-DbxTestEmulator -EmulatorDll $EmulatorDll -Arguments @('--aws-endpoint', $moto.Url, '--quiet')
        $services += $emulator
        $pwsh = @(Get-PwshCommand)
        $env:DBX_EMULATOR_ADMIN_TOKEN = $emulator.AdminToken   # the ingress scene reads the emulator's decision log
        $pwshArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'demo/Invoke-Demo.ps1'),
            '-ModulePath', $ModuleManifest, '-EmulatorUrl', $emulator.Url, '-MotoUrl', $moto.Url)
        & $pwsh[0] @pwshArgs
        if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
    }
    finally { $services | Stop-TestService }
}

function Invoke-Optional([string]$Name, [string]$Script, [hashtable]$Arguments) {
    if (-not (Test-Path $Script)) { Write-Host "$Name is not available yet ($Script does not exist)."; return }
    Invoke-Build
    & $Script @Arguments
    if (-not $?) { throw "$Name failed." }
}

foreach ($t in $Task) {
    switch ($t) {
        'Clean' { if (Test-Path $Out) { Remove-Item $Out -Recurse -Force } }
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Docs' { Invoke-Optional 'Docs' (Join-Path $Root 'build/Docs.ps1') @{ ModuleDir = $ModuleDir; Check = $true } }
        'Package' { Invoke-Optional 'Package' (Join-Path $Root 'build/Package.ps1') @{ ModuleDir = $ModuleDir; OutDir = $Out } }
        'Bench' {
            $benchArgs = @{ ModuleManifest = $ModuleManifest; EmulatorDll = $EmulatorDll }
            if ($Runs) { $benchArgs.Runs = $Runs }
            if ($Only) { $benchArgs.Only = @($Only | ForEach-Object { $_ -split ',' } | Where-Object { $_ }) }
            Invoke-Optional 'Bench' (Join-Path $Root 'bench/Invoke-Bench.ps1') $benchArgs
        }
    }
}
