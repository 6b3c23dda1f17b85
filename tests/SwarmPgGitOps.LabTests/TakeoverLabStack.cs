using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The move from the classic layout (tests/SwarmPgGitOps.Tests/Fixtures/migration) on a stack of its own (pg-mig, ports
/// 5512-5514, subnet 10.211.0.0/24): the classic fixture deployed by the pipeline's Deploy first; the test then swaps the
/// scratch environment file for the Patroni one (same environment name, so the same passwords) and deploys again.
/// Removed afterwards with its volumes.
/// </summary>
public sealed class TakeoverLabStack : IAsyncLifetime
{
    public const string Stack = "pg-mig";
    private static readonly (string Find, string Replace)[] OwnStack = LabFixture.OwnStack(Stack, 5512, 211);

    public LabFixture Lab { get; } = new();
    public ProjectLayout Layout { get; private set; } = null!;
    public EnvironmentDocument Environment { get; private set; } = null!;
    public SecretValues Passwords { get; private set; } = null!;
    public DeployOutcome ClassicDeploy { get; private set; } = null!;
    public StringWriter Output { get; } = new();

    public async Task InitializeAsync()
    {
        Layout = Lab.ScratchProject();
        UseFixture("classic");
        await Lab.RemoveStackAsync(Stack);
        ClassicDeploy = await Deploy();
    }

    public async Task DisposeAsync()
    {
        await Lab.RemoveStackAsync(Stack);
        Lab.Dispose();
        Directory.Delete(Layout.Root, recursive: true);
    }

    /// <summary>Makes the scratch lab.yml the fixture's classic or patroni file, moved to this class's stack.</summary>
    public void UseFixture(string layout)
    {
        var fixture = File.ReadAllText(Path.Combine(Lab.Layout.Root, "tests", "SwarmPgGitOps.Tests", "Fixtures", "migration", layout, "environments", "lab.yml"));
        File.WriteAllText(Layout.EnvironmentFile("lab"), OwnStack.Aggregate(fixture, (text, edit) => text.Replace(edit.Find, edit.Replace, StringComparison.Ordinal)));
        Reload();
    }

    public async Task<DeployOutcome> Deploy(DeployOptions? options = null)
    {
        var outcome = (await new DeployStep(Layout, LabStack.PlainConsole(Output)).RunAsync("lab", options ?? new DeployOptions())).Single();
        Reload();
        return outcome;
    }

    public Task<SmokeReport> Smoke() => new SmokeStep(Layout, LabStack.PlainConsole(Output)).RunAsync(Environment, Passwords);

    /// <summary>Where each PostgreSQL server of the current file answers: the classic primary and replicas, or the members.</summary>
    public IReadOnlyList<(string Name, string Host, int Port)> Servers() => EnvironmentLayouts.Of(Environment.Spec) == EnvironmentLayout.Patroni
        ? Environment.Spec.PatroniCluster().Members.Select(m => (m.Name, m.ConnectHost!, m.Port!.Value)).ToList()
        : Environment.Spec.Classic().Replicas.Select(r => (r.Name, r.ConnectHost!, r.Port))
            .Prepend((Environment.Spec.Classic().Primary.Name, Environment.Spec.Classic().Primary.ConnectHost!, Environment.Spec.Classic().Primary.Port)).ToList();

    public NpgsqlConnection Connect((string Name, string Host, int Port) server) => LabConnections.Superuser(server.Host, server.Port, Passwords.SuperuserPassword);

    /// <summary>Every server's host and port, for a client that finds the writable one itself (target_session_attrs=read-write).</summary>
    public string WriterConnectionString(int timeoutSeconds = 2) =>
        LabConnections.ReadWrite(Servers().Select(s => (s.Host, s.Port)), Passwords.SuperuserPassword, timeoutSeconds);

    private void Reload()
    {
        Environment = EnvironmentLoader.Load(Layout, "lab").Unwrap();
        Passwords = new SecretResolver(Layout).Resolve(Environment).Unwrap();
    }
}
