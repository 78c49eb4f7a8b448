using System.Text.Json.Nodes;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>A start-up problem the emulator reports as one line on stderr (and a non-zero exit), not a stack trace.</summary>
public sealed class EmulatorStartupException : Exception
{
    public EmulatorStartupException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// The --state-file: read at start, rewritten after every successful write. A write goes to a temporary file in the
/// same folder, is flushed to disk, then renamed over the state file, so a kill at any moment leaves either the old or
/// the new complete state, never a torn one.
/// </summary>
public sealed class StateFile
{
    private readonly string path;
    private readonly object gate = new();
    private long written = -1;

    public StateFile(string path) { this.path = Path.GetFullPath(path); }

    public string FullPath => path;

    /// <summary>The temporary file a write goes through (left behind only by a kill in mid-write; removed at start).</summary>
    public string TempPath => path + ".tmp";

    /// <summary>The seed-format JSON of the state file, or null when it does not exist yet.</summary>
    public JsonObject? Read()
    {
        try { if (File.Exists(TempPath)) File.Delete(TempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        if (!File.Exists(path)) return null;
        return ReadJsonObject(path, "state file");
    }

    /// <summary>Reads a JSON object file, or throws <see cref="EmulatorStartupException"/> naming the file and what is wrong.</summary>
    public static JsonObject ReadJsonObject(string file, string what)
    {
        string text;
        try { text = File.ReadAllText(file); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EmulatorStartupException($"The {what} '{file}' cannot be read: {ex.Message}", ex);
        }
        if (text.Trim().Length == 0) throw new EmulatorStartupException($"The {what} '{file}' is empty (expected a JSON object with \"accounts\").");
        JsonNode? node;
        try { node = StrictJson.Parse(text); }
        catch (System.Text.Json.JsonException ex)
        {
            throw new EmulatorStartupException($"The {what} '{file}' is not valid JSON: {OneLine(ex.Message)}", ex);
        }
        if (node is not JsonObject o) throw new EmulatorStartupException($"The {what} '{file}' is not a JSON object (expected {{\"accounts\": [...]}}).");
        return o;
    }

    /// <summary>Loads a seed-format object, turning shape errors into one clear line naming the file.</summary>
    public static EmulatorState Load(JsonObject json, string file, string what)
    {
        try { return EmulatorState.Load(json); }
        catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException or KeyNotFoundException or FormatException or ArgumentException or System.Text.Json.JsonException)
        {
            throw new EmulatorStartupException($"The {what} '{file}' is not a valid emulator state: {OneLine(ex.Message)}", ex);
        }
    }

    /// <summary>Writes one snapshot; <paramref name="sequence"/> orders snapshots taken concurrently (an older one never overwrites a newer).</summary>
    public void Write(string text, long sequence)
    {
        lock (gate)
        {
            if (sequence <= written) return;
            using (var fs = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                fs.Write(bytes, 0, bytes.Length);
                fs.Flush(flushToDisk: true);
            }
            File.Move(TempPath, path, overwrite: true);
            written = sequence;
        }
    }

    private static string OneLine(string s) => s.Replace("\r", " ").Replace("\n", " ");
}
