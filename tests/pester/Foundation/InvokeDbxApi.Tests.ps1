# Invoke-DbxApi: the authenticated escape hatch for any account or workspace endpoint.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
    $script:url = (Get-TestEnvironment).EmulatorUrl
    $script:ctx = Connect-TestAccount
}

Describe 'Invoke-DbxApi' {
    It 'GETs an account endpoint with {account_id} filled from the context' {
        $ws = @(Invoke-DbxApi -Path '/api/2.0/accounts/{account_id}/workspaces')
        $ws.Count | Should -Be 3
        ($ws | Where-Object workspace_id -eq 1111111111111111).workspace_name | Should -Be 'prod-eu'
        $one = Invoke-DbxApi GET "/api/2.0/accounts/$($seed.AccountId)/workspaces/2222222222222222" -Context $ctx
        $one.deployment_name | Should -Be 'dbc-demo-prod-us'
    }

    It 'sends a workspace call through the account context with -WorkspaceId, and reads back a PATCH' {
        Invoke-DbxApi -Method Patch -Path /api/2.0/workspace-conf -WorkspaceId 3333333333333333 -Body @{ maxTokenLifetimeDays = '90' } -Confirm:$false |
            Should -BeNullOrEmpty
        (Invoke-DbxApi -Path /api/2.0/workspace-conf -WorkspaceId 3333333333333333 -Query @{ keys = 'maxTokenLifetimeDays' }).maxTokenLifetimeDays |
            Should -Be '90'
        $state = Get-EmulatorState
        $wsState = $state.accounts[0].workspace_state.'3333333333333333'
        $wsState.conf.maxTokenLifetimeDays | Should -Be '90'
    }

    It 'sends nothing for a PATCH with -WhatIf' {
        $before = Get-EmulatorRequestCount
        Invoke-DbxApi -Method Patch -Path /api/2.0/workspace-conf -WorkspaceId 3333333333333333 -Body @{ maxTokenLifetimeDays = '7' } -WhatIf
        Get-EmulatorRequestCount | Should -Be $before
        (Invoke-DbxApi -Path /api/2.0/workspace-conf -WorkspaceId 3333333333333333 -Query @{ keys = 'maxTokenLifetimeDays' }).maxTokenLifetimeDays |
            Should -Not -Be '7'
    }

    It 'accepts a JSON string body and returns -Raw text' {
        Invoke-DbxApi -Method Patch -Path /api/2.0/workspace-conf -WorkspaceId 3333333333333333 -Body '{"enableTokensConfig":"true"}' -Confirm:$false
        $raw = Invoke-DbxApi -Path /api/2.0/workspace-conf -WorkspaceId 3333333333333333 -Query @{ keys = 'enableTokensConfig' } -Raw
        $raw | Should -BeOfType [string]
        ($raw | ConvertFrom-Json).enableTokensConfig | Should -Be 'true'
    }

    It 'turns a service error into an ErrorRecord and goes on with the next input' {
        $paths = "/api/2.0/accounts/$($seed.AccountId)/workspaces/9999999999999999", "/api/2.0/accounts/$($seed.AccountId)/workspaces/1111111111111111"
        $out = $paths | ForEach-Object { Invoke-DbxApi -Path $_ -ErrorVariable +errs -ErrorAction SilentlyContinue }
        @($out).Count | Should -Be 1
        $out.workspace_name | Should -Be 'prod-eu'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiResourceDoesNotExist*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -BeLike '*9999999999999999'
        $errs[0].ErrorDetails.Message | Should -Match 'request id: [0-9a-f-]{36}'
    }

    It 'refuses a path without a leading slash before sending anything' {
        $before = Get-EmulatorRequestCount
        Invoke-DbxApi -Path 'api/2.0/workspace-conf' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidPath*'
        Get-EmulatorRequestCount | Should -Be $before
    }

    It 'refuses a -Body string that is not JSON' {
        Invoke-DbxApi -Method Post -Path '/api/2.0/ip-access-lists' -WorkspaceId 1111111111111111 -Body '{not json' -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidJsonBody*'
    }
}
