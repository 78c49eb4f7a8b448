# The ingress lockout guard (issue 15): every change of enforced ingress is evaluated for the caller and the break-glass
# entries before it is sent. Every lockout path below is run non-interactively (refused, DbxIngressLockout, nothing sent),
# under -WhatIf (a warning naming who, nothing sent), interactively answering No (asked, default No, nothing changed)
# and with -Force (warned, sent).
#
# The guard's caller is 203.0.113.50 as servicePrincipal:7001 (the seed's service principal, the token's principal);
# the test runner itself is 127.0.0.1, kept in by the 'lab' rule so the emulator stays reachable. Workspace 3333333333333333
# (dev-us) is bound to 'guarded'; 2222222222222222 (prod-us) and 1111111111111111 stay on default-policy.
#
# The lockout paths (each one case; the count is asserted below):
#   1  Set-DbxNetworkPolicy: FullAccess -> RestrictedAccess without an allow rule for you
#   2  Set-DbxNetworkPolicy: -IngressRule replaces the rules, dropping the one that lets you in
#   3  Set-DbxNetworkPolicy: a deny rule covering your address
#   4  Set-DbxNetworkPolicy: the allow rule narrowed to another identity (user:7000)
#   5  Set-DbxNetworkPolicy: the allow rule narrowed to WorkspaceApi (you lose WorkspaceUi)
#   6  Set-DbxNetworkPolicy default-policy RestrictedAccess (every unbound workspace)
#   7  Set-DbxNetworkPolicy account-policy: the account console restricted without your address
#   8  Set-DbxNetworkPolicy: you stay in, the break-glass address (-BreakGlassIpAddress) loses access
#   9  Set-DbxNetworkPolicy: you stay in, the break-glass identity on the context (BreakGlassIdentity) loses access
#  10  Set-DbxWorkspaceNetworkPolicy: binding a workspace to a restrictive policy
#  11  Set-DbxWorkspaceNetworkPolicy: reverting to default-policy when default-policy is the restrictive one
#  12  Set-DbxNetworkPolicy with your public address unknown (no -CallerIpAddress, lookup off)
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    # Ingress is account-wide state that can lock the runner out: this file works on its own emulator.
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:q = @{ Context = $ctx; Force = $true; WarningAction = 'SilentlyContinue'; Confirm = $false }
    $script:lab = New-DbxIngressRule Allow lab -IpRange '127.0.0.1'
    $script:office = New-DbxIngressRule Allow office -IpRange '203.0.113.0/24'
    $script:wsGuarded = [long]3333333333333333
    $script:wsDefault = [long]2222222222222222

    New-DbxNetworkPolicy -Context $ctx guarded -RestrictionMode FullAccess | Out-Null
    New-DbxNetworkPolicy -Context $ctx locked -RestrictionMode FullAccess -PublicAccessRestrictionMode RestrictedAccess -IngressRule $lab | Out-Null
    Set-DbxWorkspaceNetworkPolicy -Context $ctx -WorkspaceId $wsGuarded -NetworkPolicyId guarded -Force | Out-Null

    function Reset-Baseline {
        # guarded: RestrictedAccess, lab + office; default-policy and account-policy: no public ingress restriction.
        $ctx.CallerIpAddress = '203.0.113.50'
        $ctx.CallerIdentity = 'servicePrincipal:7001'
        $ctx.BreakGlassIpAddress = $null
        $ctx.BreakGlassIdentity = $null
        $ctx.NoCallerIpLookup = $false
        Set-DbxNetworkPolicy guarded -PublicAccessRestrictionMode RestrictedAccess -IngressRule $lab, $office @q
        Set-DbxNetworkPolicy default-policy -PublicAccessRestrictionMode FullAccess -IngressRule @() @q
        Set-DbxNetworkPolicy account-policy -PublicAccessRestrictionMode FullAccess -IngressRule @() @q
        Set-DbxWorkspaceNetworkPolicy -WorkspaceId $wsGuarded -NetworkPolicyId guarded @q
        Set-DbxWorkspaceNetworkPolicy -WorkspaceId $wsDefault -NetworkPolicyId default-policy @q
    }
    function Get-State {
        # Everything a lockout path could change, as one string.
        $policies = foreach ($id in 'guarded', 'default-policy', 'account-policy', 'locked') {
            $p = Get-DbxNetworkPolicy -Context $ctx -NetworkPolicyId $id
            "$id|$($p.Ingress | ConvertTo-Json -Depth 20 -Compress)|$($p.IngressDryRun | ConvertTo-Json -Depth 20 -Compress)"
        }
        $bindings = Get-DbxWorkspaceNetworkPolicy -Context $ctx | ForEach-Object { "$($_.WorkspaceId)->$($_.NetworkPolicyId)" }
        (@($policies) + @($bindings)) -join "`n"
    }

    # Each case: Setup (after Reset-Baseline), Change (run with $c = context), and the text the refusal must contain.
    $script:cases = [System.Collections.Generic.List[object]]::new()
    function Add-Case([string]$Name, [scriptblock]$Setup, [scriptblock]$Change, [string]$Names) {
        $cases.Add([pscustomobject]@{ Name = $Name; Setup = $Setup; Change = $Change; Names = $Names })
    }
    Add-Case 'Set: RestrictedAccess without an allow rule for you' { Set-DbxNetworkPolicy guarded -PublicAccessRestrictionMode FullAccess -IngressRule $lab @q } `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c guarded -PublicAccessRestrictionMode RestrictedAccess @x } '*you (servicePrincipal:7001, from 203.0.113.50*WorkspaceUi and WorkspaceApi of workspace ''dev-us'' (3333333333333333): RESTRICTED_ACCESS and no allow rule matches*'
    Add-Case 'Set: -IngressRule drops your allow rule' {} `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c guarded -IngressRule $r.lab @x } '*no allow rule matches*guarded*'
    Add-Case 'Set: a deny rule covering you' {} `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c guarded -IngressRule $r.lab, $r.office, (New-DbxIngressRule Deny tor -IpRange '203.0.113.48/28') @x } '*deny rule ''tor'' matches*'
    Add-Case 'Set: the allow rule narrowed to another identity' {} `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c guarded -IngressRule $r.lab, (New-DbxIngressRule Allow office -IpRange '203.0.113.0/24' -Identity 'user:7000') @x } '*servicePrincipal:7001*no allow rule matches*'
    Add-Case 'Set: the allow rule narrowed to WorkspaceApi' {} `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c guarded -IngressRule $r.lab, (New-DbxIngressRule Allow office -IpRange '203.0.113.0/24' -Destination WorkspaceApi) @x } '*would lose WorkspaceUi of workspace*'
    Add-Case 'Set default-policy RestrictedAccess' {} `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c default-policy -PublicAccessRestrictionMode RestrictedAccess -IngressRule $r.lab @x } '*prod-us*default-policy*'
    Add-Case 'Set account-policy restricted without your address' {} `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c account-policy -PublicAccessRestrictionMode RestrictedAccess -IngressRule (New-DbxIngressRule Allow lab -Account -IpRange '127.0.0.1') @x } '*AccountUi and AccountApi of the account console*'
    Add-Case 'Set: the break-glass address loses access' { Set-DbxNetworkPolicy guarded -IngressRule $lab, $office, (New-DbxIngressRule Allow dc -IpRange '198.51.100.0/24') @q } `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c guarded -IngressRule $r.lab, $r.office -BreakGlassIpAddress 198.51.100.7 @x } '*break-glass servicePrincipal:7001 from 198.51.100.7 would lose WorkspaceUi and WorkspaceApi*'
    Add-Case 'Set: the context''s break-glass identity loses access' {
        Set-DbxNetworkPolicy guarded -IngressRule $lab, $office, (New-DbxIngressRule Allow admins -IpRange '198.51.100.0/24' -Identity 'user:7000') @q
        $ctx.BreakGlassIdentity = 'user:7000'
        $ctx.BreakGlassIpAddress = '198.51.100.9'
    } `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c guarded -IngressRule $r.lab, $r.office @x } '*break-glass user:7000 from 198.51.100.9*'
    Add-Case 'Bind a workspace to a restrictive policy' {} `
        { param($c, $r, $x) Set-DbxWorkspaceNetworkPolicy -Context $c -WorkspaceId 2222222222222222 -NetworkPolicyId locked @x } '*prod-us*locked*'
    Add-Case 'Revert a workspace to a restrictive default-policy' { Set-DbxNetworkPolicy default-policy -PublicAccessRestrictionMode RestrictedAccess -IngressRule $lab @q } `
        { param($c, $r, $x) Set-DbxWorkspaceNetworkPolicy -Context $c -WorkspaceId 3333333333333333 -NetworkPolicyId default-policy @x } '*dev-us*default-policy*'
    Add-Case 'Set with your public address unknown' { $ctx.CallerIpAddress = $null; $ctx.NoCallerIpLookup = $true } `
        { param($c, $r, $x) Set-DbxNetworkPolicy -Context $c guarded -PublicAccessRestrictionMode RestrictedAccess -IngressRule (New-DbxIngressRule Allow lab -IpRange '127.0.0.1') @x } '*public address unknown*-CallerIpAddress*'

    $script:rules = @{ lab = $lab; office = $office }
    function Invoke-Case($Case, [ValidateSet('Refuse', 'WhatIf', 'AnswerNo', 'Force')][string]$Mode) {
        Reset-Baseline
        & $Case.Setup
        $before = Get-State
        $writes = Get-EmulatorWriteCount -Url $emu.Url
        $errors = @(); $warnings = @(); $prompts = @(); $defaults = @()
        $ErrorActionPreference = 'Continue'
        switch ($Mode) {
            'Refuse' { $errors = @(& $Case.Change $ctx $rules @{} 2>&1 3>$null | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) }
            'WhatIf' { $warnings = @(& $Case.Change $ctx $rules @{ WhatIf = $true } 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }) }
            'AnswerNo' {
                $r = Invoke-WithAnsweringHost 1 { param($c, $r, $change) & ([scriptblock]::Create($change)) $c $r @{} } @($ctx, $rules, $Case.Change.ToString())
                $errors = $r.Errors; $prompts = @($r.Prompts | Where-Object { $_ -like 'Ingress lockout*' }); $defaults = $r.Defaults
            }
            'Force' { $warnings = @(& $Case.Change $ctx $rules @{ Force = $true; Confirm = $false } 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }) }
        }
        [pscustomobject]@{
            Unchanged = ((Get-State) -eq $before)
            Writes    = (Get-EmulatorWriteCount -Url $emu.Url) - $writes
            Lockout   = @($errors | Where-Object { $_.FullyQualifiedErrorId -like 'DbxIngressLockout,*' })
            Errors    = @($errors)
            Warnings  = @($warnings | ForEach-Object Message)
            Prompts   = $prompts
            Defaults  = $defaults
        }
    }
}

AfterAll { $emu | Stop-TestService }

Describe 'Every ingress lockout path' {
    It 'there are 12 lockout paths' {
        $cases.Count | Should -Be 12
    }

    It 'non-interactive: each is refused with DbxIngressLockout naming who, what and why, and nothing is sent' {
        $failures = foreach ($case in $cases) {
            $r = Invoke-Case $case Refuse
            $m = if ($r.Lockout.Count) { $r.Lockout[0].Exception.Message } else { '' }
            if (-not ($r.Unchanged -and $r.Writes -eq 0 -and $r.Lockout.Count -eq 1 -and $m -like $case.Names -and $m -like '*Refused: this session cannot ask*')) {
                "$($case.Name): unchanged=$($r.Unchanged) writes=$($r.Writes) lockout=$($r.Lockout.Count) errors=$(($r.Errors | ForEach-Object FullyQualifiedErrorId) -join '; ') message=$m"
            }
        }
        Write-Host "ingress lockout paths (non-interactive): $($cases.Count - @($failures).Count) refused of $($cases.Count)"
        $failures | Should -BeNullOrEmpty
    }

    It '-WhatIf: each warns who would be locked out and sends nothing' {
        $failures = foreach ($case in $cases) {
            $r = Invoke-Case $case WhatIf
            if (-not ($r.Unchanged -and $r.Writes -eq 0 -and ($r.Warnings -like $case.Names).Count -ge 1 -and ($r.Warnings -like '*What if: nothing was sent*').Count -ge 1)) {
                "$($case.Name): unchanged=$($r.Unchanged) writes=$($r.Writes) warnings=$($r.Warnings -join ' | ')"
            }
        }
        $failures | Should -BeNullOrEmpty
    }

    It 'interactive: each asks with default No, and answering No changes nothing' {
        $failures = foreach ($case in $cases) {
            $r = Invoke-Case $case AnswerNo
            if (-not ($r.Unchanged -and $r.Writes -eq 0 -and $r.Prompts.Count -eq 1 -and $r.Defaults[-1] -eq 'No' -and $r.Errors.Count -eq 0)) {
                "$($case.Name): unchanged=$($r.Unchanged) writes=$($r.Writes) prompts=$($r.Prompts.Count) defaults=$($r.Defaults -join ',') errors=$(($r.Errors | ForEach-Object FullyQualifiedErrorId) -join '; ')"
            }
        }
        $failures | Should -BeNullOrEmpty
    }

    It '-Force: each goes through with a warning naming who loses access' {
        $failures = foreach ($case in $cases) {
            $r = Invoke-Case $case Force
            if (-not (-not $r.Unchanged -and $r.Writes -ge 1 -and ($r.Warnings -like '*Going ahead because of -Force*').Count -eq 1)) {
                "$($case.Name): unchanged=$($r.Unchanged) writes=$($r.Writes) warnings=$($r.Warnings -join ' | ')"
            }
        }
        $failures | Should -BeNullOrEmpty
    }
}

Describe 'Changes that lock nobody out' {
    BeforeEach { Reset-Baseline }

    It 'adding your own allow rule, a dry run and an unrelated deny rule pass without a question' {
        $writes = Get-EmulatorWriteCount -Url $emu.Url
        Set-DbxNetworkPolicy -Context $ctx guarded -IngressRule $lab, $office, (New-DbxIngressRule Deny tor -IpRange '192.0.2.0/24') -Confirm:$false -ErrorAction Stop
        Set-DbxNetworkPolicy -Context $ctx guarded -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule $lab -Confirm:$false -ErrorAction Stop
        (Get-EmulatorWriteCount -Url $emu.Url) - $writes | Should -Be 2
        (Get-DbxNetworkPolicy -Context $ctx guarded).IngressRuleCount | Should -Be 3
    }

    It 'an unknown identity is read against you: an allow rule for selected identities only is questioned' {
        $ctx.CallerIdentity = $null
        Set-DbxNetworkPolicy -Context $ctx guarded -IngressRule $lab, (New-DbxIngressRule Allow office -IpRange '203.0.113.0/24' -Identity 'servicePrincipal:7001') -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIngressLockout,*'
        $err[0].Exception.Message | Should -BeLike '*identity unknown*read against an unknown identity*-CallerIdentity*'
        Set-DbxNetworkPolicy -Context $ctx guarded -IngressRule $lab, (New-DbxIngressRule Allow office -IpRange '203.0.113.0/24' -Identity 'servicePrincipal:7001') -CallerIdentity servicePrincipal:7001 -Confirm:$false -ErrorAction Stop
        (Get-DbxNetworkPolicy -Context $ctx guarded).Ingress.PublicAccess.AllowRules[1].Authentication.Identities[0].PrincipalId | Should -Be 7001
    }

    It 'looks the caller''s address up when it is not known (the emulator''s /checkip answers 127.0.0.1, which lab lets in)' {
        $ctx.CallerIpAddress = $null
        Set-DbxNetworkPolicy -Context $ctx guarded -IngressRule $lab -Confirm:$false -ErrorAction Stop
        $ctx.CallerIpAddress | Should -Be '127.0.0.1'
        (Get-DbxNetworkPolicy -Context $ctx guarded).IngressRuleCount | Should -Be 1
    }

    It 'refuses a malformed -BreakGlassIpAddress or -CallerIdentity before anything is sent, also under -WhatIf' {
        $writes = Get-EmulatorWriteCount -Url $emu.Url
        Set-DbxWorkspaceNetworkPolicy -Context $ctx -WorkspaceId $wsDefault -NetworkPolicyId locked -BreakGlassIpAddress 'not-an-ip' -WhatIf -ErrorAction SilentlyContinue -ErrorVariable e1
        Set-DbxNetworkPolicy -Context $ctx guarded -IngressRule $lab -CallerIdentity 'alice' -ErrorAction SilentlyContinue -ErrorVariable e2
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidBreakGlassIpAddress,*'
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidCallerIdentity,*'
        (Get-EmulatorWriteCount -Url $emu.Url) - $writes | Should -Be 0
    }

    It 'Connect-DbxAccount keeps -CallerIdentity, -BreakGlassIpAddress and -BreakGlassIdentity on the context' {
        $seed = Get-TestSeed
        $c = Connect-DbxAccount -AccountHost $emu.Url -AccountId $seed.AccountId -ClientId $seed.ClientId -ClientSecret (ConvertTo-TestSecret $seed.ClientSecret) -NoDefault `
            -CallerIdentity 'sp:7001' -BreakGlassIpAddress ' 198.51.100.7 ' -BreakGlassIdentity 'user:7000'
        $c.CallerIdentity | Should -Be 'servicePrincipal:7001'
        $c.BreakGlassIpAddress | Should -Be @('198.51.100.7')
        $c.BreakGlassIdentity | Should -Be @('user:7000')
    }
}
