using Docker.DotNet;
using SwarmPgGitOps.Backup;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Smoke;

/// <summary>Runs `pgbackrest check` and `info` on the stack's repository (a one-shot task on its node) for <see cref="BackupChecks"/>.</summary>
public static class BackupProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static async Task<BackupChecks.Repository> ReadAsync(EnvironmentDocument document, Func<string, string?> variable, CancellationToken cancellation)
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
                var run = await BackupRepository.For(spec, new DockerSwarmApi(docker), Waiter.System).CheckAsync(Timeout, cancellation);
                return new BackupChecks.Repository(service, run, null);
            }
            catch (Exception e) when (e is BackupUnavailableException or JobFailedException or DockerApiException or HttpRequestException)
            {
                return new BackupChecks.Repository(service, null, e.Message.ReplaceLineEndings(" "));
            }
        }
    }
}
