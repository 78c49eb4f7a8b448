# Add-/Remove-DbxIpAccessListEntry against the shared emulator (enforcement stays off in this file).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:ctx = Connect-TestAccount
    $script:ws = [long]2222222222222222
    function Clear-Lists { Get-DbxIpAccessList -WorkspaceId $script:ws | Remove-DbxIpAccessList -Force }
    Clear-Lists
}

AfterAll { Clear-Lists }

Describe 'Add-DbxIpAccessListEntry' {
    BeforeEach { $script:l = New-DbxIpAccessList -WorkspaceId $ws -Label 'office' -ListType Block -IpAddress '203.0.113.0/24' }
    AfterEach { Clear-Lists }

    It 'takes a file''s lines from the pipeline: blanks and comments skipped, duplicates merged, sorted, one write' {
        $file = Join-Path $TestDrive 'office-ranges.txt'
        Set-Content $file -Value @('# office ranges', '198.51.100.7', '', '192.0.2.0/24', '198.51.100.7/32', ' 203.0.113.0/24 ', '192.0.2.0/24')
        Reset-EmulatorRequests
        $r = Get-Content $file | Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -PassThru
        $r.IpAddresses | Should -Be @('192.0.2.0/24', '198.51.100.7', '203.0.113.0/24')
        $r.AddressCount | Should -Be 3
        (Get-EmulatorRequests).by_route.'PATCH /api/2.0/ip-access-lists/*' | Should -Be 1
        (Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId).IpAddresses | Should -Be $r.IpAddresses
    }

    It 'binds Import-Csv columns named <Column> to -IpAddress' -ForEach @(
        @{ Column = 'Cidr' }, @{ Column = 'IpRange' }, @{ Column = 'Address' }
    ) {
        $file = Join-Path $TestDrive "$Column.csv"
        Set-Content $file -Value @("Site,$Column", 'lisbon,192.0.2.0/24', 'porto,198.51.100.7')
        $r = Import-Csv $file | Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -PassThru
        $r.IpAddresses | Should -Be @('192.0.2.0/24', '198.51.100.7', '203.0.113.0/24')
    }

    It 'takes arrays and binds the list from the pipeline' {
        $r = $l | Add-DbxIpAccessListEntry -IpAddress '10.1.0.0/16', '10.0.0.1' -PassThru
        $r.IpAddresses | Should -Be @('10.0.0.1', '10.1.0.0/16', '203.0.113.0/24')
    }

    It 'sends nothing when every value is already there' {
        Reset-EmulatorRequests
        $r = Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -IpAddress '203.0.113.0/24' -PassThru
        $r.IpAddresses | Should -Be @('203.0.113.0/24')
        (Get-EmulatorRequests).by_route.PSObject.Properties.Name | Should -Not -Contain 'PATCH /api/2.0/ip-access-lists/*'
    }

    It 'changes nothing when one piped value is invalid, and names it' {
        $before = Get-EmulatorRequestCount
        '192.0.2.1', '192.0.2.1/33', '192.0.2.9' | Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidCidrPrefix,*'
        $err[0].TargetObject | Should -Be '192.0.2.1/33'
        $err[-1].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessListNotChanged,*'
        Get-EmulatorRequestCount | Should -Be $before
        (Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId).IpAddresses | Should -Be @('203.0.113.0/24')
    }

    It 'adds CIDRs with host bits as typed (the docs'' 2.2.2.2/21), warns once, and reads them as their network' {
        $r = '2.2.2.2/21', '10.0.0.1/24', '198.51.100.9/32' | Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -PassThru -WarningVariable warn -WarningAction SilentlyContinue
        $r.IpAddresses | Should -Be @('2.2.2.2/21', '10.0.0.1/24', '198.51.100.9/32', '203.0.113.0/24')
        @($warn).Count | Should -Be 1
        $warn[0].Message | Should -BeLike '*2.2.2.2/21 as 2.2.0.0/21*10.0.0.1/24 as 10.0.0.0/24*'
        (Test-DbxIpAccess -WorkspaceId $ws -IpAddress 2.2.7.200).AllowedByLists | Should -BeFalse
        (Test-DbxIpAccess -WorkspaceId $ws -IpAddress 2.2.8.1).AllowedByLists | Should -BeTrue
        # Adding the same blocks in another spelling sends nothing and keeps the list's own spelling.
        Reset-EmulatorRequests
        $r = Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -IpAddress '2.2.0.0/21', '198.51.100.9' -PassThru -WarningAction SilentlyContinue
        $r.IpAddresses | Should -Contain '198.51.100.9/32'
        (Get-EmulatorRequests).by_route.PSObject.Properties.Name | Should -Not -Contain 'PATCH /api/2.0/ip-access-lists/*'
    }

    It 'checks the quota against the live total' {
        $values = 0..995 | ForEach-Object { '198.18.{0}.{1}' -f [math]::Floor($_ / 256), ($_ % 256) }
        New-DbxIpAccessList -WorkspaceId $ws -Label 'big' -ListType Block -IpAddress $values | Out-Null
        '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4' | Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessQuotaExceeded,*'
        $err[0].Exception.Message | Should -BeLike '*997 are in use*adds 4*'
        '192.0.2.1', '192.0.2.2', '192.0.2.3' | Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -PassThru |
            ForEach-Object AddressCount | Should -Be 4
    }

    It 'reports a missing list as ObjectNotFound' {
        Add-DbxIpAccessListEntry -ListId ([guid]::NewGuid()) -WorkspaceId $ws -IpAddress '192.0.2.1' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist,*'
    }

    It '-WhatIf reads but writes nothing' {
        $before = Get-EmulatorWriteCount
        Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -IpAddress '192.0.2.1' -WhatIf
        Get-EmulatorWriteCount | Should -Be $before
        (Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId).IpAddresses | Should -Be @('203.0.113.0/24')
    }

    It 'guards a BLOCK entry that would block the caller: refused without a prompt, done with -Force' {
        Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -IpAddress '198.51.100.0/24' -CallerIpAddress '198.51.100.20' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        $err[0].Exception.Message | Should -BeLike '*198.51.100.20*locked out*-Force*'
        (Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId).IpAddresses | Should -Be @('203.0.113.0/24')
        $r = Add-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -IpAddress '198.51.100.0/24' -CallerIpAddress '198.51.100.20' -Force -PassThru -WarningVariable warn -WarningAction SilentlyContinue
        $r.IpAddresses | Should -Contain '198.51.100.0/24'
        $warn[0].Message | Should -BeLike '*-Force*'
    }

    It 'loses nothing when 8 runspaces add to the same list at once' {
        $module = (Get-TestEnvironment).Module
        $pool = [runspacefactory]::CreateRunspacePool(1, 8)
        $pool.Open()
        try {
            $jobs = foreach ($i in 1..8) {
                $ps = [powershell]::Create()
                $ps.RunspacePool = $pool
                [void]$ps.AddScript({
                    param($Module, $Context, $Ws, $ListId, $I)
                    Import-Module $Module
                    $values = 1..5 | ForEach-Object { "10.$I.$_.0/24" }
                    $values | Add-DbxIpAccessListEntry -Context $Context -WorkspaceId $Ws -ListId $ListId -ErrorAction Stop
                }).AddArgument($module).AddArgument($ctx).AddArgument($ws).AddArgument($l.ListId).AddArgument($i)
                [pscustomobject]@{ PS = $ps; Handle = $ps.BeginInvoke() }
            }
            foreach ($j in $jobs) {
                $j.PS.EndInvoke($j.Handle) | Out-Null
                $j.PS.Streams.Error | Should -BeNullOrEmpty
                $j.PS.Dispose()
            }
        }
        finally { $pool.Dispose() }
        $final = Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId
        $final.AddressCount | Should -Be 41
        foreach ($i in 1..8) { foreach ($k in 1..5) { $final.IpAddresses | Should -Contain "10.$i.$k.0/24" } }
    }

    It 'loses nothing when 8 runspaces add to 8 different lists at once' {
        $module = (Get-TestEnvironment).Module
        $lists = foreach ($i in 1..8) { New-DbxIpAccessList -WorkspaceId $ws -Label "office-$i" -ListType Block -IpAddress "172.16.$i.0/24" }
        $pool = [runspacefactory]::CreateRunspacePool(1, 8)
        $pool.Open()
        try {
            $jobs = foreach ($i in 1..8) {
                $ps = [powershell]::Create()
                $ps.RunspacePool = $pool
                [void]$ps.AddScript({
                    param($Module, $Context, $Ws, $ListId, $I)
                    Import-Module $Module
                    foreach ($k in 1..3) { "10.$I.$k.0/24", "192.168.$I.$k" | Add-DbxIpAccessListEntry -Context $Context -WorkspaceId $Ws -ListId $ListId -ErrorAction Stop }
                }).AddArgument($module).AddArgument($ctx).AddArgument($ws).AddArgument($lists[$i - 1].ListId).AddArgument($i)
                [pscustomobject]@{ PS = $ps; Handle = $ps.BeginInvoke() }
            }
            foreach ($j in $jobs) {
                $j.PS.EndInvoke($j.Handle) | Out-Null
                $j.PS.Streams.Error | Should -BeNullOrEmpty
                $j.PS.Dispose()
            }
        }
        finally { $pool.Dispose() }
        foreach ($i in 1..8) {
            $final = Get-DbxIpAccessList -WorkspaceId $ws -ListId $lists[$i - 1].ListId
            $final.AddressCount | Should -Be 7
            $final.IpAddresses | Should -Contain "172.16.$i.0/24"
            foreach ($k in 1..3) { $final.IpAddresses | Should -Contain "10.$i.$k.0/24"; $final.IpAddresses | Should -Contain "192.168.$i.$k" }
        }
    }
}

Describe 'Remove-DbxIpAccessListEntry' {
    BeforeEach { $script:l = New-DbxIpAccessList -WorkspaceId $ws -Label 'office' -ListType Block -IpAddress '192.0.2.0/24', '198.51.100.7', '203.0.113.0/24' }
    AfterEach { Clear-Lists }

    It 'removes values given in any accepted spelling and keeps the rest sorted' {
        $r = '198.51.100.7/32', ' 192.0.2.0/24' | Remove-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -Confirm:$false -PassThru
        $r.IpAddresses | Should -Be @('203.0.113.0/24')
        (Get-DbxIpAccessList -WorkspaceId $ws -ListId $l.ListId).AddressCount | Should -Be 1
    }

    It 'warns about values that are not in the list' {
        $r = Remove-DbxIpAccessListEntry -ListId $l.ListId -WorkspaceId $ws -IpAddress '10.9.9.9', '198.51.100.7' -Force -PassThru -WarningVariable warn -WarningAction SilentlyContinue
        $warn[0].Message | Should -BeLike '*10.9.9.9 is not in*'
        $r.IpAddresses | Should -Be @('192.0.2.0/24', '203.0.113.0/24')
    }

    It 'guards removing the caller from an ALLOW list' {
        $allow = New-DbxIpAccessList -WorkspaceId $ws -Label 'allow' -ListType Allow -IpAddress '127.0.0.1', '198.51.100.0/24'
        Remove-DbxIpAccessListEntry -ListId $allow.ListId -WorkspaceId $ws -IpAddress '198.51.100.0/24' -CallerIpAddress '198.51.100.9' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessLockout,*'
        (Get-DbxIpAccessList -WorkspaceId $ws -ListId $allow.ListId).IpAddresses | Should -Contain '198.51.100.0/24'
    }
}
