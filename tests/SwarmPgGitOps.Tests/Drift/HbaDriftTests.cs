using SwarmPgGitOps.Drift;
using SwarmPgGitOps.PgHba;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Drift;

public sealed class HbaDriftTests
{
    private static readonly PgHbaDocument Rendered = PgHbaParser.Parse(new RenderedLab().PgHba, "pg_hba.conf");

    /// <summary>pg_hba_file_rules of a server that loaded the rendered lab file.</summary>
    private static List<HbaFileRule> Loaded() =>
    [
        new(7, "local", ["all"], ["postgres"], null, null, "peer", null, []),
        new(10, "host", ["replication"], ["replicator"], "10.201.0.0", "255.255.255.0", "scram-sha-256", null, []),
        new(13, "host", ["all"], ["postgres"], "192.168.77.0", "255.255.255.0", "scram-sha-256", null, []),
        new(16, "host", ["all"], ["postgres"], "172.17.0.1", "255.255.255.255", "scram-sha-256", null, []),
    ];

    [Fact]
    public void The_loaded_rendered_file_has_no_drift() => Assert.Empty(HbaDrift.Find("primary", Rendered, Loaded()));

    [Fact]
    public void A_rule_added_by_hand_and_a_rule_removed_are_reported()
    {
        var loaded = Loaded();
        loaded.RemoveAt(3);
        loaded.Insert(0, new HbaFileRule(5, "host", ["all"], ["all"], "0.0.0.0", "0.0.0.0", "trust", null, []));

        var items = HbaDrift.Find("primary", Rendered, loaded);

        Assert.Equal(
        [
            ("pg_hba", "host all postgres 172.17.0.1/255.255.255.255 scram-sha-256", "missing"),
            ("pg_hba", "(not in git)", "host all all 0.0.0.0/0.0.0.0 trust"),
        ], items.Select(i => (i.Field, i.Desired, i.Live)));
        Assert.All(items, i => Assert.False(i.CanBeAdopted));
    }

    [Fact]
    public void The_same_rules_in_another_order_are_drift()
    {
        var loaded = Loaded();
        (loaded[2], loaded[3]) = (loaded[3], loaded[2]);

        var item = Assert.Single(HbaDrift.Find("replica2", Rendered, loaded));

        Assert.Equal(("database replica2", "pg_hba order"), (item.Object, item.Field));
    }
}
