# Import-DbxNetworkConfiguration on private emulators: account A is configured and exported, the snapshot is imported
# into fresh emulators (same demo workspaces, new ids), and the writes each import sends are counted.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ('netimport-' + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $tmp | Out-Null
    $script:ws1 = [long]1111111111111111
    $script:ws2 = [long]2222222222222222
    $script:ws3 = [long]3333333333333333

    function Get-WriteCount([string]$Url) {
        # Requests that change something: every POST/PUT/PATCH/DELETE of the Databricks APIs (OAuth token requests are not under /api).
        $by = (Get-EmulatorRequests -Url $Url).by_route
        $n = 0
        foreach ($p in $by.PSObject.Properties) { if ($p.Name -match '^(POST|PUT|PATCH|DELETE) /api/') { $n += [long]$p.Value } }
        $n
    }

    function Edit-Snapshot([string]$From, [string]$To, [scriptblock]$Change) {
        $s = Get-Content $From -Raw | ConvertFrom-Json -Depth 50
        & $Change $s
        $s | ConvertTo-Json -Depth 50 | Set-Content -Path $To
        $To
    }

    # Account A: a restricted policy bound to prod-us, account and workspace lists that allow the runner (127.0.0.1),
    # prod-eu's lists enforced, an NCC with a rule to S3 buckets and one to a customer endpoint service.
    $script:emuA = Start-TestEmulator -Arguments @('--quiet')
    $script:ctxA = Connect-TestAccount -Url $emuA.Url -NoDefault
    New-DbxNetworkPolicy -Context $ctxA -NetworkPolicyId strict -RestrictionMode RestrictedAccess -AllowedDomain pypi.org -Confirm:$false | Out-Null
    Set-DbxWorkspaceNetworkPolicy -Context $ctxA -WorkspaceId $ws2 -NetworkPolicyId strict -Confirm:$false | Out-Null
    New-DbxAccountIpAccessList -Context $ctxA -Label corp -ListType Allow -IpAddress 127.0.0.1, 203.0.113.0/24 -Force | Out-Null
    New-DbxIpAccessList -Context $ctxA -WorkspaceId $ws1 -Label office -ListType Allow -IpAddress 127.0.0.1, 198.51.100.0/24 -Force | Out-Null
    New-DbxIpAccessList -Context $ctxA -WorkspaceId $ws1 -Label partners -ListType Block -IpAddress 192.0.2.0/24 -Force | Out-Null
    Enable-DbxIpAccessListFeature -Context $ctxA -WorkspaceId $ws1 -CallerIpAddress 127.0.0.1 -Force | Out-Null
    $ncc = New-DbxNetworkConnectivityConfig -Context $ctxA -Name use1-serverless -Region us-east-1 -Confirm:$false
    New-DbxPrivateEndpointRule -Context $ctxA -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -S3BucketName lake-raw, lake-curated -Confirm:$false | Out-Null
    # and a rule to a customer endpoint service in moto (shared by both emulators) that allows Databricks.
    Import-Module (Join-Path $PSScriptRoot '../Aws/MotoHelpers.psm1') -Force
    $script:customerService = (New-MotoEndpointService -Region us-east-1 -AllowPrincipal 'arn:aws:iam::565502421330:role/private-connectivity-role-us-east-1').ServiceName
    New-DbxPrivateEndpointRule -Context $ctxA -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -EndpointService $customerService -DomainName db.corp.example.com -Confirm:$false | Out-Null
    $script:snapA = Join-Path $tmp 'a.json'
    Export-DbxNetworkConfiguration -Context $ctxA -Path $snapA | Out-Null
}
AfterAll {
    $script:emuA | Stop-TestService
    Remove-Item $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Import-DbxNetworkConfiguration into a fresh account' {
    BeforeAll {
        $script:emuB = Start-TestEmulator -Arguments @('--quiet')
        $script:ctxB = Connect-TestAccount -Url $emuB.Url -NoDefault
    }
    AfterAll { $script:emuB | Stop-TestService }

    It 'sends no write with -WhatIf' {
        $before = Get-WriteCount $emuB.Url
        $out = @(Import-DbxNetworkConfiguration -Context $ctxB -Path $snapA -IncludeFeatureSwitch -CallerIpAddress 127.0.0.1 -RemoveExtra -WhatIf)
        Get-WriteCount $emuB.Url | Should -Be $before
        $out | Where-Object Action -in 'Created', 'Updated', 'Removed' | Should -BeNullOrEmpty
        @(Get-DbxNetworkPolicy -Context $ctxB).NetworkPolicyId | Should -Not -Contain 'strict'
    }

    It 'creates what is missing, one streamed result per object, and skips the classic objects with the reason' {
        $script:first = @(Import-DbxNetworkConfiguration -Context $ctxB -Path $snapA -IncludeFeatureSwitch -CallerIpAddress 127.0.0.1 -ErrorVariable err)
        $err | Should -BeNullOrEmpty
        $first | ForEach-Object { $_ | Should -BeOfType ([DatabricksNetworking.Models.NetworkConfigurationImportResult]) }
        ($first | Where-Object Action -eq 'Failed') | Should -BeNullOrEmpty
        $created = $first | Where-Object Action -eq 'Created'
        @($created.Kind | Sort-Object) | Should -Be @('AccountIpAccessList', 'IpAccessList', 'IpAccessList', 'NetworkConnectivityConfig', 'NetworkPolicy', 'PrivateEndpointRule', 'PrivateEndpointRule')
        $nccB = Get-DbxNetworkConnectivityConfig -Context $ctxB -Name use1-serverless -Region us-east-1
        (Get-DbxPrivateEndpointRule -Context $ctxB -NetworkConnectivityConfigId $nccB.NetworkConnectivityConfigId | Where-Object EndpointService -eq $customerService).DomainNames | Should -Be @('db.corp.example.com')
        ($first | Where-Object { $_.Kind -eq 'WorkspaceNetworkOption' -and $_.WorkspaceId -eq $ws2 }).Action | Should -Be 'Updated'
        ($first | Where-Object { $_.Kind -eq 'IpAccessListFeature' -and $_.WorkspaceId -eq $ws1 }).Action | Should -Be 'Updated'
        $skipped = @($first | Where-Object Action -eq 'Skipped')
        @($skipped.Kind | Select-Object -Unique | Sort-Object) | Should -Be @('Network', 'PrivateAccessSettings', 'Workspace') -Because 'the demo account''s prod-us has a customer-managed VPC, and the account private access settings'
        ($skipped | Where-Object Kind -eq 'Workspace')[0].Detail | Should -Match 'account-specific ids'
        (Get-DbxIpAccessListFeature -Context $ctxB -WorkspaceId $ws1).Enabled | Should -BeTrue
        (Get-DbxWorkspaceNetworkPolicy -Context $ctxB -WorkspaceId $ws2).NetworkPolicyId | Should -Be 'strict'
    }

    It 'leaves no drift for the imported kinds (Compare-DbxNetworkConfiguration -Portable)' {
        @(Compare-DbxNetworkConfiguration -Context $ctxB -ReferencePath $snapA -Portable) | Should -BeNullOrEmpty
        # Without -Portable the server-assigned ids differ: the lists show as removed and added.
        @(Compare-DbxNetworkConfiguration -Context $ctxB -ReferencePath $snapA -WarningAction SilentlyContinue | Where-Object ObjectType -eq 'AccountIpAccessList').Count | Should -Be 2
    }

    It 'is idempotent: a second import is all Unchanged and sends no write' {
        $before = Get-WriteCount $emuB.Url
        $second = @(Import-DbxNetworkConfiguration -Context $ctxB -Path $snapA -IncludeFeatureSwitch -CallerIpAddress 127.0.0.1)
        Get-WriteCount $emuB.Url | Should -Be $before
        $second.Count | Should -Be $first.Count
        @($second | Where-Object Kind -notin 'Workspace', 'Network', 'PrivateAccessSettings' | Where-Object Action -ne 'Unchanged') | Should -BeNullOrEmpty
    }

    It 'updates a changed list with one full replace, and considers only the included kinds' {
        $corp = Get-DbxAccountIpAccessList -Context $ctxB -Label corp
        Set-DbxAccountIpAccessList -Context $ctxB -ListId $corp.ListId -Label corp -ListType Allow -IpAddress 127.0.0.1 -Enabled $false -Force | Out-Null
        $before = Get-EmulatorRouteCount -Url $emuB.Url -Route 'PUT /api/2.0/accounts/*/ip-access-lists/*'
        $out = @(Import-DbxNetworkConfiguration -Context $ctxB -Path $snapA -Include AccountIpAccessList)
        $r = $out | Where-Object Kind -eq 'AccountIpAccessList' | Where-Object Key -eq 'corp'
        $r.Action | Should -Be 'Updated'
        ($out | Where-Object Kind -eq 'AccountIpAccessList' | Where-Object Key -eq 'blocked-scanners').Action | Should -Be 'Unchanged' -Because 'the demo account''s own list is in both'
        $r.Id | Should -Be $corp.ListId
        $r.Detail | Should -Be 'Changed: enabled, ip_addresses'
        Get-EmulatorRouteCount -Url $emuB.Url -Route 'PUT /api/2.0/accounts/*/ip-access-lists/*' | Should -Be ($before + 1)
        $now = Get-DbxAccountIpAccessList -Context $ctxB -Label corp
        $now.IpAddresses | Should -Be @('127.0.0.1', '203.0.113.0/24')
        $now.Enabled | Should -BeTrue
        @($out.Kind | Select-Object -Unique | Sort-Object) | Should -Be @('AccountIpAccessList', 'AccountIpAccessListFeature', 'Network', 'PrivateAccessSettings', 'Workspace') -Because '-Include limits what is considered (the skipped classic objects are always reported)'
        ($out | Where-Object Kind -eq 'AccountIpAccessListFeature').Detail | Should -Match 'IncludeFeatureSwitch'
    }
}

Describe 'Import-DbxNetworkConfiguration refusals and failures' {
    BeforeAll {
        $script:emuC = Start-TestEmulator -Arguments @('--quiet')
        $script:ctxC = Connect-TestAccount -Url $emuC.Url -NoDefault
    }
    AfterAll { $script:emuC | Stop-TestService }

    It 'changes nothing when one CIDR of the snapshot is invalid, and names the list' {
        $bad = Edit-Snapshot $snapA (Join-Path $tmp 'bad-cidr.json') {
            param($s)
            ($s.objects | Where-Object { $_.type -eq 'IpAccessList' -and $_.name -eq 'partners' }).properties.ip_addresses = @('192.0.2.0/24', '10.0.0.300')
        }
        $before = Get-EmulatorRequestCount -Url $emuC.Url
        $out = @(Import-DbxNetworkConfiguration -Context $ctxC -Path $bad -ErrorVariable err -ErrorAction SilentlyContinue)
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidSnapshot*'
        $err[0].Exception.Message | Should -Match "IpAccessList 'partners' of workspace 1111111111111111: '10\.0\.0\.300'"
        $err[0].Exception.Message | Should -Match 'nothing was changed'
        Get-EmulatorRequestCount -Url $emuC.Url | Should -Be $before -Because 'the file is checked before anything is read or written'
    }

    It 'refuses a file that is not JSON or of an unknown version' {
        $notJson = Join-Path $tmp 'not.json'
        Set-Content -Path $notJson -Value '{ "format": '
        Import-DbxNetworkConfiguration -Context $ctxC -Path $notJson -ErrorVariable e1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e1[0].Exception.Message | Should -Match 'not valid JSON'
        $v9 = Edit-Snapshot $snapA (Join-Path $tmp 'v9.json') { param($s) $s.version = 9 }
        Import-DbxNetworkConfiguration -Context $ctxC -Path $v9 -ErrorVariable e2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e2[0].Exception.Message | Should -Match 'version 9'
        Get-WriteCount $emuC.Url | Should -Be 0
    }

    It 'refuses to enable the feature without -Force when the imported lists would block the caller, and imports the rest' {
        $lock = Edit-Snapshot $snapA (Join-Path $tmp 'lockout.json') {
            param($s)
            ($s.objects | Where-Object { $_.type -eq 'IpAccessList' -and $_.name -eq 'office' }).properties.ip_addresses = @('198.51.100.0/24')
        }
        $out = @(Import-DbxNetworkConfiguration -Context $ctxC -Path $lock -Include IpAccessList, NetworkPolicy -IncludeFeatureSwitch -CallerIpAddress 127.0.0.1 -ErrorVariable err -ErrorAction SilentlyContinue)
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout*'
        $err[0].Exception.Message | Should -Match 'non-interactive'
        $ws1Results = @($out | Where-Object WorkspaceId -eq $ws1)
        @($ws1Results.Action | Select-Object -Unique) | Should -Be @('Failed')
        ($out | Where-Object { $_.Kind -eq 'NetworkPolicy' -and $_.Key -eq 'strict' }).Action | Should -Be 'Created'
        Get-EmulatorRouteCount -Url $emuC.Url -Route 'PATCH /api/2.0/workspace-conf' | Should -Be 0
        Get-EmulatorRouteCount -Url $emuC.Url -Route 'POST /api/2.0/ip-access-lists' | Should -Be 0
        (Get-DbxIpAccessListFeature -Context $ctxC -WorkspaceId $ws1).Enabled | Should -BeFalse
    }

    It 'writes an error and a Failed result for an object the service refuses, goes on, and never removes default-policy or account-policy' {
        New-DbxNetworkPolicy -Context $ctxC -NetworkPolicyId extra-bound -RestrictionMode FullAccess -Confirm:$false | Out-Null
        New-DbxNetworkPolicy -Context $ctxC -NetworkPolicyId extra-free -RestrictionMode FullAccess -Confirm:$false | Out-Null
        Set-DbxWorkspaceNetworkPolicy -Context $ctxC -WorkspaceId $ws3 -NetworkPolicyId extra-bound -Confirm:$false | Out-Null
        # Only policies are imported, so dev-us stays bound to extra-bound and the service refuses to delete it.
        $out = @(Import-DbxNetworkConfiguration -Context $ctxC -Path $snapA -Include NetworkPolicy -RemoveExtra -Force -ErrorVariable err -ErrorAction SilentlyContinue)
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState*'
        $err[0].TargetObject.Key | Should -Be 'extra-bound'
        $err[0].TargetObject.Action | Should -Be 'Failed'
        $bound = $out | Where-Object Key -eq 'extra-bound'
        $bound.Action | Should -Be 'Failed'
        $bound.Detail | Should -Match 'used by workspace'
        ($out | Where-Object Key -eq 'extra-free').Action | Should -Be 'Removed'
        ($out | Where-Object Key -eq 'default-policy').Action | Should -Be 'Unchanged'
        ($out | Where-Object Key -eq 'account-policy').Action | Should -Be 'Unchanged' -Because 'the fixed account ingress policy is never removed either'
        ($out | Where-Object Key -eq 'restricted-egress').Action | Should -Be 'Unchanged' -Because 'the demo account''s own policy is in the snapshot'
        @(Get-DbxNetworkPolicy -Context $ctxC).NetworkPolicyId | Sort-Object | Should -Be @('account-policy', 'default-policy', 'extra-bound', 'restricted-egress', 'strict')
    }
}

Describe 'Import-DbxNetworkConfiguration across accounts' {
    BeforeAll {
        $script:emuD = Start-TestEmulator -Arguments @('--quiet')
        $script:ctxD = Connect-TestAccount -Url $emuD.Url -NoDefault
        # The same workspaces under other ids: match them by name.
        $script:renumbered = Edit-Snapshot $snapA (Join-Path $tmp 'renumbered.json') {
            param($s)
            foreach ($o in $s.objects) {
                if ($o.type -eq 'Workspace') { $o.id = [string](9000000000000000 + [long]$o.id % 10) }
                if ($null -ne $o.workspace_id) { $o.workspace_id = 9000000000000000 + [long]$o.workspace_id % 10; if ($o.type -eq 'WorkspaceNetworkOption') { $o.id = [string]$o.workspace_id } }
            }
        }
    }
    AfterAll { $script:emuD | Stop-TestService }

    It 'skips workspaces it cannot find by id and finds them with -MatchWorkspaceBy Name' {
        $byId = @(Import-DbxNetworkConfiguration -Context $ctxD -Path $renumbered -Include IpAccessList -WhatIf)
        $byId | ForEach-Object { $_.Action | Should -Be 'Skipped' }
        ($byId | Where-Object Kind -eq 'IpAccessList')[0].Detail | Should -Match 'MatchWorkspaceBy Name'
        $byName = @(Import-DbxNetworkConfiguration -Context $ctxD -Path $renumbered -Include IpAccessList -MatchWorkspaceBy Name -Force)
        ($byName | Where-Object { $_.Kind -eq 'IpAccessList' -and $_.WorkspaceId -eq $ws2 }).Action | Should -Be 'Unchanged' -Because 'prod-us has the demo account''s blocked-tor-exits list already'
        $lists = @($byName | Where-Object Kind -eq 'IpAccessList' | Where-Object WorkspaceId -ne $ws2)
        $lists.Count | Should -Be 2
        $lists | ForEach-Object { $_.Action | Should -Be 'Created'; $_.WorkspaceId | Should -Be $ws1 }
        @(Get-DbxIpAccessList -Context $ctxD -WorkspaceId $ws1).Label | Sort-Object | Should -Be @('office', 'partners')
    }
}

Describe 'Import-DbxNetworkConfiguration of an enabled S3 private endpoint rule' {
    BeforeAll {
        # The source's S3 rule was enabled (after it was ESTABLISHED). A new S3 rule starts disabled on the service and its
        # enabled flag can change only once it is ESTABLISHED, so the import waits for that and then enables it.
        $script:enabledSnap = Edit-Snapshot $snapA (Join-Path $tmp 'enabled-s3.json') {
            param($s)
            foreach ($o in $s.objects) { if ($o.type -eq 'PrivateEndpointRule' -and $null -ne $o.properties.resource_names) { $o.properties.enabled = $true } }
        }
    }

    It 'waits for ESTABLISHED with a vpc_endpoint_id, then enables the rule' {
        $emuE = Start-TestEmulator -Arguments @('--quiet', '--pe-accept-delay', '2')
        try {
            $ctxE = Connect-TestAccount -Url $emuE.Url -NoDefault
            $out = @(Import-DbxNetworkConfiguration -Context $ctxE -Path $enabledSnap -Include NetworkConnectivityConfig, PrivateEndpointRule -Force -WarningVariable warn -ErrorVariable err)
            $err | Should -BeNullOrEmpty
            $warn | Should -BeNullOrEmpty
            # The demo account's own rule (in the snapshot and in this emulator) is unchanged; the two of use1-serverless are created.
            $demoRule = 'e1784f8b-e736-4ecb-83e2-279b0377f199'
            ($out | Where-Object Kind -eq 'PrivateEndpointRule' | Where-Object Id -eq $demoRule).Action | Should -Be 'Unchanged'
            @($out | Where-Object Kind -eq 'PrivateEndpointRule' | Where-Object Id -ne $demoRule | Where-Object Action -ne 'Created') | Should -BeNullOrEmpty
            @($out | Where-Object Kind -eq 'PrivateEndpointRule' | Where-Object Action -eq 'Created').Count | Should -Be 2
            $ncc = Get-DbxNetworkConnectivityConfig -Context $ctxE -Name use1-serverless -Region us-east-1
            $s3 = Get-DbxPrivateEndpointRule -Context $ctxE -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId | Where-Object { $_.ResourceNames }
            $s3.ConnectionState | Should -Be 'ESTABLISHED'
            $s3.VpcEndpointId | Should -Match '^vpce-'
            $s3.Enabled | Should -BeTrue -Because 'the service stored the PATCH sent once the rule was ESTABLISHED'
            # Nothing left to do: a second import is unchanged.
            @(Import-DbxNetworkConfiguration -Context $ctxE -Path $enabledSnap -Include NetworkConnectivityConfig, PrivateEndpointRule -Force | Where-Object Kind -in 'NetworkConnectivityConfig', 'PrivateEndpointRule' | Where-Object Action -ne 'Unchanged') | Should -BeNullOrEmpty
        } finally { $emuE | Stop-TestService }
    }

    It 'warns with the rule and the command to finish later when the rule is not ESTABLISHED in time, and leaves it disabled' {
        $emuF = Start-TestEmulator -Arguments @('--quiet', '--pe-accept-delay', '1')
        try {
            $ctxF = Connect-TestAccount -Url $emuF.Url -NoDefault
            # The S3 service of us-east-1 never connects on this emulator: its rules stay PENDING.
            $fate = @{ endpoint_service = 'com.amazonaws.us-east-1.s3'; connection_state = 'PENDING' } | ConvertTo-Json
            Invoke-EmulatorControl -Method Post -Path endpoint-service-fates -Body $fate -Url $emuF.Url | Out-Null
            $out = @(Import-DbxNetworkConfiguration -Context $ctxF -Path $enabledSnap -Include NetworkConnectivityConfig, PrivateEndpointRule -RuleTimeoutSec 3 -Force -WarningVariable warn -ErrorVariable err -WarningAction SilentlyContinue)
            $err | Should -BeNullOrEmpty
            $ncc = Get-DbxNetworkConnectivityConfig -Context $ctxF -Name use1-serverless -Region us-east-1
            $s3 = Get-DbxPrivateEndpointRule -Context $ctxF -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId | Where-Object { $_.ResourceNames }
            $s3.Enabled | Should -BeFalse
            ($out | Where-Object { $_.Kind -eq 'PrivateEndpointRule' -and $_.Id -eq $s3.RuleId }).Action | Should -Be 'Created'
            $warn.Count | Should -Be 1
            $warn[0].Message | Should -Match ([regex]::Escape($s3.RuleId))
            $warn[0].Message | Should -Match 'PENDING'
            $warn[0].Message | Should -Match ([regex]::Escape("Update-DbxPrivateEndpointRule -NetworkConnectivityConfigId $($ncc.NetworkConnectivityConfigId) -RuleId $($s3.RuleId) -Enabled `$true"))
        } finally { $emuF | Stop-TestService }
    }
}
