using System.Text.RegularExpressions;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Workflows;

/// <summary>
/// Every <c>./build.sh --target=X --env=Y</c> in a workflow step or in .github/scripts names a task of build/build.cake and
/// environments that have a file in environments/ (or <c>all</c>), so renaming a task or an environment breaks a test,
/// not a deploy.
/// </summary>
public partial class BuildInvocationTests
{
    private sealed record Invocation(string Where, string Target, string? Env, Job? Job);

    public static IReadOnlySet<string> CakeTasks()
    {
        var cake = File.ReadAllText(Path.Combine(Repo.Layout.Root, "build", "build.cake"));
        return CakeTask().Matches(cake).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<Invocation> Invocations()
    {
        foreach (var workflow in WorkflowFiles.Workflows)
            foreach (var job in workflow.Jobs)
                foreach (var step in job.Steps)
                    if (Yaml.Scalar(step, "run") is { } run)
                        foreach (var invocation in Parse(run, $"{workflow.Path} job {job.Id}", job))
                            yield return invocation;
        foreach (var script in WorkflowFiles.Scripts)
            foreach (var invocation in Parse(File.ReadAllText(script), Repo.Layout.Display(script), job: null))
                yield return invocation;
    }

    private static IEnumerable<Invocation> Parse(string text, string where, Job? job) =>
        BuildCommand().Matches(text).Select(m => new Invocation(where,
            m.Groups["target"].Success ? m.Groups["target"].Value : "Default",
            m.Groups["env"].Success ? m.Groups["env"].Value : null, job));

    [Fact]
    public void Workflows_run_the_pipeline_at_all()
    {
        var targets = Invocations().Select(i => i.Target).ToHashSet();
        Assert.Superset(new HashSet<string> { "Render", "Validate", "Deploy", "Drift", "DriftPr" }, targets);
    }

    [Fact]
    public void Every_target_is_a_task_of_build_cake()
    {
        var tasks = CakeTasks();
        Assert.Contains("Render", tasks); // the Task("...") pattern still matches build.cake

        var unknown = Invocations().Where(i => !tasks.Contains(i.Target)).Select(i => $"{i.Where}: --target={i.Target}").ToList();

        Assert.True(unknown.Count == 0, $"targets that build/build.cake has no Task for (it has {string.Join(", ", tasks.Order())}):\n{string.Join("\n", unknown)}");
    }

    [Fact]
    public void Every_env_is_an_environment_file_or_all()
    {
        var known = Repo.Layout.EnvironmentNames().Append("all").ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var invocation in Invocations().Where(i => i.Env is not null))
        {
            var names = Resolve(invocation);
            if (names.Count == 0)
                problems.Add($"{invocation.Where}: --env={invocation.Env} cannot be checked: write a name, all, or ${{{{ matrix.<key> }}}}");
            problems.AddRange(names.Where(n => !known.Contains(n)).Select(n => $"{invocation.Where}: --env={invocation.Env}: no environments/{n}.yml"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void A_matrix_env_is_resolved_to_the_matrix_values()
    {
        var drift = WorkflowFiles.Named("drift.yml").Job("drift");
        var invocation = Parse("./build.sh --target=Drift --env=${{ matrix.environment }}", "example", drift).Single();

        Assert.Equal(new[] { "dev", "staging", "prod" }, Resolve(invocation));
    }

    /// <summary>The environment names an --env value stands for: a comma-separated list, or every value of a matrix key.</summary>
    private static IReadOnlyList<string> Resolve(Invocation invocation)
    {
        var value = invocation.Env!.Trim('"', '\'');
        if (MatrixExpression().Match(value) is { Success: true } matrix)
            return invocation.Job?.MatrixValues(matrix.Groups["key"].Value) ?? [];
        if (value.Contains('$'))
            return [];
        return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [GeneratedRegex("""\bTask\("(?<name>[^"]+)"\)""")]
    private static partial Regex CakeTask();

    [GeneratedRegex("""\./build\.sh(?:[ \t]+(?:--target=(?<target>[^\s;&|)]+)|--env=(?<env>"?\$\{\{.*?\}\}"?|[^\s;&|)]+)|--[\w-]+(?:=[^\s;&|)]+)?))*""")]
    private static partial Regex BuildCommand();

    [GeneratedRegex("""^\$\{\{\s*matrix\.(?<key>[\w-]+)\s*\}\}$""")]
    private static partial Regex MatrixExpression();
}
