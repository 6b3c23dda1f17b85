using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// The role the pipeline's checks (Smoke, Drift) log in as, rather than the superuser, where the environment gives it a
/// password (secrets.monitor_password, Patroni layout): pg_monitor; the canary table's rows; pg_hba_file_rules; and two
/// SECURITY DEFINER functions for what those cannot read (which member answers, a role's password scheme), each
/// answering that and nothing more. Deploy alone logs in as the superuser.
/// </summary>
public static class MonitorRole
{
    public const string Name = "swarm_pg_monitor";

    /// <summary>Whether the connection is logged in as this role, which then reads what the superuser would read directly through its functions.</summary>
    public static bool LoggedIn(Npgsql.NpgsqlConnection connection) => connection.UserName == Name;

    public static bool IsOn(EnvironmentSpec spec) =>
        EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni && spec.Secrets.MonitorPassword is not null;

    /// <summary>The role's password when the environment has the role, else null.</summary>
    public static string? PasswordFor(EnvironmentSpec spec, Secrets.SecretValues secrets) => IsOn(spec) ? secrets.MonitorPassword : null;

    /// <summary>
    /// Idempotent, as the superuser, in a transaction (psql -1): run by Patroni's post_bootstrap on every new cluster and,
    /// before its password is set, by a deploy that gives a running cluster the role's password. The canary table exists.
    /// </summary>
    public const string SetupSql = $$"""
        DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{{Name}}') THEN CREATE ROLE {{Name}} LOGIN; END IF; END $$;
        GRANT pg_monitor TO {{Name}};
        GRANT SELECT, INSERT, DELETE ON {{CanaryProbe.Table}} TO {{Name}};
        GRANT SELECT ON pg_catalog.pg_hba_file_rules TO {{Name}};
        GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO {{Name}};
        CREATE SCHEMA IF NOT EXISTS swarm_pg;
        CREATE OR REPLACE FUNCTION swarm_pg.member_name() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
          AS $f$ SELECT btrim(pg_read_file('/etc/hostname'), E' \n') $f$;
        CREATE OR REPLACE FUNCTION swarm_pg.password_scheme(role name) RETURNS SETOF text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
          AS $f$ SELECT CASE WHEN rolpassword IS NULL THEN 'none' WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram' WHEN rolpassword LIKE 'md5%' THEN 'md5' ELSE 'other' END
                   FROM pg_authid WHERE rolname = role $f$;
        REVOKE ALL ON FUNCTION swarm_pg.member_name(), swarm_pg.password_scheme(name) FROM PUBLIC;
        GRANT USAGE ON SCHEMA swarm_pg TO {{Name}};
        GRANT EXECUTE ON FUNCTION swarm_pg.member_name(), swarm_pg.password_scheme(name) TO {{Name}};
        """;
}
