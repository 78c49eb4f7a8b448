# Creates that lose their answer (issue 18, "Nothing lost, nothing doubled"): every New- cmdlet of the Databricks areas,
# (1) with every write's answer dropped after commit while every list/get answer carries enum values the module does
# not know (chaos kind unknown-enum on GET), and (2) with every create answered 2xx in a body of the wrong JSON types
# (chaos kind wrong-types on POST). Each create must end in exactly one object, returned to the caller.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'ReliabilityHelpers.psm1') -Force
    Import-TestModule
    $envi = Get-TestEnvironment
    $script:emu = Start-DbxTestEmulator -EmulatorDll $envi.EmulatorDll -LogDirectory ([IO.Path]::GetTempPath()) -Arguments @('--seed', '18', '--pe-accept-delay', '0', '--quiet')
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $ctx.Retry.MaxAttempts = 2
    $ctx.Retry.BaseBackoff = [TimeSpan]::FromMilliseconds(10)
    $script:ws = [long]1111111111111111
    $script:url = $emu.Url
    function script:Set-Hostile([double]$Drop, [string]$Kind, [string]$Method) {
        Invoke-EmulatorControl -Method Post -Path "faults?drop_after_commit_rate=$Drop" -Url $url | Out-Null
        Invoke-EmulatorControl -Method Post -Path "chaos?rate=$(if ($Kind) { 1 } else { 0 })&kind=$Kind&method=$Method" -Url $url | Out-Null
    }
    Set-Hostile 0 '' ''
    $script:ncc0 = New-DbxNetworkConnectivityConfig -Context $ctx -Name chaos-base -Region us-east-1

    # Each create by name, and how to count the objects with that name afterwards (chaos off).
    $script:creates = [ordered]@{
        'New-DbxIpAccessList'            = @{ New = { param($n) New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label $n -ListType Block -IpAddress 192.0.2.0/24, 198.51.100.7/32 -Force }
                                              Count = { param($n) @(Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws | Where-Object Label -EQ $n).Count } }
        'New-DbxAccountIpAccessList'     = @{ New = { param($n) New-DbxAccountIpAccessList -Context $ctx -Label $n -ListType Block -IpAddress 192.0.2.0/24 -Force }
                                              Count = { param($n) @(Get-DbxAccountIpAccessList -Context $ctx | Where-Object Label -EQ $n).Count } }
        'New-DbxPrivateAccessSettings'   = @{ New = { param($n) New-DbxPrivateAccessSettings -Context $ctx -Name $n -Region eu-west-1 }
                                              Count = { param($n) @(Get-DbxPrivateAccessSettings -Context $ctx | Where-Object PrivateAccessSettingsName -EQ $n).Count } }
        'New-DbxNetworkConnectivityConfig' = @{ New = { param($n) New-DbxNetworkConnectivityConfig -Context $ctx -Name $n -Region us-east-1 }
                                              Count = { param($n) @(Get-DbxNetworkConnectivityConfig -Context $ctx | Where-Object Name -EQ $n).Count } }
        'New-DbxNetworkPolicy'           = @{ New = { param($n) New-DbxNetworkPolicy -Context $ctx -NetworkPolicyId $n -RestrictionMode RestrictedAccess -AllowedDomain pypi.org }
                                              Count = { param($n) @(Get-DbxNetworkPolicy -Context $ctx | Where-Object NetworkPolicyId -EQ $n).Count } }
        'New-DbxPrivateEndpointRule'     = @{ New = { param($n) New-DbxPrivateEndpointRule -Context $ctx -NetworkConnectivityConfigId $ncc0.NetworkConnectivityConfigId -S3BucketName $n }
                                              Count = { param($n) @(Get-DbxPrivateEndpointRule -Context $ctx -NetworkConnectivityConfigId $ncc0.NetworkConnectivityConfigId | Where-Object { $_.ResourceNames -contains $n }).Count } }
    }
    $script:outcomes = [Collections.Generic.List[object]]::new()
    $n = 0
    foreach ($case in @(@{ Name = 'lost answer, unknown enums in lists'; Drop = 1; Kind = 'unknown-enum'; Method = 'GET' },
                        @{ Name = 'unreadable 2xx create answer'; Drop = 0; Kind = 'wrong-types'; Method = 'POST' })) {
        foreach ($cmd in $creates.Keys) {
            $name = "chaos-$((++$n))-x"
            Invoke-EmulatorControl -Method Post -Path "requests/reset" -Url $url -ErrorAction SilentlyContinue | Out-Null
            Set-Hostile $case.Drop $case.Kind $case.Method
            $r = Invoke-Captured $creates[$cmd].New -ArgumentList $name
            $stats = Invoke-EmulatorControl -Path "requests" -Url $url
            Set-Hostile 0 '' ''
            $outcomes.Add([pscustomobject]@{
                    Case = $case.Name; Cmdlet = $cmd; Objects = $r.Output.Count; Errors = @($r.Errors | ForEach-Object { "$_" }) + @($r.Thrown | Where-Object { $_ } | ForEach-Object { "$_" })
                    Warnings = @($r.Warnings | ForEach-Object { "$_" }); Exist = & $creates[$cmd].Count $name
                    Faults = [long]$stats.dropped_after_commit + [long]$stats.chaos
                })
        }
    }
    Write-ReliabilitySummary -Suite 'Creates under lost and unreadable answers' -Operations $outcomes.Count -Faults ($outcomes | Measure-Object Faults -Sum).Sum `
        -Duplicates ($outcomes | ForEach-Object { [math]::Max(0, $_.Exist - 1) } | Measure-Object -Sum).Sum -Lost @($outcomes | Where-Object { $_.Exist -ge 1 -and $_.Objects -eq 0 }).Count
    Write-ReliabilityReport -Title 'Creates under lost and unreadable answers (New- cmdlets)' -Figures ([ordered]@{
            'operations' = $outcomes.Count
            'faults injected (dropped answers + hostile bodies)' = ($outcomes | Measure-Object Faults -Sum).Sum
            'returned the object' = @($outcomes | Where-Object Objects -EQ 1).Count
            'duplicates' = ($outcomes | ForEach-Object { [math]::Max(0, $_.Exist - 1) } | Measure-Object -Sum).Sum
            'lost (created, reported as failed)' = @($outcomes | Where-Object { $_.Exist -ge 1 -and $_.Objects -eq 0 }).Count
        })
}

AfterAll { $script:emu | Stop-TestService }

Describe 'New- cmdlets after a lost or unreadable answer' {
    It 'faults really happened in every operation' {
        $outcomes.Count | Should -Be 12
        foreach ($o in $outcomes) { $o.Faults | Should -BeGreaterThan 0 -Because "$($o.Case): $($o.Cmdlet)" }
    }

    It 'created each object exactly once, although the lists carried enum values the module does not know' {
        foreach ($o in $outcomes) { $o.Exist | Should -Be 1 -Because "$($o.Case): $($o.Cmdlet) ($($o.Errors -join '; '))" }
    }

    It 'returned the object it created, with a warning saying how it was recovered' {
        foreach ($o in $outcomes) {
            $o.Objects | Should -Be 1 -Because "$($o.Case): $($o.Cmdlet) ($($o.Errors -join '; '))"
            $o.Errors | Should -BeNullOrEmpty -Because "$($o.Case): $($o.Cmdlet)"
            ($o.Warnings -join ' ') | Should -Match 'created' -Because "$($o.Case): $($o.Cmdlet)"
        }
    }

    It 'says the object may exist when a 2xx answer is unreadable and the lookup cannot find it' {
        # The lookup reads the lists too: with those hostile as well, nothing can be found, and the error must say so.
        Set-Hostile 0 'wrong-types' ''
        $r = Invoke-Captured { New-DbxNetworkConnectivityConfig -Context $ctx -Name chaos-unfindable -Region us-east-1 }
        Set-Hostile 0 '' ''
        $r.Output | Should -BeNullOrEmpty
        $all = @($r.Errors) + @($r.Thrown | Where-Object { $_ })
        $all | Should -Not -BeNullOrEmpty
        ($all | ForEach-Object { "$_" }) -join ' ' | Should -Match 'may exist'
        @(Get-DbxNetworkConnectivityConfig -Context $ctx | Where-Object Name -EQ chaos-unfindable).Count | Should -Be 1
    }
}
