using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;

EmulatorOptions options;
WebApplication app;
try
{
    options = EmulatorOptions.Parse(args);
    (app, _) = EmulatorHost.Build(options);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or EmulatorStartupException)
{
    // One line naming what is wrong (a bad option, an unreadable seed or state file), no stack trace.
    Console.Error.WriteLine("DatabricksNetworking.Emulator: " + ex.Message);
    return 2;
}
await app.StartAsync();
if (options.ParentPid > 0) ParentWatch.Start(options.ParentPid, app.Lifetime);
// Start-DbxEmulator and build/Services.psm1 read this line: the URL, then the admin token of the /_emulator routes.
Console.WriteLine("Emulator listening on " + EmulatorHost.Url(app) + " admin-token=" + options.AdminToken);
Console.Out.Flush();
await app.WaitForShutdownAsync();
return 0;
