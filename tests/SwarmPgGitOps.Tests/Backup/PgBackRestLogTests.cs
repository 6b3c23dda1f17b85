using SwarmPgGitOps.Backup;

namespace SwarmPgGitOps.Tests.Backup;

public sealed class PgBackRestLogTests
{
    private const string Output = """
        2026-12-01 11:11:24.102 P00   INFO: backup command begin 2.55.1: --exec-id=52-a1b2 --log-level-console=info --stanza=pg-lab --type=full
        2026-12-01 11:11:24.515 P00   INFO: execute non-exclusive backup start: backup begins after the requested immediate checkpoint completes
        2026-12-01 11:11:26.700 P00   INFO: backup stop archive = 000000010000000000000006, lsn = 0/6000120
        2026-12-01 11:11:26.715 P00   INFO: backup command end: completed successfully (2613ms)
        2026-12-01 11:11:26.716 P00   INFO: expire command begin 2.55.1: --exec-id=52-a1b2 --stanza=pg-lab
        2026-12-01 11:11:26.801 P00   INFO: expire command end: completed successfully (85ms)
        """;

    [Fact]
    public void The_duration_pgBackRest_logs_for_a_command_that_completed()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(2613), PgBackRestLog.Took(Output, "backup"));
        Assert.Equal(TimeSpan.FromMilliseconds(85), PgBackRestLog.Took(Output, "expire"));
    }

    [Fact]
    public void A_command_that_did_not_complete_has_no_duration()
    {
        Assert.Null(PgBackRestLog.Took(Output, "restore"));
        Assert.Null(PgBackRestLog.Took("2026-12-01 11:11:26.715 P00   INFO: backup command end: aborted with exception [049]", "backup"));
    }
}
