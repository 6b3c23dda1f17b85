using System.Globalization;
using SwarmPgGitOps.PgHba;
using Xunit.Abstractions;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// Property: for every generated pg_hba.conf line, our parser and a real PostgreSQL 15 server agree on whether it is
/// valid. The server's verdict is pg_hba_file_rules.error for the line (the view reads the file again on each query).
/// The seed is fixed so a failure is reproducible; SPG_HBA_SEED=n explores another sequence.
/// </summary>
[Trait("Category", "BadInput")]
public class PgHbaAgreementTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20151;
    private const int Batches = 8;
    private const int LinesPerBatch = 100;

    [Fact]
    public async Task Parser_and_PostgreSQL_15_agree_on_generated_lines()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SPG_HBA_SEED"), CultureInfo.InvariantCulture, out var chosen) ? chosen : DefaultSeed;
        var generator = new HbaLineGenerator(seed);
        var disagreements = new List<string>();
        int total = 0, invalid = 0;

        await using (var server = await PostgresServer.StartAsync())
        {
            for (var batch = 0; batch < Batches; batch++)
            {
                var lines = generator.Lines(LinesPerBatch);
                var postgres = await server.HbaErrorsAsync(lines);
                for (var i = 0; i < lines.Count; i++)
                {
                    var ours = PgHbaParser.ParseLine(lines[i], "pg_hba.conf", i + 1).Errors.FirstOrDefault();
                    var theirs = postgres.GetValueOrDefault(i + 1);
                    total++;
                    if (theirs is not null)
                        invalid++;
                    if ((ours is null) != (theirs is null))
                        disagreements.Add($"batch {batch} line {i + 1}: {Show(lines[i])}\n    PostgreSQL: {theirs ?? "valid"}\n    ours:       {ours?.Message ?? "valid"}");
                }
            }
        }

        var agreed = total - disagreements.Count;
        output.WriteLine($"seed {seed}: {total} lines, {invalid} invalid for PostgreSQL; agreement {agreed}/{total} ({100.0 * agreed / total:F1}%)");
        Assert.True(disagreements.Count == 0,
            $"seed {seed}: parser and PostgreSQL 15 disagree on {disagreements.Count} of {total} lines:\n" + string.Join("\n", disagreements));
        Assert.InRange(invalid, total / 5, total * 4 / 5); // the generator keeps a useful mix of valid and invalid lines
    }

    private static string Show(string line) => "\"" + line.Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
}
