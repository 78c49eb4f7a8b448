# Get-DbxAwsCallerIdentity, and through it the common AWS parameters: credentials, region, endpoint, role, errors, secrets.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'MotoHelpers.psm1') -Force
    Import-TestModule
    $script:saved = Set-MotoAwsEnvironment
    $script:secret = $env:AWS_SECRET_ACCESS_KEY
    $script:awsDir = Join-Path ([IO.Path]::GetTempPath()) ("dbx-aws-profile-" + [Guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $awsDir | Out-Null
    $script:profileSecret = 'profileSecretValue0123456789abcdefABCDEF'
    Set-Content (Join-Path $awsDir 'credentials') "[dev]`naws_access_key_id = AKIAPROFILEKEY000001`naws_secret_access_key = $profileSecret`n"
    Set-Content (Join-Path $awsDir 'config') "[profile dev]`nregion = eu-west-1`n"
}

AfterAll {
    Restore-MotoAwsEnvironment $saved
    Remove-Item $awsDir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Get-DbxAwsCallerIdentity' {
    It 'returns account, ARN, user id and where the credentials came from' {
        $id = Get-DbxAwsCallerIdentity
        $id.Account | Should -Be '123456789012'
        $id.Arn | Should -BeLike 'arn:aws:sts::123456789012:*'
        $id.UserId | Should -Not -BeNullOrEmpty
        $id.Region | Should -Be 'us-east-1'
        $id.CredentialSource | Should -BeLike 'environment*'
        $id.EndpointUrl | Should -Be $env:AWS_ENDPOINT_URL
    }

    It 'prefers -Region and -AwsEndpointUrl over the environment' {
        $env:AWS_ENDPOINT_URL = 'http://127.0.0.1:1'
        try {
            $id = Get-DbxAwsCallerIdentity -Region ap-south-1 -AwsEndpointUrl (Get-MotoUrl)
            $id.Region | Should -Be 'ap-south-1'
            $id.EndpointUrl | Should -Be (Get-MotoUrl)
        } finally { $env:AWS_ENDPOINT_URL = Get-MotoUrl }
    }

    It 'uses the service-specific AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL' {
        $env:AWS_ENDPOINT_URL = 'http://127.0.0.1:1'; $env:AWS_ENDPOINT_URL_STS = Get-MotoUrl
        try { (Get-DbxAwsCallerIdentity).EndpointUrl | Should -Be (Get-MotoUrl) }
        finally { $env:AWS_ENDPOINT_URL = Get-MotoUrl; $env:AWS_ENDPOINT_URL_STS = $null }
    }

    It 'reads credentials and region from a named profile' {
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $awsDir 'credentials'; $env:AWS_CONFIG_FILE = Join-Path $awsDir 'config'; $env:AWS_REGION = $null
        try {
            $id = Get-DbxAwsCallerIdentity -AwsProfile dev
            $id.CredentialSource | Should -Be "profile 'dev'"
            $id.Region | Should -Be 'eu-west-1'
        } finally { $null = Set-MotoAwsEnvironment }
    }

    It 'assumes a role through STS with an external id' {
        $id = Get-DbxAwsCallerIdentity -AwsRoleArn 'arn:aws:iam::123456789012:role/DatabricksDeployer' -ExternalId 'ext-123'
        $id.Arn | Should -BeLike 'arn:aws:sts::123456789012:assumed-role/DatabricksDeployer/DatabricksNetworking-*'
        $id.CredentialSource | Should -BeLike 'assumed role arn:aws:iam::123456789012:role/DatabricksDeployer*'
    }
}

Describe 'AWS configuration errors' {
    It 'fails at once with a clear message when no region is known' {
        $env:AWS_REGION = $null
        try {
            { Get-DbxAwsCallerIdentity -ErrorAction Stop } | Should -Throw -ErrorId 'DbxAwsMissingRegion,*' -ExpectedMessage '*Pass -Region, set AWS_REGION*'
        } finally { $env:AWS_REGION = 'us-east-1' }
    }

    It 'says which sources it tried when there are no credentials, without probing instance metadata' {
        $env:AWS_ACCESS_KEY_ID = $null; $env:AWS_SECRET_ACCESS_KEY = $null
        try {
            { Get-DbxAwsCallerIdentity -ErrorAction Stop } | Should -Throw -ErrorId 'DbxAwsNoCredentials,*' -ExpectedMessage '*Instance metadata is not probed unless asked*'
        } finally { $null = Set-MotoAwsEnvironment }
    }

    It 'names an unknown profile' {
        { Get-DbxAwsCallerIdentity -AwsProfile nosuchprofile -ErrorAction Stop } | Should -Throw -ErrorId 'DbxAwsProfileNotFound,*' -ExpectedMessage "*'nosuchprofile'*"
    }

    It 'checks the parameters locally before anything is sent: <Case>' -ForEach @(
        @{ Case = 'region'; Splat = @{ Region = 'Europe' }; Id = 'DbxInvalidRegion' }
        @{ Case = 'role arn'; Splat = @{ AwsRoleArn = 'DatabricksDeployer' }; Id = 'DbxInvalidRoleArn' }
        @{ Case = 'external id without role'; Splat = @{ ExternalId = 'x' }; Id = 'DbxInvalidExternalId' }
        @{ Case = 'endpoint'; Splat = @{ AwsEndpointUrl = '127.0.0.1:5000' }; Id = 'DbxInvalidEndpointUrl' }
    ) {
        $r = Get-DbxAwsCallerIdentity @Splat -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'turns an unreachable endpoint into a connection error record' {
        $r = Get-DbxAwsCallerIdentity -AwsEndpointUrl 'http://127.0.0.1:1' -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DbxAwsConnectionError,*'
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'AWS secrets' {
    It 'never shows the secret keys in any stream, error or output' {
        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $awsDir 'credentials'; $env:AWS_CONFIG_FILE = Join-Path $awsDir 'config'
        try {
            $text = & {
                Get-DbxAwsCallerIdentity -Verbose -Debug | Format-List * | Out-String
                Get-DbxAwsCallerIdentity -AwsProfile dev -Verbose -Debug | Format-List * | Out-String
                Get-DbxAwsCallerIdentity -AwsRoleArn 'arn:aws:iam::123456789012:role/R' -Verbose | Format-List * | Out-String
                Test-DbxAwsVpc -VpcId vpc-0123456789abcdef0 -Verbose -Debug -ErrorAction Continue
                Get-DbxAwsCallerIdentity -AwsEndpointUrl 'http://127.0.0.1:1' -Verbose -ErrorAction Continue
            } *>&1 | Out-String
            $text | Should -Match 'AWS: region'         # the verbose stream was captured
            $text | Should -Match 'InvalidVpcID.NotFound' # and so were the errors
            $text | Should -Not -Match ([regex]::Escape($secret))
            $text | Should -Not -Match ([regex]::Escape($profileSecret))
        } finally { $null = Set-MotoAwsEnvironment }
    }
}
