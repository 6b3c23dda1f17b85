using System.Text.RegularExpressions;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.ImageRecipe;

/// <summary>The lab build (build-rootfs.sh) and the production Dockerfile run one install script the same way.</summary>
public partial class ImageRecipeTests
{
    private static string ImageDirectory => Path.Combine(Repo.Layout.Root, "build", "image");
    private static Dockerfile Production => Dockerfile.Load(Path.Combine(ImageDirectory, "Dockerfile"));
    private static string Lab => File.ReadAllText(Path.Combine(ImageDirectory, "build-rootfs.sh"));

    [GeneratedRegex("""^\s*cp "\$HERE/(?<source>[^"]+)" "\$ROOTFS(?<target>/[^"]+)"\s*$""", RegexOptions.Multiline)]
    private static partial Regex LabCopy();

    [GeneratedRegex("""^\s*chroot "\$ROOTFS" (?<command>.+?)(\s+>.*)?$""", RegexOptions.Multiline)]
    private static partial Regex LabChroot();

    [GeneratedRegex("""^readonly PG_MAJOR=\$\{1:-(?<major>\d+)\}\s*$""", RegexOptions.Multiline)]
    private static partial Regex LabDefaultMajor();

    [GeneratedRegex("""^(?<major>\d+)\) suite=(?<suite>[a-z]+) ;;$""", RegexOptions.Multiline)]
    private static partial Regex LabSuite();

    private static (string Source, string Target) ProductionCopy()
    {
        var copy = Assert.Single(Production.All("COPY")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, copy.Length);
        return (copy[0], copy[1]);
    }

    [Fact]
    public void Both_builds_copy_the_same_install_script_to_the_same_place()
    {
        var lab = Assert.Single(LabCopy().Matches(Lab));
        var (source, target) = ProductionCopy();

        // The Dockerfile's build context is build/image, the folder build-rootfs.sh calls $HERE.
        Assert.Equal("install.sh", source);
        Assert.Equal(source, lab.Groups["source"].Value);
        Assert.True(File.Exists(Path.Combine(ImageDirectory, source)));
        Assert.Equal(target, lab.Groups["target"].Value);
    }

    [Fact]
    public void Both_builds_run_the_install_script_with_the_same_arguments_and_nothing_else()
    {
        var (_, target) = ProductionCopy();
        var run = Assert.Single(Production.All("RUN"));
        var steps = run.Split("&&").Select(s => s.Trim()).ToList();
        var labCommand = Assert.Single(LabChroot().Matches(Lab)).Groups["command"].Value;

        var install = Assert.Single(steps, s => s.Contains(target, StringComparison.Ordinal));
        Assert.Equal(Words(labCommand), Words(install));
        Assert.Equal($"sh {target} \"$PG_MAJOR\"", install);
        // The only other step removes the copied script, as the lab build does with rm -rf "$ROOTFS/tmp/image".
        var directory = Path.GetDirectoryName(target)!;
        Assert.All(steps.Where(s => s != install), s => Assert.Equal($"rm -r {directory}", s));
        Assert.Contains($"rm -rf \"$ROOTFS{directory}\"", Lab);
    }

    [Fact]
    public void Both_builds_default_to_the_same_major_and_suite()
    {
        var labMajor = LabDefaultMajor().Match(Lab).Groups["major"].Value;
        var suites = LabSuite().Matches(Lab).ToDictionary(m => m.Groups["major"].Value, m => m.Groups["suite"].Value);

        Assert.Equal("17", labMajor);
        Assert.Equal(labMajor, Production.ArgDefault("PG_MAJOR"));
        Assert.Equal(suites[labMajor], Production.ArgDefault("SUITE"));
        Assert.Equal("debian:${SUITE}-slim", Assert.Single(Production.All("FROM")));
    }

    [Fact]
    public void The_recipe_hash_covers_the_install_script()
    {
        Assert.Contains("readonly RECIPE=(\"$HERE/install.sh\" \"$HERE/build-rootfs.sh\")", Lab);
    }

    [Fact]
    public void Production_like_the_lab_import_leaves_the_command_and_user_to_the_stack()
    {
        Assert.Empty(Production.All("USER"));
        Assert.Empty(Production.All("ENTRYPOINT"));
        Assert.Empty(Production.All("CMD"));
    }

    private static string[] Words(string command) => command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
