# Deploy-DbxPrivateLinkWorkspace: plan, run, a failure in the middle and the resume, against moto and the emulator.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'MotoHelpers.psm1') -Force
    Import-TestModule
    $script:saved = Set-MotoAwsEnvironment -Region us-east-1
    $script:emulator = Start-TestEmulator   # own state: this suite adds endpoints, networks and workspaces
    $script:ctx = Connect-TestAccount -Url $emulator.Url
    $script:template = Get-DbxWorkspace -WorkspaceId 2222222222222222
    function Get-DeployArgs([pscustomobject]$Vpc, [string]$Name) {
        @{ Name = $Name; Region = 'us-east-1'; VpcId = $Vpc.VpcId; SubnetId = $Vpc.SubnetIds; EndpointSubnetId = $Vpc.EndpointSubnetId
           CredentialsId = $template.CredentialsId; StorageConfigurationId = $template.StorageConfigurationId }
    }
    function Get-PostCount { $by = (Get-EmulatorRequests -Url $emulator.Url).by_route; @($by.PSObject.Properties | Where-Object Name -like 'POST*' | ForEach-Object Value | Measure-Object -Sum).Sum + 0 }
    function Get-DeploymentGroup([string]$VpcId) {
        @((Invoke-MotoEc2 DescribeSecurityGroups @{ 'Filter.1.Name' = 'vpc-id'; 'Filter.1.Value.1' = $VpcId }).DescribeSecurityGroupsResponse.securityGroupInfo.item |
            Where-Object { $_.groupName -like 'databricks-*' })
    }
    # What a deployment can leave: SGs and live endpoints of the VPC in moto; networks, PAS, registrations, endpoints, workspaces in the emulator.
    function Get-Leftovers([string]$VpcId) {
        [ordered]@{
            Groups           = @((Invoke-MotoEc2 DescribeSecurityGroups @{ 'Filter.1.Name' = 'vpc-id'; 'Filter.1.Value.1' = $VpcId }).DescribeSecurityGroupsResponse.securityGroupInfo.item | Where-Object groupName -ne 'default' | ForEach-Object groupId | Sort-Object)
            Endpoints        = @(Get-DbxAwsVpcEndpoint -VpcId $VpcId | Where-Object State -ne 'deleted' | ForEach-Object AwsVpcEndpointId | Sort-Object)
            Networks         = @((Get-DbxNetworkConfiguration).NetworkId | Sort-Object)
            Pas              = @((Get-DbxPrivateAccessSettings).PrivateAccessSettingsId | Sort-Object)
            Registrations    = @((Get-DbxVpcEndpointRegistration).VpcEndpointId | Sort-Object)
            NetworkEndpoints = @((Get-DbxNetworkEndpoint).EndpointId | Sort-Object)
            Workspaces       = @((Get-DbxWorkspace).WorkspaceId | Sort-Object)
        } | ConvertTo-Json -Compress
    }
    function Get-DeleteCount { $by = (Get-EmulatorRequests -Url $emulator.Url).by_route; @($by.PSObject.Properties | Where-Object Name -like 'DELETE*' | ForEach-Object Value | Measure-Object -Sum).Sum + 0 }
}

AfterAll {
    Invoke-EmulatorControl -Method Post -Path 'chaos?rate=0' -Url $emulator.Url | Out-Null
    $emulator | Stop-TestService
    Restore-MotoAwsEnvironment $saved
}

Describe 'Deploy-DbxPrivateLinkWorkspace' {
    It 'plans every step from an empty VPC, -WhatIf writes nothing to moto or the emulator, and a finished back-end deployment piped into -Rollback leaves nothing behind' {
        $vpc = New-MotoVpc
        $a = Get-DeployArgs $vpc (New-TestName plan)
        $plan = @(Deploy-DbxPrivateLinkWorkspace @a -PlanOnly)
        $plan.Kind | Should -Be @('ReadinessCheck', 'WorkspaceSecurityGroup', 'EndpointSecurityGroup', 'WorkspaceEndpoint', 'RelayEndpoint',
            'WorkspaceEndpointRegistration', 'RelayEndpointRegistration', 'NetworkConfiguration', 'PrivateAccessSettings', 'Workspace', 'WaitRunning', 'Reachability')
        ($plan | Where-Object Action -eq Create).Count | Should -Be 9

        $empty = Get-Leftovers $vpc.VpcId
        Reset-EmulatorRequests -Url $emulator.Url
        $out = Deploy-DbxPrivateLinkWorkspace @a -WhatIf
        $out | Should -BeNullOrEmpty
        Get-EmulatorWriteCount -Url $emulator.Url | Should -Be 0   # no POST, PUT, PATCH or DELETE
        Get-Leftovers $vpc.VpcId | Should -Be $empty               # moto: no security group, no endpoint in the VPC
        (Get-DeploymentGroup $vpc.VpcId).Count | Should -Be 0

        # The same back-end deployment for real, then its result piped into -Rollback: all nine objects go, newest first.
        $d = Deploy-DbxPrivateLinkWorkspace @a
        $d.WorkspaceStatus | Should -Be 'RUNNING'
        $d.Created.Count | Should -Be 9
        Get-Leftovers $vpc.VpcId | Should -Not -Be $empty
        $removed = @($d | Deploy-DbxPrivateLinkWorkspace -Rollback -Force -WarningAction SilentlyContinue)
        $removed.Kind | Should -Be @('Workspace', 'PrivateAccessSettings', 'NetworkConfiguration', 'RelayEndpointRegistration', 'WorkspaceEndpointRegistration',
            'RelayEndpoint', 'WorkspaceEndpoint', 'EndpointSecurityGroup', 'WorkspaceSecurityGroup')
        $removed.Status | Sort-Object -Unique | Should -Be 'Done'
        Get-Leftovers $vpc.VpcId | Should -Be $empty
    }

    It 'refuses a VPC that cannot work before anything is created' {
        $vpc = New-MotoVpc -Broken
        $a = Get-DeployArgs $vpc (New-TestName broken)
        Deploy-DbxPrivateLinkWorkspace @a -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Match '^DbxDeploymentNotReady'
        $err[0].Exception.Message | Should -Match 'DnsHostnames'
        @(Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId).Count | Should -Be 0
    }

    It 'stops at the workspace when DNS hostnames are turned off after the readiness check passed; with DNS fixed, a second run reuses every earlier step and repairs the failed workspace in place; a third changes nothing' {
        $vpc = New-MotoVpc
        $a = Get-DeployArgs $vpc (New-TestName dnsmid)
        # One run, confirmed step by step: the host holds the Workspace step's prompt (the readiness check and steps 2-9 are
        # done by then) while the test turns DNS hostnames off in moto; the emulator validates the VPC through moto when the
        # workspace is created.
        $h = [IpAccessTests.AnsweringHost]::new(0)
        $h.Answers.GateOn = "on target `"Workspace '$($a.Name)'"
        $rs = [runspacefactory]::CreateRunspace($h); $rs.Open()
        $ps = [powershell]::Create(); $ps.Runspace = $rs
        try {
            [void]$ps.AddScript("Import-Module '$((Get-TestEnvironment).Module)'").AddStatement().AddScript({ param($p, $c) Deploy-DbxPrivateLinkWorkspace @p -Context $c -Confirm }).AddArgument($a).AddArgument($ctx)
            $run = $ps.BeginInvoke()
            $h.Answers.Reached.Wait([TimeSpan]::FromMinutes(2)) | Should -BeTrue
            (Get-DeploymentGroup $vpc.VpcId).Count | Should -Be 2        # steps before the workspace ran
            @(Get-DbxWorkspace | Where-Object WorkspaceName -eq $a.Name).Count | Should -Be 0
            Set-MotoVpcAttribute -VpcId $vpc.VpcId -EnableDnsHostnames $false
            $h.Answers.Go.Set()
            $first = $ps.EndInvoke($run)
            $err = @($ps.Streams.Error)
        } finally { $h.Answers.Go.Set(); $ps.Dispose(); $rs.Dispose() }
        $first | Should -BeNullOrEmpty
        $h.Answers.Prompts.Count | Should -Be 9   # one per create step: the run asked, and was answered Yes, for each
        $err.Count | Should -Be 1
        $err[0].TargetObject.Kind | Should -Be 'WaitRunning'
        $err[0].ErrorDetails.Message | Should -Match 'stopped at step 11'
        $err[0].ErrorDetails.Message | Should -Match 'FAILED'
        $err[0].ErrorDetails.Message | Should -Match 'enableDnsHostnames'
        $failed = @(Get-DbxWorkspace | Where-Object WorkspaceName -eq $a.Name)
        $failed.WorkspaceStatus | Should -Be 'FAILED'
        (Get-DbxNetworkConfiguration -NetworkId $failed.NetworkId).VpcStatus | Should -Be 'BROKEN'

        # Still broken in AWS: a PATCH of the same network (what a repair sends) deploys it again, and the service fails
        # it again from its network validation; the next run stops at the readiness check, before it writes anything.
        Invoke-DbxApi Patch "/api/2.0/accounts/{account_id}/workspaces/$($failed.WorkspaceId)" -Query @{ update_mask = 'network_id' } -Body @{ network_id = $failed.NetworkId } |
            ForEach-Object workspace_status | Should -Be 'PROVISIONING'
        Move-EmulatorClock -Seconds 5 -Url $emulator.Url
        (Get-DbxWorkspace -WorkspaceId $failed.WorkspaceId).WorkspaceStatusMessage | Should -Match 'DNS hostnames'
        (Get-DbxNetworkConfiguration -NetworkId $failed.NetworkId).VpcStatus | Should -Be 'BROKEN'
        Reset-EmulatorRequests -Url $emulator.Url
        Deploy-DbxPrivateLinkWorkspace @a -ErrorVariable blocked -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $blocked[0].FullyQualifiedErrorId | Should -Match '^DbxDeploymentNotReady'
        $blocked[0].Exception.Message | Should -Match 'DnsHostnames'
        Get-EmulatorWriteCount -Url $emulator.Url | Should -Be 0

        # DNS fixed in moto. -WhatIf names the repair of the failed workspace ('name' (id)) and sends nothing.
        Set-MotoVpcAttribute -VpcId $vpc.VpcId -EnableDnsHostnames $true
        Reset-EmulatorRequests -Url $emulator.Url
        $w = Invoke-WithAnsweringHost 0 { param($p, $c) Deploy-DbxPrivateLinkWorkspace @p -Context $c -WhatIf } @($a, $ctx)
        $w.Errors | Should -BeNullOrEmpty
        @($w.Lines -match 'Step 10: repair') | Should -Match ([regex]::Escape("Workspace '$($a.Name)' ($($failed.WorkspaceId))"))
        @($w.Lines -match 'Step \d+: create') | Should -BeNullOrEmpty
        Get-EmulatorWriteCount -Url $emulator.Url | Should -Be 0

        # The second run, no Remove-DbxWorkspace: steps 2-9 reused, the workspace PATCHed in place (same id), validated
        # again through moto, RUNNING and reachable.
        $second = Deploy-DbxPrivateLinkWorkspace @a
        $second.Created | Should -BeNullOrEmpty
        $second.Reused.Count | Should -Be 8
        $second.Repaired | Should -Be "Workspace $($a.Name) ($($failed.WorkspaceId))"
        ($second.Steps | Where-Object Kind -eq Workspace).Action | Should -Be 'Repair'
        $second.WorkspaceId | Should -Be $failed.WorkspaceId
        $second.WorkspaceStatus | Should -Be 'RUNNING'
        $second.NetworkId | Should -Be $failed.NetworkId
        $second.Steps.Status | Sort-Object -Unique | Should -Be 'Done'   # Reachability included: the network is VALID again
        (Get-DbxNetworkConfiguration -NetworkId $second.NetworkId).VpcStatus | Should -Be 'VALID'
        @(Get-DbxWorkspace | Where-Object WorkspaceName -eq $a.Name).Count | Should -Be 1
        # -Rollback of that run removes nothing: the repaired workspace was created by the first run.
        Reset-EmulatorRequests -Url $emulator.Url
        $second | Deploy-DbxPrivateLinkWorkspace -Rollback -Force -WarningVariable rw -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $rw[0] | Should -Match 'created nothing'
        # A third run changes nothing.
        $third = Deploy-DbxPrivateLinkWorkspace @a
        $third.Created | Should -BeNullOrEmpty
        $third.Repaired | Should -BeNullOrEmpty
        $third.WorkspaceId | Should -Be $failed.WorkspaceId
        Get-EmulatorWriteCount -Url $emulator.Url | Should -Be 0
    }

    It 'stops when the service fails a registration (502), keeps what it made, and a second run resumes and finishes; a third changes nothing' {
        $vpc = New-MotoVpc
        $a = Get-DeployArgs $vpc (New-TestName resume)
        Invoke-EmulatorControl -Method Post -Path 'chaos?rate=1&kind=html&method=POST' -Url $emulator.Url | Out-Null
        try { $first = Deploy-DbxPrivateLinkWorkspace @a -ErrorVariable err -ErrorAction SilentlyContinue }
        finally { Invoke-EmulatorControl -Method Post -Path 'chaos?rate=0' -Url $emulator.Url | Out-Null }
        $first | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].TargetObject.Kind | Should -Be 'WorkspaceEndpointRegistration'
        $err[0].ErrorDetails.Message | Should -Match 'stopped at step 6'
        $err[0].ErrorDetails.Message | Should -Match 'WorkspaceSecurityGroup'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'run the same command again'
        @(Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId).Count | Should -Be 2

        $second = Deploy-DbxPrivateLinkWorkspace @a
        $second.Reused.Count | Should -Be 4
        $second.Created.Count | Should -Be 5
        $second.WorkspaceStatus | Should -Be 'RUNNING'
        (Get-DbxNetworkConfiguration -NetworkId $second.NetworkId).VpcStatus | Should -Be 'VALID'
        (Get-DbxWorkspace -WorkspaceId $second.WorkspaceId).PrivateAccessSettingsId | Should -Be $second.PrivateAccessSettingsId
        @(Get-DbxAwsVpcEndpoint -VpcId $vpc.VpcId).Count | Should -Be 2

        Reset-EmulatorRequests -Url $emulator.Url
        $third = Deploy-DbxPrivateLinkWorkspace @a
        $third.Created | Should -BeNullOrEmpty
        $third.WorkspaceId | Should -Be $second.WorkspaceId
        Get-PostCount | Should -Be 0
    }

    It 'deploys front-end PrivateLink with public access off, and -Rollback -InputObject leaves nothing behind' {
        $vpc = New-MotoVpc
        $a = Get-DeployArgs $vpc (New-TestName front)
        $empty = Get-Leftovers $vpc.VpcId
        $d = Deploy-DbxPrivateLinkWorkspace @a -FrontEnd -PublicAccess Disabled
        $d.WorkspaceStatus | Should -Be 'RUNNING'
        $d.FrontEndVpcEndpointId | Should -Not -BeNullOrEmpty
        $pas = Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $d.PrivateAccessSettingsId
        $pas.PublicAccessEnabled | Should -BeFalse
        $pas.AllowedVpcEndpointIds | Should -Contain $d.FrontEndVpcEndpointId

        $removed = @(Deploy-DbxPrivateLinkWorkspace -Rollback -InputObject $d -Force -WarningAction SilentlyContinue)
        $removed.Count | Should -Be $d.Created.Count
        $removed.Status | Sort-Object -Unique | Should -Be 'Done'
        Get-Leftovers $vpc.VpcId | Should -Be $empty
    }

    It 'binds a piped result to -Rollback (the Rollback set is the default, so the piped PrivateLinkDeployment goes to -InputObject), and a deploy with -Name to the Deploy set' {
        $cmd = Get-Command Deploy-DbxPrivateLinkWorkspace
        $cmd.DefaultParameterSet | Should -Be 'Rollback'
        $pipe = @($cmd.Parameters.Values | ForEach-Object { $p = $_; foreach ($k in 'Rollback', '__AllParameterSets') { $at = $p.ParameterSets[$k]; if ($at -and ($at.ValueFromPipeline -or $at.ValueFromPipelineByPropertyName)) { $p.Name } } }) | Sort-Object
        $pipe | Should -Be @('InputObject', 'Region')   # Region (every set) binds the result's own region; nothing else of the deploy set
        # A result of a run that reused everything: it binds, warns and removes nothing (no request that writes).
        $d = [DatabricksNetworking.Posture.PrivateLinkDeployment]::new()
        $d.Name = 'bound'; $d.Region = 'us-east-1'; $d.VpcId = 'vpc-0123456789abcdef0'
        Reset-EmulatorRequests -Url $emulator.Url
        $d | Deploy-DbxPrivateLinkWorkspace -Rollback -Force -WarningVariable w -WarningAction SilentlyContinue -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
        $w[0] | Should -Match "'bound' created nothing"
        Get-EmulatorWriteCount -Url $emulator.Url | Should -Be 0
        # Without -Rollback a piped result is no deployment request: the binder refuses it (nothing runs).
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddScript("Import-Module '$((Get-TestEnvironment).Module)'").AddStatement().AddScript({ param($x) $x | Deploy-DbxPrivateLinkWorkspace }).AddArgument($d)
            $ps.Invoke() | Should -BeNullOrEmpty
            $ps.Streams.Error[0].FullyQualifiedErrorId | Should -BeLike 'MissingMandatoryParameter*'
        } finally { $ps.Dispose() }
        # A workspace piped in by property name with -Name still selects the Deploy set (Example 2 of the help page).
        $vpc = New-MotoVpc
        $plan = @($template | Deploy-DbxPrivateLinkWorkspace -Name (New-TestName pipe) -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -EndpointSubnetId $vpc.EndpointSubnetId -PlanOnly)
        $plan.Count | Should -Be 12
    }

    It 'deploys Service Direct with public access off and ENDPOINT-level private access settings: the Service Direct endpoint''s VPC endpoint registration is on the allow list; a piped -Rollback leaves nothing behind' {
        $vpc = New-MotoVpc
        $a = Get-DeployArgs $vpc (New-TestName sdend)
        $empty = Get-Leftovers $vpc.VpcId
        $plan = @(Deploy-DbxPrivateLinkWorkspace @a -ServiceDirect -PublicAccess Disabled -PrivateAccessLevel Endpoint -PlanOnly)
        $plan.Kind | Should -Contain 'ServiceDirectVpcEndpointRegistration'
        ($plan | Where-Object Kind -eq PrivateAccessSettings).Detail | Should -Match 'level ENDPOINT'

        $d = Deploy-DbxPrivateLinkWorkspace @a -ServiceDirect -PublicAccess Disabled -PrivateAccessLevel Endpoint
        $d.WorkspaceStatus | Should -Be 'RUNNING'
        $d.Created.Count | Should -Be 12
        $d.ServiceDirectEndpointState | Should -Be 'APPROVED'
        $reg = Get-DbxVpcEndpointRegistration -VpcEndpointId $d.ServiceDirectVpcEndpointId
        $reg.AwsVpcEndpointId | Should -Be $d.ServiceDirectAwsVpcEndpointId
        $reg.State | Should -Be 'available'
        $pas = Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $d.PrivateAccessSettingsId
        $pas.PrivateAccessLevel | Should -Be 'ENDPOINT'
        $pas.PublicAccessEnabled | Should -BeFalse
        @($pas.AllowedVpcEndpointIds | Sort-Object) | Should -Be @(@($d.RestApiVpcEndpointId, $d.ServiceDirectVpcEndpointId) | Sort-Object)
        $pas.AllowedVpcEndpointIds | Should -Not -Contain $d.ServiceDirectEndpointId   # never the networking v1 endpoint_id

        Reset-EmulatorRequests -Url $emulator.Url
        $again = Deploy-DbxPrivateLinkWorkspace @a -ServiceDirect -PublicAccess Disabled -PrivateAccessLevel Endpoint
        $again.Created | Should -BeNullOrEmpty
        $again.ServiceDirectVpcEndpointId | Should -Be $d.ServiceDirectVpcEndpointId
        Get-PostCount | Should -Be 0

        $removed = @($d | Deploy-DbxPrivateLinkWorkspace -Rollback -Force -WarningAction SilentlyContinue)
        $removed.Kind | Should -Contain 'ServiceDirectVpcEndpointRegistration'
        $removed.Status | Sort-Object -Unique | Should -Be 'Done'
        Get-Leftovers $vpc.VpcId | Should -Be $empty
    }

    It 'deploys Service Direct front-end PrivateLink from an empty VPC (endpoint APPROVED, public access off), a second run changes nothing, and the result piped into -Rollback leaves nothing behind' {
        $vpc = New-MotoVpc
        $a = Get-DeployArgs $vpc (New-TestName sd)
        $empty = Get-Leftovers $vpc.VpcId
        $d = Deploy-DbxPrivateLinkWorkspace @a -ServiceDirect -PublicAccess Disabled
        $d.WorkspaceStatus | Should -Be 'RUNNING'
        $d.Created.Count | Should -Be 11
        $d.ServiceDirectEndpointState | Should -Be 'APPROVED'
        $sd = Get-DbxNetworkEndpoint -EndpointId $d.ServiceDirectEndpointId
        $sd.State | Should -Be 'APPROVED'
        $sd.UseCase | Should -Be 'SERVICE_DIRECT'
        $sd.AwsVpcEndpointId | Should -Be $d.ServiceDirectAwsVpcEndpointId
        (Get-DbxAwsVpcEndpoint -AwsVpcEndpointId $d.ServiceDirectAwsVpcEndpointId).Service | Should -Be 'ServiceDirect'
        $pas = Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $d.PrivateAccessSettingsId
        $pas.PublicAccessEnabled | Should -BeFalse
        $pas.PrivateAccessLevel | Should -Be 'ACCOUNT'
        (Get-DbxWorkspace -WorkspaceId $d.WorkspaceId).NetworkId | Should -Be $d.NetworkId

        Reset-EmulatorRequests -Url $emulator.Url
        $again = Deploy-DbxPrivateLinkWorkspace @a -ServiceDirect -PublicAccess Disabled
        $again.Created | Should -BeNullOrEmpty
        $again.ServiceDirectEndpointId | Should -Be $d.ServiceDirectEndpointId
        $again.ServiceDirectEndpointState | Should -Be 'APPROVED'
        Get-PostCount | Should -Be 0
        $deployed = Get-Leftovers $vpc.VpcId

        # The rollback asks once, and the default answer (No) removes nothing; a session that cannot ask refuses.
        $r = Invoke-WithAnsweringHost -1 { param($x, $c) Deploy-DbxPrivateLinkWorkspace -Rollback -InputObject $x -Context $c } @($d, $ctx)
        $r.Errors | Should -BeNullOrEmpty
        $r.Prompts.Count | Should -Be 1
        $r.Prompts[0] | Should -BeLike 'Roll back a deployment:*'
        $r.Defaults | Should -Be @('No')
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddScript("Import-Module '$((Get-TestEnvironment).Module)'").AddStatement().AddScript({ param($x, $c) $x | Deploy-DbxPrivateLinkWorkspace -Rollback -Context $c }).AddArgument($d).AddArgument($ctx)
            $ps.Invoke() | Should -BeNullOrEmpty
            $ps.Streams.Error[0].FullyQualifiedErrorId | Should -BeLike 'DbxConfirmationRequired*'
        } finally { $ps.Dispose() }
        Reset-EmulatorRequests -Url $emulator.Url
        # From the pipeline: -WhatIf removes nothing, then the rollback removes everything this run created.
        @($d | Deploy-DbxPrivateLinkWorkspace -Rollback -Force -WhatIf -WarningAction SilentlyContinue).Status | Sort-Object -Unique | Should -Be 'NotRun'
        Get-DeleteCount | Should -Be 0
        Get-Leftovers $vpc.VpcId | Should -Be $deployed

        $removed = @($d | Deploy-DbxPrivateLinkWorkspace -Rollback -Force -WarningAction SilentlyContinue)
        $removed.Kind | Should -Be @('Workspace', 'PrivateAccessSettings', 'NetworkConfiguration', 'ServiceDirectRegistration', 'RelayEndpointRegistration',
            'WorkspaceEndpointRegistration', 'ServiceDirectEndpoint', 'RelayEndpoint', 'WorkspaceEndpoint', 'EndpointSecurityGroup', 'WorkspaceSecurityGroup')
        $removed.Status | Sort-Object -Unique | Should -Be 'Done'
        Get-Leftovers $vpc.VpcId | Should -Be $empty
    }

    It 'stops when the service refuses an endpoint (Service Direct name, Workspace service): -Rollback leaves nothing behind; after the fix a run resumes and finishes' {
        $vpc = New-MotoVpc
        $a = Get-DeployArgs $vpc (New-TestName refused)
        # A real network mistake: the endpoint tagged for Service Direct connects to the classic Workspace service.
        $svc = (Get-DbxPrivateLinkService -Region us-east-1 -Service Workspace).ServiceName
        $wrong = (Invoke-MotoEc2 CreateVpcEndpoint @{ VpcId = $vpc.VpcId; ServiceName = $svc; VpcEndpointType = 'Interface'; SubnetId = @($vpc.EndpointSubnetId)
                'TagSpecification.1.ResourceType' = 'vpc-endpoint'; 'TagSpecification.1.Tag.1.Key' = 'Name'; 'TagSpecification.1.Tag.1.Value' = "databricks-servicedirect-$($vpc.VpcId)" }
        ).CreateVpcEndpointResponse.vpcEndpoint.vpcEndpointId
        $before = Get-Leftovers $vpc.VpcId

        Deploy-DbxPrivateLinkWorkspace @a -ServiceDirect -Rollback -Force -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].TargetObject.Kind | Should -Be 'ServiceDirectRegistration'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidParameterValue*'
        $err[0].ErrorDetails.Message | Should -Match 'not the Service Direct endpoint service of us-east-1'
        $err[0].ErrorDetails.Message | Should -Match 'Nothing of this run is left'
        Get-Leftovers $vpc.VpcId | Should -Be $before

        # Without -Rollback the run keeps what it made; the fix (the wrong endpoint removed) and the next run resumes.
        Deploy-DbxPrivateLinkWorkspace @a -ServiceDirect -ErrorVariable err2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err2[0].ErrorDetails.Message | Should -Match 'stopped at step 9 \(ServiceDirectRegistration'
        $err2[0].ErrorDetails.Message | Should -Match 'kept for the next run'
        Invoke-MotoEc2 DeleteVpcEndpoints @{ VpcEndpointId = @($wrong) } | Out-Null
        $d = Deploy-DbxPrivateLinkWorkspace @a -ServiceDirect
        $d.Reused.Count | Should -Be 6
        $d.Created.Count | Should -Be 5
        $d.WorkspaceStatus | Should -Be 'RUNNING'
        $d.ServiceDirectEndpointState | Should -Be 'APPROVED'
        $d.ServiceDirectAwsVpcEndpointId | Should -Not -Be $wrong
    }
}
