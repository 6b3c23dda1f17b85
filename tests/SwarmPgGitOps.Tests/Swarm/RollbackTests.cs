using System.Net;
using Docker.DotNet;
using SwarmPgGitOps.Swarm;
using static SwarmPgGitOps.Tests.Swarm.Deploying;

namespace SwarmPgGitOps.Tests.Swarm;

/// <summary>Any failure after the first service change puts back what the run changed, and the message keeps the first cause.</summary>
public sealed class RollbackTests
{
    private const string Next = "swarm-pg/postgres:15-next";

    private static DockerApiException Rejected(string message) =>
        new(HttpStatusCode.BadRequest, $$"""{"message":"{{message}}"}""");

    [Fact]
    public async Task An_update_the_engine_rejects_mid_deploy_rolls_back_the_services_already_updated()
    {
        var deploying = await new Deploying().Deployed();
        var before = ImageOf(deploying.Swarm.SpecOf(Primary));
        deploying.Swarm.Refuse = change => change == "update " + Replica1 && IsNext(deploying.Swarm.SpecOf(Primary)) ? Rejected("invalid mount config") : null;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image(Next, "primary", "replica1", "replica2"))));

        Assert.Equal($"deploy failed: updating {Replica1}: 400 invalid mount config\n  rolled back: {Primary}", failure.Message);
        Assert.Equal(["update " + Primary, "running " + Primary, "update " + Primary, "running " + Primary], deploying.ServiceJournal());
        Assert.All(new[] { Primary, Replica1, Replica2 }, s => Assert.Equal(before, ImageOf(deploying.Swarm.SpecOf(s))));
    }

    [Fact]
    public async Task A_create_the_engine_rejects_mid_deploy_removes_the_services_this_run_created_and_rolls_back_the_updated()
    {
        var deploying = await new Deploying().Deployed();
        var before = ImageOf(deploying.Swarm.SpecOf(Primary));
        deploying.Swarm.RemoveService(Replica1);
        deploying.Swarm.RemoveService(Replica2);
        deploying.Swarm.Refuse = change => change == "create " + Replica2 ? Rejected("network not found") : null;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image(Next, "primary"))));

        Assert.Equal($"deploy failed: creating {Replica2}: 400 network not found\n  rolled back: {Primary}\n  removed again (created by this run; volumes kept): {Replica1}",
            failure.Message);
        Assert.Equal(["update " + Primary, "running " + Primary, "create " + Replica1, "update " + Primary, "running " + Primary, "remove " + Replica1],
            deploying.ServiceJournal());
        Assert.Equal(before, ImageOf(deploying.Swarm.SpecOf(Primary)));
        Assert.Throws<InvalidOperationException>(() => deploying.Swarm.SpecOf(Replica1));
    }

    [Fact]
    public async Task A_failure_of_the_rollback_itself_is_added_to_the_first_cause_and_the_rest_is_still_rolled_back()
    {
        var deploying = await new Deploying().Deployed();
        deploying.Swarm.Refuse = change => change switch
        {
            "update " + Replica2 => Rejected("invalid mount config"),
            "update " + Primary when IsNext(deploying.Swarm.SpecOf(Primary)) => Rejected("manager lost quorum"),
            _ => null,
        };

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image(Next, "primary", "replica1", "replica2"))));

        Assert.Equal(
            $"deploy failed: updating {Replica2}: 400 invalid mount config\n  rolled back: {Replica1}\n  rollback failed: {Primary}: 400 manager lost quorum",
            failure.Message);
        Assert.True(IsNext(deploying.Swarm.SpecOf(Primary)));
        Assert.False(IsNext(deploying.Swarm.SpecOf(Replica1)));
    }

    [Fact]
    public async Task A_deploy_cancelled_while_an_update_is_on_its_way_to_the_manager_rolls_that_update_back_too()
    {
        var deploying = await new Deploying().Deployed();
        var before = ImageOf(deploying.Swarm.SpecOf(Replica1));
        using var cancel = new CancellationTokenSource();
        deploying.Swarm.WhileSending = change =>
        {
            if (change == "update " + Replica1)
                cancel.Cancel();
        };

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() =>
            deploying.Deploy(Desired(Image(Next, "primary", "replica1", "replica2")), cancellation: cancel.Token));

        Assert.StartsWith($"deploy failed: waiting for {Replica1}: cancelled\n  rolled back: {Primary}, {Replica1}", failure.Message);
        Assert.All(new[] { Primary, Replica1, Replica2 }, s => Assert.Equal(before, ImageOf(deploying.Swarm.SpecOf(s))));
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_though_the_manager_made_the_service_is_removed_again_by_the_rollback()
    {
        var deploying = await new Deploying().Deployed();
        deploying.Swarm.RemoveService(Replica2);
        deploying.Swarm.LostAnswer = change => change == "create " + Replica2 ? new TimeoutException("The operation has timed out.") : null;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image(Next, "primary"))));

        Assert.Equal($"deploy failed: creating {Replica2}: The operation has timed out.\n  rolled back: {Primary}\n  removed again (created by this run; volumes kept): {Replica2}",
            failure.Message);
        Assert.Throws<InvalidOperationException>(() => deploying.Swarm.SpecOf(Replica2));
    }
}
