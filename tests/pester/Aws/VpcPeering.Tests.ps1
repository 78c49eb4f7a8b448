BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'MotoHelpers.psm1') -Force
    Import-TestModule
    $script:saved = Set-MotoAwsEnvironment
    function Get-Routes($RouteTableId) { @((Get-MotoRouteTable $RouteTableId).routeSet.item | Where-Object { $_.vpcPeeringConnectionId }) }
    function Get-PeeringCount($VpcId) {
        $raw = (Invoke-MotoEc2 DescribeVpcPeeringConnections @{}).DescribeVpcPeeringConnectionsResponse
        @($raw.SelectNodes('//*[local-name()="vpcPeeringConnectionSet"]/*') | Where-Object { $_.requesterVpcInfo.vpcId -eq $VpcId }).Count
    }
}

AfterAll { Restore-MotoAwsEnvironment $saved }

Describe 'New-DbxAwsVpcPeering' {
    It 'requests and accepts the peering and adds the routes both ways' {
        $a = New-MotoVpc -Cidr 10.201.0.0/16 -NoNat
        $b = New-MotoVpc -Cidr 10.202.0.0/16 -NoNat
        $p = New-DbxAwsVpcPeering -VpcId $a.VpcId -PeerVpcId $b.VpcId
        $p.VpcPeeringConnectionId | Should -Match '^pcx-'
        $p.Status | Should -Be 'active'
        $ra = Get-Routes $a.RouteTableId
        $ra.destinationCidrBlock | Should -Be '10.202.0.0/16'
        $ra.vpcPeeringConnectionId | Should -Be $p.VpcPeeringConnectionId
        (Get-Routes $b.RouteTableId).destinationCidrBlock | Should -Be '10.201.0.0/16'
        $p.Routes.RouteTableId | Should -Contain $a.RouteTableId
        $p.Routes.RouteTableId | Should -Contain $b.RouteTableId
    }

    It 'adds routes only to the given route tables' {
        $a = New-MotoVpc -Cidr 10.203.0.0/16 -NoNat
        $b = New-MotoVpc -Cidr 10.204.0.0/16 -NoNat
        $p = New-DbxAwsVpcPeering -VpcId $a.VpcId -PeerVpcId $b.VpcId -RouteTableId $a.RouteTableId, $b.RouteTableId
        @($p.Routes).Count | Should -Be 2
        (Get-Routes $a.RouteTableId).destinationCidrBlock | Should -Be '10.204.0.0/16'
        $mainB = ((Invoke-MotoEc2 DescribeRouteTables @{ 'Filter.1.Name' = 'vpc-id'; 'Filter.1.Value.1' = $b.VpcId; 'Filter.2.Name' = 'association.main'; 'Filter.2.Value.1' = 'true' }).DescribeRouteTablesResponse.routeTableSet.item).routeTableId
        Get-Routes $mainB | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        $a = New-MotoVpc -Cidr 10.205.0.0/16 -NoNat
        $b = New-MotoVpc -Cidr 10.206.0.0/16 -NoNat
        New-DbxAwsVpcPeering -VpcId $a.VpcId -PeerVpcId $b.VpcId -WhatIf | Should -BeNullOrEmpty
        Get-PeeringCount $a.VpcId | Should -Be 0
        Get-Routes $a.RouteTableId | Should -BeNullOrEmpty
    }

    It 'refuses overlapping VPCs, foreign route tables and self-peering before changing anything' {
        $a = New-MotoVpc -Cidr 10.207.0.0/16 -NoNat
        $b = New-MotoVpc -Cidr 10.207.0.0/16 -NoNat
        $c = New-MotoVpc -Cidr 10.208.0.0/16 -NoNat
        New-DbxAwsVpcPeering -VpcId $a.VpcId -PeerVpcId $b.VpcId -ErrorVariable e1 -ErrorAction SilentlyContinue
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidPeeringCidrOverlap,*'
        New-DbxAwsVpcPeering -VpcId $a.VpcId -PeerVpcId $c.VpcId -RouteTableId $b.RouteTableId -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidRouteTableId,*'
        New-DbxAwsVpcPeering -VpcId $a.VpcId -PeerVpcId $a.VpcId -ErrorVariable e3 -ErrorAction SilentlyContinue
        $e3[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidPeerVpcId,*'
        Get-PeeringCount $a.VpcId | Should -Be 0
    }

    It 'refuses a route table that already routes the peer''s CIDR' {
        $a = New-MotoVpc -Cidr 10.209.0.0/16 -NoNat
        $b = New-MotoVpc -Cidr 10.210.0.0/16 -NoNat
        $null = New-DbxAwsVpcPeering -VpcId $a.VpcId -PeerVpcId $b.VpcId
        New-DbxAwsVpcPeering -VpcId $a.VpcId -PeerVpcId $b.VpcId -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidRouteConflict,*'
        Get-PeeringCount $a.VpcId | Should -Be 1
    }
}
