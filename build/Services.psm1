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
        [string]$LogDirectory = [IO.Path]::GetTempPath()
    )
    if (-not (Test-Path $EmulatorDll)) { throw "The emulator is not built ($EmulatorDll). Run ./build.ps1 Build." }
    $dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
    $id = [Guid]::NewGuid().ToString('N').Substring(0, 8)
    $out = Join-Path $LogDirectory "emulator-$id.out"
    $argList = @($EmulatorDll, '--port', '0') + $Arguments
    $p = Start-Process -FilePath $dotnet -ArgumentList $argList -PassThru -RedirectStandardOutput $out -RedirectStandardError "$out.err"
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

Export-ModuleMember -Function Get-FreeTcpPort, Wait-TcpPort, Get-PwshCommand, Find-Chromium, Initialize-Chromium, Start-MotoServer, Start-DbxTestEmulator, Stop-TestService
