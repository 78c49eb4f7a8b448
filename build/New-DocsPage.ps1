<#
.SYNOPSIS
    Writes a PlatyPS-schema skeleton page docs/cmdlets/<Cmdlet>.md for a cmdlet of the built module.
.DESCRIPTION
    Reads the cmdlet's parameter sets, parameters, pipeline input and output types from the built module (in a child
    pwsh) and writes a page with the exact SYNTAX and PARAMETERS yaml the docs check expects. All prose is left as
    {{ ... }} placeholders, so the page fails `build.ps1 Docs` until it is filled in. Existing pages are not
    overwritten unless -Force.
.EXAMPLE
    dotnet pwsh ./build.ps1 Build; dotnet pwsh ./build/New-DocsPage.ps1 -Name Get-DbxNetworkConfiguration
.EXAMPLE
    dotnet pwsh ./build/New-DocsPage.ps1 -Missing    # a skeleton for every exported cmdlet that has no page yet
.EXAMPLE
    dotnet pwsh ./build/New-DocsPage.ps1 -ModulePage # rewrite the cmdlet list of docs/cmdlets/DatabricksNetworking.md
    The list is grouped by area (the folder under src/DatabricksNetworking.PowerShell/Cmdlets/ that declares the
    cmdlet), each cmdlet with the SYNOPSIS of its page; the rest of the module page is kept.
#>
[CmdletBinding(DefaultParameterSetName = 'Name')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Name', Position = 0)][string[]]$Name,
    [Parameter(Mandatory, ParameterSetName = 'Missing')][switch]$Missing,
    [Parameter(Mandatory, ParameterSetName = 'ModulePage')][switch]$ModulePage,
    [string]$ModuleDir,
    [string]$DocsDir = (Join-Path (Split-Path $PSScriptRoot -Parent) 'docs/cmdlets'),
    [switch]$Force
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
Import-Module (Join-Path $PSScriptRoot 'DocsLib.psm1') -Force
$root = Split-Path $PSScriptRoot -Parent
if (-not $ModuleDir) {
    [xml]$props = Get-Content (Join-Path $root 'Directory.Build.props') -Raw
    $version = ($props.Project.PropertyGroup | Where-Object { $_['Version'] } | Select-Object -First 1).Version
    $ModuleDir = Join-Path $root "out/DatabricksNetworking/$version"
}
$manifest = Join-Path $ModuleDir 'DatabricksNetworking.psd1'
if (-not (Test-Path $manifest)) { throw "The module is not built ($manifest). Run: dotnet pwsh ./build.ps1 Build" }
$metadata = Get-DocsModuleMetadata -Manifest $manifest
New-Item -ItemType Directory -Path $DocsDir -Force | Out-Null
if ($ModulePage) {
    $null = Update-DocsModulePage -DocsDir $DocsDir -Metadata $metadata -CmdletsDir (Join-Path $root 'src/DatabricksNetworking.PowerShell/Cmdlets')
    Write-Host "Rewrote the cmdlet list of $(Join-Path $DocsDir 'DatabricksNetworking.md') ($(@($metadata.Commands).Count) cmdlets)"
    return
}
if ($Missing) { $Name = @($metadata.Commands | Where-Object { -not (Test-Path (Join-Path $DocsDir "$($_.Name).md")) } | ForEach-Object Name) }
foreach ($n in $Name) {
    $cmd = $metadata.Commands | Where-Object Name -eq $n | Select-Object -First 1
    if (-not $cmd) { Write-Error "The module exports no cmdlet named '$n' (is it in CmdletsToExport, and is the module built?)."; continue }
    $path = Join-Path $DocsDir "$($cmd.Name).md"
    if ((Test-Path $path) -and -not $Force) { Write-Warning "$path exists; use -Force to overwrite it."; continue }
    [IO.File]::WriteAllText($path, (New-DocsPageText -Command $cmd), [System.Text.UTF8Encoding]::new($false))
    Write-Host "Wrote $path (fill in every {{ ... }}; then run: dotnet pwsh ./build.ps1 Docs)"
}
