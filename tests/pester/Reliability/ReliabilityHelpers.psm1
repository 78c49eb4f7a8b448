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

function Write-ReliabilityReport {
    # Appends a section to out/test-results/reliability.md (fresh per test run) and shows it on the host.
    param([Parameter(Mandatory)][string]$Title, [Parameter(Mandatory)][System.Collections.IDictionary]$Figures)
    $dir = if ($env:DBX_TEST_RESULTS) { $env:DBX_TEST_RESULTS } else { [IO.Path]::GetTempPath() }
    $path = Join-Path $dir 'reliability.md'
    $lines = @("## $Title", '', '| Figure | Value |', '|---|---:|')
    foreach ($k in $Figures.Keys) { $lines += "| $k | $($Figures[$k]) |" }
    # Sections are keyed by title: a rerun replaces its own section and keeps the others.
    $sections = [ordered]@{}
    if (Test-Path $path) {
        $current = $null
        foreach ($line in Get-Content $path) {
            if ($line -match '^## (.+)$') { $current = $Matches[1]; $sections[$current] = @() }
            if ($current) { $sections[$current] += $line }
        }
    }
    $sections[$Title] = $lines
    $text = "# Reliability suite`n`n" + (($sections.Values | ForEach-Object { ($_ -join "`n").TrimEnd() }) -join "`n`n") + "`n"
    Set-Content -Path $path -Value $text -Encoding utf8NoBOM
    Write-Host "  $Title`: $(($Figures.Keys | ForEach-Object { "$_ = $($Figures[$_])" }) -join '; ')" -ForegroundColor Cyan
}

Export-ModuleMember -Function Invoke-Captured, Write-ReliabilityReport
