BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'MotoHelpers.psm1') -Force
    Import-TestModule
    $script:saved = Set-MotoAwsEnvironment
    $script:vpc = New-MotoVpc
    $script:sg = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Endpoint
    $script:ws = New-DbxAwsVpcEndpoint -Service Workspace -VpcId $vpc.VpcId -SubnetId $vpc.EndpointSubnetId -SecurityGroupId $sg.SecurityGroupId -Wait
    $script:relay = New-DbxAwsVpcEndpoint -Service Relay -VpcId $vpc.VpcId -SubnetId $vpc.EndpointSubnetId -SecurityGroupId $sg.SecurityGroupId -Name 'relay-ep' -Tag @{ Team = 'net' }
    # An endpoint to a non-Databricks service in the same VPC, made behind the module's back.
    $script:other = (Invoke-MotoEc2 CreateVpcEndpoint @{ VpcId = $vpc.VpcId; ServiceName = 'com.amazonaws.us-east-1.s3'; VpcEndpointType = 'Interface'; SubnetId = @($vpc.EndpointSubnetId) }).CreateVpcEndpointResponse.vpcEndpoint.vpcEndpointId
}

AfterAll { Restore-MotoAwsEnvironment $saved }

Describe 'New-DbxAwsVpcEndpoint' {
    It 'creates an interface endpoint with private DNS to the region''s Databricks Workspace service' {
        $ws.AwsVpcEndpointId | Should -Match '^vpce-[0-9a-f]+$'
        $ws.Service | Should -Be 'Workspace'
        $ws.ServiceName | Should -Be (Get-DbxPrivateLinkService -Region us-east-1 -Service Workspace).ServiceName
        $ws.State | Should -Be 'available'
        $ws.Region | Should -Be 'us-east-1'
        $raw = (Invoke-MotoEc2 DescribeVpcEndpoints @{ VpcEndpointId = @($ws.AwsVpcEndpointId) }).DescribeVpcEndpointsResponse.vpcEndpointSet.item
        $raw.vpcEndpointType | Should -Be 'Interface'
        $raw.privateDnsEnabled | Should -Be 'true'
        $raw.serviceName | Should -Be 'com.amazonaws.vpce.us-east-1.vpce-svc-09143d1e626de2f04'
        @($raw.groupSet.item.groupId) | Should -Be @($sg.SecurityGroupId)
        ($raw.tagSet.item | Where-Object key -eq 'Name').value | Should -Be "databricks-workspace-$($vpc.VpcId)"
    }

    It 'creates the Relay endpoint with the given name and tags' {
        $relay.ServiceName | Should -Be 'com.amazonaws.vpce.us-east-1.vpce-svc-00018a8c3ff62ffdf'
        $relay.VpcEndpointName | Should -Be 'relay-ep'
        $relay.Tags['Team'] | Should -Be 'net'
        $relay.Tags['DatabricksService'] | Should -Be 'Relay'
    }

    It 'carries the properties New-DbxVpcEndpointRegistration binds by name' {
        $ws.PSObject.Properties.Name | Should -Contain 'AwsVpcEndpointId'
        $ws.PSObject.Properties.Name | Should -Contain 'Region'
        $ws.PSObject.Properties.Name | Should -Contain 'VpcEndpointName'
    }

    It 'creates nothing with -WhatIf' {
        $fresh = New-MotoVpc -NoNat
        New-DbxAwsVpcEndpoint -Service Workspace -VpcId $fresh.VpcId -SubnetId $fresh.EndpointSubnetId -SecurityGroupId $sg.SecurityGroupId -WhatIf | Should -BeNullOrEmpty
        $raw = (Invoke-MotoEc2 DescribeVpcEndpoints @{ 'Filter.1.Name' = 'vpc-id'; 'Filter.1.Value.1' = $fresh.VpcId }).DescribeVpcEndpointsResponse
        @($raw.SelectNodes('//*[local-name()="vpcEndpointSet"]/*')).Count | Should -Be 0
    }

    It 'uses the GovCloud shard asked for' {
        $gov = New-MotoVpc -Region us-gov-west-1 -NoNat
        $gsg = New-DbxAwsSecurityGroup -VpcId $gov.VpcId -Purpose Endpoint -Region us-gov-west-1
        $e = New-DbxAwsVpcEndpoint -Service Relay -GovCloudShard DoD -VpcId $gov.VpcId -SubnetId $gov.EndpointSubnetId -SecurityGroupId $gsg.SecurityGroupId -Region us-gov-west-1
        $e.ServiceName | Should -Be 'com.amazonaws.vpce.us-gov-west-1.vpce-svc-05c210a2feea23ad7'
        $e.Region | Should -Be 'us-gov-west-1'
    }

    It 'refuses bad input before sending: <Case>' -ForEach @(
        @{ Case = 'vpc id'; Splat = @{ VpcId = 'vpc-nothex!' }; Id = 'DbxInvalidVpcId' }
        @{ Case = 'subnet id'; Splat = @{ SubnetId = 'sub-1' }; Id = 'DbxInvalidSubnetId' }
        @{ Case = 'security group id'; Splat = @{ SecurityGroupId = 'group1' }; Id = 'DbxInvalidSecurityGroupId' }
        @{ Case = 'region without Databricks'; Splat = @{ Region = 'eu-north-1' }; Id = 'DbxInvalidRegion' }
        @{ Case = 'GovCloud shard outside GovCloud'; Splat = @{ GovCloudShard = 'DoD' }; Id = 'DbxInvalidGovCloudShard' }
    ) {
        $p = @{ Service = 'Workspace'; VpcId = $vpc.VpcId; SubnetId = $vpc.EndpointSubnetId; SecurityGroupId = $sg.SecurityGroupId }
        foreach ($k in $Splat.Keys) { $p[$k] = $Splat[$k] }
        $before = @(Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId).Count
        New-DbxAwsVpcEndpoint @p -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        @(Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId).Count | Should -Be $before
    }

    It 'reports an AWS failure as an error record with the AWS code' {
        New-DbxAwsVpcEndpoint -Service Workspace -VpcId 'vpc-0123456789abcdef0' -SubnetId $vpc.EndpointSubnetId -SecurityGroupId $sg.SecurityGroupId -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxAws*NotFound,*'
        $err[0].TargetObject | Should -Be 'vpc-0123456789abcdef0'
    }
}

Describe 'Get-DbxAwsVpcEndpoint' {
    It 'lists only the Databricks endpoints of a VPC' {
        $list = @(Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId)
        $list.AwsVpcEndpointId | Sort-Object | Should -Be (@($ws.AwsVpcEndpointId, $relay.AwsVpcEndpointId) | Sort-Object)
        $list.AwsVpcEndpointId | Should -Not -Contain $other
    }

    It 'filters by service' {
        (Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId -Service Relay).AwsVpcEndpointId | Should -Be $relay.AwsVpcEndpointId
    }

    It 'gets endpoints by id from the pipeline, whatever their service' {
        $r = @([pscustomobject]@{ aws_vpc_endpoint_id = $ws.AwsVpcEndpointId }, [pscustomobject]@{ AwsVpcEndpointId = $other } | Get-DbxAwsVpcEndpoint)
        $r.AwsVpcEndpointId | Should -Be @($ws.AwsVpcEndpointId, $other)
        $r[1].Service | Should -Be 'Other'
    }

    It 'reports an unknown endpoint id with the AWS code and goes on' {
        $r = @('vpce-0123456789abcdef0', $ws.AwsVpcEndpointId | ForEach-Object { [pscustomobject]@{ AwsVpcEndpointId = $_ } } | Get-DbxAwsVpcEndpoint -ErrorVariable err -ErrorAction SilentlyContinue)
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxAwsInvalidVpcEndpointIdNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r.AwsVpcEndpointId | Should -Be $ws.AwsVpcEndpointId
    }

    It 'finds the endpoints in the VPC''s region only' {
        @(Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId -Region eu-west-1).Count | Should -Be 0
    }
}
