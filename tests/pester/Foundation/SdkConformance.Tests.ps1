# The emulator checked with an official Databricks SDK client that no one here wrote: @databricks/sdk-experimental
# (pinned in tests/sdk-conformance/package.json and package-lock.json), configured for a unified host at a private
# emulator. The npm install is cached under out/sdk-conformance and redone only when the lock file changes.
# Needs node and npm (CI has node 20); without them this test fails and says so.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:seed = Get-TestSeed
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    $source = Join-Path $root 'tests/sdk-conformance'

    $node = Get-Command node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    $npm = Get-Command npm -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $node -or -not $npm) {
        throw 'The SDK conformance test needs Node.js and npm (node 20 or later) on PATH to run the official Databricks JavaScript SDK. Install Node.js (https://nodejs.org, or your package manager: apt-get install nodejs npm) and run the tests again.'
    }
    $script:node = $node.Source

    $script:work = Join-Path $root 'out/sdk-conformance'
    New-Item -ItemType Directory -Path $work -Force | Out-Null
    $lock = Join-Path $source 'package-lock.json'
    $stamp = Join-Path $work '.lock-hash'
    $hash = (Get-FileHash $lock -Algorithm SHA256).Hash
    $installed = (Test-Path $stamp) -and ((Get-Content $stamp -Raw).Trim() -eq $hash) -and (Test-Path (Join-Path $work 'node_modules/@databricks/sdk-experimental/package.json'))
    Copy-Item (Join-Path $source 'package.json'), $lock, (Join-Path $source 'conformance.js') -Destination $work -Force
    if (-not $installed) {
        Push-Location $work
        try {
            $log = & $npm.Source ci --no-audit --no-fund --loglevel=error 2>&1
            if ($LASTEXITCODE -ne 0) { throw "npm ci failed in $work (exit code $LASTEXITCODE): $($log -join "`n")" }
        } finally { Pop-Location }
        Set-Content -Path $stamp -Value $hash
    }
    $pinned = (Get-Content (Join-Path $source 'package.json') -Raw | ConvertFrom-Json).dependencies.'@databricks/sdk-experimental'
    $script:sdkVersion = (Get-Content (Join-Path $work 'node_modules/@databricks/sdk-experimental/package.json') -Raw | ConvertFrom-Json).version
    $sdkVersion | Should -Be $pinned

    $script:emu = Start-TestEmulator
    $saved = @{}
    $vars = @{
        DBX_CONF_HOST               = $emu.Url
        DBX_CONF_ACCOUNT_ID         = $seed.AccountId
        DBX_CONF_CLIENT_ID          = $seed.ClientId
        DBX_CONF_CLIENT_SECRET      = $seed.ClientSecret
        DBX_CONF_WORKSPACE_ID       = [string]$seed.WorkspaceId
        DBX_CONF_WORKSPACE_TOKEN    = $seed.WorkspaceToken
        DBX_CONF_OTHER_WORKSPACE_ID = [string]$seed.OtherWorkspaceId
    }
    foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
    try {
        $out = & $script:node (Join-Path $work 'conformance.js') 2>&1
        $code = $LASTEXITCODE
    } finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
    if ($code -ne 0) { throw "conformance.js failed (exit code $code): $($out -join "`n")" }
    $script:result = ($out | Where-Object { $_ -is [string] -and $_.StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json
}

AfterAll {
    if ($script:emu) { $emu | Stop-TestService }
}

Describe 'Official Databricks JS SDK against the emulator (unified host)' {
    It 'is the pinned SDK version' {
        $sdkVersion | Should -Match '^\d+\.\d+\.\d+$'
    }

    It 'lists the workspaces with an account client (OAuth M2M via OIDC discovery)' {
        $result.accountList.ok | Should -BeTrue -Because ($result.accountList.error | ConvertTo-Json -Compress)
        @($result.accountList.value).Count | Should -Be 3
        @($result.accountList.value.workspace_name | Sort-Object) | Should -Be @('dev-us', 'prod-eu', 'prod-us')
    }

    It 'gets one workspace' {
        $result.accountGet.ok | Should -BeTrue
        $result.accountGet.value.workspace_id | Should -Be 1111111111111111
        $result.accountGet.value.workspace_name | Should -Be 'prod-eu'
        $result.accountGet.value.deployment_name | Should -Be 'dbc-demo-prod-eu'
    }

    It 'parses the emulator''s error body into the SDK''s ApiError' {
        $result.accountGetMissing.ok | Should -BeFalse
        $result.accountGetMissing.error.name | Should -Be 'ApiError'
        $result.accountGetMissing.error.statusCode | Should -Be 404
        $result.accountGetMissing.error.errorCode | Should -Be 'RESOURCE_DOES_NOT_EXIST'
        $result.accountGetMissing.error.message | Should -Match 'does not exist'
        $result.accountGetOtherAccount.error.statusCode | Should -Be 404
    }

    It 'reports a wrong client secret from the token endpoint' {
        $result.wrongSecret.ok | Should -BeFalse
        $result.wrongSecret.error.message | Should -Match 'invalid_client'
    }

    It 'calls a workspace API with a workspace client (workspaceId, X-Databricks-Org-Id), OAuth M2M and PAT' {
        $result.workspaceConf.ok | Should -BeTrue -Because ($result.workspaceConf.error | ConvertTo-Json -Compress)
        $result.workspaceConf.value.PSObject.Properties.Name | Should -Contain 'enableIpAccessLists'
        $result.workspaceConfPat.ok | Should -BeTrue -Because ($result.workspaceConfPat.error | ConvertTo-Json -Compress)
        $result.workspaceConfPat.value.PSObject.Properties.Name | Should -Contain 'enableIpAccessLists'
    }

    It 'refuses a workspace of another account with PERMISSION_DENIED' {
        $result.workspaceOtherAccount.ok | Should -BeFalse
        $result.workspaceOtherAccount.error.statusCode | Should -Be 403
        $result.workspaceOtherAccount.error.errorCode | Should -Be 'PERMISSION_DENIED'
    }
}
