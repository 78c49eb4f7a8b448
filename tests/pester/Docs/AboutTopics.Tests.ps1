# The about topics' code is real: the docs check keeps their code blocks' cmdlet and parameter names true to the module
# (Docs.Tests), here every topic's prose code spans are held to the same, and the PrivateLink, serverless and IP access list
# walkthroughs run as written against a private emulator and moto, with only the placeholder AWS ids of the text
# replaced by those of moto VPCs.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../Aws/MotoHelpers.psm1') -Force
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    Import-Module (Join-Path $root 'build/DocsLib.psm1') -Force
    Import-TestModule
    $script:docs = Join-Path $root 'docs/cmdlets'

    function Get-AboutCode([string]$Topic) {
        # The runnable powershell blocks of an about topic, in order (illustrations left out).
        @(Get-DocsCodeBlocks (Read-DocsPage (Join-Path $docs "$Topic.md")) | Where-Object { -not $_.Illustration } | ForEach-Object Code)
    }
}

BeforeDiscovery {
    $script:topics = @(Get-ChildItem (Join-Path $PSScriptRoot '../../../docs/cmdlets') -Filter 'about_*.md' | ForEach-Object { @{ Topic = $_.BaseName } })
}

Describe 'The prose of <Topic>' -ForEach $topics {
    It 'names only cmdlets the module has, and in code spans only parameters those cmdlets have' {
        # The docs check reads code blocks only; code spans of the text (`Verb-Dbx... -Param ...`) are held to the same.
        $raw = (Read-DocsPage (Join-Path $docs "$Topic.md")).Raw
        $prose = [regex]::Replace($raw, '(?ms)^```.*?^```', '')
        $spans = @([regex]::Matches($prose, '`([^`]+)`') | ForEach-Object { $_.Groups[1].Value -replace '\s+', ' ' } | Where-Object { $_ -match '^\w+-Dbx\w+' })
        $spans.Count | Should -BeGreaterThan 0 -Because 'the topic names cmdlets in code spans (and the extraction finds them)'
        $problems = foreach ($s in $spans) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($s, [ref]$null, [ref]$null)
            foreach ($c in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $name = $c.GetCommandName()
                if ($name -notmatch '^\w+-Dbx\w+$') { continue }
                $cmd = Get-Command $name -Module DatabricksNetworking -ErrorAction SilentlyContinue
                if (-not $cmd) { "``$s``: the module has no $name"; continue }
                $known = @($cmd.Parameters.Values | ForEach-Object { $_.Name; $_.Aliases })
                foreach ($p in ($c.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] })) {
                    if ($p.ParameterName -notin $known) { "``$s``: $name has no parameter -$($p.ParameterName)" }
                }
            }
        }
        $problems | Should -BeNullOrEmpty
        # Every cmdlet the topic names anywhere (SEE ALSO and plain text included) exists.
        foreach ($n in ([regex]::Matches($raw, '\b[A-Z][a-z]+-Dbx\w+\b') | ForEach-Object Value | Sort-Object -Unique)) {
            Get-Command $n -Module DatabricksNetworking -ErrorAction SilentlyContinue | Should -Not -BeNullOrEmpty -Because "$Topic names $n"
        }
    }
}

Describe 'about_DatabricksNetworking_PrivateLink' {
    BeforeAll {
        $script:saved = Set-MotoAwsEnvironment -Region us-east-1
        $script:emulator = Start-TestEmulator   # own state: the walkthroughs add networks and workspaces
        $script:ctx = Connect-TestAccount -Url $emulator.Url
        $script:page = Read-DocsPage (Join-Path $docs 'about_DatabricksNetworking_PrivateLink.md')
        $script:blocks = @(Get-AboutCode 'about_DatabricksNetworking_PrivateLink')
        # One moto VPC per placeholder VPC of the text: the one command, its -FrontEnd and -ServiceDirect runs, the
        # step-by-step road and its transit VPC.
        $script:vpcs = [ordered]@{ one = New-MotoVpc; front = New-MotoVpc; sd = New-MotoVpc; step = New-MotoVpc; transit = New-MotoVpc }
        $script:ids = [ordered]@{}
        $placeholders = [ordered]@{
            one   = 'vpc-0a1b2c3d4e5f60718', 'subnet-0aa11bb22cc33dd44', 'subnet-0ee55ff66aa77bb88', 'subnet-0ab12cd34ef567890'
            front = 'vpc-0c0ffee0000000001', 'subnet-0c0ffee0000000011', 'subnet-0c0ffee0000000012', 'subnet-0c0ffee0000000013'
            sd    = 'vpc-0d1ec700000000001', 'subnet-0d1ec700000000011', 'subnet-0d1ec700000000012', 'subnet-0d1ec700000000013'
            step  = 'vpc-0b1b2c3d4e5f60719', 'subnet-0bb11bb22cc33dd45', 'subnet-0bb55ff66aa77bb89', 'subnet-0bb12cd34ef567891'
        }
        foreach ($k in $placeholders.Keys) {
            $v = $vpcs[$k]; $p = $placeholders[$k]
            $ids[$p[0]] = $v.VpcId; $ids[$p[1]] = $v.SubnetIds[0]; $ids[$p[2]] = $v.SubnetIds[1]; $ids[$p[3]] = $v.EndpointSubnetId
        }
        $ids['vpc-0feedface00000001'] = $vpcs.transit.VpcId
        $ids['subnet-0cafe000000000001'] = $vpcs.transit.EndpointSubnetId
        function ConvertTo-MotoCode([string]$Code) {
            foreach ($k in $ids.Keys) { $Code = $Code.Replace($k, $ids[$k]) }
            $Code
        }
        # Runs block $Index as written (placeholder ids replaced) in one scope with the variables the earlier blocks
        # assigned, as a reader running the topic top to bottom in one session would; returns every variable it assigned.
        $script:carry = @{}
        function Invoke-AboutBlock([int]$Index) {
            $ErrorActionPreference = 'Stop'
            foreach ($k in $script:carry.Keys) { Set-Variable -Name $k -Value $script:carry[$k] }
            $sb = [scriptblock]::Create((ConvertTo-MotoCode $blocks[$Index]))
            $null = . $sb
            $assigned = $sb.Ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] }, $true) |
                ForEach-Object { $_.Left } | Where-Object { $_ -is [System.Management.Automation.Language.VariableExpressionAst] } |
                ForEach-Object { $_.VariablePath.UserPath } | Sort-Object -Unique
            foreach ($n in $assigned) { $script:carry[$n] = Get-Variable -Name $n -ValueOnly }
            $script:carry
        }
        # The module's cmdlets a block calls, with the parameters it gives each.
        function Get-CodeCalls([string]$Code) {
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$null, [ref]$null)
            foreach ($c in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $name = $c.GetCommandName()
                if ($name -notmatch '^\w+-Dbx\w+$') { continue }
                [pscustomobject]@{ Name = $name; Parameters = @($c.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object ParameterName) }
            }
        }
        function Get-Leftovers([string]$VpcId) {
            [ordered]@{
                Groups           = @((Invoke-MotoEc2 DescribeSecurityGroups @{ 'Filter.1.Name' = 'vpc-id'; 'Filter.1.Value.1' = $VpcId }).DescribeSecurityGroupsResponse.securityGroupInfo.item | Where-Object groupName -ne 'default' | ForEach-Object groupId)
                Endpoints        = @(Get-DbxAwsVpcEndpoint -VpcId $VpcId | Where-Object State -ne 'deleted' | ForEach-Object AwsVpcEndpointId)
            }
        }
    }
    AfterAll {
        $emulator | Stop-TestService
        Restore-MotoAwsEnvironment $saved
    }

    It 'has the one command, its front-end runs and rollback, the step-by-step road, the move, the front-end road and the S3 side, naming only placeholder ids the test replaces' {
        $blocks.Count | Should -Be 6
        foreach ($b in $blocks) {
            $left = [regex]::Matches((ConvertTo-MotoCode $b), '\b(vpc|subnet|sg)-0[0-9a-f]{8,}\b') | Where-Object { $_.Value -notin $ids.Values }
            $left | Should -BeNullOrEmpty -Because 'every AWS id of the text is a placeholder of the first lines'
        }
    }

    It 'shows Deploy-DbxPrivateLinkWorkspace planned, run, run again, with -FrontEnd, -ServiceDirect, -PublicAccess Disabled and -Rollback -InputObject' {
        $deploys = @($blocks | ForEach-Object { Get-CodeCalls $_ } | Where-Object Name -eq 'Deploy-DbxPrivateLinkWorkspace')
        $deploys.Count | Should -BeGreaterOrEqual 6
        foreach ($p in 'PlanOnly', 'WhatIf', 'FrontEnd', 'ServiceDirect', 'PublicAccess', 'Rollback', 'InputObject', 'Force') {
            @($deploys | Where-Object { $_.Parameters -contains $p }).Count | Should -BeGreaterThan 0 -Because "the topic shows -$p"
        }
        $blocks[1] | Should -Match '-PublicAccess Disabled'
        @($deploys | Where-Object { $_.Parameters -contains 'Rollback' } | Where-Object { $_.Parameters -notcontains 'InputObject' }) | Should -BeNullOrEmpty -Because 'the walkthrough names the result of a rollback with -InputObject (the prose shows the piped form)'
        # The one command's own parameters are all spelled out once, not only through a splat.
        $full = $deploys | Where-Object { $_.Parameters -contains 'PlanOnly' } | Select-Object -First 1
        foreach ($p in 'Name', 'Region', 'VpcId', 'SubnetId', 'EndpointSubnetId', 'CredentialsId', 'StorageConfigurationId') { $full.Parameters | Should -Contain $p }
        # The prose describes resuming after a failure and the -Rollback of a failed run.
        $page.Raw | Should -Match 'Resume after a failure'
        $page.Raw | Should -Match ([regex]::Escape('`Deploy-DbxPrivateLinkWorkspace -Rollback -InputObject $d`'))
        $page.Raw | Should -Match ([regex]::Escape('`$d | Deploy-DbxPrivateLinkWorkspace -Rollback`'))
        $page.Raw | Should -Match 'run the same\s+command again'
    }

    It 'shows the step-by-step road and the S3 side with the individual cmdlets' {
        $calls = @($blocks | ForEach-Object { Get-CodeCalls $_ })
        $want = [ordered]@{
            'Test-DbxAwsVpc'                 = 'VpcId', 'SubnetId', 'SecurityGroupId'
            'New-DbxAwsSecurityGroup'        = 'Purpose', 'SourceSecurityGroupId'
            'New-DbxAwsVpcEndpoint'          = 'Service', 'Wait'
            'New-DbxVpcEndpointRegistration' = 'Wait'
            'New-DbxNetworkConfiguration'    = 'RestApiVpcEndpointId', 'DataplaneRelayVpcEndpointId'
            'New-DbxPrivateAccessSettings'   = 'PrivateAccessLevel', 'AllowedVpcEndpointId', 'PublicAccessEnabled'
            'New-DbxWorkspace'               = 'NetworkId', 'PrivateAccessSettingsId', 'Wait'
            'New-DbxNetworkEndpoint'         = 'Wait'
            'Set-DbxWorkspaceNetwork'        = 'NetworkConnectivityConfigId'
            'New-DbxPrivateEndpointRule'     = 'S3BucketName', 'Wait', 'Enabled'
            'Get-DbxS3BucketPolicy'          = 'BucketName', 'NetworkConnectivityConfigId', 'AwsVpcEndpointId'
        }
        foreach ($c in $want.Keys) {
            $given = @($calls | Where-Object Name -eq $c | ForEach-Object Parameters)
            $given.Count | Should -BeGreaterThan 0 -Because "the topic shows $c"
            foreach ($p in $want[$c]) { $given | Should -Contain $p -Because "the topic shows $c -$p" }
        }
        $blocks[4] | Should -Match '-Service ServiceDirect' -Because 'the Service Direct endpoint of the step-by-step road'
    }

    It 'deploys with the one command as written: planned, RUNNING on a VALID network, and a second run that creates nothing' {
        $v = Invoke-AboutBlock 0
        $v.d.WorkspaceStatus | Should -Be 'RUNNING'
        $v.d.Created.Count | Should -Be 9
        (Get-DbxNetworkConfiguration -NetworkId $v.d.NetworkId).VpcStatus | Should -Be 'VALID'
        (Get-DbxWorkspace -WorkspaceId $v.d.WorkspaceId).PrivateAccessSettingsId | Should -Be $v.d.PrivateAccessSettingsId
        (Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $v.d.PrivateAccessSettingsId).PublicAccessEnabled | Should -BeTrue
        $v.again.Created | Should -BeNullOrEmpty
        $v.again.WorkspaceId | Should -Be $v.d.WorkspaceId
        @(Get-DbxAwsVpcEndpoint -VpcId $vpcs.one.VpcId).Count | Should -Be 2 -Because 'the plan, -WhatIf and the second run made no endpoint'
    }

    It 'deploys front-end and Service Direct PrivateLink with public access off as written, and the rollback leaves nothing of the Service Direct run' {
        $before = Get-Leftovers $vpcs.sd.VpcId | ConvertTo-Json -Compress
        $v = Invoke-AboutBlock 1
        $v.front.WorkspaceStatus | Should -Be 'RUNNING'
        $fpas = Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $v.front.PrivateAccessSettingsId
        $fpas.PublicAccessEnabled | Should -BeFalse
        $fpas.AllowedVpcEndpointIds | Should -Contain $v.front.FrontEndVpcEndpointId
        $v.sd.ServiceDirectEndpointState | Should -Be 'APPROVED'
        $v.sd.Created.Count | Should -Be 11
        Get-Leftovers $vpcs.sd.VpcId | ConvertTo-Json -Compress | Should -Be $before
        @(Get-DbxWorkspace | Where-Object WorkspaceId -eq $v.sd.WorkspaceId) | Should -BeNullOrEmpty
        @(Get-DbxNetworkEndpoint | Where-Object EndpointId -eq $v.sd.ServiceDirectEndpointId) | Should -BeNullOrEmpty
        @(Get-DbxNetworkConfiguration | Where-Object NetworkId -eq $v.sd.NetworkId) | Should -BeNullOrEmpty
    }

    It 'builds back-end PrivateLink step by step as written: a new workspace RUNNING on a VALID network and the private access settings' {
        $v = Invoke-AboutBlock 2
        $v.failed | Should -BeNullOrEmpty
        $v.workspace.WorkspaceStatus | Should -Be 'RUNNING'
        $v.workspace.NetworkId | Should -Be $v.net.NetworkId
        $v.workspace.PrivateAccessSettingsId | Should -Be $v.pas.PrivateAccessSettingsId
        (Get-DbxNetworkConfiguration -NetworkId $v.net.NetworkId).VpcStatus | Should -Be 'VALID'
        $v.rest.UseCase | Should -Be 'GENERAL_ACCESS'
        $v.relay.UseCase | Should -Be 'DATAPLANE_RELAY_ACCESS'
        $v.pas.PublicAccessEnabled | Should -BeTrue
    }

    It 'moves the workspace with Set-DbxWorkspaceNetwork -Wait and adds front-end PrivateLink and Service Direct as written' {
        $ErrorActionPreference = 'Stop'
        $moved = & { foreach ($k in $carry.Keys) { Set-Variable -Name $k -Value $carry[$k] }; . ([scriptblock]::Create((ConvertTo-MotoCode $blocks[3]))) }
        $moved.WorkspaceStatus | Should -Be 'RUNNING'
        $v = Invoke-AboutBlock 4
        $after = Get-DbxPrivateAccessSettings -PrivateAccessSettingsId $v.pas.PrivateAccessSettingsId
        @($after.AllowedVpcEndpointIds | Sort-Object) | Should -Be @(@($v.rest.VpcEndpointId, $v.transit.VpcEndpointId) | Sort-Object)
        $after.PublicAccessEnabled | Should -BeTrue -Because 'the last line only shows, with -WhatIf, how public access is turned off'
        $v.direct.State | Should -Be 'APPROVED'
        $v.direct.UseCase | Should -Be 'SERVICE_DIRECT'
        (Get-DbxAwsVpcEndpoint -AwsVpcEndpointId $v.direct.AwsVpcEndpointId).Service | Should -Be 'ServiceDirect'
    }

    It 'sets up the S3 side as written: the rule ESTABLISHED and enabled, the NCC bound, and a policy naming both endpoints' {
        $v = Invoke-AboutBlock 5
        $v.lake.ConnectionState | Should -Be 'ESTABLISHED'
        $v.lake.Enabled | Should -BeTrue
        $v.lake.VpcEndpointId | Should -Not -BeNullOrEmpty
        (Get-DbxWorkspace -WorkspaceId $v.d.WorkspaceId).NetworkConnectivityConfigId | Should -Be $v.ncc.NetworkConnectivityConfigId
        $v.policy.PolicyJson | Should -Match ([regex]::Escape($v.lake.VpcEndpointId))
        $v.policy.PolicyJson | Should -Match $v.gateway
    }
}

Describe 'about_DatabricksNetworking_Serverless' {
    BeforeAll {
        $script:saved = Set-MotoAwsEnvironment -Region us-east-1
        # Own state (the walkthrough binds a workspace and adds a policy); CREATING 5 s, the owner's accept stand-in at 10 s,
        # so -Wait (polling every second) sees the rule PENDING with seconds to spare.
        $script:emulator = Start-TestEmulator -Arguments '--pe-accept-delay', '10'
        $script:ctx = Connect-TestAccount -Url $emulator.Url
        $script:nlb = New-MotoNetworkLoadBalancer -Region us-east-1
        $script:placeholder = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-db-nlb/50dc6c495c0c9188'
    }
    AfterAll {
        $emulator | Stop-TestService
        Restore-MotoAwsEnvironment $saved
    }

    It 'runs the walkthrough as written: NCC bound, S3 rule ESTABLISHED, the service rule PENDING, the policy bound in dry run' {
        $ErrorActionPreference = 'Stop'
        $code = @(Get-AboutCode 'about_DatabricksNetworking_Serverless')
        $code.Count | Should -Be 1
        $code[0] | Should -Match ([regex]::Escape($placeholder))
        $null = . ([scriptblock]::Create($code[0].Replace($placeholder, $nlb.NetworkLoadBalancerArn)))
        (Get-DbxWorkspace -Name 'prod-us').NetworkConnectivityConfigId | Should -Be $ncc.NetworkConnectivityConfigId
        $lake.ConnectionState | Should -Be 'ESTABLISHED'
        $svc.DatabricksAllowed | Should -BeTrue
        $orders.EndpointService | Should -Be $svc.ServiceName
        $orders.ConnectionState | Should -Be 'PENDING' -Because 'the service requires acceptance'
        (Get-DbxWorkspace -Name 'prod-us' | Get-DbxWorkspaceNetworkPolicy).NetworkPolicyId | Should -Be 'prod-restricted'
        (Get-DbxNetworkPolicy -NetworkPolicyId 'prod-restricted').EnforcementMode | Should -Be 'DRY_RUN' -Because 'the last line only shows, with -WhatIf, how the policy is enforced'
    }
}

Describe 'about_DatabricksNetworking_IpAccessLists' {
    BeforeAll {
        $script:emulator = Start-TestEmulator   # own state: the walkthrough creates a list
        $script:ctx = Connect-TestAccount -Url $emulator.Url
    }
    AfterAll { $emulator | Stop-TestService }

    It 'runs the walkthrough as written: the list is created, the addresses tested, and -WhatIf leaves the feature off' {
        $ErrorActionPreference = 'Stop'
        $code = @(Get-AboutCode 'about_DatabricksNetworking_IpAccessLists')
        $code.Count | Should -Be 1
        # The emulator sees every request come from 127.0.0.1: that is "your public address" here.
        $code[0] | Should -Match ([regex]::Escape("`$me = '198.51.100.7'"))
        $out = @(. ([scriptblock]::Create($code[0].Replace("`$me = '198.51.100.7'", "`$me = '127.0.0.1'"))))
        $list.Label | Should -Be 'office'
        $verdicts = @($out | Where-Object { $_ -is [DatabricksNetworking.Models.IpAccessDecision] })
        @($verdicts.IpAddress) | Should -Be @('127.0.0.1', '192.0.2.1')
        @($verdicts.AllowedByLists) | Should -Be @($true, $false)
        @($verdicts.Allowed) | Should -Be @($true, $true) -Because 'the feature is still off, so no list applies yet'
        (Get-DbxIpAccessListFeature -WorkspaceId 3333333333333333).Enabled | Should -BeFalse
    }
}
