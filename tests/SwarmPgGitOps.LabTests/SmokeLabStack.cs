using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// A stack of the smoke tests' own (pg-smoke, ports 5442-5444, subnet 10.202.0.0/24), so that breaking and restoring it
/// never disturbs the pg-lab stack others deploy on the same lab. Deployed from a scratch copy of the project whose
/// generated passwords the Smoke step resolves the same way it would in the pipeline.
/// </summary>
public sealed class SmokeLabStack : IAsyncLifetime
{
    public const string StackName = "pg-smoke";
    private const string LabClientRule = "    - { type: host, database: all, user: postgres, address: 192.168.77.0/24, method: scram-sha-256 }";

    public SmokeLabStack()
    {
        Project = ScratchProject();
        Stack = new DeployedLabStack(Project, "lab", document => new SecretResolver(Project).Resolve(document).Unwrap());
    }

    public ProjectLayout Project { get; }
    public DeployedLabStack Stack { get; }
    public EnvironmentSpec Spec => Stack.Environment.Spec;

    public Task InitializeAsync() => Stack.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Stack.DisposeAsync();
        Directory.Delete(Project.Root, recursive: true);
    }

    private static ProjectLayout ScratchProject()
    {
        var repository = ProjectLayout.Discover(AppContext.BaseDirectory);
        var root = Directory.CreateTempSubdirectory("spg-smoke-").FullName;
        foreach (var folder in new[] { "environments", "templates" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(repository.Root, folder)))
                File.Copy(file, Path.Combine(root, folder, Path.GetFileName(file)));
        }
        var lab = Path.Combine(root, "environments", "lab.yml");
        var text = File.ReadAllText(lab);
        foreach (var (find, replace) in new[]
        {
            ("stack: pg-lab", $"stack: {StackName}"),
            ("port: 5432", "port: 5442"),
            ("port: 5433", "port: 5443"),
            ("port: 5434", "port: 5444"),
            ("subnet: 10.201.0.0/24", "subnet: 10.202.0.0/24"),
            // A replica that is up but not streaming makes the canary wait this long; keep the broken-slot test short.
            ("canary_timeout_seconds: 30", "canary_timeout_seconds: 10"),
            // The lab's engines run without iptables, so docker-proxy relays the published ports and clients arrive from
            // the node's docker_gwbridge gateway (172.17.0.1), not from 192.168.77.0/24.
            (LabClientRule, LabClientRule + "\n    - { type: host, database: all, user: postgres, address: 172.16.0.0/12, method: scram-sha-256 }"),
        })
        {
            if (!text.Contains(find, StringComparison.Ordinal))
                throw new InvalidOperationException($"environments/lab.yml no longer contains '{find}': update {nameof(SmokeLabStack)}");
            text = text.Replace(find, replace, StringComparison.Ordinal);
        }
        File.WriteAllText(lab, text);
        return new ProjectLayout(root);
    }
}
