# Every ```powershell block under EXAMPLES of every docs/cmdlets page is real code: each page's examples run in order
# in a fresh child pwsh against a private emulator (pointed at moto) with $ctx connected to the demo account.
BeforeDiscovery {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    Import-Module (Join-Path $root 'build/DocsLib.psm1') -Force
    $script:pages = @(Get-DocsPages (Join-Path $root 'docs/cmdlets') | Where-Object Kind -eq 'Cmdlet' |
            ForEach-Object { @{ Name = $_.Name; Path = $_.Path } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    Import-Module (Join-Path $root 'build/DocsLib.psm1') -Force
    $script:envi = Get-TestEnvironment
    $script:seed = Get-TestSeed
    $script:pwsh = @(Get-PwshCommand)
    $script:driver = Join-Path $PSScriptRoot 'Invoke-DocExamples.ps1'
    $script:allPages = @(Get-DocsPages (Join-Path $root 'docs/cmdlets') | Where-Object Kind -eq 'Cmdlet')

    function Invoke-PageExamples([string]$Path) {
        # One private emulator per page, so pages cannot disturb each other (IP access lists, deletions, ...).
        $emulator = Start-TestEmulator -Arguments @('--quiet')
        $resultFile = Join-Path ([IO.Path]::GetTempPath()) ("doc-examples-" + [Guid]::NewGuid().ToString('N') + '.json')
        try {
            $a = @($script:pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script:driver,
                '-PagePath', $Path, '-Module', $script:envi.Module, '-EmulatorUrl', $emulator.Url, '-ResultFile', $resultFile,
                '-AccountId', $script:seed.AccountId, '-ClientId', $script:seed.ClientId, '-ClientSecret', $script:seed.ClientSecret)
            if ($script:envi.MotoUrl) { $a += @('-MotoUrl', $script:envi.MotoUrl) }
            $console = & $script:pwsh[0] @a 2>&1 | Out-String
            if (-not (Test-Path $resultFile)) { throw "The example runner wrote no result (exit code $LASTEXITCODE): $console" }
            @(Get-Content $resultFile -Raw | ConvertFrom-Json)
        }
        finally {
            $emulator | Stop-TestService
            Remove-Item $resultFile -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Examples in docs/cmdlets' {
    It '<Name>: every example runs against the emulator without an error record or exception' -ForEach $pages {
        $results = Invoke-PageExamples $Path
        $failures = @($results | Where-Object { -not $_.Skipped -and (@($_.Errors).Count -gt 0 -or $_.Exception) } | ForEach-Object {
                $why = @($_.Errors) + @($_.Exception | Where-Object { $_ })
                $hint = if ($why -match 'NonInteractive|prompt') { ' (the example prompts for confirmation: add -Force or -Confirm:$false)' } else { '' }
                "'$($_.Example)' (line $($_.Line)): $($why -join ' | ')$hint"
            })
        $failures | Should -BeNullOrEmpty -Because "examples in $Name.md must run as written"
        @($results | Where-Object { -not $_.Skipped -and $_.Line -gt 0 }).Count | Should -BeGreaterThan 0 -Because 'a page needs at least one runnable example'
    }

    It 'keeps illustration-only blocks (marked with an illustration comment) rare: at most 10% of all example blocks' {
        $blocks = @($allPages | ForEach-Object { $_.Examples } | ForEach-Object { $_.Blocks })
        $illustrations = @($blocks | Where-Object Illustration)
        $blocks.Count | Should -BeGreaterThan 0
        $illustrations.Count | Should -BeLessOrEqual ([math]::Floor($blocks.Count * 0.1)) -Because "$($illustrations.Count) of $($blocks.Count) example blocks are marked as illustration"
    }
}
