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
}
