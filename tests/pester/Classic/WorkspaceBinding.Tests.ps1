# Rules of Set-DbxWorkspaceNetwork that need their own account: NCCs (kept by the serverless area, seeded here),
# customer-managed VPC workspaces named prod-* in one region, and an NCC already at its 50-workspace limit.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $seed = Get-TestSeed
    $script:ids = @{ NccUse1 = '0c0c0c0c-0000-4000-8000-000000000001'; NccEuw1 = '0c0c0c0c-0000-4000-8000-000000000002'; NccFull = '0c0c0c0c-0000-4000-8000-000000000003'
        NetA = '0e0e0e0e-0000-4000-8000-00000000000a'; NetB = '0e0e0e0e-0000-4000-8000-00000000000b'; NetFree = '0e0e0e0e-0000-4000-8000-00000000000f' }
    function Ws([long]$Id, [string]$Name, [hashtable]$Extra = @{}) {
        $w = @{ workspace_id = $Id; workspace_name = $Name; aws_region = 'us-east-1'; deployment_name = "dbc-$Name"; pricing_tier = 'ENTERPRISE'; compute_mode = 'HYBRID'
            workspace_status = 'RUNNING'; workspace_status_message = 'Workspace is running.'; credentials_id = 'c'; storage_configuration_id = 's'; creation_time = 1767225600000 }
        foreach ($k in $Extra.Keys) { $w[$k] = $Extra[$k] }
        $w
    }
    function Net([string]$Id, [string]$Name, $WorkspaceId, [int]$N) {
        $o = @{ network_id = $Id; network_name = $Name; vpc_id = 'vpc-0000000' + $N; subnet_ids = @("subnet-0a0000$N" + '1', "subnet-0a0000$N" + '2'); security_group_ids = @("sg-0a0000$N" + '1'); vpc_status = 'UNATTACHED'; creation_time = 1767225600000 }
        if ($WorkspaceId) { $o.workspace_id = $WorkspaceId; $o.vpc_status = 'VALID' }
        $o
    }
    $workspaces = @(
        Ws 5000000000000001 'prod-a' @{ network_id = $ids.NetA }
        Ws 5000000000000002 'prod-b' @{ network_id = $ids.NetB }
        Ws 5000000000000003 'dev-managed'
    ) + @(1..50 | ForEach-Object { Ws (5000000000000100 + $_) "full-$_" @{ network_connectivity_config_id = $ids.NccFull } })
    $account = @{
        account_id = $seed.AccountId
        service_principals = @(@{ application_id = $seed.ClientId; secret = $seed.ClientSecret; id = 7001 })
        workspaces = $workspaces
        collections = @{
            'network-connectivity-configs' = @(
                @{ network_connectivity_config_id = $ids.NccUse1; name = 'ncc-use1'; region = 'us-east-1'; account_id = $seed.AccountId }
                @{ network_connectivity_config_id = $ids.NccEuw1; name = 'ncc-euw1'; region = 'eu-west-1'; account_id = $seed.AccountId }
                @{ network_connectivity_config_id = $ids.NccFull; name = 'ncc-full'; region = 'us-east-1'; account_id = $seed.AccountId }
            )
            networks = @((Net $ids.NetA 'net-a' 5000000000000001 1), (Net $ids.NetB 'net-b' 5000000000000002 2), (Net $ids.NetFree 'net-free' $null 3))
        }
    }
    $seedFile = Join-Path $TestDrive 'binding-seed.json'
    @{ accounts = @($account) } | ConvertTo-Json -Depth 10 | Set-Content $seedFile
    $script:emu = Start-TestEmulator -Arguments @('--seed-file', $seedFile, '--aws-endpoint', 'none')
    $script:ctx = Connect-TestAccount -Url $emu.Url
    $script:wsPath = '/api/2.0/accounts/{account_id}/workspaces'
    function Get-ApiError([scriptblock]$Call) { try { & $Call; $null } catch { $_ } }
    function Invoke-Patch([long]$Id, [string]$Field, $Value) {
        $path = "/api/2.0/accounts/{account_id}/workspaces/$Id"
        Get-ApiError { Invoke-DbxApi Patch $path -Query @{ update_mask = $Field } -Body @{ $Field = $Value } -ErrorAction Stop }.GetNewClosure()
    }
}
AfterAll { $emu | Stop-TestService; Connect-TestAccount | Out-Null }

Describe 'Set-DbxWorkspaceNetwork' {
    It "Get-DbxWorkspace -Name 'prod-*' | Set-DbxWorkspaceNetwork -PrivateAccessSettingsId ... -Wait binds PrivateLink to both" {
        $pas = New-DbxPrivateAccessSettings -Name 'prod-pas' -Region us-east-1
        $out = @(Get-DbxWorkspace -Name 'prod-*' | Set-DbxWorkspaceNetwork -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -Wait -TimeoutSec 60)
        $out.Count | Should -Be 2
        $out.WorkspaceStatus | Should -Be @('RUNNING', 'RUNNING')
        (Get-DbxWorkspace -Name 'prod-*').PrivateAccessSettingsId | Should -Be @($pas.PrivateAccessSettingsId, $pas.PrivateAccessSettingsId)
        $reqs = Get-EmulatorRequests -Url $emu.Url
        $reqs.by_route.'PATCH /api/2.0/accounts/*/workspaces/*' | Should -Be 2
    }

    It 'sends update_mask with only the given fields' {
        Reset-EmulatorRequests -Url $emu.Url
        $w = Set-DbxWorkspaceNetwork 5000000000000001 -NetworkConnectivityConfigId $ids.NccUse1
        $w.NetworkConnectivityConfigId | Should -Be $ids.NccUse1
        $w.NetworkId | Should -Be $ids.NetA
        $w.WorkspaceStatus | Should -Be 'RUNNING'   # customer-managed VPC: applied at once
    }

    It 'binds an NCC to a Databricks-managed VPC workspace: PROVISIONING, then RUNNING with -Wait; no change while provisioning' {
        $w = Set-DbxWorkspaceNetwork 5000000000000003 -NetworkConnectivityConfigId $ids.NccUse1
        $w.WorkspaceStatus | Should -Be 'PROVISIONING'
        $err = Get-ApiError { Set-DbxWorkspaceNetwork 5000000000000003 -NetworkConnectivityConfigId $ids.NccFull -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxInvalidWorkspaceState*'
        (Invoke-Patch 5000000000000003 'network_connectivity_config_id' $ids.NccEuw1).FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState*'
        for ($i = 0; $i -lt 40 -and (Get-DbxWorkspace -WorkspaceId 5000000000000003).WorkspaceStatus -ne 'RUNNING'; $i++) { Start-Sleep -Milliseconds 250 }
        $w2 = Set-DbxWorkspaceNetwork 5000000000000003 -NetworkConnectivityConfigId $ids.NccUse1 -Wait -TimeoutSec 60
        $w2.WorkspaceStatus | Should -Be 'RUNNING'
        $w2.NetworkConnectivityConfigId | Should -Be $ids.NccUse1
    }

    It 'refuses <What>, locally (nothing changed) and at the emulator' -ForEach @(
        @{ What = 'an NCC of another region'; Ws = 5000000000000002; Param = @{ NetworkConnectivityConfigId = '0c0c0c0c-0000-4000-8000-000000000002' }; Field = 'network_connectivity_config_id'; Value = '0c0c0c0c-0000-4000-8000-000000000002'; Local = 'DbxRegionMismatch'; Api = 'DbxApiInvalidParameterValue' }
        @{ What = 'an NCC that does not exist'; Ws = 5000000000000002; Param = @{ NetworkConnectivityConfigId = '0c0c0c0c-0000-4000-8000-0000000000ff' }; Field = 'network_connectivity_config_id'; Value = '0c0c0c0c-0000-4000-8000-0000000000ff'; Local = 'DbxApiResourceDoesNotExist'; Api = 'DbxApiResourceDoesNotExist' }
        @{ What = 'an NCC already used by 50 workspaces'; Ws = 5000000000000002; Param = @{ NetworkConnectivityConfigId = '0c0c0c0c-0000-4000-8000-000000000003' }; Field = 'network_connectivity_config_id'; Value = '0c0c0c0c-0000-4000-8000-000000000003'; Local = 'DbxNccLimit'; Api = 'DbxApiQuotaExceeded' }
        @{ What = 'a network for a running Databricks-managed VPC workspace'; Ws = 5000000000000003; Param = @{ NetworkId = '0e0e0e0e-0000-4000-8000-00000000000f' }; Field = 'network_id'; Value = '0e0e0e0e-0000-4000-8000-00000000000f'; Local = 'DbxInvalidWorkspaceState'; Api = 'DbxApiInvalidState' }
        @{ What = 'PrivateLink without a customer-managed VPC'; Ws = 5000000000000003; Param = @{ PrivateAccessSettingsId = 'PAS' }; Field = 'private_access_settings_id'; Value = 'PAS'; Local = 'DbxPrivateLinkNeedsNetwork'; Api = 'DbxApiInvalidParameterValue' }
    ) {
        if ($Value -eq 'PAS') {
            $pas = (Get-DbxPrivateAccessSettings -Name 'prod-pas').PrivateAccessSettingsId
            $Param = @{ PrivateAccessSettingsId = $pas }; $Value = $pas
        }
        $before = Get-DbxWorkspace -WorkspaceId $Ws
        $err = Get-ApiError { Set-DbxWorkspaceNetwork $Ws @Param -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike "$Local*"
        (Invoke-Patch $Ws $Field $Value).FullyQualifiedErrorId | Should -BeLike "$Api*"
        $after = Get-DbxWorkspace -WorkspaceId $Ws
        $after.NetworkId | Should -Be $before.NetworkId
        $after.NetworkConnectivityConfigId | Should -Be $before.NetworkConnectivityConfigId
        $after.PrivateAccessSettingsId | Should -Be $before.PrivateAccessSettingsId
    }

    It 'an NCC binding cannot be removed, only switched (emulator)' {
        (Invoke-Patch 5000000000000001 'network_connectivity_config_id' '').Exception.Message | Should -Match 'only switched'
        (Get-DbxWorkspace -WorkspaceId 5000000000000001).NetworkConnectivityConfigId | Should -Be $ids.NccUse1
    }

    It '-WhatIf sends no request' {
        $before = Get-EmulatorRequestCount -Url $emu.Url
        Get-DbxWorkspace -Name 'prod-*' | Set-DbxWorkspaceNetwork -NetworkConnectivityConfigId $ids.NccUse1 -WhatIf
        (Get-EmulatorRequestCount -Url $emu.Url) - $before | Should -Be 1   # the Get-DbxWorkspace list only
    }
}
