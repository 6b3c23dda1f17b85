using Npgsql;

namespace SwarmPgGitOps.Postgres;

/// <summary>One SQL statement, its parameters, and how each row it returns reads as a record.</summary>
public sealed class Query<T>(string sql, Func<NpgsqlDataReader, T> readRow, params (string Name, object Value)[] parameters)
{
    public async Task<IReadOnlyList<T>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        var batch = new QueryBatch();
        var rows = batch.Add(this);
        await batch.RunAsync(connection, cancellation);
        return rows;
    }

    internal NpgsqlBatchCommand Command()
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    internal T ReadRow(NpgsqlDataReader reader) => readRow(reader);
}

/// <summary>Queries sent to one server together, in one round trip. Each <see cref="Add{T}"/> gives the list its rows fill during <see cref="RunAsync"/>.</summary>
public sealed class QueryBatch
{
    private readonly List<(Func<NpgsqlBatchCommand> Command, Action<NpgsqlDataReader> ReadRow)> _queries = [];

    public IReadOnlyList<T> Add<T>(Query<T> query)
    {
        var rows = new List<T>();
        _queries.Add((query.Command, reader => rows.Add(query.ReadRow(reader))));
        return rows;
    }

    public async Task RunAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var (command, _) in _queries)
            batch.BatchCommands.Add(command());
        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        for (var index = 0; index < _queries.Count; index++)
        {
            if (index > 0)
                await reader.NextResultAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
                _queries[index].ReadRow(reader);
        }
    }
}

/// <summary>Reading nullable columns.</summary>
internal static class DataReaderExtensions
{
    public static string? Text(this NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    public static string[] TextArray(this NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? [] : reader.GetFieldValue<string[]>(column);
}
