using Scriban;
using Scriban.Runtime;
using Scriban.Parsing;
using Scriban.Syntax;
using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Rendering;

/// <summary>Renders one Scriban template with strict variables: a name the model lacks is an error, not an empty string.</summary>
public sealed class TemplateRenderer(ProjectLayout layout)
{
    public Result<RenderedFile> Render(string templateName, string outputName, object model)
    {
        var path = Path.Combine(layout.TemplatesDirectory, templateName);
        var display = layout.Display(path);
        if (!File.Exists(path))
            return Result<RenderedFile>.Fail(new Diagnostic(display, 0, 0, $"template '{templateName}' is missing", "restore it from git: every environment renders it"));

        var template = Template.Parse(File.ReadAllText(path), path);
        if (template.HasErrors)
            return Result<RenderedFile>.Fail(template.Messages.Select(m => FromSpan(display, m.Span, m.Message, "fix the template syntax")).ToList());

        var globals = new ScriptObject();
        globals.Import(model, renamer: StandardMemberRenamer.Default);
        var context = new TemplateContext
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            MemberRenamer = StandardMemberRenamer.Default,
            NewLine = "\n",
            TemplateLoader = null,
        };
        context.PushGlobal(globals);
        try
        {
            var text = template.Render(context).ReplaceLineEndings("\n");
            return Result<RenderedFile>.Ok(new RenderedFile(outputName, text));
        }
        catch (ScriptRuntimeException e)
        {
            return Result<RenderedFile>.Fail(FromSpan(display, e.Span, e.OriginalMessage, "the template uses a name the render model does not have; see build/SwarmPgGitOps/Rendering/RenderModel.cs"));
        }
    }

    private static Diagnostic FromSpan(string file, SourceSpan span, string message, string hint) =>
        new(file, span.Start.Line + 1, span.Start.Column + 1, message, hint);
}

public sealed record RenderedFile(string Name, string Content)
{
    public string Sha256 => ContentHash.Sha256(Content);
}
