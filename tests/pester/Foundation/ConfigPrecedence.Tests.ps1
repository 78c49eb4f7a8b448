# Config precedence and hosts end to end, as the Databricks SDKs resolve them (databricks-sdk-go config/config_file.go,
# config/config_attributes.go Validate, config/config.go HostType/resolveHostMetadata; fidelity rows 2, 3, 4, 6, 8, 9, 16).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
    $script:url = (Get-TestEnvironment).EmulatorUrl
    # The emulator answers as workspace prod-us's own (classic) host at <deployment_name>.localhost.
    $script:wsHost = $url -replace '127\.0\.0\.1', 'dbc-demo-prod-us.localhost'

    function Clear-DatabricksEnvironment {
        Get-ChildItem env: | Where-Object { $_.Name -like 'DATABRICKS_*' } | ForEach-Object { Remove-Item "env:$($_.Name)" }
    }
    $script:savedEnv = @{}
    Get-ChildItem env: | Where-Object Name -like 'DATABRICKS_*' | ForEach-Object { $script:savedEnv[$_.Name] = $_.Value }
}

AfterAll {
    Clear-DatabricksEnvironment
    foreach ($k in $script:savedEnv.Keys) { Set-Item "env:$k" $script:savedEnv[$k] }
    Disconnect-DbxAccount
    Disconnect-DbxWorkspace
}

Describe 'Config precedence' {
    BeforeEach {
        Clear-DatabricksEnvironment
        Disconnect-DbxAccount
        Disconnect-DbxWorkspace
        $script:cfgFile = Join-Path $TestDrive 'databrickscfg'
        $env:DATABRICKS_CONFIG_FILE = $cfgFile
    }

    It 'does not pair an environment token with the [DEFAULT] host (go TestConfig_TokenEnv; row 2)' {
        "[DEFAULT]`nhost = $url`naccount_id = $($seed.AccountId)`n" | Set-Content $cfgFile
        $env:DATABRICKS_TOKEN = $seed.AccountToken
        $before = Get-EmulatorRequestCount
        $err = $null
        try { Connect-DbxWorkspace -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxMissingHost*'
        Get-EmulatorRequestCount | Should -Be $before -Because 'the token must not be sent to the profile''s host'
    }

    It 'does not pair the [DEFAULT] token with an environment host (go TestConfig_ConfigFileSkipDefaultProfileIfHostSpecified; row 2)' {
        "[DEFAULT]`ntoken = $($seed.AccountToken)`n" | Set-Content $cfgFile
        $env:DATABRICKS_HOST = $url
        $env:DATABRICKS_ACCOUNT_ID = $seed.AccountId
        $err = $null
        try { Connect-DbxAccount -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxMissingCredentials*'
    }

    It 'refuses two sign-in methods without auth_type, naming both and their sources (go TestConfig_ConflictingEnvs; row 3)' {
        "[acct]`nhost = $url`naccount_id = $($seed.AccountId)`nclient_id = $($seed.ClientId)`nclient_secret = $($seed.ClientSecret)`n" | Set-Content $cfgFile
        $env:DATABRICKS_TOKEN = $seed.AccountToken
        $err = $null
        try { Connect-DbxAccount -Profile acct -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxMultipleAuthMethods*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'more than one authorization method configured: oauth and pat'
        $err.Exception.Message | Should -Match 'token from environment variable DATABRICKS_TOKEN'
        $err.Exception.Message | Should -Match 'client_secret from profile \[acct\]'

        $env:DATABRICKS_AUTH_TYPE = 'oauth-m2m'
        (Connect-DbxAccount -Profile acct).AuthType | Should -Be 'oauth-m2m'
    }

    It 'errors when [__settings__] default_profile names a missing profile (go TestConfigFile_DefaultProfileNonexistentSection; row 9)' {
        "[__settings__]`ndefault_profile = gone`n`n[DEFAULT]`nhost = $url`ntoken = $($seed.AccountToken)`n" | Set-Content $cfgFile
        $err = $null
        try { Connect-DbxAccount -AccountId $seed.AccountId -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxProfileNotFound*'
        $err.Exception.Message | Should -Match "'gone'"
    }

    It 'reads inline comments only after a space, so a secret may contain # (go config_file.go SpaceBeforeInlineComment; row 8)' {
        @"
[emu]
host = $url   # the emulator
account_id = $($seed.AccountId) ; the demo account
client_id = $($seed.ClientId)
client_secret = "$($seed.ClientSecret)" # quoted
"@ | Set-Content $cfgFile
        $ctx = Connect-DbxAccount -Profile emu
        $ctx.Host | Should -Be $url
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3
    }
}

Describe 'Hosts' {
    BeforeEach {
        Clear-DatabricksEnvironment
        $env:DATABRICKS_CONFIG_FILE = Join-Path $TestDrive 'no-such.databrickscfg'
        Disconnect-DbxWorkspace
    }

    It 'connects M2M to a classic workspace host without -AccountId, through its own token endpoint (rows 4, 16)' {
        $env:DATABRICKS_ACCOUNT_ID = $seed.AccountId   # must not send the workspace to the account endpoint
        Reset-EmulatorRequests
        $verbose = Connect-DbxWorkspace -WorkspaceHost $wsHost -ClientId $seed.ClientId -ClientSecret (ConvertTo-TestSecret $seed.ClientSecret) -Verbose 4>&1
        $ctx = $verbose | Where-Object { $_ -is [DatabricksNetworking.Client.DbxContext] }
        $text = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $ctx.IsUnifiedHost | Should -BeFalse
        $ctx.WorkspaceId | Should -Be 2222222222222222
        $text | Should -Match 'host_type WORKSPACE_HOST'
        $text | Should -Match 'workspace_id=2222222222222222 from host metadata'
        $text | Should -Match ([regex]::Escape("$wsHost/oidc/v1/token"))
        $by = (Get-EmulatorRequests).by_route
        @($by.PSObject.Properties.Name | Where-Object { $_ -like 'POST /oidc/accounts/*' }).Count | Should -Be 0
        Invoke-DbxApi -Context $ctx -Path /api/2.0/workspace-conf -Query @{ keys = 'enableIpAccessLists' } | Should -Not -BeNullOrEmpty
    }

    It 'takes the workspace id from ?o= of a pasted URL and sees a unified host in its metadata (row 6)' {
        $verbose = Connect-DbxWorkspace -WorkspaceHost "$url/?o=$($seed.WorkspaceId)" -Token (ConvertTo-TestSecret $seed.WorkspaceToken) -NoDefault -Verbose 4>&1
        $ctx = $verbose | Where-Object { $_ -is [DatabricksNetworking.Client.DbxContext] }
        $ctx.WorkspaceId | Should -Be $seed.WorkspaceId
        $ctx.Host | Should -Be $url
        $ctx.IsUnifiedHost | Should -BeTrue
        $text = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $text | Should -Match 'host_type UNIFIED_HOST'
        $text | Should -Match "workspace_id=$($seed.WorkspaceId) from the query of the host URL"
        Invoke-DbxApi -Context $ctx -Path /api/2.0/workspace-conf -Query @{ keys = 'enableIpAccessLists' } | Should -Not -BeNullOrEmpty
    }

    It 'needs the workspace id on a unified host' {
        $err = $null
        try { Connect-DbxWorkspace -WorkspaceHost $url -Token (ConvertTo-TestSecret $seed.WorkspaceToken) -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxMissingWorkspaceId*'
    }

    It 'refuses an account connection to a workspace host' {
        $err = $null
        try { Connect-DbxAccount -AccountHost $wsHost -AccountId $seed.AccountId -Token (ConvertTo-TestSecret $seed.AccountToken) -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxInvalidHost*'
        $err.Exception.Message | Should -Match 'WORKSPACE_HOST'
    }
}
