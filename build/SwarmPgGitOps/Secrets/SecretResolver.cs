using System.Security.Cryptography;
using System.Text.Json;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Secrets;

/// <summary>
/// Reads each password from where the environment file says: an environment variable (CI secrets), a file, or for
/// local environments a random value generated once and kept in the git-ignored .secrets/&lt;env&gt;.json.
/// Problems name the key and the source, never a value.
/// </summary>
public sealed class SecretResolver(ProjectLayout layout, Func<string, string?>? environmentVariable = null)
{
    private readonly Func<string, string?> _variable = environmentVariable ?? Environment.GetEnvironmentVariable;

    public Result<SecretValues> Resolve(EnvironmentDocument document)
    {
        var secrets = document.Spec.Secrets;
        var errors = new List<Diagnostic>();
        var superuser = Read(document, "superuser_password", secrets.SuperuserPassword, errors);
        var replication = Read(document, "replication_password", secrets.ReplicationPassword, errors);
        var restApi = secrets.RestApiPassword is { } source ? Read(document, "rest_api_password", source, errors) : null;
        return errors.Count > 0 ? Result<SecretValues>.Fail(errors) : Result<SecretValues>.Ok(new SecretValues(superuser!, replication!, restApi));
    }

    private string? Read(EnvironmentDocument document, string key, SecretSourceSpec source, List<Diagnostic> errors)
    {
        var path = $"secrets.{key}";
        string? value;
        if (source.Env is { } variable)
        {
            value = _variable(variable);
            if (string.IsNullOrEmpty(value))
                errors.Add(document.Map.Error($"{path}.env", $"{path}: environment variable {variable} is not set", $"set {variable} (in CI: a secret of the '{document.Name}' environment)"));
        }
        else if (source.File is { } file)
        {
            value = File.Exists(file) ? File.ReadAllText(file).TrimEnd('\r', '\n') : null;
            if (string.IsNullOrEmpty(value))
                errors.Add(document.Map.Error($"{path}.file", $"{path}: file {file} is missing or empty", "create it with the password as its only content, readable by this user only"));
        }
        else
        {
            value = Generated(document.Name, key);
        }
        return value;
    }

    private string Generated(string environment, string key)
    {
        var path = Path.Combine(layout.SecretsDirectory, environment + ".json");
        var values = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
        if (values.TryGetValue(key, out var existing))
            return existing;

        var value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        values[key] = value;
        Directory.CreateDirectory(layout.SecretsDirectory);
        File.WriteAllText(path, JsonSerializer.Serialize(values));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return value;
    }
}
