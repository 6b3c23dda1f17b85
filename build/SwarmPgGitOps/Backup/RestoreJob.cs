using System.Globalization;
using System.Text.Json;
using Docker.DotNet.Models;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Backup;

/// <summary>Where a restore stops replaying WAL: the end of the archive, a timestamp, or a named restore point.</summary>
public sealed record RestoreTarget(string Type, string? Target)
{
    public static RestoreTarget Latest { get; } = new("latest", null);

    public static RestoreTarget RestorePoint(string name) => new("name", name);

    /// <summary>--to=latest (or nothing), or a timestamp with its offset, such as 2026-12-01T06:40:00Z.</summary>
    public static RestoreTarget Parse(string? to)
    {
        if (to is null or "latest")
            return Latest;
        if (!DateTimeOffset.TryParse(to, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            throw new BackupFailedException($"--to={to} is neither latest nor a timestamp (hint: --to=2026-12-01T06:40:00Z, or --to=latest)");
        return new RestoreTarget("time", time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff+00", CultureInfo.InvariantCulture));
    }

    public override string ToString() => Target is null ? Type : $"{Type} {Target}";
}

/// <summary>How long each phase of a restore took, and what the verification query answered (null: none was run).</summary>
public sealed record RestoreOutcome(JobResult Job, double RestoreSeconds, double RecoverySeconds, double VerifySeconds, JsonElement? Result);

/// <summary>
/// Restores a stanza's newest backup as a one-shot task made from a member of the source stack (its pgBackRest
/// configuration, certificates and network: the repository is reached through its TLS server), on the node and into the
/// volume asked for, or into the task's own filesystem (removed with it). Runs Backup/restore.sh.
/// </summary>
public sealed class RestoreJob(ISwarmApi swarm, Waiter waiter)
{
    public const string DataMount = "/var/lib/postgresql/data";
    public const string ScratchData = "/var/tmp/restore/pgdata";

    private static readonly Lazy<string> Script = new(() => EmbeddedScript.Read("restore.sh"));

    /// <param name="volume">A volume to restore into (mounted at <see cref="DataMount"/>, data in pgdata/); null: the task's own filesystem.</param>
    public async Task<RestoreOutcome> RunAsync(string sourceStack, string stanza, IReadOnlyList<string> placement, Mount? volume, RestoreTarget target, string? verifySql,
        TimeSpan timeout, Action<TimeSpan>? waiting, CancellationToken cancellation)
    {
        var member = (await swarm.ListServicesAsync(sourceStack, cancellation)).Where(s => StackLabels.RoleOf(s) == StackContainerLocator.MemberRole)
            .OrderBy(s => s.Spec?.Name ?? "", StringComparer.Ordinal).FirstOrDefault()
            ?? throw new BackupUnavailableException($"stack '{sourceStack}' has no member to restore with (hint: the source environment must be deployed: its members hold the repository's address and certificates)");
        var pgdata = volume is null ? ScratchData : $"{DataMount}/pgdata";
        var job = new JobSpec(volume is null ? "drill" : "restore",
            ["bash", "-c", Script.Value, "restore.sh", stanza, pgdata, target.Type, target.Target ?? ""],
            new Placement { Constraints = placement.ToList() },
            volume is null ? [] : [volume],
            verifySql is null ? null : [$"VERIFY_SQL={verifySql}"]);
        var run = await new SwarmJob(swarm, waiter).RunAsync(member, job, timeout, waiting, cancellation);
        var report = run.Stdout.Split('\n').LastOrDefault(l => l.StartsWith("{\"restore_seconds\"", StringComparison.Ordinal));
        if (!run.Succeeded || report is null)
            throw new BackupFailedException($"the restore ({target}) failed (exit {run.ExitCode}): {Problem(run)}" + Hint(run));
        using var json = JsonDocument.Parse(report);
        var root = json.RootElement;
        var result = root.GetProperty("result");
        return new RestoreOutcome(run, root.GetProperty("restore_seconds").GetDouble(), root.GetProperty("recovery_seconds").GetDouble(),
            root.GetProperty("verify_seconds").GetDouble(), result.ValueKind == JsonValueKind.Null ? null : result.Clone());
    }

    private static string Hint(JobResult run) =>
        (run.Stderr + run.Stdout).Contains("recovery ended before configured recovery target was reached", StringComparison.Ordinal)
            ? " (hint: the archive does not reach that time yet: WAL reaches the repository at most archive_timeout after it is written, or never when the target is after the last archived WAL; choose an earlier time, or wait and try again)"
            : (run.Stderr + run.Stdout).Contains("already holds data", StringComparison.Ordinal)
                ? " (hint: the volume is on the node the new environment's preferred leader is placed on: remove it there, or give the new environment another stack name)"
                : "";

    private static string Problem(JobResult run) => string.Join(" | ", run.Problem(4, "ERROR", "error:", "FATAL"));

    /// <summary>The named volume a member of <paramref name="stack"/> mounts, as Deploy creates it, labelled as the stack's.</summary>
    public static Mount MemberVolume(string stack, string volumeName) => new()
    {
        Type = "volume",
        Source = $"{stack}_{volumeName}",
        Target = DataMount,
        VolumeOptions = new VolumeOptions { Labels = StackLabels.For(stack) },
    };
}
