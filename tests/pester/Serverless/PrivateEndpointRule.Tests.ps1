BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    Import-Module (Join-Path $PSScriptRoot '../Aws/MotoHelpers.psm1') -Force
    # Rules to a customer service follow that service in moto (the test emulators run with --aws-endpoint): it must
    # exist and allow the region's Databricks serverless principal.
    $script:dbxPrincipal = 'arn:aws:iam::565502421330:role/private-connectivity-role-eu-west-3'
    $script:service = (New-MotoEndpointService -Region eu-west-3 -AllowPrincipal $script:dbxPrincipal).ServiceName
    $script:postRoute = 'POST /api/2.0/accounts/*/network-connectivity-configs/*/private-endpoint-rules'
    $script:listRoute = 'GET /api/2.0/accounts/*/network-connectivity-configs/*/private-endpoint-rules'
    function Set-ServiceFate([string]$Url, [string]$Service, [string]$State, [string]$Message) {
        $body = @{ endpoint_service = $Service; connection_state = $State; error_message = $Message } | ConvertTo-Json
        Invoke-EmulatorControl -Method Post -Path endpoint-service-fates -Body $body -Url $Url | Out-Null
    }
}

Describe 'Private endpoint rule lifecycle (private emulator, clock moved by the test, accept delay 600 s)' {
    BeforeAll {
        $script:emu = Start-TestEmulator -Arguments '--pe-accept-delay', '600', '--page-size', '2'
        Connect-TestAccount -Url $script:emu.Url | Out-Null
        $script:ncc = New-DbxNetworkConnectivityConfig -Name lifecycle-ncc -Region eu-west-3
    }
    AfterAll { $script:emu | Stop-TestService }

    It 'S3 rules go CREATING -> ESTABLISHED without approval, to the region''s S3 service' {
        $rule = $script:ncc | New-DbxPrivateEndpointRule -S3BucketName 'lake-raw', 'lake-curated'
        $rule.ConnectionState | Should -Be 'CREATING'
        $rule.EndpointService | Should -Be 'com.amazonaws.eu-west-3.s3'
        $rule.ResourceNames | Should -Be @('lake-raw', 'lake-curated')
        $rule.Enabled | Should -BeFalse -Because 'the real service creates S3 rules disabled (enabled is ignored at create time)'
        $rule.Target | Should -Be 'S3'
        # Before ESTABLISHED the service refuses to change enabled (the real message; re-sending the current value is a no-op).
        $rule | Update-DbxPrivateEndpointRule -Enabled $true -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidState,*'
        $err[0].Exception.Message | Should -Match 'Field enabled can only be updated when connection_state is ESTABLISHED'
        ($rule | Update-DbxPrivateEndpointRule -Enabled $false -PassThru).Enabled | Should -BeFalse
        Move-EmulatorClock -Seconds 300 -Url $script:emu.Url
        $now = $rule | Get-DbxPrivateEndpointRule
        $now.ConnectionState | Should -Be 'ESTABLISHED'
        $now.VpcEndpointId | Should -Match '^vpce-[0-9a-f]{17}$'
        $now.Enabled | Should -BeFalse
        $script:s3Rule = $now
    }

    It 'rules to a customer service go CREATING -> PENDING -> ESTABLISHED once accepted' {
        $rule = New-DbxPrivateEndpointRule -NetworkConnectivityConfigId $script:ncc.NetworkConnectivityConfigId -EndpointService $script:service -DomainName 'db.corp.example.com'
        $rule.ConnectionState | Should -Be 'CREATING'
        $rule.DomainNames | Should -Be @('db.corp.example.com')
        $rule.Enabled | Should -BeNullOrEmpty
        Move-EmulatorClock -Seconds 300 -Url $script:emu.Url
        ($rule | Get-DbxPrivateEndpointRule).ConnectionState | Should -Be 'PENDING'
        Move-EmulatorClock -Seconds 300 -Url $script:emu.Url
        ($rule | Get-DbxPrivateEndpointRule).ConnectionState | Should -Be 'ESTABLISHED'
        $script:svcRule = $rule
    }

    It 'names the NCC of each rule (NetworkConnectivityConfigName, one NCC read per call, shown in the default view)' {
        $nccRoute = 'GET /api/2.0/accounts/*/network-connectivity-configs/*'
        $reads = Get-EmulatorRouteCount $nccRoute -Url $script:emu.Url
        $rules = @($script:ncc | Get-DbxPrivateEndpointRule)
        $rules.Count | Should -BeGreaterOrEqual 2
        $rules.NetworkConnectivityConfigName | Sort-Object -Unique | Should -Be 'lifecycle-ncc'
        Get-EmulatorRouteCount $nccRoute -Url $script:emu.Url | Should -Be ($reads + 1) -Because 'the NCC is read once per call, not once per rule'
        @($script:ncc | Get-DbxPrivateEndpointRule -RuleId $script:svcRule.RuleId, $script:s3Rule.RuleId).NetworkConnectivityConfigName | Should -Be @('lifecycle-ncc', 'lifecycle-ncc')
        ($rules | Format-Table | Out-String -Width 160) | Should -Match 'NetworkConnectivityConfigName[\s\S]*lifecycle-ncc'
        $script:svcRule.NetworkConnectivityConfigName | Should -Be 'lifecycle-ncc' -Because 'New-DbxPrivateEndpointRule names the NCC it read'
    }

    It 'shows the rules on the NCC (egress_config.target_rules)' {
        $n = $script:ncc | Get-DbxNetworkConnectivityConfig
        $n.PrivateEndpointRuleCount | Should -Be 2
        $n.EgressConfig.TargetRules.AwsPrivateEndpointRules.RuleId | Should -Contain $script:svcRule.RuleId
    }

    It 'Update- and Remove- -PassThru name the NCC with one NCC read, and none without -PassThru' {
        $rule = New-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId -EndpointService $script:service -DomainName 'named.corp.example.com'
        $nccRoute = 'GET /api/2.0/accounts/*/network-connectivity-configs/*'
        $reads = Get-EmulatorRouteCount $nccRoute -Url $script:emu.Url
        $rule | Update-DbxPrivateEndpointRule -DomainName 'named-2.corp.example.com' | Should -BeNullOrEmpty
        Get-EmulatorRouteCount $nccRoute -Url $script:emu.Url | Should -Be $reads -Because 'without -PassThru nothing is written, so the name is not read'
        $updated = $rule | Update-DbxPrivateEndpointRule -DomainName 'named-3.corp.example.com' -PassThru
        $updated.NetworkConnectivityConfigName | Should -Be 'lifecycle-ncc'
        Get-EmulatorRouteCount $nccRoute -Url $script:emu.Url | Should -Be ($reads + 1)
        ($updated | Format-Table | Out-String -Width 160) | Should -Match 'NetworkConnectivityConfigName[\s\S]*lifecycle-ncc'
        $removed = $rule | Remove-DbxPrivateEndpointRule -Force -PassThru
        $removed.RuleId | Should -Be $rule.RuleId
        $removed.NetworkConnectivityConfigName | Should -Be 'lifecycle-ncc'
    }

    It 'deletes a PENDING rule at once' {
        $rule = New-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId -EndpointService $script:service -DomainName 'pending.corp.example.com'
        Move-EmulatorClock -Seconds 300 -Url $script:emu.Url
        $removed = $rule | Remove-DbxPrivateEndpointRule -Force -PassThru
        $removed.ConnectionState | Should -Be 'PENDING'
        $removed.Deactivated | Should -BeFalse
        $removed.NetworkConnectivityConfigName | Should -Be 'lifecycle-ncc' -Because 'Remove- -PassThru names the NCC as Get- and New- do'
        $rule | Get-DbxPrivateEndpointRule -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
    }

    It 'deactivates an ESTABLISHED rule and the service drops it a day later' {
        $removed = $script:svcRule | Remove-DbxPrivateEndpointRule -Force -PassThru
        $removed.Deactivated | Should -BeTrue
        $removed.DeactivatedAt | Should -BeGreaterThan 0
        ($script:svcRule | Get-DbxPrivateEndpointRule).Deactivated | Should -BeTrue
        Move-EmulatorClock -Seconds 86401 -Url $script:emu.Url
        $script:svcRule | Get-DbxPrivateEndpointRule -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
    }

    It 'expires a rule never accepted within 14 days, and deletes an EXPIRED rule at once' {
        $lonely = 'com.amazonaws.vpce.eu-west-3.vpce-svc-0aaaaaaaaaaaaaaaa'
        Set-ServiceFate -Url $script:emu.Url -Service $lonely -State PENDING  # the owner never accepts (hook: moto cannot hold a connection back)
        $rule = New-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId -EndpointService $lonely -DomainName 'never.corp.example.com'
        Move-EmulatorClock -Seconds 700 -Url $script:emu.Url
        ($rule | Get-DbxPrivateEndpointRule).ConnectionState | Should -Be 'PENDING'
        Move-EmulatorClock -Seconds (14 * 86400) -Url $script:emu.Url
        $expired = $rule | Get-DbxPrivateEndpointRule
        $expired.ConnectionState | Should -Be 'EXPIRED'
        $expired.ErrorMessage | Should -Not -BeNullOrEmpty
        ($rule | Remove-DbxPrivateEndpointRule -Force -PassThru).Deactivated | Should -BeFalse
        @(Get-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId).RuleId | Should -Not -Contain $rule.RuleId
    }

    It 'updates domain names, and enables then disables an ESTABLISHED S3 rule, through update_mask' {
        $rule = New-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId -EndpointService $script:service -DomainName 'a.corp.example.com'
        $updated = $rule | Update-DbxPrivateEndpointRule -DomainName 'b.corp.example.com', 'c.corp.example.com' -PassThru
        $updated.DomainNames | Should -Be @('b.corp.example.com', 'c.corp.example.com')
        $updated.NetworkConnectivityConfigName | Should -Be 'lifecycle-ncc' -Because 'Update- -PassThru names the NCC as Get- and New- do'
        ($script:s3Rule | Update-DbxPrivateEndpointRule -Enabled $true -PassThru).Enabled | Should -BeTrue
        $s3 = $script:s3Rule | Update-DbxPrivateEndpointRule -Enabled $false -S3BucketName 'lake-raw' -PassThru
        $s3.Enabled | Should -BeFalse
        $s3.ResourceNames | Should -Be @('lake-raw')
        ($script:s3Rule | Get-DbxPrivateEndpointRule).Enabled | Should -BeFalse
    }

    It 'lets the service refuse domain names on an S3 rule' {
        $script:s3Rule | Update-DbxPrivateEndpointRule -DomainName 'x.corp.example.com' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
    }

    It 'refuses an update that names nothing, or both kinds, before sending' {
        Update-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId $script:s3Rule.RuleId -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidPrivateEndpointRuleUpdate*'
        Update-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId $script:s3Rule.RuleId -DomainName a.example.com -S3BucketName bkt -ErrorAction SilentlyContinue -ErrorVariable err2
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidPrivateEndpointRuleUpdate*'
    }

    It 'lists rules over several pages and stops after the first page for -First 1' {
        1..3 | ForEach-Object { New-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId -S3BucketName "page-bucket-$_" } | Out-Null
        Reset-EmulatorRequests -Url $script:emu.Url
        $all = @(Get-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId)
        $all.Count | Should -BeGreaterThan 2
        $pages = [math]::Ceiling($all.Count / 2)
        Get-EmulatorRouteCount $script:listRoute -Url $script:emu.Url | Should -Be $pages
        Reset-EmulatorRequests -Url $script:emu.Url
        Get-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId | Select-Object -First 1 | Should -Not -BeNullOrEmpty
        Get-EmulatorRouteCount $script:listRoute -Url $script:emu.Url | Should -Be 1
    }

    It 'allows 30 private endpoint rules per region and refuses the 31st' {
        $second = New-DbxNetworkConnectivityConfig -Name lifecycle-ncc-2 -Region eu-west-3
        $active = @(Get-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId | Where-Object { -not $_.Deactivated }).Count
        1..(30 - $active) | ForEach-Object { New-DbxPrivateEndpointRule $second.NetworkConnectivityConfigId -S3BucketName "quota-bucket-$_" } | Out-Null
        New-DbxPrivateEndpointRule $second.NetworkConnectivityConfigId -S3BucketName 'one-too-many' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiQuotaExceeded*'
        $other = New-DbxNetworkConnectivityConfig -Name lifecycle-ncc-3 -Region eu-central-1
        ($other | New-DbxPrivateEndpointRule -S3BucketName 'other-region-bucket').ConnectionState | Should -Be 'CREATING'
    }
}

Describe 'Rules to a customer service follow the endpoint service in AWS (moto; private emulator, accept delay 600 s)' {
    BeforeAll {
        $script:emu = Start-TestEmulator -Arguments '--pe-accept-delay', '600'
        Connect-TestAccount -Url $script:emu.Url | Out-Null
        $script:ncc = New-DbxNetworkConnectivityConfig -Name aws-follow-ncc -Region eu-west-3
    }
    AfterAll { $script:emu | Stop-TestService }

    It 'is connected at once (no PENDING) when the service does not require acceptance' {
        $auto = New-MotoEndpointService -Region eu-west-3 -AcceptanceRequired $false -AllowPrincipal $script:dbxPrincipal
        $rule = $script:ncc | New-DbxPrivateEndpointRule -EndpointService $auto.ServiceName -DomainName 'auto.corp.example.com'
        $rule.ConnectionState | Should -Be 'CREATING'
        Move-EmulatorClock -Seconds 300 -Url $script:emu.Url   # past CREATING, before the 600 s accept stand-in
        $now = $rule | Get-DbxPrivateEndpointRule
        $now.ConnectionState | Should -Be 'ESTABLISHED'
        $now.VpcEndpointId | Should -Match '^vpce-[0-9a-f]{17}$'
    }

    It 'waits in PENDING when the service requires acceptance' {
        $rule = $script:ncc | New-DbxPrivateEndpointRule -EndpointService $script:service -DomainName 'manual.corp.example.com'
        Move-EmulatorClock -Seconds 300 -Url $script:emu.Url
        ($rule | Get-DbxPrivateEndpointRule).ConnectionState | Should -Be 'PENDING'
    }

    It 'ends CREATE_FAILED, naming the principal to allow, when the service does not allow Databricks' {
        $closed = New-MotoEndpointService -Region eu-west-3 -AllowPrincipal 'arn:aws:iam::111122223333:root'
        $rule = $script:ncc | New-DbxPrivateEndpointRule -EndpointService $closed.ServiceName -DomainName 'closed.corp.example.com'
        Move-EmulatorClock -Seconds 300 -Url $script:emu.Url
        $now = $rule | Get-DbxPrivateEndpointRule
        $now.ConnectionState | Should -Be 'CREATE_FAILED'
        $now.ErrorMessage | Should -Match ([regex]::Escape($script:dbxPrincipal))
        $now.VpcEndpointId | Should -BeNullOrEmpty
    }

    It 'fails -Wait with DbxPrivateEndpointRuleCreateFailed and the message when the service does not exist' {
        $missing = 'com.amazonaws.vpce.eu-west-3.vpce-svc-0deadbeefdeadbeef'
        $job = Start-ThreadJob -ScriptBlock {
            param($url, $token) Start-Sleep -Milliseconds 300; Invoke-RestMethod -Method Post -Uri "$url/_emulator/clock/advance?seconds=300" -Headers @{ 'X-Emulator-Admin-Token' = $token } | Out-Null
        } -ArgumentList $script:emu.Url, $script:emu.AdminToken
        $out = $script:ncc | New-DbxPrivateEndpointRule -EndpointService $missing -DomainName 'gone.corp.example.com' -Wait -ErrorAction SilentlyContinue -ErrorVariable err
        $job | Wait-Job | Remove-Job
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxPrivateEndpointRuleCreateFailed*'
        $err[0].Exception.Message | Should -Match 'does not exist'
    }

    It 'turns PENDING rules REJECTED and ESTABLISHED ones DISCONNECTED when the owner removes the service' {
        $svc = New-MotoEndpointService -Region eu-west-3 -AllowPrincipal $script:dbxPrincipal
        $established = $script:ncc | New-DbxPrivateEndpointRule -EndpointService $svc.ServiceName -DomainName 'est.corp.example.com'
        Move-EmulatorClock -Seconds 700 -Url $script:emu.Url
        ($established | Get-DbxPrivateEndpointRule).ConnectionState | Should -Be 'ESTABLISHED'
        $pending = $script:ncc | New-DbxPrivateEndpointRule -EndpointService $svc.ServiceName -DomainName 'pend.corp.example.com'
        Move-EmulatorClock -Seconds 300 -Url $script:emu.Url
        ($pending | Get-DbxPrivateEndpointRule).ConnectionState | Should -Be 'PENDING'
        Remove-MotoEndpointService -ServiceId $svc.ServiceId -Region eu-west-3
        Start-Sleep -Milliseconds 1100   # the emulator asks AWS about a service at most once a second
        $e = $established | Get-DbxPrivateEndpointRule
        $e.ConnectionState | Should -Be 'DISCONNECTED'
        $e.ErrorMessage | Should -Match 'removed by its owner'
        ($pending | Get-DbxPrivateEndpointRule).ConnectionState | Should -Be 'REJECTED'
    }
}

Describe 'Rules to a customer service while AWS cannot be reached (private emulator)' {
    BeforeAll {
        $script:emu = Start-TestEmulator -Arguments '--aws-endpoint', 'http://127.0.0.1:9', '--pe-accept-delay', '600'
        Connect-TestAccount -Url $script:emu.Url | Out-Null
        $script:ncc = New-DbxNetworkConnectivityConfig -Name no-aws-ncc -Region eu-west-3
    }
    AfterAll { $script:emu | Stop-TestService }

    It 'stays CREATING rather than guessing, while S3 rules go on' {
        $rule = $script:ncc | New-DbxPrivateEndpointRule -EndpointService $script:service -DomainName 'x.corp.example.com'
        $s3 = $script:ncc | New-DbxPrivateEndpointRule -S3BucketName 'no-aws-bucket'
        Move-EmulatorClock -Seconds 700 -Url $script:emu.Url
        ($rule | Get-DbxPrivateEndpointRule).ConnectionState | Should -Be 'CREATING'
        ($s3 | Get-DbxPrivateEndpointRule).ConnectionState | Should -Be 'ESTABLISHED'
    }
}

Describe 'New-DbxPrivateEndpointRule -Wait and local checks (shared emulator)' {
    BeforeAll {
        Connect-TestAccount | Out-Null
        $script:url = (Get-TestEnvironment).EmulatorUrl
        $script:ncc = New-DbxNetworkConnectivityConfig -Name (New-TestName 'pe') -Region eu-west-3
    }
    AfterAll { $script:ncc | Remove-DbxNetworkConnectivityConfig -Force -ErrorAction SilentlyContinue }

    It '-Wait returns an S3 rule once it is ESTABLISHED' {
        ($script:ncc | New-DbxPrivateEndpointRule -S3BucketName 'wait-bucket' -Wait).ConnectionState | Should -Be 'ESTABLISHED'
    }

    It '-Wait -Enabled $true waits for the vpc_endpoint_id as well as ESTABLISHED, then applies enabled' {
        $rule = $script:ncc | New-DbxPrivateEndpointRule -S3BucketName 'enabled-bucket' -Wait -Enabled $true
        $rule.ConnectionState | Should -Be 'ESTABLISHED'
        $rule.VpcEndpointId | Should -Match '^vpce-[0-9a-f]{17}$'
        $rule.Enabled | Should -BeTrue
        ($rule | Get-DbxPrivateEndpointRule).Enabled | Should -BeTrue -Because 'the service must have stored it'
    }

    It 'refuses -Enabled without -Wait before anything is sent' {
        $before = Get-EmulatorRequestCount -Url $script:url
        { $script:ncc | New-DbxPrivateEndpointRule -S3BucketName 'enabled-bucket' -Enabled $true -ErrorAction Stop } | Should -Throw -ErrorId 'DbxEnabledNeedsWait,*'
        Get-EmulatorRequestCount -Url $script:url | Should -Be $before
    }

    It '-Wait returns a customer-service rule once it has left CREATING' {
        $rule = $script:ncc | New-DbxPrivateEndpointRule -EndpointService $script:service -DomainName 'wait.corp.example.com' -Wait
        $rule.ConnectionState | Should -BeIn 'PENDING', 'ESTABLISHED'
    }

    It '-Wait fails with the rule''s error message when the service owner rejects the connection' -ForEach @(
        @{ State = 'REJECTED'; Id = 'DbxPrivateEndpointRuleRejected'; Svc = 'com.amazonaws.vpce.eu-west-3.vpce-svc-0bbbbbbbbbbbbbbbb' }
        @{ State = 'CREATE_FAILED'; Id = 'DbxPrivateEndpointRuleCreateFailed'; Svc = 'com.amazonaws.vpce.eu-west-3.vpce-svc-0cccccccccccccccc' }
    ) {
        Set-ServiceFate -Url $script:url -Service $Svc -State $State -Message "test says $State"
        $out = $script:ncc | New-DbxPrivateEndpointRule -EndpointService $Svc -DomainName 'bad.corp.example.com' -Wait -ErrorAction SilentlyContinue -ErrorVariable err
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id*"
        $err[0].Exception.Message | Should -Match "test says $State"
        $err[0].TargetObject.ConnectionState | Should -Be $State
    }

    It 'refuses bad input before sending anything' -ForEach @(
        @{ P = @{ S3BucketName = 'Bad_Bucket' }; Id = 'DbxInvalidS3BucketName' }
        @{ P = @{ S3BucketName = 's3://my-bucket' }; Id = 'DbxInvalidS3BucketName' }
        @{ P = @{ S3BucketName = '192.168.1.1' }; Id = 'DbxInvalidS3BucketName' }
        @{ P = @{ EndpointService = 'vpce-svc-0123456789abcdef0'; DomainName = 'a.example.com' }; Id = 'DbxInvalidEndpointService' }
        @{ P = @{ EndpointService = 'com.amazonaws.vpce.eu-west-3.vpce-svc-0123456789abcdef0'; DomainName = 'https://a.example.com' }; Id = 'DbxInvalidDomainName' }
        @{ P = @{ EndpointService = 'com.amazonaws.vpce.eu-west-3.vpce-svc-0123456789abcdef0'; DomainName = '*.example.com' }; Id = 'DbxInvalidDomainName' }
        @{ P = @{ EndpointService = 'com.amazonaws.vpce.eu-west-3.vpce-svc-0123456789abcdef0'; DomainName = (1..11 | ForEach-Object { "h$_.example.com" }) }; Id = 'DbxInvalidDomainCount' }
        @{ P = @{ EndpointService = 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0'; DomainName = 'a.example.com' }; Id = 'DbxInvalidEndpointService' }
    ) {
        $before = Get-EmulatorRouteCount $script:postRoute
        New-DbxPrivateEndpointRule -NetworkConnectivityConfigId $script:ncc.NetworkConnectivityConfigId @P -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id*"
        Get-EmulatorRouteCount $script:postRoute | Should -Be $before
    }

    It 'removes every rule of an NCC through the pipeline, and -WhatIf changes nothing' {
        Get-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId | Remove-DbxPrivateEndpointRule -WhatIf
        @(Get-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId | Where-Object Deactivated).Count | Should -Be 0
        Get-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId | Remove-DbxPrivateEndpointRule -Force
        $left = @(Get-DbxPrivateEndpointRule $script:ncc.NetworkConnectivityConfigId)
        @($left | Where-Object { -not $_.Deactivated }).Count | Should -Be 0
    }
}
