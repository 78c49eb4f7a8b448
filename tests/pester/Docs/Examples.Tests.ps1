# Every ```powershell block under EXAMPLES of every docs/cmdlets page is real code: each page's examples run in order
# in a fresh runspace of a child pwsh against a private emulator of its own (pointed at moto) with $ctx connected to
# the demo account; environment variables and default contexts are reset between pages.
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

    # One child pwsh runs every page; each page gets its own emulator and runspace (see Invoke-DocExamples.ps1).
    $resultFile = Join-Path ([IO.Path]::GetTempPath()) ("doc-examples-" + [Guid]::NewGuid().ToString('N') + '.json')
    $listFile = "$resultFile.pages"
    Set-Content -Path $listFile -Value $allPages.Path
    try {
        $a = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $driver,
            '-PageListFile', $listFile, '-Module', $envi.Module, '-EmulatorDll', $envi.EmulatorDll, '-ResultFile', $resultFile,
            '-AccountId', $seed.AccountId, '-ClientId', $seed.ClientId, '-ClientSecret', $seed.ClientSecret)
        if ($envi.MotoUrl) { $a += @('-MotoUrl', $envi.MotoUrl) }
        $script:console = & $pwsh[0] @a 2>&1 | Out-String
        $script:results = if (Test-Path $resultFile) { @(Get-Content $resultFile -Raw | ConvertFrom-Json) } else { @() }
    }
    finally { Remove-Item $resultFile, $listFile -ErrorAction SilentlyContinue }
}

Describe 'Examples in docs/cmdlets' {
    It '<Name>: every example runs against the emulator without an error record or exception' -ForEach $pages {
        $mine = @($results | Where-Object Page -eq $Name)
        $mine | Should -Not -BeNullOrEmpty -Because "the runner reported nothing for $Name.md: $console"
        $failures = @($mine | Where-Object { -not $_.Skipped -and (@($_.Errors).Count -gt 0 -or $_.Exception) } | ForEach-Object {
                $why = @($_.Errors) + @($_.Exception | Where-Object { $_ })
                $hint = if ($why -match 'NonInteractive|prompt') { ' (the example prompts for confirmation: add -Force or -Confirm:$false)' } else { '' }
                "'$($_.Example)' (line $($_.Line)): $($why -join ' | ')$hint"
            })
        $failures | Should -BeNullOrEmpty -Because "examples in $Name.md must run as written"
        @($mine | Where-Object { -not $_.Skipped -and $_.Line -gt 0 }).Count | Should -BeGreaterThan 0 -Because 'a page needs at least one runnable example'
    }

    It 'keeps illustration-only blocks (marked with an illustration comment) rare: at most 10% of all example blocks' {
        $blocks = @($allPages | ForEach-Object { $_.Examples } | ForEach-Object { $_.Blocks })
        $illustrations = @($blocks | Where-Object Illustration)
        $blocks.Count | Should -BeGreaterThan 0
        $illustrations.Count | Should -BeLessOrEqual ([math]::Floor($blocks.Count * 0.1)) -Because "$($illustrations.Count) of $($blocks.Count) example blocks are marked as illustration"
    }
}
