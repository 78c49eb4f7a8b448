# The emulator runs on any .NET runtime from 8 up (issue 17): it targets net8.0 with RollForward=Major, but this machine
# and CI have only a newer runtime. build.ps1 Test lays out a private DOTNET_ROOT with only the .NET 8 shared frameworks
# (build/Services.psm1 Initialize-Dotnet8Runtime, from NuGet's runtime packs) and names it in DBX_TEST_DOTNET8_ROOT; these
# tests run the built emulator on it, and Start-DbxEmulator's runtime check against a real dotnet without ASP.NET Core.
# Where that root could not be laid out (not linux-x64, offline) they are reported as skipped, never as passed.
BeforeDiscovery {
    $script:NoRoot = -not $env:DBX_TEST_DOTNET8_ROOT
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:envi = Get-TestEnvironment
    $script:Root8 = $env:DBX_TEST_DOTNET8_ROOT
    $script:Dotnet8 = if ($Root8) { Join-Path $Root8 'dotnet' } else { $null }
    # Only the private root: no other install is looked up, and roll-forward stays on its default (Major, from the
    # emulator's runtimeconfig), which takes 8.0 when 8.0 is there.
    $script:Env8 = @{ DOTNET_ROOT = $Root8; DOTNET_MULTILEVEL_LOOKUP = '0'; DOTNET_ROLL_FORWARD = $null; DOTNET_ROLL_FORWARD_TO_PRERELEASE = $null }
    function Invoke-Dotnet8 {
        # Runs the private root's dotnet with Env8 set for it alone; returns its output lines and sets $LASTEXITCODE.
        $saved = @{}
        foreach ($k in $Env8.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Env8[$k]) }
        try { & $Dotnet8 @args 2>&1 | ForEach-Object { "$_" } }
        finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
    }
}

Describe 'The emulator on the .NET 8 runtime' -Skip:$NoRoot {
    It 'the private DOTNET_ROOT holds only the 8.0 shared frameworks, ASP.NET Core among them' {
        $list = @(Invoke-Dotnet8 --list-runtimes)
        $LASTEXITCODE | Should -Be 0
        $list | Should -Not -BeNullOrEmpty
        foreach ($line in $list) { $line | Should -Match '^Microsoft\.(NETCore|AspNetCore)\.App 8\.0\.\d+ \[' }
        @($list -match '^Microsoft\.AspNetCore\.App 8\.0\.').Count | Should -Be 1
        @($list -match '^Microsoft\.NETCore\.App 8\.0\.').Count | Should -Be 1
    }

    It 'answers --help on .NET 8 and says so' {
        $out = @(Invoke-Dotnet8 $envi.EmulatorDll --help)
        $LASTEXITCODE | Should -Be 0
        $text = $out -join "`n"
        $text | Should -Match '(?m)^\s+--port\b.*\S'
        $text | Should -Not -Match '(?m)^Emulator listening on'
        $out[-1] | Should -Match '^Runtime: \.NET 8\.0\.\d+, ASP\.NET Core 8\.0\.\d+, linux-x64$'
    }

    It 'serves account API calls through the module on .NET 8 and stops cleanly' {
        $emu = Start-DbxTestEmulator -EmulatorDll $envi.EmulatorDll -Dotnet $Dotnet8 -Environment $Env8 -Arguments @('--quiet') -LogDirectory ([IO.Path]::GetTempPath())
        try {
            # The process says which runtime it chose, and its CoreCLR is the private root's 8.0 one.
            $said = @(@(Get-Content $emu.Log) -match '^Emulator runtime: ')
            $said | Should -HaveCount 1
            $said[0] | Should -Match '^Emulator runtime: \.NET 8\.0\.\d+, ASP\.NET Core 8\.0\.\d+, linux-x64$'
            $clr = @(Get-Content "/proc/$($emu.Process.Id)/maps" | Where-Object { $_ -match '/libcoreclr\.so$' } | ForEach-Object { ($_ -split '\s+')[-1] } | Select-Object -Unique)
            $clr | Should -HaveCount 1
            $clr[0] | Should -BeLike ((Join-Path $Root8 'shared/Microsoft.NETCore.App/8.0.') + '*')

            $ctx = Connect-TestAccount -Url $emu.Url -NoDefault
            $c = @{ Context = $ctx }
            $name = New-TestName 'net8'
            $net = New-DbxNetworkConfiguration @c -Name $name -VpcId 'vpc-0a1b2c3d' -SubnetId 'subnet-0a1b2c3d', 'subnet-1a2b3c4d' -SecurityGroupId 'sg-0a1b2c3d'
            $net.NetworkId | Should -Not -BeNullOrEmpty
            $got = @(Get-DbxNetworkConfiguration @c -Name $name)
            $got | Should -HaveCount 1
            $got[0].NetworkId | Should -Be $net.NetworkId
            @($got[0].SubnetIds) | Should -Be @('subnet-0a1b2c3d', 'subnet-1a2b3c4d')

            $list = New-DbxAccountIpAccessList @c -Label $name -ListType Block -IpAddress '203.0.113.0/24'
            @(Get-DbxAccountIpAccessList @c -ListId $list.ListId).Label | Should -Be $name

            Remove-DbxAccountIpAccessList @c -ListId $list.ListId -Force
            Remove-DbxNetworkConfiguration @c -NetworkId $net.NetworkId -Force
            @(Get-DbxNetworkConfiguration @c).NetworkId | Should -Not -Contain $net.NetworkId
            @(Get-DbxAccountIpAccessList @c | Where-Object Label -eq $name) | Should -HaveCount 0
        } finally {
            # A clean stop: SIGTERM, ASP.NET Core's graceful shutdown, exit code 0 and nothing on stderr.
            if (-not $emu.Process.HasExited) { & kill -s TERM $emu.Process.Id }
            $stopped = $emu.Process.WaitForExit(15000)
            if (-not $stopped) { $emu | Stop-TestService }
        }
        $stopped | Should -BeTrue
        $emu.Process.ExitCode | Should -Be 0
        Get-Content "$($emu.Log).err" -Raw | Should -BeNullOrEmpty
    }
}

Describe 'Start-DbxEmulator on a dotnet whose only runtime is Microsoft.NETCore.App' -Skip:$NoRoot {
    BeforeAll {
        # A real dotnet root as a machine without the ASP.NET Core runtime has it: the host and Microsoft.NETCore.App
        # (the one this PowerShell runs on, linked), no Microsoft.AspNetCore.App. PowerShell runs on it, so
        # Start-DbxEmulator checks this root's own 'dotnet --list-runtimes' (no DBX_EMULATOR_LIST_RUNTIMES_FILE seam).
        $script:Bare = Join-Path $TestDrive 'dotnet-no-aspnetcore'
        $sysDotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
        $sysMuxer = (Get-Item $sysDotnet).ResolveLinkTarget($true)
        $sysMuxer = if ($sysMuxer) { $sysMuxer.FullName } else { $sysDotnet }
        $sysRoot = Split-Path $sysMuxer
        $fx = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory().TrimEnd('/')
        $fxVersion = Split-Path $fx -Leaf
        $fxr = Get-ChildItem (Join-Path $sysRoot 'host/fxr') -Directory | Sort-Object { [version]($_.Name -replace '-.*') } | Select-Object -Last 1
        New-Item -ItemType Directory -Path (Join-Path $Bare 'shared/Microsoft.NETCore.App'), (Join-Path $Bare 'host/fxr') -Force | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $Bare "shared/Microsoft.NETCore.App/$fxVersion") -Target $fx | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $Bare "host/fxr/$($fxr.Name)") -Target $fxr.FullName | Out-Null
        # Copied, not linked: the muxer finds host/ and shared/ beside its real path.
        Copy-Item $sysMuxer (Join-Path $Bare 'dotnet')
    }

    It 'gives the one DbxEmulatorRuntimeMissing record, naming that dotnet, and starts nothing' {
        $probe = @'
param($Module)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$caught = $null
try { Start-DbxEmulator -ErrorVariable ev } catch { $caught = $_ }
[pscustomobject]@{
    Id        = if ($caught) { $caught.FullyQualifiedErrorId } else { $null }
    Category  = if ($caught) { "$($caught.CategoryInfo.Category)" } else { $null }
    Message   = if ($caught) { $caught.Exception.Message } else { $null }
    Records   = @($ev).Count
    Children  = @(Get-Process | Where-Object { $_.Parent -and $_.Parent.Id -eq $PID }).Count
} | ConvertTo-Json -Compress
'@
        $probeFile = Join-Path $TestDrive 'probe.ps1'
        Set-Content -Path $probeFile -Value $probe
        $saved = @{}
        $vars = @{ DOTNET_ROOT = $Bare; DOTNET_MULTILEVEL_LOOKUP = '0'; DOTNET_HOST_PATH = $null; DBX_EMULATOR_LIST_RUNTIMES_FILE = $null }
        foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
        try {
            $runtimes = @(& (Join-Path $Bare 'dotnet') --list-runtimes)
            $json = & (Join-Path $Bare 'dotnet') (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $probeFile -Module $envi.Module 2>&1 | Out-String
        } finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
        # The root is what it should be: NETCore only.
        $runtimes | Should -HaveCount 1
        $runtimes[0] | Should -Match '^Microsoft\.NETCore\.App \d+\.'
        $r = ($json.Trim() -split "`n")[-1] | ConvertFrom-Json
        $r.Id | Should -BeLike 'DbxEmulatorRuntimeMissing*'
        $r.Category | Should -Be 'NotInstalled'
        $r.Records | Should -Be 1
        $r.Children | Should -Be 0   # no emulator process was started
        $r.Message | Should -Match ([regex]::Escape("'$(Join-Path $Bare 'dotnet')' has no ASP.NET Core runtime"))
        $r.Message | Should -Match 'ASP\.NET Core Runtime 8\.0 or later'
        $r.Message | Should -Match 'apt-get install aspnetcore-runtime-10\.0'
        $r.Message | Should -Not -Match '\bat \w+\.|\r?\n'
    }
}
