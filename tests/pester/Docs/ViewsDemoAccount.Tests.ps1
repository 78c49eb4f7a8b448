# Issue 17 (Views): the default table view of what every Get-/Test- cmdlet returns for the emulator's demo account,
# rendered at 80 and 160 columns. Views.Tests.ps1 renders made-up samples of each type; this file renders the objects an
# admin really gets on a first run (a private emulator on the built-in demo seed, so other files' changes do not count)
# and fails on a .NET type name in a cell, a header broken inside a word at 80 columns, or an id cut at 160 columns.
# The AWS cmdlets (they read the customer's AWS account, not Databricks) are rendered in Views.Tests from moto; VPC
# endpoint registrations and Service Direct network endpoints are made here against moto through the cmdlets.
BeforeDiscovery {
    # Every exported Get-/Test- cmdlet that needs no AWS account; the list is checked against the module below.
    $script:cmdletCases = @(
        'Get-DbxAccountIngressPolicy', 'Get-DbxAccountIpAccessList', 'Get-DbxAccountIpAccessListFeature', 'Get-DbxContext',
        'Get-DbxCredentialConfiguration', 'Get-DbxFirewallRequirement', 'Get-DbxIpAccessList', 'Get-DbxIpAccessListFeature',
        'Get-DbxNetworkConfiguration', 'Get-DbxNetworkConnectivityConfig', 'Get-DbxNetworkEndpoint', 'Get-DbxNetworkPolicy',
        'Get-DbxNetworkPolicyIngressRule', 'Get-DbxNetworkPosture', 'Get-DbxPrivateAccessSettings', 'Get-DbxPrivateEndpointRule',
        'Get-DbxPrivateLinkService', 'Get-DbxPublishedIpRange', 'Get-DbxS3BucketPolicy', 'Get-DbxServerlessEgressIp',
        'Get-DbxStorageConfiguration', 'Get-DbxVpcEndpointRegistration', 'Get-DbxWorkspace', 'Get-DbxWorkspaceNetworkPolicy',
        'Test-DbxIngressAccess', 'Test-DbxIpAccess', 'Test-DbxNetworkCompliance'
    ) | ForEach-Object { @{ Cmdlet = $_ } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    # Cmdlets that read the customer's AWS account (moto), rendered in Views.Tests.
    $script:needAws = @('Get-DbxAwsCallerIdentity', 'Get-DbxAwsEndpointService', 'Get-DbxAwsVpcEndpoint', 'Test-DbxAwsVpc')
    # The same pattern Views.Tests uses: a nested model or list without a summary renders as its type name.
    $script:typeNamePattern = 'DatabricksNetworking\.[A-Za-z]+\.[A-Za-z]|System\.(Collections|Object\[\]|String\[\])'
    # The ids an admin copies into the next command (an endpoint service name is the id New-DbxPrivateEndpointRule and
    # AWS take).
    $script:idPattern = '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{16}|(vpc|vpce|subnet|sg)-[0-9a-f]{8,17}|com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-f]{8,17})$'

    function Get-Block([string]$Text) {
        # Each table of a rendering (a view with GroupBy renders several): the header lines right above each dash line
        # (a wrapped header takes more than one) and the rows under it, up to the next blank line.
        $lines = @($Text -split "`r?`n")
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -notmatch '^\s*-+( +-+)*\s*$') { continue }
            $head = @(); for ($j = $i - 1; $j -ge 0 -and $lines[$j].Trim(); $j--) { $head = @($lines[$j]) + $head }
            $rows = @(); for ($j = $i + 1; $j -lt $lines.Count -and $lines[$j].Trim(); $j++) { $rows += $lines[$j] }
            [pscustomobject]@{ Head = $head; Rows = $rows }
        }
    }

    function Get-ViewDefect($Objects, [string]$Label = 'view') {
        # The defects of the default table view of $Objects, as sentences (none: the view is fine).
        $narrow = @($Objects) | Format-Table | Out-String -Width 79   # what a real 80-column terminal shows (the console host keeps the last column free)
        $wide = @($Objects) | Format-Table | Out-String -Width 160
        $whole = @($Objects) | Format-Table | Out-String -Width 2000
        $labels = @(Get-Block $whole | ForEach-Object { $_.Head -split '\s+' } | Where-Object { $_ })
        foreach ($w in @(@{ Width = 80; Text = $narrow }, @{ Width = 160; Text = $wide })) {
            if ($w.Text -match $typeNamePattern) { "$Label at $($w.Width) columns shows a type name ($($Matches[0])) in a cell:`n$($w.Text)" }
        }
        foreach ($b in Get-Block $narrow) {
            $words = @($b.Head -split '\s+' | Where-Object { $_ })
            $bad = @($words | Where-Object { $_ -notin $labels })
            if ($b.Head.Count -gt 1 -or $bad) { "$Label at 80 columns breaks a header inside a word [$($bad -join ', ')]:`n$($b.Head -join "`n")" }
        }
        # An id of the objects that shows at 160 columns only as its start with '…' (the columns fit, the id does not).
        $ids = @(foreach ($o in @($Objects)) {
                foreach ($p in $o.PSObject.Properties) {
                    try { $v = $p.Value } catch { continue }
                    foreach ($x in @($v)) { if ($null -ne $x -and ($x -is [string] -or $x -is [long]) -and "$x" -match $idPattern) { "$x" } }
                }
            }) | Sort-Object -Unique
        $cut = foreach ($b in Get-Block $wide) {
            foreach ($t in @($b.Rows -split '[\s,;{}()]+' | Where-Object { $_ -match '…$' })) {
                $start = $t.TrimEnd('…')
                if ($start.Length -ge 3) { $ids | Where-Object { $_.StartsWith($start) -and $_ -ne $start } }
            }
        }
        if ($cut) { "$Label at 160 columns cuts the id(s) $(@($cut | Sort-Object -Unique) -join ', '):`n$wide" }
    }

    # The demo seed has no VPC endpoint registrations and no network endpoints: the emulator checks each against the
    # AWS endpoint in moto, so the seed cannot hold one moto does not have. They are made here the way an admin makes
    # them (AWS endpoints in moto, then the cmdlets), so their views are rendered from objects the emulator really made.
    $script:madeHere = @('Get-DbxNetworkEndpoint', 'Get-DbxVpcEndpointRegistration')
    $script:motoUrl = (Get-TestEnvironment).MotoUrl
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    if ($motoUrl) {
        $vpc = New-MotoVpc
        # Front-end (workspace) and back-end (relay) endpoints to register, and the region's Service Direct endpoint.
        $motoEndpoints = @(New-MotoVpcEndpoint -VpcId $vpc -Service Workspace; New-MotoVpcEndpoint -VpcId $vpc -Service Relay)
        $motoEndpoints | New-DbxVpcEndpointRegistration -Context $ctx -Wait | Out-Null
        $direct = New-MotoVpcEndpoint -VpcId $vpc -ServiceName (Get-DbxPrivateLinkService -Region us-east-1 -Service ServiceDirect).ServiceName
        $direct | New-DbxNetworkEndpoint -Context $ctx -Name demo-service-direct -Wait | Out-Null
    }
    $script:prodUs = [long]2222222222222222
    $script:url = $emu.Url.TrimEnd('/')
    $ncc = @(Get-DbxNetworkConnectivityConfig -Context $ctx)[0]
    $saved = $PSStyle.OutputRendering
    $PSStyle.OutputRendering = 'PlainText'
    $invoke = [ordered]@{
        'Get-DbxAccountIngressPolicy'       = { Get-DbxAccountIngressPolicy -Context $ctx }
        'Get-DbxAccountIpAccessList'        = { Get-DbxAccountIpAccessList -Context $ctx }
        'Get-DbxAccountIpAccessListFeature' = { Get-DbxAccountIpAccessListFeature -Context $ctx }
        'Get-DbxContext'                    = { Get-DbxContext -ListAvailable | Where-Object { [object]::ReferenceEquals($_, $ctx) } }
        'Get-DbxCredentialConfiguration'    = { Get-DbxCredentialConfiguration -Context $ctx }
        'Get-DbxFirewallRequirement'        = { Get-DbxFirewallRequirement -Region us-east-1 }
        'Get-DbxIpAccessList'               = { Get-DbxIpAccessList -Context $ctx -WorkspaceId $prodUs }
        'Get-DbxIpAccessListFeature'        = { Get-DbxIpAccessListFeature -Context $ctx -WorkspaceId $prodUs }
        'Get-DbxNetworkConfiguration'       = { Get-DbxNetworkConfiguration -Context $ctx }
        'Get-DbxNetworkConnectivityConfig'  = { Get-DbxNetworkConnectivityConfig -Context $ctx }
        'Get-DbxNetworkEndpoint'            = { Get-DbxNetworkEndpoint -Context $ctx }
        'Get-DbxNetworkPolicy'              = { Get-DbxNetworkPolicy -Context $ctx }
        'Get-DbxNetworkPolicyIngressRule'   = { Get-DbxNetworkPolicyIngressRule -Context $ctx -NetworkPolicyId restricted-egress }
        'Get-DbxNetworkPosture'             = { Get-DbxNetworkPosture -Context $ctx }
        'Get-DbxPrivateAccessSettings'      = { Get-DbxPrivateAccessSettings -Context $ctx }
        'Get-DbxPrivateEndpointRule'        = { Get-DbxPrivateEndpointRule -Context $ctx -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId }
        'Get-DbxPrivateLinkService'         = { Get-DbxPrivateLinkService -Region us-east-1 }
        'Get-DbxPublishedIpRange'           = { Get-DbxPublishedIpRange -Region us-east-1 -Uri "$url/_emulator/ip-ranges.json" }
        'Get-DbxS3BucketPolicy'             = { Get-DbxS3BucketPolicy -Context $ctx -BucketName demo-root-bucket -NetworkConnectivityConfigId $ncc.NetworkConnectivityConfigId -AwsVpcEndpointId vpce-0a1b2c3d4e5f60718 -WarningAction SilentlyContinue }
        'Get-DbxServerlessEgressIp'         = { Get-DbxServerlessEgressIp -Context $ctx }
        'Get-DbxStorageConfiguration'       = { Get-DbxStorageConfiguration -Context $ctx }
        'Get-DbxVpcEndpointRegistration'    = { Get-DbxVpcEndpointRegistration -Context $ctx }
        'Get-DbxWorkspace'                  = { Get-DbxWorkspace -Context $ctx }
        'Get-DbxWorkspaceNetworkPolicy'     = { Get-DbxWorkspaceNetworkPolicy -Context $ctx }
        'Test-DbxIngressAccess'             = { Test-DbxIngressAccess -Context $ctx -IpAddress 203.0.113.9 -Destination WorkspaceApi -WorkspaceId $prodUs }
        'Test-DbxIpAccess'                  = { Test-DbxIpAccess -Context $ctx -IpAddress 185.220.100.7, 203.0.113.9 -WorkspaceId $prodUs }
        'Test-DbxNetworkCompliance'         = { Test-DbxNetworkCompliance -Context $ctx -InformationAction SilentlyContinue -Baseline @{ Controls = @{ RequireIpAccessLists = 'High'; RequireNcc = 'Low'; RequireBackEndPrivateLink = 'High' } } }
    }
    $script:invoke = $invoke
    $script:out = @{}
    $script:failed = @{}
    try {
        foreach ($k in $invoke.Keys) {
            try { $script:out[$k] = @(& $invoke[$k]) } catch { $script:failed[$k] = "$_" }
        }
    }
    finally { $PSStyle.OutputRendering = $saved }
}
AfterAll { if ($script:emu) { $script:emu | Stop-TestService } }

Describe 'The default views of the demo account''s objects' {
    It 'covers every exported Get-/Test- cmdlet that needs no AWS account' {
        $exported = @(Get-Command -Module DatabricksNetworking -Verb Get, Test | ForEach-Object Name)
        @($exported | Where-Object { $_ -notin $needAws -and -not $invoke.Contains($_) }) | Should -BeNullOrEmpty -Because 'a new Get-/Test- cmdlet gets a demo-account call here'
        @($invoke.Keys | Where-Object { $_ -notin $exported }) | Should -BeNullOrEmpty
    }

    It '<Cmdlet> returns the demo account''s objects and renders them at 80 and 160 columns without defects' -ForEach $cmdletCases {
        $failed[$Cmdlet] | Should -BeNullOrEmpty -Because "$Cmdlet runs against the demo account"
        $objects = $out[$Cmdlet]
        if ($Cmdlet -in $madeHere -and -not $motoUrl) { Set-ItResult -Skipped -Because "moto is not running (DBX_TEST_MOTO_URL): $Cmdlet's objects are made against it"; return }
        $objects.Count | Should -BeGreaterThan 0 -Because "the demo account has something for $Cmdlet to show"
        # The output type has a table view of its own (not PowerShell's default of every property).
        $formats = @($objects[0].PSObject.TypeNames | ForEach-Object { Get-FormatData -TypeName $_ } | ForEach-Object FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] })
        $formats | Should -Not -BeNullOrEmpty -Because "$($objects[0].PSObject.TypeNames[0]) has a default table view"
        $saved = $PSStyle.OutputRendering
        try {
            $PSStyle.OutputRendering = 'PlainText'
            $defects = @(Get-ViewDefect $objects $Cmdlet)
        }
        finally { $PSStyle.OutputRendering = $saved }
        $defects | Should -BeNullOrEmpty
    }

    It '<Cmdlet> renders what the emulator made through the cmdlets: name, id and state whole at 79 columns, the AWS id and use case at 160' -ForEach @(
        @{ Cmdlet = 'Get-DbxVpcEndpointRegistration'; Count = 2; Name = 'VpcEndpointName'; Id = 'VpcEndpointId'; States = @('available'); UseCases = @('DATAPLANE_RELAY_ACCESS', 'GENERAL_ACCESS') }
        @{ Cmdlet = 'Get-DbxNetworkEndpoint'; Count = 1; Name = 'DisplayName'; Id = 'EndpointId'; States = @('APPROVED'); UseCases = @('SERVICE_DIRECT') }
    ) {
        # Made up samples hid two defects these real objects show: a registration's default name is its AWS id (22
        # characters, cut in a 20-column cell), and the auto-sized network endpoint view left the state out at 80 columns.
        if (-not $motoUrl) { Set-ItResult -Skipped -Because 'moto is not running (DBX_TEST_MOTO_URL)'; return }
        $objects = @($out[$Cmdlet])
        $objects.Count | Should -Be $Count
        $made = if ($Cmdlet -eq 'Get-DbxNetworkEndpoint') { @($direct) } else { $motoEndpoints }
        @($objects.AwsVpcEndpointId | Sort-Object) | Should -Be @($made.AwsVpcEndpointId | Sort-Object) -Because 'the objects are the registrations of the moto endpoints made in BeforeAll'
        @($objects.State | Sort-Object -Unique) | Should -Be $States
        @($objects.UseCase | Sort-Object) | Should -Be $UseCases
        $saved = $PSStyle.OutputRendering
        try {
            $PSStyle.OutputRendering = 'PlainText'
            $narrow = $objects | Format-Table | Out-String -Width 79
            $wide = $objects | Format-Table | Out-String -Width 160
            foreach ($o in $objects) {
                foreach ($v in $o.$Name, $o.$Id, $o.State) { $narrow | Should -Match "(^|\s)$([regex]::Escape($v))(\s|$)" -Because "$v is shown whole at 79 columns:`n$narrow" }
                foreach ($v in $o.$Name, $o.$Id, $o.State, $o.AwsVpcEndpointId, $o.UseCase, $o.Region) { $wide | Should -Match "(^|\s)$([regex]::Escape($v))(\s|$)" -Because "$v is shown whole at 160 columns:`n$wide" }
            }
        }
        finally { $PSStyle.OutputRendering = $saved }
    }

    It 'Get-DbxNetworkConnectivityConfig shows the whole creation date at 120 and 160 columns' {
        $ncc = @($out['Get-DbxNetworkConnectivityConfig'])[0]
        $ncc.Created | Should -Not -BeNullOrEmpty
        foreach ($w in 120, 160) { ($ncc | Out-String -Width $w) | Should -Match ([regex]::Escape($ncc.Created.ToString('yyyy-MM-dd HH:mm'))) -Because "at $w columns" }
    }

    It 'the checks find each defect in a deliberately broken view' {
        # A view with a nested model without a summary in a cell (it renders as its type name), headers wider than their columns and a workspace id column too narrow.
        if (-not ('DatabricksNetworking.Tests.Opaque' -as [type])) { Add-Type -TypeDefinition 'namespace DatabricksNetworking.Tests { public sealed class Opaque { public string Mode { get; set; } = "ENFORCED"; } }' }
        $typeName = 'DatabricksNetworking.Tests.BrokenView'
        $xml = @"
<Configuration><ViewDefinitions><View><Name>$typeName</Name><ViewSelectedBy><TypeName>$typeName</TypeName></ViewSelectedBy>
<TableControl><TableHeaders><TableColumnHeader><Label>WorkspaceName</Label><Width>60</Width></TableColumnHeader>
<TableColumnHeader><Label>NetworkConnectivityConfigName</Label></TableColumnHeader>
<TableColumnHeader><Label>Nested</Label><Width>40</Width></TableColumnHeader>
<TableColumnHeader><Label>WorkspaceId</Label><Width>11</Width></TableColumnHeader></TableHeaders>
<TableRowEntries><TableRowEntry><TableColumnItems><TableColumnItem><PropertyName>WorkspaceName</PropertyName></TableColumnItem>
<TableColumnItem><PropertyName>NetworkConnectivityConfigName</PropertyName></TableColumnItem>
<TableColumnItem><PropertyName>Nested</PropertyName></TableColumnItem>
<TableColumnItem><PropertyName>WorkspaceId</PropertyName></TableColumnItem></TableColumnItems></TableRowEntry></TableRowEntries>
</TableControl></View></ViewDefinitions></Configuration>
"@
        # Kept in the temp folder: the session's format table refers to the file from now on (it only selects this type).
        $file = Join-Path ([IO.Path]::GetTempPath()) 'dbx-views-demo-broken.Format.ps1xml'
        Set-Content -Path $file -Value $xml
        Update-FormatData -PrependPath $file
        $o = [pscustomobject]@{ PSTypeName = $typeName; WorkspaceName = 'prod-us'; NetworkConnectivityConfigName = 'prod-us-east-1-ncc'; Nested = [DatabricksNetworking.Tests.Opaque]::new(); WorkspaceId = $prodUs }
        $defects = @(Get-ViewDefect $o 'broken')
        $defects | Where-Object { $_ -like '*shows a type name (DatabricksNetworking.Tests.O*' } | Should -Not -BeNullOrEmpty
        $defects | Where-Object { $_ -like '*breaks a header inside a word*' } | Should -Not -BeNullOrEmpty
        $defects | Where-Object { $_ -like '*cuts the id(s) 2222222222222222*' } | Should -Not -BeNullOrEmpty
    }
}
