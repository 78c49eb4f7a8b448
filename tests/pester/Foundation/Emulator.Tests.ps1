# Start-DbxEmulator / Stop-DbxEmulator: the emulator that ships inside the module.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:seed = Get-TestSeed
}

AfterAll {
    Stop-DbxEmulator
    Disconnect-DbxAccount
}

Describe 'Start-DbxEmulator' {
    It 'starts the embedded emulator on loopback, connects with -Connect, and Stop-DbxEmulator ends it' {
        Disconnect-DbxAccount
        $emu = Start-DbxEmulator -Connect
        $emu.Url | Should -Match '^http://127\.0\.0\.1:\d+$'
        $emu.AccountId | Should -Be $seed.AccountId
        $emu.ClientId | Should -Be $seed.ClientId
        $emu.Credential.UserName | Should -Be $seed.ClientId
        $emu.HasExited | Should -BeFalse
        (Get-Process -Id $emu.ProcessId).Id | Should -Be $emu.ProcessId
        $emu.Context.Host | Should -Be $emu.Url
        (Get-DbxContext -Account) | Should -Be $emu.Context
        @(Get-DbxWorkspace).WorkspaceName | Sort-Object | Should -Be @('dev-us', 'prod-eu', 'prod-us')
        ($emu | Format-Table | Out-String) | Should -Match ([regex]::Escape($emu.Url))

        $emu | Stop-DbxEmulator
        $emu.HasExited | Should -BeTrue
        Get-DbxContext -Account | Should -BeNullOrEmpty
        { Invoke-RestMethod "$($emu.Url)/_emulator/health" -TimeoutSec 5 } | Should -Throw
    }

    It 'returns a credential that Connect-DbxAccount takes, without connecting by itself' {
        Disconnect-DbxAccount
        $emu = Start-DbxEmulator
        try {
            $emu.Context | Should -BeNullOrEmpty
            Get-DbxContext -Account | Should -BeNullOrEmpty
            $ctx = Connect-DbxAccount -AccountHost $emu.Url -AccountId $emu.AccountId -Credential $emu.Credential -NoDefault
            @(Get-DbxWorkspace -Context $ctx).Count | Should -Be 3
        } finally { Stop-DbxEmulator -Id $emu.ProcessId }
        $emu.HasExited | Should -BeTrue
    }

    It 'returns the admin token of the /_emulator routes, outside the default view' {
        $emu = Start-DbxEmulator
        try {
            $emu.AdminToken | Should -Not -BeNullOrEmpty
            ($emu | Out-String) | Should -Not -Match ([regex]::Escape($emu.AdminToken))
            $refused = Invoke-WebRequest "$($emu.Url)/_emulator/requests" -SkipHttpErrorCheck
            $refused.StatusCode | Should -Be 401
            ($refused.Content | ConvertFrom-Json).error_code | Should -Be 'UNAUTHENTICATED'
            (Invoke-RestMethod "$($emu.Url)/_emulator/requests" -Headers @{ 'X-Emulator-Admin-Token' = $emu.AdminToken }).total | Should -Be 0
            (Invoke-EmulatorControl -Path requests -Emulator $emu).total | Should -Be 0
            # Without the token the state dump masks the secrets.
            (Invoke-RestMethod "$($emu.Url)/_emulator/state").accounts[0].service_principals[0].secret | Should -Be '****'
            (Invoke-EmulatorControl -Path state -Emulator $emu).accounts[0].service_principals[0].secret | Should -Be $seed.ClientSecret
        } finally { $emu | Stop-DbxEmulator }
    }

    It 'honours X-Forwarded-For only with -TrustForwardedFor' {
        foreach ($trust in $false, $true) {
            $emu = Start-DbxEmulator -TrustForwardedFor:$trust
            try {
                $h = @{ Authorization = "Bearer $($seed.WorkspaceToken)" }
                $list = '{"label":"allow","list_type":"ALLOW","ip_addresses":["127.0.0.1","10.0.0.0/8"]}'
                Invoke-RestMethod -Method Post "$($emu.Url)/api/2.0/ip-access-lists" -Headers $h -Body $list -ContentType 'application/json' | Out-Null
                Invoke-RestMethod -Method Patch "$($emu.Url)/api/2.0/workspace-conf" -Headers $h -Body '{"enableIpAccessLists":"true"}' -ContentType 'application/json' | Out-Null
                $r = Invoke-WebRequest "$($emu.Url)/api/2.0/ip-access-lists" -Headers ($h + @{ 'X-Forwarded-For' = '192.0.2.1' }) -SkipHttpErrorCheck
                $r.StatusCode | Should -Be $(if ($trust) { 403 } else { 200 })
            } finally { $emu | Stop-DbxEmulator }
        }
    }

    It 'lets tests call the shared emulator''s control routes through Invoke-EmulatorControl' {
        $env:DBX_EMULATOR_ADMIN_TOKEN | Should -Not -BeNullOrEmpty
        (Invoke-EmulatorControl -Path requests).total | Should -BeGreaterOrEqual 0
        { Invoke-EmulatorControl -Path requests -NoToken } | Should -Throw '*401*'
    }

    It 'passes the fault knobs through' {
        $emu = Start-DbxEmulator -FaultRate 1 -Seed 3
        try {
            $status = try { Invoke-WebRequest "$($emu.Url)/api/2.0/accounts/$($seed.AccountId)/workspaces" -Headers @{ Authorization = "Bearer $($seed.AccountToken)" } -TimeoutSec 10 | Out-Null; 200 }
            catch { if ($_.Exception.Response) { [int]$_.Exception.Response.StatusCode } else { 'reset' } }
            $status | Should -BeIn @(503, 'reset')
            (Invoke-EmulatorControl -Path requests -Emulator $emu).faults | Should -Be 1
        } finally { $emu | Stop-DbxEmulator }
    }

    It 'starts from a seed file and reports its account and service principal' {
        $seedFile = Join-Path $TestDrive 'seed.json'
        @{ accounts = @(@{
                    account_id = 'abcdef01-2345-4678-89ab-cdef01234567'
                    service_principals = @(@{ application_id = 'aaaabbbb-cccc-4ddd-8eee-ffff00001111'; secret = 'seedfile-secret-0123456789'; id = 1 })
                    workspaces = @(@{ workspace_id = 7777777777777777; workspace_name = 'seeded'; aws_region = 'eu-central-1'; deployment_name = 'dbc-seeded'; workspace_status = 'RUNNING' })
                }) } | ConvertTo-Json -Depth 6 | Set-Content $seedFile
        $emu = Start-DbxEmulator -SeedFile $seedFile -Connect
        try {
            $emu.AccountId | Should -Be 'abcdef01-2345-4678-89ab-cdef01234567'
            $emu.ClientId | Should -Be 'aaaabbbb-cccc-4ddd-8eee-ffff00001111'
            $emu.SeedFile | Should -Be $seedFile
            (Get-DbxWorkspace).WorkspaceName | Should -Be 'seeded'
        } finally { $emu | Stop-DbxEmulator }
    }

    It 'keeps state across restarts with -StateFile' {
        $stateFile = Join-Path $TestDrive 'state.json'
        $emu = Start-DbxEmulator -StateFile $stateFile -Connect
        try { Invoke-DbxApi -Method Patch -Path /api/2.0/workspace-conf -WorkspaceId 2222222222222222 -Body @{ maxTokenLifetimeDays = '30' } -Confirm:$false }
        finally { $emu | Stop-DbxEmulator }
        $again = Start-DbxEmulator -StateFile $stateFile -Connect
        try {
            (Invoke-DbxApi -Path /api/2.0/workspace-conf -WorkspaceId 2222222222222222 -Query @{ keys = 'maxTokenLifetimeDays' }).maxTokenLifetimeDays | Should -Be '30'
        } finally { $again | Stop-DbxEmulator }
    }

    It 'starts nothing with -WhatIf' {
        function Get-MyEmulator { @(Get-Process -Name dotnet -ErrorAction SilentlyContinue | Where-Object { $_.CommandLine -match "DatabricksNetworking\.Emulator\.dll .*--parent-pid $PID(\s|$)" }) }
        $before = (Get-MyEmulator).Count
        Start-DbxEmulator -WhatIf | Should -BeNullOrEmpty
        (Get-MyEmulator).Count | Should -Be $before
    }

    It 'does not outlive the PowerShell process that started it' {
        $pwsh = @(Get-PwshCommand)
        $script = "Import-Module '$((Get-TestEnvironment).Module)'; (Start-DbxEmulator).ProcessId"
        $childArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)
        $emuPid = [int](& $pwsh[0] @childArgs | Select-Object -Last 1)
        $emuPid | Should -BeGreaterThan 0
        # The child PowerShell has exited; its emulator notices within a second or two.
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-Process -Id $emuPid -ErrorAction SilentlyContinue) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        Get-Process -Id $emuPid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses a seed file that does not exist' {
        $err = $null
        try { Start-DbxEmulator -SeedFile (Join-Path $TestDrive 'missing.json') -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'DbxInvalidSeedFile*'
    }

    It 'refuses a port that is already in use with one DbxEmulatorPortInUse error, no stack trace' {
        $first = Start-DbxEmulator
        try {
            $port = ([uri]$first.Url).Port
            $err = $null
            try { Start-DbxEmulator -Port $port -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'DbxEmulatorPortInUse*'
            $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $err.Exception.Message | Should -Match "port $port on 127\.0\.0\.1 is already in use"
            $err.Exception.Message | Should -Not -Match '\bat \w+\.|Exception|\r?\n'
            @(Get-Process -Name dotnet -ErrorAction SilentlyContinue | Where-Object { $_.Id -ne $first.ProcessId -and $_.CommandLine -match "--port $port\b" }) | Should -BeNullOrEmpty
        } finally { $first | Stop-DbxEmulator }
    }

    It 'passes -ExtraWorkspaces to the emulator' {
        $emu = Start-DbxEmulator -ExtraWorkspaces 5 -Connect
        try {
            $ws = @(Get-DbxWorkspace -Context $emu.Context)
            $base = Start-DbxEmulator -Connect
            try { $ws.Count | Should -Be (@(Get-DbxWorkspace -Context $base.Context).Count + 5) } finally { $base | Stop-DbxEmulator }
        } finally { $emu | Stop-DbxEmulator }
    }

    It 'says what to install when dotnet has no ASP.NET Core runtime 8+ (<Case>)' -ForEach @(
        @{ Case = 'none'; Runtimes = "Microsoft.NETCore.App 10.0.12 [/usr/share/dotnet/shared/Microsoft.NETCore.App]" }
        @{ Case = 'too old'; Runtimes = "Microsoft.AspNetCore.App 7.0.20 [/usr/share/dotnet/shared/Microsoft.AspNetCore.App]`nMicrosoft.NETCore.App 7.0.20 [/usr/share/dotnet/shared/Microsoft.NETCore.App]`nMicrosoft.NETCore.App 8.0.11 [/usr/share/dotnet/shared/Microsoft.NETCore.App]" }
    ) {
        $file = Join-Path $TestDrive 'runtimes.txt'
        Set-Content -Path $file -Value $Runtimes
        $env:DBX_EMULATOR_LIST_RUNTIMES_FILE = $file
        try {
            $err = $null
            try { Start-DbxEmulator -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'DbxEmulatorRuntimeMissing*'
            $err.CategoryInfo.Category | Should -Be 'NotInstalled'
            $err.Exception.Message | Should -Match 'ASP\.NET Core Runtime 8\.0 or later'
            # What to install: the current LTS, not the out-of-support minimum.
            $err.Exception.Message | Should -Match 'apt-get install aspnetcore-runtime-10\.0'
            $err.Exception.Message | Should -Match 'https://dotnet\.microsoft\.com/download/dotnet/10\.0'
            if ($Case -eq 'too old') { $err.Exception.Message | Should -Match 'only ASP\.NET Core 7\.0\.20' }
        } finally { Remove-Item Env:DBX_EMULATOR_LIST_RUNTIMES_FILE }
    }

    It 'accepts ASP.NET Core <Version> as the only runtime (net8.0, rolled forward)' -ForEach @(
        @{ Version = '8.0.11' }, @{ Version = '9.0.10' }, @{ Version = '10.0.12' }, @{ Version = '11.0.0' }
    ) {
        $file = Join-Path $TestDrive 'runtimes-ok.txt'
        Set-Content -Path $file -Value "Microsoft.AspNetCore.App $Version [/x]`nMicrosoft.NETCore.App $Version [/y]"
        $env:DBX_EMULATOR_LIST_RUNTIMES_FILE = $file
        try { Start-DbxEmulator -WhatIf -ErrorAction Stop } finally { Remove-Item Env:DBX_EMULATOR_LIST_RUNTIMES_FILE }
    }

    It 'the built emulator targets net8.0 and rolls forward to any newer major' {
        [xml]$proj = Get-Content (Join-Path $PSScriptRoot '../../../src/DatabricksNetworking.Emulator/DatabricksNetworking.Emulator.csproj') -Raw
        $proj.Project.PropertyGroup.TargetFramework | Where-Object { $_ } | Should -Be 'net8.0'
        $proj.Project.PropertyGroup.RollForward | Where-Object { $_ } | Should -Be 'Major'
        # The module's copy (what Start-DbxEmulator runs) and build.ps1's out/emulator (what the tests run).
        $dirs = @((Join-Path (Split-Path (Get-Module DatabricksNetworking).Path) 'emulator'), (Split-Path (Get-TestEnvironment).EmulatorDll))
        foreach ($dir in $dirs) {
            $config = Get-Content (Join-Path $dir 'DatabricksNetworking.Emulator.runtimeconfig.json') -Raw | ConvertFrom-Json
            $config.runtimeOptions.tfm | Should -Be 'net8.0' -Because $dir
            $config.runtimeOptions.rollForward | Should -Be 'Major' -Because $dir
            $asp = @($config.runtimeOptions.frameworks | Where-Object name -eq 'Microsoft.AspNetCore.App')
            $asp.Count | Should -Be 1 -Because $dir
            $asp[0].version | Should -BeLike '8.0.*' -Because $dir
            # No app-local System.Text.Json: the duplicate-key refusal is the emulator's own (Core/StrictJson.cs).
            Join-Path $dir 'System.Text.Json.dll' | Should -Not -Exist
        }
    }

    It 'the emulator answers --help with its options and exits 0 without listening' {
        $dll = Join-Path (Split-Path (Get-Module DatabricksNetworking).Path) 'emulator/DatabricksNetworking.Emulator.dll'
        $out = & dotnet $dll --help 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0
        $out | Should -Not -Match '(?m)^Emulator listening on http://127\.0\.0\.1:\d+'
        foreach ($o in '--port', '--seed-file', '--state-file', '--extra-workspaces', '--aws-endpoint', '--trust-forwarded-for', '--admin-token') { $out | Should -Match "(?m)^\s+$o\b.*\S" }
    }

    It 'reports an id it did not start' {
        Stop-DbxEmulator -Id 999999 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxEmulatorNotFound*'
    }
}
