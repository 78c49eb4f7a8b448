BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    Connect-TestAccount | Out-Null
    $script:a = New-DbxNetworkConnectivityConfig -Name (New-TestName 'egress') -Region ap-south-1
    $script:b = New-DbxNetworkConnectivityConfig -Name (New-TestName 'egress') -Region ap-south-1
    $script:c = New-DbxNetworkConnectivityConfig -Name (New-TestName 'egress') -Region sa-east-1
}
AfterAll { $script:a, $script:b, $script:c | Remove-DbxNetworkConnectivityConfig -Force -ErrorAction SilentlyContinue }

Describe 'Get-DbxServerlessEgressIp' {
    It 'emits one object per stable CIDR of an NCC, with the NCC and region on each' {
        $ips = @($script:a | Get-DbxServerlessEgressIp -WarningAction SilentlyContinue)
        $ips.Count | Should -Be $script:a.StableEgressCidrs.Count
        $ips.Count | Should -BeGreaterThan 0
        $ips.Cidr | Should -Be $script:a.StableEgressCidrs
        foreach ($ip in $ips) {
            $ip | Should -BeOfType DatabricksNetworking.Models.ServerlessEgressIp
            $ip.NetworkConnectivityConfigId | Should -Be $script:a.NetworkConnectivityConfigId
            $ip.NetworkConnectivityConfigName | Should -Be $script:a.Name
            $ip.Region | Should -Be 'ap-south-1'
            $ip.Cidr | Should -Be "$($ip.Address)/$($ip.PrefixLength)"
            [System.Net.IPAddress]::Parse($ip.Address).AddressFamily | Should -Be 'InterNetwork'
        }
    }

    It 'warns that Databricks is retiring these lists in favour of its published IP ranges' {
        $null = $script:a | Get-DbxServerlessEgressIp -WarningVariable warn -WarningAction SilentlyContinue
        $warn.Count | Should -Be 1
        "$warn" | Should -Match 'retiring'
        "$warn" | Should -Match 'published'
    }

    It 'gives the same CIDRs to NCCs of one region and different ones to another region' {
        $ipsA = ($script:a | Get-DbxServerlessEgressIp -WarningAction SilentlyContinue).Cidr
        $ipsB = (Get-DbxServerlessEgressIp -NetworkConnectivityConfigId $script:b.NetworkConnectivityConfigId -WarningAction SilentlyContinue).Cidr
        $ipsC = ($script:c | Get-DbxServerlessEgressIp -WarningAction SilentlyContinue).Cidr
        $ipsB | Should -Be $ipsA
        @($ipsC | Where-Object { $_ -in $ipsA }).Count | Should -Be 0
    }

    It 'covers every NCC of a region when no id is given, and feeds an S3 bucket policy condition' {
        $ips = @(Get-DbxServerlessEgressIp -Region sa-east-1 -WarningAction SilentlyContinue)
        $ips.NetworkConnectivityConfigId | Should -Contain $script:c.NetworkConnectivityConfigId
        $ips.Region | Sort-Object -Unique | Should -Be 'sa-east-1'
        $condition = @{ NotIpAddress = @{ 'aws:SourceIp' = @($ips.Cidr | Sort-Object -Unique) } } | ConvertTo-Json -Depth 5
        ($condition | ConvertFrom-Json).NotIpAddress.'aws:SourceIp' | Should -Be @($script:c.StableEgressCidrs | Sort-Object -Unique)
    }

    It 'reports an unknown NCC and goes on with the next one' {
        $out = @('9e9e9e9e-0000-4000-8000-000000000000', $script:c.NetworkConnectivityConfigId | Get-DbxServerlessEgressIp -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable err)
        $out.NetworkConnectivityConfigId | Sort-Object -Unique | Should -Be $script:c.NetworkConnectivityConfigId
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
    }
}
