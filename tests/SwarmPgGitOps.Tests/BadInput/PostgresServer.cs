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
/// A throwaway PostgreSQL server of one major version from the machine's packages (/usr/lib/postgresql/&lt;major&gt;/bin),
/// in a temporary folder: initdb, then started on 127.0.0.1 with a free port, its Unix socket in the same folder, and
/// ssl on (with a self-signed certificate) or off. Clients connect over the socket only (trust); TCP clients are
/// rejected. Runs as the postgres system user when the tests run as root. Dispose stops it and removes the folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string PackageRoot = "/usr/lib/postgresql";

    private readonly string _root;
    private readonly string _data;
    private readonly string _sockets;
    private readonly int _port;
    private bool _started;

    private PostgresServer(int major, bool ssl, string root, int port)
    {
        Major = major;
        Ssl = ssl;
        _root = root;
        _data = Path.Combine(root, "data");
        _sockets = Path.Combine(root, "sockets");
        _port = port;
    }

    /// <summary>Where clients connect: the folder of the server's Unix socket (as Npgsql's Host), and its port.</summary>
    public string SocketDirectory => _sockets;

    public int Port => _port;

    public int Major { get; }

    public bool Ssl { get; }

    private string BinDirectory => BinDirectoryOf(Major);

    public static string BinDirectoryOf(int major) => Path.Combine(PackageRoot, major.ToString(CultureInfo.InvariantCulture), "bin");

    /// <summary>The majors whose server binaries are on this machine.</summary>
    public static IReadOnlyList<int> InstalledMajors() =>
        !Directory.Exists(PackageRoot)
            ? []
            : Directory.GetDirectories(PackageRoot)
                .Select(Path.GetFileName)
                .Select(name => int.TryParse(name, CultureInfo.InvariantCulture, out var major) ? major : 0)
                .Where(major => major > 0 && File.Exists(Path.Combine(BinDirectoryOf(major), "postgres")))
                .Order()
                .ToList();

    /// <summary>The pg_hba.conf the server was started with; writing it changes what pg_hba_file_rules reads, not who may connect.</summary>
    public string HbaFile => Path.Combine(_data, "pg_hba.conf");

    /// <summary>Writes a file beside pg_hba.conf (for @name), readable by the server.</summary>
    public void WriteBesideHba(string name, string text)
    {
        var path = Path.Combine(_data, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    public static async Task<PostgresServer> StartAsync(int major = 15, bool ssl = true)
    {
        if (!File.Exists(Path.Combine(BinDirectoryOf(major), "postgres")))
            throw new InvalidOperationException($"{BinDirectoryOf(major)}/postgres is missing: run build/prerequisites.sh (Debian package postgresql-{major})");

        var server = new PostgresServer(major, ssl, Directory.CreateTempSubdirectory($"spg-pg{major}-").FullName, FreePort());
        try
        {
            await server.InitAsync();
            await server.RunAsync("pg_ctl", "-D", server._data, "-l", Path.Combine(server._root, "server.log"), "-w", "-t", "60",
                "-o", string.Join(' ',
                    $"-c port={server._port}", "-c listen_addresses=127.0.0.1", $"-c unix_socket_directories={server._sockets}",
                    $"-c ssl={(ssl ? "on" : "off")}", $"-c ssl_cert_file={Path.Combine(server._root, "server.crt")}", $"-c ssl_key_file={Path.Combine(server._root, "server.key")}",
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
            Host = _sockets, Port = _port, Username = "postgres", Database = "postgres", Pooling = false, Timeout = 30,
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
