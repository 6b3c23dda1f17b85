using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Validation;

/// <summary>Everything checked before a cluster is touched: the file's schema, its cross-checks, access policy, and the stack it renders.</summary>
public sealed class Validator(ProjectLayout layout)
{
    private readonly EnvironmentRenderer _renderer = new(layout);

    public ValidationReport Validate(string environment)
    {
        var loaded = EnvironmentLoader.Load(layout, environment);
        if (loaded.Value is not { } document)
            return new ValidationReport(environment, null, null, loaded.Diagnostics);

        var diagnostics = new List<Diagnostic>();
        diagnostics.AddRange(EnvironmentValidator.Validate(document));
        // Without one complete layout there is nothing to render; EnvironmentValidator has said why.
        if (EnvironmentLayouts.Of(document.Spec) is null)
            return new ValidationReport(environment, document, null, diagnostics);
        var environmentValid = !diagnostics.Any(d => d.IsError);

        var rendered = _renderer.Render(document);
        diagnostics.AddRange(rendered.Diagnostics);
        if (rendered.Value is { } artifacts)
        {
            var artifactsPath = layout.Display(layout.ArtifactsFor(environment));
            // A stack rendered from a broken value would only repeat that error, at a place the user does not edit.
            if (environmentValid)
            {
                var stack = RenderedStackValidator.Validate(artifacts, document, artifactsPath);
                diagnostics.AddRange(stack);
                if (!stack.Any(d => d.IsError))
                    diagnostics.AddRange(SwarmNameValidator.Validate(artifacts, document, artifactsPath));
            }
            diagnostics.AddRange(AccessRulesValidator.Validate(artifacts, document, artifactsPath));
        }
        return new ValidationReport(environment, document, rendered.Value, diagnostics);
    }
}

/// <summary>What validating one environment found, with the environment as loaded and rendered for the steps that go on with it.</summary>
public sealed record ValidationReport(string Environment, EnvironmentDocument? Document, RenderedEnvironment? Rendered, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Passed => Rendered is not null && !Diagnostics.Any(d => d.IsError);
}
