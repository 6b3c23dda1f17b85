using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Validation;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace SwarmPgGitOps.Tests.Rendering;

public class PatroniRenderTests
{
    private static readonly ProjectLayout Layout = PatroniFixture.Scratch();


    private static RenderedEnvironment Render(string name) =>
        new EnvironmentRenderer(Layout).Render(EnvironmentLoader.Load(Layout, name).Unwrap()).Unwrap();

    public static TheoryData<string> Fixtures() => new(PatroniFixture.Environments);

    /// <summary>
    /// Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended template change, then review the diff. The lab
    /// is the shipped environments/lab.yml, which RendererTests compares with Golden/lab.
    /// </summary>
    [Fact]
    public void The_production_fixture_renders_as_the_golden_files() =>
        GoldenFiles.AssertMatches(GoldenFiles.Directory("patroni", "prod"), Render("prod"));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_environments_pass_Validate(string name)
    {
        var report = new Validator(Layout).Validate(name);

        Assert.Empty(UnencryptedNetwork.Without(report.Diagnostics));
        Assert.True(report.Passed);
    }

    [Fact]
    public void Artifacts_are_the_stack_pg_hba_member_script_dynamic_configuration_and_one_patroni_file_per_member()
    {
        Assert.Equal(["connection-strings.md", "haproxy.cfg", "member.sh", "patroni-bootstrap.yml", "patroni-dynamic.yml", "patroni-pg1.yml", "patroni-pg2.yml", "patroni-pg3.yml", "pg_hba.conf", "pgbackrest-member.conf", "pgbackrest-repo.conf", "stack.yml", "topology.md"],
            Render("lab").Files.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_bootstrap_file_embeds_the_dynamic_configuration_and_the_member_files_do_not(string name)
    {
        var rendered = Render(name);
        var dynamic = Canonical(Parse(rendered.File(PatroniDynamicConfig.FileName).Content));

        Assert.Equal(dynamic, Canonical(At(Parse(rendered.File("patroni-bootstrap.yml").Content), "bootstrap", "dcs")));
        foreach (var member in new[] { "pg1", "pg2", "pg3" })
            Assert.False(((YamlMappingNode)Parse(rendered.File($"patroni-{member}.yml").Content)).Children.ContainsKey("bootstrap"));
    }

    [Fact]
    public void A_member_configuration_has_the_keys_Patroni_reads_and_no_password()
    {
        var text = Render("lab").File("patroni-pg2.yml").Content;
        var config = Parse(text);

        Assert.Equal("pg-lab", Scalar(config, "scope"));
        Assert.Equal("pg2", Scalar(config, "name"));
        Assert.Equal("0.0.0.0:8008", Scalar(config, "restapi", "listen"));
        Assert.Equal("pg2:8008", Scalar(config, "restapi", "connect_address"));
        Assert.Equal("patroni", Scalar(config, "restapi", "authentication", "username"));
        Assert.Equal(["etcd1:2379", "etcd2:2379", "etcd3:2379"], ((YamlSequenceNode)At(config, "etcd3", "hosts")).Select(h => ((YamlScalarNode)h).Value));
        Assert.Equal("pg2:5432", Scalar(config, "postgresql", "connect_address"));
        Assert.Equal(PostgresSettings.DataDirectory, Scalar(config, "postgresql", "data_dir"));
        Assert.Equal("/usr/lib/postgresql/17/bin", Scalar(config, "postgresql", "bin_dir"));
        Assert.Equal("postgres", Scalar(config, "postgresql", "authentication", "superuser", "username"));
        Assert.Equal("replicator", Scalar(config, "postgresql", "authentication", "replication", "username"));
        Assert.Equal("/etc/postgresql/pg_hba.conf", Scalar(config, "postgresql", "parameters", "hba_file"));
        Assert.Equal("off", Scalar(config, "watchdog", "mode"));
        Assert.NotEqual(YamlDotNet.Core.ScalarStyle.Plain, ((YamlScalarNode)At(config, "watchdog", "mode")).Style);
        Assert.DoesNotContain("password", text.Split('\n').Where(l => !l.TrimStart().StartsWith('#')), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Synchronous_on_is_synchronous_mode_without_strict_and_texts_that_look_like_booleans_stay_quoted()
    {
        var dynamic = Parse(Render("lab").File(PatroniDynamicConfig.FileName).Content);

        Assert.Equal("true", Scalar(dynamic, "synchronous_mode"));
        Assert.Equal("false", Scalar(dynamic, "synchronous_mode_strict"));
        Assert.Equal("1", Scalar(dynamic, "synchronous_node_count"));
        Assert.Equal("30", Scalar(dynamic, "ttl"));
        var parameters = At(dynamic, "postgresql", "parameters");
        Assert.Equal(YamlDotNet.Core.ScalarStyle.SingleQuoted, ((YamlScalarNode)At(parameters, "hot_standby")).Style);
        Assert.Equal(YamlDotNet.Core.ScalarStyle.SingleQuoted, ((YamlScalarNode)At(parameters, "log_connections")).Style);
        Assert.Equal(YamlDotNet.Core.ScalarStyle.Plain, ((YamlScalarNode)At(parameters, "max_wal_senders")).Style);
        Assert.Equal("64MB", Scalar(parameters, "shared_buffers"));
        Assert.False(((YamlMappingNode)parameters).Children.ContainsKey("listen_addresses"));
    }

    [Fact]
    public void Strict_synchronous_mode_sets_synchronous_mode_strict()
    {
        var document = Repo.Load(PatroniFixture.With("synchronous: on", "synchronous: strict"), "lab");

        var dynamic = Parse(PatroniDynamicConfig.Render(document.Spec));

        Assert.Equal("true", Scalar(dynamic, "synchronous_mode"));
        Assert.Equal("true", Scalar(dynamic, "synchronous_mode_strict"));
    }

    [Fact]
    public void The_stack_converts_to_etcd_and_member_services_with_their_configs_secrets_volumes_and_roles()
    {
        var rendered = Render("lab");

        var desired = StackConverter.FromRendered(rendered, Layout.ArtifactsFor("lab")).WithSecretValues(new SecretValues(new Dictionary<string, string?>
        {
            [SecretValues.SuperuserPasswordKey] = "su", [SecretValues.ReplicationPasswordKey] = "rep", [SecretValues.RestApiPasswordKey] = "rest", [SecretValues.MonitorPasswordKey] = "monitor",
            [SecretValues.BackupTlsCaKey] = "ca", [SecretValues.BackupTlsCertKey] = "cert", [SecretValues.BackupTlsKeyKey] = "key",
            [SecretValues.PostgresTlsCaKey] = "pg-ca", [SecretValues.PostgresTlsCertKey] = "pg-cert", [SecretValues.PostgresTlsKeyKey] = "pg-key",
        }));

        Assert.Equal(["etcd1", "etcd2", "etcd3", "pg1", "pg2", "pg3", "haproxy", "pgbackrest"], desired.Services.Select(s => s.Key));
        Assert.Equal(["etcd", "etcd", "etcd", "member", "member", "member", "haproxy", "pgbackrest"], desired.Services.Select(s => s.Role));
        foreach (var etcd in desired.Services.Where(s => s.Role == "etcd"))
        {
            Assert.Empty(etcd.Spec.EndpointSpec!.Ports!);
            Assert.Empty(etcd.Spec.TaskTemplate!.ContainerSpec!.Secrets!);
            Assert.Equal([$"pg-lab_{etcd.Key}_data:/var/lib/etcd"], etcd.Spec.TaskTemplate!.ContainerSpec!.Mounts!.Select(m => $"{m.Source}:{m.Target}"));
            Assert.Contains("--initial-cluster=etcd1=http://etcd1:2380,etcd2=http://etcd2:2380,etcd3=http://etcd3:2380", etcd.Spec.TaskTemplate!.ContainerSpec!.Args!);
            Assert.Equal("dnsrr", etcd.Spec.EndpointSpec!.Mode);
        }
        var pg2 = desired.Services.Single(s => s.Key == "pg2");
        var container = pg2.Spec.TaskTemplate!.ContainerSpec!;
        Assert.Equal(["/etc/pgbackrest/pgbackrest.conf", "/etc/postgresql/pg_hba.conf", "/etc/swarm-pg/patroni/member.yml", "/usr/local/lib/swarm-pg/member.sh"],
            container.Configs!.Select(c => c.File!.Name).Order(StringComparer.Ordinal));
        // Only the preferred leader (pg1) may initialise a new cluster; the others wait for it and copy it.
        Assert.Equal(["pg1"], desired.Services.Where(s => s.Spec.TaskTemplate!.ContainerSpec!.Configs?.Any(c => c.File!.Name == DesiredStack.PatroniBootstrapFile) == true).Select(s => s.Key));
        Assert.StartsWith("pg-lab_patroni_pg2_", container.Configs!.Single(c => c.File!.Name == "/etc/swarm-pg/patroni/member.yml").ConfigName, StringComparison.Ordinal);
        Assert.Equal(["backup_tls_ca", "backup_tls_cert", "backup_tls_key", "monitor_password", "postgres_tls_ca", "postgres_tls_cert", "postgres_tls_key", "replication_password", "rest_api_password", "superuser_password"],
            container.Secrets!.Select(s => s.File!.Name).Order(StringComparer.Ordinal));
        Assert.All(container.Secrets!, s => Assert.Equal(("999", "999", 256u), (s.File!.UID, s.File.GID, s.File.Mode)));
        Assert.Equal(["5433:5432/host"], pg2.Spec.EndpointSpec!.Ports!.Select(p => $"{p.PublishedPort}:{p.TargetPort}/{p.PublishMode}"));
        Assert.Equal(["node.labels.lab.node == node2"], pg2.Spec.TaskTemplate!.Placement!.Constraints);
        Assert.Equal(10, desired.Secrets.Count);
    }

    [Fact]
    public void HAProxy_is_a_global_service_publishing_both_endpoint_ports_on_every_node_without_secrets()
    {
        var rendered = Render("lab");

        var haproxy = StackConverter.FromRendered(rendered, Layout.ArtifactsFor("lab")).Services.Single(s => s.Role == "haproxy");

        Assert.NotNull(haproxy.Spec.Mode!.Global);
        Assert.Null(haproxy.Spec.Mode.Replicated);
        Assert.Equal("dnsrr", haproxy.Spec.EndpointSpec!.Mode);
        Assert.Equal(["5000:5000/host", "5001:5001/host"], haproxy.Spec.EndpointSpec.Ports!.Select(p => $"{p.PublishedPort}:{p.TargetPort}/{p.PublishMode}"));
        Assert.Empty(haproxy.Spec.TaskTemplate!.ContainerSpec!.Secrets!);
        Assert.Empty(haproxy.Spec.TaskTemplate.Placement!.Constraints!);
        Assert.Equal(["setpriv", "--reuid=haproxy"], haproxy.Spec.TaskTemplate.ContainerSpec.Args!.Take(2));
        Assert.StartsWith("pg-lab_haproxy_cfg_", haproxy.Spec.TaskTemplate.ContainerSpec.Configs!.Single().ConfigName, StringComparison.Ordinal);
    }

    [Fact]
    public void HAProxy_routes_the_read_write_port_by_primary_and_the_read_only_port_by_replica_with_the_lag_limit_to_every_member()
    {
        var config = Render("lab").File("haproxy.cfg").Content;

        Assert.Contains("bind :5000\n    retries 0\n    option httpchk OPTIONS /primary\n", config, StringComparison.Ordinal);
        Assert.Contains("bind :5001\n    balance roundrobin\n    option httpchk OPTIONS /replica?lag=16777216\n", config, StringComparison.Ordinal);
        Assert.Single(config.Split('\n'), l => l == "    server pg2 pg2:5432 rise 1 downinter 500ms");
        Assert.Single(config.Split('\n'), l => l == "    server pg2 pg2:5432");
        Assert.Contains("init-addr none resolvers swarm", config, StringComparison.Ordinal);
        Assert.Contains("on-marked-down shutdown-sessions", config, StringComparison.Ordinal);
        Assert.Contains("nameserver docker 127.0.0.11:53", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_strings_list_every_host_with_the_session_attributes_and_no_password()
    {
        var text = Render("lab").File(EnvironmentRenderer.ConnectionStrings).Content;

        Assert.Contains("host=192.168.77.11,192.168.77.12,192.168.77.13 port=5000 dbname=<database> user=<user> password=<password> target_session_attrs=read-write", text, StringComparison.Ordinal);
        Assert.Contains("host=192.168.77.11,192.168.77.12,192.168.77.13 port=5001 dbname=<database> user=<user> password=<password> target_session_attrs=prefer-standby", text, StringComparison.Ordinal);
        Assert.Contains("Host=192.168.77.11,192.168.77.12,192.168.77.13;Port=5000;Database=<database>;Username=<user>;Password=<password>;Target Session Attributes=read-write", text, StringComparison.Ordinal);
        Assert.Contains("Host=192.168.77.11,192.168.77.12,192.168.77.13;Port=5001;Database=<database>;Username=<user>;Password=<password>;Target Session Attributes=prefer-standby", text, StringComparison.Ordinal);
        Assert.Contains("host=192.168.77.11,192.168.77.12,192.168.77.13 port=5432,5433,5434 ", text, StringComparison.Ordinal);
        Assert.Contains("Host=192.168.77.11:5432,192.168.77.12:5433,192.168.77.13:5434;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_without_a_port_publishes_none_and_is_left_out_of_the_straight_connection_strings()
    {
        var layout = PatroniFixture.Scratch();
        LabFile(layout, ("    port: 5433\n    connect_host: 192.168.77.12\n", ""), ("postgres_route: published_ports", "postgres_route: through_endpoint"));

        var rendered = new EnvironmentRenderer(layout).Render(EnvironmentLoader.Load(layout, "lab").Unwrap()).Unwrap();
        var services = StackConverter.FromRendered(rendered, layout.ArtifactsFor("lab")).Services;

        Assert.Empty(services.Single(s => s.Key == "pg2").Spec.EndpointSpec!.Ports ?? []);
        Assert.Equal(["5432:5432/host"], services.Single(s => s.Key == "pg1").Spec.EndpointSpec!.Ports!.Select(p => $"{p.PublishedPort}:{p.TargetPort}/{p.PublishMode}"));
        Assert.Contains("Host=192.168.77.11:5432,192.168.77.13:5434;", rendered.File(EnvironmentRenderer.ConnectionStrings).Content, StringComparison.Ordinal);
    }

    private static void LabFile(ProjectLayout layout, params (string Find, string Replace)[] edits)
    {
        var text = File.ReadAllText(layout.EnvironmentFile("lab"));
        foreach (var (find, replace) in edits)
        {
            Assert.Contains(find, text, StringComparison.Ordinal);
            text = text.Replace(find, replace, StringComparison.Ordinal);
        }
        File.WriteAllText(layout.EnvironmentFile("lab"), text);
    }

    [Fact]
    public void Without_endpoints_there_is_no_HAProxy_and_the_connection_strings_name_the_members()
    {
        var layout = PatroniFixture.Scratch();
        var text = File.ReadAllText(layout.EnvironmentFile("lab"));
        var start = text.IndexOf("endpoints:", StringComparison.Ordinal);
        File.WriteAllText(layout.EnvironmentFile("lab"), text[..start] + text[text.IndexOf("\naccess:", start, StringComparison.Ordinal)..]);

        var rendered = new EnvironmentRenderer(layout).Render(EnvironmentLoader.Load(layout, "lab").Unwrap()).Unwrap();

        Assert.DoesNotContain(rendered.Files, f => f.Name == "haproxy.cfg");
        Assert.DoesNotContain("haproxy", rendered.File("stack.yml").Content, StringComparison.Ordinal);
        Assert.DoesNotContain("port=5000", rendered.File(EnvironmentRenderer.ConnectionStrings).Content, StringComparison.Ordinal);
        Assert.Contains("port=5432,5433,5434", rendered.File(EnvironmentRenderer.ConnectionStrings).Content, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_can_adopt_an_existing_volume()
    {
        var layout = PatroniFixture.Scratch();
        File.WriteAllText(layout.EnvironmentFile("lab"), PatroniFixture.With("    port: 5432\n", "    port: 5432\n    volume: primary_data\n"));

        var rendered = new EnvironmentRenderer(layout).Render(EnvironmentLoader.Load(layout, "lab").Unwrap()).Unwrap();
        var desired = StackConverter.FromRendered(rendered, layout.ArtifactsFor("lab"));

        Assert.Equal("pg-lab_primary_data", desired.Services.Single(s => s.Key == "pg1").Spec.TaskTemplate!.ContainerSpec!.Mounts!.Single().Source);
    }

    [Fact]
    public void The_member_script_reads_every_secret_its_service_mounts_and_prints_none()
    {
        var script = Render("lab").File("member.sh").Content;

        Assert.Equal(ServiceSecrets.For("member", [SecretValues.MonitorPasswordKey]).Select(m => m.Key), SecretValues.Keys.Where(key => script.Contains($"/run/secrets/{key}", StringComparison.Ordinal) || script.Contains($"$SECRETS/{key}", StringComparison.Ordinal)));
        Assert.DoesNotContain(script.Split('\n'), line => line.Contains("echo", StringComparison.Ordinal) && line.Contains("PASSWORD", StringComparison.Ordinal));
        Assert.Contains("exec setpriv --reuid=postgres", script);
    }

    [Fact]
    public void Pg_hba_lets_members_replicate_and_rewind_over_the_overlay_network_over_tls()
    {
        var hba = Render("lab").File("pg_hba.conf").Content;

        Assert.Contains("hostssl    replication     replicator      10.201.0.0/24           scram-sha-256", hba);
        Assert.Contains("hostssl    all             postgres        10.201.0.0/24           scram-sha-256", hba);
        Assert.Contains("local      all             postgres                                peer", hba);
    }

    private static YamlNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)]);

    private static string? Scalar(YamlNode node, params string[] keys) => ((YamlScalarNode)At(node, keys)).Value;

    /// <summary>A YAML value as JSON, so that two documents compare by content, not by layout.</summary>
    private static string Canonical(YamlNode node)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        var value = new DeserializerBuilder().Build().Deserialize<object>(writer.ToString());
        return new SerializerBuilder().JsonCompatible().Build().Serialize(value!);
    }
}
