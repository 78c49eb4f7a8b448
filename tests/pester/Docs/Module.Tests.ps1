# Meta-tests that keep the module's surface honest as cmdlets are added: manifest, exports, [OutputType] and format
# views, ShouldProcess on every change, ConfirmImpact High on Remove-*, completers on id parameters, help for all.
BeforeDiscovery {
    $manifest = $env:DBX_TEST_MODULE
    $script:cmdlets = @()
    if ($manifest -and (Test-Path $manifest)) {
        $m = Import-PowerShellDataFile $manifest
        $script:cmdlets = @($m.CmdletsToExport | Sort-Object | ForEach-Object { @{ Name = $_ } })
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:envi = Get-TestEnvironment
    $script:moduleDir = Split-Path $envi.Module -Parent
    $script:module = Get-Module DatabricksNetworking
    [xml]$formats = Get-Content (Join-Path $moduleDir 'DatabricksNetworking.Format.ps1xml') -Raw
    $script:viewTypes = @($formats.Configuration.ViewDefinitions.View | ForEach-Object { $_.ViewSelectedBy.TypeName })
    # Verbs that change state; Invoke covers Invoke-DbxApi, whose non-GET calls are changes.
    $script:changingVerbs = 'New', 'Set', 'Update', 'Remove', 'Add', 'Enable', 'Disable', 'Register', 'Unregister', 'Invoke', 'Reset', 'Clear', 'Rename', 'Grant', 'Revoke', 'Move', 'Restore'
    # Output types that need no format view of their own (System.IO.FileInfo: PowerShell's FileSystem view, as for Get-Item).
    $script:localOnlyBuilders = @('New-DbxIngressRule')
    $script:noViewNeeded = 'System.Void', 'System.Management.Automation.PSObject', 'System.String', 'System.Boolean', 'System.Int32', 'System.Int64', 'System.Object', 'System.IO.FileInfo'
    # Id parameters and their completers (issue 8).
    $script:completers = @{
        WorkspaceId                 = 'DatabricksNetworking.Completion.WorkspaceIdCompleter'
        NetworkId                   = 'DatabricksNetworking.Completion.NetworkIdCompleter'
        VpcEndpointId               = 'DatabricksNetworking.Completion.VpcEndpointIdCompleter'
        PrivateAccessSettingsId     = 'DatabricksNetworking.Completion.PrivateAccessSettingsIdCompleter'
        ListId                      = 'DatabricksNetworking.Completion.IpAccessListIdCompleter'
        NetworkConnectivityConfigId = 'DatabricksNetworking.Completion.NetworkConnectivityConfigIdCompleter'
        NetworkPolicyId             = 'DatabricksNetworking.Completion.NetworkPolicyIdCompleter'
        RuleId                      = 'DatabricksNetworking.Completion.PrivateEndpointRuleIdCompleter'
        RestApiVpcEndpointId        = 'DatabricksNetworking.Completion.VpcEndpointIdCompleter'
        DataplaneRelayVpcEndpointId = 'DatabricksNetworking.Completion.VpcEndpointIdCompleter'
        AllowedVpcEndpointId        = 'DatabricksNetworking.Completion.VpcEndpointIdCompleter'
        Region                      = 'DatabricksNetworking.Completion.RegionCompleter'
        Profile                     = 'DatabricksNetworking.Completion.ProfileCompleter'
    }
    function Get-CmdletAttribute([string]$Name) {
        (Get-Command $Name).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true) | Select-Object -First 1
    }
}

Describe 'The module manifest' {
    It 'passes Test-ModuleManifest' {
        $m = Test-ModuleManifest -Path $envi.Module -ErrorAction Stop
        $m.Name | Should -Be 'DatabricksNetworking'
        [string]$m.Version | Should -Be ([string]([xml](Get-Content (Join-Path $PSScriptRoot '../../../Directory.Build.props') -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1)
    }

    It 'exports exactly the cmdlets compiled into the assembly' {
        $assembly = (Get-Command Get-DbxContext).ImplementingType.Assembly
        $compiled = @($assembly.GetExportedTypes() | Where-Object { -not $_.IsAbstract -and $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
                ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" } | Sort-Object)
        $listed = @((Import-PowerShellDataFile $envi.Module).CmdletsToExport | Sort-Object)
        $listed | Should -Be $compiled
        @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be $compiled
        $module.ExportedFunctions.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
    }
}

Describe '<Name>' -ForEach $cmdlets {
    BeforeAll {
        $cmd = Get-Command $Name
        $attr = Get-CmdletAttribute $Name
    }

    It 'uses an approved verb and the Dbx prefix' {
        (Get-Verb).Verb | Should -Contain $cmd.Verb
        $cmd.Noun | Should -BeLike 'Dbx*'
    }

    It 'declares [OutputType] and has a format view for each output type' {
        @($cmd.OutputType).Count | Should -BeGreaterThan 0 -Because "$Name needs [OutputType]"
        foreach ($t in $cmd.OutputType) {
            $full = if ($t.Type) { $t.Type.FullName } else { $t.Name }
            if ($full -in $noViewNeeded) { continue }
            $viewTypes | Should -Contain $full -Because "$Name outputs $full, which needs a table view in Formats/<Area>.Format.ps1xml"
        }
    }

    It 'supports -WhatIf/-Confirm when its verb changes something' {
        # New-DbxIngressRule only builds a rule object in memory (like New-Object); it sends nothing, so there is nothing to confirm.
        if ($cmd.Verb -in $changingVerbs -and $Name -notin $localOnlyBuilders) {
            $attr.SupportsShouldProcess | Should -BeTrue -Because "$Name changes state"
            $cmd.Parameters.Keys | Should -Contain 'WhatIf'
        }
    }

    It 'is ConfirmImpact High when it removes something' {
        if ($cmd.Verb -in 'Remove', 'Unregister') { $attr.ConfirmImpact | Should -Be ([System.Management.Automation.ConfirmImpact]::High) }
    }

    It 'has tab completion on its id, -Region and -Profile parameters' {
        foreach ($p in $cmd.Parameters.Values) {
            if (-not $completers.ContainsKey($p.Name)) { continue }
            # New-* may name the new object's own id (New-DbxNetworkPolicy -NetworkPolicyId); ids of existing objects complete.
            if ($cmd.Verb -eq 'New' -and $cmd.Noun -eq ('Dbx' + ($p.Name -replace 'Id$', ''))) { continue }
            $c = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] } | Select-Object -First 1
            $c | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name should complete with [ArgumentCompleter(typeof($($completers[$p.Name].Split('.')[-1])))]"
            $c.Type.FullName | Should -Be $completers[$p.Name]
        }
    }

    It 'shows synopsis, description, examples and parameter help with Get-Help -Full' {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Name *[<CommonParameters>]*" -Because 'a synopsis that is the syntax line means no help was found'
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($p in @($help.parameters.parameter)) { ($p.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$($p.name) needs a description" }
        (Get-Help $Name -Full | Out-String) | Should -Match 'EXAMPLE|Example'
    }

    It 'shows its examples with Get-Help -Examples and every parameter with Get-Help -Parameter' {
        $examples = @((Get-Help $Name -Examples).examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($e in $examples) { $e.code | Should -Match "\S" -Because "$Name's example '$($e.title)' needs code" }
        $own = @($cmd.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.Cmdlet]::OptionalCommonParameters })
        $own += @($cmd.Parameters.Keys | Where-Object { $_ -in 'WhatIf', 'Confirm' })
        foreach ($p in $own) {
            $h = Get-Help $Name -Parameter $p -ErrorAction SilentlyContinue
            $h | Should -Not -BeNullOrEmpty -Because "Get-Help $Name -Parameter $p should find it"
            ($h.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a description"
        }
    }
}

Describe 'Invoke-DbxApi -WhatIf' {
    It 'sends nothing for a change and still reads for a GET' {
        $url = (Get-TestEnvironment).EmulatorUrl
        $ctx = Connect-TestAccount -NoDefault
        Reset-EmulatorRequests
        Invoke-DbxApi -Context $ctx -Method Post -Path '/api/2.0/accounts/{account_id}/networks' -Body @{ network_name = 'whatif-net' } -WhatIf
        (Get-EmulatorRequests).total | Should -Be 0
        @(Invoke-DbxApi -Context $ctx -Path '/api/2.0/accounts/{account_id}/workspaces' -WhatIf).Count | Should -Be 3
    }
}
