# Tab completion of ids from the live account, through TabExpansion2 as a user presses Tab: cached per context,
# matching ids and names, quiet when not connected, giving up after 2 seconds against a slow service.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
    function Complete([string]$Line) {
        $r = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        @($r.CompletionMatches)
    }
}

AfterAll {
    Remove-Variable -Name dbxOther, dbxSlow -Scope Global -ErrorAction SilentlyContinue
}

Describe '-WorkspaceId completion' {
    BeforeAll { Connect-TestAccount | Out-Null }

    It 'offers the account''s workspaces, with their names' {
        $m = Complete 'Get-DbxWorkspace -WorkspaceId '
        @($m.CompletionText) | Should -Be @('3333333333333333', '1111111111111111', '2222222222222222')
        @($m.ListItemText) | Should -Contain '1111111111111111 (prod-eu)'
        ($m | Where-Object CompletionText -eq '2222222222222222').ToolTip | Should -Match 'us-east-1'
    }

    It 'filters by id prefix and by name prefix' {
        @((Complete 'Get-DbxWorkspace -WorkspaceId 22').CompletionText) | Should -Be @('2222222222222222')
        @((Complete 'Get-DbxWorkspace -WorkspaceId prod-').CompletionText) | Should -Be @('1111111111111111', '2222222222222222')
        @((Complete 'Invoke-DbxApi -Path /api/2.0/workspace-conf -WorkspaceId dev').CompletionText) | Should -Be @('3333333333333333')
    }

    It 'answers the next Tab from the cache without a request' {
        Complete 'Connect-DbxWorkspace -WorkspaceId ' | Out-Null
        Reset-EmulatorRequests
        @((Complete 'Connect-DbxWorkspace -WorkspaceId 1').CompletionText) | Should -Be @('1111111111111111')
        (Get-EmulatorRequests).total | Should -Be 0
    }

    It 'uses the account of -Context when given' {
        $global:dbxOther = Connect-DbxAccount -AccountHost (Get-TestEnvironment).EmulatorUrl -AccountId $seed.OtherAccountId -ClientId $seed.OtherClientId `
            -ClientSecret (ConvertTo-TestSecret $seed.OtherSecret) -NoDefault
        @((Complete 'Get-DbxWorkspace -Context $dbxOther -WorkspaceId ').CompletionText) | Should -Be @('4444444444444444')
    }

    It 'offers nothing, and shows no error, when not connected' {
        $saved = Get-DbxContext -Account
        try {
            Disconnect-DbxAccount
            $before = $Error.Count
            Complete 'Get-DbxWorkspace -WorkspaceId ' | Where-Object CompletionText -match '^\d{16}$' | Should -BeNullOrEmpty
            $Error.Count | Should -Be $before
        }
        finally { Connect-TestAccount | Out-Null }
    }
}

Describe 'Completion against a slow service' {
    BeforeAll {
        $script:slow = Start-TestEmulator -Arguments @('--latency-ms', '4000', '--quiet')
        # A token (no OAuth round trip) and no validation call, so connecting does not wait on the latency.
        $global:dbxSlow = Connect-DbxAccount -AccountHost $slow.Url -AccountId $seed.AccountId -Token (ConvertTo-TestSecret $seed.AccountToken) -SkipValidation -NoDefault
    }
    AfterAll { $slow | Stop-TestService }

    It 'gives up quietly after 2 seconds, then offers the ids once the background fetch is back' {
        $before = $Error.Count
        $first = Complete 'Get-DbxWorkspace -Context $dbxSlow -WorkspaceId '
        $first | Where-Object CompletionText -match '^\d{16}$' | Should -BeNullOrEmpty -Because 'a 4-second answer is not waited for'
        $Error.Count | Should -Be $before
        $later = @()
        for ($i = 0; $i -lt 60 -and -not $later; $i++) {
            Start-Sleep -Milliseconds 500
            $later = @(Complete 'Get-DbxWorkspace -Context $dbxSlow -WorkspaceId ' | Where-Object CompletionText -match '^\d{16}$')
        }
        @($later.CompletionText) | Should -Contain '1111111111111111'
    }
}
