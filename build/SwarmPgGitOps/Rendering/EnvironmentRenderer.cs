using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Topology;

namespace SwarmPgGitOps.Rendering;

/// <summary>Renders every artifact of one environment: the files that become Swarm configs first, then the stack that names them.</summary>
public sealed class EnvironmentRenderer(ProjectLayout layout)
{
    // key in stack.yml, template, output file
    private static readonly (string Key, string Template, string Output)[] ConfigFiles =
    [
        ("pg_hba_conf", "pg_hba.conf.sbn", "pg_hba.conf"),
        ("postgresql_conf", "postgresql.conf.sbn", "postgresql.conf"),
        ("primary_sh", "primary.sh.sbn", "primary.sh"),
        ("replica_sh", "replica.sh.sbn", "replica.sh"),
    ];

    private readonly TemplateRenderer _templates = new(layout);

    public Result<RenderedEnvironment> Render(EnvironmentDocument document)
    {
        var layout = EnvironmentLayouts.Check(document);
        if (layout.Count > 0)
            return Result<RenderedEnvironment>.Fail(layout);
        return EnvironmentLayouts.Of(document.Spec) == EnvironmentLayout.Patroni ? RenderPatroni(document) : RenderClassic(document);
    }

    private Result<RenderedEnvironment> RenderClassic(EnvironmentDocument document)
    {
        var model = RenderModel.From(document);
        var artifacts = new Artifacts(_templates, model.Stack);
        foreach (var (key, template, output) in ConfigFiles)
            artifacts.AddConfig(key, template, output, model);
        AddTopology(artifacts, document);
        return artifacts.WithStack(document, "stack.yml.sbn", model with { Configs = artifacts.Configs });
    }

    /// <summary>The connection strings applications paste (Patroni layout): an artifact only, mounted nowhere.</summary>
    public const string ConnectionStrings = "connection-strings.md";

    /// <summary>
    /// The Patroni layout: pg_hba.conf, member.sh, patroni-bootstrap.yml and one patroni-&lt;member&gt;.yml per member become
    /// Swarm configs, and haproxy.cfg with endpoints; patroni-dynamic.yml is for Deploy and Drift, connection-strings.md for people, both mounted nowhere (patroni-bootstrap.yml embeds it as bootstrap.dcs).
    /// </summary>
    private Result<RenderedEnvironment> RenderPatroni(EnvironmentDocument document)
    {
        var dynamic = new RenderedFile(PatroniDynamicConfig.FileName, PatroniDynamicConfig.Render(document.Spec));
        var model = PatroniRenderModel.From(document, dynamic.Content);
        var artifacts = new Artifacts(_templates, model.Stack);
        artifacts.AddConfig("pg_hba_conf", "pg_hba.conf.sbn", "pg_hba.conf", model);
        artifacts.AddConfig("member_sh", "member.sh.sbn", "member.sh", model);
        artifacts.AddConfig("patroni_bootstrap", "patroni-bootstrap.yml.sbn", "patroni-bootstrap.yml", model);
        artifacts.Files.Add(dynamic);
        foreach (var member in model.Members)
            artifacts.AddConfig(member.ConfigKey, "patroni.yml.sbn", member.ConfigFile, model with { Member = member });
        if (model.Endpoints is not null)
            artifacts.AddConfig(RenderEndpoints.ConfigKey, "haproxy.cfg.sbn", RenderEndpoints.ConfigFile, model);
        if (model.Backup is { } backup)
        {
            artifacts.AddConfig(RenderBackup.MemberConfigKey, "pgbackrest-member.conf.sbn", RenderBackup.MemberConfigFile, model);
            if (backup.HasRepositoryService)
                artifacts.AddConfig(RenderBackup.RepositoryConfigKey, "pgbackrest-repo.conf.sbn", RenderBackup.RepositoryConfigFile, model);
        }
        artifacts.AddFile("connection-strings.md.sbn", ConnectionStrings, model);
        AddTopology(artifacts, document);
        return artifacts.WithStack(document, "patroni-stack.yml.sbn", model with { Configs = artifacts.Configs });
    }

    /// <summary>topology.md, for people (a Mermaid diagram): an artifact only, mounted nowhere.</summary>
    private static void AddTopology(Artifacts artifacts, EnvironmentDocument document) =>
        artifacts.AddFile(TopologyDiagram.Template, TopologyDiagram.FileName, TopologyDiagram.Desired(ClusterTopology.From(document)));

    /// <summary>The files rendered so far, the Swarm configs they become (named by a hash of their content), and the errors.</summary>
    private sealed class Artifacts(TemplateRenderer templates, string stack)
    {
        private readonly List<Diagnostic> _errors = [];

        public List<RenderedFile> Files { get; } = [];
        public List<RenderConfig> Configs { get; } = [];

        public void AddConfig(string key, string template, string output, object model)
        {
            var rendered = templates.Render(template, output, model);
            _errors.AddRange(rendered.Diagnostics);
            if (rendered.Value is not { } file)
                return;
            Files.Add(file);
            Configs.Add(new RenderConfig(key, $"{stack}_{key}_{ContentHash.Short(file.Content)}", output));
        }

        /// <summary>A rendered file that is no Swarm config.</summary>
        public void AddFile(string template, string output, object model)
        {
            var rendered = templates.Render(template, output, model);
            _errors.AddRange(rendered.Diagnostics);
            if (rendered.Value is { } file)
                Files.Add(file);
        }

        /// <summary>The stack, which names the configs, rendered last and written first.</summary>
        public Result<RenderedEnvironment> WithStack(EnvironmentDocument document, string template, object model)
        {
            if (_errors.Count > 0)
                return Result<RenderedEnvironment>.Fail(_errors);
            var rendered = templates.Render(template, "stack.yml", model);
            if (rendered.Value is null)
                return Result<RenderedEnvironment>.Fail(rendered.Diagnostics);
            return Result<RenderedEnvironment>.Ok(new RenderedEnvironment(document.Name, document.File, stack, [rendered.Value, .. Files]));
        }
    }
}

/// <summary>The artifacts of one environment, in memory, in the order they are written.</summary>
public sealed record RenderedEnvironment(string Environment, string SourceFile, string Stack, IReadOnlyList<RenderedFile> Files)
{
    public RenderedFile File(string name) => Files.Single(f => f.Name == name);
}
