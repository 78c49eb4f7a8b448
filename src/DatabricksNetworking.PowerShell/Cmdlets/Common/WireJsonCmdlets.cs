using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DatabricksNetworking.Client;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Cmdlets
{
    /// <summary>The wire types ConvertFrom-DbxJson reads, by the names the snapshot of Export-DbxNetworkConfiguration uses.</summary>
    internal static class WireTypes
    {
        public static readonly IReadOnlyDictionary<string, Type> ByName = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            ["Workspace"] = typeof(Workspace),
            ["Network"] = typeof(Network),
            ["VpcEndpoint"] = typeof(VpcEndpoint),
            ["PrivateAccessSettings"] = typeof(PrivateAccessSettings),
            ["NetworkConnectivityConfig"] = typeof(NetworkConnectivityConfig),
            ["PrivateEndpointRule"] = typeof(PrivateEndpointRule),
            ["NetworkPolicy"] = typeof(NetworkPolicy),
            ["IpAccessList"] = typeof(IpAccessList),
            ["WorkspaceNetworkOption"] = typeof(WorkspaceNetworkOption),
            ["NetworkEndpoint"] = typeof(NetworkEndpoint),
            ["CredentialConfiguration"] = typeof(CredentialConfiguration),
            ["StorageConfiguration"] = typeof(StorageConfiguration),
        };

        /// <summary>JSON text as the wire writes it: the module's escaping (non-ASCII and HTML characters as \u escapes, as in snapshots).</summary>
        public static string Text(JsonNode node, bool compress)
        {
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = !compress })) node.WriteTo(w);
            return Encoding.UTF8.GetString(ms.ToArray());
        }
    }

    /// <summary>
    /// <para type="synopsis">Writes the wire JSON of objects read from the service (snake_case names, epoch milliseconds, enum values as the service spells them, fields the module does not know kept), without the module's display-only members.</para>
    /// </summary>
    [Cmdlet(VerbsData.ConvertTo, "DbxJson", HelpUri = DbxCmdlet.HelpBase + "ConvertTo-DbxJson.md")]
    [OutputType(typeof(string))]
    public sealed class ConvertToDbxJsonCommand : PSCmdlet
    {
        /// <summary>Objects from the Get-Dbx* cmdlets (workspaces, network configurations, VPC endpoint registrations, private access settings, IP access lists, NCCs, private endpoint rules, network policies, network endpoints, ...); a list given by name is taken item by item, as the pipeline does.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public object? InputObject { get; set; }

        /// <summary>Writes one JSON array of every object at the end instead of one JSON text per object.</summary>
        [Parameter]
        public SwitchParameter AsArray { get; set; }

        /// <summary>Writes each JSON text on one line, without indentation.</summary>
        [Parameter]
        public SwitchParameter Compress { get; set; }

        private readonly List<JsonNode> collected = new List<JsonNode>();

        protected override void ProcessRecord()
        {
            foreach (var item in Items(InputObject))
            {
                if (!(item is WireObject wire))
                {
                    WriteError(ErrorRecords.FromValidation(NotWire(item)));
                    continue;
                }
                var node = Json.ToWireNode(wire);
                if (AsArray) collected.Add(node);
                else WriteObject(WireTypes.Text(node, Compress));
            }
        }

        protected override void EndProcessing()
        {
            if (AsArray) WriteObject(WireTypes.Text(new JsonArray(collected.ToArray()), Compress));
        }

        private static IEnumerable<object?> Items(object? input)
        {
            var value = input is PSObject p ? p.BaseObject : input;
            if (value is IEnumerable seq && !(value is string) && !(value is IDictionary) && !(value is WireObject))
            {
                foreach (var x in seq) yield return x is PSObject px ? px.BaseObject : x;
            }
            else yield return value;
        }

        private static DbxValidationException NotWire(object? item)
        {
            var name = item == null ? "null" : item is PSCustomObject || item is IDictionary ? "PSCustomObject or hashtable" : item.GetType().Name;
            var hint = item is PSCustomObject || item is IDictionary
                ? " Objects from Invoke-DbxApi or ConvertFrom-Json already carry the names they were read with: write them with ConvertTo-Json -Depth 20."
                : " Use ConvertTo-Json for it.";
            return new DbxValidationException("DbxNotAWireObject",
                $"ConvertTo-DbxJson writes the wire JSON of objects read from the service (workspaces, network configurations, private access settings, IP access lists, NCCs, rules, network policies, ...); a {name} is not one.{hint}",
                item, ErrorCategory.InvalidType);
        }
    }

    /// <summary>
    /// <para type="synopsis">Reads wire JSON (a saved ConvertTo-DbxJson or Invoke-DbxApi body) into the module's typed objects, with their views and members, ready to pipe into the Set-/New- cmdlets.</para>
    /// </summary>
    [Cmdlet(VerbsData.ConvertFrom, "DbxJson", HelpUri = DbxCmdlet.HelpBase + "ConvertFrom-DbxJson.md")]
    [OutputType(typeof(Workspace), typeof(Network), typeof(VpcEndpoint), typeof(PrivateAccessSettings), typeof(NetworkConnectivityConfig), typeof(PrivateEndpointRule),
        typeof(NetworkPolicy), typeof(IpAccessList), typeof(WorkspaceNetworkOption), typeof(NetworkEndpoint), typeof(CredentialConfiguration), typeof(StorageConfiguration))]
    public sealed class ConvertFromDbxJsonCommand : PSCmdlet
    {
        /// <summary>The JSON text: one object or an array of objects (each becomes one output object). Lines from the pipeline (Get-Content without -Raw) are joined.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        public string InputObject { get; set; } = "";

        /// <summary>The type of the objects in the text, by the model name the objects have (and the snapshot's "type").</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateSet("Workspace", "Network", "VpcEndpoint", "PrivateAccessSettings", "NetworkConnectivityConfig", "PrivateEndpointRule",
            "NetworkPolicy", "IpAccessList", "WorkspaceNetworkOption", "NetworkEndpoint", "CredentialConfiguration", "StorageConfiguration")]
        public string Type { get; set; } = "";

        private readonly List<string> texts = new List<string>();

        protected override void ProcessRecord() => texts.Add(InputObject);

        protected override void EndProcessing()
        {
            var type = WireTypes.ByName[Type];
            // Each input a JSON text of its own, or (Get-Content without -Raw) lines of one text.
            var docs = new List<JsonDocument>();
            try
            {
                foreach (var t in texts.Where(t => !string.IsNullOrWhiteSpace(t)))
                {
                    if (!TryParse(t, out var d)) { foreach (var x in docs) x.Dispose(); docs.Clear(); break; }
                    docs.Add(d!);
                }
                if (docs.Count == 0)
                {
                    var joined = string.Join("\n", texts);
                    if (string.IsNullOrWhiteSpace(joined)) return;
                    try { docs.Add(JsonDocument.Parse(joined)); }
                    catch (JsonException ex) { Fail("DbxInvalidJson", $"The input is not JSON: {ex.Message}", joined); return; }
                }
                foreach (var d in docs)
                {
                    var root = d.RootElement;
                    var items = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : new List<JsonElement> { root };
                    foreach (var e in items)
                    {
                        if (e.ValueKind != JsonValueKind.Object) { Fail("DbxInvalidJson", $"A {Type} is a JSON object; the input has a {e.ValueKind.ToString().ToLowerInvariant()} ({Short(e.GetRawText())}).", e.GetRawText()); continue; }
                        object? value;
                        try { value = JsonSerializer.Deserialize(e.GetRawText(), type, Json.Options); }
                        catch (JsonException ex) { Fail("DbxInvalidJson", $"The JSON is not a {Type}: {ex.Message}", e.GetRawText()); continue; }
                        WriteObject(value);
                    }
                }
            }
            finally { foreach (var d in docs) d.Dispose(); }
        }

        private static bool TryParse(string text, out JsonDocument? doc)
        {
            try { doc = JsonDocument.Parse(text); return true; }
            catch (JsonException) { doc = null; return false; }
        }

        private static string Short(string s) => s.Length <= 60 ? s : s.Substring(0, 60) + "…";

        private void Fail(string id, string message, object target) =>
            WriteError(ErrorRecords.FromValidation(new DbxValidationException(id, message, target, ErrorCategory.InvalidData)));
    }
}
