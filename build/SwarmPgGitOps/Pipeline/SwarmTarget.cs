using Docker.DotNet;
using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// What Plan and Deploy share before they touch anything: the environment validated, its artifacts written, the
/// rendered stack.yml read back as the single source of truth, and a client for the swarm that passed preflight.
/// </summary>
public sealed class SwarmTarget : IDisposable
{
    private SwarmTarget(EnvironmentDocument environment, DesiredStack desired, DockerClient docker, string endpoint)
    {
        Environment = environment;
        Desired = desired;
        Docker = docker;
        Endpoint = endpoint;
    }

    public EnvironmentDocument Environment { get; }
    public DesiredStack Desired { get; }
    public DockerClient Docker { get; }
    public string Endpoint { get; }

    public static async Task<SwarmTarget> PrepareAsync(ProjectLayout layout, IAnsiConsole console, string name, CancellationToken cancellation = default)
    {
        var report = new Validator(layout).Validate(name);
        DiagnosticPrinter.Print(console, report.Diagnostics);
        if (!report.Passed)
            throw new PipelineFailedException($"{name} is not valid; nothing was deployed");

        var directory = new ArtifactWriter(layout).Write(report.Rendered!);
        var environment = EnvironmentLoader.Load(layout, name).Unwrap();
        var desired = StackConverter.Convert(StackFile.Load(Path.Combine(directory, "stack.yml")), environment.Spec.Stack, directory);

        var connected = DockerEndpoint.Connect(environment);
        DiagnosticPrinter.Print(console, connected.Diagnostics);
        var docker = connected.Value ?? throw new PipelineFailedException("no swarm endpoint; nothing was changed");
        var endpoint = docker.Options.Endpoint.ToString();

        var problems = await Preflight.CheckAsync(docker, endpoint, desired, cancellation);
        foreach (var problem in problems)
            console.MarkupLine($"[red]preflight: {Markup.Escape(problem)}[/]");
        if (problems.Count > 0)
        {
            docker.Dispose();
            throw new PipelineFailedException($"preflight failed for {name}; nothing was changed");
        }
        return new SwarmTarget(environment, desired, docker, endpoint);
    }

    public void Dispose() => Docker.Dispose();
}
