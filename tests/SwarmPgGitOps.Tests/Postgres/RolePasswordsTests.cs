using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Tests.Postgres;

public sealed class RolePasswordsTests
{
    [Fact]
    public void A_verifier_is_the_one_PostgreSQL_stores_for_that_password_and_salt()
    {
        // Computed independently (Python's hashlib and hmac, RFC 5802 with SHA-256, as PostgreSQL's scram_build_secret).
        Assert.Equal("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$yERwYmHlx0VrpoYfOn54hMTjBUKWnmK42IDjnWgQWkk=:RQZr9F8QCYmmp35tAVzp0VB/kDwY283N+s24jDDliG4=",
            ScramVerifier.Compute("correct horse", Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), 4096));
    }

    [Fact]
    public void Each_verifier_has_its_own_salt_and_none_holds_the_password()
    {
        var first = ScramVerifier.Compute("correct horse");

        Assert.StartsWith("SCRAM-SHA-256$4096:", first);
        Assert.NotEqual(first, ScramVerifier.Compute("correct horse"));
        Assert.DoesNotContain("correct horse", first);
    }

    [Fact]
    public void The_script_turns_statement_logging_off_reads_the_old_verifiers_then_sets_the_new_ones()
    {
        var script = RolePasswords.ReadThenSetScript([new("postgres", "SCRAM-SHA-256$4096:a$b:c"), new("repl\"icator", "it's")]);

        Assert.Equal(
            "\\set VERBOSITY terse\n"
            + "SET LOCAL log_statement = 'none';\n"
            + "SET LOCAL log_min_error_statement = 'panic';\n"
            + "SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('postgres', 'repl\"icator') ORDER BY rolname;\n"
            + "ALTER ROLE \"postgres\" PASSWORD 'SCRAM-SHA-256$4096:a$b:c';\n"
            + "ALTER ROLE \"repl\"\"icator\" PASSWORD 'it''s';\n",
            script);
    }

    [Fact]
    public void The_rows_psql_printed_are_the_old_verifiers_and_an_empty_one_is_no_password()
    {
        Assert.Equal([new RoleVerifier("postgres", "SCRAM-SHA-256$4096:a$b:c"), new RoleVerifier("replicator", null)],
            RolePasswords.ParseRows("postgres|SCRAM-SHA-256$4096:a$b:c\nreplicator|\n"));
    }

    [Fact]
    public void A_verifier_never_shows_in_a_record_printed()
    {
        Assert.DoesNotContain("SCRAM", new RoleVerifier("postgres", "SCRAM-SHA-256$4096:a$b:c").ToString());
    }
}
