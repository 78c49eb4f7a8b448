using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>
/// The service's refusal of duplicate property names ({"label":"a","label":"b"} is a 400, not "last one wins").
/// JsonDocumentOptions.AllowDuplicateProperties = false does this only from .NET 10; the emulator targets net8.0 (and
/// rolls forward), so one Utf8JsonReader pass over the already-parsed text does it on every runtime, with the same
/// message .NET 10 gives. Names compare after unescaping ("a\u0062" is "ab") and case-sensitively, per object.
/// </summary>
public static class StrictJson
{
    /// <summary>Parses a JSON text (syntax errors first, as JsonDocument reports them), then refuses duplicate names.</summary>
    public static JsonNode? Parse(string text)
    {
        var node = JsonNode.Parse(text);
        RefuseDuplicateProperties(Encoding.UTF8.GetBytes(text));
        return node;
    }

    /// <summary>Throws a <see cref="JsonException"/> naming the first property that repeats within one object.
    /// The text must be valid JSON (parse it first); a leading UTF-8 byte order mark is skipped, as JsonDocument's stream parse does.</summary>
    public static void RefuseDuplicateProperties(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8 = utf8[3..];
        var reader = new Utf8JsonReader(utf8);
        var open = new Stack<HashSet<string>>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: open.Push(new HashSet<string>(StringComparer.Ordinal)); break;
                case JsonTokenType.EndObject: open.Pop(); break;
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    if (!open.Peek().Add(name)) throw new JsonException($"Duplicate property '{name}' encountered during deserialization.");
                    break;
            }
        }
    }
}
