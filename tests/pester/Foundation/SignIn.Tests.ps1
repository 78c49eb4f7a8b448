# Every way an admin already signs in: OAuth U2M in the browser (PKCE, refresh, rotation), the Databricks CLI's
# token cache, and workload identity federation (env-oidc, file-oidc, github-oidc), against a private emulator.
# The "browser" is curl following the authorize redirect to the loopback listener (BROWSER on Linux).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    $script:url = $emu.Url
    $script:acct = $seed.AccountId
    $script:saved = @{}
    foreach ($n in @(Get-ChildItem env: | Where-Object Name -like 'DATABRICKS_*' | ForEach-Object Name) + @('HOME', 'BROWSER', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'MY_CI_TOKEN')) {
        $script:saved[$n] = [Environment]::GetEnvironmentVariable($n)
    }

    function Clear-SignInEnvironment {
        Get-ChildItem env: | Where-Object Name -like 'DATABRICKS_*' | ForEach-Object { Remove-Item "env:$($_.Name)" }
        foreach ($n in 'BROWSER', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'MY_CI_TOKEN') { [Environment]::SetEnvironmentVariable($n, $null) }
    }
    function Get-FreePort {
        $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $l.Start(); $p = $l.LocalEndpoint.Port; $l.Stop(); $p
    }
    function ConvertTo-B64Url([byte[]]$b) { [Convert]::ToBase64String($b).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    function New-TestJwt {
        # An unsigned test JWT (the emulator checks issuer, audience, subject and expiry, not signatures).
        param([string]$Subject = 'repo:example-org/dbx-networking:environment:prod', [string]$Audience = $script:acct,
            [string]$Issuer = 'https://token.actions.githubusercontent.com')
        $h = ConvertTo-B64Url ([Text.Encoding]::UTF8.GetBytes('{"alg":"none","typ":"JWT"}'))
        $exp = [DateTimeOffset]::UtcNow.AddHours(6).ToUnixTimeSeconds()
        $p = ConvertTo-B64Url ([Text.Encoding]::UTF8.GetBytes((@{ iss = $Issuer; sub = $Subject; aud = $Audience; exp = $exp; jti = [guid]::NewGuid().ToString() } | ConvertTo-Json -Compress)))
        "$h.$p."
    }
    function Get-RouteCount([string]$Like) {
        $n = 0
        foreach ($p in (Get-EmulatorRequests -Url $url).by_route.PSObject.Properties) { if ($p.Name -like $Like) { $n += $p.Value } }
        $n
    }
    function Get-CodeByHand {
        # The authorize step as a browser does it, stopping at the redirect: returns code and verifier.
        param([string]$Verifier = (ConvertTo-B64Url ([Security.Cryptography.RandomNumberGenerator]::GetBytes(32))))
        $challenge = ConvertTo-B64Url ([Security.Cryptography.SHA256]::HashData([Text.Encoding]::ASCII.GetBytes($Verifier)))
        $q = "client_id=databricks-cli&response_type=code&redirect_uri=$([uri]::EscapeDataString('http://localhost:9'))&scope=$([uri]::EscapeDataString('all-apis offline_access'))&state=s1&code_challenge=$challenge&code_challenge_method=S256"
        $r = Invoke-WebRequest -Uri "$url/oidc/accounts/$acct/v1/authorize?$q" -MaximumRedirection 0 -SkipHttpErrorCheck -ErrorAction SilentlyContinue
        $r.StatusCode | Should -Be 302
        $loc = [uri]"$($r.Headers.Location)"
        $loc.GetLeftPart('Path') | Should -Be 'http://localhost:9/'
        $code = [regex]::Match($loc.Query, 'code=([^&]+)').Groups[1].Value
        [regex]::Match($loc.Query, 'state=([^&]+)').Groups[1].Value | Should -Be 's1'
        [pscustomobject]@{ Code = [uri]::UnescapeDataString($code); Verifier = $Verifier }
    }
    function Invoke-TokenEndpoint([hashtable]$Form) {
        $r = Invoke-WebRequest -Method Post -Uri "$url/oidc/accounts/$acct/v1/token" -Body $Form -ContentType 'application/x-www-form-urlencoded' -SkipHttpErrorCheck
        [pscustomobject]@{ Status = [int]$r.StatusCode; Body = ($r.Content | ConvertFrom-Json) }
    }
    function Get-Cache { Get-Content (Join-Path $env:HOME '.databricks/token-cache.json') -Raw | ConvertFrom-Json -AsHashtable }
}

AfterAll {
    Disconnect-DbxAccount
    Disconnect-DbxWorkspace
    Clear-SignInEnvironment
    foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    if ($script:emu) { $emu | Stop-TestService }
}

Describe 'external-browser (OAuth U2M with PKCE)' {
    BeforeEach {
        Clear-SignInEnvironment
        $env:HOME = Join-Path $TestDrive ('home-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        New-Item -ItemType Directory $env:HOME | Out-Null
        $env:DATABRICKS_CONFIG_FILE = Join-Path $TestDrive 'no-such.databrickscfg'
        $env:BROWSER = 'curl -sS -L -o /dev/null'
        $script:port = Get-FreePort
    }

    It 'signs in through the browser redirect, writes the CLI token cache owner-only and calls the account API' {
        $before = Get-RouteCount 'GET /oidc/accounts/*/v1/authorize'
        $ctx = Connect-DbxAccount -AccountHost $url -AccountId $acct -Interactive -RedirectPort $port -Verbose 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -is [DatabricksNetworking.Client.DbxContext] }
        ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String) | Should -Match 'Sign-in method: external-browser \(auth_type from parameter -Interactive\)'
        $ctx.AuthType | Should -Be 'external-browser'
        $ctx.ClientId | Should -Be 'databricks-cli'
        $ctx.CredentialSource | Should -Match 'browser sign-in'
        (Get-RouteCount 'GET /oidc/accounts/*/v1/authorize') | Should -Be ($before + 1)
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3

        $file = Join-Path $env:HOME '.databricks/token-cache.json'
        $cache = Get-Cache
        $cache.version | Should -Be 1
        $entry = $cache.tokens["$url/oidc/accounts/$acct"]
        $entry | Should -Not -BeNullOrEmpty
        @($entry.Keys | Sort-Object) | Should -Be @('access_token', 'expiry', 'refresh_token', 'token_type')
        $entry.token_type | Should -Be 'Bearer'
        [DateTimeOffset]::Parse($entry.expiry) | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
        if (-not $IsWindows) {
            (Get-Item -Force $file).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
            (Get-Item -Force (Split-Path $file)).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        }
    }

    It 'serves a workspace context from the same login, and a second connect reuses the cache without a browser' {
        Connect-DbxAccount -AccountHost $url -AccountId $acct -Interactive -RedirectPort $port -NoDefault | Out-Null
        $before = Get-RouteCount 'GET /oidc/accounts/*/v1/authorize'
        $env:BROWSER = 'false'
        $ws = Connect-DbxWorkspace -WorkspaceHost $url -AccountId $acct -WorkspaceId $seed.WorkspaceId -Interactive -RedirectPort $port -NoDefault
        $ws.AuthType | Should -Be 'external-browser'
        (Get-RouteCount 'GET /oidc/accounts/*/v1/authorize') | Should -Be $before
        $ws.Kind | Should -Be 'Workspace'
    }

    It 'renews an expired access token with the refresh token, rotates it in the cache, and the old one is refused' {
        $ctx = Connect-DbxAccount -AccountHost $url -AccountId $acct -Interactive -RedirectPort $port -NoDefault
        $first = (Get-Cache).tokens["$url/oidc/accounts/$acct"]
        $tokenCalls = Get-RouteCount 'POST /oidc/accounts/*/v1/token'
        Move-EmulatorClock -Seconds 7200 -Url $url
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3
        (Get-RouteCount 'POST /oidc/accounts/*/v1/token') | Should -Be ($tokenCalls + 1)
        $second = (Get-Cache).tokens["$url/oidc/accounts/$acct"]
        $second.refresh_token | Should -Not -Be $first.refresh_token
        $second.access_token | Should -Not -Be $first.access_token
        $old = Invoke-TokenEndpoint @{ grant_type = 'refresh_token'; refresh_token = $first.refresh_token; client_id = 'databricks-cli' }
        $old.Status | Should -Be 400
        $old.Body.error | Should -Be 'invalid_grant'
    }

    It 'refuses a wrong PKCE verifier with the OAuth error shape and accepts the right one once' {
        $c = Get-CodeByHand
        $bad = Invoke-TokenEndpoint @{ grant_type = 'authorization_code'; code = $c.Code; redirect_uri = 'http://localhost:9'; client_id = 'databricks-cli'; code_verifier = 'not-the-verifier-0123456789012345678901234' }
        $bad.Status | Should -Be 400
        $bad.Body.error | Should -Be 'invalid_grant'
        $bad.Body.error_description | Should -Match 'PKCE'
        $c2 = Get-CodeByHand
        $good = Invoke-TokenEndpoint @{ grant_type = 'authorization_code'; code = $c2.Code; redirect_uri = 'http://localhost:9'; client_id = 'databricks-cli'; code_verifier = $c2.Verifier }
        $good.Status | Should -Be 200
        $good.Body.refresh_token | Should -Not -BeNullOrEmpty
        $again = Invoke-TokenEndpoint @{ grant_type = 'authorization_code'; code = $c2.Code; redirect_uri = 'http://localhost:9'; client_id = 'databricks-cli'; code_verifier = $c2.Verifier }
        $again.Body.error | Should -Be 'invalid_grant'
    }

    It 'prints the URL instead when no browser can be opened (an SSH session)' {
        Remove-Item env:BROWSER
        $savedDisplay = $env:DISPLAY, $env:WAYLAND_DISPLAY
        $env:DISPLAY = $null; $env:WAYLAND_DISPLAY = $null
        try {
            if ($IsLinux) {
                # The URL is printed as a warning; the test plays the user by opening it itself.
                $ps = [powershell]::Create()
                $null = $ps.AddScript({
                        param($m, $out)
                        Import-Module $m
                        Connect-DbxAccount -AccountHost $args[0] -AccountId $args[1] -Interactive -RedirectPort $args[2] -NoDefault | Out-Null
                    }).AddArgument((Get-TestEnvironment).Module).AddArgument(($out = [hashtable]::Synchronized(@{}))).AddArgument($url).AddArgument($acct).AddArgument($port)
                $h = $ps.BeginInvoke()
                try {
                $deadline = [DateTime]::UtcNow.AddSeconds(120)
                $authUrl = $null
                while (-not $authUrl -and [DateTime]::UtcNow -lt $deadline -and -not $h.IsCompleted) {
                    Start-Sleep -Milliseconds 200
                    $w = @($ps.Streams.Warning | ForEach-Object Message) -join "`n"
                    if ($w -match '(http://\S+/v1/authorize\?\S+)') { $authUrl = $Matches[1] }
                }
                $authUrl | Should -Not -BeNullOrEmpty -Because 'the sign-in URL is printed when no browser opens'
                & curl -sS -L -o /dev/null $authUrl
                $ps.EndInvoke($h) | Out-Null
                $ps.Streams.Error.Count | Should -Be 0
                (@($ps.Streams.Warning | ForEach-Object Message) -join "`n") | Should -Match 'no browser could be opened'
                }
                finally { $ps.Stop(); $ps.Dispose() }
            }
        }
        finally { $env:DISPLAY, $env:WAYLAND_DISPLAY = $savedDisplay }
    }

    It 'Disconnect-DbxAccount forgets the tokens: the cache entry is gone and the context needs a new sign-in' {
        $ctx = Connect-DbxAccount -AccountHost $url -AccountId $acct -Interactive -RedirectPort $port
        (Get-Cache).tokens.Keys | Should -Contain "$url/oidc/accounts/$acct"
        Disconnect-DbxAccount
        (Get-Cache).tokens.Keys | Should -Not -Contain "$url/oidc/accounts/$acct"
        Get-DbxContext -Account | Should -BeNullOrEmpty
        { Get-DbxWorkspace -Context $ctx -ErrorAction Stop } | Should -Throw -ErrorId 'DbxApiSignInRequired*'
    }
}

Describe 'databricks-cli (the CLI token cache)' {
    BeforeEach {
        Clear-SignInEnvironment
        $env:HOME = Join-Path $TestDrive ('cli-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        New-Item -ItemType Directory (Join-Path $env:HOME '.databricks') -Force | Out-Null
        $env:DATABRICKS_CONFIG_FILE = Join-Path $env:HOME '.databrickscfg'
        "[cli-admin]`nhost = $url`naccount_id = $acct`nauth_type = databricks-cli`n" | Set-Content $env:DATABRICKS_CONFIG_FILE
        $env:BROWSER = 'false'
    }

    It 'uses a login that databricks auth login wrote, refreshes it in place and keeps the file''s shape' {
        $c = Get-CodeByHand
        $issued = (Invoke-TokenEndpoint @{ grant_type = 'authorization_code'; code = $c.Code; redirect_uri = 'http://localhost:9'; client_id = 'databricks-cli'; code_verifier = $c.Verifier }).Body
        # The CLI's exact format: version 1, entries keyed by profile, an expired access token, Go's nanosecond RFC 3339.
        $cliFile = Join-Path $env:HOME '.databricks/token-cache.json'
        @"
{
  "version": 1,
  "tokens": {
    "cli-admin": {
      "access_token": "dapi-stale-access-token",
      "token_type": "Bearer",
      "refresh_token": "$($issued.refresh_token)",
      "expiry": "2020-01-01T00:00:00.123456789Z"
    },
    "some-other-profile": {
      "access_token": "other-access",
      "token_type": "Bearer",
      "refresh_token": "other-refresh",
      "expiry": "2099-01-01T00:00:00Z"
    }
  }
}
"@ | Set-Content $cliFile
        $ctx = Connect-DbxAccount -Profile cli-admin
        $ctx.AuthType | Should -Be 'databricks-cli'
        $ctx.Profile | Should -Be 'cli-admin'
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3
        $cache = Get-Cache
        $cache.version | Should -Be 1
        $cache.tokens['some-other-profile'].access_token | Should -Be 'other-access'
        $mine = $cache.tokens['cli-admin']
        @($mine.Keys | Sort-Object) | Should -Be @('access_token', 'expiry', 'refresh_token', 'token_type')
        $mine.access_token | Should -Not -Be 'dapi-stale-access-token'
        $mine.refresh_token | Should -Not -Be $issued.refresh_token   # rotated, and written back for the CLI
        [DateTimeOffset]::Parse($mine.expiry) | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
        $cache.tokens["$url/oidc/accounts/$acct"].access_token | Should -Be $mine.access_token   # the CLI's host-key dual write
        # The CLI (or a second session) can go on with what was written back.
        $next = Invoke-TokenEndpoint @{ grant_type = 'refresh_token'; refresh_token = $mine.refresh_token; client_id = 'databricks-cli' }
        $next.Status | Should -Be 200
    }

    It 'says which command to run when the cache has nothing usable' {
        { Connect-DbxAccount -Profile cli-admin -ErrorAction Stop } | Should -Throw -ErrorId 'DbxApiSignInRequired*'
        try { Connect-DbxAccount -Profile cli-admin -ErrorAction Stop } catch { $msg = $_.ErrorDetails.Message + $_.Exception.Message }
        $msg | Should -Match ([regex]::Escape("databricks auth login --host $url --account-id $acct"))
        $msg | Should -Match '-Interactive'
    }
}

Describe 'Workload identity federation' {
    BeforeEach {
        Clear-SignInEnvironment
        $env:DATABRICKS_CONFIG_FILE = Join-Path $TestDrive 'no-such.databrickscfg'
        $env:DATABRICKS_HOST = $url
        $env:DATABRICKS_ACCOUNT_ID = $acct
        $env:DATABRICKS_CLIENT_ID = $seed.ClientId
    }

    It 'env-oidc: exchanges DATABRICKS_OIDC_TOKEN for a service principal token' {
        $env:DATABRICKS_AUTH_TYPE = 'env-oidc'
        $env:DATABRICKS_OIDC_TOKEN = New-TestJwt
        $before = Get-RouteCount 'POST /oidc/accounts/*/v1/token'
        $ctx = Connect-DbxAccount -NoDefault -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -is [DatabricksNetworking.Client.DbxContext] }
        $ctx.AuthType | Should -Be 'env-oidc'
        $ctx.ClientId | Should -Be $seed.ClientId
        $ctx.CredentialSource | Should -Be 'environment variable DATABRICKS_OIDC_TOKEN'
        ($all | Out-String) | Should -Match 'Sign-in method: env-oidc'
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3
        (Get-RouteCount 'POST /oidc/accounts/*/v1/token') | Should -Be ($before + 1)
    }

    It 'env-oidc: reads the variable named by DATABRICKS_OIDC_TOKEN_ENV' {
        $env:DATABRICKS_AUTH_TYPE = 'env-oidc'
        $env:DATABRICKS_OIDC_TOKEN_ENV = 'MY_CI_TOKEN'
        $env:MY_CI_TOKEN = New-TestJwt
        $ctx = Connect-DbxAccount -NoDefault
        $ctx.CredentialSource | Should -Be 'environment variable MY_CI_TOKEN'
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3
    }

    It 'refuses a token that matches no federation policy with the OAuth error' {
        $env:DATABRICKS_AUTH_TYPE = 'env-oidc'
        $env:DATABRICKS_OIDC_TOKEN = New-TestJwt -Subject 'repo:attacker/fork:ref:refs/heads/main'
        { Connect-DbxAccount -NoDefault -ErrorAction Stop } | Should -Throw -ErrorId 'DbxApiInvalidGrant*'
        $env:DATABRICKS_OIDC_TOKEN = New-TestJwt -Audience 'https://some-other-audience'
        { Connect-DbxAccount -NoDefault -ErrorAction Stop } | Should -Throw -ErrorId 'DbxApiInvalidGrant*'
    }

    It 'file-oidc: exchanges the JWT in DATABRICKS_OIDC_TOKEN_FILEPATH' {
        $env:DATABRICKS_AUTH_TYPE = 'file-oidc'
        $f = Join-Path $TestDrive 'id-token.jwt'
        New-TestJwt | Set-Content $f
        $env:DATABRICKS_OIDC_TOKEN_FILEPATH = $f
        $ctx = Connect-DbxAccount -NoDefault
        $ctx.AuthType | Should -Be 'file-oidc'
        $ctx.CredentialSource | Should -Match ([regex]::Escape($f))
        @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3
    }

    It 'github-oidc: asks the Actions token URL with the request token and the account id as audience' {
        $port = Get-FreePort
        $seen = [hashtable]::Synchronized(@{ Requests = [System.Collections.ArrayList]::Synchronized([System.Collections.ArrayList]::new()) })
        $jwt = New-TestJwt
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($listener, $seen, $jwt)
                while ($listener.IsListening) {
                    try { $c = $listener.GetContext() } catch { break }
                    $null = $seen.Requests.Add([pscustomobject]@{ Auth = $c.Request.Headers['Authorization']; Query = $c.Request.Url.Query })
                    $ok = $c.Request.Headers['Authorization'] -eq 'Bearer gh-request-token-SENTINEL' -and $c.Request.QueryString['api-version'] -eq '2.0'
                    $body = [Text.Encoding]::UTF8.GetBytes($(if ($ok) { (@{ value = $jwt; count = 1 } | ConvertTo-Json -Compress) } else { '{"message":"bad token"}' }))
                    $c.Response.StatusCode = $(if ($ok) { 200 } else { 401 })
                    $c.Response.ContentType = 'application/json'
                    $c.Response.OutputStream.Write($body, 0, $body.Length)
                    $c.Response.Close()
                }
            }).AddArgument($listener).AddArgument($seen).AddArgument($jwt)
        $h = $ps.BeginInvoke()
        try {
            $env:DATABRICKS_AUTH_TYPE = 'github-oidc'
            $env:ACTIONS_ID_TOKEN_REQUEST_URL = "http://127.0.0.1:$port/token?api-version=2.0"
            $env:ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'gh-request-token-SENTINEL'
            $ctx = Connect-DbxAccount -NoDefault
            $ctx.AuthType | Should -Be 'github-oidc'
            @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3
            $seen.Requests.Count | Should -Be 1
            $seen.Requests[0].Auth | Should -Be 'Bearer gh-request-token-SENTINEL'
            $seen.Requests[0].Query | Should -Match "audience=$acct"
        }
        finally { $listener.Stop(); $listener.Close(); $null = $h.AsyncWaitHandle.WaitOne(10000); $ps.Dispose() }
    }

    It 'github-oidc: names the missing Actions variables' {
        $env:DATABRICKS_AUTH_TYPE = 'github-oidc'
        { Connect-DbxAccount -NoDefault -ErrorAction Stop } | Should -Throw -ErrorId 'DbxMissingCredentials*'
    }
}
