using System.Text.Json;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Tests.Patroni;

/// <summary>
/// Patroni (its REST API read, patronictl run by the entrypoint) and etcdctl as a member container answers them, over a
/// cluster held in memory: the REST API read gives its members and <see cref="Config"/>, patronictl `switchover` hands the leader role over, `edit-config --replace -` stores the configuration and marks the members for a
/// restart when <see cref="RestartOnConfigChange"/>. What changes the cluster is written to the journal given.
/// </summary>
public sealed class FakePatroni(List<string> journal) : IContainerExec
{
    private readonly Dictionary<string, (PatroniRole Role, string State, bool PendingRestart)> _members = [];

    public string Config { get; set; } = "ttl: 30\n";
    public bool RestartOnConfigChange { get; set; }

    /// <summary>What patronictl prints (exiting 0, as it does) when Patroni refuses a switchover; null: switchovers succeed.</summary>
    public string? RefuseSwitchover { get; set; }

    /// <summary>How many switchovers <see cref="RefuseSwitchover"/> refuses before they succeed; null: all of them.</summary>
    public int? SwitchoverRefusals { get; set; }
    public List<string> EtcdMembers { get; } = ["etcd1", "etcd2", "etcd3"];

    /// <summary>etcd's raft leader, as `endpoint status` reports it; `move-leader` hands it over and is journalled.</summary>
    public string EtcdLeader { get; set; } = "etcd1";

    /// <summary>What `endpoint status` prints instead of its JSON; null: the JSON.</summary>
    public string? EtcdStatusOutput { get; set; }

    /// <summary>How many state reads also woke the members (patroni_state.py --wake).</summary>
    public int Wakes { get; private set; }

    public FakePatroni With(string name, PatroniRole role, string? state = null)
    {
        _members[name] = (role, state ?? (role == PatroniRole.Leader ? "running" : "streaming"), false);
        return this;
    }

    public string? Leader => _members.Where(m => m.Value.Role == PatroniRole.Leader).Select(m => m.Key).SingleOrDefault();

    public Task<ExecResult> ExecAsync(string containerId, IReadOnlyList<string> command, string? stdin, CancellationToken cancellation)
    {
        lock (journal)
        {
            return Task.FromResult(command.ToArray() switch
            {
                ["bash", PatroniCtl.Entrypoint, "ctl", .. var ctl] => Ctl(ctl, stdin),
                _ when PatroniCtl.IsStateCommand(command) => State(woken: command.Contains("--wake")),
                ["etcdctl", _, _, "-w", "json", "member", "list"] => Ok(JsonSerializer.Serialize(new { members = EtcdMembers.Select(n => new { ID = EtcdId(n), name = n }) })),
                ["etcdctl", _, _, "-w", "json", "endpoint", "status"] => Ok(EtcdStatusOutput ?? JsonSerializer.Serialize(EtcdMembers.Select(n => new
                {
                    Endpoint = $"http://{n}:2379",
                    Status = new { header = new { member_id = EtcdId(n) }, leader = EtcdId(EtcdLeader) },
                }))),
                ["etcdctl", _, _, "-w", "json", "move-leader", var id] => MoveEtcdLeader(id),
                ["etcdctl", _, _, "-w", "json", "get", var key, "--keys-only"] => Get(key),
                ["etcdctl", _, _, "-w", "json", "endpoint", "health"] => Ok(JsonSerializer.Serialize(EtcdMembers.Select(n => new { endpoint = $"http://{n}:2379", health = true }))),
                _ => new ExecResult(127, "", $"unknown command {string.Join(" ", command)}"),
            });
        }
    }

    private static ulong EtcdId(string member) => 0x1000UL + (ulong)member[^1];

    private ExecResult MoveEtcdLeader(string id)
    {
        EtcdLeader = EtcdMembers.Single(m => EtcdId(m).ToString("x", System.Globalization.CultureInfo.InvariantCulture) == id);
        journal.Add($"move etcd leader to {EtcdLeader}");
        return Ok("");
    }

    /// <summary>The initialize key is there once a member leads; reading it is journalled as the claim the rollout saw.</summary>
    private ExecResult Get(string key)
    {
        var claimed = key == PatroniCtl.InitializeKey("pg-lab") && Leader is not null;
        if (claimed)
            journal.Add($"claimed by {Leader}");
        return Ok(JsonSerializer.Serialize(new { count = claimed ? 1 : 0 }));
    }

    private ExecResult Ctl(IReadOnlyList<string> ctl, string? stdin)
    {
        switch (ctl)
        {
            case ["switchover", "--leader", var leader, "--candidate", var candidate, "--force"]:
                if (RefuseSwitchover is { } refusal && SwitchoverRefusals is null or > 0)
                {
                    SwitchoverRefusals--;
                    journal.Add("switchover refused");
                    return Ok($"Current cluster topology\n{refusal}\n");
                }
                journal.Add($"switchover {leader} -> {candidate}");
                HandOver(leader, candidate);
                return Ok($"Successfully switched over to \"{candidate}\"\n");
            case ["failover", "--candidate", var candidate, "--force"]:
                journal.Add($"failover -> {candidate}");
                HandOver(Leader!, candidate);
                return Ok($"Successfully failed over to \"{candidate}\"\n");
            case ["edit-config", "--replace", "-", "--force", "--quiet"]:
                journal.Add("replace dynamic configuration");
                Config = stdin ?? "";
                if (RestartOnConfigChange)
                {
                    foreach (var name in _members.Keys.ToList())
                        _members[name] = _members[name] with { PendingRestart = true };
                }
                return Ok("");
            case ["restart", _, var member, "--force"]:
                journal.Add($"restart {member}");
                _members[member] = _members[member] with { PendingRestart = false };
                return Ok("");
            default:
                return new ExecResult(2, "", $"unknown patronictl command {string.Join(" ", ctl)}");
        }
    }

    /// <summary>REST API `/cluster` as Patroni 4.0 writes it (no lag on the leader, pending_restart only when true), and the configuration as set.</summary>
    private ExecResult State(bool woken)
    {
        if (woken)
            Wakes++;
        var members = _members.OrderBy(m => m.Key).Select(m =>
        {
            var member = new Dictionary<string, object>
            {
                ["name"] = m.Key,
                ["role"] = m.Value.Role switch { PatroniRole.SyncStandby => "sync_standby", var r => r.ToString().ToLowerInvariant() },
                ["state"] = m.Value.State,
                ["host"] = m.Key,
                ["timeline"] = 1,
            };
            if (m.Value.Role != PatroniRole.Leader)
                member["lag"] = 0;
            if (m.Value.PendingRestart)
                member["pending_restart"] = true;
            return member;
        });
        return Ok(JsonSerializer.Serialize(new { cluster = new { members, scope = "pg-lab" }, config = Config }));
    }

    private void HandOver(string leader, string candidate)
    {
        var candidateRole = _members[candidate].Role;
        _members[candidate] = _members[candidate] with { Role = PatroniRole.Leader, State = "running" };
        _members[leader] = _members[leader] with { Role = candidateRole, State = "streaming" };
    }

    private static ExecResult Ok(string stdout) => new(0, stdout, "");
}
