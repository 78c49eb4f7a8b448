BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    Connect-TestAccount | Out-Null
    $script:vpc = New-MotoVpc
}

Describe 'VPC endpoint registrations against moto' {
    It 'registers AWS endpoint objects from the pipeline, derives use_case from the service, mirrors the AWS state, and removes them' {
        $ws = New-MotoVpcEndpoint -VpcId $vpc -Service Workspace
        $relay = New-MotoVpcEndpoint -VpcId $vpc -Service Relay
        $regs = @($ws, $relay | New-DbxVpcEndpointRegistration -Wait)
        $regs.Count | Should -Be 2
        $regs[0].AwsVpcEndpointId | Should -Be $ws.AwsVpcEndpointId
        $regs[0].UseCase | Should -Be 'GENERAL_ACCESS'
        $regs[0].AwsEndpointServiceId | Should -Be 'com.amazonaws.vpce.us-east-1.vpce-svc-09143d1e626de2f04'
        $regs[1].UseCase | Should -Be 'DATAPLANE_RELAY_ACCESS'
        $regs.State | Should -Be @('available', 'available')
        $regs[0].VpcEndpointName | Should -Be $ws.AwsVpcEndpointId
        (Get-DbxVpcEndpointRegistration -VpcEndpointId $regs[1].VpcEndpointId).Region | Should -Be 'us-east-1'
        (Get-DbxVpcEndpointRegistration -AwsVpcEndpointId $ws.AwsVpcEndpointId).VpcEndpointId | Should -Be $regs[0].VpcEndpointId
        $regs | Remove-DbxVpcEndpointRegistration -Force
        (Get-DbxVpcEndpointRegistration).VpcEndpointId | Should -Not -Contain $regs[0].VpcEndpointId
    }

    It 'state follows AWS: an endpoint deleted in AWS shows as deleted' {
        $e = New-MotoVpcEndpoint -VpcId $vpc -Service Workspace
        $reg = $e | New-DbxVpcEndpointRegistration -Name (New-TestName 'mirror')
        Invoke-MotoEc2 DeleteVpcEndpoints @{ 'VpcEndpointId.1' = $e.AwsVpcEndpointId } | Out-Null
        (Get-DbxVpcEndpointRegistration -VpcEndpointId $reg.VpcEndpointId).State | Should -Be 'deleted'
        Remove-DbxVpcEndpointRegistration $reg.VpcEndpointId -Force
    }

    It 'the emulator refuses a vpce id that does not exist in the region, and one of a non-Databricks service' {
        $missing = try { Invoke-DbxApi Post '/api/2.0/accounts/{account_id}/vpc-endpoints' -Body @{ vpc_endpoint_name = 'ghost'; aws_vpc_endpoint_id = 'vpce-0123456789abcdef0'; region = 'us-east-1' } -ErrorAction Stop } catch { $_ }
        $missing.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $missing.Exception.Message | Should -Match 'does not exist in region us-east-1'
        $other = New-MotoVpcEndpoint -VpcId $vpc -ServiceName 'com.amazonaws.us-east-1.s3'
        $other | New-DbxVpcEndpointRegistration -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].Exception.Message | Should -Match 'not a Databricks endpoint service'
        # Registered in another region than the endpoint's: not found there.
        $ws = New-MotoVpcEndpoint -VpcId $vpc -Service Workspace
        New-DbxVpcEndpointRegistration -AwsVpcEndpointId $ws.AwsVpcEndpointId -Region us-west-2 -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].Exception.Message | Should -Match 'does not exist in region us-west-2'
    }

    It 'refuses <What> locally (nothing sent) and at the emulator' -ForEach @(
        @{ What = 'a malformed vpce id'; Local = @{ AwsVpcEndpointId = 'vpce-12'; Region = 'us-east-1' }; Api = @{ aws_vpc_endpoint_id = 'vpce-12'; region = 'us-east-1'; vpc_endpoint_name = 'abcd' }; Id = 'DbxInvalidAwsVpcEndpointId' }
        @{ What = 'an unknown region'; Local = @{ AwsVpcEndpointId = 'vpce-0123456789abcdef0'; Region = 'mars-1' }; Api = @{ aws_vpc_endpoint_id = 'vpce-0123456789abcdef0'; region = 'mars-1'; vpc_endpoint_name = 'abcd' }; Id = 'DbxInvalidRegion' }
        @{ What = 'a 3-character name'; Local = @{ AwsVpcEndpointId = 'vpce-0123456789abcdef0'; Region = 'us-east-1'; Name = 'abc' }; Api = @{ aws_vpc_endpoint_id = 'vpce-0123456789abcdef0'; region = 'us-east-1'; vpc_endpoint_name = 'abc' }; Id = 'DbxInvalidName' }
    ) {
        $before = Get-EmulatorRequestCount
        $err = try { New-DbxVpcEndpointRegistration @Local -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeLike "$Id*"
        (Get-EmulatorRequestCount) - $before | Should -Be 0
        $api = try { Invoke-DbxApi Post '/api/2.0/accounts/{account_id}/vpc-endpoints' -Body $Api -ErrorAction Stop } catch { $_ }
        $api.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
    }

    It 'Get | Where-Object State -ne available | Remove -WhatIf lists the unavailable ones and sends no request' {
        $e = New-MotoVpcEndpoint -VpcId $vpc -Service Workspace
        $reg = $e | New-DbxVpcEndpointRegistration -Name (New-TestName 'stale')
        Invoke-EmulatorControl -Method Post -Path "accounts/$((Get-TestSeed).AccountId)/vpc-endpoints/$($reg.VpcEndpointId)/state" -Body '{"state":"rejected"}' | Out-Null
        $stale = @(Get-DbxVpcEndpointRegistration | Where-Object State -ne available)
        $stale.VpcEndpointId | Should -Contain $reg.VpcEndpointId
        $before = Get-EmulatorRequestCount
        $out = Get-DbxVpcEndpointRegistration | Where-Object State -ne available | Remove-DbxVpcEndpointRegistration -WhatIf 6>&1
        (Get-EmulatorRequestCount) - $before | Should -Be 1   # the Get only
        (Get-DbxVpcEndpointRegistration -VpcEndpointId $reg.VpcEndpointId).State | Should -Be 'rejected'
        Remove-DbxVpcEndpointRegistration $reg.VpcEndpointId -Force
    }
}

Describe 'VPC endpoint registrations without AWS: -Wait' {
    BeforeAll {
        $script:emu = Start-TestEmulator -Arguments @('--aws-endpoint', 'none', '--pe-accept-delay', '1')
        $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    }
    AfterAll { $emu | Stop-TestService }

    It 'waits from pending until available' {
        $reg = New-DbxVpcEndpointRegistration -Context $ctx -AwsVpcEndpointId 'vpce-0aaaaaaaaaaaaaaa1' -Region us-east-1 -Name 'waits-ok' -Wait -TimeoutSec 60
        $reg.State | Should -Be 'available'
        $plain = New-DbxVpcEndpointRegistration -Context $ctx -AwsVpcEndpointId 'vpce-0aaaaaaaaaaaaaaa2' -Region us-east-1
        $plain.State | Should -Be 'pending'
    }

    It 'fails clearly when the endpoint is rejected' {
        Invoke-EmulatorControl -Method Post -Path "accounts/$((Get-TestSeed).AccountId)/vpc-endpoint-outcomes" -Body '{"aws_vpc_endpoint_id":"vpce-0bbbbbbbbbbbbbbb1","state":"rejected"}' -Emulator $emu | Out-Null
        $out = New-DbxVpcEndpointRegistration -Context $ctx -AwsVpcEndpointId 'vpce-0bbbbbbbbbbbbbbb1' -Region us-east-1 -Wait -TimeoutSec 60 -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxVpcEndpointNotAvailable*'
        $e[0].Exception.Message | Should -Match "state 'rejected'"
    }

    It 'times out with -TimeoutSec while the endpoint stays pending' {
        Invoke-EmulatorControl -Method Post -Path "accounts/$((Get-TestSeed).AccountId)/vpc-endpoint-outcomes" -Body '{"aws_vpc_endpoint_id":"vpce-0ccccccccccccccc1","state":"pendingAcceptance"}' -Emulator $emu | Out-Null
        New-DbxVpcEndpointRegistration -Context $ctx -AwsVpcEndpointId 'vpce-0ccccccccccccccc1' -Region us-east-1 -Wait -TimeoutSec 2 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxWaitTimeout*'
        $e[0].Exception.Message | Should -Match 'pendingAcceptance'
    }
}
