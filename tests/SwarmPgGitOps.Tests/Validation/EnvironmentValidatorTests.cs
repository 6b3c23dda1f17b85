using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Tests.Validation;

public class EnvironmentValidatorTests
{
    private static IReadOnlyList<Diagnostic> Validate(string text, string name = "test") =>
        UnencryptedNetwork.Without(EnvironmentValidator.Validate(Repo.Load(text, name)));

    private static Diagnostic SingleError(string text, string name = "test") =>
        Assert.Single(Validate(text, name), d => d.IsError);

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Shipped_environments_pass(string name)
    {
        var text = Repo.EnvironmentText(name);

        var diagnostics = EnvironmentValidator.Validate(Repo.Load(text, name));

        Assert.Empty(diagnostics.Where(d => name != "lab" || !UnencryptedNetwork.Is(d)).Select(d => d.ToString()));
    }

    [Theory]
    [InlineData("lab", "network")]
    [InlineData("prod", "production's network")]
    public void A_network_Swarm_does_not_encrypt_is_a_warning_at_its_key_in_every_environment(string name, string what)
    {
        var text = Repo.EnvironmentText(name).Replace("encrypted: true", "encrypted: false", StringComparison.Ordinal);
        var line = text[..text.IndexOf("encrypted: false", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var warning = Assert.Single(EnvironmentValidator.Validate(Repo.Load(text, name)), d => d.Message.Contains("encrypted", StringComparison.Ordinal));

        Assert.Equal($"environments/{name}.yml:{line}:14: warning: {what} pgnet is not encrypted by Swarm between nodes: etcd's and Patroni's REST API traffic on it "
            + "is clear text (PostgreSQL's own connections are TLS all the same) (hint: set network.encrypted: true where the nodes' kernels have IPsec ESP "
            + "(benchmarks/overlay-encryption.sh shows whether they do; README: Security model); it applies when the network is created)", warning.ToString());
    }

    [Fact]
    public void A_lone_synchronous_replica_is_a_warning_at_its_synchronous_key()
    {
        var text = ClassicFixture.LabWith("    slot: replica2\n", "    slot: replica2\n    synchronous: true\n");

        var warning = Assert.Single(Validate(text));

        var (line, column) = Repo.Position(text, "true", occurrence: 2);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal($"environments/test.yml:{line}:{column}: warning: replica2 is the only synchronous replica: commits on the primary stop while it is down "
            + "(a crash, a node restart, an update by hand); Deploy suspends synchronous replication on the primary while it updates it, so those commits have no "
            + "synchronous copy (hint: set synchronous: true on a second replica: any one of two confirms a commit, so commits stay safe and keep flowing while one is down)",
            warning.ToString());
    }

    [Fact]
    public void Two_synchronous_replicas_are_not_warned_about()
    {
        var text = Repo.With(ClassicFixture.EnvironmentText("prod"), "    slot: replica2\n", "    slot: replica2\n    synchronous: true\n");

        Assert.Empty(Validate(text, "prod"));
    }

    [Fact]
    public void The_classic_layout_is_reached_at_its_published_ports_only()
    {
        var text = ClassicFixture.LabWith("endpoint: unix:///run/swarm-pg-lab/node1/docker.sock\n", "endpoint: unix:///run/swarm-pg-lab/node1/docker.sock\n  postgres_route: through_endpoint\n");

        var error = SingleError(text);

        Assert.Equal("swarm.postgres_route through_endpoint needs the Patroni layout: the relay runs in its image", error.Message);
        Assert.Equal(SwarmPgGitOps.Postgres.PostgresRoute.PublishedPorts, SwarmPgGitOps.Postgres.PostgresRoute.Of(ClassicFixture.Load("lab").Spec));
    }

    public static TheoryData<string> Shipped() => new(Repo.ShippedEnvironments);

    [Fact]
    public void A_slot_used_twice_is_reported_where_it_is_used_the_second_time()
    {
        var text = ClassicFixture.LabWith("    slot: replica2", "    slot: replica1");

        var error = SingleError(text);

        var (line, column) = Repo.Position(text, "replica1", occurrence: 3);
        Assert.Equal($"environments/test.yml:{line}:{column}: replicas[1].slot 'replica1' is used twice (hint: replicas[0].slot uses it already: give every replica its own slot)", error.ToString());
    }

    [Fact]
    public void Service_names_must_be_unique()
    {
        var error = SingleError(ClassicFixture.LabWith("  - name: replica2", "  - name: replica1"));

        Assert.Equal("replicas[1].name 'replica1' is used twice", error.Message);
    }

    [Theory]
    [InlineData("swarm-pg/postgres:latest", "postgres.image 'swarm-pg/postgres:latest' is not pinned")]
    [InlineData("swarm-pg/postgres", "postgres.image 'swarm-pg/postgres' is not pinned")]
    [InlineData("registry.local:5000/postgres", "postgres.image 'registry.local:5000/postgres' is not pinned")]
    public void Image_must_be_pinned(string image, string message)
    {
        var error = SingleError(ClassicFixture.LabWith("image: swarm-pg/postgres:15-lab", $"image: {image}"));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Image_pinned_by_digest_is_accepted()
    {
        var digest = "postgres@sha256:" + new string('a', 64);

        Assert.Empty(Validate(ClassicFixture.LabWith("image: swarm-pg/postgres:15-lab", $"image: {digest}")));
    }

    [Fact]
    public void Major_version_must_match_the_image_tag()
    {
        var error = SingleError(ClassicFixture.LabWith("image: swarm-pg/postgres:15-lab", "image: postgres:16.4"));

        Assert.Equal("postgres.major 15 does not match the image tag '16.4'", error.Message);
    }

    [Fact]
    public void Two_services_on_one_node_cannot_publish_the_same_port()
    {
        var text = Repo.With(
            ClassicFixture.LabWith("placement: { purpose: worker, lab.node: node3 }", "placement: { purpose: worker, lab.node: node2 }"),
            "port: 5434", "port: 5433");

        var error = SingleError(text);

        Assert.Equal("replicas[1].port 5433 is also published by 'replica1' on node node2", error.Message);
        Assert.Equal(Repo.Position(text, "port: 5433", occurrence: 2).Line, error.Line);
    }

    [Fact]
    public void Placement_label_must_be_declared_on_a_node()
    {
        var error = SingleError(ClassicFixture.LabWith("placement: { purpose: master }", "placement: { purpose: primary }"));

        Assert.Equal("primary.placement label purpose=primary is on no node in nodes", error.Message);
    }

    [Fact]
    public void Placement_labels_must_all_be_on_one_node()
    {
        var error = SingleError(ClassicFixture.LabWith("placement: { purpose: master }", "placement: { purpose: master, lab.node: node2 }"));

        Assert.Equal("no single node carries all of primary.placement (purpose=master, lab.node=node2)", error.Message);
    }

    [Fact]
    public void Max_wal_senders_must_cover_the_replicas_and_a_base_backup()
    {
        var error = SingleError(ClassicFixture.LabWith("max_wal_senders: 10", "max_wal_senders: 2"));

        Assert.Equal("max_wal_senders 2 is too small for 2 replicas", error.Message);
        Assert.StartsWith("set it to at least 3", error.Hint);
    }

    [Fact]
    public void Max_replication_slots_must_cover_the_replicas()
    {
        var error = SingleError(ClassicFixture.LabWith("max_replication_slots: 10", "max_replication_slots: 1"));

        Assert.Equal("max_replication_slots 1 is fewer than the 2 replicas' slots", error.Message);
    }

    [Fact]
    public void Generated_passwords_are_refused_in_prod()
    {
        var text = Repo.With(Repo.EnvironmentText("prod"), "superuser_password: { env: PROD_PG_SUPERUSER_PASSWORD }", "superuser_password: { generate: true }");

        var error = SingleError(text, "prod");

        Assert.Equal("generated passwords are for local environments, not production", error.Message);
    }

    [Fact]
    public void A_secret_needs_exactly_one_source()
    {
        var error = SingleError(ClassicFixture.LabWith("superuser_password: { generate: true }", "superuser_password: { generate: true, env: LAB_PASSWORD }"));

        Assert.Equal("secrets.superuser_password needs exactly one of env, file or generate", error.Message);
    }

    [Fact]
    public void The_two_passwords_must_not_share_a_variable()
    {
        var text = Repo.With(Repo.EnvironmentText("prod"), "PROD_PG_REPLICATION_PASSWORD", "PROD_PG_SUPERUSER_PASSWORD");

        var error = SingleError(text, "prod");

        Assert.Equal("secrets.replication_password.env names the same variable as secrets.superuser_password.env", error.Message);
    }

    [Fact]
    public void Plain_tcp_endpoint_without_tls_is_refused()
    {
        var error = SingleError(ClassicFixture.LabWith("endpoint: unix:///run/swarm-pg-lab/node1/docker.sock", "endpoint: tcp://10.0.0.1:2375"));

        Assert.Equal("swarm.endpoint 'tcp://10.0.0.1:2375' is plain TCP without TLS", error.Message);
    }

    [Fact]
    public void Endpoint_and_endpoint_env_exclude_each_other()
    {
        var error = SingleError(ClassicFixture.LabWith("endpoint: unix:///run/swarm-pg-lab/node1/docker.sock", "endpoint: unix:///x.sock\n  endpoint_env: DOCKER_HOST"));

        Assert.Equal("swarm needs exactly one of 'endpoint' and 'endpoint_env'", error.Message);
    }

    [Fact]
    public void Settings_the_pipeline_manages_cannot_be_set_in_extra()
    {
        var error = SingleError(ClassicFixture.LabWith("shared_buffers: 64MB", "shared_buffers: 64MB\n      primary_conninfo: host=x"));

        Assert.Equal("'primary_conninfo' cannot be set in extra", error.Message);
    }

    [Fact]
    public void Unbounded_slot_wal_is_an_error_in_prod_and_a_warning_elsewhere()
    {
        var lab = Assert.Single(Validate(ClassicFixture.LabWith("max_slot_wal_keep_size: 1GB", "max_slot_wal_keep_size: \"-1\"")));
        var prod = SingleError(Repo.With(Repo.EnvironmentText("prod"), "max_slot_wal_keep_size: 16GB", "max_slot_wal_keep_size: \"-1\""), "prod");

        Assert.Equal(Severity.Warning, lab.Severity);
        Assert.StartsWith("max_slot_wal_keep_size is -1", prod.Message);
    }

    [Fact]
    public void Weak_password_encryption_is_refused()
    {
        var error = SingleError(ClassicFixture.LabWith("password_encryption: scram-sha-256", "password_encryption: md5"));

        Assert.Equal("password_encryption 'md5' is weaker than SCRAM", error.Message);
    }

    [Fact]
    public void Network_subnet_must_be_cidr()
    {
        var error = SingleError(ClassicFixture.LabWith("subnet: 10.201.0.0/24", "subnet: 10.201.0.1/24"));

        Assert.Equal("network.subnet '10.201.0.1/24' is not a network in CIDR form", error.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var text = Repo.With(Repo.With(ClassicFixture.LabWith("    slot: replica2", "    slot: replica1"), "image: swarm-pg/postgres:15-lab", "image: postgres:latest"), "max_wal_senders: 10", "max_wal_senders: 1");

        var errors = Validate(text).Where(d => d.IsError).Select(d => d.Message).ToList();

        Assert.Equal(3, errors.Count);
        Assert.Contains("replicas[1].slot 'replica1' is used twice", errors);
        Assert.Contains("postgres.image 'postgres:latest' is not pinned", errors);
        Assert.Contains("max_wal_senders 1 is too small for 2 replicas", errors);
    }
}
