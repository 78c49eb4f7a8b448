# build/Docs.ps1: the check passes on the real pages and fails, precisely, on every kind of drift; the compiled
# help and about topics are what Get-Help shows; the example runner reports failing examples and skips illustrations.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
    Import-Module (Join-Path $root 'build/DocsLib.psm1') -Force
    $script:envi = Get-TestEnvironment
    $script:moduleDir = Split-Path $envi.Module -Parent
    $script:docs = Join-Path $root 'docs/cmdlets'
    $script:meta = Get-DocsModuleMetadata -Manifest $envi.Module

    function Test-Mutated {
        # Copies docs/cmdlets, applies a change to one page, returns the check's problems.
        param([string]$Page, [scriptblock]$Change)
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('docs-' + [Guid]::NewGuid().ToString('N'))
        Copy-Item $script:docs -Destination $dir -Recurse
        try {
            $file = Join-Path $dir "$Page.md"
            if ($Change) { $text = & $Change ([IO.File]::ReadAllText($file)); if ($null -eq $text) { Remove-Item $file } else { [IO.File]::WriteAllText($file, $text) } }
            @(Test-DocsSet -DocsDir $dir -Metadata $script:meta -RequiredAbout 'about_DatabricksNetworking')
        }
        finally { Remove-Item $dir -Recurse -Force }
    }
}

Describe 'build/Docs.ps1 -Check' {
    It 'passes on docs/cmdlets against the built module' {
        { & (Join-Path $root 'build/Docs.ps1') -ModuleDir $moduleDir -Check 6>$null } | Should -Not -Throw
    }

    It 'has a page for every exported cmdlet' {
        foreach ($c in $meta.Commands) { Join-Path $docs "$($c.Name).md" | Should -Exist }
    }

    It 'reports <What>' -ForEach @(
        @{ What = 'a wrong parameter type'; Page = 'Get-DbxWorkspace'; From = 'Type: Int64[]'; To = 'Type: String[]'; Expect = "Get-DbxWorkspace.md: PARAMETERS -WorkspaceId (yaml at line *): Type is 'String[]', the cmdlet says 'Int64[]'" }
        @{ What = 'a wrong Required'; Page = 'Invoke-DbxApi'; From = "Type: String`nParameter Sets: (All)`nAliases:`n`nRequired: True"; To = "Type: String`nParameter Sets: (All)`nAliases:`n`nRequired: False"; Expect = "Invoke-DbxApi.md: PARAMETERS -Path (yaml at line *): Required is 'False', the cmdlet says 'True'" }
        @{ What = 'a wrong Position'; Page = 'Connect-DbxAccount'; From = "Position: 1"; To = "Position: 2"; Expect = "Connect-DbxAccount.md: PARAMETERS -AccountId (yaml at line *): Position is '2', the cmdlet says '1'*" }
        @{ What = 'wrong pipeline input'; Page = 'Get-DbxWorkspace'; From = 'Accept pipeline input: True (ByPropertyName, ByValue)'; To = 'Accept pipeline input: True (ByValue)'; Expect = "Get-DbxWorkspace.md: PARAMETERS -WorkspaceId (yaml at line *): Accept pipeline input is 'True (ByValue)', the cmdlet says 'True (ByPropertyName, ByValue)'*" }
        @{ What = 'wrong aliases'; Page = 'Get-DbxWorkspace'; From = 'Aliases: workspace_name'; To = 'Aliases: name'; Expect = "Get-DbxWorkspace.md: PARAMETERS -Name (yaml at line *): Aliases are 'name', the cmdlet says 'workspace_name'" }
        @{ What = 'wrong accepted values'; Page = 'Invoke-DbxApi'; From = 'Accepted values: Get, Post, Put, Patch, Delete'; To = 'Accepted values: Get, Post'; Expect = "Invoke-DbxApi.md: PARAMETERS -Method (yaml at line *): Accepted values are 'Get, Post', the cmdlet says 'Get, Post, Put, Patch, Delete'" }
        @{ What = '(All) for a parameter of one set only'; Page = 'Get-DbxWorkspace'; From = 'Parameter Sets: ByName'; To = 'Parameter Sets: (All)'; Expect = "Get-DbxWorkspace.md: PARAMETERS -Name (yaml at line *): Parameter Sets is '(All)', but -Name is only in: ByName (name those sets)" }
        @{ What = 'a parameter set that does not exist'; Page = 'Get-DbxWorkspace'; From = '### ById'; To = '### ByIdentifier'; Expect = "Get-DbxWorkspace.md: SYNTAX: parameter set 'ById' is not documented (### ById)" }
        @{ What = 'the wrong default set'; Page = 'Get-DbxWorkspace'; From = '### ByName (Default)'; To = '### ByName'; Expect = "Get-DbxWorkspace.md: SYNTAX: '### ByName' is the default parameter set; head it '### ByName (Default)'" }
        @{ What = 'a parameter missing from a syntax line'; Page = 'Get-DbxContext'; From = 'Get-DbxContext -Account [<CommonParameters>]'; To = 'Get-DbxContext [<CommonParameters>]'; Expect = "Get-DbxContext.md: SYNTAX 'Account': -Account is missing from the syntax line" }
        @{ What = 'an undocumented parameter'; Page = 'Get-DbxContext'; From = '### -Workspace'; To = '### -Workspaces'; Expect = 'Get-DbxContext.md: PARAMETERS: -Workspace is not documented (### -Workspace)' }
        @{ What = 'a placeholder'; Page = 'Get-DbxContext'; From = 'Shows the session''s default Databricks contexts.'; To = '{{ Fill in the Synopsis }}'; Expect = 'Get-DbxContext.md: unfilled placeholder {{ Fill in the Synopsis }}' }
        @{ What = 'an empty description'; Page = 'Disconnect-DbxWorkspace'; Regex = '(?s)(## DESCRIPTION\n).*?(## EXAMPLES)'; To = '$1$2'; Expect = 'Disconnect-DbxWorkspace.md: DESCRIPTION is empty' }
        @{ What = 'an empty parameter description'; Page = 'Get-DbxContext'; Regex = '(?s)(### -Account\n).*?(```yaml)'; To = '$1$2'; Expect = 'Get-DbxContext.md: PARAMETERS -Account: the description is empty' }
        @{ What = 'fewer than two examples'; Page = 'Get-DbxContext'; Regex = '(?s)### Example 2:.*?(## PARAMETERS)'; To = '$1'; Expect = 'Get-DbxContext.md: EXAMPLES: 1 example(s); at least two are required' }
        @{ What = 'no pipeline example'; Page = 'Get-DbxAccountIpAccessListFeature'; From = 'Get-DbxAccountIpAccessListFeature | Format-List Enabled, Etag'; To = 'Format-List -InputObject (Get-DbxAccountIpAccessListFeature) Enabled, Etag'; Expect = 'Get-DbxAccountIpAccessListFeature.md: EXAMPLES: no example uses a pipeline (a | b)' }
        @{ What = 'no -WhatIf example for a cmdlet that changes something'; Page = 'Invoke-DbxApi'; From = ' -WorkspaceId 1111111111111111 -WhatIf'; To = ' -WorkspaceId 1111111111111111'; Expect = 'Invoke-DbxApi.md: EXAMPLES: Invoke-DbxApi changes something (SupportsShouldProcess) but no example uses -WhatIf' }
        @{ What = 'an example that does not parse'; Page = 'Get-DbxContext'; From = 'Get-DbxWorkspace -Context $account -Name ''dev-*'''; To = 'Get-DbxWorkspace -Context $account -Name (''dev-*'''; Expect = "Get-DbxContext.md: EXAMPLES: 'Example 4: Reuse the default context explicitly' (line *) does not parse: *" }
        @{ What = 'an undocumented output type'; Page = 'Get-DbxWorkspace'; From = '### DatabricksNetworking.Models.Workspace'; To = '### DatabricksNetworking.Models.Network'; Expect = 'Get-DbxWorkspace.md: OUTPUTS: [OutputType] DatabricksNetworking.Models.Workspace is not documented*' }
        @{ What = 'an OUTPUTS type without its ### heading'; Page = 'Get-DbxWorkspace'; From = '### DatabricksNetworking.Models.Workspace'; To = 'DatabricksNetworking.Models.Workspace'; Expect = 'Get-DbxWorkspace.md: OUTPUTS: [OutputType] DatabricksNetworking.Models.Workspace is not documented*' }
        @{ What = 'an INPUTS type without its ### heading'; Page = 'Get-DbxWorkspace'; From = '### System.Int64[]'; To = 'System.Int64[]'; Expect = "Get-DbxWorkspace.md: INPUTS: list the pipeline input types (### Type), or '### None'" }
        @{ What = 'an abbreviated parameter in an example'; Page = 'Get-DbxWorkspace'; From = "Get-DbxWorkspace -Name 'prod-*' |"; To = "Get-DbxWorkspace -Nam 'prod-*' |"; Expect = "Get-DbxWorkspace.md: EXAMPLES: 'Example 2: Production workspaces by name' Get-DbxWorkspace has no parameter -Nam *" }
        @{ What = 'a parameter an about topic gives a cmdlet that does not have it'; Page = 'about_DatabricksNetworking_PrivateLink'; From = '-DataplaneRelayVpcEndpointId $relay'; To = '-RelayId $relay'; Expect = 'about_DatabricksNetworking_PrivateLink.md: code block at line *: New-DbxNetworkConfiguration has no parameter -RelayId *' }
        @{ What = 'a cmdlet an about topic names that the module does not have'; Page = 'about_DatabricksNetworking_IpAccessLists'; From = 'Test-DbxIpAccess -WorkspaceId'; To = 'Test-DbxIpAccessList -WorkspaceId'; Expect = 'about_DatabricksNetworking_IpAccessLists.md: code block at line *: uses Test-DbxIpAccessList, which the module does not have' }
        @{ What = 'an about topic code block that does not parse'; Page = 'about_DatabricksNetworking'; From = "-AccountId '0d3a9c1e-5b7f-4e2a-8c6d-1f0e2d3c4b5a'"; To = '-AccountId <account-uuid>'; Expect = 'about_DatabricksNetworking.md: code block at line *: does not parse: *' }
        @{ What = 'a missing section'; Page = 'Get-DbxContext'; From = '## NOTES'; To = '## REMARKS'; Expect = "Get-DbxContext.md: section '## NOTES' is missing" }
        @{ What = 'a wrong front matter'; Page = 'Get-DbxContext'; From = 'schema: 2.0.0'; To = 'schema: 1.0.0'; Expect = "Get-DbxContext.md: front matter: 'schema' is '1.0.0', expected '2.0.0'" }
        @{ What = 'a missing page'; Page = 'Get-DbxContext'; Delete = $true; Expect = 'Get-DbxContext.md: missing: Get-DbxContext is exported but has no page*' }
        @{ What = 'a cmdlet missing from the module page'; Page = 'DatabricksNetworking'; From = "#### [Get-DbxContext](Get-DbxContext.md)`nShows the session's default Databricks contexts.`n"; To = ''; Expect = 'DatabricksNetworking.md: cmdlet list: Get-DbxContext is missing' }
        @{ What = 'a module page entry without a description'; Page = 'DatabricksNetworking'; From = "#### [Get-DbxContext](Get-DbxContext.md)`nShows the session's default Databricks contexts.`n"; To = "#### [Get-DbxContext](Get-DbxContext.md)`n"; Expect = 'DatabricksNetworking.md: cmdlet list: Get-DbxContext has no description' }
        @{ What = 'an area heading of the module page without entries'; Page = 'DatabricksNetworking'; From = '### The emulator'; To = "### Empty area`n`n### The emulator"; Expect = "DatabricksNetworking.md: cmdlet list: '### Empty area' is neither *" }
        @{ What = 'a module page entry that is not a link'; Page = 'DatabricksNetworking'; From = '#### [Stop-DbxEmulator](Stop-DbxEmulator.md)'; To = '#### Stop-DbxEmulator'; Expect = "DatabricksNetworking.md: cmdlet list: '#### Stop-DbxEmulator' should be '#### `[Name`](Name.md)'" }
        @{ What = 'a missing about topic'; Page = 'about_DatabricksNetworking'; Delete = $true; Expect = 'about_DatabricksNetworking.md: missing: the about topic' }
    ) {
        $problems = Test-Mutated -Page $Page -Change {
            param($text)
            if ($Delete) { return $null }
            $new = if ($Regex) { [regex]::Replace($text, $Regex, $To) } else { $text.Replace($From, $To) }
            $new | Should -Not -Be $text -Because 'the test must actually change the page'
            $new
        }
        $pattern = [WildcardPattern]::Escape($Expect).Replace('`*', '*')
        $problems | Where-Object { $_ -like $pattern } | Should -Not -BeNullOrEmpty -Because "the problems were:`n$($problems -join "`n")"
    }

    It 'reports a page for a cmdlet the module does not have' {
        $problems = Test-Mutated -Page 'Get-DbxContext' -Change { param($t) $t }
        $problems | Should -BeNullOrEmpty
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('docs-' + [Guid]::NewGuid().ToString('N'))
        Copy-Item $docs -Destination $dir -Recurse
        try {
            Copy-Item (Join-Path $dir 'Get-DbxContext.md') (Join-Path $dir 'Get-DbxContexts.md')
            Test-DocsSet -DocsDir $dir -Metadata $meta | Should -Contain 'Get-DbxContexts.md: there is no exported cmdlet Get-DbxContexts (a renamed or removed cmdlet?)'
        }
        finally { Remove-Item $dir -Recurse -Force }
    }

    It 'fails the Docs script with the problem listed' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('docs-' + [Guid]::NewGuid().ToString('N'))
        Copy-Item $docs -Destination $dir -Recurse
        try {
            Remove-Item (Join-Path $dir 'Get-DbxWorkspace.md')
            $shown = & { & (Join-Path $root 'build/Docs.ps1') -ModuleDir $moduleDir -Check -DocsDir $dir } 6>&1 2>$null -ErrorVariable err -ErrorAction SilentlyContinue | Out-String
        }
        catch { $thrown = $_ }
        finally { Remove-Item $dir -Recurse -Force }
        $thrown | Should -Not -BeNullOrEmpty
        "$thrown" | Should -Match 'does not match the module: 1 problem'
    }
}

Describe 'build/New-DocsPage.ps1 -ModulePage' {
    It 'rewrites the cmdlet list grouped by area with each page''s synopsis, and the result passes the check' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('modpage-' + [Guid]::NewGuid().ToString('N'))
        Copy-Item $docs -Destination $dir -Recurse
        try {
            $page = Join-Path $dir 'DatabricksNetworking.md'
            $text = [IO.File]::ReadAllText($page)
            $cut = $text.IndexOf('## DatabricksNetworking Cmdlets')
            [IO.File]::WriteAllText($page, $text.Substring(0, $cut) + "## DatabricksNetworking Cmdlets`n`n### [Get-DbxContext](Get-DbxContext.md)`nstale`n")
            Test-DocsSet -DocsDir $dir -Metadata $meta | Should -Contain 'DatabricksNetworking.md: cmdlet list: Wait-DbxWorkspace is missing'
            & (Join-Path $root 'build/New-DocsPage.ps1') -ModulePage -ModuleDir $moduleDir -DocsDir $dir 6>$null
            @(Test-DocsSet -DocsDir $dir -Metadata $meta | Where-Object { $_ -like 'DatabricksNetworking.md:*' }) | Should -BeNullOrEmpty
            $new = [IO.File]::ReadAllText($page)
            $new.Substring(0, $cut) | Should -BeExactly $text.Substring(0, $cut) -Because 'only the cmdlet list is rewritten'
            $new | Should -Match '(?s)### IP access lists\n.*#### \[Test-DbxIpAccess\]\(Test-DbxIpAccess\.md\)\nTells whether the live IP access lists'
            $new | Should -Not -Match 'stale'
            $new | Should -BeExactly ([IO.File]::ReadAllText((Join-Path $docs 'DatabricksNetworking.md'))) -Because 'docs/cmdlets/DatabricksNetworking.md is kept regenerated (run build/New-DocsPage.ps1 -ModulePage)'
        }
        finally { Remove-Item $dir -Recurse -Force }
    }
}

Describe 'build/New-DocsPage.ps1 skeletons' {
    It 'a skeleton of <Name> has the exact SYNTAX and PARAMETERS of the cmdlet and fails only on its placeholders' -ForEach @(
        @{ Name = 'Get-DbxWorkspace' }, @{ Name = 'Connect-DbxAccount' }, @{ Name = 'Invoke-DbxApi' }, @{ Name = 'Disconnect-DbxAccount' }
    ) {
        $cmd = $meta.Commands | Where-Object Name -eq $Name
        $file = Join-Path ([IO.Path]::GetTempPath()) "$Name.md"
        try {
            [IO.File]::WriteAllText($file, (New-DocsPageText -Command $cmd))
            $problems = @(Test-DocsCmdletPage -Page (Read-DocsPage $file) -Command $cmd -ModuleCommands @($meta.Commands.Name))
        }
        finally { Remove-Item $file -ErrorAction SilentlyContinue }
        $problems | Where-Object { $_ -like 'unfilled placeholder*' } | Should -Not -BeNullOrEmpty
        $drift = @($problems | Where-Object { $_ -notlike 'unfilled placeholder*' -and $_ -notlike 'EXAMPLES:*' })
        $drift | Should -BeNullOrEmpty
    }

    It 'writes the file and refuses to overwrite it without -Force' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('newdocs-' + [Guid]::NewGuid().ToString('N'))
        try {
            & (Join-Path $root 'build/New-DocsPage.ps1') -Name Get-DbxContext -ModuleDir $moduleDir -DocsDir $dir 6>$null
            Join-Path $dir 'Get-DbxContext.md' | Should -FileContentMatch '^# Get-DbxContext$'
            & (Join-Path $root 'build/New-DocsPage.ps1') -Name Get-DbxContext -ModuleDir $moduleDir -DocsDir $dir -WarningVariable w -WarningAction SilentlyContinue 6>$null
            "$w" | Should -Match 'exists; use -Force'
        }
        finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Compiled help' {
    It 'the MAML has one command per cmdlet page with its examples' {
        [xml]$maml = Get-Content (Join-Path $moduleDir 'en-US/DatabricksNetworking.PowerShell.dll-Help.xml') -Raw
        $ns = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $names = @($maml.SelectNodes('//command:command/command:details/command:name', $ns) | ForEach-Object InnerText)
        $names | Sort-Object | Should -Be @($meta.Commands.Name | Sort-Object)
        foreach ($page in (Get-DocsPages $docs | Where-Object Kind -eq 'Cmdlet')) {
            $maml.SelectNodes("//command:command[command:details/command:name='$($page.Name)']/command:examples/command:example", $ns).Count |
                Should -Be $page.Examples.Count -Because "$($page.Name).md has $($page.Examples.Count) examples"
        }
    }

    It 'Get-Help <Topic> shows the compiled about topic' -ForEach @(
        @{ Topic = 'about_DatabricksNetworking'; Text = 'DATABRICKS_CLIENT_SECRET' }
        @{ Topic = 'about_DatabricksNetworking_PrivateLink'; Text = 'Set-DbxWorkspaceNetwork' }
        @{ Topic = 'about_DatabricksNetworking_IpAccessLists'; Text = '1000' }
    ) {
        Import-TestModule
        $help = Get-Help $Topic | Out-String
        $help | Should -Match 'SHORT DESCRIPTION'
        $help | Should -Match ([regex]::Escape($Text))
        $help | Should -Not -Match '```'
    }

    It 'Get-Help about_DatabricksNetworking* lists every about topic' {
        Import-TestModule
        $topics = @(Get-ChildItem (Join-Path $docs 'about_*.md') | ForEach-Object BaseName | Sort-Object)
        $topics.Count | Should -BeGreaterOrEqual 3
        @(Get-Help about_DatabricksNetworking* | ForEach-Object Name | Sort-Object) | Should -Be $topics
    }

    It 'Get-Help -Examples and -Parameter show the page content' {
        Import-TestModule
        (Get-Help Get-DbxWorkspace -Examples | Out-String) | Should -Match 'By id from the pipeline'
        (Get-Help Invoke-DbxApi -Parameter Path | Out-String) | Should -Match 'is replaced with the context'
    }
}

Describe 'Get-Help as a user reads it' {
    BeforeAll {
        Import-TestModule
        $script:module = Get-Module DatabricksNetworking
        $script:cmdletPages = @{}
        foreach ($pg in (Get-DocsPages $docs | Where-Object Kind -eq 'Cmdlet')) { $script:cmdletPages[$pg.Name] = $pg }
    }

    It 'every exported cmdlet has a HelpUri (Get-Help -Online) equal to its page''s online version' {
        $bad = foreach ($c in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
            $page = $cmdletPages[$c.Name]
            $online = $page.FrontMatter['online version']
            if ($c.HelpUri -notmatch "^https://github\.com/[\w-]+/[\w-]+/blob/main/docs/cmdlets/$([regex]::Escape($c.Name))\.md$") { "$($c.Name): HelpUri '$($c.HelpUri)' is not its docs page" }
            if ($c.HelpUri -cne $online) { "$($c.Name): HelpUri '$($c.HelpUri)', online version '$online'" }
            $first = @((Get-Help $c.Name).relatedLinks.navigationLink | Where-Object { $_.uri })[0].uri
            if ($first -cne $c.HelpUri) { "$($c.Name): the compiled help's first link is '$first'" }
        }
        $bad | Should -BeNullOrEmpty
        @($module.ExportedCmdlets.Values.HelpUri | ForEach-Object { $_ -replace '[\w-]+\.md$' } | Sort-Object -Unique).Count | Should -Be 1 -Because 'one base address'
    }

    It 'every Default value on a page is the parameter''s real default' {
        # The real default is the property of a fresh instance of the cmdlet class: a value shown must be that value
        # (a switch or bool False/True, an enum by name). 'None' claims no value: right for null, an empty array, a
        # required parameter, and a parameter read only when given (Set-/Update- "unchanged"), which the class
        # cannot tell, so 'None' is accepted where a value exists; a wrong value (the -WorkspaceId '16') is not.
        $show = {
            param($v)
            if ($null -eq $v -or ($v -is [string] -and $v -eq '')) { return @('None') }
            if ($v -is [System.Management.Automation.SwitchParameter]) { return @("$($v.IsPresent)") }
            if ($v -is [bool]) { return @("$v") }
            if ($v -is [array]) { if ($v.Count -eq 0) { return @('None') }; return @(($v | ForEach-Object { [string]$_ }) -join ', ') }
            if ($v -is [enum]) { return @("$v") }
            if ($v -is [ValueType] -and $v -eq [Activator]::CreateInstance($v.GetType())) { return @('None', [Convert]::ToString($v, [Globalization.CultureInfo]::InvariantCulture)) }
            @([Convert]::ToString($v, [Globalization.CultureInfo]::InvariantCulture))
        }
        $bad = foreach ($c in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
            $instance = [Activator]::CreateInstance($c.ImplementingType)
            foreach ($prm in $cmdletPages[$c.Name].Parameters) {
                $prop = $c.ImplementingType.GetProperty($prm.Name)
                if (-not $prop) { continue } # -WhatIf, -Confirm: common parameters
                $want = @(& $show ($prop.GetValue($instance)))
                foreach ($y in $prm.Yaml) {
                    if ($y['Required'] -match '^\s*True' -and $y['Type'] -ne 'SwitchParameter' -and $y['Default value'] -ne 'None') { "$($c.Name) -$($prm.Name): required, but the page shows the default '$($y['Default value'])'" }
                    elseif ($y['Default value'] -notin @($want) + 'None') { "$($c.Name) -$($prm.Name): the page says '$($y['Default value'])', the cmdlet's default is '$($want[-1])'" }
                }
            }
        }
        $bad | Should -BeNullOrEmpty
    }

    It 'Get-Help -Full at 80 columns shows no markdown markup and cuts no word the page has whole' {
        # PowerShell cuts every help line at the width, inside words too. The compiler wraps prose and example code
        # itself; what may still be cut is a word longer than the line (a long URL or ARN). SYNTAX is left out: the
        # syntax lines are composed and cut by PowerShell from the parameters, the help file cannot break them.
        $attributeRow = '^(\s+)(Required\?|Position\?|Default value|Accept pipeline input\?|Aliases|Accept wildcard characters\?)\s+'
        $bad = foreach ($c in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
            $lines = @((Get-Help $c.Name -Full | Out-String -Width 80) -split '\r?\n')
            $words = @(($cmdletPages[$c.Name].Raw -split '\s+') | ForEach-Object { $_.Trim('`''"()[]{},.;:*') } | Where-Object { $_.Length -gt 1 } | Sort-Object -Unique)
            $section = ''
            for ($i = 0; $i -lt $lines.Count; $i++) {
                $l = $lines[$i]
                if ($l -match '^[A-Z][A-Z ]+$') { $section = $l; continue }
                if ($l -match '`(?!\s*$)' -or $l -match '\*\*\S') { "$($c.Name): markdown markup in '$($l.Trim())'" }
                if ($section -eq 'SYNTAX' -or $l.Length -lt 79 -or $i + 1 -ge $lines.Count) { continue }
                $tail = if ($l -match '(\S+)$') { $Matches[1] } else { continue }
                $head = if ($lines[$i + 1] -match '^\s*(\S+)') { $Matches[1] } else { continue }
                $joined = ($tail + $head).Trim('`''"()[]{},.;:*')
                if ($joined.Length -le $tail.Trim('`''"()[]{},.;:*').Length + 1) { continue } # the line ended at a word's end
                $column = if ($l -match $attributeRow) { 37 } else { ($l -replace '^(\s*).*$', '$1').Length }
                $whole = $words | Where-Object { $_.Contains($joined) -and $column + $_.Length -le 80 } | Select-Object -First 1
                if ($whole) { "$($c.Name) [$section]: '$whole' is cut at 80 columns: '$($l.Trim())' / '$($lines[$i + 1].Trim())'" }
            }
        }
        $bad | Should -BeNullOrEmpty
    }
}

Describe 'The example runner' {
    It 'reports an example that writes an error, and skips a block marked as illustration' {
        $seed = Get-TestSeed
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('ex-' + [Guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $dir | Out-Null
        $page = Join-Path $dir 'Get-DbxWorkspace.md'
        $text = [IO.File]::ReadAllText((Join-Path $docs 'Get-DbxWorkspace.md'))
        $text = $text.Replace("``````powershell`nGet-DbxWorkspace`n``````", "``````powershell`nGet-DbxWorkspace -WorkspaceId 9999999999999999`n``````")
        $text = $text.Replace("### Example 2: Production workspaces by name`n", "### Example 2: Production workspaces by name`n<!-- illustration -->`n")
        [IO.File]::WriteAllText($page, $text)
        $pwsh = @(Get-PwshCommand)
        $result = Join-Path $dir 'r.json'
        try {
            $a = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Invoke-DocExamples.ps1'), '-PagePath', $page,
                '-Module', $envi.Module, '-EmulatorUrl', $envi.EmulatorUrl, '-ResultFile', $result, '-AccountId', $seed.AccountId, '-ClientId', $seed.ClientId, '-ClientSecret', $seed.ClientSecret)
            & $pwsh[0] @a | Out-Null
            $r = @(Get-Content $result -Raw | ConvertFrom-Json)
        }
        finally { Remove-Item $dir -Recurse -Force }
        $first = $r | Where-Object Example -like 'Example 1:*'
        @($first.Errors) -join ' ' | Should -Match 'DbxApiResourceDoesNotExist'
        ($r | Where-Object Example -like 'Example 2:*').Skipped | Should -BeTrue
        @(($r | Where-Object Example -like 'Example 3:*').Errors).Count | Should -Be 0
    }
}
