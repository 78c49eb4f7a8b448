using System.Text;
using DatabricksNetworking.Client;

namespace DatabricksNetworking.Tests;

public class ErrorParserTests
{
    [Fact]
    public void Json_body_with_string_code()
    {
        var e = ErrorParser.Parse(404, "Not Found", Encoding.UTF8.GetBytes("{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"Network x does not exist.\"}"), "application/json");
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", e.ErrorCode);
        Assert.Equal("Network x does not exist.", e.Message);
    }

    [Fact]
    public void ErrorInfo_details_are_kept_with_their_metadata_beside_the_request_id()
    {
        const string body = "{\"error_code\":\"RESOURCE_CONFLICT\",\"message\":\"stale\",\"details\":[" +
            "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"RESOURCE_CONFLICT\",\"domain\":\"databricks.com\",\"metadata\":{\"etag\":\"etag2\",\"n\":5}}," +
            "{\"@type\":\"type.googleapis.com/google.rpc.RequestInfo\",\"request_id\":\"rid-9\",\"serving_data\":\"\"}]}";
        var e = ErrorParser.Parse(409, "Conflict", Encoding.UTF8.GetBytes(body), "application/json");
        Assert.Equal("RESOURCE_CONFLICT", e.ErrorCode);
        Assert.Equal("rid-9", e.RequestId);
        var info = Assert.Single(e.ErrorInfo);
        Assert.Equal("RESOURCE_CONFLICT", info.Reason);
        Assert.Equal("databricks.com", info.Domain);
        Assert.Equal("etag2", info.Metadata["etag"]);
        Assert.False(info.Metadata.ContainsKey("n"));
        var ex = new DbxApiException(409, e.ErrorCode, e.Message, e.RequestId) { };
        Assert.Null(ex.ErrorInfoMetadata("etag"));
    }

    [Fact]
    public void No_ErrorInfo_without_details_or_on_an_empty_body()
    {
        Assert.Empty(ErrorParser.Parse(409, "Conflict", Array.Empty<byte>(), null).ErrorInfo);
        Assert.Empty(ErrorParser.Parse(403, "Forbidden", Encoding.UTF8.GetBytes("{\"error_code\":403,\"message\":\"Source IP address: 1.2.3.4 is blocked\"}"), "application/json").ErrorInfo);
        Assert.Equal("403", ErrorParser.Parse(403, "Forbidden", Encoding.UTF8.GetBytes("{\"error_code\":403,\"message\":\"x\"}"), "application/json").ErrorCode);
    }

    [Fact]
    public void A_numeric_code_answer_keeps_its_code_and_the_request_id_of_its_message()
    {
        // databricks-sdk-go#853: 403 {"error_code": 403, "message": "Invalid access to Org: ..."}; omnigent#4463: "... [ReqId: ...]".
        var org = ErrorParser.Parse(403, "Forbidden", Encoding.UTF8.GetBytes("{\"error_code\": 403, \"message\": \"Invalid access to Org: 3352391956719492\"}"), "application/json");
        Assert.Equal("403", org.ErrorCode);
        Assert.Equal("Invalid access to Org: 3352391956719492", org.Message);
        Assert.Null(org.RequestId);
        var block = ErrorParser.Parse(403, "Forbidden", Encoding.UTF8.GetBytes("{\"error_code\":403,\"message\":\"Source IP address: 1.2.3.4 is blocked by Databricks IP ACL for workspace: 7 [ReqId: 5c1a-77]\"}"), "application/json");
        Assert.Equal("5c1a-77", block.RequestId);
    }

    [Theory]
    [InlineData("/login.html?error=private-link-validation-error", true)]
    [InlineData("https://dbc-1.cloud.databricks.com/login.html?o=1&error=private-link-validation-error", true)]
    [InlineData("/login.html", false)]
    [InlineData("/login.html?error=other", false)]
    [InlineData("/api/login.html?error=private-link-validation-error", false)]
    public void A_PrivateLink_validation_redirect_is_recognised_as_the_SDKs_do(string location, bool expected)
    {
        // databricks-sdk-go apierr/private_link.go isPrivateLinkRedirect: path /login.html and that error in the query.
        Assert.Equal(expected, ErrorParser.IsPrivateLinkRedirect(new Uri(location, UriKind.RelativeOrAbsolute)));
        Assert.False(ErrorParser.IsPrivateLinkRedirect(null));
        Assert.Contains("AWS PrivateLink", ErrorParser.PrivateLinkMessage);
    }
}
