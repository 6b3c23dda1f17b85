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
            string[] Volumes(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var list = new[] { "volume", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={stack}" };
            var volumes = Volumes(await DockerCli(node.Socket, list));
            if (volumes.Length == 0)
                continue;
            // A volume listed a moment ago may be gone by now ("no such volume"): what counts is that none is left.
            var removal = await DockerCli(node.Socket, ["volume", "rm", .. volumes], check: false);
            if (Volumes(await DockerCli(node.Socket, list)) is { Length: > 0 } left)
                throw new InvalidOperationException($"volumes of {stack} left on {node.Name}: {string.Join(", ", left)} ({removal.Trim()})");
        }
    }

    /// <summary>A scratch copy of this checkout's environments/ and templates/, the lab file edited as given.</summary>
    public ProjectLayout ScratchProject(params (string Find, string Replace)[] labEdits) => TestSupport.ScratchProject.CopyOf(Layout, labEdits);

    /// <summary>A scratch project whose lab environment is the classic layout's fixture (primary and replicas), edited as given.</summary>
    public ProjectLayout ClassicScratchProject(params (string Find, string Replace)[] labEdits) => TestSupport.ScratchProject.ClassicCopyOf(Layout, labEdits);

    /// <summary>Replaces text that must be in a scratch file; returns an action that puts the original back.</summary>
    public static Action EditFile(string file, string find, string replace)
    {
        var original = File.ReadAllText(file);
        Assert.Contains(find, original);
        File.WriteAllText(file, original.Replace(find, replace, StringComparison.Ordinal));
        return () => File.WriteAllText(file, original);
    }

    /// <summary>Edits that turn the lab environment into a stack of its own on the same lab: name, ports and subnet.</summary>
    public static (string Find, string Replace)[] OwnStack(string stack, int firstPort, int subnetOctet) =>
    [
        ("stack: pg-lab", $"stack: {stack}"),
        ("port: 5432", $"port: {firstPort}"),
        ("port: 5433", $"port: {firstPort + 1}"),
        ("port: 5434", $"port: {firstPort + 2}"),
        ("subnet: 10.201.0.0/24", $"subnet: 10.{subnetOctet}.0.0/24"),
    ];

    /// <summary>
    /// Edits that take backups out of the lab environment (its backup section and the certificates' secrets): a stack
    /// whose tests are not about backups is deployed and checked without a repository, as quickly as before.
    /// </summary>
    public static (string Find, string Replace)[] WithoutBackup()
    {
        var text = File.ReadAllText(ProjectLayout.Discover(AppContext.BaseDirectory).EnvironmentFile("lab"));
        var start = text.IndexOf("# pgBackRest:", StringComparison.Ordinal);
        var end = text.IndexOf("access:", start, StringComparison.Ordinal);
        return
        [
            (text[start..end], ""),
            .. text.Split('\n').Where(line => line.TrimStart().StartsWith("backup_tls_", StringComparison.Ordinal)).Select(line => (line + "\n", "")),
        ];
    }

    /// <summary>The edit that points the lab environment at a TCP endpoint with the TLS client certificates in a folder.</summary>
    public static (string Find, string Replace) TlsEndpoint(string endpoint, string certPath) =>
        ("endpoint: unix:///run/swarm-pg-lab/node1/docker.sock", $"endpoint: {endpoint}\n  tls:\n    cert_path: {certPath}");

    public void Dispose() => Docker.Dispose();
}

/// <summary>
/// One of the two lanes the lab tests run in, side by side (xunit.runner.json: two threads): the classic layout's
/// classes, one after another (several share the stack pg-lab), the fault suites (run on their own, after the rest),
/// and Patroni classes with stacks of their own that even the two lanes out.
/// </summary>
[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabFixture>;

/// <summary>The other lane: Patroni layout classes, one after another, each on a stack, ports and subnet of its own.</summary>
[CollectionDefinition("patroni")]
public sealed class PatroniCollection : ICollectionFixture<LabFixture>;
