using Docker.DotNet.Models;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Drift;

/// <summary>The shipped lab environment rendered and converted as Deploy does, and a live stack that starts out exactly like it.</summary>
public sealed class RenderedLab
{
    private readonly string _stackYaml;
    private readonly string _directory;

    public RenderedLab()
    {
        Document = Repo.Load(ClassicFixture.LabText, "lab");
        var rendered = new EnvironmentRenderer(Repo.Layout).Render(Document).Unwrap();
        _directory = new ArtifactWriter(Repo.Scratch()).Write(rendered);
        _stackYaml = Path.Combine(_directory, "stack.yml");
        PgHba = rendered.File("pg_hba.conf").Content;
        Desired = Convert();
    }

    public EnvironmentDocument Document { get; }
    public EnvironmentSpec Spec => Document.Spec;
    public DesiredStack Desired { get; }
    public string PgHba { get; }

    /// <summary>What the swarm holds right after a deploy: the same objects, built afresh so that tests may change them.</summary>
    public LiveStack Live(Action<Dictionary<string, ServiceSpec>>? change = null)
    {
        var services = Convert().Services.ToDictionary(s => s.Key, s => s.Spec);
        change?.Invoke(services);
        return new LiveStack(
            Desired.Networks.Select(n => new NetworkResponse { ID = "net-" + n.Name, Name = n.Name }).ToList(),
            Desired.Configs.Select(c => new SwarmConfig { Spec = new SwarmConfigSpec { Name = c.Name } }).ToList(),
            Desired.Secrets.Select(s => new Secret { Spec = new SwarmSecretSpec { Name = s.Name } }).ToList(),
            services.Values.Select(s => new SwarmService { Spec = s }).ToList(),
            Desired.Networks.ToDictionary(n => "net-" + n.Name, n => n.Name));
    }

    public DesiredStack Convert() => StackConverter.Convert(StackFile.Load(_stackYaml), Spec.Stack, _directory);
}
