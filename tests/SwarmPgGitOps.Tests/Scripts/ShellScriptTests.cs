using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Scripts;

/// <summary>The repository's shell scripts (build.sh, the lab, benchmarks, ...): shellcheck finds nothing in any of them.</summary>
public class ShellScriptTests
{
    // Golden/ holds rendered entrypoint scripts: RendererTests shellchecks what the templates render.
    private static readonly string[] NotSource = ["bin", "obj", "node_modules", "artifacts", ".lab", ".git", "tools", "TestResults", "Golden"];

    public static TheoryData<string> Scripts() => new(ScriptPaths());

    /// <summary>Every *.sh of the repository, relative to its root.</summary>
    private static List<string> ScriptPaths() =>
        Find(Repo.Layout.Root).Select(f => Path.GetRelativePath(Repo.Layout.Root, f)).Order(StringComparer.Ordinal).ToList();

    private static IEnumerable<string> Find(string directory) =>
        Directory.EnumerateFiles(directory, "*.sh").Concat(Directory.EnumerateDirectories(directory)
            .Where(d => !NotSource.Contains(Path.GetFileName(d))).SelectMany(Find));

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Shellcheck_finds_nothing(string script)
    {
        var result = await Shellcheck(Path.Combine(Repo.Layout.Root, script));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }

    [Fact]
    public void Every_lab_script_is_checked()
    {
        var scripts = ScriptPaths();

        Assert.Contains(Path.Combine("build", "lab", "lab.sh"), scripts);
        Assert.Contains(Path.Combine("build", "lab", "lib", "engines.sh"), scripts);
        Assert.Contains(Path.Combine("benchmarks", "lab-cycle.sh"), scripts);
    }

    [Fact]
    public async Task Shellcheck_reports_a_broken_script_so_a_clean_result_means_something()
    {
        var broken = Path.Combine(Directory.CreateTempSubdirectory("spg-shellcheck-").FullName, "broken.sh");
        await File.WriteAllTextAsync(broken, "#!/usr/bin/env bash\nrm -rf $1/*\n");

        var result = await Shellcheck(broken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("SC2086", result.StandardOutput);
    }

    /// <summary>A daemon is stopped by its pid file: no lab script looks for processes by their command lines.</summary>
    [Fact]
    public void Lab_scripts_find_no_process_by_its_command_line()
    {
        var lab = Path.Combine(Repo.Layout.Root, "build", "lab");
        var offending = Find(lab).Concat([Path.Combine(Repo.Layout.Root, "benchmarks", "lab-cycle.sh")])
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Number: i + 1, Line: line)))
            .Where(l => l.Line.Contains("cmdline", StringComparison.Ordinal) || l.Line.Contains("pgrep -f", StringComparison.Ordinal)
                || l.Line.Contains("pkill", StringComparison.Ordinal) || l.Line.Contains("killall", StringComparison.Ordinal))
            .Select(l => $"{Path.GetRelativePath(Repo.Layout.Root, l.File)}:{l.Number}: {l.Line.Trim()}")
            .ToList();

        Assert.True(offending.Count == 0, string.Join("\n", offending));
    }

    [Fact]
    public async Task Lab_script_loads_its_parts_and_keeps_its_usage()
    {
        var lab = Path.Combine(Repo.Layout.Root, "build", "lab", "lab.sh");

        var help = await Cli.Wrap("bash").WithArguments([lab, "--help"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        var wrong = await Cli.Wrap("bash").WithArguments([lab, "down", "--everything"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

        Assert.True(help.ExitCode == 0, help.StandardError);
        Assert.Contains("up | down [--purge] | status [--quiet]", help.StandardOutput);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("usage:", wrong.StandardError);
    }

    private static Task<BufferedCommandResult> Shellcheck(string script) =>
        Cli.Wrap("shellcheck").WithArguments(["-x", script]).WithWorkingDirectory(Path.GetDirectoryName(script)!)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
}
