# The lockout guard is always on (issue 18). After a plain Connect-DbxAccount the caller's address is unknown; an
# unknown address must never mean "safe". Every lockout path below is run with the address unknown (lookup off), in a
# non-interactive session (refused, naming -CallerIpAddress, nothing changed) and in an interactive one (asked,
# default/answer No, nothing changed).
#
# The lockout paths (W = workspace, A = account console; each is one case, 32 in all):
#   1/2   W/A  Enable the switch while no ALLOW list covers every address that gets in now
#   3/4   W/A  New BLOCK list covering addresses that get in now
#   5/6   W/A  New first ALLOW list (not covering everyone)
#   7/8   W/A  Set (PUT) a list: replace the values of an ALLOW list
#   9/10  W/A  Set (PUT) a list: change its type ALLOW -> BLOCK
#  11/12  W/A  Update (PATCH) -Enabled:$false of an ALLOW list (another ALLOW list stays)
#  13/14  W/A  Update (PATCH) -IpAddress replacing an ALLOW list's values
#  15/16  W/A  Update (PATCH) -ListType Block of an ALLOW list
#  17/18  W/A  Update (PATCH) -Enabled:$true of a disabled BLOCK list
#  19/20  W/A  Remove an ALLOW list by id
#  21/22  W/A  Remove an ALLOW list through Get | Remove
#  23/24  W/A  Remove-DbxIpAccessListEntry taking addresses out of an ALLOW list
#  25/26  W/A  Add-DbxIpAccessListEntry adding addresses to a BLOCK list
#  27/28  W/A  Import-DbxNetworkConfiguration -IncludeFeatureSwitch turning the switch on
#  29/30  W/A  Import-DbxNetworkConfiguration -RemoveExtra deleting an ALLOW list
#  31/32  W/A  Import-DbxNetworkConfiguration replacing an ALLOW list's values
# The test runner's own address (127.0.0.1, what the emulator sees) stays allowed throughout ('lab' list); the
# addresses that lose access are 192.0.2.0/24 and 198.51.100.0/24 ('office' list), any of which could be the caller.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Reliability/ReliabilityHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet', '--trust-forwarded-for')   # the forged X-Forwarded-For case below
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:ws = [long]1111111111111111
    $script:snapDir = Join-Path ([IO.Path]::GetTempPath()) ("lockout-" + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Path $snapDir | Out-Null
    $script:snap = $null
    $script:q = @{ Force = $true; WarningAction = 'SilentlyContinue'; Confirm = $false }

    function Get-Lists([bool]$Account) {
        if ($Account) { Get-DbxAccountIpAccessList -Context $ctx } else { Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws }
    }
    function Get-State {
        # Everything a lockout path could change, as one string.
        $lists = foreach ($a in $false, $true) {
            Get-Lists $a | Sort-Object Label | ForEach-Object { "$a|$($_.Label)|$($_.ListType)|$($_.Enabled)|$(($_.IpAddresses | Sort-Object) -join ',')" }
        }
        $w = (Get-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws).Enabled
        $acc = (Get-DbxAccountIpAccessListFeature -Context $ctx).Enabled
        (@($lists) + "ws-switch=$w" + "account-switch=$acc") -join "`n"
    }
    function New-L([bool]$Account, [string]$Label, [string]$Type, [string[]]$Ips) {
        if ($Account) { New-DbxAccountIpAccessList -Context $ctx -Label $Label -ListType $Type -IpAddress $Ips @q }
        else { New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label $Label -ListType $Type -IpAddress $Ips @q }
    }
    function Reset-Baseline([bool]$Account, [switch]$NoAllow, [switch]$SwitchOn, [switch]$AccountOff) {
        # Both scopes emptied ('lab', which lets the runner in, last), then the case's scope gets: ALLOW lab, ALLOW office,
        # BLOCK bad, BLOCK dormant (disabled). All with -Force: the guard only warns, and looks nothing up.
        Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws | Sort-Object { $_.Label -eq 'lab' } | Remove-DbxIpAccessList -Context $ctx @q
        Get-DbxAccountIpAccessList -Context $ctx | Sort-Object { $_.Label -eq 'lab' } | Remove-DbxAccountIpAccessList -Context $ctx @q
        Disable-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws | Out-Null
        Enable-DbxAccountIpAccessListFeature -Context $ctx @q | Out-Null
        if (-not $NoAllow) {
            New-L $Account 'lab' Allow '127.0.0.1', '10.0.0.0/8' | Out-Null
            New-L $Account 'office' Allow '192.0.2.0/24', '198.51.100.0/24' | Out-Null
        }
        New-L $Account 'bad' Block '203.0.113.0/24' | Out-Null
        $d = New-L $Account 'dormant' Block '192.0.2.0/24'
        if ($Account) { Update-DbxAccountIpAccessList -Context $ctx -ListId $d.ListId -Enabled:$false @q | Out-Null }
        else { Update-DbxIpAccessList -Context $ctx -WorkspaceId $ws -ListId $d.ListId -Enabled:$false @q | Out-Null }
        if ($SwitchOn -and -not $Account) { Enable-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws @q | Out-Null }
        if ($AccountOff) { Disable-DbxAccountIpAccessListFeature -Context $ctx @q | Out-Null }
        $ctx.CallerIpAddress = $null
    }
    function Export-Snap {
        $script:snap = Join-Path $snapDir ([guid]::NewGuid().ToString('n') + '.json')
        Export-DbxNetworkConfiguration -Context $ctx -Path $snap -WarningAction SilentlyContinue -ErrorAction SilentlyContinue | Out-Null
    }
    function Id([bool]$Account, [string]$Label) { (Get-Lists $Account | Where-Object Label -eq $Label).ListId }

    # Each case: Setup (leaves the live state before the change), Change (run with $c = context, $w = workspace id,
    # $id = the id of list 'office' or of the list the case names, $p = snapshot path).
    $script:cases = [System.Collections.Generic.List[object]]::new()
    function Add-Case([string]$Name, [scriptblock]$Setup, [string]$IdOf, [scriptblock]$Workspace, [scriptblock]$Account) {
        $cases.Add([pscustomobject]@{ Name = "W: $Name"; Account = $false; Setup = $Setup; IdOf = $IdOf; Change = $Workspace })
        $cases.Add([pscustomobject]@{ Name = "A: $Name"; Account = $true; Setup = $Setup; IdOf = $IdOf; Change = $Account })
    }
    Add-Case 'enable the switch' { param($a) Reset-Baseline $a -AccountOff:$a } $null `
        { param($c, $w) Enable-DbxIpAccessListFeature -Context $c -WorkspaceId $w } `
        { param($c) Enable-DbxAccountIpAccessListFeature -Context $c }
    Add-Case 'new BLOCK list' { param($a) Reset-Baseline $a } $null `
        { param($c, $w) New-DbxIpAccessList -Context $c -WorkspaceId $w -Label 'new-block' -ListType Block -IpAddress '192.0.2.0/25' } `
        { param($c) New-DbxAccountIpAccessList -Context $c -Label 'new-block' -ListType Block -IpAddress '192.0.2.0/25' }
    Add-Case 'new first ALLOW list' { param($a) Reset-Baseline $a -NoAllow } $null `
        { param($c, $w) New-DbxIpAccessList -Context $c -WorkspaceId $w -Label 'first' -ListType Allow -IpAddress '127.0.0.1', '10.0.0.0/8' } `
        { param($c) New-DbxAccountIpAccessList -Context $c -Label 'first' -ListType Allow -IpAddress '127.0.0.1', '10.0.0.0/8' }
    Add-Case 'Set replaces the values of an ALLOW list' { param($a) Reset-Baseline $a } 'office' `
        { param($c, $w, $id) Set-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -Label 'office' -ListType Allow -IpAddress '198.51.100.0/24' } `
        { param($c, $w, $id) Set-DbxAccountIpAccessList -Context $c -ListId $id -Label 'office' -ListType Allow -IpAddress '198.51.100.0/24' }
    Add-Case 'Set changes an ALLOW list to BLOCK' { param($a) Reset-Baseline $a } 'office' `
        { param($c, $w, $id) Set-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -Label 'office' -ListType Block -IpAddress '192.0.2.0/24', '198.51.100.0/24' } `
        { param($c, $w, $id) Set-DbxAccountIpAccessList -Context $c -ListId $id -Label 'office' -ListType Block -IpAddress '192.0.2.0/24', '198.51.100.0/24' }
    Add-Case 'Update disables an ALLOW list' { param($a) Reset-Baseline $a } 'office' `
        { param($c, $w, $id) Update-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -Enabled:$false } `
        { param($c, $w, $id) Update-DbxAccountIpAccessList -Context $c -ListId $id -Enabled:$false }
    Add-Case 'Update replaces the values of an ALLOW list' { param($a) Reset-Baseline $a } 'office' `
        { param($c, $w, $id) Update-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -IpAddress '198.51.100.7' } `
        { param($c, $w, $id) Update-DbxAccountIpAccessList -Context $c -ListId $id -IpAddress '198.51.100.7' }
    Add-Case 'Update changes an ALLOW list to BLOCK' { param($a) Reset-Baseline $a } 'office' `
        { param($c, $w, $id) Update-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -ListType Block } `
        { param($c, $w, $id) Update-DbxAccountIpAccessList -Context $c -ListId $id -ListType Block }
    Add-Case 'Update enables a disabled BLOCK list' { param($a) Reset-Baseline $a } 'dormant' `
        { param($c, $w, $id) Update-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -Enabled:$true } `
        { param($c, $w, $id) Update-DbxAccountIpAccessList -Context $c -ListId $id -Enabled:$true }
    Add-Case 'Remove an ALLOW list by id' { param($a) Reset-Baseline $a } 'office' `
        { param($c, $w, $id) Remove-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -Confirm:$false } `
        { param($c, $w, $id) Remove-DbxAccountIpAccessList -Context $c -ListId $id -Confirm:$false }
    Add-Case 'Get | Remove an ALLOW list' { param($a) Reset-Baseline $a } $null `
        { param($c, $w) Get-DbxIpAccessList -Context $c -WorkspaceId $w -Label 'office' | Remove-DbxIpAccessList -Context $c -Confirm:$false } `
        { param($c) Get-DbxAccountIpAccessList -Context $c -Label 'office' | Remove-DbxAccountIpAccessList -Context $c -Confirm:$false }
    Add-Case 'Remove-DbxIpAccessListEntry from an ALLOW list' { param($a) Reset-Baseline $a } 'office' `
        { param($c, $w, $id) Remove-DbxIpAccessListEntry -Context $c -WorkspaceId $w -ListId $id -IpAddress '192.0.2.0/24' -Confirm:$false } `
        { param($c, $w, $id) Remove-DbxIpAccessListEntry -Context $c -Account -ListId $id -IpAddress '192.0.2.0/24' -Confirm:$false }
    Add-Case 'Add-DbxIpAccessListEntry to a BLOCK list' { param($a) Reset-Baseline $a } 'bad' `
        { param($c, $w, $id) Add-DbxIpAccessListEntry -Context $c -WorkspaceId $w -ListId $id -IpAddress '192.0.2.7' } `
        { param($c, $w, $id) Add-DbxIpAccessListEntry -Context $c -Account -ListId $id -IpAddress '192.0.2.7' }
    Add-Case 'Import -IncludeFeatureSwitch turns the switch on' {
        param($a)
        Reset-Baseline $a -SwitchOn
        Export-Snap
        if ($a) { Disable-DbxAccountIpAccessListFeature -Context $ctx @q | Out-Null } else { Disable-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws | Out-Null }
    } $null `
        { param($c, $w, $id, $p) Import-DbxNetworkConfiguration -Context $c -Path $p -Include IpAccessList -IncludeFeatureSwitch } `
        { param($c, $w, $id, $p) Import-DbxNetworkConfiguration -Context $c -Path $p -Include AccountIpAccessList -IncludeFeatureSwitch }
    Add-Case 'Import -RemoveExtra deletes an ALLOW list' {
        param($a)
        Reset-Baseline $a -SwitchOn
        if ($a) { Remove-DbxAccountIpAccessList -Context $ctx -ListId (Id $a 'office') @q } else { Remove-DbxIpAccessList -Context $ctx -WorkspaceId $ws -ListId (Id $a 'office') @q }
        Export-Snap
        New-L $a 'office' Allow '192.0.2.0/24', '198.51.100.0/24' | Out-Null
    } $null `
        { param($c, $w, $id, $p) Import-DbxNetworkConfiguration -Context $c -Path $p -Include IpAccessList -RemoveExtra -Confirm:$false } `
        { param($c, $w, $id, $p) Import-DbxNetworkConfiguration -Context $c -Path $p -Include AccountIpAccessList -RemoveExtra -Confirm:$false }
    Add-Case 'Import replaces the values of an ALLOW list' {
        param($a)
        Reset-Baseline $a -SwitchOn
        $id = Id $a 'office'
        if ($a) { Set-DbxAccountIpAccessList -Context $ctx -ListId $id -Label 'office' -ListType Allow -IpAddress '198.51.100.0/24' @q | Out-Null }
        else { Set-DbxIpAccessList -Context $ctx -WorkspaceId $ws -ListId $id -Label 'office' -ListType Allow -IpAddress '198.51.100.0/24' @q | Out-Null }
        Export-Snap
        if ($a) { Set-DbxAccountIpAccessList -Context $ctx -ListId $id -Label 'office' -ListType Allow -IpAddress '192.0.2.0/24', '198.51.100.0/24' @q | Out-Null }
        else { Set-DbxIpAccessList -Context $ctx -WorkspaceId $ws -ListId $id -Label 'office' -ListType Allow -IpAddress '192.0.2.0/24', '198.51.100.0/24' @q | Out-Null }
    } $null `
        { param($c, $w, $id, $p) Import-DbxNetworkConfiguration -Context $c -Path $p -Include IpAccessList } `
        { param($c, $w, $id, $p) Import-DbxNetworkConfiguration -Context $c -Path $p -Include AccountIpAccessList }

    function Invoke-Case($Case, [switch]$Interactive) {
        # Sets the case up, runs its change with the caller's address unknown, and tells what happened.
        $ctx.NoCallerIpLookup = $true
        $ctx.CallerIpAddress = $null
        & $Case.Setup $Case.Account
        $id = if ($Case.IdOf) { Id $Case.Account $Case.IdOf } else { $null }
        $before = Get-State
        if ($Interactive) {
            $r = Invoke-WithAnsweringHost 1 $Case.Change @($ctx, $ws, $id, $snap)
            $errors = $r.Errors; $prompts = $r.Prompts
            $defaults = @(for ($i = 0; $i -lt $r.Prompts.Count; $i++) { if ($r.Prompts[$i] -like '*lockout*') { $r.Defaults[$i] } })
        }
        else {
            $prompts = @(); $defaults = @()
            $ErrorActionPreference = 'Continue'
            $errors = @(& $Case.Change $ctx $ws $id $snap 2>&1 3>$null | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        }
        [pscustomobject]@{
            Unchanged = ((Get-State) -eq $before)
            Lockout   = @($errors | Where-Object { $_.FullyQualifiedErrorId -like 'DbxIpAccessLockout,*' })
            Prompts   = @($prompts | Where-Object { $_ -like '*lockout*' })
            Defaults  = @($defaults)
            Errors    = @($errors)
        }
    }
}

AfterAll {
    $emu | Stop-TestService
    Remove-Item $snapDir -Recurse -ErrorAction SilentlyContinue
}

Describe 'Every lockout path with the caller''s address unknown' {
    It 'there are 32 lockout paths' {
        $cases.Count | Should -Be 32
    }

    It 'non-interactive: each is refused, names -CallerIpAddress, and changes nothing' {
        $refused = 0
        $failures = foreach ($case in $cases) {
            $r = Invoke-Case $case
            if ($r.Unchanged -and $r.Lockout.Count -ge 1 -and $r.Lockout[0].Exception.Message -like '*-CallerIpAddress*-Force*') { $refused++ }
            else { "$($case.Name): unchanged=$($r.Unchanged) lockout errors=$($r.Lockout.Count) errors=$(($r.Errors | ForEach-Object FullyQualifiedErrorId) -join '; ')" }
        }
        Write-Host "lockout paths (non-interactive): $refused refused of $($cases.Count)"
        $script:refusedPaths = $refused
        $failures | Should -BeNullOrEmpty
        $refused | Should -Be $cases.Count
    }

    It 'interactive: each asks, with No as the default answer, and answering No changes nothing' {
        $asked = 0
        $failures = foreach ($case in $cases) {
            $r = Invoke-Case $case -Interactive
            # Each lockout question's default answer is No (a tired admin pressing Enter changes nothing).
            if ($r.Unchanged -and $r.Prompts.Count -ge 1 -and $r.Lockout.Count -eq 0 -and @($r.Defaults | Where-Object { $_ -ne 'No' }).Count -eq 0) { $asked++ }
            else { "$($case.Name): unchanged=$($r.Unchanged) prompts=$($r.Prompts.Count) defaults=$($r.Defaults -join ',') errors=$(($r.Errors | ForEach-Object FullyQualifiedErrorId) -join '; ')" }
        }
        Write-Host "lockout paths (interactive): $asked asked and declined of $($cases.Count)"
        # The reliability report's row for this suite: 32 paths, each run non-interactively (refused) and interactively (declined).
        Write-ReliabilitySummary -Suite 'Lockout guard paths (lockout suite)' -Operations (2 * $cases.Count) -PathsRefused "$($script:refusedPaths) of $($cases.Count) refused non-interactively; $asked of $($cases.Count) asked interactively"
        $failures | Should -BeNullOrEmpty
        $asked | Should -Be $cases.Count
    }

    It '-Force goes ahead with a warning (enable the switch)' {
        $ctx.NoCallerIpLookup = $true
        Reset-Baseline $false
        $f = Enable-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws -Force -WarningVariable warn -WarningAction SilentlyContinue
        $f.Enabled | Should -BeTrue
        $warn[0].Message | Should -BeLike '*not known*-Force*'
    }

    It 'a change that takes access away from nobody is not questioned' {
        $ctx.NoCallerIpLookup = $true
        $ctx.CallerIpAddress = $null
        Reset-Baseline $false
        $office = Id $false 'office'
        Add-DbxIpAccessListEntry -Context $ctx -WorkspaceId $ws -ListId $office -IpAddress '172.16.0.0/12' -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label 'more' -ListType Allow -IpAddress '172.31.0.1' -ErrorVariable +err -ErrorAction SilentlyContinue | Out-Null
        Remove-DbxIpAccessList -Context $ctx -WorkspaceId $ws -ListId (Id $false 'bad') -Confirm:$false -ErrorVariable +err -ErrorAction SilentlyContinue
        $err | Should -BeNullOrEmpty
        (Get-Lists $false).Label | Should -Contain 'more'
        (Get-Lists $false).Label | Should -Not -Contain 'bad'
    }
}

Describe 'Learning the caller''s address' {
    BeforeEach { $ctx.CallerIpAddress = $null; $ctx.NoCallerIpLookup = $false; $ctx.CallerIpLookupUrl = "$($emu.Url)/checkip" }
    AfterAll { $ctx.CallerIpAddress = $null; $ctx.CallerIpLookupUrl = "$($emu.Url)/checkip" }

    It 'looks it up (no credential sent) only when a change needs it, keeps it on the context and says so' {
        Reset-Baseline $false
        $ctx.CallerIpAddress = $null
        $ctx.CallerIpLookupUrl = "$($emu.Url)/checkip?ip=192.0.2.10"
        # Reads and -WhatIf never look it up.
        Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws | Out-Null
        Get-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws | Out-Null
        Enable-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws -WhatIf
        $ctx.CallerIpAddress | Should -BeNullOrEmpty
        # 192.0.2.10 is in 'office': enabling is safe for it. (The emulator answers 400 to a lookup with a credential.)
        $f = Enable-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws -Verbose -ErrorAction Stop 4>&1
        ($f | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -BeLike '*Looking up your public address*no credential*192.0.2.10*'
        ($f | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Enabled | Should -BeTrue
        $ctx.CallerIpAddress | Should -Be '192.0.2.10'
        $ctx.CallerIpAddressSource | Should -Be "lookup $($emu.Url)/checkip?ip=192.0.2.10"
        ($ctx | Format-Table | Out-String -Width 400) | Should -BeLike '*192.0.2.10 (lookup*'
    }

    It 'with the looked-up address blocked, refuses naming it and where it came from' {
        Reset-Baseline $false
        $ctx.CallerIpLookupUrl = "$($emu.Url)/checkip?ip=172.16.5.5"
        Enable-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        $err[0].Exception.Message | Should -BeLike '*172.16.5.5 (lookup*'
        (Get-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws).Enabled | Should -BeFalse
    }

    It 'a failed lookup leaves the address unknown: refused' {
        Reset-Baseline $false
        $ctx.CallerIpLookupUrl = "$($emu.Url)/checkip?status=503"
        Enable-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        $err[0].Exception.Message | Should -BeLike '*not known*-CallerIpAddress*'
        $ctx.CallerIpAddress | Should -BeNullOrEmpty
    }

    It 'learns it from an IP ACL refusal, whatever the error code, but not from one for a forged X-Forwarded-For' {
        $CA = [DatabricksNetworking.Client.CallerAddress]
        $CA::FromRefusal('Source IP address: 75.125.237.108 is blocked by Databricks IP ACL for workspace: 7474646471015793 [ReqId: 1b2c]') | Should -Be '75.125.237.108'
        $CA::FromRefusal('Something else') | Should -BeNullOrEmpty
        foreach ($code in '403', 'PERMISSION_DENIED') {
            $ctx.CallerIpAddress = $null
            $null = $CA::LearnFromRefusal($ctx, [DatabricksNetworking.Client.DbxApiException]::new(403, $code, 'Source IP address: 172.16.9.9 is blocked by Databricks IP ACL for workspace: 1111111111111111', 'rid'))
            $ctx.CallerIpAddress | Should -Be '172.16.9.9'
            $ctx.CallerIpAddressSource | Should -Be 'service refusal'
        }
        # Known (and blocked): a further change that leaves it blocked is questioned, naming it and its source.
        Reset-Baseline $false
        $null = $CA::LearnFromRefusal($ctx, [DatabricksNetworking.Client.DbxApiException]::new(403, '403', 'Source IP address: 172.16.9.9 is blocked by Databricks IP ACL for workspace: 1111111111111111', 'rid'))
        New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label 'x' -ListType Block -IpAddress '198.51.100.0/24' -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        $err2[0].Exception.Message | Should -BeLike '*172.16.9.9 (service refusal*'
        # A user-given address is never replaced by a refusal; a refused request with a forged X-Forwarded-For teaches nothing.
        $ctx.CallerIpAddress = '10.1.1.1'
        $null = $CA::LearnFromRefusal($ctx, [DatabricksNetworking.Client.DbxApiException]::new(403, '403', 'Source IP address: 172.16.9.9 is blocked by Databricks IP ACL', 'rid'))
        $ctx.CallerIpAddress | Should -Be '10.1.1.1'
        $ctx.CallerIpAddress = $null
        Enable-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws -Force -WarningAction SilentlyContinue | Out-Null
        Invoke-DbxApi Get '/api/2.0/workspace-conf' -Context $ctx -WorkspaceId $ws -Query @{ keys = 'enableIpAccessLists' } -Header @{ 'X-Forwarded-For' = '172.16.9.9' } -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Match '^DbxApi(403|PermissionDenied),'   # the real block answer carries the numeric code 403
        $ctx.CallerIpAddress | Should -BeNullOrEmpty
    }

    It 'Connect-DbxAccount -CallerIpAddress sets it (source: parameter) and checks its parameters' {
        $seed = Get-TestSeed
        $c = Connect-DbxAccount -AccountHost $emu.Url -AccountId $seed.AccountId -ClientId $seed.ClientId -ClientSecret (ConvertTo-TestSecret $seed.ClientSecret) -NoDefault -CallerIpAddress ' 192.0.2.10 ' -SkipValidation
        $c.CallerIpAddress | Should -Be '192.0.2.10'
        $c.CallerIpAddressSource | Should -Be 'parameter'
        { Connect-DbxAccount -AccountHost $emu.Url -AccountId $seed.AccountId -ClientId $seed.ClientId -ClientSecret (ConvertTo-TestSecret $seed.ClientSecret) -NoDefault -CallerIpAddress 'my-laptop' -SkipValidation } |
            Should -Throw -ErrorId 'DbxInvalidCallerIpAddress*'
        { Connect-DbxAccount -AccountHost $emu.Url -AccountId $seed.AccountId -ClientId $seed.ClientId -ClientSecret (ConvertTo-TestSecret $seed.ClientSecret) -NoDefault -CallerIpLookupUrl 'http://checkip.example.com' -SkipValidation } |
            Should -Throw -ErrorId 'DbxInvalidCallerIpLookupUrl*'
        $off = Connect-DbxAccount -AccountHost $emu.Url -AccountId $seed.AccountId -ClientId $seed.ClientId -ClientSecret (ConvertTo-TestSecret $seed.ClientSecret) -NoDefault -NoCallerIpLookup -SkipValidation
        $off.NoCallerIpLookup | Should -BeTrue
    }
}

Describe 'The guard reads lists as the service does' {
    BeforeAll {
        function L([string]$Type, [string[]]$Ips, [bool]$Enabled = $true) {
            [DatabricksNetworking.Models.IpAccessList]@{ Label = "$Type-$($Ips -join ',')"; ListType = $Type; Enabled = $Enabled; IpAddresses = [System.Collections.Generic.List[string]]$Ips }
        }
        function Ip([string]$a) { $u = [uint32]0; $e = $null; [void][DatabricksNetworking.Validation.Cidr]::TryParseAddress($a, [ref]$u, [ref]$e); $u }
        $script:G = [DatabricksNetworking.Cmdlets.IpAccess.LockoutGuard]
    }

    It 'BLOCK before ALLOW, CIDR containment, disabled lists ignored, host bits read as the network' {
        $G::Evaluate([DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '10.0.0.0/8'), (L BLOCK '10.1.0.0/16')), (Ip '10.1.2.3')).Allowed | Should -BeFalse
        $G::Evaluate([DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '10.0.0.0/8'), (L BLOCK '10.1.0.0/16')), (Ip '10.2.0.1')).Allowed | Should -BeTrue
        $G::Evaluate([DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '10.0.0.0/8'), (L BLOCK '10.1.0.0/16' $false)), (Ip '10.1.2.3')).Allowed | Should -BeTrue
        $G::Evaluate([DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '10.0.0.0/8')), (Ip '11.0.0.1')).Allowed | Should -BeFalse
        $G::Evaluate([DatabricksNetworking.Models.IpAccessList[]]@((L BLOCK '192.0.2.7/24')), (Ip '192.0.2.200')).Allowed | Should -BeFalse
        $G::Evaluate([DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '192.0.2.7/24')), (Ip '192.0.2.1')).Allowed | Should -BeTrue
    }

    It 'finds who loses access, and nobody for widening changes' {
        $before = [DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '10.0.0.0/8'))
        $G::FirstLosingAccess($before, [DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '10.0.0.0/8'), (L ALLOW '192.0.2.0/24'))) | Should -BeNullOrEmpty
        $G::FirstLosingAccess($before, [DatabricksNetworking.Models.IpAccessList[]]@()) | Should -BeNullOrEmpty
        $G::FirstLosingAccess($before, [DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '10.0.0.0/9'))) | Should -Be '10.128.0.0'
        $G::FirstLosingAccess($null, [DatabricksNetworking.Models.IpAccessList[]]@((L BLOCK '0.0.0.0/1'))) | Should -Be '0.0.0.0'
        $G::FirstLosingAccess($null, [DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '0.0.0.0/0'))) | Should -BeNullOrEmpty
        $G::FirstLosingAccess($before, [DatabricksNetworking.Models.IpAccessList[]]@((L ALLOW '10.0.0.0/8'), (L BLOCK '10.255.255.255'))) | Should -Be '10.255.255.255'
    }
}
