# Get-DbxNetworkPosture against tests/fixtures/posture-seed.json on a private emulator: the facts of each kind of
# workspace, the account-level facts, a workspace whose IP access list blocks the scanner (403: an error and an
# incomplete posture, the others go on), how many requests a scan costs, the throttle and the progress records.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-PostureEmulator
    $script:pctx = Connect-TestAccount -Url $emu.Url -NoDefault
    Reset-EmulatorRequests -Url $emu.Url
    $script:all = @(Get-DbxNetworkPosture -Context $pctx -ErrorAction SilentlyContinue -ErrorVariable scanErrors)
    $script:scanErrors = @($scanErrors)
    $script:requests = Get-EmulatorRequests -Url $emu.Url
    function Get-Posture([string]$Name) { $script:all | Where-Object WorkspaceName -eq $Name }
}
AfterAll { $script:emu | Stop-TestService }

Describe 'Get-DbxNetworkPosture' {
    It 'writes one posture per workspace of the account' {
        $all.Count | Should -Be 4
        ($all.WorkspaceName | Sort-Object) | Should -Be @('dev-broken', 'prod-public', 'prod-secure', 'sandbox-blocked')
        $all | ForEach-Object { $_ | Should -BeOfType ([DatabricksNetworking.Models.NetworkPosture]) }
    }

    It 'reads a fully private workspace: back-end and front-end PrivateLink, no public access, IP lists on, NCC and an enforced restrictive policy' {
        $p = Get-Posture 'prod-secure'
        $p.Complete | Should -BeTrue
        $p.CustomerManagedVpc | Should -BeTrue
        $p.VpcId | Should -Be 'vpc-0a1b2c3d4e5f60001'
        $p.VpcStatus | Should -Be 'VALID'
        $p.BackEndPrivateLink | Should -BeTrue
        $p.RestApiVpcEndpointIds | Should -Be @('b1000000-0000-4000-8000-000000000001')
        $p.DataplaneRelayVpcEndpointIds | Should -Be @('b1000000-0000-4000-8000-000000000002')
        $p.BackEndVpcEndpointStates | Should -Be @('use1-rest (b1000000-0000-4000-8000-000000000001): available', 'use1-relay (b1000000-0000-4000-8000-000000000002): available')
        $p.FrontEndPrivateLink | Should -BeTrue
        $p.FrontEndVpcEndpointIds | Should -Be @('b1000000-0000-4000-8000-000000000003')
        $p.PublicAccessEnabled | Should -BeFalse
        $p.PrivateAccessLevel | Should -Be 'ENDPOINT'
        $p.IpAccessListsEnabled | Should -BeTrue
        $p.AllowListCount | Should -Be 1
        $p.BlockListCount | Should -Be 0
        $p.WideAllowEntries | Should -BeNullOrEmpty
        $p.NetworkConnectivityConfigName | Should -Be 'use1-ncc'
        $p.PrivateEndpointRuleStates | Should -Be @('e1000000-0000-4000-8000-000000000001: ESTABLISHED')
        $p.FailedPrivateEndpointRuleCount | Should -Be 0
        $p.NetworkPolicyId | Should -Be 'restricted-enforced'
        $p.EgressRestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $p.PolicyEnforcementMode | Should -Be 'ENFORCED'
        $p.CustomTags['env'] | Should -Be 'prod'
    }

    It 'reads a public workspace: 0.0.0.0/0 allowed, public access on, a dry-run policy and no NCC' {
        $p = Get-Posture 'prod-public'
        $p.Complete | Should -BeTrue
        $p.BackEndPrivateLink | Should -BeFalse
        $p.PublicAccessEnabled | Should -BeTrue
        $p.PrivateAccessLevel | Should -Be 'ACCOUNT'
        $p.FrontEndPrivateLink | Should -BeTrue -Because 'ACCOUNT-level settings admit every available REST endpoint of the region'
        $p.AllowListCount | Should -Be 1
        $p.BlockListCount | Should -Be 1
        $p.WideAllowEntries | Should -Be @('0.0.0.0/0 (anyone)')
        $p.NetworkConnectivityConfigId | Should -BeNullOrEmpty
        $p.PolicyEnforcementMode | Should -Be 'DRY_RUN'
        $p.DryRunProducts | Should -Be @('DBSQL')
    }

    It 'reads a broken workspace: vpc_status BROKEN, no private access settings, IP lists off, a rejected private endpoint rule, the default policy' {
        $p = Get-Posture 'dev-broken'
        $p.Complete | Should -BeTrue
        $p.VpcStatus | Should -Be 'BROKEN'
        $p.PrivateAccessSettingsId | Should -BeNullOrEmpty
        $p.PublicAccessEnabled | Should -BeTrue
        $p.FrontEndPrivateLink | Should -BeFalse
        $p.IpAccessListsEnabled | Should -BeFalse
        $p.AllowListCount | Should -Be 0
        $p.PrivateEndpointRuleStates | Should -Be @('e1000000-0000-4000-8000-000000000002: REJECTED')
        $p.FailedPrivateEndpointRuleCount | Should -Be 1
        $p.NetworkPolicyId | Should -Be 'default-policy'
        $p.EgressRestrictionMode | Should -Be 'FULL_ACCESS'
    }

    It 'carries the account-level facts on every posture' {
        foreach ($p in $all) {
            $p.AccountId | Should -Be (Get-TestSeed).AccountId
            $p.AccountIpAccessListsEnabled | Should -BeTrue
            $p.AccountAllowListCount | Should -Be 1
            $p.AccountBlockListCount | Should -Be 0
            $p.AccountWideAllowEntries | Should -BeNullOrEmpty
        }
    }

    It 'marks the workspace whose IP access list blocks the scanner as incomplete, with one non-terminating 403 error, and completes the others' {
        $p = Get-Posture 'sandbox-blocked'
        $p.Complete | Should -BeFalse
        $p.Status | Should -Be 'Incomplete'
        $p.IpAccessListsEnabled | Should -BeNullOrEmpty
        $p.AllowListCount | Should -BeNullOrEmpty
        ($p.IncompleteReasons -join "`n") | Should -Match 'IP access lists: .*blocked by Databricks IP ACL'
        # The account-level facts of the blocked workspace are still read.
        $p.NetworkPolicyId | Should -Be 'default-policy'
        $p.PublicAccessEnabled | Should -BeTrue
        @($all | Where-Object Complete).Count | Should -Be 3
        $scanErrors.Count | Should -Be 1
        $scanErrors[0].FullyQualifiedErrorId | Should -BeLike 'DbxApi403*' -Because 'an IP ACL block carries the numeric error_code 403'
        $scanErrors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $scanErrors[0].TargetObject | Should -Be 5000000000000004
        $scanErrors[0].Exception.Message | Should -Match '403'
    }

    It 'reads every account-level list once and each workspace-level call once per workspace' {
        $by = $requests.by_route
        $by.'GET /api/2.0/accounts/*/workspaces' | Should -Be 1
        $by.'GET /api/2.0/accounts/*/networks' | Should -Be 1
        $by.'GET /api/2.0/accounts/*/vpc-endpoints' | Should -Be 1
        $by.'GET /api/networking/v1/accounts/*/endpoints' | Should -Be 1 -Because 'Service Direct registered endpoints are front-end PrivateLink too'
        $by.'GET /api/2.0/accounts/*/private-access-settings' | Should -Be 1
        $by.'GET /api/2.0/accounts/*/network-connectivity-configs' | Should -Be 1
        $by.'GET /api/2.0/accounts/*/network-connectivity-configs/*/private-endpoint-rules' | Should -Be 2
        $by.'GET /api/2.0/accounts/*/network-policies' | Should -Be 1
        $by.'GET /api/2.0/accounts/*/ip-access-lists' | Should -Be 1
        $by.'GET /api/2.0/ip-access-lists' | Should -Be 4
        $by.'GET /api/2.0/workspace-conf' | Should -Be 4
        $by.'GET /api/2.0/accounts/*/workspaces/*/network' | Should -Be 4
        $by.PSObject.Properties.Name | Should -Not -Contain 'GET /api/2.0/accounts/*/workspaces/*' -Because 'the workspace list already has every workspace'
    }

    It 'scans only the given workspaces, from -WorkspaceId or the pipeline, and reports an id that is not in the account' {
        $one = @(Get-DbxNetworkPosture -Context $pctx -WorkspaceId 5000000000000002)
        $one.WorkspaceName | Should -Be 'prod-public'
        $two = @(Get-DbxWorkspace -Context $pctx | Where-Object WorkspaceName -like 'prod-*' | Get-DbxNetworkPosture -Context $pctx)
        ($two.WorkspaceName | Sort-Object) | Should -Be @('prod-public', 'prod-secure')
        $out = @(Get-DbxNetworkPosture -Context $pctx -WorkspaceId 5000000000000001, 1234567890123456 -ErrorAction SilentlyContinue -ErrorVariable err)
        $out.WorkspaceName | Should -Be 'prod-secure'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxWorkspaceNotFound*'
        $err[0].TargetObject | Should -Be 1234567890123456
    }

    It 'reports ALLOW entries wider than -MaxAllowPrefixLength' {
        $p = Get-DbxNetworkPosture -Context $pctx -WorkspaceId 5000000000000001 -MaxAllowPrefixLength 24
        $p.WideAllowEntries | Should -Be @('10.20.0.0/16 (corp)')
        $p.MaxAllowPrefixLength | Should -Be 24
        $p.AccountWideAllowEntries | Should -BeNullOrEmpty -Because '203.0.113.0/24 is not wider than /24'
    }

    It 'keeps at most -ThrottleLimit requests in flight and says so' {
        $verbose = Get-DbxNetworkPosture -Context $pctx -ThrottleLimit 2 -ErrorAction SilentlyContinue -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $line = @($verbose | Where-Object { $_.Message -match 'workspaces read with' })[0].Message
        $line | Should -Match '^4 workspaces read with 23 requests, at most [12] in flight \(throttle 2\)'
    }

    It 'shows progress with the count of workspaces done, from the pipeline thread' {
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddCommand('Import-Module').AddArgument((Get-TestEnvironment).Module).AddStatement()
            [void]$ps.AddCommand('Get-DbxNetworkPosture').AddParameter('Context', $pctx).AddParameter('ErrorAction', 'SilentlyContinue')
            $out = $ps.Invoke()
            $out.Count | Should -Be 4
            $status = @($ps.Streams.Progress | Where-Object ActivityId -eq 0x7057 | ForEach-Object StatusDescription)
            $status | Should -Contain '0 of 4 workspaces'
            $status | Should -Contain '4 of 4 workspaces'
            ($ps.Streams.Progress | Where-Object RecordType -eq 'Completed').Count | Should -BeGreaterThan 0
        }
        finally { $ps.Dispose() }
    }

    It 'stops early when the pipeline needs no more' {
        $first = @(Get-DbxNetworkPosture -Context $pctx -ErrorAction SilentlyContinue | Select-Object -First 1)
        $first.Count | Should -Be 1
        $first[0].WorkspaceName | Should -BeIn @('dev-broken', 'prod-public', 'prod-secure', 'sandbox-blocked')
    }

    It 'shows a table with the facts an auditor scans first' {
        $text = Get-Posture 'prod-public' | Out-String -Width 200
        $text | Should -Match 'Account ingress: account-policy: None, 0 enforced and 0 dry-run rule\(s\)' -Because 'the account policy is shown once, above the table'
        $text | Should -Match 'WorkspaceName\s+Region\s+Vpc\s+BackEndPL\s+FrontEndPL\s+Public\s+IpAcl\s+Ncc\s+Egress\s+Ingress\s+Status'
        $text | Should -Match 'prod-public\s+us-east-1\s+VALID\s+False\s+True\s+True\s+on 1/1 wide!\s+RESTRICTED_ACCESS \(dry run\)\s+None 0/0 dry\s+Complete'
    }
}
