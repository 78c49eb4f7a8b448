# Helpers of the reliability suite: run a command and keep what each stream carried, and report figures.
Set-StrictMode -Version 3

function Invoke-Captured {
    <#
      Runs a script block and returns its output objects, ErrorRecords, warnings and a terminating error (if one
      escaped), without letting any of them reach the test's own streams.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][scriptblock]$ScriptBlock, [object[]]$ArgumentList = @())
    # The script block runs in the caller's session state: set the preferences there (and put them back after), so
    # an error stays a non-terminating ErrorRecord even when the caller runs with ErrorActionPreference Stop.
    $vars = $PSCmdlet.SessionState.PSVariable
    $saved = @{ ErrorActionPreference = $vars.GetValue('ErrorActionPreference'); WarningPreference = $vars.GetValue('WarningPreference') }
    $vars.Set('ErrorActionPreference', 'Continue')
    $vars.Set('WarningPreference', 'Continue')
    $items = @(); $thrown = $null
    try { $items = @(& $ScriptBlock @ArgumentList 2>&1 3>&1) }
    catch { $thrown = $_ }
    finally { foreach ($k in $saved.Keys) { $vars.Set($k, $saved[$k]) } }
    [pscustomobject]@{
        Output   = @($items | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [System.Management.Automation.WarningRecord] })
        Errors   = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        Warnings = @($items | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        Thrown   = $thrown
    }
}

function Get-ReliabilityReportPath {
    $dir = if ($env:DBX_TEST_RESULTS) { $env:DBX_TEST_RESULTS } else { [IO.Path]::GetTempPath() }
    Join-Path $dir 'reliability.md'
}

function Get-ReliabilitySections([string]$Path) {
    $sections = [ordered]@{}
    if (Test-Path $Path) {
        $current = $null
        foreach ($line in Get-Content $Path) {
            if ($line -match '^## (.+)$') { $current = $Matches[1]; $sections[$current] = @() }
            if ($current) { $sections[$current] += $line }
        }
    }
    $sections
}

function Set-ReliabilitySection([string]$Title, [string[]]$Lines) {
    # Sections are keyed by title: a rerun replaces its own section and keeps the others; the summary comes first.
    $path = Get-ReliabilityReportPath
    $sections = Get-ReliabilitySections $path
    $sections[$Title] = $Lines
    $ordered = @($sections.Keys | Where-Object { $_ -eq 'Summary' }) + @($sections.Keys | Where-Object { $_ -ne 'Summary' })
    $text = "# Reliability suite`n`n" + (($ordered | ForEach-Object { ($sections[$_] -join "`n").TrimEnd() }) -join "`n`n") + "`n"
    Set-Content -Path $path -Value $text -Encoding utf8NoBOM
}

function Write-ReliabilityReport {
    # Appends a section to out/test-results/reliability.md (fresh per test run) and shows it on the host.
    param([Parameter(Mandatory)][string]$Title, [Parameter(Mandatory)][System.Collections.IDictionary]$Figures)
    $lines = @("## $Title", '', '| Figure | Value |', '|---|---:|')
    foreach ($k in $Figures.Keys) { $lines += "| $k | $($Figures[$k]) |" }
    Set-ReliabilitySection $Title $lines
    Write-Host "  $Title`: $(($Figures.Keys | ForEach-Object { "$_ = $($Figures[$_])" }) -join '; ')" -ForegroundColor Cyan
}

function Write-ReliabilitySummary {
    <#
      One row of the summary table at the top of reliability.md: per suite, operations, faults injected, duplicates,
      values or objects lost, and paths refused (the lockout guard's suite fills that column; its row is kept
      as "not run" until it writes one). A rerun of a suite replaces its row.
    #>
    param([Parameter(Mandatory)][string]$Suite, $Operations = '-', $Faults = '-', $Duplicates = '-', $Lost = '-', $PathsRefused = '-')
    $path = Get-ReliabilityReportPath
    $rows = [ordered]@{}
    $current = (Get-ReliabilitySections $path)['Summary']
    foreach ($line in @($current)) {
        if ($line -match '^\| (?!Suite \||---)([^|]+?) \|') { $rows[$Matches[1]] = $line }
    }
    $lockout = 'Lockout guard paths (lockout suite)'
    if (-not $rows.Contains($lockout)) { $rows[$lockout] = "| $lockout | not run | - | - | - | not run |" }
    $rows[$Suite] = "| $Suite | $Operations | $Faults | $Duplicates | $Lost | $PathsRefused |"
    $lines = @('## Summary', '', '| Suite | Operations | Faults injected | Duplicates | Lost | Paths refused |', '|---|---:|---:|---:|---:|---:|') + @($rows.Values)
    Set-ReliabilitySection 'Summary' $lines
}

Export-ModuleMember -Function Invoke-Captured, Write-ReliabilityReport, Write-ReliabilitySummary
