using System.Text;
using System.Text.Json;
using DatabricksNetworking.Emulator.Core;

namespace DatabricksNetworking.Tests.Emulator;

/// <summary>The emulator's own duplicate-key refusal (it targets net8.0, where JsonDocumentOptions.AllowDuplicateProperties does not exist).</summary>
public class StrictJsonTests
{
    [Theory]
    [InlineData("{\"label\":\"a\",\"label\":\"b\"}", "label")]
    [InlineData("{\"a\":{\"x\":1,\"y\":{},\"x\":2}}", "x")]                // nested object
    [InlineData("{\"a\":[{\"x\":1},{\"y\":1,\"y\":2}]}", "y")]           // object inside an array
    [InlineData("{\"a\\u0062\":1,\"ab\":2}", "ab")]                        // names compare unescaped
    [InlineData("{\"o\":{\"k\":1},\"p\":2,\"o\":3}", "o")]                 // after a closed child object
    public void Duplicate_names_within_one_object_are_refused(string json, string name)
    {
        var ex = Assert.Throws<JsonException>(() => StrictJson.Parse(json));
        Assert.Equal($"Duplicate property '{name}' encountered during deserialization.", ex.Message);
        Assert.Throws<JsonException>(() => StrictJson.RefuseDuplicateProperties(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("{\"a\":1,\"A\":2}")]                                      // case-sensitive, as the service's JSON
    [InlineData("{\"a\":[{\"x\":1},{\"x\":2}],\"b\":{\"x\":3}}")]          // the same name in sibling objects
    [InlineData("{\"a\":{\"a\":{\"a\":1}}}")]                              // the same name at each depth
    [InlineData("[1,\"a\",{\"a\":null}]")]
    public void The_same_name_in_different_objects_is_fine(string json)
    {
        Assert.NotNull(StrictJson.Parse(json));
    }

    [Fact]
    public void A_syntax_error_is_reported_before_a_duplicate_and_a_byte_order_mark_is_skipped()
    {
        // As JsonDocument with AllowDuplicateProperties = false: the whole text must parse first.
        var ex = Assert.ThrowsAny<JsonException>(() => StrictJson.Parse("{\"a\":1, \"a\":2"));
        Assert.DoesNotContain("Duplicate", ex.Message);
        byte[] bom = [0xEF, 0xBB, 0xBF, .. "{\"a\":1,\"a\":2}"u8.ToArray()];
        Assert.Throws<JsonException>(() => StrictJson.RefuseDuplicateProperties(bom));
        StrictJson.RefuseDuplicateProperties([0xEF, 0xBB, 0xBF, .. "{\"a\":1}"u8.ToArray()]);
    }
}
