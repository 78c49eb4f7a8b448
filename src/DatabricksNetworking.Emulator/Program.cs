using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;

EmulatorOptions options;
try { options = EmulatorOptions.Parse(args); }
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine("DatabricksNetworking.Emulator: " + ex.Message);
    return 2;
}

var (app, _) = EmulatorHost.Build(options);
await app.StartAsync();
if (options.ParentPid > 0) ParentWatch.Start(options.ParentPid, app.Lifetime);
Console.WriteLine("Emulator listening on " + EmulatorHost.Url(app));
Console.Out.Flush();
await app.WaitForShutdownAsync();
return 0;
