<#
.SYNOPSIS
    Packs the built module into <OutDir>/DatabricksNetworking.<version>.nupkg, ready for a PSResourceGet repository.
.DESCRIPTION
    Stages a copy of the built module, completes its manifest for publishing (FileList of every file shipped,
    ReleaseNotes from the version's section of CHANGELOG.md; version, tags, project and licence URIs come from the
    manifest, whose version build.ps1 takes from Directory.Build.props), checks it with Test-ModuleManifest and packs
    it with Compress-PSResource (Microsoft.PowerShell.PSResourceGet, shipped with pwsh 7.4+). Nothing is published.
.EXAMPLE
    dotnet pwsh ./build.ps1 Package
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModuleDir,
    [Parameter(Mandatory)][string]$OutDir
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3
$root = Split-Path $PSScriptRoot -Parent
$name = 'DatabricksNetworking'
$ModuleDir = (Resolve-Path -LiteralPath $ModuleDir).Path
$manifest = Join-Path $ModuleDir "$name.psd1"
if (-not (Test-Path $manifest)) { throw "The module is not built ($manifest). Run: dotnet pwsh ./build.ps1 Build" }
$version = [string](Import-PowerShellDataFile $manifest).ModuleVersion

# Release notes: the "## <version>" section of CHANGELOG.md.
$changelog = Join-Path $root 'CHANGELOG.md'
if (-not (Test-Path $changelog)) { throw "CHANGELOG.md is missing; it holds the release notes of each version." }
$m = [regex]::Match((Get-Content $changelog -Raw), '(?ms)^##\s+' + [regex]::Escape($version) + '\s*$(.*?)(?=^##\s|\z)')
if (-not $m.Success -or -not $m.Groups[1].Value.Trim()) { throw "CHANGELOG.md has no '## $version' section with the release notes of this version." }
$notes = $m.Groups[1].Value.Trim()

# Stage the module under a folder named like it (what Compress-PSResource and Install-PSResource expect).
$stage = Join-Path ([IO.Path]::GetTempPath()) ("dbxpkg-" + [Guid]::NewGuid().ToString('N'))
$staged = Join-Path $stage $name
try {
    New-Item -ItemType Directory -Path $staged -Force | Out-Null
    Copy-Item -Path (Join-Path $ModuleDir '*') -Destination $staged -Recurse
    $stagedManifest = Join-Path $staged "$name.psd1"
    $files = @(Get-ChildItem $staged -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($staged, $_.FullName) -replace '\\', '/' } | Sort-Object)
    foreach ($f in "$name.psd1", 'DatabricksNetworking.PowerShell.dll', 'en-US/DatabricksNetworking.PowerShell.dll-Help.xml', 'DatabricksNetworking.Format.ps1xml') {
        if ($f -notin $files) { throw "The built module has no $f; run a full Build first." }
    }
    $q = { param($s) "'" + ($s -replace "'", "''") + "'" }
    $text = Get-Content $stagedManifest -Raw
    $fileList = "FileList             = @(`n" + (($files | ForEach-Object { "        $(& $q $_)" }) -join "`n") + "`n    )`n    "
    $text = $text -replace '(?m)^(\s*)PrivateData\s*=', "    $fileList`$1PrivateData ="
    $text = [regex]::Replace($text, "ReleaseNotes\s*=\s*'(?:[^']|'')*'", { param($x) 'ReleaseNotes = ' + (& $q $notes) })
    Set-Content -Path $stagedManifest -Value $text -Encoding utf8NoBOM

    $info = Test-ModuleManifest -Path $stagedManifest -ErrorAction Stop
    if ([string]$info.Version -ne $version) { throw "The staged manifest says version $($info.Version), expected $version." }
    foreach ($k in 'Tags', 'ProjectUri', 'LicenseUri', 'ReleaseNotes') {
        if (-not $info.PrivateData.PSData[$k]) { throw "The manifest's PrivateData.PSData has no $k." }
    }

    New-Item -ItemType Directory -Path $OutDir -Force | Out-Null
    $nupkg = Join-Path $OutDir "$name.$version.nupkg"
    if (Test-Path $nupkg) { Remove-Item $nupkg -Force }
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    Compress-PSResource -Path $staged -DestinationPath $OutDir
    if (-not (Test-Path $nupkg)) { throw "Compress-PSResource did not write $nupkg." }
    Write-Host "Package: $nupkg ($([math]::Round((Get-Item $nupkg).Length / 1MB, 1)) MB, $($files.Count) files)"
    Get-Item $nupkg
}
finally {
    Remove-Item $stage -Recurse -Force -ErrorAction SilentlyContinue
}
