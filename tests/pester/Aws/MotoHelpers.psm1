# Builds AWS test fixtures (VPCs, subnets, NAT, route tables) in moto for the AWS tests, through EC2's Query API
# directly, so the fixtures do not depend on the cmdlets under test. moto ignores signatures but picks its region
# backend from the credential scope of the Authorization header, which is therefore set per region.
Set-StrictMode -Version 3

function Get-MotoUrl {
    # The tests' moto (DBX_TEST_MOTO_URL), or the one AWS_ENDPOINT_URL points at (the docs examples).
    if ($env:DBX_TEST_MOTO_URL) { return $env:DBX_TEST_MOTO_URL }
    if ($env:AWS_ENDPOINT_URL) { return $env:AWS_ENDPOINT_URL }
    throw 'Neither DBX_TEST_MOTO_URL nor AWS_ENDPOINT_URL is set: run the tests through ./build.ps1 Test.'
}

function Set-MotoAwsEnvironment {
    # Points the standard AWS variables of this process at moto with dummy keys; returns the previous values.
    param([string]$Region = 'us-east-1')
    $names = 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'
    $saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $env:AWS_ACCESS_KEY_ID = 'AKIAMOTOTESTKEY00001'
    $env:AWS_SECRET_ACCESS_KEY = 'motoDummySecretKeyThatMustNeverBePrinted01'
    $env:AWS_SESSION_TOKEN = $null
    $env:AWS_REGION = $Region
    $env:AWS_DEFAULT_REGION = $null
    $env:AWS_ENDPOINT_URL = Get-MotoUrl
    $env:AWS_PROFILE = $null
    # No real ~/.aws files may leak into the tests (the SDK reads 'config' next to the credentials file).
    $empty = Join-Path ([IO.Path]::GetTempPath()) "dbx-test-no-aws-$PID"
    $env:AWS_CONFIG_FILE = Join-Path $empty 'config'
    $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $empty 'credentials'
    $saved
}

function Restore-MotoAwsEnvironment {
    param([hashtable]$Saved)
    foreach ($k in $Saved.Keys) { [Environment]::SetEnvironmentVariable($k, $Saved[$k]) }
}

function Invoke-MotoEc2 {
    # One EC2 Query API call against moto; returns the response as [xml]. Lists are given as arrays (Name.1, Name.2 ...).
    param(
        [Parameter(Mandatory)][string]$Action,
        [hashtable]$Parameters = @{},
        [string]$Region = 'us-east-1'
    )
    Invoke-MotoQuery -Service ec2 -Version '2016-11-15' -Action $Action -Parameters $Parameters -Region $Region
}

function Invoke-MotoQuery {
    # One Query-protocol call to any moto service (ec2, elasticloadbalancing ...); returns [xml]. Arrays become
    # Name.1, Name.2 ... (give 'Subnets.member' as the key for ELBv2's member lists).
    param(
        [Parameter(Mandatory)][string]$Service,
        [Parameter(Mandatory)][string]$Version,
        [Parameter(Mandatory)][string]$Action,
        [hashtable]$Parameters = @{},
        [string]$Region = 'us-east-1'
    )
    $pairs = [System.Collections.Generic.List[string]]::new()
    $pairs.Add("Action=$Action"); $pairs.Add("Version=$Version")
    foreach ($k in $Parameters.Keys) {
        $v = $Parameters[$k]
        if ($v -is [array]) {
            for ($i = 0; $i -lt $v.Count; $i++) { $pairs.Add("$k.$($i + 1)=$([Uri]::EscapeDataString([string]$v[$i]))") }
        } else { $pairs.Add("$k=$([Uri]::EscapeDataString([string]$v))") }
    }
    $date = [DateTime]::UtcNow.ToString('yyyyMMdd')
    $headers = @{ Authorization = "AWS4-HMAC-SHA256 Credential=AKIAMOTOTESTKEY00001/$date/$Region/$Service/aws4_request, SignedHeaders=host, Signature=0" }
    $response = Invoke-WebRequest -Uri (Get-MotoUrl) -Method Post -Body ($pairs -join '&') -ContentType 'application/x-www-form-urlencoded' -Headers $headers -SkipHttpErrorCheck
    if ($response.StatusCode -ge 400) { throw "moto $Action failed ($($response.StatusCode)): $($response.Content)" }
    [xml]$response.Content
}

function New-MotoVpc {
    <#
      A VPC shaped for Databricks tests. By default: 10.x.0.0/16, DNS hostnames and support on, two /24 private
      subnets in two zones, a public subnet with an internet gateway and a NAT gateway, and a private route table
      sending 0.0.0.0/0 to the NAT. -Broken: DNS hostnames off and both private subnets in one zone.
      -NoNat: private subnets without a default route. Returns ids as an object.
    #>
    param(
        [string]$Region = 'us-east-1',
        [string]$Cidr,
        [switch]$Broken,
        [switch]$NoNat,
        [int]$SubnetPrefix = 24
    )
    if (-not $Cidr) { $Cidr = "10.$(Get-Random -Minimum 1 -Maximum 250).0.0/16" }
    $base = ($Cidr -split '/')[0] -replace '\.0\.0$', ''
    $vpc = (Invoke-MotoEc2 CreateVpc @{ CidrBlock = $Cidr } -Region $Region).CreateVpcResponse.vpc.vpcId
    Invoke-MotoEc2 ModifyVpcAttribute @{ VpcId = $vpc; 'EnableDnsSupport.Value' = 'true' } -Region $Region | Out-Null
    Invoke-MotoEc2 ModifyVpcAttribute @{ VpcId = $vpc; 'EnableDnsHostnames.Value' = $(if ($Broken) { 'false' } else { 'true' }) } -Region $Region | Out-Null
    $zoneA = "${Region}a"; $zoneB = if ($Broken) { "${Region}a" } else { "${Region}b" }
    $subnets = @(
        (Invoke-MotoEc2 CreateSubnet @{ VpcId = $vpc; CidrBlock = "$base.1.0/$SubnetPrefix"; AvailabilityZone = $zoneA } -Region $Region).CreateSubnetResponse.subnet.subnetId
        (Invoke-MotoEc2 CreateSubnet @{ VpcId = $vpc; CidrBlock = "$base.2.0/$SubnetPrefix"; AvailabilityZone = $zoneB } -Region $Region).CreateSubnetResponse.subnet.subnetId
    )
    $endpointSubnet = (Invoke-MotoEc2 CreateSubnet @{ VpcId = $vpc; CidrBlock = "$base.3.0/26"; AvailabilityZone = $zoneA } -Region $Region).CreateSubnetResponse.subnet.subnetId
    $privateRt = (Invoke-MotoEc2 CreateRouteTable @{ VpcId = $vpc } -Region $Region).CreateRouteTableResponse.routeTable.routeTableId
    foreach ($s in $subnets) { Invoke-MotoEc2 AssociateRouteTable @{ RouteTableId = $privateRt; SubnetId = $s } -Region $Region | Out-Null }
    $nat = $null
    if (-not $NoNat) {
        $public = (Invoke-MotoEc2 CreateSubnet @{ VpcId = $vpc; CidrBlock = "$base.4.0/26"; AvailabilityZone = $zoneA } -Region $Region).CreateSubnetResponse.subnet.subnetId
        $igw = (Invoke-MotoEc2 CreateInternetGateway @{} -Region $Region).CreateInternetGatewayResponse.internetGateway.internetGatewayId
        Invoke-MotoEc2 AttachInternetGateway @{ InternetGatewayId = $igw; VpcId = $vpc } -Region $Region | Out-Null
        $publicRt = (Invoke-MotoEc2 CreateRouteTable @{ VpcId = $vpc } -Region $Region).CreateRouteTableResponse.routeTable.routeTableId
        Invoke-MotoEc2 CreateRoute @{ RouteTableId = $publicRt; DestinationCidrBlock = '0.0.0.0/0'; GatewayId = $igw } -Region $Region | Out-Null
        Invoke-MotoEc2 AssociateRouteTable @{ RouteTableId = $publicRt; SubnetId = $public } -Region $Region | Out-Null
        $eip = (Invoke-MotoEc2 AllocateAddress @{ Domain = 'vpc' } -Region $Region).AllocateAddressResponse.allocationId
        $nat = (Invoke-MotoEc2 CreateNatGateway @{ SubnetId = $public; AllocationId = $eip } -Region $Region).CreateNatGatewayResponse.natGateway.natGatewayId
        Invoke-MotoEc2 CreateRoute @{ RouteTableId = $privateRt; DestinationCidrBlock = '0.0.0.0/0'; NatGatewayId = $nat } -Region $Region | Out-Null
    }
    [pscustomobject]@{
        VpcId            = $vpc
        Cidr             = $Cidr
        Region           = $Region
        SubnetIds        = [string[]]$subnets
        EndpointSubnetId = $endpointSubnet
        RouteTableId     = $privateRt
        NatGatewayId     = $nat
    }
}

function New-MotoNetworkLoadBalancer {
    # A VPC (no NAT) and an internal network load balancer over its two private subnets: step 1 of the Databricks
    # guide "private connectivity to resources in your VPC". Returns NetworkLoadBalancerArn, VpcId, Region.
    param([string]$Region = 'us-east-1')
    $vpc = New-MotoVpc -Region $Region -NoNat
    $name = "nlb-$(Get-Random -Minimum 100000 -Maximum 999999)"
    $lb = Invoke-MotoQuery -Service elasticloadbalancing -Version '2015-12-01' -Action CreateLoadBalancer -Region $Region -Parameters @{
        Name = $name; Type = 'network'; Scheme = 'internal'; 'Subnets.member' = [string[]]$vpc.SubnetIds
    }
    [pscustomobject]@{
        NetworkLoadBalancerArn = $lb.CreateLoadBalancerResponse.CreateLoadBalancerResult.LoadBalancers.member.LoadBalancerArn
        VpcId                  = $vpc.VpcId
        Region                 = $Region
    }
}

function New-MotoEndpointService {
    <#
      A customer's PrivateLink endpoint service, as the Databricks guide "private connectivity to resources in your VPC"
      builds it: a VPC, an internal network load balancer over its private subnets, and an endpoint service over the
      NLB. -AllowPrincipal puts ARNs on its allow list; -AcceptanceRequired defaults to $true as in the console.
      Returns the ids and the full service name (com.amazonaws.vpce.<region>.vpce-svc-...).
    #>
    param(
        [string]$Region = 'us-east-1',
        [bool]$AcceptanceRequired = $true,
        [string[]]$AllowPrincipal = @()
    )
    $nlb = New-MotoNetworkLoadBalancer -Region $Region
    $lbArn = $nlb.NetworkLoadBalancerArn
    $svc = (Invoke-MotoEc2 CreateVpcEndpointServiceConfiguration @{
        'NetworkLoadBalancerArn' = @($lbArn); AcceptanceRequired = $AcceptanceRequired.ToString().ToLowerInvariant()
    } -Region $Region).CreateVpcEndpointServiceConfigurationResponse.serviceConfiguration
    if ($AllowPrincipal) {
        Invoke-MotoEc2 ModifyVpcEndpointServicePermissions @{ ServiceId = $svc.serviceId; AddAllowedPrincipals = $AllowPrincipal } -Region $Region | Out-Null
    }
    [pscustomobject]@{
        ServiceId              = $svc.serviceId
        ServiceName            = $svc.serviceName
        Region                 = $Region
        NetworkLoadBalancerArn = $lbArn
        VpcId                  = $nlb.VpcId
    }
}

function Remove-MotoEndpointService {
    param([Parameter(Mandatory)][string]$ServiceId, [string]$Region = 'us-east-1')
    Invoke-MotoEc2 DeleteVpcEndpointServiceConfigurations @{ ServiceId = @($ServiceId) } -Region $Region | Out-Null
}

function Get-MotoSecurityGroup {
    param([Parameter(Mandatory)][string]$GroupId, [string]$Region = 'us-east-1')
    (Invoke-MotoEc2 DescribeSecurityGroups @{ GroupId = @($GroupId) } -Region $Region).DescribeSecurityGroupsResponse.securityGroupInfo.item
}

function Get-MotoRouteTable {
    param([Parameter(Mandatory)][string]$RouteTableId, [string]$Region = 'us-east-1')
    (Invoke-MotoEc2 DescribeRouteTables @{ RouteTableId = @($RouteTableId) } -Region $Region).DescribeRouteTablesResponse.routeTableSet.item
}

Export-ModuleMember -Function Get-MotoUrl, Set-MotoAwsEnvironment, Restore-MotoAwsEnvironment, Invoke-MotoEc2, Invoke-MotoQuery, New-MotoVpc, New-MotoNetworkLoadBalancer, New-MotoEndpointService, Remove-MotoEndpointService, Get-MotoSecurityGroup, Get-MotoRouteTable
