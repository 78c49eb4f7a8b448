Set-StrictMode -Version 3

function Measure-Stats {
    # Median, min and max of a list of numbers, rounded.
    param([double[]]$Values, [int]$Digits = 1)
    $sorted = $Values | Sort-Object
    $n = $sorted.Count
    $median = if ($n % 2) { $sorted[[int][math]::Floor($n / 2)] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
    [pscustomobject]@{ Median = [math]::Round($median, $Digits); Min = [math]::Round($sorted[0], $Digits); Max = [math]::Round($sorted[-1], $Digits) }
}

function Measure-Ms([scriptblock]$Block) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew(); & $Block | Out-Null; $sw.Stop(); $sw.Elapsed.TotalMilliseconds
}

function Invoke-Pwsh {
    # Runs a command in a fresh pwsh (-NoProfile) and returns its output lines.
    param([string]$Command)
    $pwsh = @(Get-PwshCommand)
    $a = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Command)
    & $pwsh[0] @a
}

Export-ModuleMember -Function Measure-Stats, Measure-Ms, Invoke-Pwsh
