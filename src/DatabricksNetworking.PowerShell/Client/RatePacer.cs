using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// Paces the requests of one context (and of the workspace clients derived from it) under a rate limit the
    /// service enforces per account and principal, learned from its 429 answers. Until the first 429 it does nothing
    /// but count answers per second (no waiting: the fast path). From the first 429 on it spaces requests at a learned
    /// rate (half what it accepted in the second before), adjusted once per window (20 answers, at least half a second):
    /// <list type="bullet">
    /// <item>a window with refusals means the service was saturated, so what it accepted in that window is its rate:
    /// the pace drops to 95% of that (multiplicative decrease, never above the current pace, at most a quarter a window);</item>
    /// <item>a window with refusals and no acceptance at all (the service shut the door) also holds every request for
    /// the 429's Retry-After and halves the pace;</item>
    /// <item>a window without refusals in which the callers used the pace raises it: 15% while no saturated rate has
    /// been measured yet; once one has, straight back to 95% of it, then 1% a window (probing above it costs a refusal or
    /// two a cycle, and finds a limit that was raised).</item>
    /// </list>
    /// After five minutes without a 429 pacing switches off again. <c>DBX_RATE_PACING=off</c> (read when a context is
    /// created) disables it, for side-by-side benchmarks.
    /// </summary>
    public sealed class RatePacer
    {
        /// <summary>Environment variable that turns pacing off for contexts created after it is set ("off", "0", "false").</summary>
        public const string DisableVariable = "DBX_RATE_PACING";

        private const double MinRate = 0.5;
        private const double Decrease = 0.95;
        private const double ProbeUnmeasured = 1.15;
        private const double ProbeMeasured = 1.01;
        private static readonly double IdleOffSeconds = 300;

        private readonly object gate = new object();
        private readonly Func<double> clock;
        private volatile bool active;

        // Before activation: answers accepted in the current and the previous one-second bucket.
        private long bucketSecond = long.MinValue;
        private int bucketCount, previousBucketCount;

        // While active.
        private double rate, learned;
        private bool measured, settling;
        private double nextSlot;
        private double windowStart;
        private int windowAccepted, windowRefused, windowSent;
        private double lastRefusal, lastRetryAfter;
        private long refusals, paced;

        public RatePacer() : this(null, !IsDisabledByEnvironment()) { }

        /// <param name="clock">Seconds on a monotonic clock (tests pass their own).</param>
        /// <param name="enabled">False: never paces (counts refusals only).</param>
        public RatePacer(Func<double>? clock, bool enabled)
        {
            var sw = Stopwatch.StartNew();
            this.clock = clock ?? (() => sw.Elapsed.TotalSeconds);
            Enabled = enabled;
        }

        public bool Enabled { get; }

        /// <summary>True while requests are being spaced.</summary>
        public bool Active => active;

        /// <summary>The pace in requests per second while active, else null.</summary>
        public double? Rate { get { lock (gate) return active ? rate : (double?)null; } }

        /// <summary>429 answers seen by this pacer.</summary>
        public long Refusals => Interlocked.Read(ref refusals);

        /// <summary>Requests that had to wait for their slot.</summary>
        public long Paced => Interlocked.Read(ref paced);

        public static bool IsDisabledByEnvironment()
        {
            var v = Environment.GetEnvironmentVariable(DisableVariable);
            return v != null && (v.Equals("off", StringComparison.OrdinalIgnoreCase) || v == "0" || v.Equals("false", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>How long the next request must wait for its slot (zero when not pacing); reserves the slot.</summary>
        public TimeSpan Reserve()
        {
            if (!active) return TimeSpan.Zero;
            lock (gate)
            {
                if (!active) return TimeSpan.Zero;
                var now = clock();
                var at = Math.Max(now, nextSlot);
                nextSlot = at + 1.0 / rate;
                windowSent++;
                return at > now ? TimeSpan.FromSeconds(at - now) : TimeSpan.Zero;
            }
        }

        /// <summary>Waits for the next request's slot; completes at once when not pacing.</summary>
        public Task WaitAsync(Func<TimeSpan, CancellationToken, Task> delay, CancellationToken ct)
        {
            var wait = Reserve();
            if (wait <= TimeSpan.Zero) return Task.CompletedTask;
            Interlocked.Increment(ref paced);
            return delay(wait, ct);
        }

        /// <summary>The pacer's clock, in seconds: read it when a request leaves and pass it to <see cref="OnResponse"/>.</summary>
        public double Now => clock();

        /// <summary>
        /// Records one answer of the service (any status); <paramref name="retryAfter"/> is the 429's Retry-After and
        /// <paramref name="sentAt"/> the <see cref="Now"/> of when the request left. A window judges only the refusals of
        /// requests sent inside it, so refusals of requests sent before the pace changed do not lower it again.
        /// </summary>
        public void OnResponse(int status, TimeSpan? retryAfter, double sentAt)
        {
            bool refused = status == 429;
            if (refused) Interlocked.Increment(ref refusals);
            if (!Enabled) return;
            lock (gate)
            {
                var now = clock();
                if (!active)
                {
                    if (!refused) { CountBeforeActivation(now); return; }
                    Activate(now, retryAfter);
                    return;
                }
                if (refused) { lastRefusal = now; if (retryAfter.HasValue) lastRetryAfter = retryAfter.Value.TotalSeconds; }
                // Acceptances count whenever they arrive (what the service took in this window is its rate, however
                // long the answers took); refusals only for requests sent in it.
                if (!refused) windowAccepted++;
                else if (sentAt >= windowStart) windowRefused++;
                var elapsed = now - windowStart;
                if (elapsed < WindowSeconds()) return;
                // The first window after the first 429 settles: requests in flight before it took the tokens the
                // service refilled, so a stray refusal or two there says nothing about the new pace.
                if (settling && windowRefused <= 2) windowRefused = 0;
                settling = false;
                if (windowRefused > 0)
                {
                    if (windowAccepted == 0)
                    {
                        rate = Math.Max(MinRate, rate / 2);
                        nextSlot = Math.Max(nextSlot, now + lastRetryAfter);
                    }
                    else
                    {
                        // At most a quarter off per window: a client starved of CPU reads fewer answers than the
                        // service accepted, and one slow window must not undercut the learned rate for the rest of a scan.
                        learned = Math.Min(rate, Math.Max(windowAccepted / elapsed, rate * 0.75));
                        rate = Math.Max(MinRate, learned * Decrease);
                        measured = true;
                    }
                }
                else if (now - lastRefusal > IdleOffSeconds)
                {
                    active = false;
                    bucketSecond = long.MinValue;
                }
                else if (windowSent >= 0.9 * rate * elapsed)
                {
                    // Back up to just under the learned rate quickly, then probe above it slowly.
                    if (!measured) rate *= ProbeUnmeasured;
                    else if (rate < learned * Decrease) rate = Math.Min(rate * ProbeUnmeasured, learned * Decrease);
                    else rate *= ProbeMeasured;
                }
                StartWindow(now);
            }
        }

        // Long enough for about 20 answers at the current pace, at least half a second.
        private double WindowSeconds() => Math.Max(0.5, 20.0 / rate);

        private void CountBeforeActivation(double now)
        {
            var second = (long)Math.Floor(now);
            if (second != bucketSecond)
            {
                previousBucketCount = second == bucketSecond + 1 ? bucketCount : 0;
                bucketCount = 0;
                bucketSecond = second;
            }
            bucketCount++;
        }

        private void Activate(double now, TimeSpan? retryAfter)
        {
            // What the service accepted over the last second, from the current bucket and the previous one's overlap.
            var second = (long)Math.Floor(now);
            double recent;
            if (second == bucketSecond) recent = bucketCount + previousBucketCount * (1 - (now - second));
            else if (second == bucketSecond + 1) recent = bucketCount * (1 - (now - second));
            else recent = 0;
            // Half of it: a service with a burst allowance accepts up to twice its rate in the first second.
            rate = Math.Max(MinRate, recent / 2);
            measured = false;
            settling = true;
            active = true;
            lastRefusal = now;
            lastRetryAfter = retryAfter?.TotalSeconds ?? 0;
            nextSlot = now;
            StartWindow(now);
        }

        private void StartWindow(double now)
        {
            windowStart = now;
            windowAccepted = windowRefused = windowSent = 0;
        }
    }
}
