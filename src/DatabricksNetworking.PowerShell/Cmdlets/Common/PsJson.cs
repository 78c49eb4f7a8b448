using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace DatabricksNetworking.Cmdlets
{
    /// <summary>JSON ↔ PowerShell objects for Invoke-DbxApi and exports: objects become ordered PSCustomObjects.</summary>
    public static class PsJson
    {
        public static object? ToPs(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var o = new PSObject();
                    foreach (var p in e.EnumerateObject()) o.Properties.Add(new PSNoteProperty(p.Name, ToPs(p.Value)));
                    return o;
                case JsonValueKind.Array:
                    var list = new List<object?>();
                    foreach (var item in e.EnumerateArray()) list.Add(ToPs(item));
                    return list.ToArray();
                case JsonValueKind.String: return e.GetString();
                case JsonValueKind.Number:
                    if (e.TryGetInt32(out var i)) return i;
                    if (e.TryGetInt64(out var l)) return l;
                    if (e.TryGetDecimal(out var d)) return d;
                    return e.GetDouble();
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                default: return null;
            }
        }

        /// <summary>A response body as PowerShell objects; a body that is not JSON is an invalid-response error naming the call.</summary>
        public static object? ToPs(DatabricksNetworking.Client.DbxResponse resp)
        {
            try
            {
                using var doc = JsonDocument.Parse(resp.Body);
                return ToPs(doc.RootElement);
            }
            catch (JsonException ex)
            {
                throw new DatabricksNetworking.Client.DbxInvalidResponseException(resp.StatusCode,
                    "The response is not JSON (use -Raw to see it as text): " + ex.Message, resp.RequestId, resp.Method, resp.Path, ex);
            }
        }

        /// <summary>Serialises a hashtable, PSObject, array or scalar to JSON; a string is taken as JSON text already.</summary>
        public static byte[] FromPs(object? value)
        {
            value = Unwrap(value);
            if (value is string s)
            {
                try { using (JsonDocument.Parse(s)) { } }
                catch (JsonException ex) { throw new DbxValidationException("DbxInvalidJsonBody", "-Body is a string but not valid JSON: " + ex.Message, s); }
                return Encoding.UTF8.GetBytes(s);
            }
            using var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms)) Write(w, value, 0);
            return ms.ToArray();
        }

        private static object? Unwrap(object? v) => v is PSObject pso && !(pso.BaseObject is PSCustomObject) ? pso.BaseObject : v;

        private static void Write(Utf8JsonWriter w, object? value, int depth)
        {
            if (depth > 64) throw new DbxValidationException("DbxInvalidJsonBody", "-Body is nested too deeply.", null);
            value = Unwrap(value);
            switch (value)
            {
                case null: w.WriteNullValue(); return;
                case string s: w.WriteStringValue(s); return;
                case bool b: w.WriteBooleanValue(b); return;
                case SwitchParameter sw: w.WriteBooleanValue(sw.IsPresent); return;
                case int i: w.WriteNumberValue(i); return;
                case long l: w.WriteNumberValue(l); return;
                case double d: w.WriteNumberValue(d); return;
                case decimal m: w.WriteNumberValue(m); return;
                case float f: w.WriteNumberValue(f); return;
                case Enum en: w.WriteStringValue(en.ToString()); return;
                case DateTime dt: w.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture)); return;
                case DateTimeOffset dto: w.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture)); return;
                case IDictionary dict:
                    w.WriteStartObject();
                    foreach (DictionaryEntry kv in dict)
                    {
                        w.WritePropertyName(Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? "");
                        Write(w, kv.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    return;
                case PSObject pso:
                    w.WriteStartObject();
                    foreach (var p in pso.Properties)
                    {
                        if (!(p is PSNoteProperty) && !(p is PSProperty)) continue;
                        w.WritePropertyName(p.Name);
                        Write(w, p.Value, depth + 1);
                    }
                    w.WriteEndObject();
                    return;
                case IEnumerable seq:
                    w.WriteStartArray();
                    foreach (var item in seq) Write(w, item, depth + 1);
                    w.WriteEndArray();
                    return;
                default:
                    if (value.GetType().IsPrimitive) { w.WriteNumberValue(Convert.ToDecimal(value, CultureInfo.InvariantCulture)); return; }
                    Write(w, PSObject.AsPSObject(value), depth + 1);
                    return;
            }
        }
    }
}
