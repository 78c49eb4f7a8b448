# New-DbxWorkspace / Remove-DbxWorkspace and the credential and storage configurations a workspace names, against a
# private emulator pointed at moto (its networks are validated against moto as Databricks validates them against AWS).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:cred = '3e9b1c52-6a7d-4e0f-8b21-9c4d5e6f7a80'
    $script:storage = '4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91'
    function script:New-TestNetworkConfig([hashtable]$MotoArgs = @{}) {
        $aws = New-MotoWorkspaceNetwork @MotoArgs
        New-DbxNetworkConfiguration -Context $ctx -Name (New-TestName 'lcnet') -VpcId $aws.VpcId -SubnetId $aws.SubnetIds -SecurityGroupId $aws.SecurityGroupIds
    }
    function script:Get-Count { Get-EmulatorRequestCount -Url $emu.Url }
}
AfterAll { $script:emu | Stop-TestService }

Describe 'Get-DbxCredentialConfiguration and Get-DbxStorageConfiguration' {
    It 'lists the configurations the seeded workspaces name, by name with wildcards and by id' {
        $all = @(Get-DbxCredentialConfiguration -Context $ctx)
        $all.CredentialsId | Should -Contain $cred
        $one = Get-DbxCredentialConfiguration -Context $ctx -CredentialsId $cred
        $one | Should -BeOfType DatabricksNetworking.Models.CredentialConfiguration
        $one.RoleArn | Should -Match '^arn:aws:iam::\d{12}:role/'
        (Get-DbxCredentialConfiguration -Context $ctx -Name 'credentials-*').CredentialsId | Should -Contain $cred
        $st = @(Get-DbxStorageConfiguration -Context $ctx)
        $st.StorageConfigurationId | Should -Contain $storage
        ($st | Where-Object StorageConfigurationId -eq $storage).BucketName | Should -Not -BeNullOrEmpty
    }

    It 'pipes a workspace into both by property name' {
        $ws = Get-DbxWorkspace -Context $ctx -WorkspaceId 2222222222222222
        ($ws | Get-DbxCredentialConfiguration -Context $ctx).CredentialsId | Should -Be $ws.CredentialsId
        ($ws | Get-DbxStorageConfiguration -Context $ctx).StorageConfigurationId | Should -Be $ws.StorageConfigurationId
    }

    It 'reports an unknown id as ObjectNotFound and a malformed one before sending' {
        Get-DbxStorageConfiguration -Context $ctx -StorageConfigurationId ([Guid]::NewGuid()) -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $before = Get-Count
        Get-DbxCredentialConfiguration -Context $ctx -CredentialsId '../workspaces' -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidCredentialsId*'
        Get-Count | Should -Be $before
    }
}

Describe 'New-DbxWorkspace' {
    It 'creates a workspace on a customer-managed VPC and -Wait returns it RUNNING' {
        $net = New-TestNetworkConfig
        $name = New-TestName 'lcws'
        $ws = New-DbxWorkspace -Context $ctx -Name $name -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage -NetworkId $net.NetworkId -Wait -TimeoutSec 120
        $ws | Should -BeOfType DatabricksNetworking.Models.Workspace
        $ws.WorkspaceName | Should -Be $name
        $ws.WorkspaceStatus | Should -Be 'RUNNING'
        $ws.NetworkId | Should -Be $net.NetworkId
        (Get-DbxNetworkConfiguration -Context $ctx -NetworkId $net.NetworkId).WorkspaceId | Should -Be $ws.WorkspaceId
    }

    It 'without -Wait returns the PROVISIONING workspace, which pipes into Wait-DbxWorkspace' {
        $ws = New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcws') -Region eu-west-1 -CredentialsId $cred -StorageConfigurationId $storage -PricingTier Premium
        $ws.WorkspaceStatus | Should -Be 'PROVISIONING'
        $ws.PricingTier | Should -Be 'PREMIUM'
        ($ws | Wait-DbxWorkspace -Context $ctx -TimeoutSec 120).WorkspaceStatus | Should -Be 'RUNNING'
    }

    It '-Wait on a broken network is one error naming the network''s problems (errors and warnings) and how to fix it' {
        $bad = New-TestNetworkConfig -MotoArgs @{ SameZone = $true }
        $badName = New-TestName 'lcbad'
        $out = New-DbxWorkspace -Context $ctx -Name $badName -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage -NetworkId $bad.NetworkId -Wait -TimeoutSec 120 -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxWorkspaceFailed*'
        $e[0].Exception.Message | Should -Match 'availability zones'
        $e[0].Exception.Message | Should -Match 'Network configuration .* is BROKEN'
        $e[0].Exception.Message | Should -Match 'Set-DbxWorkspaceNetwork -NetworkId'
        $failed = Get-DbxWorkspace -Context $ctx -Name $badName
        $failed.WorkspaceStatus | Should -Be 'FAILED'
        $failed.WorkspaceStatusMessage | Should -Not -BeNullOrEmpty
        $e[0].Exception.Message | Should -Match ([regex]::Escape($failed.WorkspaceStatusMessage)) -Because 'the error carries the workspace''s own workspace_status_message'
        # The network is BROKEN (two subnets, one zone) and also warned (one subnet per zone): the explanation carries both.
        $net = Get-DbxNetworkConfiguration -Context $ctx -NetworkId $bad.NetworkId
        @($net.ErrorMessages).Count | Should -BeGreaterThan 0
        @($net.WarningMessages).Count | Should -BeGreaterThan 0
        foreach ($w in $net.WarningMessages) { $e[0].Exception.Message | Should -Match ('network subnet warning: ' + [regex]::Escape($w.WarningMessage)) }
        $e[0].Exception.Message | Should -Match 'same availability zone'
    }

    It 'checks locally, and with reads under -WhatIf, before anything is created: <Case>' -ForEach @(
        @{ Case = 'no credentials'; With = @{ StorageConfigurationId = '4f0c2d63-7b8e-4f10-9c32-0d5e6f7a8b91' }; Id = 'DbxMissingWorkspaceConfiguration' }
        @{ Case = 'unknown region'; With = @{ Region = 'mars-north-1' }; Id = 'DbxInvalidRegion' }
        @{ Case = 'malformed network id'; With = @{ NetworkId = 'net/../x' }; Id = 'DbxInvalidNetworkId' }
        @{ Case = 'unknown credentials'; With = @{ CredentialsId = '00000000-0000-4000-8000-000000000001' }; Id = 'DbxApiResourceDoesNotExist' }
        @{ Case = 'unknown network'; With = @{ NetworkId = '00000000-0000-4000-8000-000000000002' }; Id = 'DbxApiResourceDoesNotExist' }
        @{ Case = 'PAS without network'; With = @{ PrivateAccessSettingsId = '00000000-0000-4000-8000-000000000003' }; Id = 'DbxPrivateLinkNeedsNetwork' }
        @{ Case = 'name with a line break'; With = @{ Name = "a`nb" }; Id = 'DbxInvalidName' }
        @{ Case = 'bad deployment name'; With = @{ DeploymentName = 'dbc_prod!' }; Id = 'DbxInvalidDeploymentName' }
    ) {
        $p = @{ Name = (New-TestName 'lcchk'); Region = 'us-east-1'; CredentialsId = $cred; StorageConfigurationId = $storage }
        foreach ($k in $With.Keys) { $p[$k] = $With[$k] }
        if ($Case -eq 'no credentials') { $p.Remove('CredentialsId') }
        $before = @(Get-DbxWorkspace -Context $ctx).Count
        New-DbxWorkspace -Context $ctx @p -WhatIf -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike "$Id*"
        New-DbxWorkspace -Context $ctx @p -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike "$Id*" -Because 'the real run gives the same error'
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be $before
    }

    It 'refuses a network configuration another workspace uses, and private access settings of another region' {
        $net = New-TestNetworkConfig
        $ws = New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcuse') -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage -NetworkId $net.NetworkId
        New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcuse') -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage -NetworkId $net.NetworkId -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxNetworkInUse*'
        $e[0].Exception.Message | Should -Match "workspace $($ws.WorkspaceId)"
        $net2 = New-TestNetworkConfig
        $pas = New-DbxPrivateAccessSettings -Context $ctx -Name (New-TestName 'lcpas') -Region eu-west-1 -PublicAccessEnabled
        New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcreg') -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage -NetworkId $net2.NetworkId -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -ErrorVariable e3 -ErrorAction SilentlyContinue
        $e3[0].FullyQualifiedErrorId | Should -BeLike 'DbxRegionMismatch*'
    }

    It 'refuses an NCC of another region before creating, and the emulator (with AWS) a network whose VPC is in another region' {
        $ncc = New-DbxNetworkConnectivityConfig -Context $ctx -Name (New-TestName 'lcncc') -Region eu-west-1
        $before = Get-EmulatorWriteCount -Url $emu.Url
        New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcncc') -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxRegionMismatch*'
        $e[0].Exception.Message | Should -Match 'eu-west-1'
        Get-EmulatorWriteCount -Url $emu.Url | Should -Be $before -Because 'the region check is local, before the create'
        $west = New-TestNetworkConfig -MotoArgs @{ Region = 'us-west-2' }
        $name = New-TestName 'lcwest'
        New-DbxWorkspace -Context $ctx -Name $name -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage -NetworkId $west.NetworkId -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $e2[0].Exception.Message | Should -Match "workspace's region"
        @(Get-DbxWorkspace -Context $ctx | Where-Object WorkspaceName -eq $name) | Should -BeNullOrEmpty
    }

    It 'guards public access off without PrivateLink both ways: refused non-interactively, made with -Force' {
        $net = New-TestNetworkConfig
        $pas = New-DbxPrivateAccessSettings -Context $ctx -Name (New-TestName 'lcoff') -Region us-east-1
        $p = @{ Context = $ctx; Name = (New-TestName 'lcoff'); Region = 'us-east-1'; CredentialsId = $cred; StorageConfigurationId = $storage; NetworkId = $net.NetworkId; PrivateAccessSettingsId = $pas.PrivateAccessSettingsId }
        $before = @(Get-DbxWorkspace -Context $ctx).Count
        New-DbxWorkspace @p -ErrorVariable e -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxPublicAccessLockout*'
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be $before
        $made = New-DbxWorkspace @p -Force -WarningVariable w -WarningAction SilentlyContinue
        $made.PrivateAccessSettingsId | Should -Be $pas.PrivateAccessSettingsId
        "$w" | Should -Match 'back-end PrivateLink'
    }

    It '-ComputeMode Serverless needs no credentials or storage and takes no network' {
        $ws = New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcsls') -Region us-east-1 -ComputeMode Serverless -Wait -TimeoutSec 120
        $ws.ComputeMode | Should -Be 'SERVERLESS'
        $ws.WorkspaceStatus | Should -Be 'RUNNING'
        $ws.CredentialsId | Should -BeNullOrEmpty
        $before = Get-EmulatorWriteCount -Url $emu.Url
        New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcsls') -Region us-east-1 -ComputeMode Serverless -NetworkId '00000000-0000-4000-8000-000000000002' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidComputeMode*'
        Get-EmulatorWriteCount -Url $emu.Url | Should -Be $before
    }

    It '-WhatIf creates nothing' {
        $before = @(Get-DbxWorkspace -Context $ctx).Count
        New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcwi') -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage -WhatIf
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be $before
    }
}

Describe 'Remove-DbxWorkspace' {
    It '-WhatIf deletes nothing; -Force deletes, frees the network configuration, and -PassThru writes the workspace' {
        $net = New-TestNetworkConfig
        $ws = New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcrm') -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage -NetworkId $net.NetworkId -Wait -TimeoutSec 120
        $before = Get-EmulatorWriteCount -Url $emu.Url
        $r = Invoke-WithAnsweringHost 0 { param($w, $c) $w | Remove-DbxWorkspace -Context $c -WhatIf } @($ws, $ctx)
        $r.Errors | Should -BeNullOrEmpty
        $r.Prompts | Should -BeNullOrEmpty -Because '-WhatIf asks nothing'
        $said = $r.Lines -join ' '
        $said | Should -Match 'What if:'
        $said | Should -Match ([regex]::Escape("network configuration $($net.NetworkId)"))
        $said | Should -Match ([regex]::Escape("credentials $cred"))
        $said | Should -Match ([regex]::Escape("storage configuration $storage"))
        Get-EmulatorWriteCount -Url $emu.Url | Should -Be $before
        (Get-DbxWorkspace -Context $ctx -WorkspaceId $ws.WorkspaceId).WorkspaceId | Should -Be $ws.WorkspaceId
        $gone = $ws | Remove-DbxWorkspace -Context $ctx -Force -PassThru
        $gone.WorkspaceId | Should -Be $ws.WorkspaceId
        Get-DbxWorkspace -Context $ctx -WorkspaceId $ws.WorkspaceId -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-DbxNetworkConfiguration -Context $ctx -NetworkId $net.NetworkId).WorkspaceId | Should -BeNullOrEmpty
    }

    It 'refuses in a non-interactive session without -Force, and goes on with the next id' {
        $ws = New-DbxWorkspace -Context $ctx -Name (New-TestName 'lcni') -Region us-east-1 -CredentialsId $cred -StorageConfigurationId $storage
        $envi = Get-TestEnvironment
        $script = @"
Import-Module '$($envi.Module)'
`$c = Connect-DbxAccount -AccountHost '$($emu.Url)' -AccountId '$((Get-TestSeed).AccountId)' -ClientId '$((Get-TestSeed).ClientId)' -ClientSecret (ConvertTo-SecureString '$((Get-TestSeed).ClientSecret)' -AsPlainText -Force)
Remove-DbxWorkspace -WorkspaceId $($ws.WorkspaceId), 999999999 -ErrorVariable e -ErrorAction SilentlyContinue
`$e | ForEach-Object { `$_.FullyQualifiedErrorId -replace ',.*' }
"@
        $pwsh = @(Get-PwshCommand)
        $a = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)
        $out = & $pwsh[0] @a 2>&1 | ForEach-Object { "$_" }
        $out | Should -Contain 'DbxConfirmationRequired'
        $out | Should -Contain 'DbxApiResourceDoesNotExist'
        (Get-DbxWorkspace -Context $ctx -WorkspaceId $ws.WorkspaceId).WorkspaceId | Should -Be $ws.WorkspaceId
    }
}

Describe 'The emulator''s own workspace create validation (raw API, past the cmdlet''s local checks)' {
    It 'refuses <Case> with 400 INVALID_PARAMETER_VALUE and creates nothing' -ForEach @(
        @{ Case = 'an empty name'; With = @{ workspace_name = '' }; Pattern = 'workspace_name' }
        @{ Case = 'an unknown region'; With = @{ aws_region = 'mars-north-1' }; Pattern = "aws_region 'mars-north-1'" }
        @{ Case = 'the reserved deployment name EMPTY'; With = @{ deployment_name = 'EMPTY' }; Pattern = 'deployment_name' }
        @{ Case = 'a classic workspace without storage'; With = @{ storage_configuration_id = $null }; Pattern = 'storage_configuration_id' }
    ) {
        $body = @{ workspace_name = (New-TestName 'rawchk'); aws_region = 'us-east-1'; credentials_id = $cred; storage_configuration_id = $storage }
        foreach ($k in $With.Keys) { if ($null -eq $With[$k]) { $body.Remove($k) } else { $body[$k] = $With[$k] } }
        $before = @(Get-DbxWorkspace -Context $ctx).Count
        $err = try { Invoke-DbxApi -Context $ctx Post '/api/2.0/accounts/{account_id}/workspaces' -Body $body; $null } catch { $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $err.Exception.Message | Should -Match ([regex]::Escape($Pattern))
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be $before
    }

    It 'refuses a deployment name already in use' {
        $dep = 'dbc-' + (New-TestName 'dep').ToLowerInvariant()
        $first = Invoke-DbxApi -Context $ctx Post '/api/2.0/accounts/{account_id}/workspaces' -Body @{ workspace_name = (New-TestName 'dep'); aws_region = 'us-east-1'; credentials_id = $cred; storage_configuration_id = $storage; deployment_name = $dep }
        $first.deployment_name | Should -Be $dep
        $err = try { Invoke-DbxApi -Context $ctx Post '/api/2.0/accounts/{account_id}/workspaces' -Body @{ workspace_name = (New-TestName 'dep'); aws_region = 'us-east-1'; credentials_id = $cred; storage_configuration_id = $storage; deployment_name = $dep }; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $err.Exception.Message | Should -Match 'already in use'
    }
}
