# Set-DbxWorkspaceNetwork and running classic compute: the service refuses a network or private access settings change
# of a RUNNING workspace while clusters run in it. The cmdlet reads GET /api/2.0/clusters/list first and refuses,
# naming the workspace and the clusters to stop, also under -WhatIf. Private emulator (the cluster count is changed).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet', '--provisioning-seconds', '0')
    $script:pctx = Connect-TestAccount -Url $emu.Url -NoDefault
    function Set-RunningClusters([long]$Id, [int]$Count) {
        Invoke-EmulatorControl -Method Post -Path "workspaces/$Id/running-clusters?count=$Count" -Url $emu.Url | Out-Null
    }
    function New-Net {
        $aws = New-MotoWorkspaceNetwork
        $n = New-DbxNetworkConfiguration -Context $pctx -Name (New-TestName 'rc') -VpcId $aws.VpcId -SubnetId $aws.SubnetIds -SecurityGroupId $aws.SecurityGroupIds
        [pscustomobject]@{ network_id = $n.NetworkId }
    }
    $script:net1 = New-Net
    $script:net2 = New-Net
    $w = Invoke-DbxApi Post '/api/2.0/accounts/{account_id}/workspaces' -Context $pctx -Body @{ workspace_name = (New-TestName 'rc'); aws_region = 'us-east-1'; credentials_id = '3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80'; storage_configuration_id = '4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91'; network_id = $net1.network_id }
    $script:wsId = [long]$w.workspace_id
    for ($i = 0; $i -lt 60 -and (Get-DbxWorkspace -Context $pctx -WorkspaceId $wsId).WorkspaceStatus -ne 'RUNNING'; $i++) { Start-Sleep -Milliseconds 250 }
}
AfterAll { $emu | Stop-TestService }

Describe 'Set-DbxWorkspaceNetwork with running clusters' {
    It 'refuses before sending the PATCH, naming the workspace and the clusters to terminate' {
        Set-RunningClusters $wsId 2
        $before = Get-EmulatorRouteCount -Route 'PATCH /api/2.0/accounts/*/workspaces/*' -Url $emu.Url
        $err = try { Set-DbxWorkspaceNetwork -Context $pctx -WorkspaceId $wsId -NetworkId $net2.network_id -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxWorkspaceComputeRunning*'
        $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err.Exception.Message | Should -BeLike "*($wsId) has 2 cluster(s) running*running-cluster-1*running-cluster-2*terminate these clusters*"
        (Get-EmulatorRouteCount -Route 'PATCH /api/2.0/accounts/*/workspaces/*' -Url $emu.Url) - $before | Should -Be 0
        Get-EmulatorRouteCount -Route 'GET /api/2.0/clusters/list' -Url $emu.Url | Should -BeGreaterThan 0
        (Get-DbxWorkspace -Context $pctx -WorkspaceId $wsId).NetworkId | Should -Be $net1.network_id
    }

    It 'reports the same refusal under -WhatIf' {
        $err = try { Set-DbxWorkspaceNetwork -Context $pctx -WorkspaceId $wsId -NetworkId $net2.network_id -WhatIf -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxWorkspaceComputeRunning*'
        $err.Exception.Message | Should -BeLike "*$wsId*2 cluster(s)*"
    }

    It 'the emulator itself refuses the PATCH while clusters run (INVALID_STATE)' {
        Invoke-DbxApi Patch "/api/2.0/accounts/{account_id}/workspaces/$($wsId)?update_mask=network_id" -Context $pctx -Body @{ network_id = $net2.network_id } -ErrorVariable apiErr -ErrorAction SilentlyContinue
        $apiErr[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState,*'
        $apiErr[0].Exception.Message | Should -BeLike '*running*'
    }

    It 'makes the change once the clusters are stopped; -WhatIf then previews without the refusal' {
        Set-RunningClusters $wsId 0
        Set-DbxWorkspaceNetwork -Context $pctx -WorkspaceId $wsId -NetworkId $net2.network_id -WhatIf -ErrorAction Stop | Should -BeNullOrEmpty
        $ws = Get-DbxWorkspace -Context $pctx -WorkspaceId $wsId | Set-DbxWorkspaceNetwork -Context $pctx -NetworkId $net2.network_id -Confirm:$false
        $ws.NetworkId | Should -Be $net2.network_id
    }
}
