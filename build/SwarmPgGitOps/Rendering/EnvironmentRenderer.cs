using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;

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
        var files = new List<RenderedFile>();
        var errors = new List<Diagnostic>();
        var configs = new List<RenderConfig>();

        foreach (var (key, template, output) in ConfigFiles)
        {
            var rendered = _templates.Render(template, output, model);
            errors.AddRange(rendered.Diagnostics);
            if (rendered.Value is not { } file)
                continue;
            files.Add(file);
            configs.Add(new RenderConfig(key, $"{model.Stack}_{key}_{ContentHash.Short(file.Content)}", output));
        }
        if (errors.Count > 0)
            return Result<RenderedEnvironment>.Fail(errors);

        var stack = _templates.Render("stack.yml.sbn", "stack.yml", model with { Configs = configs });
        if (stack.Value is null)
            return Result<RenderedEnvironment>.Fail(stack.Diagnostics);
        files.Insert(0, stack.Value);

        return Result<RenderedEnvironment>.Ok(new RenderedEnvironment(document.Name, document.File, model.Stack, files));
    }

    /// <summary>
    /// The Patroni layout: pg_hba.conf, member.sh and one patroni-&lt;member&gt;.yml per member become Swarm configs;
    /// patroni-dynamic.yml is for Deploy and Drift, mounted nowhere (every patroni.yml embeds it as bootstrap.dcs).
    /// </summary>
    private Result<RenderedEnvironment> RenderPatroni(EnvironmentDocument document)
    {
        var dynamic = new RenderedFile(PatroniDynamicConfig.FileName, PatroniDynamicConfig.Render(document.Spec));
        var model = PatroniRenderModel.From(document, dynamic.Content);
        var files = new List<RenderedFile>();
        var errors = new List<Diagnostic>();
        var configs = new List<RenderConfig>();

        void Add(string key, string template, string output, PatroniRenderModel with)
        {
            var rendered = _templates.Render(template, output, with);
            errors.AddRange(rendered.Diagnostics);
            if (rendered.Value is not { } file)
                return;
            files.Add(file);
            configs.Add(new RenderConfig(key, $"{model.Stack}_{key}_{ContentHash.Short(file.Content)}", output));
        }

        Add("pg_hba_conf", "pg_hba.conf.sbn", "pg_hba.conf", model);
        Add("member_sh", "member.sh.sbn", "member.sh", model);
        files.Add(dynamic);
        foreach (var member in model.Members)
            Add(member.ConfigKey, "patroni.yml.sbn", member.ConfigFile, model with { Member = member });
        if (errors.Count > 0)
            return Result<RenderedEnvironment>.Fail(errors);

        var stack = _templates.Render("patroni-stack.yml.sbn", "stack.yml", model with { Configs = configs });
        if (stack.Value is null)
            return Result<RenderedEnvironment>.Fail(stack.Diagnostics);
        files.Insert(0, stack.Value);

        return Result<RenderedEnvironment>.Ok(new RenderedEnvironment(document.Name, document.File, model.Stack, files));
    }
}

/// <summary>The artifacts of one environment, in memory, in the order they are written.</summary>
public sealed record RenderedEnvironment(string Environment, string SourceFile, string Stack, IReadOnlyList<RenderedFile> Files)
{
    public RenderedFile File(string name) => Files.Single(f => f.Name == name);
}
