# Workspace IP access lists against the shared emulator (enforcement stays off here: the feature switch is never
# turned on in this file, so nothing can lock other test files out).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:ctx = Connect-TestAccount
    $script:ws = [long]3333333333333333
    function Clear-Lists { Get-DbxIpAccessList -WorkspaceId $script:ws | Remove-DbxIpAccessList -Force }
    Clear-Lists
}

AfterAll { Clear-Lists }

Describe 'New-DbxIpAccessList / Get-DbxIpAccessList' {
    AfterEach { Clear-Lists }

    It 'creates a list with normalised, de-duplicated, sorted values and the service''s fields' {
        $l = New-DbxIpAccessList -WorkspaceId $ws -Label 'office' -ListType Block -IpAddress '203.0.113.0/24', ' 198.51.100.7/32 ', '198.51.100.7', '192.0.2.0/24'
        $l.ListId | Should -Match '^[0-9a-f-]{36}$'
        $l.ListType | Should -Be 'BLOCK'
        # Sent as typed: the first spelling of 198.51.100.7 wins and keeps its /32 (no drift for lists managed elsewhere).
        $l.IpAddresses | Should -Be @('192.0.2.0/24', '198.51.100.7/32', '203.0.113.0/24')
        $l.AddressCount | Should -Be 3
        $l.Enabled | Should -BeTrue
        $l.CreatedBy | Should -Be 7001
        $l.UpdatedBy | Should -Be 7001
        $l.CreatedAt | Should -BeGreaterThan 0
        $l.WorkspaceId | Should -Be $ws
        $l.Scope | Should -Be 'Workspace'

        $got = Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId
        $got.Label | Should -Be 'office'
        $got.IpAddresses | Should -Be $l.IpAddresses
        # The raw wire object carries the wrapper and the fields.
        $raw = Invoke-DbxApi Get "/api/2.0/ip-access-lists/$($l.ListId)" -WorkspaceId $ws
        $raw.ip_access_list.address_count | Should -Be 3
        $raw.ip_access_list.created_by | Should -Be 7001
    }

    It 'lists all, filters by label wildcard, and accepts workspaces from the pipeline' {
        New-DbxIpAccessList -WorkspaceId $ws -Label 'vpn-eu' -ListType Block -IpAddress '192.0.2.1' | Out-Null
        New-DbxIpAccessList -WorkspaceId $ws -Label 'vpn-us' -ListType Block -IpAddress '192.0.2.2' | Out-Null
        New-DbxIpAccessList -WorkspaceId $ws -Label 'office' -ListType Block -IpAddress '192.0.2.3' | Out-Null
        @(Get-DbxIpAccessList -WorkspaceId $ws).Count | Should -Be 3
        @(Get-DbxIpAccessList -WorkspaceId $ws -Label 'vpn-*').Label | Sort-Object | Should -Be @('vpn-eu', 'vpn-us')
        @(Get-DbxWorkspace -WorkspaceId $ws | Get-DbxIpAccessList).Count | Should -Be 3
    }

    It 'names the workspace of each list (one account read of the workspace per call); ' {
        $made = New-DbxIpAccessList -WorkspaceId $ws -Label 'named' -ListType Block -IpAddress '192.0.2.4'
        $made.WorkspaceName | Should -Be 'dev-us'
        New-DbxIpAccessList -WorkspaceId $ws -Label 'named-2' -ListType Block -IpAddress '192.0.2.5' | Out-Null
        $route = 'GET /api/2.0/accounts/*/workspaces/*'
        $reads = Get-EmulatorRouteCount $route
        $lists = @(Get-DbxIpAccessList -WorkspaceId $ws)
        $lists.WorkspaceName | Should -Be @('dev-us', 'dev-us')
        Get-EmulatorRouteCount $route | Should -Be ($reads + 1) -Because 'the workspace is read once per call, not once per list'
        ($lists | Format-Table | Out-String -Width 80) | Should -Match 'WorkspaceName[\s\S]*dev-us\s+3333333333333333'
    }

    It 'creates an ALLOW list through a workspace context' {
        $wctx = Connect-DbxWorkspace -WorkspaceHost (Get-TestEnvironment).EmulatorUrl -WorkspaceId $ws -Token (ConvertTo-TestSecret (Get-TestSeed).AccountToken) -NoDefault `
            -CallerIpLookupUrl "$((Get-TestEnvironment).EmulatorUrl)/checkip"
        $l = New-DbxIpAccessList -Context $wctx -Label 'loopback' -ListType Allow -IpAddress '127.0.0.1', '10.0.0.0/8'
        $l.ListType | Should -Be 'ALLOW'
        (Get-DbxIpAccessList -Context $wctx).ListId | Should -Contain $l.ListId
    }

    It 'reports a missing list by id as ObjectNotFound and goes on with the next id' {
        $l = New-DbxIpAccessList -WorkspaceId $ws -Label 'x' -ListType Block -IpAddress '192.0.2.9'
        $out = Get-DbxIpAccessList -WorkspaceId $ws -ListId ([guid]::NewGuid().ToString()), $l.ListId -ErrorVariable err -ErrorAction SilentlyContinue
        $out.ListId | Should -Be $l.ListId
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'WorkspaceName through a workspace context (no workspace API returns the name)' {
    BeforeAll {
        $script:url = (Get-TestEnvironment).EmulatorUrl
        $script:token = ConvertTo-TestSecret (Get-TestSeed).AccountToken
        $script:wsRead = 'GET /api/2.0/accounts/*/workspaces/*'
        New-DbxIpAccessList -WorkspaceId $ws -Label 'named-by-context' -ListType Block -IpAddress '192.0.2.77' | Out-Null
    }
    AfterAll { Clear-Lists }

    It 'a workspace context made from a workspace object carries its name; its lists, switch and decisions show it with no account read' {
        $wctx = Get-DbxWorkspace -WorkspaceId $ws | Connect-DbxWorkspace -Token $token -NoDefault
        $wctx.Kind | Should -Be 'Workspace'
        $wctx.WorkspaceId | Should -Be $ws
        $wctx.Host | Should -Be $ctx.Host -Because 'read through the unified host, the workspace is reached on that host'
        $wctx.WorkspaceName | Should -Be 'dev-us'
        $reads = Get-EmulatorRouteCount $wsRead
        @(Get-DbxIpAccessList -Context $wctx).WorkspaceName | Sort-Object -Unique | Should -Be 'dev-us'
        (Get-DbxIpAccessListFeature -Context $wctx).WorkspaceName | Should -Be 'dev-us'
        (Test-DbxIpAccess -Context $wctx -IpAddress 192.0.2.77).WorkspaceName | Should -Be 'dev-us'
        Get-EmulatorRouteCount $wsRead | Should -Be $reads -Because 'the context carries the name: no account read'
    }

    It 'a workspace context that knows its account asks the session''s account context of that account (one read per call)' {
        $wctx = Connect-DbxWorkspace -WorkspaceHost $url -WorkspaceId $ws -AccountId (Get-TestSeed).AccountId -Token $token -NoDefault
        $wctx.WorkspaceName | Should -BeNullOrEmpty
        $reads = Get-EmulatorRouteCount $wsRead
        $lists = @(Get-DbxIpAccessList -Context $wctx -Verbose 4>&1)
        @($lists | Where-Object { $_ -is [DatabricksNetworking.Models.IpAccessList] }).WorkspaceName | Sort-Object -Unique | Should -Be 'dev-us'
        ($lists | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match "read through the session's account context"
        Get-EmulatorRouteCount $wsRead | Should -Be ($reads + 1)
        (Get-DbxIpAccessListFeature -Context $wctx).WorkspaceName | Should -Be 'dev-us'
        (Test-DbxIpAccess -Context $wctx -IpAddress 192.0.2.77).WorkspaceName | Should -Be 'dev-us'
    }

    It 'leaves WorkspaceName empty, and says why, when no account context of the workspace''s account is at hand' {
        # Another account id: no account context of the session can name workspace 3333333333333333 for it (an
        # account context for that account, left by another file, answers that the workspace is not its own).
        $wctx = Connect-DbxWorkspace -WorkspaceHost $url -WorkspaceId $ws -AccountId (Get-TestSeed).OtherAccountId -Token $token -NoDefault
        $out = @(Get-DbxIpAccessList -Context $wctx -Verbose 4>&1)
        $lists = @($out | Where-Object { $_ -is [DatabricksNetworking.Models.IpAccessList] })
        $lists.Count | Should -BeGreaterThan 0
        $lists.WorkspaceName | Where-Object { $_ } | Should -BeNullOrEmpty
        $lists.WorkspaceId | Sort-Object -Unique | Should -Be $ws
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'shown by id'
    }

    It 'refuses a -WorkspaceId that names another workspace than the piped one' {
        $err = $null
        try { Get-DbxWorkspace -WorkspaceId $ws | Connect-DbxWorkspace -WorkspaceId 2222222222222222 -Token $token -NoDefault -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxWorkspaceMismatch*'
    }
}

Describe 'Validation before anything is sent' {
    BeforeEach { $script:before = Get-EmulatorRequestCount }

    It 'accepts a CIDR with host bits set as the service does, sends it as given and warns once' {
        $l = New-DbxIpAccessList -WorkspaceId $ws -Label 'docs' -ListType Block -IpAddress '2.2.2.2/21', '192.0.2.1/24' -WarningVariable warn -WarningAction SilentlyContinue
        $l.IpAddresses | Should -Be @('2.2.2.2/21', '192.0.2.1/24')
        @($warn).Count | Should -Be 1
        $warn[0].Message | Should -BeLike '*read*network*2.2.2.2/21 as 2.2.0.0/21*'
        (Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId).IpAddresses | Should -Be @('2.2.2.2/21', '192.0.2.1/24')
        (Test-DbxIpAccess -WorkspaceId $ws -IpAddress 2.2.0.9).Entry | Should -Be '2.2.2.2/21'
        Remove-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId -Force
    }

    It 'refuses <Value> with <ErrorId> and sends nothing' -ForEach @(
        @{ Value = '10.0.0.0/33'; ErrorId = 'DbxInvalidCidrPrefix'; Says = 'out-of-range prefix /33' }
        @{ Value = '2001:db8::/32'; ErrorId = 'DbxIpv6NotSupported'; Says = 'IPv6' }
        @{ Value = '10.0.0.256'; ErrorId = 'DbxInvalidIpAddress'; Says = 'not a valid IPv4' }
        @{ Value = '010.0.0.1'; ErrorId = 'DbxInvalidIpAddress'; Says = 'leading zeros' }
        @{ Value = '10.1'; ErrorId = 'DbxInvalidIpAddress'; Says = 'a.b.c.d' }
        @{ Value = '10.0.0.0/x'; ErrorId = 'DbxInvalidIpAddress'; Says = 'prefix after' }
    ) {
        $r = New-DbxIpAccessList -WorkspaceId $ws -Label 'bad' -ListType Block -IpAddress '192.0.2.1', $Value -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err[0].TargetObject | Should -Be $Value
        $err[0].Exception.Message | Should -BeLike "*'$Value'*"
        $err[0].Exception.Message | Should -BeLike "*$Says*"
        Get-EmulatorRequestCount | Should -Be $before
    }

    It 'names every bad value of one call' {
        New-DbxIpAccessList -WorkspaceId $ws -Label 'bad' -ListType Block -IpAddress '1.2.3.4/33', '::1', 'x' -ErrorVariable err -ErrorAction SilentlyContinue
        $err.TargetObject | Should -Be @('1.2.3.4/33', '::1', 'x')
        Get-EmulatorRequestCount | Should -Be $before
    }

    It 'requires a label' {
        New-DbxIpAccessList -WorkspaceId $ws -Label '  ' -ListType Block -IpAddress '192.0.2.1' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidLabel,*'
        Get-EmulatorRequestCount | Should -Be $before
    }

    It 'takes only Allow or Block as the list type' {
        { New-DbxIpAccessList -WorkspaceId $ws -Label 'x' -ListType Deny -IpAddress '192.0.2.1' -ErrorAction Stop } |
            Should -Throw '*Allow*Block*'
        Get-EmulatorRequestCount | Should -Be $before
    }

    It 'sends nothing for Update without a change' {
        Update-DbxIpAccessList -WorkspaceId $ws -ListId ([guid]::NewGuid()) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxNothingToUpdate,*'
        Get-EmulatorRequestCount | Should -Be $before
    }
}

Describe 'The 1000-value quota' {
    BeforeAll {
        # 998 values in use: 198.18.0.0 .. 198.18.3.229
        $values = 0..997 | ForEach-Object { '198.18.{0}.{1}' -f [math]::Floor($_ / 256), ($_ % 256) }
        $script:big = New-DbxIpAccessList -WorkspaceId $ws -Label 'big' -ListType Block -IpAddress $values
    }
    AfterAll { Clear-Lists }

    It 'holds 998 values' { $big.AddressCount | Should -Be 998 }

    It 'refuses a new list that goes over, saying what is in use and what the change adds, before sending it' {
        Reset-EmulatorRequests
        New-DbxIpAccessList -WorkspaceId $ws -Label 'more' -ListType Block -IpAddress (1..5 | ForEach-Object { "192.0.2.$_" }) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessQuotaExceeded,*'
        $err[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err[0].Exception.Message | Should -BeLike '*998 are in use*'
        $err[0].Exception.Message | Should -BeLike '*adds 5*'
        $err[0].Exception.Message | Should -BeLike '*1003*'
        (Get-EmulatorRequests).by_route.PSObject.Properties.Name | Should -Not -Contain 'POST /api/2.0/ip-access-lists'
    }

    It 'allows a change that stays at the limit' {
        $l = New-DbxIpAccessList -WorkspaceId $ws -Label 'two' -ListType Block -IpAddress '192.0.2.1', '192.0.2.2'
        $l.AddressCount | Should -Be 2
        Remove-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId -Force
    }

    It 'counts a replaced list''s own values once' {
        $l = Set-DbxIpAccessList -WorkspaceId $ws -ListId $big.ListId -Label 'big' -ListType Block -IpAddress ($big.IpAddresses + '192.0.2.1' + '192.0.2.2')
        $l.AddressCount | Should -Be 1000
        Set-DbxIpAccessList -WorkspaceId $ws -ListId $big.ListId -Label 'big' -ListType Block -IpAddress ($l.IpAddresses + '192.0.2.3') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessQuotaExceeded,*'
        $err[0].Exception.Message | Should -BeLike '*1000 are in use*adds 1*'
    }
}

Describe 'Set-, Update- and Remove-DbxIpAccessList' {
    BeforeEach { $script:l = New-DbxIpAccessList -WorkspaceId $ws -Label 'office' -ListType Block -IpAddress '192.0.2.0/24' }
    AfterEach { Clear-Lists }

    It 'Set replaces every field (PUT)' {
        $r = Set-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId -Label 'office-2' -ListType Block -IpAddress '198.51.100.0/24', '203.0.113.1' -Enabled $false
        $r.Label | Should -Be 'office-2'
        $r.IpAddresses | Should -Be @('198.51.100.0/24', '203.0.113.1')
        $r.Enabled | Should -BeFalse
        (Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId).Enabled | Should -BeFalse
    }

    It 'Set takes a changed list from the pipeline' {
        $l.Label = 'renamed'
        $r = $l | Set-DbxIpAccessList
        $r.Label | Should -Be 'renamed'
        $r.IpAddresses | Should -Be @('192.0.2.0/24')
    }

    It 'Update changes only what is given (-Enabled:$false)' {
        $r = $l | Update-DbxIpAccessList -Enabled:$false
        $r.Enabled | Should -BeFalse
        $r.Label | Should -Be 'office'
        $r.IpAddresses | Should -Be @('192.0.2.0/24')
        $r.UpdatedAt | Should -BeGreaterOrEqual $l.UpdatedAt
        $r = Update-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId -Label 'new' -IpAddress '192.0.2.7'
        $r.Enabled | Should -BeFalse
        $r.Label | Should -Be 'new'
        $r.IpAddresses | Should -Be @('192.0.2.7')
    }

    It 'Update refuses an invalid address before sending' {
        $before = Get-EmulatorRequestCount
        Update-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId -IpAddress '192.0.2.1/40' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidCidrPrefix,*'
        Get-EmulatorRequestCount | Should -Be $before
    }

    It 'Remove -WhatIf keeps the list; Remove -Force deletes it; a pipeline removes several' {
        Remove-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId -WhatIf -Force
        Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId | Should -Not -BeNullOrEmpty
        Remove-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId -Force
        Get-DbxIpAccessList -WorkspaceId $ws | Should -BeNullOrEmpty
        New-DbxIpAccessList -WorkspaceId $ws -Label 'a' -ListType Block -IpAddress '192.0.2.1' | Out-Null
        New-DbxIpAccessList -WorkspaceId $ws -Label 'b' -ListType Block -IpAddress '192.0.2.2' | Out-Null
        Get-DbxIpAccessList -WorkspaceId $ws | Remove-DbxIpAccessList -Confirm:$false
        Get-DbxIpAccessList -WorkspaceId $ws | Should -BeNullOrEmpty
    }

    It 'Remove of a missing list is an ObjectNotFound error that does not stop the next one' {
        $missing = [guid]::NewGuid().ToString()
        Remove-DbxIpAccessList -WorkspaceId $ws -ListId $missing, $l.ListId -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist,*'
        $err[0].TargetObject | Should -Be $missing
        Get-DbxIpAccessList -WorkspaceId $ws | Should -BeNullOrEmpty
    }

    It 'New -WhatIf sends nothing (it only reads the workspace, to name it)' {
        $before = Get-EmulatorRequestCount
        $writes = Get-EmulatorWriteCount
        $reads = Get-EmulatorRouteCount 'GET /api/2.0/accounts/*/workspaces/*'
        New-DbxIpAccessList -WorkspaceId $ws -Label 'w' -ListType Block -IpAddress '192.0.2.1' -WhatIf | Should -BeNullOrEmpty
        Get-EmulatorWriteCount | Should -Be $writes
        Get-EmulatorRouteCount 'GET /api/2.0/accounts/*/workspaces/*' | Should -Be ($reads + 1)
        Get-EmulatorRequestCount | Should -Be ($before + 1) -Because 'the workspace read is the only request'
    }
}

Describe 'The service''s own self-block refusal' {
    AfterEach { Clear-Lists }

    It 'explains INVALID_STATE in plain words' {
        # The test runs from 127.0.0.1; an ALLOW list without it would block the caller. -Force: past the module's guard.
        New-DbxIpAccessList -WorkspaceId $ws -Label 'corp' -ListType Allow -IpAddress '10.0.0.0/8' -Force -WarningAction SilentlyContinue -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState,*'
        $err[0].ErrorDetails.Message | Should -BeLike "*would lock you out of workspace 'dev-us' (3333333333333333)*"
        $err[0].ErrorDetails.Message | Should -BeLike '*127.0.0.1*'
        Get-DbxIpAccessList -WorkspaceId $ws | Should -BeNullOrEmpty
    }
}
