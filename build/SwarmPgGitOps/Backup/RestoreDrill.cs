using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Backup;

/// <summary>One verification of a restore drill: what the live cluster had at the restore point, what the restored copy has.</summary>
public sealed record DrillCheck(string Name, string Expected, string Restored, bool Passed);

/// <summary>A restore drill's verdict and how long each phase took.</summary>
public sealed record DrillReport(string RestorePoint, IReadOnlyList<DrillCheck> Checks, IReadOnlyList<(string Phase, TimeSpan Took)> Phases)
{
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);
}

/// <summary>
/// Proves the backups restore: on the leader, a marker row, then a named restore point, archived; the newest backup is
/// restored into a scratch task on the repository's node (its own filesystem, removed with it) and replayed to that
/// point; the copy must have the marker, the cluster's system identifier, a timeline of its own after the point, and the
/// row counts of a sample of the largest tables. A table written while the point was taken is counted twice, before and
/// after it, and the copy's count must lie between the two; an untouched one must match exactly.
/// </summary>
public sealed class RestoreDrill(ISwarmApi swarm, Waiter waiter, Action<string> progress)
{
    public const string MarkerTable = "public.swarm_pg_restore_drill";
    private const int SampleTables = 5;
    private static readonly TimeSpan ArchiveTimeout = TimeSpan.FromSeconds(120);

    private const string TimelineSql = "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int";

    public async Task<DrillReport> RunAsync(EnvironmentSpec spec, NpgsqlConnection leader, TimeSpan timeout, CancellationToken cancellation)
    {
        var phases = new List<(string, TimeSpan)>();
        var clock = Stopwatch.StartNew();
        var point = $"swarm-pg-drill-{waiter.Time.GetUtcNow():yyyyMMddTHHmmssZ}";
        progress($"writing the marker and restore point {point} on the leader");
        var source = await MarkAsync(leader, point, cancellation);
        progress($"waiting until {source.Segment} is archived");
        await WaitArchivedAsync(leader, source.Segment, cancellation);
        phases.Add(("mark and archive the restore point", clock.Elapsed));

        progress("restoring the newest backup into a scratch task on the repository's node");
        clock.Restart();
        var placement = RenderModel.Constraints(spec.Backup?.Repository.Placement ?? []);
        var outcome = await new RestoreJob(swarm, waiter).RunAsync(spec.Stack, spec.PatroniScope(), placement, null, RestoreTarget.RestorePoint(point),
            VerifySql(point, source.Tables), timeout, ElapsedProgress.Every(TimeSpan.FromSeconds(15), "restoring", progress), cancellation);
        var job = clock.Elapsed;
        phases.Add(("pgbackrest restore", TimeSpan.FromSeconds(outcome.RestoreSeconds)));
        phases.Add(("WAL replay to the restore point", TimeSpan.FromSeconds(outcome.RecoverySeconds)));
        phases.Add(("verify", TimeSpan.FromSeconds(outcome.VerifySeconds)));
        phases.Add(("scratch task scheduled, run and removed", job));
        return new DrillReport(point, Judge(source, outcome.Result), phases);
    }

    private sealed record SampleTable(string Name, long Before, long After);

    private sealed record Source(string Marker, string SystemIdentifier, int Timeline, string Segment, IReadOnlyList<SampleTable> Tables);

    private static async Task<Source> MarkAsync(NpgsqlConnection leader, string point, CancellationToken cancellation)
    {
        await Execute(leader, $"""
            CREATE TABLE IF NOT EXISTS {MarkerTable} (marker text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now());
            DELETE FROM {MarkerTable} WHERE written_at < now() - interval '90 days';
            INSERT INTO {MarkerTable} (marker) VALUES (@point);
            """, cancellation, ("point", point));
        var tables = await Rows(leader, """
            SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables
             WHERE (schemaname, relname) NOT IN (('public', 'swarm_pg_canary'), ('public', 'swarm_pg_restore_drill'))
             ORDER BY n_live_tup DESC, 1 LIMIT 
            """ + SampleTables, r => r.GetString(0), cancellation);
        var before = await CountAsync(leader, tables, cancellation);
        var identity = (await Rows(leader, $"SELECT system_identifier::text, {TimelineSql}, pg_walfile_name(pg_create_restore_point(@point)) FROM pg_control_system()",
            r => (Id: r.GetString(0), Timeline: r.GetInt32(1), Segment: r.GetString(2)), cancellation, ("point", point))).Single();
        var after = await CountAsync(leader, tables, cancellation);
        await Execute(leader, "SELECT pg_switch_wal()", cancellation);
        return new Source(point, identity.Id, identity.Timeline, identity.Segment,
            tables.Select(t => new SampleTable(t, before[t], after[t])).ToList());
    }

    private async Task WaitArchivedAsync(NpgsqlConnection leader, string segment, CancellationToken cancellation)
    {
        var polled = await waiter.PollAsync(async (_, token) => (await CatalogQueries.Archiver.ReadAsync(leader, token)).Single(),
            a => string.CompareOrdinal(a.LastArchivedWal, segment) >= 0, new PollSchedule(ArchiveTimeout, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)), cancellation);
        if (!polled.Done)
            throw new BackupFailedException($"WAL segment {segment} with the restore point was not archived within {ArchiveTimeout.TotalSeconds:0} s (last archived: {polled.Last.LastArchivedWal ?? "none"}"
                + (polled.Last.Failing ? $", archiving failing since {polled.Last.LastFailedTime:u}" : "") + ") (hint: run Smoke: its archive checks say why)");
    }

    private static async Task<Dictionary<string, long>> CountAsync(NpgsqlConnection connection, IReadOnlyList<string> tables, CancellationToken cancellation)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
            counts[table] = (await Rows(connection, $"SELECT count(*) FROM {table}", r => r.GetInt64(0), cancellation)).Single();
        return counts;
    }

    /// <summary>One line of SQL (it travels in an environment variable) that the restored copy answers with one JSON object.</summary>
    private static string VerifySql(string point, IReadOnlyList<SampleTable> tables)
    {
        var counts = tables.Count == 0
            ? "'{}'::json"
            : "json_build_object(" + string.Join(", ", tables.Select(t =>
                $"{Literal(t.Name)}, (xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM {t.Name.Replace("'", "''", StringComparison.Ordinal)}', false, true, '')))[1]::text::bigint")) + ")";
        return $"SELECT json_build_object('system_identifier', (SELECT system_identifier::text FROM pg_control_system()), 'timeline', {TimelineSql}, "
            + $"'marker', (SELECT count(*) FROM {MarkerTable} WHERE marker = {Literal(point)}), 'counts', {counts})";
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static IReadOnlyList<DrillCheck> Judge(Source source, JsonElement? result)
    {
        if (result is not { } restored)
            return [new DrillCheck("verification", "an answer", "none", false)];
        var checks = new List<DrillCheck>
        {
            Check("marker row", "1", restored.GetProperty("marker").GetInt64().ToString(CultureInfo.InvariantCulture)),
            Check("system identifier", source.SystemIdentifier, restored.GetProperty("system_identifier").GetString() ?? ""),
        };
        var timeline = restored.GetProperty("timeline").GetInt32();
        checks.Add(new DrillCheck("timeline", $"after {source.Timeline} (a copy promoted on a timeline of its own)", timeline.ToString(CultureInfo.InvariantCulture),
            timeline > source.Timeline));
        var counts = restored.GetProperty("counts");
        foreach (var table in source.Tables)
        {
            var count = counts.TryGetProperty(table.Name, out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : -1;
            var (low, high) = (Math.Min(table.Before, table.After), Math.Max(table.Before, table.After));
            checks.Add(new DrillCheck($"rows in {table.Name}", low == high ? $"{low}" : $"{low}..{high} (written while the point was taken)",
                count < 0 ? "missing" : count.ToString(CultureInfo.InvariantCulture), count >= low && count <= high));
        }
        return checks;

        static DrillCheck Check(string name, string expected, string actual) => new(name, expected, actual, expected == actual);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellation, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    private static Task<IReadOnlyList<T>> Rows<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellation,
        params (string Name, object Value)[] parameters) =>
        new Query<T>(sql, read, parameters).ReadAsync(connection, cancellation);
}
