# Rules of Set-DbxWorkspaceNetwork that need their own account: NCCs (kept by the serverless area, seeded here),
# customer-managed VPC workspaces named prod-* in one region, and an NCC already at its 50-workspace limit.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $seed = Get-TestSeed
    $script:ids = @{ NccUse1 = '0c0c0c0c-0000-4000-8000-000000000001'; NccEuw1 = '0c0c0c0c-0000-4000-8000-000000000002'; NccFull = '0c0c0c0c-0000-4000-8000-000000000003'
        NetA = '0e0e0e0e-0000-4000-8000-00000000000a'; NetB = '0e0e0e0e-0000-4000-8000-00000000000b'; NetFree = '0e0e0e0e-0000-4000-8000-00000000000f'
        NetPl = '0e0e0e0e-0000-4000-8000-00000000000c'; RegRest = '0d0d0d0d-0000-4000-8000-000000000001'; RegRelay = '0d0d0d0d-0000-4000-8000-000000000002'
        RegFront = '0d0d0d0d-0000-4000-8000-000000000003' }
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
    function Reg([string]$Id, [string]$Name, [string]$UseCase, [int]$N) {
        @{ vpc_endpoint_id = $Id; account_id = $seed.AccountId; vpc_endpoint_name = $Name; aws_vpc_endpoint_id = "vpce-0b1000000000000$N"
            aws_account_id = '123456789012'; region = 'us-east-1'; state = 'available'; use_case = $UseCase }
    }
    $workspaces = @(
        Ws 5000000000000001 'prod-a' @{ network_id = $ids.NetA }
        Ws 5000000000000002 'prod-b' @{ network_id = $ids.NetB }
        Ws 5000000000000003 'dev-managed'
        Ws 5000000000000004 'pl-backend' @{ network_id = $ids.NetPl }
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
            networks = @((Net $ids.NetA 'net-a' 5000000000000001 1), (Net $ids.NetB 'net-b' 5000000000000002 2), (Net $ids.NetFree 'net-free' $null 3),
                ((Net $ids.NetPl 'net-pl' 5000000000000004 4) + @{ vpc_endpoints = @{ rest_api = @($ids.RegRest); dataplane_relay = @($ids.RegRelay) } }))
            # Back-end REST and relay registrations of pl-backend, and a front-end (transit VPC) one.
            'vpc-endpoints' = @(
                (Reg $ids.RegRest 'pl-rest' 'GENERAL_ACCESS' 1), (Reg $ids.RegRelay 'pl-relay' 'DATAPLANE_RELAY_ACCESS' 2), (Reg $ids.RegFront 'pl-front' 'GENERAL_ACCESS' 3))
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
        $pas = New-DbxPrivateAccessSettings -Name 'prod-pas' -Region us-east-1 -PublicAccessEnabled   # no PrivateLink here: public access stays on
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

    It '-WhatIf writes nothing (it reads what the real run would check)' {
        function Get-Writes { $r = (Get-EmulatorRequests -Url $emu.Url).by_route; @($r.PSObject.Properties | Where-Object Name -NotMatch '^GET ' | ForEach-Object { "$($_.Name)=$($_.Value)" }) }
        $before = Get-Writes
        Get-DbxWorkspace -Name 'prod-*' | Set-DbxWorkspaceNetwork -NetworkConnectivityConfigId $ids.NccUse1 -WhatIf
        Get-Writes | Should -Be $before
    }
}

Describe 'The public-access guard (public access off needs PrivateLink both ways)' {
    BeforeAll {
        $script:patch = 'PATCH /api/2.0/accounts/*/workspaces/*'
        $script:put = 'PUT /api/2.0/accounts/*/private-access-settings/*'
    }

    It 'refuses, in a session that cannot ask, to bind settings with public access off to a workspace without PrivateLink; nothing is sent' {
        $pas = New-DbxPrivateAccessSettings -Name 'closed-pas' -Region us-east-1
        $before = Get-EmulatorRouteCount $patch -Url $emu.Url
        Set-DbxWorkspaceNetwork -WorkspaceId 5000000000000001 -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxPublicAccessLockout*'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -Match "workspace 'prod-a' \(5000000000000001\) has no back-end PrivateLink"
        $err[0].Exception.Message | Should -Not -Match 'front-end' -Because 'at Account level the registered pl-front endpoint admits users'
        $err[0].Exception.Message | Should -Match '-Force'
        Get-EmulatorRouteCount $patch -Url $emu.Url | Should -Be $before
        (Get-DbxWorkspace -WorkspaceId 5000000000000001).PrivateAccessSettingsId | Should -Not -Be $pas.PrivateAccessSettingsId
        $script:closed = $pas
    }

    It 'asks interactively with No as the default answer; the default binds nothing' {
        $before = Get-EmulatorRouteCount $patch -Url $emu.Url
        $r = Invoke-WithAnsweringHost -1 { param($c, $p) Set-DbxWorkspaceNetwork -Context $c -WorkspaceId 5000000000000001 -PrivateAccessSettingsId $p } @($ctx, $closed.PrivateAccessSettingsId)
        $r.Prompts.Count | Should -Be 1
        $r.Prompts[0] | Should -BeLike 'Workspace access lockout:*no back-end PrivateLink*'
        $r.Defaults | Should -Be @('No')
        $r.Errors | Should -BeNullOrEmpty
        Get-EmulatorRouteCount $patch -Url $emu.Url | Should -Be $before
    }

    It 'binds with -Force and a warning that names what is missing' {
        $pas = New-DbxPrivateAccessSettings -Name 'forced-pas' -Region us-east-1
        $ws = Set-DbxWorkspaceNetwork -WorkspaceId 5000000000000002 -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -Force -WarningVariable warn -WarningAction SilentlyContinue
        $ws.PrivateAccessSettingsId | Should -Be $pas.PrivateAccessSettingsId
        ($warn -join ' ') | Should -Match 'Going ahead because of -Force'
    }

    It 'binds without a question when the workspace has back-end PrivateLink and the settings admit a front-end endpoint' {
        $pas = New-DbxPrivateAccessSettings -Name 'private-pas' -Region us-east-1 -AllowedVpcEndpointId $ids.RegRest, $ids.RegFront
        $ws = Set-DbxWorkspaceNetwork -WorkspaceId 5000000000000004 -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -WarningVariable warn
        $ws.PrivateAccessSettingsId | Should -Be $pas.PrivateAccessSettingsId
        $warn | Should -BeNullOrEmpty
        $script:private = $pas
    }

    It 'refuses to drop the only front-end endpoint from those settings (its back-end REST endpoint does not count)' {
        $before = Get-EmulatorRouteCount $put -Url $emu.Url
        Set-DbxPrivateAccessSettings $private.PrivateAccessSettingsId -AllowedVpcEndpointId $ids.RegRest -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxPublicAccessLockout*'
        $err[0].Exception.Message | Should -Match "workspace 'pl-backend' \(5000000000000004\) has no front-end PrivateLink"
        $err[0].Exception.Message | Should -Not -Match 'no back-end'
        Get-EmulatorRouteCount $put -Url $emu.Url | Should -Be $before
        (Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $private.PrivateAccessSettingsId).AllowedVpcEndpointIds | Should -Contain $ids.RegFront
    }

    It 'lets public access be turned off on settings no workspace uses, and on used ones when it is turned on' {
        $free = New-DbxPrivateAccessSettings -Name 'unused-pas' -Region us-east-1 -PublicAccessEnabled
        (Set-DbxPrivateAccessSettings $free.PrivateAccessSettingsId -PublicAccessEnabled:$false).PublicAccessEnabled | Should -BeFalse
        $hybrid = Set-DbxPrivateAccessSettings $private.PrivateAccessSettingsId -PublicAccessEnabled -AllowedVpcEndpointId $ids.RegRest
        $hybrid.PublicAccessEnabled | Should -BeTrue
        $hybrid.AllowedVpcEndpointIds | Should -Be @($ids.RegRest)
    }

    It 'turning public access off on used settings asks again, and -Force does it' {
        Set-DbxPrivateAccessSettings $private.PrivateAccessSettingsId -PublicAccessEnabled:$false -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxPublicAccessLockout*'
        (Set-DbxPrivateAccessSettings $private.PrivateAccessSettingsId -PublicAccessEnabled:$false -Force -WarningAction SilentlyContinue).PublicAccessEnabled | Should -BeFalse
    }
}
