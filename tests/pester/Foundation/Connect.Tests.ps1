# Connecting: PAT, OAuth M2M, profiles, environment variables, errors, contexts across runspaces.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
    $script:url = (Get-TestEnvironment).EmulatorUrl

    function Clear-DatabricksEnvironment {
        Get-ChildItem env: | Where-Object Name -like 'DATABRICKS_*' | ForEach-Object { Remove-Item "env:$($_.Name)" }
    }
    function Get-TokenRequestCount {
        $by = (Get-EmulatorRequests).by_route
        $n = 0
        foreach ($p in $by.PSObject.Properties) { if ($p.Name -like 'POST /oidc/*') { $n += $p.Value } }
        $n
    }
    # A workspace the credential cannot reach: the real 403 with a numeric error_code (databricks-sdk-go#853).
    function Assert-InvalidAccessToOrg($err, $workspaceId) {
        $err | Should -Not -BeNullOrEmpty
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxApi403,*'
        $err.Exception.ServiceMessage | Should -Be "Invalid access to Org: $workspaceId"
        $err.Exception.Message | Should -Match 'error_code: 403, HTTP 403, request id: [0-9a-f-]{36}'
        $err.ErrorDetails.RecommendedAction | Should -Match 'cannot reach this workspace'
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

Describe 'Connect-DbxAccount' {
    BeforeEach {
        Clear-DatabricksEnvironment
        $env:DATABRICKS_CONFIG_FILE = Join-Path $TestDrive 'no-such.databrickscfg'
        Disconnect-DbxAccount
        Disconnect-DbxWorkspace
    }

    It 'connects with OAuth M2M and lists the demo workspaces' {
        $ctx = Connect-TestAccount
        $ctx.Kind | Should -Be 'Account'
        $ctx.AuthType | Should -Be 'oauth-m2m'
        $ctx.ClientId | Should -Be $seed.ClientId
        $ctx.CredentialSource | Should -Be 'parameter -ClientSecret'
        $ctx.IsUnifiedHost | Should -BeTrue
        (Get-DbxContext -Account) | Should -Be $ctx
        $ws = @(Get-DbxWorkspace)
        $ws.Count | Should -Be 3
        $ws.WorkspaceName | Should -Contain 'prod-eu'
    }

    It 'connects with -Credential (client id as user name, secret as password)' {
        $cred = [pscredential]::new($seed.ClientId, (ConvertTo-TestSecret $seed.ClientSecret))
        $ctx = Connect-DbxAccount -AccountHost $url -AccountId $seed.AccountId -Credential $cred
        $ctx.AuthType | Should -Be 'oauth-m2m'
        (Get-DbxWorkspace -WorkspaceId 2222222222222222).WorkspaceName | Should -Be 'prod-us'
    }

    It 'connects with an account-level personal access token' {
        $ctx = Connect-DbxAccount -AccountHost $url -AccountId $seed.AccountId -Token (ConvertTo-TestSecret $seed.AccountToken)
        $ctx.AuthType | Should -Be 'pat'
        $ctx.CredentialSource | Should -Be 'parameter -Token'
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3
    }

    It 'connects with a profile of the file named by DATABRICKS_CONFIG_FILE' {
        $cfg = Join-Path $TestDrive 'databrickscfg'
        @"
[DEFAULT]
host = https://unused.cloud.databricks.com
token = dapi-unused-default

[emulator]
host = $url
account_id = $($seed.AccountId)
client_id = $($seed.ClientId)
client_secret = $($seed.ClientSecret)
"@ | Set-Content -Path $cfg
        $env:DATABRICKS_CONFIG_FILE = $cfg
        $ctx = Connect-DbxAccount -Profile emulator -Verbose 4>&1 | Where-Object { $_ -is [DatabricksNetworking.Client.DbxContext] }
        $ctx.Profile | Should -Be 'emulator'
        $ctx.Host | Should -Be $url
        $ctx.CredentialSource | Should -BeLike "profile ``[emulator``] in *databrickscfg"
        @(Get-DbxWorkspace).Count | Should -Be 3
    }

    It 'says which source was used on the Verbose stream' {
        $verbose = Connect-DbxAccount -AccountHost $url -AccountId $seed.AccountId -ClientId $seed.ClientId -ClientSecret (ConvertTo-TestSecret $seed.ClientSecret) -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        ($verbose -join "`n") | Should -Match 'client_secret from parameter -ClientSecret'
        ($verbose -join "`n") | Should -Match "host=$([regex]::Escape($url)) from parameter -Host"
    }

    It 'names the profiles of the file when the profile does not exist' {
        $cfg = Join-Path $TestDrive 'two.databrickscfg'
        "[alpha]`nhost = $url`n`n[beta]`nhost = $url`n" | Set-Content -Path $cfg
        $env:DATABRICKS_CONFIG_FILE = $cfg
        $err = $null
        try { Connect-DbxAccount -Profile gamma -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxProfileNotFound*'
        $err.Exception.Message | Should -Match 'alpha, beta'
    }

    It 'connects from DATABRICKS_* environment variables alone' {
        $env:DATABRICKS_HOST = $url
        $env:DATABRICKS_ACCOUNT_ID = $seed.AccountId
        $env:DATABRICKS_CLIENT_ID = $seed.ClientId
        $env:DATABRICKS_CLIENT_SECRET = $seed.ClientSecret
        $ctx = Connect-DbxAccount
        $ctx.AuthType | Should -Be 'oauth-m2m'
        $ctx.CredentialSource | Should -Be 'environment variable DATABRICKS_CLIENT_SECRET'
        @(Get-DbxWorkspace).Count | Should -Be 3
    }

    It 'lets parameters win over environment variables' {
        $env:DATABRICKS_HOST = 'https://ignored.cloud.databricks.com'
        $env:DATABRICKS_TOKEN = 'dapi-ignored-by-parameters'
        $ctx = Connect-TestAccount
        $ctx.Host | Should -Be $url
        $ctx.AuthType | Should -Be 'oauth-m2m'
    }

    It 'gives an AuthenticationError record for a wrong client secret' {
        $err = $null
        try {
            Connect-DbxAccount -AccountHost $url -AccountId $seed.AccountId -ClientId $seed.ClientId -ClientSecret (ConvertTo-TestSecret 'wrong-secret-0000') -ErrorAction Stop
        } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidClient*'
        $err.TargetObject | Should -Be $url
        Get-DbxContext -Account | Should -BeNullOrEmpty
    }

    It 'gives an AuthenticationError record for a personal access token the service does not know (the real 403)' {
        $before = Get-TokenRequestCount
        $err = $null
        try { Connect-DbxAccount -AccountHost $url -AccountId $seed.AccountId -Token (ConvertTo-TestSecret 'dapi-wrong-token-0000') -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidAccessToken*'
        $err.Exception.StatusCode | Should -Be 403
        $err.Exception.ServiceMessage | Should -Be 'Invalid access token.'
        $err.ErrorDetails.RecommendedAction | Should -Match 'revoked'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Access tokens'
        $err.ErrorDetails.RecommendedAction | Should -Match '-Interactive'
        (Get-TokenRequestCount) - $before | Should -Be 0   # not treated as an OAuth token to renew
    }

    It 'gives PermissionDenied to a principal of another account' {
        $other = Connect-DbxAccount -AccountHost $url -AccountId $seed.OtherAccountId -ClientId $seed.OtherClientId -ClientSecret (ConvertTo-TestSecret $seed.OtherSecret) -NoDefault
        @(Get-DbxWorkspace -Context $other).WorkspaceId | Should -Be @($seed.OtherWorkspaceId)
        Invoke-DbxApi -Context $other -Path "/api/2.0/accounts/$($seed.AccountId)/workspaces" -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiPermissionDenied*'

        $err = $null
        try {
            Connect-DbxWorkspace -WorkspaceHost $url -WorkspaceId $seed.WorkspaceId -AccountId $seed.OtherAccountId -ClientId $seed.OtherClientId -ClientSecret (ConvertTo-TestSecret $seed.OtherSecret) -ErrorAction Stop
        } catch { $err = $_ }
        Assert-InvalidAccessToOrg $err $seed.WorkspaceId
    }

    It 're-acquires an expired OAuth token once and the call still works' {
        $ctx = Connect-TestAccount
        $before = Get-TokenRequestCount
        (Invoke-EmulatorControl -Method Post -Path tokens/expire -Url $url).expired | Should -BeGreaterThan 0
        $out = Get-DbxWorkspace -WorkspaceId 1111111111111111 -Verbose 4>&1
        ($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).WorkspaceName | Should -Be 'prod-eu'
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match '401, fetching a new OAuth token'
        (Get-TokenRequestCount) - $before | Should -Be 1
        Get-DbxWorkspace -WorkspaceId 2222222222222222 | Should -Not -BeNullOrEmpty
        (Get-TokenRequestCount) - $before | Should -Be 1
    }

    It 'refuses http:// for a host that is not loopback, before sending anything' {
        $before = Get-EmulatorRequestCount
        $err = $null
        try { Connect-DbxAccount -AccountHost 'http://accounts.cloud.databricks.com' -AccountId $seed.AccountId -Token (ConvertTo-TestSecret 'dapi-x-00000000') -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxInsecureHost*'
        $err.Exception.Message | Should -Match 'https://'
        Get-EmulatorRequestCount | Should -Be $before
    }

    It 'names what is missing when there are no credentials' {
        $err = $null
        try { Connect-DbxAccount -AccountHost $url -AccountId $seed.AccountId -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxMissingCredentials*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }
}

Describe 'Connect-DbxWorkspace' {
    BeforeEach {
        Clear-DatabricksEnvironment
        $env:DATABRICKS_CONFIG_FILE = Join-Path $TestDrive 'no-such.databrickscfg'
        Disconnect-DbxWorkspace
    }

    It 'connects to one workspace of the unified host with a workspace PAT' {
        $ctx = Connect-DbxWorkspace -WorkspaceHost $url -WorkspaceId $seed.WorkspaceId -Token (ConvertTo-TestSecret $seed.WorkspaceToken)
        $ctx.Kind | Should -Be 'Workspace'
        $ctx.WorkspaceId | Should -Be $seed.WorkspaceId
        $ctx.AuthType | Should -Be 'pat'
        (Get-DbxContext -Workspace) | Should -Be $ctx
        $conf = Invoke-DbxApi -Path /api/2.0/workspace-conf -Query @{ keys = 'enableIpAccessLists' }
        $conf.PSObject.Properties.Name | Should -Contain 'enableIpAccessLists'
    }

    It 'connects to a workspace with OAuth M2M through the account token endpoint' {
        $ctx = Connect-DbxWorkspace -WorkspaceHost $url -WorkspaceId 2222222222222222 -AccountId $seed.AccountId -ClientId $seed.ClientId -ClientSecret (ConvertTo-TestSecret $seed.ClientSecret)
        $ctx.AuthType | Should -Be 'oauth-m2m'
        $ctx.IsUnifiedHost | Should -BeTrue
        Invoke-DbxApi -Context $ctx -Path /api/2.0/workspace-conf -Query @{ keys = 'enableIpAccessLists' } | Should -Not -BeNullOrEmpty
    }

    It 'refuses a workspace PAT for another workspace' {
        $err = $null
        try { Connect-DbxWorkspace -WorkspaceHost $url -WorkspaceId 2222222222222222 -Token (ConvertTo-TestSecret $seed.WorkspaceToken) -ErrorAction Stop } catch { $err = $_ }
        Assert-InvalidAccessToOrg $err 2222222222222222
    }
}

Describe 'Get-DbxContext and Disconnect-*' {
    It 'shows and forgets the session defaults' {
        $a = Connect-TestAccount
        $w = Connect-DbxWorkspace -WorkspaceHost $url -WorkspaceId $seed.WorkspaceId -Token (ConvertTo-TestSecret $seed.WorkspaceToken)
        @(Get-DbxContext).Count | Should -Be 2
        (Get-DbxContext -Account).Kind | Should -Be 'Account'
        (Get-DbxContext -Workspace).Kind | Should -Be 'Workspace'

        $other = Connect-TestAccount -NoDefault
        $other | Disconnect-DbxAccount
        (Get-DbxContext -Account) | Should -Be $a

        Disconnect-DbxWorkspace
        Get-DbxContext -Workspace | Should -BeNullOrEmpty
        (Get-DbxContext -Account) | Should -Be $a
        Disconnect-DbxAccount
        @(Get-DbxContext).Count | Should -Be 0

        $err = $null
        try { Get-DbxWorkspace -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxNotConnected*'
        # A context object still works after it stopped being the default.
        @(Get-DbxWorkspace -Context $a).Count | Should -Be 3
    }

    It '-ListAvailable lists every context of the session, also those made with -NoDefault, until disconnected' {
        $a = Connect-TestAccount
        $side = Connect-TestAccount -NoDefault
        $w = Connect-DbxWorkspace -WorkspaceHost $url -WorkspaceId $seed.WorkspaceId -Token (ConvertTo-TestSecret $seed.WorkspaceToken) -NoDefault
        $all = @(Get-DbxContext -ListAvailable)
        foreach ($c in $a, $side, $w) { [bool]($all | Where-Object { [object]::ReferenceEquals($_, $c) }) | Should -BeTrue }
        @(Get-DbxContext) | Should -Not -Contain $side
        $side | Disconnect-DbxAccount
        $w | Disconnect-DbxWorkspace
        $left = @(Get-DbxContext -ListAvailable)
        [bool]($left | Where-Object { [object]::ReferenceEquals($_, $side) -or [object]::ReferenceEquals($_, $w) }) | Should -BeFalse
        [bool]($left | Where-Object { [object]::ReferenceEquals($_, $a) }) | Should -BeTrue
    }

    It 'the "Not connected" error names the DATABRICKS_* variables Connect-DbxAccount would use (never their values)' {
        Disconnect-DbxAccount
        Disconnect-DbxWorkspace
        Clear-DatabricksEnvironment
        try {
            $err = $null
            try { Get-DbxWorkspace -ErrorAction Stop } catch { $err = $_ }
            $err.Exception.Message | Should -Not -Match 'DATABRICKS_'
            $env:DATABRICKS_HOST = $url
            $env:DATABRICKS_TOKEN = 'dapi-not-shown-0123456789'
            $err = $null
            try { Get-DbxWorkspace -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'DbxNotConnected*'
            $err.Exception.Message | Should -Match 'DATABRICKS_HOST, DATABRICKS_TOKEN are set.*Connect-DbxAccount'
            $err.Exception.Message | Should -Not -Match 'dapi-not-shown'
        }
        finally { Clear-DatabricksEnvironment; foreach ($k in $savedEnv.Keys) { Set-Item "env:$k" $savedEnv[$k] } }
    }

    It 'passes -Context into ForEach-Object -Parallel' {
        Disconnect-DbxAccount
        $ctx = Connect-TestAccount -NoDefault
        $module = (Get-TestEnvironment).Module
        $names = $seed.WorkspaceIds | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:module
            (Get-DbxWorkspace -WorkspaceId $_ -Context $using:ctx).WorkspaceName
        }
        @($names | Sort-Object) | Should -Be @('dev-us', 'prod-eu', 'prod-us')
    }

    It 'works from thread jobs with a context' {
        $ctx = Connect-TestAccount -NoDefault
        $module = (Get-TestEnvironment).Module
        $job = Start-ThreadJob { Import-Module $using:module; @(Get-DbxWorkspace -Context $using:ctx).Count }
        $job | Wait-Job -Timeout 60 | Receive-Job | Should -Be 3
        $job | Remove-Job -Force
    }
}

Describe 'A personal access token that expires (expiry_time on the token, checked on every request)' {
    BeforeAll {
        # A private emulator (its clock is moved) seeded with PATs that carry creation_time and expiry_time (ms since the
        # epoch, -1 = never), as the token API's PublicTokenInfo does. An expired PAT gets what an unknown one gets:
        # 403 {"error_code":403,"message":"Invalid access token."} with X-Databricks-Reason-Phrase, as the PAT callers'
        # wire logs in databricks-sdk-go issues #873 and #917 show (no separate "expired" message appears in any).
        $script:patAccount = '7e57e7e5-0000-4a1b-8c2d-3e4f5a6b7c8d'
        $script:expiring = 'dapiexpiring' + ('0123456789abcdef' * 2)
        $script:forever = 'dapinoexpiry' + ('fedcba9876543210' * 2)
        $script:now = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
        $seedFile = Join-Path $TestDrive 'pat-expiry-seed.json'
        @{
            accounts = @(@{
                    account_id = $patAccount
                    users      = @(@{ user_name = 'pat-user@example.com'; id = 31 })
                    tokens     = @(
                        @{ token = $expiring; principal = 'pat-user@example.com'; creation_time = $now - 86400000; expiry_time = $now + 3600000 }
                        @{ token = $forever; principal = 'pat-user@example.com'; creation_time = $now - 86400000; expiry_time = -1 }
                    )
                    workspaces = @(@{ workspace_id = 6666666666666666; workspace_name = 'pat-ws'; aws_region = 'us-east-1'; deployment_name = 'dbc-pat'
                            pricing_tier = 'ENTERPRISE'; compute_mode = 'HYBRID'; workspace_status = 'RUNNING'; creation_time = 1767225600000 })
                })
        } | ConvertTo-Json -Depth 6 | Set-Content $seedFile
        $script:patEmu = Start-TestEmulator -Arguments @('--seed-file', $seedFile, '--quiet')
        $script:patUrl = $patEmu.Url
        $script:ctxExpiring = Connect-DbxAccount -AccountHost $patUrl -AccountId $patAccount -Token (ConvertTo-TestSecret $expiring) -NoDefault
        $script:ctxForever = Connect-DbxAccount -AccountHost $patUrl -AccountId $patAccount -Token (ConvertTo-TestSecret $forever) -NoDefault
        function Get-RawAnswer([string]$Token) {
            $r = Invoke-WebRequest -Uri "$($patUrl.TrimEnd('/'))/api/2.0/accounts/$patAccount/workspaces" -Headers @{ Authorization = "Bearer $Token" } -SkipHttpErrorCheck
            [pscustomobject]@{ Status = [int]$r.StatusCode; Reason = "$($r.Headers['X-Databricks-Reason-Phrase'])"; Body = $r.Content | ConvertFrom-Json }
        }
    }
    AfterAll { $patEmu | Stop-TestService }

    It 'works until its expiry_time, and the emulator keeps both times on the token' {
        (Get-DbxWorkspace -Context $ctxExpiring).WorkspaceName | Should -Be 'pat-ws'
        (Get-RawAnswer $expiring).Status | Should -Be 200
        $t = @((Get-EmulatorState -Url $patUrl).accounts.tokens | Where-Object token -eq $expiring)
        $t.Count | Should -Be 1
        $t[0].creation_time | Should -Be ($now - 86400000)
        $t[0].expiry_time | Should -Be ($now + 3600000)
    }

    It 'after its expiry_time the service answers exactly what it answers any unknown PAT: 403, numeric error_code, reason phrase' {
        Move-EmulatorClock -Seconds 7200 -Url $patUrl
        $expired = Get-RawAnswer $expiring
        $unknown = Get-RawAnswer ('dapinotissued' + ('0' * 32))
        $expired.Status | Should -Be 403
        $expired.Reason | Should -Be 'Invalid access token.'
        $expired.Body.error_code | Should -BeOfType [long]
        $expired.Body.error_code | Should -Be 403
        $expired.Body.message | Should -Be 'Invalid access token.'
        ($expired.Body | ConvertTo-Json -Compress) | Should -Be ($unknown.Body | ConvertTo-Json -Compress)
        $expired.Reason | Should -Be $unknown.Reason
    }

    It 'a cmdlet surfaces it as one AuthenticationError record, after one request (no retry), the token never shown' {
        $before = Get-EmulatorRequestCount -Url $patUrl
        $out = Get-DbxWorkspace -Context $ctxExpiring -ErrorAction SilentlyContinue -ErrorVariable err -Verbose -Debug *>&1 | Out-String
        (Get-EmulatorRequestCount -Url $patUrl) - $before | Should -Be 1
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxApiInvalidAccessToken,*'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].Exception.StatusCode | Should -Be 403
        $err[0].Exception.ServiceMessage | Should -Be 'Invalid access token.'
        $err[0].Exception.Message | Should -Match 'request id: [0-9a-f-]{36}'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'has expired'
        $shown = $out + ($err | Format-List * -Force | Out-String) + $err[0].Exception.ToString() + ($ctxExpiring | Format-List * -Force | Out-String)
        $shown | Should -Not -Match ([regex]::Escape($expiring))
        $shown | Should -Not -Match ([regex]::Escape($expiring.Substring(4, 12)))
    }

    It 'a token with expiry_time -1 never expires' {
        Move-EmulatorClock -Seconds (400 * 86400) -Url $patUrl
        (Get-DbxWorkspace -Context $ctxForever).WorkspaceName | Should -Be 'pat-ws'
    }
}
