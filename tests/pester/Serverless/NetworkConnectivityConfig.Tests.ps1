BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
    $script:url = (Get-TestEnvironment).EmulatorUrl
    $script:nccRoute = 'GET /api/2.0/accounts/*/network-connectivity-configs'
    $script:postRoute = 'POST /api/2.0/accounts/*/network-connectivity-configs'
}

Describe 'Network connectivity configurations against the shared emulator' {
    BeforeAll {
        Connect-TestAccount | Out-Null
        $script:name = New-TestName 'ncc'
        $script:ncc = New-DbxNetworkConnectivityConfig -Name $script:name -Region eu-west-2
    }
    AfterAll {
        $script:ncc | Remove-DbxNetworkConnectivityConfig -Force -ErrorAction SilentlyContinue
    }

    It 'creates an NCC with its name, region and id, and no legacy stable egress CIDRs (retired 2026-05-25)' {
        $script:ncc | Should -BeOfType DatabricksNetworking.Models.NetworkConnectivityConfig
        $script:ncc.Name | Should -Be $script:name
        $script:ncc.Region | Should -Be 'eu-west-2'
        $script:ncc.AccountId | Should -Be $script:seed.AccountId
        [guid]::Parse($script:ncc.NetworkConnectivityConfigId) | Should -Not -BeNullOrEmpty
        $script:ncc.StableEgressCidrs.Count | Should -Be 0
        $script:ncc.Created | Should -Not -BeNullOrEmpty
    }

    It 'gets it by id, by name with wildcards and by region' {
        (Get-DbxNetworkConnectivityConfig -NetworkConnectivityConfigId $script:ncc.NetworkConnectivityConfigId).Name | Should -Be $script:name
        @(Get-DbxNetworkConnectivityConfig -Name ($script:name.Substring(0, 8) + '*')).NetworkConnectivityConfigId | Should -Contain $script:ncc.NetworkConnectivityConfigId
        @(Get-DbxNetworkConnectivityConfig -Region eu-west-2).Name | Should -Contain $script:name
        @(Get-DbxNetworkConnectivityConfig -Region us-west-1).Name | Should -Not -Contain $script:name
    }

    It 'reports a name that matches nothing as an ObjectNotFound error' {
        $out = Get-DbxNetworkConnectivityConfig -Name 'no-such-ncc' -ErrorAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxNetworkConnectivityConfigNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'skips piped workspaces that have no NCC and goes on with the ids that exist' {
        $out = @(Get-DbxWorkspace | Get-DbxNetworkConnectivityConfig -ErrorVariable err)
        $out.Count | Should -Be 0
        $err.Count | Should -Be 0
        $ids = 'c1c1c1c1-0000-4000-8000-000000000000', $script:ncc.NetworkConnectivityConfigId
        $found = @($ids | Get-DbxNetworkConnectivityConfig -ErrorAction SilentlyContinue -ErrorVariable err2)
        $found.NetworkConnectivityConfigId | Should -Be $script:ncc.NetworkConnectivityConfigId
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
        $err2[0].TargetObject | Should -Be 'c1c1c1c1-0000-4000-8000-000000000000'
    }

    It 'refuses bad names and regions before sending anything' -ForEach @(
        @{ Name = 'ab'; Region = 'eu-west-2'; Id = 'DbxInvalidNccName' }
        @{ Name = ('x' * 31); Region = 'eu-west-2'; Id = 'DbxInvalidNccName' }
        @{ Name = 'has space'; Region = 'eu-west-2'; Id = 'DbxInvalidNccName' }
        @{ Name = 'good-name'; Region = 'eu-north-9'; Id = 'DbxInvalidRegion' }
    ) {
        $before = Get-EmulatorRouteCount $script:postRoute
        New-DbxNetworkConnectivityConfig -Name $Name -Region $Region -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-EmulatorRouteCount $script:postRoute | Should -Be $before
    }

    It 'takes the region from a piped workspace' {
        $n = New-TestName 'ncc'
        $created = Get-DbxWorkspace -Name prod-eu | New-DbxNetworkConnectivityConfig -Name $n
        $created.Region | Should -Be 'eu-west-1'
        $created | Remove-DbxNetworkConnectivityConfig -Force
    }

    It 'keeps name and region immutable: the service refuses an update' {
        $path = "/api/2.0/accounts/{account_id}/network-connectivity-configs/$($script:ncc.NetworkConnectivityConfigId)"
        Invoke-DbxApi -Method Patch -Path $path -Body @{ name = 'renamed' } -ErrorAction SilentlyContinue -ErrorVariable err -Confirm:$false
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        (Get-DbxNetworkConnectivityConfig -NetworkConnectivityConfigId $script:ncc.NetworkConnectivityConfigId).Name | Should -Be $script:name
    }

    It 'does nothing with -WhatIf and deletes with -Force' {
        $victim = New-DbxNetworkConnectivityConfig -Name (New-TestName 'ncc') -Region eu-west-2
        $victim | Remove-DbxNetworkConnectivityConfig -WhatIf
        (Get-DbxNetworkConnectivityConfig -NetworkConnectivityConfigId $victim.NetworkConnectivityConfigId).Name | Should -Be $victim.Name
        $victim | Remove-DbxNetworkConnectivityConfig -Force
        Get-DbxNetworkConnectivityConfig -NetworkConnectivityConfigId $victim.NetworkConnectivityConfigId -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
    }
}

Describe 'Network connectivity configuration paging and limits (private emulator, page size 2)' {
    BeforeAll {
        $script:emu = Start-TestEmulator -Arguments '--page-size', '2'
        Connect-TestAccount -Url $script:emu.Url | Out-Null
        $script:created = 1..5 | ForEach-Object { New-DbxNetworkConnectivityConfig -Name "page-ncc-$_" -Region us-west-2 }
    }
    AfterAll { $script:emu | Stop-TestService }

    It 'lists every NCC over several pages' {
        Reset-EmulatorRequests -Url $script:emu.Url
        $all = @(Get-DbxNetworkConnectivityConfig)
        $all.Count | Should -Be 6   # the demo account's prod-us-east-1-ncc and the five made here
        ($all.Name | Sort-Object) | Should -Be (@($script:created.Name) + 'prod-us-east-1-ncc' | Sort-Object)
        Get-EmulatorRouteCount $script:nccRoute -Url $script:emu.Url | Should -Be 3
    }

    It 'makes exactly one list request for Select-Object -First 1' {
        Reset-EmulatorRequests -Url $script:emu.Url
        $first = Get-DbxNetworkConnectivityConfig | Select-Object -First 1
        $first.Name | Should -Be 'prod-us-east-1-ncc'   # the oldest: NCCs are listed by creation time
        Get-EmulatorRouteCount $script:nccRoute -Url $script:emu.Url | Should -Be 1
    }

    It 'allows 10 NCCs per region and refuses the 11th, while other regions still work' {
        6..10 | ForEach-Object { New-DbxNetworkConnectivityConfig -Name "page-ncc-$_" -Region us-west-2 } | Out-Null
        New-DbxNetworkConnectivityConfig -Name 'page-ncc-11' -Region us-west-2 -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiQuotaExceeded*'
        $err[0].Exception.Message | Should -Match 'us-west-2'
        (New-DbxNetworkConnectivityConfig -Name 'page-ncc-11' -Region us-east-2).Region | Should -Be 'us-east-2'
        @(Get-DbxNetworkConnectivityConfig -Region us-west-2).Count | Should -Be 10
    }
}

Describe 'An NCC used by a workspace (seeded binding)' {
    BeforeAll {
        $nccId = '0d0c0b0a-1111-4222-8333-444455556666'
        $seedJson = Get-Content (Join-Path $PSScriptRoot '../../../src/DatabricksNetworking.Emulator/Seeds/demo-seed.json') -Raw | ConvertFrom-Json
        $account = $seedJson.accounts[0]
        $account.workspaces[1] | Add-Member -NotePropertyName network_connectivity_config_id -NotePropertyValue $nccId
        if (-not $account.PSObject.Properties['collections']) { $account | Add-Member -NotePropertyName collections -NotePropertyValue ([pscustomobject]@{}) }
        $account.collections | Add-Member -Force -NotePropertyName 'network-connectivity-configs' -NotePropertyValue @(
            [pscustomobject]@{ network_connectivity_config_id = $nccId; account_id = $account.account_id; name = 'bound-ncc'; region = 'us-east-1'; creation_time = 1767225600000 })
        $script:seedFile = Join-Path ([IO.Path]::GetTempPath()) "ncc-seed-$([guid]::NewGuid().ToString('N')).json"
        $seedJson | ConvertTo-Json -Depth 20 | Set-Content $script:seedFile
        $script:emu = Start-TestEmulator -Arguments '--seed-file', $script:seedFile
        Connect-TestAccount -Url $script:emu.Url | Out-Null
        $script:nccId = $nccId
    }
    AfterAll { $script:emu | Stop-TestService; Remove-Item $script:seedFile -ErrorAction SilentlyContinue }

    It 'is found through the workspace that uses it' {
        (Get-DbxWorkspace -Name prod-us | Get-DbxNetworkConnectivityConfig).Name | Should -Be 'bound-ncc'
    }

    It 'cannot be deleted while the workspace uses it' {
        Remove-DbxNetworkConnectivityConfig -NetworkConnectivityConfigId $script:nccId -Force -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState*'
        $err[0].Exception.Message | Should -Match '2222222222222222'
        (Get-DbxNetworkConnectivityConfig -NetworkConnectivityConfigId $script:nccId).Name | Should -Be 'bound-ncc'
    }
}
