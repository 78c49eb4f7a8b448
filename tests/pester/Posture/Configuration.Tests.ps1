# Export-DbxNetworkConfiguration and Compare-DbxNetworkConfiguration on a private emulator seeded with the posture
# seed: the snapshot's content and ordering, no secrets, and export -> change -> compare finding exactly the change.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-PostureEmulator
    $script:pctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ('netconf-' + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $tmp | Out-Null
    $script:first = Join-Path $tmp 'first.json'
    $script:file = Export-DbxNetworkConfiguration -Context $pctx -Path $first -ErrorAction SilentlyContinue -WarningAction SilentlyContinue -ErrorVariable exportErrors
    $script:exportErrors = @($exportErrors)
    $script:snap = Get-Content $first -Raw | ConvertFrom-Json
}
AfterAll {
    $script:emu | Stop-TestService
    Remove-Item $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Export-DbxNetworkConfiguration' {
    It 'writes the snapshot file and returns it' {
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be $first
        $snap.format | Should -Be 'DatabricksNetworking.NetworkConfiguration'
        $snap.version | Should -Be 1
        $snap.account_id | Should -Be (Get-TestSeed).AccountId
    }

    It 'holds every networking object of the account and its workspaces' {
        $count = $snap.objects | Group-Object type -AsHashTable -AsString
        $count['Workspace'].Count | Should -Be 4
        $count['Network'].Count | Should -Be 3
        $count['VpcEndpoint'].Count | Should -Be 3
        $count['PrivateAccessSettings'].Count | Should -Be 2
        $count['NetworkConnectivityConfig'].Count | Should -Be 2
        $count['PrivateEndpointRule'].Count | Should -Be 2
        $count['NetworkPolicy'].Count | Should -Be 4 -Because 'default-policy, the two seeded ones and the account ingress policy (account-policy)'
        $count['AccountIpAccessListFeature'].Count | Should -Be 1
        $count['AccountIpAccessList'].Count | Should -Be 1
        $count['IpAccessListFeature'].Count | Should -Be 3 -Because 'the blocked workspace cannot be read'
        $count['IpAccessList'].Count | Should -Be 3
        $count['WorkspaceNetworkOption'].Count | Should -Be 4
        $ws = $snap.objects | Where-Object { $_.type -eq 'Workspace' -and $_.id -eq '5000000000000001' }
        $ws.properties.network_id | Should -Be 'a1000000-0000-4000-8000-000000000001'
        $ws.properties.PSObject.Properties.Name | Should -Not -Contain 'workspace_status' -Because 'status is not configuration'
    }

    It 'records what it could not read (the blocked workspace) and reports it' {
        @($snap.incomplete).Count | Should -Be 2
        $snap.incomplete | ForEach-Object { $_ | Should -Match '^workspace 5000000000000004: ' }
        $exportErrors.Count | Should -Be 1
        $exportErrors[0].FullyQualifiedErrorId | Should -BeLike 'DbxApi403*'
    }

    It 'orders objects by type, workspace and id, with sorted keys, so an unchanged account exports identically' {
        $types = @($snap.objects.type | Select-Object -Unique)
        $types | Should -Be @('Workspace', 'Network', 'VpcEndpoint', 'PrivateAccessSettings', 'NetworkConnectivityConfig', 'PrivateEndpointRule',
            'NetworkPolicy', 'AccountIpAccessListFeature', 'AccountIpAccessList', 'IpAccessListFeature', 'IpAccessList', 'WorkspaceNetworkOption')
        $nets = @($snap.objects | Where-Object type -eq 'Network' | ForEach-Object id)
        $nets | Should -Be ($nets | Sort-Object)
        $again = Join-Path $tmp 'again.json'
        Export-DbxNetworkConfiguration -Context $pctx -Path $again -ThrottleLimit 1 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
        $strip = { param($p) (Get-Content $p) | Where-Object { $_ -notmatch '"exported_at"' } }
        (& $strip $again) -join "`n" | Should -BeExactly ((& $strip $first) -join "`n")
    }

    It 'contains no secret and no volatile field' {
        $text = Get-Content $first -Raw
        $seed = Get-TestSeed
        $text | Should -Not -Match ([regex]::Escape($seed.ClientSecret))
        $text | Should -Not -Match ([regex]::Escape($seed.AccountToken))
        $text | Should -Not -Match '"(updated_at|updated_by|address_count|etag|workspace_status)"'
    }

    It 'changes nothing with -WhatIf' {
        $path = Join-Path $tmp 'whatif.json'
        Export-DbxNetworkConfiguration -Context $pctx -Path $path -WhatIf | Should -BeNullOrEmpty
        Test-Path $path | Should -BeFalse
    }

    It 'refuses a folder that does not exist before reading anything' {
        $before = Get-EmulatorRequestCount -Url $emu.Url
        Export-DbxNetworkConfiguration -Context $pctx -Path (Join-Path $tmp 'no/such/dir.json') -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidPath*'
        Get-EmulatorRequestCount -Url $emu.Url | Should -Be $before
    }
}

Describe 'Compare-DbxNetworkConfiguration' {
    It 'finds no drift between the snapshot and the unchanged live account' {
        @(Compare-DbxNetworkConfiguration -Context $pctx -ReferencePath $first -ErrorAction SilentlyContinue -WarningAction SilentlyContinue) | Should -BeNullOrEmpty
    }

    It 'finds exactly a changed network policy binding (export -> change -> compare)' {
        Set-DbxWorkspaceNetworkPolicy -Context $pctx -WorkspaceId 5000000000000003 -NetworkPolicyId restricted-enforced -Confirm:$false
        $changes = @(Compare-DbxNetworkConfiguration -Context $pctx -ReferencePath $first -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $changes.Count | Should -Be 1
        $c = $changes[0]
        $c | Should -BeOfType ([DatabricksNetworking.Models.NetworkConfigurationChange])
        $c.ChangeType | Should -Be 'Changed'
        $c.ObjectType | Should -Be 'WorkspaceNetworkOption'
        $c.WorkspaceId | Should -Be 5000000000000003
        $c.Property | Should -Be 'network_policy_id'
        $c.ReferenceValue | Should -Be '"default-policy"'
        $c.DifferenceValue | Should -Be '"restricted-enforced"'
        $c.WorkspaceName | Should -Be 'dev-broken'
        # The default view shows the workspace and both values side by side on the change's line.
        $line = @(($changes | Format-Table | Out-String -Width 160) -split "`r?`n" | Where-Object { $_ -match '^Changed\b' })
        $line.Count | Should -Be 1
        $line[0] | Should -Match 'WorkspaceNetworkOption\s.*dev-broken \(5000000000000003\)\s+network_policy_id\s+"default-policy"\s+"restricted-enforced"'
    }

    It 'finds an added object and a changed list between two snapshots, one object per change' {
        $before = Join-Path $tmp 'before.json'
        Export-DbxNetworkConfiguration -Context $pctx -Path $before -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
        $list = New-DbxAccountIpAccessList -Context $pctx -Label 'partners' -ListType Block -IpAddress 198.51.100.0/24 -Force
        Add-DbxIpAccessListEntry -Context $pctx -WorkspaceId 5000000000000001 -ListId f2000000-0000-4000-8000-000000000001 -IpAddress 10.30.0.0/16 -Force | Out-Null
        $after = Join-Path $tmp 'after.json'
        Export-DbxNetworkConfiguration -Context $pctx -Path $after -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
        $changes = @(Compare-DbxNetworkConfiguration -ReferencePath $before -DifferencePath $after -WarningAction SilentlyContinue)
        ($changes | ForEach-Object { "$($_.ChangeType) $($_.ObjectType) $($_.Property)" }) | Should -Be @('Added AccountIpAccessList ', 'Changed IpAccessList ip_addresses')
        $added = $changes | Where-Object ChangeType -eq 'Added'
        $added.ObjectId | Should -Be $list.ListId
        $added.Name | Should -Be 'partners'
        $added.Workspace | Should -Be 'account'
        # An added object reads as its name and fields, not a JSON blob; the whole object is kept in ObjectJson.
        $added.DifferenceValue | Should -Match '^partners: '
        $added.DifferenceValue | Should -Match '\bip_addresses=198\.51\.100\.0/24\b'
        $added.DifferenceValue | Should -Match '\blist_type=BLOCK\b'
        $added.DifferenceValue | Should -Not -Match '[{}"]'
        $added.ReferenceValue | Should -BeNullOrEmpty
        ($added.ObjectJson | ConvertFrom-Json).label | Should -Be 'partners'
        $changed = $changes | Where-Object ChangeType -eq 'Changed'
        $changed.WorkspaceId | Should -Be 5000000000000001
        $changed.ReferenceValue | Should -Be '["10.20.0.0/16","127.0.0.1"]'
        $changed.DifferenceValue | Should -Be '["10.20.0.0/16","10.30.0.0/16","127.0.0.1"]'
        $changed.WorkspaceName | Should -Be 'prod-secure'
        $text = $changes | Format-Table | Out-String -Width 200
        $text | Should -Match 'Added\s+AccountIpAccessList\s+partners\s+account\s+partners: '
        $text | Should -Match 'Changed\s+IpAccessList\s+.*prod-secure \(5000000000000001\)\s+ip_addresses\s+\["10\.20\.0\.0/16","127\.0\.0\.1"\]\s+\["10\.20'
        $text | Should -Not -Match '\{"' -Because 'no added or removed object is shown as raw JSON'
        # Reversed, the same objects show as removed and changed back.
        ($(Compare-DbxNetworkConfiguration -ReferencePath $after -DifferencePath $before -WarningAction SilentlyContinue) | ForEach-Object ChangeType) | Should -Be @('Removed', 'Changed')
    }

    It 'warns that an incomplete snapshot may show objects as removed' {
        Compare-DbxNetworkConfiguration -ReferencePath $first -DifferencePath $first -WarningVariable w -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        ($w -join "`n") | Should -Match 'incomplete.*5000000000000004'
    }

    It 'refuses a file that is not a snapshot' {
        $bad = Join-Path $tmp 'bad.json'
        Set-Content $bad '{"hello": 1}'
        Compare-DbxNetworkConfiguration -ReferencePath $bad -DifferencePath $first -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidSnapshot*'
        $err[0].Exception.Message | Should -Match 'not a network configuration snapshot'
    }
}
