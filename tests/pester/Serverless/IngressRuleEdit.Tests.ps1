# Editing a network policy's ingress rules by label (Add-/Remove-DbxNetworkPolicyIngressRule) and promoting its dry run
# (Confirm-DbxNetworkPolicyIngress), against a private emulator (--trust-forwarded-for: the staged path ends with a
# forwarded request refused by the emulator's enforcement).
#
# The guard's caller is 203.0.113.50 as servicePrincipal:7001 (the seed's service principal); the test runner itself is
# 127.0.0.1, kept in by the 'lab' rule. Each test works on a fresh policy bound to workspace 3333333333333333 (dev-us):
# RestrictedAccess with the allow rules lab (127.0.0.1) and office (203.0.113.0/24, the caller's).
#
# The lockout paths of these cmdlets (each refused non-interactively with DbxIngressLockout and 0 writes, warned under
# -WhatIf with 0 writes, and let through by -Force):
#   1  Add-DbxNetworkPolicyIngressRule: a deny rule covering the caller's address
#   2  Remove-DbxNetworkPolicyIngressRule: the allow rule the caller relies on in RESTRICTED_ACCESS
#   3  Confirm-DbxNetworkPolicyIngress: promoting a dry-run deny rule that covers the caller
#   4  Confirm-DbxNetworkPolicyIngress: promoting a dry-run RestrictedAccess mode with no allow rule for the caller
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet', '--trust-forwarded-for')
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $ctx.CallerIpAddress = '203.0.113.50'
    $ctx.CallerIdentity = 'servicePrincipal:7001'
    $script:seed = Get-TestSeed
    $script:wsGuarded = [long]3333333333333333
    $script:lab = New-DbxIngressRule Allow lab -IpRange '127.0.0.1'
    $script:office = New-DbxIngressRule Allow office -IpRange '203.0.113.0/24'
    $script:q = @{ Context = $ctx; Confirm = $false; WarningAction = 'SilentlyContinue' }
    $script:wirePath = { param($id) "/api/2.0/accounts/{account_id}/network-policies/$id" }
    $script:seam = [DatabricksNetworking.Cmdlets.Serverless.NetworkPolicyIngressEditCmdlet].GetField('BeforeReread', [Reflection.BindingFlags]'NonPublic,Static')

    function New-GuardedPolicy([string]$Mode = 'RestrictedAccess', [object[]]$Rules = @($lab, $office), [long]$WorkspaceId = $wsGuarded) {
        $id = New-TestName 'edit'
        New-DbxNetworkPolicy -Context $ctx -NetworkPolicyId $id -RestrictionMode FullAccess -PublicAccessRestrictionMode $Mode -IngressRule $Rules -WarningAction SilentlyContinue | Out-Null
        Set-DbxWorkspaceNetworkPolicy -Context $ctx -WorkspaceId $WorkspaceId -NetworkPolicyId $id -Force -WarningAction SilentlyContinue | Out-Null
        $id
    }
    function Get-Wire([string]$Id) { Invoke-DbxApi -Context $ctx -Path (& $wirePath $Id) }
    function Get-Text([string]$Id) { Get-Wire $Id | ConvertTo-Json -Depth 20 -Compress }
    function Get-Writes { Get-EmulatorWriteCount -Url $emu.Url }
    function Get-Labels($PublicAccess, [string]$List) { @($PublicAccess.$List | ForEach-Object label) }
}

AfterAll {
    if ($seam) { $seam.SetValue($null, $null) }
    $emu | Stop-TestService
}

Describe 'Add-DbxNetworkPolicyIngressRule and Remove-DbxNetworkPolicyIngressRule' {
    BeforeEach { $script:id = New-GuardedPolicy }

    It 'adds an enforced rule by label with one write, keeping the other rules' {
        $w = Get-Writes
        $p = Add-DbxNetworkPolicyIngressRule -Context $ctx $id -IngressRule (New-DbxIngressRule Deny tor -IpRange '192.0.2.0/24') -PassThru -Confirm:$false
        (Get-Writes) - $w | Should -Be 1
        $p.IngressRuleCount | Should -Be 3
        $pub = (Get-Wire $id).ingress.public_access
        Get-Labels $pub deny_rules | Should -Be @('tor')
        Get-Labels $pub allow_rules | Should -Be @('lab', 'office')
        $pub.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
    }

    It '-DryRun adds to ingress_dry_run (created with the enforced mode) and leaves the enforced ingress as it was' {
        $enforced = (Get-Wire $id).ingress
        $enforced = @($enforced.public_access, $enforced.private_access) | ConvertTo-Json -Depth 20 -Compress
        New-DbxIngressRule Allow vpn -IpRange '192.0.2.10' | Add-DbxNetworkPolicyIngressRule -Context $ctx -NetworkPolicyId $id -DryRun -Confirm:$false -WarningAction SilentlyContinue
        $wire = Get-Wire $id
        Get-Labels $wire.ingress_dry_run.public_access allow_rules | Should -Be @('vpn')
        $wire.ingress_dry_run.public_access.restriction_mode | Should -Be 'RESTRICTED_ACCESS'   # the enforced mode
        (@($wire.ingress.public_access, $wire.ingress.private_access) | ConvertTo-Json -Depth 20 -Compress) | Should -Be $enforced
    }

    It 'removes by label, and binds Get-DbxNetworkPolicyIngressRule output (NetworkPolicyId, Label, Mode) from both lists' {
        Add-DbxNetworkPolicyIngressRule -Context $ctx $id (New-DbxIngressRule Deny tor -IpRange '192.0.2.0/24') -Confirm:$false
        Add-DbxNetworkPolicyIngressRule -Context $ctx $id (New-DbxIngressRule Deny stage -IpRange '198.51.100.0/24') -DryRun -Confirm:$false
        $w = Get-Writes
        Get-DbxNetworkPolicyIngressRule -Context $ctx $id | Where-Object Label -in 'tor', 'stage' | Remove-DbxNetworkPolicyIngressRule -Context $ctx -Confirm:$false
        (Get-Writes) - $w | Should -Be 2
        $wire = Get-Wire $id
        $wire.ingress.public_access.deny_rules | Should -BeNullOrEmpty
        Get-Labels $wire.ingress.public_access allow_rules | Should -Be @('lab', 'office')
        $wire.ingress_dry_run.public_access.deny_rules | Should -BeNullOrEmpty
        # -Label takes several at once.
        Add-DbxNetworkPolicyIngressRule -Context $ctx $id (New-DbxIngressRule Deny a -IpRange '192.0.2.1'), (New-DbxIngressRule Deny b -IpRange '192.0.2.2') -Confirm:$false
        Remove-DbxNetworkPolicyIngressRule -Context $ctx $id -Label a, B -Confirm:$false
        (Get-Wire $id).ingress.public_access.deny_rules | Should -BeNullOrEmpty
    }

    It 'refuses <Name> with <ErrorId> and sends nothing' -ForEach @(
        @{ Name = 'a label already in the enforced rules'; ErrorId = 'DbxIngressRuleLabelExists'; Do = { param($c, $i) Add-DbxNetworkPolicyIngressRule -Context $c $i (New-DbxIngressRule Deny office -IpRange '192.0.2.0/24') -Confirm:$false } }
        @{ Name = 'a label already in the dry run'; ErrorId = 'DbxIngressRuleLabelExists'; Setup = { param($c, $i) Add-DbxNetworkPolicyIngressRule -Context $c $i (New-DbxIngressRule Allow vpn -IpRange '192.0.2.10') -DryRun -Confirm:$false -WarningAction SilentlyContinue }; Do = { param($c, $i) Add-DbxNetworkPolicyIngressRule -Context $c $i (New-DbxIngressRule Deny VPN -IpRange '192.0.2.0/24') -DryRun -Confirm:$false } }
        @{ Name = 'two new rules with one label'; ErrorId = 'DbxDuplicateIngressRuleLabel'; Do = { param($c, $i) Add-DbxNetworkPolicyIngressRule -Context $c $i (New-DbxIngressRule Deny x -IpRange '192.0.2.1'), (New-DbxIngressRule Deny x -IpRange '192.0.2.2') -Confirm:$false } }
        @{ Name = 'an account rule on a workspace policy'; ErrorId = 'DbxInvalidIngressDestination'; Do = { param($c, $i) Add-DbxNetworkPolicyIngressRule -Context $c $i (New-DbxIngressRule Allow console -Account -Destination AccountUi -IpRange '192.0.2.1') -Confirm:$false } }
        @{ Name = 'a workspace rule on account-policy'; ErrorId = 'DbxInvalidIngressDestination'; Do = { param($c, $i) Add-DbxNetworkPolicyIngressRule -Context $c account-policy (New-DbxIngressRule Allow ws -IpRange '192.0.2.1') -DryRun -Confirm:$false } }
        @{ Name = 'an unknown label'; ErrorId = 'DbxIngressRuleNotFound'; Do = { param($c, $i) Remove-DbxNetworkPolicyIngressRule -Context $c $i -Label office, nope -Confirm:$false } }
        @{ Name = 'a label only in the other list'; ErrorId = 'DbxIngressRuleNotFound'; Do = { param($c, $i) Remove-DbxNetworkPolicyIngressRule -Context $c $i -Label office -DryRun -Confirm:$false } }
        @{ Name = '-DryRun with -Mode Enforced'; ErrorId = 'DbxInvalidIngressRuleMode'; Do = { param($c, $i) Remove-DbxNetworkPolicyIngressRule -Context $c $i -Label office -DryRun -Mode Enforced -Confirm:$false } }
        @{ Name = 'promoting an unknown dry-run label'; ErrorId = 'DbxIngressRuleNotFound'; Setup = { param($c, $i) Add-DbxNetworkPolicyIngressRule -Context $c $i (New-DbxIngressRule Allow vpn -IpRange '192.0.2.10') -DryRun -Confirm:$false -WarningAction SilentlyContinue }; Do = { param($c, $i) Confirm-DbxNetworkPolicyIngress -Context $c $i -Label nope -Confirm:$false } }
        @{ Name = 'promoting without a dry run'; ErrorId = 'DbxIngressDryRunNotFound'; Do = { param($c, $i) Confirm-DbxNetworkPolicyIngress -Context $c $i -Confirm:$false } }
    ) {
        if ($Setup) { & $Setup $ctx $id | Out-Null }
        $before = Get-Text $id
        $w = Get-Writes
        $ErrorActionPreference = 'Continue'
        $records = @(& $Do $ctx $id 2>&1)
        $err = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        @($records | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        (Get-Writes) - $w | Should -Be 0
        Get-Text $id | Should -Be $before
    }

    It 'refuses when the policy changed between the read and the write (DbxNetworkPolicyChanged), and writes nothing of its own' {
        $seam.SetValue($null, [Action[string]] {
                param($policyId)
                Set-DbxNetworkPolicy -Context $ctx $policyId -AllowedDomain 'other-writer.example.com' -Force -WarningAction SilentlyContinue
            })
        try {
            $w = Get-Writes
            Add-DbxNetworkPolicyIngressRule -Context $ctx $id (New-DbxIngressRule Deny tor -IpRange '192.0.2.0/24') -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        }
        finally { $seam.SetValue($null, $null) }
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxNetworkPolicyChanged,*'
        $err[0].Exception.Message | Should -BeLike "*'$id' changed while Add-DbxNetworkPolicyIngressRule*nothing was sent*"
        (Get-Writes) - $w | Should -Be 1   # the other writer's, not ours
        $wire = Get-Wire $id
        $wire.egress.network_access.allowed_internet_destinations[0].destination | Should -Be 'other-writer.example.com'
        $wire.ingress.public_access.deny_rules | Should -BeNullOrEmpty
        # Run again, it reads afresh and keeps the other writer's change.
        Add-DbxNetworkPolicyIngressRule -Context $ctx $id (New-DbxIngressRule Deny tor -IpRange '192.0.2.0/24') -Confirm:$false -ErrorAction Stop
        $wire = Get-Wire $id
        Get-Labels $wire.ingress.public_access deny_rules | Should -Be @('tor')
        $wire.egress.network_access.allowed_internet_destinations[0].destination | Should -Be 'other-writer.example.com'
    }

    It '-WhatIf sends no write for add, remove and promote' {
        Add-DbxNetworkPolicyIngressRule -Context $ctx $id (New-DbxIngressRule Allow vpn -IpRange '192.0.2.10') -DryRun -Confirm:$false -WarningAction SilentlyContinue
        $before = Get-Text $id
        $w = Get-Writes
        Add-DbxNetworkPolicyIngressRule -Context $ctx $id (New-DbxIngressRule Deny tor -IpRange '192.0.2.0/24') -WhatIf
        Add-DbxNetworkPolicyIngressRule -Context $ctx $id (New-DbxIngressRule Deny tor -IpRange '192.0.2.0/24') -DryRun -WhatIf
        Remove-DbxNetworkPolicyIngressRule -Context $ctx $id -Label lab -WhatIf
        Remove-DbxNetworkPolicyIngressRule -Context $ctx $id -Label vpn -DryRun -WhatIf
        Confirm-DbxNetworkPolicyIngress -Context $ctx $id -WhatIf -WarningAction SilentlyContinue
        (Get-Writes) - $w | Should -Be 0
        Get-Text $id | Should -Be $before
    }
}

Describe 'Every lockout path of the rule edits' {
    BeforeAll {
        $script:paths = @(
            [pscustomobject]@{ Name = 'Add: a deny rule covering the caller'; Setup = {}
                Change = { param($c, $i, $x) Add-DbxNetworkPolicyIngressRule -Context $c $i (New-DbxIngressRule Deny tor -IpRange '203.0.113.48/28') @x }
                Names = '*you (servicePrincipal:7001, from 203.0.113.50*deny rule ''tor'' matches*'
                After = { param($w) (Get-Labels $w.ingress.public_access deny_rules) -contains 'tor' } }
            [pscustomobject]@{ Name = 'Remove: the allow rule the caller relies on'; Setup = {}
                Change = { param($c, $i, $x) Remove-DbxNetworkPolicyIngressRule -Context $c $i -Label office @x }
                Names = '*you (servicePrincipal:7001, from 203.0.113.50*RESTRICTED_ACCESS and no allow rule matches*'
                After = { param($w) (Get-Labels $w.ingress.public_access allow_rules) -notcontains 'office' } }
            [pscustomobject]@{ Name = 'Confirm: promoting a dry-run deny covering the caller'
                Setup = { param($c, $i) Add-DbxNetworkPolicyIngressRule -Context $c $i (New-DbxIngressRule Deny tor -IpRange '203.0.113.48/28') -DryRun -Confirm:$false }
                Change = { param($c, $i, $x) Confirm-DbxNetworkPolicyIngress -Context $c $i @x }
                Names = '*you (servicePrincipal:7001, from 203.0.113.50*deny rule ''tor'' matches*'
                After = { param($w) (Get-Labels $w.ingress.public_access deny_rules) -contains 'tor' -and -not $w.ingress_dry_run } }
            [pscustomobject]@{ Name = 'Confirm: promoting RestrictedAccess with no allow rule for the caller'
                Setup = { param($c, $i)
                    Set-DbxNetworkPolicy -Context $c $i -PublicAccessRestrictionMode FullAccess -IngressRule $lab -Confirm:$false -WarningAction SilentlyContinue
                    Set-DbxNetworkPolicy -Context $c $i -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule $lab -Confirm:$false }
                Change = { param($c, $i, $x) Confirm-DbxNetworkPolicyIngress -Context $c $i @x }
                Names = '*you (servicePrincipal:7001, from 203.0.113.50*RESTRICTED_ACCESS and no allow rule matches*'
                After = { param($w) $w.ingress.public_access.restriction_mode -eq 'RESTRICTED_ACCESS' -and -not $w.ingress_dry_run } }
        )

        function Invoke-Path($Path, [hashtable]$Extra) {
            $i = New-GuardedPolicy
            & $Path.Setup $ctx $i | Out-Null
            $before = Get-Text $i
            $w = Get-Writes
            $ErrorActionPreference = 'Continue'
            $records = @(& $Path.Change $ctx $i $Extra 2>&1 3>&1)
            [pscustomobject]@{
                Id        = $i
                Writes    = (Get-Writes) - $w
                Unchanged = (Get-Text $i) -eq $before
                Lockout   = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -like 'DbxIngressLockout,*' })
                Errors    = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
                Warnings  = @($records | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message)
            }
        }
    }

    It 'there are 4 lockout paths' { $paths.Count | Should -Be 4 }

    It 'non-interactive: each is refused with DbxIngressLockout naming who and why, and nothing is sent' {
        $failures = foreach ($p in $paths) {
            $r = Invoke-Path $p @{ Confirm = $false }
            $m = if ($r.Lockout.Count) { $r.Lockout[0].Exception.Message } else { '' }
            if (-not ($r.Unchanged -and $r.Writes -eq 0 -and $r.Lockout.Count -eq 1 -and $r.Errors.Count -eq 1 -and $m -like $p.Names -and $m -like '*Refused: this session cannot ask*')) {
                "$($p.Name): unchanged=$($r.Unchanged) writes=$($r.Writes) lockout=$($r.Lockout.Count) errors=$(($r.Errors | ForEach-Object FullyQualifiedErrorId) -join '; ') message=$m"
            }
        }
        Write-Host "rule-edit lockout paths (non-interactive): $($paths.Count - @($failures).Count) refused of $($paths.Count)"
        $failures | Should -BeNullOrEmpty
    }

    It '-WhatIf: each warns who would be locked out and sends nothing' {
        $failures = foreach ($p in $paths) {
            $r = Invoke-Path $p @{ WhatIf = $true }
            if (-not ($r.Unchanged -and $r.Writes -eq 0 -and ($r.Warnings -like $p.Names).Count -ge 1 -and ($r.Warnings -like '*What if: nothing was sent*').Count -ge 1)) {
                "$($p.Name): unchanged=$($r.Unchanged) writes=$($r.Writes) warnings=$($r.Warnings -join ' | ')"
            }
        }
        $failures | Should -BeNullOrEmpty
    }

    It '-Force: each goes through with a warning and the change is stored' {
        $failures = foreach ($p in $paths) {
            $r = Invoke-Path $p @{ Force = $true; Confirm = $false }
            if (-not ($r.Writes -eq 1 -and $r.Errors.Count -eq 0 -and ($r.Warnings -like '*Going ahead because of -Force*').Count -eq 1 -and (& $p.After (Get-Wire $r.Id)))) {
                "$($p.Name): writes=$($r.Writes) errors=$(($r.Errors | ForEach-Object FullyQualifiedErrorId) -join '; ') warnings=$($r.Warnings -join ' | ')"
            }
        }
        $failures | Should -BeNullOrEmpty
    }

    It 'dry-run-only edits cannot lock anyone out: no guard question, one write' {
        $i = New-GuardedPolicy
        $w = Get-Writes
        Add-DbxNetworkPolicyIngressRule -Context $ctx $i (New-DbxIngressRule Deny tor -IpRange '203.0.113.48/28') -DryRun -Confirm:$false -ErrorAction Stop
        Remove-DbxNetworkPolicyIngressRule -Context $ctx $i -Label tor -DryRun -Confirm:$false -ErrorAction Stop
        (Get-Writes) - $w | Should -Be 2
    }
}

Describe 'Confirm-DbxNetworkPolicyIngress' {
    It 'promotes only the labels given: they replace same-labelled enforced rules, leave the dry run, and the enforced mode stays' {
        $i = New-GuardedPolicy
        Set-DbxNetworkPolicy -Context $ctx $i -IngressDryRun -PublicAccessRestrictionMode FullAccess -Confirm:$false `
            -IngressRule (New-DbxIngressRule Allow office -IpRange '203.0.113.0/25'), (New-DbxIngressRule Deny tor -IpRange '192.0.2.0/24'), (New-DbxIngressRule Allow vpn -IpRange '192.0.2.10') -WarningAction SilentlyContinue
        $info = @(Confirm-DbxNetworkPolicyIngress -Context $ctx $i -Label office, tor -Confirm:$false 6>&1 | Where-Object { $_ -is [System.Management.Automation.InformationRecord] })
        $info.Count | Should -Be 1
        "$($info[0].MessageData)" | Should -BeLike "*allow 'office' replaces the enforced rule of that label*"
        "$($info[0].MessageData)" | Should -BeLike "*deny 'tor' added to the enforced rules*2 rule(s) leave ingress_dry_run*"
        $wire = Get-Wire $i
        $wire.ingress.public_access.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
        Get-Labels $wire.ingress.public_access allow_rules | Should -Be @('lab', 'office')
        $wire.ingress.public_access.allow_rules[1].origin.included_ip_ranges.ip_ranges | Should -Be @('203.0.113.0/25')
        Get-Labels $wire.ingress.public_access deny_rules | Should -Be @('tor')
        Get-Labels $wire.ingress_dry_run.public_access allow_rules | Should -Be @('vpn')
        $wire.ingress_dry_run.public_access.deny_rules | Should -BeNullOrEmpty
    }

    It '-KeepDryRun leaves the dry run as it was' {
        $i = New-GuardedPolicy
        Add-DbxNetworkPolicyIngressRule -Context $ctx $i (New-DbxIngressRule Deny tor -IpRange '192.0.2.0/24') -DryRun -Confirm:$false
        $dry = (Get-Wire $i).ingress_dry_run | ConvertTo-Json -Depth 20 -Compress
        Confirm-DbxNetworkPolicyIngress -Context $ctx $i -KeepDryRun -Confirm:$false
        $wire = Get-Wire $i
        Get-Labels $wire.ingress.public_access deny_rules | Should -Be @('tor')
        ($wire.ingress_dry_run | ConvertTo-Json -Depth 20 -Compress) | Should -Be $dry
    }

    It 'the staged path: dry run, the denial log, promote, and the emulator enforces (a denied forwarded address gets the real 403)' {
        $ws = [long]$seed.WorkspaceId
        $i = New-GuardedPolicy -Mode FullAccess -Rules @() -WorkspaceId $ws
        Set-DbxNetworkPolicy -Context $ctx $i -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule $lab -Confirm:$false -WarningAction SilentlyContinue
        $office | Add-DbxNetworkPolicyIngressRule -Context $ctx -NetworkPolicyId $i -DryRun -Confirm:$false

        $base = $emu.Url.TrimEnd('/')
        $tok = (Invoke-RestMethod -Method Post -Uri "$base/oidc/accounts/$($seed.AccountId)/v1/token" -ContentType 'application/x-www-form-urlencoded' `
                -Body @{ grant_type = 'client_credentials'; client_id = $seed.ClientId; client_secret = $seed.ClientSecret; scope = 'all-apis' }).access_token
        function Send-From([string]$Address) {
            Invoke-WebRequest -Uri "$base/api/2.0/ip-access-lists" -SkipHttpErrorCheck -Headers @{
                Authorization = "Bearer $tok"; 'X-Databricks-Org-Id' = [string]$ws; 'X-Forwarded-For' = $Address
            }
        }
        Invoke-EmulatorControl -Emulator $emu -Method Post -Path 'ingress-log/reset' | Out-Null
        (Send-From '198.51.100.20').StatusCode | Should -Be 200   # dry run: logged, not blocked
        $log = @((Invoke-EmulatorControl -Emulator $emu -Path "ingress-log?workspace_id=$ws").decisions)
        $wouldDeny = @($log | Where-Object { $_.enforcement -eq 'dry_run' -and $_.decision -eq 'DENY' })
        @($wouldDeny | ForEach-Object address) | Should -Contain '198.51.100.20'

        $p = Confirm-DbxNetworkPolicyIngress -Context $ctx $i -Confirm:$false -PassThru -ErrorAction Stop
        $p.PublicAccessRestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $p.IngressRuleCount | Should -Be 2
        $p.IngressDryRun | Should -BeNullOrEmpty

        $denied = Send-From '198.51.100.20'
        $denied.StatusCode | Should -Be 403
        $denied.Content | Should -BeLike '*context-based ingress*'
        ($denied.Content | ConvertFrom-Json).error_code | Should -Not -BeNullOrEmpty
        (Send-From '203.0.113.50').StatusCode | Should -Be 200
        $last = @((Invoke-EmulatorControl -Emulator $emu -Path "ingress-log?workspace_id=$ws").decisions) | Where-Object enforcement -eq 'enforced' | Select-Object -Last 2
        $last[0].decision | Should -Be 'DENY'
        $last[1].decision | Should -Be 'ALLOW'
    }
}
