using System;
using System.Collections.Generic;
using System.IO;

namespace DatabricksNetworking.Client.Auth
{
    /// <summary>
    /// Reads <c>~/.databrickscfg</c> as the Go SDK, CLI and Terraform do (gopkg.in/ini.v1 with
    /// <c>SpaceBeforeInlineComment</c>, databricks-sdk-go config/config_file.go): [profile] sections, <c>key = value</c>
    /// (or <c>key: value</c>), whole-line comments starting with <c>;</c> or <c>#</c>, inline comments only after a space
    /// or tab (<c>host = https://x # prod</c>) so a password may contain <c>#</c>, and values in matching single or double
    /// quotes taken without them (<c>password = "%Y#X$Z" # comment</c> is <c>%Y#X$Z</c>).
    /// </summary>
    public sealed class DatabricksConfigFile
    {
        /// <summary>The reserved section of tool settings (e.g. <c>default_profile</c>); not a profile.</summary>
        public const string SettingsSection = "__settings__";

        private DatabricksConfigFile(string path, Dictionary<string, Dictionary<string, string>> sections)
        {
            Path = path;
            Sections = sections;
        }

        public string Path { get; }
        public IReadOnlyDictionary<string, Dictionary<string, string>> Sections { get; }

        /// <summary>Profile names a user can pick (the reserved <c>__settings__</c> section excluded).</summary>
        public IEnumerable<string> ProfileNames
        {
            get { foreach (var k in Sections.Keys) if (k != SettingsSection) yield return k; }
        }

        /// <summary>The path the SDKs use: <c>DATABRICKS_CONFIG_FILE</c>, else <c>~/.databrickscfg</c>.</summary>
        public static string DefaultPath(Func<string, string?> env)
        {
            var p = env("DATABRICKS_CONFIG_FILE");
            if (!string.IsNullOrEmpty(p)) return ExpandHome(p!, env);
            var home = env("HOME");
            if (string.IsNullOrEmpty(home)) home = env("USERPROFILE");
            if (string.IsNullOrEmpty(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return System.IO.Path.Combine(home!, ".databrickscfg");
        }

        public static string ExpandHome(string path, Func<string, string?> env)
        {
            if (path.StartsWith("~/", StringComparison.Ordinal) || path == "~")
            {
                var home = env("HOME") ?? env("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                return System.IO.Path.Combine(home, path.Length > 2 ? path.Substring(2) : "");
            }
            return path;
        }

        public static DatabricksConfigFile? TryLoad(string path)
        {
            if (!File.Exists(path)) return null;
            return Parse(path, File.ReadAllText(path));
        }

        public static DatabricksConfigFile Parse(string path, string text)
        {
            var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            Dictionary<string, string>? current = null;
            var lineNo = 0;
            foreach (var raw in text.Split('\n'))
            {
                lineNo++;
                var line = raw.Trim();
                if (line.Length == 0 || line[0] == ';' || line[0] == '#') continue;
                if (line[0] == '[')
                {
                    var end = line.IndexOf(']');
                    if (end < 0) throw new FormatException($"{path}, line {lineNo}: section header '{line}' has no closing ']'.");
                    var name = line.Substring(1, end - 1).Trim();
                    if (!sections.TryGetValue(name, out current))
                    {
                        current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                        sections[name] = current;
                    }
                    continue;
                }
                var eq = line.IndexOfAny(Delimiters);
                if (eq <= 0) throw new FormatException($"{path}, line {lineNo}: expected 'key = value'.");
                if (current == null) throw new FormatException($"{path}, line {lineNo}: a key outside any [profile] section.");
                current[line.Substring(0, eq).Trim()] = ReadValue(line.Substring(eq + 1).Trim());
            }
            return new DatabricksConfigFile(path, sections);
        }

        private static readonly char[] Delimiters = { '=', ':' };

        /// <summary>A value as go-ini reads it: quoted values unquoted, else an inline comment cut when ';'/'#' follows whitespace.</summary>
        internal static string ReadValue(string v)
        {
            if (v.Length >= 2 && (v[0] == '"' || v[0] == '\''))
            {
                var close = v.IndexOf(v[0], 1);
                if (close > 0)
                {
                    var rest = v.Substring(close + 1).Trim();
                    if (rest.Length == 0 || rest[0] == '#' || rest[0] == ';') return v.Substring(1, close - 1);
                }
            }
            for (int i = 1; i < v.Length; i++)
                if ((v[i] == '#' || v[i] == ';') && (v[i - 1] == ' ' || v[i - 1] == '\t')) return v.Substring(0, i).TrimEnd();
            return v;
        }
    }
}
