using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// A few bad inputs through the command a user types, `./build.sh --target=Validate --env=...`, as a process: the exit
/// code, and each diagnostic as one whole `file:line:column: message (hint: ...)` line on the console.
/// </summary>
[Trait("Category", "BadInput")]
public partial class ValidateCommandCases
{
    [Fact]
    public async Task Validate_prints_each_problem_on_one_line_and_exits_with_1()
    {
        // The shipped lab first: it passes, and this run also brings the Release library up to date in the repository,
        // so the run on the scratch project below never builds through its links.
        var clean = await BuildSh(Repo.Layout.Root, "--target=Validate", "--env=lab");
        Assert.True(clean.ExitCode == 0, clean.StandardOutput + clean.StandardError);
        Assert.Contains("valid lab", Plain(clean.StandardOutput));

        using var project = new ScratchProject();
        await LinkBuildInto(project.Layout.Root);
        var misspelt = ClassicFixture.LabWith("  port: 5432\n", "  prot: 5432\n");
        var open = ClassicFixture.LabWith("address: 192.168.77.0/24, method: scram-sha-256", "address: 0.0.0.0/0, method: scram-sha-256");
        var tabbed = ClassicFixture.LabWith("  major: 15\n", "\tmajor: 15\n");
        // production: true, in a file whose name does not say so (the classic prod, whose lone synchronous replica is
        // also warned about); an image with an empty tag.
        var prodEu = Repo.With(ClassicFixture.EnvironmentText("prod"), "{ env: PROD_PG_SUPERUSER_PASSWORD }", "{ generate: true }");
        var untagged = ClassicFixture.LabWith("image: swarm-pg/postgres:15-lab", "image: \"swarm-pg/postgres:\"");
        project.WriteEnvironment("misspelt", misspelt);
        project.WriteEnvironment("open", open);
        project.WriteEnvironment("tabbed", tabbed);
        project.WriteEnvironment("prod-eu", prodEu);
        project.WriteEnvironment("untagged", untagged);

        var result = await BuildSh(project.Layout.Root, "--target=Validate", "--env=misspelt,open,tabbed,prod-eu,untagged,absent");

        var output = Plain(result.StandardOutput + result.StandardError);
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.True(result.ExitCode == 1, $"exit code {result.ExitCode}\n{output}");
        var (line, column) = Repo.Position(misspelt, "prot");
        Assert.Contains($"environments/misspelt.yml:{line}:{column}: unknown key 'prot' in 'primary' (hint: did you mean 'port'?)", lines);
        (line, column) = Repo.Position(open, "0.0.0.0/0");
        Assert.Contains($"environments/open.yml:{line}:{column}: access.rules[0]: rule \"host all postgres 0.0.0.0/0 scram-sha-256\" accepts connections from any address "
            + "(hint: Narrow the address to the client networks, or set access.allow_any_address: true in this non-production environment.)", lines);
        (line, column) = Repo.Position(tabbed, "\tmajor");
        Assert.Contains($"environments/tabbed.yml:{line}:{column}: a tab in the indentation: YAML indents with spaces only (hint: replace the tab with spaces)", lines);
        (line, column) = Repo.Position(prodEu, "generate: true");
        Assert.Contains($"environments/prod-eu.yml:{line}:{column + "generate: ".Length}: generated passwords are for local environments, not production "
            + "(hint: supply production passwords from CI secrets with env:)", lines);
        // prod's replica1 is its only synchronous replica: a warning, printed with the error, which alone fails the file.
        (line, column) = Repo.Position(prodEu, "synchronous: true");
        Assert.Contains(lines, l => l.StartsWith($"environments/prod-eu.yml:{line}:{column + "synchronous: ".Length}: warning: replica1 is the only synchronous replica: ", StringComparison.Ordinal));
        Assert.Contains("invalid prod-eu: 1 error(s), 1 warning(s)", output);
        (line, column) = Repo.Position(untagged, "\"swarm-pg/postgres:\"");
        Assert.Contains($"environments/untagged.yml:{line}:{column}: postgres.image has an empty tag: nothing follows the ':' after 'swarm-pg/postgres' "
            + "(hint: write the tag after ':', such as postgres:15.10-bookworm, or remove the ':')", lines);
        Assert.Contains(lines, l => l.StartsWith("environments/absent.yml: environment 'absent' does not exist (hint: environments are the files in environments/: ", StringComparison.Ordinal));
        foreach (var name in new[] { "misspelt", "open", "tabbed", "prod-eu", "untagged", "absent" })
            Assert.Contains($"invalid {name}: 1 error(s)", output);
        Assert.Contains("validation failed for misspelt, open, tabbed, prod-eu, untagged, absent", output);
    }

    private static Task<BufferedCommandResult> BuildSh(string root, params string[] arguments) =>
        Cli.Wrap("bash").WithArguments([Path.Combine(root, "build.sh"), .. arguments])
            .WithEnvironmentVariables(e => e.Set("NO_COLOR", "1").Set("GITHUB_ACTIONS", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(new CancellationTokenSource(TimeSpan.FromMinutes(5)).Token);

    /// <summary>
    /// Gives the scratch project the repository's build.sh and tool manifest (links) and its own build/ folder with a
    /// copy of build.cake next to a link to the library: Cake runs a script from the script's folder, so the pipeline
    /// finds the scratch environments/ and templates/. What build.sh compares with the built library keeps the times
    /// of the repository's files, so it finds the library up to date and never builds through the links; Cake's script
    /// cache stays in the repository's tools/.
    /// </summary>
    private static async Task LinkBuildInto(string root)
    {
        var repo = Repo.Layout.Root;
        File.CreateSymbolicLink(Path.Combine(root, "build.sh"), Path.Combine(repo, "build.sh"));
        Directory.CreateSymbolicLink(Path.Combine(root, ".config"), Path.Combine(repo, ".config"));
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
            CopyWithTime(Path.Combine(repo, file), Path.Combine(root, file));

        var build = Directory.CreateDirectory(Path.Combine(root, "build")).FullName;
        CopyWithTime(Path.Combine(repo, "build", "build.cake"), Path.Combine(build, "build.cake"));
        var tools = Path.Combine(repo, "tools");
        File.WriteAllText(Path.Combine(build, "cake.config"),
            $"[Settings]\nEnableScriptCache=true\nShowProcessCommandLine=false\n\n[Paths]\nTools={tools}\nCache={Path.Combine(tools, "cake-cache")}\n");
        var library = Path.Combine(build, "SwarmPgGitOps");
        Directory.CreateSymbolicLink(library, Path.Combine(repo, "build", "SwarmPgGitOps"));
        // `find` looks at a link given as its starting point, not through it: give the link the library's own time.
        var touched = await Cli.Wrap("touch").WithArguments(["-h", "-r", Path.Combine(library, "bin", "pipeline", "SwarmPgGitOps.dll"), library])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(touched.ExitCode == 0, touched.StandardError);
    }

    private static void CopyWithTime(string source, string destination)
    {
        File.Copy(source, destination);
        File.SetLastWriteTimeUtc(destination, File.GetLastWriteTimeUtc(source));
    }

    private static string Plain(string text) => Ansi().Replace(text, "").Replace("\r", "", StringComparison.Ordinal);

    [GeneratedRegex(@"\x1B\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();
}
