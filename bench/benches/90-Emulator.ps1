# Emulator throughput: requests per second on loopback for a simple authenticated GET with 16 concurrent clients.
# The load generator is compiled C# (Add-Type), so PowerShell's own overhead does not cap the figure.
param($ModuleManifest, $EmulatorDll, $Runs, $AddRow, $Notes)
if (-not ('DbxBench.LoadGen' -as [type])) {
    Add-Type -TypeDefinition @'
using System; using System.Diagnostics; using System.Net.Http; using System.Threading; using System.Threading.Tasks;
namespace DbxBench {
  public static class LoadGen {
    public static double Run(string url, string token, int clients, int seconds) {
      var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients };
      using var http = new HttpClient(handler);
      http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
      long done = 0; var sw = Stopwatch.StartNew(); var end = TimeSpan.FromSeconds(seconds);
      var tasks = new Task[clients];
      for (int i = 0; i < clients; i++) tasks[i] = Task.Run(async () => {
        while (sw.Elapsed < end) { using var r = await http.GetAsync(url); r.EnsureSuccessStatusCode(); await r.Content.ReadAsByteArrayAsync(); Interlocked.Increment(ref done); }
      });
      Task.WaitAll(tasks);
      return done / sw.Elapsed.TotalSeconds;
    }
  }
}
'@
}
$emu = Start-DbxTestEmulator -EmulatorDll $EmulatorDll
try {
    $url = "$($emu.Url)/api/2.0/accounts/5a8c0e2b-7d14-4f3a-9b6e-2c1d0f4e8a37/workspaces/1111111111111111"
    [DbxBench.LoadGen]::Run($url, 'dapidemoaccount000000000000000000001', 16, 1) | Out-Null  # warm-up
    $rps = @(); for ($i = 0; $i -lt [math]::Max(5, [math]::Min($Runs, 5)); $i++) { $rps += [DbxBench.LoadGen]::Run($url, 'dapidemoaccount000000000000000000001', 16, 2) }
    & $AddRow 'Emulator' 'GET workspace, 16 concurrent clients (2 s windows)' (Measure-Stats $rps 0) 'req/s'
}
finally { $emu | Stop-TestService }
