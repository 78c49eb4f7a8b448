# The customer side of a serverless private endpoint rule to a resource in the customer's VPC: the endpoint service over
# an NLB and its allow list. Fixtures are made and outcomes read through moto's Query API (MotoHelpers), never through
# the cmdlets under test.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'MotoHelpers.psm1') -Force
    Import-TestModule
    $script:saved = Set-MotoAwsEnvironment
    $script:dbx = 'arn:aws:iam::565502421330:role/private-connectivity-role-us-east-1'
    $script:govDbx = @('arn:aws-us-gov:iam::347038500609:role/private-connectivity-role-us-gov-west-1', 'arn:aws-us-gov:iam::347034940029:role/private-connectivity-role-us-gov-west-1')
    $script:other = 'arn:aws:iam::111122223333:role/partner'
    function Get-MotoPrincipal([string]$ServiceId, [string]$Region = 'us-east-1') {
        $x = Invoke-MotoEc2 DescribeVpcEndpointServicePermissions @{ ServiceId = $ServiceId } -Region $Region
        @($x.SelectNodes('//*[local-name()="principal"]') | ForEach-Object InnerText | Sort-Object)
    }
    function Get-MotoServiceConfiguration([string]$ServiceId, [string]$Region = 'us-east-1') {
        (Invoke-MotoEc2 DescribeVpcEndpointServiceConfigurations @{ ServiceId = @($ServiceId) } -Region $Region).DescribeVpcEndpointServiceConfigurationsResponse.serviceConfigurationSet.item
    }
    function Get-MotoServiceCount([string]$Region = 'us-east-1') {
        $x = Invoke-MotoEc2 DescribeVpcEndpointServiceConfigurations @{} -Region $Region
        @($x.SelectNodes('//*[local-name()="serviceConfigurationSet"]/*')).Count
    }
    # One NLB for the creates; each create makes a new service over it.
    $script:lb = New-MotoEndpointService
}

AfterAll { Restore-MotoAwsEnvironment $saved }

Describe 'New-DbxAwsEndpointService' {
    It 'creates the service over the NLB and allows the Databricks serverless principal of the region' {
        $s = New-DbxAwsEndpointService -NetworkLoadBalancerArn $lb.NetworkLoadBalancerArn -Tag @{ Team = 'data' }
        $s.ServiceId | Should -Match '^vpce-svc-[0-9a-f]+$'
        $s.ServiceName | Should -Be "com.amazonaws.vpce.us-east-1.$($s.ServiceId)"
        $s.EndpointService | Should -Be $s.ServiceName
        $s.Region | Should -Be 'us-east-1'
        $s.DatabricksAllowed | Should -BeTrue
        @($s.DatabricksPrincipal) | Should -Be @($dbx)
        @($s.AllowedPrincipals) | Should -Be @($dbx)
        $s.Tags['Team'] | Should -Be 'data'
        $s.Tags['ManagedBy'] | Should -Be 'DatabricksNetworking'
        Get-MotoPrincipal $s.ServiceId | Should -Be @($dbx)
        $raw = Get-MotoServiceConfiguration $s.ServiceId
        $raw.networkLoadBalancerArnSet.item | Should -Be $lb.NetworkLoadBalancerArn
        $raw.acceptanceRequired | Should -Be 'true'
        $s.AcceptanceRequired | Should -BeTrue
    }

    It 'allows no one with -SkipDatabricksPrincipal' {
        $s = New-DbxAwsEndpointService -NetworkLoadBalancerArn $lb.NetworkLoadBalancerArn -SkipDatabricksPrincipal
        $s.DatabricksAllowed | Should -BeFalse
        @($s.AllowedPrincipals).Count | Should -Be 0
        @(Get-MotoPrincipal $s.ServiceId).Count | Should -Be 0
    }

    It 'turns acceptance off with -AcceptanceRequired $false' {
        $s = New-DbxAwsEndpointService -NetworkLoadBalancerArn $lb.NetworkLoadBalancerArn -AcceptanceRequired $false
        $s.AcceptanceRequired | Should -BeFalse
        (Get-MotoServiceConfiguration $s.ServiceId).acceptanceRequired | Should -Be 'false'
    }

    It 'allows both GovCloud shard principals in us-gov-west-1' {
        $gov = New-MotoEndpointService -Region us-gov-west-1
        $s = New-DbxAwsEndpointService -NetworkLoadBalancerArn $gov.NetworkLoadBalancerArn -Region us-gov-west-1
        $s.Region | Should -Be 'us-gov-west-1'
        $s.DatabricksAllowed | Should -BeTrue
        @($s.DatabricksPrincipal) | Should -Be $govDbx
        Get-MotoPrincipal $s.ServiceId -Region us-gov-west-1 | Should -Be @($govDbx | Sort-Object)
    }

    It 'binds the NLB ARN by property name' {
        $s = [pscustomobject]@{ LoadBalancerArn = $lb.NetworkLoadBalancerArn } | New-DbxAwsEndpointService -SkipDatabricksPrincipal
        (Get-MotoServiceConfiguration $s.ServiceId).networkLoadBalancerArnSet.item | Should -Be $lb.NetworkLoadBalancerArn
    }

    It 'creates nothing with -WhatIf' {
        $before = Get-MotoServiceCount
        New-DbxAwsEndpointService -NetworkLoadBalancerArn $lb.NetworkLoadBalancerArn -WhatIf | Should -BeNullOrEmpty
        Get-MotoServiceCount | Should -Be $before
    }

    It 'refuses bad input before sending: <Case>' -ForEach @(
        @{ Case = 'not an ARN'; Arn = 'my-nlb'; Splat = @{}; Id = 'DbxInvalidNetworkLoadBalancerArn' }
        @{ Case = 'a target group ARN'; Arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef'; Splat = @{}; Id = 'DbxInvalidNetworkLoadBalancerArn' }
        @{ Case = 'a short account'; Arn = 'arn:aws:elasticloadbalancing:us-east-1:1234:loadbalancer/net/x/0123456789abcdef'; Splat = @{}; Id = 'DbxInvalidNetworkLoadBalancerArn' }
        @{ Case = 'an NLB of another region'; Arn = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/x/0123456789abcdef'; Splat = @{}; Id = 'DbxInvalidNetworkLoadBalancerArn' }
        @{ Case = 'a tag'; Arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/x/0123456789abcdef'; Splat = @{ Tag = @{ 'aws:x' = '1' } }; Id = 'DbxInvalidTag' }
    ) {
        $before = Get-MotoServiceCount
        New-DbxAwsEndpointService -NetworkLoadBalancerArn $Arn @Splat -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-MotoServiceCount | Should -Be $before
    }

    It 'reports an NLB that does not exist with the AWS code' {
        $missing = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/gone/0123456789abcdef'
        New-DbxAwsEndpointService -NetworkLoadBalancerArn $missing -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxAwsLoadBalancerNotFound,*'
        $err[0].TargetObject | Should -Be $missing
    }
}

Describe 'Get-DbxAwsEndpointService' {
    BeforeAll {
        $script:open = New-MotoEndpointService -AllowPrincipal $dbx
        $script:closed = New-MotoEndpointService -AllowPrincipal $other
    }

    It 'gets a service by id with its allow list and whether Databricks may connect' {
        $s = Get-DbxAwsEndpointService -ServiceId $open.ServiceId
        $s.ServiceName | Should -Be $open.ServiceName
        $s.ServiceState | Should -Be 'Available'
        @($s.NetworkLoadBalancerArns) | Should -Be @($open.NetworkLoadBalancerArn)
        @($s.AllowedPrincipals) | Should -Be @($dbx)
        $s.DatabricksAllowed | Should -BeTrue
        (Get-DbxAwsEndpointService $closed.ServiceId).DatabricksAllowed | Should -BeFalse
    }

    It 'writes an error for an unknown id among several and still reads the others' {
        $out = @(Get-DbxAwsEndpointService -ServiceId $open.ServiceId, 'vpce-svc-0123abcd', $closed.ServiceId -ErrorVariable err -ErrorAction SilentlyContinue)
        @($out.ServiceId) | Should -Be @($open.ServiceId, $closed.ServiceId)
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -Be 'vpce-svc-0123abcd'
    }

    It 'gets services by full name, deriving the id' {
        $s = @(Get-DbxAwsEndpointService -ServiceName $open.ServiceName, $closed.ServiceName)
        @($s.ServiceId) | Should -Be @($open.ServiceId, $closed.ServiceId)
        (Get-DbxAwsEndpointService -ServiceId $closed.ServiceName).ServiceId | Should -Be $closed.ServiceId
    }

    It 'lists every service of the region when no id is given' {
        $all = @(Get-DbxAwsEndpointService)
        @($all.ServiceId) | Should -Contain $open.ServiceId
        @($all.ServiceId) | Should -Contain $closed.ServiceId
        $all | ForEach-Object { $_.Region | Should -Be 'us-east-1' }
    }

    It 'takes ids from the pipeline by property name' {
        @($open, $closed | Get-DbxAwsEndpointService).ServiceId | Should -Be @($open.ServiceId, $closed.ServiceId)
    }

    It 'writes an error for an unknown id and goes on with the next' {
        $out = @([pscustomobject]@{ ServiceId = 'vpce-svc-0123abcd' }, $open | Get-DbxAwsEndpointService -ErrorVariable err -ErrorAction SilentlyContinue)
        @($out.ServiceId) | Should -Be @($open.ServiceId)
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxAwsInvalidVpcEndpointServiceIdNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'vpce-svc-0123abcd'
    }

    It 'refuses bad input before sending: <Case>' -ForEach @(
        @{ Case = 'a bad id'; Splat = @{ ServiceId = 'vpce-svc-XYZ' }; Id = 'DbxInvalidServiceId' }
        @{ Case = 'an endpoint id'; Splat = @{ ServiceId = 'vpce-0123456789abcdef0' }; Id = 'DbxInvalidServiceId' }
        @{ Case = 'a bad name'; Splat = @{ ServiceName = 'com.amazonaws.us-east-1.s3' }; Id = 'DbxInvalidServiceName' }
        @{ Case = 'an id as -ServiceName'; Splat = @{ ServiceName = 'vpce-svc-0123abcd' }; Id = 'DbxInvalidServiceName' }
        @{ Case = 'a name of another region'; Splat = @{ ServiceName = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123abcd' }; Id = 'DbxInvalidServiceRegion' }
    ) {
        Get-DbxAwsEndpointService @Splat -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Grant-DbxAwsEndpointServiceAccess' {
    It 'allows the Databricks principal of the region by default, and is idempotent' {
        $f = New-MotoEndpointService -AllowPrincipal $other
        $s = Grant-DbxAwsEndpointServiceAccess -ServiceId $f.ServiceId -PassThru
        $s.DatabricksAllowed | Should -BeTrue
        Get-MotoPrincipal $f.ServiceId | Should -Be (@($dbx, $other) | Sort-Object)
        $again = Grant-DbxAwsEndpointServiceAccess -ServiceId $f.ServiceId -PassThru -Verbose 4>&1
        $verbose = @($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($verbose -join "`n") | Should -Match 'nothing was sent'
        ($verbose -join "`n") | Should -Not -Match 'ModifyVpcEndpointServicePermissions'
        @($again | Where-Object { $_ -is [DatabricksNetworking.Aws.AwsEndpointService] }).Count | Should -Be 1
        Get-MotoPrincipal $f.ServiceId | Should -Be (@($dbx, $other) | Sort-Object)
    }

    It 'writes nothing without -PassThru' {
        $f = New-MotoEndpointService
        Grant-DbxAwsEndpointServiceAccess $f.ServiceId | Should -BeNullOrEmpty
        Get-MotoPrincipal $f.ServiceId | Should -Be @($dbx)
    }

    It 'allows other principals with -Principal, adding only the missing ones' {
        $f = New-MotoEndpointService -AllowPrincipal $other
        $root = 'arn:aws:iam::444455556666:root'
        $s = Grant-DbxAwsEndpointServiceAccess $f.ServiceId -Principal $other, $root -PassThru
        @($s.AllowedPrincipals | Sort-Object) | Should -Be (@($other, $root) | Sort-Object)
        $s.DatabricksAllowed | Should -BeFalse
        Get-MotoPrincipal $f.ServiceId | Should -Be (@($other, $root) | Sort-Object)
    }

    It 'warns when allowing everyone (*)' {
        $f = New-MotoEndpointService
        $s = Grant-DbxAwsEndpointServiceAccess $f.ServiceId -Principal '*' -PassThru -WarningVariable warn -WarningAction SilentlyContinue
        $warn[0].Message | Should -Match 'every AWS account'
        $s.DatabricksAllowed | Should -BeTrue
    }

    It 'allows both GovCloud shard principals in us-gov-west-1' {
        $f = New-MotoEndpointService -Region us-gov-west-1
        $s = Grant-DbxAwsEndpointServiceAccess $f.ServiceId -Region us-gov-west-1 -PassThru
        $s.DatabricksAllowed | Should -BeTrue
        Get-MotoPrincipal $f.ServiceId -Region us-gov-west-1 | Should -Be @($govDbx | Sort-Object)
    }

    It 'works through the pipeline from Get-DbxAwsEndpointService (ServiceId and Region by property name)' {
        $a = New-MotoEndpointService
        $b = New-MotoEndpointService -Region us-gov-west-1
        $out = @(
            Get-DbxAwsEndpointService -ServiceId $a.ServiceId | Grant-DbxAwsEndpointServiceAccess -PassThru
            Get-DbxAwsEndpointService -ServiceId $b.ServiceId -Region us-gov-west-1 | Grant-DbxAwsEndpointServiceAccess -PassThru
        )
        @($out.DatabricksAllowed) | Should -Be @($true, $true)
        Get-MotoPrincipal $a.ServiceId | Should -Be @($dbx)
        Get-MotoPrincipal $b.ServiceId -Region us-gov-west-1 | Should -Be @($govDbx | Sort-Object)
    }

    It 'changes nothing with -WhatIf' {
        $f = New-MotoEndpointService -AllowPrincipal $other
        Grant-DbxAwsEndpointServiceAccess $f.ServiceId -PassThru -WhatIf | Should -BeNullOrEmpty
        Get-MotoPrincipal $f.ServiceId | Should -Be @($other)
    }

    It 'writes an error for an unknown id and goes on with the next record' {
        $f = New-MotoEndpointService
        $out = @([pscustomobject]@{ ServiceId = 'vpce-svc-0123abcd' }, [pscustomobject]@{ ServiceId = $f.ServiceId } |
                Grant-DbxAwsEndpointServiceAccess -PassThru -ErrorVariable err -ErrorAction SilentlyContinue)
        @($out.ServiceId) | Should -Be @($f.ServiceId)
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxAwsInvalidVpcEndpointServiceIdNotFound,*'
        $err[0].TargetObject | Should -Be 'vpce-svc-0123abcd'
        Get-MotoPrincipal $f.ServiceId | Should -Be @($dbx)
    }

    It 'refuses bad input before sending: <Case>' -ForEach @(
        @{ Case = 'a bad id'; Splat = @{ ServiceId = 'svc-0123abcd' }; Id = 'DbxInvalidServiceId' }
        @{ Case = 'a bad name'; Splat = @{ ServiceId = 'com.amazonaws.vpce.us-east-1.vpce-svc-XYZ' }; Id = 'DbxInvalidServiceName' }
        @{ Case = 'a name of another region'; Splat = @{ ServiceId = 'com.amazonaws.vpce.eu-west-1.{0}' }; Id = 'DbxInvalidServiceRegion' }
        @{ Case = 'a bad principal'; Splat = @{ Principal = 'arn:aws:iam::123:role/x' }; Id = 'DbxInvalidPrincipal' }
        @{ Case = 'a service principal'; Splat = @{ Principal = 'ec2.amazonaws.com' }; Id = 'DbxInvalidPrincipal' }
    ) {
        $f = New-MotoEndpointService -AllowPrincipal $other
        $p = @{ ServiceId = $f.ServiceId }
        foreach ($k in $Splat.Keys) { $p[$k] = $Splat[$k] -f $f.ServiceId }
        Grant-DbxAwsEndpointServiceAccess @p -PassThru -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        Get-MotoPrincipal $f.ServiceId | Should -Be @($other)
    }
}

Describe 'Revoke-DbxAwsEndpointServiceAccess' {
    It 'is ConfirmImpact High with -Force' {
        $attr = (Get-Command Revoke-DbxAwsEndpointServiceAccess).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
        $attr.ConfirmImpact | Should -Be 'High'
        (Get-Command Revoke-DbxAwsEndpointServiceAccess).Parameters.Keys | Should -Contain 'Force'
    }

    It 'removes the Databricks principal by default, keeps the others, and warns' {
        $f = New-MotoEndpointService -AllowPrincipal $dbx, $other
        $s = Revoke-DbxAwsEndpointServiceAccess $f.ServiceId -Force -PassThru -WarningVariable warn -WarningAction SilentlyContinue
        $s.DatabricksAllowed | Should -BeFalse
        @($s.AllowedPrincipals) | Should -Be @($other)
        Get-MotoPrincipal $f.ServiceId | Should -Be @($other)
        $warn[0].Message | Should -Match 'can no longer create endpoints'
    }

    It 'removes the given principals and sends nothing when none is on the list' {
        $f = New-MotoEndpointService -AllowPrincipal $dbx, $other
        Revoke-DbxAwsEndpointServiceAccess $f.ServiceId -Principal $other -Force
        Get-MotoPrincipal $f.ServiceId | Should -Be @($dbx)
        $again = Revoke-DbxAwsEndpointServiceAccess $f.ServiceId -Principal $other -Force -Verbose 4>&1
        (@($again | ForEach-Object Message) -join "`n") | Should -Match 'nothing was sent'
        Get-MotoPrincipal $f.ServiceId | Should -Be @($dbx)
    }

    It 'changes nothing with -WhatIf, even with -Force' {
        $f = New-MotoEndpointService -AllowPrincipal $dbx
        Revoke-DbxAwsEndpointServiceAccess $f.ServiceId -Force -WhatIf | Should -BeNullOrEmpty
        Get-MotoPrincipal $f.ServiceId | Should -Be @($dbx)
    }

    It 'takes services from Get-DbxAwsEndpointService and reports an unknown id without stopping' {
        $a = New-MotoEndpointService -AllowPrincipal $dbx
        $b = New-MotoEndpointService -AllowPrincipal $dbx
        $out = @([pscustomobject]@{ ServiceId = $a.ServiceId }, [pscustomobject]@{ ServiceId = 'vpce-svc-0123abcd' }, [pscustomobject]@{ ServiceId = $b.ServiceId } |
                Revoke-DbxAwsEndpointServiceAccess -Force -PassThru -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        @($out.ServiceId) | Should -Be @($a.ServiceId, $b.ServiceId)
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -Be 'vpce-svc-0123abcd'
        @(Get-MotoPrincipal $a.ServiceId).Count | Should -Be 0
        @(Get-MotoPrincipal $b.ServiceId).Count | Should -Be 0
    }
}

Describe 'The endpoint service in a private endpoint rule (emulator)' {
    BeforeAll {
        $script:ctx = Connect-TestAccount -NoDefault
        $script:ncc = New-DbxNetworkConnectivityConfig -Context $ctx -Name (New-TestName ncc) -Region us-east-1
        $script:svc = New-DbxAwsEndpointService -NetworkLoadBalancerArn $lb.NetworkLoadBalancerArn
    }

    It 'carries the service name as EndpointService, which New-DbxPrivateEndpointRule -EndpointService accepts (-WhatIf)' {
        $svc.PSObject.Properties.Name | Should -Contain 'EndpointService'
        Reset-EmulatorRequests
        $ncc | New-DbxPrivateEndpointRule -Context $ctx -EndpointService $svc.EndpointService -DomainName 'db.internal.example.com' -WhatIf -ErrorVariable err | Should -BeNullOrEmpty
        $err.Count | Should -Be 0
        @((Get-EmulatorRequests).by_route.PSObject.Properties.Name) | Should -Not -Contain 'POST /api/2.0/accounts/*/network-connectivity-configs/*/private-endpoint-rules'
        @(Get-DbxPrivateEndpointRule -Context $ctx $ncc.NetworkConnectivityConfigId).Count | Should -Be 0
    }

    It 'creates the rule to the service name from Get-DbxAwsEndpointService' {
        $s = Get-DbxAwsEndpointService -ServiceId $svc.ServiceId
        $rule = $ncc | New-DbxPrivateEndpointRule -Context $ctx -EndpointService $s.EndpointService -DomainName 'db.internal.example.com'
        $rule.EndpointService | Should -Be $svc.ServiceName
    }

    It 'pipes a service into New-DbxPrivateEndpointRule by property name, and -Wait sees it PENDING (Databricks allowed, acceptance required)' {
        $rule = Get-DbxAwsEndpointService -ServiceId $svc.ServiceId |
            New-DbxPrivateEndpointRule -Context $ctx -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -DomainName 'piped.internal.example.com' -Wait
        $rule.EndpointService | Should -Be $svc.ServiceName
        $rule.ConnectionState | Should -BeIn 'PENDING', 'ESTABLISHED'   # the shared emulator accepts after 2 s
    }

    It 'a service created with -SkipDatabricksPrincipal makes the rule CREATE_FAILED until access is granted' {
        $closed = New-DbxAwsEndpointService -NetworkLoadBalancerArn $lb.NetworkLoadBalancerArn -SkipDatabricksPrincipal
        $closed.DatabricksAllowed | Should -BeFalse
        $closed | New-DbxPrivateEndpointRule -Context $ctx -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -DomainName 'closed.internal.example.com' -Wait -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxPrivateEndpointRuleCreateFailed*'
        $err[0].Exception.Message | Should -Match 'private-connectivity-role-us-east-1'
        $closed | Grant-DbxAwsEndpointServiceAccess
        Start-Sleep -Milliseconds 1100   # the emulator asks AWS about a service at most once a second
        $rule = $closed | New-DbxPrivateEndpointRule -Context $ctx -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -DomainName 'open.internal.example.com' -Wait
        $rule.ConnectionState | Should -BeIn 'PENDING', 'ESTABLISHED'
    }
}
