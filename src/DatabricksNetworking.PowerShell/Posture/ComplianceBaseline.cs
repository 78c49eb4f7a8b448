using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;
using System.Text.Json;
using DatabricksNetworking.Cmdlets;
using DatabricksNetworking.Models;

namespace DatabricksNetworking.Posture
{
    /// <summary>Which workspaces a baseline or one of its controls applies to: name patterns (wildcards) and custom tags.</summary>
    public sealed class WorkspaceScope
    {
        public static readonly WorkspaceScope All = new WorkspaceScope(new string[0], new string[0], new List<KeyValuePair<string, string[]>>());

        private readonly WildcardPattern[] include, exclude;
        private readonly List<KeyValuePair<string, WildcardPattern[]>> tags;

        public WorkspaceScope(IReadOnlyList<string> workspaceNames, IReadOnlyList<string> excludeWorkspaceNames, IReadOnlyList<KeyValuePair<string, string[]>> tags)
        {
            WorkspaceNames = workspaceNames; ExcludeWorkspaceNames = excludeWorkspaceNames; Tags = tags;
            include = workspaceNames.Select(Pattern).ToArray();
            exclude = excludeWorkspaceNames.Select(Pattern).ToArray();
            this.tags = tags.Select(t => new KeyValuePair<string, WildcardPattern[]>(t.Key, t.Value.Select(Pattern).ToArray())).ToList();
        }

        public IReadOnlyList<string> WorkspaceNames { get; }
        public IReadOnlyList<string> ExcludeWorkspaceNames { get; }
        public IReadOnlyList<KeyValuePair<string, string[]>> Tags { get; }

        private static WildcardPattern Pattern(string p) => new WildcardPattern(p, WildcardOptions.IgnoreCase);

        /// <summary>In scope: the name matches one include pattern (or there are none), no exclude pattern, and every tag filter.</summary>
        public bool Matches(string? workspaceName, IDictionary<string, string>? customTags)
        {
            var name = workspaceName ?? "";
            if (include.Length > 0 && !include.Any(p => p.IsMatch(name))) return false;
            if (exclude.Any(p => p.IsMatch(name))) return false;
            foreach (var t in tags)
            {
                var value = customTags?.FirstOrDefault(kv => string.Equals(kv.Key, t.Key, StringComparison.OrdinalIgnoreCase)).Value;
                if (value == null || !t.Value.Any(p => p.IsMatch(value))) return false;
            }
            return true;
        }
    }

    /// <summary>One control a baseline requires, with its severity and scope.</summary>
    public sealed class BaselineControl
    {
        public BaselineControl(ComplianceControl control, ComplianceSeverity severity, WorkspaceScope scope) { Control = control; Severity = severity; Scope = scope; }
        public ComplianceControl Control { get; }
        public ComplianceSeverity Severity { get; }
        public WorkspaceScope Scope { get; }
    }

    /// <summary>
    /// A compliance baseline: the controls required, each with a severity and optionally a scope, and an optional scope for
    /// the whole baseline. Read from a PowerShell data file (.psd1), a JSON file or a hashtable; every problem is reported
    /// with the key (and the line, for files) before anything is scanned.
    /// </summary>
    public sealed class ComplianceBaseline
    {
        public const string ErrorId = "DbxInvalidBaseline";
        private static readonly string[] TopKeys = { "Controls", "Scope", "Name", "Description" };
        private static readonly string[] ScopeKeys = { "WorkspaceName", "ExcludeWorkspaceName", "Tag" };

        public ComplianceBaseline(string? name, string source, IReadOnlyList<BaselineControl> controls, WorkspaceScope scope)
        {
            Name = name; Source = source; Controls = controls; Scope = scope;
        }

        public string? Name { get; }
        /// <summary>Where the baseline came from (a path, or "the -Baseline hashtable").</summary>
        public string Source { get; }
        public IReadOnlyList<BaselineControl> Controls { get; }
        public WorkspaceScope Scope { get; }

        /// <summary>Every control at its default severity, for every workspace (the report's default).</summary>
        public static ComplianceBaseline Default() =>
            new ComplianceBaseline("Default", "the built-in default baseline",
                ComplianceControls.All.Select(c => new BaselineControl(c, c.DefaultSeverity, WorkspaceScope.All)).ToList(), WorkspaceScope.All);

        // ---- reading -----------------------------------------------------------------------------------------

        /// <summary>A .psd1 or .json file (by extension; other extensions are tried as JSON when they start with '{').</summary>
        public static ComplianceBaseline FromFile(string path)
        {
            if (!File.Exists(path))
                throw new DbxValidationException(ErrorId, $"The baseline file '{path}' does not exist.", path, ErrorCategory.ObjectNotFound);
            var ext = Path.GetExtension(path);
            Node root;
            if (ext.Equals(".psd1", StringComparison.OrdinalIgnoreCase)) root = FromPsd1(path);
            else if (ext.Equals(".json", StringComparison.OrdinalIgnoreCase)) root = FromJson(File.ReadAllBytes(path), path);
            else
            {
                var text = File.ReadAllText(path).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
                root = text.StartsWith("{", StringComparison.Ordinal) ? FromJson(File.ReadAllBytes(path), path) : FromPsd1(path);
            }
            return Parse(root, path);
        }

        /// <summary>A hashtable given on the command line (or any IDictionary).</summary>
        public static ComplianceBaseline FromDictionary(IDictionary dictionary) => Parse(FromObject(dictionary), "the -Baseline hashtable");

        /// <summary>Whatever -Baseline received: a path, a FileInfo or a hashtable.</summary>
        public static ComplianceBaseline FromArgument(object? value, Func<string, string> resolvePath)
        {
            var v = value is PSObject pso ? pso.BaseObject : value;
            switch (v)
            {
                case null: throw new DbxValidationException(ErrorId, "-Baseline is empty: give the path of a .psd1 or .json baseline, or a hashtable.", null);
                case IDictionary d: return FromDictionary(d);
                case FileInfo f: return FromFile(f.FullName);
                case string s when !string.IsNullOrWhiteSpace(s): return FromFile(resolvePath(s));
                default:
                    throw new DbxValidationException(ErrorId, $"-Baseline takes the path of a .psd1 or .json baseline or a hashtable, not a {v.GetType().Name}.", v);
            }
        }

        /// <summary>A parsed value with the line it came from (files only).</summary>
        internal sealed class Node
        {
            public object? Scalar;
            public List<KeyValuePair<string, Node>>? Map;
            public List<Node>? List;
            public int? Line;
        }

        internal static Node FromPsd1(string path)
        {
            var ast = Parser.ParseFile(path, out _, out ParseError[] errors);
            if (errors.Length > 0) throw Invalid(path, errors[0].Extent.StartLineNumber, null, "not a valid PowerShell data file: " + errors[0].Message);
            var statements = ast.EndBlock?.Statements;
            if (ast.ParamBlock != null || ast.BeginBlock != null || ast.ProcessBlock != null || statements == null || statements.Count != 1
                || !(statements[0] is PipelineAst pipe) || !(pipe.GetPureExpression() is HashtableAst table))
                throw Invalid(path, 1, null, "a baseline data file holds exactly one hashtable: @{ Controls = @{ DenyPublicAccess = 'High' } }.");
            return FromAst(table, path, "");
        }

        private static Node FromAst(ExpressionAst e, string path, string key)
        {
            var line = e.Extent.StartLineNumber;
            switch (e)
            {
                case HashtableAst h:
                    var map = new List<KeyValuePair<string, Node>>();
                    foreach (var kv in h.KeyValuePairs)
                    {
                        var k = Constant(kv.Item1, path, key)?.ToString() ?? "";
                        var full = key.Length == 0 ? k : key + "." + k;
                        if (!(kv.Item2 is PipelineAst p) || !(p.GetPureExpression() is ExpressionAst valueAst))
                            throw Invalid(path, kv.Item2.Extent.StartLineNumber, full, "only constant values are allowed (strings, numbers, $true/$false, arrays and hashtables).");
                        var child = FromAst(valueAst, path, full);
                        child.Line = kv.Item1.Extent.StartLineNumber;
                        map.Add(new KeyValuePair<string, Node>(k, child));
                    }
                    return new Node { Map = map, Line = line };
                case ArrayLiteralAst a:
                    return new Node { List = a.Elements.Select(x => FromAst(x, path, key)).ToList(), Line = line };
                case ArrayExpressionAst ae:
                    var items = new List<Node>();
                    foreach (var s in ae.SubExpression.Statements)
                    {
                        if (!(s is PipelineAst sp) || !(sp.GetPureExpression() is ExpressionAst x))
                            throw Invalid(path, s.Extent.StartLineNumber, key, "only constant values are allowed in arrays.");
                        var n = FromAst(x, path, key);
                        if (n.List != null) items.AddRange(n.List); else items.Add(n);
                    }
                    return new Node { List = items, Line = line };
                case ParenExpressionAst pe when pe.Pipeline is PipelineAst pp && pp.GetPureExpression() is ExpressionAst inner:
                    return FromAst(inner, path, key);
                default:
                    return new Node { Scalar = Constant(e, path, key), Line = line };
            }
        }

        private static object? Constant(ExpressionAst e, string path, string key)
        {
            try { return e.SafeGetValue(); }
            catch (InvalidOperationException)
            {
                throw Invalid(path, e.Extent.StartLineNumber, key.Length == 0 ? null : key,
                    $"'{e.Extent.Text}' is not a constant: only strings, numbers, $true/$false, arrays and hashtables are allowed.");
            }
        }

        internal static Node FromJson(byte[] bytes, string source)
        {
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            var data = new ReadOnlySpan<byte>(bytes, start, bytes.Length - start).ToArray();
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            try
            {
                if (!reader.Read()) throw Invalid(source, 1, null, "the file is empty.");
                var root = ReadJson(ref reader, data, source, "");
                if (reader.Read()) throw Invalid(source, LineOf(data, reader.TokenStartIndex), null, "there is more after the baseline's closing brace.");
                return root;
            }
            catch (JsonException ex)
            {
                throw Invalid(source, (int)(ex.LineNumber ?? 0) + 1, null, "not valid JSON: " + FirstSentence(ex.Message));
            }
        }

        private static Node ReadJson(ref Utf8JsonReader reader, byte[] data, string source, string key)
        {
            var line = LineOf(data, reader.TokenStartIndex);
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var map = new List<KeyValuePair<string, Node>>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var k = reader.GetString() ?? "";
                        var keyLine = LineOf(data, reader.TokenStartIndex);
                        var full = key.Length == 0 ? k : key + "." + k;
                        if (map.Any(m => string.Equals(m.Key, k, StringComparison.OrdinalIgnoreCase)))
                            throw Invalid(source, keyLine, full, "the key appears twice.");
                        reader.Read();
                        var child = ReadJson(ref reader, data, source, full);
                        child.Line = keyLine;
                        map.Add(new KeyValuePair<string, Node>(k, child));
                    }
                    return new Node { Map = map, Line = line };
                case JsonTokenType.StartArray:
                    var list = new List<Node>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) list.Add(ReadJson(ref reader, data, source, key));
                    return new Node { List = list, Line = line };
                case JsonTokenType.String: return new Node { Scalar = reader.GetString(), Line = line };
                case JsonTokenType.Number: return new Node { Scalar = reader.TryGetInt64(out var l) ? (object)l : reader.GetDouble(), Line = line };
                case JsonTokenType.True: return new Node { Scalar = true, Line = line };
                case JsonTokenType.False: return new Node { Scalar = false, Line = line };
                default: return new Node { Scalar = null, Line = line };
            }
        }

        private static int LineOf(byte[] data, long index)
        {
            int line = 1;
            for (long i = 0; i < index && i < data.Length; i++) if (data[i] == (byte)'\n') line++;
            return line;
        }

        private static string FirstSentence(string message)
        {
            var i = message.IndexOf(" Path:", StringComparison.Ordinal);
            return i > 0 ? message.Substring(0, i) : message;
        }

        internal static Node FromObject(object? value)
        {
            var v = value is PSObject p ? p.BaseObject : value;
            if (v is IDictionary d)
            {
                var map = new List<KeyValuePair<string, Node>>();
                foreach (DictionaryEntry e in d) map.Add(new KeyValuePair<string, Node>((e.Key is PSObject kp ? kp.BaseObject : e.Key)?.ToString() ?? "", FromObject(e.Value)));
                return new Node { Map = map };
            }
            if (v is IEnumerable en && !(v is string)) return new Node { List = en.Cast<object?>().Select(FromObject).ToList() };
            return new Node { Scalar = v };
        }

        // ---- validation --------------------------------------------------------------------------------------

        internal static ComplianceBaseline Parse(Node root, string source)
        {
            if (root.Map == null) throw Invalid(source, root.Line, null, "a baseline is a hashtable (JSON object) with a Controls key.");
            Check(root, source, "", TopKeys, "a baseline has the keys " + string.Join(", ", TopKeys));
            var controlsNode = Get(root, "Controls");
            if (controlsNode == null) throw Invalid(source, root.Line, "Controls", "the baseline names no controls: add Controls = @{ DenyPublicAccess = 'High'; ... }.");
            if (controlsNode.Map == null || controlsNode.Map.Count == 0)
                throw Invalid(source, controlsNode.Line, "Controls", "Controls must be a hashtable of control names and severities, such as @{ DenyPublicAccess = 'High' }.");
            var name = Get(root, "Name")?.Scalar?.ToString();
            var scope = Get(root, "Scope") is Node s ? ParseScope(s, source, "Scope") : WorkspaceScope.All;

            var controls = new List<BaselineControl>();
            foreach (var kv in controlsNode.Map)
            {
                var key = "Controls." + kv.Key;
                var control = ComplianceControls.Find(kv.Key)
                    ?? throw Invalid(source, kv.Value.Line, key, $"'{kv.Key}' is not a known control. Known controls: {string.Join(", ", ComplianceControls.All.Select(c => c.Name))}.");
                if (controls.Any(c => c.Control == control)) throw Invalid(source, kv.Value.Line, key, "the control is named twice.");
                ComplianceSeverity severity;
                var controlScope = WorkspaceScope.All;
                if (kv.Value.Map != null)
                {
                    Check(kv.Value, source, key, new[] { "Severity" }.Concat(ScopeKeys).ToArray(), "a control takes Severity and optionally WorkspaceName, ExcludeWorkspaceName and Tag");
                    var sev = Get(kv.Value, "Severity") ?? throw Invalid(source, kv.Value.Line, key + ".Severity", "the control has no Severity.");
                    severity = ParseSeverity(sev, source, key + ".Severity");
                    controlScope = ParseScope(kv.Value, source, key);
                    if (control.AccountLevel && (controlScope.WorkspaceNames.Count > 0 || controlScope.ExcludeWorkspaceNames.Count > 0 || controlScope.Tags.Count > 0))
                        throw Invalid(source, kv.Value.Line, key, $"{control.Name} is a control of the account (checked once per account), so it takes no WorkspaceName, ExcludeWorkspaceName or Tag.");
                }
                else severity = ParseSeverity(kv.Value, source, key);
                controls.Add(new BaselineControl(control, severity, controlScope));
            }
            return new ComplianceBaseline(name, source, controls, scope);
        }

        private static ComplianceSeverity ParseSeverity(Node n, string source, string key)
        {
            var text = n.Scalar as string;
            if (n.Map != null || n.List != null || text == null
                || text.Trim().Length == 0 || char.IsDigit(text.Trim()[0]) || text.Trim()[0] == '-'
                || !Enum.TryParse<ComplianceSeverity>(text.Trim(), true, out var severity))
                throw Invalid(source, n.Line, key, $"'{Describe(n)}' is not a severity: use {string.Join(", ", Enum.GetNames(typeof(ComplianceSeverity)))}.");
            return severity;
        }

        private static WorkspaceScope ParseScope(Node n, string source, string key)
        {
            if (n.Map == null) throw Invalid(source, n.Line, key, "a scope is a hashtable with WorkspaceName, ExcludeWorkspaceName and Tag.");
            if (key == "Scope") Check(n, source, key, ScopeKeys, "a scope has the keys " + string.Join(", ", ScopeKeys));
            var include = Patterns(Get(n, "WorkspaceName"), source, key + ".WorkspaceName");
            var exclude = Patterns(Get(n, "ExcludeWorkspaceName"), source, key + ".ExcludeWorkspaceName");
            var tags = new List<KeyValuePair<string, string[]>>();
            if (Get(n, "Tag") is Node t)
            {
                if (t.Map == null || t.Map.Count == 0) throw Invalid(source, t.Line, key + ".Tag", "Tag is a hashtable of tag names and value patterns, such as @{ env = 'prod*' }.");
                foreach (var kv in t.Map)
                {
                    if (kv.Key.Trim().Length == 0) throw Invalid(source, kv.Value.Line, key + ".Tag", "a tag name is empty.");
                    tags.Add(new KeyValuePair<string, string[]>(kv.Key, Patterns(kv.Value, source, key + ".Tag." + kv.Key).ToArray()));
                }
            }
            return new WorkspaceScope(include, exclude, tags);
        }

        private static List<string> Patterns(Node? n, string source, string key)
        {
            var result = new List<string>();
            if (n == null) return result;
            var items = n.List ?? new List<Node> { n };
            foreach (var item in items)
            {
                if (!(item.Scalar is string p) || p.Length == 0)
                    throw Invalid(source, item.Line ?? n.Line, key, $"'{Describe(item)}' is not a name pattern: give a non-empty string such as 'prod-*'.");
                try { new WildcardPattern(p, WildcardOptions.IgnoreCase).IsMatch("probe"); }
                catch (WildcardPatternException ex)
                {
                    throw Invalid(source, item.Line ?? n.Line, key, $"'{p}' is not a valid wildcard pattern ({ex.Message.TrimEnd('.')}). Use * and ?, and escape [ and ] with a backtick.");
                }
                result.Add(p);
            }
            return result;
        }

        private static void Check(Node map, string source, string key, string[] allowed, string hint)
        {
            foreach (var kv in map.Map!)
                if (!allowed.Any(a => string.Equals(a, kv.Key, StringComparison.OrdinalIgnoreCase)))
                    throw Invalid(source, kv.Value.Line, key.Length == 0 ? kv.Key : key + "." + kv.Key, $"unknown key '{kv.Key}': {hint}.");
        }

        private static Node? Get(Node map, string key) =>
            map.Map!.Where(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)).Select(kv => kv.Value).FirstOrDefault();

        private static string Describe(Node n) =>
            n.Map != null ? "@{...}" : n.List != null ? "@(...)" : n.Scalar?.ToString() ?? "null";

        private static DbxValidationException Invalid(string source, int? line, string? key, string problem)
        {
            var sb = new StringBuilder("Invalid baseline ").Append(source);
            if (line.HasValue) sb.Append(", line ").Append(line.Value);
            if (key != null) sb.Append(", key '").Append(key).Append('\'');
            sb.Append(": ").Append(problem);
            return new DbxValidationException(ErrorId, sb.ToString(), key ?? source);
        }
    }
}
