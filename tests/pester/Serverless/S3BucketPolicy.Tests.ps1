BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-TestModule
    # A private emulator: the tests move its clock to take S3 rules from CREATING to ESTABLISHED.
    $script:emu = Start-TestEmulator -Arguments @('--quiet')
    Connect-TestAccount -Url $emu.Url | Out-Null
    $script:gateway = 'vpce-0a1b2c3d4e5f60718'
}
AfterAll {
    $emu | Stop-TestService
    Connect-TestAccount | Out-Null
}

Describe 'Get-DbxS3BucketPolicy' {
    It 'lets through only the ESTABLISHED rule''s endpoint and the gateway endpoint, as a Deny policy ready for put-bucket-policy' {
        $ncc = New-DbxNetworkConnectivityConfig -Name (New-TestName 's3pol') -Region us-east-1
        $rule = $ncc | New-DbxPrivateEndpointRule -S3BucketName 'bucket-one', 'bucket-two'
        Move-EmulatorClock -Seconds 300 -Url $script:emu.Url
        $rule = $rule | Get-DbxPrivateEndpointRule
        $rule.ConnectionState | Should -Be 'ESTABLISHED'
        $p = $ncc | Get-DbxS3BucketPolicy -BucketName bucket-two -AwsVpcEndpointId $script:gateway -Region us-east-1 -WarningVariable warn
        $warn.Count | Should -Be 0
        $p | Should -BeOfType DatabricksNetworking.Models.S3BucketPolicy
        $p.VpcEndpointIds | Should -Be @($script:gateway, $rule.VpcEndpointId)
        $p.PendingRuleIds.Count | Should -Be 0
        $doc = $p.PolicyJson | ConvertFrom-Json
        $doc.Version | Should -Be '2012-10-17'
        $s = @($doc.Statement)
        $s.Count | Should -Be 1
        $s[0].Effect | Should -Be 'Deny'
        $s[0].Principal | Should -Be '*'
        $s[0].Resource | Should -Be @('arn:aws:s3:::bucket-two', 'arn:aws:s3:::bucket-two/*')
        $s[0].Condition.StringNotEquals.'aws:SourceVpce' | Should -Be @($script:gateway, $rule.VpcEndpointId)
        $s[0].Condition.PSObject.Properties.Name | Should -Not -Contain 'ForAllValues:StringNotLike'
    }

    It 'leaves a CREATING rule out with a warning naming it, and refuses a policy with no usable path' {
        $ncc = New-DbxNetworkConnectivityConfig -Name (New-TestName 's3pol') -Region us-east-1
        $rule = $ncc | New-DbxPrivateEndpointRule -S3BucketName 'bucket-three'
        $p = $ncc | Get-DbxS3BucketPolicy -BucketName bucket-three -ErrorVariable e -ErrorAction SilentlyContinue -WarningVariable warn -WarningAction SilentlyContinue
        $p | Should -BeNullOrEmpty -Because 'a policy without any allowed path denies every request to the bucket'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DbxS3BucketPolicyNoUsablePath,*'
        "$warn" | Should -Match ([regex]::Escape($rule.RuleId))
        "$warn" | Should -Match 'CREATING'

        $p = $ncc | Get-DbxS3BucketPolicy -BucketName bucket-three -UseVpceOrgPath -WarningAction SilentlyContinue
        $p.PendingRuleIds | Should -Be @($rule.RuleId)
        $p.VpcEndpointIds.Count | Should -Be 0
        ($p.PolicyJson | ConvertFrom-Json).Statement[0].Condition.'ForAllValues:StringNotLike'.'aws:VpceOrgPaths' |
            Should -Be 'o-g29axo4oyt/r-gu8r/ou-gu8r-g4va1rkr/ou-gu8r-hvyilq7g/*'
    }

    It 'warns when the NCC has no rule for the bucket' {
        $ncc = New-DbxNetworkConnectivityConfig -Name (New-TestName 's3pol') -Region us-east-1
        $p = $ncc | Get-DbxS3BucketPolicy -BucketName bucket-four -AwsVpcEndpointId $script:gateway -WarningVariable warn -WarningAction SilentlyContinue
        $p.VpcEndpointIds | Should -Be @($script:gateway)
        "$warn" | Should -Match 'no active S3 private endpoint rule for bucket-four'
    }

    It 'refuses bad input before anything is sent: <Why>' -ForEach @(
        @{ Why = 'bucket name'; Call = { Get-DbxS3BucketPolicy -BucketName 'Bad_Bucket' -AwsVpcEndpointId vpce-0a1b2c3d4e5f60718 }; Id = 'DbxInvalidS3BucketName' }
        @{ Why = 'endpoint id'; Call = { Get-DbxS3BucketPolicy -BucketName good-bucket -AwsVpcEndpointId vpc-0a1b2c3d }; Id = 'DbxInvalidVpcEndpointId' }
        @{ Why = 'no path at all'; Call = { Get-DbxS3BucketPolicy -BucketName good-bucket }; Id = 'DbxS3BucketPolicyNoPath' }
    ) {
        $before = Get-EmulatorRequestCount -Url $script:emu.Url
        { & $Call -ErrorAction Stop } | Should -Throw -ErrorId "$Id,*"
        Get-EmulatorRequestCount -Url $script:emu.Url | Should -Be $before
    }

    It 'refuses an NCC of another region than the bucket' {
        $ncc = New-DbxNetworkConnectivityConfig -Name (New-TestName 's3pol') -Region eu-west-1
        { $ncc | Get-DbxS3BucketPolicy -BucketName good-bucket -Region us-east-1 -ErrorAction Stop } | Should -Throw -ErrorId 'DbxS3BucketPolicyRegionMismatch,*'
    }
}
