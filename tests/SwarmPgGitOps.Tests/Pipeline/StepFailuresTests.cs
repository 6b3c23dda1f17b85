using Spectre.Console;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.TestSupport;

namespace SwarmPgGitOps.Tests.Pipeline;

public class StepFailuresTests
{
    private readonly StringWriter _printed = new();

    [Fact]
    public async Task A_domain_error_ends_the_step_with_its_message_and_exit_code_1()
    {
        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => StepFailures.Translate<int>(Console(),
            () => throw new DeployFailedException("pg-lab is locked by ci-42; waited 60 s. If that run is gone, run again with --break-lock")));

        Assert.Equal("pg-lab is locked by ci-42; waited 60 s. If that run is gone, run again with --break-lock", failure.Message);
        Assert.Equal(1, failure.ExitCode);
        Assert.IsType<DeployFailedException>(failure.InnerException);
    }

    [Fact]
    public void A_domain_error_of_a_synchronous_step_ends_it_the_same_way()
    {
        Action step = () => throw new DriftCheckFailedException("cannot read the primary: timeout");

        var failure = Assert.Throws<PipelineFailedException>(() => StepFailures.Translate(Console(), step));

        Assert.Equal(("cannot read the primary: timeout", 1), (failure.Message, failure.ExitCode));
    }

    [Fact]
    public async Task Diagnostics_are_printed_one_per_line_and_counted()
    {
        Diagnostic[] problems =
        [
            new("environments/lab.yml", 3, 7, "stack must not be empty"),
            new("environments/lab.yml", 9, 1, "replicas is required", "add at least one replica"),
        ];

        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => StepFailures.Translate(Console(), () => throw new DiagnosticsException(problems)));

        Assert.Equal(("2 problem(s)", 1), (failure.Message, failure.ExitCode));
        Assert.Equal(problems.Select(p => p.ToString()), _printed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task The_pipeline_layer_s_own_failure_keeps_its_exit_code()
    {
        var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => StepFailures.Translate(Console(),
            () => throw new PipelineFailedException("drift: lab (1 difference(s))", DriftStep.DriftedExitCode)));

        Assert.Equal(2, failure.ExitCode);
        Assert.Null(failure.InnerException);
    }

    private IAnsiConsole Console() => PlainTextConsole.Writing(_printed);
}
