# Test-DbxNetworkCompliance against tests/fixtures/posture-seed.json with tests/fixtures/posture-baseline.psd1: exactly
# the expected findings (also from the same baseline as JSON and as a hashtable, piped postures or its own scan),
# invalid baselines refused before anything is sent, and -FailOn as a scheduler sees it (exit code of pwsh -File).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-PostureEmulator
    $script:pctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    $script:baselineFile = Join-Path $root 'tests/fixtures/posture-baseline.psd1'
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ('posture-' + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $tmp | Out-Null

    # The findings the seed must give against the test baseline: workspace|control|severity|status.
    $script:expected = @(
        'prod-public|RequireBackEndPrivateLink|High|Failed'
        'prod-public|DenyPublicAccess|High|Failed'
        'prod-public|ForbidOpenCidr|Critical|Failed'
        'prod-public|RequireEnforcedPolicy|Medium|Failed'
        'prod-public|RequireNcc|Low|Failed'
        'dev-broken|RequireBackEndPrivateLink|High|Failed'
        'dev-broken|DenyPublicAccess|High|Failed'
        'dev-broken|RequireIpAccessLists|High|Failed'
        'dev-broken|RequireNcc|Low|Failed'
        'sandbox-blocked|RequireBackEndPrivateLink|High|Failed'
        'sandbox-blocked|DenyPublicAccess|High|Failed'
        'sandbox-blocked|RequireIpAccessLists|High|Unknown'
        'sandbox-blocked|ForbidOpenCidr|Critical|Unknown'
        'sandbox-blocked|RequireNcc|Low|Failed'
    ) | Sort-Object
    function Format-Finding { process { "$($_.WorkspaceName)|$($_.Control)|$($_.Severity)|$($_.Status)" } }

    function Write-Baseline([string]$Name, [string]$Text) {
        $path = Join-Path $tmp $Name
        Set-Content -Path $path -Value $Text -Encoding utf8NoBOM
        $path
    }
}
AfterAll {
    $script:emu | Stop-TestService
    Remove-Item $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Test-DbxNetworkCompliance' {
    It 'gives exactly the expected findings for the seeded account (its own scan, .psd1 baseline)' {
        $findings = @(Test-DbxNetworkCompliance -Context $pctx -Baseline $baselineFile -ErrorAction SilentlyContinue -ErrorVariable err)
        ($findings | Format-Finding | Sort-Object) | Should -Be $expected
        $findings | ForEach-Object { $_ | Should -BeOfType ([DatabricksNetworking.Models.ComplianceFinding]) }
        $err.Count | Should -Be 1 -Because 'the blocked workspace is reported once, as by Get-DbxNetworkPosture'
    }

    It 'says what it saw, what it expected and how to fix it' {
        $f = Test-DbxNetworkCompliance -Context $pctx -Baseline $baselineFile -WorkspaceId 5000000000000002 | Where-Object Control -eq 'ForbidOpenCidr'
        $f.WorkspaceId | Should -Be 5000000000000002
        $f.Actual | Should -Be 'ALLOW entries wider than /8: 0.0.0.0/0 (anyone)'
        $f.Expected | Should -Be 'no workspace ALLOW entry wider than /8'
        $f.Remediation | Should -Match 'Remove-DbxIpAccessListEntry'
        $u = Test-DbxNetworkCompliance -Context $pctx -Baseline $baselineFile -WorkspaceId 5000000000000004 -ErrorAction SilentlyContinue | Where-Object Control -eq 'RequireIpAccessLists'
        $u.Status | Should -Be 'Unknown'
        $u.Actual | Should -Match '^unknown: .*403'
    }

    It 'gives the same findings for piped postures, a JSON baseline and a hashtable baseline' {
        $postures = @(Get-DbxNetworkPosture -Context $pctx -ErrorAction SilentlyContinue)
        ($postures | Test-DbxNetworkCompliance -Baseline $baselineFile | Format-Finding | Sort-Object) | Should -Be $expected
        $json = Write-Baseline 'baseline.json' @'
{
  "Name": "Posture test baseline (JSON)",
  "Controls": {
    "RequireBackEndPrivateLink": "High",
    "DenyPublicAccess": "High",
    "RequireIpAccessLists": "High",
    "ForbidOpenCidr": "Critical",
    "RequireRestrictedEgress": { "Severity": "Medium", "WorkspaceName": "prod-*" },
    "RequireEnforcedPolicy": { "Severity": "Medium", "Tag": { "env": "prod" } },
    "RequireNcc": "Low",
    "RequireAccountIpAccessLists": "High",
    "RequireFrontEndPrivateLink": { "Severity": "Medium", "ExcludeWorkspaceName": ["dev-*", "sandbox-*"] }
  }
}
'@
        ($postures | Test-DbxNetworkCompliance -Baseline $json | Format-Finding | Sort-Object) | Should -Be $expected
        $table = Import-PowerShellDataFile $baselineFile
        ($postures | Test-DbxNetworkCompliance -Baseline $table | Format-Finding | Sort-Object) | Should -Be $expected
    }

    It 'checks the account controls once per account, not once per workspace (RequireAccountIpAccessLists, RequireAccountIngressPolicy)' {
        # The account's IP access lists off on every posture (as a scan of an account without them reports it).
        $postures = @(Get-DbxNetworkPosture -Context $pctx -ErrorAction SilentlyContinue)
        $postures.Count | Should -Be 4
        foreach ($p in $postures) { $p.AccountIpAccessListsEnabled = $false }
        $f = @($postures | Test-DbxNetworkCompliance -Baseline @{ Controls = @{ RequireAccountIpAccessLists = 'High'; RequireIpAccessLists = 'High' } } 6>$null)
        $account = @($f | Where-Object Control -eq 'RequireAccountIpAccessLists')
        $account.Count | Should -Be 1 -Because 'one account, four workspaces'
        $account[0].Scope | Should -Be 'Account'
        $account[0].WorkspaceId | Should -BeNullOrEmpty
        $account[0].AccountId | Should -Be (Get-TestSeed).AccountId
        $account[0].Actual | Should -Match 'account enforcement off'
        @($f | Where-Object Control -eq 'RequireIpAccessLists').Scope | Sort-Object -Unique | Should -Be 'Workspace'
        # An account control takes no workspace scope.
        { Test-DbxNetworkCompliance -Context $pctx -Baseline @{ Controls = @{ RequireAccountIpAccessLists = @{ Severity = 'High'; WorkspaceName = 'prod-*' } } } -ErrorAction Stop } |
            Should -Throw -ErrorId 'DbxInvalidBaseline*'
    }

    It 'applies a baseline-wide scope by name and by tag' {
        $postures = @(Get-DbxNetworkPosture -Context $pctx -ErrorAction SilentlyContinue)
        $byName = @($postures | Test-DbxNetworkCompliance -Baseline @{ Scope = @{ WorkspaceName = 'prod-*'; ExcludeWorkspaceName = 'prod-secure' }; Controls = @{ DenyPublicAccess = 'High' } })
        $byName.WorkspaceName | Should -Be @('prod-public')
        $byTag = @($postures | Test-DbxNetworkCompliance -Baseline @{ Scope = @{ Tag = @{ env = 'dev' } }; Controls = @{ DenyPublicAccess = 'High' } })
        ($byTag.WorkspaceName | Sort-Object) | Should -Be @('dev-broken', 'sandbox-blocked')
        $none = @($postures | Test-DbxNetworkCompliance -Baseline @{ Controls = @{ DenyPublicAccess = @{ Severity = 'High'; Tag = @{ owner = 'plat*' } } } })
        $none | Should -BeNullOrEmpty -Because 'only prod-secure has an owner tag, and it denies public access'
    }

    Context 'invalid baselines are refused with the key (and the line) before anything is sent' {
        It '<Case>' -ForEach @(
            @{ Case = 'unknown control in a .psd1 (line and key)'; File = 'bad1.psd1'; Text = "@{`n  Controls = @{`n    DenyPublicAccess = 'High'`n    RequireNCC2 = 'Low'`n  }`n}"; Pattern = "line 4, key 'Controls.RequireNCC2': 'RequireNCC2' is not a known control" }
            @{ Case = 'bad severity in a .psd1'; File = 'bad2.psd1'; Text = "@{ Controls = @{`n DenyPublicAccess = 'Hgih' } }"; Pattern = "line 2, key 'Controls.DenyPublicAccess': 'Hgih' is not a severity: use Info, Low, Medium, High, Critical" }
            @{ Case = 'bad wildcard pattern in a .psd1'; File = 'bad3.psd1'; Text = "@{ Controls = @{ RequireNcc = @{ Severity = 'Low'`n WorkspaceName = 'prod-[' } } }"; Pattern = "line 2, key 'Controls.RequireNcc.WorkspaceName': 'prod-?' is not a valid wildcard pattern" }
            @{ Case = 'unknown top-level key in a .psd1'; File = 'bad4.psd1'; Text = "@{ Controls = @{ RequireNcc = 'Low' }`n  Controlz = 1 }"; Pattern = "line 2, key 'Controlz': unknown key" }
            @{ Case = 'a command in a .psd1'; File = 'bad5.psd1'; Text = "@{ Controls = @{ RequireNcc = (Get-Date) } }"; Pattern = "key 'Controls.RequireNcc'" }
            @{ Case = 'unknown control in JSON (line and key)'; File = 'bad6.json'; Text = "{`n  `"Controls`": {`n    `"DenyPublicAccess`": `"High`",`n    `"DenyEverything`": `"High`"`n  }`n}"; Pattern = "line 4, key 'Controls.DenyEverything': 'DenyEverything' is not a known control" }
            @{ Case = 'bad severity in JSON'; File = 'bad7.json'; Text = "{ `"Controls`": {`n `"RequireNcc`": { `"Severity`": 3 } } }"; Pattern = "line 2, key 'Controls.RequireNcc.Severity': '3' is not a severity" }
            @{ Case = 'JSON syntax error (line)'; File = 'bad8.json'; Text = "{ `"Controls`": {`n `"RequireNcc`": `"Low`"`n `"DenyPublicAccess`" } }"; Pattern = 'line 3: not valid JSON' }
            @{ Case = 'no controls'; File = 'bad9.psd1'; Text = "@{ Name = 'empty' }"; Pattern = "key 'Controls': the baseline names no controls" }
        ) {
            $path = Write-Baseline $File $Text
            $before = Get-EmulatorRequestCount -Url $emu.Url
            { Test-DbxNetworkCompliance -Context $pctx -Baseline $path } | Should -Throw -ErrorId 'DbxInvalidBaseline*' -ExpectedMessage "*$($Pattern -replace '\\','')*"
            Get-EmulatorRequestCount -Url $emu.Url | Should -Be $before -Because 'nothing is scanned with an invalid baseline'
        }

        It 'names the key of a bad hashtable baseline' {
            { Test-DbxNetworkCompliance -Context $pctx -Baseline @{ Controls = @{ RequireNcc = @{ Severity = 'Low'; Tag = @{ env = '' } } } } } |
                Should -Throw -ErrorId 'DbxInvalidBaseline*' -ExpectedMessage "*key 'Controls.RequireNcc.Tag.env'*"
        }

        It 'says when the baseline file does not exist' {
            { Test-DbxNetworkCompliance -Context $pctx -Baseline (Join-Path $tmp 'missing.psd1') } | Should -Throw -ErrorId 'DbxInvalidBaseline*' -ExpectedMessage '*does not exist*'
        }
    }

    Context '-FailOn, as a scheduler runs it (pwsh -File)' {
        BeforeAll {
            $script:pwsh = @(Get-PwshCommand)
            function Invoke-Scheduled([string]$Body) {
                $script = Join-Path $tmp ("job-" + [Guid]::NewGuid().ToString('N') + '.ps1')
                $seed = Get-TestSeed
                Set-Content -Path $script -Encoding utf8NoBOM -Value @"
Import-Module '$((Get-TestEnvironment).Module)'
`$s = ConvertTo-SecureString '$($seed.ClientSecret)' -AsPlainText -Force
Connect-DbxAccount -AccountHost '$($emu.Url)' -AccountId '$($seed.AccountId)' -ClientId '$($seed.ClientId)' -ClientSecret `$s | Out-Null
$Body
'reached the end of the script'
"@
                $a = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script)
                $out = & $pwsh[0] @a 2>&1 | Out-String
                [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $out }
            }
        }

        It 'exits non-zero when a finding at or above the severity exists, and stops the script there' {
            $r = Invoke-Scheduled "Test-DbxNetworkCompliance -Baseline '$baselineFile' -FailOn High -ErrorAction SilentlyContinue | ForEach-Object { 'finding: ' + `$_.Control }"
            $r.ExitCode | Should -Not -Be 0
            ([regex]::Matches($r.Output, 'finding: ')).Count | Should -Be 14 -Because 'every finding is written before the run fails'
            $r.Output | Should -Match 'The network compliance check failed: 10 finding\(s\) at or above High'
            ($r.Output -replace '[\s|]+', ' ') | Should -Match '\(2 Critical, 8 High\) in 3 workspace\(s\)'
            $r.Output | Should -Not -Match 'reached the end of the script'
        }

        It 'exits 0 when every finding is below the severity' {
            $r = Invoke-Scheduled "Test-DbxNetworkCompliance -Baseline @{ Controls = @{ RequireNcc = 'Low' } } -FailOn High -ErrorAction SilentlyContinue | Measure-Object | ForEach-Object { 'findings: ' + `$_.Count }"
            $r.ExitCode | Should -Be 0
            $r.Output | Should -Match 'findings: 3'
            $r.Output | Should -Match 'reached the end of the script'
        }

        It 'can be caught in the script, with the ErrorId DbxComplianceFailed' {
            $r = Invoke-Scheduled "try { Test-DbxNetworkCompliance -Baseline @{ Controls = @{ ForbidOpenCidr = 'Critical' } } -FailOn Critical -ErrorAction SilentlyContinue | Out-Null } catch { 'caught: ' + `$_.FullyQualifiedErrorId }"
            $r.ExitCode | Should -Be 0
            $r.Output | Should -Match 'caught: DbxComplianceFailed'
        }
    }
}
