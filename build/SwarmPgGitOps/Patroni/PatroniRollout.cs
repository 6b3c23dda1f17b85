using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Patroni;

/// <summary>What a Patroni deploy needs from the environment.</summary>
/// <param name="DynamicConfigYaml">Patroni's dynamic configuration as git renders it (patroni-dynamic.yml).</param>
/// <param name="LoopWait">Patroni's loop_wait: how long a member may take to notice a change of the dynamic configuration.</param>
/// <param name="Synchronous">Patroni's synchronous mode is on: only a synchronous standby may be switched over to.</param>
/// <param name="Scope">Patroni's cluster name, under which it keeps its keys in etcd.</param>
public sealed record PatroniRolloutSettings(string Scope, string? PreferredLeader, IReadOnlyList<string> EtcdMembers, long MaxLagBytes, string DynamicConfigYaml, TimeSpan LoopWait,
    bool Synchronous)
{
    /// <summary>The settings of a Patroni-layout environment, for Deploy and for Plan's preview of it.</summary>
    public static PatroniRolloutSettings For(EnvironmentSpec spec)
    {
        var (patroni, _, dcs) = spec.PatroniCluster();
        return new PatroniRolloutSettings(spec.PatroniScope(), patroni.PreferredLeader, dcs.Members.Select(m => m.Name).ToList(), spec.Smoke.MaxReplayLagBytes, PatroniDynamicConfig.Render(spec),
            TimeSpan.FromSeconds(patroni.LoopWait), patroni.Synchronous != "off");
    }
}

/// <summary>
/// A deploy of the Patroni layout: etcd first, one member at a time with quorum kept; then the members (HAProxy last): for a new
/// cluster the preferred leader first, then the others once it has claimed the cluster, which copy it; when a member takes a classic
/// primary's data over (<see cref="ClassicTakeover"/>), that member first in the same way; else replicas one at a time, each streaming and caught up
/// before the next, then a switchover to an updated replica, then the old leader. Then git's dynamic configuration is
/// applied live, members needing a restart are restarted one by one, and the preferred member is made leader.
/// </summary>
/// <param name="beforeEachChange">The deploy lock's check, before every change to the cluster (see <see cref="SwarmDeployer"/>).</param>
/// <param name="classicTakeover">Looks for a classic layout on the stack to take over; none: the stack is not checked for one.</param>
/// <param name="passwords">
/// Sets rotated passwords on the leader before the first member restarts with them, and puts them back when the deploy
/// is rolled back; null: passwords are left as they are.
/// </param>
/// <param name="backup">The stack's pgBackRest repository (backup configured): a deploy that changed the stack makes sure its stanza exists and holds a backup.</param>
public sealed class PatroniRollout(PatroniCtl patroni, EtcdCtl etcd, Waiter waiter, Action<string> progress, PatroniRolloutSettings settings,
    Func<CancellationToken, Task> beforeEachChange, ClassicTakeover? classicTakeover = null, IRolePasswords? passwords = null,
    EtcdLeaderPlacement? etcdLeader = null, Backup.BackupRepository? backup = null, CertificateRotation? certificates = null) : IRollout
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeaderToRestore = TimeSpan.FromSeconds(60);
    private static readonly RetrySchedule CandidateNotConfirmed = new(4, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8));
    private readonly HashSet<string> _updated = [];
    private string? _founder;
    private bool _founderClaimed;
    private IReadOnlyList<Postgres.RoleVerifier>? _passwordsBefore;
    private bool _stackChanged;
    private BackgroundWork? _firstBackup;
    private BackgroundWork? _waker;

    /// <summary>The rollout of a Patroni-layout environment, talking to Patroni and etcd through containers on the endpoint's node.</summary>
    /// <param name="secrets">The environment's secrets, for a rotation of the members' certificate; null: not checked.</param>
    public static PatroniRollout For(EnvironmentSpec spec, DockerSwarmApi docker, Waiter waiter, Action<string> progress, Func<CancellationToken, Task> beforeEachChange,
        IRolePasswords? passwords = null, SecretValues? secrets = null)
        => new(PatroniCtl.For(spec, docker), EtcdCtl.For(spec, docker), waiter, progress, PatroniRolloutSettings.For(spec), beforeEachChange,
            new ClassicTakeover(docker), passwords,
            spec.PatroniCluster().Dcs.Members.Count > 0 ? new EtcdLeaderPlacement(docker, spec.Stack, EtcdCtl.For(spec, docker), progress) : null,
            Backup.BackupRepository.HasService(spec) ? Backup.BackupRepository.For(spec, docker, waiter) : null,
            secrets is null ? null : CertificateRotation.For(spec, docker, secrets));

    public Task<Replacement> ReplacementAsync(DesiredStack desired, LiveStack live, DeployOptions options, CancellationToken cancellation) =>
        classicTakeover?.DecideAsync(desired, live, options, cancellation) ?? Task.FromResult(Replacement.None);

    public async Task<IReadOnlyList<IReadOnlyList<DesiredService>>> WavesAsync(DesiredStack desired, DeployPlan plan, CancellationToken cancellation)
    {
        ChangeKind Change(DesiredService s) => plan.For("service", s.Name).Change;
        _stackChanged = plan.HasChanges;
        var waves = new List<IReadOnlyList<DesiredService>>();
        var etcdServices = desired.Services.Where(s => s.Role == StackContainerLocator.EtcdRole).ToList();
        var members = desired.Services.Where(s => s.Role == StackContainerLocator.MemberRole).ToList();
        var first = FirstMember(members, Change);
        var others = members.Where(s => Change(s) == ChangeKind.Create).Except(first).ToList();
        // A new cluster is one wave: a new etcd, the founder (its entrypoint waits until etcd can serve Patroni), then the
        // others once it has won Patroni's bootstrap race (BeforeCreateAsync).
        _founder = first is [var founder] && founder.Key != classicTakeover?.Member && others.Count > 0 ? founder.Key : null;
        var etcdCreated = etcdServices.Where(s => Change(s) == ChangeKind.Create).ToList();
        var etcdUpdates = etcdServices.Where(s => Change(s) == ChangeKind.Update).Select(s => (IReadOnlyList<DesiredService>)[s]);
        // HAProxy holds no state and finds the leader through Patroni, and the backup repository takes what the leader
        // archives (which waits for it): they come last, once the members run; for a new cluster they start with it, so
        // that their first health checks overlap the members' start.
        var stateless = desired.Services.Where(s => s.Role is StackContainerLocator.HaproxyRole or RenderBackup.Role && Change(s) is ChangeKind.Create or ChangeKind.Update).ToList();
        var startingWithFounder = _founder is null ? [] : stateless.Where(s => Change(s) == ChangeKind.Create).ToList();
        if (_founder is not null)
        {
            waves.AddRange(etcdUpdates);
            AddTogether(waves, [.. etcdCreated, .. first, .. startingWithFounder, .. others]);
        }
        else
        {
            AddTogether(waves, etcdCreated);
            waves.AddRange(etcdUpdates);
            AddTogether(waves, first);
            AddTogether(waves, others);
        }
        var changed = members.Where(s => Change(s) == ChangeKind.Update).ToDictionary(s => s.Key);
        if (changed.Values.Any(s => plan.For("service", s.Name).Fields.Any(f => MemberRollout.AddsSecret(f, SecretValues.PostgresTlsCertKey))))
            throw new PatroniRolloutException(
                "this deploy would turn TLS on for members that run without it, and a rolling update cannot: the first member updated would " +
                "insist on a verified TLS connection to a leader that does not serve TLS yet, and stop streaming; no service was changed " +
                "(hint: bring the data into a new stack that has TLS from its start with Restore --env=<this> --into=<a new environment with the postgres_tls_* secrets>, " +
                "then move the applications; or deploy this environment without the postgres_tls_* secrets for now; README: Security model)");
        if (certificates is not null && changed.Values.Any(s => plan.For("service", s.Name).Fields.Any(CertificateRotation.Rotates)))
            await certificates.CheckAsync(cancellation);
        if (changed.Count > 0)
        {
            var leader = (await patroni.ListAsync(cancellation)).Leader?.Name;
            // While rest_api_password rotates, the leader checks the old one until it is updated: the member patronictl
            // runs in keeps the old one until then too, so that it can still ask the leader to switch over.
            var patronictlMember = RotatesRestApiPassword(plan) ? await patroni.MemberServiceAsync(cancellation) : null;
            var afterLeader = changed.Values.FirstOrDefault(s => s.Name == patronictlMember)?.Key;
            waves.AddRange(MemberRollout.UpdateOrder(changed.Keys, leader, afterLeader).Select(name => (IReadOnlyList<DesiredService>)[changed[name]]));
        }
        AddTogether(waves, stateless.Except(startingWithFounder));
        return waves;
    }

    /// <summary>
    /// The member that starts alone and leads before the others are created: the one taking a classic primary's data
    /// over (an empty member would initialise a cluster of its own), or, for a new cluster, the preferred leader, so
    /// that Patroni's bootstrap race cannot be won by another member that Deploy would then have to switch away from.
    /// </summary>
    private List<DesiredService> FirstMember(IReadOnlyList<DesiredService> members, Func<DesiredService, ChangeKind> change)
    {
        if (members.Where(s => s.Key == classicTakeover?.Member && change(s) == ChangeKind.Create).ToList() is [_] takingOver)
            return takingOver;
        var founder = MemberRollout.NewClusterFounder(members.Select(s => s.Key).ToList(),
            members.Where(s => change(s) == ChangeKind.Create).Select(s => s.Key).ToList(), settings.PreferredLeader);
        return members.Where(s => s.Key == founder).ToList();
    }

    public async Task BeforeWaveAsync(IReadOnlyList<DesiredService> wave, DeployPlan plan, CancellationToken cancellation)
    {
        if (wave.Any(s => s.Role == StackContainerLocator.MemberRole) && RotatesPasswords(plan) && _passwordsBefore is null)
            await SetRotatedPasswordsAsync(await patroni.ListAsync(cancellation), cancellation);
        if (wave is [{ Role: StackContainerLocator.MemberRole } member] && plan.For("service", member.Name).Change == ChangeKind.Update)
        {
            var cluster = await patroni.ListAsync(cancellation);
            if (cluster.Leader?.Name == member.Key)
                await SwitchoverAsync(cluster, member.Key, $"before {member.Key} is updated", cancellation);
        }
        // A wave that starts etcd too has nothing to wake before the founder claims the cluster (BeforeCreateAsync).
        if (wave.Any(s => s.Role == StackContainerLocator.MemberRole) && wave.All(s => s.Role != StackContainerLocator.EtcdRole))
            StartWaking(cancellation);
    }

    /// <summary>
    /// While Swarm starts a wave's members, their HA loops are woken every second, as a wait's reads wake them: the
    /// leader then makes a new member's replication slot as soon as the member registers, before its server asks for it
    /// (else its WAL receiver fails and retries only wal_retrieve_retry_interval later, 5 s), and names a synchronous
    /// standby without waiting for its loop_wait. Stopped once the wave's members are waited for.
    /// </summary>
    private void StartWaking(CancellationToken cancellation) => _waker ??= BackgroundWork.Start(async token =>
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                await patroni.StateAndWakeAsync(token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                // A member that cannot be asked yet (starting, or restarting), or a call that timed out: the next second's wake.
            }
            await Task.Delay(Poll, waiter.Time, token);
        }
    }, cancellation);

    private async Task StopWakingAsync()
    {
        if (_waker is not { } waker)
            return;
        _waker = null;
        await waker.StopAsync();
    }

    public async Task AfterWaveAsync(IReadOnlyList<DesiredService> wave, DeployPlan plan, TimeSpan timeout, CancellationToken cancellation)
    {
        if (wave.Any(s => s.Role == StackContainerLocator.EtcdRole))
            await WaitForEtcdAsync(timeout, cancellation);
        var names = wave.Where(s => s.Role == StackContainerLocator.MemberRole).Select(s => s.Key).ToList();
        if (names.Count == 0)
            return;
        await StopWakingAsync();
        _updated.UnionWith(names);
        await WaitForMembersAsync(names, timeout, cancellation);
    }

    public async Task BeforeCreateAsync(DesiredService service, TimeSpan timeout, CancellationToken cancellation)
    {
        if (_founder is not { } founder || _founderClaimed || service.Role != StackContainerLocator.MemberRole || service.Key == founder)
            return;
        await WaitForBootstrapClaimAsync(founder, timeout, cancellation);
        _founderClaimed = true;
        StartWaking(cancellation);
        if (backup is not null && _stackChanged)
            StartFirstBackup(backup, founder, timeout, cancellation);
    }

    /// <summary>
    /// A new cluster's stanza and first backup are made while the other members start and copy the founder: once it
    /// leads, in the background; <see cref="AfterWavesAsync"/> waits for them, a rollback stops them.
    /// </summary>
    private void StartFirstBackup(Backup.BackupRepository repository, string founder, TimeSpan timeout, CancellationToken cancellation) =>
        _firstBackup = BackgroundWork.Start(async token =>
        {
            await WaitForLeaderAsync(founder, timeout, token);
            await EnsureBackupAsync(repository, timeout, token);
        }, cancellation);

    public async Task AfterWavesAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        await StopWakingAsync();
        // Done before anything below may restart a member or hand the leadership over, which would fail a backup.
        var backgroundBackup = _firstBackup;
        if (backgroundBackup is not null)
            await backgroundBackup.Task;
        // Asked beside Patroni's state: when nothing below changes the cluster (a no-op deploy), it is what is decided on.
        var placement = etcdLeader?.ObserveAsync(cancellation);
        try
        {
            await ApplyAfterWavesAsync(placement, timeout, cancellation);
        }
        finally
        {
            if (placement is not null)
                await placement.Settled();
        }
        if (backgroundBackup is null && backup is not null && _stackChanged)
            await EnsureBackupAsync(backup, timeout, cancellation);
    }

    public async Task StopBackgroundAsync()
    {
        await StopWakingAsync();
        if (_firstBackup is { } firstBackup)
        {
            _firstBackup = null;
            await firstBackup.StopAsync();
        }
    }

    private async Task ApplyAfterWavesAsync(Task<EtcdLeaderPlacement.Placement?>? placement, TimeSpan timeout, CancellationToken cancellation)
    {
        var (cluster, liveConfig) = await patroni.StateAsync(cancellation);
        var changes = DynamicConfig.Compare(settings.DynamicConfigYaml, liveConfig);
        if (changes.Count > 0)
        {
            await beforeEachChange(cancellation);
            progress($"applying Patroni's dynamic configuration: {string.Join(", ", changes.Select(c => c.Key))}");
            await patroni.ReplaceConfigAsync(settings.DynamicConfigYaml, cancellation);
            // Each member reloads on its own next loop, and only then says whether a setting waits for a restart.
            await Task.Delay(settings.LoopWait * 2, waiter.Time, cancellation);
            cluster = await patroni.ListAsync(cancellation);
        }
        var restarted = await RestartPendingAsync(cluster, timeout, cancellation);
        if (restarted)
            cluster = await patroni.ListAsync(cancellation);
        var handedOver = await HandToPreferredAsync(cluster, timeout, cancellation);
        if (handedOver)
            await WaitForMembersAsync(cluster.Members.Select(m => m.Name).ToList(), timeout, cancellation);
        var changedNothing = changes.Count == 0 && !restarted && !handedOver;
        if ((handedOver ? settings.PreferredLeader : cluster.Leader?.Name) is { } leader && etcdLeader is not null)
            await etcdLeader.KeepOffAsync(leader, cancellation, changedNothing ? placement : null);
    }

    /// <summary>
    /// The stanza exists (created once, when the cluster or the repository is new) and holds a backup: without one,
    /// nothing could be restored and Smoke would fail on the newest backup's age, so a first full backup is taken.
    /// </summary>
    private async Task EnsureBackupAsync(Backup.BackupRepository repository, TimeSpan timeout, CancellationToken cancellation)
    {
        await beforeEachChange(cancellation);
        var run = await repository.EnsureStanzaAndBackupAsync(timeout,
            ElapsedProgress.Every(TimeSpan.FromSeconds(10), "creating the pgBackRest stanza, and a first full backup if the repository holds none", progress), cancellation);
        if (!run.Job.Succeeded)
            throw new PatroniRolloutException(run.TookFirstBackup
                ? $"the first full backup failed: {run.Problem}"
                : $"pgBackRest could not create its stanza {settings.Scope}: {run.Problem} (hint: docker service logs of the backup repository, and Smoke's backup checks)");
        if (run.TookFirstBackup && run.Info?.Newest is { } newest)
            progress($"took the first full backup (the repository held none): {newest.Label}, {newest.DatabaseBytes / 1048576.0:0.0} MiB in {newest.Duration.TotalSeconds:0} s");
    }

    /// <summary>A member gets another superuser, replication or checks' role password secret: the password was rotated, or given (a secret's name follows its content).</summary>
    private bool RotatesPasswords(DeployPlan plan) =>
        passwords is not null && new[] { SecretValues.SuperuserPasswordKey, SecretValues.ReplicationPasswordKey, SecretValues.MonitorPasswordKey }.Any(key => ChangesMemberSecret(plan, key));

    private static bool RotatesRestApiPassword(DeployPlan plan) => ChangesMemberSecret(plan, SecretValues.RestApiPasswordKey);

    private static bool ChangesMemberSecret(DeployPlan plan, string key) =>
        plan.Changes.Any(c => c is { ObjectKind: "service", Change: ChangeKind.Update } && c.Fields.Any(f => MemberRollout.ChangesSecret(f, key)));

    /// <summary>
    /// Before the first member restarts with rotated passwords the leader gets them (replicated to every member): members
    /// not yet restarted keep streaming on the connections they have, restarted ones log in with the new passwords.
    /// </summary>
    private async Task SetRotatedPasswordsAsync(PatroniCluster cluster, CancellationToken cancellation)
    {
        var leader = cluster.Leader?.Name ?? throw new PatroniRolloutException(
            "no member leads, so the rotated passwords cannot be set before the members restart with them (hint: deploy again once Patroni names a leader)");
        await beforeEachChange(cancellation);
        progress($"setting the rotated passwords on the leader {leader} before the members restart with them");
        _passwordsBefore = await passwords!.SetAsync(leader, cancellation);
    }

    /// <summary>The members roll back to the previous passwords: the leader gets them back first.</summary>
    public async Task<string?> BeforeRollbackAsync(CancellationToken cancellation)
    {
        await StopBackgroundAsync();
        if (_passwordsBefore is not { } before)
            return null;
        try
        {
            var polled = await waiter.PollAsync(async (_, token) => await TryListAsync(token), c => c?.Leader is not null,
                new PollSchedule(LeaderToRestore, Poll), cancellation);
            var leader = polled.Last?.Leader?.Name
                ?? throw new PatroniRolloutException($"Patroni named no leader within {LeaderToRestore.TotalSeconds:0} s");
            await beforeEachChange(cancellation);
            progress($"putting the previous passwords back on the leader {leader}: the members roll back to them");
            await passwords!.RestoreAsync(leader, before, cancellation);
            _passwordsBefore = null;
            return null;
        }
        catch (Exception e)
        {
            return $"the previous passwords could not be put back on the leader: {e.Message} (hint: the rolled-back members still use them; "
                + "deploy again to roll the rotation forward)";
        }
    }

    /// <summary>Settings that need a restart (now, or left by an earlier run): replicas restart first, the leader last.</summary>
    /// <returns>Whether any member was restarted.</returns>
    private async Task<bool> RestartPendingAsync(PatroniCluster cluster, TimeSpan timeout, CancellationToken cancellation)
    {
        var pending = MemberRollout.UpdateOrder(cluster.Members.Where(m => m.PendingRestart).Select(m => m.Name), cluster.Leader?.Name);
        foreach (var name in pending)
        {
            await beforeEachChange(cancellation);
            progress($"restarting {name}: a changed setting needs a restart");
            await patroni.RestartAsync(name, cancellation);
            await WaitForMembersAsync([name], timeout, cancellation, restarted: true);
        }
        return pending.Count > 0;
    }

    /// <summary>
    /// Git's preferred member leads when it can take over: by a switchover, or in synchronous mode when it is not the
    /// synchronous standby, by a manual failover (Patroni refuses a switchover to it; the leader still steps down gracefully).
    /// </summary>
    /// <returns>Whether leadership moved (the old leader then rejoins as a replica).</returns>
    private async Task<bool> HandToPreferredAsync(PatroniCluster cluster, TimeSpan timeout, CancellationToken cancellation)
    {
        if (settings.PreferredLeader is not { } preferred || cluster.Leader is not { } leader)
            return false;
        var handover = MemberRollout.HandoverTo(cluster, leader.Name, preferred, settings.MaxLagBytes, settings.Synchronous);
        if (handover == Handover.None)
            return false;
        if (handover == Handover.NotPossible)
        {
            progress($"{leader.Name} leads, not the preferred {preferred}: {preferred} cannot take over now ({MemberRollout.WhyNoCandidate(cluster, leader.Name, settings.MaxLagBytes)})");
            return false;
        }
        await HandOverAsync(handover, leader.Name, preferred, ", the preferred leader", timeout, cancellation);
        return true;
    }

    /// <summary>
    /// A switchover asked for by hand (the Switchover task): to <paramref name="requested"/>, else to the preferred member,
    /// else to the best synchronous standby; refused, before anything changes, when that member cannot take over now.
    /// Returns once the new leader leads, with its name.
    /// </summary>
    public async Task<string> SwitchoverAsync(string? requested, TimeSpan timeout, CancellationToken cancellation)
    {
        var cluster = await patroni.ListAsync(cancellation);
        var leader = cluster.Leader?.Name ?? throw new PatroniRolloutException(
            $"no member leads, so there is nothing to switch over from: {string.Join("; ", cluster.Members.Select(m => m.Summary))} "
            + "(hint: Patroni elects a leader on its own; run Smoke to see the cluster)");
        var (candidate, refusal) = MemberRollout.SwitchoverTarget(cluster, leader, requested, settings.PreferredLeader, settings.MaxLagBytes, settings.Synchronous);
        if (candidate is null)
            throw new PatroniRolloutException($"switchover refused, nothing changed: {refusal}");
        var why = candidate == settings.PreferredLeader ? ", the preferred leader" : requested is null ? ", the best synchronous standby" : "";
        await HandOverAsync(MemberRollout.HandoverTo(cluster, leader, candidate, settings.MaxLagBytes, settings.Synchronous), leader, candidate, why, timeout, cancellation);
        await WaitForMembersAsync(cluster.Members.Select(m => m.Name).ToList(), timeout, cancellation);
        if (etcdLeader is not null)
            await etcdLeader.KeepOffAsync(candidate, cancellation);
        return candidate;
    }

    /// <summary>
    /// <paramref name="candidate"/> takes over from <paramref name="leader"/>: by a switchover, or in synchronous mode when
    /// it is not the synchronous standby by a manual failover (Patroni refuses a switchover to it; the leader steps down gracefully).
    /// </summary>
    private async Task HandOverAsync(Handover handover, string leader, string candidate, string why, TimeSpan timeout, CancellationToken cancellation)
    {
        await beforeEachChange(cancellation);
        if (handover == Handover.Switchover)
        {
            progress($"switching over from {leader} to {candidate}{why}");
            await AskSwitchoverAsync(leader, candidate, cancellation);
        }
        else
        {
            progress($"failing over from {leader} to {candidate}{why} (not the synchronous standby, so not a switchover; {leader} steps down gracefully)");
            await patroni.FailoverAsync(candidate, cancellation);
        }
        await WaitForLeaderAsync(candidate, timeout, cancellation);
    }

    /// <summary>
    /// patronictl switchover, asked again a few times while Patroni's leader answers that it found no good candidate: it
    /// could not confirm the candidate's health or position just then (seen on the lab right after the replicas had been
    /// updated). Any other refusal stands.
    /// </summary>
    private async Task AskSwitchoverAsync(string leader, string candidate, CancellationToken cancellation) =>
        await waiter.RetryAsync(async token =>
        {
            await patroni.SwitchoverAsync(leader, candidate, token);
            return candidate;
        }, CandidateNotConfirmed, cancellation);

    private async Task SwitchoverAsync(PatroniCluster cluster, string leader, string why, CancellationToken cancellation)
    {
        var candidate = MemberRollout.SwitchoverCandidate(cluster, leader, settings.PreferredLeader, _updated, settings.MaxLagBytes, settings.Synchronous)
            ?? throw new PatroniRolloutException(
                $"no member can take over from the leader {leader} {why}: {MemberRollout.WhyNoCandidate(cluster, leader, settings.MaxLagBytes)} "
                + "(hint: wait until the replicas stream and catch up, then deploy again)");
        await beforeEachChange(cancellation);
        progress($"switching over from {leader} to {candidate} {why}");
        try
        {
            await AskSwitchoverAsync(leader, candidate, cancellation);
        }
        catch (PatroniUnavailableException refused) when (refused.Message.Contains("details: 401", StringComparison.Ordinal))
        {
            // patronictl runs in the member on the endpoint's node; while rest_api_password rotates, an updated one
            // holds the new password and a leader not yet updated still checks the old one.
            throw new PatroniRolloutException($"{refused.Message} (hint: the leader {leader} refused the REST API password of the member patronictl "
                + "runs in, as it does while rest_api_password is rotated and that member was updated before the leader: once this deploy is rolled "
                + "back, make the member on the endpoint's node lead (member.sh ctl switchover --candidate it), then deploy again)");
        }
        await WaitForLeaderAsync(candidate, TimeSpan.FromSeconds(60), cancellation);
    }

    /// <summary>Returns once Patroni names <paramref name="candidate"/> leader and it runs: never stop the old leader before that.</summary>
    private async Task WaitForLeaderAsync(string candidate, TimeSpan timeout, CancellationToken cancellation)
    {
        var polled = await waiter.PollAsync(async (_, token) => await TryListAsync(token), c => c?.Leader is { IsHealthy: true } leader && leader.Name == candidate,
            new PollSchedule(timeout, Poll), cancellation);
        if (!polled.Done)
            throw new PatroniRolloutException($"{candidate} did not become leader within {timeout.TotalSeconds:0} s: "
                + (polled.Last is { } c ? string.Join("; ", c.Members.Select(m => m.Summary)) : "Patroni could not be asked"));
    }

    private async Task WaitForMembersAsync(IReadOnlyList<string> names, TimeSpan timeout, CancellationToken cancellation, bool restarted = false)
    {
        // In synchronous mode a cluster with replicas is ready once Patroni has named a synchronous standby.
        bool Ready(PatroniCluster? c) => c?.Leader is not null
            && (!settings.Synchronous || c.Members.Count < 2 || MemberRollout.HasSynchronousStandby(c))
            && names.All(n => c.Find(n) is { IsHealthy: true } m
            && (m.IsLeader || m.LagBytes is { } lag && lag <= settings.MaxLagBytes)
            && !(restarted && m.PendingRestart));
        var polled = await waiter.PollAsync(async (elapsed, token) =>
        {
            // What Patroni reports changes at each member's next HA loop; woken at each read, the wait does not add up to loop_wait.
            var cluster = (await WhileUnavailableNull(patroni.StateAndWakeAsync, token))?.Cluster;
            if (cluster is not null && !Ready(cluster))
                progress($"waiting for Patroni to report {string.Join(", ", names)} healthy ({elapsed.TotalSeconds:0} s): "
                    + string.Join("; ", cluster.Members.Select(m => m.Summary))
                    + (settings.Synchronous && cluster.Members.Count >= 2 && !MemberRollout.HasSynchronousStandby(cluster) ? "; no synchronous standby named yet" : ""));
            else if (cluster is null)
                progress($"waiting for Patroni to report {string.Join(", ", names)} healthy ({elapsed.TotalSeconds:0} s): Patroni not reachable yet");
            return cluster;
        }, Ready, new PollSchedule(timeout, Poll), cancellation);
        if (!polled.Done)
            throw new PatroniRolloutException($"{string.Join(", ", names)} did not become healthy in Patroni within {timeout.TotalSeconds:0} s: "
                + (polled.Last is { } c ? string.Join("; ", c.Members.Select(m => m.Summary)) : "Patroni could not be asked"));
    }

    /// <summary>
    /// Returns once the founder holds Patroni's initialize key: it won the bootstrap race (it runs alone), and members
    /// started now wait for it to lead and clone from it instead of racing it.
    /// </summary>
    private async Task WaitForBootstrapClaimAsync(string founder, TimeSpan timeout, CancellationToken cancellation)
    {
        var polled = await waiter.PollAsync(async (elapsed, token) =>
        {
            var claimed = false;
            try
            {
                claimed = await etcd.KeyExistsAsync(PatroniCtl.InitializeKey(settings.Scope), token);
            }
            catch (PatroniUnavailableException)
            {
                // etcd may be starting in the same wave: until it answers, nothing is claimed.
            }
            if (!claimed)
                progress($"waiting for {founder} to claim the new cluster in etcd before the other members start ({elapsed.TotalSeconds:0} s)");
            return claimed;
        }, claimed => claimed, new PollSchedule(timeout, Poll), cancellation);
        if (!polled.Done)
            throw new PatroniRolloutException($"{founder} did not start initialising the cluster within {timeout.TotalSeconds:0} s "
                + "(Patroni's initialize key stayed absent; hint: the logs of its service say why)");
    }

    private async Task WaitForEtcdAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        bool Healthy(EtcdStatus? s) => s is not null && s.Endpoints.Count > 0 && s.Endpoints.All(e => e.Healthy)
            && settings.EtcdMembers.All(s.Members.Contains);
        var polled = await waiter.PollAsync(async (_, token) => await WhileUnavailableNull(etcd.StatusAsync, token), Healthy,
            new PollSchedule(timeout, Poll), cancellation);
        if (!polled.Done)
            throw new PatroniRolloutException($"etcd did not report every member healthy within {timeout.TotalSeconds:0} s: "
                + (polled.Last is { } s ? string.Join(", ", s.Endpoints.Select(e => $"{e.Endpoint} {(e.Healthy ? "healthy" : e.Error)}")) : "etcd could not be asked"));
    }

    /// <summary>Patroni's view, or null while it cannot be asked (the member on the endpoint's node is restarting).</summary>
    private Task<PatroniCluster?> TryListAsync(CancellationToken cancellation) => WhileUnavailableNull(patroni.ListAsync, cancellation);

    private static async Task<T?> WhileUnavailableNull<T>(Func<CancellationToken, Task<T>> ask, CancellationToken cancellation) where T : class
    {
        try
        {
            return await ask(cancellation);
        }
        catch (PatroniUnavailableException)
        {
            return null;
        }
    }

    private static void AddTogether(List<IReadOnlyList<DesiredService>> waves, IEnumerable<DesiredService> services)
    {
        var together = services.ToList();
        if (together.Count > 0)
            waves.Add(together);
    }
}
