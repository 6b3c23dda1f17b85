using SwarmPgGitOps.Waiting;
using System.Diagnostics;
using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Smoke;

/// <summary>
/// Runs the smoke checks against a deployed environment: connects to every service at once, reads the primary and the
/// replicas in parallel, then sends the canary through. Only reading and the canary row touch the cluster.
/// </summary>
public sealed class SmokeRunner(RetrySchedule? retry = null, Func<string, string?>? variable = null)
{
    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    public async Task<SmokeReport> RunAsync(EnvironmentDocument document, SecretValues secrets, CancellationToken cancellation = default)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var spec = document.Spec;
        var targets = await new TargetResolver(_variable).ResolveAsync(document, cancellation);
        var engineChecks = new List<SmokeCheck>();
        SmokeExpectations expected;
        Patroni.PatroniCluster? patroni = null;
        await using var connector = PostgresConnector.ForChecks("smoke", document, secrets, _variable, retry);
        // Every member is connected to while Patroni is asked which one leads; the leader's connection is then put first.
        var connecting = targets.ToDictionary(t => t.Name, t => Connect(connector, t, cancellation));
        try
        {
            if (EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni)
            {
                var observed = await PatroniProbe.ReadAsync(document, _variable, cancellation);
                engineChecks.AddRange(observed.Checks);
                patroni = observed.Cluster;
                // Without a leader the first member stands in for it, and its checks say what is wrong.
                var leader = observed.Cluster?.Leader?.Name ?? targets[0].Name;
                targets = [.. targets.Where(t => t.Name == leader), .. targets.Where(t => t.Name != leader)];
                expected = SmokeExpectations.ForPatroni(document, observed.Cluster ?? new Patroni.PatroniCluster(spec.Stack, []), leader);
            }
            else
            {
                expected = SmokeExpectations.From(document);
            }
        }
        catch
        {
            foreach (var opened in (await Task.WhenAll(connecting.Values)).Select(c => c.Connection).OfType<NpgsqlConnection>())
                await opened.DisposeAsync();
            throw;
        }
        // Up to seconds (a one-shot task on the repository's node when the leader runs elsewhere): it starts once the leader
        // is known and is awaited last.
        var backupProbe = Backup.BackupRepository.HasService(spec) ? BackupProbe.ReadAsync(document, patroni?.Leader?.Name, _variable, cancellation) : null;
        var connections = await Task.WhenAll(targets.Select(t => connecting[t.Name]));

        var endpointChecks = spec.Endpoints is { } endpoints
            ? Task.WhenAll(endpoints.Hosts.SelectMany(host => new[] { (EndpointKind.ReadWrite, endpoints.ReadWritePort), (EndpointKind.ReadOnly, endpoints.ReadOnlyPort) }
                .Select(e => Endpoint(connector, e.Item1, host, e.Item2, $"{spec.Stack}_{Rendering.RenderEndpoints.ServiceName}", patroni?.Leader?.Name, cancellation))))
            : Task.FromResult(Array.Empty<SmokeCheck>());
        try
        {
            var checks = engineChecks.Concat(connections.Select(c => c.Check)).ToList();
            var primary = connections[0];
            var replicas = expected.Replicas.Zip(connections.Skip(1), (replica, connected) => (Replica: replica, Connected: connected)).ToList();

            var primaryRead = primary.Connection is { } p
                ? Probe(primary.Target, () => MemberReader.ReadPrimaryAsync(p, expected.Settings.Select(s => s.Name), expected.ReplicationUser, cancellation))
                : Task.FromResult<(PrimaryObservation?, SmokeCheck?)>((null, null));
            var replicaReads = replicas.Select(r => r.Connected.Connection is { } c
                ? Probe(r.Connected.Target, () => MemberReader.ReadReplicaAsync(c, cancellation))
                : Task.FromResult<(ReplicaObservation?, SmokeCheck?)>((null, null))).ToList();
            var (primaryObserved, primaryFailure) = await primaryRead;
            var replicaObserved = await Task.WhenAll(replicaReads);

            if (primaryObserved is not null)
                checks.AddRange(PrimaryChecks.Evaluate(primaryObserved, expected));
            AddIf(checks, primaryFailure);
            for (var i = 0; i < replicas.Count; i++)
            {
                var (observed, failure) = replicaObserved[i];
                if (observed is not null)
                    checks.AddRange(ReplicaChecks.Evaluate(observed, replicas[i].Replica, primaryObserved?.Identity, expected));
                AddIf(checks, failure);
            }

            var canary = primary.Connection is { } primaryConnection
                ? await Canary(primaryConnection, replicas.Select(r => (r.Replica.Name, r.Connected.Connection)).ToList(), expected, checks, cancellation)
                : [];
            checks.AddRange(await endpointChecks);
            if (Rendering.PostgresTls.IsOn(spec))
                checks.AddRange(TlsChecks.Evaluate(connections.Where(c => c.Connection is not null).Select(c => (c.Target.Name, c.Target.Endpoint)),
                    connector.CertificateExpiry, spec.Smoke.MinCertificateDays, DateTimeOffset.UtcNow));
            if (backupProbe is not null)
                checks.AddRange(await Backups(spec.Backup!, await backupProbe, primary, cancellation));
            return new SmokeReport(expected.Environment, expected.Stack, startedAt, clock.Elapsed, targets, checks, canary) { Patroni = patroni };
        }
        finally
        {
            foreach (var connection in connections.Select(c => c.Connection).OfType<NpgsqlConnection>())
                await connection.DisposeAsync();
        }
    }

    private sealed record Connected(PostgresTarget Target, NpgsqlConnection? Connection, SmokeCheck Check);

    /// <summary>The repository's answers, then the leader's archiver (read after the check made it archive a WAL).</summary>
    private static async Task<IReadOnlyList<SmokeCheck>> Backups(BackupSpec backup, BackupChecks.Repository repository, Connected primary, CancellationToken cancellation)
    {
        ArchiverRow? archiver = null;
        if (primary.Connection is { } connection)
        {
            var (rows, failure) = await Probe(primary.Target, () => CatalogQueries.Archiver.ReadAsync(connection, cancellation));
            if (failure is not null)
                return [failure];
            archiver = rows!.Single();
        }
        return BackupChecks.Evaluate(backup, repository, archiver, DateTimeOffset.UtcNow);
    }

    private static async Task<Connected> Connect(PostgresConnector connector, PostgresTarget target, CancellationToken cancellation)
    {
        if (target.Host is null)
            return new Connected(target, null, SmokeCheck.Fail("connect", target.Name, target.Problem ?? "no address", "connected",
                $"set connect_host for {target.Name} in the environment, or make sure {target.Service} runs (docker service ps {target.Service})"));
        try
        {
            var connection = await connector.OpenAsync(target, cancellation);
            return new Connected(target, connection, SmokeCheck.Pass("connect", target.Name, target.Endpoint, "connected"));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            var hint = e switch
            {
                PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                    $"the server refused the checks' password: the one the pipeline resolves (secrets.monitor_password, else secrets.superuser_password) differs from the one {target.Service} was deployed with",
                ServerCertificateException =>
                    $"the pipeline verifies the members against secrets.postgres_tls_ca: deploy the certificate that CA signed, naming {target.Host} (README: Security model)",
                PostgresRouteException => $"the pipeline reaches {target.Service} through a container of the stack on the endpoint's node: docker service ps {target.Service} and its logs",
                _ => $"nothing answered at {target.Endpoint} after retries: docker service ps {target.Service}, its logs, and the published port {target.Port} on its node",
            };
            return new Connected(target, null, SmokeCheck.Fail("connect", target.Name, $"{target.Endpoint}: {Describe(e)}", "connected", hint));
        }
    }

    /// <summary>One connection through an endpoint (HAProxy on one node): which member it landed on, judged by <see cref="EndpointChecks"/>.</summary>
    private static async Task<SmokeCheck> Endpoint(PostgresConnector connector, EndpointKind kind, string host, int port, string service, string? leader,
        CancellationToken cancellation)
    {
        var target = new PostgresTarget(EndpointChecks.Name(kind), service, host, port, "endpoints");
        try
        {
            await using var connection = await connector.OpenAsync(target, cancellation);
            var served = (await CatalogQueries.Serving(MonitorRole.LoggedIn(connection)).ReadAsync(connection, cancellation)).Single();
            return EndpointChecks.Evaluate(kind, target.Endpoint, service, served, leader);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            return EndpointChecks.Unreachable(kind, target.Endpoint, service, Describe(e));
        }
    }

    /// <summary>A failed query is a failed check for that target, not the end of the run.</summary>
    private static async Task<(T?, SmokeCheck?)> Probe<T>(PostgresTarget target, Func<Task<T>> read) where T : class
    {
        try
        {
            return (await read(), null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidCastException or IOException)
        {
            return (null, SmokeCheck.Fail("probe", target.Name, Describe(e), "readable",
                $"the smoke queries failed on {target.Name}: is it PostgreSQL 15 or newer, and does the connection stay up?"));
        }
    }

    private static async Task<IReadOnlyList<CanaryArrival>> Canary(
        NpgsqlConnection primary, IReadOnlyList<(string Name, NpgsqlConnection? Connection)> replicas, SmokeExpectations expected, List<SmokeCheck> checks, CancellationToken cancellation)
    {
        CanaryProbe.Written written;
        try
        {
            written = await CanaryProbe.WriteAsync(primary, CanaryProbe.NewToken(), cancellation);
            checks.Add(CanaryChecks.Write(null));
        }
        catch (NpgsqlException e)
        {
            checks.Add(CanaryChecks.Write(Describe(e)));
            return [];
        }
        var timeout = TimeSpan.FromSeconds(expected.Thresholds.CanaryTimeoutSeconds);
        var arrivals = await Task.WhenAll(replicas.Select(async r =>
        {
            if (r.Connection is null)
                return new CanaryArrival(r.Name, null, null, "not connected");
            try
            {
                return await CanaryProbe.AwaitAsync(r.Connection, r.Name, written, timeout, cancellation);
            }
            catch (NpgsqlException e)
            {
                return new CanaryArrival(r.Name, null, null, Describe(e));
            }
        }));
        checks.AddRange(arrivals.SelectMany(a => CanaryChecks.Evaluate(a, expected)));
        return arrivals;
    }

    private static void AddIf(List<SmokeCheck> checks, SmokeCheck? check)
    {
        if (check is not null)
            checks.Add(check);
    }

    private static string Describe(Exception e)
    {
        var message = e is PostgresException pg ? $"{pg.SqlState} {pg.MessageText}" : e.Message;
        if (e.InnerException is { } inner && e is not PostgresException)
            message += $" ({inner.Message})";
        return message.ReplaceLineEndings(" ");
    }
}
