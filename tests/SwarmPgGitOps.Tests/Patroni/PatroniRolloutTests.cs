using Docker.DotNet.Models;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Swarm;

namespace SwarmPgGitOps.Tests.Patroni;

/// <summary>The real deployer with Patroni's rollout, on a <see cref="FakeSwarm"/> and a <see cref="FakePatroni"/> sharing one journal.</summary>
public sealed class PatroniRolloutTests
{
    private const string Stack = "pg-lab";
    private const string DynamicConfig = "ttl: 30\nloop_wait: 10\n";
    private static readonly string[] Etcd = ["etcd1", "etcd2", "etcd3"];
    private static readonly string[] Members = ["pg1", "pg2", "pg3"];

    private readonly Deploying _deploying = new();
    private readonly FakePatroni _patroni;

    public PatroniRolloutTests()
    {
        _patroni = new FakePatroni(_deploying.Swarm.Journal) { Config = DynamicConfig }
            .With("pg1", PatroniRole.Leader).With("pg2", PatroniRole.SyncStandby).With("pg3", PatroniRole.Replica);
        _passwords = new FakeRolePasswords(_deploying.Swarm.Journal);
    }

    private const string Next = "swarm-pg/postgres:17-next";

    /// <summary>The stack, with the services named in <paramref name="changed"/> on a new image.</summary>
    private static DesiredStack Desired(params string[] changed) =>
        new(Stack, [], [], [],
            [.. Etcd.Select(n => Service(n, StackContainerLocator.EtcdRole, changed)), .. Members.Select(n => Service(n, StackContainerLocator.MemberRole, changed))]);

    private static DesiredService Service(string key, string role, string[] changed) =>
        Service(key, role, changed.Contains(key) ? Next : "swarm-pg/postgres:17-lab");

    private static DesiredService Service(string key, string role, string image) => new(key, $"{Stack}_{key}", role, new ServiceSpec
    {
        Name = $"{Stack}_{key}",
        Labels = new Dictionary<string, string> { [StackLabels.Namespace] = Stack, [StackLabels.Role] = role },
        TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = image } },
        Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
    });

    /// <summary>The stack with its members reading the replication password from the secret of that <paramref name="version"/>.</summary>
    private static DesiredStack WithPassword(DesiredStack desired, string version, string key = "replication_password")
    {
        var name = $"{Stack}_{key}_{version}";
        foreach (var member in desired.Services.Where(s => s.Role == StackContainerLocator.MemberRole))
            member.Spec.TaskTemplate!.ContainerSpec!.Secrets = [new SecretReference { SecretName = name, File = new SecretReferenceFileTarget { Name = key } }];
        return desired with { Secrets = [new DesiredSecret(key, name, System.Text.Encoding.UTF8.GetBytes(version))] };
    }

    private readonly FakeRolePasswords _passwords;

    /// <param name="placeEtcdLeader">The rollout keeps etcd's leader off the node of Patroni's leader (pgN and etcdN run on node nN).</param>
    private PatroniRollout Rollout(string? preferredLeader = "pg1", string dynamicConfig = DynamicConfig, bool placeEtcdLeader = false)
    {
        var etcd = new EtcdCtl(_patroni, new StackContainerLocator(_deploying.Swarm, Stack, StackContainerLocator.EtcdRole), ["etcd1:2379", "etcd2:2379", "etcd3:2379"]);
        return new(new PatroniCtl(_patroni, new StackContainerLocator(_deploying.Swarm, Stack, StackContainerLocator.MemberRole), Stack), etcd,
            _deploying.Waiter, _deploying.Report, new PatroniRolloutSettings(Stack, preferredLeader, Etcd, 16 * 1024 * 1024, dynamicConfig, TimeSpan.FromSeconds(10), Synchronous: true), _ => Task.CompletedTask,
            passwords: _passwords, etcdLeader: placeEtcdLeader ? new EtcdLeaderPlacement(_deploying.Swarm, Stack, etcd, _deploying.Report) : null);
    }

    private Task<DeployOutcome> Deploy(DesiredStack desired, string? preferredLeader = "pg1", string dynamicConfig = DynamicConfig, bool placeEtcdLeader = false)
    {
        var rollout = Rollout(preferredLeader, dynamicConfig, placeEtcdLeader);
        return _deploying.Clock.Run(new SwarmDeployer(_deploying.Swarm, _deploying.Waiter, _deploying.Report, rollout)
            .DeployAsync(desired, Deploying.ConvergeTimeout, new DeployOptions()));
    }

    private async Task Deployed()
    {
        await Deploy(Desired());
        _deploying.Swarm.Journal.Clear();
    }

    /// <summary>Deployed with pgN and etcdN on node nN.</summary>
    private async Task DeployedOneMemberPerNode()
    {
        _deploying.Swarm.Placement = spec => "n" + spec.Name![^1];
        await Deployed();
    }

    [Fact]
    public async Task A_new_cluster_starts_etcd_with_the_preferred_leader_then_the_other_members_once_it_claimed_the_cluster()
    {
        await Deploy(Desired());

        Assert.Equal(
            ["create pg-lab_etcd1", "create pg-lab_etcd2", "create pg-lab_etcd3", "create pg-lab_pg1", "claimed by pg1", "create pg-lab_pg2", "create pg-lab_pg3"],
            _deploying.ServiceJournal().Where(e => !e.StartsWith("running", StringComparison.Ordinal)));
        Assert.Equal(6, _deploying.ServiceJournal().Count(e => e.StartsWith("running", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_new_cluster_on_an_etcd_that_changes_updates_etcd_one_member_at_a_time_first()
    {
        foreach (var etcd in Etcd)
            await _deploying.Swarm.CreateServiceAsync(Service(etcd, StackContainerLocator.EtcdRole, []).Spec, CancellationToken.None);
        _deploying.Swarm.Journal.Clear();

        await Deploy(Desired(Etcd));

        Assert.Equal(
            ["update pg-lab_etcd1", "running pg-lab_etcd1", "update pg-lab_etcd2", "running pg-lab_etcd2", "update pg-lab_etcd3", "running pg-lab_etcd3",
             "create pg-lab_pg1", "claimed by pg1", "create pg-lab_pg2", "create pg-lab_pg3", "running pg-lab_pg1", "running pg-lab_pg2", "running pg-lab_pg3"],
            _deploying.ServiceJournal());
    }

    [Fact]
    public async Task An_update_rolls_the_replicas_one_by_one_then_switches_over_then_updates_the_old_leader_and_hands_back_to_the_preferred_one()
    {
        await Deployed();

        await Deploy(Desired(Members));

        Assert.Equal(
            ["update pg-lab_pg2", "running pg-lab_pg2", "update pg-lab_pg3", "running pg-lab_pg3",
             "switchover pg1 -> pg2", "update pg-lab_pg1", "running pg-lab_pg1", "switchover pg2 -> pg1"],
            _deploying.Swarm.Journal);
        Assert.Equal("pg1", _patroni.Leader);
    }

    /// <summary>The stack with HAProxy, a global service, beside etcd and the members.</summary>
    private static DesiredStack WithHaproxy(DesiredStack desired, params string[] changed)
    {
        var haproxy = Service("haproxy", StackContainerLocator.HaproxyRole, changed);
        haproxy.Spec.Mode = new ServiceMode { Global = new GlobalService() };
        return desired with { Services = [haproxy, .. desired.Services] };
    }

    [Fact]
    public async Task HAProxy_starts_with_the_founder_of_a_new_cluster_not_after_the_members()
    {
        await Deploy(WithHaproxy(Desired()));

        Assert.Equal(
            ["create pg-lab_etcd1", "create pg-lab_etcd2", "create pg-lab_etcd3", "create pg-lab_haproxy", "create pg-lab_pg1", "claimed by pg1", "create pg-lab_pg2", "create pg-lab_pg3"],
            _deploying.ServiceJournal().Where(e => !e.StartsWith("running", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task HAProxy_is_updated_after_the_members_and_before_the_hand_back_to_the_preferred_leader()
    {
        await Deploy(WithHaproxy(Desired()));
        _deploying.Swarm.Journal.Clear();

        await Deploy(WithHaproxy(Desired(Members), "haproxy"));

        Assert.Equal(
            ["update pg-lab_pg2", "running pg-lab_pg2", "update pg-lab_pg3", "running pg-lab_pg3",
             "switchover pg1 -> pg2", "update pg-lab_pg1", "running pg-lab_pg1", "update pg-lab_haproxy", "running pg-lab_haproxy", "switchover pg2 -> pg1"],
            _deploying.Swarm.Journal);
    }

    [Fact]
    public async Task An_etcd_update_goes_one_member_at_a_time()
    {
        await Deployed();

        await Deploy(Desired(Etcd));

        Assert.Equal(
            ["update pg-lab_etcd1", "running pg-lab_etcd1", "update pg-lab_etcd2", "running pg-lab_etcd2", "update pg-lab_etcd3", "running pg-lab_etcd3"],
            _deploying.Swarm.Journal);
    }

    [Fact]
    public async Task A_dynamic_configuration_change_is_applied_live_and_members_needing_a_restart_restart_replicas_first()
    {
        await Deployed();
        _patroni.RestartOnConfigChange = true;

        await Deploy(Desired(), dynamicConfig: "ttl: 30\nloop_wait: 10\npostgresql:\n  parameters:\n    shared_buffers: 256MB\n");

        Assert.Equal(["replace dynamic configuration", "restart pg2", "restart pg3", "restart pg1"], _deploying.Swarm.Journal);
        Assert.Contains("applying Patroni's dynamic configuration: postgresql.parameters.shared_buffers", _deploying.Progress);
    }

    [Fact]
    public async Task A_no_op_deploy_changes_nothing()
    {
        await Deployed();

        await Deploy(Desired());

        Assert.Empty(_deploying.Swarm.Journal);
    }

    [Fact]
    public async Task A_new_cluster_s_members_are_waited_for_with_reads_that_wake_their_HA_loops()
    {
        await Deploy(Desired());

        Assert.True(_patroni.Wakes > 0);
    }

    [Fact]
    public async Task While_Swarm_starts_an_updated_member_its_HA_loops_are_woken_and_a_deploy_that_loses_its_lock_then_stops_waking_them()
    {
        await Deployed();
        var changes = 0;
        var rollout = Rollout();

        await Assert.ThrowsAsync<DeployLockLostException>(() => _deploying.Clock.Run(new SwarmDeployer(_deploying.Swarm, _deploying.Waiter, _deploying.Report, rollout)
            .DeployAsync(Desired(Members), Deploying.ConvergeTimeout, new DeployOptions(),
                beforeEachChange: _ => ++changes == 3 ? throw new DeployLockLostException("pg-lab_deploy_lock is held by another run") : Task.CompletedTask)));
        var wakesWhenStopped = _patroni.Wakes;
        await _deploying.Clock.Run(Task.Delay(TimeSpan.FromSeconds(30), _deploying.Clock));

        Assert.Equal(["update pg-lab_pg2", "running pg-lab_pg2"], _deploying.ServiceJournal());
        Assert.True(wakesWhenStopped > 0);
        Assert.Equal(wakesWhenStopped, _patroni.Wakes);
    }

    [Fact]
    public async Task A_no_op_deploy_moves_etcd_s_leader_off_the_patroni_leader_s_node_on_what_it_read_beside_patroni_s_state()
    {
        await DeployedOneMemberPerNode();
        _patroni.EtcdLeader = "etcd1";

        await Deploy(Desired(), placeEtcdLeader: true);

        Assert.Equal(["move etcd leader to etcd2"], _deploying.Swarm.Journal);
    }

    [Fact]
    public async Task After_a_handover_etcd_s_leader_is_placed_by_where_the_new_leader_runs_not_by_what_was_read_before()
    {
        await DeployedOneMemberPerNode();
        _patroni.With("pg2", PatroniRole.Leader).With("pg1", PatroniRole.SyncStandby);
        _patroni.EtcdLeader = "etcd1";

        await Deploy(Desired(), placeEtcdLeader: true);

        Assert.Equal(["switchover pg2 -> pg1", "move etcd leader to etcd2"], _deploying.Swarm.Journal);
    }

    [Fact]
    public async Task A_deploy_does_not_fail_when_where_etcd_s_leader_runs_cannot_be_read()
    {
        await DeployedOneMemberPerNode();
        _patroni.EtcdStatusOutput = "{ not json";

        await Deploy(Desired(), placeEtcdLeader: true);

        Assert.Empty(_deploying.Swarm.Journal);
        Assert.Contains(_deploying.Progress, line => line.StartsWith("etcd's leader left where it is: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_leader_that_is_not_the_preferred_member_is_switched_over_to_it()
    {
        await Deployed();
        await Deploy(Desired(), preferredLeader: "pg2");

        Assert.Equal(["switchover pg1 -> pg2"], _deploying.Swarm.Journal);
    }

    [Fact]
    public async Task A_preferred_member_that_is_not_the_synchronous_standby_takes_over_by_a_manual_failover()
    {
        await Deployed();

        await Deploy(Desired(), preferredLeader: "pg3");

        Assert.Equal(["failover -> pg3"], _deploying.Swarm.Journal);
        Assert.Equal("pg3", _patroni.Leader);
    }

    [Fact]
    public async Task A_switchover_Patroni_refuses_stops_the_deploy_before_the_leader_is_touched()
    {
        await Deployed();
        _patroni.RefuseSwitchover = "Switchover failed, details: 412, candidate name does not match with sync_standby";

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => Deploy(Desired("pg1")));

        Assert.Contains("patronictl switchover in pg-lab_pg1: Switchover failed, details: 412", failure.Message);
        Assert.DoesNotContain("update pg-lab_pg1", _deploying.Swarm.Journal);
    }

    [Fact]
    public async Task A_switchover_refused_while_the_leader_cannot_confirm_the_candidate_is_asked_again()
    {
        await Deployed();
        _patroni.RefuseSwitchover = "Switchover failed, details: 412, switchover is not possible: no good candidates have been found";
        _patroni.SwitchoverRefusals = 2;

        await Deploy(Desired("pg1"));

        Assert.Equal(["switchover refused", "switchover refused", "switchover pg1 -> pg2", "update pg-lab_pg1", "running pg-lab_pg1", "switchover pg2 -> pg1"],
            _deploying.Swarm.Journal);
    }

    [Fact]
    public async Task A_switchover_the_leader_refuses_for_its_REST_API_password_says_how_to_rotate_that_password()
    {
        await Deployed();
        _patroni.RefuseSwitchover = "Switchover failed, details: 401, no auth header received";

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => Deploy(Desired(Members)));

        Assert.Contains("patronictl switchover in pg-lab_pg1: Switchover failed, details: 401", failure.Message);
        Assert.Contains("hint: the leader pg1 refused the REST API password of the member patronictl runs in", failure.Message);
        Assert.Contains("rolled back: pg-lab_pg2, pg-lab_pg3", failure.Message);
        Assert.DoesNotContain("update pg-lab_pg1", _deploying.Swarm.Journal);
    }

    [Fact]
    public async Task Members_that_run_without_tls_are_not_rolled_onto_it_and_the_error_says_how_to_get_there()
    {
        await Deploy(WithPassword(Desired(), "one"));
        _deploying.Swarm.Journal.Clear();

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => Deploy(WithPassword(Desired(), "tls", "postgres_tls_cert")));

        Assert.Contains("this deploy would turn TLS on for members that run without it, and a rolling update cannot", failure.Message);
        Assert.Contains("Restore --env=<this> --into=", failure.Message);
        Assert.Empty(_deploying.ServiceJournal());
    }

    [Fact]
    public async Task The_leader_is_not_updated_when_no_replica_can_take_over()
    {
        await Deployed();
        _patroni.With("pg2", PatroniRole.SyncStandby, "starting").With("pg3", PatroniRole.Replica, "stopped");

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => Deploy(Desired("pg1")));

        Assert.StartsWith("deploy failed: preparing pg-lab_pg1: no member can take over from the leader pg1 before pg1 is updated: pg2 is starting; pg3 is stopped", failure.Message);
        Assert.Empty(_deploying.Swarm.Journal);
    }

    [Fact]
    public async Task A_rotated_password_is_set_on_the_leader_before_the_first_member_restarts_with_it_then_the_members_roll_as_for_any_update()
    {
        await Deploy(WithPassword(Desired(), "one"));
        _deploying.Swarm.Journal.Clear();

        await Deploy(WithPassword(Desired(), "two"));

        Assert.Equal(
            ["set passwords on pg1", "update pg-lab_pg2", "running pg-lab_pg2", "update pg-lab_pg3", "running pg-lab_pg3",
             "switchover pg1 -> pg2", "update pg-lab_pg1", "running pg-lab_pg1", "switchover pg2 -> pg1"],
            _deploying.ServiceJournal());
    }

    [Fact]
    public async Task While_the_REST_API_password_rotates_the_member_patronictl_runs_in_keeps_the_leaders_password_until_the_leader_is_updated()
    {
        await Deploy(WithPassword(Desired(), "one", "rest_api_password"));
        _patroni.With("pg2", PatroniRole.Leader).With("pg1", PatroniRole.SyncStandby).With("pg3", PatroniRole.Replica);
        _deploying.Swarm.Journal.Clear();

        await Deploy(WithPassword(Desired(), "two", "rest_api_password"));

        // patronictl runs in pg1 (the member on the endpoint's node): updated last, it asks pg2 to switch over with pg2's own password.
        Assert.Equal(
            ["update pg-lab_pg3", "running pg-lab_pg3", "switchover pg2 -> pg1", "update pg-lab_pg2", "running pg-lab_pg2",
             "switchover pg1 -> pg2", "update pg-lab_pg1", "running pg-lab_pg1", "switchover pg2 -> pg1"],
            _deploying.ServiceJournal());
    }

    [Fact]
    public async Task Another_password_rotating_keeps_the_usual_order_when_the_member_patronictl_runs_in_is_a_replica()
    {
        await Deploy(WithPassword(Desired(), "one"));
        _patroni.With("pg2", PatroniRole.Leader).With("pg1", PatroniRole.SyncStandby).With("pg3", PatroniRole.Replica);
        _deploying.Swarm.Journal.Clear();

        await Deploy(WithPassword(Desired(), "two"));

        Assert.Equal(
            ["set passwords on pg2", "update pg-lab_pg1", "running pg-lab_pg1", "update pg-lab_pg3", "running pg-lab_pg3",
             "switchover pg2 -> pg1", "update pg-lab_pg2", "running pg-lab_pg2"],
            _deploying.ServiceJournal());
    }

    [Fact]
    public async Task An_update_that_rotates_no_password_leaves_the_passwords_alone()
    {
        await Deployed();

        await Deploy(Desired(Members));

        Assert.DoesNotContain(_deploying.Swarm.Journal, e => e.Contains("passwords", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_first_replica_whose_update_fails_fails_the_deploy_is_rolled_back_and_nothing_else_is_touched()
    {
        await Deployed();
        _deploying.Swarm.Fate = (name, spec) => name == "pg-lab_pg2" && Deploying.IsNext(spec) ? TaskFate.Fails : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => Deploy(Desired(Members)));

        Assert.StartsWith("deploy failed: pg-lab_pg2:", failure.Message);
        Assert.Contains("rolled back: pg-lab_pg2", failure.Message);
        Assert.Equal(["update pg-lab_pg2", "update pg-lab_pg2", "running pg-lab_pg2"], _deploying.ServiceJournal());
        Assert.Equal("pg1", _patroni.Leader);
    }

    [Fact]
    public async Task A_failed_rotation_puts_the_previous_passwords_back_on_the_leader_before_the_members_roll_back_to_them()
    {
        await Deploy(WithPassword(Desired(), "one"));
        _deploying.Swarm.Journal.Clear();
        _deploying.Swarm.Fate = (name, spec) => name == "pg-lab_pg3" && spec.TaskTemplate!.ContainerSpec!.Secrets![0].SecretName.EndsWith("_two", StringComparison.Ordinal)
            ? TaskFate.Fails : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => Deploy(WithPassword(Desired(), "two")));

        Assert.StartsWith("deploy failed: pg-lab_pg3:", failure.Message);
        Assert.Contains("rolled back: pg-lab_pg2, pg-lab_pg3", failure.Message);
        Assert.Equal(
            ["set passwords on pg1", "update pg-lab_pg2", "running pg-lab_pg2", "update pg-lab_pg3", "restore passwords on pg1",
             "update pg-lab_pg3", "running pg-lab_pg3", "update pg-lab_pg2", "running pg-lab_pg2"],
            _deploying.ServiceJournal());
    }

    [Fact]
    public async Task Passwords_that_cannot_be_put_back_are_reported_after_the_first_cause_and_the_services_are_still_rolled_back()
    {
        await Deploy(WithPassword(Desired(), "one"));
        _deploying.Swarm.Fate = (name, spec) => name == "pg-lab_pg2" && spec.TaskTemplate!.ContainerSpec!.Secrets![0].SecretName.EndsWith("_two", StringComparison.Ordinal)
            ? TaskFate.Fails : TaskFate.Runs;
        _passwords.RestoreFailure = "28P01: password authentication failed for user \"postgres\"";

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => Deploy(WithPassword(Desired(), "two")));

        Assert.StartsWith("deploy failed: pg-lab_pg2:", failure.Message);
        Assert.Contains("rolled back: pg-lab_pg2", failure.Message);
        Assert.Contains("rollback failed: the previous passwords could not be put back on the leader: 28P01", failure.Message);
    }

    /// <summary>Role passwords on the leader, as a journal: what was set, what was put back.</summary>
    private sealed class FakeRolePasswords(List<string> journal) : IRolePasswords
    {
        public string? RestoreFailure { get; set; }

        public Task<IReadOnlyList<SwarmPgGitOps.Postgres.RoleVerifier>> SetAsync(string leader, CancellationToken cancellation)
        {
            lock (journal)
                journal.Add($"set passwords on {leader}");
            return Task.FromResult<IReadOnlyList<SwarmPgGitOps.Postgres.RoleVerifier>>([new("postgres", "SCRAM-SHA-256$4096:old")]);
        }

        public Task RestoreAsync(string leader, IReadOnlyList<SwarmPgGitOps.Postgres.RoleVerifier> previous, CancellationToken cancellation)
        {
            if (RestoreFailure is { } failure)
                throw new PatroniRolloutException(failure);
            lock (journal)
                journal.Add($"restore passwords on {leader}");
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_switchover_asked_for_by_hand_hands_over_and_waits_for_the_new_leader()
    {
        await Deployed();

        var leader = await _deploying.Clock.Run(Rollout().SwitchoverAsync(null, Deploying.ConvergeTimeout, CancellationToken.None));

        Assert.Equal("pg2", leader);
        Assert.Equal(["switchover pg1 -> pg2"], _deploying.Swarm.Journal);
        Assert.Equal("pg2", _patroni.Leader);
    }

    [Fact]
    public async Task A_switchover_to_a_member_that_cannot_take_over_changes_nothing()
    {
        await Deployed();
        _patroni.With("pg3", PatroniRole.Replica, state: "stopped");

        var refused = await Assert.ThrowsAsync<PatroniRolloutException>(() => _deploying.Clock.Run(Rollout().SwitchoverAsync("pg3", Deploying.ConvergeTimeout, CancellationToken.None)));

        Assert.Equal("switchover refused, nothing changed: pg3 cannot take over now: is stopped", refused.Message);
        Assert.Empty(_deploying.Swarm.Journal);
    }
}
