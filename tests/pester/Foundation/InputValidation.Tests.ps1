# Local validation before anything is sent (issue 18): file paths, names and labels, -IpAddress $null, -EgressCidr,
# -CallerIpAddress under -WhatIf, and What-if/prompt lines that cannot be forged by a label read from the service.
# Every case asserts a specific ErrorId and that the emulator received no request.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:ctx = Connect-TestAccount
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ('dbx-input-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $tmp | Out-Null
    $script:snapshot = Join-Path $tmp 'snap.json'
    Export-DbxNetworkConfiguration -Context $ctx -Path $snapshot | Out-Null

    function script:Get-HostText {
        # What-if lines go to the host, not to a stream: a transcript records them as the admin sees them.
        param([scriptblock]$Action)
        $file = Join-Path $tmp ('transcript-' + [Guid]::NewGuid().ToString('N') + '.txt')
        Start-Transcript -Path $file -UseMinimalHeader | Out-Null
        try { & $Action | Out-Null } finally { Stop-Transcript | Out-Null }
        Get-Content $file -Raw
    }

    function script:Assert-Refused {
        # Runs the block, expects an error with the ErrorId pattern (no raw .NET exception) and no request sent.
        param([scriptblock]$Action, [string]$ErrorId)
        $before = Get-EmulatorRequestCount
        $records = @()
        try { $records = @(& $Action 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) }
        catch { $records = @($_) }
        $records.Count | Should -BeGreaterThan 0 -Because 'the input must be refused'
        $records[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId*"
        $records[0].Exception.GetType().FullName | Should -Not -Match 'NullReference|IndexOutOfRange|InvalidCast|IOException|UnauthorizedAccess'
        Get-EmulatorRequestCount | Should -Be $before -Because 'nothing may be sent for refused input'
        $records[0]
    }
}

AfterAll { Remove-Item $tmp -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'File paths are checked before any scan starts' {
    BeforeDiscovery {
        $script:badPaths = @(
            @{ Name = 'a folder'; Path = { $tmp }; Id = 'DbxInvalidPathIsDirectory' }
            @{ Name = 'a NUL character'; Path = { Join-Path $tmp "a`0b.json" }; Id = 'DbxInvalidPath' }
            @{ Name = 'a wildcard'; Path = { Join-Path $tmp 'snap*.json' }; Id = 'DbxInvalidPathWildcard' }
            @{ Name = 'a name too long'; Path = { Join-Path $tmp (('n' * 300) + '.json') }; Id = 'DbxInvalidPathTooLong' }
            @{ Name = 'a path too long'; Path = { Join-Path $tmp ((@('d' * 200) * 25) -join '/') }; Id = 'DbxInvalidPathTooLong' }
            @{ Name = 'a missing folder'; Path = { Join-Path $tmp 'no/such/folder/x.json' }; Id = 'DbxInvalidPathFolderNotFound' }
        )
    }

    It 'Export-DbxNetworkConfiguration refuses <Name>' -ForEach $badPaths {
        $p = & $Path
        Assert-Refused { Export-DbxNetworkConfiguration -Context $ctx -Path $p } $Id
    }

    It 'Export-DbxNetworkPostureReport refuses <Name> before the scan' -ForEach $badPaths {
        $p = & $Path
        Assert-Refused { Export-DbxNetworkPostureReport -Context $ctx -Path $p } $Id
    }

    It 'Import-DbxNetworkConfiguration refuses <Name> as its snapshot' -ForEach ($badPaths | Where-Object Id -ne 'DbxInvalidPathFolderNotFound') {
        $p = & $Path
        Assert-Refused { Import-DbxNetworkConfiguration -Context $ctx -Path $p -WhatIf } $Id
    }

    It 'input files that do not exist keep their own ErrorIds' {
        $missing = Join-Path $tmp 'missing.json'
        Assert-Refused { Import-DbxNetworkConfiguration -Context $ctx -Path $missing } 'DbxSnapshotNotFound'
        Assert-Refused { Compare-DbxNetworkConfiguration -Context $ctx -ReferencePath $missing } 'DbxSnapshotNotFound'
        Assert-Refused { Get-DbxPublishedIpRange -Path $missing } 'DbxIpRangesFileUnreadable'
        { Test-DbxNetworkCompliance -Context $ctx -Baseline (Join-Path $tmp 'missing.psd1') } | Should -Throw -ErrorId 'DbxInvalidBaseline*'
    }

    It 'a good path still works after the checks' {
        $out = Join-Path $tmp 'ok.json'
        (Export-DbxNetworkConfiguration -Context $ctx -Path $out).FullName | Should -Be $out
    }
}

Describe 'Names and labels' {
    BeforeDiscovery {
        $script:badLabels = @(
            @{ Name = 'CR/LF'; Label = "corp`r`nWARNING: forged line" }
            @{ Name = 'a TAB'; Label = "corp`tvpn" }
            @{ Name = 'ESC'; Label = "corp`e[31mred" }
            @{ Name = 'a zero-width space'; Label = "corp`u{200B}vpn" }
            @{ Name = 'a right-to-left override'; Label = "corp`u{202E}npv" }
            @{ Name = 'a BOM'; Label = "`u{FEFF}corp" }
            @{ Name = 'a line separator'; Label = "corp`u{2028}vpn" }
            @{ Name = 'too many characters'; Label = 'x' * 257 }
        )
    }

    It 'New-DbxIpAccessList refuses a label with <Name>' -ForEach $badLabels {
        Assert-Refused { New-DbxIpAccessList -Context $ctx -WorkspaceId 1111111111111111 -Label $Label -ListType Allow -IpAddress 203.0.113.7 -WhatIf } 'DbxInvalidLabel'
    }

    It 'New-DbxAccountIpAccessList and Update-DbxIpAccessList refuse a label with <Name>' -ForEach $badLabels {
        Assert-Refused { New-DbxAccountIpAccessList -Context $ctx -Label $Label -ListType Allow -IpAddress 203.0.113.7 -WhatIf } 'DbxInvalidLabel'
        Assert-Refused { Update-DbxIpAccessList -Context $ctx -WorkspaceId 1111111111111111 -ListId ([Guid]::NewGuid()) -Label $Label -WhatIf } 'DbxInvalidLabel'
    }

    It 'classic object names refuse <Name>' -ForEach ($badLabels | Where-Object Name -ne 'too many characters') {
        Assert-Refused { New-DbxNetworkConfiguration -Context $ctx -Name $Label -VpcId vpc-0a1b2c3d -SubnetId subnet-0a1b2c3d, subnet-1a2b3c4d -SecurityGroupId sg-0a1b2c3d -WhatIf } 'DbxInvalid'
        Assert-Refused { New-DbxPrivateAccessSettings -Context $ctx -Name $Label -Region us-east-1 -WhatIf } 'DbxInvalidName'
    }

    It 'the error message shows the refused characters escaped, so it forges no line' {
        $r = Assert-Refused { New-DbxIpAccessList -Context $ctx -WorkspaceId 1111111111111111 -Label "a`r`nWARNING: forged" -ListType Allow -IpAddress 203.0.113.7 -WhatIf } 'DbxInvalidLabel'
        $r.Exception.Message | Should -Not -Match "[`r`n]"
        $r.Exception.Message | Should -BeLike '*a\r\nWARNING: forged*'
    }

    It 'a valid label with non-ASCII letters is accepted' {
        $text = Get-HostText { New-DbxIpAccessList -Context $ctx -WorkspaceId 2222222222222222 -Label 'Büro-Zürich' -ListType Allow -IpAddress 203.0.113.8 -WhatIf }
        $text | Should -BeLike "*What if:*'Büro-Zürich'*"
    }
}

Describe '-IpAddress $null and other nulls' {
    It 'New-DbxIpAccessList -IpAddress $null is a specific error, not a NullReferenceException' {
        Assert-Refused { New-DbxIpAccessList -Context $ctx -WorkspaceId 1111111111111111 -Label nulltest -ListType Allow -IpAddress $null } 'DbxInvalidIpAddress'
    }

    It 'Set-DbxIpAccessList -IpAddress $null is refused at binding (the parameter is mandatory)' {
        Assert-Refused { Set-DbxIpAccessList -Context $ctx -WorkspaceId 1111111111111111 -ListId ([Guid]::NewGuid()) -Label nulltest -ListType Allow -IpAddress $null -Enabled $true } 'ParameterArgumentValidationErrorNullNotAllowed'
    }

    It 'Test-DbxIpAccess and Add-DbxIpAccessListEntry refuse $null at binding, with PowerShell''s own clear error' {
        { Test-DbxIpAccess -Context $ctx -WorkspaceId 1111111111111111 -IpAddress $null } | Should -Throw -ErrorId 'ParameterArgumentValidationErrorNullNotAllowed*'
        { Add-DbxIpAccessListEntry -Context $ctx -WorkspaceId 1111111111111111 -ListId ([Guid]::NewGuid()) -IpAddress $null } | Should -Throw -ErrorId 'ParameterArgumentValidationErrorNullNotAllowed*'
    }
}

Describe '-CallerIpAddress is checked under -WhatIf too' {
    It 'refuses <Value> before anything is read' -ForEach @(@{ Value = 'not-an-ip' }, @{ Value = '10.0.0.1/24' }, @{ Value = '2001:db8::1' }, @{ Value = "10.0.0.1`r`nX" }) {
        $before = Get-EmulatorRequestCount
        { Enable-DbxIpAccessListFeature -Context $ctx -WorkspaceId 1111111111111111 -CallerIpAddress $Value -WhatIf } |
            Should -Throw -ErrorId 'DbxInvalidCallerIpAddress*'
        { New-DbxAccountIpAccessList -Context $ctx -Label callercheck -ListType Block -IpAddress 198.51.100.9 -CallerIpAddress $Value -WhatIf } |
            Should -Throw -ErrorId 'DbxInvalidCallerIpAddress*'
        Get-EmulatorRequestCount | Should -Be $before
    }
}

Describe 'New-DbxAwsSecurityGroup -EgressCidr, -Name and -Description' {
    It 'refuses -EgressCidr <Value> before the AWS SDK is asked anything' -ForEach @(
        @{ Value = '10.0.0.5' }, @{ Value = '10.0.0.5/16' }, @{ Value = '10.0.0.0/33' }, @{ Value = '' }, @{ Value = 'any' }, @{ Value = '10.0.0.0/016' }, @{ Value = "10.0.0.0/16`n" + 'x' }
    ) {
        { New-DbxAwsSecurityGroup -VpcId vpc-0a1b2c3d -Purpose Workspace -EgressCidr $Value -Region us-east-1 -AwsEndpointUrl 'http://127.0.0.1:9' -WhatIf } |
            Should -Throw -ErrorId 'DbxInvalidCidr*'
    }

    It 'refuses a name or description EC2 would refuse' {
        { New-DbxAwsSecurityGroup -VpcId vpc-0a1b2c3d -Purpose Workspace -Name "dbx`r`nforged" -Region us-east-1 -AwsEndpointUrl 'http://127.0.0.1:9' -WhatIf } |
            Should -Throw -ErrorId 'DbxInvalidName*'
        { New-DbxAwsSecurityGroup -VpcId vpc-0a1b2c3d -Purpose Workspace -Description 'naïve' -Region us-east-1 -AwsEndpointUrl 'http://127.0.0.1:9' -WhatIf } |
            Should -Throw -ErrorId 'DbxInvalidDescription*'
    }
}

Describe 'Warnings and prompts print labels from the service escaped' {
    It 'a label with CR/LF made elsewhere cannot forge a line in the lockout warning' {
        # Made through the raw API, as another tool could: the module's own cmdlets refuse such a label.
        $body = @{ label = "evil`r`nWARNING: all clear"; list_type = 'BLOCK'; ip_addresses = @('198.51.100.0/24') }
        $made = Invoke-DbxApi -Context $ctx -Method Post -Path /api/2.0/ip-access-lists -WorkspaceId 3333333333333333 -Body $body -Confirm:$false
        $id = $made.ip_access_list.list_id
        try {
            $warnings = @(Update-DbxIpAccessList -Context $ctx -WorkspaceId 3333333333333333 -ListId $id -Enabled $true -CallerIpAddress 198.51.100.5 -Force 3>&1 |
                Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message)
            $warnings.Count | Should -BeGreaterThan 0
            $text = $warnings -join "`n"
            $text | Should -BeLike '*evil\r\nWARNING: all clear*'
            $text | Should -Not -Match "`r"
        }
        finally {
            Invoke-DbxApi -Context $ctx -Method Delete -Path "/api/2.0/ip-access-lists/$id" -WorkspaceId 3333333333333333 -Confirm:$false | Out-Null
        }
    }
}
