using System.Diagnostics;

namespace DatabricksNetworking.Emulator.Core;

/// <summary>Stops the emulator when the process that started it ends (--parent-pid), so none is left running.</summary>
public static class ParentWatch
{
    public static void Start(int parentPid, IHostApplicationLifetime lifetime)
    {
        _ = Task.Run(async () =>
        {
            while (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                if (!IsAlive(parentPid)) { lifetime.StopApplication(); return; }
                try { await Task.Delay(1000, lifetime.ApplicationStopping); } catch (OperationCanceledException) { return; }
            }
        });
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
