using DatabricksNetworking.Emulator;
using DatabricksNetworking.Emulator.Core;

EmulatorOptions options;
WebApplication app;
if (args.Any(a => a is "--help" or "-h" or "-?"))
{
    Console.WriteLine(EmulatorOptions.HelpText);
    Console.WriteLine();
    Console.WriteLine("Runtime: " + EmulatorOptions.RuntimeText());
    return 0;
}
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
try { await app.StartAsync(); }
catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    // Start-DbxEmulator reads this line (EmulatorOptions.PortInUseMarker) and turns it into DbxEmulatorPortInUse.
    Console.Error.WriteLine($"DatabricksNetworking.Emulator: {EmulatorOptions.PortInUseMarker} port {options.Port} on 127.0.0.1 is already in use: give another --port, or 0 for a free one.");
    return 3;
}
if (options.ParentPid > 0) ParentWatch.Start(options.ParentPid, app.Lifetime);
// Which runtime a machine chose (net8.0, rolled forward to newer majors); a line of its own, so the next one stays as read.
Console.WriteLine("Emulator runtime: " + EmulatorOptions.RuntimeText());
// Start-DbxEmulator and build/Services.psm1 read this line: the URL, then the admin token of the /_emulator routes.
Console.WriteLine("Emulator listening on " + EmulatorHost.Url(app) + " admin-token=" + options.AdminToken);
Console.Out.Flush();
await app.WaitForShutdownAsync();
return 0;
