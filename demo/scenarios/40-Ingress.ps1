# Demo scenario: context-based ingress, staged — office-only rules in dry run on a workspace, what they would deny
# (the emulator's decision log), and the lockout guard refusing to restrict the account console to the office
# without -Force (this session cannot answer the prompt, and your address is not in the office range).
param(
    [Parameter(Mandatory)][string]$EmulatorUrl,
    [Parameter(Mandatory)][string]$MotoUrl,
    [Parameter(Mandatory)]$Context
)
$ErrorActionPreference = 'Stop'
function Show([string]$Command) { Write-Host "`n> $Command" -ForegroundColor Yellow }
$policyId = "demo-ingress-$PID"
$ws = Get-DbxWorkspace -Name 'dev-us'
try {
    Show '$office = New-DbxIngressRule Allow office -IpRange 203.0.113.0/24 -Destination WorkspaceUi, WorkspaceApi'
    $office = New-DbxIngressRule Allow office -IpRange 203.0.113.0/24 -Destination WorkspaceUi, WorkspaceApi
    New-DbxNetworkPolicy -NetworkPolicyId $policyId -RestrictionMode FullAccess | Out-Null
    Show "Set-DbxNetworkPolicy $policyId -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule `$office"
    Set-DbxNetworkPolicy $policyId -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule $office -Confirm:$false -PassThru | Format-Table | Out-Host
    $ws | Set-DbxWorkspaceNetworkPolicy -NetworkPolicyId $policyId -Confirm:$false | Out-Null

    Show "Get-DbxNetworkPolicy $policyId | Test-DbxIngressAccess -IpAddress 127.0.0.1 -Destination WorkspaceApi   # you, seen from the emulator"
    Get-DbxNetworkPolicy $policyId | Test-DbxIngressAccess -IpAddress 127.0.0.1 -Destination WorkspaceApi |
        Format-List Decision, DryRunDecision, DryRunRule, Reason | Out-Host

    Get-DbxIpAccessList -WorkspaceId $ws.WorkspaceId | Out-Null   # some traffic for the log
    if ($env:DBX_EMULATOR_ADMIN_TOKEN) {
        Show "Invoke-RestMethod $EmulatorUrl/_emulator/ingress-log   # what the dry run would have denied"
        $log = Invoke-RestMethod "$EmulatorUrl/_emulator/ingress-log?workspace_id=$($ws.WorkspaceId)" -Headers @{ 'X-Emulator-Admin-Token' = $env:DBX_EMULATOR_ADMIN_TOKEN }
        $log.decisions | Where-Object { $_.enforcement -eq 'dry_run' -and $_.decision -eq 'DENY' } |
            Format-Table address, destination, scope, rule -AutoSize | Out-Host
    }

    Show 'New-DbxIngressRule Allow office -IpRange 203.0.113.0/24 -Account | Set-DbxAccountIngressPolicy -PublicAccessRestrictionMode RestrictedAccess'
    try {
        New-DbxIngressRule Allow office -IpRange 203.0.113.0/24 -Account | Set-DbxAccountIngressPolicy -PublicAccessRestrictionMode RestrictedAccess -Confirm:$false -ErrorAction Stop
        throw 'The lockout guard let an account console lockout through.'
    }
    catch [System.Management.Automation.ActionPreferenceStopException], [System.Management.Automation.RuntimeException] {
        if ($_.FullyQualifiedErrorId -notlike 'DbxIngressLockout*') { throw }
        Write-Host "Refused ($($_.FullyQualifiedErrorId.Split(',')[0])): $($_.Exception.Message)" -ForegroundColor Red
    }
    Write-Host '# Without -Force nothing was written; account-policy is unchanged:' -ForegroundColor DarkGray
    Get-DbxAccountIngressPolicy | Format-Table | Out-Host
}
finally {
    $ws | Set-DbxWorkspaceNetworkPolicy -NetworkPolicyId 'default-policy' -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
    Remove-DbxNetworkPolicy -NetworkPolicyId $policyId -Force -ErrorAction SilentlyContinue
}
