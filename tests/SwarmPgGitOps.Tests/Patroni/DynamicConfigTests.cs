using SwarmPgGitOps.Patroni;

namespace SwarmPgGitOps.Tests.Patroni;

public sealed class DynamicConfigTests
{
    private const string Rendered = """
        ttl: 30
        loop_wait: 10
        synchronous_mode: true
        postgresql:
          use_pg_rewind: true
          parameters:
            hot_standby: 'on'
            shared_buffers: 64MB
            max_wal_senders: 10
        """;

    [Fact]
    public void Flattens_nested_keys_with_their_values()
    {
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["loop_wait"] = "10",
                ["postgresql.parameters.hot_standby"] = "on",
                ["postgresql.parameters.max_wal_senders"] = "10",
                ["postgresql.parameters.shared_buffers"] = "64MB",
                ["postgresql.use_pg_rewind"] = "true",
                ["synchronous_mode"] = "true",
                ["ttl"] = "30",
            },
            DynamicConfig.Flatten(Rendered));
    }

    [Fact]
    public void The_same_values_written_as_Patroni_prints_them_are_no_change()
    {
        const string shownByPatroni = """
            loop_wait: 10
            postgresql:
              parameters:
                hot_standby: true
                max_wal_senders: '10'
                shared_buffers: 64MB
              use_pg_rewind: true
            synchronous_mode: true
            ttl: 30
            """;

        Assert.Empty(DynamicConfig.Compare(Rendered, shownByPatroni));
    }

    [Fact]
    public void The_same_values_as_Patroni_s_REST_API_returns_them_in_JSON_are_no_change()
    {
        const string returnedByPatroni = """
            {"ttl": 30, "loop_wait": 10, "synchronous_mode": true,
             "postgresql": {"use_pg_rewind": true, "parameters": {"hot_standby": "on", "shared_buffers": "64MB", "max_wal_senders": 10}}}
            """;

        Assert.Empty(DynamicConfig.Compare(Rendered, returnedByPatroni));
        Assert.Single(DynamicConfig.Compare(Rendered, returnedByPatroni.Replace("\"64MB\"", "\"128MB\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_changed_a_missing_and_an_extra_key_are_each_reported()
    {
        const string live = """
            ttl: 20
            loop_wait: 10
            synchronous_mode: true
            postgresql:
              use_pg_rewind: true
              parameters:
                hot_standby: 'on'
                max_wal_senders: 10
                work_mem: 8MB
            """;

        Assert.Equal(
            [
                new DynamicConfigChange("postgresql.parameters.shared_buffers", "64MB", null),
                new DynamicConfigChange("postgresql.parameters.work_mem", null, "8MB"),
                new DynamicConfigChange("ttl", "30", "20"),
            ],
            DynamicConfig.Compare(Rendered, live));
    }
}
