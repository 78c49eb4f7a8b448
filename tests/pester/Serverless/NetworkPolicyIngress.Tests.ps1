BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:wirePath = { param($id) "/api/2.0/accounts/{account_id}/network-policies/$id" }
}

Describe 'New-DbxIngressRule (local, nothing sent)' {
    It 'builds the exact wire rule: included minus excluded ranges, destinations with API scopes, selected identities' {
        $r = New-DbxIngressRule -Action Allow -Label office -IpRange '203.0.113.0/24', '198.51.100.7' -ExcludedIpRange '203.0.113.9' `
            -Destination WorkspaceUi, WorkspaceApi -ApiScope sql -ApiScopeQualifier Read -Identity 'user:101', @{ PrincipalId = 202; PrincipalType = 'servicePrincipal' }
        $r.Action | Should -Be 'Allow'
        $r.Label | Should -Be 'office'
        $r.PolicyLevel | Should -Be 'Workspace'
        $r.Rule.Origin.IncludedIpRanges.IpRanges | Should -Be @('203.0.113.0/24', '198.51.100.7')
        $r.Rule.Origin.ExcludedIpRanges.IpRanges | Should -Be @('203.0.113.9')
        $r.Rule.Destination.WorkspaceUi.AllDestinations | Should -BeTrue
        $r.Rule.Destination.WorkspaceApi.Scopes | Should -Be @('sql')
        $r.Rule.Destination.WorkspaceApi.ScopeQualifier | Should -Be 'API_SCOPE_QUALIFIER_READ'
        $r.Rule.Authentication.IdentityType | Should -Be 'IDENTITY_TYPE_SELECTED_IDENTITIES'
        ($r.Rule.Authentication.Identities | ForEach-Object { "$_" }) | Should -Be @('user:101', 'servicePrincipal:202')
        $r.Identities | Should -Be @('user:101', 'servicePrincipal:202')
    }

    It 'a rule without destination or identity matches all destinations and everyone' {
        $r = New-DbxIngressRule Deny blocklist -IpRange '192.0.2.0/24'
        $r.Rule.Destination.AllDestinations | Should -BeTrue
        $r.Rule.Authentication | Should -BeNullOrEmpty
        $r.Destinations | Should -Be @('All')
        $r.Identities | Should -Be @('All')
    }

    It 'refuses <Name> with <ErrorId>' -ForEach @(
        @{ Name = 'a malformed CIDR'; Splat = @{ IpRange = '203.0.113.0/33' }; ErrorId = 'DbxInvalidIngressIpRange' }
        @{ Name = 'an IPv6 range'; Splat = @{ IpRange = '2001:db8::/32' }; ErrorId = 'DbxInvalidIngressIpRange' }
        @{ Name = 'a private range in a public rule'; Splat = @{ IpRange = '10.1.0.0/16' }; ErrorId = 'DbxInvalidIngressIpRange' }
        @{ Name = '-IpRange with -AllIpRanges'; Splat = @{ IpRange = '203.0.113.1'; AllIpRanges = $true }; ErrorId = 'DbxInvalidIngressOrigin' }
        @{ Name = 'an account destination in a workspace rule'; Splat = @{ Destination = 'AccountUi' }; ErrorId = 'DbxInvalidIngressDestination' }
        @{ Name = 'a workspace destination in an account rule'; Splat = @{ Destination = 'WorkspaceUi'; Account = $true }; ErrorId = 'DbxInvalidIngressDestination' }
        @{ Name = 'identities in an account rule'; Splat = @{ Destination = 'AccountUi'; Account = $true; AllUsers = $true }; ErrorId = 'DbxInvalidIngressIdentity' }
        @{ Name = 'an identity without its type'; Splat = @{ Identity = '101' }; ErrorId = 'DbxInvalidIngressIdentity' }
        @{ Name = 'a non-numeric principal id'; Splat = @{ Identity = 'user:alice@example.com' }; ErrorId = 'DbxInvalidIngressIdentity' }
        @{ Name = 'two identity kinds'; Splat = @{ Identity = 'user:1'; AllUsers = $true }; ErrorId = 'DbxInvalidIngressIdentity' }
        @{ Name = 'an API scope without an API destination'; Splat = @{ Destination = 'WorkspaceUi'; ApiScope = 'sql' }; ErrorId = 'DbxInvalidIngressApiScope' }
        @{ Name = 'an empty label'; Splat = @{ Label = ' ' }; ErrorId = 'DbxInvalidIngressRuleLabel' }
    ) {
        $p = @{ Action = 'Allow'; Label = 'x' }
        foreach ($k in $Splat.Keys) { $p[$k] = $Splat[$k] }
        $out = New-DbxIngressRule @p -ErrorAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
    }

    It 'an account rule takes account destinations' {
        $r = New-DbxIngressRule Allow console -Account -Destination AccountUi, AccountApi -IpRange '198.51.100.0/24'
        $r.PolicyLevel | Should -Be 'Account'
        $r.Rule.Destination.AccountUi.AllDestinations | Should -BeTrue
        $r.Rule.Destination.AccountApi.Scopes | Should -Be @('all-apis')
    }
}

Describe 'Network policies with ingress (shared emulator)' {
    BeforeAll {
        Connect-TestAccount | Out-Null
        $script:id = New-TestName 'npi'
        $script:allow = New-DbxIngressRule Allow office -IpRange '203.0.113.0/24' -Destination WorkspaceUi, WorkspaceApi
        $script:deny = New-DbxIngressRule Deny bad-net -IpRange '198.51.100.0/24'
    }
    AfterAll { Remove-DbxNetworkPolicy -NetworkPolicyId $script:id -Force -ErrorAction SilentlyContinue }

    It 'New-DbxNetworkPolicy sends the typed ingress exactly as the SDK declares it' {
        $p = New-DbxNetworkPolicy -NetworkPolicyId $script:id -RestrictionMode FullAccess -PublicAccessRestrictionMode RestrictedAccess -IngressRule $script:allow, $script:deny
        $p.PublicAccessRestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $p.IngressRuleCount | Should -Be 2
        $wire = Invoke-DbxApi -Path (& $script:wirePath $script:id)
        $pub = $wire.ingress.public_access
        $pub.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
        $pub.allow_rules[0].label | Should -Be 'office'
        $pub.allow_rules[0].origin.included_ip_ranges.ip_ranges | Should -Be @('203.0.113.0/24')
        $pub.allow_rules[0].destination.workspace_ui.all_destinations | Should -BeTrue
        $pub.allow_rules[0].destination.workspace_api.scopes | Should -Be @('all-apis')
        $pub.deny_rules[0].label | Should -Be 'bad-net'
        $pub.deny_rules[0].destination.all_destinations | Should -BeTrue
        $wire.PSObject.Properties.Name | Should -Not -Contain 'ingress_dry_run'
    }

    It '-IngressDryRun puts the rules in ingress_dry_run and leaves the enforced ingress alone' {
        $stage = New-DbxIngressRule Allow vpn -IpRange '192.0.2.10'
        $after = Set-DbxNetworkPolicy $script:id -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule $stage -PassThru
        $after.DryRunPublicAccessRestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $after.IngressDryRunRuleCount | Should -Be 1
        $after.IngressRuleCount | Should -Be 2
        $wire = Invoke-DbxApi -Path (& $script:wirePath $script:id)
        $wire.ingress_dry_run.public_access.allow_rules[0].label | Should -Be 'vpn'
        $wire.ingress.public_access.allow_rules[0].label | Should -Be 'office'
    }

    It 'an egress-only change keeps every ingress field (typed and unknown) on the full replace' {
        $before = Invoke-DbxApi -Path (& $script:wirePath $script:id)
        Set-DbxNetworkPolicy $script:id -AllowedDomain 'example.org'
        $wire = Invoke-DbxApi -Path (& $script:wirePath $script:id)
        ($wire.ingress | ConvertTo-Json -Depth 20 -Compress) | Should -Be ($before.ingress | ConvertTo-Json -Depth 20 -Compress)
        ($wire.ingress_dry_run | ConvertTo-Json -Depth 20 -Compress) | Should -Be ($before.ingress_dry_run | ConvertTo-Json -Depth 20 -Compress)
    }

    It '-IngressRule @() clears the rules; the mode stays' {
        $after = Set-DbxNetworkPolicy $script:id -IngressRule @() -PublicAccessRestrictionMode FullAccess -PassThru
        $after.IngressRuleCount | Should -Be 0
        $after.PublicAccessRestrictionMode | Should -Be 'FULL_ACCESS'
    }

    It 'refuses an account rule on a workspace policy before anything is sent' {
        $acct = New-DbxIngressRule Allow console -Account -Destination AccountUi
        Set-DbxNetworkPolicy $script:id -IngressRule $acct -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidIngressDestination*'
    }

    It 'refuses two rules with one label' {
        $a = New-DbxIngressRule Allow same -IpRange '203.0.113.1'
        $b = New-DbxIngressRule Deny same -IpRange '203.0.113.2'
        Set-DbxNetworkPolicy $script:id -IngressRule $a, $b -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxDuplicateIngressRuleLabel*'
    }

    It '-IngressDryRun alone is refused' {
        Set-DbxNetworkPolicy $script:id -IngressDryRun -AllowedDomain 'example.org' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidNetworkPolicyChange*'
    }
}

Describe 'Private and cross-workspace access (shared emulator)' {
    BeforeAll {
        Connect-TestAccount | Out-Null
        $script:pid2 = New-TestName 'npp'
        $script:ep1 = [guid]::NewGuid().ToString(); $script:ep2 = [guid]::NewGuid().ToString()
        New-DbxNetworkPolicy -NetworkPolicyId $script:pid2 -RestrictionMode FullAccess -PublicAccessRestrictionMode FullAccess | Out-Null
    }
    AfterAll { Remove-DbxNetworkPolicy -NetworkPolicyId $script:pid2 -Force -ErrorAction SilentlyContinue }

    It 'the emulator fills private_access as the service does when it is unset, and a read-modify-write sends it back' {
        $wire = Invoke-DbxApi -Path (& $script:wirePath $script:pid2)
        $wire.ingress.private_access.restriction_mode | Should -Be 'RESTRICTION_MODE_UNSPECIFIED'
        $wire.ingress.private_access.PSObject.Properties.Name | Should -Be @('restriction_mode')
        $p = Set-DbxNetworkPolicy $script:pid2 -AllowedDomain 'example.org' -PassThru
        $p.PrivateAccessRestrictionMode | Should -Be 'RESTRICTION_MODE_UNSPECIFIED'
        ($p | Format-Table | Out-String -Width 200) | Should -Match 'PrivateAccess[\s\S]*Unspecified'
    }

    It '-PrivateAccess Restricted -AllowedEndpointId writes one endpoints allow rule exactly as the SDK declares it' {
        $p = Set-DbxNetworkPolicy $script:pid2 -PrivateAccess Restricted -AllowedEndpointId $script:ep1, $script:ep2, $script:ep1 -PassThru
        $p.AllowedEndpointIds | Should -Be @($script:ep1, $script:ep2)
        ($p | Format-Table | Out-String -Width 200) | Should -Match 'Restricted \(2\)'
        $pa = (Invoke-DbxApi -Path (& $script:wirePath $script:pid2)).ingress.private_access
        $pa.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
        @($pa.allow_rules).Count | Should -Be 1
        $pa.allow_rules[0].label | Should -Be 'allowed-endpoints'
        $pa.allow_rules[0].origin.endpoints.endpoint_ids | Should -Be @($script:ep1, $script:ep2)
        $pa.allow_rules[0].PSObject.Properties.Name | Should -Not -Contain 'destination'
    }

    It '-AllowedEndpointId alone keeps Restricted and replaces the endpoints; @() leaves none (with a warning)' {
        (Set-DbxNetworkPolicy $script:pid2 -AllowedEndpointId $script:ep2 -PassThru).AllowedEndpointIds | Should -Be @($script:ep2)
        $p = Set-DbxNetworkPolicy $script:pid2 -AllowedEndpointId @() -PassThru -WarningVariable w -WarningAction SilentlyContinue
        $p.PrivateAccessRestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $p.AllowedEndpointIds | Should -BeNullOrEmpty
        ($w -join ' ') | Should -Match 'every request over a registered endpoint is refused'
    }

    It '-PrivateAccess AllRegisteredEndpoints sends ALLOW_ALL_REGISTERED_ENDPOINTS without rules; -CrossWorkspaceAccess sends its mode' {
        Set-DbxNetworkPolicy $script:pid2 -AllowedEndpointId $script:ep1 | Out-Null
        $p = Set-DbxNetworkPolicy $script:pid2 -PrivateAccess AllRegisteredEndpoints -CrossWorkspaceAccess LegacyMode -PassThru
        $p.IngressSummary | Should -Match 'private access ALLOW_ALL_REGISTERED_ENDPOINTS, cross-workspace LEGACY_MODE'
        $wire = (Invoke-DbxApi -Path (& $script:wirePath $script:pid2)).ingress
        $wire.private_access.restriction_mode | Should -Be 'ALLOW_ALL_REGISTERED_ENDPOINTS'
        $wire.private_access.PSObject.Properties.Name | Should -Not -Contain 'allow_rules'
        $wire.cross_workspace_access.restriction_mode | Should -Be 'LEGACY_MODE'
        (Set-DbxNetworkPolicy $script:pid2 -CrossWorkspaceAccess RestrictedAccess -PassThru).CrossWorkspaceAccessRestrictionMode | Should -Be 'RESTRICTED_ACCESS'
    }

    It 'refuses <Name> before anything is sent' -ForEach @(
        @{ Name = 'endpoint ids with AllRegisteredEndpoints'; Splat = @{ PrivateAccess = 'AllRegisteredEndpoints'; AllowedEndpointId = '3f2504e0-4f89-11d3-9a0c-0305e82c3301' }; ErrorId = 'DbxInvalidPrivateAccess' }
        @{ Name = 'a malformed endpoint id'; Splat = @{ AllowedEndpointId = 'vpce-123' }; ErrorId = 'DbxInvalidNetworkEndpointId' }
        @{ Name = 'a malformed endpoint id among good ones'; Splat = @{ AllowedEndpointId = '3f2504e0-4f89-11d3-9a0c-0305e82c3301', '3f2504e0-4f89-11d3-9a0c-0305e82c330'; PrivateAccess = 'Restricted' }; ErrorId = 'DbxInvalidNetworkEndpointId' }
        @{ Name = 'an endpoint id with a path in it'; Splat = @{ AllowedEndpointId = '3f2504e0-4f89-11d3-9a0c-0305e82c3301/../x' }; ErrorId = 'DbxInvalidNetworkEndpointId' }
        @{ Name = '-IngressDryRun with nothing for it'; Splat = @{ IngressDryRun = $true; AllowedDomain = 'example.org' }; ErrorId = 'DbxInvalidNetworkPolicyChange' }
    ) {
        $n = Get-EmulatorRequestCount
        Set-DbxNetworkPolicy $script:pid2 @Splat -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        Get-EmulatorRequestCount | Should -Be $n
    }

    It '-IngressDryRun -PrivateAccess goes to ingress_dry_run only' {
        Set-DbxNetworkPolicy $script:pid2 -IngressDryRun -PrivateAccess Restricted -AllowedEndpointId $script:ep1 | Out-Null
        $wire = Invoke-DbxApi -Path (& $script:wirePath $script:pid2)
        $wire.ingress_dry_run.private_access.allow_rules[0].origin.endpoints.endpoint_ids | Should -Be @($script:ep1)
        $wire.ingress.private_access.restriction_mode | Should -Be 'ALLOW_ALL_REGISTERED_ENDPOINTS'
    }

    It 'the lockout guard treats requests as public: a private-access change on a bound policy takes nothing from public callers' {
        $ws = 1111111111111111
        $old = (Get-DbxWorkspaceNetworkPolicy -WorkspaceId $ws).NetworkPolicyId
        try {
            Set-DbxWorkspaceNetworkPolicy -WorkspaceId $ws -NetworkPolicyId $script:pid2 -Confirm:$false | Out-Null
            # Restricted private access with no allow rule refuses every private request, yet no public caller loses anything.
            $v = Set-DbxNetworkPolicy $script:pid2 -PrivateAccess Restricted -AllowedEndpointId @() -BreakGlassIpAddress 203.0.113.7 -Verbose -WarningAction SilentlyContinue -ErrorVariable err 4>&1
            $err | Should -BeNullOrEmpty
            ($v -join ' ') | Should -Match 'changes the enforced public ingress of no workspace'
            (Invoke-DbxApi -Path (& $script:wirePath $script:pid2)).ingress.private_access.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
        }
        finally {
            Set-DbxWorkspaceNetworkPolicy -WorkspaceId $ws -NetworkPolicyId ($old ?? 'default-policy') -Force -WarningAction SilentlyContinue | Out-Null
        }
    }
}

Describe 'The private-access parameters come from one contract' {
    BeforeAll { Connect-TestAccount | Out-Null }

    It 'every cmdlet building private access (IIngressPrivateAccess) declares -<Name> alike' -ForEach @(
        @{ Name = 'PrivateAccess' }, @{ Name = 'AllowedEndpointId' }, @{ Name = 'IngressDryRun' }
    ) {
        $iface = [DatabricksNetworking.Cmdlets.Serverless.IIngressPrivateAccess]
        $builders = @(Get-Command -Module DatabricksNetworking -CommandType Cmdlet | Where-Object { $iface.IsAssignableFrom($_.ImplementingType) })
        @($builders.Name | Sort-Object) | Should -Be @('Set-DbxAccountIngressPolicy', 'Set-DbxNetworkPolicy')
        $shape = foreach ($c in $builders) {
            $p = $c.Parameters[$Name]
            $p | Should -Not -BeNullOrEmpty -Because "$($c.Name) -$Name"
            $p.ParameterType | Should -Be $iface.GetProperty($Name).PropertyType -Because "$($c.Name) -$Name"
            # Attributes are not inherited from an interface: the declarations must agree (binding, [DbxId], completer).
            $attrs = $c.ImplementingType.GetProperty($Name).GetCustomAttributes($true) | ForEach-Object {
                $a = $_
                switch ($a.GetType().Name) {
                    'ParameterAttribute' { "Parameter(Mandatory=$($a.Mandatory),Pipeline=$($a.ValueFromPipeline),ByName=$($a.ValueFromPipelineByPropertyName),Set=$($a.ParameterSetName))" }
                    'DbxIdAttribute' { "DbxId($($a.Kind))" }
                    'ArgumentCompleterAttribute' { "Completer($($a.Type.Name))" }
                    default { $a.GetType().Name }
                }
            } | Sort-Object
            $attrs -join ';'
        }
        @($shape | Select-Object -Unique).Count | Should -Be 1 -Because ($shape -join ' <> ')
        if ($Name -eq 'AllowedEndpointId') { $shape[0] | Should -Match 'DbxId\(NetworkEndpoint\)' }
    }

    It '<Command> with nothing to change names the private-access parameters, before anything is sent' -ForEach @(
        @{ Command = 'Set-DbxNetworkPolicy'; Splat = @{ NetworkPolicyId = 'default-policy' } }
        @{ Command = 'Set-DbxAccountIngressPolicy'; Splat = @{} }
    ) {
        $n = Get-EmulatorRequestCount
        & $Command @Splat -Force -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidNetworkPolicyChange,*'
        $err[0].Exception.Message | Should -Match '-PrivateAccess(,| or) -AllowedEndpointId'
        Get-EmulatorRequestCount | Should -Be $n
    }

    It 'Set-DbxAccountIngressPolicy refuses a malformed endpoint id the same way, before anything is sent' {
        $n = Get-EmulatorRequestCount
        Set-DbxAccountIngressPolicy -AllowedEndpointId 'vpce-0a1b2c3d' -Force -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidNetworkEndpointId,*'
        $err[0].Exception.Message | Should -Match 'registered network endpoint'
        Get-EmulatorRequestCount | Should -Be $n
    }
}

Describe 'The ingress lockout guard parameters come from one contract' {
    It 'every guarded cmdlet (IIngressGuarded) has the five guard parameters with the same types' {
        $iface = [DatabricksNetworking.Cmdlets.Serverless.IIngressGuarded]
        $guarded = @(Get-Command -Module DatabricksNetworking -CommandType Cmdlet | Where-Object { $iface.IsAssignableFrom($_.ImplementingType) })
        $guarded.Name | Should -Contain 'Set-DbxNetworkPolicy'
        $guarded.Name | Should -Contain 'Set-DbxAccountIngressPolicy'
        foreach ($c in $guarded) {
            foreach ($p in $iface.GetProperties()) {
                $c.Parameters[$p.Name] | Should -Not -BeNullOrEmpty -Because "$($c.Name) -$($p.Name)"
                $c.Parameters[$p.Name].ParameterType | Should -Be $p.PropertyType -Because "$($c.Name) -$($p.Name)"
            }
        }
    }
}
