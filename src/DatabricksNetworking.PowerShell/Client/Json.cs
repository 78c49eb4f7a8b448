using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Client
{
    /// <summary>The one set of JSON rules for the wire: explicit snake_case names on models, unset fields omitted.</summary>
    public static class Json
    {
        public static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 64,
        };

        public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

        /// <summary>
        /// A model read from the service as the JSON object the service sent: the wire names of its runtime type, unset
        /// fields left out, the fields the model does not know (<see cref="Models.WireObject"/>) kept, display members
        /// ([JsonIgnore]) left out. The one way objects become wire JSON (snapshots, ConvertTo-DbxJson).
        /// </summary>
        public static System.Text.Json.Nodes.JsonObject ToWireNode(object model) =>
            JsonSerializer.SerializeToNode(model, model.GetType(), Options) as System.Text.Json.Nodes.JsonObject ?? new System.Text.Json.Nodes.JsonObject();

        /// <summary>Deserialises a 2xx body; anything malformed becomes a <see cref="DbxInvalidResponseException"/> naming the call.</summary>
        public static T Deserialize<T>(DbxResponse response)
        {
            if (response.Body.Length == 0)
                throw new DbxInvalidResponseException(response.StatusCode, $"The service returned an empty body where a {typeof(T).Name} was expected.", response.RequestId, response.Method, response.Path, null);
            try
            {
                var value = JsonSerializer.Deserialize<T>(response.Body, Options);
                if (value == null) throw new JsonException("null");
                return value;
            }
            catch (Exception ex) when (ex is JsonException || ex is NotSupportedException || ex is InvalidOperationException || ex is FormatException)
            {
                throw new DbxInvalidResponseException(response.StatusCode,
                    $"The service returned a response the module cannot read as {typeof(T).Name}: {ErrorParser.Truncate(ex.Message, 300)}",
                    response.RequestId, response.Method, response.Path, ex);
            }
        }
    }
}
