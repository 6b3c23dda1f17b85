using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet;
using SwarmPgGitOps.Lab;

namespace SwarmPgGitOps.LabTests;

/// <summary>The running lab (.lab/lab.json) and clients for it. Tests that need the lab fail, not skip, when it is down.</summary>
public sealed class LabFixture : IDisposable
{
    public LabFixture()
    {
        Layout = ProjectLayout.Discover(AppContext.BaseDirectory);
        Info = LabInfo.Read(Layout);
        Docker = new DockerClientBuilder().WithEndpoint(new Uri(Info.Endpoint)).Build();
    }

    public ProjectLayout Layout { get; }
    public LabInfo Info { get; }
    public DockerClient Docker { get; }

    public LabNode Node(string name) => Info.Nodes.Single(n => n.Name == name);

    /// <summary>Runs the docker CLI against one engine of the lab; fails the test with its output when it fails.</summary>
    public static async Task<string> DockerCli(string endpoint, IEnumerable<string> arguments, string? input = null, bool check = true)
    {
        var command = Cli.Wrap("docker").WithArguments(["-H", endpoint, .. arguments]).WithValidation(CommandResultValidation.None);
        if (input is not null)
            command = command.WithStandardInputPipe(PipeSource.FromString(input));
        var result = await command.ExecuteBufferedAsync();
        if (check && result.ExitCode != 0)
            throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>Removes a stack, waits for its containers to go, then removes its secrets and its volumes on every node.</summary>
    public async Task RemoveStackAsync(string stack)
    {
        await DockerCli(Info.Endpoint, ["stack", "rm", stack], check: false);
        foreach (var node in Info.Nodes)
        {
            await Waits.Until(async () => (await DockerCli(node.Socket, ["ps", "-aq", "--filter", $"label=com.docker.stack.namespace={stack}"])).Trim().Length == 0,
                TimeSpan.FromSeconds(90), $"the containers of {stack} on {node.Name} to go");
        }
        var secrets = (await DockerCli(Info.Endpoint, ["secret", "ls", "-q", "--filter", $"name={stack}_"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (secrets.Length > 0)
            await DockerCli(Info.Endpoint, ["secret", "rm", .. secrets], check: false);
        var configs = (await DockerCli(Info.Endpoint, ["config", "ls", "-q", "--filter", $"name={stack}_"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (configs.Length > 0)
            await DockerCli(Info.Endpoint, ["config", "rm", .. configs], check: false);
        foreach (var node in Info.Nodes)
        {
            var volumes = (await DockerCli(node.Socket, ["volume", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={stack}"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (volumes.Length > 0)
                await DockerCli(node.Socket, ["volume", "rm", .. volumes]);
        }
    }

    /// <summary>A copy of environments/ and templates/ in a temporary folder, for tests that change an environment file.</summary>
    public ProjectLayout ScratchProject()
    {
        var root = Directory.CreateTempSubdirectory("spg-labtest-").FullName;
        foreach (var folder in new[] { "environments", "templates" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Layout.Root, folder)))
                File.Copy(file, Path.Combine(root, folder, Path.GetFileName(file)));
        }
        return new ProjectLayout(root);
    }

    public void Dispose() => Docker.Dispose();
}

[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabFixture>;
