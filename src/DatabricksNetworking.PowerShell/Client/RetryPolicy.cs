using System;
using System.Globalization;
using System.Net.Http;

namespace DatabricksNetworking.Client
{
    /// <summary>Limits on retries; settable per context (<c>$ctx.Retry.MaxAttempts = 3</c>).</summary>
    public sealed class RetryOptions
    {
        /// <summary>Total attempts including the first one.</summary>
        public int MaxAttempts { get; set; } = 6;

        /// <summary>Overall budget across all attempts and waits.</summary>
        public TimeSpan MaxRetryTime { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>Timeout of one request, from sending to the last byte of the answer.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Upper bound of one back-off wait (a server's Retry-After may ask for longer, within the budget).</summary>
        public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>First back-off step; doubles per attempt.</summary>
        public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

        public RetryOptions Clone() => (RetryOptions)MemberwiseClone();

        public override string ToString() =>
            string.Format(CultureInfo.InvariantCulture, "MaxAttempts={0}; MaxRetryTime={1}s; RequestTimeout={2}s",
                MaxAttempts, MaxRetryTime.TotalSeconds, RequestTimeout.TotalSeconds);
    }

    /// <summary>What to do after one failed attempt. Pure functions, so the rules are unit-tested directly.</summary>
    public static class RetryPolicy
    {
        /// <summary>
        /// Whether an HTTP answer is worth another attempt. 429 and 503 mean "not processed, come back later"
        /// and are retried for every method. 502 and 504 may hide a processed write, so only idempotent
        /// methods retry them. 500 and 4xx are final.
        /// </summary>
        public static bool ShouldRetryStatus(HttpMethod method, int status)
        {
            if (status == 429 || status == 503) return true;
            if (status == 502 || status == 504) return IsIdempotent(method);
            return false;
        }

        /// <summary>Connection failures and timeouts: retried for GET/PUT/PATCH/DELETE, never for POST (it may have been applied).</summary>
        public static bool ShouldRetryConnectionFailure(HttpMethod method) => IsIdempotent(method);

        public static bool IsIdempotent(HttpMethod method) => method != HttpMethod.Post;

        /// <summary>Parses Retry-After as delta-seconds or an HTTP date.</summary>
        public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            value = value!.Trim();
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs))
                return secs < 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(secs);
            if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
                || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out when))
            {
                var d = when - now;
                return d < TimeSpan.Zero ? TimeSpan.Zero : d;
            }
            return null;
        }

        /// <summary>Exponential back-off with full jitter in [base*2^(n-1)/2, base*2^(n-1)], capped.</summary>
        public static TimeSpan Backoff(RetryOptions options, int attempt, Random rng)
        {
            var exp = options.BaseBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
            var cap = Math.Min(exp, options.MaxBackoff.TotalMilliseconds);
            double jittered;
            lock (rng) jittered = cap / 2 + rng.NextDouble() * cap / 2;
            return TimeSpan.FromMilliseconds(jittered);
        }
    }
}
