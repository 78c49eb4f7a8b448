# Tab completion of ids from the live account, through TabExpansion2 as a user presses Tab: cached per context,
# matching ids and names, quiet when not connected, giving up after 2 seconds against a slow service.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
    function Complete([string]$Line) {
        $r = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        @($r.CompletionMatches)
    }
}

AfterAll {
    Remove-Variable -Name dbxOther, dbxSlow, dbxIds -Scope Global -ErrorAction SilentlyContinue
}

Describe '-WorkspaceId completion' {
    BeforeAll { Connect-TestAccount | Out-Null }

    It 'offers the account''s workspaces, with their names' {
        $m = Complete 'Get-DbxWorkspace -WorkspaceId '
        @($m.CompletionText) | Should -Be @('3333333333333333', '1111111111111111', '2222222222222222')
        @($m.ListItemText) | Should -Contain '1111111111111111 (prod-eu)'
        ($m | Where-Object CompletionText -eq '2222222222222222').ToolTip | Should -Match 'us-east-1'
    }

    It 'filters by id prefix and by name prefix' {
        @((Complete 'Get-DbxWorkspace -WorkspaceId 22').CompletionText) | Should -Be @('2222222222222222')
        @((Complete 'Get-DbxWorkspace -WorkspaceId prod-').CompletionText) | Should -Be @('1111111111111111', '2222222222222222')
        @((Complete 'Invoke-DbxApi -Path /api/2.0/workspace-conf -WorkspaceId dev').CompletionText) | Should -Be @('3333333333333333')
    }

    It 'Get-DbxWorkspace -Name offers the workspaces'' names, as names' {
        @((Complete 'Get-DbxWorkspace -Name ').CompletionText) | Should -Be @('dev-us', 'prod-eu', 'prod-us')
        @((Complete 'Get-DbxWorkspace -Name prod-').CompletionText) | Should -Be @('prod-eu', 'prod-us')
        (Complete 'Get-DbxWorkspace -Name dev')[0].ToolTip | Should -Match '3333333333333333'
    }

    It 'answers the next Tab from the cache without a request' {
        Complete 'Connect-DbxWorkspace -WorkspaceId ' | Out-Null
        Reset-EmulatorRequests
        @((Complete 'Connect-DbxWorkspace -WorkspaceId 1').CompletionText) | Should -Be @('1111111111111111')
        (Get-EmulatorRequests).total | Should -Be 0
    }

    It 'uses the account of -Context when given' {
        $global:dbxOther = Connect-DbxAccount -AccountHost (Get-TestEnvironment).EmulatorUrl -AccountId $seed.OtherAccountId -ClientId $seed.OtherClientId `
            -ClientSecret (ConvertTo-TestSecret $seed.OtherSecret) -NoDefault
        @((Complete 'Get-DbxWorkspace -Context $dbxOther -WorkspaceId ').CompletionText) | Should -Be @('4444444444444444')
    }

    It 'offers nothing, and shows no error, when not connected' {
        $saved = Get-DbxContext -Account
        try {
            Disconnect-DbxAccount
            $before = $Error.Count
            Complete 'Get-DbxWorkspace -WorkspaceId ' | Where-Object CompletionText -match '^\d{16}$' | Should -BeNullOrEmpty
            $Error.Count | Should -Be $before
        }
        finally { Connect-TestAccount | Out-Null }
    }
}

Describe 'Completion of every kind of id, from the lists of a live account' {
    BeforeAll {
        # A private emulator (pointed at moto), so the objects made here and the demo account's own are the only ones of their kind.
        $script:own = Start-TestEmulator -Arguments @('--quiet')
        $global:dbxIds = Connect-TestAccount -Url $own.Url -NoDefault
        $c = @{ Context = $global:dbxIds }
        $script:aws = New-MotoWorkspaceNetwork
        $script:net = New-DbxNetworkConfiguration @c -Name 'tab-net' -VpcId $aws.VpcId -SubnetId $aws.SubnetIds -SecurityGroupId $aws.SecurityGroupIds
        $script:vpce = New-MotoVpcEndpoint -VpcId $aws.VpcId -Service Workspace | New-DbxVpcEndpointRegistration @c -Name 'tab-front'
        $script:pas = New-DbxPrivateAccessSettings @c -Name 'tab-pas' -Region us-east-1
        $script:ncc = New-DbxNetworkConnectivityConfig @c -Name 'tab-ncc' -Region us-east-1
        $script:rule = $ncc | New-DbxPrivateEndpointRule @c -S3BucketName 'tab-bucket'
        $script:policy = New-DbxNetworkPolicy @c -NetworkPolicyId 'tab-policy' -RestrictionMode FullAccess
        $script:wsList = New-DbxIpAccessList @c -WorkspaceId 2222222222222222 -Label 'tab-office' -ListType Block -IpAddress '198.51.100.0/24'
        $script:acctList = New-DbxAccountIpAccessList @c -Label 'tab-admins' -ListType Block -IpAddress '203.0.113.0/24'
    }
    AfterAll { $own | Stop-TestService }

    It '-<Parameter> of <Command> offers <What>' -ForEach @(
        @{ Command = 'Get-DbxNetworkConfiguration'; Parameter = 'NetworkId'; What = 'network configurations'; Id = { $net.NetworkId }; Name = 'tab-net'; Also = '7c3d5e96-0ab1-4243-8f65-3a8b9cadbec4' }
        @{ Command = 'Set-DbxWorkspaceNetwork -WorkspaceId 3333333333333333'; Parameter = 'NetworkId'; What = 'network configurations'; Id = { $net.NetworkId }; Name = 'tab-net'; Also = '7c3d5e96-0ab1-4243-8f65-3a8b9cadbec4' }
        @{ Command = 'Remove-DbxVpcEndpointRegistration'; Parameter = 'VpcEndpointId'; What = 'VPC endpoint registrations'; Id = { $vpce.VpcEndpointId }; Name = 'tab-front' }
        @{ Command = 'New-DbxNetworkConfiguration'; Parameter = 'RestApiVpcEndpointId'; What = 'VPC endpoint registrations'; Id = { $vpce.VpcEndpointId }; Name = 'tab-front' }
        @{ Command = 'Set-DbxPrivateAccessSettings'; Parameter = 'PrivateAccessSettingsId'; What = 'private access settings'; Id = { $pas.PrivateAccessSettingsId }; Name = 'tab-pas'; Also = '9fa99426-56aa-49fd-80ce-eb97cf4e7aa6' }
        @{ Command = 'Get-DbxNetworkConnectivityConfig'; Parameter = 'NetworkConnectivityConfigId'; What = 'network connectivity configurations'; Id = { $ncc.NetworkConnectivityConfigId }; Name = 'tab-ncc'; Also = 'f1ddaf07-d33b-42f1-a32c-f5e34e6bdddd' }
        @{ Command = 'New-DbxPrivateEndpointRule'; Parameter = 'NetworkConnectivityConfigId'; What = 'network connectivity configurations'; Id = { $ncc.NetworkConnectivityConfigId }; Name = 'tab-ncc'; Also = 'f1ddaf07-d33b-42f1-a32c-f5e34e6bdddd' }
        @{ Command = 'Set-DbxWorkspaceNetworkPolicy -WorkspaceId 3333333333333333'; Parameter = 'NetworkPolicyId'; What = 'network policies'; Id = { 'tab-policy' }; Name = $null; Also = 'default-policy', 'restricted-egress' }
        @{ Command = 'Get-DbxAccountIpAccessList'; Parameter = 'ListId'; What = 'the account''s IP access lists'; Id = { $acctList.ListId }; Name = 'tab-admins'; Also = '6636e7c6-dd48-4f00-b90a-ef7b86e4a0f3' }
        @{ Command = 'Add-DbxIpAccessListEntry -Account'; Parameter = 'ListId'; What = 'the account''s IP access lists with -Account'; Id = { $acctList.ListId }; Name = 'tab-admins'; Also = '6636e7c6-dd48-4f00-b90a-ef7b86e4a0f3' }
        @{ Command = 'Get-DbxIpAccessList -WorkspaceId 2222222222222222'; Parameter = 'ListId'; What = 'the IP access lists of the workspace in -WorkspaceId'; Id = { $wsList.ListId }; Name = 'tab-office'; Also = '8136d1a7-30c6-41a7-8b32-7edf1a675ccc' }
        @{ Command = ('Get-DbxPrivateEndpointRule -NetworkConnectivityConfigId {0}'); Parameter = 'RuleId'; What = 'the rules of the NCC in -NetworkConnectivityConfigId'; Id = { $rule.RuleId }; Name = $null }
    ) {
        $Also = if ($_.ContainsKey('Also')) { $_.Also } else { $null }
        $cmdText = if ($Command -like '*{0}*') { $Command -f $ncc.NetworkConnectivityConfigId } else { $Command }
        $line = "$cmdText -Context `$dbxIds -$Parameter "
        $id = & $Id
        $m = @(Complete $line)
        # The demo account's own objects (Also: prod-us-vpc, prod-us-east-1-pas, prod-us-east-1-ncc, default-policy and
        # restricted-egress, the BLOCK lists of the account and of prod-us) come first, then the object made above.
        $all = @(@($Also | Where-Object { $_ }) + $id)
        @($m.CompletionText) | Should -Be $all -Because "those are the emulator's objects of this kind ($line)"
        if ($Name) {
            ($m | Where-Object CompletionText -eq $id).ListItemText | Should -Be "$id ($Name)"
            @((Complete ($line + $Name.Substring(0, 5))).CompletionText) | Should -Be @($id) -Because 'a name prefix matches'
        }
        @((Complete ($line + $id.Substring(0, 4))).CompletionText) | Should -Be @($id) -Because 'an id prefix matches'
        @((Complete ($line + 'zz-no-such'))) | Should -BeNullOrEmpty
    }

    It '-VpcId of <Command> offers the VPCs of the account''s network configurations' -ForEach @(
        @{ Command = 'Test-DbxAwsVpc' }, @{ Command = 'Get-DbxAwsVpcEndpoint' }, @{ Command = 'New-DbxAwsSecurityGroup' }
    ) {
        $m = @(Complete "$Command -Context `$dbxIds -VpcId ")
        # The demo account's prod-us runs in vpc-0c1b2c3d4e5f60718 (its network configuration prod-us-vpc).
        @($m.CompletionText) | Should -Be @('vpc-0c1b2c3d4e5f60718', $aws.VpcId)
        ($m | Where-Object CompletionText -eq $aws.VpcId).ListItemText | Should -Be "$($aws.VpcId) (tab-net)"
        @((Complete "$Command -Context `$dbxIds -VpcId tab-").CompletionText) | Should -Be @($aws.VpcId) -Because 'the network''s name matches'
    }

    It '-<Parameter> of <Command> offers the account''s <What>, with their names' -ForEach @(
        @{ Command = 'New-DbxWorkspace -Name x -Region us-east-1'; Parameter = 'CredentialsId'; What = 'credential configurations'; List = { Get-DbxCredentialConfiguration -Context $global:dbxIds }; Id = 'CredentialsId'; Name = 'CredentialsName' }
        @{ Command = 'Get-DbxCredentialConfiguration'; Parameter = 'CredentialsId'; What = 'credential configurations'; List = { Get-DbxCredentialConfiguration -Context $global:dbxIds }; Id = 'CredentialsId'; Name = 'CredentialsName' }
        @{ Command = 'New-DbxWorkspace -Name x -Region us-east-1'; Parameter = 'StorageConfigurationId'; What = 'storage configurations'; List = { Get-DbxStorageConfiguration -Context $global:dbxIds }; Id = 'StorageConfigurationId'; Name = 'StorageConfigurationName' }
        @{ Command = 'Get-DbxStorageConfiguration'; Parameter = 'StorageConfigurationId'; What = 'storage configurations'; List = { Get-DbxStorageConfiguration -Context $global:dbxIds }; Id = 'StorageConfigurationId'; Name = 'StorageConfigurationName' }
    ) {
        $objs = @(& $List)
        $objs.Count | Should -BeGreaterThan 0 -Because 'the seeded workspaces name a credential and a storage configuration'
        $line = "$Command -Context `$dbxIds -$Parameter "
        $m = @(Complete $line)
        @($m.CompletionText | Sort-Object) | Should -Be @($objs.$Id | Sort-Object) -Because "those are the emulator's $What ($line)"
        $one = $objs[0]
        ($m | Where-Object CompletionText -eq $one.$Id).ListItemText | Should -Be "$($one.$Id) ($($one.$Name))"
        @((Complete ($line + $one.$Id.Substring(0, 8))).CompletionText) | Should -Be @($one.$Id) -Because 'an id prefix matches'
        @((Complete ($line + 'zz-no-such'))) | Should -BeNullOrEmpty
    }

    It 'the workspace lists of another workspace are not offered' {
        @((Complete 'Get-DbxIpAccessList -Context $dbxIds -WorkspaceId 3333333333333333 -ListId ').CompletionText) | Should -Not -Contain $wsList.ListId
    }

    It '-RuleId offers nothing until -NetworkConnectivityConfigId is given, and no error' {
        $before = $Error.Count
        @(Complete 'Remove-DbxPrivateEndpointRule -Context $dbxIds -RuleId ') | Where-Object CompletionText -eq $rule.RuleId | Should -BeNullOrEmpty
        $Error.Count | Should -Be $before
        $line = "Update-DbxPrivateEndpointRule -Context `$dbxIds -NetworkConnectivityConfigId $($ncc.NetworkConnectivityConfigId) -RuleId "
        @((Complete $line).CompletionText) | Should -Be @($rule.RuleId)
        (Complete $line)[0].ToolTip | Should -Match 'com\.amazonaws\.us-east-1\.s3'
    }
}

Describe '-Region and -Profile completion' {
    It '-Region offers the Databricks AWS regions matching the prefix' {
        @((Complete 'Get-DbxPublishedIpRange -Region eu-w').CompletionText) | Should -Be @('eu-west-1', 'eu-west-2', 'eu-west-3')
        @((Complete 'New-DbxNetworkConnectivityConfig -Name x -Region ').CompletionText) | Should -Contain 'us-gov-west-1'
        Complete 'Test-DbxAwsVpc -Region mars-' | Should -BeNullOrEmpty
    }

    It '-Profile offers the sections of the config file in DATABRICKS_CONFIG_FILE' {
        $file = Join-Path ([IO.Path]::GetTempPath()) ('databrickscfg-' + [Guid]::NewGuid().ToString('N'))
        $saved = $env:DATABRICKS_CONFIG_FILE
        try {
            Set-Content -Path $file -Value "[DEFAULT]`nhost = https://accounts.cloud.databricks.com`n`n[prod account]`naccount_id = x`n`n[dev]`nhost = https://dev.example.com"
            $env:DATABRICKS_CONFIG_FILE = $file
            @((Complete 'Connect-DbxAccount -Profile ').ListItemText) | Should -Be @('DEFAULT', 'dev', 'prod account')
            @((Complete 'Connect-DbxWorkspace -Profile pr').CompletionText) | Should -Be @("'prod account'")
        }
        finally { $env:DATABRICKS_CONFIG_FILE = $saved; Remove-Item $file -ErrorAction SilentlyContinue }
    }
}

Describe 'Completion against a slow service' {
    BeforeAll {
        $script:slow = Start-TestEmulator -Arguments @('--latency-ms', '4000', '--quiet')
        # A token (no OAuth round trip) and no validation call, so connecting does not wait on the latency.
        $global:dbxSlow = Connect-DbxAccount -AccountHost $slow.Url -AccountId $seed.AccountId -Token (ConvertTo-TestSecret $seed.AccountToken) -SkipValidation -NoDefault
    }
    AfterAll { $slow | Stop-TestService }

    It 'gives up quietly after 2 seconds, then offers the ids once the background fetch is back' {
        $before = $Error.Count
        $first = Complete 'Get-DbxWorkspace -Context $dbxSlow -WorkspaceId '
        $first | Where-Object CompletionText -match '^\d{16}$' | Should -BeNullOrEmpty -Because 'a 4-second answer is not waited for'
        $Error.Count | Should -Be $before
        $later = @()
        for ($i = 0; $i -lt 60 -and -not $later; $i++) {
            Start-Sleep -Milliseconds 500
            $later = @(Complete 'Get-DbxWorkspace -Context $dbxSlow -WorkspaceId ' | Where-Object CompletionText -match '^\d{16}$')
        }
        @($later.CompletionText) | Should -Contain '1111111111111111'
    }
}

Describe '-Label completion of the ingress rule cmdlets (the rules of the policy in -NetworkPolicyId)' {
    BeforeAll {
        Connect-TestAccount | Out-Null
        $script:lp = New-TestName 'tab-ing'
        $g = @{ CallerIpAddress = '127.0.0.1'; Force = $true; WarningAction = 'SilentlyContinue' }
        New-DbxNetworkPolicy -NetworkPolicyId $lp -RestrictionMode FullAccess -PublicAccessRestrictionMode RestrictedAccess -IngressRule @(
            New-DbxIngressRule Allow 'office hours' -IpRange '203.0.113.0/24'
            New-DbxIngressRule Deny tab-block -IpRange '192.0.2.0/24'
        ) | Out-Null
        Set-DbxNetworkPolicy $lp -IngressDryRun -IngressRule (New-DbxIngressRule Deny tab-staged -IpRange '198.51.100.0/24') @g
    }
    AfterAll { Remove-DbxNetworkPolicy $lp -Force -ErrorAction SilentlyContinue }

    It 'Remove-DbxNetworkPolicyIngressRule -Label offers the enforced rules, quoted when needed, with the action' {
        $m = @(Complete "Remove-DbxNetworkPolicyIngressRule -NetworkPolicyId $lp -Label ")
        @($m.CompletionText) | Should -Be @("'office hours'", 'tab-block')
        ($m | Where-Object ListItemText -eq 'tab-block').ToolTip | Should -Match 'deny rule \(enforced\)'
        ($m | Where-Object ListItemText -eq 'office hours').ToolTip | Should -Match 'allow rule \(enforced\)'
        @((Complete "Remove-DbxNetworkPolicyIngressRule -NetworkPolicyId $lp -Label tab-").CompletionText) | Should -Be @('tab-block')
        @(Complete "Remove-DbxNetworkPolicyIngressRule -NetworkPolicyId $lp -Label zz-no-such") | Where-Object ToolTip -match 'rule \(' | Should -BeNullOrEmpty
    }

    It 'with -DryRun or -Mode DryRun it offers the dry run''s rules; Confirm-DbxNetworkPolicyIngress -Label offers what it can promote' {
        @((Complete "Remove-DbxNetworkPolicyIngressRule -NetworkPolicyId $lp -DryRun -Label ").CompletionText) | Should -Be @('tab-staged')
        @((Complete "Remove-DbxNetworkPolicyIngressRule -NetworkPolicyId $lp -Mode DryRun -Label ").CompletionText) | Should -Be @('tab-staged')
        $m = @(Complete "Confirm-DbxNetworkPolicyIngress -NetworkPolicyId $lp -Label ")
        @($m.CompletionText) | Should -Be @('tab-staged')
        $m[0].ToolTip | Should -Match 'deny rule \(dry run\)'
    }

    It 'offers nothing, sends nothing and shows no error without a (well-formed) -NetworkPolicyId' {
        $before = $Error.Count
        $n = Get-EmulatorRequestCount
        # (PowerShell falls back to file names when a completer offers nothing: only rule labels are looked for.)
        @(Complete 'Remove-DbxNetworkPolicyIngressRule -Label ') | Where-Object ToolTip -match 'rule \(' | Should -BeNullOrEmpty
        @(Complete 'Confirm-DbxNetworkPolicyIngress -NetworkPolicyId ../x -Label ') | Where-Object ToolTip -match 'rule \(' | Should -BeNullOrEmpty
        Get-EmulatorRequestCount | Should -Be $n
        @(Complete 'Confirm-DbxNetworkPolicyIngress -NetworkPolicyId no-such-policy -Label ') | Where-Object ToolTip -match 'rule \(' | Should -BeNullOrEmpty
        $Error.Count | Should -Be $before
    }
}
