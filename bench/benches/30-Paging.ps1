# Paging: the emulator serves 5000 network policies (and, for the memory comparison, 500) in pages of 50;
# Get-DbxNetworkPolicy streams them. Time to the first object and total time in this process; peak managed memory
# while listing in a fresh pwsh per run (live heap after a forced collection every 250 objects, minus the baseline).
param($ModuleManifest, $EmulatorDll, $Runs, $AddRow, $Notes)

function New-PolicySeed([int]$Count, [string]$Path) {
    # The demo seed plus $Count policies, written in the emulator's own state format.
    $emu = Start-DbxTestEmulator -EmulatorDll $EmulatorDll -Arguments '--quiet'
    try { $state = Invoke-RestMethod "$($emu.Url)/_emulator/state" -Headers @{ 'X-Emulator-Admin-Token' = $emu.AdminToken } } finally { $emu | Stop-TestService }
    $acc = $state.accounts | Where-Object account_id -EQ '5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37'
    $policies = foreach ($i in 1..$Count) {
        [ordered]@{
            network_policy_id = 'bench-{0:D5}' -f $i; account_id = $acc.account_id
            egress = @{ network_access = @{ restriction_mode = 'RESTRICTED_ACCESS'
                    allowed_internet_destinations = @(@{ destination = "pkg$i.example.com"; internet_destination_type = 'DNS_NAME' })
                    policy_enforcement = @{ enforcement_mode = 'ENFORCED' } } }
        }
    }
    $acc.collections | Add-Member -NotePropertyName 'network-policies' -NotePropertyValue @($policies) -Force
    $state | ConvertTo-Json -Depth 12 -Compress | Set-Content -Path $Path -Encoding utf8NoBOM
}

$dir = Join-Path ([IO.Path]::GetTempPath()) "dbx-bench-paging-$PID"
New-Item -ItemType Directory -Path $dir -Force | Out-Null
$emus = @()
try {
    $urls = @{}
    foreach ($n in 500, 5000) {
        $seed = Join-Path $dir "policies-$n.json"
        New-PolicySeed $n $seed
        $e = Start-DbxTestEmulator -EmulatorDll $EmulatorDll -Arguments @('--seed-file', $seed, '--quiet')
        $emus += $e; $urls[$n] = $e.Url
    }
    Import-Module $ModuleManifest -Force
    $secret = ConvertTo-SecureString 'dosedemo0123456789abcdef0123456789ab' -AsPlainText -Force
    $ctx = Connect-DbxAccount -AccountHost $urls[5000] -AccountId 5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37 -ClientId 9f1e2d3c-4b5a-4968-8776-655443322110 -ClientSecret $secret -NoDefault
    $null = Get-DbxNetworkPolicy -Context $ctx | Select-Object -First 1   # warm-up
    $first = @(); $total = @(); $count = 0
    for ($run = 0; $run -lt $Runs; $run++) {
        $sw = [Diagnostics.Stopwatch]::StartNew(); $t1 = $null; $count = 0
        Get-DbxNetworkPolicy -Context $ctx | ForEach-Object { if ($null -eq $t1) { $t1 = $sw.Elapsed.TotalMilliseconds }; $count++ }
        $sw.Stop(); $first += $t1; $total += $sw.Elapsed.TotalMilliseconds
    }
    & $AddRow 'Paging' "Get-DbxNetworkPolicy, 5000 objects in pages of 50: first object" (Measure-Stats $first) 'ms'
    & $AddRow 'Paging' "Get-DbxNetworkPolicy, 5000 objects in pages of 50: all ($count objects)" (Measure-Stats $total) 'ms'

    # Peak memory, each run in a fresh process so nothing from the runs before counts.
    $probe = {
        param($Module, $Url)
        Import-Module $Module
        $s = ConvertTo-SecureString 'dosedemo0123456789abcdef0123456789ab' -AsPlainText -Force
        $c = Connect-DbxAccount -AccountHost $Url -AccountId 5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37 -ClientId 9f1e2d3c-4b5a-4968-8776-655443322110 -ClientSecret $s -NoDefault
        $null = Get-DbxNetworkPolicy -Context $c -NetworkPolicyId default-policy
        $base = [GC]::GetTotalMemory($true); $peak = $base; $n = 0
        Get-DbxNetworkPolicy -Context $c | ForEach-Object { if ((++$n % 250) -eq 0) { $peak = [math]::Max($peak, [GC]::GetTotalMemory($true)) } }
        "$n $(($peak - $base) / 1MB)"
    }
    $mem = @{ 500 = @(); 5000 = @() }
    for ($run = 0; $run -lt $Runs; $run++) {
        foreach ($n in 500, 5000) {
            $line = Invoke-Pwsh "& { $probe } '$ModuleManifest' '$($urls[$n])'" | Select-Object -Last 1
            $mem[$n] += [double]($line -split ' ')[1]
        }
    }
    $m500 = Measure-Stats $mem[500] 2; $m5000 = Measure-Stats $mem[5000] 2
    & $AddRow 'Paging' 'peak managed memory while listing 500' $m500 'MB'
    & $AddRow 'Paging' 'peak managed memory while listing 5000' $m5000 'MB'
    $ratios = for ($i = 0; $i -lt $Runs; $i++) { $mem[5000][$i] / [math]::Max(0.01, $mem[500][$i]) }
    & $AddRow 'Paging' 'peak memory 5000 / 500 (paired runs)' (Measure-Stats $ratios 2) 'ratio' '~1 (streamed)'
}
finally {
    $emus | Stop-TestService
    Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
}
