using System.Diagnostics;
using Spectre.Console;
using SwarmPgGitOps.Backup;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Restore: the newest backup of one environment, replayed to the end of its archive or to a timestamp, becomes a new
/// cluster of another environment (its own stack on the same swarm, which must not exist yet): restored into the volume
/// of that environment's preferred leader, which the deploy that follows starts first and the others copy. The restored
/// cluster archives only where its own file says, never into the source's repository.
/// </summary>
public sealed class RestoreStep(ProjectLayout layout, IAnsiConsole console, Func<string, string?>? variable = null)
{
    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    /// <param name="deploy">Deploys the restored environment (the task: Deploy, then Smoke).</param>
    public Task RunAsync(string environment, string? into, string? to, Func<string, Task> deploy, CancellationToken cancellation = default) =>
        StepFailures.Translate(console, async () =>
        {
            if (string.IsNullOrWhiteSpace(into))
                throw new BackupFailedException("Restore needs --into=<environment>: the environment file of the new stack to restore into (README: Backups)");
            var target = RestoreTarget.Parse(to);
            var clock = Stopwatch.StartNew();
            void Progress(string line) => console.MarkupLine($"[grey]{clock.Elapsed.TotalSeconds,6:0.0}s[/] {Markup.Escape(line)}");
            using var source = await SwarmTarget.PrepareAsync(layout, console, environment, _variable, cancellation);
            var spec = source.Environment.Spec;
            BackupRepository.Require(source.Environment);

            var destination = Destination(into, spec);
            SameRoles(source.Secrets, destination, into, spec);
            var api = new DockerSwarmApi(source.Docker);
            var running = await api.ListServicesAsync(destination.Spec.Stack, cancellation);
            if (running.Count > 0)
                throw new BackupFailedException($"stack '{destination.Spec.Stack}' of {into} exists ({running.Count} service(s)): a restore never goes over a running stack (hint: choose a new stack name in {destination.File}, or remove that stack first)");

            var (_, members, _) = destination.Spec.PatroniCluster();
            var founder = members.Single(m => m.Name == destination.Spec.PatroniCluster().Patroni.PreferredLeader);
            var volume = founder.Volume ?? $"{founder.Name}_data";
            Progress($"restoring {environment}'s newest backup ({target}) into volume {destination.Spec.Stack}_{volume} of {into}'s {founder.Name}");
            var outcome = await new RestoreJob(api, Waiting.Waiter.System).RunAsync(spec.Stack, spec.PatroniScope(), RenderModel.Constraints(founder.Placement),
                RestoreJob.MemberVolume(destination.Spec.Stack, volume), target, null, TimeSpan.FromSeconds(spec.Deploy.ConvergeTimeoutSeconds * 4),
                Waiting.ElapsedProgress.Every(TimeSpan.FromSeconds(15), "restoring", Progress), cancellation);
            Progress($"restored: pgbackrest restore {outcome.RestoreSeconds:0.0} s, WAL replay and promotion {outcome.RecoverySeconds:0.0} s; deploying {into}");
            await deploy(into);
            console.MarkupLine($"[green]restored[/] {Markup.Escape(environment)} into {Markup.Escape(into)} (stack {Markup.Escape(destination.Spec.Stack)}) in {clock.Elapsed.TotalSeconds:0.0} s");
        });

    /// <summary>A restored cluster has the source's roles, with their passwords: the new environment must supply the same ones.</summary>
    private void SameRoles(Secrets.SecretValues source, EnvironmentDocument destination, string into, EnvironmentSpec sourceSpec)
    {
        var resolved = new Secrets.SecretResolver(layout, _variable).Resolve(destination);
        DiagnosticPrinter.Print(console, resolved.Diagnostics);
        if (resolved.Value is not { } secrets)
            throw new PipelineFailedException($"the passwords of {into} are not available; nothing was restored");
        var differ = new[]
            {
                ("superuser_password", secrets.SuperuserPassword != source.SuperuserPassword),
                ("replication_password", secrets.ReplicationPassword != source.ReplicationPassword),
                ("monitor_password", secrets.MonitorPassword is not null && secrets.MonitorPassword != source.MonitorPassword),
            }
            .Where(d => d.Item2).Select(d => d.Item1).ToList();
        if (differ.Count > 0)
            throw new BackupFailedException($"{into} supplies another {string.Join(" and ", differ)} than the source: the restored cluster keeps the source's roles and their passwords "
                + $"(hint: point secrets.{differ[0]} of {destination.File} at the source's value; rotate it with a deploy afterwards if the copy needs its own)");
        if (destination.Spec.Access.Replication.User != sourceSpec.Access.Replication.User)
            throw new BackupFailedException($"{into} replicates as '{destination.Spec.Access.Replication.User}', the source's data has '{sourceSpec.Access.Replication.User}' (hint: use the source's access.replication.user)");
    }

    private EnvironmentDocument Destination(string into, EnvironmentSpec source)
    {
        var report = new Validator(layout).Validate(into);
        DiagnosticPrinter.Print(console, report.Diagnostics);
        if (!report.Passed || report.Document is not { } document)
            throw new PipelineFailedException($"{into} is not valid; nothing was restored");
        document.Spec.PatroniCluster();
        if (document.Spec.Stack == source.Stack)
            throw new BackupFailedException($"{into} names stack '{source.Stack}', the source's own: a restore always makes a new stack (hint: give {document.File} another stack name)");
        if ((document.Spec.Swarm.Endpoint ?? document.Spec.Swarm.EndpointEnv) != (source.Swarm.Endpoint ?? source.Swarm.EndpointEnv))
            throw new BackupFailedException($"{into} is on another swarm endpoint than the source: the restore runs on the source's swarm, next to its repository (hint: restore into an environment of the same swarm)");
        return document;
    }
}
