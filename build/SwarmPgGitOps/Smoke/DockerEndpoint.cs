using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet;
using Docker.DotNet.NativeHttp;
using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Smoke;

/// <summary>
/// A Docker client for the environment's swarm endpoint: a local socket, or tcp with the docker CLI's TLS files
/// (ca.pem, cert.pem, key.pem) when swarm.tls is set. Plain tcp without TLS is refused, as the validator refuses it.
/// </summary>
public static class DockerEndpoint
{
    public static DockerClient Connect(SwarmSpec swarm, Func<string, string?> variable)
    {
        var endpoint = swarm.Endpoint ?? (swarm.EndpointEnv is { } name ? variable(name) : null);
        if (string.IsNullOrWhiteSpace(endpoint))
            throw new InvalidOperationException(swarm.EndpointEnv is { } v ? $"the swarm endpoint variable {v} is not set" : "the environment has no swarm endpoint");
        var uri = new Uri(endpoint);
        if (uri.Scheme is not ("tcp" or "https"))
            return new DockerClientBuilder().WithEndpoint(uri).Build();

        var certPath = swarm.Tls?.CertPath ?? (swarm.Tls?.CertPathEnv is { } certVariable ? variable(certVariable) : null);
        if (string.IsNullOrWhiteSpace(certPath))
            throw new InvalidOperationException($"{endpoint} needs TLS: set swarm.tls.cert_path or its variable");
        var client = X509Certificate2.CreateFromPemFile(Path.Combine(certPath, "cert.pem"), Path.Combine(certPath, "key.pem"));
        var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certPath, "ca.pem"));
        var verify = swarm.Tls?.Verify ?? true;
        var transport = new NativeHttpTransportOptions
        {
            ConfigureHandler = handler =>
            {
                handler.SslOptions.ClientCertificates = [client];
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    !verify || (certificate is X509Certificate2 server && TrustedBy(authority, server, errors));
            },
        };
        return new DockerClientBuilder()
            .WithEndpoint(new UriBuilder(uri) { Scheme = "https" }.Uri)
            .WithTransportOptions(transport)
            .Build();
    }

    /// <summary>The server certificate chains to the environment's CA (not the machine's store) and names the host.</summary>
    private static bool TrustedBy(X509Certificate2 authority, X509Certificate2 server, SslPolicyErrors errors)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }
}
