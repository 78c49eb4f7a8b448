using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace DatabricksNetworking.Client
{
    /// <summary>
    /// Paces the requests of one context (and of the workspace clients and runspaces that share it) under a rate limit
    /// the service enforces per account and principal, learned from its 429 answers. Until the first 429 it does
    /// nothing but count answers (no waiting: the fast path). From the first 429 on it spaces requests evenly (no bursts,
    /// whichever caller or runspace sends them) at a learned rate:
    /// <list type="bullet">
    /// <item>A limit of this kind is a token bucket: a 429 means the bucket was empty, so the requests accepted between two
    /// refusal episodes, over the time between them, are the service's rate (the <em>ceiling</em>; the first
    /// estimate, before any such interval, assumes a burst allowance of one second).</item>
    /// <item>An episode is a refusal of a request sent after the pace last dropped; refusals of requests sent before
    /// (in flight when it dropped) are the same episode and change nothing.</item>
    /// <item>Multiplicative decrease: an episode drops the pace to 92% of the lower of pace and ceiling (85% while no
    /// ceiling is measured). Additive increase: each window (about 20 answers, 0.5 to 2 s) in which the callers used the
    /// pace raises it by 2% of the ceiling (15% while far below it or while none is known), up to 97% of the ceiling.
    /// Above that it probes, 0.5% of the ceiling a window, only after 20 s without a refusal (a limit that was raised);
    /// a ceiling measured while the pace was partly below it is only a lower bound (the bucket may have overflowed), so
    /// then the climb goes on past 97% until the next refusal measures again.</item>
    /// <item>Retry-After for the whole context: a second episode with nothing accepted since the first (the service
    /// shut the door) holds every caller of the context, in every runspace, for the 429's Retry-After and halves the pace.</item>
    /// </list>
    /// After five minutes without a 429 pacing switches off again. <c>DBX_RATE_PACING=off</c> (read when a context is
    /// created) disables it, for side-by-side benchmarks.
    /// </summary>
    public sealed class RatePacer
    {
        /// <summary>Environment variable that turns pacing off for contexts created after it is set ("off", "0", "false").</summary>
        public const string DisableVariable = "DBX_RATE_PACING";

        private const double MinRate = 0.5;
        private const double Decrease = 0.92;
        private const double DecreaseUnmeasured = 0.85;
        private const double Cap = 0.97;
        private const double Step = 0.02;
        private const double ProbeStep = 0.005;
        private const double ProbeAfterSeconds = 20;
        private const double RampUnmeasured = 1.10;
        private const double Recover = 0.8;
        private const double RampProvisional = 1.05;
        private const double IdleGapSeconds = 1;
        private static readonly double IdleOffSeconds = 300;

        private readonly object gate = new object();
        private readonly Func<double> clock;
        private volatile bool active;

        // Before activation: the busy period (answers less than a second apart) and what it accepted.
        private double busyStart = double.NaN, lastAnswer = double.NaN;
        private int busyAccepted;

        // While active.
        private double rate, ceiling;
        private double nextSlot;
        private double episodeAt, lastDecreaseAt;
        private int acceptedSinceEpisode;
        private double minPaceSinceEpisode;
        private bool provisional, shutOnce;
        private double windowStart;
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

        /// <summary>The service's rate measured between two refusal episodes (requests per second), or null before one was.</summary>
        public double? Ceiling { get { lock (gate) return active && ceiling > 0 ? ceiling : (double?)null; } }

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
        /// <paramref name="sentAt"/> the <see cref="Now"/> of when the request left.
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
                if (refused)
                {
                    lastRefusal = now;
                    if (retryAfter.HasValue) lastRetryAfter = retryAfter.Value.TotalSeconds;
                    if (sentAt >= lastDecreaseAt) { NewEpisode(now); return; }
                    return;
                }
                else acceptedSinceEpisode++;

                var elapsed = now - windowStart;
                if (elapsed < WindowSeconds()) return;
                if (now - lastRefusal > IdleOffSeconds)
                {
                    active = false;
                    busyStart = lastAnswer = double.NaN;
                }
                else if (nextSlot >= now - 1.0 / rate)
                {
                    // The callers used the pace (its reserved slots reach to now): raise it.
                    if (ceiling <= 0) rate *= RampUnmeasured;
                    else if (provisional && rate >= Cap * ceiling) rate += Step * ceiling;
                    else if (rate < Recover * ceiling) rate = Math.Min(rate * RampUnmeasured, Cap * ceiling);
                    else if (rate < Cap * ceiling) rate = Math.Min(rate + Step * ceiling, Cap * ceiling);
                    else if (now - lastRefusal > ProbeAfterSeconds) rate += ProbeStep * ceiling;
                }
                StartWindow(now);
            }
        }

        private void NewEpisode(double now)
        {
            // The bucket was empty at the last episode and is empty now: what it accepted in between is its rate.
            var interval = now - episodeAt;
            if (acceptedSinceEpisode == 0 && shutOnce)
            {
                // Refused again with nothing accepted since the last episode: the service shut the door. Every caller
                // of the context waits for its Retry-After, and the pace halves.
                rate = Math.Max(MinRate, rate / 2);
                nextSlot = Math.Max(nextSlot, now + lastRetryAfter);
            }
            else if (interval >= SampleSeconds())
            {
                var sample = acceptedSinceEpisode / interval;
                // Paced below the sample for part of the interval, the bucket may have filled and overflowed: then the
                // sample is only a lower bound, and the pace goes on climbing past the cap until a refusal measures again.
                provisional = minPaceSinceEpisode < 0.95 * sample;
                if (ceiling <= 0 || sample > 1.1 * ceiling) ceiling = sample;          // first measure, or a raised limit
                else if (sample < 0.9 * ceiling && rate < Cap * ceiling) ceiling = Math.Max(sample, rate); // refused below the ceiling: a lowered limit
                else ceiling = (ceiling + sample) / 2;                                 // the same limit, measured again
                rate = Math.Max(MinRate, Math.Min(rate, ceiling) * Decrease);
            }
            else rate = Math.Max(MinRate, (ceiling > 0 ? Math.Min(rate, ceiling) : rate) * DecreaseUnmeasured);
            shutOnce = acceptedSinceEpisode == 0;
            episodeAt = now;
            acceptedSinceEpisode = 0;
            Slow(now);
            minPaceSinceEpisode = rate;
            StartWindow(now);
        }

        // After a drop of the pace: slots reserved before it (callers already waiting for them) still go at the old
        // pace, so refusals of requests sent up to the last of them belong to this episode; the next slot waits for the
        // bucket to hold a token again.
        private void Slow(double now)
        {
            lastDecreaseAt = Math.Max(now, nextSlot);
            nextSlot = lastDecreaseAt + 1.0 / rate;
        }

        // Long enough for about 20 answers at the current pace, from half a second to two.
        private double WindowSeconds() => Math.Min(2, Math.Max(0.5, 20.0 / rate));

        // An interval between episodes worth a measure: about 40 answers, at least a second.
        private double SampleSeconds() => Math.Max(1, 40.0 / Math.Max(rate, MinRate));

        private void CountBeforeActivation(double now)
        {
            if (double.IsNaN(lastAnswer) || now - lastAnswer > IdleGapSeconds) { busyStart = now; busyAccepted = 0; }
            lastAnswer = now;
            busyAccepted++;
        }

        private void Activate(double now, TimeSpan? retryAfter)
        {
            // The service accepted busyAccepted answers over the busy period before this first 429. A token bucket with a
            // burst allowance of one second accepts rate * (1 + period) when the callers saturate it from the start.
            var period = double.IsNaN(busyStart) || now - lastAnswer > IdleGapSeconds ? 0 : now - busyStart;
            var accepted = double.IsNaN(busyStart) || now - lastAnswer > IdleGapSeconds ? 0 : busyAccepted;
            // Refused before anything was accepted (another client emptied the bucket): start at one a second.
            rate = accepted == 0 ? 1 : Math.Max(MinRate, accepted / (1 + period) * Decrease);
            ceiling = 0;
            active = true;
            lastRefusal = now;
            lastRetryAfter = retryAfter?.TotalSeconds ?? 0;
            nextSlot = now;
            episodeAt = now;
            Slow(now);
            // Nothing accepted yet: nothing says the bucket refills soon, and the refused request waits its Retry-After anyway.
            if (accepted == 0) nextSlot = now;
            acceptedSinceEpisode = 0;
            minPaceSinceEpisode = rate;
            provisional = false;
            shutOnce = false;
            StartWindow(now);
        }

        private void StartWindow(double now)
        {
            windowStart = now;
            if (rate < minPaceSinceEpisode) minPaceSinceEpisode = rate;
        }
    }
}
