# Issue 18: every id parameter of every Databricks cmdlet, driven with hostile values. Cmdlets and parameters come from
# Get-Command metadata, so a new cmdlet or id parameter is covered by construction. For each (cmdlet, parameter) the same
# call is made once with a well-formed id (the baseline: the routes it is meant to hit) and then with each hostile value;
# from the emulator's request log, a hostile call either sent nothing and wrote a DbxInvalid* error, or hit only routes of
# the baseline. Parameters marked [DbxId] are held to the strict half: nothing sent, DbxInvalid<Kind>Id.
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    function Test-Derives($Type, [string]$Name) { while ($Type) { if ($Type.Name -eq $Name) { return $true }; $Type = $Type.BaseType }; $false }
    # Not Databricks path ids: OAuth client ids and STS external ids; AWS cmdlets talk to AWS (moto) through the AWS SDK's
    # query API, not to a Databricks path; Connect-* ids go through config resolution (tests/pester/Foundation/Connect.Tests.ps1).
    $notPathIds = 'ClientId', 'ExternalId'
    $script:cases = foreach ($c in Get-Command -Module DatabricksNetworking -CommandType Cmdlet | Sort-Object Name) {
        if (-not (Test-Derives $c.ImplementingType 'DbxCmdlet') -or (Test-Derives $c.ImplementingType 'DbxAwsCmdlet') -or (Test-Derives $c.ImplementingType 'ConnectCmdletBase')) { continue }
        foreach ($p in $c.Parameters.Values | Where-Object { $_.Name -match 'Id$' -and $common -notcontains $_.Name -and $notPathIds -notcontains $_.Name }) {
            $prop = $c.ImplementingType.GetProperty($p.Name)
            $idAttr = @($prop.GetCustomAttributes($true) | Where-Object { $_.GetType().Name -eq 'DbxIdAttribute' })[0]
            $sets = foreach ($n in $p.ParameterSets.Keys) { if ($n -eq '__AllParameterSets') { $c.ParameterSets } else { $c.ParameterSets | Where-Object Name -eq $n } }
            $set = $sets | Sort-Object { @($_.Parameters | Where-Object IsMandatory).Count } | Select-Object -First 1
            @{ Command = $c.Name; Parameter = $p.Name; Type = $p.ParameterType.FullName; Kind = if ($idAttr) { [string]$idAttr.Kind } else { $null }
               Mandatory = @($set.Parameters | Where-Object { $_.IsMandatory -and $_.Name -ne $p.Name } | ForEach-Object { @{ Name = $_.Name; Type = $_.ParameterType } })
               HasWorkspaceId = $c.Parameters.ContainsKey('WorkspaceId'); HasForce = $c.Parameters.ContainsKey('Force'); HasConfirm = $c.Parameters.ContainsKey('Confirm') }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    Connect-TestAccount -Url $script:emu.Url | Out-Null
    $script:seed = Get-TestSeed
    # The brief's list: dot segments, a climb, encoded dots and slash, another host (both slashes), CR/LF, empty, very long.
    $script:hostileStrings = @('..', '.', 'a/../b', '%2e%2e', '%2f', '//127.0.0.1:1/x', '\\127.0.0.1\x', "a`r`nHost: 127.0.0.1", '', ('a' * 5000))
    $script:hostileLongs = @([long]0, [long]-1)
    $script:reportPath = Join-Path ([IO.Path]::GetTempPath()) ("hostile-" + [Guid]::NewGuid().ToString('N') + '.html')

    function Get-ValidId([string]$Kind, [string]$Name) {
        switch ($Kind) {
            'Workspace' { return $script:seed.WorkspaceId }
            'NetworkPolicy' { return 'hostile-probe' }
            { $_ } { return [Guid]::NewGuid().ToString() }
        }
        switch -Regex ($Name) {  # AWS-shaped ids that Databricks cmdlets put in bodies
            '^VpcId$' { 'vpc-0a1b2c3d' } '^SubnetId$' { @('subnet-0a1b2c3d', 'subnet-1a2b3c4d') } '^SecurityGroupId$' { 'sg-0a1b2c3d' }
            'VpcEndpointId$' { if ($Name -like 'Aws*') { 'vpce-0a1b2c3d' } else { [Guid]::NewGuid().ToString() } }
            default { throw "no valid value for -${Name}: add one to Get-ValidId" }
        }
    }
    function Get-Filler([string]$Command, [string]$Name, [type]$Type) {
        if ($Type.IsEnum) { return [Enum]::GetValues($Type)[0] }
        $prop = (Get-Command $Command).ImplementingType.GetProperty($Name)
        $attr = @($prop.GetCustomAttributes($true) | Where-Object { $_.GetType().Name -eq 'DbxIdAttribute' })[0]
        if ($attr) { return Get-ValidId ([string]$attr.Kind) $Name }
        switch ($Name) {
            'IpAddress' { '203.0.113.7' } 'Label' { 'hostile-probe' } 'Name' { 'hostile-probe' } 'Region' { 'us-east-1' }
            'S3BucketName' { 'hostile-probe-bucket' } 'BucketName' { 'hostile-probe-bucket' } 'Baseline' { @{ Controls = @{ ForbidOpenCidr = 'High' } } }
            'IngressRule' { New-DbxIngressRule Deny hostile-probe -IpRange '192.0.2.0/24' }
            'Path' { if ($Command -eq 'Invoke-DbxApi') { '/api/2.0/ip-access-lists' } else { $script:reportPath } }
            default { if ($Name -match 'Id$') { Get-ValidId $null $Name } else { throw "no filler for mandatory -${Name} of $Command" } }
        }
    }
    function Get-Routes { $h = @{}; foreach ($p in (Get-EmulatorRequests -Url $script:emu.Url).by_route.PSObject.Properties) { $h[$p.Name] = [long]$p.Value }; $h }
    function Invoke-Case($Case, $Value, [switch]$NoLog) {
        $a = @{ ErrorAction = 'SilentlyContinue' }
        if ($Case.HasConfirm) { $a.Confirm = $false }
        foreach ($m in $Case.Mandatory) { $a[$m.Name] = Get-Filler $Case.Command $m.Name $m.Type }
        if ($Case.HasWorkspaceId -and $Case.Parameter -ne 'WorkspaceId' -and -not $a.ContainsKey('WorkspaceId')) { $a.WorkspaceId = $script:seed.WorkspaceId }
        if ($Case.HasForce) { $a.Force = $true }
        $a[$Case.Parameter] = if ($Case.Type -match '\[\]$') { , @($Value) } else { $Value }
        $before = if ($NoLog) { @{} } else { Get-Routes }
        $errors = @()
        try { & $Case.Command @a -ErrorVariable ev 2>$null | Out-Null; $errors = @($ev) }
        catch { $errors = @($_) }
        $after = if ($NoLog) { @{} } else { Get-Routes }
        $sent = @($after.Keys | Where-Object { $after[$_] -gt [long]$before[$_] })
        [pscustomobject]@{ Sent = $sent; ErrorIds = @($errors | ForEach-Object { $_.FullyQualifiedErrorId }) }
    }
}

AfterAll {
    $script:emu | Stop-TestService
    Remove-Item $script:reportPath -ErrorAction SilentlyContinue
}

Describe 'Hostile id values (every id parameter of every Databricks cmdlet, from Get-Command)' {
    It 'found the id parameters (<N> of them, <Marked> marked [DbxId])' -ForEach @(@{ N = $cases.Count; Marked = @($cases | Where-Object { $_.Kind }).Count }) {
        $N | Should -BeGreaterThan 40
        $Marked | Should -BeGreaterThan 40
    }

    It '-AllowedEndpointId of <Command> is held to the strict half (registered endpoint ids, a UUID)' -ForEach @(
        @{ Command = 'Set-DbxNetworkPolicy' }, @{ Command = 'Set-DbxAccountIngressPolicy' }
    ) {
        $case = @($cases | Where-Object { $_.Command -eq $Command -and $_.Parameter -eq 'AllowedEndpointId' })
        $case.Count | Should -Be 1
        $case[0].Kind | Should -Be 'NetworkEndpoint'
    }

    It '<Command> -<Parameter> sends nothing or only its intended routes' -ForEach $cases {
        $case = $_
        $long = $Type -match 'Int64'
        $good = if ($Kind) { Get-ValidId $Kind $Parameter } else { Get-ValidId $null $Parameter }
        if ($good -is [array] -and $Type -notmatch '\[\]$') { $good = $good[0] }
        $values = if ($long) { $script:hostileLongs } else { $script:hostileStrings }
        function Show($v) { if ("$v".Length -gt 40) { "'a' x $("$v".Length)" } else { ("'$v'" -replace "`r", '\r' -replace "`n", '\n') } }
        $base = Invoke-Case $case $good
        if ($Kind) {
            # Strict: the local check refuses every hostile value with DbxInvalid<Kind>Id and nothing at all is sent.
            # A well-formed id is not refused by that check (real ids are accepted).
            $errorId = [DatabricksNetworking.Validation.Ids]::ErrorIdOf($Kind)
            @($base.ErrorIds | Where-Object { $_ -like "$errorId,*" }) | Should -BeNullOrEmpty -Because "a well-formed -$Parameter ($good) must not be refused"
            $before = Get-EmulatorRequestCount -Url $script:emu.Url
            $problems = foreach ($value in $values) {
                $r = Invoke-Case $case $value -NoLog
                $binding = "$value" -eq '' -and @($r.ErrorIds | Where-Object { $_ -match '^ParameterArgumentValidationError' }).Count -gt 0
                if (-not $binding -and -not @($r.ErrorIds | Where-Object { $_ -like "$errorId,*" })) { "$(Show $value) gave no $errorId (got: $($r.ErrorIds -join ', '))" }
            }
            $sent = (Get-EmulatorRequestCount -Url $script:emu.Url) - $before
            if ($sent -ne 0) { $problems = @($problems) + "the hostile values sent $sent request(s)" }
        }
        else {
            $baseline = $base.Sent
            $problems = foreach ($value in $values) {
                $r = Invoke-Case $case $value
                $invalid = @($r.ErrorIds | Where-Object { $_ -match '^DbxInvalid' })
                $binding = "$value" -eq '' -and @($r.ErrorIds | Where-Object { $_ -match '^ParameterArgumentValidationError' }).Count -gt 0
                if ($r.Sent.Count -eq 0) {
                    if ($invalid.Count -eq 0 -and -not $binding) { "$(Show $value) sent nothing but gave no DbxInvalid* error (got: $($r.ErrorIds -join ', '))" }
                }
                else {
                    $extra = @($r.Sent | Where-Object { $baseline -notcontains $_ })
                    if ($extra) { "$(Show $value) hit routes outside the intended ones ($($baseline -join '; ')): $($extra -join '; ')" }
                }
            }
        }
        $problems | Should -BeNullOrEmpty
    }
}
