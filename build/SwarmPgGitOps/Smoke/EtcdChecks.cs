using SwarmPgGitOps.Patroni;

namespace SwarmPgGitOps.Smoke;

/// <summary>Judges etcd, Patroni's consensus store: every declared member in its membership, every endpoint healthy.</summary>
public static class EtcdChecks
{
    public static IReadOnlyList<SmokeCheck> Evaluate(EtcdStatus status, IReadOnlyList<string> declaredMembers, string stack)
    {
        var checks = new List<SmokeCheck>();
        if (declaredMembers.Count > 0)
        {
            var members = string.Join(", ", status.Members);
            var declared = string.Join(", ", declaredMembers.Order(StringComparer.Ordinal));
            checks.Add(SmokeCheck.When(members == declared, "etcd.members", stack, members.Length == 0 ? "none" : members, declared,
                "etcd's membership differs from dcs.members: a member that was removed or never joined stays in the list until `etcdctl member remove`"));
        }
        checks.AddRange(status.Endpoints.Select(e => SmokeCheck.When(e.Healthy, "etcd.health", e.Endpoint, e.Healthy ? "healthy" : e.Error ?? "unhealthy", "healthy",
            $"etcd at {e.Endpoint} does not answer: Patroni keeps the leader only while etcd has quorum (docker service logs of that etcd member)")));
        return checks;
    }
}
