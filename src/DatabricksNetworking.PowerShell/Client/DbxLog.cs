using System;
using System.Collections.Generic;
using System.Threading;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// Where the client reports what it does. The cmdlet layer installs a sink for the duration of a call
    /// (it relays messages to the Verbose/Debug/Warning streams on the pipeline thread); the client never
    /// knows about PowerShell. Every message passes through <see cref="SecretRegistry.Redact"/>.
    /// </summary>
    public interface IDbxLogSink
    {
        void Verbose(string message);
        void Debug(string message);
        void Warning(string message);
    }

    public static class DbxLog
    {
        private static readonly AsyncLocal<IDbxLogSink?> CurrentSink = new AsyncLocal<IDbxLogSink?>();

        public static IDbxLogSink? Current { get => CurrentSink.Value; set => CurrentSink.Value = value; }

        public static void Verbose(string message) => Current?.Verbose(SecretRegistry.Redact(message));
        public static void Debug(string message) => Current?.Debug(SecretRegistry.Redact(message));
        public static void Warning(string message) => Current?.Warning(SecretRegistry.Redact(message));
    }

    /// <summary>
    /// Every secret value the module holds (tokens, client secrets, access tokens) is registered here, and
    /// every text that leaves the client (log lines, error messages) has them masked. A second line of
    /// defence: secrets are never formatted into text in the first place.
    /// </summary>
    public static class SecretRegistry
    {
        private static readonly object Gate = new object();
        private static string[] secrets = Array.Empty<string>();

        public static void Register(string? secret)
        {
            if (string.IsNullOrEmpty(secret) || secret!.Length < 4) return;
            lock (Gate)
            {
                if (Array.IndexOf(secrets, secret) >= 0) return;
                var list = new List<string>(secrets) { secret };
                list.Sort((a, b) => b.Length.CompareTo(a.Length));
                secrets = list.ToArray();
            }
        }

        public static string Redact(string? text)
        {
            if (string.IsNullOrEmpty(text)) return text ?? "";
            var current = secrets;
            var result = text!;
            foreach (var s in current)
                if (result.IndexOf(s, StringComparison.Ordinal) >= 0) result = result.Replace(s, "***");
            return result;
        }
    }
}
