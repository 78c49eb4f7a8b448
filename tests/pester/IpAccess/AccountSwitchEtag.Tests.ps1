# The account switch acct_ip_acl_enable against an emulator that speaks the real settings etag protocol: a never-written
# setting is 404, a write without the current etag is refused with the etag in the error's ErrorInfo details (409
# RESOURCE_CONFLICT, or 404 NOT_FOUND when never written), and DELETE reverts to the default (on). Private emulator,
# second account of the seed: the demo account has the switch written (off, beside its account console list).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    $seed = Get-TestSeed
    $script:pctx = Connect-DbxAccount -AccountHost $emu.Url -AccountId $seed.OtherAccountId -ClientId $seed.OtherClientId `
        -ClientSecret (ConvertTo-TestSecret $seed.OtherSecret) -NoDefault -CallerIpLookupUrl "$($emu.Url.TrimEnd('/'))/checkip"
    $script:path = '/api/2.0/accounts/{account_id}/settings/types/acct_ip_acl_enable/names/default'
    $script:route = 'settings/types/acct_ip_acl_enable/names/default'
    function Get-SwitchCount([string]$Method) { Get-EmulatorRouteCount -Route "$Method /api/2.0/accounts/*/$route" -Url $emu.Url }
}
AfterAll { $emu | Stop-TestService }

Describe 'acct_ip_acl_enable etag protocol' {
    It 'reports a never-written setting as its default (on) without an etag' {
        $f = Get-DbxAccountIpAccessListFeature -Context $pctx
        $f.Enabled | Should -BeTrue
        $f.IsDefault | Should -BeTrue
        $f.Etag | Should -BeNullOrEmpty
        Invoke-DbxApi Get $path -Context $pctx -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist,*'
    }

    It 'writes a never-written setting: the 404 NOT_FOUND is retried once with the etag the error names' {
        Reset-EmulatorRequests -Url $emu.Url
        $off = Disable-DbxAccountIpAccessListFeature -Context $pctx -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -is [DatabricksNetworking.Models.IpAccessListFeature] }
        $off.Enabled | Should -BeFalse
        $off.Etag | Should -Not -BeNullOrEmpty
        Get-SwitchCount PATCH | Should -Be 2
        ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'HTTP 404 NOT_FOUND.*retrying once'
        $now = Invoke-DbxApi Get $path -Context $pctx
        $now.acct_ip_acl_enable.value | Should -BeFalse
        $now.etag | Should -Be $off.Etag
    }

    It 'keeps the service''s ErrorInfo etag on the error of a stale write (409 RESOURCE_CONFLICT)' {
        $current = (Get-DbxAccountIpAccessListFeature -Context $pctx).Etag
        $body = @{ allow_missing = $true; field_mask = 'acct_ip_acl_enable.value'; setting = @{ acct_ip_acl_enable = @{ value = $true }; etag = 'c3RhbGU=' } }
        Invoke-DbxApi Patch $path -Context $pctx -Body $body -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceConflict,*'
        $err[0].Exception.StatusCode | Should -Be 409
        $err[0].Exception.ErrorInfoMetadata('etag') | Should -Be $current
        $err[0].Exception.ErrorInfo[0].Reason | Should -Be 'RESOURCE_CONFLICT'
        (Get-DbxAccountIpAccessListFeature -Context $pctx).Enabled | Should -BeFalse
    }

    It 'writes a written setting with one read and one PATCH, and the etag changes' {
        $before = (Get-DbxAccountIpAccessListFeature -Context $pctx).Etag
        Reset-EmulatorRequests -Url $emu.Url
        $on = Enable-DbxAccountIpAccessListFeature -Context $pctx
        $on.Enabled | Should -BeTrue
        $on.Etag | Should -Not -Be $before
        Get-SwitchCount PATCH | Should -Be 1
        Disable-DbxAccountIpAccessListFeature -Context $pctx | Out-Null
    }
}

Describe 'Reset-DbxAccountIpAccessListFeature' {
    AfterAll {
        Get-DbxAccountIpAccessList -Context $pctx | Remove-DbxAccountIpAccessList -Context $pctx -Force
    }

    It 'has ConfirmImpact High and -WhatIf sends nothing' {
        (Get-Command Reset-DbxAccountIpAccessListFeature).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        Disable-DbxAccountIpAccessListFeature -Context $pctx | Out-Null
        $before = Get-EmulatorRequestCount -Url $emu.Url
        Reset-DbxAccountIpAccessListFeature -Context $pctx -WhatIf | Should -BeNullOrEmpty
        (Get-EmulatorRequestCount -Url $emu.Url) - $before | Should -Be 0
        (Get-DbxAccountIpAccessListFeature -Context $pctx).Enabled | Should -BeFalse
    }

    It 'refuses in a non-interactive run when the account lists would lock the caller out once enforcement is back on' {
        New-DbxAccountIpAccessList -Context $pctx -Label 'office-only' -ListType Allow -IpAddress '127.0.0.1', '10.0.0.0/8' | Out-Null
        Reset-DbxAccountIpAccessListFeature -Context $pctx -CallerIpAddress '192.0.2.10' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        $err[0].Exception.Message | Should -BeLike '*192.0.2.10*account console*'
        Get-SwitchCount DELETE | Should -Be 0
        (Get-DbxAccountIpAccessListFeature -Context $pctx).Enabled | Should -BeFalse
    }

    It 'reverts to the default (on) with the current etag; the setting then reads as never written' {
        Reset-EmulatorRequests -Url $emu.Url
        $r = Reset-DbxAccountIpAccessListFeature -Context $pctx -CallerIpAddress '10.1.2.3' -Force
        $r | Should -BeOfType DatabricksNetworking.Models.IpAccessListFeature
        $r.Enabled | Should -BeTrue
        $r.IsDefault | Should -BeTrue
        $r.Etag | Should -Not -BeNullOrEmpty
        Get-SwitchCount DELETE | Should -Be 1
        $f = Get-DbxAccountIpAccessListFeature -Context $pctx
        $f.Enabled | Should -BeTrue
        $f.IsDefault | Should -BeTrue
    }

    It 'leaves a setting at its default alone (no DELETE), and pipes into Format-List' {
        Reset-EmulatorRequests -Url $emu.Url
        $r = Reset-DbxAccountIpAccessListFeature -Context $pctx -Force
        $r.Enabled | Should -BeTrue
        $r.Etag | Should -BeNullOrEmpty
        Get-SwitchCount DELETE | Should -Be 0
        ($r | Format-List Scope, Enabled, IsDefault | Out-String) | Should -Match 'Account'
    }
}
