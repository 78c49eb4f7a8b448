BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
}

Describe 'Get-DbxPrivateLinkService' {
    It 'lists a Workspace and a Relay service for every supported region, two shards in GovCloud, and Service Direct outside GovCloud' {
        $all = @(Get-DbxPrivateLinkService)
        $all.Count | Should -Be 52
        $sd = @($all | Where-Object Kind -eq ServiceDirect)
        $sd.Count | Should -Be 16
        $sd.Region | Should -Not -Contain 'us-gov-west-1'
        ($sd | Where-Object Region -eq 'eu-west-1').ServiceName | Should -Be 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a5d3be4f026f5bd7'
        $all = @($all | Where-Object Kind -ne ServiceDirect)
        ($all | Group-Object Region | Where-Object Count -ne 2).Name | Should -Be 'us-gov-west-1'
        @($all | Where-Object Region -eq 'us-gov-west-1').Variant | Sort-Object -Unique | Should -Be @('civilian', 'dod')
        $all | ForEach-Object { $_.ServiceName | Should -Match "^com\.amazonaws\.vpce\.$($_.Region)\.vpce-svc-[0-9a-f]{17}$" }
    }

    It 'gives the reference service names and use cases for a region' {
        $s = Get-DbxPrivateLinkService -Region us-east-1
        ($s | Where-Object Kind -eq Workspace).ServiceName | Should -Be 'com.amazonaws.vpce.us-east-1.vpce-svc-09143d1e626de2f04'
        ($s | Where-Object Kind -eq Relay).ServiceName | Should -Be 'com.amazonaws.vpce.us-east-1.vpce-svc-00018a8c3ff62ffdf'
        ($s | Where-Object Kind -eq Relay).UseCase | Should -Be 'DATAPLANE_RELAY_ACCESS'
        (Get-DbxPrivateLinkService eu-west-1 -Service Relay).ServiceId | Should -Be 'vpce-svc-09b4eb2bc775f4e8c'
    }

    It 'takes the region from piped objects by property name' {
        $r = @([pscustomobject]@{ Region = 'eu-west-1' }, [pscustomobject]@{ Region = 'ap-south-1' } | Get-DbxPrivateLinkService -Service Workspace)
        $r.Region | Should -Be @('eu-west-1', 'ap-south-1')
    }

    It 'rejects a region Databricks does not serve, and goes on with the next' {
        $r = @(Get-DbxPrivateLinkService -Region 'mars-north-1', 'us-west-2' -ErrorVariable err -ErrorAction SilentlyContinue)
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxInvalidRegion,*'
        $err[0].TargetObject | Should -Be 'mars-north-1'
        $r.Region | Sort-Object -Unique | Should -Be 'us-west-2'
    }
}
