using Docker.DotNet.Models;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Backup;

/// <summary>What a pgBackRest command run on the repository printed: its JSON report (info) and its log.</summary>
public sealed record RepositoryRun(JobResult Job, StanzaInfo? Info)
{
    /// <summary>The run went on to a first full backup (<see cref="BackupRepository.EnsureStanzaAndBackupAsync"/>).</summary>
    public bool TookFirstBackup => Job.Stdout.Contains(BackupRepository.FirstBackupMarker, StringComparison.Ordinal);

    /// <summary>pgBackRest's own error lines (ERROR: [code]: ...), else the last lines it wrote.</summary>
    public string Problem => string.Join(" ", Job.Problem(3, "ERROR:"));
}

/// <summary>
/// The stack's pgBackRest repository service, and the pgBackRest commands the pipeline runs on it: each as a one-shot
/// task of the repository's own definition (<see cref="SwarmJob"/>), as the postgres user, on the repository's node;
/// Smoke's check also from the leader's container (<see cref="CheckFromAsync"/>). The stanza is Patroni's scope.
/// </summary>
public sealed class BackupRepository(ISwarmApi swarm, Waiter waiter, string stack, string stanza)
{
    public static BackupRepository For(EnvironmentSpec spec, ISwarmApi swarm, Waiter waiter) => new(swarm, waiter, spec.Stack, spec.PatroniScope());

    /// <summary>Whether the environment's backups go to a repository service of its stack (the only kind the tasks run against).</summary>
    public static bool HasService(EnvironmentSpec spec) => spec.Backup is { Repository.Placement: not null };

    /// <summary>Refuses an environment without a repository service, saying how to add one.</summary>
    public static void Require(EnvironmentDocument document)
    {
        if (!HasService(document.Spec))
            throw new BackupUnavailableException($"{document.Name} has no backup repository service (hint: add backup.repository.placement to {document.File}; README: Backups)");
    }

    /// <summary>What <see cref="EnsureStanzaAndBackupAsync"/> prints on stdout when it goes on to a first full backup.</summary>
    public const string FirstBackupMarker = "swarm-pg: the repository holds no backup: a first full backup";

    /// <summary>
    /// Creates the stanza when it is not there (stanza-create does nothing to one that matches), takes a full backup when
    /// the repository holds none, and reports what the repository holds: one task, so one task's start.
    /// </summary>
    public Task<RepositoryRun> EnsureStanzaAndBackupAsync(TimeSpan timeout, Action<TimeSpan>? waiting, CancellationToken cancellation) =>
        RunAsync("stanza", [WhileLocked(Command("stanza-create")), $"{{ {HasBackup()} || {{ echo '{FirstBackupMarker}'; {Command("backup", "--type=full", "--start-fast")}; }}; }}", Info()],
            timeout, waiting, cancellation);

    /// <summary>Succeeds when pgBackRest's info lists a backup of the stanza.</summary>
    private string HasBackup() =>
        $"{Info()} | python3 -c 'import json, sys; sys.exit(0 if any(s.get(\"backup\") for s in json.load(sys.stdin)) else 1)'";

    /// <summary>A backup of <paramref name="type"/> (full, diff or incr) from the leader, then what the repository holds.</summary>
    public Task<RepositoryRun> BackupAsync(string type, TimeSpan timeout, Action<TimeSpan>? waiting, CancellationToken cancellation) =>
        RunAsync($"backup-{type}", [Command("backup", $"--type={type}"), Info()], timeout, waiting, cancellation);

    /// <summary>How long `pgbackrest check` waits for the WAL it made the leader switch to reach the repository (pgBackRest's default: 60 s).</summary>
    public static readonly TimeSpan CheckArchiveTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The repository's TLS server pinged, then `pgbackrest check` (a WAL switch on the leader, archived into the repository
    /// within <see cref="CheckArchiveTimeout"/>), then what the repository holds, whatever they said.
    /// </summary>
    public Task<RepositoryRun> CheckAsync(TimeSpan timeout, CancellationToken cancellation) =>
        RunAsync("check", CheckSteps, timeout, null, cancellation, stopAtFailure: false);

    /// <summary>
    /// The same check run in the leader's container (<paramref name="leader"/>, on the endpoint's node) with docker exec,
    /// which costs no task's start: from there pgBackRest reaches the repository through its TLS server, as the
    /// leader's archive_command does.
    /// </summary>
    public async Task<RepositoryRun> CheckFromAsync(IContainerExec exec, Patroni.StackContainer leader, CancellationToken cancellation)
    {
        var clock = waiter.Time.GetTimestamp();
        var result = await exec.ExecAsync(leader.ContainerId, AsPostgres(string.Join("\n", CheckSteps)), null, cancellation);
        return Read(new JobResult(leader.Service, result.ExitCode, result.Stdout, result.Stderr, waiter.Time.GetElapsedTime(clock)));
    }

    private IReadOnlyList<string> CheckSteps =>
        [$"{Ping()} && {Command("check", $"--archive-timeout={CheckArchiveTimeout.TotalSeconds:0}")}; checked=$?", Info(), "exit $checked"];

    /// <summary>
    /// The repository's TLS server answers at its service name, as the members reach it: `check` alone passes on an idle
    /// leader whose last WAL was archived before the server went away (its WAL switch then archives nothing new).
    /// </summary>
    private static string Ping() =>
        $"pgbackrest server-ping --tls-server-port={RenderBackup.TlsPort} --io-timeout={CheckArchiveTimeout.TotalSeconds:0} {RenderBackup.ServiceName} >&2";

    private string Command(string command, params string[] options) =>
        string.Join(' ', ["pgbackrest", $"--stanza={stanza}", .. options, command, ">&2"]);

    /// <summary>
    /// Runs the command again while it fails on a lock another pgBackRest process holds (its exit code is the error's,
    /// [050] LockAcquireError): a new leader's archive_command pushes WAL, each push taking the archive lock on the
    /// repository's volume, from before the stanza exists, so stanza-create can meet it there. Up to 30 tries, a second apart.
    /// </summary>
    private static string WhileLocked(string command) =>
        $"(for try in $(seq 1 30); do {command} && exit 0; status=$?; [ $status -eq 50 ] && [ $try -lt 30 ] || exit $status; sleep 1; done)";

    private string Info() => $"pgbackrest --stanza={stanza} --output=json info";

    private async Task<RepositoryRun> RunAsync(string purpose, IReadOnlyList<string> steps, TimeSpan timeout, Action<TimeSpan>? waiting, CancellationToken cancellation,
        bool stopAtFailure = true)
    {
        var service = await ServiceAsync(cancellation);
        var job = await new SwarmJob(swarm, waiter).RunAsync(service, purpose, AsPostgres(string.Join(stopAtFailure ? " && " : "\n", steps)), timeout, waiting, cancellation);
        return Read(job);
    }

    private static IReadOnlyList<string> AsPostgres(string script) => ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", "bash", "-c", script];

    /// <summary>What pgBackRest's info printed last (JSON), read from the run's output.</summary>
    private RepositoryRun Read(JobResult job)
    {
        var json = job.Stdout.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('[')) ?? "";
        StanzaInfo? info = null;
        if (json.Length > 0)
        {
            try
            {
                info = StanzaInfo.Parse(json, stanza);
            }
            catch (System.Text.Json.JsonException)
            {
                info = null;
            }
        }
        return new RepositoryRun(job, info);
    }

    private async Task<SwarmService> ServiceAsync(CancellationToken cancellation) =>
        (await swarm.ListServicesAsync(stack, cancellation)).FirstOrDefault(s => StackLabels.RoleOf(s) == RenderBackup.Role)
        ?? throw new BackupUnavailableException($"stack '{stack}' has no backup repository service (role {RenderBackup.Role}) (hint: deploy the environment with backup.repository.placement first)");
}

/// <summary>The repository cannot be used: no service, or a command that did not end.</summary>
public sealed class BackupUnavailableException(string message) : Diagnostics.ActionableException(message);

/// <summary>A backup pgBackRest could not take, with its own error lines.</summary>
public sealed class BackupFailedException(string message) : Diagnostics.ActionableException(message);
