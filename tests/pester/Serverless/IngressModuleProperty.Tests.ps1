# Property test (issue 15, Done when): the MODULE's offline Test-DbxIngressAccess agrees with the EMULATOR's enforcement
# on generated (address, identity, destination, policy) cases. The two are written independently (module:
# Cmdlets/Serverless/IngressEvaluator.cs; emulator: Areas/IngressRules.cs). Policies are built with New-DbxIngressRule
# and written with Set-DbxNetworkPolicy (the emulator validates them); workspace API cases are real requests with a forged
# X-Forwarded-For (private emulator, --trust-forwarded-for) under the token of a user or a service principal; the
# destinations the emulator serves no host for (UI, apps, Lakebase) go through /_emulator/ingress-evaluate. The module
# decides on the very policy objects the emulator returned. Decision, deciding rule and dry-run decision are compared.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet', '--trust-forwarded-for')
    $script:pctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $seed = Get-TestSeed
    $script:ws = [long]$seed.WorkspaceId
    $script:base = $emu.Url.TrimEnd('/')
    $script:http = [System.Net.Http.HttpClient]::new()
    $tok = Invoke-RestMethod -Method Post -Uri "$base/oidc/accounts/$($seed.AccountId)/v1/token" -ContentType 'application/x-www-form-urlencoded' `
        -Body @{ grant_type = 'client_credentials'; client_id = $seed.ClientId; client_secret = $seed.ClientSecret; scope = 'all-apis' }
    # Callers: the seed's user (id 7000, its account PAT) and service principal (id 7001, an OAuth token).
    $script:callers = @(
        [pscustomobject]@{ Identity = 'user:7000'; Token = $seed.AccountToken }
        [pscustomobject]@{ Identity = 'servicePrincipal:7001'; Token = $tok.access_token }
    )
    # -Force once the ingress lockout guard gives these cmdlets one (the generated policies lock callers out on purpose).
    $script:force = @{}
    if ((Get-Command Set-DbxNetworkPolicy).Parameters.ContainsKey('Force')) { $script:force.Force = $true }
    $script:bindForce = @{}
    if ((Get-Command Set-DbxWorkspaceNetworkPolicy).Parameters.ContainsKey('Force')) { $script:bindForce.Force = $true }
    $script:policyId = 'prop-module'
    New-DbxNetworkPolicy -Context $pctx -NetworkPolicyId $policyId -RestrictionMode FullAccess | Out-Null
    Set-DbxWorkspaceNetworkPolicy -Context $pctx -WorkspaceId $ws -NetworkPolicyId $policyId @bindForce -Confirm:$false | Out-Null

    $script:rng = [System.Random]::new(15)
    function Pick([object[]]$From) { $From[$rng.Next($From.Count)] }
    $script:ranges = @('203.0.113.0/24', '203.0.113.0/28', '203.0.113.77', '198.51.100.0/24', '198.51.100.128/25', '192.0.2.10', '8.8.8.0/24', '1.1.1.1')
    $script:identities = @('user:7000', 'servicePrincipal:7001', 'user:7002', 'servicePrincipal:7000')
    $script:scopes = @('sql', 'clusters', 'jobs', 'all-apis')
    function New-Address {
        switch ($rng.Next(8)) {
            0 { '10.{0}.{1}.{2}' -f $rng.Next(256), $rng.Next(256), $rng.Next(1, 255) }
            1 { Pick @('127.0.0.1', '192.168.1.20', '172.16.5.4', '100.64.0.9') }
            2 { '8.8.{0}.{1}' -f (Pick @(8, 4)), $rng.Next(1, 255) }
            3 { Pick @('203.0.113.77', '192.0.2.10', '1.1.1.1', '198.51.100.128', '203.0.113.15', '203.0.113.16') }
            default { '{0}.{1}' -f (Pick @('203.0.113', '198.51.100', '192.0.2')), $rng.Next(1, 255) }
        }
    }
    function New-Rule([string]$Label) {
        $p = @{ Action = (Pick @('Allow', 'Deny', 'Allow')); Label = $Label }
        switch ($rng.Next(5)) {
            0 { $p.AllIpRanges = $true; if ($rng.Next(2)) { $p.ExcludedIpRange = @(Pick $ranges) } }
            1 { $p.ExcludedIpRange = @(Pick $ranges) }
            default { $p.IpRange = @(Pick $ranges; if ($rng.Next(2)) { Pick $ranges }) | Select-Object -Unique; if ($rng.Next(3) -eq 0) { $p.ExcludedIpRange = @(Pick $ranges) } }
        }
        if ($rng.Next(3)) {
            $d = @(Pick @('WorkspaceApi', 'WorkspaceUi', 'AppsRuntime', 'LakebaseRuntime', 'WorkspaceApi'); if ($rng.Next(2)) { Pick @('WorkspaceUi', 'WorkspaceApi') }) | Select-Object -Unique
            $p.Destination = $d
            if ($d -contains 'WorkspaceApi') {
                switch ($rng.Next(4)) {
                    0 { $p.ApiScope = @(Pick $scopes; Pick $scopes) | Select-Object -Unique }
                    1 { $p.ApiScope = @(Pick $scopes); $p.ApiScopeQualifier = 'Read' }
                    2 { $p.ApiScopeQualifier = 'All' }
                    default { }
                }
            }
        }
        switch ($rng.Next(5)) {
            0 { $p.AllUsers = $true }
            1 { $p.AllServicePrincipals = $true }
            2 { $p.Identity = @(Pick $identities; if ($rng.Next(2)) { Pick $identities }) | Select-Object -Unique }
            default { }
        }
        # The docs: apps take only the all-users-and-service-principals option; keep generated rules valid.
        if ($p.Destination -contains 'AppsRuntime') { $p.Remove('Identity'); $p.Remove('AllUsers'); $p.Remove('AllServicePrincipals') }
        New-DbxIngressRule @p
    }
    function Get-EmulatorLabel([string]$Rule) { if ($Rule -match "'(.+)'$") { $Matches[1] } else { $null } }
}

AfterAll {
    if ($script:http) { $http.Dispose() }
    $emu | Stop-TestService
}

Describe 'Test-DbxIngressAccess (module) agrees with the emulator''s ingress enforcement' {
    It 'on at least 2,000 generated cases: decision, deciding rule and dry-run decision' {
        $total = 0; $agree = 0; $allowed = 0; $rounds = 0; $real = 0; $byRule = 0
        $mismatches = [System.Collections.Generic.List[string]]::new()
        $sw = [Diagnostics.Stopwatch]::StartNew()
        for ($round = 0; $round -lt 36; $round++) {
            $rules = @(for ($i = 0; $i -lt $rng.Next(1, 5); $i++) { New-Rule "r$round-$i" })
            $mode = Pick @('RestrictedAccess', 'FullAccess', 'RestrictedAccess')
            $policy = Set-DbxNetworkPolicy -Context $pctx -NetworkPolicyId $policyId -PublicAccessRestrictionMode $mode -IngressRule $rules @force -Confirm:$false -PassThru -WarningAction SilentlyContinue
            if ($rng.Next(2)) {
                $dryRules = @(for ($i = 0; $i -lt $rng.Next(1, 3); $i++) { New-Rule "d$round-$i" })
                $policy = Set-DbxNetworkPolicy -Context $pctx -NetworkPolicyId $policyId -IngressDryRun -PublicAccessRestrictionMode (Pick @('RestrictedAccess', 'FullAccess')) -IngressRule $dryRules @force -Confirm:$false -PassThru -WarningAction SilentlyContinue
            }
            $policy.NetworkPolicyId | Should -Be $policyId
            $rounds++
            Invoke-EmulatorControl -Emulator $emu -Method Post -Path 'ingress-log/reset' | Out-Null

            # Real workspace API requests: scope = the path's first segment after /api/2.0, GET = read only.
            $cases = @(for ($i = 0; $i -lt 50; $i++) {
                    [pscustomobject]@{ Address = New-Address; Caller = Pick $callers; Scope = Pick @('sql', 'clusters', 'jobs', 'ip-access-lists'); Get = [bool]$rng.Next(2) }
                })
            foreach ($c in $cases) {
                $msg = [System.Net.Http.HttpRequestMessage]::new($(if ($c.Get) { [System.Net.Http.HttpMethod]::Get } else { [System.Net.Http.HttpMethod]::Post }), "$base/api/2.0/$($c.Scope)/property-probe")
                $msg.Headers.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $c.Caller.Token)
                $msg.Headers.Add('X-Databricks-Org-Id', [string]$ws)
                $msg.Headers.Add('X-Forwarded-For', $c.Address)
                $resp = $http.SendAsync($msg).GetAwaiter().GetResult()
                $body = $resp.Content.ReadAsStringAsync().GetAwaiter().GetResult()
                $c | Add-Member EmuAllowed (-not ([int]$resp.StatusCode -eq 403 -and $body -like '*context-based ingress*'))
                $resp.Dispose(); $msg.Dispose()
            }
            $log = @((Invoke-EmulatorControl -Emulator $emu -Path 'ingress-log').decisions)
            $enforcedLog = @($log | Where-Object enforcement -eq 'enforced')
            $dryLog = @($log | Where-Object enforcement -eq 'dry_run')
            $enforcedLog.Count | Should -Be $cases.Count
            for ($i = 0; $i -lt $cases.Count; $i++) {
                $c = $cases[$i]
                $m = $policy | Test-DbxIngressAccess -IpAddress $c.Address -Identity $c.Caller.Identity -Destination WorkspaceApi -ApiScope $c.Scope -ReadOnly:$c.Get
                $emuRule = Get-EmulatorLabel $enforcedLog[$i].rule
                $ok = ($m.Allowed -eq $c.EmuAllowed) -and ($m.Allowed -eq ($enforcedLog[$i].decision -eq 'ALLOW')) -and ($m.DecidingRule -eq $emuRule)
                if ($dryLog.Count) { $ok = $ok -and (($m.DryRunDecision -eq 'Allowed') -eq ($dryLog[$i].decision -eq 'ALLOW')) }
                $total++; $real++
                if ($m.Allowed) { $allowed++ }
                if ($m.DecidingRule) { $byRule++ }
                if ($ok) { $agree++ } elseif ($mismatches.Count -lt 10) {
                    $mismatches.Add("round $round $($c.Address) $($c.Caller.Identity) api/$($c.Scope) get=$($c.Get): module $($m.Decision)/$($m.DecidingRule)/dry $($m.DryRunDecision), emulator $($enforcedLog[$i].decision)/$($enforcedLog[$i].rule)/http-allowed $($c.EmuAllowed); rules: $($policy.Ingress | ConvertTo-Json -Depth 12 -Compress)")
                }
            }

            # Destinations without an emulator host: the emulator's batch evaluator (the enforcement's own decision).
            $other = @(for ($i = 0; $i -lt 12; $i++) {
                    [pscustomobject]@{ Address = New-Address; Identity = Pick $identities; Destination = Pick @('WorkspaceUi', 'AppsRuntime', 'LakebaseRuntime') }
                })
            $wire = @{ WorkspaceUi = 'workspace_ui'; AppsRuntime = 'apps_runtime'; LakebaseRuntime = 'lakebase_runtime' }
            $batch = @{ cases = @($other | ForEach-Object {
                        $kind, $id = $_.Identity -split ':'
                        @{ workspace_id = $ws; address = $_.Address; principal_id = [long]$id; destination = $wire[$_.Destination]
                            principal_type = $(if ($kind -eq 'user') { 'PRINCIPAL_TYPE_USER' } else { 'PRINCIPAL_TYPE_SERVICE_PRINCIPAL' }) }
                    }) }
            $results = @((Invoke-EmulatorControl -Emulator $emu -Method Post -Path 'ingress-evaluate' -Body $batch).results)
            for ($i = 0; $i -lt $other.Count; $i++) {
                $o = $other[$i]; $r = $results[$i]
                $m = $policy | Test-DbxIngressAccess -IpAddress $o.Address -Identity $o.Identity -Destination $o.Destination
                $ok = ($m.Allowed -eq [bool]$r.allowed) -and ($m.DecidingRule -eq (Get-EmulatorLabel $r.rule))
                if ($r.PSObject.Properties['dry_run'] -and $r.dry_run) { $ok = $ok -and (($m.DryRunDecision -eq 'Allowed') -eq [bool]$r.dry_run.allowed) }
                $total++
                if ($m.Allowed) { $allowed++ }
                if ($ok) { $agree++ } elseif ($mismatches.Count -lt 10) {
                    $mismatches.Add("round $round $($o.Address) $($o.Identity) $($o.Destination): module $($m.Decision)/$($m.DecidingRule), emulator $($r.allowed)/$($r.rule)")
                }
            }
        }
        $sw.Stop()
        Write-Host ("Ingress module-vs-emulator property: {0} cases ({1} real requests, {2} rounds of generated policies), {3} agree ({4:P1}), {5} allowed, {6} decided by a rule, {7:N1} s" -f $total, $real, $rounds, $agree, ($agree / [math]::Max(1, $total)), $allowed, $byRule, $sw.Elapsed.TotalSeconds)
        $mismatches | ForEach-Object { Write-Host "  MISMATCH $_" }
        $total | Should -BeGreaterOrEqual 2000
        # The generator must exercise both outcomes and rule-decided cases, or agreement says little.
        $allowed | Should -BeGreaterThan ($total * 0.2)
        $allowed | Should -BeLessThan ($total * 0.8)
        $byRule | Should -BeGreaterThan ($real * 0.2)
        $agree | Should -Be $total
    }
}
