# Faults: at least 500 mixed operations against an emulator that fails 20% of API requests (half 503, half a reset
# connection before the request is processed), answers 2% with 429 (seeded, so the count does not depend on how fast the machine is; the
# time-based --rate-limit 150 stays on top), and drops the answer of 10% of the writes after applying
# them. Afterwards the emulator's state must be exactly what the operations that reported success imply: no duplicate
# from a retried or re-sent create, no lost entry, nothing a failed operation left behind unnoticed, and every
# operation that did not succeed wrote an ErrorRecord.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-TestModule
    $envi = Get-TestEnvironment
    $script:Seed = Get-TestSeed
    $script:Ws = [long]1111111111111111
    $script:Operations = 520
    # No --aws-endpoint: network configurations and endpoint registrations are taken at their word, as the service
    # does before AWS answers, so the run needs no AWS objects.
    $script:emu = Start-DbxTestEmulator -EmulatorDll $envi.EmulatorDll -LogDirectory ([IO.Path]::GetTempPath()) -Arguments @(
        '--fault-rate', '0.2', '--rate-limit', '150', '--throttle-rate', '0.02', '--retry-after-seconds', '0.05', '--drop-after-commit-rate', '0.1',
        '--seed', '4242', '--pe-accept-delay', '0', '--quiet')
    # Pacing off for this context (DBX_RATE_PACING is read when a context is made): the seeded 429s come at random, not
    # from a rate, so the pacer would learn a tiny "limit" from them and slow the run from seconds to many minutes. The
    # pacer is tested on its own (xUnit RatePacingTests, RatePacerSimulation); this suite is about retries and re-sends.
    $pacing = $env:DBX_RATE_PACING
    $env:DBX_RATE_PACING = 'off'
    try { $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault } finally { $env:DBX_RATE_PACING = $pacing }
    # A retry budget that keeps the run short and makes giving up rare: 12 attempts, short back-off, 20 s per call.
    $ctx.Retry.MaxAttempts = 12
    $ctx.Retry.BaseBackoff = [TimeSpan]::FromMilliseconds(10)
    $ctx.Retry.MaxBackoff = [TimeSpan]::FromMilliseconds(200)
    $ctx.Retry.MaxRetryTime = [TimeSpan]::FromSeconds(20)
    $ctx.Retry.RequestTimeout = [TimeSpan]::FromSeconds(10)
}

AfterAll { $script:emu | Stop-TestService }

Describe 'Mixed operations against an emulator with faults, rate limiting and dropped answers' {
    BeforeAll {
        $rng = [Random]::new(4242)
        function Hex([int]$n) { -join (1..$n | ForEach-Object { '0123456789abcdef'[$rng.Next(16)] }) }
        function Pick($items) { @($items)[$rng.Next(@($items).Count)] }
        function Cidr { "10.$($rng.Next(256)).$($rng.Next(256)).0/24" }

        # What the successful operations imply, per kind: natural key -> expected fields.
        $script:model = @{
            WsList = [ordered]@{}; AcctList = [ordered]@{}; Ncc = [ordered]@{}; Policy = [ordered]@{}
            Network = [ordered]@{}; Pas = [ordered]@{}; Vpce = [ordered]@{}
        }
        # Keys whose final state no longer follows from the reports: an operation on them failed after retries, and an
        # earlier attempt may or may not have been applied. They are left out of the comparison (and counted).
        $script:uncertain = [Collections.Generic.HashSet[string]]::new()
        $script:log = [Collections.Generic.List[object]]::new()
        $c = @{ Context = $ctx }
        $stats = [DatabricksNetworking.Client.DbxStats]
        $before = @{ Retries = $stats::Retries; Recovered = $stats::RecoveredCreates; Resent = $stats::ResentCreates; Gone = $stats::DeletesAlreadyGone; Requests = $stats::Requests }
        $n = 0
        $watch = [Diagnostics.Stopwatch]::StartNew()

        while ($log.Count -lt $Operations) {
            $n++
            $choices = [Collections.Generic.List[string]]::new()
            if ($model.WsList.Count -lt 8) { $choices.Add('NewWsList') }
            if ($model.AcctList.Count -lt 6) { $choices.Add('NewAcctList') }
            if ($model.WsList.Count -gt 0) { 'SetWsList', 'UpdateWsList', 'AddWsEntry', 'AddWsEntry', 'RemoveWsEntry', 'RemoveWsList' | ForEach-Object { $choices.Add($_) } }
            if ($model.AcctList.Count -gt 0) { 'SetAcctList', 'AddAcctEntry', 'RemoveAcctEntry', 'RemoveAcctList' | ForEach-Object { $choices.Add($_) } }
            if ($model.Ncc.Count -lt 6) { $choices.Add('NewNcc') }
            if ($model.Ncc.Count -gt 0) { $choices.Add('RemoveNcc') }
            if ($model.Policy.Count -lt 8) { $choices.Add('NewPolicy') }
            if ($model.Policy.Count -gt 0) { 'SetPolicy', 'AddDestination', 'RemoveDestination', 'RemovePolicy' | ForEach-Object { $choices.Add($_) } }
            if ($model.Network.Count -lt 6) { $choices.Add('NewNetwork') }
            if ($model.Network.Count -gt 0) { $choices.Add('RemoveNetwork') }
            if ($model.Pas.Count -lt 6) { $choices.Add('NewPas') }
            if ($model.Pas.Count -gt 0) { 'SetPas', 'RemovePas' | ForEach-Object { $choices.Add($_) } }
            if ($model.Vpce.Count -lt 6) { $choices.Add('NewVpce') }
            if ($model.Vpce.Count -gt 0) { $choices.Add('RemoveVpce') }
            $op = Pick $choices

            # Each case: the key it touches, the call, how many objects success returns, and what success changes.
            $key = $null; $expect = 0; $apply = $null; $call = $null; $skip = $false
            switch ($op) {
                { $_ -in 'NewWsList', 'NewAcctList' } {
                    $kind = if ($op -eq 'NewWsList') { 'WsList' } else { 'AcctList' }
                    $label = "f-$kind-$n"; $values = @(Cidr; Cidr) | Sort-Object -Unique
                    $key = "$kind/$label"; $expect = 1
                    $call = if ($kind -eq 'WsList') { { New-DbxIpAccessList @c -WorkspaceId $Ws -Label $label -ListType Block -IpAddress $values } }
                    else { { New-DbxAccountIpAccessList @c -Label $label -ListType Block -IpAddress $values } }
                    $apply = { param($r) $model[$kind][$label] = @{ Id = $r[0].ListId; Values = [string[]]$values; Enabled = $true } }
                }
                { $_ -in 'SetWsList', 'SetAcctList' } {
                    $kind = if ($op -eq 'SetWsList') { 'WsList' } else { 'AcctList' }
                    $label = Pick @($model[$kind].Keys); $m = $model[$kind][$label]; $values = @(Cidr; Cidr; Cidr) | Sort-Object -Unique
                    $enabled = $rng.Next(2) -eq 0
                    $key = "$kind/$label"; $expect = 1
                    $call = if ($kind -eq 'WsList') { { Set-DbxIpAccessList @c -WorkspaceId $Ws -ListId $m.Id -Label $label -ListType Block -IpAddress $values -Enabled $enabled -Force } }
                    else { { Set-DbxAccountIpAccessList @c -ListId $m.Id -Label $label -ListType Block -IpAddress $values -Enabled $enabled -Force } }
                    $apply = { $m.Values = [string[]]$values; $m.Enabled = $enabled }
                }
                'UpdateWsList' {
                    $label = Pick @($model.WsList.Keys); $m = $model.WsList[$label]; $enabled = -not $m.Enabled
                    $key = "WsList/$label"; $expect = 1
                    $call = { Update-DbxIpAccessList @c -WorkspaceId $Ws -ListId $m.Id -Enabled $enabled -Force }
                    $apply = { $m.Enabled = $enabled }
                }
                { $_ -in 'AddWsEntry', 'AddAcctEntry' } {
                    $kind = if ($op -eq 'AddWsEntry') { 'WsList' } else { 'AcctList' }
                    $label = Pick @($model[$kind].Keys); $m = $model[$kind][$label]; $values = @(Cidr; Cidr)
                    $key = "$kind/$label"
                    $call = if ($kind -eq 'WsList') { { Add-DbxIpAccessListEntry @c -WorkspaceId $Ws -ListId $m.Id -IpAddress $values -Force } }
                    else { { Add-DbxIpAccessListEntry @c -Account -ListId $m.Id -IpAddress $values -Force } }
                    $apply = { $m.Values = [string[]](@($m.Values) + $values | Sort-Object -Unique) }
                }
                { $_ -in 'RemoveWsEntry', 'RemoveAcctEntry' } {
                    $kind = if ($op -eq 'RemoveWsEntry') { 'WsList' } else { 'AcctList' }
                    $label = Pick @($model[$kind].Keys); $m = $model[$kind][$label]
                    if (@($m.Values).Count -lt 2) { $skip = $true; break }
                    $value = Pick $m.Values
                    $key = "$kind/$label"
                    $call = if ($kind -eq 'WsList') { { Remove-DbxIpAccessListEntry @c -WorkspaceId $Ws -ListId $m.Id -IpAddress $value -Force } }
                    else { { Remove-DbxIpAccessListEntry @c -Account -ListId $m.Id -IpAddress $value -Force } }
                    $apply = { $m.Values = [string[]]@($m.Values | Where-Object { $_ -ne $value }) }
                }
                { $_ -in 'RemoveWsList', 'RemoveAcctList' } {
                    $kind = if ($op -eq 'RemoveWsList') { 'WsList' } else { 'AcctList' }
                    $label = Pick @($model[$kind].Keys); $m = $model[$kind][$label]
                    $key = "$kind/$label"
                    $call = if ($kind -eq 'WsList') { { Remove-DbxIpAccessList @c -WorkspaceId $Ws -ListId $m.Id -Force } }
                    else { { Remove-DbxAccountIpAccessList @c -ListId $m.Id -Force } }
                    $apply = { $model[$kind].Remove($label) }
                }
                'NewNcc' {
                    $name = "f-ncc-$n"; $region = Pick 'us-east-1', 'us-west-2', 'eu-west-1'
                    $key = "Ncc/$name"; $expect = 1
                    $call = { New-DbxNetworkConnectivityConfig @c -Name $name -Region $region }
                    $apply = { param($r) $model.Ncc[$name] = @{ Id = $r[0].NetworkConnectivityConfigId; Region = $region } }
                }
                'RemoveNcc' {
                    $name = Pick @($model.Ncc.Keys); $m = $model.Ncc[$name]
                    $key = "Ncc/$name"
                    $call = { Remove-DbxNetworkConnectivityConfig @c -NetworkConnectivityConfigId $m.Id -Force }
                    $apply = { $model.Ncc.Remove($name) }
                }
                'NewPolicy' {
                    $id = "f-pol-$n"; $domains = @("d$n.example.com")
                    $key = "Policy/$id"; $expect = 1
                    $call = { New-DbxNetworkPolicy @c -NetworkPolicyId $id -RestrictionMode RestrictedAccess -AllowedDomain $domains }
                    $apply = { $model.Policy[$id] = @{ Domains = [string[]]$domains } }
                }
                'SetPolicy' {
                    $id = Pick @($model.Policy.Keys); $m = $model.Policy[$id]; $domains = @("s$n.example.com", "t$n.example.org")
                    $key = "Policy/$id"; $expect = 1
                    $call = { Set-DbxNetworkPolicy @c -NetworkPolicyId $id -AllowedDomain $domains -PassThru }
                    $apply = { $m.Domains = [string[]]$domains }
                }
                'AddDestination' {
                    $id = Pick @($model.Policy.Keys); $m = $model.Policy[$id]; $domain = "a$n.example.net"
                    $key = "Policy/$id"
                    $call = { Add-DbxNetworkPolicyDestination @c -NetworkPolicyId $id -Domain $domain }
                    $apply = { $m.Domains = [string[]](@($m.Domains) + $domain) }
                }
                'RemoveDestination' {
                    $id = Pick @($model.Policy.Keys); $m = $model.Policy[$id]
                    if (@($m.Domains).Count -lt 2) { $skip = $true; break }
                    $domain = Pick $m.Domains
                    $key = "Policy/$id"
                    $call = { Remove-DbxNetworkPolicyDestination @c -NetworkPolicyId $id -Domain $domain -Force }
                    $apply = { $m.Domains = [string[]]@($m.Domains | Where-Object { $_ -ne $domain }) }
                }
                'RemovePolicy' {
                    $id = Pick @($model.Policy.Keys)
                    $key = "Policy/$id"
                    $call = { Remove-DbxNetworkPolicy @c -NetworkPolicyId $id -Force }
                    $apply = { $model.Policy.Remove($id) }
                }
                'NewNetwork' {
                    $name = "f-net-$n"; $subnets = @("subnet-$(Hex 8)", "subnet-$(Hex 8)"); $vpc = "vpc-$(Hex 8)"; $sg = "sg-$(Hex 8)"
                    $key = "Network/$name"; $expect = 1
                    $call = { New-DbxNetworkConfiguration @c -Name $name -VpcId $vpc -SubnetId $subnets -SecurityGroupId $sg }
                    $apply = { param($r) $model.Network[$name] = @{ Id = $r[0].NetworkId; Subnets = [string[]]$subnets } }
                }
                'RemoveNetwork' {
                    $name = Pick @($model.Network.Keys); $m = $model.Network[$name]
                    $key = "Network/$name"
                    $call = { Remove-DbxNetworkConfiguration @c -NetworkId $m.Id -Force }
                    $apply = { $model.Network.Remove($name) }
                }
                'NewPas' {
                    $name = "f-pas-$n"; $public = $rng.Next(2) -eq 0
                    $key = "Pas/$name"; $expect = 1
                    $call = { New-DbxPrivateAccessSettings @c -Name $name -Region us-east-1 -PublicAccessEnabled:$public }
                    $apply = { param($r) $model.Pas[$name] = @{ Id = $r[0].PrivateAccessSettingsId; Public = $public } }
                }
                'SetPas' {
                    $name = Pick @($model.Pas.Keys); $m = $model.Pas[$name]; $public = -not $m.Public
                    $key = "Pas/$name"; $expect = 1
                    $call = { Set-DbxPrivateAccessSettings @c -PrivateAccessSettingsId $m.Id -PublicAccessEnabled:$public }
                    $apply = { $m.Public = $public }
                }
                'RemovePas' {
                    $name = Pick @($model.Pas.Keys); $m = $model.Pas[$name]
                    $key = "Pas/$name"
                    $call = { Remove-DbxPrivateAccessSettings @c -PrivateAccessSettingsId $m.Id -Force }
                    $apply = { $model.Pas.Remove($name) }
                }
                'NewVpce' {
                    $name = "f-vpce-$n"; $aws = "vpce-$(Hex 17)"
                    $key = "Vpce/$name"; $expect = 1
                    $call = { New-DbxVpcEndpointRegistration @c -AwsVpcEndpointId $aws -Region us-east-1 -Name $name }
                    $apply = { param($r) $model.Vpce[$name] = @{ Id = $r[0].VpcEndpointId; Aws = $aws } }
                }
                'RemoveVpce' {
                    $name = Pick @($model.Vpce.Keys); $m = $model.Vpce[$name]
                    $key = "Vpce/$name"
                    $call = { Remove-DbxVpcEndpointRegistration @c -VpcEndpointId $m.Id -Force }
                    $apply = { $model.Vpce.Remove($name) }
                }
            }
            if ($skip) { continue }

            $r = Invoke-Captured $call
            $ok = -not $r.Thrown -and $r.Errors.Count -eq 0 -and $r.Output.Count -ge $expect
            if ($ok) { & $apply $r.Output }
            elseif ($op -notlike 'New*') { [void]$uncertain.Add($key) }
            elseif (-not ($r.Errors | Where-Object { $_.Exception -is [DatabricksNetworking.Client.DbxApiException] -and ($_.Exception.StatusCode -ne 0 -or $_.Exception.Message -like '*was not created*') })) {
                # A create that failed for certain (the service answered, or a lookup showed nothing was created) changed nothing.
                [void]$uncertain.Add($key)
            }
            $log.Add([pscustomobject]@{
                    Op = $op; Key = $key; Ok = $ok; Errors = $r.Errors.Count; Thrown = [bool]$r.Thrown
                    Recovered = @($r.Warnings | Where-Object { "$_" -like '*the service had created it*' }).Count
                    Message = if ($r.Thrown) { "$($r.Thrown)" } elseif ($r.Errors) { "$($r.Errors[0])" } else { '' }
                })
        }
        $watch.Stop()

        # The emulator's state, read without faults (/_emulator is exempt). Only the run's own objects (named f-*) count:
        # the demo account's seeded ones are not the operations' doing.
        $state = Invoke-EmulatorControl -Path state -Emulator $emu
        $acc = $state.accounts | Where-Object account_id -EQ $Seed.AccountId
        function Items($collections, [string]$name) { $p = $collections.PSObject.Properties[$name]; if ($p) { @($p.Value) } else { @() } }
        $wsState = $acc.workspace_state.PSObject.Properties["$Ws"].Value
        $server = @{
            WsList   = @(Items $wsState.collections 'ip-access-lists' | Where-Object label -Like 'f-*' | ForEach-Object { [pscustomobject]@{ Key = $_.label; Obj = $_ } })
            AcctList = @(Items $acc.collections 'ip-access-lists' | Where-Object label -Like 'f-*' | ForEach-Object { [pscustomobject]@{ Key = $_.label; Obj = $_ } })
            Ncc      = @(Items $acc.collections 'network-connectivity-configs' | Where-Object name -Like 'f-*' | ForEach-Object { [pscustomobject]@{ Key = $_.name; Obj = $_ } })
            Policy   = @(Items $acc.collections 'network-policies' | Where-Object network_policy_id -Like 'f-*' | ForEach-Object { [pscustomobject]@{ Key = $_.network_policy_id; Obj = $_ } })
            Network  = @(Items $acc.collections 'networks' | Where-Object network_name -Like 'f-*' | ForEach-Object { [pscustomobject]@{ Key = $_.network_name; Obj = $_ } })
            Pas      = @(Items $acc.collections 'private-access-settings' | Where-Object private_access_settings_name -Like 'f-*' | ForEach-Object { [pscustomobject]@{ Key = $_.private_access_settings_name; Obj = $_ } })
            Vpce     = @(Items $acc.collections 'vpc-endpoints' | Where-Object vpc_endpoint_name -Like 'f-*' | ForEach-Object { [pscustomobject]@{ Key = $_.vpc_endpoint_name; Obj = $_ } })
        }

        $script:duplicates = [Collections.Generic.List[string]]::new()
        $script:lost = [Collections.Generic.List[string]]::new()        # expected objects or entries missing
        $script:phantoms = [Collections.Generic.List[string]]::new()    # objects or entries no successful operation implies
        $script:checked = 0
        foreach ($kind in $server.Keys) {
            foreach ($g in ($server[$kind] | Group-Object Key)) {
                if ($uncertain.Contains("$kind/$($g.Name)")) { continue }
                if ($g.Count -gt 1) { $duplicates.Add("$kind/$($g.Name) x$($g.Count)") }
                if (-not $model[$kind].Contains($g.Name)) { $phantoms.Add("$kind/$($g.Name)") }
            }
            foreach ($k in @($model[$kind].Keys)) {
                if ($uncertain.Contains("$kind/$k")) { continue }
                $script:checked++
                $m = $model[$kind][$k]
                $o = @($server[$kind] | Where-Object Key -EQ $k | Select-Object -First 1 -ExpandProperty Obj)
                if (-not $o) { $lost.Add("$kind/$k"); continue }
                $o = $o[0]
                switch ($kind) {
                    { $_ -in 'WsList', 'AcctList' } {
                        $have = @($o.ip_addresses)
                        foreach ($v in $m.Values) { if ($v -notin $have) { $lost.Add("$kind/$k entry $v") } }
                        foreach ($v in $have) { if ($v -notin $m.Values) { $phantoms.Add("$kind/$k entry $v") } }
                        if ([bool]$o.enabled -ne $m.Enabled) { $lost.Add("$kind/$k enabled=$($m.Enabled)") }
                    }
                    'Policy' {
                        $have = @($o.egress.network_access.allowed_internet_destinations | ForEach-Object destination)
                        foreach ($v in $m.Domains) { if ($v -notin $have) { $lost.Add("$kind/$k domain $v") } }
                        foreach ($v in $have) { if ($v -notin $m.Domains) { $phantoms.Add("$kind/$k domain $v") } }
                    }
                    'Pas' { if ([bool]$o.public_access_enabled -ne $m.Public) { $lost.Add("$kind/$k public_access_enabled=$($m.Public)") } }
                    'Network' { if ((@($o.subnet_ids) -join ',') -ne ($m.Subnets -join ',')) { $lost.Add("$kind/$k subnets") } }
                    'Ncc' { if ($o.region -ne $m.Region) { $lost.Add("$kind/$k region") } }
                    'Vpce' { if ($o.aws_vpc_endpoint_id -ne $m.Aws) { $lost.Add("$kind/$k aws id") } }
                }
            }
        }

        $emuStats = Invoke-EmulatorControl -Path requests -Emulator $emu
        $failed = @($log | Where-Object { -not $_.Ok })
        $script:figures = [ordered]@{
            'operations'                         = $log.Count
            'operations that succeeded'          = @($log | Where-Object Ok).Count
            'operations that failed (ErrorRecord)' = $failed.Count
            'failed without an ErrorRecord'      = @($failed | Where-Object { $_.Errors -eq 0 -and -not $_.Thrown }).Count
            'terminating errors'                 = @($log | Where-Object Thrown).Count
            'API requests (emulator)'            = $emuStats.total
            'faults injected (503 or reset)'     = $emuStats.faults
            'answers dropped after commit'       = $emuStats.dropped_after_commit
            'rate limited (429)'                 = $emuStats.rate_limited
            'retries (module)'                   = $stats::Retries - $before.Retries
            'recovered creates'                  = $stats::RecoveredCreates - $before.Recovered
            'creates re-sent after a confirmed miss' = $stats::ResentCreates - $before.Resent
            'DELETEs found already applied'      = $stats::DeletesAlreadyGone - $before.Gone
            'objects compared'                   = $checked
            'objects left uncertain'             = $uncertain.Count
            'duplicates'                         = $duplicates.Count
            'lost'                               = $lost.Count
            'phantoms'                           = $phantoms.Count
            'seconds'                            = [math]::Round($watch.Elapsed.TotalSeconds, 1)
        }
        Write-ReliabilityReport -Title 'Faults (--fault-rate 0.2 --rate-limit 150 --throttle-rate 0.02 --drop-after-commit-rate 0.1 --seed 4242)' -Figures $figures
        foreach ($f in $failed) { Write-Host "    failed: $($f.Op) $($f.Key): $($f.Message)" }
    }

    It 'ran at least 500 mixed operations across every resource' {
        $log.Count | Should -BeGreaterOrEqual 500
        $ops = $log.Op | Sort-Object -Unique
        foreach ($o in 'NewWsList', 'NewAcctList', 'SetWsList', 'UpdateWsList', 'AddWsEntry', 'RemoveWsEntry', 'RemoveWsList', 'AddAcctEntry',
            'NewNcc', 'RemoveNcc', 'NewPolicy', 'SetPolicy', 'AddDestination', 'RemoveDestination', 'RemovePolicy',
            'NewNetwork', 'RemoveNetwork', 'NewPas', 'SetPas', 'RemovePas', 'NewVpce', 'RemoveVpce') {
            $ops | Should -Contain $o
        }
    }

    It 'really injected faults, rate limiting and dropped answers, and the module retried and recovered' {
        $figures['faults injected (503 or reset)'] | Should -BeGreaterThan 0
        $figures['answers dropped after commit'] | Should -BeGreaterThan 0
        $figures['rate limited (429)'] | Should -BeGreaterThan 0
        $figures['retries (module)'] | Should -BeGreaterThan 0
        $figures['recovered creates'] | Should -BeGreaterThan 0
        ($log | Measure-Object Recovered -Sum).Sum | Should -Be $figures['recovered creates']
    }

    It 'left no duplicate from a retried or re-sent create' {
        $duplicates | Should -BeNullOrEmpty
    }

    It 'lost no object and no entry that a successful operation reported' {
        $lost | Should -BeNullOrEmpty
    }

    It 'left nothing behind that no successful operation implies' {
        $phantoms | Should -BeNullOrEmpty
    }

    It 'wrote an ErrorRecord for every operation that did not succeed, and never a terminating error' {
        $figures['failed without an ErrorRecord'] | Should -Be 0
        $figures['terminating errors'] | Should -Be 0
    }

    It 'compared almost every object: giving up after 12 attempts is rare' {
        $figures['objects compared'] | Should -BeGreaterThan 10
        $uncertain.Count | Should -BeLessOrEqual 2
    }
}
