using System.Globalization;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// Where the server binaries of one PostgreSQL major come from: this machine's Debian package
/// (/usr/lib/postgresql/&lt;major&gt;/bin), or, for a major the machine's apt does not have, the project image's root
/// filesystem that build/prerequisites.sh unpacks (build/image/unpack-rootfs.sh:
/// /var/cache/swarm-pg-lab/rootfs-pg&lt;major&gt;-&lt;hash&gt;/), whose programs run under chroot. A package wins over a root
/// filesystem of the same major. Paths given to <see cref="Command"/> are paths as the server sees them.
/// </summary>
public sealed record PostgresInstallation(int Major, string? RootFilesystem)
{
    public const string PackageRoot = "/usr/lib/postgresql";

    /// <summary>Where build/image/unpack-rootfs.sh unpacks the image (its SWARM_PG_IMAGE_CACHE, as build-rootfs.sh).</summary>
    public static string ImageCache => Environment.GetEnvironmentVariable("SWARM_PG_IMAGE_CACHE") is { Length: > 0 } cache ? cache : "/var/cache/swarm-pg-lab";

    /// <summary>The binaries' folder as the server sees it.</summary>
    public string BinDirectory => BinDirectoryIn(Major);

    /// <summary>Where the binaries come from, for messages.</summary>
    public string Source => RootFilesystem is null
        ? $"Debian package postgresql-{Major} ({BinDirectory})"
        : $"the project image's root filesystem {RootFilesystem} (chroot, {BinDirectory})";

    /// <summary>Every major whose server binaries are on this machine, one installation each, by major.</summary>
    public static IReadOnlyList<PostgresInstallation> Installed()
    {
        var packages = Directory.Exists(PackageRoot)
            ? Directory.GetDirectories(PackageRoot)
                .Select(path => int.TryParse(Path.GetFileName(path), CultureInfo.InvariantCulture, out var major) ? major : 0)
                .Where(major => major > 0 && File.Exists(Path.Combine(BinDirectoryIn(major), "postgres")))
                .Select(major => new PostgresInstallation(major, null))
            : [];
        var images = RunsAsRoot && Directory.Exists(ImageCache)
            ? Directory.GetDirectories(ImageCache, "rootfs-pg*-*")
                .OrderByDescending(Directory.GetLastWriteTimeUtc)
                .Select(root => (root, major: ImageMajor(root)))
                .Where(image => image.major > 0 && File.Exists(image.root + Path.Combine(BinDirectoryIn(image.major), "postgres")))
                .Select(image => new PostgresInstallation(image.major, image.root))
            : [];
        return packages.Concat(images).DistinctBy(installation => installation.Major).OrderBy(installation => installation.Major).ToList();
    }

    public static PostgresInstallation? Of(int major) => Installed().FirstOrDefault(installation => installation.Major == major);

    /// <summary>What to do when a major is not on this machine.</summary>
    public static string MissingHint(int major) =>
        $"neither {BinDirectoryIn(major)} nor {Path.Combine(ImageCache, $"rootfs-pg{major}-*")} is there"
        + (RunsAsRoot ? "" : " usable (a root filesystem needs the tests to run as root, for chroot)")
        + (major == 15
            ? "; run build/prerequisites.sh as root (it installs the Debian package postgresql-15)"
            : $"; run build/prerequisites.sh as root (it unpacks the project image for 17 and 18), or build/image/unpack-rootfs.sh {major}");

    /// <summary>A path the server sees, as this process sees it.</summary>
    public string HostPath(string serverPath) => RootFilesystem is null ? serverPath : RootFilesystem + serverPath;

    /// <summary>A new empty folder for one server, as the server sees it: under the system's temporary folder, or the root filesystem's /tmp.</summary>
    public string CreateScratchDirectory(string prefix)
    {
        if (RootFilesystem is null)
            return Directory.CreateTempSubdirectory(prefix).FullName;
        var serverPath = $"/tmp/{prefix}{Guid.NewGuid().ToString("N")[..8]}"; // short: the socket's path as the tests see it must fit in 107 bytes
        Directory.CreateDirectory(HostPath(serverPath));
        return serverPath;
    }

    /// <summary>
    /// The program and arguments that run <paramref name="program"/> (a PostgreSQL binary when <paramref name="postgresProgram"/>,
    /// else a system command) as the postgres system user when the tests run as root (the server refuses to run as root), inside the root filesystem when there is one.
    /// </summary>
    public (string Program, string[] Arguments) Command(string program, IReadOnlyList<string> arguments, bool postgresProgram = true)
    {
        var path = postgresProgram ? Path.Combine(BinDirectory, program) : program;
        string[] asUser = postgresProgram && RunsAsRoot ? ["runuser", "-u", "postgres", "--", path, .. arguments] : [path, .. arguments];
        return RootFilesystem is null ? (asUser[0], asUser[1..]) : ("chroot", [RootFilesystem, .. asUser]);
    }

    public static bool RunsAsRoot => Environment.UserName == "root";

    private static string BinDirectoryIn(int major) => Path.Combine(PackageRoot, major.ToString(CultureInfo.InvariantCulture), "bin");

    /// <summary>17 for …/rootfs-pg17-&lt;hash&gt;; 0 for anything else.</summary>
    private static int ImageMajor(string root)
    {
        var name = Path.GetFileName(root);
        var dash = name.IndexOf('-', "rootfs-pg".Length);
        return dash > 0 && int.TryParse(name["rootfs-pg".Length..dash], CultureInfo.InvariantCulture, out var major) ? major : 0;
    }
}
