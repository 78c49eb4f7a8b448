BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'MotoHelpers.psm1') -Force
    Import-TestModule
    $script:saved = Set-MotoAwsEnvironment
    $script:good = New-MotoVpc
    $script:goodSg = New-DbxAwsSecurityGroup -VpcId $good.VpcId -Purpose Workspace
    function Get-Check($Results, $Name) { $Results | Where-Object Name -eq $Name }
}

AfterAll { Restore-MotoAwsEnvironment $saved }

Describe 'Test-DbxAwsVpc' {
    It 'passes every check for a VPC built to the requirements' {
        $r = @(Test-DbxAwsVpc -VpcId $good.VpcId -SubnetId $good.SubnetIds -SecurityGroupId $goodSg.SecurityGroupId)
        $r.Name | Should -Be @('DnsHostnames', 'DnsSupport', 'SubnetsInVpc', 'SubnetCount', 'SubnetAvailabilityZones', 'SubnetNetmask',
            'SecurityGroupsInVpc', 'SecurityGroupEgressPorts', 'SecurityGroupIntraGroup', 'OutboundRoute')
        @($r | Where-Object -Not Passed) | Should -BeNullOrEmpty
        $r | ForEach-Object { $_.VpcId | Should -Be $good.VpcId; $_.HowToFix | Should -BeNullOrEmpty }
        (Get-Check $r OutboundRoute).Detail | Should -Match $good.NatGatewayId
    }

    It 'catches the broken VPC: DNS hostnames off and both subnets in one zone' {
        $bad = New-MotoVpc -Broken
        $r = @(Test-DbxAwsVpc -VpcId $bad.VpcId -SubnetId $bad.SubnetIds -WarningAction SilentlyContinue)
        $todo = @($r | Where-Object -Not Passed)
        $todo.Name | Should -Be @('DnsHostnames', 'SubnetAvailabilityZones')
        $todo | ForEach-Object { $_.HowToFix | Should -Not -BeNullOrEmpty }
        (Get-Check $r DnsHostnames).Detail | Should -Match 'off'
        (Get-Check $r SubnetAvailabilityZones).Detail | Should -Match '1 availability zone'
    }

    It 'flags netmasks outside /17 to /26' {
        $small = New-MotoVpc -SubnetPrefix 27
        $c = Get-Check @(Test-DbxAwsVpc -VpcId $small.VpcId -SubnetId $small.SubnetIds -WarningAction SilentlyContinue) SubnetNetmask
        $c.Passed | Should -BeFalse
        $c.Detail | Should -Match ([regex]::Escape($small.SubnetIds[0]))
    }

    It 'flags a security group without the Databricks rules, naming the missing ports' {
        $plain = (Invoke-MotoEc2 CreateSecurityGroup @{ VpcId = $good.VpcId; GroupName = (New-TestName sg); GroupDescription = 'plain' }).CreateSecurityGroupResponse.groupId
        Invoke-MotoEc2 RevokeSecurityGroupEgress @{ GroupId = $plain; 'IpPermissions.1.IpProtocol' = '-1'; 'IpPermissions.1.IpRanges.1.CidrIp' = '0.0.0.0/0' } | Out-Null
        Invoke-MotoEc2 AuthorizeSecurityGroupEgress @{ GroupId = $plain; 'IpPermissions.1.IpProtocol' = 'tcp'; 'IpPermissions.1.FromPort' = '443'; 'IpPermissions.1.ToPort' = '443'; 'IpPermissions.1.IpRanges.1.CidrIp' = '0.0.0.0/0' } | Out-Null
        $r = @(Test-DbxAwsVpc -VpcId $good.VpcId -SubnetId $good.SubnetIds -SecurityGroupId $plain)
        $ports = Get-Check $r SecurityGroupEgressPorts
        $ports.Passed | Should -BeFalse
        $ports.Detail | Should -Match '2443'
        $ports.Detail | Should -Match '6666'
        $ports.Detail | Should -Match '8445-8451'
        $ports.Detail | Should -Not -Match '\b443:'
        (Get-Check $r SecurityGroupIntraGroup).Passed | Should -BeFalse
    }

    It 'counts an allow-all egress rule as covering the ports' {
        $open = (Invoke-MotoEc2 CreateSecurityGroup @{ VpcId = $good.VpcId; GroupName = (New-TestName sg); GroupDescription = 'open' }).CreateSecurityGroupResponse.groupId
        (Get-Check @(Test-DbxAwsVpc -VpcId $good.VpcId -SecurityGroupId $open) SecurityGroupEgressPorts).Passed | Should -BeTrue
    }

    It 'flags subnets and groups of another VPC or of nowhere' {
        $r = @(Test-DbxAwsVpc -VpcId $good.VpcId -SubnetId $good.SubnetIds[0], 'subnet-0123456789abcdef0' -SecurityGroupId 'sg-0123456789abcdef0')
        (Get-Check $r SubnetsInVpc).Passed | Should -BeFalse
        (Get-Check $r SubnetsInVpc).Detail | Should -Match 'subnet-0123456789abcdef0 does not exist'
        (Get-Check $r SecurityGroupsInVpc).Detail | Should -Match 'sg-0123456789abcdef0 does not exist'
    }

    It 'fails the outbound route without NAT, and passes it once both PrivateLink endpoints exist' {
        $private = New-MotoVpc -NoNat
        $before = Get-Check @(Test-DbxAwsVpc -VpcId $private.VpcId -SubnetId $private.SubnetIds -WarningAction SilentlyContinue) OutboundRoute
        $before.Passed | Should -BeFalse
        $before.Detail | Should -Match 'no default route'
        $esg = New-DbxAwsSecurityGroup -VpcId $private.VpcId -Purpose Endpoint
        'Workspace', 'Relay' | ForEach-Object { $null = New-DbxAwsVpcEndpoint -Service $_ -VpcId $private.VpcId -SubnetId $private.EndpointSubnetId -SecurityGroupId $esg.SecurityGroupId }
        $after = Get-Check @(Test-DbxAwsVpc -VpcId $private.VpcId -SubnetId $private.SubnetIds -WarningAction SilentlyContinue) OutboundRoute
        $after.Passed | Should -BeTrue
        $after.Detail | Should -Match 'PrivateLink'
    }

    It 'binds VPC, subnets and security groups from a network configuration by property name' {
        $net = [pscustomobject]@{ vpc_id = $good.VpcId; subnet_ids = $good.SubnetIds; security_group_ids = @($goodSg.SecurityGroupId) }
        $r = @($net | Test-DbxAwsVpc)
        $r.Count | Should -Be 10
        @($r | Where-Object -Not Passed) | Should -BeNullOrEmpty
    }

    It 'warns that security groups were not checked when none are given' {
        $null = Test-DbxAwsVpc -VpcId $good.VpcId -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -Match 'not checked'
    }

    It 'reports an unknown VPC as an error record and goes on with the next' {
        $r = @('vpc-0123456789abcdef0', $good.VpcId | ForEach-Object { [pscustomobject]@{ VpcId = $_ } } | Test-DbxAwsVpc -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxAwsInvalidVpcIDNotFound,*'
        $err[0].TargetObject | Should -Be 'vpc-0123456789abcdef0'
        ($r.VpcId | Sort-Object -Unique) | Should -Be $good.VpcId
    }
}
