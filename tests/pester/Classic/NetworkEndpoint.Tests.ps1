# Service Direct front-end PrivateLink: the AWS endpoint (moto) and its registration through the networking v1
# endpoints API (emulator, checking the endpoint in moto).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Aws/MotoHelpers.psm1') -Force
    Import-TestModule
    Connect-TestAccount | Out-Null
    $script:saved = Set-MotoAwsEnvironment
    $script:vpc = New-MotoVpc -NoNat
    $script:sg = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Endpoint
    $script:sd = New-DbxAwsVpcEndpoint -Service ServiceDirect -VpcId $vpc.VpcId -SubnetId $vpc.EndpointSubnetId -SecurityGroupId $sg.SecurityGroupId
    $script:endpointsPath = '/api/networking/v1/accounts/{account_id}/endpoints'
}

AfterAll { Restore-MotoAwsEnvironment $saved }

Describe 'Service Direct registered endpoints' {
    It 'New-DbxAwsVpcEndpoint -Service ServiceDirect connects to the region''s Service Direct service' {
        $sd.Service | Should -Be 'ServiceDirect'
        $sd.ServiceName | Should -Be 'com.amazonaws.vpce.us-east-1.vpce-svc-0a1a39ada4ec3bcdc'
        (Get-DbxPrivateLinkService -Region us-east-1 -Service ServiceDirect).ServiceName | Should -Be $sd.ServiceName
        (Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId -Service ServiceDirect).AwsVpcEndpointId | Should -Be $sd.AwsVpcEndpointId
    }

    It 'registers the piped AWS endpoint, waits until APPROVED, finds it by id, name and AWS id, and removes it' {
        $e = $sd | New-DbxNetworkEndpoint -Wait
        $e.State | Should -Be 'APPROVED'
        $e.UseCase | Should -Be 'SERVICE_DIRECT'
        $e.DisplayName | Should -Be $sd.VpcEndpointName
        $e.AwsVpcEndpointId | Should -Be $sd.AwsVpcEndpointId
        $e.AwsVpcEndpointInfo.AwsEndpointServiceId | Should -Be 'vpce-svc-0a1a39ada4ec3bcdc'
        $e.Name | Should -Be "accounts/$((Get-TestSeed).AccountId)/endpoints/$($e.EndpointId)"
        (Get-DbxNetworkEndpoint -EndpointId $e.EndpointId).DisplayName | Should -Be $e.DisplayName
        (Get-DbxNetworkEndpoint -Name 'databricks-servicedirect-*').EndpointId | Should -Contain $e.EndpointId
        ($sd | Get-DbxNetworkEndpoint).EndpointId | Should -Be $e.EndpointId
        Get-DbxNetworkEndpoint -Name 'no-such-endpoint' -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'DbxNetworkEndpointNotFound*'

        $before = Get-EmulatorWriteCount
        $e | Remove-DbxNetworkEndpoint -WhatIf
        (Get-EmulatorWriteCount) - $before | Should -Be 0
        $e | Remove-DbxNetworkEndpoint -Force
        Get-DbxNetworkEndpoint -EndpointId $e.EndpointId -ErrorVariable gone -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $gone[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
        Get-DbxAwsVpcEndpoint -AwsVpcEndpointId $sd.AwsVpcEndpointId | Should -Not -BeNullOrEmpty
    }

    It 'the emulator refuses an endpoint of another service (naming the vpc-endpoints API), a missing one, and a second registration' {
        $ws = New-DbxAwsVpcEndpoint -Service Workspace -VpcId $vpc.VpcId -SubnetId $vpc.EndpointSubnetId -SecurityGroupId $sg.SecurityGroupId
        $ws | New-DbxNetworkEndpoint -ErrorVariable e1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $e1[0].Exception.Message | Should -Match 'not the Service Direct endpoint service of us-east-1.*vpc-endpoints'
        $ghost = try { Invoke-DbxApi Post $endpointsPath -Body @{ display_name = 'ghost'; region = 'us-east-1'; aws_vpc_endpoint_info = @{ aws_vpc_endpoint_id = 'vpce-0123456789abcdef0' } } -ErrorAction Stop } catch { $_ }
        $ghost.Exception.Message | Should -Match 'does not exist in region us-east-1'
        $first = $sd | New-DbxNetworkEndpoint -Name 'sd-twice'
        $second = try { Invoke-DbxApi Post $endpointsPath -Body @{ display_name = 'sd-again'; region = 'us-east-1'; aws_vpc_endpoint_info = @{ aws_vpc_endpoint_id = $sd.AwsVpcEndpointId } } -ErrorAction Stop } catch { $_ }
        $second.FullyQualifiedErrorId | Should -BeLike 'DbxApiAlreadyExists*'
        Remove-DbxNetworkEndpoint $first.EndpointId -Force
    }

    It 'follows AWS: an endpoint deleted in AWS turns its registration DISCONNECTED' {
        $gone = New-DbxAwsVpcEndpoint -Service ServiceDirect -VpcId $vpc.VpcId -SubnetId $vpc.EndpointSubnetId -SecurityGroupId $sg.SecurityGroupId -Name 'sd-gone'
        $reg = $gone | New-DbxNetworkEndpoint
        Invoke-MotoEc2 DeleteVpcEndpoints @{ VpcEndpointId = @($gone.AwsVpcEndpointId) } | Out-Null
        (Get-DbxNetworkEndpoint -EndpointId $reg.EndpointId).State | Should -Be 'DISCONNECTED'
        (Get-DbxNetworkEndpoint -Name 'sd-gone').State | Should -Be 'DISCONNECTED'
        Remove-DbxNetworkEndpoint $reg.EndpointId -Force
    }

    It 'the emulator refuses <What> with the real error body' -ForEach @(
        @{ What = 'no display_name'; Body = @{ region = 'us-east-1'; aws_vpc_endpoint_info = @{ aws_vpc_endpoint_id = 'vpce-0123456789abcdef0' } }; Match = 'display_name' }
        @{ What = 'a display_name that is not an RFC 1034 label'; Body = @{ display_name = '1-bad_name'; region = 'us-east-1'; aws_vpc_endpoint_info = @{ aws_vpc_endpoint_id = 'vpce-0123456789abcdef0' } }; Match = 'RFC-1034' }
        @{ What = 'no aws_vpc_endpoint_info'; Body = @{ display_name = 'abc'; region = 'us-east-1' }; Match = 'aws_vpc_endpoint_info' }
        @{ What = 'no region'; Body = @{ display_name = 'abc'; aws_vpc_endpoint_info = @{ aws_vpc_endpoint_id = 'vpce-0123456789abcdef0' } }; Match = 'region' }
    ) {
        $r = try { Invoke-DbxApi Post $endpointsPath -Body $Body -ErrorAction Stop } catch { $_ }
        $r.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $r.Exception.Message | Should -Match $Match
    }

    It 'refuses <What> locally and sends nothing' -ForEach @(
        @{ What = 'a malformed vpce id'; Splat = @{ AwsVpcEndpointId = 'vpce-12'; Region = 'us-east-1' }; Id = 'DbxInvalidAwsVpcEndpointId' }
        @{ What = 'a name with an underscore'; Splat = @{ AwsVpcEndpointId = 'vpce-0123456789abcdef0'; Region = 'us-east-1'; Name = 'front_end' }; Id = 'DbxInvalidName' }
        @{ What = 'a region without Service Direct'; Splat = @{ AwsVpcEndpointId = 'vpce-0123456789abcdef0'; Region = 'us-gov-west-1' }; Id = 'DbxInvalidRegion' }
    ) {
        $before = Get-EmulatorRequestCount
        $err = try { New-DbxNetworkEndpoint @Splat -ErrorAction Stop; $null } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeLike "$Id*"
        (Get-EmulatorRequestCount) - $before | Should -Be 0
    }

    It '-WhatIf registers nothing; New-DbxAwsVpcEndpoint refuses Service Direct where the region has none' {
        $before = Get-EmulatorWriteCount
        $sd | New-DbxNetworkEndpoint -WhatIf | Should -BeNullOrEmpty
        (Get-EmulatorWriteCount) - $before | Should -Be 0
        $err = try { New-DbxAwsVpcEndpoint -Service ServiceDirect -Region us-gov-west-1 -VpcId $vpc.VpcId -SubnetId $vpc.EndpointSubnetId -SecurityGroupId $sg.SecurityGroupId -ErrorAction Stop } catch { $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxInvalidRegion*'
    }
}
