using System.Net.Http;
using System.Text;
using DatabricksNetworking.Client;

namespace DatabricksNetworking.Tests.Foundation;

/// <summary>Every error body shape the service sends becomes (error_code, message, request id).</summary>
public class FoundationErrorBodyTests
{
    private static ErrorParser.ParsedError Parse(int status, string? reason, string body, string? type = "application/json") =>
        ErrorParser.Parse(status, reason, Encoding.UTF8.GetBytes(body), type);

    [Fact]
    public void Json_with_a_string_code_and_request_id_in_details()
    {
        var e = Parse(400, "Bad Request", """
            {"error_code":"INVALID_PARAMETER_VALUE","message":"Bad CIDR.","details":[
              {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"X","domain":"d","metadata":{}},
              {"@type":"type.googleapis.com/google.rpc.RequestInfo","request_id":"req-123","serving_data":""}]}
            """);
        Assert.Equal("INVALID_PARAMETER_VALUE", e.ErrorCode);
        Assert.Equal("Bad CIDR.", e.Message);
        Assert.Equal("req-123", e.RequestId);
    }

    [Fact]
    public void Json_with_a_numeric_code()
    {
        var e = Parse(403, "Forbidden", "{\"error_code\":403,\"message\":\"Invalid access token.\"}");
        Assert.Equal("403", e.ErrorCode);
        Assert.Equal("Invalid access token.", e.Message);
    }

    [Fact]
    public void Legacy_error_field()
    {
        var e = Parse(400, "Bad Request", "{\"error\":\"Cluster x does not exist\"}");
        Assert.Null(e.ErrorCode);
        Assert.Equal("Cluster x does not exist", e.Message);
    }

    [Fact]
    public void Scim_error()
    {
        var e = Parse(404, "Not Found", "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"detail\":\"User 5 not found\",\"status\":\"404\"}", "application/scim+json");
        Assert.Equal("SCIM_404", e.ErrorCode);
        Assert.Equal("User 5 not found", e.Message);
    }

    [Fact]
    public void Plain_text_code_and_message()
    {
        var e = Parse(400, "Bad Request", "MALFORMED_REQUEST: vpc_endpoints malformed parameters: VPC Endpoint x cannot be attached", "text/plain");
        Assert.Equal("MALFORMED_REQUEST", e.ErrorCode);
        Assert.Equal("vpc_endpoints malformed parameters: VPC Endpoint x cannot be attached", e.Message);
    }

    [Fact]
    public void Empty_body_409_uses_the_reason_phrase()
    {
        var e = ErrorParser.Parse(409, "Conflict", Array.Empty<byte>(), null);
        Assert.Null(e.ErrorCode);
        Assert.Equal("Conflict", e.Message);
        var noReason = ErrorParser.Parse(409, null, null, null);
        Assert.Equal("Conflict", noReason.Message);
    }

    [Fact]
    public void Html_page_uses_the_pre_text_and_the_reason_as_code()
    {
        var e = Parse(502, "Bad Gateway", "<html><head><title>Error 502</title></head><body><h2>HTTP ERROR 502</h2><pre>upstream &amp; proxy failed</pre></body></html>", "text/html");
        Assert.Equal("BAD_GATEWAY", e.ErrorCode);
        Assert.Contains("upstream & proxy failed", e.Message);
    }

    [Fact]
    public void Html_page_without_pre_uses_the_title()
    {
        var e = Parse(503, "Service Unavailable", "<html><head><title>503 Service Temporarily Unavailable</title></head><body></body></html>", "text/html");
        Assert.Equal("SERVICE_UNAVAILABLE", e.ErrorCode);
        Assert.Contains("503 Service Temporarily Unavailable", e.Message);
    }

    [Fact]
    public void Unknown_text_is_kept_as_the_message()
    {
        var e = Parse(500, "Internal Server Error", "something broke", "text/plain");
        Assert.Null(e.ErrorCode);
        Assert.Equal("something broke", e.Message);
    }

    [Fact]
    public async Task The_request_id_comes_from_the_header_when_the_body_has_none()
    {
        var handler = new FakeHandler((_, _, _) => FakeHandler.Json(404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"No such list.\"}", ("x-request-id", "hdr-456")));
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => new HttpUnderTest(handler).Send(HttpMethod.Get));
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", ex.ErrorCode);
        Assert.Equal("hdr-456", ex.RequestId);
        Assert.Contains("request id: hdr-456", ex.Message);
        Assert.Contains("HTTP 404", ex.Message);
    }

    [Fact]
    public async Task The_request_id_of_the_details_wins_over_the_header()
    {
        var handler = new FakeHandler((_, _, _) => FakeHandler.Json(400, "{\"error_code\":\"INVALID_STATE\",\"message\":\"m\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RequestInfo\",\"request_id\":\"body-1\"}]}", ("x-request-id", "hdr-1")));
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => new HttpUnderTest(handler).Send(HttpMethod.Get));
        Assert.Equal("body-1", ex.RequestId);
    }

    [Fact]
    public async Task An_empty_409_becomes_an_exception_without_code()
    {
        var handler = new FakeHandler((_, _, _) => new HttpResponseMessage(System.Net.HttpStatusCode.Conflict));
        var ex = await Assert.ThrowsAsync<DbxApiException>(() => new HttpUnderTest(handler).Send(HttpMethod.Delete));
        Assert.Equal(409, ex.StatusCode);
        Assert.Null(ex.ErrorCode);
        Assert.Equal("DbxApiHttp409", Cmdlets.ErrorRecords.ErrorIdFor(ex));
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceBusy, Cmdlets.ErrorRecords.CategoryFor(ex));
    }

    [Fact]
    public void An_unknown_personal_access_token_is_an_authentication_error_with_its_own_id_and_advice()
    {
        // The real body (databricks-sdk-go#873, #917) as the parser reads it: code "403", the service's message.
        var parsed = Parse(403, "Forbidden", "{\"error_code\":403,\"message\":\"Invalid access token.\"}");
        var ex = new DbxApiException(403, parsed.ErrorCode, parsed.Message, null, "GET", "/api/2.0/accounts/a/workspaces");
        Assert.Equal("DbxApiInvalidAccessToken", Cmdlets.ErrorRecords.ErrorIdFor(ex));
        Assert.Equal(System.Management.Automation.ErrorCategory.AuthenticationError, Cmdlets.ErrorRecords.CategoryFor(ex));
        Assert.Contains("revoked", Cmdlets.ErrorRecords.InvalidAccessTokenAction);
        Assert.Contains("-Interactive", Cmdlets.ErrorRecords.InvalidAccessTokenAction);
        // Any other numeric 403 stays a permission problem.
        var org = new DbxApiException(403, "403", "Invalid access to Org: 1", null, "GET", "/api/2.0/workspace-conf");
        Assert.Equal("DbxApi403", Cmdlets.ErrorRecords.ErrorIdFor(org));
        Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, Cmdlets.ErrorRecords.CategoryFor(org));
    }

    [Theory]
    [InlineData(400, "INVALID_PARAMETER_VALUE", "InvalidArgument", "DbxApiInvalidParameterValue")]
    [InlineData(401, "UNAUTHENTICATED", "AuthenticationError", "DbxApiUnauthenticated")]
    [InlineData(403, "PERMISSION_DENIED", "PermissionDenied", "DbxApiPermissionDenied")]
    [InlineData(404, "RESOURCE_DOES_NOT_EXIST", "ObjectNotFound", "DbxApiResourceDoesNotExist")]
    [InlineData(409, "RESOURCE_ALREADY_EXISTS", "ResourceExists", "DbxApiResourceAlreadyExists")]
    [InlineData(429, "REQUEST_LIMIT_EXCEEDED", "LimitsExceeded", "DbxApiRequestLimitExceeded")]
    [InlineData(503, "TEMPORARILY_UNAVAILABLE", "ConnectionError", "DbxApiTemporarilyUnavailable")]
    public void Status_maps_to_category_and_code_to_error_id(int status, string code, string category, string errorId)
    {
        var ex = new DbxApiException(status, code, "m", "rid", "GET", "/api/2.0/x");
        Assert.Equal(category, Cmdlets.ErrorRecords.CategoryFor(ex).ToString());
        Assert.Equal(errorId, Cmdlets.ErrorRecords.ErrorIdFor(ex));
        // (ErrorRecord itself is checked by the Pester tests: PowerShellStandard.Library is a reference assembly here.)
    }
}
