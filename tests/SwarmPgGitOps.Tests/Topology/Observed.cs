using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Topology;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Topology;

/// <summary>Live states of the lab as Smoke and Drift would report them, made from observed data (no lab).</summary>
public static class Observed
{
    public static readonly DateTimeOffset At = new(2026, 12, 1, 3, 51, 0, TimeSpan.Zero);

    public static ClusterTopology Lab() => ClusterTopology.From(PatroniFixture.Load("lab"));

    /// <summary>The lab without HAProxy (no endpoints key): applications connect to the members themselves.</summary>
    public static ClusterTopology LabWithoutEndpoints() =>
        ClusterTopology.From(Repo.Load(PatroniFixture.With("endpoints:\n  read_write_port: 5000\n  read_only_port: 5001\n  max_replica_lag_bytes: 16777216\n  hosts: [192.168.77.11, 192.168.77.12, 192.168.77.13]\n", ""), "lab"));

    /// <summary>The lab with its backups in an S3 bucket instead of the repository service on node2.</summary>
    public static ClusterTopology LabWithS3()
    {
        var lab = PatroniFixture.EnvironmentText("lab");
        var placement = lab[lab.IndexOf("  repository:\n", StringComparison.Ordinal)..];
        placement = placement[..(placement.IndexOf("\n    retention_full", StringComparison.Ordinal) + 1)];
        return ClusterTopology.From(Repo.Load(lab.Replace(placement,
            "  repository:\n    s3: {bucket: pg-backups, endpoint: s3.example.com, region: eu-west-1}\n", StringComparison.Ordinal), "lab"));
    }

    public static PatroniMember Leader(string name) => new(name, name, PatroniRole.Leader, "running", 3, null, false);

    public static PatroniMember Standby(string name, string state = "streaming", long? lag = 0, PatroniRole role = PatroniRole.Replica) =>
        new(name, name, role, state, 3, lag, false);

    public static SmokeReport Smoke(PatroniCluster? cluster, params SmokeCheck[] checks) =>
        new("lab", "pg-lab", At, TimeSpan.FromSeconds(1), [], checks, []) { Patroni = cluster };

    /// <summary>After a failover: pg2 leads, pg1 (the preferred leader) is stopped, pg3 streams 3 MB behind.</summary>
    public static SmokeReport FailedOver() =>
        Smoke(new PatroniCluster("pg-lab", [Standby("pg1", "stopped", null), Leader("pg2"), Standby("pg3", lag: 3L * 1024 * 1024, role: PatroniRole.SyncStandby)]),
            SmokeCheck.Fail("connect", "pg1", "192.168.77.11:5432: connection refused", "connected", "look"));

    /// <summary>pg2's service has another image, the network another subnet, pg3 leads, a config is missing.</summary>
    public static DriftReport Drifted() => new("lab", "environments/lab.yml",
    [
        new DriftItem(DriftObjects.Service("pg-lab_pg2"), "image", "swarm-pg/postgres:17-lab", "swarm-pg/postgres:17-old"),
        new DriftItem(DriftObjects.Database("pg2"), "setting work_mem", "4MB", "64MB"),
        new DriftItem(DriftObjects.Network("pg-lab_pgnet"), "subnet", "10.201.0.0/24", "10.99.0.0/24"),
        new DriftItem(DriftObjects.PatroniCluster("pg-lab"), PatroniDrift.LeaderField, "pg1", "pg3", PatroniDrift.PreferredLeaderPath, "pg3"),
        new DriftItem(DriftObjects.Config("pg-lab_member_sh_abc"), "config", DriftObjects.Present, DriftObjects.Missing),
    ]);

    public static TopologyDiagram FailedOverDiagram() => TopologyDiagram.Live(Lab(), SmokeObservation.From(FailedOver(), Lab()));

    public static TopologyDiagram DriftedDiagram() => TopologyDiagram.Live(Lab(), DriftObservation.From(Drifted(), Lab(), At));

    public static string Markdown(TopologyDiagram diagram) => TopologyMarkdown.Render(Repo.Layout, diagram).Unwrap().Content;
}
