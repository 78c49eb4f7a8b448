# Format-List and ConvertTo-Json show values, not type names (issue 17, "Views"): every model nested in an output type
# has a ToString() of its own that summarises it in one line (Format-List shows a nested object by its ToString(), and
# ConvertTo-Json writes it when the object is deeper than -Depth); ConvertTo-Json -Depth 5 of objects read from the
# emulator has no type name in it; the list views of the types with epoch-millisecond fields show the dates in their
# place (the numbers stay on the object, the table stays the default view); the snapshot Export-DbxNetworkConfiguration writes is the wire JSON
# (System.Text.Json with the module's options), not the PowerShell (PascalCase) JSON.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-PostureEmulator
    $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ('fljson-' + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $tmp | Out-Null

    # A .NET type name as text: DatabricksNetworking.Models.IngressIpRanges, System.Object[], List`1[...]
    $script:typeName = '(^|[\s":])(System|DatabricksNetworking)\.[\w.`+]+(\[[^\]]*\])*($|[\s",])|`\d\['

    function Get-NestedModelType {
        # Every public DatabricksNetworking class reached from the output types through properties, list items
        # included (DbxList/DbxMap themselves excepted: they join their items), with the path that reached it.
        param([type[]]$Roots)
        $seen = @{}; $nested = [ordered]@{}
        $queue = [Collections.Generic.Queue[object]]::new()
        foreach ($r in $Roots) { $queue.Enqueue(@($r, $r.Name)) }
        while ($queue.Count -gt 0) {
            $t, $path = $queue.Dequeue()
            if ($seen.ContainsKey($t.FullName)) { continue }
            $seen[$t.FullName] = $true
            foreach ($p in $t.GetProperties()) {
                $pt = $p.PropertyType
                $u = [Nullable]::GetUnderlyingType($pt); if ($u) { $pt = $u }
                $item = if ($pt.IsArray) { $pt.GetElementType() } elseif ($pt.IsGenericType) { $pt.GetGenericArguments()[-1] } else { $pt }
                if ($item.IsClass -and $item.IsPublic -and $item.FullName -like 'DatabricksNetworking.*' -and $item.Name -notmatch '^Dbx(List|Map)') {
                    if (-not $nested.Contains($item.FullName)) { $nested[$item.FullName] = [pscustomobject]@{ Type = $item; Path = "$path.$($p.Name)" } }
                    $queue.Enqueue(@($item, "$path.$($p.Name)"))
                }
            }
        }
        $nested.Values
    }
    function Test-OwnToString([type]$T) { $T.GetMethod('ToString', [type[]]@()).DeclaringType -ne [object] }
    function New-Filled([type]$T, [int]$Depth = 0) {
        # An instance with every settable property given a value (nested models filled in, lists with two items).
        $o = [Activator]::CreateInstance($T)
        foreach ($p in $T.GetProperties() | Where-Object { $_.CanWrite -and $_.SetMethod.IsPublic -and $_.GetIndexParameters().Count -eq 0 }) {
            $pt = $p.PropertyType; $u = [Nullable]::GetUnderlyingType($pt); if ($u) { $pt = $u }
            $v = if ($pt -eq [string]) { "$($p.Name)-1" } elseif ($pt -in [long], [int]) { 7 } elseif ($pt -eq [bool]) { $true }
            elseif ($pt.IsGenericType -and $pt.GetGenericTypeDefinition().Name -eq 'DbxList`1') {
                $l = [Activator]::CreateInstance($pt); $it = $pt.GetGenericArguments()[0]
                $iu = [Nullable]::GetUnderlyingType($it); if ($iu) { $it = $iu }
                foreach ($i in 1, 2) {
                    $x = if ($it -eq [string]) { "item$i" } elseif ($it -eq [long]) { [long]$i } elseif ($Depth -lt 3 -and $it.IsClass -and $it.GetConstructor([type[]]@())) { New-Filled $it ($Depth + 1) }
                    if ($null -ne $x) { $l.Add($x) }
                }
                , $l
            }
            elseif ($Depth -lt 3 -and $pt.IsClass -and $pt.FullName -like 'DatabricksNetworking.Models.*' -and $pt.GetConstructor([type[]]@())) { New-Filled $pt ($Depth + 1) }
            if ($null -ne $v) { try { $p.SetValue($o, $v) } catch { } }
        }
        $o
    }

    $script:outputTypes = @(Get-Command -Module DatabricksNetworking | ForEach-Object { $_.OutputType.Type } |
            Where-Object { $_ -and $_.FullName -like 'DatabricksNetworking.*' } | Sort-Object FullName -Unique)
    $script:nested = @(Get-NestedModelType $outputTypes)
}
AfterAll {
    $script:emu | Stop-TestService
    Remove-Item $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Nested models summarise themselves (ToString)' {
    It 'the walk reaches the nested models of networks, NCCs and network policies' {
        $names = $nested.Type.Name
        foreach ($n in 'NetworkVpcEndpoints', 'NccEgressConfig', 'NccEgressDefaultRules', 'NccEgressTargetRules', 'NccAwsStableIpRule',
            'PolicyEnforcement', 'IngressPublicAccess', 'IngressIpRanges', 'IngressDestination', 'IngressWorkspaceIdList') {
            $names | Should -Contain $n
        }
        $nested.Count | Should -BeGreaterOrEqual 35
    }

    It 'the check finds a type that keeps Object''s ToString (its text is the type name)' {
        Test-OwnToString ([Collections.ArrayList]) | Should -BeFalse
        [Collections.ArrayList]::new().ToString() | Should -Be 'System.Collections.ArrayList'
        Test-OwnToString ([DatabricksNetworking.Models.NccEgressConfig]) | Should -BeTrue
    }

    It 'every nested model type has a ToString() of its own' {
        @($nested | Where-Object { -not (Test-OwnToString $_.Type) } | ForEach-Object { "$($_.Type.FullName) (at $($_.Path))" }) | Should -BeNullOrEmpty
    }

    It 'a filled nested model reads as one line of values, never its type name' {
        $bad = foreach ($n in $nested | Where-Object { $_.Type.GetConstructor([type[]]@()) }) {
            $text = (New-Filled $n.Type).ToString()
            if ($text -match $typeName -or $text -match "`n") { "$($n.Type.Name): $text" }
        }
        @($bad) | Should -BeNullOrEmpty
    }

    It 'the summaries say what is inside: <Type>' -ForEach @(
        @{ Type = 'NccEgressTargetRules'; Json = '{"aws_private_endpoint_rules":[{"rule_id":"r1"},{"rule_id":"r2"}]}'; Text = '2 AWS private endpoint rules' }
        @{ Type = 'NccEgressDefaultRules'; Json = '{"aws_stable_ip_rule":{"cidr_blocks":["10.0.0.0/28","10.0.1.0/28"]}}'; Text = 'AWS stable IPs: 2 CIDRs' }
        @{ Type = 'NccAwsStableIpRule'; Json = '{"cidr_blocks":["10.0.0.0/28","10.0.1.0/28"]}'; Text = '10.0.0.0/28, 10.0.1.0/28' }
        @{ Type = 'PolicyEnforcement'; Json = '{"enforcement_mode":"DRY_RUN","dry_run_mode_product_filter":["DBSQL"]}'; Text = 'DRY_RUN (dry run for DBSQL)' }
        @{ Type = 'IngressPublicAccess'; Json = '{"restriction_mode":"RESTRICTED_ACCESS","allow_rules":[{"label":"a"},{"label":"b"}],"deny_rules":[{"label":"c"}]}'; Text = 'RESTRICTED_ACCESS; 2 allow, 1 deny rules' }
        @{ Type = 'IngressPublicOrigin'; Json = '{"included_ip_ranges":{"ip_ranges":["203.0.113.0/24"]},"excluded_ip_ranges":{"ip_ranges":["203.0.113.7"]}}'; Text = '203.0.113.0/24 except 203.0.113.7' }
        @{ Type = 'IngressDestination'; Json = '{"workspace_ui":{},"workspace_api":{"scopes":["all-apis"],"scope_qualifier":"API_SCOPE_QUALIFIER_READ"}}'; Text = 'WorkspaceUi, WorkspaceApi(all-apis)[read]' }
        @{ Type = 'IngressCrossWorkspaceOrigin'; Json = '{"selected_workspaces":{"workspace_ids":[1111111111111111,2222222222222222]}}'; Text = 'workspaces: 1111111111111111, 2222222222222222' }
        @{ Type = 'IngressPrivateOrigin'; Json = '{"endpoints":{"endpoint_ids":["e1"]}}'; Text = 'endpoints: e1' }
    ) {
        $t = [type]"DatabricksNetworking.Models.$Type"
        $o = [System.Text.Json.JsonSerializer]::Deserialize($Json, $t, [DatabricksNetworking.Client.Json]::Options)
        $o.ToString() | Should -Be $Text
    }
}

Describe 'Format-List and ConvertTo-Json of objects read from the emulator' {
    BeforeAll {
        $script:samples = [ordered]@{
            Network                   = @(Get-DbxNetworkConfiguration -Context $ctx)
            NetworkConnectivityConfig = @(Get-DbxNetworkConnectivityConfig -Context $ctx)
            NetworkPolicy             = @(Get-DbxNetworkPolicy -Context $ctx)
        }
    }

    It 'the emulator has objects of each kind' {
        foreach ($k in $samples.Keys) { $samples[$k].Count | Should -BeGreaterThan 0 -Because "the posture seed has a $k" }
    }

    It 'ConvertTo-Json -Depth 5 of <_> has values, no type names' -ForEach 'Network', 'NetworkConnectivityConfig', 'NetworkPolicy' {
        $json = $samples[$_] | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue
        $json | Should -Not -BeNullOrEmpty
        @($json -split "`n" | Where-Object { $_ -match $typeName }) | Should -BeNullOrEmpty
        # Deep enough that objects below -Depth are written as their ToString(): the summaries are what appears there.
        $shallow = $samples[$_] | ConvertTo-Json -Depth 1 -WarningAction SilentlyContinue
        @($shallow -split "`n" | Where-Object { $_ -match $typeName }) | Should -BeNullOrEmpty
    }

    It 'Format-List of <_> shows every nested object by its content' -ForEach 'Network', 'NetworkConnectivityConfig', 'NetworkPolicy' {
        $text = $samples[$_] | Format-List * | Out-String -Width 160
        $text | Should -Not -BeNullOrEmpty
        @($text -split "`n" | Where-Object { $_ -match $typeName }) | Should -BeNullOrEmpty
    }

    It 'a policy with dry-run ingress: the rule origin deep in the JSON is its ranges' {
        $allow = New-DbxIngressRule -Action Allow -Label 'office' -IpRange 203.0.113.0/24, 192.0.2.0/28 -Destination WorkspaceUi
        New-DbxNetworkPolicy -Context $ctx -NetworkPolicyId 'fljson-policy' -RestrictionMode RestrictedAccess -AllowedDomain 'pypi.org' `
            -IngressDryRun -PublicAccessRestrictionMode RestrictedAccess -IngressRule $allow -Confirm:$false | Out-Null
        $p = Get-DbxNetworkPolicy -Context $ctx -NetworkPolicyId 'fljson-policy'
        $json = $p | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue
        $json | Should -Match '"IncludedIpRanges": "203\.0\.113\.0/24, 192\.0\.2\.0/28"'
        @($json -split "`n" | Where-Object { $_ -match $typeName }) | Should -BeNullOrEmpty
        ($p.IngressDryRun | Format-List | Out-String -Width 160) | Should -Match 'PublicAccess\s+: RESTRICTED_ACCESS; 1 allow, 0 deny rules'
    }
}

Describe 'The wire JSON round trip: Export-DbxNetworkConfiguration writes the service''s JSON' {
    BeforeAll {
        $script:path = Join-Path $tmp 'snap.json'
        Export-DbxNetworkConfiguration -Context $ctx -Path $path -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Out-Null
        $script:snapText = Get-Content $path -Raw
        $script:snap = $snapText | ConvertFrom-Json
    }

    It 'a network in the snapshot is System.Text.Json of the model read (wire names), not ConvertTo-Json''s .NET names' {
        $net = @(Get-DbxNetworkConfiguration -Context $ctx)[0]
        $entry = @($snap.objects | Where-Object { $_.type -eq 'Network' -and $_.id -eq $net.NetworkId })
        $entry.Count | Should -Be 1
        # Byte for byte: the model serialised by System.Text.Json with the module's wire options, keys and arrays sorted
        # as the snapshot sorts them (ConfigurationSnapshot.Canonical), is what the file holds.
        $wire = [System.Text.Json.JsonSerializer]::SerializeToNode($net, $net.GetType(), [DatabricksNetworking.Client.Json]::Options)
        $file = [System.Text.Json.Nodes.JsonNode]::Parse($snapText)
        $node = @($file['objects'].AsArray() | Where-Object { $_['type'].GetValue[string]() -eq 'Network' -and $_['id'].GetValue[string]() -eq $net.NetworkId })[0]
        $node['properties'].ToJsonString() | Should -Be ([DatabricksNetworking.Posture.ConfigurationSnapshot]::Canonical($wire).ToJsonString())
        $entry[0].properties.network_id | Should -Be $net.NetworkId
        $entry[0].properties.PSObject.Properties.Name | Should -Contain 'creation_time'
        $entry[0].properties.PSObject.Properties.Name | Should -Not -Contain 'NetworkId'
    }

    It 'the snapshot carries no .NET type name and no PowerShell-only member' {
        $snap.format | Should -Be 'DatabricksNetworking.NetworkConfiguration' -Because 'the one dotted name in the file is the format'
        @($snapText -split "`n" | Where-Object { $_ -match $typeName -and $_ -notmatch '^\s*"format": ' }) | Should -BeNullOrEmpty
        $snapText | Should -Not -Match '"(Created|StableEgressCidrs|PrivateEndpointRuleCount|OtherFields)"'
    }
}

Describe 'Format-List views hide the epoch milliseconds behind the dates' {
    BeforeAll {
        # The epoch-millisecond fields and the date property each list view shows in their place.
        $script:epoch = @{ CreationTime = 'Created'; CreatedAt = 'Created'; UpdatedTime = 'Updated'; UpdatedAt = 'Updated'; DeactivatedAt = 'DeactivatedOn' }
        $script:listTypes = 'Workspace', 'CredentialConfiguration', 'StorageConfiguration', 'Network', 'IpAccessList', 'NetworkConnectivityConfig', 'PrivateEndpointRule'
        $moduleDir = Split-Path (Get-TestEnvironment).Module -Parent
        [xml]$script:formats = Get-Content (Join-Path $moduleDir 'DatabricksNetworking.Format.ps1xml') -Raw
        $nccs = @(Get-DbxNetworkConnectivityConfig -Context $ctx)
        $script:real = [ordered]@{
            Workspace                 = @(Get-DbxWorkspace -Context $ctx)
            Network                   = @(Get-DbxNetworkConfiguration -Context $ctx)
            NetworkConnectivityConfig = $nccs
            PrivateEndpointRule       = @($nccs | Get-DbxPrivateEndpointRule -Context $ctx)
            IpAccessList              = @(Get-DbxAccountIpAccessList -Context $ctx)
        }
    }

    It 'every output type with an epoch field has a list view (<_>), and it comes after the type''s table view' -ForEach @(
        'Workspace', 'CredentialConfiguration', 'StorageConfiguration', 'Network', 'IpAccessList', 'NetworkConnectivityConfig', 'PrivateEndpointRule') {
        $name = "DatabricksNetworking.Models.$_"
        $views = @($formats.Configuration.ViewDefinitions.View | Where-Object { $_.ViewSelectedBy.TypeName -eq $name })
        @($views | Where-Object { $_.ListControl }).Count | Should -Be 1
        $views[0].TableControl | Should -Not -BeNullOrEmpty -Because 'the first view is the default (Out-Default): the table'
    }

    It 'no other output type has an epoch-millisecond field without a list view' {
        $outputTypes = @(Get-Command -Module DatabricksNetworking | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and $_.FullName -like 'DatabricksNetworking.Models.*' } | Sort-Object FullName -Unique)
        $withEpoch = @($outputTypes | Where-Object { @($_.GetProperties().Name | Where-Object { $epoch.ContainsKey($_) }).Count } | ForEach-Object Name)
        $withEpoch | Should -Not -BeNullOrEmpty
        @($withEpoch | Where-Object { $_ -notin $listTypes }) | Should -BeNullOrEmpty
    }

    It '<_>: the list view shows every property but the epoch fields, and the date for each epoch field' -ForEach @(
        'Workspace', 'CredentialConfiguration', 'StorageConfiguration', 'Network', 'IpAccessList', 'NetworkConnectivityConfig', 'PrivateEndpointRule') {
        $name = "DatabricksNetworking.Models.$_"
        $view = $formats.Configuration.ViewDefinitions.View | Where-Object { $_.ViewSelectedBy.TypeName -eq $name -and $_.ListControl }
        $items = @($view.ListControl.ListEntries.ListEntry.ListItems.ListItem.PropertyName)
        $items.Count | Should -BeGreaterThan 3
        $all = @([Activator]::CreateInstance([type]$name).PSObject.Properties.Name)
        $hidden = @($all | Where-Object { $epoch.ContainsKey($_) })
        $hidden | Should -Not -BeNullOrEmpty
        @($items | Where-Object { $_ -in $hidden }) | Should -BeNullOrEmpty
        @($all | Where-Object { $_ -notin $hidden -and $_ -notin $items }) | Should -BeNullOrEmpty -Because 'a property missing from the list view is invisible in Format-List'
        @($items | Where-Object { $_ -notin $all }) | Should -BeNullOrEmpty -Because 'every item is a property'
        foreach ($h in $hidden) { $items | Should -Contain $epoch[$h] }
    }

    It 'Format-List of a real <_> shows the date, not the epoch number; the number stays on the object' -ForEach @(
        'Workspace', 'Network', 'NetworkConnectivityConfig', 'PrivateEndpointRule', 'IpAccessList') {
        $kind = $_
        $objs = $real[$kind]
        $objs.Count | Should -BeGreaterThan 0 -Because "the posture seed has a $kind"
        $o = $objs[0]
        $field = @($o.PSObject.Properties | Where-Object { $epoch.ContainsKey($_.Name) -and $_.Value })[0]
        $field | Should -Not -BeNullOrEmpty -Because 'the emulator fills the creation time'
        $text = $o | Format-List | Out-String -Width 160
        $text | Should -Match "(?m)^$($epoch[$field.Name])\s+: \S"
        $text | Should -Not -Match "(?m)^$($field.Name)\s+:"
        $text | Should -Not -Match "\b$($field.Value)\b" -Because 'the epoch milliseconds are not in the default list'
        # The data is still there: Select-Object *, ConvertTo-Json, Format-List *.
        ($o | Select-Object *).($field.Name) | Should -Be $field.Value
        ($o | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue | ConvertFrom-Json).($field.Name) | Should -Be $field.Value
        ($o | Format-List * | Out-String -Width 160) | Should -Match "(?m)^$($field.Name)\s+: $($field.Value)"
        # And the table is still the default view.
        ($o | Out-String -Width 160) | Should -Be ($o | Format-Table | Out-String -Width 160)
    }

    It 'NCC and private endpoint rules: Updated is updated_time as a date' {
        $ncc = $real.NetworkConnectivityConfig[0]
        $ncc.UpdatedTime | Should -BeGreaterThan 0
        $ncc.Updated | Should -Be ([DateTimeOffset]::FromUnixTimeMilliseconds($ncc.UpdatedTime))
        ([DatabricksNetworking.Models.NetworkConnectivityConfig]::new()).Updated | Should -BeNullOrEmpty
    }
}
