using static SwarmPgGitOps.Tests.BadInput.CaseKit;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// Templates someone changed: syntax errors and unknown names (strict mode) point at the template, and a stack the
/// deployer would not understand points at the rendered stack.yml. Each case validates the unchanged lab file as qa.
/// </summary>
[Trait("Category", "BadInput")]
public class TemplateCases
{
    private static BadInputCase Template(string template, Func<string, string>? edit, Locator at, string message) =>
        new("lab", "qa", text => text, at, message, TemplateEdits: new Dictionary<string, Func<string, string>> { [template] = edit! });

    private const string Stack = "stack.yml.sbn";

    public static readonly IReadOnlyDictionary<string, BadInputCase> Cases = new Dictionary<string, BadInputCase>
    {
        ["compose key the deployer lacks"] = Template(Stack, Replace("    stop_signal: SIGINT\n", "    stop_signal: SIGINT\n    privileged: true\n"),
            InRendered("stack.yml", "privileged"), "service 'primary' uses compose key 'privileged', which the deployer does not support"),
        ["top-level key the deployer lacks"] = Template(Stack, Append("x-notes: hello\n"),
            InRendered("stack.yml", "x-notes"), "top-level key 'x-notes' is not supported by the deployer"),
        ["config the stack does not define"] = Template(Stack, Replace("      - source: postgresql_conf", "      - source: postgres_conf"),
            InRendered("stack.yml", "postgres_conf"), "service 'primary' uses config 'postgres_conf', which the stack does not define"),
        ["network the stack does not define"] = Template(Stack, Replace("    networks:\n      - {{ network_name }}", "    networks:\n      - backend"),
            InRendered("stack.yml", "backend"), "service 'primary' uses network 'backend', which the stack does not define"),
        ["constraint on an undeclared label"] = Template(Stack, Replace("          - {{ constraint }}\n", "          - {{ constraint }}\n          - node.labels.zone == a\n"),
            InRendered("stack.yml", "node.labels.zone == a"), "service 'primary' is placed on 'node.labels.zone == a', a label no node declares"),
        ["secret mounted where its entrypoint does not read it"] = Template(Stack, Replace("for secret in service.secrets", "for secret in primary.secrets"),
            InRendered("stack.yml", "source: superuser_password", occurrence: 2),
            "service 'replica1' mounts secret 'superuser_password', which the replica's entrypoint does not read"),
        ["secret readable by everyone"] = Template(Stack, Replace("        mode: {{ secret.mode }}", "        mode: 0444"),
            InRendered("stack.yml", "0444", occurrence: 3),
            "service 'primary' mounts secret 'superuser_password' with mode 0444, readable by others than its owner"),
        ["secret the entrypoint reads not mounted"] = Template(Stack, Replace("for secret in service.secrets", "for secret in replicas[0].secrets"),
            InRendered("stack.yml", "secrets:"),
            "service 'primary' does not mount secret 'superuser_password', which the primary's entrypoint reads"),
        ["rendered stack is not YAML"] = Template(Stack, Replace("    stop_signal: SIGINT", "   stop_signal: SIGINT"),
            InRendered("stack.yml", "stop_signal"), "the rendered stack is not valid YAML"),
        ["file mode Deploy cannot read"] = Template(Stack, Replace("        mode: 0555", "        mode: 0999"),
            WholeFile("artifacts/qa/stack.yml"), "Deploy cannot read the rendered stack: "),
        ["secret the environment does not supply"] = Template(Stack, Replace("    stop_signal: SIGINT\n", "      - source: api_token\n        target: api_token\n    stop_signal: SIGINT\n")
                .Then(Append("  api_token:\n    name: api_token\n    external: true\n")),
            WholeFile("artifacts/qa/stack.yml"), "Deploy cannot read the rendered stack: the stack uses secret 'api_token', which the environment does not supply"),
        ["template syntax error"] = Template(Stack, Replace("    image: {{ image }}", "    image: {{ image }"),
            InTemplate(Stack, "{{ image }", offset: 9), "Invalid token found `}`"),
        ["variable the model lacks"] = Template(Stack, Replace("    image: {{ image }}", "    image: {{ imag }}"),
            InTemplate(Stack, "imag }}"), "`imag` was not found"),
        ["member the model lacks"] = Template(Stack, Replace("  {{ service.name }}:", "  {{ service.nam }}:"),
            InTemplate(Stack, "nam }}"), "Cannot get member with name nam"),
        ["variable the model lacks in pg_hba.conf"] = Template("pg_hba.conf.sbn", Replace("# pg_hba.conf for {{ stack }}", "# pg_hba.conf for {{ stak }}"),
            InTemplate("pg_hba.conf.sbn", "stak"), "`stak` was not found"),
        ["rule written into the template"] = Template("pg_hba.conf.sbn", Append("host all all 0.0.0.0/0 trust\n"),
            InRendered("pg_hba.conf", "trust"), "rule \"host all all 0.0.0.0/0 trust\" lets network clients in without any password (trust)"),
        ["template missing"] = Template("postgresql.conf.sbn", null, WholeFile("templates/postgresql.conf.sbn"),
            "template 'postgresql.conf.sbn' is missing (hint: restore it from git"),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_template_is_reported_where_it_is_wrong(string name) => Cases[name].Check();
}
