# Feature switches, account lists, the lockout guard, real enforcement and Test-DbxIpAccess. Enforcement is
# turned on here, so everything runs against a private emulator (never the shared one) with -Context.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet', '--trust-forwarded-for')
    $script:pctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:ws = [long]1111111111111111
    function Clear-All {
        Get-DbxIpAccessList -Context $pctx -WorkspaceId $ws | Remove-DbxIpAccessList -Context $pctx -Force
        Get-DbxAccountIpAccessList -Context $pctx | Remove-DbxAccountIpAccessList -Context $pctx -Force
        Disable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws | Out-Null
        Enable-DbxAccountIpAccessListFeature -Context $pctx | Out-Null
    }

    function Test-Forged([string]$Address, [long]$WorkspaceId) {
        # True when a request from $Address (forged X-Forwarded-For, honoured from loopback) gets through.
        $params = @{ Context = $pctx; Header = @{ 'X-Forwarded-For' = $Address }; ErrorAction = 'SilentlyContinue'; ErrorVariable = 'e' }
        if ($WorkspaceId) { Invoke-DbxApi Get '/api/2.0/workspace-conf' -Query @{ keys = 'enableIpAccessLists' } -WorkspaceId $WorkspaceId @params | Out-Null }
        else { Invoke-DbxApi Get '/api/2.0/accounts/{account_id}/ip-access-lists' @params | Out-Null }
        if ($e.Count -and $e[0].FullyQualifiedErrorId -notlike 'DbxApi403,*') { throw $e[0] }
        return $e.Count -eq 0
    }
}

AfterAll { $emu | Stop-TestService }

Describe 'Workspace feature switch' {
    AfterAll { Clear-All }

    It 'is off and unset at first, and Enable/Disable switch it' {
        $f = Get-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws
        $f.Enabled | Should -BeFalse
        $f.IsDefault | Should -BeTrue
        $f.Scope | Should -Be 'Workspace'
        (Enable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws).Enabled | Should -BeTrue
        (Invoke-DbxApi Get '/api/2.0/workspace-conf' -Context $pctx -WorkspaceId $ws -Query @{ keys = 'enableIpAccessLists' }).enableIpAccessLists | Should -Be 'true'
        (Get-DbxWorkspace -Context $pctx -WorkspaceId $ws | Get-DbxIpAccessListFeature -Context $pctx).Enabled | Should -BeTrue
        (Disable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws).Enabled | Should -BeFalse
        (Invoke-DbxApi Get '/api/2.0/workspace-conf' -Context $pctx -WorkspaceId $ws -Query @{ keys = 'enableIpAccessLists' }).enableIpAccessLists | Should -Be 'false'
    }

    It '-WhatIf changes nothing' {
        Enable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws -WhatIf | Should -BeNullOrEmpty
        (Get-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws).Enabled | Should -BeFalse
    }

    It 'the emulator refuses values other than "true" and "false"' {
        Invoke-DbxApi Patch '/api/2.0/workspace-conf' -Context $pctx -WorkspaceId $ws -Body @{ enableIpAccessLists = 'yes' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue,*'
    }
}

Describe 'Account lists and the account switch' {
    AfterAll { Clear-All }

    It 'the switch is on by default and carries an etag that changes with every write' {
        $f = Get-DbxAccountIpAccessListFeature -Context $pctx
        $f.Enabled | Should -BeTrue
        $f.Scope | Should -Be 'Account'
        $f.Etag | Should -Not -BeNullOrEmpty
        $off = Disable-DbxAccountIpAccessListFeature -Context $pctx
        $off.Enabled | Should -BeFalse
        $off.Etag | Should -Not -Be $f.Etag
        (Get-DbxAccountIpAccessListFeature -Context $pctx).Enabled | Should -BeFalse
        (Enable-DbxAccountIpAccessListFeature -Context $pctx).Enabled | Should -BeTrue
    }

    It 'the emulator answers a stale etag with 409' {
        $stale = (Get-DbxAccountIpAccessListFeature -Context $pctx).Etag
        Disable-DbxAccountIpAccessListFeature -Context $pctx | Out-Null
        $body = @{ allow_missing = $true; field_mask = 'acct_ip_acl_enable.value'; setting = @{ acct_ip_acl_enable = @{ value = $true }; etag = $stale } }
        Invoke-DbxApi Patch '/api/2.0/accounts/{account_id}/settings/types/acct_ip_acl_enable/names/default' -Context $pctx -Body $body -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceConflict,*'
        Enable-DbxAccountIpAccessListFeature -Context $pctx | Out-Null
    }

    It 'creates, reads, replaces, updates and removes account lists' {
        $l = New-DbxAccountIpAccessList -Context $pctx -Label 'blocked-range' -ListType Block -IpAddress '198.51.100.0/24', '192.0.2.1'
        $l.Scope | Should -Be 'Account'
        $l.WorkspaceId | Should -BeNullOrEmpty
        $l.IpAddresses | Should -Be @('192.0.2.1', '198.51.100.0/24')
        (Get-DbxAccountIpAccessList -Context $pctx -ListId $l.ListId).Label | Should -Be 'blocked-range'
        (Invoke-DbxApi Get '/api/2.0/accounts/{account_id}/ip-access-lists' -Context $pctx).ip_access_lists.list_id | Should -Contain $l.ListId
        $s = Set-DbxAccountIpAccessList -Context $pctx -ListId $l.ListId -Label 'renamed' -ListType Block -IpAddress '203.0.113.0/24'
        $s.IpAddresses | Should -Be @('203.0.113.0/24')
        $u = $s | Update-DbxAccountIpAccessList -Context $pctx -Enabled:$false
        $u.Enabled | Should -BeFalse
        $u.Label | Should -Be 'renamed'
        $e = Add-DbxIpAccessListEntry -Context $pctx -Account -ListId $l.ListId -IpAddress '192.0.2.0/28' -PassThru
        $e.IpAddresses | Should -Be @('192.0.2.0/28', '203.0.113.0/24')
        Get-DbxAccountIpAccessList -Context $pctx -Label 'ren*' | Remove-DbxAccountIpAccessList -Context $pctx -Force
        Get-DbxAccountIpAccessList -Context $pctx | Should -BeNullOrEmpty
    }
}

Describe 'Lockout guard' {
    BeforeAll {
        # The test's real address is 127.0.0.1 (the service checks that one); the guard checks the given caller.
        $script:allow = New-DbxIpAccessList -Context $pctx -WorkspaceId $ws -Label 'office' -ListType Allow -IpAddress '127.0.0.1', '10.0.0.0/8'
    }
    AfterEach { Disable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws | Out-Null; $pctx.CallerIpAddress = $null }
    AfterAll { Clear-All }

    It 'refuses to enable the feature in a non-interactive run when no ALLOW list covers the caller' {
        Enable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws -CallerIpAddress '192.0.2.10' -ErrorVariable err -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -BeLike '*192.0.2.10*not in any of the 1 enabled ALLOW list*locked out of workspace ''prod-eu'' (1111111111111111)*-Force*'
        (Get-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws).Enabled | Should -BeFalse
    }

    It 'uses the context''s CallerIpAddress' {
        $pctx.CallerIpAddress = '192.0.2.10'
        Enable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        $pctx.CallerIpAddress = '10.20.30.40'
        (Enable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws).Enabled | Should -BeTrue
    }

    It 'goes ahead with -Force, with a warning' {
        $f = Enable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws -CallerIpAddress '192.0.2.10' -Force -WarningVariable warn -WarningAction SilentlyContinue
        $f.Enabled | Should -BeTrue
        $warn[0].Message | Should -BeLike '*192.0.2.10*-Force*'
    }

    It 'asks interactively: answering No leaves the feature off' {
        $r = Invoke-WithAnsweringHost 1 {
            param($c, $w) Enable-DbxIpAccessListFeature -Context $c -WorkspaceId $w -CallerIpAddress '192.0.2.10'
        } @($pctx, $ws)
        $r.Prompts.Count | Should -Be 1
        $r.Prompts[0] | Should -BeLike '*lockout*192.0.2.10*Make the change anyway?*'
        $r.Output | Should -BeNullOrEmpty
        $r.Errors | Should -BeNullOrEmpty
        (Get-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws).Enabled | Should -BeFalse
    }

    It 'asks interactively: answering Yes enables it' {
        $r = Invoke-WithAnsweringHost 0 {
            param($c, $w) Enable-DbxIpAccessListFeature -Context $c -WorkspaceId $w -CallerIpAddress '192.0.2.10'
        } @($pctx, $ws)
        $r.Prompts.Count | Should -Be 1
        $r.Output[0].Enabled | Should -BeTrue
        (Get-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws).Enabled | Should -BeTrue
    }

    It 'does not ask when the caller stays allowed' {
        $r = Invoke-WithAnsweringHost 1 {
            param($c, $w) Enable-DbxIpAccessListFeature -Context $c -WorkspaceId $w -CallerIpAddress '10.1.2.3'
        } @($pctx, $ws)
        $r.Prompts.Count | Should -Be 0
        $r.Output[0].Enabled | Should -BeTrue
    }

    It 'guards a replaced ALLOW list that no longer covers the caller' {
        Set-DbxIpAccessList -Context $pctx -WorkspaceId $ws -ListId $allow.ListId -Label 'office' -ListType Allow -IpAddress '127.0.0.1', '10.0.0.0/16' -CallerIpAddress '10.9.0.1' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        (Get-DbxIpAccessList -Context $pctx -WorkspaceId $ws -ListId $allow.ListId).IpAddresses | Should -Contain '10.0.0.0/8'
    }

    It 'guards a new BLOCK list and a removed ALLOW list' {
        New-DbxIpAccessList -Context $pctx -WorkspaceId $ws -Label 'bad' -ListType Block -IpAddress '10.9.0.0/16' -CallerIpAddress '10.9.0.1' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        $extra = New-DbxIpAccessList -Context $pctx -WorkspaceId $ws -Label 'extra' -ListType Allow -IpAddress '192.0.2.0/24'
        Remove-DbxIpAccessList -Context $pctx -WorkspaceId $ws -ListId $extra.ListId -CallerIpAddress '192.0.2.5' -Confirm:$false -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        Remove-DbxIpAccessList -Context $pctx -WorkspaceId $ws -ListId $extra.ListId -Force
        @(Get-DbxIpAccessList -Context $pctx -WorkspaceId $ws).Count | Should -Be 1
    }

    It 'refuses an invalid -CallerIpAddress' {
        Enable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws -CallerIpAddress 'my-laptop' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidCallerIpAddress,*'
    }
}

Describe 'Real enforcement by the emulator' {
    AfterAll { Clear-All }

    It 'answers 403 to a blocked workspace caller once the feature is on, and only then' {
        $allow = New-DbxIpAccessList -Context $pctx -WorkspaceId $ws -Label 'office' -ListType Allow -IpAddress '127.0.0.1', '10.0.0.0/8'
        Test-Forged '192.0.2.50' $ws | Should -BeTrue
        Enable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $ws | Out-Null
        Test-Forged '10.1.2.3' $ws | Should -BeTrue
        Test-Forged '192.0.2.50' $ws | Should -BeFalse
        Invoke-DbxApi Get '/api/2.0/ip-access-lists' -Context $pctx -WorkspaceId $ws -Header @{ 'X-Forwarded-For' = '192.0.2.50' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApi403,*' -Because 'the real block answer carries the numeric error_code 403'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -BeLike '*192.0.2.50 is blocked by Databricks IP ACL for workspace: 1111111111111111*'
        # The test's own address (127.0.0.1) is allowed; other workspaces are not affected.
        Get-DbxIpAccessList -Context $pctx -WorkspaceId $ws | Should -Not -BeNullOrEmpty
        Test-Forged '192.0.2.50' 2222222222222222 | Should -BeTrue
        # A disabled list is ignored: disabling the only ALLOW list lets everyone in.
        Update-DbxIpAccessList -Context $pctx -WorkspaceId $ws -ListId $allow.ListId -Enabled:$false | Out-Null
        Test-Forged '192.0.2.50' $ws | Should -BeTrue
        # Enabling a list that excludes the caller locks the forged caller out again.
        Update-DbxIpAccessList -Context $pctx -WorkspaceId $ws -ListId $allow.ListId -Enabled:$true | Out-Null
        Test-Forged '192.0.2.50' $ws | Should -BeFalse
    }

    It 'enforces account lists by default and stops when the account switch is off' {
        New-DbxAccountIpAccessList -Context $pctx -Label 'admins' -ListType Allow -IpAddress '127.0.0.1', '10.0.0.0/8' | Out-Null
        Test-Forged '10.0.0.1' | Should -BeTrue
        Test-Forged '192.0.2.50' | Should -BeFalse
        Disable-DbxAccountIpAccessListFeature -Context $pctx | Out-Null
        Test-Forged '192.0.2.50' | Should -BeTrue
    }

    It 'the emulator refuses a change that blocks the caller''s own address (INVALID_STATE)' {
        Invoke-DbxApi Post '/api/2.0/ip-access-lists' -Context $pctx -WorkspaceId $ws -Body @{ label = 'x'; list_type = 'BLOCK'; ip_addresses = @('10.5.0.0/16') } `
            -Header @{ 'X-Forwarded-For' = '10.5.1.1' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState,*'
    }
}

Describe 'Test-DbxIpAccess' {
    BeforeAll {
        $script:tws = [long]2222222222222222
        # prod-us has the demo account's enforced BLOCK list: start from no lists and the feature off.
        Get-DbxIpAccessList -Context $pctx -WorkspaceId $tws | Remove-DbxIpAccessList -Context $pctx -Force
        Disable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $tws | Out-Null
        $rng = [Random]::new(4242)
        function New-RandomCidr {
            $prefix = $rng.Next(18, 31)
            $addr = (10 -shl 24) + $rng.Next(0, 65536)
            $mask = [uint32](([uint64]4294967295 -shl (32 - $prefix)) -band [uint64]4294967295)
            $net = [uint32]$addr -band $mask
            '{0}.{1}.{2}.{3}/{4}' -f ($net -shr 24), (($net -shr 16) -band 255), (($net -shr 8) -band 255), ($net -band 255), $prefix
        }
        $script:lists = @(
            New-DbxIpAccessList -Context $pctx -WorkspaceId $tws -Label 'loopback' -ListType Allow -IpAddress '127.0.0.1'
            foreach ($i in 1..3) { New-DbxIpAccessList -Context $pctx -WorkspaceId $tws -Label "allow-$i" -ListType Allow -IpAddress (1..$rng.Next(3, 9) | ForEach-Object { New-RandomCidr }) }
            foreach ($i in 1..2) { New-DbxIpAccessList -Context $pctx -WorkspaceId $tws -Label "block-$i" -ListType Block -IpAddress (1..$rng.Next(3, 7) | ForEach-Object { New-RandomCidr }) }
        )
        # One ALLOW and one BLOCK list are disabled: both must be ignored.
        Update-DbxIpAccessList -Context $pctx -WorkspaceId $tws -ListId $lists[3].ListId -Enabled:$false | Out-Null
        Update-DbxIpAccessList -Context $pctx -WorkspaceId $tws -ListId $lists[5].ListId -Enabled:$false | Out-Null
        $script:addresses = 1..1000 | ForEach-Object { '10.0.{0}.{1}' -f $rng.Next(0, 256), $rng.Next(0, 256) }
    }
    AfterAll {
        Disable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $tws | Out-Null
        Get-DbxIpAccessList -Context $pctx -WorkspaceId $tws | Remove-DbxIpAccessList -Context $pctx -Force
    }

    It 'says every address is allowed while the feature is off, and what the lists would decide' {
        $d = Test-DbxIpAccess -Context $pctx -WorkspaceId $tws -IpAddress '192.0.2.1'
        $d.Allowed | Should -BeTrue
        $d.FeatureEnabled | Should -BeFalse
        $d.AllowedByLists | Should -BeFalse
        $d.Reason | Should -BeLike '*not enforced*would be blocked*'
    }

    It 'agrees with the emulator''s real decision on 1000 random addresses' {
        Enable-DbxIpAccessListFeature -Context $pctx -WorkspaceId $tws | Out-Null
        $decisions = $addresses | Test-DbxIpAccess -Context $pctx -WorkspaceId $tws
        $decisions.Count | Should -Be 1000
        $mismatch = foreach ($d in $decisions) {
            if ((Test-Forged $d.IpAddress $tws) -ne $d.Allowed) { $d }
        }
        $mismatch | Should -BeNullOrEmpty
        # The random lists exercise every kind of decision.
        @($decisions | Where-Object { $_.Allowed -and $_.ListType -eq 'ALLOW' }).Count | Should -BeGreaterThan 0
        @($decisions | Where-Object { -not $_.Allowed -and $_.ListType -eq 'BLOCK' }).Count | Should -BeGreaterThan 0
        @($decisions | Where-Object { -not $_.Allowed -and -not $_.ListId }).Count | Should -BeGreaterThan 0
        $decisions.ListId | Should -Not -Contain $lists[3].ListId
        $decisions.ListId | Should -Not -Contain $lists[5].ListId
    }

    It 'names the deciding list and entry' {
        $block = $lists[4]
        $entry = $block.IpAddresses[0]
        $first = ($entry -split '/')[0]
        $d = Test-DbxIpAccess -Context $pctx -WorkspaceId $tws -IpAddress $first
        $d.Decision | Should -Be 'Blocked'
        $d.ListId | Should -Be $block.ListId
        $d.ListLabel | Should -Be 'block-1'
        $d.Entry | Should -Be $entry
        $d.Reason | Should -BeLike "*$entry*block-1*"
        $d = Test-DbxIpAccess -Context $pctx -WorkspaceId $tws -IpAddress '127.0.0.1'
        $d.Decision | Should -Be 'Allowed'
        $d.ListLabel | Should -Be 'loopback'
    }

    It 'tests the account console''s lists with -Account' {
        $a = New-DbxAccountIpAccessList -Context $pctx -Label 'acct-block' -ListType Block -IpAddress '198.51.100.0/24'
        try {
            $d = '198.51.100.4', '192.0.2.1' | Test-DbxIpAccess -Context $pctx -Account
            $d[0].Decision | Should -Be 'Blocked'
            $d[0].Scope | Should -Be 'Account'
            $d[0].Entry | Should -Be '198.51.100.0/24'
            $d[1].Decision | Should -Be 'Allowed'
            (Test-Forged '198.51.100.4') | Should -BeFalse
        }
        finally { Remove-DbxAccountIpAccessList -Context $pctx -ListId $a.ListId -Force }
    }

    It 'refuses an invalid address' {
        Test-DbxIpAccess -Context $pctx -WorkspaceId $tws -IpAddress '10.0.0.0/8' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidIpAddress,*'
    }
}
