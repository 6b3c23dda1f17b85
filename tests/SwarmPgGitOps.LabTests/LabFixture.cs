using System.Security.Cryptography;
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

    public static string RandomPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('/', '_').Replace('+', '-');

    public void Dispose() => Docker.Dispose();
}

[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabFixture>;
