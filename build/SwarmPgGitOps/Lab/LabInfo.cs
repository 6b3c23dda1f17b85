using System.Text.Json;
using System.Text.Json.Serialization;

namespace SwarmPgGitOps.Lab;

/// <summary>
/// What `Lab` wrote to .lab/lab.json: the manager's endpoint (a unix socket, and TCP with TLS client certificates as a
/// remote manager has), the image, and each node's address and labels.
/// </summary>
public sealed record LabInfo(
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("tlsEndpoint")] string TlsEndpoint,
    [property: JsonPropertyName("tlsCertPath")] string TlsCertPath,
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("nodes")] IReadOnlyList<LabNode> Nodes)
{
    /// <summary>A quick look, well under a second: lab.json is there, the manager answers and every node is ready.</summary>
    public static bool IsRunning(ProjectLayout layout)
    {
        if (!File.Exists(Path.Combine(layout.LabDirectory, "lab.json")))
            return false;
        try
        {
            var info = Read(layout);
            if (string.IsNullOrEmpty(info.TlsEndpoint))
                return false; // written by an older lab.sh, whose manager has no TLS endpoint yet
            using var docker = new Docker.DotNet.DockerClientBuilder().WithEndpoint(new Uri(info.Endpoint)).WithTimeout(TimeSpan.FromSeconds(3)).Build();
            var nodes = docker.Swarm.ListNodesAsync().GetAwaiter().GetResult();
            return nodes.Count == info.Nodes.Count && nodes.All(n => n.Status?.State == "ready");
        }
        catch (Exception e) when (e is Docker.DotNet.DockerApiException or HttpRequestException or IOException or TimeoutException
            or TaskCanceledException or System.Net.Sockets.SocketException or JsonException)
        {
            return false;
        }
    }

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
