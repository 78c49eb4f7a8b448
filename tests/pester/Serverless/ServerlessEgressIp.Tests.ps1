BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    # The published feed is cached per source: keep this file's copies out of the user's cache folder.
    $script:savedCacheDir = $env:DBX_CACHE_DIR
    $env:DBX_CACHE_DIR = Join-Path $TestDrive 'cache'
    # The legacy stable IP lists were decommissioned after 2026-05-25: the emulator gives them only to NCCs created
    # before that date. A private emulator (its clock is moved) makes three such NCCs a year back, then returns to today.
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    Connect-TestAccount -Url $emu.Url | Out-Null
    $script:year = 365 * 24 * 3600
    Move-EmulatorClock -Seconds (-$script:year) -Url $emu.Url
    try {
        $script:a = New-DbxNetworkConnectivityConfig -Name (New-TestName 'egress') -Region ap-south-1
        $script:b = New-DbxNetworkConnectivityConfig -Name (New-TestName 'egress') -Region ap-south-1
        $script:c = New-DbxNetworkConnectivityConfig -Name (New-TestName 'egress') -Region sa-east-1
    } finally { Move-EmulatorClock -Seconds $script:year -Url $emu.Url }
}
AfterAll {
    $env:DBX_CACHE_DIR = $script:savedCacheDir
    $emu | Stop-TestService
    Connect-TestAccount | Out-Null
}

Describe 'Get-DbxServerlessEgressIp' {
    It 'emits one object per stable CIDR of an NCC, with the NCC and region on each' {
        $ips = @($script:a | Get-DbxServerlessEgressIp -Source Legacy -WarningAction SilentlyContinue)
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

    It 'warns that Databricks retired these lists (decommissioned after 2026-05-25) in favour of its published IP ranges' {
        $null = $script:a | Get-DbxServerlessEgressIp -Source Legacy -WarningVariable warn -WarningAction SilentlyContinue
        $warn.Count | Should -Be 1
        "$warn" | Should -Match 'retired'
        "$warn" | Should -Match 'decommissioned'
        "$warn" | Should -Match 'published'
    }

    It 'invents no stable CIDRs for an NCC created after the lists were decommissioned' {
        $new = New-DbxNetworkConnectivityConfig -Name (New-TestName 'egress') -Region ap-south-1
        $new.StableEgressCidrs.Count | Should -Be 0
        (Invoke-DbxApi Get "/api/2.0/accounts/{account_id}/network-connectivity-configs/$($new.NetworkConnectivityConfigId)").egress_config.default_rules | Should -BeNullOrEmpty
        @($new | Get-DbxServerlessEgressIp -Source Legacy -WarningAction SilentlyContinue -ErrorVariable e -ErrorAction SilentlyContinue).Count | Should -Be 0
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxEgressIpUnknown,*' -Because 'no addresses at all must not read as an empty allow list'
        $e[0].Exception.Message | Should -Match 'published outbound IP ranges'
    }

    It 'gives the same CIDRs to NCCs of one region and different ones to another region' {
        $ipsA = ($script:a | Get-DbxServerlessEgressIp -Source Legacy -WarningAction SilentlyContinue).Cidr
        $ipsB = (Get-DbxServerlessEgressIp -Source Legacy -NetworkConnectivityConfigId $script:b.NetworkConnectivityConfigId -WarningAction SilentlyContinue).Cidr
        $ipsC = ($script:c | Get-DbxServerlessEgressIp -Source Legacy -WarningAction SilentlyContinue).Cidr
        $ipsB | Should -Be $ipsA
        @($ipsC | Where-Object { $_ -in $ipsA }).Count | Should -Be 0
    }

    It 'covers every NCC of a region when no id is given, and feeds an S3 bucket policy condition' {
        $ips = @(Get-DbxServerlessEgressIp -Source Legacy -Region sa-east-1 -WarningAction SilentlyContinue)
        $ips.NetworkConnectivityConfigId | Should -Contain $script:c.NetworkConnectivityConfigId
        $ips.Region | Sort-Object -Unique | Should -Be 'sa-east-1'
        $condition = @{ NotIpAddress = @{ 'aws:SourceIp' = @($ips.Cidr | Sort-Object -Unique) } } | ConvertTo-Json -Depth 5
        ($condition | ConvertFrom-Json).NotIpAddress.'aws:SourceIp' | Should -Be @($script:c.StableEgressCidrs | Sort-Object -Unique)
    }

    It 'reports an unknown NCC and goes on with the next one' {
        $out = @('9e9e9e9e-0000-4000-8000-000000000000', $script:c.NetworkConnectivityConfigId | Get-DbxServerlessEgressIp -Source Legacy -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable err)
        $out.NetworkConnectivityConfigId | Sort-Object -Unique | Should -Be $script:c.NetworkConnectivityConfigId
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
    }

    Context 'published outbound ranges first (issue 10)' {
        BeforeAll {
            $script:feedUri = "$($emu.Url)/_emulator/ip-ranges.json"
            $script:feed = Get-Content (Join-Path $PSScriptRoot '../../fixtures/ip-ranges.json') -Raw | ConvertFrom-Json
            Move-EmulatorClock -Seconds (-$script:year) -Url $emu.Url
            try { $script:us = New-DbxNetworkConnectivityConfig -Name (New-TestName 'egress') -Region us-east-1 }
            finally { Move-EmulatorClock -Seconds $script:year -Url $emu.Url }
        }
        AfterAll { $script:us | Remove-DbxNetworkConnectivityConfig -Force -ErrorAction SilentlyContinue }

        It 'prefers the published outbound IPv4 prefixes of the NCC region, without the retirement warning' {
            $expected = @($script:feed.prefixes | Where-Object { $_.platform -eq 'aws' -and $_.region -eq 'us-east-1' -and $_.type -eq 'outbound' } | ForEach-Object ipv4Prefixes)
            $expected.Count | Should -BeGreaterThan 0
            $ips = @($script:us | Get-DbxServerlessEgressIp -PublishedIpRangeUri $script:feedUri -WarningVariable warn)
            $ips.Cidr | Should -Be $expected
            $ips.Source | Sort-Object -Unique | Should -Be 'ip-ranges.json'
            $ips.Kind | Sort-Object -Unique | Should -Be 'Published'
            $ips[0].FeedTimestamp | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds($script:feed.timestampSeconds).UtcDateTime)
            $ips.NetworkConnectivityConfigId | Sort-Object -Unique | Should -Be $script:us.NetworkConnectivityConfigId
            # The emulator's feed is labelled as its fixture, with one warning (no retirement warning).
            $ips.FeedSourceKind | Sort-Object -Unique | Should -Be 'EmulatorFixture'
            $ips.FeedSource | Sort-Object -Unique | Should -Be $script:feedUri
            $warn.Count | Should -Be 1
            "$warn" | Should -Match "emulator's fixture: these are not Databricks' published ranges"
            "$warn" | Should -Not -Match 'retired'
        }

        It 'says which to use: one guidance line on the information stream and in Verbose, and names the legacy CIDRs it left out' {
            $verbose = @($script:us | Get-DbxServerlessEgressIp -PublishedIpRangeUri $script:feedUri -InformationVariable info -WarningAction SilentlyContinue -Verbose 4>&1 |
                    Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $guide = @($info | Where-Object { $_.Tags -contains 'DbxEgressIpGuidance' -and "$($_.MessageData)" -match '^Which to use' })
            $guide.Count | Should -Be 1
            "$($guide[0].MessageData)" | Should -Match 'allow the published ranges \(Kind Published'
            "$($guide[0].MessageData)" | Should -Match 'decommissioned after 2026-05-25'
            @($verbose | Where-Object Message -match '^Which to use').Count | Should -Be 1
            $script:us.StableEgressCidrs.Count | Should -BeGreaterThan 0
            @($info | Where-Object { "$($_.MessageData)" -match "also lists $($script:us.StableEgressCidrs.Count) legacy stable CIDR\(s\) \(Kind Legacy\), not written: -Source All" }).Count | Should -Be 1
        }

        It '-Source All shows the published ranges and the legacy stable CIDRs apart, each row labelled' {
            $ips = @($script:us | Get-DbxServerlessEgressIp -Source All -PublishedIpRangeUri $script:feedUri -WarningVariable warn -WarningAction SilentlyContinue -InformationVariable info)
            $published = @($ips | Where-Object Kind -eq 'Published')
            $legacy = @($ips | Where-Object Kind -eq 'Legacy')
            $published.Count + $legacy.Count | Should -Be $ips.Count
            $published.Cidr | Should -Be @($script:feed.prefixes | Where-Object { $_.platform -eq 'aws' -and $_.region -eq 'us-east-1' -and $_.type -eq 'outbound' } | ForEach-Object ipv4Prefixes)
            $legacy.Cidr | Should -Be $script:us.StableEgressCidrs
            $published.Source | Sort-Object -Unique | Should -Be 'ip-ranges.json'
            $legacy.Source | Sort-Object -Unique | Should -Be 'aws_stable_ip_rule'
            @($legacy | Where-Object FeedSourceKind).Count | Should -Be 0 -Because 'a legacy CIDR does not come from the feed'
            $published.FeedSourceKind | Sort-Object -Unique | Should -Be 'EmulatorFixture'
            @($info | Where-Object { "$($_.MessageData)" -match '^Which to use' }).Count | Should -Be 1
            # The default view shows the kinds apart.
            $table = $ips | Format-Table | Out-String -Width 160
            $table | Should -Match 'Kind'
            $table | Should -Match 'Published'
            $table | Should -Match 'Legacy'
            $table | Should -Match 'FeedSourceKind'
        }

        It 'falls back to the legacy stable IPs with a warning when the region has no published prefixes' {
            $ips = @($script:a | Get-DbxServerlessEgressIp -PublishedIpRangeUri $script:feedUri -WarningVariable warn -WarningAction SilentlyContinue)
            $ips.Cidr | Should -Be $script:a.StableEgressCidrs
            $ips.Source | Sort-Object -Unique | Should -Be 'aws_stable_ip_rule'
            "$warn" | Should -Match 'ap-south-1'
            "$warn" | Should -Match 'retired'
        }

        It 'falls back when the feed is unreachable and has no cached copy: the cached emulator fixture never stands in for another source' {
            # The tests above cached the emulator's feed in this file's cache folder; another (unreachable) source must not get it.
            @(Get-ChildItem $env:DBX_CACHE_DIR -Filter 'ip-ranges.*.json').Count | Should -BeGreaterThan 0
            $port = Get-FreeTcpPort
            $ips = @($script:us | Get-DbxServerlessEgressIp -PublishedIpRangeUri "http://127.0.0.1:$port/ip-ranges.json" -WarningVariable warn -WarningAction SilentlyContinue)
            $ips.Cidr | Should -Be $script:us.StableEgressCidrs
            $ips.Kind | Sort-Object -Unique | Should -Be 'Legacy'
            "$warn" | Should -Match 'legacy stable IPs'
            "$warn" | Should -Not -Match "emulator's fixture"
        }

        It 'reads a local copy with -PublishedIpRangePath, and -Source Published refuses a region without prefixes' {
            $path = Join-Path $PSScriptRoot '../../fixtures/ip-ranges.json'
            (@($script:us | Get-DbxServerlessEgressIp -PublishedIpRangePath $path)).Source | Sort-Object -Unique | Should -Be 'ip-ranges.json'
            $out = @($script:a | Get-DbxServerlessEgressIp -PublishedIpRangePath $path -Source Published -ErrorAction SilentlyContinue -ErrorVariable err)
            $out.Count | Should -Be 0
            $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxPublishedIpRangeMissing*'
        }
    }
}
