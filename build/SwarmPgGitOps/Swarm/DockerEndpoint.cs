using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet;
using Docker.DotNet.X509;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Swarm;

/// <summary>Connects to the environment's swarm manager: a unix socket, or TCP with the TLS client certificate the environment names.</summary>
public static class DockerEndpoint
{
    public static Result<DockerClient> Connect(EnvironmentDocument document, Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        var swarm = document.Spec.Swarm;
        var endpoint = swarm.Endpoint ?? variable(swarm.EndpointEnv!);
        if (string.IsNullOrEmpty(endpoint))
            return Result<DockerClient>.Fail(document.Map.Error("swarm.endpoint_env", $"environment variable {swarm.EndpointEnv} is not set",
                $"set {swarm.EndpointEnv} to the manager's endpoint, such as tcp://manager:2376 (in CI: a secret of the '{document.Name}' environment)"));
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            return Result<DockerClient>.Fail(document.Map.Error("swarm", $"'{endpoint}' is not a Docker endpoint", "write unix:///path/to/docker.sock or tcp://host:2376"));

        var builder = new DockerClientBuilder().WithTimeout(TimeSpan.FromSeconds(30));
        if (swarm.Tls is { } tls)
        {
            var directory = tls.CertPath ?? variable(tls.CertPathEnv!);
            var files = new[] { "ca.pem", "cert.pem", "key.pem" }.Select(f => Path.Combine(directory ?? "", f)).ToArray();
            if (string.IsNullOrEmpty(directory) || files.Any(f => !File.Exists(f)))
                return Result<DockerClient>.Fail(document.Map.Error("swarm.tls", $"the TLS client certificate folder '{directory ?? tls.CertPathEnv}' lacks ca.pem, cert.pem or key.pem",
                    "point swarm.tls at the folder the docker CLI would use as DOCKER_CERT_PATH"));
            var authority = DockerTlsCertificates.LoadCertificateAuthorityFromPemFile(files[0]);
            var credentials = new CertificateCredentials(DockerTlsCertificates.LoadCertificateFromPemFiles(files[1], files[2]))
            {
                ServerCertificateValidationCallback = (_, server, _, errors) => !tls.Verify || IsIssuedBy(server, authority, errors),
            };
            builder = builder.WithEndpoint(uri).WithAuthProvider(credentials);
        }
        else
        {
            builder = builder.WithEndpoint(uri);
        }
        return Result<DockerClient>.Ok(builder.Build());
    }

    /// <summary>Signed by the environment's CA and issued for the host connected to (the X509 package's own check skips the name).</summary>
    private static bool IsIssuedBy(X509Certificate? server, X509Certificate2 authority, SslPolicyErrors errors)
    {
        if (server is null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var valid = chain.Build(new X509Certificate2(server));
        return valid && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;
    }
}
