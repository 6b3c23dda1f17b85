namespace SwarmPgGitOps.Tests.Workflows;

/// <summary>
/// Least privilege and bounded runs: the workflow's own token permissions are none or read-only, every job states the
/// permissions it needs and a timeout, and run steps use bash with -euo pipefail.
/// </summary>
public class JobPolicyTests
{
    public static TheoryData<string> Workflows() => WorkflowFiles.WorkflowNames();

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Workflow_permissions_are_none_or_read_only(string name)
    {
        var workflow = WorkflowFiles.Named(name);
        var permissions = Yaml.Child(workflow.Root, "permissions");

        Assert.True(permissions is not null, $"{workflow.Path}: add a top-level `permissions: {{}}` (jobs state their own)");
        var readOnly = permissions switch
        {
            YamlDotNet.RepresentationModel.YamlScalarNode scalar => scalar.Value == "read-all",
            YamlDotNet.RepresentationModel.YamlMappingNode mapping => mapping.Children.Values.All(v => v.ToString() is "read" or "none"),
            _ => false,
        };
        Assert.True(readOnly, $"{workflow.Path}: top-level permissions must be {{}} or read-only; give write access to the job that needs it");
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Every_job_states_its_permissions_and_a_timeout(string name)
    {
        var workflow = WorkflowFiles.Named(name);
        Assert.NotEmpty(workflow.Jobs);

        var missing = workflow.Jobs
            .SelectMany(job => new[] { "permissions", "timeout-minutes" }.Where(key => !job.Has(key)).Select(key => $"job {job.Id} has no {key}"))
            .ToList();

        Assert.True(missing.Count == 0, $"{workflow.Path}:\n{string.Join("\n", missing)}");
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Run_steps_use_strict_bash(string name)
    {
        var workflow = WorkflowFiles.Named(name);
        var shell = Yaml.Scalar(Yaml.Mapping(Yaml.Mapping(workflow.Root, "defaults"), "run"), "shell") ?? "";

        Assert.True(shell.StartsWith("bash", StringComparison.Ordinal) && shell.Contains("-euo pipefail", StringComparison.Ordinal),
            $"{workflow.Path}: set defaults.run.shell to `bash --noprofile --norc -euo pipefail {{0}}` (it is '{shell}')");
        var overridden = workflow.Jobs.SelectMany(j => j.Steps.Where(s => Yaml.Scalar(s, "shell") is not null).Select(s => $"job {j.Id}: {Yaml.Scalar(s, "name") ?? Yaml.Scalar(s, "run")}"));
        Assert.Empty(overridden);
    }
}

/// <summary>A job that runs the unit tests on a GitHub runner first installs what they need, with the project's own script.</summary>
public class UnitTestPrerequisitesTests
{
    public static TheoryData<string> Workflows() => WorkflowFiles.WorkflowNames();

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Unit_tests_run_only_after_the_prerequisites_script(string name)
    {
        var workflow = WorkflowFiles.Named(name);
        foreach (var job in workflow.Jobs)
        {
            var runs = job.Steps.Select(s => Yaml.Scalar(s, "run") ?? "").ToList();
            var tests = runs.FindIndex(r => r.Contains("dotnet test", StringComparison.Ordinal) || r.Contains("--target=Test", StringComparison.Ordinal));
            if (tests < 0)
                continue;
            var prerequisites = runs.FindIndex(r => r.Contains("build/prerequisites.sh", StringComparison.Ordinal));
            Assert.True(prerequisites >= 0 && prerequisites < tests,
                $"{workflow.Path}: job {job.Id} runs the tests without `sudo build/prerequisites.sh` before them (the pg_hba agreement test needs a PostgreSQL server)");
        }
    }
}
