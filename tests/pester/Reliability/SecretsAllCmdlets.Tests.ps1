# Secrets, across the whole module: with a sentinel PAT, OAuth client secret and AWS secret access key, every cmdlet of
# the module runs once (changes against private objects of a private emulator and moto, or with -WhatIf) at -Verbose
# and -Debug under Start-Transcript; every object is exported to JSON and CSV. The sentinels appear nowhere: not in the
# transcript, the six streams, $Error or the exports. (Foundation/Secrets.Tests.ps1 covers the connection cmdlets in depth.)
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Aws/MotoHelpers.psm1') -Force
    Import-TestModule
    # Every sentinel holds the marker 'SENTINEL' (upper case; nothing else in the run spells it so).
    $script:secret = 'ZqSENTINELclientSecret7f3a9c2e51d04b8a'
    $script:token = 'dapiZqSENTINELtoken4c8e1a7b9d2f0e6a'
    $script:awsSecret = 'ZqSENTINELawsSecretKey0123456789abcdefXYZ'
    $script:accountId = '0f1e2d3c-aaaa-4bbb-8ccc-0123456789ab'
    $script:clientId = '11112222-3333-4444-8555-666677778899'
    $script:ws = [long]5555555555555555
    $seedFile = Join-Path $TestDrive 'sentinel-seed.json'
    @{
        accounts = @(@{
                account_id         = $accountId
                service_principals = @(@{ application_id = $clientId; secret = $secret; id = 1 })
                users              = @(@{ user_name = 'admin@example.com'; id = 2 })
                tokens             = @(@{ token = $token; principal = 'admin@example.com' })
                workspaces         = @(@{ workspace_id = $ws; workspace_name = 'secrets-ws'; aws_region = 'us-east-1'; deployment_name = 'dbc-secrets'
                        pricing_tier = 'ENTERPRISE'; compute_mode = 'HYBRID'; workspace_status = 'RUNNING'; creation_time = 1767225600000 })
            })
    } | ConvertTo-Json -Depth 6 | Set-Content $seedFile
    $script:emu = Start-TestEmulator -Arguments @('--seed-file', $seedFile, '--pe-accept-delay', '0', '--quiet')
    $script:url = $emu.Url
    $script:savedAws = Set-MotoAwsEnvironment
    $env:AWS_SECRET_ACCESS_KEY = $awsSecret
    $script:vpc = New-MotoVpc
    $script:peer = New-MotoVpc
    $script:nlb = New-MotoEndpointService

    function Invoke-EveryCmdlet {
        # One minimal, valid invocation of every cmdlet; returns the names of those it ran.
        $ErrorActionPreference = 'Continue'
        $VerbosePreference = 'Continue'
        $DebugPreference = 'Continue'
        $InformationPreference = 'Continue'
        # -Debug alone turns warnings into prompts (PowerShell's rule), which a non-interactive run cannot answer.
        $PSDefaultParameterValues = @{ '*-Dbx*:Verbose' = $true; '*-Dbx*:Debug' = $true; '*-Dbx*:WarningAction' = 'Continue' }
        $ran = [Collections.Generic.List[string]]::new()
        function Run([string]$Name, [scriptblock]$Do) { $ran.Add($Name); & $Do }

        $ctx = Run Connect-DbxAccount { Connect-DbxAccount -AccountHost $url -AccountId $accountId -ClientId $clientId -ClientSecret (ConvertTo-SecureString $secret -AsPlainText -Force) }
        $ctx
        $wctx = Run Connect-DbxWorkspace { Connect-DbxWorkspace -WorkspaceHost $url -WorkspaceId $ws -Token (ConvertTo-SecureString $token -AsPlainText -Force) -NoDefault }
        $wctx
        # The lockout guard needs the caller's address for the list changes below (the tests turn the lookup off).
        $ctx.CallerIpAddress = '127.0.0.1'; $wctx.CallerIpAddress = '127.0.0.1'
        # The user and workload sign-in methods, with sentinel tokens in the CLI cache and a sentinel OIDC token (both refused).
        $savedSignIn = @{ HOME = $env:HOME; DATABRICKS_CONFIG_FILE = $env:DATABRICKS_CONFIG_FILE }
        try {
            $env:HOME = Join-Path $TestDrive 'signin-home'
            New-Item -ItemType Directory (Join-Path $env:HOME '.databricks') -Force | Out-Null
            $env:DATABRICKS_CONFIG_FILE = Join-Path $env:HOME '.databrickscfg'
            "[cli]`nhost = $url`naccount_id = $accountId`nauth_type = databricks-cli`n" | Set-Content $env:DATABRICKS_CONFIG_FILE
            @{ version = 1; tokens = @{ cli = @{ access_token = 'dapiZqSENTINELcliAccess01'; token_type = 'Bearer'; refresh_token = 'ZqSENTINELcliRefresh01'; expiry = '2020-01-01T00:00:00Z' } } } |
                ConvertTo-Json -Depth 4 | Set-Content (Join-Path $env:HOME '.databricks/token-cache.json')
            try { Connect-DbxAccount -Profile cli -NoDefault -ErrorAction Stop } catch { $_ }   # refused: the sentinel refresh token is unknown
            $env:DATABRICKS_OIDC_TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaS1zdWJqZWN0In0.ZqSENTINELsig'
            $env:DATABRICKS_AUTH_TYPE = 'env-oidc'; $env:DATABRICKS_CLIENT_ID = $clientId
            try { Connect-DbxAccount -AccountHost $url -AccountId $accountId -NoDefault -ErrorAction Stop } catch { $_ }   # refused: no federation policy matches
        }
        finally {
            $env:HOME = $savedSignIn.HOME; $env:DATABRICKS_CONFIG_FILE = $savedSignIn.DATABRICKS_CONFIG_FILE
            foreach ($n in 'DATABRICKS_OIDC_TOKEN', 'DATABRICKS_AUTH_TYPE', 'DATABRICKS_CLIENT_ID') { [Environment]::SetEnvironmentVariable($n, $null) }
        }
        Run Get-DbxContext { Get-DbxContext }
        Run Invoke-DbxApi { Invoke-DbxApi -Path '/api/2.0/accounts/{account_id}/workspaces' }
        Run Get-DbxWorkspace { Get-DbxWorkspace; Get-DbxWorkspace -WorkspaceId 9999999999999999 }
        # The wire JSON of what was read and back; a context (no service object) is refused without showing it.
        Run ConvertTo-DbxJson { Get-DbxWorkspace | ConvertTo-DbxJson -AsArray; $ctx, $wctx | ConvertTo-DbxJson }
        Run ConvertFrom-DbxJson { Get-DbxWorkspace | ConvertTo-DbxJson | ConvertFrom-DbxJson -Type Workspace }
        Run Wait-DbxWorkspace { Wait-DbxWorkspace -WorkspaceId $ws -TimeoutSec 30 }
        $newWs = Run New-DbxWorkspace { New-DbxWorkspace -Name secrets-ws -Region us-east-1 -ComputeMode Serverless; New-DbxWorkspace -Name secrets-ws2 -Region us-east-1 -CredentialsId ([Guid]::NewGuid()) -StorageConfigurationId ([Guid]::NewGuid()) }
        Run Remove-DbxWorkspace { $newWs | Remove-DbxWorkspace -WhatIf; $newWs | Remove-DbxWorkspace -Force -PassThru }

        # IP access lists, workspace (through the PAT workspace context) and account.
        Run Get-DbxIpAccessListFeature { Get-DbxIpAccessListFeature -Context $wctx }
        Run Enable-DbxIpAccessListFeature { Enable-DbxIpAccessListFeature -Context $wctx -WhatIf }
        Run Disable-DbxIpAccessListFeature { Disable-DbxIpAccessListFeature -Context $wctx -WhatIf }
        $l = Run New-DbxIpAccessList { New-DbxIpAccessList -Context $wctx -Label secrets -ListType Block -IpAddress 192.0.2.0/24 }
        $l
        Run Get-DbxIpAccessList { Get-DbxIpAccessList -Context $wctx }
        Run Set-DbxIpAccessList { Set-DbxIpAccessList -Context $wctx -ListId $l.ListId -Label secrets -ListType Block -IpAddress 192.0.2.0/24, 198.51.100.1 -Force }
        Run Update-DbxIpAccessList { Update-DbxIpAccessList -Context $wctx -ListId $l.ListId -Enabled $false -Force }
        Run Add-DbxIpAccessListEntry { Add-DbxIpAccessListEntry -Context $wctx -ListId $l.ListId -IpAddress 203.0.113.9 -PassThru }
        Run Remove-DbxIpAccessListEntry { Remove-DbxIpAccessListEntry -Context $wctx -ListId $l.ListId -IpAddress 203.0.113.9 -Force -PassThru }
        Run Test-DbxIpAccess { Test-DbxIpAccess -Context $wctx -IpAddress 192.0.2.7 }
        Run Remove-DbxIpAccessList { Remove-DbxIpAccessList -Context $wctx -ListId $l.ListId -Force }
        Run Get-DbxAccountIpAccessListFeature { Get-DbxAccountIpAccessListFeature }
        Run Enable-DbxAccountIpAccessListFeature { Enable-DbxAccountIpAccessListFeature -WhatIf }
        Run Disable-DbxAccountIpAccessListFeature { Disable-DbxAccountIpAccessListFeature -WhatIf }
        $al = Run New-DbxAccountIpAccessList { New-DbxAccountIpAccessList -Label secrets -ListType Block -IpAddress 192.0.2.0/24 }
        $al
        Run Get-DbxAccountIpAccessList { Get-DbxAccountIpAccessList }
        Run Set-DbxAccountIpAccessList { Set-DbxAccountIpAccessList -ListId $al.ListId -Label secrets -ListType Block -IpAddress 192.0.2.0/25 -Force }
        Run Update-DbxAccountIpAccessList { Update-DbxAccountIpAccessList -ListId $al.ListId -Label renamed -Force }
        Run Remove-DbxAccountIpAccessList { Remove-DbxAccountIpAccessList -ListId $al.ListId -Force }

        # Serverless.
        $ncc = Run New-DbxNetworkConnectivityConfig { New-DbxNetworkConnectivityConfig -Name secrets-ncc -Region us-east-1 }
        $ncc
        Run Get-DbxNetworkConnectivityConfig { Get-DbxNetworkConnectivityConfig }
        $rule = Run New-DbxPrivateEndpointRule { New-DbxPrivateEndpointRule -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -S3BucketName secrets-bucket }
        $rule
        Run Get-DbxPrivateEndpointRule { Get-DbxPrivateEndpointRule -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId }
        Run Update-DbxPrivateEndpointRule { Update-DbxPrivateEndpointRule -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -RuleId $rule.RuleId -Enabled $false -PassThru }
        Run Remove-DbxPrivateEndpointRule { Remove-DbxPrivateEndpointRule -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -RuleId $rule.RuleId -Force -PassThru }
        Run Get-DbxServerlessEgressIp { Get-DbxServerlessEgressIp -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId }
        Run Get-DbxS3BucketPolicy { Get-DbxS3BucketPolicy -BucketName secrets-bucket -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -AwsVpcEndpointId vpce-0a1b2c3d4e5f60718 -WarningAction SilentlyContinue }
        Run New-DbxNetworkPolicy { New-DbxNetworkPolicy -NetworkPolicyId secrets -RestrictionMode RestrictedAccess -AllowedDomain pypi.org }
        Run Get-DbxNetworkPolicy { Get-DbxNetworkPolicy }
        $ir = Run New-DbxIngressRule { New-DbxIngressRule -Action Allow -Label secrets-ingress -AllIpRanges }
        $ir
        Run Get-DbxNetworkPolicyIngressRule { Get-DbxNetworkPolicyIngressRule -NetworkPolicyId secrets }
        Run Test-DbxIngressAccess { Test-DbxIngressAccess -IpAddress 203.0.113.9 -Destination WorkspaceApi -WorkspaceId $ws }
        Run Set-DbxNetworkPolicy { Set-DbxNetworkPolicy -NetworkPolicyId secrets -BlockedDomain bad.example.com -PassThru }
        Run Add-DbxNetworkPolicyIngressRule { Add-DbxNetworkPolicyIngressRule -NetworkPolicyId secrets -IngressRule $ir -DryRun -PassThru }
        Run Confirm-DbxNetworkPolicyIngress { Confirm-DbxNetworkPolicyIngress -NetworkPolicyId secrets -KeepDryRun -Force -PassThru }
        Run Remove-DbxNetworkPolicyIngressRule { Remove-DbxNetworkPolicyIngressRule -NetworkPolicyId secrets -Label secrets-ingress -DryRun -Force -PassThru }
        Run Add-DbxNetworkPolicyDestination { Add-DbxNetworkPolicyDestination -NetworkPolicyId secrets -Domain files.pythonhosted.org -PassThru }
        Run Remove-DbxNetworkPolicyDestination { Remove-DbxNetworkPolicyDestination -NetworkPolicyId secrets -Domain files.pythonhosted.org -Force -PassThru }
        Run Set-DbxWorkspaceNetworkPolicy { Set-DbxWorkspaceNetworkPolicy -WorkspaceId $ws -NetworkPolicyId secrets }
        Run Get-DbxWorkspaceNetworkPolicy { Get-DbxWorkspaceNetworkPolicy }
        Set-DbxWorkspaceNetworkPolicy -WorkspaceId $ws -NetworkPolicyId default-policy
        Run Remove-DbxNetworkPolicy { Remove-DbxNetworkPolicy -NetworkPolicyId secrets -Force }

        # Classic compute plane.
        Run Set-DbxWorkspaceNetwork { Set-DbxWorkspaceNetwork -WorkspaceId $ws -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -WhatIf }
        $net = Run New-DbxNetworkConfiguration { New-DbxNetworkConfiguration -Name secrets-net -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -SecurityGroupId sg-0a1b2c3d }
        $net
        Run Get-DbxNetworkConfiguration { Get-DbxNetworkConfiguration }
        Run Remove-DbxNetworkConfiguration { Remove-DbxNetworkConfiguration -NetworkId $net.NetworkId -Force }
        $pas = Run New-DbxPrivateAccessSettings { New-DbxPrivateAccessSettings -Name secrets-pas -Region us-east-1 }
        $pas
        Run Set-DbxPrivateAccessSettings { Set-DbxPrivateAccessSettings -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -PublicAccessEnabled }
        Run Get-DbxPrivateAccessSettings { Get-DbxPrivateAccessSettings }
        Run Remove-DbxPrivateAccessSettings { Remove-DbxPrivateAccessSettings -PrivateAccessSettingsId $pas.PrivateAccessSettingsId -Force }
        Run New-DbxVpcEndpointRegistration { New-DbxVpcEndpointRegistration -AwsVpcEndpointId vpce-0a1b2c3d4e5f60718 -Region us-east-1 -WhatIf }
        Run Get-DbxVpcEndpointRegistration { Get-DbxVpcEndpointRegistration }
        Run New-DbxNetworkEndpoint { New-DbxNetworkEndpoint -AwsVpcEndpointId vpce-0a1b2c3d4e5f60718 -Region us-east-1 -WhatIf }
        Run Get-DbxNetworkEndpoint { Get-DbxNetworkEndpoint }
        Run Remove-DbxNetworkEndpoint { Remove-DbxNetworkEndpoint -EndpointId 00000000-0000-4000-8000-000000000000 -Force }
        Run Remove-DbxVpcEndpointRegistration { Remove-DbxVpcEndpointRegistration -VpcEndpointId 00000000-0000-4000-8000-000000000000 -Force }
        Run Remove-DbxNetworkConnectivityConfig { Remove-DbxNetworkConnectivityConfig -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -Force }

        # Posture and compliance: the files they write are checked for the sentinels too.
        $postureDir = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'posture') -Force
        Run Get-DbxNetworkPosture { Get-DbxNetworkPosture }
        Run Test-DbxNetworkCompliance { Test-DbxNetworkCompliance -Baseline @{ Controls = @{ RequireIpAccessLists = 'High'; RequireNcc = 'Low' } } }
        # (the FileInfo they return is not exported below: ConvertTo-Json -Depth 8 of a FileInfo walks the whole disk tree)
        Run Export-DbxNetworkConfiguration { Export-DbxNetworkConfiguration -Path (Join-Path $postureDir 'snapshot.json') | Out-Null }
        Run Compare-DbxNetworkConfiguration { Compare-DbxNetworkConfiguration -ReferencePath (Join-Path $postureDir 'snapshot.json') }
        Run Import-DbxNetworkConfiguration { Import-DbxNetworkConfiguration -Path (Join-Path $postureDir 'snapshot.json') -IncludeFeatureSwitch -Force }
        Run Export-DbxNetworkPostureReport { Export-DbxNetworkPostureReport -Path (Join-Path $postureDir 'report.html') | Out-Null }

        # Firewall and published ranges.
        Run Get-DbxFirewallRequirement { Get-DbxFirewallRequirement -Region us-east-1 }
        Run Get-DbxPublishedIpRange { Get-DbxPublishedIpRange -Region us-east-1 -Uri "$url/_emulator/ip-ranges.json" }

        # AWS, against moto with the sentinel secret access key.
        Run Get-DbxAwsCallerIdentity { Get-DbxAwsCallerIdentity }
        Run Get-DbxPrivateLinkService { Get-DbxPrivateLinkService -Region us-east-1 }
        $sg = Run New-DbxAwsSecurityGroup { New-DbxAwsSecurityGroup -Purpose Workspace -VpcId $vpc.VpcId }
        $sg
        Run Test-DbxAwsVpc { Test-DbxAwsVpc -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -SecurityGroupId $sg.SecurityGroupId }
        Run Deploy-DbxPrivateLinkWorkspace { try { Deploy-DbxPrivateLinkWorkspace -Name secrets-pl -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -EndpointSubnetId $vpc.SubnetIds[0] -CredentialsId ([Guid]::NewGuid()) -StorageConfigurationId ([Guid]::NewGuid()) -PlanOnly -ErrorAction Stop } catch { $_ } }
        Run New-DbxAwsVpcEndpoint { New-DbxAwsVpcEndpoint -Service Workspace -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -SecurityGroupId $sg.SecurityGroupId -WhatIf }
        Run Get-DbxAwsVpcEndpoint { Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId }
        Run New-DbxAwsVpcPeering { New-DbxAwsVpcPeering -VpcId $vpc.VpcId -PeerVpcId $peer.VpcId -WhatIf }
        $svc = Run New-DbxAwsEndpointService { New-DbxAwsEndpointService -NetworkLoadBalancerArn $nlb.NetworkLoadBalancerArn }
        $svc
        Run Get-DbxAwsEndpointService { Get-DbxAwsEndpointService -ServiceId $svc.ServiceId, vpce-svc-0123abcd }
        Run Grant-DbxAwsEndpointServiceAccess { Grant-DbxAwsEndpointServiceAccess -ServiceId $svc.ServiceId -Principal 'arn:aws:iam::111122223333:root' -PassThru }
        Run Revoke-DbxAwsEndpointServiceAccess { Revoke-DbxAwsEndpointServiceAccess -ServiceId $svc.ServiceId -Force -PassThru }

        # The local emulator cmdlets, and leaving.
        Run Start-DbxEmulator { Start-DbxEmulator -WhatIf }
        Run Stop-DbxEmulator { Stop-DbxEmulator -WhatIf }
        Run Disconnect-DbxWorkspace { Disconnect-DbxWorkspace -Context $wctx }
        Run Disconnect-DbxAccount { Disconnect-DbxAccount }

        # Anything added to the module later: called bare when a parameter set needs nothing.
        foreach ($cmd in Get-Command -Module DatabricksNetworking | Where-Object { $_.Name -notin $ran }) {
            if ($cmd.ParameterSets | Where-Object { -not ($_.Parameters | Where-Object IsMandatory) }) {
                $ctx = Connect-DbxAccount -AccountHost $url -AccountId $accountId -ClientId $clientId -ClientSecret (ConvertTo-SecureString $secret -AsPlainText -Force)
                $params = @{}
                if ($cmd.Parameters.ContainsKey('WhatIf')) { $params.WhatIf = $true }
                Run $cmd.Name { & $cmd.Name @params }
                Disconnect-DbxAccount
            }
        }
        Write-Information 'information stream works'
        Write-Warning 'warning stream works'
        [pscustomobject]@{ RanCommands = $ran.ToArray() }
    }

    $Error.Clear()
    $transcript = Join-Path $TestDrive 'transcript.txt'
    Start-Transcript -Path $transcript -Force | Out-Null
    try { $script:records = @(Invoke-EveryCmdlet *>&1) }
    finally { Stop-Transcript | Out-Null }
    $script:transcriptText = Get-Content $transcript -Raw
    $script:ranCommands = @(($records | Where-Object { $_.PSObject.Properties['RanCommands'] }).RanCommands)
    $script:objects = @($records | Where-Object {
            $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [System.Management.Automation.WarningRecord] -and $_ -isnot [System.Management.Automation.VerboseRecord] -and
            $_ -isnot [System.Management.Automation.DebugRecord] -and $_ -isnot [System.Management.Automation.InformationRecord] -and $_ -isnot [System.Management.Automation.ProgressRecord] -and
            -not $_.PSObject.Properties['RanCommands'] })
    # Every object to JSON and CSV, one file each.
    $script:exportDir = Join-Path $TestDrive 'exports'
    New-Item -ItemType Directory -Path $exportDir | Out-Null
    $i = 0
    foreach ($o in $objects) {
        $i++
        $o | ConvertTo-Json -Depth 8 -WarningAction SilentlyContinue | Set-Content (Join-Path $exportDir "$i.json")
        $o | Export-Csv -Path (Join-Path $exportDir "$i.csv") -NoTypeInformation
    }
    $script:errorText = ($Error | ForEach-Object {
            $_ | Format-List * -Force | Out-String -Width 1000
            if ($_ -is [System.Management.Automation.ErrorRecord]) {
                $_.Exception | Format-List * -Force | Out-String -Width 1000
                "$($_.ErrorDetails)"; "$($_.TargetObject)"
            }
        }) -join "`n"
}

AfterAll {
    Restore-MotoAwsEnvironment $savedAws
    $emu | Stop-TestService
}

Describe 'Sentinel secrets across every cmdlet of the module' {
    It 'ran every cmdlet of the module' {
        $all = (Get-Command -Module DatabricksNetworking).Name
        @($all | Where-Object { $_ -notin $ranCommands }) | Should -BeNullOrEmpty -Because 'each cmdlet needs an invocation in SecretsAllCmdlets.Tests.ps1'
    }

    It 'saw every stream, real requests and real errors (the check below is not vacuous)' {
        $streams = $records | ForEach-Object { $_.GetType().Name } | Sort-Object -Unique
        foreach ($s in 'ErrorRecord', 'WarningRecord', 'VerboseRecord', 'DebugRecord', 'InformationRecord') { $streams | Should -Contain $s }
        $text = $records | Out-String -Width 1000
        $text | Should -Match 'OAuth: access token received'
        $text | Should -Match 'POST .*/ip-access-lists'
        $text | Should -Match 'RESOURCE_DOES_NOT_EXIST'
        $objects.Count | Should -BeGreaterThan 40
        (Get-ChildItem $exportDir -Filter *.csv).Count | Should -Be $objects.Count
        $transcriptText | Should -Match 'GET .*/workspaces'
        $Error.Count | Should -BeGreaterThan 0
    }

    It 'the sentinels appear in none of the six streams' {
        $text = ($records | ForEach-Object { $_ | Out-String -Width 1000; $_ | Format-List * -Force | Out-String -Width 1000 }) -join "`n"
        $text | Should -Not -MatchExactly 'SENTINEL'
    }

    It 'the sentinels appear nowhere in the transcript' {
        $transcriptText | Should -Not -MatchExactly 'SENTINEL'
    }

    It 'the sentinels appear nowhere in $Error' {
        $errorText | Should -Not -MatchExactly 'SENTINEL'
    }

    It 'the sentinels appear in no file the posture cmdlets wrote (snapshot, report)' {
        $files = @(Get-ChildItem (Join-Path $TestDrive 'posture') -File)
        $files.Name | Should -Contain 'snapshot.json'
        $files.Name | Should -Contain 'report.html'
        foreach ($f in $files) { Get-Content $f.FullName -Raw | Should -Not -MatchExactly 'SENTINEL' -Because $f.Name }
    }

    It 'the sentinels appear in no JSON or CSV export' {
        foreach ($f in Get-ChildItem $exportDir) { Get-Content $f.FullName -Raw | Should -Not -MatchExactly 'SENTINEL' -Because $f.Name }
    }
}
