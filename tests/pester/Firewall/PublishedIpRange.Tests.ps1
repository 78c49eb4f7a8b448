BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:fixtures = Join-Path (Split-Path (Split-Path $PSScriptRoot -Parent) -Parent) 'fixtures'
    $script:url = (Get-TestEnvironment).EmulatorUrl
    $script:feedUri = "$url/_emulator/ip-ranges.json"
    $script:savedCacheDir = $env:DBX_CACHE_DIR
    $script:cache = Join-Path $TestDrive 'cache'
    $env:DBX_CACHE_DIR = $cache
    # A free port with nothing listening on it: the "feed is unreachable" case.
    $script:closedUri = "http://127.0.0.1:$(Get-FreeTcpPort)/networking/v1/ip-ranges.json"
    $script:fixtureTime = [DateTimeOffset]::FromUnixTimeSeconds(1788759480).UtcDateTime
}

AfterAll {
    $env:DBX_CACHE_DIR = $script:savedCacheDir
}

Describe 'Get-DbxPublishedIpRange' {
    Context 'from a URL (the emulator serves the fixture feed)' {
        BeforeEach { Remove-Item $cache -Recurse -Force -ErrorAction SilentlyContinue }

        It 'emits one object per AWS prefix of the region and type, with the feed timestamp' {
            $r = @(Get-DbxPublishedIpRange -Uri $feedUri -Region us-west-2 -Type Outbound -WarningAction SilentlyContinue)
            $r.Prefix | Should -Be @('18.246.106.0/24', '3.42.138.0/25', '44.234.192.32/28', '52.27.216.188/32')
            $r[0].PSObject.TypeNames[0] | Should -Be 'DatabricksNetworking.Models.PublishedIpRange'
            foreach ($x in $r) {
                $x.Platform | Should -Be 'aws'; $x.Region | Should -Be 'us-west-2'; $x.Type | Should -Be 'outbound'
                $x.AddressFamily | Should -Be 'IPv4'; $x.FeedTimestamp | Should -Be $fixtureTime
                $x.Source | Should -Be $feedUri; $x.FromCache | Should -BeFalse
                $x.SourceKind | Should -Be 'EmulatorFixture'
            }
        }

        It 'labels the emulator feed as a fixture: SourceKind in the default view, and one warning per call' {
            # A pipeline of two workspaces is one call: one warning, not one per region or per object.
            Connect-TestAccount | Out-Null
            $r = @(Get-DbxWorkspace | Get-DbxPublishedIpRange -Uri $feedUri -Type Outbound -WarningVariable w -WarningAction SilentlyContinue)
            $r.Count | Should -BeGreaterThan 1
            $r.SourceKind | Sort-Object -Unique | Should -Be 'EmulatorFixture'
            $w.Count | Should -Be 1
            "$w" | Should -Match "not Databricks' published ranges"
            "$w" | Should -Match ([regex]::Escape($feedUri))
            $table = $r | Format-Table | Out-String -Width 160
            $table | Should -Match 'SourceKind'
            $table | Should -Match 'EmulatorFixture'
            ($r | Format-Table | Out-String -Width 80) | Should -Match 'EmulatorFixture' -Because 'the label survives a narrow terminal'
        }

        It 'keeps only AWS entries, and filters by type' {
            $all = @(Get-DbxPublishedIpRange -Uri $feedUri)
            $all.Count | Should -Be 14
            $all.Platform | Sort-Object -Unique | Should -Be 'aws'
            $all.Prefix | Should -Not -Contain '192.0.2.0/28'
            $in = @(Get-DbxPublishedIpRange -Uri $feedUri -Region ap-northeast-1 -Type Inbound)
            $in.Prefix | Should -Be @('18.99.67.176/28', '35.72.28.0/28')
        }

        It 'follows a redirect' {
            $r = @(Get-DbxPublishedIpRange -Uri "$url/_emulator/ip-ranges-redirect" -Region eu-west-1 -Type Outbound)
            $r.Prefix | Should -Be @('3.250.244.112/28', '46.137.47.49/32')
        }

        It 'binds -Region from Get-DbxWorkspace output, one set per region' {
            Connect-TestAccount | Out-Null
            $r = @(Get-DbxWorkspace | Get-DbxPublishedIpRange -Uri $feedUri -Type Outbound)
            $r.Region | Sort-Object -Unique | Should -Be @('eu-west-1', 'us-east-1')
            $r.Count | Should -Be 4
        }

        It 'warns when the feed has nothing for the region' {
            $r = @(Get-DbxPublishedIpRange -Uri $feedUri -Region sa-east-1 -WarningVariable w -WarningAction SilentlyContinue)
            $r.Count | Should -Be 0
            ($w -join ' ') | Should -Match 'no AWS prefixes for sa-east-1'
        }

        It 'rejects an unknown region before reading the feed' {
            $r = @(Get-DbxPublishedIpRange -Uri $closedUri -Region mars-1 -ErrorVariable e -ErrorAction SilentlyContinue)
            $r.Count | Should -Be 0
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidRegion*'
        }
    }

    Context 'the cache of the last good copy' {
        BeforeEach { Remove-Item $cache -Recurse -Force -ErrorAction SilentlyContinue }

        It 'serves the cached copy of the same source with a warning saying how old it is when that source is unreachable' {
            # A private emulator, stopped after the first read: the same URL, now unreachable.
            $own = Start-TestEmulator -Arguments @('--quiet')
            $ownUri = "$($own.Url)/_emulator/ip-ranges.json"
            try { $fresh = @(Get-DbxPublishedIpRange -Uri $ownUri -Region us-west-2 -WarningAction SilentlyContinue) }
            finally { $own | Stop-TestService }
            Test-Path ([DatabricksNetworking.Firewall.PublishedIpRangeCache]::new($cache).FilePathFor($ownUri)) | Should -BeTrue
            $r = @(Get-DbxPublishedIpRange -Uri $ownUri -Region us-west-2 -WarningVariable w -WarningAction SilentlyContinue)
            $r.Prefix | Should -Be $fresh.Prefix
            $r.FromCache | Sort-Object -Unique | Should -BeTrue
            $r[0].Source | Should -Be $ownUri
            $r.SourceKind | Sort-Object -Unique | Should -Be 'EmulatorFixture' -Because 'a cached copy keeps the kind of its source'
            $text = $w -join ' '
            $text | Should -Match ([regex]::Escape("Could not read $ownUri"))
            $text | Should -Match "not Databricks' published ranges"
            $text | Should -Match 'cached copy fetched .* \(\d+ seconds? ago\)'
            $text | Should -Match 'dated 2026-09-07 05:38 UTC \(\d+ days'
        }

        It 'never serves a copy of another source: after a read from the emulator, an unreachable URL has no cached copy' {
            Get-DbxPublishedIpRange -Uri $feedUri -WarningAction SilentlyContinue | Out-Null
            $r = @(Get-DbxPublishedIpRange -Uri $closedUri -Region us-west-2 -ErrorVariable e -ErrorAction SilentlyContinue -WarningVariable w -WarningAction SilentlyContinue)
            $r.Count | Should -Be 0 -Because 'the fixture must not stand in for another source'
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpRangesUnreachable*'
            $e[0].Exception.Message | Should -Match 'no cached copy'
            $w.Count | Should -Be 0
            # Databricks' own URL: nothing is cached under its key, so a fallback for it can never be the fixture.
            $c = [DatabricksNetworking.Firewall.PublishedIpRangeCache]::new($cache)
            $public = [DatabricksNetworking.Client.Api.PublishedIpRangesApi]::DefaultUri
            Test-Path $c.FilePathFor($public) | Should -BeFalse
            $c.TryRead($public) | Should -BeNullOrEmpty
            @(Get-ChildItem $cache -Filter 'ip-ranges.*.json' | Where-Object Name -notlike '*.meta.json').Count | Should -Be 1
        }

        It 'falls back on an HTTP error status too' {
            Get-DbxPublishedIpRange -Uri $feedUri -Region us-west-2 | Out-Null
            $r = @(Get-DbxPublishedIpRange -Uri "$($feedUri)?status=503" -Region us-west-2 -WarningVariable w -WarningAction SilentlyContinue)
            $r.Count | Should -Be 4
            ($w -join ' ') | Should -Match 'HTTP 503'
        }

        It 'fails clearly when the feed is unreachable and nothing is cached' {
            $r = @(Get-DbxPublishedIpRange -Uri $closedUri -ErrorVariable e -ErrorAction SilentlyContinue)
            $r.Count | Should -Be 0
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpRangesUnreachable*'
            $e[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $e[0].Exception.Message | Should -Match 'no cached copy'
        }

        It 'does not replace the cached copy with a feed that fails validation' {
            # The same source (one emulator's URL) first serves a good feed, then bad JSON (--ip-ranges-file is read on every request).
            $file = Join-Path $TestDrive 'served.json'
            Copy-Item (Join-Path $fixtures 'ip-ranges.json') $file
            $own = Start-TestEmulator -Arguments @('--ip-ranges-file', $file, '--quiet')
            try {
                $ownUri = "$($own.Url)/_emulator/ip-ranges.json"
                Get-DbxPublishedIpRange -Uri $ownUri -WarningAction SilentlyContinue | Out-Null
                $cached = [DatabricksNetworking.Firewall.PublishedIpRangeCache]::new($cache).FilePathFor($ownUri)
                $before = Get-FileHash $cached
                Copy-Item (Join-Path $fixtures 'ip-ranges-bad-json.json') $file -Force
                $r = @(Get-DbxPublishedIpRange -Uri $ownUri -ErrorVariable e -ErrorAction SilentlyContinue)
                $r.Count | Should -Be 0
                $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpRangesInvalidJson*'
            } finally { $own | Stop-TestService }
            (Get-FileHash $cached).Hash | Should -Be $before.Hash
        }
    }

    Context 'from a file (-Path), including malformed feeds' {
        It 'reads the fixture feed' {
            $r = @(Get-DbxPublishedIpRange -Path (Join-Path $fixtures 'ip-ranges.json') -Region eu-west-1 -WarningVariable w)
            $r.Count | Should -Be 3
            $r[0].Source | Should -Be (Join-Path $fixtures 'ip-ranges.json')
            $r.SourceKind | Sort-Object -Unique | Should -Be 'File'
            $w.Count | Should -Be 0 -Because "a file is labelled File; the fixture warning is for the emulator's feed"

        }

        It 'rejects bad JSON' {
            { Get-DbxPublishedIpRange -Path (Join-Path $fixtures 'ip-ranges-bad-json.json') -ErrorAction Stop } |
                Should -Throw -ErrorId 'DbxIpRangesInvalidJson*'
        }

        It 'rejects an unknown schema version, naming it' {
            $e = { Get-DbxPublishedIpRange -Path (Join-Path $fixtures 'ip-ranges-unknown-schema.json') -ErrorAction Stop } |
                Should -Throw -ErrorId 'DbxIpRangesUnknownSchema*' -PassThru
            $e.Exception.Message | Should -Match "schemaVersion '2\.0'"
        }

        It 'reads IPv6-only entries as IPv6 prefixes' {
            $r = @(Get-DbxPublishedIpRange -Path (Join-Path $fixtures 'ip-ranges-ipv6-only.json') -ErrorVariable e)
            $e.Count | Should -Be 0
            $r.Prefix | Should -Be @('2001:db8:1000::/40', '2001:db8:2000::/40', '2001:db8:3000::/40')
            $r.AddressFamily | Sort-Object -Unique | Should -Be 'IPv6'
        }

        It 'names the entry that lacks a region, and still emits the good entries' {
            $r = @(Get-DbxPublishedIpRange -Path (Join-Path $fixtures 'ip-ranges-missing-region.json') -Region us-west-2 -ErrorVariable e -ErrorAction SilentlyContinue)
            $r.Prefix | Should -Be @('18.246.106.0/24', '3.42.138.0/25')
            $e.Count | Should -Be 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpRangesInvalidEntry*'
            $e[0].TargetObject | Should -Be 'prefixes[0] (aws/<no region>/outbound)'
            $e[0].Exception.Message | Should -Match 'is missing region'
        }

        It 'names each malformed prefix and leaves it out' {
            $r = @(Get-DbxPublishedIpRange -Path (Join-Path $fixtures 'ip-ranges-malformed-prefix.json') -ErrorVariable e -ErrorAction SilentlyContinue)
            $r.Prefix | Should -Be '18.246.106.0/24'
            $e.Count | Should -Be 3
            $text = $e.Exception.Message -join "`n"
            foreach ($bad in '10.0.0.300/24', 'not-a-cidr', '2001:db8::/129') { $text | Should -Match ([regex]::Escape("'$bad'")) }
            $e[0].TargetObject | Should -Be 'prefixes[0] (aws/us-west-2/outbound)'
        }

        It 'reports a missing file' {
            { Get-DbxPublishedIpRange -Path (Join-Path $TestDrive 'nope.json') -ErrorAction Stop } | Should -Throw -ErrorId 'DbxIpRangesFileUnreadable*'
        }
    }
}
