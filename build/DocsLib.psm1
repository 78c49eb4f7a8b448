# The two jobs of PlatyPS, done here because PlatyPS cannot be installed: read docs/cmdlets/*.md (PlatyPS markdown
# schema 2.0.0), check them against the built module, and compile them to MAML and about_*.help.txt.
# Used by build/Docs.ps1, build/New-DocsPage.ps1 and tests/pester/Docs.
Set-StrictMode -Version 3

$script:SectionOrder = @('SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS')
$script:FrontMatterKeys = @('external help file', 'Module Name', 'online version', 'schema')
$script:HelpFileName = 'DatabricksNetworking.PowerShell.dll-Help.xml'
$script:ModuleName = 'DatabricksNetworking'
$script:YamlKeys = @('Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters')
$script:PlaceholderPattern = '\{\{[^{}]*\}\}'

# ---------------------------------------------------------------------------------------------------------------
# Reading a page
# ---------------------------------------------------------------------------------------------------------------

function Split-DocsLines {
    # Lines of a markdown text with, for each, whether it is inside a code fence (fence lines count as inside).
    param([string[]]$Lines)
    $inFence = $false
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        $isFence = $Lines[$i] -match '^\s*```'
        [pscustomobject]@{ Index = $i; Text = $Lines[$i]; InCode = ($inFence -or $isFence); IsFence = $isFence }
        if ($isFence) { $inFence = -not $inFence }
    }
}

function Get-DocsBlocks {
    # Code blocks of a range of lines: language, code, 1-based line number, and whether an
    # <!-- illustration --> comment stands right before it (blank lines allowed between).
    param([object[]]$Lines)
    $Lines = @($Lines | Where-Object { $null -ne $_ })
    $blocks = [System.Collections.Generic.List[object]]::new()
    $i = 0
    while ($i -lt $Lines.Count) {
        $l = $Lines[$i]
        if ($l.Text -match '^\s*```\s*([\w-]*)\s*$') {
            $lang = $Matches[1]
            $j = $i - 1
            while ($j -ge 0 -and $Lines[$j].Text.Trim() -eq '') { $j-- }
            $illustration = $j -ge 0 -and $Lines[$j].Text -match '^\s*<!--\s*illustration\b.*-->\s*$'
            $code = [System.Collections.Generic.List[string]]::new()
            $k = $i + 1
            while ($k -lt $Lines.Count -and $Lines[$k].Text -notmatch '^\s*```\s*$') { $code.Add($Lines[$k].Text); $k++ }
            $blocks.Add([pscustomobject]@{ Language = $lang; Code = ($code -join "`n"); Line = $l.Index + 1; Illustration = [bool]$illustration })
            $i = $k + 1
        }
        else { $i++ }
    }
    $blocks
}

function Get-DocsProse {
    # The text of a range of lines without code blocks and HTML comments, trimmed.
    param([object[]]$Lines)
    $text = ($Lines | Where-Object { $null -ne $_ -and -not $_.InCode } | ForEach-Object Text) -join "`n"
    $text = [regex]::Replace($text, '<!--.*?-->', '', 'Singleline')
    $text.Trim()
}

function Split-DocsHeadings {
    # Splits lines (outside code) at headings of the given level: @{ Heading; Line; Lines }.
    param([object[]]$Lines, [int]$Level)
    $marker = '#' * $Level
    $parts = [System.Collections.Generic.List[object]]::new()
    $current = $null
    foreach ($l in $Lines) {
        if (-not $l.InCode -and $l.Text -match "^$marker\s+(.*?)\s*$" -and $l.Text -notmatch "^$marker#") {
            $current = [pscustomobject]@{ Heading = $Matches[1]; Line = $l.Index + 1; Lines = [System.Collections.Generic.List[object]]::new() }
            $parts.Add($current)
        }
        elseif ($null -ne $current) { $current.Lines.Add($l) }
    }
    $parts
}

function ConvertFrom-DocsYaml {
    # The "Key: value" lines of a PlatyPS parameter yaml block.
    param([string]$Code)
    $map = [ordered]@{}
    foreach ($line in $Code -split "`n") {
        if ($line -match '^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$') { $map[$Matches[1]] = $Matches[2] }
    }
    $map
}

function Read-DocsPage {
    <# Parses one docs/cmdlets page (cmdlet page, module page or about topic) into an object; never throws on
       content problems, which are listed in .Problems. #>
    param([Parameter(Mandatory)][string]$Path)
    $raw = [IO.File]::ReadAllText($Path) -replace "`r`n", "`n"
    $all = @($raw -split "`n")
    $name = [IO.Path]::GetFileNameWithoutExtension($Path)
    $problems = [System.Collections.Generic.List[string]]::new()
    $page = [pscustomobject]@{
        Path = $Path; Name = $name; Kind = 'Cmdlet'; Raw = $raw; FrontMatter = [ordered]@{}; Title = $null
        Sections = [ordered]@{}; SectionNames = @(); Synopsis = ''; Description = ''; Syntax = @(); Examples = @(); Parameters = @()
        HasCommonParameters = $false; Inputs = @(); Outputs = @(); Notes = ''; RelatedLinks = @(); Problems = $problems
    }
    if ($name -like 'about_*') { $page.Kind = 'About' } elseif ($name -eq $script:ModuleName) { $page.Kind = 'Module' }

    # Front matter
    $start = 0
    if ($all.Count -gt 0 -and $all[0].Trim() -eq '---') {
        $end = -1
        for ($i = 1; $i -lt $all.Count; $i++) { if ($all[$i].Trim() -eq '---') { $end = $i; break } }
        if ($end -lt 0) { $problems.Add('the front matter (---) is not closed') }
        else {
            for ($i = 1; $i -lt $end; $i++) {
                if ($all[$i] -match '^([^:]+):\s*(.*?)\s*$') { $page.FrontMatter[$Matches[1].Trim()] = $Matches[2] }
            }
            $start = $end + 1
        }
    }
    elseif ($page.Kind -ne 'About') { $problems.Add('no front matter (the page must start with ---)') }

    $lines = @(Split-DocsLines $all | Select-Object -Skip $start)
    $title = $lines | Where-Object { -not $_.InCode -and $_.Text -match '^#\s+(\S.*?)\s*$' } | Select-Object -First 1
    if ($title) { $null = $title.Text -match '^#\s+(\S.*?)\s*$'; $page.Title = $Matches[1] } else { $problems.Add('no "# Title" line') }

    $sections = @(Split-DocsHeadings $lines 2)
    foreach ($s in $sections) {
        $key = $s.Heading.ToUpperInvariant()
        if ($page.Sections.Contains($key)) { $problems.Add("section '## $($s.Heading)' appears twice (line $($s.Line))") }
        $page.Sections[$key] = $s
    }
    $page.SectionNames = @($sections | ForEach-Object { $_.Heading.ToUpperInvariant() })
    if ($page.Kind -ne 'Cmdlet') { return $page }

    $get = { param($n) if ($page.Sections.Contains($n)) { @($page.Sections[$n].Lines) } else { @() } }
    $page.Synopsis = Get-DocsProse (& $get 'SYNOPSIS')
    $page.Description = Get-DocsProse (& $get 'DESCRIPTION')
    $page.Notes = Get-DocsProse (& $get 'NOTES')

    # SYNTAX: ### SetName [(Default)] + a code block; a single set may have no heading.
    $syntaxLines = & $get 'SYNTAX'
    $sets = @(Split-DocsHeadings $syntaxLines 3)
    if ($sets.Count -eq 0) {
        $blocks = @(Get-DocsBlocks $syntaxLines)
        $page.Syntax = @($blocks | ForEach-Object { [pscustomobject]@{ SetName = $null; IsDefault = $false; Code = $_.Code; Line = $_.Line } })
    }
    else {
        $page.Syntax = @(foreach ($s in $sets) {
                $isDefault = $s.Heading -match '\s*\(Default\)\s*$'
                $setName = ($s.Heading -replace '\s*\(Default\)\s*$', '').Trim()
                $blocks = @(Get-DocsBlocks $s.Lines)
                if ($blocks.Count -ne 1) { $problems.Add("SYNTAX '### $($s.Heading)' (line $($s.Line)) must have exactly one code block, found $($blocks.Count)") }
                [pscustomobject]@{ SetName = $setName; IsDefault = [bool]$isDefault; Code = ($blocks | Select-Object -First 1 | ForEach-Object Code); Line = $s.Line }
            })
    }

    # EXAMPLES: ### Example N: title, a ```powershell block, then prose.
    $page.Examples = @(foreach ($e in (Split-DocsHeadings (& $get 'EXAMPLES') 3)) {
            $blocks = @(Get-DocsBlocks $e.Lines)
            [pscustomobject]@{
                Title   = $e.Heading
                Line    = $e.Line
                Blocks  = @($blocks | Where-Object { $_.Language -in 'powershell', 'pwsh', 'ps1', 'ps' })
                Others  = @($blocks | Where-Object { $_.Language -notin 'powershell', 'pwsh', 'ps1', 'ps' })
                Code    = (@($blocks | Where-Object { $_.Language -in 'powershell', 'pwsh', 'ps1', 'ps' } | ForEach-Object Code) -join "`n")
                Remarks = Get-DocsProse $e.Lines
            }
        })

    # PARAMETERS: ### -Name, description, one or more ```yaml blocks; ### CommonParameters.
    $page.Parameters = @(foreach ($p in (Split-DocsHeadings (& $get 'PARAMETERS') 3)) {
            if ($p.Heading -eq 'CommonParameters') { $page.HasCommonParameters = $true; continue }
            if ($p.Heading -notmatch '^-(\w+)$') { $problems.Add("PARAMETERS heading '### $($p.Heading)' (line $($p.Line)) is not '### -Name' or '### CommonParameters'"); continue }
            $blocks = @(Get-DocsBlocks $p.Lines)
            [pscustomobject]@{
                Name        = $Matches[1]
                Line        = $p.Line
                Description = Get-DocsProse $p.Lines
                Yaml        = @($blocks | Where-Object Language -eq 'yaml' | ForEach-Object { $y = ConvertFrom-DocsYaml $_.Code; $y['#Line'] = $_.Line; $y })
            }
        })

    $readTypes = {
        param($n)
        @(foreach ($t in (Split-DocsHeadings (& $get $n) 3)) { [pscustomobject]@{ Type = $t.Heading; Description = Get-DocsProse $t.Lines } })
    }
    $page.Inputs = @(& $readTypes 'INPUTS')
    $page.Outputs = @(& $readTypes 'OUTPUTS')

    $page.RelatedLinks = @(foreach ($l in (& $get 'RELATED LINKS')) {
            if (-not $l.InCode -and $l.Text -match '\[([^\]]+)\]\(([^)]*)\)') { [pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] } }
        })
    return $page
}

function Get-DocsCodeBlocks {
    # Every PowerShell code block of a page (any kind of page), in order: Code, Line, Illustration.
    param([Parameter(Mandatory)]$Page)
    $lines = @(Split-DocsLines (($Page.Raw -replace "`r`n", "`n") -split "`n"))
    @(Get-DocsBlocks $lines | Where-Object Language -in 'powershell', 'pwsh', 'ps1', 'ps')
}

function Get-DocsPages {
    param([Parameter(Mandatory)][string]$DocsDir)
    Get-ChildItem -Path $DocsDir -Filter *.md -File | Sort-Object Name | ForEach-Object { Read-DocsPage $_.FullName }
}

# ---------------------------------------------------------------------------------------------------------------
# The built module's metadata (run in a child pwsh, so the build process never loads the module)
# ---------------------------------------------------------------------------------------------------------------

function Get-DocsTypeName {
    # The type name PlatyPS writes: Nullable<T> as T, generics in full, others by short name.
    param([Type]$Type)
    $u = [Nullable]::GetUnderlyingType($Type)
    if ($u) { $Type = $u }
    if ($Type.IsGenericType) { return $Type.ToString() }
    $Type.Name
}

function Export-DocsCommandMetadata {
    # JSON of every exported cmdlet of the module: what the pages are checked against.
    param([Parameter(Mandatory)][string]$Manifest)
    $module = Import-Module $Manifest -PassThru -Force -ErrorAction Stop
    $common = @([System.Management.Automation.Cmdlet]::CommonParameters) + 'ProgressAction'
    $commands = foreach ($cmd in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
        $attr = $cmd.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true) | Select-Object -First 1
        $params = [ordered]@{}
        $sets = foreach ($set in $cmd.ParameterSets) {
            $ps = foreach ($p in $set.Parameters) {
                if ($p.Name -in $common) { continue }
                $meta = $cmd.Parameters[$p.Name]
                if (-not $params.Contains($p.Name)) {
                    $type = $p.ParameterType
                    $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
                    $u = [Nullable]::GetUnderlyingType($element); if ($u) { $element = $u }
                    $accepted = @()
                    $vs = $meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
                    if ($vs) { $accepted = @($vs.ValidValues) } elseif ($element.IsEnum) { $accepted = @([Enum]::GetNames($element)) }
                    $params[$p.Name] = [ordered]@{
                        Name           = $p.Name
                        Type           = Get-DocsTypeName $type
                        TypeFullName   = $type.FullName
                        IsSwitch       = $type -eq [System.Management.Automation.SwitchParameter]
                        Aliases        = @($meta.Aliases)
                        Wildcards      = [bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                        AcceptedValues = $accepted
                        Sets           = [System.Collections.Generic.List[string]]::new()
                    }
                }
                $params[$p.Name].Sets.Add($set.Name)
                [ordered]@{
                    Name           = $p.Name
                    Mandatory      = $p.IsMandatory
                    Position       = if ($p.Position -eq [int]::MinValue) { 'Named' } else { [string]$p.Position }
                    ByValue        = $p.ValueFromPipeline
                    ByPropertyName = $p.ValueFromPipelineByPropertyName
                }
            }
            [ordered]@{ Name = $set.Name; IsDefault = $set.IsDefault; Parameters = @($ps) }
        }
        [ordered]@{
            Name                  = $cmd.Name
            HelpUri               = [string]$cmd.HelpUri
            Verb                  = $cmd.Verb
            Noun                  = $cmd.Noun
            DefaultParameterSet   = $cmd.DefaultParameterSet
            SupportsShouldProcess = [bool]$attr.SupportsShouldProcess
            ConfirmImpact         = [string]$attr.ConfirmImpact
            OutputTypes           = @($cmd.OutputType | ForEach-Object { if ($_.Type) { $_.Type.FullName } else { $_.Name } })
            ParameterSets         = @($sets)
            Parameters            = @($params.Values)
        }
    }
    [ordered]@{
        Name     = $module.Name
        Version  = $module.Version.ToString()
        Guid     = $module.Guid.ToString()
        Commands = @($commands)
    } | ConvertTo-Json -Depth 8 -Compress
}

function Get-DocsModuleMetadata {
    # Runs Export-DocsCommandMetadata in a child pwsh and returns the parsed result.
    param([Parameter(Mandatory)][string]$Manifest)
    if (-not (Get-Command Get-PwshCommand -ErrorAction SilentlyContinue)) { Import-Module (Join-Path $PSScriptRoot 'Services.psm1') }
    $Manifest = (Resolve-Path -LiteralPath $Manifest -ErrorAction Stop).Path
    $pwsh = @(Get-PwshCommand)
    $lib = Join-Path $PSScriptRoot 'DocsLib.psm1'
    $script = "Import-Module '$($lib -replace "'", "''")'; Export-DocsCommandMetadata -Manifest '$($Manifest -replace "'", "''")'"
    $pwshArgs = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $script)
    $json = & $pwsh[0] @pwshArgs
    if ($LASTEXITCODE -ne 0) { throw "Reading the module's command metadata failed (exit code $LASTEXITCODE): $json" }
    ($json -join "`n") | ConvertFrom-Json
}

# ---------------------------------------------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------------------------------------------

function Split-DocsList([string]$Text) {
    if ([string]::IsNullOrWhiteSpace($Text) -or $Text.Trim() -eq 'None') { return @() }
    @($Text -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
}

function Test-DocsSetEqual($A, $B) {
    $x = @($A | Sort-Object -Unique); $y = @($B | Sort-Object -Unique)
    ($x -join "`n") -eq ($y -join "`n")
}

function Get-DocsPipelineKinds([string]$Text) {
    # 'True (ByPropertyName, ByValue)' -> @('ByPropertyName','ByValue'); 'False' -> @()
    if ($Text -notmatch '^\s*True\b') { return @() }
    if ($Text -match '\(([^)]*)\)') { return @(Split-DocsList $Matches[1]) }
    @('ByValue')
}

function Test-DocsExampleCode {
    # Parses an example; returns @{ Errors; IsPipeline; UsesWhatIf; Commands }.
    param([string]$Code)
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$tokens, [ref]$errors)
    $pipelines = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.PipelineAst] -and $n.PipelineElements.Count -gt 1 }, $true)
    $whatIf = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandParameterAst] -and $n.ParameterName -eq 'WhatIf' }, $true)
    $commands = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() } | Where-Object { $_ }
    [pscustomobject]@{ Errors = @($errors); IsPipeline = @($pipelines).Count -gt 0; UsesWhatIf = @($whatIf).Count -gt 0; Commands = @($commands) }
}

$script:CommonParameterNames = @('Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction', 'ErrorVariable',
    'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable', 'WhatIf', 'Confirm', 'vb', 'db', 'ea', 'wa', 'infa', 'proga',
    'ev', 'wv', 'iv', 'ov', 'ob', 'pv', 'wi', 'cf')

function Test-DocsCodeNames {
    <# The module's cmdlets a code block calls, and the parameters it gives them, against the module metadata: every
       *-Dbx* command must exist and every parameter must be spelled as one of the cmdlet's names or aliases (no
       abbreviations). Returns problem strings. #>
    param([Parameter(Mandatory)][AllowEmptyString()][string]$Code, [Parameter(Mandatory)]$Metadata)
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$tokens, [ref]$errors)
    foreach ($e in $errors) { "does not parse: $($e.Message)" }
    foreach ($c in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
        $name = $c.GetCommandName()
        if (-not $name -or $name -notmatch '^\w+-Dbx\w+$') { continue }
        $cmd = $Metadata.Commands | Where-Object Name -eq $name | Select-Object -First 1
        if (-not $cmd) { "uses $name, which the module does not have"; continue }
        $known = @($cmd.Parameters | ForEach-Object { $_.Name; $_.Aliases }) + $script:CommonParameterNames
        foreach ($prm in $c.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
            if ($prm.ParameterName -notin $known) { "$name has no parameter -$($prm.ParameterName) (parameters: $(@($cmd.Parameters.Name) -join ', '))" }
        }
    }
}

function Test-DocsCmdletPage {
    # Every way a cmdlet page can disagree with the cmdlet, or be incomplete; returns problem strings.
    param([Parameter(Mandatory)]$Page, [Parameter(Mandatory)]$Command, [string[]]$ModuleCommands = @(), $Metadata)
    $p = [System.Collections.Generic.List[string]]::new()
    foreach ($x in $Page.Problems) { $p.Add($x) }
    $cmdName = $Command.Name

    foreach ($k in $script:FrontMatterKeys) { if (-not $Page.FrontMatter.Contains($k)) { $p.Add("front matter: '$($k):' is missing") } }
    if ($Page.FrontMatter.Contains('external help file') -and $Page.FrontMatter['external help file'] -ne $script:HelpFileName) { $p.Add("front matter: 'external help file' is '$($Page.FrontMatter['external help file'])', expected '$script:HelpFileName'") }
    if ($Page.FrontMatter.Contains('Module Name') -and $Page.FrontMatter['Module Name'] -ne $script:ModuleName) { $p.Add("front matter: 'Module Name' is '$($Page.FrontMatter['Module Name'])', expected '$script:ModuleName'") }
    if ($Page.FrontMatter.Contains('schema') -and $Page.FrontMatter['schema'] -ne '2.0.0') { $p.Add("front matter: 'schema' is '$($Page.FrontMatter['schema'])', expected '2.0.0'") }
    if ($Page.FrontMatter.Contains('online version') -and $Command.PSObject.Properties['HelpUri'] -and $Page.FrontMatter['online version'] -cne $Command.HelpUri) {
        $p.Add("front matter: 'online version' is '$($Page.FrontMatter['online version'])', the cmdlet's HelpUri is '$($Command.HelpUri)' (Get-Help -Online opens it)")
    }
    if ($Page.Title -and $Page.Title -cne $cmdName) { $p.Add("title is '# $($Page.Title)', expected '# $cmdName'") }

    $order = @($Page.SectionNames)
    foreach ($s in $script:SectionOrder) { if ($s -notin $order) { $p.Add("section '## $s' is missing") } }
    foreach ($s in $order) { if ($s -notin $script:SectionOrder) { $p.Add("section '## $s' is not part of the PlatyPS schema") } }
    $known = @($order | Where-Object { $_ -in $script:SectionOrder })
    $expected = @($script:SectionOrder | Where-Object { $_ -in $known })
    if (($known -join '|') -ne ($expected -join '|')) { $p.Add("sections are out of order: $($known -join ', '); expected $($expected -join ', ')") }

    $m = [regex]::Matches($Page.Raw, $script:PlaceholderPattern)
    foreach ($x in $m) { $p.Add("unfilled placeholder $($x.Value)") }
    if (-not $Page.Synopsis) { $p.Add('SYNOPSIS is empty') }
    if (-not $Page.Description) { $p.Add('DESCRIPTION is empty') }

    # SYNTAX
    $sets = @($Command.ParameterSets)
    $allSetNames = @($sets | ForEach-Object Name)
    if ($sets.Count -eq 1) {
        if ($Page.Syntax.Count -ne 1) { $p.Add("SYNTAX has $($Page.Syntax.Count) blocks; $cmdName has one parameter set") }
        elseif ($Page.Syntax[0].SetName -and $Page.Syntax[0].SetName -notin @($sets[0].Name, '__AllParameterSets')) { $p.Add("SYNTAX heading '### $($Page.Syntax[0].SetName)' is not a parameter set of $cmdName (it has one set: $($sets[0].Name))") }
    }
    else {
        $documented = @($Page.Syntax | ForEach-Object SetName)
        foreach ($s in $allSetNames) { if ($s -notin $documented) { $p.Add("SYNTAX: parameter set '$s' is not documented (### $s)") } }
        foreach ($s in $documented) { if ($s -notin $allSetNames) { $p.Add("SYNTAX: '### $s' is not a parameter set of $cmdName (sets: $($allSetNames -join ', '))") } }
        foreach ($s in $Page.Syntax) {
            if ($s.IsDefault -and $s.SetName -ne $Command.DefaultParameterSet) { $p.Add("SYNTAX: '### $($s.SetName)' is marked (Default) but the default set is '$($Command.DefaultParameterSet)'") }
            if (-not $s.IsDefault -and $s.SetName -eq $Command.DefaultParameterSet) { $p.Add("SYNTAX: '### $($s.SetName)' is the default parameter set; head it '### $($s.SetName) (Default)'") }
        }
    }
    foreach ($s in $Page.Syntax) {
        $set = if ($sets.Count -eq 1) { $sets[0] } else { $sets | Where-Object Name -eq $s.SetName | Select-Object -First 1 }
        if (-not $set) { continue }
        $label = if ($s.SetName) { "SYNTAX '$($s.SetName)'" } else { 'SYNTAX' }
        if (-not $s.Code -or $s.Code.Trim() -notmatch "^$([regex]::Escape($cmdName))(\s|$)") { $p.Add("$($label): the code block must start with '$cmdName'"); continue }
        $inBlock = @([regex]::Matches($s.Code, '(?<![\w-])-(\w+)') | ForEach-Object { $_.Groups[1].Value } | Where-Object { $_ -ne 'CommonParameters' } | Sort-Object -Unique)
        $inSet = @($set.Parameters | ForEach-Object Name)
        foreach ($n in $inSet) { if ($n -notin $inBlock) { $p.Add("$($label): -$n is missing from the syntax line") } }
        foreach ($n in $inBlock) { if ($n -notin $inSet) { $p.Add("$($label): -$n is not a parameter of this set") } }
    }

    # PARAMETERS
    if (-not $Page.HasCommonParameters) { $p.Add("PARAMETERS: '### CommonParameters' is missing") }
    $docParams = @{}
    foreach ($dp in $Page.Parameters) {
        if ($docParams.ContainsKey($dp.Name)) { $p.Add("PARAMETERS: -$($dp.Name) is documented twice") }
        $docParams[$dp.Name] = $dp
    }
    foreach ($mp in $Command.Parameters) {
        if (-not $docParams.ContainsKey($mp.Name)) { $p.Add("PARAMETERS: -$($mp.Name) is not documented (### -$($mp.Name))") }
    }
    foreach ($dp in $Page.Parameters) {
        $mp = $Command.Parameters | Where-Object Name -eq $dp.Name | Select-Object -First 1
        $where = "PARAMETERS -$($dp.Name)"
        if (-not $mp) { $p.Add("$($where): $cmdName has no such parameter"); continue }
        if ($mp.Name -cne $dp.Name) { $p.Add("$($where): the parameter is spelled -$($mp.Name)") }
        if (-not $dp.Description) { $p.Add("$($where): the description is empty") }
        if ($dp.Yaml.Count -eq 0) { $p.Add("$($where): no yaml block"); continue }
        $coveredSets = [System.Collections.Generic.List[string]]::new()
        foreach ($y in $dp.Yaml) {
            $at = "$where (yaml at line $($y['#Line']))"
            foreach ($k in $script:YamlKeys) { if ($k -ne 'Accepted values' -and -not $y.Contains($k)) { $p.Add("$($at): '$($k):' is missing") } }
            foreach ($k in $y.Keys) { if ($k -ne '#Line' -and $k -notin $script:YamlKeys) { $p.Add("$($at): unknown key '$k'") } }
            if ($y.Contains('Type') -and $y['Type'] -ne $mp.Type -and $y['Type'] -ne $mp.TypeFullName) { $p.Add("$($at): Type is '$($y['Type'])', the cmdlet says '$($mp.Type)'") }
            if ($y.Contains('Aliases') -and -not (Test-DocsSetEqual (Split-DocsList $y['Aliases']) $mp.Aliases)) {
                $shown = if ($mp.Aliases.Count) { $mp.Aliases -join ', ' } else { '(none)' }
                $p.Add("$($at): Aliases are '$($y['Aliases'])', the cmdlet says '$shown'")
            }
            if ($y.Contains('Accept wildcard characters')) {
                $w = $y['Accept wildcard characters'] -match '^\s*True'
                if ($w -ne [bool]$mp.Wildcards) { $p.Add("$($at): Accept wildcard characters is '$($y['Accept wildcard characters'])', the cmdlet says '$([bool]$mp.Wildcards)'") }
            }
            $acc = if ($y.Contains('Accepted values')) { @(Split-DocsList $y['Accepted values']) } else { @() }
            if (-not (Test-DocsSetEqual $acc $mp.AcceptedValues)) {
                $want = if ($mp.AcceptedValues.Count) { $mp.AcceptedValues -join ', ' } else { '(no list)' }
                $p.Add("$($at): Accepted values are '$($acc -join ', ')', the cmdlet says '$want'")
            }
            if (-not $y.Contains('Parameter Sets')) { continue }
            $ySets = @(Split-DocsList $y['Parameter Sets'])
            if ($ySets -contains '(All)') {
                # (All) means every set of the cmdlet: Get-Help's SYNTAX would otherwise list the parameter in sets it is not in.
                $missing = @($allSetNames | Where-Object { $_ -notin $mp.Sets })
                if ($missing.Count) { $p.Add("$($at): Parameter Sets is '(All)', but -$($dp.Name) is only in: $($mp.Sets -join ', ') (name those sets)") }
                $ySets = @($mp.Sets)
            }
            foreach ($sn in $ySets) {
                if ($sn -notin $mp.Sets) { $p.Add("$($at): -$($dp.Name) is not in parameter set '$sn' (it is in: $($mp.Sets -join ', '))"); continue }
                $coveredSets.Add($sn)
                $set = $sets | Where-Object Name -eq $sn | Select-Object -First 1
                $sp = $set.Parameters | Where-Object Name -eq $mp.Name | Select-Object -First 1
                $setLabel = if ($allSetNames.Count -gt 1) { " in set '$sn'" } else { '' }
                if ($y.Contains('Required')) {
                    $req = $y['Required'] -match '^\s*True'
                    if ($req -ne [bool]$sp.Mandatory) { $p.Add("$($at): Required is '$($y['Required'])', the cmdlet says '$([bool]$sp.Mandatory)'$setLabel") }
                }
                if ($y.Contains('Position') -and $y['Position'] -ne $sp.Position) { $p.Add("$($at): Position is '$($y['Position'])', the cmdlet says '$($sp.Position)'$setLabel") }
                if ($y.Contains('Accept pipeline input')) {
                    $kinds = @(Get-DocsPipelineKinds $y['Accept pipeline input'])
                    $actual = @(); if ($sp.ByPropertyName) { $actual += 'ByPropertyName' }; if ($sp.ByValue) { $actual += 'ByValue' }
                    if (-not (Test-DocsSetEqual $kinds $actual)) {
                        $want = if ($actual.Count) { "True ($($actual -join ', '))" } else { 'False' }
                        $p.Add("$($at): Accept pipeline input is '$($y['Accept pipeline input'])', the cmdlet says '$want'$setLabel")
                    }
                }
            }
        }
        foreach ($sn in $mp.Sets) { if ($sn -notin $coveredSets -and $allSetNames.Count -gt 1) { $p.Add("$($where): parameter set '$sn' is not covered by any yaml block's 'Parameter Sets'") } }
    }

    # EXAMPLES
    $examples = @($Page.Examples)
    if ($examples.Count -lt 2) { $p.Add("EXAMPLES: $($examples.Count) example(s); at least two are required") }
    $anyPipeline = $false; $anyWhatIf = $false
    foreach ($e in $examples) {
        if ($e.Title -notmatch '^Example \d+') { $p.Add("EXAMPLES: '### $($e.Title)' (line $($e.Line)) should be headed '### Example N: title'") }
        if ($e.Blocks.Count -eq 0) { $p.Add("EXAMPLES: '$($e.Title)' has no ``````powershell code block"); continue }
        if (-not $e.Remarks) { $p.Add("EXAMPLES: '$($e.Title)' has no explanation after the code") }
        foreach ($b in $e.Blocks) {
            $r = Test-DocsExampleCode $b.Code
            foreach ($err in $r.Errors) { $p.Add("EXAMPLES: '$($e.Title)' (line $($b.Line)) does not parse: $($err.Message)") }
            if ($r.IsPipeline) { $anyPipeline = $true }
            if ($r.UsesWhatIf) { $anyWhatIf = $true }
            if ($Metadata) {
                foreach ($x in (Test-DocsCodeNames -Code $b.Code -Metadata $Metadata | Where-Object { $_ -notlike 'does not parse:*' })) { $p.Add("EXAMPLES: '$($e.Title)' $x") }
            }
            elseif ($ModuleCommands.Count) {
                foreach ($c in ($r.Commands | Where-Object { $_ -match '^\w+-Dbx\w+$' } | Sort-Object -Unique)) {
                    if ($c -notin $ModuleCommands) { $p.Add("EXAMPLES: '$($e.Title)' uses $c, which the module does not have") }
                }
            }
        }
    }
    if ($examples.Count -and -not $anyPipeline) { $p.Add('EXAMPLES: no example uses a pipeline (a | b)') }
    if ($Command.SupportsShouldProcess -and -not $anyWhatIf) { $p.Add("EXAMPLES: $cmdName changes something (SupportsShouldProcess) but no example uses -WhatIf") }

    # OUTPUTS against [OutputType]
    $docOut = @($Page.Outputs | ForEach-Object Type)
    foreach ($t in $Command.OutputTypes) {
        $short = ($t -split '\.')[-1]
        $ok = if ($t -eq 'System.Void') { $docOut | Where-Object { $_ -in 'None', 'System.Void' } } else { $docOut | Where-Object { $_ -eq $t -or $_ -eq $short } }
        if (-not $ok) { $p.Add("OUTPUTS: [OutputType] $t is not documented (### $t)") }
    }
    foreach ($d in $docOut) {
        if ($d -in 'None', 'System.Void' -and ($Command.OutputTypes -contains 'System.Void' -or $Command.OutputTypes.Count -eq 0)) { continue }
        if (-not ($Command.OutputTypes | Where-Object { $_ -eq $d -or ($_ -split '\.')[-1] -eq $d })) { $p.Add("OUTPUTS: '### $d' is not an [OutputType] of $cmdName ($(@($Command.OutputTypes) -join ', '))") }
    }
    if ($Page.Inputs.Count -eq 0) { $p.Add("INPUTS: list the pipeline input types (### Type), or '### None'") }
    $p
}

function Test-DocsModulePage {
    param([Parameter(Mandatory)]$Page, [Parameter(Mandatory)]$Metadata)
    $p = [System.Collections.Generic.List[string]]::new()
    foreach ($x in $Page.Problems) { $p.Add($x) }
    foreach ($k in 'Module Name', 'Module Guid', 'Download Help Link', 'Help Version', 'Locale') { if (-not $Page.FrontMatter.Contains($k)) { $p.Add("front matter: '$($k):' is missing") } }
    if ($Page.FrontMatter.Contains('Module Guid') -and $Page.FrontMatter['Module Guid'] -ne $Metadata.Guid) { $p.Add("front matter: Module Guid is '$($Page.FrontMatter['Module Guid'])', the manifest says '$($Metadata.Guid)'") }
    if ($Page.Title -ne "$($Metadata.Name) Module") { $p.Add("title must be '# $($Metadata.Name) Module'") }
    if (-not $Page.Sections.Contains('DESCRIPTION') -or -not (Get-DocsProse $Page.Sections['DESCRIPTION'].Lines)) { $p.Add("'## Description' is missing or empty") }
    $listKey = "$($Metadata.Name) CMDLETS".ToUpperInvariant()
    if (-not $Page.Sections.Contains($listKey)) { $p.Add("'## $($Metadata.Name) Cmdlets' is missing") }
    else {
        # Entries are '### [Name](Name.md)' (PlatyPS' flat list), or '#### [Name](Name.md)' under an area heading '### Area'.
        $listed = @()
        $linkPattern = '^\[([\w-]+)\]\(([\w-]+)\.md\)$'
        foreach ($e in (Split-DocsHeadings $Page.Sections[$listKey].Lines 3)) {
            $items = @($e)
            $level = '###'
            if ($e.Heading -notmatch $linkPattern) {
                $items = @(Split-DocsHeadings $e.Lines 4)
                $level = '####'
                if (-not $items.Count) { $p.Add("cmdlet list: '### $($e.Heading)' is neither '### [Name](Name.md)' nor an area heading followed by '#### [Name](Name.md)' entries"); continue }
            }
            foreach ($i in $items) {
                if ($i.Heading -notmatch $linkPattern -or $Matches[1] -ne $Matches[2]) { $p.Add("cmdlet list: '$level $($i.Heading)' should be '$level [Name](Name.md)'"); continue }
                $listed += $Matches[1]
                if (-not (Get-DocsProse $i.Lines)) { $p.Add("cmdlet list: $($Matches[1]) has no description") }
            }
        }
        foreach ($c in ($listed | Group-Object | Where-Object Count -gt 1)) { $p.Add("cmdlet list: $($c.Name) is listed $($c.Count) times") }
        $exported = @($Metadata.Commands | ForEach-Object Name)
        foreach ($c in $exported) { if ($c -notin $listed) { $p.Add("cmdlet list: $c is missing") } }
        foreach ($c in $listed) { if ($c -notin $exported) { $p.Add("cmdlet list: $c is not a cmdlet of the module") } }
    }
    foreach ($x in [regex]::Matches($Page.Raw, $script:PlaceholderPattern)) { $p.Add("unfilled placeholder $($x.Value)") }
    $p
}

function Test-DocsAboutPage {
    param([Parameter(Mandatory)]$Page, $Metadata)
    $p = [System.Collections.Generic.List[string]]::new()
    foreach ($x in $Page.Problems) { $p.Add($x) }
    if ($Metadata) {
        foreach ($b in (Get-DocsCodeBlocks $Page)) {
            foreach ($x in (Test-DocsCodeNames -Code $b.Code -Metadata $Metadata)) { $p.Add("code block at line $($b.Line): $x") }
        }
    }
    if ($Page.Title -ne $Page.Name) { $p.Add("title must be '# $($Page.Name)'") }
    foreach ($s in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if (-not $Page.Sections.Contains($s) -or -not (Get-DocsProse $Page.Sections[$s].Lines)) { $p.Add("'## $s' is missing or empty") }
    }
    foreach ($x in [regex]::Matches($Page.Raw, $script:PlaceholderPattern)) { $p.Add("unfilled placeholder $($x.Value)") }
    $p
}

function Test-DocsSet {
    <# Checks every page of a docs folder against module metadata (from Get-DocsModuleMetadata).
       Returns problem strings, each prefixed with the file name. #>
    param([Parameter(Mandatory)][string]$DocsDir, [Parameter(Mandatory)]$Metadata, [string[]]$RequiredAbout = @())
    $problems = [System.Collections.Generic.List[string]]::new()
    $pages = @(Get-DocsPages $DocsDir)
    $names = @($Metadata.Commands | ForEach-Object Name)
    foreach ($c in $Metadata.Commands) {
        $page = $pages | Where-Object { $_.Kind -eq 'Cmdlet' -and $_.Name -eq $c.Name } | Select-Object -First 1
        if (-not $page) { $problems.Add("$($c.Name).md: missing: $($c.Name) is exported but has no page (generate one with build/New-DocsPage.ps1 -Name $($c.Name))"); continue }
        foreach ($x in (Test-DocsCmdletPage -Page $page -Command $c -ModuleCommands $names -Metadata $Metadata)) { $problems.Add("$($c.Name).md: $x") }
    }
    foreach ($page in $pages) {
        switch ($page.Kind) {
            'Cmdlet' { if ($page.Name -notin $names) { $problems.Add("$($page.Name).md: there is no exported cmdlet $($page.Name) (a renamed or removed cmdlet?)") } }
            'Module' { foreach ($x in (Test-DocsModulePage -Page $page -Metadata $Metadata)) { $problems.Add("$($page.Name).md: $x") } }
            'About' { foreach ($x in (Test-DocsAboutPage -Page $page -Metadata $Metadata)) { $problems.Add("$($page.Name).md: $x") } }
        }
    }
    if (-not ($pages | Where-Object Kind -eq 'Module')) { $problems.Add("$($Metadata.Name).md: missing: the module page") }
    foreach ($a in $RequiredAbout) { if (-not ($pages | Where-Object Name -eq $a)) { $problems.Add("$a.md: missing: the about topic") } }
    $problems
}

# ---------------------------------------------------------------------------------------------------------------
# Compiling: MAML and about_*.help.txt
# ---------------------------------------------------------------------------------------------------------------

function ConvertFrom-DocsInline([string]$Text) {
    # Markdown inline markup as plain text for Get-Help: `code` and **bold** lose their markers, links read "text (url)".
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]+)\)', '$1 ($2)')
    $Text = [regex]::Replace($Text, '(`+)(.+?)\1', '$2')
    [regex]::Replace($Text, '\*\*(\S(?:.*?\S)?)\*\*', '$1')
}

function Get-DocsParagraphs {
    # Markdown prose -> paragraphs for MAML: blank-line separated, list items separate, inline markup as plain text.
    param([string]$Text)
    if (-not $Text) { return @() }
    $Text = ConvertFrom-DocsInline $Text
    $paras = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $flush = { if ($current.Count) { $paras.Add(($current -join ' ').Trim()); $current.Clear() } }
    foreach ($line in ($Text -split "`n")) {
        if ($line.Trim() -eq '') { & $flush; continue }
        if ($line -match '^\s*([-*]|\d+\.)\s+') { & $flush }
        $current.Add($line.Trim())
    }
    & $flush
    $paras
}

function Get-DocsSectionText {
    # Prose and code of a section, in order, as paragraphs (code kept verbatim, indented).
    param([object[]]$Lines)
    $out = [System.Collections.Generic.List[string]]::new()
    $prose = [System.Collections.Generic.List[object]]::new()
    $code = $null
    foreach ($l in $Lines) {
        if ($l.IsFence) {
            if ($null -eq $code) {
                foreach ($x in (Get-DocsParagraphs (Get-DocsProse $prose.ToArray()))) { $out.Add($x) }
                $prose.Clear(); $code = [System.Collections.Generic.List[string]]::new()
            }
            else { $out.Add((((Format-DocsMamlCode ($code -join "`n") 66) -split "`n" | ForEach-Object { "    $_" }) -join "`n")); $code = $null }
            continue
        }
        if ($null -ne $code) { $code.Add($l.Text) } else { $prose.Add($l) }
    }
    foreach ($x in (Get-DocsParagraphs (Get-DocsProse $prose.ToArray()))) { $out.Add($x) }
    $out
}

# Get-Help indents a paragraph by 4 or 8 columns and cuts it at the console width wherever the width falls, inside
# a word too. Prose paragraphs are therefore wrapped here, between words, short enough for 80 columns at the deepest
# indent; code paragraphs (indented, or several lines) are kept as written.
$script:MamlParaWidth = 70

function Format-DocsMamlPara([string]$Para) {
    if (-not $Para -or $Para.Contains("`n") -or $Para -match '^\s') { return $Para }
    ConvertTo-DocsWrapped $Para '' $script:MamlParaWidth
}

function Format-DocsMamlCode([string]$Code, [int]$Width) {
    <# Example code as Get-Help shows it: a line longer than $Width is broken where PowerShell lets a line go on,
       after a pipe or a comma, or before a parameter with a backtick continuation, so a copied example still
       runs and no id or parameter name is cut in two. A line with nowhere to break is kept. #>
    $out = foreach ($line in ($Code -split "`n")) {
        $indent = ($line -replace '^(\s*).*$', '$1') + '    '
        while ($line.Length -gt $Width) {
            $tokens = $null; $errors = $null
            [void][System.Management.Automation.Language.Parser]::ParseInput($line, [ref]$tokens, [ref]$errors)
            $cut = -1; $tick = $false; $any = -1
            foreach ($t in $tokens) {
                $start = $t.Extent.StartOffset; $end = $t.Extent.EndOffset
                if ($t.Kind -in 'Pipe', 'Comma', 'Semi', 'LCurly', 'AtCurly', 'Plus', 'And', 'Or', 'Equals' -and $end -le $Width -and $end -gt $indent.Length -and $end -lt $line.TrimEnd().Length) { if ($end -gt $cut) { $cut = $end; $tick = $false } }
                elseif ($t.Kind -eq 'Parameter' -and $start + 2 -le $Width -and $start -gt $indent.Length) { if ($start -gt $cut) { $cut = $start; $tick = $true } }
                elseif ($t.Kind -eq 'Comment' -and $start -le $Width -and $start -gt $indent.Length) { if ($start -gt $cut) { $cut = $start; $tick = $false } }
                if ($t.Kind -notin 'EndOfInput', 'NewLine', 'Comment' -and $start + 2 -le $Width -and $start -gt $indent.Length -and $line[$start - 1] -eq ' ') { $any = [Math]::Max($any, $start) }
            }
            # Any other token that follows a space will do, with a backtick, when there is no better place.
            if ($cut -lt $Width / 2 -and $any -gt $cut) { $cut = $any; $tick = $true }
            $comment = $tokens | Where-Object { $_.Kind -eq 'Comment' -and $_.Extent.StartOffset -lt $Width -and $_.Extent.EndOffset -gt $Width -and $_.Text -notmatch "`n" } | Select-Object -First 1
            if ($comment -and $cut -le $comment.Extent.StartOffset) {
                # A comment that crosses the width goes on, as a comment, on the next line.
                $space = $line.LastIndexOf(' ', $Width - 1)
                if ($space -gt $comment.Extent.StartOffset + 1) {
                    $line.Substring(0, $space).TrimEnd()
                    $line = $indent + '# ' + $line.Substring($space).TrimStart()
                    continue
                }
            }
            if ($cut -lt 0) { break }
            $line.Substring(0, $cut).TrimEnd() + $(if ($tick) { ' `' } else { '' })
            $line = $indent + $line.Substring($cut).TrimStart()
        }
        $line
    }
    $wrapped = $out -join "`n"
    # Only a display change: if the wrapped code does not parse as the original did, show the original.
    $e1 = $null; $e2 = $null; $t = $null
    [void][System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$t, [ref]$e1)
    [void][System.Management.Automation.Language.Parser]::ParseInput($wrapped, [ref]$t, [ref]$e2)
    if (@($e2).Count -gt @($e1).Count) { return $Code }
    $wrapped
}

function Write-MamlParas([System.Xml.XmlWriter]$W, [string[]]$Paras, [string]$Element = 'maml:description') {
    $W.WriteStartElement($Element.Split(':')[0], $Element.Split(':')[1], $script:Ns[$Element.Split(':')[0]])
    if (-not $Paras -or $Paras.Count -eq 0) { $W.WriteElementString('maml', 'para', $script:Ns.maml, '') }
    foreach ($para in $Paras) { $W.WriteElementString('maml', 'para', $script:Ns.maml, (Format-DocsMamlPara $para)) }
    $W.WriteEndElement()
}

$script:Ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

function Get-DocsParameterView {
    # One documented parameter as seen in one parameter set (or its first yaml block when $Set is null).
    param($Parameter, [string]$Set, [string[]]$AllSets)
    $chosen = $null
    foreach ($y in $Parameter.Yaml) {
        $s = @(Split-DocsList $y['Parameter Sets'])
        if (-not $Set -or $s -contains '(All)' -or $s -contains $Set -or ($AllSets.Count -le 1)) { $chosen = $y; break }
    }
    if (-not $chosen) { return $null }
    $get = { param($k, $d) if ($chosen.Contains($k) -and $chosen[$k] -ne '') { $chosen[$k] } else { $d } }
    $pos = & $get 'Position' 'Named'
    [pscustomobject]@{
        Name      = $Parameter.Name
        Type      = & $get 'Type' 'Object'
        Required  = (& $get 'Required' 'False') -match '^\s*True'
        Position  = if ($pos -eq 'Named') { 'named' } else { $pos }
        Pipeline  = & $get 'Accept pipeline input' 'False'
        Aliases   = (@(Split-DocsList (& $get 'Aliases' '')) -join ', ')
        Globbing  = (& $get 'Accept wildcard characters' 'False') -match '^\s*True'
        Default   = & $get 'Default value' 'None'
        Accepted  = @(Split-DocsList (& $get 'Accepted values' ''))
        IsSwitch  = (& $get 'Type' '') -eq 'SwitchParameter'
        Paras     = Get-DocsParagraphs $Parameter.Description
    }
}

function Write-MamlParameter([System.Xml.XmlWriter]$W, $View, [bool]$InSyntax) {
    $ns = $script:Ns
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $View.Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', ($View.Type -match '\[\]$').ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', $View.Globbing.ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $View.Pipeline)
    $W.WriteAttributeString('position', $View.Position)
    $W.WriteAttributeString('aliases', $(if ($View.Aliases) { (ConvertTo-DocsWrapped $View.Aliases (' ' * 37) 78).TrimStart() -replace "`n {8}", "`n" } else { 'none' }))
    $W.WriteElementString('maml', 'name', $ns.maml, $View.Name)
    Write-MamlParas $W $View.Paras
    if ($View.Accepted.Count) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $View.Accepted) {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false'); $W.WriteAttributeString('variableLength', 'false')
            $W.WriteString($v); $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    if (-not ($InSyntax -and $View.IsSwitch)) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', $(if ($View.IsSwitch) { 'false' } else { 'true' }))
        $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($View.Type); $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $View.Type); $W.WriteElementString('maml', 'uri', $ns.maml, ''); $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, $View.Default)
    $W.WriteEndElement()
}

function Write-MamlCommand([System.Xml.XmlWriter]$W, $Page) {
    $ns = $script:Ns
    $name = $Page.Name
    $verb, $noun = $name -split '-', 2
    $W.WriteStartElement('command', 'command', $ns.command)
    foreach ($k in 'maml', 'command', 'dev', 'MSHelp') { $W.WriteAttributeString('xmlns', $k, $null, $ns[$k]) }
    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $name)
    $W.WriteElementString('command', 'verb', $ns.command, $verb)
    $W.WriteElementString('command', 'noun', $ns.command, $noun)
    Write-MamlParas $W (Get-DocsParagraphs $Page.Synopsis)
    $W.WriteEndElement()
    Write-MamlParas $W (Get-DocsSectionText @($Page.Sections['DESCRIPTION'].Lines))

    # Syntax: one item per documented set, parameters from the yaml blocks that cover the set.
    $setNames = @($Page.Syntax | ForEach-Object { $_.SetName })
    $W.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $setNames) {
        $views = @($Page.Parameters | ForEach-Object { Get-DocsParameterView $_ $set $setNames } | Where-Object { $_ })
        $views = @($views | Where-Object { $_.Position -ne 'named' } | Sort-Object { [int]$_.Position }) + @($views | Where-Object { $_.Position -eq 'named' -and $_.Required }) + @($views | Where-Object { $_.Position -eq 'named' -and -not $_.Required })
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $name)
        foreach ($v in $views) { Write-MamlParameter $W $v $true }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($prm in $Page.Parameters) { $v = Get-DocsParameterView $prm $null $setNames; if ($v) { Write-MamlParameter $W $v $false } }
    $W.WriteEndElement()

    foreach ($pair in @(@('inputTypes', 'inputType', $Page.Inputs), @('returnValues', 'returnValue', $Page.Outputs))) {
        $W.WriteStartElement('command', $pair[0], $ns.command)
        foreach ($t in $pair[2]) {
            $W.WriteStartElement('command', $pair[1], $ns.command)
            $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $t.Type); $W.WriteEndElement()
            Write-MamlParas $W (Get-DocsParagraphs $t.Description)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }

    $W.WriteStartElement('maml', 'alertSet', $ns.maml)
    $W.WriteStartElement('maml', 'alert', $ns.maml)
    foreach ($para in (Get-DocsSectionText @($Page.Sections['NOTES'].Lines))) { $W.WriteElementString('maml', 'para', $ns.maml, (Format-DocsMamlPara $para)) }
    $W.WriteEndElement(); $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $ns.command)
    foreach ($e in $Page.Examples) {
        $W.WriteStartElement('command', 'example', $ns.command)
        $dashes = "-" * [Math]::Max(0, [Math]::Min(26, [Math]::Floor((70 - $e.Title.Length) / 2)))
        $title = if ($dashes.Length -ge 2) { "$dashes $($e.Title) $dashes" } else { ConvertTo-DocsWrapped $e.Title '' 72 }
        $W.WriteElementString('maml', 'title', $ns.maml, $title)
        $W.WriteElementString('dev', 'code', $ns.dev, (Format-DocsMamlCode $e.Code 74))
        $W.WriteStartElement('dev', 'remarks', $ns.dev)
        foreach ($para in (Get-DocsParagraphs $e.Remarks)) { $W.WriteElementString('maml', 'para', $ns.maml, (Format-DocsMamlPara $para)) }
        $W.WriteElementString('maml', 'para', $ns.maml, '')
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    $online = if ($Page.FrontMatter.Contains('online version')) { $Page.FrontMatter['online version'] } else { '' }
    if ($online) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml); $W.WriteElementString('maml', 'linkText', $ns.maml, 'Online Version:'); $W.WriteElementString('maml', 'uri', $ns.maml, $online); $W.WriteEndElement()
    }
    foreach ($l in $Page.RelatedLinks) {
        $uri = if ($l.Uri -match '^https?://') { $l.Uri } else { '' }
        # Get-Help shows "text uri" on one line; a pair too long for 80 columns gets the address on a line of its own.
        $links = [System.Collections.Generic.List[object]]::new()
        if ($uri -and $l.Text.Length + $uri.Length -gt 70) { $links.Add(@{ Text = $l.Text; Uri = '' }); $links.Add(@{ Text = ''; Uri = $uri }) }
        else { $links.Add(@{ Text = $l.Text; Uri = $uri }) }
        foreach ($x in $links) {
            $W.WriteStartElement('maml', 'navigationLink', $ns.maml); $W.WriteElementString('maml', 'linkText', $ns.maml, $x.Text)
            $W.WriteElementString('maml', 'uri', $ns.maml, $x.Uri); $W.WriteEndElement()
        }
    }
    $W.WriteEndElement()
    $W.WriteEndElement()
}

function Write-DocsMaml {
    # Writes the MAML help file for every cmdlet page.
    param([Parameter(Mandatory)][object[]]$Pages, [Parameter(Mandatory)][string]$Path)
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $w = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', 'http://msh')
        $w.WriteAttributeString('schema', 'maml')
        foreach ($page in ($Pages | Where-Object Kind -eq 'Cmdlet')) { Write-MamlCommand $w $page }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    }
    finally { $w.Dispose() }
}

function ConvertTo-DocsWrapped([string]$Text, [string]$Indent, [int]$Width = 80) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ''
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($line -and ($Indent.Length + $line.Length + 1 + $word.Length) -gt $Width) { $lines.Add($Indent + $line); $line = $word }
        elseif ($line) { $line += ' ' + $word } else { $line = $word }
    }
    if ($line) { $lines.Add($Indent + $line) }
    $lines -join "`n"
}

function ConvertTo-DocsAboutText {
    # An about_*.md topic as the about_*.help.txt Get-Help shows: headings upper-case, text wrapped at 80 and
    # indented, code blocks verbatim and indented further.
    param([Parameter(Mandatory)]$Page)
    $sb = [System.Text.StringBuilder]::new()
    [void]$sb.AppendLine('TOPIC').AppendLine("    $($Page.Name.ToLowerInvariant())").AppendLine()
    $lines = @(Split-DocsLines (([IO.File]::ReadAllText($Page.Path) -replace "`r`n", "`n") -split "`n"))
    $para = [System.Collections.Generic.List[string]]::new()
    $inCode = $false
    $indent = '    '
    $flush = {
        if ($para.Count) {
            $text = ConvertFrom-DocsInline ($para -join ' ')
            $bullet = $text -match '^([-*]|\d+\.)\s+'
            if ($bullet) { $w = ConvertTo-DocsWrapped $text ($indent) 80; $w = ($w -split "`n" | ForEach-Object -Begin { $first = $true } -Process { if ($first) { $first = $false; $_ } else { "  $_" } }) -join "`n" }
            else { $w = ConvertTo-DocsWrapped $text $indent 80 }
            [void]$sb.AppendLine($w).AppendLine()
            $para.Clear()
        }
    }
    foreach ($l in $lines) {
        if ($l.IsFence) { & $flush; $inCode = -not $inCode; if (-not $inCode) { [void]$sb.AppendLine() }; continue }
        if ($inCode) { [void]$sb.AppendLine("        $($l.Text)"); continue }
        if ($l.Text -match '^#\s') { continue }
        if ($l.Text -match '^(#{2,})\s+(.*)$') {
            & $flush
            $level = $Matches[1].Length
            if ($level -eq 2) { [void]$sb.AppendLine($Matches[2].ToUpperInvariant()); $indent = '    ' }
            else { [void]$sb.AppendLine("  $($Matches[2])"); $indent = '    ' }
            continue
        }
        if ($l.Text -match '^\s*<!--.*-->\s*$') { continue }
        if ($l.Text.Trim() -eq '') { & $flush; continue }
        if ($l.Text -match '^\s*([-*]|\d+\.)\s+') { & $flush }
        $para.Add($l.Text.Trim())
    }
    & $flush
    $sb.ToString().TrimEnd() + "`n"
}

function Invoke-DocsCompile {
    <# Compiles docs/cmdlets into the built module: en-US/<assembly>-Help.xml and en-US/about_*.help.txt.
       Pure text work (the module is not loaded), so it is cheap enough to run on every build. #>
    param([Parameter(Mandatory)][string]$DocsDir, [Parameter(Mandatory)][string]$ModuleDir)
    $pages = @(Get-DocsPages $DocsDir)
    $out = New-Item -ItemType Directory -Path (Join-Path $ModuleDir 'en-US') -Force
    Get-ChildItem $out -Filter 'about_*.help.txt' | Remove-Item -Force
    $cmdletPages = @($pages | Where-Object Kind -eq 'Cmdlet')
    foreach ($pg in $cmdletPages) {
        foreach ($s in 'SYNOPSIS', 'DESCRIPTION', 'NOTES') { if (-not $pg.Sections.Contains($s)) { $pg.Sections[$s] = [pscustomobject]@{ Heading = $s; Line = 0; Lines = @() } } }
    }
    Write-DocsMaml -Pages $cmdletPages -Path (Join-Path $out $script:HelpFileName)
    foreach ($pg in ($pages | Where-Object Kind -eq 'About')) {
        [IO.File]::WriteAllText((Join-Path $out "$($pg.Name).help.txt"), (ConvertTo-DocsAboutText $pg), [System.Text.UTF8Encoding]::new($false))
    }
    [pscustomobject]@{ Cmdlets = $cmdletPages.Count; About = @($pages | Where-Object Kind -eq 'About').Count; Path = $out.FullName }
}

# ---------------------------------------------------------------------------------------------------------------
# The module page's cmdlet list, grouped by area
# ---------------------------------------------------------------------------------------------------------------

# Headings of the areas (src/DatabricksNetworking.PowerShell/Cmdlets/<Area>/), in the order the module page lists
# them; an area not named here is listed after these under its folder name.
$script:AreaTitles = [ordered]@{
    Connection = 'Connecting and calling the API'
    Classic    = 'Workspaces and classic compute networking (customer-managed VPC, PrivateLink)'
    IpAccess   = 'IP access lists'
    Serverless = 'Serverless compute networking'
    Aws        = 'The AWS side (VPC endpoints, security groups, VPC checks)'
    Firewall   = 'Firewall rules and published IP ranges'
    Emulator   = 'The emulator'
}

function Get-DocsCmdletAreas {
    # Cmdlet name -> area (the folder under Cmdlets/ whose .cs file declares its [Cmdlet] attribute).
    param([Parameter(Mandatory)][string]$CmdletsDir)
    $map = @{}
    foreach ($f in (Get-ChildItem $CmdletsDir -Recurse -Filter *.cs)) {
        $area = [IO.Path]::GetRelativePath($CmdletsDir, $f.FullName).Split([IO.Path]::DirectorySeparatorChar, [IO.Path]::AltDirectorySeparatorChar)[0]
        foreach ($m in [regex]::Matches([IO.File]::ReadAllText($f.FullName), '\[Cmdlet\(\s*Verbs\w+\.(\w+)\s*,\s*"(\w+)"')) {
            $map["$($m.Groups[1].Value)-$($m.Groups[2].Value)"] = $area
        }
    }
    $map
}

function New-DocsCmdletListText {
    # The '## <Module> Cmdlets' section: one '### Area' per area, one '#### [Name](Name.md)' per cmdlet with its synopsis.
    param([Parameter(Mandatory)][object[]]$Commands, [Parameter(Mandatory)][hashtable]$Areas, [Parameter(Mandatory)][string]$DocsDir)
    $nl = "`n"
    $sb = [System.Text.StringBuilder]::new("## $script:ModuleName Cmdlets$nl")
    $byArea = $Commands | Group-Object { if ($Areas.ContainsKey($_.Name)) { $Areas[$_.Name] } else { 'Other' } }
    $order = @($script:AreaTitles.Keys) + @($byArea.Name | Where-Object { $_ -notin $script:AreaTitles.Keys } | Sort-Object)
    foreach ($area in $order) {
        $group = $byArea | Where-Object Name -eq $area
        if (-not $group) { continue }
        $title = if ($script:AreaTitles.Contains($area)) { $script:AreaTitles[$area] } else { $area }
        [void]$sb.Append("$nl### $title$nl")
        $verbRank = { $i = [array]::IndexOf(@('Connect', 'Disconnect', 'Get', 'Test', 'Wait', 'New', 'Add', 'Set', 'Update', 'Enable', 'Disable', 'Remove', 'Start', 'Stop', 'Invoke'), $_.Verb); if ($i -lt 0) { 99 } else { $i } }
        foreach ($c in ($group.Group | Sort-Object Noun, $verbRank, Verb)) {
            $page = Join-Path $DocsDir "$($c.Name).md"
            $synopsis = if (Test-Path $page) { (Read-DocsPage $page).Synopsis -replace '\s+', ' ' } else { '' }
            if (-not $synopsis) { $synopsis = '{{ Fill in the Synopsis of ' + $c.Name + '.md first }}' }
            [void]$sb.Append("$nl#### [$($c.Name)]($($c.Name).md)$nl$synopsis$nl")
        }
    }
    $sb.ToString()
}

function Update-DocsModulePage {
    <# Rewrites the cmdlet list of docs/cmdlets/<Module>.md from the module's cmdlets, grouped by area, each with the
       synopsis of its page; the rest of the page is kept. Returns the new text. #>
    param([Parameter(Mandatory)][string]$DocsDir, [Parameter(Mandatory)]$Metadata, [Parameter(Mandatory)][string]$CmdletsDir)
    $path = Join-Path $DocsDir "$script:ModuleName.md"
    $text = ([IO.File]::ReadAllText($path)) -replace "`r`n", "`n"
    $list = New-DocsCmdletListText -Commands @($Metadata.Commands) -Areas (Get-DocsCmdletAreas $CmdletsDir) -DocsDir $DocsDir
    $pattern = "(?ms)^## $([regex]::Escape($script:ModuleName)) Cmdlets\s*\n.*?(?=^## |\z)"
    $m = [regex]::Match($text, $pattern)
    $new = if (-not $m.Success) { $text.TrimEnd() + "`n`n" + $list }
    else { $text.Substring(0, $m.Index) + $list + $(if ($m.Index + $m.Length -lt $text.Length) { "`n" + $text.Substring($m.Index + $m.Length) } else { '' }) }
    $new = $new.TrimEnd() + "`n"
    [IO.File]::WriteAllText($path, $new, [System.Text.UTF8Encoding]::new($false))
    $new
}

# ---------------------------------------------------------------------------------------------------------------
# A skeleton page for a new cmdlet
# ---------------------------------------------------------------------------------------------------------------

function Get-DocsSyntaxLine {
    param($Command, $Set)
    $parts = [System.Collections.Generic.List[string]]::new()
    $parts.Add($Command.Name)
    $ordered = @($Set.Parameters | Where-Object { $_.Position -ne 'Named' } | Sort-Object { [int]$_.Position }) + @($Set.Parameters | Where-Object { $_.Position -eq 'Named' -and $_.Mandatory }) + @($Set.Parameters | Where-Object { $_.Position -eq 'Named' -and -not $_.Mandatory })
    foreach ($sp in $ordered) {
        $mp = $Command.Parameters | Where-Object Name -eq $sp.Name | Select-Object -First 1
        $text = if ($mp.IsSwitch) { "-$($sp.Name)" } elseif ($sp.Position -ne 'Named') { "[-$($sp.Name)] <$($mp.Type)>" } else { "-$($sp.Name) <$($mp.Type)>" }
        if (-not $sp.Mandatory) { $text = "[$text]" }
        $parts.Add($text)
    }
    $parts.Add('[<CommonParameters>]')
    $parts -join ' '
}

function New-DocsPageText {
    # A schema-correct page for one cmdlet of the metadata; every piece of prose is a {{ ... }} placeholder.
    param([Parameter(Mandatory)]$Command)
    $sb = [System.Text.StringBuilder]::new()
    $nl = "`n"
    [void]$sb.Append("---$nl" + "external help file: $script:HelpFileName$nl" + "Module Name: $script:ModuleName$nl" + "online version: $($Command.HelpUri)$nl" + "schema: 2.0.0$nl---$nl$nl")
    [void]$sb.Append("# $($Command.Name)$nl$nl## SYNOPSIS$nl{{ Fill in the Synopsis }}$nl$nl## SYNTAX$nl$nl")
    $sets = @($Command.ParameterSets)
    foreach ($set in $sets) {
        if ($sets.Count -gt 1) { [void]$sb.Append("### $($set.Name)$(if ($set.IsDefault) { ' (Default)' })$nl") }
        [void]$sb.Append('```' + $nl + (Get-DocsSyntaxLine $Command $set) + $nl + '```' + "$nl$nl")
    }
    [void]$sb.Append("## DESCRIPTION$nl{{ Fill in the Description }}$nl$nl## EXAMPLES$nl$nl")
    $ex2 = if ($Command.SupportsShouldProcess) { "{{ Add a pipeline example with -WhatIf, e.g. Get-Dbx... | $($Command.Name) -WhatIf }}" } else { "{{ Add a pipeline example, e.g. Get-Dbx... | $($Command.Name) }}" }
    [void]$sb.Append("### Example 1: {{ title }}$nl" + '```powershell' + "$nl{{ Add example code here }}$nl" + '```' + "$nl$nl{{ Add example description here }}$nl$nl")
    [void]$sb.Append("### Example 2: {{ title }}$nl" + '```powershell' + "$nl$ex2$nl" + '```' + "$nl$nl{{ Add example description here }}$nl$nl")
    [void]$sb.Append("## PARAMETERS$nl$nl")
    foreach ($mp in ($Command.Parameters | Sort-Object Name)) {
        # One yaml block per group of sets in which the parameter behaves the same.
        $groups = [ordered]@{}
        foreach ($sn in $mp.Sets) {
            $sp = ($sets | Where-Object Name -eq $sn).Parameters | Where-Object Name -eq $mp.Name | Select-Object -First 1
            $key = "$($sp.Mandatory)|$($sp.Position)|$($sp.ByValue)|$($sp.ByPropertyName)"
            if (-not $groups.Contains($key)) { $groups[$key] = [pscustomobject]@{ P = $sp; Sets = [System.Collections.Generic.List[string]]::new() } }
            $groups[$key].Sets.Add($sn)
        }
        [void]$sb.Append("### -$($mp.Name)$nl{{ Fill $($mp.Name) Description }}$nl$nl")
        foreach ($g in $groups.Values) {
            $setText = if ($g.Sets.Count -eq $sets.Count) { '(All)' } else { $g.Sets -join ', ' }
            $pipe = @(); if ($g.P.ByPropertyName) { $pipe += 'ByPropertyName' }; if ($g.P.ByValue) { $pipe += 'ByValue' }
            $pipeText = if ($pipe.Count) { "True ($($pipe -join ', '))" } else { 'False' }
            $default = if ($mp.IsSwitch) { 'False' } else { 'None' }
            [void]$sb.Append('```yaml' + $nl + "Type: $($mp.Type)$nl" + "Parameter Sets: $setText$nl" + "Aliases: $(@($mp.Aliases) -join ', ')".TrimEnd() + $nl)
            if ($mp.AcceptedValues.Count) { [void]$sb.Append("Accepted values: $(@($mp.AcceptedValues) -join ', ')$nl") }
            [void]$sb.Append("$nl" + "Required: $([bool]$g.P.Mandatory)$nl" + "Position: $($g.P.Position)$nl" + "Default value: $default$nl" + "Accept pipeline input: $pipeText$nl" + "Accept wildcard characters: $([bool]$mp.Wildcards)$nl" + '```' + "$nl$nl")
        }
    }
    [void]$sb.Append("### CommonParameters$nl" + 'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).' + "$nl$nl")
    [void]$sb.Append("## INPUTS$nl$nl")
    $inputs = @($Command.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object { $_.ByValue -or $_.ByPropertyName } | ForEach-Object { $n = $_.Name; ($Command.Parameters | Where-Object Name -eq $n).TypeFullName } | Sort-Object -Unique)
    if (-not $inputs) { $inputs = @('None') }
    foreach ($t in $inputs) { [void]$sb.Append("### $t$nl{{ Fill in the input description }}$nl$nl") }
    [void]$sb.Append("## OUTPUTS$nl$nl")
    $outputs = @($Command.OutputTypes | ForEach-Object { if ($_ -eq 'System.Void') { 'None' } else { $_ } })
    foreach ($t in $outputs) { [void]$sb.Append("### $t$nl{{ Fill in the output description }}$nl$nl") }
    [void]$sb.Append("## NOTES$nl{{ Fill in the notes }}$nl$nl## RELATED LINKS$nl$nl[about_DatabricksNetworking](about_DatabricksNetworking.md)$nl")
    $sb.ToString()
}

Export-ModuleMember -Function Read-DocsPage, Get-DocsPages, Get-DocsCodeBlocks, Export-DocsCommandMetadata, Get-DocsModuleMetadata, Test-DocsCmdletPage,
    Test-DocsModulePage, Test-DocsAboutPage, Test-DocsCodeNames, Test-DocsSet, Test-DocsExampleCode, Invoke-DocsCompile, ConvertTo-DocsAboutText, New-DocsPageText,
    Get-DocsTypeName, Get-DocsCmdletAreas, New-DocsCmdletListText, Update-DocsModulePage
