using System.Globalization;
using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Smoke;

/// <summary>Judges the end-to-end canary: written on the primary, seen on every replica in time, and the replicas' replay age after it.</summary>
public static class CanaryChecks
{
    public static SmokeCheck Write(string? error) =>
        SmokeCheck.When(error is null, "canary.write", PrimaryChecks.Target, error ?? "written", "written",
            "the primary refused the canary: is public.swarm_pg_canary there (the primary's entrypoint creates it), and is the primary writable (synchronous replicas up)?");

    public static IEnumerable<SmokeCheck> Evaluate(CanaryArrival arrival, SmokeExpectations expected)
    {
        var timeout = TimeSpan.FromSeconds(expected.Thresholds.CanaryTimeoutSeconds);
        yield return SmokeCheck.When(arrival.RoundTrip is not null, "canary.round_trip", arrival.Replica,
            arrival.RoundTrip is { } trip ? Milliseconds(trip) : arrival.Error ?? "not seen", $"≤ {PrimaryChecks.Seconds(timeout)}",
            $"the canary row did not reach {arrival.Replica} in time: check its wal_receiver and replay checks above");
        if (arrival.RoundTrip is null)
            yield break;
        var maxAge = TimeSpan.FromSeconds(expected.Thresholds.MaxReplayLagSeconds);
        yield return SmokeCheck.When(arrival.ReplayAge is { } age && age <= maxAge, "replay_age", arrival.Replica,
            arrival.ReplayAge is { } a ? PrimaryChecks.Seconds(a) : "unknown", $"≤ {PrimaryChecks.Seconds(maxAge)}",
            $"{arrival.Replica}'s last replayed commit is old although the canary arrived: compare the clocks of the primary's and {arrival.Replica}'s nodes");
    }

    public static string Milliseconds(TimeSpan time) => time.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
