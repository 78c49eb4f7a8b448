# A sentinel token and client secret must never show up in any stream, $Error, the context or a transcript,
# at -Verbose and -Debug, for calls that work and calls that fail.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:sentinelSecret = 'SENTINELsecret7f3a9c2e51d04b8a'
    $script:sentinelToken = 'dapiSENTINELtoken4c8e1a7b9d2f'
    $script:accountId = '0f1e2d3c-aaaa-4bbb-8ccc-123456789abc'
    $script:clientId = '11112222-3333-4444-8555-666677778888'
    $seedFile = Join-Path $TestDrive 'sentinel-seed.json'
    @{
        accounts = @(@{
                account_id         = $accountId
                service_principals = @(@{ application_id = $clientId; secret = $sentinelSecret; id = 1 })
                users              = @(@{ user_name = 'sentinel@example.com'; id = 2 })
                tokens             = @(@{ token = $sentinelToken; principal = 'sentinel@example.com' })
                workspaces         = @(@{ workspace_id = 5555555555555555; workspace_name = 'sentinel-ws'; aws_region = 'us-east-1'; deployment_name = 'dbc-sentinel'
                        pricing_tier = 'ENTERPRISE'; compute_mode = 'HYBRID'; workspace_status = 'RUNNING'; creation_time = 1767225600000 })
            })
    } | ConvertTo-Json -Depth 6 | Set-Content $seedFile
    $script:emu = Start-TestEmulator -Arguments @('--seed-file', $seedFile)
    $script:url = $emu.Url

    function Invoke-Everything {
        # Working and failing calls, at -Verbose and -Debug.
        $ErrorActionPreference = 'Continue'
        $secret = ConvertTo-SecureString $sentinelSecret -AsPlainText -Force
        $token = ConvertTo-SecureString $sentinelToken -AsPlainText -Force
        $m2m = Connect-DbxAccount -AccountHost $url -AccountId $accountId -ClientId $clientId -ClientSecret $secret -Verbose -Debug
        $m2m
        $m2m | Format-List * -Force
        $m2m | ConvertTo-Json -Depth 3
        Get-DbxWorkspace -Context $m2m -Verbose -Debug
        Get-DbxWorkspace -Context $m2m -WorkspaceId 9999999999999999 -Verbose -Debug
        Invoke-DbxApi -Context $m2m -Method Patch -Path /api/2.0/workspace-conf -WorkspaceId 5555555555555555 -Body @{ enableTokensConfig = 'true' } -Verbose -Debug -Confirm:$false
        Invoke-DbxApi -Context $m2m -Path /api/2.0/no-such-endpoint -WorkspaceId 5555555555555555 -Verbose -Debug
        Invoke-EmulatorControl -Method Post -Path tokens/expire -Url $url | Out-Null
        Get-DbxWorkspace -Context $m2m -Verbose -Debug
        $pat = Connect-DbxAccount -AccountHost $url -AccountId $accountId -Token $token -Verbose -Debug -NoDefault
        $pat | Format-List * -Force
        Get-DbxWorkspace -Context $pat -Verbose -Debug
        try { Connect-DbxAccount -AccountHost $url -AccountId $accountId -ClientId $clientId -ClientSecret (ConvertTo-SecureString ($sentinelSecret + 'x') -AsPlainText -Force) -Verbose -Debug -ErrorAction Stop } catch { $_; $_ | Format-List * -Force }
        try { Connect-DbxAccount -AccountHost $url -AccountId $accountId -Token (ConvertTo-SecureString ($sentinelToken + 'x') -AsPlainText -Force) -Verbose -Debug -ErrorAction Stop } catch { $_; $_ | Format-List * -Force }
        try { Connect-DbxAccount -AccountHost 'http://remote.example.com' -AccountId $accountId -Token $token -Verbose -Debug -ErrorAction Stop } catch { $_ }
        Write-Information 'information stream works' -InformationAction Continue
        Write-Warning 'warning stream works'
    }
}

AfterAll {
    $emu | Stop-TestService
    Disconnect-DbxAccount
}

Describe 'Secrets' {
    It 'never appear in the six streams, $Error or the context objects' {
        $Error.Clear()
        $DebugPreference = 'Continue'
        $all = Invoke-Everything *>&1 | Out-String -Width 500
        $all | Should -Match 'information stream works'
        $all | Should -Match 'warning stream works'
        $all | Should -Match 'OAuth: access token received'
        $all | Should -Match 'GET .*/workspaces'
        $all | Should -Match 'RESOURCE_DOES_NOT_EXIST|DbxApiResourceDoesNotExist'
        $all | Should -Match '401, fetching a new OAuth token'
        $all | Should -Not -Match $sentinelSecret
        $all | Should -Not -Match $sentinelToken

        $Error.Count | Should -BeGreaterThan 3
        $errors = $Error | ForEach-Object {
            $_ | Format-List * -Force | Out-String -Width 500
            if ($_ -is [System.Management.Automation.ErrorRecord]) {
                $_.Exception | Format-List * -Force | Out-String -Width 500
                $_.ErrorDetails | Out-String -Width 500
                $_.TargetObject | Out-String -Width 500
            }
        } | Out-String
        $errors | Should -Match 'invalid_client|Client authentication failed'
        $errors | Should -Not -Match $sentinelSecret
        $errors | Should -Not -Match $sentinelToken
    }

    It 'never appear in a transcript at -Debug and -Verbose' {
        $transcript = Join-Path $TestDrive 'transcript.txt'
        $DebugPreference = 'Continue'
        Start-Transcript -Path $transcript -Force | Out-Null
        try { Invoke-Everything | Out-Host } finally { Stop-Transcript | Out-Null }
        $text = Get-Content $transcript -Raw
        $text | Should -Match 'OAuth: access token received'
        $text | Should -Match 'invalid_client|Client authentication failed'
        $text | Should -Not -Match $sentinelSecret
        $text | Should -Not -Match $sentinelToken
    }
}

Describe 'Secrets of a config profile' {
    # Issue 18: Connect-DbxAccount -Profile x -Verbose printed azure_client_secret, google_credentials and a URL's user info.
    BeforeAll {
        $script:profileSentinels = @('SENTINELazureSecret9d8c7b6a', 'SENTINELgoogleCreds5e4d3c2b', 'SENTINELcustomPass1a2b3c4d',
            'SENTINELsomeToken6f7e8d9c', 'SENTINELurlPass0a9b8c7d', 'SENTINELurlUser3e2d1c0b')
        $script:cfgFile = Join-Path $TestDrive 'sentinel.databrickscfg'
        @"
[sentinel]
host = $url
account_id = $accountId
client_id = $clientId
client_secret = $sentinelSecret
auth_type = oauth-m2m
azure_client_secret = SENTINELazureSecret9d8c7b6a
google_credentials = SENTINELgoogleCreds5e4d3c2b
custom_password = SENTINELcustomPass1a2b3c4d
some_token = SENTINELsomeToken6f7e8d9c
databricks_cli_path = https://SENTINELurlUser3e2d1c0b:SENTINELurlPass0a9b8c7d@example.com/cli
"@ | Set-Content $cfgFile
        $script:savedCfg = $env:DATABRICKS_CONFIG_FILE
    }
    AfterAll { $env:DATABRICKS_CONFIG_FILE = $savedCfg }

    It 'are masked on -Verbose/-Debug, in errors and the context, for a working and a failing profile' {
        $env:DATABRICKS_CONFIG_FILE = $cfgFile
        $Error.Clear()
        $DebugPreference = 'Continue'
        $all = & {
            $ErrorActionPreference = 'Continue'
            $ctx = Connect-DbxAccount -Profile sentinel -NoDefault -Verbose -Debug
            $ctx | Format-List * -Force
            $ctx | ConvertTo-Json -Depth 3
            # The same profile with the host refused: the error path.
            try { Connect-DbxAccount -Profile sentinel -AccountHost 'http://remote.example.com' -Verbose -Debug -ErrorAction Stop } catch { $_ | Format-List * -Force }
        } *>&1 | Out-String -Width 500
        $all | Should -Match 'azure_client_secret from profile \[sentinel\]'
        $all | Should -Match 'databricks_cli_path=https://\*\*\*@example.com/cli'
        $errors = $Error | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 500; $_.Exception.Message } | Out-String
        foreach ($s in $profileSentinels + $sentinelSecret) {
            $all | Should -Not -Match $s
            $errors | Should -Not -Match $s
        }
    }
}

Describe 'Secrets of the user and workload sign-in methods' {
    BeforeAll {
        $script:saved = @{}
        foreach ($n in 'HOME', 'BROWSER', 'DATABRICKS_CONFIG_FILE', 'DATABRICKS_AUTH_TYPE', 'DATABRICKS_HOST', 'DATABRICKS_ACCOUNT_ID', 'DATABRICKS_CLIENT_ID', 'DATABRICKS_OIDC_TOKEN', 'DATABRICKS_OIDC_TOKEN_FILEPATH') {
            $script:saved[$n] = [Environment]::GetEnvironmentVariable($n)
        }
        $env:HOME = Join-Path $TestDrive 'sentinel-home'
        New-Item -ItemType Directory (Join-Path $env:HOME '.databricks') -Force | Out-Null
        $env:DATABRICKS_CONFIG_FILE = Join-Path $env:HOME '.databrickscfg'
        "[cli-sentinel]`nhost = $url`naccount_id = $accountId`nauth_type = databricks-cli`n" | Set-Content $env:DATABRICKS_CONFIG_FILE
        # A CLI cache with sentinel tokens: an expired access token and a refresh token the emulator refuses.
        $script:sentinelAccess = 'dapiSENTINELaccess9a8b7c6d5e4f'
        $script:sentinelRefresh = 'doseSENTINELrefresh1a2b3c4d5e6f'
        @{ version = 1; tokens = @{ 'cli-sentinel' = @{ access_token = $sentinelAccess; token_type = 'Bearer'; refresh_token = $sentinelRefresh; expiry = '2020-01-01T00:00:00Z' } } } |
            ConvertTo-Json -Depth 4 | Set-Content (Join-Path $env:HOME '.databricks/token-cache.json')
        $b64 = { param($t) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($t)).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
        $script:sentinelJwt = (& $b64 '{"alg":"none"}') + '.' + (& $b64 ('{"iss":"https://SENTINEL.example","sub":"SENTINELsub","aud":"' + $accountId + '"}')) + '.SENTINELsig'
        $script:jwtBody = $sentinelJwt.Split('.')[1]

        function Invoke-SignIns {
            $ErrorActionPreference = 'Continue'
            # external-browser: a real login; the tokens it got are read from the cache afterwards and checked too.
            $env:BROWSER = 'curl -sS -L -o /dev/null'
            $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
            $u2m = Connect-DbxAccount -AccountHost $url -AccountId $accountId -Interactive -RedirectPort $port -NoDefault -Verbose -Debug -WarningAction Continue
            $u2m; $u2m | Format-List * -Force; $u2m | ConvertTo-Json -Depth 3
            Get-DbxWorkspace -Context $u2m -Verbose -Debug -WarningAction Continue
            Invoke-EmulatorControl -Method Post -Path tokens/expire -Url $url | Out-Null
            Get-DbxWorkspace -Context $u2m -Verbose -Debug -WarningAction Continue          # renewed with the refresh token
            # databricks-cli: the sentinel refresh token is refused.
            try { Connect-DbxAccount -Profile cli-sentinel -Verbose -Debug -WarningAction Continue -ErrorAction Stop } catch { $_; $_ | Format-List * -Force }
            # env-oidc and file-oidc: the sentinel JWT matches no federation policy of this seed.
            $env:DATABRICKS_HOST = $url; $env:DATABRICKS_ACCOUNT_ID = $accountId; $env:DATABRICKS_CLIENT_ID = $clientId
            $env:DATABRICKS_AUTH_TYPE = 'env-oidc'; $env:DATABRICKS_OIDC_TOKEN = $sentinelJwt
            try { Connect-DbxAccount -NoDefault -Verbose -Debug -WarningAction Continue -ErrorAction Stop } catch { $_; $_ | Format-List * -Force }
            $f = Join-Path $TestDrive 'sentinel.jwt'; $sentinelJwt | Set-Content $f
            $env:DATABRICKS_AUTH_TYPE = 'file-oidc'; $env:DATABRICKS_OIDC_TOKEN_FILEPATH = $f
            try { Connect-DbxAccount -NoDefault -Verbose -Debug -WarningAction Continue -ErrorAction Stop } catch { $_; $_ | Format-List * -Force }
            foreach ($n in 'DATABRICKS_AUTH_TYPE', 'DATABRICKS_HOST', 'DATABRICKS_ACCOUNT_ID', 'DATABRICKS_CLIENT_ID', 'DATABRICKS_OIDC_TOKEN', 'DATABRICKS_OIDC_TOKEN_FILEPATH') { [Environment]::SetEnvironmentVariable($n, $null) }
            Disconnect-DbxAccount -Context $u2m -Verbose
        }
    }
    AfterAll { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }

    It 'never show the cached, issued, refresh or ID tokens in any stream, $Error or a transcript' {
        $Error.Clear()
        $DebugPreference = 'Continue'
        $transcript = Join-Path $TestDrive 'signin-transcript.txt'
        Start-Transcript -Path $transcript -Force | Out-Null
        try { $all = Invoke-SignIns *>&1 | Tee-Object -Variable raw | Out-String -Width 500; $raw | Out-Host } finally { Stop-Transcript | Out-Null }
        $cache = Get-Content (Join-Path $env:HOME '.databricks/token-cache.json') -Raw | ConvertFrom-Json -AsHashtable
        $all | Should -Match 'Sign-in method: external-browser'
        $all | Should -Match 'renewing the access token with the refresh token'
        $all | Should -Match 'invalid_grant'
        $errors = $Error | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 500; if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception | Format-List * -Force | Out-String -Width 500 } } | Out-String
        $text = (Get-Content $transcript -Raw) + $all + $errors
        foreach ($s in $sentinelAccess, $sentinelRefresh, $sentinelJwt, $jwtBody, 'SENTINELsig') { $text | Should -Not -Match ([regex]::Escape($s)) }
        $text | Should -Not -Match 'doseemu-rt-'        # the emulator's refresh tokens
        $text | Should -Not -Match 'eyJemu\.[0-9a-f]{8}' # the emulator's access tokens
        $cache.tokens.Keys | Should -Not -Contain "$url/oidc/accounts/$accountId"
    }
}
