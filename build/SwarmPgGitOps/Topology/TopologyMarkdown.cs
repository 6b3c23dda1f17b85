using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Topology;

/// <summary>topology.md from templates/topology.md.sbn: the rendered artifact, and the live pictures Smoke and Drift add to the job summary.</summary>
public static class TopologyMarkdown
{
    public static Result<RenderedFile> Render(ProjectLayout layout, TopologyDiagram diagram, string fileName = TopologyDiagram.FileName) =>
        new TemplateRenderer(layout).Render(TopologyDiagram.Template, fileName, diagram);
}
