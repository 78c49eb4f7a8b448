# The AWS SDK is loaded only by AWS cmdlets, into the module's own AssemblyLoadContext: each case runs in a fresh pwsh.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    $script:envi = Get-TestEnvironment
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    # Restored by build/tools.csproj (PackageDownload): an AWSSDK.Core of another major version, as another module would bring.
    $script:oldCore = Join-Path $packages 'awssdk.core/3.7.402/lib/net8.0/AWSSDK.Core.dll'
    $script:seed = Get-TestSeed

    function Invoke-FreshPwsh([string]$Script) {
        $pwsh = @(Get-PwshCommand)
        $file = Join-Path ([IO.Path]::GetTempPath()) ("dbx-iso-" + [Guid]::NewGuid().ToString('N') + '.ps1')
        $prelude = @"
`$ErrorActionPreference = 'Stop'
`$env:AWS_ACCESS_KEY_ID = 'AKIAMOTOTESTKEY00001'; `$env:AWS_SECRET_ACCESS_KEY = 'motoDummySecretKeyThatMustNeverBePrinted01'
`$env:AWS_REGION = 'us-east-1'; `$env:AWS_ENDPOINT_URL = '$($envi.MotoUrl)'
function Get-AwsAssemblies { @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -like 'AWSSDK.*' -or `$_.GetName().Name -eq 'DatabricksNetworking.Aws' } | ForEach-Object {
    `$alc = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_)
    [pscustomobject]@{ Name = `$_.GetName().Name; Version = `$_.GetName().Version.ToString(); Context = `$alc.Name } }) }
"@
        Set-Content -Path $file -Value ($prelude + $Script)
        try {
            $out = & $pwsh[0] @(@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) 2>&1
            if ($LASTEXITCODE -ne 0) { throw "The child pwsh failed: $($out -join [Environment]::NewLine)" }
            ($out | Where-Object { $_ -is [string] -and $_.StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json
        } finally { Remove-Item $file -ErrorAction SilentlyContinue }
    }
}

Describe 'AWS assembly isolation' {
    It 'has the older AWSSDK.Core restored from NuGet for these tests' {
        Test-Path $oldCore | Should -BeTrue
    }

    It 'loads no AWS assembly on import, for Databricks-only cmdlets, or for Get-DbxPrivateLinkService' {
        $r = Invoke-FreshPwsh @"
Import-Module '$($envi.Module)'
`$afterImport = (Get-AwsAssemblies).Count
`$null = Get-Command -Module DatabricksNetworking
`$null = Connect-DbxAccount -AccountHost '$($envi.EmulatorUrl)' -AccountId '$($seed.AccountId)' -ClientId '$($seed.ClientId)' -ClientSecret (ConvertTo-SecureString '$($seed.ClientSecret)' -AsPlainText -Force)
`$ws = @(Get-DbxWorkspace).Count
`$pl = @(Get-DbxPrivateLinkService -Region us-east-1).Count
`$afterDbx = (Get-AwsAssemblies).Count
`$null = Get-DbxAwsCallerIdentity
[pscustomobject]@{ AfterImport = `$afterImport; Workspaces = `$ws; Services = `$pl; AfterDatabricks = `$afterDbx; AfterAws = @(Get-AwsAssemblies) } | ConvertTo-Json -Compress -Depth 4
"@
        $r.AfterImport | Should -Be 0
        $r.Workspaces | Should -Be 3
        $r.Services | Should -Be 3 -Because 'us-east-1 has a Workspace, a Relay and a Service Direct endpoint service'
        $r.AfterDatabricks | Should -Be 0
        # The proof that the test can see AWS assemblies at all: after an AWS cmdlet they are there, in the private context.
        @($r.AfterAws | Where-Object Name -eq 'AWSSDK.Core').Context | Should -Be 'DatabricksNetworking.Aws'
        @($r.AfterAws).Name | Should -Contain 'DatabricksNetworking.Aws'
    }

    It 'works when another module loaded an older AWSSDK.Core into the session first' {
        $r = Invoke-FreshPwsh @"
Add-Type -Path '$oldCore'
`$old = [Amazon.Runtime.AWSCredentials].Assembly.GetName().Version.ToString()
Import-Module '$($envi.Module)'
`$id = Get-DbxAwsCallerIdentity
[pscustomobject]@{ Old = `$old; Account = `$id.Account; Assemblies = @(Get-AwsAssemblies) } | ConvertTo-Json -Compress -Depth 4
"@
        $r.Old | Should -Be '3.3.0.0'
        $r.Account | Should -Be '123456789012'
        $cores = @($r.Assemblies | Where-Object Name -eq 'AWSSDK.Core')
        $cores.Count | Should -Be 2
        ($cores | Where-Object Context -eq 'DatabricksNetworking.Aws').Version | Should -BeLike '4.*'
        ($cores | Where-Object Context -eq 'Default').Version | Should -Be '3.3.0.0'
    }

    It 'keeps working when another module loads an older AWSSDK.Core afterwards' {
        $r = Invoke-FreshPwsh @"
Import-Module '$($envi.Module)'
`$first = (Get-DbxAwsCallerIdentity).Account
Add-Type -Path '$oldCore'
`$old = [Amazon.Runtime.AWSCredentials].Assembly.GetName().Version.ToString()
`$second = (Get-DbxAwsCallerIdentity -Region eu-west-1)
[pscustomobject]@{ First = `$first; Old = `$old; Second = `$second.Account; Region = `$second.Region; Assemblies = @(Get-AwsAssemblies) } | ConvertTo-Json -Compress -Depth 4
"@
        $r.First | Should -Be '123456789012'
        $r.Old | Should -Be '3.3.0.0'
        $r.Second | Should -Be '123456789012'
        $r.Region | Should -Be 'eu-west-1'
        @($r.Assemblies | Where-Object Name -eq 'AWSSDK.Core').Context | Sort-Object | Should -Be @('DatabricksNetworking.Aws', 'Default')
    }

    It 'exposes no Amazon type in any parameter or output type of the module' {
        Import-TestModule
        $types = foreach ($c in Get-Command -Module DatabricksNetworking) {
            foreach ($p in $c.Parameters.Values) { $p.ParameterType }
            foreach ($o in $c.OutputType) { $o.Type }
        }
        @($types | Where-Object { $_ -and $_.FullName -like 'Amazon.*' }).Count | Should -Be 0
        @($types | Where-Object { $_ -and $_.FullName -like 'DatabricksNetworking.Aws.*' }).Count | Should -BeGreaterThan 5
    }
}
