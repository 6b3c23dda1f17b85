using Docker.DotNet;
using SwarmPgGitOps.Backup;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Smoke;

/// <summary>
/// Runs `pgbackrest check` and `info` for <see cref="BackupChecks"/>: in the leader's container when it runs on the
/// endpoint's node (docker exec), else in a one-shot task of the repository on its node.
/// </summary>
public static class BackupProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <param name="leader">The member Patroni names leader; null: not known, the check runs on the repository's node.</param>
    public static async Task<BackupChecks.Repository> ReadAsync(EnvironmentDocument document, string? leader, Func<string, string?> variable, CancellationToken cancellation)
    {
        var spec = document.Spec;
        var service = $"{spec.Stack}_{RenderBackup.ServiceName}";
        var connected = DockerEndpoint.Connect(document, variable);
        if (connected.Value is not { } docker)
            return new BackupChecks.Repository(service, null, string.Join("; ", connected.Diagnostics.Select(d => d.Message)));
        using (docker)
        {
            try
            {
                var swarm = new DockerSwarmApi(docker);
                var repository = BackupRepository.For(spec, swarm, Waiter.System);
                var onLeader = leader is null ? null : await Patroni.StackContainerLocator.OfServiceAsync(swarm, spec.Stack, leader, cancellation);
                var run = onLeader is null ? null : await FromLeaderAsync(repository, swarm, onLeader, cancellation);
                run ??= await repository.CheckAsync(Timeout, cancellation);
                return new BackupChecks.Repository(service, run, null);
            }
            catch (Exception e) when (e is BackupUnavailableException or JobFailedException or DockerApiException or HttpRequestException)
            {
                return new BackupChecks.Repository(service, null, e.Message.ReplaceLineEndings(" "));
            }
        }
    }

    /// <summary>The check in the leader's container, within <see cref="Timeout"/>; null when the container could not run it (it stopped meanwhile).</summary>
    private static async Task<RepositoryRun?> FromLeaderAsync(BackupRepository repository, DockerSwarmApi swarm, Patroni.StackContainer leader, CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(Timeout);
        try
        {
            return await repository.CheckFromAsync(swarm, leader, limit.Token);
        }
        catch (DockerApiException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new JobFailedException($"pgbackrest check in {leader.Service} did not end within {Timeout.TotalSeconds:0} s");
        }
    }
}
