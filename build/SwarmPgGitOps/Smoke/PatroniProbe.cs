using Docker.DotNet;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Smoke;

/// <summary>
/// Asks Patroni and etcd how the cluster stands (through containers on the endpoint's node) and judges the answers.
/// What cannot be asked is a failed check, not the end of the run.
/// </summary>
public static class PatroniProbe
{
    public sealed record Observed(PatroniCluster? Cluster, IReadOnlyList<SmokeCheck> Checks);

    public static async Task<Observed> ReadAsync(EnvironmentDocument document, Func<string, string?> variable, CancellationToken cancellation)
    {
        var spec = document.Spec;
        var (patroni, members, dcs) = spec.PatroniCluster();
        var connected = DockerEndpoint.Connect(document, variable);
        if (connected.Value is not { } docker)
            return new Observed(null, [Unreachable("patroni.reachable", spec.Stack, string.Join("; ", connected.Diagnostics.Select(d => d.Message)))]);
        using (docker)
        {
            var api = new DockerSwarmApi(docker);
            var checks = new List<SmokeCheck>();
            PatroniCluster? cluster = null;
            try
            {
                cluster = await PatroniCtl.For(spec, api).ListAsync(cancellation);
                var synchronous = patroni.Synchronous == "off" ? 0 : patroni.SynchronousNodeCount;
                checks.AddRange(PatroniChecks.Evaluate(cluster, new PatroniExpectations(spec.Stack, members.Select(m => m.Name).ToList(), synchronous, spec.Smoke.MaxReplayLagBytes)));
            }
            catch (Exception e) when (e is PatroniUnavailableException or DockerApiException or HttpRequestException)
            {
                checks.Add(Unreachable("patroni.reachable", spec.Stack, e.Message));
            }
            try
            {
                var etcd = await EtcdCtl.For(spec, api).StatusAsync(cancellation);
                checks.AddRange(EtcdChecks.Evaluate(etcd, dcs.Members.Select(m => m.Name).ToList(), spec.Stack));
            }
            catch (Exception e) when (e is PatroniUnavailableException or DockerApiException or HttpRequestException)
            {
                checks.Add(Unreachable("etcd.reachable", spec.Stack, e.Message));
            }
            return new Observed(cluster, checks);
        }
    }

    private static SmokeCheck Unreachable(string name, string stack, string problem) =>
        SmokeCheck.Fail(name, stack, problem.ReplaceLineEndings(" "), "answers",
            "Smoke asks Patroni and etcd through a container of the stack on the endpoint's node: check the endpoint and that the stack runs there");
}
