using System;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// Creates without duplicates when the answer to a POST is lost. A create whose connection dropped after it was
    /// sent (<see cref="DbxApiException.IsAmbiguous"/>) may or may not have been applied, and DbxHttp never re-sends
    /// it blindly. Here the object is looked up by its name (or natural key) first:
    /// <list type="bullet">
    /// <item>found: it was created; it is returned and a warning says how it was recovered;</item>
    /// <item>not found after a dropped connection: the create was not applied, so it is sent again (at most
    /// <see cref="MaxSends"/> sends in all);</item>
    /// <item>not found after a timeout: the service may still be working on it, so nothing is re-sent and the error
    /// says so;</item>
    /// <item>the lookup itself failed: the original error, saying the outcome is unknown.</item>
    /// </list>
    /// A 2xx answer whose body could not be read (<see cref="DbxInvalidResponseException"/>) means the object was
    /// created: it is looked up the same way and returned, or the error says that it may exist; it is never re-sent.
    /// A lookup matches on what identifies the object (its name or label and the values sent), never on enum-typed
    /// fields such as a state or a list type, whose values the service may extend.
    /// </summary>
    public static class CreateRecovery
    {
        public const int MaxSends = 3;

        /// <summary>Clock skew tolerated when a lookup compares the service's creation time with the client's clock.</summary>
        public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

        /// <param name="what">What is created, for messages (e.g. "network policy 'strict'").</param>
        /// <param name="create">The POST.</param>
        /// <param name="find">Looks the object up by its natural key; null when it does not exist. It gets the time
        /// (epoch ms, client clock minus <see cref="ClockSkew"/>) before which a matching object cannot be the one just created.</param>
        public static async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> create, Func<long, CancellationToken, Task<T?>> find, CancellationToken ct)
            where T : class
        {
            var notBefore = DateTimeOffset.UtcNow.Subtract(ClockSkew).ToUnixTimeMilliseconds();
            for (int send = 1; ; send++)
            {
                DbxApiException lost;
                try { return await create(ct).ConfigureAwait(false); }
                catch (DbxApiException ex) when (ex.IsAmbiguous || IsUnreadableSuccess(ex)) { lost = ex; }

                // A 2xx whose body could not be read: the service did create it; it is looked up, never sent again.
                bool created = IsUnreadableSuccess(lost);
                DbxLog.Verbose(created
                    ? $"The service answered HTTP {lost.StatusCode} to the create of {what}, but the answer could not be read ({lost.ServiceMessage}); looking the object up."
                    : $"The answer to the create of {what} was lost ({lost.ServiceMessage}); looking it up before reporting.");
                T? found;
                try { found = await find(notBefore, ct).ConfigureAwait(false); }
                catch (DbxApiException lookup)
                {
                    throw Unknown(lost, created
                        ? $"The service answered that it created {what}, but its answer could not be read ({lost.ServiceMessage}), and looking it up failed too ({lookup.ServiceMessage}): the object may exist. Check with the matching Get- cmdlet before creating it again."
                        : $"The connection dropped after the create of {what} was sent, and looking it up failed too ({lookup.ServiceMessage}): it may or may not exist. Check with the matching Get- cmdlet before creating it again.");
                }
                if (found != null)
                {
                    DbxStats.CountRecoveredCreate();
                    DbxLog.Warning(created
                        ? $"The service created {what} but its answer could not be read ({lost.ServiceMessage}): returning the object as a lookup found it."
                        : $"The connection dropped after the create of {what} was sent, but the service had created it: returning the object it created.");
                    return found;
                }
                if (created)
                    throw Unknown(lost, $"The service answered that it created {what}, but its answer could not be read ({lost.ServiceMessage}) and a lookup did not find it: the object may exist. Check with the matching Get- cmdlet before creating it again.");
                if (lost.ErrorCode == "TIMEOUT")
                    throw Unknown(lost, $"The create of {what} timed out and the object does not exist yet; the service may still create it. Check with the matching Get- cmdlet before creating it again.");
                if (send >= MaxSends)
                    throw Unknown(lost, $"The connection dropped {send} times while creating {what}; it was not created.");
                DbxStats.CountResentCreate();
                DbxLog.Verbose($"{what} does not exist: the dropped create was not applied, sending it again (send {send + 1} of {MaxSends}).");
            }
        }

        /// <summary>A 2xx answer whose body is not what the API promises: the create was applied.</summary>
        public static bool IsUnreadableSuccess(DbxApiException ex) => ex is DbxInvalidResponseException && ex.StatusCode >= 200 && ex.StatusCode < 300;

        private static DbxApiException Unknown(DbxApiException lost, string message) =>
            new DbxApiException(lost.StatusCode, lost.ErrorCode, message, lost.RequestId, lost.Method, lost.Path, lost) { Attempts = lost.Attempts, IsAmbiguous = true };
    }
}
