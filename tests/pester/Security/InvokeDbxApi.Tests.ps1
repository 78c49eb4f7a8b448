# Issue 18: Invoke-DbxApi's -Path is resolved against the context's host and must stay on it; -Header cannot inject
# headers or take over authentication and routing. Proved with the emulator's request counter and a second loopback
# listener that records whether anything (the bearer token) reached it.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    $script:ctx = Connect-TestAccount -Url $script:emu.Url -NoDefault
    $script:seed = Get-TestSeed
    $script:trap = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $script:trap.Start()
    $script:trapPort = $script:trap.LocalEndpoint.Port
    function Get-TrapConnected { $script:trap.Pending() }
}

AfterAll {
    $script:trap.Stop()
    $script:emu | Stop-TestService
}

Describe 'Invoke-DbxApi -Path stays on the context''s host' {
    It 'refuses <Path> with DbxUnsafePath and sends nothing (also under -WhatIf)' -ForEach @(
        @{ Path = '//127.0.0.1:{trap}/x' }
        @{ Path = '//127.0.0.1:{trap}/api/2.0/accounts/{account_id}/networks' }
        @{ Path = '/\127.0.0.1:{trap}/x' }
        @{ Path = '/%2f%2f127.0.0.1:{trap}/x' }
        @{ Path = '/%5c%5c127.0.0.1:{trap}/x' }
        @{ Path = '/api/2.0/accounts/{account_id}/network-connectivity-configs/x/private-endpoint-rules/..' }
        @{ Path = '/api/2.0/accounts/{account_id}/network-connectivity-configs/%2e%2e' }
        @{ Path = "/api/2.0/ip-access-lists`r`nHost: 127.0.0.1:{trap}" }
    ) {
        $p = $Path -replace '\{trap\}', $script:trapPort
        $before = Get-EmulatorRequestCount -Url $script:emu.Url
        foreach ($method in 'Get', 'Delete') {
            $err = $null
            Invoke-DbxApi $method $p -Context $script:ctx -WorkspaceId $script:seed.WorkspaceId -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxUnsafePath,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            "$err" | Should -Not -Match 'Bearer|eyJ'
        }
        $err = $null
        Invoke-DbxApi Delete $p -Context $script:ctx -WorkspaceId $script:seed.WorkspaceId -WhatIf -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxUnsafePath,*'
        Get-EmulatorRequestCount -Url $script:emu.Url | Should -Be $before
        Start-Sleep -Milliseconds 100
        Get-TrapConnected | Should -BeFalse -Because 'nothing, least of all the bearer token, may reach another host'
    }

    It 'an absolute URL is refused the same way' {
        $err = $null
        Invoke-DbxApi Get "http://127.0.0.1:$($script:trapPort)/x" -Context $script:ctx -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidPath,*'
        Get-TrapConnected | Should -BeFalse
    }

    It 'a plain path still works' {
        $before = Get-EmulatorRequestCount -Url $script:emu.Url
        Invoke-DbxApi Get '/api/2.0/accounts/{account_id}/network-connectivity-configs' -Context $script:ctx -Raw | Should -Match '^\{'
        Get-EmulatorRequestCount -Url $script:emu.Url | Should -Be ($before + 1)
    }
}

Describe 'Invoke-DbxApi -Header' {
    It 'refuses <Name> with <ErrorId> and sends nothing' -ForEach @(
        @{ Name = 'Host'; Value = "127.0.0.1:1"; ErrorId = 'DbxReservedHeader' }
        @{ Name = 'Authorization'; Value = 'Bearer other'; ErrorId = 'DbxReservedHeader' }
        @{ Name = 'Cookie'; Value = 'a=b'; ErrorId = 'DbxReservedHeader' }
        @{ Name = 'X-Databricks-Org-Id'; Value = '4444444444444444'; ErrorId = 'DbxReservedHeader' }
        @{ Name = 'X-Databricks-Workspace-Id'; Value = '4444444444444444'; ErrorId = 'DbxReservedHeader' }
        @{ Name = 'X-Test'; Value = "a`r`nX-Databricks-Org-Id: 4444444444444444"; ErrorId = 'DbxInvalidHeader' }
        @{ Name = 'X-Test'; Value = "a`nHost: 127.0.0.1"; ErrorId = 'DbxInvalidHeader' }
        @{ Name = "X-Test`r`nHost"; Value = 'x'; ErrorId = 'DbxInvalidHeader' }
    ) {
        $before = Get-EmulatorRequestCount -Url $script:emu.Url
        $err = $null
        Invoke-DbxApi Get '/api/2.0/ip-access-lists' -Context $script:ctx -WorkspaceId $script:seed.WorkspaceId -Header @{ $Name = $Value } -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-EmulatorRequestCount -Url $script:emu.Url | Should -Be $before
    }

    It 'an ordinary header still goes out, and the workspace is named by X-Databricks-Workspace-Id' {
        # The client sends only X-Databricks-Workspace-Id (xUnit FoundationClientTests asserts the absence of the legacy
        # X-Databricks-Org-Id); the emulator routes the call to the workspace by it.
        $before = Get-EmulatorRequestCount -Url $script:emu.Url
        Invoke-DbxApi Get '/api/2.0/ip-access-lists' -Context $script:ctx -WorkspaceId $script:seed.WorkspaceId -Header @{ 'X-Request-Tag' = 'probe' } -Raw | Should -Match 'ip_access_lists|^\{'
        Get-EmulatorRequestCount -Url $script:emu.Url | Should -Be ($before + 1)
    }
}
