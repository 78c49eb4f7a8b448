using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;
using DatabricksNetworking.Tests.Foundation;

namespace DatabricksNetworking.Tests.Emulator;

/// <summary>The emulator as a separate process (dotnet DatabricksNetworking.Emulator.dll), as Start-DbxEmulator runs it.</summary>
internal sealed class EmulatorProcess : IDisposable
{
    private static readonly Regex Listening = new(@"^Emulator listening on (http://\S+) admin-token=(\S+)");

    public required Process Process { get; init; }
    public required string Url { get; init; }
    public required string AdminToken { get; init; }

    public static string Dll =>
        Environment.GetEnvironmentVariable("DBX_TEST_EMULATOR_DLL") is { Length: > 0 } d && File.Exists(d) ? d : typeof(EmulatorHost).Assembly.Location;

    public static Process StartRaw(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add("0");
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    public static async Task<EmulatorProcess> Start(params string[] args)
    {
        var p = StartRaw(args);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var line = await p.StandardOutput.ReadLineAsync(cts.Token);
            if (line == null)
            {
                var err = await p.StandardError.ReadToEndAsync();
                throw new InvalidOperationException("The emulator exited before listening: " + err);
            }
            var m = Listening.Match(line);
            if (m.Success) return new EmulatorProcess { Process = p, Url = m.Groups[1].Value, AdminToken = m.Groups[2].Value };
        }
    }

    /// <summary>SIGKILL: no shutdown code runs (Process.Kill is kill -9 on Linux).</summary>
    public void Kill9()
    {
        try { Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        Process.WaitForExit(30000);
    }

    public void Dispose() { Kill9(); Process.Dispose(); }
}

/// <summary>--state-file survives kill -9 at any moment; a corrupt file is one clear line on stderr and a non-zero exit.</summary>
public class EmulatorStateFileTests
{
    private const long Ws = 1111111111111111;

    private static int ListsIn(JsonObject state)
    {
        var acc = state["accounts"]!.AsArray().First(a => (string?)a!["account_id"] == InProcessEmulator.AccountId)!;
        return acc["workspace_state"]?[Ws.ToString()]?["collections"]?["ip-access-lists"]?.AsArray().Count ?? 0;
    }

    [Fact]
    public async Task Kill_9_during_writes_restarts_with_a_complete_state()
    {
        var dir = Directory.CreateTempSubdirectory("dbx-emu-state-").FullName;
        var path = Path.Combine(dir, "state.json");
        var rng = new Random(4242);
        int before = 0;
        try
        {
            for (int round = 0; round < 4; round++)
            {
                using var emu = await EmulatorProcess.Start("--state-file", path, "--quiet");
                using var http = new HttpClient { BaseAddress = new Uri(emu.Url), Timeout = TimeSpan.FromSeconds(60) };
                // The restarted emulator serves what the file holds, and nothing written before is lost.
                var stateReq = new HttpRequestMessage(HttpMethod.Get, "/_emulator/state");
                stateReq.Headers.Add(EmulatorOptions.AdminTokenHeader, emu.AdminToken);
                var served = JsonNode.Parse(await (await http.SendAsync(stateReq)).Content.ReadAsStringAsync())!.AsObject();
                int now = ListsIn(served);
                Assert.True(now >= before, $"round {round}: {now} lists after restart, {before} before");
                before = now;

                // Writers in a loop until the kill; the kill lands at a random moment while they write.
                using var stop = new CancellationTokenSource();
                int acknowledged = 0;
                var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
                {
                    for (int i = 0; !stop.IsCancellationRequested; i++)
                    {
                        var req = new HttpRequestMessage(HttpMethod.Post, "/api/2.0/ip-access-lists")
                        {
                            Content = new StringContent($"{{\"label\":\"kill-{round}-{w}-{i}\",\"list_type\":\"BLOCK\",\"ip_addresses\":[\"192.0.2.{i % 250 + 1}\"]}}", Encoding.UTF8, "application/json"),
                        };
                        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", InProcessEmulator.WorkspaceToken);
                        try { if ((await http.SendAsync(req)).IsSuccessStatusCode) Interlocked.Increment(ref acknowledged); }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException) { return; }
                    }
                })).ToArray();
                // Wait until writes are flowing (polled, no timing assumption), then kill after a random extra moment.
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (Volatile.Read(ref acknowledged) < 5 && DateTime.UtcNow < deadline) await Task.Delay(10);
                Assert.True(acknowledged >= 5, "the writers made no progress");
                await Task.Delay(rng.Next(0, 300));
                emu.Kill9();
                stop.Cancel();
                await Task.WhenAll(writers);

                // The file on disk is one complete state (never a torn write).
                var text = File.ReadAllText(path);
                var saved = JsonNode.Parse(text)!.AsObject();
                // Every acknowledged write is in it: a write is on disk before its answer starts.
                Assert.True(ListsIn(saved) >= before + acknowledged, $"round {round}: {ListsIn(saved)} lists in the file, {before} + {acknowledged} acknowledged");
            }
            // The last restart loads that state too.
            using var final = await EmulatorProcess.Start("--state-file", path, "--quiet");
            Assert.False(final.Process.HasExited);
            Assert.False(File.Exists(path + ".tmp"), "a leftover temporary file is removed at start");
        }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
    }

    [Theory]
    [InlineData("{\"accounts\": [ {\"account_id\": \"x\"", "is not valid JSON")]
    [InlineData("", "is empty")]
    [InlineData("[1, 2]", "is not a JSON object")]
    [InlineData("{\"accounts\": [], \"accounts\": []}", "is not valid JSON: Duplicate property 'accounts'")]
    [InlineData("{\"accounts\": [ {\"account_id\": 5, \"workspaces\": 7} ]}", "is not a valid emulator state")]
    public async Task A_corrupt_state_file_is_one_clear_line_and_a_non_zero_exit(string content, string what)
    {
        var path = Path.Combine(Path.GetTempPath(), "dbx-emu-corrupt-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, content);
        try
        {
            using var p = EmulatorProcess.StartRaw("--state-file", path, "--quiet");
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            Assert.True(p.WaitForExit(120000), "the emulator did not exit");
            Assert.NotEqual(0, p.ExitCode);
            var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var line = Assert.Single(lines);
            Assert.Contains(path, line);
            Assert.Contains(what, line);
            Assert.DoesNotContain("listening", await stdout);
            Assert.Equal(content, File.ReadAllText(path)); // the corrupt file is left as it was, for inspection
        }
        finally { File.Delete(path); }
    }
}
