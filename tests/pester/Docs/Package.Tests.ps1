# build/Package.ps1 makes a .nupkg that PSResourceGet publishes to a local file repository and installs; a fresh pwsh
# then imports the module by name and gets help and workspaces from the emulator. HOME points at a temporary folder
# for the child processes, so the repository registration and the installed module never touch the real profile.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    $script:envi = Get-TestEnvironment
    $script:seed = Get-TestSeed
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ('dbxpkgtest-' + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $work | Out-Null
    $script:nupkg = & (Join-Path $root 'build/Package.ps1') -ModuleDir (Split-Path $envi.Module -Parent) -OutDir (Join-Path $work 'out') 6>$null
    $script:version = [string](Import-PowerShellDataFile $envi.Module).ModuleVersion

    function Invoke-ChildPwsh([string]$Script) {
        # A fresh pwsh whose HOME (hence user module path and PSResourceGet settings) is the temporary folder.
        $pwsh = @(Get-PwshCommand)
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME; XDG_CACHE_HOME = $env:XDG_CACHE_HOME; PSModulePath = $env:PSModulePath }
        try {
            $env:HOME = Join-Path $work 'home'
            Remove-Item env:XDG_DATA_HOME, env:XDG_CONFIG_HOME, env:XDG_CACHE_HOME, env:PSModulePath -ErrorAction SilentlyContinue
            # .NET reports a special folder only when it exists; a missing one would make NuGet write into the cwd.
            foreach ($d in '.config', '.local/share', '.cache') { New-Item -ItemType Directory -Path (Join-Path $env:HOME $d) -Force | Out-Null }
            $a = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Script)
            Push-Location $work
            try { $out = & $pwsh[0] @a 2>&1 | Out-String } finally { Pop-Location }
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $out }
        }
        finally {
            foreach ($k in $saved.Keys) { if ($null -eq $saved[$k]) { Remove-Item "env:$k" -ErrorAction SilentlyContinue } else { Set-Item "env:$k" $saved[$k] } }
        }
    }
}

AfterAll { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'build/Package.ps1' {
    It 'writes DatabricksNetworking.<version>.nupkg with a complete manifest' {
        $nupkg.Name | Should -Be "DatabricksNetworking.$version.nupkg"
        $x = Join-Path $work 'x'
        Expand-Archive -Path $nupkg.FullName -DestinationPath $x
        $m = Test-ModuleManifest -Path (Join-Path $x 'DatabricksNetworking.psd1') -ErrorAction Stop
        [string]$m.Version | Should -Be $version
        $m.PrivateData.PSData.Tags | Should -Contain 'Databricks'
        $m.PrivateData.PSData.ProjectUri | Should -Not -BeNullOrEmpty
        $m.PrivateData.PSData.LicenseUri | Should -Not -BeNullOrEmpty
        $m.ReleaseNotes | Should -Match 'First preview'
        $data = Import-PowerShellDataFile (Join-Path $x 'DatabricksNetworking.psd1')
        $data.FileList | Should -Contain 'en-US/DatabricksNetworking.PowerShell.dll-Help.xml'
        $data.FileList | Should -Contain 'DatabricksNetworking.PowerShell.dll'
        foreach ($f in $data.FileList) { Join-Path $x $f | Should -Exist }
        [xml]$nuspec = Get-Content (Join-Path $x 'DatabricksNetworking.nuspec') -Raw
        $nuspec.package.metadata.version | Should -Be $version
        $nuspec.package.metadata.releaseNotes | Should -Match 'First preview'
    }

    It 'publishes to a local repository, installs with Install-PSResource and imports by name in a fresh pwsh' {
        $repo = Join-Path $work 'repo'
        New-Item -ItemType Directory -Path $repo | Out-Null
        $install = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name DbxLocalTest -Uri '$repo' -Trusted
Publish-PSResource -NupkgPath '$($nupkg.FullName)' -Repository DbxLocalTest
Install-PSResource -Name DatabricksNetworking -Repository DbxLocalTest -Scope CurrentUser -TrustRepository -Quiet
(Get-InstalledPSResource -Name DatabricksNetworking).InstalledLocation
"@
        $install.ExitCode | Should -Be 0 -Because $install.Output
        Get-ChildItem $repo -Filter '*.nupkg' | Should -Not -BeNullOrEmpty
        $install.Output | Should -Match ([regex]::Escape((Join-Path $work 'home')))

        $use = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module DatabricksNetworking
`$m = Get-Module DatabricksNetworking
'BASE=' + `$m.ModuleBase
'VERSION=' + `$m.Version
'SYNOPSIS=' + (Get-Help Get-DbxWorkspace).Synopsis
'ABOUT=' + ((Get-Help about_DatabricksNetworking | Out-String) -match 'SHORT DESCRIPTION')
Connect-DbxAccount -AccountHost '$($envi.EmulatorUrl)' -AccountId '$($seed.AccountId)' -ClientId '$($seed.ClientId)' -ClientSecret (ConvertTo-SecureString '$($seed.ClientSecret)' -AsPlainText -Force) | Out-Null
'WORKSPACES=' + ((Get-DbxWorkspace | Sort-Object WorkspaceName).WorkspaceName -join ',')
"@
        $use.ExitCode | Should -Be 0 -Because $use.Output
        $use.Output | Should -Match ('BASE=' + [regex]::Escape((Join-Path $work 'home')))
        $use.Output | Should -Match "VERSION=$([regex]::Escape($version))"
        $use.Output | Should -Match 'SYNOPSIS=Gets the workspaces of the account'
        $use.Output | Should -Match 'ABOUT=True'
        $use.Output | Should -Match 'WORKSPACES=dev-us,prod-eu,prod-us'
    }
}
