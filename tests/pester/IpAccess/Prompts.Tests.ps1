# What an admin is asked, and what the question names (issue 17): every exposure and lockout prompt defaults to No;
# IP access list targets name the list ('label' (id)); Remove-DbxIpAccessListEntry checks the entry before asking; an
# ALLOW entry wider than /8 (0.0.0.0/0 above all) is questioned; Test-DbxNetworkCompliance ends with a summary line.
# A private emulator: the cases make and remove lists of their own.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $ctx.NoCallerIpLookup = $true
    $script:ws = [long]1111111111111111
    $script:q = @{ Context = $ctx; WorkspaceId = $ws; Force = $true; WarningAction = 'SilentlyContinue' }
    function Clear-Lists {
        Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws | Remove-DbxIpAccessList @q
        Get-DbxAccountIpAccessList -Context $ctx | Remove-DbxAccountIpAccessList -Context $ctx -Force -WarningAction SilentlyContinue
    }
    function Get-Labels { @(Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws).Label | Sort-Object }
    $script:src = Join-Path $PSScriptRoot '../../../src/DatabricksNetworking.PowerShell'
}
AfterAll { $script:emu | Stop-TestService }

Describe 'Every exposure and lockout prompt defaults to No' {
    BeforeAll {
        # Every question of the module goes through DbxCmdlet.ContinueDespite; these are its call sites' captions.
        $script:sites = foreach ($f in Get-ChildItem $src -Recurse -Filter *.cs) {
            $text = Get-Content $f.FullName -Raw
            foreach ($m in [regex]::Matches($text, 'ContinueDespite\((?:[^;]*?),\s*"(?<caption>[^"]+)",\s*[\w.]+,\s*"(?<id>Dbx\w+)"')) {
                [pscustomobject]@{ File = $f.Name; Caption = $m.Groups['caption'].Value; ErrorId = $m.Groups['id'].Value }
            }
        }
        # Where each caption is asked with the prompt's default taken (answer -1): this file or the file named.
        $script:covered = @{
            'IP access list lockout'                       = 'here, and all 32 paths in IpAccess/Lockout.Tests.ps1'
            'Wide ALLOW entry'                             = 'here'
            'Remove an object the snapshot does not have'  = 'here'
            'Workspace access lockout'                     = 'Classic/WorkspaceBinding.Tests.ps1'
            'Roll back a deployment'                       = 'Aws/DeployPrivateLinkWorkspace.Tests.ps1'
            'Ingress lockout'                              = 'Serverless/IngressLockout.Tests.ps1 (every path answered with the default), and the account console here'
        }
    }

    It 'asks only through ContinueDespite, whose ShouldContinue says the question has a security impact (default No)' {
        $calls = foreach ($f in Get-ChildItem $src -Recurse -Filter *.cs) {
            foreach ($m in [regex]::Matches((Get-Content $f.FullName -Raw), '\bShouldContinue\((?<args>[^;]*)\);')) { "$($f.Name): $($m.Groups['args'].Value)" }
        }
        @($calls).Count | Should -Be 1
        @($calls)[0] | Should -BeLike 'DbxCmdlet.cs:*, caption, true, ref yesToAll, ref noToAll'
    }

    It 'has a default-No case for every prompt caption in the code' {
        @($sites).Count | Should -BeGreaterOrEqual 5
        $missing = @($sites | Where-Object { -not $covered.ContainsKey($_.Caption) } | ForEach-Object { "$($_.File): '$($_.Caption)' ($($_.ErrorId))" })
        $missing | Should -BeNullOrEmpty -Because 'a new prompt needs a test that it defaults to No (add it to $covered)'
        @($covered.Keys | Where-Object { $_ -notin $sites.Caption }) | Should -BeNullOrEmpty
    }

    It 'the IP access list lockout question defaults to No, and the default changes nothing' {
        Clear-Lists
        New-DbxIpAccessList @q -Label lab -ListType Allow -IpAddress 127.0.0.1 | Out-Null
        $r = Invoke-WithAnsweringHost -1 { param($c, $w) Enable-DbxIpAccessListFeature -Context $c -WorkspaceId $w -CallerIpAddress 192.0.2.10 } @($ctx, $ws)
        $r.Prompts.Count | Should -Be 1
        $r.Prompts[0] | Should -BeLike 'IP access list lockout:*'
        $r.Defaults | Should -Be @('No')
        $r.Errors | Should -BeNullOrEmpty
        (Get-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws).Enabled | Should -BeFalse
    }

    It 'the ingress lockout question for the account console defaults to No, and the default changes nothing' {
        $before = Get-DbxAccountIngressPolicy -Context $ctx | ConvertTo-Json -Depth 10 -Compress
        $r = Invoke-WithAnsweringHost -1 { param($c) Set-DbxAccountIngressPolicy -Context $c -PublicAccessRestrictionMode RestrictedAccess -CallerIpAddress 192.0.2.10 -Confirm:$false } @($ctx)
        $i = [array]::FindIndex([string[]]$r.Prompts, [Predicate[string]] { param($p) $p -like 'Ingress lockout:*account console*' })
        $i | Should -BeGreaterOrEqual 0 -Because 'restricted access with no allow rule locks 192.0.2.10 out of the account console'
        $r.Defaults[$i] | Should -Be 'No'
        Get-DbxAccountIngressPolicy -Context $ctx | ConvertTo-Json -Depth 10 -Compress | Should -Be $before
    }

    It 'the wide ALLOW question defaults to No, and the default creates nothing' {
        Clear-Lists
        $r = Invoke-WithAnsweringHost -1 { param($c, $w) New-DbxIpAccessList -Context $c -WorkspaceId $w -Label anyone -ListType Allow -IpAddress 0.0.0.0/0 } @($ctx, $ws)
        $r.Prompts.Count | Should -Be 1
        $r.Prompts[0] | Should -BeLike 'Wide ALLOW entry:*0.0.0.0/0 (every address)*'
        $r.Defaults | Should -Be @('No')
        $r.Output | Should -BeNullOrEmpty
        Get-Labels | Should -BeNullOrEmpty
    }

    It 'the -RemoveExtra question of Import-DbxNetworkConfiguration defaults to No, and the default removes nothing' {
        Clear-Lists
        $snap = Join-Path $TestDrive 'keep.json'
        New-DbxIpAccessList @q -Label keep -ListType Block -IpAddress 198.51.100.0/24 | Out-Null
        Export-DbxNetworkConfiguration -Context $ctx -Path $snap | Out-Null
        New-DbxIpAccessList @q -Label extra -ListType Block -IpAddress 192.0.2.0/24 | Out-Null
        $r = Invoke-WithAnsweringHost -1 { param($c, $p) Import-DbxNetworkConfiguration -Context $c -Path $p -Include IpAccessList -RemoveExtra -CallerIpAddress 127.0.0.1 } @($ctx, $snap)
        $i = @(0..($r.Prompts.Count - 1) | Where-Object { $r.Prompts[$_] -like 'Remove an object the snapshot does not have:*' })
        $i.Count | Should -Be 1
        $r.Defaults[$i[0]] | Should -Be 'No'
        Get-Labels | Should -Be @('extra', 'keep')
    }
}

Describe 'IP access list prompts name the list' {
    BeforeEach {
        Clear-Lists
        $script:l = New-DbxIpAccessList @q -Label office -ListType Block -IpAddress 203.0.113.0/24
    }

    It '<Name> -WhatIf names the list as ''label'' (id) and writes nothing' -ForEach @(
        @{ Name = 'Set-DbxIpAccessList'; Call = { param($c, $w, $id) Set-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -Label office -ListType Block -IpAddress 203.0.113.0/25 -WhatIf } }
        @{ Name = 'Update-DbxIpAccessList'; Call = { param($c, $w, $id) Update-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -Enabled $false -WhatIf } }
        @{ Name = 'Remove-DbxIpAccessList'; Call = { param($c, $w, $id) Remove-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $id -WhatIf } }
        @{ Name = 'Add-DbxIpAccessListEntry'; Call = { param($c, $w, $id) Add-DbxIpAccessListEntry -Context $c -WorkspaceId $w -ListId $id -IpAddress 192.0.2.1 -WhatIf } }
        @{ Name = 'Remove-DbxIpAccessListEntry'; Call = { param($c, $w, $id) Remove-DbxIpAccessListEntry -Context $c -WorkspaceId $w -ListId $id -IpAddress 203.0.113.0/24 -WhatIf } }
    ) {
        $writes = Get-EmulatorWriteCount -Url $emu.Url
        $r = Invoke-WithAnsweringHost 1 $Call @($ctx, $ws, $l.ListId)
        $r.Errors | Should -BeNullOrEmpty
        # The workspace by name and id, as an admin knows it (one account read of the workspace, under -WhatIf too).
        ($r.Lines -join "`n") | Should -Match ([regex]::Escape("IP access list 'office' ($($l.ListId)) of workspace 'prod-eu' (1111111111111111)"))
        Get-EmulatorWriteCount -Url $emu.Url | Should -Be $writes
    }

    It 'the confirmation of an account console list names it too' {
        $a = New-DbxAccountIpAccessList -Context $ctx -Label corp -ListType Block -IpAddress 198.51.100.0/24 -Force
        # An account list names no workspace.
        $a.Scope | Should -Be 'Account'; $a.WorkspaceId | Should -BeNullOrEmpty; $a.WorkspaceName | Should -BeNullOrEmpty
        $r = Invoke-WithAnsweringHost 1 { param($c, $id) Remove-DbxAccountIpAccessList -Context $c -ListId $id -Confirm } @($ctx, $a.ListId)
        ($r.Prompts -join "`n") | Should -Match ([regex]::Escape("IP access list 'corp' ($($a.ListId)) of the account console"))
        @(Get-DbxAccountIpAccessList -Context $ctx).Label | Should -Be @('corp')
    }

    It 'Remove-DbxIpAccessList of a missing list fails before any prompt, and goes on with the next id' {
        $missing = [guid]::NewGuid().ToString()
        $r = Invoke-WithAnsweringHost 0 { param($c, $w, $ids) Remove-DbxIpAccessList -Context $c -WorkspaceId $w -ListId $ids -Confirm } @($ctx, $ws, @($missing, $l.ListId))
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist,*'
        $r.Errors[0].TargetObject | Should -Be $missing
        $r.Prompts.Count | Should -Be 1
        $r.Prompts[0] | Should -BeLike "*'office'*"
        Get-Labels | Should -BeNullOrEmpty
    }
}

Describe 'Remove-DbxIpAccessListEntry checks the entry before asking' {
    BeforeEach {
        Clear-Lists
        $script:l = New-DbxIpAccessList @q -Label office -ListType Block -IpAddress 203.0.113.0/24, 198.51.100.7
    }

    It 'an entry that is not in the list is an ObjectNotFound error naming the list; nothing is asked or sent' {
        $writes = Get-EmulatorWriteCount -Url $emu.Url
        $r = Invoke-WithAnsweringHost 0 { param($c, $w, $id) Remove-DbxIpAccessListEntry -Context $c -WorkspaceId $w -ListId $id -IpAddress 192.0.2.9 -Confirm } @($ctx, $ws, $l.ListId)
        $r.Prompts | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessListEntryNotFound,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r.Errors[0].Exception.Message | Should -BeLike "192.0.2.9 is not in IP access list 'office' ($($l.ListId))*nothing was sent*"
        Get-EmulatorWriteCount -Url $emu.Url | Should -Be $writes
    }

    It 'fails the same way under -WhatIf and non-interactively' {
        Remove-DbxIpAccessListEntry -Context $ctx -WorkspaceId $ws -ListId $l.ListId -IpAddress 192.0.2.9, 192.0.2.10 -WhatIf -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxIpAccessListEntryNotFound,*'
        $err[0].Exception.Message | Should -BeLike 'None of 192.0.2.9, 192.0.2.10 is not in*' -Because 'both values are named'
    }

    It 'with some values present, warns about the others and asks only about the present ones' {
        $r = Invoke-WithAnsweringHost 0 { param($c, $w, $id) Remove-DbxIpAccessListEntry -Context $c -WorkspaceId $w -ListId $id -IpAddress 192.0.2.9, 198.51.100.7 -Confirm -PassThru } @($ctx, $ws, $l.ListId)
        $r.Errors | Should -BeNullOrEmpty
        $r.Warnings.Message | Should -BeLike '192.0.2.9 is not in*office*'
        $r.Prompts.Count | Should -Be 1
        $r.Prompts[0] | Should -Match '"Remove 198\.51\.100\.7"'
        $r.Prompts[0] | Should -Not -Match '192\.0\.2\.9'
        $r.Output[0].IpAddresses | Should -Be @('203.0.113.0/24')
    }
}

Describe 'An ALLOW entry wider than /8' {
    BeforeEach { Clear-Lists }

    It '<Name> of <Value> is refused in a non-interactive session without -Force; nothing is written' -ForEach @(
        @{ Name = 'New-DbxIpAccessList'; Value = '0.0.0.0/0'; Call = { param($v) New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label wide -ListType Allow -IpAddress 127.0.0.1, $v } }
        @{ Name = 'New-DbxAccountIpAccessList'; Value = '64.0.0.0/2'; Call = { param($v) New-DbxAccountIpAccessList -Context $ctx -Label wide -ListType Allow -IpAddress 127.0.0.1, $v -CallerIpAddress 127.0.0.1 } }
        @{ Name = 'Add-DbxIpAccessListEntry'; Value = '10.0.0.0/7'; Call = { param($v) $a = New-DbxIpAccessList @q -Label lab -ListType Allow -IpAddress 127.0.0.1; Add-DbxIpAccessListEntry -Context $ctx -WorkspaceId $ws -ListId $a.ListId -IpAddress $v } }
        @{ Name = 'Set-DbxIpAccessList'; Value = '0.0.0.0/1'; Call = { param($v) $a = New-DbxIpAccessList @q -Label lab -ListType Allow -IpAddress 127.0.0.1; Set-DbxIpAccessList -Context $ctx -WorkspaceId $ws -ListId $a.ListId -Label lab -ListType Allow -IpAddress 127.0.0.1, $v } }
        @{ Name = 'Update-DbxIpAccessList -ListType Allow'; Value = '128.0.0.0/2'; Call = { param($v) $a = New-DbxIpAccessList @q -Label lab -ListType Block -IpAddress $v; Update-DbxIpAccessList -Context $ctx -WorkspaceId $ws -ListId $a.ListId -ListType Allow } }
    ) {
        $ErrorActionPreference = 'Continue'
        $err = @(& $Call $Value 2>&1 3>$null | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $e = @($err | Where-Object { $_.FullyQualifiedErrorId -like 'DbxIpAccessWideAllow,*' })
        $e.Count | Should -Be 1
        $e[0].Exception.Message | Should -BeLike "*$Value*wider than /8*-Force*"
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $after = @(Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws) + @(Get-DbxAccountIpAccessList -Context $ctx)
        @($after | Where-Object { $_.ListType -eq 'ALLOW' -and $_.IpAddresses -contains $Value }) | Should -BeNullOrEmpty
    }

    It 'is written with -Force, with the warning; /8 itself and BLOCK lists are not questioned' {
        $made = New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label anyone -ListType Allow -IpAddress 0.0.0.0/0 -Force -WarningVariable w -WarningAction SilentlyContinue
        $made.IpAddresses | Should -Be @('0.0.0.0/0')
        "$w" | Should -BeLike '*0.0.0.0/0 (every address)*Going ahead because of -Force*'
        $ten = New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label ten -ListType Allow -IpAddress 10.0.0.0/8 -WarningVariable w2 -WarningAction SilentlyContinue
        $ten.IpAddresses | Should -Be @('10.0.0.0/8')
        "$w2" | Should -Not -BeLike '*wider than*'
    }

    It 'warns at once under -WhatIf, asks nothing and writes nothing' {
        $writes = Get-EmulatorWriteCount -Url $emu.Url
        $r = Invoke-WithAnsweringHost 0 { param($c, $w) New-DbxIpAccessList -Context $c -WorkspaceId $w -Label anyone -ListType Allow -IpAddress 0.0.0.0/0 -WhatIf } @($ctx, $ws)
        $r.Prompts | Should -BeNullOrEmpty
        "$($r.Warnings)" | Should -BeLike "*Creating ALLOW list 'anyone' lets in 0.0.0.0/0 (every address)*"
        Get-EmulatorWriteCount -Url $emu.Url | Should -Be $writes
    }

    It 'answering Yes creates it' {
        $r = Invoke-WithAnsweringHost 0 { param($c, $w) New-DbxIpAccessList -Context $c -WorkspaceId $w -Label anyone -ListType Allow -IpAddress 0.0.0.0/0 } @($ctx, $ws)
        $r.Prompts.Count | Should -Be 1
        $r.Output[0].Label | Should -Be 'anyone'
    }
}

Describe 'Test-DbxNetworkCompliance ends with a summary line' {
    It 'writes passed and failed counts to the information stream (shown on the host), not among the findings' {
        $baseline = @{ Controls = @{ RequireCustomerManagedVpc = 'Medium'; RequireIpAccessLists = 'High' } }
        $findings = @(Test-DbxNetworkCompliance -Context $ctx -Baseline $baseline -InformationVariable info -ErrorAction SilentlyContinue)
        $findings | ForEach-Object { $_ | Should -BeOfType ([DatabricksNetworking.Models.ComplianceFinding]) }
        $summary = @($info | Where-Object { $_.Tags -contains 'DbxComplianceSummary' })
        $summary.Count | Should -Be 1
        $summary[0].Tags | Should -Contain 'PSHOST'
        $workspaces = @(Get-DbxWorkspace -Context $ctx).Count
        $failed = @($findings | Where-Object Status -eq 'Failed').Count
        "$($summary[0].MessageData)" -match '^Network compliance against .+: (\d+) workspace\(s\), (\d+) check\(s\) passed, (\d+) failed, (\d+) unknown; findings: .*\d+ (High|Medium)' | Should -BeTrue
        [int]$Matches[1] | Should -Be $workspaces
        [int]$Matches[3] | Should -Be $failed
        [int]$Matches[2] + [int]$Matches[3] + [int]$Matches[4] | Should -Be (2 * $workspaces) -Because 'two controls were checked on each workspace'
        [int]$Matches[4] | Should -Be @($findings | Where-Object Status -eq 'Unknown').Count
        $failed | Should -BeGreaterThan 0
    }
}
