BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    Connect-TestAccount | Out-Null
    $script:vpc = New-MotoVpc
    $script:front = New-MotoVpcEndpoint -VpcId $vpc -Service Workspace | New-DbxVpcEndpointRegistration -Name (New-TestName 'front')
    $script:paths = '/api/2.0/accounts/{account_id}/private-access-settings'
}
AfterAll { Remove-DbxVpcEndpointRegistration $front.VpcEndpointId -Force }

Describe 'Private access settings' {
    It 'creates with defaults (Account level, public access off), gets, lists, replaces keeping unset values, removes' {
        $name = New-TestName 'pas'
        $pas = New-DbxPrivateAccessSettings -Name $name -Region us-east-1
        $pas.PrivateAccessLevel | Should -Be 'ACCOUNT'
        $pas.PublicAccessEnabled | Should -BeFalse
        (Get-DbxPrivateAccessSettings -Name 'pas-*').PrivateAccessSettingsId | Should -Contain $pas.PrivateAccessSettingsId
        (Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $pas.PrivateAccessSettingsId).Region | Should -Be 'us-east-1'

        $set = $pas | Set-DbxPrivateAccessSettings -AllowedVpcEndpointId $front.VpcEndpointId
        $set.PrivateAccessLevel | Should -Be 'ENDPOINT'
        $set.AllowedVpcEndpointIds | Should -Be @($front.VpcEndpointId)
        $set.PrivateAccessSettingsName | Should -Be $name

        $set2 = Set-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -PublicAccessEnabled
        $set2.PublicAccessEnabled | Should -BeTrue
        $set2.AllowedVpcEndpointIds | Should -Be @($front.VpcEndpointId)   # kept: read first, then the full PUT
        $set2.PrivateAccessLevel | Should -Be 'ENDPOINT'

        $set3 = Set-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -PrivateAccessLevel Account
        $set3.PrivateAccessLevel | Should -Be 'ACCOUNT'
        $set3.AllowedVpcEndpointIds | Should -BeNullOrEmpty
        $set3.PublicAccessEnabled | Should -BeTrue

        Remove-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -Force
        (Get-DbxPrivateAccessSettings).PrivateAccessSettingsId | Should -Not -Contain $pas.PrivateAccessSettingsId
    }

    It 'the PUT is a full replace at the emulator: fields left out go back to their defaults' {
        $pas = New-DbxPrivateAccessSettings -Name (New-TestName 'put') -Region us-east-1 -PublicAccessEnabled
        $r = Invoke-DbxApi Put "$paths/$($pas.PrivateAccessSettingsId)" -Body @{ private_access_settings_name = 'renamed'; region = 'us-east-1' }
        $r.public_access_enabled | Should -BeFalse
        $r.private_access_level | Should -Be 'ACCOUNT'
        $r.private_access_settings_name | Should -Be 'renamed'
        Remove-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -Force
    }

    It '-WhatIf sends no request for New, Set and Remove' {
        $pas = New-DbxPrivateAccessSettings -Name (New-TestName 'wi') -Region us-east-1
        $before = Get-EmulatorRequestCount
        New-DbxPrivateAccessSettings -Name 'whatif' -Region us-east-1 -WhatIf
        Set-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -PublicAccessEnabled -WhatIf
        Remove-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -WhatIf
        (Get-EmulatorRequestCount) - $before | Should -Be 0
        Remove-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -Force
    }

    It 'refuses <What> locally (nothing sent) and at the emulator' -ForEach @(
        @{ What = 'an unknown region'; Local = @{ Name = 'pas-p1'; Region = 'moon-1' }; Api = @{ private_access_settings_name = 'pas-p1'; region = 'moon-1' }; Id = 'DbxInvalidRegion' }
        @{ What = 'allowed endpoints with Account level'; Local = @{ Name = 'pas-p2'; Region = 'us-east-1'; PrivateAccessLevel = 'Account'; AllowedVpcEndpointId = '11111111-2222-4333-8444-555555555555' }; Api = @{ private_access_settings_name = 'pas-p2'; region = 'us-east-1'; private_access_level = 'ACCOUNT'; allowed_vpc_endpoint_ids = @('11111111-2222-4333-8444-555555555555') }; Id = 'DbxInvalidPrivateAccessLevel' }
        @{ What = 'an allowed id that is not a UUID'; Local = @{ Name = 'pas-p3'; Region = 'us-east-1'; AllowedVpcEndpointId = 'vpce-0123456789abcdef0' }; Api = @{ private_access_settings_name = 'pas-p3'; region = 'us-east-1'; private_access_level = 'ENDPOINT'; allowed_vpc_endpoint_ids = @('vpce-0123456789abcdef0') }; Id = 'DbxInvalidVpcEndpointId' }
    ) {
        $before = Get-EmulatorRequestCount
        $err = try { New-DbxPrivateAccessSettings @Local -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeLike "$Id*"
        (Get-EmulatorRequestCount) - $before | Should -Be 0
        $api = try { Invoke-DbxApi Post $paths -Body $Api -ErrorAction Stop } catch { $_ }
        $api.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
    }

    It 'allows VPC endpoint registration ids only: a networking v1 endpoint id (Service Direct) is refused locally and at the emulator, the VPC endpoint registration of the same endpoint is admitted' {
        # Go SDK provisioning: allowed_vpc_endpoint_ids are "the Databricks ID returned when registering the VPC endpoint
        # configuration"; Terraform: databricks_mws_vpc_endpoint vpc_endpoint_id. No source admits a networking v1 endpoint_id.
        $sdAws = New-MotoVpcEndpoint -VpcId $vpc -ServiceName (Get-DbxPrivateLinkService -Region us-east-1 -Service ServiceDirect).ServiceName
        $v1 = New-DbxNetworkEndpoint -AwsVpcEndpointId $sdAws.AwsVpcEndpointId -Region us-east-1 -Name (New-TestName 'sd') -Wait
        $reg = $null; $pas = $null
        try {
            $before = Get-EmulatorWriteCount
            $err = try { New-DbxPrivateAccessSettings -Name (New-TestName 'v1') -Region us-east-1 -AllowedVpcEndpointId $v1.EndpointId -ErrorAction Stop; $null } catch { $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'DbxInvalidVpcEndpointId*'
            $err.Exception.Message | Should -Match 'networking v1'
            $err.Exception.Message | Should -Match 'New-DbxVpcEndpointRegistration'
            (Get-EmulatorWriteCount) - $before | Should -Be 0
            $api = try { Invoke-DbxApi Post $paths -Body @{ private_access_settings_name = 'pas-v1'; region = 'us-east-1'; private_access_level = 'ENDPOINT'; allowed_vpc_endpoint_ids = @($v1.EndpointId) } -ErrorAction Stop } catch { $_ }
            $api.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
            $api.Exception.Message | Should -Match 'does not exist'

            # What the SRA does: the Service Direct endpoint registered as a VPC endpoint; that registration id is admitted.
            $reg = $sdAws | New-DbxVpcEndpointRegistration -Name (New-TestName 'sdreg')
            $pas = New-DbxPrivateAccessSettings -Name (New-TestName 'sdpas') -Region us-east-1 -AllowedVpcEndpointId $reg.VpcEndpointId
            $pas.PrivateAccessLevel | Should -Be 'ENDPOINT'
            $pas.AllowedVpcEndpointIds | Should -Be @($reg.VpcEndpointId)
            $set = try { Set-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -AllowedVpcEndpointId $reg.VpcEndpointId, $v1.EndpointId -ErrorAction Stop; $null } catch { $_ }
            $set.FullyQualifiedErrorId | Should -BeLike 'DbxInvalidVpcEndpointId*'
            (Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $pas.PrivateAccessSettingsId).AllowedVpcEndpointIds | Should -Be @($reg.VpcEndpointId)
        }
        finally {
            if ($pas) { Remove-DbxPrivateAccessSettings $pas.PrivateAccessSettingsId -Force }
            if ($reg) { Remove-DbxVpcEndpointRegistration $reg.VpcEndpointId -Force }
            Remove-DbxNetworkEndpoint -EndpointId $v1.EndpointId -Force
        }
    }

    It 'refuses an allowed endpoint of another region, locally and at the emulator' {
        $err = try { New-DbxPrivateAccessSettings -Name 'eu-pas' -Region eu-west-1 -AllowedVpcEndpointId $front.VpcEndpointId -ErrorAction Stop } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxRegionMismatch*'
        (Get-DbxPrivateAccessSettings -Name 'eu-pas' -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        $api = try { Invoke-DbxApi Post $paths -Body @{ private_access_settings_name = 'eu-pas'; region = 'eu-west-1'; private_access_level = 'ENDPOINT'; allowed_vpc_endpoint_ids = @($front.VpcEndpointId) } -ErrorAction Stop } catch { $_ }
        $api.Exception.Message | Should -Match 'same region'
    }
}
