using Npgsql;

namespace SwarmPgGitOps.Postgres;

/// <summary>A role's stored password: its SCRAM verifier (pg_authid.rolpassword), or null when it has none.</summary>
public sealed record RoleVerifier(string Role, string? Verifier)
{
    public override string ToString() => $"RoleVerifier({Role}, ***)";
}

/// <summary>
/// Setting roles' passwords by their verifiers, with the session's statement logging off so that not even a verifier
/// reaches the server log; and reading the verifiers a role had, to put them back.
/// </summary>
public static class RolePasswords
{
    /// <summary>
    /// One script for psql (-At): prints each role's verifier as it was ("role|verifier"), then sets the new ones.
    /// </summary>
    public static string ReadThenSetScript(IReadOnlyList<RoleVerifier> verifiers)
    {
        string[] lines =
        [
            "\\set VERBOSITY terse",
            .. Quiet,
            $"SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ({string.Join(", ", verifiers.Select(v => Literal(v.Role)))}) ORDER BY rolname;",
            .. verifiers.Select(Alter),
        ];
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>The rows the script printed, as the verifiers the roles had.</summary>
    public static IReadOnlyList<RoleVerifier> ParseRows(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('|', 2))
            .Select(cells => new RoleVerifier(cells[0], cells.Length > 1 && cells[1].Length > 0 ? cells[1] : null))
            .ToList();

    /// <summary>Sets the verifiers on a server the connection is open to, in one transaction.</summary>
    public static async Task SetAsync(NpgsqlConnection connection, IReadOnlyList<RoleVerifier> verifiers, CancellationToken cancellation)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        foreach (var statement in Quiet.Concat(verifiers.Select(Alter)))
            await new Query<int>(statement, _ => 0).ReadAsync(connection, cancellation);
        await transaction.CommitAsync(cancellation);
    }

    private static readonly string[] Quiet = ["SET LOCAL log_statement = 'none';", "SET LOCAL log_min_error_statement = 'panic';"];

    private static string Alter(RoleVerifier verifier) =>
        $"ALTER ROLE {Identifier(verifier.Role)} PASSWORD {(verifier.Verifier is { } v ? Literal(v) : "NULL")};";

    private static string Identifier(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private static string Literal(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
}
