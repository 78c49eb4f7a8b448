using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace DatabricksNetworking.Aws
{
    /// <summary>
    /// Loads the AWS engine (aws/DatabricksNetworking.Aws.dll and the AWS SDK next to it) on first use of an AWS
    /// cmdlet — never on import, never for a Databricks-only cmdlet.
    /// <para>
    /// On PowerShell 7 the engine and every AWSSDK.*.dll of the aws folder are loaded into a private
    /// AssemblyLoadContext named "DatabricksNetworking.Aws". The runtime resolves an assembly reference in a
    /// context first among the assemblies already loaded into that context, so the engine's AWSSDK.Core is always
    /// our copy, whatever AWSSDK.Core another module put (or later puts) into the default context. References the
    /// context does not hold (DatabricksNetworking.PowerShell itself, System.*) fall through to the default context,
    /// so the interface and DTO types are the very ones the cmdlets use. The main assembly is netstandard2.0, so it
    /// reaches AssemblyLoadContext by reflection.
    /// </para>
    /// </summary>
    public static class AwsEngineLoader
    {
        public const string LoadContextName = "DatabricksNetworking.Aws";
        private const string EngineAssembly = "DatabricksNetworking.Aws";
        private const string EngineType = "DatabricksNetworking.Aws.Engine.AwsEngine";
        private static readonly object Gate = new object();
        private static IAwsEngine? engine;
        private static object? loadContext;

        /// <summary>True once an AWS cmdlet has loaded the engine in this session.</summary>
        public static bool IsLoaded => engine != null;

        /// <summary>The folder the engine and the AWS SDK are published to: &lt;module&gt;/aws.</summary>
        public static string AwsDirectory =>
            Path.Combine(Path.GetDirectoryName(typeof(AwsEngineLoader).Assembly.Location) ?? ".", "aws");

        public static IAwsEngine Engine
        {
            get
            {
                var e = engine;
                if (e != null) return e;
                lock (Gate)
                {
                    if (engine == null) engine = Load();
                    return engine;
                }
            }
        }

        /// <summary>The AWS assemblies the engine runs on (name, version, load context), for diagnostics and tests.</summary>
        public static IEnumerable<PSObject> GetLoadedAssemblies()
        {
            foreach (var asm in AppDomain.CurrentDomain.GetAssemblies())
            {
                var name = asm.GetName();
                if (name.Name == null || !(name.Name.StartsWith("AWSSDK.", StringComparison.Ordinal) || name.Name == EngineAssembly)) continue;
                var o = new PSObject();
                o.Properties.Add(new PSNoteProperty("Name", name.Name));
                o.Properties.Add(new PSNoteProperty("Version", name.Version?.ToString()));
                o.Properties.Add(new PSNoteProperty("FileVersion", FileVersionOf(asm)));
                o.Properties.Add(new PSNoteProperty("LoadContext", LoadContextOf(asm)));
                o.Properties.Add(new PSNoteProperty("Location", asm.IsDynamic ? null : asm.Location));
                yield return o;
            }
        }

        private static IAwsEngine Load()
        {
            var dir = AwsDirectory;
            var enginePath = Path.Combine(dir, EngineAssembly + ".dll");
            if (!File.Exists(enginePath))
                throw new DbxAwsException("DbxAwsEngineMissing",
                    $"The AWS part of the module is missing ({enginePath}). Reinstall the module, or build it with ./build.ps1 Build.",
                    ErrorCategory.NotInstalled, configuration: true);
            if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
                throw new DbxAwsException("DbxAwsNeedsPowerShell7",
                    "The AWS cmdlets of DatabricksNetworking need PowerShell 7.4 or later (they load the AWS SDK for .NET v4 into an isolated load context, which Windows PowerShell 5.1 does not have). The Databricks cmdlets work in Windows PowerShell.",
                    ErrorCategory.NotImplemented, configuration: true);
            try
            {
                var assembly = LoadIsolated(dir, enginePath);
                var type = assembly.GetType(EngineType, throwOnError: true)!;
                return (IAwsEngine)Activator.CreateInstance(type)!;
            }
            catch (Exception ex) when (!(ex is DbxAwsException))
            {
                var inner = ex is TargetInvocationException tie && tie.InnerException != null ? tie.InnerException : ex;
                throw new DbxAwsException("DbxAwsEngineLoadFailed",
                    $"Could not load the AWS part of the module from {dir}: {inner.GetType().Name}: {inner.Message}",
                    ErrorCategory.ResourceUnavailable, configuration: true);
            }
        }

        private static Assembly LoadIsolated(string dir, string enginePath)
        {
            var alcType = Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false)
                ?? typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: true)!;
            // new AssemblyLoadContext(string? name, bool isCollectible = false)
            var ctor = alcType.GetConstructor(new[] { typeof(string), typeof(bool) })
                ?? throw new MissingMethodException(alcType.FullName, ".ctor(string, bool)");
            var alc = ctor.Invoke(new object[] { LoadContextName, false });
            var loadFromPath = alcType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })
                ?? throw new MissingMethodException(alcType.FullName, "LoadFromAssemblyPath");
            // The SDK first, then the engine: everything the engine references by name is then found in this context.
            var files = Directory.GetFiles(dir, "AWSSDK.*.dll").OrderBy(f => Path.GetFileName(f) == "AWSSDK.Core.dll" ? 0 : 1).ThenBy(f => f, StringComparer.Ordinal);
            foreach (var file in files) loadFromPath.Invoke(alc, new object[] { Path.GetFullPath(file) });
            var engineAssembly = (Assembly)loadFromPath.Invoke(alc, new object[] { Path.GetFullPath(enginePath) })!;
            loadContext = alc;
            return engineAssembly;
        }

        private static string? FileVersionOf(Assembly asm)
        {
            var attr = asm.GetCustomAttributes(typeof(AssemblyFileVersionAttribute), false).OfType<AssemblyFileVersionAttribute>().FirstOrDefault();
            return attr?.Version;
        }

        private static string LoadContextOf(Assembly asm)
        {
            var alcType = Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false);
            var getCtx = alcType?.GetMethod("GetLoadContext", new[] { typeof(Assembly) });
            var ctx = getCtx?.Invoke(null, new object[] { asm });
            if (ctx == null) return "";
            return ctx.GetType().GetProperty("Name")?.GetValue(ctx) as string ?? ctx.ToString() ?? "";
        }

        /// <summary>The private load context (null until the engine is loaded or on Windows PowerShell).</summary>
        internal static object? LoadContext => loadContext;
    }
}
