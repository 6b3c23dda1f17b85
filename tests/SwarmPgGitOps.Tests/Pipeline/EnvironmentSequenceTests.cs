using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.TestSupport;

namespace SwarmPgGitOps.Tests.Pipeline;

/// <summary>`--env` as a name, a list or `all` for every task, and a list run in order (Deploy: stopping at the first failure).</summary>
public class EnvironmentSequenceTests
{
    private readonly StringWriter _printed = new();

    private static ProjectLayout ScratchWith(params string[] extraEnvironments)
    {
        var layout = Repo.Scratch();
        foreach (var name in extraEnvironments)
            File.Copy(layout.EnvironmentFile("staging"), layout.EnvironmentFile(name));
        return layout;
    }

    [Fact]
    public void All_is_the_promotion_order_then_every_other_environment_by_name()
    {
        var layout = ScratchWith("qa", "alpha");

        Assert.Equal(["dev", "staging", "prod", "alpha", "lab", "qa"], layout.SelectEnvironments("all"));
    }

    [Fact]
    public void A_list_keeps_its_order_and_names_each_environment_once()
    {
        Assert.Equal(["prod", "dev", "lab"], Repo.Layout.SelectEnvironments(" prod, dev,,lab,prod "));
        Assert.Equal(["staging"], Repo.Layout.SelectEnvironments("staging"));
    }

    [Theory]
    [InlineData("lab", true)]
    [InlineData("dev,lab", true)]
    [InlineData("all", true)]
    [InlineData("dev,staging", false)]
    [InlineData("laboratory", false)]
    public void The_lab_is_brought_up_when_the_selection_includes_it(string selector, bool needed) =>
        Assert.Equal(needed, LabStep.IsNeededFor(Repo.Layout, selector));

    [Fact]
    public async Task Stopping_at_the_first_failure_names_what_succeeded_failed_and_was_not_attempted()
    {
        var attempted = new List<string>();

        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => Sequence().RunAsync("dev,staging,prod", "deployed", stopAtFirstFailure: true,
            name =>
            {
                attempted.Add(name);
                return name == "staging" ? throw new PipelineFailedException("preflight failed", 3) : Task.FromResult(name);
            }));

        Assert.Equal(["dev", "staging"], attempted);
        Assert.Equal("staging: preflight failed (not attempted: prod)", failure.Message);
        Assert.Equal(3, failure.ExitCode);
        Assert.Contains("deployed: dev; failed: staging; not attempted: prod", _printed.ToString());
    }

    [Fact]
    public async Task Going_on_after_a_failure_attempts_every_environment_and_fails_after_all()
    {
        var attempted = new List<string>();

        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => Sequence().RunAsync("all", "planned", stopAtFirstFailure: false,
            name =>
            {
                attempted.Add(name);
                return name == "dev" ? throw new PipelineFailedException("unreachable") : Task.FromResult(name);
            }));

        Assert.Equal(["dev", "staging", "prod", "lab"], attempted);
        Assert.Equal("dev: unreachable", failure.Message);
        Assert.Contains("planned: staging, prod, lab; failed: dev", _printed.ToString());
    }

    [Fact]
    public async Task Every_environment_succeeding_returns_each_result_in_order()
    {
        var results = await Sequence().RunAsync("prod,dev", "deployed", stopAtFirstFailure: true, name => Task.FromResult(name.ToUpperInvariant()));

        Assert.Equal(["PROD", "DEV"], results);
        Assert.Contains("deployed: prod, dev; failed: none", _printed.ToString());
    }

    [Fact]
    public async Task A_selection_naming_no_environment_fails()
    {
        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => Sequence().RunAsync(" , ", "deployed", stopAtFirstFailure: true, Task.FromResult));

        Assert.Contains("names no environment", failure.Message);
    }

    [Fact]
    public async Task Deploy_of_a_list_stops_at_the_first_environment_that_fails_before_touching_the_next()
    {
        var layout = Repo.Scratch();

        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() =>
            new DeployStep(layout, PlainTextConsole.Writing(_printed)).RunAsync("nosuch,dev", new DeployOptions()));

        Assert.Equal("nosuch: nosuch is not valid; nothing was deployed (not attempted: dev)", failure.Message);
        Assert.Contains("deployed: none; failed: nosuch; not attempted: dev", _printed.ToString());
        Assert.False(Directory.Exists(layout.ArtifactsFor("dev")));
    }

    [Fact]
    public async Task Plan_of_a_list_plans_every_environment_even_after_one_fails()
    {
        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() =>
            new PlanStep(Repo.Scratch(), PlainTextConsole.Writing(_printed)).RunAsync("nosuch,other", new DeployOptions()));

        Assert.Equal("nosuch: nosuch is not valid; nothing was deployed | other: other is not valid; nothing was deployed", failure.Message);
        Assert.Contains("planned: none; failed: nosuch, other", _printed.ToString());
    }

    [Fact]
    public async Task Smoke_of_a_list_checks_every_environment_even_after_one_fails()
    {
        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() =>
            new SmokeStep(Repo.Scratch(), PlainTextConsole.Writing(_printed)).RunAsync("nosuch,other"));

        Assert.Equal("nosuch: cannot load the environment or its secrets | other: cannot load the environment or its secrets", failure.Message);
        Assert.Contains("passed: none; failed: nosuch, other", _printed.ToString());
    }

    private EnvironmentSequence Sequence() => new(Repo.Layout, PlainTextConsole.Writing(_printed));
}
