using System.Globalization;
using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Smoke;

/// <summary>Judges what a replica reports: standby role, its WAL receiver, its backlog, its conninfo, read-only, and that it follows this primary.</summary>
public static class ReplicaChecks
{
    public const string ReadOnlySqlState = "25006";

    public static IReadOnlyList<SmokeCheck> Evaluate(ReplicaObservation observed, ExpectedReplica replica, ClusterIdentity? primary, SmokeExpectations expected)
    {
        var target = replica.Name;
        var service = $"{expected.Stack}_{replica.Name}";
        var receiver = observed.Receiver;
        var checks = new List<SmokeCheck>
        {
            SmokeCheck.When(observed.InRecovery, "recovery", target, PrimaryChecks.Bool(observed.InRecovery), "true",
                $"{replica.Name} is not a standby: it was promoted or started without standby.signal; it no longer follows the primary"),
            SmokeCheck.When(receiver?.Status == "streaming", "wal_receiver.status", target, receiver?.Status ?? "no wal receiver", "streaming",
                $"{replica.Name} does not stream from the primary: docker service logs {service}; check the primary is reachable and pg_hba allows {expected.ReplicationUser}"),
            Backlog(observed.ReplayBacklogBytes, replica, expected),
            SmokeCheck.When(!observed.ConninfoHoldsPassword, "primary_conninfo", target,
                observed.ConninfoHoldsPassword ? "holds password= (value hidden)" : "no password", "no password=",
                "primary_conninfo is readable by anyone who can run SHOW: keep the password in the passfile only"),
            SmokeCheck.When(observed.WriteOutcome == ReadOnlySqlState, "read_only", target,
                observed.WriteOutcome == ReplicaObservation.WriteAccepted ? "write accepted" : $"SQLSTATE {observed.WriteOutcome}", $"SQLSTATE {ReadOnlySqlState}",
                $"{replica.Name} accepted a write: it is not a hot standby (promoted?); clients writing to it diverge from the primary"),
        };
        if (receiver is not null)
        {
            checks.Insert(2, SmokeCheck.When(receiver.SlotName == replica.Slot, "wal_receiver.slot", target, receiver.SlotName ?? "none", replica.Slot,
                $"{replica.Name} does not stream through its own slot: its primary_slot_name differs from replicas[].slot; redeploy {service}"));
        }
        if (primary is not null)
        {
            checks.Add(SmokeCheck.When(observed.Identity.SystemIdentifier == primary.SystemIdentifier, "system_identifier", target,
                observed.Identity.SystemIdentifier.ToString(CultureInfo.InvariantCulture), primary.SystemIdentifier.ToString(CultureInfo.InvariantCulture),
                $"{replica.Name} holds a copy of another cluster: remove its volume so it takes a new base backup from this primary"));
            checks.Add(SmokeCheck.When(observed.Identity.Timeline == primary.Timeline, "timeline", target,
                observed.Identity.Timeline.ToString(CultureInfo.InvariantCulture), primary.Timeline.ToString(CultureInfo.InvariantCulture),
                $"{replica.Name} is on another timeline than the primary (a promotion happened): it needs to follow the new timeline or a new base backup"));
        }
        return checks;
    }

    private static SmokeCheck Backlog(long? bytes, ExpectedReplica replica, SmokeExpectations expected)
    {
        var max = expected.Thresholds.MaxReplayLagBytes;
        return SmokeCheck.When(bytes is { } b && b <= max, "replay_backlog_bytes", replica.Name,
            bytes is { } value ? PrimaryChecks.Bytes(value) : "unknown", $"≤ {PrimaryChecks.Bytes(max)}",
            $"{replica.Name} received WAL it has not replayed: replay is paused (pg_is_wal_replay_paused()) or blocked by conflicting queries");
    }
}
