namespace SwarmPgGitOps.LabTests;

/// <summary>A stack first deployed by hand with `docker stack deploy` from the same artifact is adopted by Deploy, data intact.</summary>
[Collection("lab")]
public class AdoptionTests(StackDeployedByHand stack) : IClassFixture<StackDeployedByHand>
{
    [Fact]
    public async Task Deploy_adopts_a_hand_deployed_stack_and_keeps_its_rows()
    {
        var token = Guid.NewGuid().ToString("N");
        await using (var primary = stack.ConnectPrimary())
            await stack.Scalar<int>(primary, $"INSERT INTO public.swarm_pg_canary (token) VALUES ('{token}') RETURNING 1");
        var output = new StringWriter();

        var outcome = (await new SwarmPgGitOps.Pipeline.DeployStep(stack.Layout, LabStack.PlainConsole(output))
            .RunAsync("lab", new SwarmPgGitOps.Swarm.DeployOptions())).Single();

        // The hand-made stack's secrets carry the names in stack.yml; Deploy names each value by its fingerprint, so
        // adopting the stack changes the services' secret references and nothing else.
        Assert.Empty(outcome.Created);
        Assert.All(outcome.Plan.Changes.Where(c => c.Change == SwarmPgGitOps.Swarm.ChangeKind.Update), c => Assert.Equal("secrets", Assert.Single(c.Fields).Field));
        await Waits.Until(async () => await stack.StreamingReplicas() == stack.Environment.Spec.Classic().Replicas.Count, TimeSpan.FromSeconds(120), "replicas streaming");
        await using var after = stack.ConnectPrimary();
        Assert.Equal(1L, await stack.Scalar<long>(after, $"SELECT count(*) FROM public.swarm_pg_canary WHERE token = '{token}'"));
        foreach (var replica in stack.Environment.Spec.Classic().Replicas)
        {
            await using var connection = stack.ConnectReplica(replica);
            Assert.Equal(1L, await stack.Scalar<long>(connection, $"SELECT count(*) FROM public.swarm_pg_canary WHERE token = '{token}'"));
        }
    }
}
