using System.Text.Json;
using Npgsql;
using Spectre.Console;
using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.GitHub;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.TestSupport.GitHub;
using Xunit.Abstractions;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// Drift and DriftPr against a real cluster of their own and the GitHub test double: in sync after a deploy, then changed
/// by hand (an image tag, an env var, ALTER SYSTEM), reported and proposed as a pull request, then restored, in sync again
/// and the pull request closed. Everything changed is put back; the stack is removed by the fixture.
/// </summary>
[Collection("lab")]
public class DriftLabTests(DriftLabStack stack, ITestOutputHelper output) : IClassFixture<DriftLabStack>
{
    private const string LabImage = "swarm-pg/postgres:15-lab";
    private const string DriftImage = "swarm-pg/postgres:15-drift";

    private string Service(string name) => $"{stack.Stack}_{name}";

    [Fact]
    public async Task Right_after_deploy_drift_is_in_sync_and_drift_pr_has_nothing_to_do()
    {
        await stack.WaitUntilHealthy();
        await using var github = await GitHubDouble.Start(LabFileOnMain());

        var report = Assert.Single(await Drift());
        var (_, pull) = Assert.Single(await DriftPr(github));

        Assert.True(report.InSync, string.Join("\n", report.Items));
        Assert.True(ReadDriftJson().GetProperty("in_sync").GetBoolean());
        Assert.Equal(DriftPullRequestAction.Nothing, pull.Action);
        Assert.Empty(github.PullRequests);
    }

    [Fact]
    public async Task Hand_changes_are_reported_proposed_as_a_pull_request_and_the_pull_request_closes_once_restored()
    {
        await stack.WaitUntilHealthy();
        await using var github = await GitHubDouble.Start(LabFileOnMain());
        var primary = stack.Environment.Spec.Classic().Primary.Name;
        var replica = stack.Environment.Spec.Classic().Replicas[0].Name;
        try
        {
            await TagOnEveryNode(LabImage, DriftImage);
            try
            {
                await DockerCli("service", "update", "--detach=true", "--no-resolve-image", "--image", DriftImage, Service(primary));
                await DockerCli("service", "update", "--detach=true", "--env-add", $"APP_API_TOKEN={HandAddedSecret}", Service(replica));
                await stack.WaitUntilHealthy();
                await Sql("ALTER SYSTEM SET work_mem = '8MB'", "SELECT pg_reload_conf()");

                var drifted = await Assert.ThrowsAsync<PipelineFailedException>(Drift);

                Assert.Equal(2, drifted.ExitCode);
                Assert.Equal(
                [
                    new DriftItem($"service {Service(primary)}", "image", LabImage, DriftImage, "postgres.image", DriftImage),
                    new DriftItem($"service {Service(replica)}", "env", "(hidden)", "differs: APP_API_TOKEN added"),
                    new DriftItem("database primary", "settings.work_mem", "(default) 4MB", "8MB (ALTER SYSTEM)", "postgres.settings.extra.work_mem", "8MB"),
                ], ReadDriftItems());

                var proposed = await Assert.ThrowsAsync<PipelineFailedException>(() => DriftPr(github));

                Assert.Equal(2, proposed.ExitCode);
                var pull = Assert.Single(github.PullRequests);
                Assert.Equal(("drift/lab", "open", "Drift in lab: 3 difference(s)"), (pull.Head, pull.State, pull.Title));
                Assert.DoesNotContain(HandAddedSecret, pull.Body);
                Assert.DoesNotContain(HandAddedSecret, github.Git.Show("drift/lab", "drift/lab.md"));
                Assert.DoesNotContain(HandAddedSecret, File.ReadAllText(Path.Combine(stack.Layout.ArtifactsFor("lab"), "drift.json")));
                var adopted = EnvironmentLoader.Parse(github.Git.Show("drift/lab", "environments/lab.yml"), "environments/lab.yml", "lab").Unwrap().Spec;
                Assert.Equal(DriftImage, adopted.Postgres.Image);
                Assert.Equal("8MB", adopted.Postgres.Settings.Extra["work_mem"]);
                Assert.Equal(File.ReadAllText(stack.Layout.EnvironmentFile("lab")), github.Git.Show("main", "environments/lab.yml"));
                Assert.Empty(github.Unhandled);
            }
            finally
            {
                await Restore();
            }

            var report = Assert.Single(await Drift());
            var (_, closed) = Assert.Single(await DriftPr(github));

            Assert.True(report.InSync, string.Join("\n", report.Items));
            Assert.Equal(DriftPullRequestAction.Closed, closed.Action);
            Assert.Equal("closed", Assert.Single(github.PullRequests).State);
            Assert.Null(github.Git.ResolveRef("refs/heads/drift/lab"));
        }
        finally
        {
            foreach (var node in stack.Lab.Info.Nodes)
                await LabFixture.DockerCli(node.Socket, ["rmi", DriftImage], check: false);
        }
    }

    /// <summary>Deploy puts git's services back; ALTER SYSTEM RESET takes work_mem out of postgresql.auto.conf.</summary>
    private async Task Restore()
    {
        await stack.Deploy();
        await stack.WaitUntilHealthy();
        await Sql("ALTER SYSTEM RESET work_mem", "SELECT pg_reload_conf()");
    }

    /// <summary>A token added by hand as an env var (not PGPASSWORD: libpq would prefer it to the replica's passfile): drift says it was added, and never prints it.</summary>
    private const string HandAddedSecret = "hand-added-Secret-4711";

    private Dictionary<string, string> LabFileOnMain() => new() { ["environments/lab.yml"] = File.ReadAllText(stack.Layout.EnvironmentFile("lab")) };

    private Task<IReadOnlyList<DriftReport>> Drift() => new DriftStep(stack.Layout, Console()).RunAsync("lab");

    private Task<IReadOnlyList<(DriftReport, DriftPullRequestResult)>> DriftPr(GitHubDouble github) =>
        new DriftPrStep(stack.Layout, Console(), github.Settings()).RunAsync("lab");

    private IAnsiConsole Console()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new OutputWriter(output)), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        return console;
    }

    private JsonElement ReadDriftJson() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(stack.Layout.ArtifactsFor("lab"), "drift.json"))).RootElement;

    private List<DriftItem> ReadDriftItems() =>
        ReadDriftJson().GetProperty("items").EnumerateArray().Select(i => new DriftItem(
            i.GetProperty("object").GetString()!, i.GetProperty("field").GetString()!, i.GetProperty("git").GetString()!, i.GetProperty("live").GetString()!,
            i.GetProperty("adopt_path").GetString(), i.GetProperty("adopt_value").GetString())).ToList();

    private async Task TagOnEveryNode(string image, string tag)
    {
        foreach (var node in stack.Lab.Info.Nodes)
            await LabFixture.DockerCli(node.Socket, ["tag", image, tag]);
    }

    private Task<string> DockerCli(params string[] arguments) => LabFixture.DockerCli(stack.Lab.Info.Endpoint, arguments);

    private async Task Sql(params string[] statements)
    {
        await using var primary = stack.ConnectPrimary();
        foreach (var statement in statements)
            await stack.Scalar<object>(primary, statement);
    }

    /// <summary>Writes what the steps print to the test's output.</summary>
    private sealed class OutputWriter(ITestOutputHelper output) : StringWriter
    {
        public override void Flush()
        {
            foreach (var line in ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                output.WriteLine(line);
            GetStringBuilder().Clear();
        }

        public override void Write(char value)
        {
            base.Write(value);
            if (value == '\n')
                Flush();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            if (value?.Contains('\n') == true)
                Flush();
        }
    }
}
