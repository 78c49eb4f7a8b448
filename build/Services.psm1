# Starting and stopping the services the tests, the demo and the benchmarks run against:
# the Databricks emulator (this repository) and moto_server (AWS EC2/STS, from the machine image or pip).
# Used by build.ps1, tests/pester/TestHelpers.psm1, demo/ and bench/.

Set-StrictMode -Version 3

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port } finally { $listener.Stop() }
}

function Wait-TcpPort([int]$Port, [int]$TimeoutSec = 30) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $Port); return $true } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
    }
    return $false
}

function Get-PwshCommand {
    # pwsh runs as a .NET local tool here: the process is 'dotnet' and pwsh.dll sits in $PSHOME.
    $exe = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { return @($exe, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($exe)
}

function Find-MotoServer {
    $cmd = Get-Command moto_server -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($cmd) { return $cmd.Source }
    return $null
}

function Find-Chromium {
    foreach ($name in 'chromium', 'chromium-browser', 'google-chrome') {
        $cmd = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($cmd) { return $cmd.Source }
    }
    return $null
}

function Initialize-Chromium {
    <#
      Headless Chromium for the HTML report's rendering test (the Debian package "chromium"). Returns its path, or
      $null with a warning saying why it is missing; the test then reports itself as skipped, never as passed.
    #>
    [CmdletBinding()]
    param()
    $path = Find-Chromium
    if ($path) { return $path }
    $apt = Get-Command apt-get -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1   # /bin and /usr/bin can both hold it
    $isRoot = $IsLinux -and ((& id -u 2>$null) -eq '0')
    if ($apt -and $isRoot) {
        Write-Warning 'chromium was not found; trying: apt-get install -y chromium'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & $apt.Source install -y --no-install-recommends chromium 2>&1 | Write-Verbose
        if (-not (Find-Chromium)) { & $apt.Source update 2>&1 | Write-Verbose; & $apt.Source install -y --no-install-recommends chromium 2>&1 | Write-Verbose }
        $path = Find-Chromium
    }
    if (-not $path) {
        Write-Warning 'Headless Chromium is not installed and could not be installed here (needs apt-get as root): the HTML report rendering test will be SKIPPED. Install it with: sudo apt-get install -y chromium'
    }
    return $path
}

function Initialize-Dotnet8Runtime {
    <#
      A private DOTNET_ROOT holding only the .NET 8 shared frameworks (Microsoft.NETCore.App and Microsoft.AspNetCore.App)
      and a host, for tests/pester/Reliability/EmulatorNet8.Tests.ps1: the emulator targets net8.0 and must run on the
      oldest runtime it accepts, while this machine and CI have only a newer one. The runtime packs come from NuGet through
      build/dotnet8-runtime.csproj (restore only; the SDK picks the 8.0 patch), once per clone: the root is kept in
      -Destination (marked complete by .dotnet8-version, written last) and a later run only checks that mark.
      Returns the root, or $null with a warning saying why it is missing (not linux-x64, offline); the test then reports
      itself as skipped, never as passed.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$RepoRoot, [Parameter(Mandatory)][string]$Destination)
    $mark = Join-Path $Destination '.dotnet8-version'
    if ((Test-Path $mark) -and (Test-Path (Join-Path $Destination 'dotnet'))) { return $Destination }
    $skip = 'the .NET 8 emulator test (tests/pester/Reliability/EmulatorNet8.Tests.ps1) will be SKIPPED'
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture
    if (-not $IsLinux -or $arch -ne 'X64') {
        Write-Warning "A private .NET 8 runtime is only laid out on linux-x64 (this is $([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier)): $skip."
        return $null
    }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $project = Join-Path $RepoRoot 'build/dotnet8-runtime.csproj'
    $restoreDir = Join-Path ([IO.Path]::GetFullPath($Destination)) 'restore'
    $restoreLog = & dotnet restore $project --nologo -v q "-p:BaseIntermediateOutputPath=$restoreDir/" 2>&1
    if ($LASTEXITCODE -ne 0) {
        Write-Warning "Restoring the .NET 8 runtime packs failed (offline, or NuGet does not serve them; dotnet restore $project): $skip. $(($restoreLog | Select-Object -Last 3) -join ' ')"
        return $null
    }
    # The versions the SDK picked: the restore's download list names them (the project names none).
    $assets = Get-Content (Join-Path $restoreDir 'project.assets.json') -Raw | ConvertFrom-Json
    $downloads = @($assets.project.frameworks.'net8.0'.downloadDependencies)
    function Get-PackVersion([string]$Id) {
        $d = $downloads | Where-Object name -eq $Id | Select-Object -First 1
        if ($d) { ($d.version -replace '[\[\]\s]', '' -split ',')[0] } else { '' }
    }
    $coreVersion = Get-PackVersion 'Microsoft.NETCore.App.Runtime.linux-x64'
    $aspVersion = Get-PackVersion 'Microsoft.AspNetCore.App.Runtime.linux-x64'
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $core = Join-Path $packages "microsoft.netcore.app.runtime.linux-x64/$coreVersion/runtimes/linux-x64"
    $asp = Join-Path $packages "microsoft.aspnetcore.app.runtime.linux-x64/$aspVersion/runtimes/linux-x64"
    # The muxer is copied, not linked: it finds host/ and shared/ beside its real path.
    $muxer = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
    $target = (Get-Item $muxer).ResolveLinkTarget($true)
    if ($target) { $muxer = $target.FullName }
    if (-not ($coreVersion -like '8.0.*' -and $aspVersion -like '8.0.*' -and (Test-Path (Join-Path $core 'native/libhostfxr.so')) -and (Test-Path $asp))) {
        Write-Warning "The restored .NET 8 runtime packs are not where they should be ($core, $asp): $skip."
        return $null
    }
    foreach ($d in 'host', 'shared') { if (Test-Path (Join-Path $Destination $d)) { Remove-Item (Join-Path $Destination $d) -Recurse -Force } }
    $fxr = New-Item -ItemType Directory -Path (Join-Path $Destination "host/fxr/$coreVersion") -Force
    $coreDir = New-Item -ItemType Directory -Path (Join-Path $Destination "shared/Microsoft.NETCore.App/$coreVersion") -Force
    $aspDir = New-Item -ItemType Directory -Path (Join-Path $Destination "shared/Microsoft.AspNetCore.App/$aspVersion") -Force
    Copy-Item (Join-Path $core 'native/libhostfxr.so') $fxr
    Get-ChildItem (Join-Path $core 'lib/net8.0'), (Join-Path $core 'native') -File | Where-Object Name -ne 'libhostfxr.so' | Copy-Item -Destination $coreDir
    Get-ChildItem (Join-Path $asp 'lib/net8.0') -File | Copy-Item -Destination $aspDir
    Copy-Item $muxer (Join-Path $Destination 'dotnet') -Force
    Set-Content -Path $mark -Value "Microsoft.NETCore.App $coreVersion`nMicrosoft.AspNetCore.App $aspVersion" -Encoding utf8NoBOM
    Write-Host ("== .NET {0} runtime (ASP.NET Core {1}) laid out in {2} in {3:0.0} s, once per clone" -f $coreVersion, $aspVersion, $Destination, $clock.Elapsed.TotalSeconds)
    return $Destination
}

function Start-MotoServer {
    [CmdletBinding()]
    param([string]$LogDirectory = [IO.Path]::GetTempPath())
    $moto = Find-MotoServer
    if (-not $moto) {
        Write-Warning 'moto_server was not found; trying: python3 -m pip install "moto[server]"'
        $py = Get-Command python3 -ErrorAction SilentlyContinue
        if ($py) { & $py.Source -m pip install --quiet 'moto[server]' 2>&1 | Write-Verbose }
        $moto = Find-MotoServer
        if (-not $moto) {
            throw 'moto_server (the AWS emulator the AWS tests and the demo use) is not installed and could not be installed. Install it with: python3 -m pip install "moto[server]" (or: pipx install "moto[server]"), then run the command again.'
        }
    }
    $port = Get-FreeTcpPort
    $log = Join-Path $LogDirectory "moto-$port.log"
    $p = Start-Process -FilePath $moto -ArgumentList @('-H', '127.0.0.1', '-p', "$port") -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    if (-not (Wait-TcpPort $port 60)) { Stop-Process -Id $p.Id -Force -ErrorAction SilentlyContinue; throw "moto_server did not start on port $port (see $log.err)." }
    [pscustomobject]@{ Name = 'moto'; Url = "http://127.0.0.1:$port"; Process = $p; Log = $log }
}

function Start-DbxTestEmulator {
    <#
      Starts the Databricks emulator from a built dll on a free loopback port and returns its URL and AdminToken
      (send it as the X-Emulator-Admin-Token header to /_emulator control routes).
      -Arguments are passed through (e.g. '--fault-rate','0.2','--seed-file',$path).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string]$EmulatorDll,
        [string[]]$Arguments = @(),
        [string]$LogDirectory = [IO.Path]::GetTempPath(),
        # Another dotnet host (e.g. Initialize-Dotnet8Runtime's) and variables for the emulator's process only (DOTNET_ROOT).
        [string]$Dotnet,
        [hashtable]$Environment
    )
    if (-not (Test-Path $EmulatorDll)) { throw "The emulator is not built ($EmulatorDll). Run ./build.ps1 Build." }
    if (-not $Dotnet) { $Dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source }
    $dotnet = $Dotnet
    $id = [Guid]::NewGuid().ToString('N').Substring(0, 8)
    $out = Join-Path $LogDirectory "emulator-$id.out"
    $argList = @($EmulatorDll, '--port', '0') + $Arguments
    $envArgs = if ($Environment) { @{ Environment = $Environment } } else { @{} }
    $p = Start-Process -FilePath $dotnet -ArgumentList $argList -PassThru -RedirectStandardOutput $out -RedirectStandardError "$out.err" @envArgs
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (Test-Path $out) {
            $line = Get-Content $out -ErrorAction SilentlyContinue | Where-Object { $_ -match '^Emulator listening on (http://\S+)' } | Select-Object -First 1
            if ($line -and $line -match '(http://\S+)') {
                $url = $Matches[1]
                # The same line carries the admin token of the /_emulator control routes (header X-Emulator-Admin-Token).
                $token = if ($line -match 'admin-token=(\S+)') { $Matches[1] } else { $null }
                return [pscustomobject]@{ Name = 'emulator'; Url = $url; AdminToken = $token; Process = $p; Log = $out }
            }
        }
        if ($p.HasExited) { throw "The emulator exited with code $($p.ExitCode): $(Get-Content "$out.err" -Raw -ErrorAction SilentlyContinue)" }
        Start-Sleep -Milliseconds 50
    }
    Stop-Process -Id $p.Id -Force -ErrorAction SilentlyContinue
    throw "The emulator did not report its address within 60 s (see $out)."
}

function Stop-TestService {
    param([Parameter(ValueFromPipeline)]$Service)
    process {
        if ($null -ne $Service -and $Service.Process -and -not $Service.Process.HasExited) {
            Stop-Process -Id $Service.Process.Id -Force -ErrorAction SilentlyContinue
            $Service.Process.WaitForExit(5000) | Out-Null
        }
    }
}

Export-ModuleMember -Function Get-FreeTcpPort, Wait-TcpPort, Get-PwshCommand, Find-Chromium, Initialize-Chromium, Initialize-Dotnet8Runtime, Start-MotoServer, Start-DbxTestEmulator, Stop-TestService
