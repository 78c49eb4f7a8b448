BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:regions = @([DatabricksNetworking.Validation.Regions]::Supported | ForEach-Object { @{ Region = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:asOf = [DatabricksNetworking.Firewall.FirewallTable]::AsOf
    $script:root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent | Split-Path -Parent
}

Describe 'Get-DbxFirewallRequirement' {
    Context 'every supported region' {
        It '<Region>: rules cover 443 and the SCC relay, each with a source, a confidence and the as-of date' -ForEach $regions {
            $rules = @(Get-DbxFirewallRequirement -Region $Region -WarningAction SilentlyContinue)
            $rules.Count | Should -BeGreaterThan 10
            $rules.Region | Sort-Object -Unique | Should -Be $Region
            @($rules | Where-Object { $_.Ports -eq '443' -and $_.DestinationType -ne 'SecurityGroup' }).Count | Should -BeGreaterThan 0
            $relay = @($rules | Where-Object { $_.UsedFor -like 'SCC relay*' })
            $relay.Count | Should -BeGreaterThan 0
            $rules.Confidence | Sort-Object -Unique | Should -BeIn 'Confirmed', 'Unconfirmed'
            $rules | Where-Object { -not $_.Source } | Should -BeNullOrEmpty
            $rules.AsOf | Sort-Object -Unique | Should -Be $asOf
            $rules.Protocol | Sort-Object -Unique | Should -Be 'TCP'
            $rules.Direction | Sort-Object -Unique | Should -BeIn 'Outbound', 'Inbound'
            $plRelay = @(Get-DbxFirewallRequirement -Region $Region -Purpose BackEndPrivateLink -WarningAction SilentlyContinue |
                Where-Object { $_.UsedFor -like 'SCC relay*' -and $_.Condition -notlike '*compliance*' })
            $plRelay.Count | Should -BeGreaterThan 0
            if ($Region -like 'us-gov-*') {
                # GovCloud shards do not use 6666: the relay endpoint service is reached on 443.
                $rules.Ports | Should -Not -Contain '6666'
                ($plRelay | Where-Object DestinationType -eq 'VpcEndpointService').Ports | Sort-Object -Unique | Should -Be '443'
            } else {
                ($plRelay | Where-Object DestinationType -eq 'Fqdn').Destination | Should -Be "tunnel.privatelink.$Region.cloud.databricks.com"
                ($plRelay | Where-Object DestinationType -eq 'Fqdn').Ports | Should -Be '6666'
            }
        }
    }

    It 'ap-northeast-1: the values the Databricks docs confirm' {
        $rules = Get-DbxFirewallRequirement -Region ap-northeast-1 -Purpose ClassicCompute, BackEndPrivateLink -WarningAction SilentlyContinue
        $web = $rules | Where-Object UsedFor -eq 'Web application and REST API'
        $web.Destination | Should -Be 'tokyo.cloud.databricks.com'
        $web.Confidence | Should -Be 'Confirmed'
        $web.Source | Should -Match 'DOCS'
        ($rules | Where-Object { $_.UsedFor -eq 'SCC relay' }).Destination | Should -Be 'tunnel.ap-northeast-1.cloud.databricks.com'
        $pl = $rules | Where-Object { $_.UsedFor -eq 'SCC relay over PrivateLink' }
        $pl.Confidence | Should -Be 'Confirmed'
        $pl.Source | Should -Be 'DOCS'
        ($rules | Where-Object Destination -eq '18.99.67.176/28').Purpose | Should -Be 'ClassicCompute'
    }

    It 'carries Unconfirmed from the reference (pattern-only names, single-source values)' {
        $rules = Get-DbxFirewallRequirement -Region us-west-2 -WarningAction SilentlyContinue
        ($rules | Where-Object Destination -eq 'tunnel.cloud.databricks.com' | Select-Object -First 1).Confidence | Should -Be 'Unconfirmed'
        ($rules | Where-Object Destination -eq 'tunnel.privatelink.us-west-2.cloud.databricks.com' | Select-Object -First 1).Source | Should -Match 'pattern'
        ($rules | Where-Object Destination -eq 'databricks-update-oregon').Confidence | Should -Be 'Unconfirmed'
        ($rules | Where-Object Destination -eq '52.27.216.188/32').Confidence | Should -Be 'Confirmed'
        ($rules | Where-Object Destination -eq '52.35.116.98/32').Confidence | Should -Be 'Unconfirmed'
    }

    It 'warns about categories without data instead of inventing values (Jakarta)' {
        $rules = @(Get-DbxFirewallRequirement -Region ap-southeast-3 -WarningVariable warnings -WarningAction SilentlyContinue)
        ($warnings -join "`n") | Should -Match 'web application FQDN'
        ($warnings -join "`n") | Should -Match 'SCC relay FQDN'
        ($warnings -join "`n") | Should -Match 'legacy Hive metastore host'
        ($warnings -join "`n") | Should -Match ([regex]::Escape($asOf))
        $rules.Destination | Should -Not -Contain 'tunnel.ap-southeast-3.cloud.databricks.com'
        $rules.Destination | Should -Not -Match 'jakarta\.cloud\.databricks\.com'
        $rules | Where-Object DestinationType -eq 'Cidr' | Where-Object Destination -ne '0.0.0.0/0' | Should -BeNullOrEmpty
    }

    It 'rejects an unknown region with the supported list, and goes on with the next region' {
        $rules = @(Get-DbxFirewallRequirement -Region 'eu-west-9', 'eu-west-1' -Purpose FrontEnd -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidRegion*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errs[0].TargetObject | Should -Be 'eu-west-9'
        $errs[0].Exception.Message | Should -Match 'Supported regions: .*eu-west-1.*us-west-2'
        $rules.Region | Sort-Object -Unique | Should -Be 'eu-west-1'
    }

    It 'filters by -Purpose' {
        $be = @(Get-DbxFirewallRequirement -Region eu-central-1 -Purpose BackEndPrivateLink)
        $be.Purpose | Sort-Object -Unique | Should -Be 'BackEndPrivateLink'
        $be.Destination | Should -Contain 'com.amazonaws.vpce.eu-central-1.vpce-svc-08e5dfca9572c85c4'
        $two = @(Get-DbxFirewallRequirement -Region eu-central-1 -Purpose FrontEnd, BackEndPrivateLink -WarningAction SilentlyContinue)
        $two.Purpose | Sort-Object -Unique | Should -Be @('BackEndPrivateLink', 'FrontEnd')
    }

    It 'takes its security-group ports from DatabricksPorts (one source with New-DbxAwsSecurityGroup)' {
        $sg = Get-DbxFirewallRequirement -Region eu-west-1 -Purpose ClassicCompute -WarningAction SilentlyContinue |
            Where-Object UsedFor -like 'Workspace security group egress*'
        $expected = [DatabricksNetworking.Firewall.DatabricksPorts]::WorkspaceEgress | ForEach-Object { $_.ToString() }
        $sg.Ports | Should -Be $expected
        $ingress = Get-DbxFirewallRequirement -Region eu-west-1 -Purpose BackEndPrivateLink | Where-Object DestinationType -eq 'SecurityGroup'
        $ingress.Ports | Should -Be ([DatabricksNetworking.Firewall.DatabricksPorts]::EndpointIngress | ForEach-Object { $_.ToString() })
    }

    It 'round-trips through Export-Csv and Import-Csv' {
        $rules = @(Get-DbxFirewallRequirement -Region eu-west-1, us-gov-west-1 -WarningAction SilentlyContinue)
        $csv = Join-Path $TestDrive 'rules.csv'
        $rules | Export-Csv -Path $csv -NoTypeInformation
        $back = @(Import-Csv -Path $csv)
        $back.Count | Should -Be $rules.Count
        $names = $rules[0].PSObject.Properties.Name
        $back[0].PSObject.Properties.Name | Should -Be $names
        $differences = for ($i = 0; $i -lt $rules.Count; $i++) {
            foreach ($n in $names) { if ("$($back[$i].$n)" -cne "$($rules[$i].$n)") { "row $i, ${n}: '$($back[$i].$n)' <> '$($rules[$i].$n)'" } }
        }
        $differences | Should -BeNullOrEmpty
    }

    It 'binds -Region from Get-DbxWorkspace output (one set of rules per region)' {
        Connect-TestAccount | Out-Null
        $rules = @(Get-DbxWorkspace | Get-DbxFirewallRequirement -Purpose BackEndPrivateLink)
        $rules.Region | Sort-Object -Unique | Should -Be @('eu-west-1', 'us-east-1')
        $single = @(Get-DbxFirewallRequirement -Region us-east-1 -Purpose BackEndPrivateLink)
        @($rules | Where-Object Region -eq 'us-east-1').Count | Should -Be $single.Count
    }

    It 'has a help page that shows the as-of date of the table' {
        $page = Get-Content (Join-Path $root 'docs/cmdlets/Get-DbxFirewallRequirement.md') -Raw
        $page | Should -Match ([regex]::Escape($asOf))
    }
}
