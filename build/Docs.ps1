<#
.SYNOPSIS
    Checks docs/cmdlets against the built module (-Check) and compiles it into the module (-Compile).
.DESCRIPTION
    PlatyPS cannot be installed here, so this script does its two jobs:
      -Compile  writes en-US/DatabricksNetworking.PowerShell.dll-Help.xml (MAML, for Get-Help <cmdlet> -Full,
                -Examples, -Parameter) and en-US/about_*.help.txt into the module directory. Text work only; build.ps1
                runs it on every Build.
      -Check    compares every page with the module's Get-Command metadata (read in a child pwsh) and fails with
                one line per problem: drift in parameter sets, names, types, mandatory, position, pipeline input,
                aliases, wildcards, accepted values or output types; a missing page or section; an empty synopsis,
                description or parameter description; a {{ ... }} placeholder; fewer than two examples; no
                pipeline example; no -WhatIf example for a cmdlet that changes something.
.EXAMPLE
    dotnet pwsh ./build.ps1 Docs
.EXAMPLE
    ./build/Docs.ps1 -ModuleDir out/DatabricksNetworking/0.1.0 -Check -DocsDir docs/cmdlets
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModuleDir,
    [switch]$Compile,
    [switch]$Check,
    [string]$DocsDir = (Join-Path (Split-Path $PSScriptRoot -Parent) 'docs/cmdlets')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
Import-Module (Join-Path $PSScriptRoot 'DocsLib.psm1') -Force

# The about topics the module promises (issue 8); more may be added freely.
$requiredAbout = @('about_DatabricksNetworking', 'about_DatabricksNetworking_PrivateLink', 'about_DatabricksNetworking_Serverless', 'about_DatabricksNetworking_IpAccessLists')

if (-not $Compile -and -not $Check) { $Check = $true }
if (-not (Test-Path $DocsDir)) { throw "The docs folder $DocsDir does not exist." }

if ($Compile) {
    $r = Invoke-DocsCompile -DocsDir $DocsDir -ModuleDir $ModuleDir
    Write-Host "Help: $($r.Cmdlets) cmdlet pages and $($r.About) about topics compiled into $($r.Path)"
}

if ($Check) {
    $manifest = Join-Path $ModuleDir 'DatabricksNetworking.psd1'
    if (-not (Test-Path $manifest)) { throw "The module is not built ($manifest). Run ./build.ps1 Build." }
    $metadata = Get-DocsModuleMetadata -Manifest $manifest
    $problems = @(Test-DocsSet -DocsDir $DocsDir -Metadata $metadata -RequiredAbout $requiredAbout)
    if ($problems.Count) {
        $problems | ForEach-Object { Write-Host "  $_" }
        throw "The help in $DocsDir does not match the module: $($problems.Count) problem(s), listed above."
    }
    Write-Host "Docs: $(@($metadata.Commands).Count) cmdlet pages match the module."
}
