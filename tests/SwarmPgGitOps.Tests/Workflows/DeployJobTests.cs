using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Workflows;

/// <summary>
/// deploy.yml's jobs fit the environment files: each job deploys its environment from its GitHub environment, one at a
/// time, and hands the pipeline exactly the variables environments/&lt;env&gt;.yml names, from secrets of the same name.
/// </summary>
public class DeployJobTests
{
    private static readonly string[] Order = ["dev", "staging", "prod"];

    public static TheoryData<string> Deployed() => new(Order);

    private static Job DeployJob(string environment) => WorkflowFiles.Named("deploy.yml").Job(environment);

    private static string Prefix(string environment) => environment.ToUpperInvariant();

    [Theory]
    [MemberData(nameof(Deployed))]
    public void Environment_file_names_the_variables_the_workflows_set(string environment)
    {
        var spec = Repo.Load(Repo.EnvironmentText(environment), environment).Spec;
        var prefix = Prefix(environment);

        // docker-credentials.sh exports <ENV>_DOCKER_HOST and <ENV>_DOCKER_CERT_PATH; the deploy job passes the passwords.
        Assert.Equal($"{prefix}_DOCKER_HOST", spec.Swarm.EndpointEnv);
        Assert.Equal($"{prefix}_DOCKER_CERT_PATH", spec.Swarm.Tls?.CertPathEnv);
        Assert.Equal($"{prefix}_PG_SUPERUSER_PASSWORD", spec.Secrets.SuperuserPassword.Env);
        Assert.Equal($"{prefix}_PG_REPLICATION_PASSWORD", spec.Secrets.ReplicationPassword.Env);
        Assert.Equal($"{prefix}_PATRONI_REST_API_PASSWORD", spec.Secrets.RestApiPassword?.Env);
        Assert.Equal($"{prefix}_BACKUP_TLS_CA", spec.Secrets.BackupTlsCa?.Env);
        Assert.Equal($"{prefix}_BACKUP_TLS_CERT", spec.Secrets.BackupTlsCert?.Env);
        Assert.Equal($"{prefix}_BACKUP_TLS_KEY", spec.Secrets.BackupTlsKey?.Env);
        Assert.Equal($"{prefix}_POSTGRES_TLS_CA", spec.Secrets.PostgresTlsCa?.Env);
        Assert.Equal($"{prefix}_POSTGRES_TLS_CERT", spec.Secrets.PostgresTlsCert?.Env);
        Assert.Equal($"{prefix}_POSTGRES_TLS_KEY", spec.Secrets.PostgresTlsKey?.Env);
    }

    /// <summary>The variables an environment's secrets come from (its file names them, <see cref="Environment_file_names_the_variables_the_workflows_set"/>).</summary>
    public static string[] Credentials(string prefix) =>
    [
        $"{prefix}_PG_SUPERUSER_PASSWORD", $"{prefix}_PG_REPLICATION_PASSWORD", $"{prefix}_PATRONI_REST_API_PASSWORD",
        $"{prefix}_BACKUP_TLS_CA", $"{prefix}_BACKUP_TLS_CERT", $"{prefix}_BACKUP_TLS_KEY",
        $"{prefix}_POSTGRES_TLS_CA", $"{prefix}_POSTGRES_TLS_CERT", $"{prefix}_POSTGRES_TLS_KEY",
    ];

    [Theory]
    [MemberData(nameof(Deployed))]
    public void Deploy_job_uses_its_github_environment_one_run_at_a_time(string environment)
    {
        var job = DeployJob(environment);

        Assert.Equal(environment, Yaml.Scalar(job.Node, "environment"));
        var concurrency = Yaml.Mapping(job.Node, "concurrency");
        Assert.Equal($"deploy-{environment}", Yaml.Scalar(concurrency, "group"));
        Assert.Equal("false", Yaml.Scalar(concurrency, "cancel-in-progress"));
    }

    [Theory]
    [MemberData(nameof(Deployed))]
    public void Deploy_job_passes_credentials_from_secrets_of_the_same_name(string environment)
    {
        var job = DeployJob(environment);
        var prefix = Prefix(environment);

        var credentials = job.Steps.Single(s => Yaml.Scalar(s, "run") == $".github/scripts/docker-credentials.sh {environment}");
        var credentialEnv = Yaml.Mapping(credentials, "env");
        Assert.Equal($"${{{{ secrets.{prefix}_DOCKER_HOST }}}}", Yaml.Scalar(credentialEnv, "DOCKER_HOST_SECRET"));
        foreach (var part in new[] { "CA", "CERT", "KEY" })
            Assert.Equal($"${{{{ secrets.{prefix}_DOCKER_TLS_{part} }}}}", Yaml.Scalar(credentialEnv, $"TLS_{part}"));

        var deploy = job.Steps.Single(s => Yaml.Scalar(s, "run") == $"./build.sh --target=Deploy --env={environment}");
        foreach (var variable in Credentials(prefix))
            Assert.Equal($"${{{{ secrets.{variable} }}}}", Yaml.Scalar(Yaml.Mapping(deploy, "env"), variable));
    }

    [Theory]
    [MemberData(nameof(Deployed))]
    public void A_failed_earlier_environment_blocks_a_later_one_and_a_skipped_one_does_not(string environment)
    {
        var job = DeployJob(environment);
        var earlier = Order.TakeWhile(e => e != environment).ToList();
        var condition = Yaml.Scalar(job.Node, "if") ?? "";
        var needs = Yaml.Sequence(job.Node, "needs")?.Children.Select(n => n.ToString()).ToList() ?? [];

        Assert.Equal(["changes", .. earlier], needs);
        Assert.Contains("!cancelled()", condition);
        Assert.Contains($"needs.changes.outputs.{environment} == 'true'", condition);
        foreach (var before in earlier)
            Assert.Contains($"""contains(fromJSON('["success", "skipped"]'), needs.{before}.result)""", condition);
    }

    [Fact]
    public void Drift_matrix_prefixes_are_the_environment_names_in_capitals()
    {
        var drift = WorkflowFiles.Named("drift.yml").Job("drift");

        Assert.Equal(Order, drift.MatrixValues("environment"));
        Assert.Equal(Order.Select(Prefix), drift.MatrixValues("prefix"));
    }
}
