BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'MotoHelpers.psm1') -Force
    Import-TestModule
    $script:saved = Set-MotoAwsEnvironment
    $script:vpc = New-MotoVpc -NoNat
    function ConvertFrom-MotoPermission($Items) {
        # moto's raw XML → "tcp 443-443 0.0.0.0/0" lines, independent of the module's own parsing.
        foreach ($p in @($Items)) {
            if (-not $p) { continue }
            $ports = if ($p.ipProtocol -eq '-1') { 'all' } else { "$($p.fromPort)-$($p.toPort)" }
            foreach ($r in @($p.ipRanges.item)) { if ($r) { "$($p.ipProtocol) $ports $($r.cidrIp)" } }
            foreach ($g in @($p.groups.item)) { if ($g) { "$($p.ipProtocol) $ports $($g.groupId)" } }
        }
    }
    function Get-VpcGroupCount($VpcId) {
        $raw = (Invoke-MotoEc2 DescribeSecurityGroups @{ 'Filter.1.Name' = 'vpc-id'; 'Filter.1.Value.1' = $VpcId }).DescribeSecurityGroupsResponse
        @($raw.SelectNodes('//*[local-name()="securityGroupInfo"]/*')).Count
    }
}

AfterAll { Restore-MotoAwsEnvironment $saved }

Describe 'New-DbxAwsSecurityGroup' {
    It 'creates the workspace group with exactly the documented rules' {
        $sg = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Workspace
        $sg.Purpose | Should -Be 'Workspace'
        $sg.GroupName | Should -Be "databricks-workspace-$($vpc.VpcId)"
        $raw = Get-MotoSecurityGroup $sg.SecurityGroupId
        $id = $sg.SecurityGroupId
        @(ConvertFrom-MotoPermission $raw.ipPermissions.item | Sort-Object) | Should -Be (@("tcp 0-65535 $id", "udp 0-65535 $id") | Sort-Object)
        $expected = @("tcp 0-65535 $id", "udp 0-65535 $id", 'tcp 443-443 0.0.0.0/0', 'tcp 2443-2443 0.0.0.0/0', 'tcp 6666-6666 0.0.0.0/0',
            'tcp 8443-8443 0.0.0.0/0', 'tcp 8444-8444 0.0.0.0/0', 'tcp 8445-8451 0.0.0.0/0')
        @(ConvertFrom-MotoPermission $raw.ipPermissionsEgress.item | Sort-Object) | Should -Be ($expected | Sort-Object)
    }

    It 'opens the optional ports and uses the egress CIDR when asked' {
        $sg = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Workspace -Name (New-TestName ws) -EgressCidr $vpc.Cidr -IncludeOptionalPort
        $egress = @(ConvertFrom-MotoPermission (Get-MotoSecurityGroup $sg.SecurityGroupId).ipPermissionsEgress.item)
        $egress | Should -Contain "tcp 3306-3306 $($vpc.Cidr)"
        $egress | Should -Contain "tcp 5432-5432 $($vpc.Cidr)"
        $egress | Should -Not -Contain 'tcp 443-443 0.0.0.0/0'
    }

    It 'creates the endpoint group admitting the workspace group on the endpoint ports' {
        $ws = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Workspace -Name (New-TestName ws)
        $ep = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Endpoint -SourceSecurityGroupId $ws.SecurityGroupId
        $w = $ws.SecurityGroupId
        $raw = Get-MotoSecurityGroup $ep.SecurityGroupId
        @(ConvertFrom-MotoPermission $raw.ipPermissions.item | Sort-Object) | Should -Be (@("tcp 443-443 $w", "tcp 6666-6666 $w", "tcp 2443-2443 $w", "tcp 8443-8451 $w") | Sort-Object)
        @(ConvertFrom-MotoPermission $raw.ipPermissionsEgress.item) | Should -Not -Contain 'all all 0.0.0.0/0'
    }

    It 'admits the VPC CIDR when no workspace group is given' {
        $ep = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Endpoint -Name (New-TestName ep)
        @(ConvertFrom-MotoPermission (Get-MotoSecurityGroup $ep.SecurityGroupId).ipPermissions.item) | Should -Contain "tcp 443-443 $($vpc.Cidr)"
    }

    It 'leaves 6666 out in GovCloud' {
        $gov = New-MotoVpc -Region us-gov-west-1 -NoNat
        $sg = New-DbxAwsSecurityGroup -VpcId $gov.VpcId -Purpose Workspace -Region us-gov-west-1
        $egress = @(ConvertFrom-MotoPermission (Get-MotoSecurityGroup $sg.SecurityGroupId -Region us-gov-west-1).ipPermissionsEgress.item)
        $egress | Should -Contain 'tcp 443-443 0.0.0.0/0'
        $egress | Should -Not -Contain 'tcp 6666-6666 0.0.0.0/0'
    }

    It 'creates nothing with -WhatIf' {
        $before = Get-VpcGroupCount $vpc.VpcId
        New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Workspace -Name (New-TestName wi) -WhatIf | Should -BeNullOrEmpty
        Get-VpcGroupCount $vpc.VpcId | Should -Be $before
    }

    It 'reports a duplicate name with the AWS code' {
        $name = New-TestName dup
        $null = New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Workspace -Name $name
        New-DbxAwsSecurityGroup -VpcId $vpc.VpcId -Purpose Workspace -Name $name -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxAwsInvalidGroupDuplicate,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'refuses bad input before sending: <Case>' -ForEach @(
        @{ Case = 'egress cidr'; Splat = @{ Purpose = 'Workspace'; EgressCidr = '10.0.0.0/33' }; Id = 'DbxInvalidCidr' }
        @{ Case = 'source group on a workspace group'; Splat = @{ Purpose = 'Workspace'; SourceSecurityGroupId = 'sg-0123456789abcdef0' }; Id = 'DbxInvalidSourceSecurityGroupId' }
        @{ Case = 'name'; Splat = @{ Purpose = 'Workspace'; Name = 'sg-mine' }; Id = 'DbxInvalidName' }
        @{ Case = 'tag'; Splat = @{ Purpose = 'Workspace'; Tag = @{ 'aws:x' = '1' } }; Id = 'DbxInvalidTag' }
    ) {
        $before = Get-VpcGroupCount $vpc.VpcId
        New-DbxAwsSecurityGroup -VpcId $vpc.VpcId @Splat -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        Get-VpcGroupCount $vpc.VpcId | Should -Be $before
    }
}
