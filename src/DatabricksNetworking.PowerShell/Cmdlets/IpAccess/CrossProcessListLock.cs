using System;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace DatabricksNetworking.Cmdlets.IpAccess
{
    /// <summary>
    /// A lock per IP access list shared by the processes of one machine (a named system mutex), so concurrent pwsh
    /// processes running Add-/Remove-DbxIpAccessListEntry on one list take turns at the read-modify-write. The service
    /// has no etag for IP access lists: writers on other machines are not covered (the verification after the write is).
    /// Where named mutexes are not supported, only the in-process lock applies.
    /// </summary>
    internal sealed class CrossProcessListLock : IDisposable
    {
        private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);
        private Mutex? mutex;

        private CrossProcessListLock(Mutex? mutex) { this.mutex = mutex; }

        public static CrossProcessListLock Acquire(string key, CancellationToken ct)
        {
            Mutex m;
            try { m = new Mutex(false, "DatabricksNetworking.IpAccessList." + Hash(key)); }
            catch (Exception ex) when (ex is PlatformNotSupportedException || ex is NotSupportedException || ex is UnauthorizedAccessException || ex is System.IO.IOException || ex is WaitHandleCannotBeOpenedException)
            {
                return new CrossProcessListLock(null);
            }
            var waited = TimeSpan.Zero;
            var step = TimeSpan.FromMilliseconds(200);
            while (true)
            {
                bool got;
                try { got = m.WaitOne(step); }
                catch (AbandonedMutexException) { got = true; } // its holder ended without releasing: it is ours now
                if (got) return new CrossProcessListLock(m);
                if (ct.IsCancellationRequested) { m.Dispose(); ct.ThrowIfCancellationRequested(); }
                waited += step;
                if (waited >= MaxWait)
                {
                    m.Dispose();
                    throw new TimeoutException($"Another process kept IP access list changes on this machine locked for {MaxWait.TotalMinutes:0} minutes.");
                }
            }
        }

        private static string Hash(string key)
        {
            using var sha = SHA256.Create();
            var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(key));
            var sb = new StringBuilder();
            for (int i = 0; i < 16; i++) sb.Append(bytes[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        public void Dispose()
        {
            if (mutex == null) return;
            try { mutex.ReleaseMutex(); } catch (ApplicationException) { }
            mutex.Dispose();
            mutex = null;
        }
    }
}
