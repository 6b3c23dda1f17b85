using CliWrap;
using Spectre.Console;

namespace SwarmPgGitOps.Pipeline;

/// <summary>Runs a child process with its output streamed to the console as it comes, and returns its exit code.</summary>
public sealed class ProcessRunner(IAnsiConsole console)
{
    public async Task<int> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null, CancellationToken cancellation = default)
    {
        var command = Cli.Wrap(program)
            .WithArguments(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => console.WriteLine(line)))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => console.WriteLine(line)));
        var result = await command.ExecuteAsync(cancellation);
        return result.ExitCode;
    }

    public int Run(string program, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null) =>
        RunAsync(program, arguments, workingDirectory, environment).GetAwaiter().GetResult();
}
