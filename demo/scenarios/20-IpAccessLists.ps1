# Demo scenario: workspace IP access lists — create, load entries from a file, check an address the way the service
# evaluates it, and the lockout guard refusing a change that would block the caller.
param(
    [Parameter(Mandatory)][string]$EmulatorUrl,
    [Parameter(Mandatory)][string]$MotoUrl,
    [Parameter(Mandatory)]$Context
)
$ErrorActionPreference = 'Stop'
function Show([string]$Command) { Write-Host "`n> $Command" -ForegroundColor Yellow }
$ws = 3333333333333333   # dev-us in the demo seed
$lists = @()
try {
    # The lockout guard must know the address the service sees; against a real account it looks it up at
    # https://checkip.amazonaws.com, here the emulator answers it.
    Show "`$Context.CallerIpLookupUrl = '$EmulatorUrl/checkip'   # the lockout guard learns your address from here"
    $Context.CallerIpLookupUrl = "$EmulatorUrl/checkip"
    Show "New-DbxIpAccessList -WorkspaceId $ws -Label office -ListType Allow -IpAddress 127.0.0.1, 203.0.113.0/24"
    $office = New-DbxIpAccessList -WorkspaceId $ws -Label 'office' -ListType Allow -IpAddress '127.0.0.1', '203.0.113.0/24'
    $lists += $office
    $office | Format-Table | Out-Host

    Show "Get-Content partner-ranges.txt | Add-DbxIpAccessListEntry -ListId <office> -WorkspaceId $ws -PassThru"
    $file = Join-Path ([IO.Path]::GetTempPath()) "dbx-demo-ranges-$PID.txt"
    Set-Content $file -Value '# partner ranges', '198.51.100.0/24', '198.51.100.0/24', '192.0.2.17'
    Get-Content $file | Add-DbxIpAccessListEntry -ListId $office.ListId -WorkspaceId $ws -PassThru | Format-List Label, ListType, IpAddresses, AddressCount | Out-Host
    Remove-Item $file

    Show "New-DbxIpAccessList -Label 'known bad' -ListType Block -IpAddress 198.51.100.66"
    $lists += New-DbxIpAccessList -WorkspaceId $ws -Label 'known bad' -ListType Block -IpAddress '198.51.100.66'

    Show 'Enable-DbxIpAccessListFeature, then Test-DbxIpAccess for three addresses'
    Enable-DbxIpAccessListFeature -WorkspaceId $ws -Force | Out-Null
    '198.51.100.7', '198.51.100.66', '8.8.8.8' | ForEach-Object { Test-DbxIpAccess -WorkspaceId $ws -IpAddress $_ } | Format-Table | Out-Host

    Show "Set-DbxIpAccessList -ListId <office> -IpAddress 203.0.113.0/24 -CallerIpAddress 127.0.0.1   (non-interactive)"
    Set-DbxIpAccessList -WorkspaceId $ws -ListId $office.ListId -Label 'office' -ListType Allow -IpAddress '203.0.113.0/24' -CallerIpAddress '127.0.0.1' -ErrorAction SilentlyContinue -ErrorVariable refused | Out-Null
    Write-Host ("Refused: " + $refused[0].Exception.Message) -ForegroundColor DarkYellow
}
finally {
    Disable-DbxIpAccessListFeature -WorkspaceId $ws -Force -ErrorAction SilentlyContinue | Out-Null
    $lists | Remove-DbxIpAccessList -WorkspaceId $ws -Force -ErrorAction SilentlyContinue
}
