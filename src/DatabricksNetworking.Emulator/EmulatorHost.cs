using System.Text.Json.Nodes;
using DatabricksNetworking.Emulator.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DatabricksNetworking.Emulator;

/// <summary>Builds the emulator web application; used by Program and by in-process xUnit tests.</summary>
public static class EmulatorHost
{
    public static (WebApplication App, EmulatorServices Services) Build(EmulatorOptions options, JsonObject? seed = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = Array.Empty<string>() });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            ErrorShapes.ConfigureKestrel(k, options);
        });

        options.ResolveAdminToken();
        if (options.AdminToken!.Any(c => c <= ' ' || c > '~'))
            throw new EmulatorStartupException("The admin token must be printable ASCII without spaces.");
        var stateFile = options.StateFile != null ? new StateFile(options.StateFile) : null;
        EmulatorState state;
        if (seed != null) state = EmulatorState.Load(seed);
        else if (stateFile?.Read() is { } saved) state = StateFile.Load(saved, stateFile.FullPath, "state file");
        else if (options.SeedFile != null) state = StateFile.Load(StateFile.ReadJsonObject(options.SeedFile, "seed file"), options.SeedFile, "seed file");
        else state = EmulatorState.Load(EmulatorState.ReadSeed(null));
        if (options.ExtraWorkspaces > 0) Seeding.AddGeneratedWorkspaces(state, options.ExtraWorkspaces);

        var services = new EmulatorServices { State = state, Options = options };
        if (stateFile != null)
        {
            long sequence = 0;
            services.Changed = () =>
            {
                string text;
                long mine;
                lock (state.Sync) { text = state.Save().ToJsonString(); mine = ++sequence; }
                stateFile.Write(text, mine);
            };
            // The state as loaded (seed or earlier state) is on disk from the start.
            services.Changed();
        }

        var app = builder.Build();
        var types = typeof(EmulatorHost).Assembly.GetTypes().Where(t => !t.IsAbstract && !t.IsInterface).ToList();
        var checks = types.Where(t => typeof(IAccessCheck).IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IAccessCheck)Activator.CreateInstance(t)!).ToList();
        Middleware.Use(app, services, checks);
        // AdminArea first: it installs the movable clock the other areas read.
        foreach (var t in types.Where(t => typeof(IEmulatorArea).IsAssignableFrom(t)).OrderBy(t => t == typeof(Areas.AdminArea) ? 0 : 1).ThenBy(t => t.FullName, StringComparer.Ordinal))
            ((IEmulatorArea)Activator.CreateInstance(t)!).Map(app, services);
        app.MapFallback(ErrorShapes.Fallback(app));
        return (app, services);
    }

    /// <summary>The http://127.0.0.1:N address the started app listens on.</summary>
    public static string Url(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1");
}
