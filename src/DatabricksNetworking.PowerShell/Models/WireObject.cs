using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DatabricksNetworking.Models
{
    /// <summary>
    /// The base of every model that mirrors a service object (what Get-Dbx* reads, nested parts included). It keeps the
    /// fields the service sent that the model does not know (a newer service adds fields over time), so the object
    /// serialised with <see cref="Client.Json.Options"/> is the body that was read (ConvertTo-DbxJson, the snapshot of
    /// Export-DbxNetworkConfiguration, a read-then-PUT of a network policy) — the Go SDK keeps such fields by
    /// round-tripping the raw JSON. The member is internal on purpose: PowerShell adapts public members only, so it
    /// never shows in a view, in Format-List *, Select-Object *, Export-Csv or ConvertTo-Json (HiddenAttribute hides a
    /// public property from the first four but not from ConvertTo-Json, which reads public properties by reflection).
    /// </summary>
    public abstract class WireObject
    {
        /// <summary>Fields of the wire object the model has no property for, as the service sent them.</summary>
        [JsonExtensionData, JsonInclude]
        internal Dictionary<string, JsonElement>? OtherFields { get; set; }
    }
}
