using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CliWrap;
using CliWrap.Buffered;
using Npgsql;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// A throwaway PostgreSQL 15 server from the machine's packages (/usr/lib/postgresql/15/bin), in a temporary folder:
/// initdb, then started on 127.0.0.1 with a free port, its Unix socket in the same folder, and SSL on with a
/// self-signed certificate (so hostssl lines are judged as on a server with SSL, which is what our parser assumes).
/// Clients connect over the socket only (trust); TCP clients are rejected. Runs as the postgres system user when the
/// tests run as root. Dispose stops it and removes the folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private readonly string _root;
    private readonly string _data;
    private readonly string _sockets;
    private readonly int _port;
    private bool _started;

    private PostgresServer(string root, int port)
    {
        _root = root;
        _data = Path.Combine(root, "data");
        _sockets = Path.Combine(root, "sockets");
        _port = port;
    }

    /// <summary>Where clients connect: the folder of the server's Unix socket (as Npgsql's Host), and its port.</summary>
    public string SocketDirectory => _sockets;

    public int Port => _port;

    /// <summary>The pg_hba.conf the server was started with; writing it changes what pg_hba_file_rules reads, not who may connect.</summary>
    public string HbaFile => Path.Combine(_data, "pg_hba.conf");

    public static async Task<PostgresServer> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "postgres")))
            throw new InvalidOperationException($"{BinDirectory}/postgres is missing: run build/prerequisites.sh (Debian package postgresql-15)");

        var server = new PostgresServer(Directory.CreateTempSubdirectory("spg-pg15-").FullName, FreePort());
        try
        {
            await server.InitAsync();
            await server.RunAsync("pg_ctl", "-D", server._data, "-l", Path.Combine(server._root, "server.log"), "-w", "-t", "60",
                "-o", string.Join(' ',
                    $"-c port={server._port}", "-c listen_addresses=127.0.0.1", $"-c unix_socket_directories={server._sockets}",
                    "-c ssl=on", $"-c ssl_cert_file={Path.Combine(server._root, "server.crt")}", $"-c ssl_key_file={Path.Combine(server._root, "server.key")}",
                    "-c fsync=off", "-c logging_collector=off"),
                "start");
            server._started = true;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>What pg_hba_file_rules shows for a line PostgreSQL could not parse but gave no message for (see <see cref="HbaErrorsAsync"/>).</summary>
    public const string UnparsedWithoutMessage = "(no message: the row has no parsed fields; the server would refuse this file)";

    /// <summary>
    /// Writes the lines as pg_hba.conf and returns PostgreSQL's verdict on each: line number → error, for the lines that
    /// have one. Some of PostgreSQL 15's option checks (a clientcert or RADIUS value it cannot read) fail the line without
    /// setting a message; the view then shows a row with every field and the error empty, while loading the file (start,
    /// reload) refuses it. Such rows count as errors, with <see cref="UnparsedWithoutMessage"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, string>> HbaErrorsAsync(IReadOnlyList<string> lines)
    {
        await File.WriteAllTextAsync(HbaFile, string.Join('\n', lines) + "\n");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = _sockets, Port = _port, Username = "postgres", Database = "postgres", Pooling = false, Timeout = 30,
        }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT line_number, coalesce(error, @unparsed) FROM pg_hba_file_rules WHERE error IS NOT NULL OR type IS NULL", connection);
        command.Parameters.AddWithValue("unparsed", UnparsedWithoutMessage);
        await using var reader = await command.ExecuteReaderAsync();
        var errors = new Dictionary<int, string>();
        while (await reader.ReadAsync())
            errors[reader.GetInt32(0)] = reader.GetString(1);
        return errors;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started)
                await RunAsync("pg_ctl", "-D", _data, "-m", "fast", "-w", "-t", "60", "stop");
        }
        finally
        {
            _started = false;
            try { Directory.Delete(_root, recursive: true); }
            catch (IOException) { }
        }
    }

    private async Task InitAsync()
    {
        Directory.CreateDirectory(_sockets);
        WriteCertificate();
        if (RunsAsRoot)
            await Run("chown", "-R", "postgres:postgres", _root);
        await RunAsync("initdb", "-D", _data, "-U", "postgres", "--auth-local=trust", "--auth-host=reject",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
    }

    /// <summary>A self-signed certificate and key for ssl = on; the key must be private to the server's user.</summary>
    private void WriteCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_root, "server.crt"), certificate.ExportCertificatePem());
        var keyFile = Path.Combine(_root, "server.key");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    /// <summary>A PostgreSQL program, as the postgres system user when the tests run as root (the server refuses to run as root).</summary>
    private Task RunAsync(string program, params string[] arguments)
    {
        var path = Path.Combine(BinDirectory, program);
        return RunsAsRoot ? Run("runuser", ["-u", "postgres", "--", path, .. arguments]) : Run(path, arguments);
    }

    private async Task Run(string program, params string[] arguments)
    {
        var result = await Cli.Wrap(program).WithArguments(arguments).WithWorkingDirectory(_root)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        if (result.ExitCode != 0)
        {
            var log = Path.Combine(_root, "server.log");
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {result.ExitCode}\n"
                + result.StandardOutput + result.StandardError + (File.Exists(log) ? "\nserver.log:\n" + File.ReadAllText(log) : ""));
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
