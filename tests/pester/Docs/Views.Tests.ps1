# The default table view of every output type (the merged DatabricksNetworking.Format.ps1xml), rendered at 80 and 160
# columns from a sample object whose ids have their real lengths (GUIDs 36, workspace ids 16): every column label is a
# property (Where-Object/Format-Table work on what the table shows), no header is cut, no id is cut at 160, and at 80
# the main types keep their name and the id the next cmdlet takes whole. Types a cmdlet builds (no public constructor:
# the context, an emulator instance, VPC checks, PrivateLink services) and views selected by a type name a cmdlet
# inserts (DatabricksNetworking.AccountIngressPolicy) are rendered from real cmdlet output (shared emulator, moto).
BeforeDiscovery {
    $moduleDir = Split-Path $env:DBX_TEST_MODULE -Parent
    [xml]$formats = Get-Content (Join-Path $moduleDir 'DatabricksNetworking.Format.ps1xml') -Raw
    # Table views (the list views of Formats/Lists.Format.ps1xml are FormatListJson.Tests.ps1's).
    $script:viewCases = @(foreach ($v in $formats.Configuration.ViewDefinitions.View | Where-Object { $_.TableControl }) {
            @{ View = $v.Name; TypeName = [string]$v.ViewSelectedBy.TypeName }
        })
    # The id the next cmdlet takes (and the name an admin reads first) of the main types, whole at 80 columns.
    $script:keyCases = @(
        # An IP access list keeps its parent at 80 (label, type, enabled, scope, workspace name and id); ListId is whole at 160.
        @{ TypeName = 'DatabricksNetworking.Models.IpAccessList'; Name = 'Label'; Id = 'WorkspaceId' }
        @{ TypeName = 'DatabricksNetworking.Models.IpAccessList'; Name = 'WorkspaceName'; Id = 'WorkspaceId' }
        @{ TypeName = 'DatabricksNetworking.Models.Workspace'; Name = 'WorkspaceName'; Id = 'WorkspaceId' }
        @{ TypeName = 'DatabricksNetworking.Models.NetworkConnectivityConfig'; Name = 'Name'; Id = 'NetworkConnectivityConfigId' }
        @{ TypeName = 'DatabricksNetworking.Models.PrivateEndpointRule'; Name = $null; Id = 'RuleId' }
        @{ TypeName = 'DatabricksNetworking.Models.CredentialConfiguration'; Name = 'CredentialsName'; Id = 'CredentialsId' }
        @{ TypeName = 'DatabricksNetworking.Models.StorageConfiguration'; Name = 'StorageConfigurationName'; Id = 'StorageConfigurationId' }
        @{ TypeName = 'DatabricksNetworking.Models.WorkspaceNetworkOption'; Name = 'WorkspaceName'; Id = 'WorkspaceId' }
        @{ TypeName = 'DatabricksNetworking.Models.IpAccessListFeature'; Name = $null; Id = 'WorkspaceId' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $moduleDir = Split-Path (Get-TestEnvironment).Module -Parent
    [xml]$script:formats = Get-Content (Join-Path $moduleDir 'DatabricksNetworking.Format.ps1xml') -Raw
    [xml]$script:types = Get-Content (Join-Path $moduleDir 'DatabricksNetworking.Types.ps1xml') -Raw
    $script:guid = 'b1000000-0000-4000-8000-'
    $script:n = 0

    function Get-View([string]$Name) { $formats.Configuration.ViewDefinitions.View | Where-Object Name -eq $Name }

    function New-Sample([type]$T) {
        # An object of the type with every writable property set to a value of its real length; $null when the type
        # has no public parameterless constructor (those are listed in the test below).
        if (-not $T.GetConstructor([type[]]@())) { return $null }
        $o = [Activator]::CreateInstance($T)
        foreach ($p in $T.GetProperties() | Where-Object { $_.CanWrite -and $_.SetMethod.IsPublic }) {
            $name = $p.Name; $pt = $p.PropertyType
            $u = [Nullable]::GetUnderlyingType($pt); if ($u) { $pt = $u }
            # Every value unique, so a cut id can never be matched by another column's whole one.
            $script:n++
            $n = $script:n
            $v = if ($pt -eq [string]) {
                if ($name -match 'WorkspaceId$') { [string](2222222222220000 + $n) }
                elseif ($name -match '^Aws\w*Id$|^(Peer)?VpcId$|SecurityGroupId$|RouteTableId$|SubnetId$|ServiceId$|PeeringConnectionId$') { 'vpce-0a1b2c3d4' + $n.ToString('D8') }
                elseif ($name -eq 'NetworkPolicyId') { 'egress-policy-' + $n.ToString('D3') }   # named by the admin, not a GUID
                elseif ($name -match 'Id$') { $guid + $n.ToString('D12') }
                elseif ($name -match 'Name$|^Label$') { 'prod-us-east-' + $n.ToString('D3') }
                elseif ($name -match 'Region') { 'us-east-1' }
                else { "value$n" }
            }
            elseif ($pt -eq [long]) { if ($name -match 'WorkspaceId') { [long](2222222222220000 + $n) } else { [long]1767225600000 } }
            elseif ($pt -eq [int]) { 3 }
            elseif ($pt -eq [bool]) { $true }
            elseif ($pt -eq [string[]]) { [string[]]@(($guid + $n.ToString('D12')), ($guid + (100000 + $n).ToString('D12'))) }
            elseif ($pt.IsEnum) { [Enum]::GetValues($pt)[0] }
            else { $null }
            if ($null -ne $v) { try { $p.SetValue($o, $v) } catch { } }
        }
        $o
    }

    function Get-Table($Object, [int]$Width) {
        # The header line (above the dashes) and the first row, as rendered by the default view.
        $lines = @((@($Object) | Format-Table | Out-String -Width $Width) -split "`r?`n")
        $dash = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -match '^\s*-+( +-+)*\s*$' })
        [pscustomobject]@{ Header = $lines[$dash - 1]; Dashes = $lines[$dash]; Row = $lines[$dash + 1]; Lines = $lines }
    }

    # Real cmdlet output for the views no sample can show: a type name a cmdlet inserts on a model object (not a .NET
    # type), and types built only by the module (no public parameterless constructor).
    $script:ctx = Connect-TestAccount -NoDefault
    $script:emulatorInstance = Start-DbxEmulator -AwsEndpoint none
    $script:real = @{
        'DatabricksNetworking.AccountIngressPolicy'                 = Get-DbxAccountIngressPolicy -Context $ctx
        'DatabricksNetworking.Client.DbxContext'                    = $ctx
        'DatabricksNetworking.Data.PrivateLinkServiceInfo'          = @(Get-DbxPrivateLinkService -Region us-east-1)[0]
        'DatabricksNetworking.Cmdlets.Emulator.DbxEmulatorInstance' = $emulatorInstance
    }
    if ((Get-TestEnvironment).MotoUrl) {
        Import-Module (Join-Path $PSScriptRoot '../Aws/MotoHelpers.psm1') -Force
        $saved = Set-MotoAwsEnvironment -Region us-east-1
        try {
            $vpc = New-MotoWorkspaceNetwork
            $script:real['DatabricksNetworking.Aws.AwsVpcCheck'] = @(Test-DbxAwsVpc -VpcId $vpc.VpcId -SubnetId $vpc.SubnetIds -SecurityGroupId $vpc.SecurityGroupIds)[0]
        }
        finally { Restore-MotoAwsEnvironment $saved }
    }
    function Get-Subject([string]$TypeName) {
        # The object a view is rendered from: real cmdlet output where there is some, else a sample of the type.
        if ($real.ContainsKey($TypeName)) { return $real[$TypeName] }
        $T = $TypeName -as [type]
        if ($T) { New-Sample $T }
    }

    function Test-HeaderBroken([string]$View, $Sample, [int]$Width) {
        # True when a header is split over lines (a word above the dashes that is not a column label) or cut with '…'.
        $labels = @((Get-View $View).TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label)
        $tab = Get-Table $Sample $Width
        $dash = [array]::IndexOf([string[]]$tab.Lines, $tab.Dashes)
        # Group headers (GroupBy) come first and are followed by a blank line; only the lines right above the dashes count.
        $head = @(); for ($i = $dash - 1; $i -ge 0 -and $tab.Lines[$i].Trim(); $i--) { $head += $tab.Lines[$i] }
        $words = @($head | ForEach-Object { $_ -split '\s+' } | Where-Object { $_ })
        @($words | Where-Object { $_ -notin $labels }).Count -gt 0 -or $head.Count -gt 1
    }

    function Test-Whole($Table, [string]$Value) {
        # The value appears whole in the row (PowerShell cuts a value that does not fit with '…').
        @($Table.Row -split '\s+') -contains $Value
    }
}

AfterAll {
    if ($script:emulatorInstance) { $script:emulatorInstance | Stop-DbxEmulator }
}

Describe 'The default table views' {
    It 'renders the views no sample can show from real cmdlet output (<_>)' -ForEach @('DatabricksNetworking.AccountIngressPolicy', 'DatabricksNetworking.Client.DbxContext', 'DatabricksNetworking.Data.PrivateLinkServiceInfo', 'DatabricksNetworking.Cmdlets.Emulator.DbxEmulatorInstance', 'DatabricksNetworking.Aws.AwsVpcCheck') {
        if ($_ -eq 'DatabricksNetworking.Aws.AwsVpcCheck' -and -not (Get-TestEnvironment).MotoUrl) { Set-ItResult -Skipped -Because 'moto is not running (DBX_TEST_MOTO_URL)'; return }
        $real[$_] | Should -Not -BeNullOrEmpty
        @($real[$_].PSObject.TypeNames) | Should -Contain $_
    }

    It 'there is a table view for every view case (<_.Count> views)' -ForEach @(, $viewCases) {
        $_.Count | Should -BeGreaterOrEqual 30
    }

    It '<View>: every column label is a property of <TypeName>' -ForEach $viewCases {
        $v = Get-View $View
        $T = $TypeName -as [type]
        if ($null -eq $T) {
            # A view for a type name a cmdlet inserts on a model object (PSObject.TypeNames): the members of a real one.
            $real.ContainsKey($TypeName) | Should -BeTrue -Because "$TypeName is not a .NET type: a real object of it is needed to check its view"
            $members = @($real[$TypeName].PSObject.Properties.Name)
        }
        else {
            $members = @($T.GetProperties().Name) + @($types.Types.Type | Where-Object Name -eq $TypeName | ForEach-Object { $_.Members.ChildNodes } | Where-Object { $_.LocalName -in 'AliasProperty', 'ScriptProperty', 'NoteProperty' } | ForEach-Object Name)
        }
        $labels = @($v.TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label)
        @($labels | Where-Object { $_ -notin $members }) | Should -BeNullOrEmpty -Because 'Where-Object and Format-Table take the names the table shows'
        # A column that shows a property under its own name names it (no script block copying it).
        $items = @($v.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
        for ($i = 0; $i -lt $labels.Count; $i++) {
            if ($items[$i].PropertyName) { $items[$i].PropertyName | Should -Be $labels[$i] -Because "column $($i + 1) of $View is labelled $($labels[$i])" }
        }
    }

    It '<View>: no header is broken at 160 columns, and no id is cut' -ForEach $viewCases {
        $sample = Get-Subject $TypeName
        if ($null -eq $sample -and $TypeName -eq 'DatabricksNetworking.Aws.AwsVpcCheck' -and -not (Get-TestEnvironment).MotoUrl) { Set-ItResult -Skipped -Because 'moto is not running'; return }
        $sample | Should -Not -BeNullOrEmpty -Because "$TypeName needs a sample or a real object to render"
        $type = $sample.GetType()
        Test-HeaderBroken $View $sample 160 | Should -BeFalse -Because 'every header of a view fits on one line at 160 columns'
        $tab = Get-Table $sample 160
        $labels = @((Get-View $View).TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label)
        $ids = @($labels | Where-Object { $_ -match 'Id$' -and $type.GetProperty($_) -and ($type.GetProperty($_).PropertyType -in [string], [long], [Nullable[long]]) })
        foreach ($id in $ids) {
            if (-not [string]$type.GetProperty($id).GetValue($sample)) { continue }   # computed from other fields; not set by the sample
            Test-Whole $tab ([string]$type.GetProperty($id).GetValue($sample)) | Should -BeTrue -Because "$id is shown whole at 160 columns ($($tab.Row))"
        }
    }

    It '<View>: no cell at 160 columns is a .NET type name' -ForEach $viewCases {
        # A nested model or list without a summary renders as its type name (DatabricksNetworking.Models.X, System.Object[]).
        $sample = Get-Subject $TypeName
        if ($null -eq $sample) { Set-ItResult -Skipped -Because "$TypeName has no sample and no real object"; return }
        if (-not $real.ContainsKey($TypeName)) {
            # The nested models and lists a sample leaves empty get values too, so a column showing one is rendered.
            foreach ($p in $sample.GetType().GetProperties() | Where-Object { $_.CanWrite -and $_.SetMethod.IsPublic -and $null -eq $_.GetValue($sample) }) {
                $pt = $p.PropertyType
                $v = if ($pt.IsGenericType -and $pt.Name -eq 'DbxList`1' -and $pt.GetGenericArguments()[0] -eq [string]) { [string[]]@('a', 'b') -as $pt }
                elseif ($pt.IsGenericType -and $pt.Name -eq 'DbxList`1') { $n1 = New-Sample $pt.GetGenericArguments()[0]; if ($null -ne $n1) { $a = [Array]::CreateInstance($pt.GetGenericArguments()[0], 1); $a[0] = $n1; $a -as $pt } }
                elseif ($pt.Namespace -like 'DatabricksNetworking*' -and $pt.IsClass) { New-Sample $pt }
                if ($null -ne $v) { try { $p.SetValue($sample, $v) } catch { } }
            }
        }
        $text = @($sample) | Format-Table | Out-String -Width 160
        $text | Should -Not -Match 'DatabricksNetworking\.[A-Za-z]+\.[A-Za-z]|System\.(Collections|Object\[\]|String\[\])' -Because "every cell of $View shows a value ($text)"
    }

    It 'at 80 columns no header breaks inside a word (the columns that do not fit are left out whole)' {
        # PowerShell squeezes the last column that partly fits and wraps its header (WorkspaceNam/e): the leading
        # columns of a view have widths that fill 79 columns exactly, so the next one is dropped instead. 79, because
        # a real 80-column terminal renders tables 79 wide (the console host keeps the last column free), and a
        # view filling 79 also renders whole in Out-String -Width 80 (the one column left is the separator).
        $broken = foreach ($c in $viewCases) {
            $sample = Get-Subject $c.TypeName
            if ($null -eq $sample) { continue }
            foreach ($w in 79, 80) { if (Test-HeaderBroken $c.View $sample $w) { "$($c.View)@$w" } }
        }
        Write-Host "views whose headers break inside a word at 79/80 columns: $(@($broken).Count) of $($viewCases.Count) [$($broken -join ', ')] ($(@($viewCases | Where-Object { $null -eq (Get-Subject $_.TypeName) }).Count) not rendered)"
        @($broken) | Should -BeNullOrEmpty
    }

    It 'Test-DbxIpAccess gives Reason the width: whole at 160 columns, readable at 80, with the workspace of each result' {
        # The old view shared the rest of the line between ListLabel and Reason, so a usual reason was cut at 160 columns
        # and a pipeline over workspaces gave rows that could not be told apart; the list and entry are in the Reason.
        $reason = "blocked by entry 203.0.113.0/24 of BLOCK list 'corp-vpn-office-eu-west'"
        $d = [DatabricksNetworking.Models.IpAccessDecision]@{ IpAddress = '203.0.113.200'; WorkspaceId = 2222222222222222; ListLabel = 'corp-vpn-office-eu-west'; ListType = 'BLOCK'; Entry = '203.0.113.0/24'; Reason = $reason }
        $wide = Get-Table $d 160
        $wide.Row | Should -Match ([regex]::Escape($reason) + '\s*$')
        $wide.Row | Should -Match '\b2222222222222222\b'
        $narrow = Get-Table $d 80
        $narrow.Header | Should -Match 'WorkspaceId\s+Reason'
        $narrow.Row | Should -Match ('\b2222222222222222 ' + [regex]::Escape($reason.Substring(0, 35)))
    }

    It 'Test-DbxAwsVpc marks a failure with a word and shows HowToFix in the table' {
        # The old view showed Passed as True/False and no HowToFix, so a failed check said what was wrong, not what to do.
        $fix = 'Turn on enableDnsHostnames for the VPC'
        $checks = @(
            [DatabricksNetworking.Aws.AwsVpcCheck]::new('vpc-0a1b2c3d4e5f60718', 'DnsSupport', $true, 'on', $null)
            [DatabricksNetworking.Aws.AwsVpcCheck]::new('vpc-0a1b2c3d4e5f60718', 'DnsHostnames', $false, 'off', $fix)
        )
        $saved = $PSStyle.OutputRendering
        try {
            $PSStyle.OutputRendering = 'PlainText'
            $lines = @(($checks | Format-Table | Out-String -Width 160) -split "`r?`n")
        }
        finally { $PSStyle.OutputRendering = $saved }
        $lines | Where-Object { $_ -match '^\s*Result\s+Name\s+Detail\s+HowToFix\s*$' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -match '^PASS\s+DnsSupport\s+on\s*$' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -match ('^FAIL\s+DnsHostnames\s+off\s+' + [regex]::Escape($fix) + '\s*$') } | Should -Not -BeNullOrEmpty
        @($checks | Where-Object -not Passed).Result | Should -Be 'FAIL'
    }

    It '<TypeName> at 80 columns shows <Name> and the whole <Id>' -ForEach $keyCases {
        $sample = New-Sample ($TypeName -as [type])
        $tab = Get-Table $sample 80
        Test-Whole $tab ([string]$sample.$Id) | Should -BeTrue -Because "$Id is whole at 80 columns ($($tab.Row))"
        if ($Name) { Test-Whole $tab ([string]$sample.$Name) | Should -BeTrue -Because "$Name is whole at 80 columns ($($tab.Row))" }
    }
}
