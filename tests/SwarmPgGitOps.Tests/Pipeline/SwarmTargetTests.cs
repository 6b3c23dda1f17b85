using System.Text.Json;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Pipeline;

public class SwarmTargetTests
{
    public static TheoryData<string> Environments => new(Repo.ShippedEnvironments);

    /// <summary>Plan, Deploy and Drift take the stack from the rendering in memory; it must be the stack the written artifacts hold.</summary>
    [Theory]
    [MemberData(nameof(Environments))]
    public void The_stack_taken_from_the_rendering_is_the_one_read_back_from_the_artifacts(string environment)
    {
        var document = Repo.Load(Repo.EnvironmentText(environment), environment);
        var rendered = new EnvironmentRenderer(Repo.Layout).Render(document).Unwrap();
        var directory = new ArtifactWriter(Repo.Scratch()).Write(rendered);

        var fromMemory = StackConverter.FromRendered(rendered, directory);
        var fromDisk = StackConverter.Convert(StackFile.Load(Path.Combine(directory, "stack.yml")), document.Spec.Stack, directory);

        Assert.Equal(fromDisk.Stack, fromMemory.Stack);
        Assert.Equal(fromDisk.Configs.Select(c => (c.Key, c.Name, Convert.ToHexString(c.Data))), fromMemory.Configs.Select(c => (c.Key, c.Name, Convert.ToHexString(c.Data))));
        Assert.Equal(Json(fromDisk.Secrets), Json(fromMemory.Secrets));
        Assert.Equal(Json(fromDisk.Networks), Json(fromMemory.Networks));
        Assert.Equal(Json(fromDisk.Services), Json(fromMemory.Services));
        Assert.NotEmpty(fromMemory.Configs);
        Assert.NotEmpty(fromMemory.Services);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
