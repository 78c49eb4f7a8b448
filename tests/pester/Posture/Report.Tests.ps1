# Export-DbxNetworkPostureReport against the posture seed: the page is self-contained, its figures match the posture
# objects (and Test-DbxNetworkCompliance), and it lays out in headless Chromium at 1920, 1366 and 390 px and in print.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-PostureEmulator
    $script:pctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ('report-' + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $tmp | Out-Null
    $script:postures = @(Get-DbxNetworkPosture -Context $pctx -ErrorAction SilentlyContinue)
    $script:reportPath = Join-Path $tmp 'report.html'
    $script:file = $postures | Export-DbxNetworkPostureReport -Path $reportPath -Title 'Nightly <posture> & co'
    $script:html = Get-Content $reportPath -Raw
    # The default baseline: every control at its default severity, for every workspace.
    $script:allControls = @{ Controls = @{
            RequireCustomerManagedVpc = 'Medium'; RequireBackEndPrivateLink = 'High'; RequireFrontEndPrivateLink = 'Medium'; DenyPublicAccess = 'High'
            RequireIpAccessLists = 'High'; ForbidOpenCidr = 'Critical'; RequireRestrictedEgress = 'Medium'; RequireEnforcedPolicy = 'Medium'
            RequireNcc = 'Low'; RequireAccountIpAccessLists = 'High'
            RequireRestrictedIngress = 'High'; ForbidOpenIngress = 'Critical'; RequireAccountIngressPolicy = 'High'
        } }
    $script:findings = @($postures | Test-DbxNetworkCompliance -Baseline $allControls)
    function Get-Attr([string]$Pattern) { [regex]::Matches($html, $Pattern) }
}
AfterAll {
    $script:emu | Stop-TestService
    Remove-Item $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Export-DbxNetworkPostureReport' {
    It 'writes the page and returns the file' {
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be $reportPath
        $html | Should -Match '^<!DOCTYPE html>'
        $html | Should -Match '<title>Nightly &lt;posture&gt; &amp; co</title>' -Because 'text is HTML-encoded'
    }

    It 'is self-contained: no external script, style, font or image' {
        $html | Should -Not -Match '<link\b'
        $html | Should -Not -Match '<script[^>]*\bsrc='
        $html | Should -Not -Match '<img\b'
        $html | Should -Not -Match '@import|@font-face|url\('
        $html | Should -Not -Match 'https?://'
        $html | Should -Match '<style>'
        $html | Should -Match '<script>'
        $html | Should -Match '<svg id="chart"'
    }

    It 'charts, per control, the passed, failed and unknown counts the postures give' {
        $bars = Get-Attr '<g class="bar" data-control="(\w+)" data-passed="(\d+)" data-failed="(\d+)" data-unknown="(\d+)">'
        $bars.Count | Should -Be 11 -Because 'the account-level RequireAccountIpAccessLists and RequireAccountIngressPolicy are reported once, not charted across workspaces'
        foreach ($b in $bars) {
            $control = $b.Groups[1].Value
            $failed = @($findings | Where-Object { $_.Control -eq $control -and $_.Status -eq 'Failed' }).Count
            $unknown = @($findings | Where-Object { $_.Control -eq $control -and $_.Status -eq 'Unknown' }).Count
            [int]$b.Groups[3].Value | Should -Be $failed -Because "$control failed"
            [int]$b.Groups[4].Value | Should -Be $unknown -Because "$control unknown"
            [int]$b.Groups[2].Value | Should -Be ($postures.Count - $failed - $unknown) -Because "$control passed"
        }
        # Spot checks straight from the posture objects.
        ($bars | Where-Object { $_.Groups[1].Value -eq 'DenyPublicAccess' }).Groups[3].Value | Should -Be (@($postures | Where-Object PublicAccessEnabled).Count)
        ($bars | Where-Object { $_.Groups[1].Value -eq 'RequireBackEndPrivateLink' }).Groups[2].Value | Should -Be (@($postures | Where-Object BackEndPrivateLink).Count)
        ($bars | Where-Object { $_.Groups[1].Value -eq 'ForbidOpenCidr' }).Groups[3].Value | Should -Be (@($postures | Where-Object { $_.WideAllowEntries.Count -gt 0 }).Count)
    }

    It 'has one table row per workspace with its counts, and one findings row per finding' {
        $rows = Get-Attr '<tr data-workspace-id="(\d+)" data-passed="(\d+)" data-failed="(\d+)" data-unknown="(\d+)">'
        $rows.Count | Should -Be $postures.Count
        foreach ($r in $rows) {
            $id = [long]$r.Groups[1].Value
            $mine = @($findings | Where-Object WorkspaceId -eq $id)
            [int]$r.Groups[3].Value | Should -Be @($mine | Where-Object Status -eq 'Failed').Count
            [int]$r.Groups[4].Value | Should -Be @($mine | Where-Object Status -eq 'Unknown').Count
            [int]$r.Groups[2].Value | Should -Be (11 - $mine.Count)
        }
        (Get-Attr '<tr data-(?:workspace-id="\d+"|account-id="[^"]+") data-control="\w+" data-severity="\w+">').Count | Should -Be $findings.Count
        $summary = Get-Attr '<section class="cards" id="summary" data-workspaces="(\d+)" data-incomplete="(\d+)" data-findings="(\d+)">'
        $summary[0].Groups[1].Value | Should -Be 4
        $summary[0].Groups[2].Value | Should -Be (@($postures | Where-Object { -not $_.Complete }).Count)
        $summary[0].Groups[3].Value | Should -Be $findings.Count
        foreach ($s in 'Critical', 'High', 'Medium', 'Low') {
            (Get-Attr "data-severity=`"$s`" data-count=`"(\d+)`"")[0].Groups[1].Value | Should -Be (@($findings | Where-Object Severity -eq $s).Count)
        }
    }

    It 'reports each account control once, in the Account section and as one account row of the findings' {
        (Get-Attr '<li data-control="RequireAccountIpAccessLists"').Count | Should -Be 1
        (Get-Attr '<li data-control="RequireAccountIngressPolicy"').Count | Should -Be 1
        $off = @(Get-DbxNetworkPosture -Context $pctx -ErrorAction SilentlyContinue)
        foreach ($p in $off) { $p.AccountIpAccessListsEnabled = $false }
        $path = Join-Path $tmp 'account-off.html'
        $off | Export-DbxNetworkPostureReport -Path $path -Baseline @{ Controls = @{ RequireAccountIpAccessLists = 'High'; DenyPublicAccess = 'High' } } | Out-Null
        $page = Get-Content $path -Raw
        ([regex]::Matches($page, '<tr data-account-id="[^"]+" data-control="RequireAccountIpAccessLists"')).Count | Should -Be 1
        ([regex]::Matches($page, '<tr data-workspace-id="\d+" data-control="RequireAccountIpAccessLists"')).Count | Should -Be 0
        ([regex]::Matches($page, '<g class="bar"')).Count | Should -Be 1 -Because 'only DenyPublicAccess is charted across workspaces'
    }

    It 'scans by itself with a baseline file, and refuses a bad baseline before scanning' {
        $path = Join-Path $tmp 'scoped.html'
        Export-DbxNetworkPostureReport -Context $pctx -Path $path -Baseline @{ Controls = @{ DenyPublicAccess = 'High' } } -ErrorAction SilentlyContinue | Out-Null
        $own = Get-Content $path -Raw
        ([regex]::Matches($own, '<g class="bar"')).Count | Should -Be 1
        $own | Should -Match 'data-control="DenyPublicAccess" data-passed="1" data-failed="3" data-unknown="0"'
        $before = Get-EmulatorRequestCount -Url $emu.Url
        { Export-DbxNetworkPostureReport -Context $pctx -Path $path -Baseline @{ Controls = @{ Nope = 'High' } } } | Should -Throw -ErrorId 'DbxInvalidBaseline*'
        Get-EmulatorRequestCount -Url $emu.Url | Should -Be $before
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $tmp 'whatif.html'
        $postures | Export-DbxNetworkPostureReport -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
    }

    It 'builds its filter boxes from script, so a page without scripts shows no control that does nothing' {
        $html | Should -Not -Match 'class="filter"|<input'
        $html | Should -Match '<span class="js-only">[^<]*sort'
        $html | Should -Match '@media print \{[^@]*thead \{ display: table-header-group; \}'
    }
}

# Headless Chromium lays the page out at three widths and as printed (the print rules applied at the width of an A4
# landscape page); an injected probe reports from the DOM whether a table overflows its box and whether every column
# heading is on screen. Without Chromium (build.ps1 installs the Debian package where it can) these tests are skipped
# with a warning: never counted as passed.
Describe 'Export-DbxNetworkPostureReport in a browser (<Name>)' -ForEach @(
    @{ Name = '1920 px'; Width = 1920; Print = $false }
    @{ Name = '1366 px'; Width = 1366; Print = $false }
    @{ Name = '390 px, cards'; Width = 390; Print = $false }
    @{ Name = 'print, A4 landscape'; Width = 1047; Print = $true }
) {
    BeforeAll {
        $script:chromium = if ($env:DBX_TEST_CHROMIUM) { $env:DBX_TEST_CHROMIUM } else { @('/usr/bin/chromium', '/usr/bin/chromium-browser') | Where-Object { Test-Path $_ } | Select-Object -First 1 }
        $script:probe = $null
        if (-not $chromium) { Write-Warning "SKIPPED: headless Chromium is not installed; the HTML report was not rendered at $Name."; return }
        $page = Get-Content $reportPath -Raw
        if ($Print) { $page = $page.Replace('@media print', '@media all') }
        $script_ = Get-Content (Join-Path $PSScriptRoot 'report-probe.js') -Raw
        $page = $page.Replace('</body>', "<script>$script_</script></body>")
        $probePath = Join-Path $tmp "probe-$Width.html"
        Set-Content -Path $probePath -Value $page -Encoding utf8NoBOM
        # The page is laid out in an iframe of the asked width (a headless window is at least 500 px wide); the probe
        # writes its result into the outer page, which --dump-dom returns.
        $framePath = Join-Path $tmp "frame-$Width.html"
        Set-Content -Path $framePath -Encoding utf8NoBOM -Value "<!DOCTYPE html><html><body style=`"margin:0`"><iframe style=`"border:0;width:${Width}px;height:1000px`" src=`"probe-$Width.html#sort=workspaces:Failed:descending`"></iframe></body></html>"
        $flags = @('--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--allow-file-access-from-files',
            "--user-data-dir=$(Join-Path $tmp "profile-$Width")", '--window-size=1980,1100')
        $dom = & $chromium @flags '--dump-dom' "file://$framePath" 2>$null | Out-String
        $m = [regex]::Match($dom, '<pre id="probe">(.*?)</pre>')
        if ($m.Success) { $script:probe = [System.Net.WebUtility]::HtmlDecode($m.Groups[1].Value) | ConvertFrom-Json }
    }
    BeforeEach {
        if (-not $chromium) { Set-ItResult -Skipped -Because 'headless Chromium is not installed (apt-get install -y chromium)' }
    }

    It 'ran the page''s script and the probe at the asked width' {
        $probe | Should -Not -BeNullOrEmpty -Because 'the probe wrote its result into the DOM'
        $probe.ready | Should -Be 'true' -Because 'the page''s own script ran to the end'
        $probe.width | Should -Be $Width
        @($probe.tables.id) | Should -Be @('workspaces', 'findings')
    }

    It 'clips nothing: no table is wider than its box, the page does not scroll sideways' {
        $probe.pageOverflow | Should -BeLessOrEqual 1
        foreach ($t in $probe.tables) { $t.overflow | Should -BeLessOrEqual 1 -Because "table $($t.id) fits its box" }
    }

    It 'shows every column heading, How to fix included, and labels every cell' {
        foreach ($t in $probe.tables) {
            $hidden = @($t.headers | Where-Object { -not $_.visible } | ForEach-Object text)
            $hidden | Should -BeNullOrEmpty -Because "every heading of $($t.id) is on screen"
            @($t.unlabelled) | Should -BeNullOrEmpty
        }
        @($probe.tables[0].headers).Count | Should -Be 26
        ($probe.tables | Where-Object id -eq 'findings').headers.text | Should -Contain 'How to fix'
    }

    if ($Print) {
        It 'repeats table headings on each printed page' {
            foreach ($t in $probe.tables) { $t.theadDisplay | Should -Be 'table-header-group' }
        }
    }

    It 'sorts by the heading named in the link (most failures first)' {
        $order = @($probe.failedOrder)
        $order.Count | Should -Be 4
        $order | Should -Be ($order | Sort-Object -Descending)
        $order[0] | Should -BeGreaterThan $order[-1]
    }

    if (-not $Print) {
        It 'filters rows by the text typed in the filter box' {
            $probe.filter.shown | Should -Be $probe.filter.expected
            $probe.filter.shown | Should -BeLessThan $probe.filter.total
        }
    }
}
