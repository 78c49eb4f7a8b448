# Hostile responses: every Get-/list cmdlet against the emulator's chaos mode (invalid JSON, truncated bodies, HTML
# pages, wrong field types, huge bodies, unknown enum values, slow drips). Each call must end in objects or in
# ErrorRecords with the module's own ErrorId and a clear message: never a raw .NET exception, never a hang past the
# request timeout, never a crash of the pwsh process. The calls run in a child pwsh (Invoke-ChaosMatrix.ps1).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    $envi = Get-TestEnvironment
    # Two objects per page, so lists page and a hostile answer can arrive in the middle of one.
    $script:emu = Start-DbxTestEmulator -EmulatorDll $envi.EmulatorDll -LogDirectory ([IO.Path]::GetTempPath()) -Arguments @('--page-size', '2', '--seed', '777', '--pe-accept-delay', '0', '--quiet')
    $resultFile = Join-Path $TestDrive 'chaos.json'
    $pwsh = @(Get-PwshCommand)
    $log = Join-Path $TestDrive 'chaos.log'
    $argList = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Invoke-ChaosMatrix.ps1'),
        '-Module', $envi.Module, '-EmulatorUrl', $emu.Url, '-AdminToken', $emu.AdminToken, '-ResultFile', $resultFile)
    $p = Start-Process -FilePath $pwsh[0] -ArgumentList $argList -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    # A generous bound for the whole matrix (it takes about a minute); a hang shows as a missed deadline.
    $script:finished = $p.WaitForExit(300000)
    if (-not $finished) { Stop-Process -Id $p.Id -Force -ErrorAction SilentlyContinue }
    $script:exitCode = if ($finished) { $p.ExitCode } else { $null }
    $script:stderr = Get-Content "$log.err" -Raw -ErrorAction SilentlyContinue
    $script:matrix = if (Test-Path $resultFile) { Get-Content $resultFile -Raw | ConvertFrom-Json } else { $null }
    $script:results = if ($matrix) { @($matrix.Results) } else { @() }
    # Exceptions that mean a bug, not a hostile answer understood.
    $script:raw = 'System.NullReferenceException', 'System.InvalidCastException', 'System.Collections.Generic.KeyNotFoundException', 'System.Text.Json.JsonException',
        'System.FormatException', 'System.IndexOutOfRangeException', 'System.ArgumentOutOfRangeException', 'System.OverflowException', 'System.Management.Automation.MethodInvocationException'
    if ($results) {
        $byKind = $results | Group-Object Kind
        Write-ReliabilityReport -Title 'Hostile responses (chaos mode)' -Figures ([ordered]@{
                'cmdlet calls' = $results.Count
                'calls per kind' = ($byKind | ForEach-Object { "$($_.Name) $($_.Count)" }) -join ', '
                'ended in objects' = @($results | Where-Object { $_.Objects -gt 0 -and $_.Errors -eq 0 }).Count
                'ended in ErrorRecords' = @($results | Where-Object Errors -GT 0).Count
                'terminating errors' = @($results | Where-Object Thrown).Count
                'slowest call (s)' = ($results | Measure-Object Seconds -Maximum).Maximum
            })
    }
}

AfterAll { $script:emu | Stop-TestService }

Describe 'Get-/list cmdlets against hostile answers' {
    It 'the child pwsh finished in time, did not crash and covered every Get- cmdlet' {
        $finished | Should -BeTrue
        $exitCode | Should -Be 0 -Because $stderr
        $matrix | Should -Not -BeNullOrEmpty
        @($matrix.Uncovered) | Should -BeNullOrEmpty -Because 'every Get- cmdlet that needs parameters has an invocation in Invoke-ChaosMatrix.ps1'
        ($results.Kind | Sort-Object -Unique) | Should -Be @('html', 'huge', 'invalid-json', 'none', 'random', 'slow-drip', 'truncated', 'unknown-enum', 'wrong-types')
    }

    It 'without chaos, every call returns objects (so a silent empty answer under chaos would show)' {
        foreach ($r in $results | Where-Object Kind -EQ 'none') {
            $r.Errors | Should -Be 0 -Because "$($r.Call): $($r.Messages -join '; ')"
            $r.Objects | Should -BeGreaterThan 0 -Because $r.Call
        }
    }

    It 'every call ends in objects or in an ErrorRecord' {
        foreach ($r in $results) { ($r.Objects + $r.Errors) | Should -BeGreaterThan 0 -Because "$($r.Kind) $($r.Call)" }
    }

    It 'never lets a raw .NET exception or a terminating error out' {
        foreach ($r in $results) {
            $r.Thrown | Should -BeFalse -Because "$($r.Kind) $($r.Call): $($r.Messages -join '; ')"
            foreach ($e in $r.Exceptions) { $e | Should -Not -BeIn $raw -Because "$($r.Kind) $($r.Call): $($r.Messages -join '; ')" }
        }
    }

    It 'gives every error the module''s own ErrorId and a message that names the problem' {
        foreach ($r in $results | Where-Object Errors -GT 0) {
            foreach ($id in $r.ErrorIds) { $id | Should -Match '^Dbx\w+,' -Because "$($r.Kind) $($r.Call)" }
            foreach ($m in $r.Messages) {
                $m | Should -Match 'cannot read|HTML page|timed out|failed|over the module''s limit|exceeded|error_code' -Because "$($r.Kind) $($r.Call)"
                $m | Should -Not -Match '\bat DatabricksNetworking\.|Exception:' -Because 'a stack trace or exception dump is not a message'
            }
        }
    }

    It 'reads unknown enum values as text: objects, no errors' {
        foreach ($r in $results | Where-Object Kind -EQ 'unknown-enum') {
            $r.Errors | Should -Be 0 -Because "$($r.Call): $($r.Messages -join '; ')"
            $r.Objects | Should -BeGreaterThan 0 -Because $r.Call
        }
    }

    It 'does not hang: a slow drip ends at the request timeout' {
        # 2 attempts of 0.5 s each plus back-off; the bound leaves room for a slow shared machine.
        foreach ($r in $results | Where-Object Kind -EQ 'slow-drip') {
            $r.Seconds | Should -BeLessThan 15 -Because $r.Call
            ($r.ErrorIds -join ';') | Should -Match '^DbxApiTimeout,' -Because $r.Call
        }
    }
}
