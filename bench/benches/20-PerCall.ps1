# Per-call cost: 1000 x Get-DbxIpAccessList against the emulator, against 1000 x Invoke-RestMethod on the same
# endpoint with the same token and headers, in the same process, alternated run by run so both see the same machine.
param($ModuleManifest, $EmulatorDll, $Runs, $AddRow, $Notes)
$calls = 1000
$emu = Start-DbxTestEmulator -EmulatorDll $EmulatorDll -Arguments '--quiet'
try {
    Import-Module $ModuleManifest -Force
    $token = 'dapidemoworkspace0000000000000000001'
    $ws = '1111111111111111'
    $ctx = Connect-DbxWorkspace -WorkspaceHost $emu.Url -WorkspaceId $ws -Token (ConvertTo-SecureString $token -AsPlainText -Force) -NoDefault
    # A few lists, so each call reads and converts a real answer.
    foreach ($i in 1..3) { New-DbxIpAccessList -Context $ctx -Label "bench-$i" -ListType Block -IpAddress "192.0.2.$i", "198.51.100.0/2$($i + 1)" | Out-Null }
    $uri = "$($emu.Url)/api/2.0/ip-access-lists"
    $headers = @{ Authorization = "Bearer $token"; 'X-Databricks-Org-Id' = $ws }
    $module = { for ($i = 0; $i -lt $calls; $i++) { $null = Get-DbxIpAccessList -Context $ctx } }
    $irm = { for ($i = 0; $i -lt $calls; $i++) { $null = Invoke-RestMethod -Uri $uri -Headers $headers } }
    & $module; & $irm   # warm-up: JIT, connection pool
    $m = @(); $r = @(); $ratio = @()
    for ($run = 0; $run -lt $Runs; $run++) {
        if ($run % 2) { $a = Measure-Ms $irm; $b = Measure-Ms $module } else { $b = Measure-Ms $module; $a = Measure-Ms $irm }
        $m += $b; $r += $a; $ratio += $b / $a
    }
    & $AddRow 'Per call' "$calls x Get-DbxIpAccessList" (Measure-Stats $m) 'ms'
    & $AddRow 'Per call' "$calls x Invoke-RestMethod, same endpoint and token" (Measure-Stats $r) 'ms'
    & $AddRow 'Per call' 'module / Invoke-RestMethod (paired runs)' (Measure-Stats $ratio 2) 'ratio' '<= 1.0'
    $Notes.Add("Per call: $('{0:N0}' -f ((Measure-Stats $m).Median * 1000 / $calls)) us per Get-DbxIpAccessList (3 lists, workspace PAT context, loopback).")
}
finally { $emu | Stop-TestService }
