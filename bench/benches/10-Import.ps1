# Import time: pwsh -NoProfile -Command "Import-Module <module>" against pwsh -NoProfile -Command exit, alternated
# run by run so both see the same machine state. Then proof that neither the import nor a Databricks-only cmdlet
# loads an AWS assembly.
param($ModuleManifest, $EmulatorDll, $Runs, $AddRow, $Notes)
$base = @(); $with = @()
Invoke-Pwsh 'exit' | Out-Null   # warm the disk cache once
for ($i = 0; $i -lt $Runs; $i++) {
    $base += Measure-Ms { Invoke-Pwsh 'exit' }
    $with += Measure-Ms { Invoke-Pwsh "Import-Module '$ModuleManifest'" }
}
$b = Measure-Stats $base; $w = Measure-Stats $with
& $AddRow 'Import' 'pwsh -NoProfile -Command exit' $b 'ms'
& $AddRow 'Import' 'pwsh -NoProfile -Command Import-Module' $w 'ms'
$added = @(); for ($i = 0; $i -lt $Runs; $i++) { $added += $with[$i] - $base[$i] }
& $AddRow 'Import' 'added by the module (paired runs)' (Measure-Stats $added) 'ms' '<= 150 ms'

$emu = Start-DbxTestEmulator -EmulatorDll $EmulatorDll
try {
    $probe = @"
Import-Module '$ModuleManifest'
`$afterImport = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -like 'AWSSDK*' }).Count
`$s = ConvertTo-SecureString 'dosedemo0123456789abcdef0123456789ab' -AsPlainText -Force
Connect-DbxAccount -AccountHost '$($emu.Url)' -AccountId 5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37 -ClientId 9f1e2d3c-4b5a-4968-8776-655443322110 -ClientSecret `$s | Out-Null
Get-DbxWorkspace | Out-Null
`$afterCmdlet = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -like 'AWSSDK*' }).Count
"AWS assemblies loaded: after import `$afterImport, after Get-DbxWorkspace `$afterCmdlet"
"@
    $line = Invoke-Pwsh $probe | Select-Object -Last 1
    $Notes.Add("Import isolation: $line (all load contexts counted via AppDomain.GetAssemblies).")
}
finally { $emu | Stop-TestService }
