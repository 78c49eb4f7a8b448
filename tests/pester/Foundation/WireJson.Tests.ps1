# Issue 17 ("the JSON of an object read from the service round-trips into the same wire JSON"): ConvertTo-DbxJson of
# what every Get- cmdlet returns for a service object equals, as parsed JSON (object keys in any order), the body the
# emulator sent for that object, read raw with Invoke-DbxApi; ConvertFrom-DbxJson turns that JSON back into the same
# typed object. Run twice: on the built-in demo account, and on the demo account with fields the module does not know
# added at the top and deep inside every kind of object (the real service adds fields over time): they survive the round
# trip and never show as a member. The cmdlets are found from their OutputType, so a new Get- cmdlet of a wire type
# needs a case here.
BeforeDiscovery {
    $script:accounts = @(
        @{ Account = 'the demo account'; Unknown = $false }
        @{ Account = 'the demo account with fields the module does not know'; Unknown = $true }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:root = Split-Path (Split-Path (Split-Path $PSScriptRoot -Parent) -Parent) -Parent
    $script:prodUs = [long]2222222222222222

    function Get-SortedJson($Node) {
        # Parsed JSON as text with object keys sorted at every level (array order kept: it is part of the value).
        if ($Node -is [System.Text.Json.Nodes.JsonObject]) {
            $keys = @(foreach ($kv in $Node) { $kv.Key }) | Sort-Object -CaseSensitive
            return '{' + (@(foreach ($k in $keys) { [System.Text.Json.Nodes.JsonValue]::Create([string]$k).ToJsonString() + ':' + (Get-SortedJson $Node[$k]) }) -join ',') + '}'
        }
        if ($Node -is [System.Text.Json.Nodes.JsonArray]) { return '[' + (@(foreach ($x in $Node) { Get-SortedJson $x }) -join ',') + ']' }
        if ($null -eq $Node) { return 'null' }
        $Node.ToJsonString()
    }
    function ConvertTo-SortedJson([string]$Text) { Get-SortedJson ([System.Text.Json.Nodes.JsonNode]::Parse($Text)) }

    # The fields the module does not know: one at the top of every object, one deep inside the nested parts it models.
    $script:future = '{"added_later":{"by":"a newer service","values":[3,1,2],"on":true}}'
    function Add-Future($Object) { $Object['future_field'] = [System.Text.Json.Nodes.JsonNode]::Parse($future) }
    function New-UnknownFieldSeed([string]$Path) {
        $seed = [System.Text.Json.Nodes.JsonNode]::Parse((Get-Content (Join-Path $root 'src/DatabricksNetworking.Emulator/Seeds/demo-seed.json') -Raw))
        $acc = $seed['accounts'][0]
        $accId = $acc['account_id'].GetValue[string]()
        foreach ($w in $acc['workspaces'].AsArray()) { Add-Future $w }
        $c = $acc['collections']
        foreach ($kv in @(foreach ($e in $c) { $e })) { foreach ($o in $kv.Value.AsArray()) { Add-Future $o } }
        foreach ($kv in $acc['workspace_state']) { foreach ($o in $kv.Value['collections']['ip-access-lists'].AsArray()) { Add-Future $o } }
        $net = $c['networks'][0]
        $net['vpc_endpoints'] = [System.Text.Json.Nodes.JsonNode]::Parse('{"rest_api":["0b1c2d3e-0000-4000-8000-00000000a001"],"dataplane_relay":["0b1c2d3e-0000-4000-8000-00000000a002"],"future_nested":"kept"}')
        $net['warning_messages'] = [System.Text.Json.Nodes.JsonNode]::Parse('[{"warning_type":"subnet","warning_message":"one subnet per zone","future_nested":1}]')
        Add-Future $c['network-connectivity-configs'][0]['egress_config']['default_rules']['aws_stable_ip_rule']
        Add-Future $c['network-connectivity-configs'][0]['egress_config']
        $policy = @($c['network-policies'].AsArray() | Where-Object { $_['network_policy_id'].GetValue[string]() -eq 'restricted-egress' })[0]
        Add-Future $policy['egress']['network_access']
        Add-Future $policy['egress']['network_access']['allowed_internet_destinations'][0]
        # Kinds the demo account has none of (they need an AWS endpoint first), seeded with their wire shape.
        $c['vpc-endpoints'] = [System.Text.Json.Nodes.JsonNode]::Parse(@"
[{"vpc_endpoint_id":"0b1c2d3e-0000-4000-8000-00000000a001","account_id":"$accId","vpc_endpoint_name":"prod-us-rest","aws_vpc_endpoint_id":"vpce-0a1b2c3d4e5f6a001",
  "aws_endpoint_service_id":"com.amazonaws.vpce.us-east-1.vpce-svc-09143d1e626de2f04","aws_account_id":"123456789012","region":"us-east-1","state":"available",
  "use_case":"GENERAL_ACCESS","future_field":$future}]
"@)
        $c['networking-endpoints'] = [System.Text.Json.Nodes.JsonNode]::Parse(@"
[{"endpoint_id":"0b1c2d3e-0000-4000-8000-00000000b001","name":"accounts/$accId/endpoints/0b1c2d3e-0000-4000-8000-00000000b001","account_id":"$accId",
  "display_name":"prod-us-service-direct","region":"us-east-1","state":"APPROVED","use_case":"SERVICE_DIRECT","create_time":"2026-01-03T00:00:00Z",
  "aws_vpc_endpoint_info":{"aws_vpc_endpoint_id":"vpce-0a1b2c3d4e5f6b001","aws_account_id":"123456789012","aws_endpoint_service_id":"com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f6b0c1","future_nested":"kept"},
  "future_field":$future}]
"@)
        $seed.ToJsonString() | Set-Content -Path $Path
    }

    function Start-WireEmulator([bool]$Unknown) {
        # No AWS endpoint: the seeded registrations keep their state (with moto the emulator re-reads it from AWS).
        $a = @('--quiet', '--aws-endpoint', 'none')
        if ($Unknown) {
            $path = Join-Path $TestDrive 'unknown-fields-seed.json'
            New-UnknownFieldSeed $path
            $a += @('--seed-file', $path)
        }
        Start-TestEmulator -Arguments $a
    }

    # Each Get- cmdlet of a wire type: how to call it, and where Invoke-DbxApi reads the same objects raw (the list
    # answer; Items: the property holding the list, '' when the answer is the bare array or one object).
    $script:cases = [ordered]@{
        'Get-DbxWorkspace'               = @{ Get = { Get-DbxWorkspace -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/workspaces'; Items = ''; Key = 'workspace_id' }
        'Get-DbxNetworkConfiguration'    = @{ Get = { Get-DbxNetworkConfiguration -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/networks'; Items = ''; Key = 'network_id' }
        'Get-DbxVpcEndpointRegistration' = @{ Get = { Get-DbxVpcEndpointRegistration -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/vpc-endpoints'; Items = ''; Key = 'vpc_endpoint_id' }
        'Get-DbxPrivateAccessSettings'   = @{ Get = { Get-DbxPrivateAccessSettings -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/private-access-settings'; Items = ''; Key = 'private_access_settings_id' }
        'Get-DbxCredentialConfiguration' = @{ Get = { Get-DbxCredentialConfiguration -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/credentials'; Items = ''; Key = 'credentials_id' }
        'Get-DbxStorageConfiguration'    = @{ Get = { Get-DbxStorageConfiguration -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/storage-configurations'; Items = ''; Key = 'storage_configuration_id' }
        'Get-DbxAccountIpAccessList'     = @{ Get = { Get-DbxAccountIpAccessList -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/ip-access-lists'; Items = 'ip_access_lists'; Key = 'list_id' }
        'Get-DbxIpAccessList'            = @{ Get = { Get-DbxIpAccessList -Context $ctx -WorkspaceId $prodUs }; Path = '/api/2.0/ip-access-lists'; WorkspaceId = $prodUs; Items = 'ip_access_lists'; Key = 'list_id' }
        'Get-DbxNetworkConnectivityConfig' = @{ Get = { Get-DbxNetworkConnectivityConfig -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/network-connectivity-configs'; Items = 'items'; Key = 'network_connectivity_config_id' }
        'Get-DbxPrivateEndpointRule'     = @{ Get = { Get-DbxNetworkConnectivityConfig -Context $ctx | Get-DbxPrivateEndpointRule -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/network-connectivity-configs/f1ddaf07-d33b-42f1-a32c-f5e34e6bdddd/private-endpoint-rules'; Items = 'items'; Key = 'rule_id' }
        'Get-DbxNetworkPolicy'           = @{ Get = { Get-DbxNetworkPolicy -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/network-policies'; Items = 'items'; Key = 'network_policy_id' }
        'Get-DbxAccountIngressPolicy'    = @{ Get = { Get-DbxAccountIngressPolicy -Context $ctx }; Path = '/api/2.0/accounts/{account_id}/network-policies/account-policy'; Items = ''; Key = 'network_policy_id' }
        'Get-DbxWorkspaceNetworkPolicy'  = @{ Get = { Get-DbxWorkspaceNetworkPolicy -Context $ctx -WorkspaceId $prodUs }; Path = "/api/2.0/accounts/{account_id}/workspaces/$prodUs/network"; Items = ''; Key = 'workspace_id' }
        'Get-DbxNetworkEndpoint'         = @{ Get = { Get-DbxNetworkEndpoint -Context $ctx }; Path = '/api/networking/v1/accounts/{account_id}/endpoints'; Items = 'items'; Key = 'endpoint_id' }
    }
    # Kinds the built-in demo account has none of.
    $script:noneInDemo = @('Get-DbxVpcEndpointRegistration', 'Get-DbxNetworkEndpoint')

    function Read-Pairs([string]$Cmdlet) {
        # The objects the cmdlet returns and the raw wire object of each (matched by id), as sorted JSON texts.
        $case = $cases[$Cmdlet]
        $objects = @(& $case.Get)
        $p = @{ Context = $ctx; Path = $case.Path; Raw = $true }
        if ($case.WorkspaceId) { $p.WorkspaceId = $case.WorkspaceId }
        $raw = [System.Text.Json.Nodes.JsonNode]::Parse((Invoke-DbxApi @p))
        # (JSON nodes never pass through the pipeline here: PowerShell would enumerate an array or an object's members)
        $list = $raw
        if ($case.Items) { $list = $raw[$case.Items] }
        $items = [System.Collections.Generic.List[object]]::new()
        if ($list -is [System.Text.Json.Nodes.JsonArray]) { foreach ($x in $list) { $items.Add($x) } } elseif ($null -ne $list) { $items.Add($list) }
        $wire = @{}
        foreach ($o in $items) { $wire["$($o[$case.Key])".Trim('"')] = $o }
        foreach ($o in $objects) {
            $json = $o | ConvertTo-DbxJson
            $id = "$([System.Text.Json.Nodes.JsonNode]::Parse($json)[$case.Key])".Trim('"')
            [pscustomobject]@{ Id = $id; Object = $o; Json = (ConvertTo-SortedJson $json); Wire = if ($wire.ContainsKey($id)) { Get-SortedJson $wire[$id] } }
        }
    }
}

Describe 'ConvertTo-DbxJson of what the Get- cmdlets return is the wire JSON (<Account>)' -ForEach $accounts {
    BeforeAll {
        $script:emu = Start-WireEmulator $Unknown
        $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
        $script:pairs = @{}
        foreach ($k in $cases.Keys) { $script:pairs[$k] = @(Read-Pairs $k) }
    }
    AfterAll { if ($script:emu) { $script:emu | Stop-TestService } }

    It 'has a case for every Get- cmdlet whose output type mirrors a service object' {
        $wireGets = @(Get-Command -Module DatabricksNetworking -Verb Get | Where-Object {
                @($_.OutputType.Type | Where-Object { $_ -and $_.IsSubclassOf([DatabricksNetworking.Models.WireObject]) }).Count } | ForEach-Object Name)
        $wireGets.Count | Should -BeGreaterOrEqual 13
        @($wireGets | Where-Object { -not $cases.Contains($_) }) | Should -BeNullOrEmpty -Because 'a Get- cmdlet of a wire type gets a case in WireJson.Tests.ps1'
    }

    It '<_>: the JSON of every object equals the body the service sent for it' -ForEach @(
        'Get-DbxWorkspace', 'Get-DbxNetworkConfiguration', 'Get-DbxVpcEndpointRegistration', 'Get-DbxPrivateAccessSettings', 'Get-DbxCredentialConfiguration',
        'Get-DbxStorageConfiguration', 'Get-DbxAccountIpAccessList', 'Get-DbxIpAccessList', 'Get-DbxNetworkConnectivityConfig', 'Get-DbxPrivateEndpointRule',
        'Get-DbxNetworkPolicy', 'Get-DbxAccountIngressPolicy', 'Get-DbxWorkspaceNetworkPolicy', 'Get-DbxNetworkEndpoint') {
        $got = $pairs[$_]
        if (-not $Unknown -and $_ -in $noneInDemo) {
            $got.Count | Should -Be 0 -Because "the demo account has no objects for $_ (the second run seeds them)"
            return
        }
        $got.Count | Should -BeGreaterThan 0 -Because "$_ returns objects for $Account"
        foreach ($p in $got) {
            $p.Wire | Should -Not -BeNullOrEmpty -Because "the raw answer has the object $($p.Id)"
            $p.Json | Should -BeExactly $p.Wire -Because "$_ object $($p.Id) becomes the wire JSON it was read from"
        }
    }

    It 'the JSON has the wire names and values, none of the display members' {
        $ws = @($pairs['Get-DbxWorkspace'])[0]
        $ws.Json | Should -Match '"workspace_id":\d{16}'
        $ws.Json | Should -Match '"creation_time":\d{13}' -Because 'epoch milliseconds, not the DateTimeOffset twin'
        $ws.Json | Should -Match '"aws_region":"'
        $ws.Json | Should -Not -Match '"(Created|WorkspaceUrl|Region|WorkspaceId|OtherFields)"'
        $list = @($pairs['Get-DbxIpAccessList'])[0]
        $list.Object.WorkspaceName | Should -Not -BeNullOrEmpty -Because 'the cmdlet names the list''s workspace'
        $list.Json | Should -Not -Match '"(WorkspaceName|WorkspaceId|workspace_id|Scope|Count|Created|Updated)"'
        $list.Json | Should -Match '"list_type":"BLOCK"' -Because 'enum values as the wire spells them'
        $rule = @($pairs['Get-DbxPrivateEndpointRule'])[0]
        $rule.Object.NetworkConnectivityConfigName | Should -Be 'prod-us-east-1-ncc'
        $rule.Json | Should -Not -Match 'NetworkConnectivityConfigName|"Target"|DeactivatedOn'
    }

    It 'ConvertFrom-DbxJson reads the JSON back into an object of the same type whose JSON is the same (<Type>)' -ForEach @(
        @{ Cmdlet = 'Get-DbxWorkspace'; Type = 'Workspace' }, @{ Cmdlet = 'Get-DbxNetworkConfiguration'; Type = 'Network' },
        @{ Cmdlet = 'Get-DbxNetworkConnectivityConfig'; Type = 'NetworkConnectivityConfig' }, @{ Cmdlet = 'Get-DbxNetworkPolicy'; Type = 'NetworkPolicy' },
        @{ Cmdlet = 'Get-DbxAccountIpAccessList'; Type = 'IpAccessList' }, @{ Cmdlet = 'Get-DbxPrivateEndpointRule'; Type = 'PrivateEndpointRule' }) {
        foreach ($p in $pairs[$Cmdlet]) {
            $back = $p.Object | ConvertTo-DbxJson | ConvertFrom-DbxJson -Type $Type
            $back.GetType().Name | Should -Be $Type
            $back.ToString() | Should -Be $p.Object.ToString()
            ConvertTo-SortedJson ($back | ConvertTo-DbxJson -Compress) | Should -BeExactly $p.Wire
        }
    }

    It 'the fields the module does not know are kept, and are no member (Format-List, Select-Object, ConvertTo-Json, Get-Member)' {
        $net = @($pairs['Get-DbxNetworkConfiguration'])[0]
        $policy = @($pairs['Get-DbxNetworkPolicy'] | Where-Object Id -eq 'restricted-egress')[0]
        $endpointJson = @($pairs['Get-DbxNetworkEndpoint'])[0].Json
        if (-not $Unknown) {
            $net.Wire | Should -Not -Match 'future_' -Because 'the built-in demo account has only fields the module knows'
            return
        }
        # Not vacuous: the service sent them, at the top and nested.
        $net.Wire | Should -Match '"future_field":\{"added_later"'
        $net.Wire | Should -Match '"future_nested":"kept"'
        $net.Json | Should -Match '"future_field":\{"added_later":\{"by":"a newer service","on":true,"values":\[3,1,2\]\}\}'
        $net.Json | Should -Match '"vpc_endpoints":\{"dataplane_relay":\["[^"]+"\],"future_nested":"kept","rest_api"'
        $policy.Json | Should -Match '"network_access":\{"allowed_internet_destinations":\[\{"destination":"pypi.org","future_field"'
        $endpointJson | Should -Match '"aws_vpc_endpoint_info":\{[^}]*"future_nested":"kept"'
        foreach ($o in $net.Object, $policy.Object) {
            ($o | Format-List * | Out-String -Width 200) | Should -Not -Match 'future|OtherFields|ValueKind'
            ($o | Select-Object * | ConvertTo-Json -Depth 8 -WarningAction SilentlyContinue) | Should -Not -Match 'future|OtherFields|ValueKind'
            ($o | ConvertTo-Json -Depth 8 -WarningAction SilentlyContinue) | Should -Not -Match 'future|OtherFields|ValueKind'
            @($o | Get-Member -Force | Where-Object Name -match 'OtherFields|future') | Should -BeNullOrEmpty
            ($o | Export-Csv -Path (Join-Path $TestDrive 'o.csv') -NoTypeInformation); Get-Content (Join-Path $TestDrive 'o.csv') -Raw | Should -Not -Match 'future|OtherFields'
        }
        ($net.Object | Out-String -Width 160) | Should -Not -Match 'future|OtherFields'
    }
}

Describe 'ConvertTo-DbxJson and ConvertFrom-DbxJson: streams, arrays, errors, and a file back into the cmdlets' {
    BeforeAll {
        $script:emu = Start-WireEmulator $true
        $script:ctx = Connect-TestAccount -Url $emu.Url -NoDefault
        $script:ws = @(Get-DbxWorkspace -Context $ctx)
    }
    AfterAll { if ($script:emu) { $script:emu | Stop-TestService } }

    It 'one indented JSON text per object from the pipeline; -Compress writes each on one line' {
        $ws.Count | Should -BeGreaterThan 1
        $texts = @($ws | ConvertTo-DbxJson)
        $texts.Count | Should -Be $ws.Count
        $texts[0] | Should -BeOfType [string]
        @($texts[0] -split "`n").Count | Should -BeGreaterThan 5
        $one = @($ws | ConvertTo-DbxJson -Compress)
        $one.Count | Should -Be $ws.Count
        $one[0] | Should -Not -Match "`n"
        (ConvertTo-SortedJson $one[0]) | Should -BeExactly (ConvertTo-SortedJson $texts[0])
    }

    It '-AsArray writes one JSON array of every object (none: an empty array); -InputObject takes a list item by item' {
        $array = @($ws | ConvertTo-DbxJson -AsArray -Compress)
        $array.Count | Should -Be 1
        $parsed = [System.Text.Json.Nodes.JsonNode]::Parse($array[0])
        $parsed.Count | Should -Be $ws.Count
        (Get-SortedJson $parsed[1]) | Should -BeExactly (ConvertTo-SortedJson ($ws[1] | ConvertTo-DbxJson))
        @(ConvertTo-DbxJson -InputObject $ws -Compress).Count | Should -Be $ws.Count
        (@() | ConvertTo-DbxJson -AsArray -Compress) | Should -Be '[]'
        # The array reads back as one object per item.
        @($array[0] | ConvertFrom-DbxJson -Type Workspace).WorkspaceId | Should -Be $ws.WorkspaceId
    }

    It 'an object that is no service object is refused with DbxNotAWireObject, and the pipeline goes on' {
        $out = @($ws[0], (Get-DbxIpAccessListFeature -Context $ctx -WorkspaceId $ws[0].WorkspaceId), [pscustomobject]@{ a = 1 }, $ws[1] |
                ConvertTo-DbxJson -Compress -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 2
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DbxNotAWireObject*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidType'
        "$($errs[0])" | Should -Match 'IpAccessListFeature is not one'
        "$($errs[1])" | Should -Match 'ConvertTo-Json'
    }

    It 'ConvertFrom-DbxJson joins the lines of Get-Content and refuses text that is not the type''s JSON' {
        $file = Join-Path $TestDrive 'networks.json'
        Get-DbxNetworkConfiguration -Context $ctx | ConvertTo-DbxJson -AsArray | Set-Content -Path $file
        $nets = @(Get-Content $file | ConvertFrom-DbxJson -Type Network)
        $nets.Count | Should -Be 1
        $nets[0].NetworkName | Should -Be 'prod-us-vpc'
        $nets[0].RestApiVpcEndpointIds | Should -Be '0b1c2d3e-0000-4000-8000-00000000a001'
        $nets[0].Created | Should -Be ([DateTimeOffset]::FromUnixTimeMilliseconds(1767312000000))
        ConvertTo-SortedJson ($nets[0] | ConvertTo-DbxJson) | Should -BeExactly (ConvertTo-SortedJson (Get-DbxNetworkConfiguration -Context $ctx | ConvertTo-DbxJson))
        $bad = @('{"network_id": ' | ConvertFrom-DbxJson -Type Network -ErrorVariable e1 -ErrorAction SilentlyContinue)
        $bad.Count | Should -Be 0
        $e1[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidJson*'
        @('[1, {"network_id": "x"}]' | ConvertFrom-DbxJson -Type Network -ErrorVariable e2 -ErrorAction SilentlyContinue).NetworkId | Should -Be 'x'
        "$($e2[0])" | Should -Match 'A Network is a JSON object'
        @('{"workspace_id": "not a number"}' | ConvertFrom-DbxJson -Type Workspace -ErrorVariable e3 -ErrorAction SilentlyContinue).Count | Should -Be 0
        "$($e3[0])" | Should -Match 'not a Workspace.*workspace_id'
    }

    It 'a saved IP access list binds to New-DbxAccountIpAccessList and comes back with the same addresses' {
        $list = @(Get-DbxAccountIpAccessList -Context $ctx)[0]
        $file = Join-Path $TestDrive 'list.json'
        $list | ConvertTo-DbxJson | Set-Content -Path $file
        Remove-DbxAccountIpAccessList -Context $ctx -ListId $list.ListId -Force
        @(Get-DbxAccountIpAccessList -Context $ctx | Where-Object Label -eq $list.Label).Count | Should -Be 0
        $new = Get-Content $file -Raw | ConvertFrom-DbxJson -Type IpAccessList | New-DbxAccountIpAccessList -Context $ctx
        $new.Label | Should -Be $list.Label
        $new.ListType | Should -Be $list.ListType
        @($new.IpAddresses) | Should -Be @($list.IpAddresses)
        $new.ListId | Should -Not -Be $list.ListId -Because 'the service gives the new list its own id'
    }
}
