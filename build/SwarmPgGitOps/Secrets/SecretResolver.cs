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
        var values = new Dictionary<string, string?>
        {
            [SecretValues.SuperuserPasswordKey] = superuser,
            [SecretValues.ReplicationPasswordKey] = replication,
            [SecretValues.RestApiPasswordKey] = secrets.RestApiPassword is { } source ? Read(document, "rest_api_password", source, errors) : null,
            [SecretValues.MonitorPasswordKey] = secrets.MonitorPassword is { } monitor ? Read(document, SecretValues.MonitorPasswordKey, monitor, errors) : null,
            [SecretValues.BackupS3KeyKey] = secrets.BackupS3Key is { } s3Key ? Read(document, SecretValues.BackupS3KeyKey, s3Key, errors) : null,
            [SecretValues.BackupS3KeySecretKey] = secrets.BackupS3KeySecret is { } s3Secret ? Read(document, SecretValues.BackupS3KeySecretKey, s3Secret, errors) : null,
        };
        var members = document.Spec.Members ?? [];
        ReadTls(document, values, errors, SecretValues.BackupTlsKeys, [secrets.BackupTlsCa, secrets.BackupTlsCert, secrets.BackupTlsKey], "pgBackRest", "README: Backups",
            () => TlsGenerator.Generate(TlsGenerator.BackupClientName, [Rendering.RenderBackup.ServiceName, .. members.Select(m => m.Name)]));
        ReadTls(document, values, errors, SecretValues.PostgresTlsKeys, [secrets.PostgresTlsCa, secrets.PostgresTlsCert, secrets.PostgresTlsKey], "PostgreSQL", "README: Security model",
            () => TlsGenerator.Generate(TlsGenerator.PostgresServerName, Rendering.PostgresTls.ServerNames(document.Spec)));
        return errors.Count > 0 ? Result<SecretValues>.Fail(errors) : Result<SecretValues>.Ok(new SecretValues(values));
    }

    /// <summary>A CA, certificate and key: each from its own source, or generated together (then kept) when all three say generate.</summary>
    private void ReadTls(EnvironmentDocument document, Dictionary<string, string?> values, List<Diagnostic> errors, IReadOnlyList<string> keys,
        SecretSourceSpec?[] sources, string what, string readme, Func<TlsFiles> generate)
    {
        if (sources.All(s => s is null))
            return;
        if (sources.All(s => s is { Env: null, File: null }))
        {
            var tls = GeneratedTls(document.Name, keys, generate);
            values[keys[0]] = tls.Ca;
            values[keys[1]] = tls.Certificate;
            values[keys[2]] = tls.Key;
            return;
        }
        foreach (var (key, source) in keys.Zip(sources))
        {
            if (source is null || source is { Env: null, File: null })
                errors.Add(document.Map.Error($"secrets.{key}", $"secrets.{key}: the {what} CA, certificate and key come from env or file together, or are all generated",
                    $"give {string.Join(", ", keys.Take(2))} and {keys[2]} each an env or file ({readme}), or all three generate: true (local lab only)"));
            else
                values[key] = Read(document, key, source, errors);
        }
        if (keys.All(k => values.GetValueOrDefault(k) is not null))
            CheckPem(document, keys, values[keys[0]]!, values[keys[1]]!, values[keys[2]]!, readme, errors);
    }

    /// <summary>The CA (one or several certificates) and the certificate with its key must be PEM that TLS can use.</summary>
    private static void CheckPem(EnvironmentDocument document, IReadOnlyList<string> keys, string ca, string certificate, string key, string readme, List<Diagnostic> errors)
    {
        try
        {
            foreach (var authority in Postgres.CertificateAuthorities.FromPem(ca))
                authority.Dispose();
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            errors.Add(document.Map.Error($"secrets.{keys[0]}", $"secrets.{keys[0]} is not a PEM certificate (or several): {e.Message}",
                $"give the CA's certificate as PEM, -----BEGIN CERTIFICATE----- included ({readme})"));
        }
        try
        {
            using var pair = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certificate, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            errors.Add(document.Map.Error($"secrets.{keys[1]}", $"secrets.{keys[1]} and secrets.{keys[2]} are not a PEM certificate and its private key: {e.Message}",
                $"give the certificate and the key it was made for, both as PEM ({readme})"));
        }
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
        var values = Kept(environment);
        if (values.TryGetValue(key, out var existing))
            return existing;

        var value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        values[key] = value;
        Keep(environment, values);
        return value;
    }

    /// <summary>A CA and certificate made once for the stack's servers, then kept.</summary>
    private TlsFiles GeneratedTls(string environment, IReadOnlyList<string> keys, Func<TlsFiles> generate)
    {
        var values = Kept(environment);
        if (keys.All(values.ContainsKey))
            return new TlsFiles(values[keys[0]], values[keys[1]], values[keys[2]]);

        var tls = generate();
        values[keys[0]] = tls.Ca;
        values[keys[1]] = tls.Certificate;
        values[keys[2]] = tls.Key;
        Keep(environment, values);
        return tls;
    }

    private Dictionary<string, string> Kept(string environment)
    {
        var path = Path.Combine(layout.SecretsDirectory, environment + ".json");
        return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [] : [];
    }

    private void Keep(string environment, Dictionary<string, string> values)
    {
        var path = Path.Combine(layout.SecretsDirectory, environment + ".json");
        Directory.CreateDirectory(layout.SecretsDirectory);
        File.WriteAllText(path, JsonSerializer.Serialize(values));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
