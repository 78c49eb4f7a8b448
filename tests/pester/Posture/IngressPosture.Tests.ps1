# Context-based ingress in the posture tools, on the posture seed (private emulator): Get-DbxNetworkPosture's ingress
# facts per workspace and the account policy once, the three ingress controls of Test-DbxNetworkCompliance (the account
# one reported once, for the account), the HTML report, and Export-/Compare-/Import-DbxNetworkConfiguration carrying
# ingress, ingress_dry_run and account-policy (an import step that would take ingress access away is refused by the lockout guard without -Force).
# Every rule admits the runner (127.0.0.1, the seed's service principal 7001): the emulator enforces ingress.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-PostureEmulator
    $script:pctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ('ingress-posture-' + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $tmp | Out-Null
    $script:secure = [long]5000000000000001   # bound to restricted-enforced
    $script:public = [long]5000000000000002   # bound to restricted-dryrun
    $script:broken = [long]5000000000000003   # no binding: default-policy

    function Set-WireIngress([string]$Id, $Ingress, $DryRun) {
        $path = "/api/2.0/accounts/{account_id}/network-policies/$Id"
        $p = Invoke-DbxApi -Context $pctx -Path $path
        $p | Add-Member -Force -NotePropertyName ingress -NotePropertyValue $Ingress
        if ($null -ne $DryRun) { $p | Add-Member -Force -NotePropertyName ingress_dry_run -NotePropertyValue $DryRun }
        Invoke-DbxApi -Context $pctx -Method Put -Path $path -Body ($p | ConvertTo-Json -Depth 30) -Confirm:$false | Out-Null
    }
    $all = @{ all_ip_ranges = $true }
    Set-WireIngress restricted-enforced @{ public_access = @{ restriction_mode = 'RESTRICTED_ACCESS'
            allow_rules = @(@{ label = 'ops-sp'; origin = $all; authentication = @{ identity_type = 'IDENTITY_TYPE_SELECTED_IDENTITIES'; identities = @(@{ principal_id = 7001; principal_type = 'PRINCIPAL_TYPE_SERVICE_PRINCIPAL' }) } })
            deny_rules = @(@{ label = 'bad-net'; origin = @{ included_ip_ranges = @{ ip_ranges = @('198.51.100.0/24') } } }) } }
    Set-WireIngress restricted-dryrun @{ public_access = @{ restriction_mode = 'FULL_ACCESS'; allow_rules = @(@{ label = 'anyone'; origin = $all }) } } `
        @{ public_access = @{ restriction_mode = 'RESTRICTED_ACCESS'; allow_rules = @(@{ label = 'office'; origin = @{ included_ip_ranges = @{ ip_ranges = @('203.0.113.0/24') } } }) } }
    Set-WireIngress account-policy @{ public_access = @{ restriction_mode = 'RESTRICTED_ACCESS'
            allow_rules = @(@{ label = 'console-anywhere'; origin = $all; destination = @{ account_ui = @{ all_destinations = $true }; account_api = @{ scopes = @('all-apis') } } }) } }

    $script:postures = @(Get-DbxNetworkPosture -Context $pctx -ErrorAction SilentlyContinue)
    $script:byId = @{}; foreach ($p in $postures) { $byId[$p.WorkspaceId] = $p }
    $script:ingressBaseline = @{ Controls = @{ RequireRestrictedIngress = 'High'; ForbidOpenIngress = 'Critical'; RequireAccountIngressPolicy = 'High' } }
}
AfterAll {
    $script:emu | Stop-TestService
    Remove-Item $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Get-DbxNetworkPosture: ingress' {
    It 'reports the mode, enforced and dry-run rule counts, open rules and which policy applies, per workspace' {
        $s = $byId[$secure]
        $s.NetworkPolicyId | Should -Be 'restricted-enforced'
        $s.NetworkPolicySource | Should -Be 'Bound'
        $s.PublicIngressMode | Should -Be 'RestrictedAccess'
        $s.IngressRuleCount | Should -Be 2
        $s.IngressDryRunRuleCount | Should -Be 0
        $s.DryRunPublicIngressMode | Should -BeNullOrEmpty
        $s.OpenIngressRules.Label | Should -Be 'ops-sp'
        $s.OpenIngressRules[0].SelectedIdentitiesOnly | Should -BeTrue
        $s.Complete | Should -BeTrue -Because 'the rules admit the runner, so the workspace reads went through'

        $p = $byId[$public]
        $p.PublicIngressMode | Should -Be 'FullAccess'
        $p.DryRunPublicIngressMode | Should -Be 'RestrictedAccess'
        $p.IngressRuleCount | Should -Be 1
        $p.IngressDryRunRuleCount | Should -Be 1
        $p.OpenIngressRules.Label | Should -Be 'anyone' -Because 'office (203.0.113.0/24) is not open to all addresses'
        $p.OpenIngressRules[0].Mode | Should -Be 'Enforced'
        $p.OpenIngressRules[0].SelectedIdentitiesOnly | Should -BeFalse

        $b = $byId[$broken]
        $b.NetworkPolicyId | Should -Be 'default-policy'
        $b.NetworkPolicySource | Should -Be 'DefaultPolicy'
        $b.PublicIngressMode | Should -Be 'None'
        $b.IngressRuleCount | Should -Be 0
        $b.OpenIngressRules | Should -BeNullOrEmpty
    }

    It 'reads the account policy once and shares it across the postures, shown once in the default view' {
        $postures.Count | Should -Be 4
        $a = $postures[0].AccountIngress
        $a.NetworkPolicyId | Should -Be 'account-policy'
        $a.PublicIngressMode | Should -Be 'RestrictedAccess'
        $a.IngressRuleCount | Should -Be 1
        $a.OpenIngressRules.Label | Should -Be 'console-anywhere'
        foreach ($p in $postures) { [object]::ReferenceEquals($p.AccountIngress, $a) | Should -BeTrue }
        $text = $postures | Sort-Object WorkspaceName | Out-String -Width 250
        ([regex]::Matches($text, 'Account ingress: account-policy: RestrictedAccess, 1 enforced and 0 dry-run rule\(s\)')).Count | Should -Be 1
        $text | Should -Match 'Ingress'
        $text | Should -Match 'FullAccess 1/1 dry open!'
        $text | Should -Match 'None 0/0 dry default'
    }
}

Describe 'Test-DbxNetworkCompliance: ingress controls' {
    It 'finds unrestricted and open ingress per workspace and the account policy once, for the account' {
        $f = @($postures | Test-DbxNetworkCompliance -Baseline $ingressBaseline)
        $restricted = @($f | Where-Object Control -eq 'RequireRestrictedIngress')
        ($restricted.WorkspaceId | Sort-Object) | Should -Be @($public, $broken, 5000000000000004)
        ($restricted | Where-Object WorkspaceId -eq $broken).Actual | Should -Match 'default-policy \(default-policy, no binding\): public ingress None'
        $open = @($f | Where-Object Control -eq 'ForbidOpenIngress')
        $open.WorkspaceId | Should -Be $public -Because 'ops-sp is open to all addresses but narrowed to one service principal'
        $open.Severity | Should -Be 'Critical'
        $open.Actual | Should -Match 'anyone'
        $acct = @($f | Where-Object Control -eq 'RequireAccountIngressPolicy')
        $acct.Count | Should -Be 1
        $acct[0].Scope | Should -Be 'Account'
        $acct[0].WorkspaceId | Should -BeNullOrEmpty
        $acct[0].AccountId | Should -Be $pctx.AccountId
        $acct[0].Actual | Should -Match 'open to all addresses: console-anywhere'
        ($acct[0] | Out-String) | Should -Match '\(account\)'
    }

    It 'refuses a workspace scope on the account control before scanning' {
        $before = Get-EmulatorRequestCount -Url $emu.Url
        { Test-DbxNetworkCompliance -Context $pctx -Baseline @{ Controls = @{ RequireAccountIngressPolicy = @{ Severity = 'High'; WorkspaceName = 'prod-*' } } } } |
            Should -Throw -ErrorId 'DbxInvalidBaseline*' -ExpectedMessage '*control of the account*'
        Get-EmulatorRequestCount -Url $emu.Url | Should -Be $before
    }

    It 'passes the account control once the account policy admits all addresses but excluded ranges only' {
        Set-WireIngress account-policy @{ public_access = @{ restriction_mode = 'RESTRICTED_ACCESS'
                allow_rules = @(@{ label = 'all-but-bad'; origin = @{ all_ip_ranges = $true; excluded_ip_ranges = @{ ip_ranges = @('198.51.100.0/24') } } }) } }
        $f = @(Test-DbxNetworkCompliance -Context $pctx -Baseline $ingressBaseline -ErrorAction SilentlyContinue)
        @($f | Where-Object Control -eq 'RequireAccountIngressPolicy') | Should -BeNullOrEmpty
        @($f | Where-Object Control -eq 'RequireRestrictedIngress').Count | Should -Be 3
    }
}

Describe 'Export-DbxNetworkPostureReport: ingress' {
    It 'shows the ingress columns, the workspace controls per workspace and the account policy and control once' {
        $path = Join-Path $tmp 'report.html'
        $postures | Export-DbxNetworkPostureReport -Path $path -Baseline $ingressBaseline | Out-Null
        $html = Get-Content $path -Raw
        $html | Should -Match '<th scope="col" tabindex="0">Egress policy</th><th scope="col" tabindex="0">Ingress</th>'
        $html | Should -Match 'data-control="RequireRestrictedIngress" data-passed="1" data-failed="3" data-unknown="0"'
        $html | Should -Match 'data-control="ForbidOpenIngress" data-passed="3" data-failed="1" data-unknown="0"'
        $html | Should -Not -Match '<g class="bar" data-control="RequireAccountIngressPolicy"' -Because 'the account control is not charted across workspaces'
        $html | Should -Match '<section id="account" data-account-ingress-mode="RestrictedAccess">'
        ([regex]::Matches($html, '<li data-control="RequireAccountIngressPolicy" data-outcome="Failed"')).Count | Should -Be 1
        ([regex]::Matches($html, '<tr data-account-id="[^"]+" data-control="RequireAccountIngressPolicy"')).Count | Should -Be 1
        $html | Should -Match '<td data-label="Ingress" class="bad" title="network policy restricted-dryrun \(bound\); open to all addresses: anyone \(Enforced[^"]*">full, 1 rule; dry run restricted, 1; 1 open</td>'
        $html | Should -Match '<td data-label="Ingress" title="network policy default-policy \(default-policy, no binding\)">none; default</td>'
    }
}

Describe 'Export-, Compare- and Import-DbxNetworkConfiguration: ingress' {
    BeforeAll {
        $script:snap = Join-Path $tmp 'snap.json'
        Export-DbxNetworkConfiguration -Context $pctx -Path $snap -ErrorAction SilentlyContinue | Out-Null
        $script:doc = Get-Content $snap -Raw | ConvertFrom-Json -Depth 50
        # The import takes the policies only (the seed's private endpoint rules name fake endpoint services).
        $script:policySnap = Join-Path $tmp 'policies.json'
        $trim = Get-Content $snap -Raw | ConvertFrom-Json -Depth 50
        $trim.objects = @($trim.objects | Where-Object type -eq 'NetworkPolicy')
        $trim | ConvertTo-Json -Depth 50 | Set-Content -Path $policySnap
        function Get-PutCount {
            $n = 0L
            foreach ($p in (Get-EmulatorRequests -Url $emu.Url).by_route.PSObject.Properties) { if ($p.Name -like 'PUT /api/2.0/accounts/*/network-policies/*') { $n += [long]$p.Value } }
            $n
        }
    }

    It 'exports ingress, ingress_dry_run and the account policy' {
        $objs = @($doc.objects | Where-Object type -eq 'NetworkPolicy')
        $dry = ($objs | Where-Object id -eq 'restricted-dryrun').properties
        $dry.ingress.public_access.allow_rules[0].label | Should -Be 'anyone'
        $dry.ingress_dry_run.public_access.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
        $acct = ($objs | Where-Object id -eq 'account-policy').properties
        $acct.ingress.public_access.allow_rules[0].label | Should -Be 'all-but-bad'
    }

    It 'compares ingress changes of a policy and of the account policy' {
        Set-WireIngress restricted-dryrun @{ public_access = @{ restriction_mode = 'RESTRICTED_ACCESS'; allow_rules = @(@{ label = 'anyone'; origin = $all }) } }
        Set-WireIngress account-policy @{ public_access = @{ restriction_mode = 'FULL_ACCESS' } }
        $changes = @(Compare-DbxNetworkConfiguration -Context $pctx -ReferencePath $snap -ErrorAction SilentlyContinue | Where-Object ObjectType -eq 'NetworkPolicy')
        ($changes | Where-Object ObjectId -eq 'restricted-dryrun').Property | Should -Be 'ingress.public_access.restriction_mode'
        ($changes | Where-Object ObjectId -eq 'account-policy').Property | Should -Contain 'ingress.public_access.restriction_mode'
    }

    It 'runs each ingress step through the lockout guard: a step that locks the caller out is refused without -Force, a safe one is imported' {
        $puts = Get-PutCount
        # 198.51.100.7 is in the range the snapshot's account-policy excludes; restricted-dryrun goes back to FULL_ACCESS (no loss).
        $out = @(Import-DbxNetworkConfiguration -Context $pctx -Path $policySnap -Include NetworkPolicy -CallerIpAddress 198.51.100.7 -ErrorAction SilentlyContinue -ErrorVariable err)
        ($out | Where-Object Key -eq 'restricted-dryrun').Action | Should -Be 'Updated'
        $refused = @($out | Where-Object Action -eq 'Skipped')
        $refused.Key | Should -Be 'account-policy'
        $refused[0].Detail | Should -Match 'ingress lockout guard.*-Force'
        $ingressErrors = @($err | Where-Object FullyQualifiedErrorId -like 'DbxIngressLockout,*')
        $ingressErrors.Count | Should -Be 1
        $ingressErrors[0].Exception.Message | Should -Match '198\.51\.100\.7'
        $ingressErrors[0].Exception.Message | Should -Match 'all-but-bad|account'
        $ingressErrors[0].TargetObject.Key | Should -Be 'account-policy'
        Get-PutCount | Should -Be ($puts + 1)
        (Invoke-DbxApi -Context $pctx -Path '/api/2.0/accounts/{account_id}/network-policies/account-policy').ingress.public_access.restriction_mode | Should -Be 'FULL_ACCESS'
        (Get-DbxNetworkPolicy -Context $pctx -NetworkPolicyId restricted-dryrun).PublicAccessRestrictionMode | Should -Be 'FULL_ACCESS'
    }

    It 'warns of the losses under -WhatIf and sends nothing' {
        $puts = Get-PutCount
        $out = @(Import-DbxNetworkConfiguration -Context $pctx -Path $policySnap -Include NetworkPolicy -CallerIpAddress 198.51.100.7 -WhatIf -WarningVariable warn -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)
        @($warn | Where-Object { "$_" -match '198\.51\.100\.7' -and "$_" -match 'What if' }).Count | Should -Be 1
        Get-PutCount | Should -Be $puts
    }

    It 'imports the locking step with -Force (with a warning), account-policy updated in place, never created' {
        $out = @(Import-DbxNetworkConfiguration -Context $pctx -Path $policySnap -Include NetworkPolicy -CallerIpAddress 198.51.100.7 -Force -WarningVariable warn -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)
        ($out | Where-Object Key -eq 'account-policy').Action | Should -Be 'Updated'
        ($out | Where-Object Key -eq 'restricted-dryrun').Action | Should -Be 'Unchanged'
        @($warn | Where-Object { "$_" -match '198\.51\.100\.7' }).Count | Should -BeGreaterThan 0
        @((Get-EmulatorRequests -Url $emu.Url).by_route.PSObject.Properties | Where-Object Name -like 'POST /api/2.0/accounts/*/network-policies*') | Should -BeNullOrEmpty
        (Invoke-DbxApi -Context $pctx -Path '/api/2.0/accounts/{account_id}/network-policies/account-policy').ingress.public_access.allow_rules[0].label | Should -Be 'all-but-bad'
        @(Compare-DbxNetworkConfiguration -Context $pctx -ReferencePath $snap -ErrorAction SilentlyContinue | Where-Object ObjectType -eq 'NetworkPolicy') | Should -BeNullOrEmpty
    }
}
