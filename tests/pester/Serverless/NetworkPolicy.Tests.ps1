BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:putRoute = { param($id) "PUT /api/2.0/accounts/*/network-policies/$id" }
}

Describe 'Network policies (shared emulator)' {
    BeforeAll {
        Connect-TestAccount | Out-Null
        $script:id = New-TestName 'np'
        $script:policy = New-DbxNetworkPolicy -NetworkPolicyId $script:id -RestrictionMode RestrictedAccess `
            -AllowedDomain 'pypi.org', 'files.pythonhosted.org' -BlockedDomain 'evil.example.com' `
            -AllowedS3Bucket 'lake-raw@us-east-1', @{ BucketName = 'lake-eu'; Region = 'eu-west-1' } `
            -EnforcementMode DryRun -DryRunProduct DBSQL
    }
    AfterAll { Remove-DbxNetworkPolicy -NetworkPolicyId $script:id -Force -ErrorAction SilentlyContinue }

    It 'has an account default-policy with full access' {
        $default = Get-DbxNetworkPolicy -NetworkPolicyId default-policy
        $default.RestrictionMode | Should -Be 'FULL_ACCESS'
        $default.EnforcementMode | Should -Be 'ENFORCED'
    }

    It 'creates a policy from parameters, with the exact wire shape' {
        $script:policy.NetworkPolicyId | Should -Be $script:id
        $script:policy.RestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $script:policy.EnforcementMode | Should -Be 'DRY_RUN'
        $script:policy.DryRunProducts | Should -Be @('DBSQL')
        $script:policy.AllowedDomains | Should -Be @('pypi.org', 'files.pythonhosted.org')
        $script:policy.BlockedDomains | Should -Be @('evil.example.com')
        ($script:policy.AllowedS3Buckets | ForEach-Object { "$_" }) | Should -Be @('lake-raw@us-east-1', 'lake-eu@eu-west-1')
        $wire = Invoke-DbxApi -Path "/api/2.0/accounts/{account_id}/network-policies/$($script:id)"
        $access = $wire.egress.network_access
        $access.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
        $access.allowed_internet_destinations[0].destination | Should -Be 'pypi.org'
        $access.allowed_internet_destinations[0].internet_destination_type | Should -Be 'DNS_NAME'
        $access.blocked_internet_destinations[0].destination | Should -Be 'evil.example.com'
        $access.allowed_storage_destinations[1].bucket_name | Should -Be 'lake-eu'
        $access.allowed_storage_destinations[1].region | Should -Be 'eu-west-1'
        $access.allowed_storage_destinations[1].storage_destination_type | Should -Be 'AWS_S3'
        $access.policy_enforcement.enforcement_mode | Should -Be 'DRY_RUN'
        $access.policy_enforcement.dry_run_mode_product_filter | Should -Be @('DBSQL')
    }

    It 'finds it by id with wildcards, and lists it with default-policy' {
        @(Get-DbxNetworkPolicy -NetworkPolicyId 'np-*').NetworkPolicyId | Should -Contain $script:id
        $all = @(Get-DbxNetworkPolicy).NetworkPolicyId
        $all | Should -Contain 'default-policy'
        $all | Should -Contain $script:id
    }

    It 'Set replaces the policy but keeps every part not given' {
        $after = Set-DbxNetworkPolicy -NetworkPolicyId $script:id -EnforcementMode Enforced -PassThru
        $after.EnforcementMode | Should -Be 'ENFORCED'
        $after.DryRunProducts.Count | Should -Be 0
        $after.RestrictionMode | Should -Be 'RESTRICTED_ACCESS'
        $after.AllowedDomains | Should -Be @('pypi.org', 'files.pythonhosted.org')
        $after.BlockedDomains | Should -Be @('evil.example.com')
        $after.AllowedS3Buckets.Count | Should -Be 2
        $cleared = Set-DbxNetworkPolicy -NetworkPolicyId $script:id -BlockedDomain @() -PassThru
        $cleared.BlockedDomains.Count | Should -Be 0
        $cleared.AllowedDomains.Count | Should -Be 2
    }

    It 'allows Databricks workspaces (-AllowedWorkspaceId, allowed_databricks_destinations) and counts every kind of destination' {
        # databricks-sdk-go settings/model.go: allowed_databricks_destinations []{workspace_ids []int64} (fidelity row 21).
        $before = Get-DbxNetworkPolicy $script:id
        $after = Set-DbxNetworkPolicy $script:id -AllowedWorkspaceId 1111111111111111, 2222222222222222, 1111111111111111 -PassThru
        $after.AllowedWorkspaceIds | Should -Be @(1111111111111111, 2222222222222222)
        $after.DestinationCount | Should -Be ($before.DestinationCount + 2)
        $after.DestinationCount | Should -Be ($after.AllowedDomains.Count + $after.BlockedDomains.Count + $after.AllowedS3Buckets.Count + 2)
        $after.BlockedDestinationCount | Should -Be $after.BlockedDomains.Count
        $wire = Invoke-DbxApi -Path "/api/2.0/accounts/{account_id}/network-policies/$($script:id)"
        @($wire.egress.network_access.allowed_databricks_destinations).Count | Should -Be 1
        $wire.egress.network_access.allowed_databricks_destinations[0].workspace_ids | Should -Be @(1111111111111111, 2222222222222222)
        $blocked = Set-DbxNetworkPolicy $script:id -BlockedDomain 'evil.example.com' -PassThru
        $blocked.AllowedWorkspaceIds.Count | Should -Be 2 -Because 'a Set without -AllowedWorkspaceId keeps them'
        $row = ($blocked | Format-Table | Out-String) -split "`n" | Where-Object { $_ -match [regex]::Escape($script:id) }
        $row | Should -Match "\b$($blocked.DestinationCount) \(1 blocked\)"
        (Set-DbxNetworkPolicy $script:id -AllowedWorkspaceId @() -PassThru).AllowedWorkspaceIds.Count | Should -Be 0
        (Invoke-DbxApi -Path "/api/2.0/accounts/{account_id}/network-policies/$($script:id)").egress.network_access.PSObject.Properties.Name | Should -Not -Contain 'allowed_databricks_destinations'
        $puts = Get-EmulatorRouteCount (& $script:putRoute $script:id)
        Set-DbxNetworkPolicy $script:id -AllowedWorkspaceId 0 -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidWorkspaceId*'
        Get-EmulatorRouteCount (& $script:putRoute $script:id) | Should -Be $puts
    }

    It 'Set keeps fields the module does not model (ingress) on the full replace' {
        $pid2 = New-TestName 'np'
        $body = @{ network_policy_id = $pid2; egress = @{ network_access = @{ restriction_mode = 'FULL_ACCESS' } }
            ingress = @{ public_access = @{ restriction_mode = 'FULL_ACCESS' } } }
        Invoke-DbxApi -Method Post -Path '/api/2.0/accounts/{account_id}/network-policies' -Body $body -Confirm:$false | Out-Null
        Set-DbxNetworkPolicy $pid2 -RestrictionMode RestrictedAccess -AllowedDomain 'example.org'
        $wire = Invoke-DbxApi -Path "/api/2.0/accounts/{account_id}/network-policies/$pid2"
        $wire.ingress.public_access.restriction_mode | Should -Be 'FULL_ACCESS'
        $wire.egress.network_access.restriction_mode | Should -Be 'RESTRICTED_ACCESS'
        Remove-DbxNetworkPolicy $pid2 -Force
    }

    It 'Add-/Remove-DbxNetworkPolicyDestination edit the allow lists, and send nothing when nothing changes' {
        $added = Add-DbxNetworkPolicyDestination $script:id -Domain 'repo.maven.apache.org' -S3Bucket 'models@us-west-2' -PassThru
        $added.AllowedDomains | Should -Contain 'repo.maven.apache.org'
        ($added.AllowedS3Buckets | ForEach-Object { "$_" }) | Should -Contain 'models@us-west-2'
        $puts = Get-EmulatorRouteCount (& $script:putRoute $script:id)
        Add-DbxNetworkPolicyDestination $script:id -Domain 'PYPI.org' -S3Bucket 'models@us-west-2'
        Get-EmulatorRouteCount (& $script:putRoute $script:id) | Should -Be $puts
        $removed = Remove-DbxNetworkPolicyDestination $script:id -Domain 'pypi.org', 'not-there.example.com' -S3Bucket 'lake-eu' -Force -PassThru -WarningVariable warn -WarningAction SilentlyContinue
        $removed.AllowedDomains | Should -Not -Contain 'pypi.org'
        $removed.AllowedDomains | Should -Contain 'files.pythonhosted.org'
        ($removed.AllowedS3Buckets | ForEach-Object { $_.BucketName }) | Should -Not -Contain 'lake-eu'
        "$warn" | Should -Match 'not-there.example.com'
        Remove-DbxNetworkPolicyDestination $script:id -Domain 'files.pythonhosted.org' -WhatIf
        (Get-DbxNetworkPolicy $script:id).AllowedDomains | Should -Contain 'files.pythonhosted.org'
    }

    It 'refuses to delete default-policy locally' {
        $before = Get-EmulatorRouteCount 'DELETE /api/2.0/accounts/*/network-policies/default-policy'
        Remove-DbxNetworkPolicy -NetworkPolicyId default-policy -Force -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidNetworkPolicyId*'
        $err[0].Exception.Message | Should -Match 'cannot be deleted'
        Get-EmulatorRouteCount 'DELETE /api/2.0/accounts/*/network-policies/default-policy' | Should -Be $before
        (Get-DbxNetworkPolicy default-policy).NetworkPolicyId | Should -Be 'default-policy'
    }

    It 'the service refuses to delete default-policy too' {
        Invoke-DbxApi -Method Delete -Path '/api/2.0/accounts/{account_id}/network-policies/default-policy' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
    }

    It 'refuses an existing id' {
        New-DbxNetworkPolicy -NetworkPolicyId $script:id -RestrictionMode FullAccess -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceAlreadyExists*'
    }

    It 'refuses bad input before sending anything' -ForEach @(
        @{ P = @{ NetworkPolicyId = 'has space'; RestrictionMode = 'FullAccess' }; Id = 'DbxInvalidNetworkPolicyId' }
        @{ P = @{ NetworkPolicyId = ('p' * 33); RestrictionMode = 'FullAccess' }; Id = 'DbxInvalidNetworkPolicyId' }
        @{ P = @{ NetworkPolicyId = 'ok-id' }; Id = 'DbxInvalidRestrictionMode' }
        @{ P = @{ NetworkPolicyId = 'ok-id'; RestrictionMode = 'RestrictedAccess'; AllowedDomain = '*.example.com' }; Id = 'DbxInvalidDomainName' }
        @{ P = @{ NetworkPolicyId = 'ok-id'; RestrictionMode = 'RestrictedAccess'; AllowedDomain = 'https://example.com/path' }; Id = 'DbxInvalidDomainName' }
        @{ P = @{ NetworkPolicyId = 'ok-id'; RestrictionMode = 'RestrictedAccess'; BlockedDomain = 'localhost' }; Id = 'DbxInvalidDomainName' }
        @{ P = @{ NetworkPolicyId = 'ok-id'; RestrictionMode = 'RestrictedAccess'; AllowedS3Bucket = 'no-region-bucket' }; Id = 'DbxInvalidRegion' }
        @{ P = @{ NetworkPolicyId = 'ok-id'; RestrictionMode = 'RestrictedAccess'; AllowedS3Bucket = 'UPPER@us-east-1' }; Id = 'DbxInvalidS3BucketName' }
        @{ P = @{ NetworkPolicyId = 'ok-id'; RestrictionMode = 'RestrictedAccess'; AllowedS3Bucket = @{ BucketName = 'bkt-ok'; Region = 'mars-1' } }; Id = 'DbxInvalidRegion' }
        @{ P = @{ NetworkPolicyId = 'ok-id'; RestrictionMode = 'RestrictedAccess'; DryRunProduct = 'DBSQL' }; Id = 'DbxInvalidDryRunProduct' }
        @{ P = @{ NetworkPolicyId = 'ok-id'; RestrictionMode = 'RestrictedAccess'; AllowedDomain = (1..2001 | ForEach-Object { "h$_.example.com" }) }; Id = 'DbxInvalidDestinationCount' }
    ) {
        $before = Get-EmulatorRouteCount 'POST /api/2.0/accounts/*/network-policies'
        New-DbxNetworkPolicy @P -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id*"
        Get-EmulatorRouteCount 'POST /api/2.0/accounts/*/network-policies' | Should -Be $before
    }

    It 'Set refuses bad input before reading or writing the policy' {
        $gets = Get-EmulatorRouteCount "GET /api/2.0/accounts/*/network-policies/$($script:id)"
        Set-DbxNetworkPolicy $script:id -AllowedDomain 'bad domain.com' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidDomainName*'
        Set-DbxNetworkPolicy $script:id -ErrorAction SilentlyContinue -ErrorVariable err2
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidNetworkPolicyChange*'
        Get-EmulatorRouteCount "GET /api/2.0/accounts/*/network-policies/$($script:id)" | Should -Be $gets
    }

    It 'warns that allow lists of a FullAccess policy have no effect' {
        $open = New-TestName 'np'
        New-DbxNetworkPolicy $open -RestrictionMode FullAccess -AllowedDomain 'example.org' -WarningVariable warn -WarningAction SilentlyContinue | Out-Null
        "$warn" | Should -Match 'RestrictedAccess'
        Remove-DbxNetworkPolicy $open -Force
        Get-DbxNetworkPolicy $open -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
    }
}

Describe 'Network policy paging (private emulator, page size 2)' {
    BeforeAll {
        $script:emu = Start-TestEmulator -Arguments '--page-size', '2'
        Connect-TestAccount -Url $script:emu.Url | Out-Null
        1..4 | ForEach-Object { New-DbxNetworkPolicy "page-policy-$_" -RestrictionMode FullAccess } | Out-Null
    }
    AfterAll { $script:emu | Stop-TestService }

    It 'lists all policies over three pages, and -First 1 costs one request' {
        Reset-EmulatorRequests -Url $script:emu.Url
        $all = @(Get-DbxNetworkPolicy)
        $all.Count | Should -Be 6   # default-policy, the demo account's restricted-egress and the four made here
        Get-EmulatorRouteCount 'GET /api/2.0/accounts/*/network-policies' -Url $script:emu.Url | Should -Be 3
        Reset-EmulatorRequests -Url $script:emu.Url
        Get-DbxNetworkPolicy | Select-Object -First 1 | Should -Not -BeNullOrEmpty
        Get-EmulatorRouteCount 'GET /api/2.0/accounts/*/network-policies' -Url $script:emu.Url | Should -Be 1
    }
}
