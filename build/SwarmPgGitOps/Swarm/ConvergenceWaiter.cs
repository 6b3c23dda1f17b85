using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Swarm;

public sealed record ConvergenceFailure(string Service, string Reason, string? TaskError, string? LastLogLines);

/// <summary>
/// Waits, bounded, until a service just created or updated runs its replicas and is healthy (Swarm moves a task with a
/// healthcheck to running only once healthy). A failed task, a paused update or a rollback started by Swarm ends the
/// wait as a failure. Progress goes to the callback every few seconds.
/// Once a replicated service's new tasks run, Swarm still watches them for the update's `monitor` time before it calls
/// the update completed (and rolls back a task that fails meanwhile): the wait ends at running, and the deploy asks
/// again at its end (<c>untilUpdateCompleted</c>), so that the next service's update overlaps that watch.
/// Which tasks belong to the change is decided by the manager's own records, never by comparing clocks: the tasks the
/// manager listed for the service just before the change are not, every other task is, whatever the runner's clock says.
/// A wait may also give up on a task no node can take (its node down or drained): see <see cref="WaitAsync"/>.
/// </summary>
public sealed class ConvergenceWaiter(ISwarmApi swarm, Waiter waiter, Action<string> progress)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(10);
    private const int FailedTasksBeforeGivingUp = 3;
    private static readonly TimeSpan UnplaceableFor = TimeSpan.FromSeconds(5);
    private const string NoSuitableNode = "no suitable node";

    private sealed record Look(SwarmService Service, ulong Wanted, IReadOnlyList<TaskResponse> Running, IReadOnlyList<TaskResponse> Failed, string? Failure, bool Converged);

    /// <param name="untilUnplaceable">
    /// End the wait, failed, once the newest task has waited <see cref="UnplaceableFor"/> for a node that its placement
    /// allows and none does (Swarm's "no suitable node": the node it is pinned to is down or drained). A rollback waits
    /// so: nothing it can do brings the node back, and Swarm places the task once the node returns.
    /// </param>
    /// <param name="untilUpdateCompleted">Also wait until Swarm calls the update completed: its monitor time has passed.</param>
    public async Task<ConvergenceFailure?> WaitAsync(string serviceName, IReadOnlySet<string> tasksBefore, TimeSpan timeout, IReadOnlyDictionary<string, string> nodeNames,
        CancellationToken cancellation = default, bool untilUnplaceable = false, bool untilUpdateCompleted = false)
    {
        var lastProgress = TimeSpan.Zero;

        async ValueTask<Look> LookAt(TimeSpan elapsed, CancellationToken token)
        {
            var service = await swarm.InspectServiceAsync(serviceName, token);
            var tasks = (await swarm.ListTasksAsync(serviceName, token)).Where(t => !tasksBefore.Contains(t.ID)).ToList();
            var running = tasks.Where(t => t.DesiredState == TaskState.Running && t.Status.State == TaskState.Running).ToList();
            // A global service runs one task on every node it may: those Swarm wants running now, at least one.
            var wanted = service.Spec.Mode?.Global is not null
                ? (ulong)Math.Max(1, tasks.Count(t => t.DesiredState == TaskState.Running))
                : service.Spec.Mode?.Replicated?.Replicas ?? 1;
            var failed = tasks.Where(t => t.Status.State is TaskState.Failed or TaskState.Rejected).ToList();
            var updateState = service.UpdateStatus?.State;

            if (updateState is "rollback_started" or "rollback_completed" or "rollback_paused" or "paused")
                return new Look(service, wanted, running, failed, $"Swarm {updateState.Replace('_', ' ')} the update: {service.UpdateStatus!.Message}", false);
            if (failed.Count >= FailedTasksBeforeGivingUp)
                return new Look(service, wanted, running, failed, $"{failed.Count} tasks failed", false);
            // Only new tasks count: a replicated service whose new tasks all run is in Swarm's monitor time. A global
            // service's count of wanted tasks grows as its update reaches each node, so it waits for the update to complete.
            var monitoring = updateState == "updating" && service.Spec.Mode?.Global is null && !untilUpdateCompleted;
            if ((ulong)running.Count == wanted && (updateState is null or "completed" || monitoring))
                return new Look(service, wanted, running, failed, null, true);
            var latest = tasks.OrderByDescending(t => t.CreatedAt).FirstOrDefault();
            if (untilUnplaceable && elapsed >= UnplaceableFor && latest is { DesiredState: TaskState.Running, Status: { State: TaskState.Pending, Err: { } why } }
                && why.StartsWith(NoSuitableNode, StringComparison.Ordinal))
                return new Look(service, wanted, running, failed, $"no node can take its task ({why}); Swarm places it when its node is back", false);

            if (elapsed - lastProgress >= ProgressEvery)
            {
                lastProgress = elapsed;
                var where = latest is null ? "no task yet" : $"task {latest.Status.State?.ToString().ToLowerInvariant()} on {nodeNames.GetValueOrDefault(latest.NodeID ?? "", "an unassigned node")}";
                progress($"  {serviceName}: {running.Count}/{wanted} running, {where}, {elapsed.TotalSeconds:0} s");
            }
            return new Look(service, wanted, running, failed, null, false);
        }

        var polled = await waiter.PollAsync(LookAt, l => l.Converged || l.Failure is not null, new PollSchedule(timeout, Poll), cancellation);
        var last = polled.Last;
        if (last.Converged)
            return null;
        var reason = last.Failure ?? $"not converged after {timeout.TotalSeconds:0} s ({last.Running.Count}/{last.Wanted} running)";
        var error = last.Failed.OrderByDescending(t => t.UpdatedAt).Select(t => t.Status.Err ?? t.Status.Message).FirstOrDefault(e => !string.IsNullOrEmpty(e));
        return new ConvergenceFailure(last.Service.Spec.Name, reason, error, await LastLogLines(last.Service.ID, cancellation));
    }

    private async Task<string?> LastLogLines(string serviceId, CancellationToken cancellation)
    {
        try
        {
            using var timeout = new CancellationTokenSource(LogTimeout, waiter.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
            return (await swarm.ServiceLogTailAsync(serviceId, 20, linked.Token)).Trim();
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or IOException)
        {
            return null;
        }
    }
}
