using System.Text.Json;
using Docker.DotNet;

namespace SwarmPgGitOps.Swarm;

/// <summary>One line for an error from the engine: the message the engine gave, not Docker.DotNet's wrapping of it.</summary>
public static class SwarmErrors
{
    public static string Describe(Exception error) => error switch
    {
        DockerApiException docker => $"{(int)docker.StatusCode} {EngineMessage(docker.ResponseBody) ?? docker.Message}",
        _ => error.Message,
    };

    private static string? EngineMessage(string? body)
    {
        try
        {
            return body is { Length: > 0 } && JsonDocument.Parse(body).RootElement.TryGetProperty("message", out var message) ? message.GetString() : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
