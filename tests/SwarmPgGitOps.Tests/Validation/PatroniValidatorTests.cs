using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Tests.Validation;

/// <summary>The Patroni layout's rules, each on the fixture lab (or prod) file with one edit, at file:line:column with a hint.</summary>
public class PatroniValidatorTests
{
    private static IReadOnlyList<Diagnostic> Validate(string text, string name = "test") =>
        UnencryptedNetwork.Without(EnvironmentValidator.Validate(Repo.Load(text, name)));

    private static Diagnostic SingleError(string text, string name = "test") =>
        Assert.Single(Validate(text, name), d => d.IsError);

    private static void AssertAt(string text, string find, Diagnostic diagnostic, int occurrence = 1)
    {
        var (line, column) = Repo.Position(text, find, occurrence);
        Assert.Equal(("environments/test.yml", line, column), (diagnostic.File, diagnostic.Line, diagnostic.Column));
        Assert.False(string.IsNullOrEmpty(diagnostic.Hint));
    }

    /// <summary>Values are reported where the value starts: `key: value` is found, the column is the value's.</summary>
    private static void AssertAtValue(string text, string keyAndValue, Diagnostic diagnostic)
    {
        var (line, column) = Repo.Position(text, keyAndValue);
        Assert.Equal(("environments/test.yml", line, column + keyAndValue.IndexOf(": ", StringComparison.Ordinal) + 2), (diagnostic.File, diagnostic.Line, diagnostic.Column));
        Assert.False(string.IsNullOrEmpty(diagnostic.Hint));
    }

    [Theory]
    [InlineData("lab")]
    [InlineData("prod")]
    public void Fixtures_pass(string name) => Assert.Empty(Validate(PatroniFixture.EnvironmentText(name), name));

    [Theory]
    [InlineData("read_write_port: 5000", "read_write_port: 5433", "endpoints.read_write_port 5433 is also members[1].port")]
    [InlineData("read_only_port: 5001", "read_only_port: 5000", "endpoints.read_only_port 5000 is also endpoints.read_write_port")]
    [InlineData("read_only_port: 5001", "read_only_port: 70000", "endpoints.read_only_port 70000 is not a TCP port")]
    [InlineData("max_replica_lag_bytes: 16777216", "max_replica_lag_bytes: -1", "endpoints.max_replica_lag_bytes -1 is negative")]
    [InlineData("hosts: [192.168.77.11, 192.168.77.12, 192.168.77.13]", "hosts: []", "endpoints.hosts is empty")]
    public void Endpoint_ports_must_be_free_on_every_node_and_hosts_listed(string find, string replace, string message)
    {
        var text = PatroniFixture.With(find, replace);

        var error = SingleError(text);

        AssertAtValue(text, replace, error);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_endpoint_host_listed_twice_is_reported_at_the_second()
    {
        var text = PatroniFixture.With("hosts: [192.168.77.11, 192.168.77.12, 192.168.77.13]", "hosts: [192.168.77.11, 192.168.77.12, 192.168.77.11]");

        var error = SingleError(text);

        Assert.Equal("endpoints.hosts[2] '192.168.77.11' is listed twice", error.Message);
        AssertAt(text, "192.168.77.11]", error);
    }

    [Fact]
    public void A_member_named_haproxy_clashes_with_the_endpoints_service()
    {
        var text = PatroniFixture.With("  - name: pg3\n", "  - name: haproxy\n");

        var error = Assert.Single(Validate(text), d => d.IsError && d.Message.Contains("haproxy", StringComparison.Ordinal));

        Assert.Equal("members[2].name 'haproxy' is used twice", error.Message);
    }

    [Fact]
    public void Endpoints_in_the_classic_layout_are_an_error()
    {
        var text = Repo.With(ClassicFixture.EnvironmentText("lab"), "\naccess:", "\nendpoints: { read_write_port: 5000, read_only_port: 5001, hosts: [a] }\naccess:");

        var error = Assert.Single(EnvironmentValidator.Validate(Repo.Load(text, "test")), d => d.IsError);

        Assert.StartsWith("endpoints belong to the Patroni layout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ttl_below_20_is_reported_at_the_ttl()
    {
        var text = PatroniFixture.With("ttl: 30", "ttl: 15");

        var error = SingleError(text);

        AssertAtValue(text, "ttl: 15", error);
        Assert.Equal("patroni.ttl 15 is below Patroni's minimum of 20", error.Message);
    }

    [Theory]
    [InlineData("loop_wait: 10", "loop_wait: 0", "patroni.loop_wait 0 is below Patroni's minimum of 1")]
    [InlineData("retry_timeout: 10", "retry_timeout: 2", "patroni.retry_timeout 2 is below Patroni's minimum of 3")]
    public void Loop_wait_and_retry_timeout_have_Patronis_minimums(string find, string replace, string message)
    {
        var text = PatroniFixture.With(find, replace);

        var error = SingleError(text);

        AssertAtValue(text, replace, error);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Loop_wait_plus_twice_retry_timeout_must_fit_in_the_ttl()
    {
        var text = PatroniFixture.With("retry_timeout: 10", "retry_timeout: 12");

        var error = SingleError(text);

        AssertAtValue(text, "ttl: 30", error);
        Assert.Equal("patroni.loop_wait + 2 × patroni.retry_timeout is 34, more than patroni.ttl 30", error.Message);
        Assert.Contains("raise ttl to 34", error.Hint);
    }

    [Theory]
    [InlineData("synchronous: maybe", "patroni.synchronous 'maybe' is not a synchronous mode")]
    [InlineData("synchronous: true", "patroni.synchronous 'true' is not a synchronous mode")]
    public void Synchronous_is_off_on_or_strict(string replace, string message)
    {
        var text = PatroniFixture.With("synchronous: on", replace);

        var error = SingleError(text);

        AssertAtValue(text, replace, error);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("on")]
    [InlineData("strict")]
    [InlineData("'on'")]
    public void Plain_off_and_on_load_as_words(string mode) =>
        Assert.Empty(Validate(PatroniFixture.With("synchronous: on\n  synchronous_node_count: 1", $"synchronous: {mode}")));

    [Fact]
    public void Strict_synchronous_mode_needs_two_replicas()
    {
        var text = PatroniFixture.With("synchronous: on", "synchronous: strict")
            .Replace("  - name: pg3\n    placement: { lab.node: node3 }\n    port: 5434\n    connect_host: 192.168.77.13\n", "", StringComparison.Ordinal);

        var error = SingleError(text);

        AssertAtValue(text, "synchronous: strict", error);
        Assert.Equal("patroni.synchronous is strict with 2 member(s), so 1 replica(s)", error.Message);
    }

    [Fact]
    public void Synchronous_node_count_is_at_most_the_replicas()
    {
        var text = PatroniFixture.With("synchronous_node_count: 1", "synchronous_node_count: 3");

        var error = SingleError(text);

        AssertAtValue(text, "synchronous_node_count: 3", error);
        Assert.Equal("patroni.synchronous_node_count 3 is outside 1..2 (3 members)", error.Message);
    }

    [Fact]
    public void Synchronous_node_count_without_synchronous_mode_is_a_warning()
    {
        var diagnostic = Assert.Single(Validate(PatroniFixture.With("synchronous: on", "synchronous: off")));

        Assert.Equal(Severity.Warning, diagnostic.Severity);
        Assert.Equal("patroni.synchronous_node_count is ignored while patroni.synchronous is off", diagnostic.Message);
    }

    [Fact]
    public void The_preferred_leader_must_be_a_member()
    {
        var text = PatroniFixture.With("preferred_leader: pg1", "preferred_leader: pg9");

        var error = SingleError(text);

        AssertAtValue(text, "preferred_leader: pg9", error);
        Assert.Equal("patroni.preferred_leader 'pg9' is not a member", error.Message);
        Assert.Equal("name one of the members: pg1, pg2, pg3", error.Hint);
    }

    [Fact]
    public void Member_names_are_unique_and_do_not_collide_with_etcd_members()
    {
        var twice = PatroniFixture.With("  - name: pg2", "  - name: pg1");
        var collides = PatroniFixture.With("{ name: etcd3,", "{ name: pg3,");

        Assert.Contains(Validate(twice), d => d.Message == "members[1].name 'pg1' is used twice");
        var error = Assert.Single(Validate(collides), d => d.IsError && d.Message.Contains("used twice", StringComparison.Ordinal));
        Assert.Equal("dcs.members[2].name 'pg3' is used twice", error.Message);
        Assert.Equal("members[2].name uses it already: service names must be unique", error.Hint);
    }

    [Fact]
    public void A_member_name_must_be_a_swarm_service_name()
    {
        var text = PatroniFixture.With("  - name: pg2", "  - name: PG_2");

        var error = Assert.Single(Validate(text), d => d.Message.Contains("valid service name", StringComparison.Ordinal));

        AssertAt(text, "PG_2", error);
    }

    [Fact]
    public void Members_on_one_node_are_a_warning_outside_production_and_an_error_in_production()
    {
        var lab = PatroniFixture.With("    placement: { lab.node: node2 }\n    port: 5433", "    placement: { lab.node: node1 }\n    port: 5433");
        var prod = Repo.With(PatroniFixture.EnvironmentText("prod"), "    placement: { pg.member: \"2\" }\n    port: 5432", "    placement: { pg.member: \"1\" }\n    port: 5433");

        var warning = Assert.Single(Validate(lab));
        var error = SingleError(prod);

        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal("members[1].placement can put this member on node node1, where members[0] runs too", warning.Message);
        AssertAt(lab, "{ lab.node: node1 }\n    port: 5433", warning);
        Assert.Equal("members[1].placement can put this member on node pg-prod-1, where members[0] runs too", error.Message);
    }

    [Fact]
    public void Two_members_on_one_node_cannot_publish_the_same_port()
    {
        var text = PatroniFixture.With("    placement: { lab.node: node2 }\n    port: 5433", "    placement: { lab.node: node1 }\n    port: 5432");

        var error = SingleError(text);

        Assert.Equal("members[1].port 5432 is also published by 'pg1' on node node1", error.Message);
    }

    [Fact]
    public void Dcs_needs_exactly_one_of_members_and_endpoints()
    {
        var both = PatroniFixture.With("dcs:\n  members:", "dcs:\n  endpoints: [etcd.example.net:2379]\n  members:");

        var error = SingleError(both);

        AssertAt(both, "dcs:", error);
        Assert.Equal("dcs needs exactly one of 'members' and 'endpoints'", error.Message);
    }

    [Fact]
    public void An_even_number_of_etcd_members_is_an_error()
    {
        var text = PatroniFixture.With("    - { name: etcd3, placement: { lab.node: node3 } }\n", "");

        var error = SingleError(text);

        AssertAt(text, "members:\n    - { name: etcd1", error);
        Assert.Equal("dcs.members has 2 etcd members, an even number", error.Message);
    }

    [Fact]
    public void Production_needs_three_etcd_members()
    {
        var text = Repo.With(PatroniFixture.EnvironmentText("prod"), "dcs:\n  members:\n    - { name: etcd1, placement: { pg.member: \"1\" } }\n    - { name: etcd2, placement: { pg.member: \"2\" } }\n    - { name: etcd3, placement: { pg.member: \"3\" } }",
            "dcs:\n  endpoints: [etcd1.example.net:2379]");

        var error = SingleError(text);

        Assert.Equal("dcs.endpoints has 1 etcd member(s) in a production environment", error.Message);
    }

    [Fact]
    public void Production_members_serve_tls()
    {
        var text = Repo.With(PatroniFixture.EnvironmentText("prod"),
            "  postgres_tls_ca: { env: PROD_POSTGRES_TLS_CA }\n  postgres_tls_cert: { env: PROD_POSTGRES_TLS_CERT }\n  postgres_tls_key: { env: PROD_POSTGRES_TLS_KEY }\n", "");

        var error = SingleError(text, "prod");

        Assert.Equal("production's members must serve TLS: 'secrets' has no postgres_tls_ca, postgres_tls_cert and postgres_tls_key", error.Message);
    }

    [Fact]
    public void Production_admits_network_clients_over_tls_only_at_the_rule_in_the_environment_file()
    {
        var text = Repo.With(PatroniFixture.EnvironmentText("prod"), "- { type: hostssl, database: app,", "- { type: host, database: app,");
        var document = Repo.Load(text, "prod");

        var error = Assert.Single(AccessRulesValidator.Validate(new SwarmPgGitOps.Rendering.EnvironmentRenderer(Repo.Layout).Render(document).Unwrap(), document), d => d.IsError);

        Assert.Equal("access.rules[0]: rule \"host app app 10.30.0.0/16 scram-sha-256\" admits connections without TLS (host); production admits network clients over TLS only", error.Message);
        Assert.Equal(Repo.Position(text, "{ type: host, database: app,").Line, error.Line);
    }

    [Fact]
    public void The_pipeline_reaches_production_s_members_through_the_docker_endpoint_only()
    {
        var text = Repo.With(PatroniFixture.EnvironmentText("prod"), "    cert_path_env: PROD_DOCKER_CERT_PATH\n", "    cert_path_env: PROD_DOCKER_CERT_PATH\n  postgres_route: published_ports\n");

        var error = SingleError(text, "prod");

        Assert.Equal("production's swarm.postgres_route is published_ports: its pg_hba would have to admit the CI runner", error.Message);
        Assert.Equal(SwarmPgGitOps.Postgres.PostgresRoute.ThroughEndpoint, SwarmPgGitOps.Postgres.PostgresRoute.Of(PatroniFixture.Load("prod").Spec));
    }

    [Fact]
    public void Production_checks_log_in_as_their_own_role_with_a_password_of_its_own()
    {
        var missing = Repo.With(PatroniFixture.EnvironmentText("prod"), "  monitor_password: { env: PROD_PG_MONITOR_PASSWORD }\n", "");
        var shared = Repo.With(PatroniFixture.EnvironmentText("prod"), "monitor_password: { env: PROD_PG_MONITOR_PASSWORD }", "monitor_password: { env: PROD_PG_SUPERUSER_PASSWORD }");

        Assert.Equal("production's checks must not log in as the superuser: 'secrets' has no monitor_password", SingleError(missing, "prod").Message);
        Assert.Equal("secrets.monitor_password.env names the same variable as secrets.superuser_password.env", SingleError(shared, "prod").Message);
    }

    [Fact]
    public void A_member_without_a_port_needs_the_route_through_the_endpoint()
    {
        var unpublished = PatroniFixture.With("    port: 5433\n", "");
        var unknown = PatroniFixture.With("postgres_route: published_ports", "postgres_route: tunnel");

        var error = SingleError(unpublished);
        var route = SingleError(unknown);

        Assert.Equal("members[1] 'pg2' publishes no port, and the pipeline reaches members at their published ports (swarm.postgres_route published_ports)", error.Message);
        Assert.Equal("swarm.postgres_route 'tunnel' is not a route", route.Message);
        AssertAtValue(unknown, "postgres_route: tunnel", route);
        Assert.DoesNotContain(Validate(Repo.With(unpublished, "postgres_route: published_ports", "postgres_route: through_endpoint")), d => d.IsError);
    }

    [Fact]
    public void An_etcd_member_is_pinned_to_one_node_of_its_own()
    {
        var wide = PatroniFixture.With("{ name: etcd3, placement: { lab.node: node3 } }", "{ name: etcd3, placement: { purpose: worker } }");
        var shared = PatroniFixture.With("{ name: etcd3, placement: { lab.node: node3 } }", "{ name: etcd3, placement: { lab.node: node2 } }");

        var fits = Assert.Single(Validate(wide), d => d.Message.Contains("fits", StringComparison.Ordinal));
        var twice = SingleError(shared);

        Assert.Equal("dcs.members[2].placement (purpose=worker) fits 2 nodes", fits.Message);
        Assert.Equal("dcs.members[2].placement can put this etcd member on node node2, where dcs.members[1] runs too", twice.Message);
        AssertAt(shared, "{ lab.node: node2 } }", twice, occurrence: 2);
    }

    [Fact]
    public void An_external_endpoint_is_host_and_port()
    {
        var text = PatroniFixture.With("dcs:\n  members:\n    - { name: etcd1, placement: { lab.node: node1 } }\n    - { name: etcd2, placement: { lab.node: node2 } }\n    - { name: etcd3, placement: { lab.node: node3 } }",
            "dcs:\n  endpoints: [etcd1.example.net:2379, http://etcd2:2379]");

        var error = SingleError(text);

        AssertAt(text, "http://etcd2:2379", error);
        Assert.Equal("dcs.endpoints[1] 'http://etcd2:2379' is not host:port", error.Message);
    }

    [Fact]
    public void The_rest_api_password_is_required_in_the_Patroni_layout()
    {
        var text = PatroniFixture.With("  rest_api_password: { generate: true }\n", "");

        var error = SingleError(text);

        AssertAt(text, "secrets:", error);
        Assert.Equal("'secrets' is missing required key 'rest_api_password'", error.Message);
    }

    [Fact]
    public void Settings_Patroni_owns_cannot_be_set_in_extra()
    {
        var text = PatroniFixture.With("      shared_buffers: 64MB", "      shared_buffers: 64MB\n      cluster_name: other");

        var error = SingleError(text);

        AssertAtValue(text, "cluster_name: other", error);
        Assert.Equal("'cluster_name' cannot be set in extra", error.Message);
    }

    [Fact]
    public void A_file_that_mixes_the_layouts_is_reported_at_each_Patroni_key()
    {
        var classic = ClassicFixture.LabText;
        var primary = classic[classic.IndexOf("primary:", StringComparison.Ordinal)..classic.IndexOf("access:", StringComparison.Ordinal)];
        var text = PatroniFixture.With("access:", primary + "access:");

        var errors = Validate(text).Where(d => d.IsError).ToList();

        Assert.Equal(["patroni", "members", "dcs"], errors.Select(e => e.Message.Split('\'')[1]));
        Assert.All(errors, e => Assert.EndsWith("but the file also has 'primary' of the classic layout", e.Message, StringComparison.Ordinal));
        AssertAt(text, "patroni:", errors[0]);
    }

    [Fact]
    public void A_file_with_neither_layout_says_what_to_add()
    {
        var text = PatroniFixture.EnvironmentText("lab");
        text = text[..text.IndexOf("patroni:", StringComparison.Ordinal)] + text[text.IndexOf("access:", StringComparison.Ordinal)..];

        var error = SingleError(text);

        Assert.Equal("the file has no PostgreSQL servers: neither members (Patroni layout) nor primary and replicas (classic layout)", error.Message);
        Assert.Contains("members + patroni + dcs", error.Hint);
    }

    [Fact]
    public void Half_a_layout_names_the_missing_key()
    {
        var text = PatroniFixture.EnvironmentText("lab");
        text = text[..text.IndexOf("dcs:", StringComparison.Ordinal)] + text[text.IndexOf("access:", StringComparison.Ordinal)..];

        var error = SingleError(text);

        Assert.Equal("the file is missing required key 'dcs' of the Patroni layout", error.Message);
    }

    [Fact]
    public void Validate_reports_a_layout_problem_once_and_renders_nothing()
    {
        using var project = new BadInput.ScratchProject();
        var text = PatroniFixture.EnvironmentText("lab");
        project.WriteEnvironment("qa", text[..text.IndexOf("dcs:", StringComparison.Ordinal)] + text[text.IndexOf("access:", StringComparison.Ordinal)..]);

        var report = project.Validate("qa");

        Assert.False(report.Passed);
        Assert.Null(report.Rendered);
        Assert.Equal(["environments/qa.yml:1:1: the file is missing required key 'dcs' of the Patroni layout (hint: add `dcs:` to the file: the Patroni layout needs patroni, members, dcs)"],
            UnencryptedNetwork.Without(report.Diagnostics).Select(d => d.ToString()));
    }
}
