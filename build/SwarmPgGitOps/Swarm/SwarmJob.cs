using Docker.DotNet.Models;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Swarm;

/// <summary>How a one-shot task ended: its exit code and what it wrote.</summary>
public sealed record JobResult(string Name, long ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The lines it wrote that contain one of <paramref name="markers"/> (the last <paramref name="tail"/>), else its last <paramref name="tail"/> lines.</summary>
    public IReadOnlyList<string> Problem(int tail, params string[] markers)
    {
        var lines = (Stderr + Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = lines.Where(l => markers.Any(m => l.Contains(m, StringComparison.Ordinal))).ToList();
        return (errors.Count > 0 ? errors : lines.ToList()).TakeLast(tail).ToList();
    }
}

/// <summary>
/// Runs a command once as a one-shot task (a service of one replica that is never restarted: Docker 20.10 leaves the
/// containers of a removed replicated-job service behind, and removes these) made from a service of the stack: the same image,
/// configs, secrets, volumes, networks (not the template's aliases there) and placement, so it runs on that service's node with what that service sees,
/// without a Docker endpoint on that node. Reports through the API (the task's exit code and its log) and is removed
/// afterwards. Jobs carry <see cref="JobOf"/>, not the stack's namespace, so a deploy neither plans nor prunes them.
/// </summary>
/// <param name="Purpose">A word for the job's name: &lt;stack&gt;-&lt;purpose&gt;-&lt;time&gt;.</param>
/// <param name="Placement">Where it runs; null: where the template runs.</param>
/// <param name="Mounts">Its volumes; null: the template's.</param>
/// <param name="Env">Variables added to the template's.</param>
public sealed record JobSpec(string Purpose, IReadOnlyList<string> Command, Placement? Placement = null, IList<Mount>? Mounts = null, IReadOnlyList<string>? Env = null);

public sealed class SwarmJob(ISwarmApi swarm, Waiter waiter)
{
    public const string JobOf = "io.swarm-pg-gitops.job-of";
    private static readonly TaskState[] Ended = [TaskState.Complete, TaskState.Failed, TaskState.Rejected, TaskState.Shutdown, TaskState.Orphaned, TaskState.Remove];

    public Task<JobResult> RunAsync(SwarmService template, string purpose, IReadOnlyList<string> command, TimeSpan timeout, Action<TimeSpan>? waiting,
        CancellationToken cancellation) => RunAsync(template, new JobSpec(purpose, command), timeout, waiting, cancellation);

    public async Task<JobResult> RunAsync(SwarmService template, JobSpec job, TimeSpan timeout, Action<TimeSpan>? waiting, CancellationToken cancellation)
    {
        var stack = template.Spec.Labels is { } labels && labels.TryGetValue(StackLabels.Namespace, out var ns) ? ns : template.Spec.Name;
        var name = $"{stack}-{job.Purpose}-{waiter.Time.GetUtcNow():yyyyMMddHHmmss}";
        var source = template.Spec.TaskTemplate;
        var spec = new ServiceSpec
        {
            Name = name,
            Labels = new Dictionary<string, string> { [JobOf] = stack },
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new ContainerSpec
                {
                    Image = source.ContainerSpec.Image,
                    Command = job.Command.ToList(),
                    Configs = source.ContainerSpec.Configs,
                    Secrets = source.ContainerSpec.Secrets,
                    Mounts = job.Mounts ?? source.ContainerSpec.Mounts,
                    Env = [.. source.ContainerSpec.Env ?? [], .. job.Env ?? []],
                    Healthcheck = new HealthcheckConfig { Test = ["NONE"] },
                },
                // The template's networks without its aliases: the job must not answer to the template's name in the
                // stack's DNS (members archiving to the repository would reach the job, or its address once it ended).
                Networks = source.Networks?.Select(n => new NetworkAttachmentConfig { Target = n.Target }).ToList(),
                Placement = job.Placement ?? source.Placement,
                RestartPolicy = new SwarmRestartPolicy { Condition = "none" },
            },
        };
        var clock = waiter.Time.GetTimestamp();
        // Not cancelled half-way: a job Swarm created but this run never saw would run on, never removed.
        await swarm.CreateServiceAsync(spec, CancellationToken.None);
        try
        {
            var polled = await waiter.PollAsync(async (elapsed, token) =>
                {
                    waiting?.Invoke(elapsed);
                    return (await swarm.ListTasksAsync(name, token)).FirstOrDefault(t => t.Status?.State is { } state && Ended.Contains(state));
                },
                task => task is not null, new PollSchedule(timeout, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)), cancellation);
            var (stdout, stderr) = await swarm.ServiceOutputAsync(name, cancellation);
            if (polled.Last is not { } task)
                throw new JobFailedException($"{name} did not end within {timeout.TotalSeconds:0} s; what it wrote:\n{stdout}{stderr}");
            var exitCode = task.Status?.ContainerStatus?.ExitCode ?? (task.Status?.State == TaskState.Complete ? 0 : -1);
            var message = task.Status?.Err is { Length: > 0 } err ? $"{err}\n" : "";
            return new JobResult(name, exitCode, stdout, message + stderr, waiter.Time.GetElapsedTime(clock));
        }
        finally
        {
            await swarm.RemoveServiceAsync(name, CancellationToken.None);
        }
    }
}

/// <summary>A one-shot task that could not be run or did not end.</summary>
public sealed class JobFailedException(string message) : Diagnostics.ActionableException(message);
