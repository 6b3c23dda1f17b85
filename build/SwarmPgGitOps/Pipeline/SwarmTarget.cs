using Docker.DotNet;
using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// What Plan and Deploy share before they touch anything: the environment validated, its artifacts written, the
/// rendered stack.yml read back as the single source of truth, and a client for the swarm that passed preflight.
/// </summary>
public sealed class SwarmTarget : IDisposable
{
    private SwarmTarget(EnvironmentDocument environment, SecretValues secrets, DesiredStack desired, DockerClient docker, string endpoint)
    {
        Environment = environment;
        Secrets = secrets;
        Desired = desired;
        Docker = docker;
        Endpoint = endpoint;
    }

    public EnvironmentDocument Environment { get; }
    public SecretValues Secrets { get; }
    public DesiredStack Desired { get; }
    public DockerClient Docker { get; }
    public string Endpoint { get; }

    public static async Task<SwarmTarget> PrepareAsync(ProjectLayout layout, IAnsiConsole console, string name,
        Func<string, string?>? variable = null, CancellationToken cancellation = default)
    {
        var report = new Validator(layout).Validate(name);
        DiagnosticPrinter.Print(console, report.Diagnostics);
        if (!report.Passed)
            throw new PipelineFailedException($"{name} is not valid; nothing was deployed");

        var directory = new ArtifactWriter(layout).Write(report.Rendered!);
        var environment = EnvironmentLoader.Load(layout, name).Unwrap();
        var secrets = new SecretResolver(layout, variable).Resolve(environment);
        DiagnosticPrinter.Print(console, secrets.Diagnostics);
        if (secrets.Value is null)
            throw new PipelineFailedException($"the passwords of {name} are not available; nothing was changed");
        var desired = StackConverter.Convert(StackFile.Load(Path.Combine(directory, "stack.yml")), environment.Spec.Stack, directory)
            .WithSecretValues(secrets.Value);

        var connected = DockerEndpoint.Connect(environment, variable);
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
        return new SwarmTarget(environment, secrets.Value, desired, docker, endpoint);
    }

    public void Dispose() => Docker.Dispose();
}
