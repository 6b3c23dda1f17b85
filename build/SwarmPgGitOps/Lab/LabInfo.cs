using System.Text.Json;
using System.Text.Json.Serialization;

namespace SwarmPgGitOps.Lab;

/// <summary>
/// What `Lab` wrote to .lab/lab.json: the manager's endpoint (a unix socket, and TCP with TLS client certificates as a
/// remote manager has), the images (the classic layout's, and the project's own image built from build/image), and
/// each node's address and labels.
/// </summary>
public sealed record LabInfo(
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("tlsEndpoint")] string TlsEndpoint,
    [property: JsonPropertyName("tlsCertPath")] string TlsCertPath,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("projectImage")] string ProjectImage,
    [property: JsonPropertyName("nodes")] IReadOnlyList<LabNode> Nodes)
{
    public static LabInfo Read(ProjectLayout layout)
    {
        var path = Path.Combine(layout.LabDirectory, "lab.json");
        if (!File.Exists(path))
            throw new LabUnavailableException($"{layout.Display(path)} is missing: the lab is not up; run ./build.sh --target=Lab");
        return JsonSerializer.Deserialize<LabInfo>(File.ReadAllText(path))
            ?? throw new LabUnavailableException($"{layout.Display(path)} is empty; run ./build.sh --target=Lab again");
    }
}

public sealed record LabNode(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("socket")] string Socket,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels);
