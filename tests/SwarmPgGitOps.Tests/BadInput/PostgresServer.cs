using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CliWrap;
using CliWrap.Buffered;
using Npgsql;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// A throwaway PostgreSQL server of one major version (from the machine's packages or the project image's root
/// filesystem, see <see cref="PostgresInstallation"/>), in a temporary folder: initdb, then started on 127.0.0.1 with a
/// free port, its Unix socket in the same folder, and ssl on (with a self-signed certificate, or the one given) or off.
/// Clients connect over the socket only (trust); TCP clients are rejected until <see cref="ReloadHbaAsync"/> says otherwise. Runs as the postgres system user when the tests run as root.
/// Dispose stops it and removes the folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly PostgresInstallation _installation;
    private readonly string _root; // the paths as the server sees them; _installation.HostPath gives them as the tests see them
    private readonly string _data;
    private readonly string _sockets;
    private readonly int _port;
    private bool _started;
    private readonly SwarmPgGitOps.Secrets.TlsFiles? _tls;

    private PostgresServer(PostgresInstallation installation, bool ssl, string root, int port, SwarmPgGitOps.Secrets.TlsFiles? tls = null)
    {
        _tls = tls;
        _installation = installation;
        Ssl = ssl;
        _root = root;
        _data = root + "/data";
        _sockets = root + "/sockets";
        _port = port;
    }

    /// <summary>Where clients connect: the folder of the server's Unix socket (as Npgsql's Host), and its port.</summary>
    public string SocketDirectory => _installation.HostPath(_sockets);

    public int Port => _port;

    public int Major => _installation.Major;

    public bool Ssl { get; }

    /// <summary>The pg_hba.conf the server was started with; writing it changes what pg_hba_file_rules reads, not who may connect.</summary>
    public string HbaFile => _installation.HostPath(_data + "/pg_hba.conf");

    /// <summary>Writes a file beside pg_hba.conf (for @name), readable by the server.</summary>
    public void WriteBesideHba(string name, string text)
    {
        var path = Path.Combine(_installation.HostPath(_data), name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    public static async Task<PostgresServer> StartAsync(int major = 15, bool ssl = true, SwarmPgGitOps.Secrets.TlsFiles? tls = null)
    {
        var installation = PostgresInstallation.Of(major)
            ?? throw new InvalidOperationException($"PostgreSQL {major} is not on this machine: {PostgresInstallation.MissingHint(major)}");
        var server = new PostgresServer(installation, ssl, installation.CreateScratchDirectory($"spg-pg{major}-"), FreePort(), tls);
        try
        {
            await server.InitAsync();
            await server.RunAsync("pg_ctl", "-D", server._data, "-l", server._root + "/server.log", "-w", "-t", "60",
                "-o", string.Join(' ',
                    $"-c port={server._port}", "-c listen_addresses=127.0.0.1", $"-c unix_socket_directories={server._sockets}",
                    $"-c ssl={(ssl ? "on" : "off")}", $"-c ssl_cert_file={server._root}/server.crt", $"-c ssl_key_file={server._root}/server.key",
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

    /// <summary>
    /// Writes the lines as pg_hba.conf and returns what pg_hba_file_rules shows for them, one row per record (the view
    /// reads the file again on each query). Some of PostgreSQL 15's option checks (a clientcert or RADIUS value it
    /// cannot read) fail the line without setting a message; the view then shows a row with no fields and no error, while
    /// loading the file (start, reload) refuses it. <see cref="HbaViewRow.IsError"/> counts those as errors.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, HbaViewRow>> HbaRowsAsync(IReadOnlyList<string> lines)
    {
        await File.WriteAllTextAsync(HbaFile, string.Join('\n', lines) + "\n");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = SocketDirectory, Port = _port, Username = "postgres", Database = "postgres", Pooling = false, Timeout = 30,
        }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT line_number, type, database, user_name, address, netmask, auth_method, options, error FROM pg_hba_file_rules", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<int, HbaViewRow>();
        while (await reader.ReadAsync())
        {
            string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
            string[]? Texts(int column) => reader.IsDBNull(column) ? null : reader.GetFieldValue<string[]>(column);
            rows[reader.GetInt32(0)] = new HbaViewRow(Text(1), Texts(2), Texts(3), Text(4), Text(5), Text(6), Texts(7), Text(8));
        }
        return rows;
    }

    /// <summary>Writes the lines as pg_hba.conf and has the server load it: it then decides who may connect.</summary>
    public async Task ReloadHbaAsync(IReadOnlyList<string> lines)
    {
        await File.WriteAllTextAsync(HbaFile, string.Join('\n', lines) + "\n");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = SocketDirectory, Port = _port, Username = "postgres", Database = "postgres", Pooling = false, Timeout = 30,
        }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
        await command.ExecuteScalarAsync();
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
            try { Directory.Delete(_installation.HostPath(_root), recursive: true); }
            catch (IOException) { }
        }
    }

    private async Task InitAsync()
    {
        Directory.CreateDirectory(_installation.HostPath(_sockets));
        WriteCertificate();
        if (PostgresInstallation.RunsAsRoot)
            await Run(_installation.Command("chown", ["-R", "postgres:postgres", _root], postgresProgram: false));
        await RunAsync("initdb", "-D", _data, "-U", "postgres", "--auth-local=trust", "--auth-host=reject",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
    }

    /// <summary>A self-signed certificate and key for ssl = on; the key must be private to the server's user.</summary>
    private void WriteCertificate()
    {
        if (_tls is { } tls)
        {
            WritePair(tls.Certificate, tls.Key);
            return;
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        WritePair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private void WritePair(string certificatePem, string keyPem)
    {
        var root = _installation.HostPath(_root);
        File.WriteAllText(Path.Combine(root, "server.crt"), certificatePem);
        var keyFile = Path.Combine(root, "server.key");
        File.WriteAllText(keyFile, keyPem);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private Task RunAsync(string program, params string[] arguments) => Run(_installation.Command(program, arguments));

    private async Task Run((string Program, string[] Arguments) command)
    {
        var result = await Cli.Wrap(command.Program).WithArguments(command.Arguments).WithWorkingDirectory(_installation.HostPath(_root))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        if (result.ExitCode != 0)
        {
            var log = _installation.HostPath(_root + "/server.log");
            throw new InvalidOperationException($"{command.Program} {string.Join(' ', command.Arguments)} exited with {result.ExitCode}\n"
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
