using System.Text;
using Docker.DotNet;
using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Validation;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// What Plan, Deploy and Drift share before they touch anything: the environment loaded, validated and rendered once,
/// its artifacts written, the rendered stack.yml as the single source of truth, its passwords, and a client for the swarm
/// that passed preflight.
/// </summary>
public sealed class SwarmTarget : IDisposable
{
    private SwarmTarget(EnvironmentDocument environment, RenderedEnvironment rendered, SecretValues secrets, DesiredStack desired, DockerClient docker, string endpoint)
    {
        Environment = environment;
        Rendered = rendered;
        Secrets = secrets;
        Desired = desired;
        Docker = docker;
        Endpoint = endpoint;
    }

    public EnvironmentDocument Environment { get; }
    public RenderedEnvironment Rendered { get; }
    public SecretValues Secrets { get; }
    public DesiredStack Desired { get; }
    public DockerClient Docker { get; }
    public string Endpoint { get; }

    public static async Task<SwarmTarget> PrepareAsync(ProjectLayout layout, IAnsiConsole console, string name,
        Func<string, string?>? variable = null, CancellationToken cancellation = default)
    {
        var report = new Validator(layout).Validate(name);
        DiagnosticPrinter.Print(console, report.Diagnostics);
        if (!report.Passed || report is not { Document: { } environment, Rendered: { } rendered })
            throw new PipelineFailedException($"{name} is not valid; nothing was deployed");

        var directory = new ArtifactWriter(layout).Write(rendered);
        var secrets = new SecretResolver(layout, variable).Resolve(environment);
        DiagnosticPrinter.Print(console, secrets.Diagnostics);
        if (secrets.Value is null)
            throw new PipelineFailedException($"the passwords of {name} are not available; nothing was changed");
        var stack = StackConverter.FromRendered(rendered, directory);
        // The secrets' fingerprints (slow hashes on purpose) are computed while preflight asks the swarm, which needs
        // only the services' placement; a value that is missing is still said first.
        var fingerprinted = Task.Run(() => stack.WithSecretValues(secrets.Value), cancellation);

        var connected = DockerEndpoint.Connect(environment, variable);
        DiagnosticPrinter.Print(console, connected.Diagnostics);
        var docker = connected.Value ?? throw new PipelineFailedException("no swarm endpoint; nothing was changed");
        var endpoint = docker.Options.Endpoint.ToString();

        var preflight = Preflight.CheckAsync(docker, endpoint, stack, cancellation);
        DesiredStack desired;
        try
        {
            desired = await fingerprinted;
        }
        catch
        {
            await preflight.Settled();
            docker.Dispose();
            throw;
        }
        var problems = await preflight;
        foreach (var problem in problems)
            console.MarkupLine($"[red]preflight: {Markup.Escape(problem)}[/]");
        if (problems.Count > 0)
        {
            docker.Dispose();
            throw new PipelineFailedException($"preflight failed for {name}; nothing was changed");
        }
        return new SwarmTarget(environment, rendered, secrets.Value, desired, docker, endpoint);
    }

    public void Dispose() => Docker.Dispose();
}
