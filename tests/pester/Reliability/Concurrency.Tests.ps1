# Concurrency under faults: 8 runspaces add to 8 different lists while 8 more add to one shared list, all at once,
# through Add-DbxIpAccessListEntry against an emulator that fails, rate limits and drops answers. Every value added
# by a call that reported success must be in its list afterwards; a call that failed must have said so.
# (IpAccess/IpAccessListEntry.Tests.ps1 runs the same two cases without faults.)
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-TestModule
    $envi = Get-TestEnvironment
    $script:emu = Start-DbxTestEmulator -EmulatorDll $envi.EmulatorDll -LogDirectory ([IO.Path]::GetTempPath()) -Arguments @(
        '--fault-rate', '0.2', '--rate-limit', '150', '--retry-after-seconds', '0.05', '--drop-after-commit-rate', '0.1', '--seed', '99', '--quiet')
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $ctx.Retry.MaxAttempts = 12
    $ctx.Retry.BaseBackoff = [TimeSpan]::FromMilliseconds(10)
    $ctx.Retry.MaxBackoff = [TimeSpan]::FromMilliseconds(200)
    $ctx.Retry.MaxRetryTime = [TimeSpan]::FromSeconds(20)
    $script:ws = [long]2222222222222222
    Invoke-EmulatorControl -Method Post -Path 'faults?fault_rate=0&drop_after_commit_rate=0' -Emulator $emu | Out-Null
    $script:own = foreach ($i in 1..8) { New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label "own-$i" -ListType Block -IpAddress "172.16.$i.0/24" }
    $script:shared = New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label shared -ListType Block -IpAddress 172.31.0.0/24
    Invoke-EmulatorControl -Method Post -Path 'faults?fault_rate=0.2&drop_after_commit_rate=0.1' -Emulator $emu | Out-Null

    $module = $envi.Module
    $pool = [runspacefactory]::CreateRunspacePool(1, 16)
    $pool.Open()
    $jobs = foreach ($i in 1..16) {
        $listId = if ($i -le 8) { $own[$i - 1].ListId } else { $shared.ListId }
        $ps = [powershell]::Create()
        $ps.RunspacePool = $pool
        [void]$ps.AddScript({
                param($Module, $Context, $Ws, $ListId, $I)
                Import-Module $Module
                # Five calls of two values each; each call's outcome is reported with its values.
                foreach ($k in 1..5) {
                    $values = "10.$I.$k.0/24", "198.18.$I.$k"
                    $errors = $null
                    $values | Add-DbxIpAccessListEntry -Context $Context -WorkspaceId $Ws -ListId $ListId -ErrorAction SilentlyContinue -ErrorVariable errors
                    [pscustomobject]@{ Runspace = $I; ListId = $ListId; Values = $values; Ok = -not $errors; Errors = @($errors | ForEach-Object { "$_" }) }
                }
            }).AddArgument($module).AddArgument($ctx).AddArgument($ws).AddArgument($listId).AddArgument($i)
        [pscustomobject]@{ PS = $ps; Handle = $ps.BeginInvoke() }
    }
    $script:calls = @(foreach ($j in $jobs) { $j.PS.EndInvoke($j.Handle); $j.PS.Dispose() })
    $pool.Dispose()
    $emuStats = Invoke-EmulatorControl -Path requests -Emulator $emu
    Invoke-EmulatorControl -Method Post -Path 'faults?fault_rate=0&drop_after_commit_rate=0&rate_limit=0' -Emulator $emu | Out-Null
    $script:final = @{}
    foreach ($l in @($own) + $shared) { $final[$l.ListId] = @((Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws -ListId $l.ListId).IpAddresses) }
    $script:lost = @(foreach ($c in $calls | Where-Object Ok) { foreach ($v in $c.Values) { if ($v -notin $final[$c.ListId]) { "runspace $($c.Runspace): $v" } } })
    Write-ReliabilitySummary -Suite 'Concurrent runspaces (IP list entries)' -Operations $calls.Count -Faults ([long]$emuStats.faults + [long]$emuStats.dropped_after_commit) -Lost $lost.Count
    Write-ReliabilityReport -Title 'Concurrency (16 runspaces, Add-DbxIpAccessListEntry, under faults)' -Figures ([ordered]@{
            'calls' = $calls.Count
            'calls that reported success' = @($calls | Where-Object Ok).Count
            'calls that failed (ErrorRecord)' = @($calls | Where-Object { -not $_.Ok }).Count
            'faults injected' = $emuStats.faults
            'answers dropped after commit' = $emuStats.dropped_after_commit
            'rate limited (429)' = $emuStats.rate_limited
            'values in the shared list' = $final[$shared.ListId].Count
            'lost' = $lost.Count
        })
}

AfterAll { $script:emu | Stop-TestService }

Describe 'Add-DbxIpAccessListEntry from 16 runspaces under faults' {
    It 'ran every call, and faults really happened' {
        $calls.Count | Should -Be 80
        $emuStats.faults | Should -BeGreaterThan 0
    }

    It 'every call that did not succeed wrote an ErrorRecord' {
        foreach ($c in $calls | Where-Object { -not $_.Ok }) { $c.Errors | Should -Not -BeNullOrEmpty }
    }

    It 'lost no value added by a call that reported success, on the shared list or the own ones' {
        @($calls | Where-Object Ok).Count | Should -BeGreaterThan 60
        $lost | Should -BeNullOrEmpty
    }

    It 'kept the values the lists started with' {
        foreach ($i in 1..8) { $final[$own[$i - 1].ListId] | Should -Contain "172.16.$i.0/24" }
        $final[$shared.ListId] | Should -Contain '172.31.0.0/24'
    }

    It 'kept each runspace''s values on its own list only' {
        foreach ($i in 1..8) {
            $others = $final[$own[$i - 1].ListId] | Where-Object { $_ -like '10.*' -and $_ -notlike "10.$i.*" }
            $others | Should -BeNullOrEmpty
        }
    }
}
