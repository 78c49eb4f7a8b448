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
            k.Listen(System.Net.IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            k.AddServerHeader = false;
        });

        JsonObject seedJson;
        if (seed != null) seedJson = seed;
        else if (options.StateFile != null && File.Exists(options.StateFile)) seedJson = JsonNode.Parse(File.ReadAllText(options.StateFile))!.AsObject();
        else seedJson = EmulatorState.ReadSeed(options.SeedFile);
        var state = EmulatorState.Load(seedJson);
        if (options.ExtraWorkspaces > 0) Seeding.AddGeneratedWorkspaces(state, options.ExtraWorkspaces);

        var services = new EmulatorServices { State = state, Options = options };
        if (options.StateFile != null)
        {
            var path = options.StateFile;
            services.Changed = () =>
            {
                string text;
                lock (state.Sync) text = state.Save().ToJsonString();
                lock (services) File.WriteAllText(path, text);
            };
        }

        var app = builder.Build();
        var types = typeof(EmulatorHost).Assembly.GetTypes().Where(t => !t.IsAbstract && !t.IsInterface).ToList();
        var checks = types.Where(t => typeof(IAccessCheck).IsAssignableFrom(t)).OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IAccessCheck)Activator.CreateInstance(t)!).ToList();
        Middleware.Use(app, services, checks);
        // AdminArea first: it installs the movable clock the other areas read.
        foreach (var t in types.Where(t => typeof(IEmulatorArea).IsAssignableFrom(t)).OrderBy(t => t == typeof(Areas.AdminArea) ? 0 : 1).ThenBy(t => t.FullName, StringComparer.Ordinal))
            ((IEmulatorArea)Activator.CreateInstance(t)!).Map(app, services);
        app.MapFallback((HttpContext http) =>
            Emu.Error(http, 404, "ENDPOINT_NOT_FOUND", $"No API found for '{http.Request.Method} {http.Request.Path}'."));
        return (app, services);
    }

    /// <summary>The http://127.0.0.1:N address the started app listens on.</summary>
    public static string Url(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1");
}
