using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace SwarmPgGitOps.Swarm;

public sealed record ConvergenceFailure(string Service, string Reason, string? TaskError, string? LastLogLines);

/// <summary>
/// Waits, bounded, until a service created or updated at a given moment runs its replicas and is healthy (Swarm moves a
/// task with a healthcheck to running only once healthy). A failed task, a paused update or a rollback started by
/// Swarm ends the wait as a failure. Progress goes to the callback every few seconds.
/// </summary>
public sealed class ConvergenceWaiter(IDockerClient docker, Action<string> progress)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);
    private const int FailedTasksBeforeGivingUp = 3;

    public async Task<ConvergenceFailure?> WaitAsync(string serviceName, DateTime changedAt, TimeSpan timeout, IReadOnlyDictionary<string, string> nodeNames, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var since = changedAt.AddSeconds(-2); // manager and client clocks may differ a little
        while (true)
        {
            var service = await docker.Swarm.InspectServiceAsync(serviceName, cancellation);
            var tasks = (await docker.Tasks.ListAsync(new TasksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceName] = true } },
            }, cancellation)).Where(t => t.CreatedAt >= since).ToList();
            var wanted = service.Spec.Mode?.Replicated?.Replicas ?? 1;
            var running = tasks.Where(t => t.DesiredState == TaskState.Running && t.Status.State == TaskState.Running).ToList();
            var failed = tasks.Where(t => t.Status.State is TaskState.Failed or TaskState.Rejected).ToList();
            var updateState = service.UpdateStatus?.State;

            if (updateState is "rollback_started" or "rollback_completed" or "rollback_paused" or "paused")
                return await Failure(service, $"Swarm {updateState.Replace('_', ' ')} the update: {service.UpdateStatus!.Message}", failed, cancellation);
            if (failed.Count >= FailedTasksBeforeGivingUp)
                return await Failure(service, $"{failed.Count} tasks failed", failed, cancellation);
            if ((ulong)running.Count == wanted && updateState is null or "completed")
                return null;
            if (clock.Elapsed > timeout)
                return await Failure(service, $"not converged after {timeout.TotalSeconds:0} s ({running.Count}/{wanted} running)", failed, cancellation);

            if (clock.Elapsed - lastProgress >= ProgressEvery)
            {
                lastProgress = clock.Elapsed;
                var latest = tasks.OrderByDescending(t => t.CreatedAt).FirstOrDefault();
                var where = latest is null ? "no task yet" : $"task {latest.Status.State?.ToString().ToLowerInvariant()} on {nodeNames.GetValueOrDefault(latest.NodeID ?? "", "an unassigned node")}";
                progress($"  {serviceName}: {running.Count}/{wanted} running, {where}, {clock.Elapsed.TotalSeconds:0} s");
            }
            await Task.Delay(Poll, cancellation);
        }
    }

    private async Task<ConvergenceFailure> Failure(SwarmService service, string reason, IReadOnlyList<TaskResponse> failed, CancellationToken cancellation)
    {
        var error = failed.OrderByDescending(t => t.UpdatedAt).Select(t => t.Status.Err ?? t.Status.Message).FirstOrDefault(e => !string.IsNullOrEmpty(e));
        return new ConvergenceFailure(service.Spec.Name, reason, error, await LastLogLines(service.ID, cancellation));
    }

    private async Task<string?> LastLogLines(string serviceId, CancellationToken cancellation)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var stream = await docker.Swarm.GetServiceLogsAsync(serviceId, false,
                new ServiceLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "20" }, timeout.Token);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(timeout.Token);
            return (stdout + stderr).Trim();
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or IOException)
        {
            return null;
        }
    }
}
