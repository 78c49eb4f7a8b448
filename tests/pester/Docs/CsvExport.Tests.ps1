# Export-Csv keeps lists readable: every list-valued property of an output model is a DbxList<T> (a List<T> whose
# ToString() joins the items with ';') and tags are a DbxMap (key=value;...), so a CSV cell is 'a;b', never
# 'System.String[]' or 'System.Collections.Generic.List`1[...]'. Checked on real objects of the demo account (IP lists,
# posture rows, compliance findings, ingress rules, a network policy) written with Export-Csv and read back with
# Import-Csv, and on a sample of every output type the module declares ([OutputType]), nested models filled in.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--aws-endpoint', 'none', '--quiet')
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ('csv-' + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $tmp | Out-Null
    $script:ws = [long]1111111111111111

    # A .NET type name as a cell: System.String[], System.Collections.Generic.List`1[System.String],
    # DatabricksNetworking.Models.NetworkVpcEndpoints, System.Object[] ...
    $script:typeNamePattern = '^(System|DatabricksNetworking)\.[\w.`+]+(\[[^\]]*\])*$|`\d\['
    function Get-TypeNameCells($Objects) {
        # Every cell of the CSV of the objects that reads as a .NET type name, as 'Type.Property = cell'.
        foreach ($o in @($Objects)) {
            $row = @($o | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv)[0]
            foreach ($p in $row.PSObject.Properties) {
                if ([string]$p.Value -match $typeNamePattern) { "$($o.GetType().Name).$($p.Name) = $($p.Value)" }
            }
        }
    }
    function Export-RoundTrip($Objects, [string]$Name) {
        $path = Join-Path $tmp "$Name.csv"
        $Objects | Export-Csv -Path $path -NoTypeInformation
        @(Import-Csv -Path $path)
    }

    # The demo account with one of each: a workspace ALLOW list, a policy with domains and ingress rules bound to a workspace.
    New-DbxIpAccessList -Context $ctx -WorkspaceId $ws -Label 'office' -ListType Allow -IpAddress '203.0.113.0/24', '198.51.100.7', '127.0.0.1' -CallerIpAddress 127.0.0.1 -Force | Out-Null
    $allow = New-DbxIngressRule -Action Allow -Label 'office' -IpRange 203.0.113.0/24, 192.0.2.0/28 -Destination WorkspaceUi, WorkspaceApi
    $deny = New-DbxIngressRule -Action Deny -Label 'bad-net' -IpRange 198.51.100.0/24
    New-DbxNetworkPolicy -Context $ctx -NetworkPolicyId 'csv-policy' -RestrictionMode RestrictedAccess -AllowedDomain 'pypi.org', 'files.pythonhosted.org' `
        -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule $allow, $deny -Confirm:$false | Out-Null

    $script:lists = @(Get-DbxIpAccessList -Context $ctx -WorkspaceId $ws)
    $script:rules = @(Get-DbxNetworkPolicyIngressRule -Context $ctx -NetworkPolicyId 'csv-policy')
    $script:policy = Get-DbxNetworkPolicy -Context $ctx -NetworkPolicyId 'csv-policy'
    $script:postures = @(Get-DbxNetworkPosture -Context $ctx -ErrorAction SilentlyContinue)
    $script:findings = @($postures | Test-DbxNetworkCompliance -Context $ctx -Baseline @{ Controls = @{ RequireBackEndPrivateLink = 'High'; RequireIpAccessLists = 'High'; RequireAccountIpAccessLists = 'High' } } 6>$null)
}
AfterAll {
    $script:emu | Stop-TestService
    Remove-Item $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Export-Csv of the demo account keeps lists readable' {
    It 'an IP access list: IpAddresses is "a;b" and reads back into -IpAddress' {
        $office = @(Export-RoundTrip ($lists | Where-Object Label -eq 'office') 'lists')
        $office.Count | Should -Be 1
        $real = @($lists | Where-Object Label -eq 'office')[0]
        $real.IpAddresses.Count | Should -Be 3
        $office[0].IpAddresses | Should -Be ($real.IpAddresses -join ';')
        @($office[0].IpAddresses -split ';' | Sort-Object) | Should -Be @('127.0.0.1', '198.51.100.7', '203.0.113.0/24')
        @($office[0].IpAddresses -split ';') | Should -Be @($real.IpAddresses)
    }

    It 'posture rows: the lists of every workspace are joined, not type names' {
        $postures.Count | Should -Be 3
        $rows = Export-RoundTrip $postures 'posture'
        $rows.Count | Should -Be 3
        $us = $rows | Where-Object WorkspaceId -eq '2222222222222222'
        $real = $postures | Where-Object WorkspaceId -eq 2222222222222222
        $real.RestApiVpcEndpointIds.Count | Should -BeGreaterOrEqual 0
        $us.IncompleteReasons | Should -Be ($real.IncompleteReasons -join ';')
        $us.CustomTags | Should -Not -Match 'System\.'
        $eu = $rows | Where-Object WorkspaceId -eq "$ws"
        $eu.PSObject.Properties.Name | Should -Contain 'WideAllowEntries'
        Get-TypeNameCells $postures | Should -BeNullOrEmpty
    }

    It 'compliance findings: every cell is a value' {
        $findings.Count | Should -BeGreaterThan 0
        $rows = Export-RoundTrip $findings 'findings'
        $rows.Count | Should -Be $findings.Count
        Get-TypeNameCells $findings | Should -BeNullOrEmpty
    }

    It 'ingress rules: ranges, identities and destinations are "a;b"' {
        $rows = Export-RoundTrip $rules 'rules'
        $office = $rows | Where-Object Label -eq 'office'
        $office.IpRanges | Should -Be '203.0.113.0/24;192.0.2.0/28'
        $office.Destinations | Should -Be (($rules | Where-Object Label -eq 'office').Destinations -join ';')
        $office.Destinations | Should -Match ';' -Because 'two destinations were given'
        ($rows | Where-Object Label -eq 'bad-net').IpRanges | Should -Be '198.51.100.0/24'
        Get-TypeNameCells $rules | Should -BeNullOrEmpty
    }

    It 'a network policy: the domains are "a;b"' {
        $row = @(Export-RoundTrip $policy 'policy')[0]
        $row.AllowedDomains | Should -Be 'pypi.org;files.pythonhosted.org'
        Get-TypeNameCells $policy | Should -BeNullOrEmpty
    }

    It 'the public access part of an ingress policy: allow and deny rules are a DbxList, in CSV too' {
        $pub = $policy.IngressDryRun.PublicAccess
        $pub.AllowRules.GetType().Name | Should -Be 'DbxList`1'
        $pub.DenyRules.GetType().Name | Should -Be 'DbxList`1'
        $row = @(Export-RoundTrip $pub 'public-access')[0]
        $row.AllowRules | Should -Not -Match $typeNamePattern
        $row.AllowRules | Should -Be 'office'
        $row.DenyRules | Should -Be 'bad-net'
        # The demo account's own policy reads the same way.
        $demo = (Get-DbxNetworkPolicy -Context $ctx -NetworkPolicyId 'restricted-egress').Ingress.PublicAccess
        $demo.AllowRules.GetType().Name | Should -Be 'DbxList`1'
        @(Export-RoundTrip $demo 'demo-public-access')[0].AllowRules | Should -Be 'corp-vpn'
        Get-TypeNameCells @($demo) | Should -BeNullOrEmpty
    }

    It 'objects without a public constructor: context, PrivateLink services' {
        Get-TypeNameCells @($ctx) | Should -BeNullOrEmpty
        Get-TypeNameCells @(Get-DbxPrivateLinkService -Region us-east-1) | Should -BeNullOrEmpty
    }

    It 'a list in a cell is the list, not a .NET type name (the old cell would fail this check)' {
        # The check itself: a plain array or generic list renders as a type name and is found.
        Get-TypeNameCells @([pscustomobject]@{ A = [string[]]@('a', 'b'); B = [Collections.Generic.List[string]]::new() }) | Should -HaveCount 2
    }
}

Describe 'Every output type of the module (sample objects)' {
    BeforeAll {
        $script:outputTypes = @(Get-Command -Module DatabricksNetworking | ForEach-Object { $_.OutputType.Type } |
                Where-Object { $_ -and $_.FullName -like 'DatabricksNetworking.*' } | Sort-Object FullName -Unique)
        function New-Value([type]$T, [string]$Name, [int]$Depth) {
            $u = [Nullable]::GetUnderlyingType($T); if ($u) { $T = $u }
            if ($T -eq [string]) { return "$Name-1" }
            if ($T -in [long], [int], [double]) { return 3 }
            if ($T -eq [bool]) { return $true }
            if ($T.IsEnum) { return [Enum]::GetValues($T)[0] }
            if ($T -eq [DateTimeOffset]) { return [DateTimeOffset]::FromUnixTimeSeconds(1767225600) }
            if ($T.IsGenericType -and $T.GetGenericTypeDefinition().Name -match '^(DbxList|List)`1$') {
                $list = [Activator]::CreateInstance($T)
                foreach ($i in 1, 2) { $v = New-Value $T.GetGenericArguments()[0] "$Name$i" ($Depth + 1); if ($null -ne $v) { $list.Add($v) } }
                return , $list
            }
            if ($T.FullName -eq 'DatabricksNetworking.Models.DbxMap') { $m = [Activator]::CreateInstance($T); $m['team'] = 'net'; $m['env'] = 'prod'; return , $m }
            if ($Depth -lt 4 -and $T.IsClass -and $T.FullName -like 'DatabricksNetworking.*' -and $T.GetConstructor([type[]]@())) { return New-Sample $T ($Depth + 1) }
            $null
        }
        function New-Sample([type]$T, [int]$Depth = 0) {
            $o = [Activator]::CreateInstance($T)
            foreach ($p in $T.GetProperties() | Where-Object { $_.CanWrite -and $_.SetMethod.IsPublic -and $_.GetIndexParameters().Count -eq 0 }) {
                $v = New-Value $p.PropertyType $p.Name $Depth
                if ($null -ne $v) { try { $p.SetValue($o, $v) } catch { } }
            }
            $o
        }
    }

    It 'declares a good number of output types (<_>)' -ForEach @(1) {
        $outputTypes.Count | Should -BeGreaterOrEqual 25
    }

    It 'no CSV cell of a sample of any output type is a .NET type name' {
        $unsampled = @('DatabricksNetworking.Data.PrivateLinkServiceInfo', 'DatabricksNetworking.Aws.AwsVpcCheck', 'DatabricksNetworking.Client.DbxContext', 'DatabricksNetworking.Cmdlets.Emulator.DbxEmulatorInstance')
        $found = foreach ($t in $outputTypes) {
            if (-not $t.GetConstructor([type[]]@())) { $t.FullName | Should -BeIn $unsampled; continue }
            Get-TypeNameCells @(New-Sample $t)
        }
        @($found) | Should -BeNullOrEmpty
    }

    It 'list properties of the output types and of every model nested in them are DbxList (or a DbxMap for tags), so the rule holds by construction' {
        # Nested models too (NetworkPolicy.Ingress.PublicAccess.AllowRules, ...): Format-List/Export-Csv of a nested
        # object shows its lists the same way.
        $walked = @{}
        $queue = [Collections.Generic.Queue[type]]::new()
        foreach ($t in $outputTypes) { $queue.Enqueue($t) }
        $plain = while ($queue.Count -gt 0) {
            $t = $queue.Dequeue()
            if ($walked.ContainsKey($t.FullName)) { continue }
            $walked[$t.FullName] = $true
            foreach ($p in $t.GetProperties()) {
                $pt = $p.PropertyType
                $u = [Nullable]::GetUnderlyingType($pt); if ($u) { $pt = $u }
                $isList = $pt.IsArray -or ($pt.IsGenericType -and $pt.GetGenericTypeDefinition() -in [Collections.Generic.List`1], [Collections.Generic.Dictionary`2])
                if ($isList -and $p.Name -ne 'OtherFields') { "$($t.Name).$($p.Name) ($($pt.Name))" }
                $item = if ($pt.IsArray) { $pt.GetElementType() } elseif ($pt.IsGenericType) { $pt.GetGenericArguments()[-1] } else { $pt }
                if ($item.IsClass -and $item.FullName -like 'DatabricksNetworking.*') { $queue.Enqueue($item) }
            }
        }
        $walked.Keys | Should -Contain 'DatabricksNetworking.Models.IngressPublicAccess' -Because 'the walk reaches the models nested in a network policy'
        @($plain) | Should -BeNullOrEmpty
    }
}
