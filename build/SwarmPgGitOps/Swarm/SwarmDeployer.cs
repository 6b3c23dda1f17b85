using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Swarm;

/// <param name="NewCluster">
/// A Patroni deploy onto a stack of the classic layout may replace it with an empty cluster, though no member takes the
/// classic primary's data over (its volumes are kept).
/// </param>
public sealed record DeployOptions(bool Prune = false, bool BreakLock = false, bool NewCluster = false);

public sealed record DeployOutcome(DeployPlan Plan, IReadOnlyList<string> Created, IReadOnlyList<string> Updated, IReadOnlyList<string> Removed);

/// <summary>
/// Applies a desired stack to the swarm: networks, configs and secrets first, then the primary, then each replica in
/// turn, waiting for each to converge. Touches only what differs. On any failure after the first service change (and on
/// cancellation) what this run changed is put back: updated services get their previous spec, created ones are removed.
/// Never removes a volume; removes services only with --prune, or when the stack changes layout (<see cref="Replacement"/>:
/// then before the first wave of the new layout's servers, and created again on a rollback). While it updates a synchronous replica that no other one
/// could stand in for, synchronous replication on the primary is suspended (<see cref="SynchronousCommits"/>).
/// </summary>
public sealed class SwarmDeployer(ISwarmApi swarm, Waiter waiter, Action<string> progress, IRollout? rollout = null,
    ISynchronousReplication? synchronousReplication = null)
{
    private static readonly RetrySchedule OutOfSequence = new(4, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
    private static readonly PollSchedule TasksGone = new(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
    private static readonly TimeSpan RollbackPoll = TimeSpan.FromSeconds(1);

    public SwarmDeployer(IDockerClient docker, Action<string> progress, IRollout? rollout = null, ISynchronousReplication? synchronousReplication = null)
        : this(new DockerSwarmApi(docker), Waiter.System, progress, rollout, synchronousReplication)
    {
    }

    /// <param name="beforeEachChange">
    /// Asked before every service change; throws <see cref="DeployLockLostException"/> when the run no longer holds the
    /// stack's lock. Then nothing more is changed, not even rolled back: the stack is the new holder's.
    /// </param>
    public async Task<DeployOutcome> DeployAsync(DesiredStack desired, TimeSpan convergeTimeout, DeployOptions options, CancellationToken cancellation = default,
        Func<CancellationToken, Task>? beforeEachChange = null)
    {
        var engine = rollout ?? ClassicRollout.Instance;
        try
        {
            return await DeployWithAsync(engine, desired, convergeTimeout, options, cancellation, beforeEachChange ?? (_ => Task.CompletedTask));
        }
        finally
        {
            // Nothing the rollout started may go on once the deploy ended, its lock lost or released.
            await engine.StopBackgroundAsync();
        }
    }

    private async Task<DeployOutcome> DeployWithAsync(IRollout engine, DesiredStack desired, TimeSpan convergeTimeout, DeployOptions options, CancellationToken cancellation,
        Func<CancellationToken, Task> beforeEachChange)
    {
        var live = await LiveStack.ReadAsync(swarm, desired.Stack, cancellation);
        desired = desired.KeepingLiveBootstrap(live);
        var replacement = await engine.ReplacementAsync(desired, live, options, cancellation);
        var plan = DeployPlan.Compute(desired, live, options.Prune, replacement);

        var nodeNames = (await swarm.ListNodesAsync(cancellation)).ToDictionary(n => n.ID, n => n.Description.Hostname);
        var convergence = new ConvergenceWaiter(swarm, waiter, progress);
        var synchronous = new SynchronousCommits(synchronousReplication ?? NoSynchronousReplicas.Instance, waiter, progress);
        var primaries = desired.Services.Where(s => s.Role == "primary").Select(s => s.Name).ToHashSet();

        var created = new List<string>();
        var replaced = new List<SwarmService>();
        var updated = new List<SwarmService>();
        var updatedTasksBefore = new Dictionary<string, IReadOnlySet<string>>();
        var doing = "creating networks, configs and secrets";
        try
        {
            // Only added, never changed in place (configs and secrets are named by content): nothing to roll back.
            await beforeEachChange(cancellation);
            await CreateNetworks(desired, plan, cancellation);
            var configIds = await CreateConfigs(desired, live, cancellation);
            var secretIds = await CreateSecrets(desired, live, cancellation);
            doing = "planning the order of the service updates";
            var waves = await engine.WavesAsync(desired, plan, cancellation);
            IReadOnlyList<string> ReplicaUpdates(int index) => index < waves.Count
                ? waves[index].Where(s => !primaries.Contains(s.Name) && plan.For("service", s.Name).Change == ChangeKind.Update).Select(s => s.Name).ToList()
                : [];
            IReadOnlyList<string> ReplicaUpdatesFrom(int index) => Enumerable.Range(index, Math.Max(0, waves.Count - index)).SelectMany(ReplicaUpdates).ToList();
            for (var index = 0; index < waves.Count; index++)
            {
                var wave = waves[index];
                if (replaced.Count == 0 && wave.Any(s => s.Role == replacement.BeforeRole))
                {
                    doing = $"removing {string.Join(", ", replacement.Services)} for the change of layout";
                    await RemoveReplaced(replacement, live, replaced, convergeTimeout, beforeEachChange, cancellation);
                }
                doing = $"preparing {string.Join(", ", wave.Select(s => s.Name))}";
                await engine.BeforeWaveAsync(wave, plan, cancellation);
                doing = $"suspending synchronous replication before {string.Join(", ", wave.Select(s => s.Name))}";
                await synchronous.BeforeWaveAsync(ReplicaUpdates(index), ReplicaUpdatesFrom(index + 1), cancellation);
                var tasksBefore = new Dictionary<string, IReadOnlySet<string>>();
                foreach (var service in wave)
                {
                    var change = plan.For("service", service.Name);
                    var spec = WithIds(service.Spec, configIds, secretIds);
                    if (change.Change == ChangeKind.Create)
                    {
                        doing = $"preparing to create {service.Name}";
                        await engine.BeforeCreateAsync(service, convergeTimeout, cancellation);
                        doing = $"creating {service.Name}";
                        await beforeEachChange(cancellation);
                        progress(doing);
                        try
                        {
                            await swarm.CreateServiceAsync(spec, CancellationToken.None);
                        }
                        catch (Exception e) when (e is not DockerApiException { StatusCode: HttpStatusCode.Conflict })
                        {
                            // Failed mid-way (a timeout) yet reached Swarm: removed again by the rollback.
                            if (await Exists(service.Name))
                                created.Add(service.Name);
                            throw;
                        }
                        tasksBefore[service.Name] = new HashSet<string>();
                        created.Add(service.Name);
                    }
                    else
                    {
                        var existing = live.Service(service.Name)!;
                        doing = $"updating {service.Name}";
                        await beforeEachChange(cancellation);
                        progress($"{doing}: {string.Join(", ", change.Fields.Select(f => f.Field))}");
                        try
                        {
                            tasksBefore[service.Name] = await UpdateService(existing.ID, spec, cancellation);
                        }
                        catch (Exception) when (!updated.Contains(existing))
                        {
                            // A call that failed mid-way (a timeout) may still have reached Swarm: then it is rolled back too.
                            if (await Carries(existing.ID, spec, live.NetworkName))
                                updated.Add(existing);
                            throw;
                        }
                        updated.Add(existing);
                        updatedTasksBefore[service.Name] = tasksBefore[service.Name];
                    }
                }

                doing = $"waiting for {string.Join(", ", wave.Select(s => s.Name))}";
                await WaitForAll(wave.Select(s => convergence.WaitAsync(s.Name, tasksBefore[s.Name], convergeTimeout, nodeNames, cancellation)));
                progress($"{string.Join(", ", wave.Select(s => s.Name))} converged");
                doing = "restoring synchronous replication on the primary";
                await synchronous.AfterWaveAsync(ReplicaUpdates(index), ReplicaUpdates(index + 1), ReplicaUpdatesFrom(index + 2), convergeTimeout, cancellation);
                doing = $"waiting for the cluster to report {string.Join(", ", wave.Select(s => s.Name))} healthy";
                await engine.AfterWaveAsync(wave, plan, convergeTimeout, cancellation);
            }
            doing = $"waiting for Swarm to complete the updates of {string.Join(", ", updatedTasksBefore.Keys)}";
            await WaitForAll(updatedTasksBefore.Select(u =>
                convergence.WaitAsync(u.Key, u.Value, convergeTimeout, nodeNames, cancellation, untilUpdateCompleted: true)));
            if (replaced.Count == 0 && replacement.Services.Count > 0)
            {
                doing = $"removing {string.Join(", ", replacement.Services)} for the change of layout";
                await RemoveReplaced(replacement, live, replaced, convergeTimeout, beforeEachChange, cancellation);
            }
            await synchronous.RestoreAsync(cancellation);
        }
        catch (DeployLockLostException lost)
        {
            // Not a change to the stack, and nobody else would undo it: put back even now.
            var restoreFailure = await synchronous.RestoreAfterFailureAsync();
            var changed = updated.Select(u => $"updated {u.Spec.Name}").Concat(created.Select(c => $"created {c}")).Concat(replaced.Select(r => $"removed {r.Spec.Name}")).ToList();
            throw new DeployLockLostException($"deploy stopped before {doing}: {lost.Message}; "
                + (changed.Count > 0 ? $"what this run changed is left to the new holder ({string.Join(", ", changed)})" : "this run changed no service")
                + (restoreFailure is null ? "" : $"; {restoreFailure}"));
        }
        catch (Exception cause)
        {
            var engineRestoreFailure = await engine.BeforeRollbackAsync(CancellationToken.None);
            // The primary is rolled back last, and a rotated superuser password works on it only until then: synchronous
            // replication is put back after the replicas, before the primary.
            var rollback = await RollBack(created, updated, replaced, convergence, convergeTimeout, nodeNames, beforeEachChange,
                beforeRollingBack: service => primaries.Contains(service) ? synchronous.RestoreAfterFailureAsync() : Task.FromResult<string?>(null));
            if (await synchronous.RestoreAfterFailureAsync() is { } restoreFailure)
                rollback = rollback with { Failures = [.. rollback.Failures, restoreFailure] };
            if (engineRestoreFailure is not null)
                rollback = rollback with { Failures = [engineRestoreFailure, .. rollback.Failures] };
            throw new DeployFailedException(Describe(cause, doing, rollback));
        }

        try
        {
            // Every service converged: what the engine does now (live settings, a switchover) is not undone by a rollback.
            await engine.AfterWavesAsync(convergeTimeout, cancellation);
        }
        catch (ActionableException cause)
        {
            throw new DeployFailedException($"deploy failed after every service converged (nothing rolled back): {cause.Message}");
        }
        var removed = options.Prune ? await RemoveOrphans(plan, live, beforeEachChange, cancellation) : [];
        await PruneUnused(desired.Stack, cancellation);
        return new DeployOutcome(plan, created, updated.Select(u => u.Spec.Name).ToList(), [.. replaced.Select(r => r.Spec.Name), .. removed]);
    }

    /// <summary>Waits for every wait; the first failure among them ends the deploy.</summary>
    private static async Task WaitForAll(IEnumerable<Task<ConvergenceFailure?>> waits)
    {
        if ((await Task.WhenAll(waits)).FirstOrDefault(f => f is not null) is { } failure)
            throw new ConvergenceFailedException(failure);
    }

    private async Task CreateNetworks(DesiredStack desired, DeployPlan plan, CancellationToken cancellation)
    {
        foreach (var network in desired.Networks.Where(n => plan.For("network", n.Name).Change == ChangeKind.Create))
        {
            progress($"creating network {network.Name}");
            await swarm.CreateNetworkAsync(network.Parameters, cancellation);
        }
    }

    private async Task<Dictionary<string, string>> CreateConfigs(DesiredStack desired, LiveStack live, CancellationToken cancellation)
    {
        var ids = live.Configs.ToDictionary(c => c.Spec.Name, c => c.ID);
        foreach (var config in desired.Configs.Where(c => !ids.ContainsKey(c.Name)))
        {
            progress($"creating config {config.Name}");
            ids[config.Name] = await swarm.CreateConfigAsync(
                new SwarmConfigSpec { Name = config.Name, Data = config.Data, Labels = StackLabels.For(desired.Stack) }, cancellation);
        }
        return ids;
    }

    private async Task<Dictionary<string, string>> CreateSecrets(DesiredStack desired, LiveStack live, CancellationToken cancellation)
    {
        var ids = live.Secrets.ToDictionary(s => s.Spec.Name, s => s.ID);
        foreach (var secret in desired.Secrets.Where(s => !ids.ContainsKey(s.Name)))
        {
            var data = secret.Data ?? throw new InvalidStackException($"no value for secret {secret.Key}: the stack was not given the environment's passwords");
            progress($"creating secret {secret.Name}");
            ids[secret.Name] = await swarm.CreateSecretAsync(
                new SwarmSecretSpec { Name = secret.Name, Data = data, Labels = StackLabels.For(desired.Stack) }, cancellation);
        }
        return ids;
    }

    private static ServiceSpec WithIds(ServiceSpec spec, IReadOnlyDictionary<string, string> configIds, IReadOnlyDictionary<string, string> secretIds)
    {
        foreach (var config in spec.TaskTemplate.ContainerSpec.Configs ?? [])
            config.ConfigID = configIds[config.ConfigName];
        foreach (var secret in spec.TaskTemplate.ContainerSpec.Secrets ?? [])
            secret.SecretID = secretIds[secret.SecretName];
        return spec;
    }

    /// <summary>
    /// Removes the services a change of layout replaces, all at once, then waits until every one of their containers has
    /// stopped: the new layout's first server may take over the same volume. One that does not stop fails the deploy.
    /// </summary>
    private async Task RemoveReplaced(Replacement replacement, LiveStack live, List<SwarmService> replaced, TimeSpan timeout, Func<CancellationToken, Task> beforeEachChange,
        CancellationToken cancellation)
    {
        foreach (var name in replacement.Services)
        {
            var service = live.Service(name)!;
            await beforeEachChange(cancellation);
            progress($"removing {name} before the new layout's first {replacement.BeforeRole} starts: {replacement.Why} (its volume is kept)");
            await swarm.RemoveServiceAsync(service.ID, cancellation);
            replaced.Add(service);
        }
        foreach (var service in replaced)
        {
            if (!await WaitForTasksGone(service.ID, cancellation, new PollSchedule(timeout, TasksGone.Interval)))
                throw new DeployFailedException($"{service.Spec.Name} was removed but its container did not stop within {timeout.TotalSeconds:0} s "
                    + "(hint: is its node down? the new layout is not started beside a server that may still run on the same data)");
        }
        progress($"{string.Join(", ", replaced.Select(r => r.Spec.Name))} stopped");
    }

    private sealed record Rollback(IReadOnlyList<string> RolledBack, IReadOnlyList<string> Removed, IReadOnlyList<string> Failures)
    {
        public IReadOnlyList<string> Recreated { get; init; } = [];
    }

    /// <summary>
    /// Puts back what this run changed, last change first: an updated service gets its previous spec, a service this run
    /// created is removed again (its volume is kept), so the stack is as it was before the run. A step that fails is
    /// reported and the others are still done. Runs to its end even when the deploy was cancelled, but stops when the
    /// run lost its lock: the stack is then the new holder's. Services a change of layout removed are created again with
    /// their previous spec, last, once the services that replaced them are gone.
    /// </summary>
    private async Task<Rollback> RollBack(IReadOnlyList<string> created, IReadOnlyList<SwarmService> updated, IReadOnlyList<SwarmService> replaced, ConvergenceWaiter convergence,
        TimeSpan timeout, IReadOnlyDictionary<string, string> nodeNames, Func<CancellationToken, Task> beforeEachChange, Func<string, Task<string?>> beforeRollingBack)
    {
        var failures = new List<string>();
        var rolledBack = new List<string>();
        var removed = new List<string>();
        var recreated = new List<string>();
        foreach (var before in updated.Reverse())
        {
            if (await beforeRollingBack(before.Spec.Name) is { } failure)
                failures.Add(failure);
            try
            {
                await beforeEachChange(CancellationToken.None);
                await RollBackUpdate(before, convergence, timeout, nodeNames);
                rolledBack.Add(before.Spec.Name);
            }
            catch (DeployLockLostException lost)
            {
                failures.Add($"stopped before {before.Spec.Name}: {lost.Message}");
                return Finished();
            }
            catch (Exception e)
            {
                failures.Add($"{before.Spec.Name}: {SwarmErrors.Describe(e)}");
            }
        }
        foreach (var name in created.Reverse())
        {
            try
            {
                await beforeEachChange(CancellationToken.None);
                progress($"removing {name} again: this run created it (its volume is kept)");
                var id = (await swarm.InspectServiceAsync(name, CancellationToken.None)).ID;
                await swarm.RemoveServiceAsync(id, CancellationToken.None);
                await WaitForTasksGone(id, CancellationToken.None);
                removed.Add(name);
            }
            catch (DeployLockLostException lost)
            {
                failures.Add($"stopped before {name}: {lost.Message}");
                return Finished();
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {SwarmErrors.Describe(e)}");
            }
        }
        foreach (var before in replaced.Reverse())
        {
            try
            {
                await beforeEachChange(CancellationToken.None);
                progress($"creating {before.Spec.Name} again: this run removed it to change the stack's layout");
                await swarm.CreateServiceAsync(before.Spec, CancellationToken.None);
                recreated.Add(before.Spec.Name);
            }
            catch (DeployLockLostException lost)
            {
                failures.Add($"stopped before {before.Spec.Name}: {lost.Message}");
                return Finished();
            }
            catch (Exception e)
            {
                failures.Add($"{before.Spec.Name}: {SwarmErrors.Describe(e)}");
            }
        }
        return Finished();

        Rollback Finished() => new(Enumerable.Reverse(rolledBack).ToList(), Enumerable.Reverse(removed).ToList(), failures) { Recreated = Enumerable.Reverse(recreated).ToList() };
    }

    private async Task RollBackUpdate(SwarmService before, ConvergenceWaiter convergence, TimeSpan timeout, IReadOnlyDictionary<string, string> nodeNames)
    {
        var current = await swarm.InspectServiceAsync(before.ID, CancellationToken.None);
        if (current.UpdateStatus?.State is "rollback_started" or "rollback_completed")
        {
            progress($"Swarm is rolling {before.Spec.Name} back to its previous spec");
            await WaitForSwarmRollback(before.ID, timeout);
            return;
        }
        progress($"rolling {before.Spec.Name} back to its previous spec");
        var tasksBefore = await UpdateService(before.ID, before.Spec, CancellationToken.None);
        // Waited for to the end of Swarm's monitor time: a task of the previous spec that fails then would be rolled back by
        // Swarm to the spec this run is taking back.
        if (await convergence.WaitAsync(before.Spec.Name, tasksBefore, timeout, nodeNames, untilUnplaceable: true, untilUpdateCompleted: true) is { } failure)
            progress($"rollback of {before.Spec.Name} did not converge either: {failure.Reason}");
    }

    /// <summary>Whether a service of that name exists (asked without the deploy's cancellation).</summary>
    private async Task<bool> Exists(string name)
    {
        try
        {
            await swarm.InspectServiceAsync(name, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>Whether the service now carries the spec sent (asked without the deploy's cancellation).</summary>
    private async Task<bool> Carries(string id, ServiceSpec sent, Func<string, string> networkName)
    {
        try
        {
            return ServiceFields.Compare(sent, (await swarm.InspectServiceAsync(id, CancellationToken.None)).Spec, networkName).Count == 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sets a service's spec. The spec is absolute, so when Swarm changed the service since it was read (its own
    /// rollback, a task restart) the update is sent again against the fresh version. Returns the service's tasks
    /// from before the update, which its convergence does not count.
    /// </summary>
    private async Task<IReadOnlySet<string>> UpdateService(string id, ServiceSpec spec, CancellationToken cancellation)
    {
        var tasksBefore = (await swarm.ListTasksAsync(id, cancellation)).Select(t => t.ID).ToHashSet();
        await waiter.RetryAsync(async token =>
        {
            var version = (await swarm.InspectServiceAsync(id, token)).Version.Index!.Value;
            // Not cancelled half-way: a request already sent may still be applied after the client gave up on it, and then
            // the change would be neither known nor rolled back.
            await swarm.UpdateServiceAsync(id, spec, version, CancellationToken.None);
            return version;
        }, OutOfSequence, cancellation);
        return tasksBefore;
    }

    private async Task WaitForSwarmRollback(string serviceId, TimeSpan timeout) =>
        await waiter.PollAsync(async (_, token) => (await swarm.InspectServiceAsync(serviceId, token)).UpdateStatus?.State,
            state => state != "rollback_started", new PollSchedule(timeout, RollbackPoll));

    private async Task<IReadOnlyList<string>> RemoveOrphans(DeployPlan plan, LiveStack live, Func<CancellationToken, Task> beforeEachChange,
        CancellationToken cancellation)
    {
        var removed = new List<string>();
        foreach (var change in plan.Changes.Where(c => c.ObjectKind == "service" && c.Change == ChangeKind.Remove))
        {
            await beforeEachChange(cancellation);
            progress($"removing {change.Name} (--prune; its volume is kept)");
            await swarm.RemoveServiceAsync(live.Service(change.Name)!.ID, cancellation);
            removed.Add(change.Name);
            await WaitForTasksGone(live.Service(change.Name)!.ID, cancellation);
        }
        return removed;
    }

    /// <summary>
    /// Until every task of a removed service has stopped its container. Swarm keeps a removed service's tasks (desired
    /// state "remove") until their node reports them shut down; the service's name no longer finds them, its id does.
    /// </summary>
    private async Task<bool> WaitForTasksGone(string serviceId, CancellationToken cancellation, PollSchedule? schedule = null) =>
        (await waiter.PollAsync(async (_, token) => (await swarm.ListAllTasksAsync(token)).Where(t => t.ServiceID == serviceId).ToList(),
            tasks => tasks.All(t => t.Status.State is TaskState.Shutdown or TaskState.Complete or TaskState.Failed or TaskState.Rejected or TaskState.Orphaned or TaskState.Remove),
            schedule ?? TasksGone, cancellation)).Done;

    /// <summary>Hash- and version-named configs and secrets that no service of the stack uses any more.</summary>
    private async Task PruneUnused(string stack, CancellationToken cancellation)
    {
        var live = await LiveStack.ReadAsync(swarm, stack, cancellation);
        var usedConfigs = live.Services.SelectMany(s => s.Spec.TaskTemplate.ContainerSpec.Configs ?? []).Select(c => c.ConfigName).ToHashSet();
        var usedSecrets = live.Services.SelectMany(s => s.Spec.TaskTemplate.ContainerSpec.Secrets ?? []).Select(c => c.SecretName).ToHashSet();
        foreach (var config in live.Configs.Where(c => !usedConfigs.Contains(c.Spec.Name) && IsStackOwned(c.Spec.Labels, stack)))
            await Ignoring409(() => swarm.RemoveConfigAsync(config.ID, cancellation), $"config {config.Spec.Name}");
        foreach (var secret in live.Secrets.Where(s => !usedSecrets.Contains(s.Spec.Name) && IsStackOwned(s.Spec.Labels, stack)))
            await Ignoring409(() => swarm.RemoveSecretAsync(secret.ID, cancellation), $"secret {secret.Spec.Name}");
    }

    private static bool IsStackOwned(IDictionary<string, string>? labels, string stack) =>
        labels is not null && labels.TryGetValue(StackLabels.Namespace, out var owner) && owner == stack;

    private async Task Ignoring409(Func<Task> remove, string what)
    {
        try
        {
            await remove();
            progress($"pruned {what}, no longer used");
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            // still in use by a task being shut down; the next deploy prunes it
        }
    }

    /// <summary>The first cause first, whatever the rollback did after it.</summary>
    private static string Describe(Exception cause, string doing, Rollback rollback)
    {
        var failure = cause switch
        {
            ConvergenceFailedException converging => converging.Failure,
            OperationCanceledException => new ConvergenceFailure(doing, "cancelled", null, null),
            _ => new ConvergenceFailure(doing, SwarmErrors.Describe(cause), null, null),
        };
        var text = new StringBuilder($"deploy failed: {failure.Service}: {failure.Reason}");
        if (failure.TaskError is { Length: > 0 } error)
            text.Append($"\n  task error: {error}");
        if (rollback.RolledBack.Count > 0)
            text.Append($"\n  rolled back: {string.Join(", ", rollback.RolledBack)}");
        if (rollback.Removed.Count > 0)
            text.Append($"\n  removed again (created by this run; volumes kept): {string.Join(", ", rollback.Removed)}");
        if (rollback.Recreated.Count > 0)
            text.Append($"\n  created again (removed by this run for the change of layout): {string.Join(", ", rollback.Recreated)}");
        foreach (var rollbackFailure in rollback.Failures)
            text.Append($"\n  rollback failed: {rollbackFailure}");
        if (failure.LastLogLines is { Length: > 0 } logs)
            text.Append("\n  last log lines:\n    ").Append(logs.Replace("\n", "\n    ", StringComparison.Ordinal));
        return text.ToString();
    }

    private sealed class ConvergenceFailedException(ConvergenceFailure failure) : Exception(failure.Reason)
    {
        public ConvergenceFailure Failure { get; } = failure;
    }
}
