using System;
using System.Collections.Generic;
using System.Linq;

namespace DatabricksNetworking.Models
{
    /// <summary>
    /// The list type of every list-valued property of an output model. It is a <see cref="List{T}"/> (pipelines,
    /// indexing, <c>.Count</c>, JSON arrays, <c>{a, b}</c> in tables work as before) whose <c>ToString()</c> joins the
    /// items with <c>;</c>, so <c>Export-Csv</c>/<c>ConvertTo-Csv</c> (which write a property's <c>ToString()</c>) give
    /// <c>a;b</c> instead of the type name. Tests/pester/Docs/CsvExport.Tests.ps1 fails on any output property that
    /// still renders as a .NET type name.
    /// </summary>
    public class DbxList<T> : List<T>
    {
        public DbxList() { }
        public DbxList(IEnumerable<T> items) : base(items ?? Enumerable.Empty<T>()) { }

        /// <summary>The separator of list cells in CSV.</summary>
        public const string Separator = ";";

        public override string ToString() => string.Join(Separator, this.Select(i => Cell(i)));

        /// <summary>An item as CSV text: its ToString(), or compact JSON when that is only its type name (maps, plain objects).</summary>
        internal static string Cell(object? item)
        {
            if (item == null) return "";
            var text = item is IFormattable f ? f.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : item.ToString() ?? "";
            return text == item.GetType().ToString() ? System.Text.Json.JsonSerializer.Serialize(item, item.GetType()) : text;
        }

        /// <summary>The number of items under an array's name too (these properties were arrays; <c>.Length</c> keeps working).</summary>
        public int Length => Count;

        /// <summary>Arrays (<c>new string[0]</c>, <c>.ToArray()</c>) convert implicitly (null becomes empty), so setters keep their shape.</summary>
        public static implicit operator DbxList<T>(T[]? items) => new DbxList<T>(items ?? new T[0]);

    }

    /// <summary>A string map (tags) whose <c>ToString()</c> is <c>key=value;key=value</c> (CSV cells, like <see cref="DbxList{T}"/>).</summary>
    public class DbxMap : Dictionary<string, string>
    {
        public DbxMap() : base(StringComparer.Ordinal) { }
        public DbxMap(IDictionary<string, string> items) : base(items ?? new Dictionary<string, string>(), StringComparer.Ordinal) { }

        public override string ToString() => string.Join(DbxList<string>.Separator, this.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
    }

    public static class DbxListExtensions
    {
        public static DbxList<T> ToDbxList<T>(this IEnumerable<T> items) => new DbxList<T>(items);
    }
}
