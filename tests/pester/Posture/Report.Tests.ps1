# Export-DbxNetworkPostureReport against the posture seed: the page is self-contained, its figures match the posture
# objects (and Test-DbxNetworkCompliance), and it renders: in headless Chromium (screenshot, JavaScript ran, sorting
# works) where /usr/bin/chromium exists, otherwise a structural check of the HTML. The test's name says which mode ran.
BeforeDiscovery {
    $script:chromium = @('/usr/bin/chromium', '/usr/bin/chromium-browser') | Where-Object { Test-Path $_ } | Select-Object -First 1
    $script:renderMode = if ($chromium) { @{ Mode = 'headless Chromium screenshot'; Chromium = $chromium } } else { @{ Mode = 'HTML structure only, Chromium is not installed'; Chromium = $null } }
}

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
        $bars.Count | Should -Be 10
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
            [int]$r.Groups[2].Value | Should -Be (10 - $mine.Count)
        }
        (Get-Attr '<tr data-workspace-id="\d+" data-control="\w+" data-severity="\w+">').Count | Should -Be $findings.Count
        $summary = Get-Attr '<section class="cards" id="summary" data-workspaces="(\d+)" data-incomplete="(\d+)" data-findings="(\d+)">'
        $summary[0].Groups[1].Value | Should -Be 4
        $summary[0].Groups[2].Value | Should -Be (@($postures | Where-Object { -not $_.Complete }).Count)
        $summary[0].Groups[3].Value | Should -Be $findings.Count
        foreach ($s in 'Critical', 'High', 'Medium', 'Low') {
            (Get-Attr "data-severity=`"$s`" data-count=`"(\d+)`"")[0].Groups[1].Value | Should -Be (@($findings | Where-Object Severity -eq $s).Count)
        }
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

    It 'renders correctly (mode: <Mode>)' -ForEach @($renderMode) {
        if ($Chromium) {
            $png = Join-Path $tmp 'report.png'
            $url = "file://$reportPath"
            $flags = @('--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', "--user-data-dir=$(Join-Path $tmp 'profile')")
            $log = & $Chromium @flags '--window-size=1400,1600' "--screenshot=$png" $url 2>&1 | Out-String
            Test-Path $png | Should -BeTrue -Because "Chromium wrote no screenshot: $log"
            $bytes = [IO.File]::ReadAllBytes($png)
            ($bytes[0..7] -join ',') | Should -Be '137,80,78,71,13,10,26,10' -Because 'a PNG was written'
            [BitConverter]::ToUInt32([byte[]]($bytes[19..16]), 0) | Should -Be 1400 -Because 'the PNG is the window width'
            $bytes.Length | Should -BeGreaterThan 30000 -Because 'a blank page compresses to a few KB; the report has text, bars and tables'
            # The DOM after the page's own JavaScript ran, sorted by the link hash: most failures first.
            $dom = & $Chromium @flags '--dump-dom' "$url#sort=workspaces:Failed:descending" 2>$null | Out-String
            $dom | Should -Match '<html lang="en" data-ready="true">' -Because 'the inline script ran to the end without an error'
            $dom | Should -Match 'aria-sort="descending"[^>]*>Failed</th>'
            $order = [regex]::Matches($dom, '<tr data-workspace-id="(\d+)" data-passed="\d+" data-failed="(\d+)"') | ForEach-Object { [int]$_.Groups[2].Value }
            $order.Count | Should -Be 4
            $order | Should -Be ($order | Sort-Object -Descending)
            $order[0] | Should -BeGreaterThan $order[-1]
        }
        else {
            # Structure only: every table row has as many cells as its table has headings, the script and SVG are closed.
            $html | Should -Match '</script>\s*</body>\s*</html>\s*$'
            ([regex]::Matches($html, '<svg')).Count | Should -Be ([regex]::Matches($html, '</svg>')).Count
            foreach ($t in [regex]::Matches($html, '(?s)<table class="sortable" id="(\w+)">(.*?)</table>')) {
                $heads = ([regex]::Matches($t.Groups[2].Value, '<th ')).Count
                foreach ($row in [regex]::Matches($t.Groups[2].Value, '(?s)<tr data-[^>]*>(.*?)</tr>')) {
                    ([regex]::Matches($row.Groups[1].Value, '<td')).Count | Should -Be $heads -Because "every row of table $($t.Groups[1].Value) has a cell per heading"
                }
            }
            $html | Should -Match "document.documentElement.setAttribute\('data-ready', 'true'\)"
        }
    }
}
