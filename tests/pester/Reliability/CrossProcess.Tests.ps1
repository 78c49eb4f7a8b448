# Cross-process writers (issue 18): several pwsh processes add entries to one IP access list at once, against an
# emulator that fails, drops answers after commit and rate limits. Every value added by a call that reported success
# must be in the list afterwards, and every call that did not keep its values must have said so (an ErrorRecord).
# Before the fix, a PATCH whose answer was lost was re-sent with a stale full list: 63 of 80 entries were lost.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-TestModule
    $envi = Get-TestEnvironment
    $script:emu = Start-DbxTestEmulator -EmulatorDll $envi.EmulatorDll -LogDirectory ([IO.Path]::GetTempPath()) -Arguments @(
        '--fault-rate', '0', '--rate-limit', '150', '--retry-after-seconds', '0.05', '--seed', '1818', '--quiet')
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:ws = [long]2222222222222222
    $script:shared = New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label shared -ListType Block -IpAddress 172.31.0.0/24 -Force
    Invoke-EmulatorControl -Method Post -Path "requests/reset" -Url $emu.Url | Out-Null
    Invoke-EmulatorControl -Method Post -Path "faults?fault_rate=0.15&drop_after_commit_rate=0.15" -Url $emu.Url | Out-Null

    $script:writers = 4
    $pwsh = @(Get-PwshCommand)
    $procs = foreach ($w in 1..$writers) {
        $file = Join-Path $TestDrive "writer-$w.json"
        $argList = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Invoke-ListWriter.ps1'),
            '-Module', $envi.Module, '-EmulatorUrl', $emu.Url, '-ListId', $shared.ListId, '-WorkspaceId', $ws, '-Writer', $w, '-ResultFile', $file)
        [pscustomobject]@{ Writer = $w; File = $file; Log = "$file.log"
            Process = Start-Process -FilePath $pwsh[0] -ArgumentList $argList -PassThru -RedirectStandardOutput "$file.log" -RedirectStandardError "$file.err" }
    }
    # A generous bound (each writer takes seconds); a hang shows as a missed deadline.
    $script:finished = @(foreach ($p in $procs) { if ($p.Process.WaitForExit(240000)) { $true } else { Stop-Process -Id $p.Process.Id -Force -ErrorAction SilentlyContinue; $false } })
    $script:stderr = ($procs | ForEach-Object { Get-Content "$($_.File).err" -Raw -ErrorAction SilentlyContinue }) -join "`n"
    $script:calls = @(foreach ($p in $procs) { if (Test-Path $p.File) { Get-Content $p.File -Raw | ConvertFrom-Json } })
    $script:emuStats = Invoke-EmulatorControl -Path "requests" -Url $emu.Url
    Invoke-EmulatorControl -Method Post -Path "faults?fault_rate=0&drop_after_commit_rate=0&rate_limit=0" -Url $emu.Url | Out-Null
    $script:final = @((Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws -ListId $shared.ListId).IpAddresses)
    $script:lost = @(foreach ($c in $calls | Where-Object Ok) { foreach ($v in $c.Values) { if ($v -notin $final) { "writer $($c.Writer): $v" } } })
    $script:unreportedMissing = @(foreach ($c in $calls | Where-Object Ok) { if (@($c.Values | Where-Object { $_ -notin $final }).Count) { $c } })
    Write-ReliabilitySummary -Suite 'Cross-process writers (IP list entries)' -Operations $calls.Count -Faults ([long]$emuStats.faults + [long]$emuStats.dropped_after_commit) `
        -Duplicates ($final.Count - @($final | Sort-Object -Unique).Count) -Lost $lost.Count
    Write-ReliabilityReport -Title "Cross-process writers ($writers pwsh processes, Add-DbxIpAccessListEntry on one list, under faults)" -Figures ([ordered]@{
            'operations (calls)' = $calls.Count
            'calls that reported success' = @($calls | Where-Object Ok).Count
            'calls that failed (ErrorRecord)' = @($calls | Where-Object { -not $_.Ok }).Count
            'faults injected' = $emuStats.faults
            'answers dropped after commit' = $emuStats.dropped_after_commit
            'rate limited (429)' = $emuStats.rate_limited
            'values in the list' = $final.Count
            'duplicates' = $final.Count - @($final | Sort-Object -Unique).Count
            'lost (reported as success)' = $lost.Count
        })
}

AfterAll { $script:emu | Stop-TestService }

Describe 'Add-DbxIpAccessListEntry from several pwsh processes under faults' {
    It 'every writer finished, and faults really happened' {
        $finished | Should -Not -Contain $false
        $calls.Count | Should -Be (5 * $writers) -Because $stderr
        ($emuStats.faults + $emuStats.dropped_after_commit) | Should -BeGreaterThan 0
    }

    It 'lost no value added by a call that reported success' {
        @($calls | Where-Object Ok).Count | Should -BeGreaterThan (3 * $writers)
        $lost | Should -BeNullOrEmpty
    }

    It 'every call that did not succeed wrote an ErrorRecord' {
        foreach ($c in $calls | Where-Object { -not $_.Ok }) { $c.Errors | Should -Not -BeNullOrEmpty }
    }

    It 'kept the value the list started with, each value once, as typed' {
        $final | Should -Contain '172.31.0.0/24'
        $final.Count | Should -Be @($final | Sort-Object -Unique).Count
        # 198.18.w.k/32 stays as typed, not rewritten to 198.18.w.k.
        foreach ($c in $calls | Where-Object Ok) { $final | Should -Contain $c.Values[1] }
    }
}
