using System.Globalization;
using System.Text;

namespace DatabricksNetworking.Validation
{
    /// <summary>
    /// Names and labels an admin types (IP access list labels, network and private access settings names, AWS names):
    /// what may be in them, and how a value is shown so that it cannot forge lines or reorder text in a terminal.
    /// </summary>
    public static class Text
    {
        /// <summary>
        /// Why <paramref name="value"/> is not acceptable as a name or label, or null when it is: control characters
        /// (CR, LF, TAB, ESC, ...), invisible format characters (zero-width spaces and joiners, the bidirectional
        /// overrides and isolates that reorder text, BOM), line and paragraph separators, unpaired surrogates.
        /// </summary>
        public static string? Problem(string? value)
        {
            if (value == null) return null;
            for (int i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (char.IsHighSurrogate(c))
                {
                    if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
                    return $"an unpaired surrogate (U+{(int)c:X4}) at position {i + 1}";
                }
                if (char.IsLowSurrogate(c)) return $"an unpaired surrogate (U+{(int)c:X4}) at position {i + 1}";
                var kind = Kind(c);
                if (kind != null) return $"{kind} (U+{(int)c:X4}) at position {i + 1}";
            }
            return null;
        }

        /// <summary>The value with every character <see cref="Problem"/> refuses written as a visible escape
        /// (<c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\u202E</c>), for messages, prompts and What-if lines.</summary>
        public static string Printable(string? value)
        {
            if (value == null) return "";
            StringBuilder? sb = null;
            for (int i = 0; i < value.Length; i++)
            {
                var c = value[i];
                string? escape = null;
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    sb?.Append(c).Append(value[i + 1]);
                    i++;
                    continue;
                }
                if (char.IsSurrogate(c) || Kind(c) != null)
                    escape = c switch { '\r' => "\\r", '\n' => "\\n", '\t' => "\\t", _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) };
                if (escape == null) { sb?.Append(c); continue; }
                if (sb == null) { sb = new StringBuilder(value.Length + 8); sb.Append(value, 0, i); }
                sb.Append(escape);
            }
            return sb?.ToString() ?? value;
        }

        /// <summary>Checks a name or label: not blank, within <paramref name="min"/>..<paramref name="max"/> characters
        /// (after trimming), and free of the characters <see cref="Problem"/> names. Returns the trimmed value, or an
        /// error message.</summary>
        public static bool TryCheckName(string? value, string what, int min, int max, out string trimmed, out string? error)
        {
            trimmed = value?.Trim() ?? "";
            error = null;
            if (trimmed.Length == 0) { error = $"The {what} is empty."; return false; }
            var problem = Problem(trimmed);
            if (problem != null) { error = $"The {what} '{Printable(trimmed)}' contains {problem}; use visible characters only."; return false; }
            if (trimmed.Length < min || trimmed.Length > max)
            {
                var shown = trimmed.Length > 60 ? trimmed.Substring(0, 60) + "…" : trimmed;
                error = $"The {what} must be {min} to {max} characters long; '{shown}' has {trimmed.Length}.";
                return false;
            }
            return true;
        }

        private static string? Kind(char c)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.Control: return "a control character";
                case UnicodeCategory.Format: return "an invisible formatting character";
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator: return "a line separator";
                default: return null;
            }
        }
    }
}
