using DatabricksNetworking.Client;

namespace DatabricksNetworking.Tests.Wire;

/// <summary>
/// A deterministic discrete-event simulation of a scan against a per-principal token bucket, on a fake clock: the
/// service is the emulator's bucket (capacity = one second of its rate, refilled continuously; a refusal is a 429 with
/// Retry-After), the client is <c>workers</c> callers sending back to back through one <see cref="RatePacer"/>, each
/// waiting the Retry-After of a 429 before sending the request again (DbxHttp's loop). Latency is seeded-random per
/// request and the client can stall (a CPU-starved machine reads its answers late). Nothing depends on the real clock.
/// </summary>
internal sealed class RatePacerSimulation
{
    public sealed record Result(long Requests, long Refused, double Seconds, double Bound, RatePacer Pacer)
    {
        public double RefusedShare => (double)Refused / Requests;
        /// <summary>Simulated time / (accepted requests / the service's rate).</summary>
        public double TimeOverBound => Seconds / Bound;
    }

    private readonly PriorityQueue<Action, (double, long)> events = new();
    private long seq;
    private double now;

    private void At(double t, Action a) => events.Enqueue(a, (t, seq++));

    /// <param name="rate">The service's limit (requests per second per principal).</param>
    /// <param name="count">Requests the scan needs answered.</param>
    /// <param name="minLatency">Lowest round trip, seconds.</param>
    /// <param name="maxLatency">Highest round trip, seconds (uniform in between).</param>
    /// <param name="pacing">False: the pacer only counts (DBX_RATE_PACING=off).</param>
    /// <param name="stallEvery">Every this many seconds the client stops reading answers for <paramref name="stallFor"/> (0 = never).</param>
    public static Result Run(double rate, int count, int workers = 16, double minLatency = 0.002, double maxLatency = 0.010,
        double stallEvery = 0, double stallFor = 0, double retryAfter = 1, int seed = 1, bool pacing = true)
    {
        var sim = new RatePacerSimulation();
        return sim.RunCore(rate, count, workers, minLatency, maxLatency, stallEvery, stallFor, retryAfter, seed, pacing);
    }

    private Result RunCore(double rate, int count, int workers, double minLatency, double maxLatency, double stallEvery, double stallFor, double retryAfter, int seed, bool pacing)
    {
        var rng = new Random(seed);
        var pacer = new RatePacer(() => now, enabled: pacing);
        double tokens = rate, tokensAt = 0;
        long requests = 0, refused = 0, accepted = 0;
        int left = count;
        double finished = 0;

        // The client reads an answer at `t` unless it is stalled then; a stalled client reads it when the stall ends.
        double ReadAt(double t)
        {
            if (stallEvery <= 0) return t;
            var phase = t % stallEvery;
            return phase < stallFor ? t - phase + stallFor : t;
        }

        void Send(bool next)
        {
            if (next && --left < 0) return;
            var wait = pacer.Reserve().TotalSeconds;
            var sentAt = now + wait;
            var latency = minLatency + rng.NextDouble() * (maxLatency - minLatency);
            var arrive = sentAt + latency / 2;
            At(arrive, () =>
            {
                requests++;
                tokens = Math.Min(rate, tokens + (now - tokensAt) * rate);
                tokensAt = now;
                bool ok = tokens >= 1;
                if (ok) { tokens -= 1; accepted++; } else refused++;
                At(ReadAt(now + latency / 2), () =>
                {
                    pacer.OnResponse(ok ? 200 : 429, ok ? null : TimeSpan.FromSeconds(retryAfter), sentAt);
                    if (ok) { finished = now; Send(true); }
                    else At(now + retryAfter, () => Send(false));
                });
            });
        }

        for (int i = 0; i < workers; i++) At(0, () => Send(true));
        while (events.TryDequeue(out var a, out var key)) { now = key.Item1; a(); }
        return new Result(requests, refused, finished, accepted / rate, pacer);
    }
}
