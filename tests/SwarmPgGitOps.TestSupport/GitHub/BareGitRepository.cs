using System.Diagnostics;
using System.Text;

namespace SwarmPgGitOps.TestSupport.GitHub;

/// <summary>An entry of a git tree: mode ("100644", "040000"), type ("blob", "tree") and object id.</summary>
public sealed record GitTreeEntry(string Mode, string Type, string Sha);

/// <summary>A commit as git stores it.</summary>
public sealed record GitCommit(string Sha, string Tree, IReadOnlyList<string> Parents, GitSignature Author, GitSignature Committer, string Message);

public sealed record GitSignature(string Name, string Email, DateTimeOffset Date);

/// <summary>
/// A real bare git repository in a temporary folder, read and written only with git's plumbing commands
/// (hash-object, mktree, commit-tree, update-ref, cat-file), as GitHub's Git Data API does on its side.
/// </summary>
public sealed class BareGitRepository : IDisposable
{
    private const string Identity = "GitHub double";
    private const string IdentityEmail = "noreply@github.invalid";

    private BareGitRepository(string path) => Path = path;

    public string Path { get; }

    /// <summary>A new repository whose <paramref name="branch"/> has one commit with <paramref name="files"/> (path → text).</summary>
    public static BareGitRepository Create(string branch, IReadOnlyDictionary<string, string> files)
    {
        var repository = new BareGitRepository(Directory.CreateTempSubdirectory("spg-github-double-").FullName);
        repository.Git("init", "--quiet", "--bare", "--initial-branch", branch);
        var changes = files.ToDictionary(f => f.Key, f => (GitTreeEntry?)new GitTreeEntry("100644", "blob", repository.WriteBlob(Encoding.UTF8.GetBytes(f.Value))));
        var tree = repository.WriteTree(null, changes);
        var commit = repository.WriteCommit(tree, [], "Initial commit", null);
        repository.Git("update-ref", $"refs/heads/{branch}", commit);
        return repository;
    }

    public string WriteBlob(byte[] content) => Git(content, "hash-object", "-w", "--stdin").Trim();

    /// <summary>The tree <paramref name="baseTree"/> (or an empty one) with <paramref name="changes"/> at nested paths; a null entry removes the path.</summary>
    public string WriteTree(string? baseTree, IReadOnlyDictionary<string, GitTreeEntry?> changes)
    {
        var entries = baseTree is null ? new Dictionary<string, GitTreeEntry>(StringComparer.Ordinal) : ReadTree(baseTree);
        foreach (var group in changes.GroupBy(c => c.Key.Split('/', 2)[0], StringComparer.Ordinal))
        {
            var name = group.Key;
            var direct = group.Where(c => !c.Key.Contains('/')).ToList();
            if (direct.Count > 0)
            {
                if (direct[^1].Value is { } entry)
                    entries[name] = entry;
                else
                    entries.Remove(name);
                continue;
            }
            var nested = group.ToDictionary(c => c.Key.Split('/', 2)[1], c => c.Value, StringComparer.Ordinal);
            var subtree = entries.TryGetValue(name, out var existing) && existing.Type == "tree" ? existing.Sha : null;
            var written = WriteTree(subtree, nested);
            if (ReadTree(written).Count == 0)
                entries.Remove(name);
            else
                entries[name] = new GitTreeEntry("040000", "tree", written);
        }
        var listing = new StringBuilder();
        foreach (var (name, entry) in entries)
            listing.Append($"{entry.Mode} {entry.Type} {entry.Sha}\t{name}\0");
        return Git(Encoding.UTF8.GetBytes(listing.ToString()), "mktree", "-z").Trim();
    }

    public Dictionary<string, GitTreeEntry> ReadTree(string tree)
    {
        var entries = new Dictionary<string, GitTreeEntry>(StringComparer.Ordinal);
        foreach (var line in Git("ls-tree", "-z", tree).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var (meta, name) = (line[..line.IndexOf('\t')], line[(line.IndexOf('\t') + 1)..]);
            var parts = meta.Split(' ');
            entries[name] = new GitTreeEntry(parts[0], parts[1], parts[2]);
        }
        return entries;
    }

    public string WriteCommit(string tree, IReadOnlyList<string> parents, string message, GitSignature? author)
    {
        var arguments = new List<string> { "commit-tree", tree };
        foreach (var parent in parents)
            arguments.AddRange(["-p", parent]);
        var environment = author is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string>
            {
                ["GIT_AUTHOR_NAME"] = author.Name,
                ["GIT_AUTHOR_EMAIL"] = author.Email,
                ["GIT_AUTHOR_DATE"] = author.Date.ToString("yyyy-MM-ddTHH:mm:sszzz"),
            };
        return Run(Encoding.UTF8.GetBytes(message), environment, [.. arguments]).Trim();
    }

    public GitCommit ReadCommit(string sha)
    {
        var text = Git("cat-file", "commit", sha);
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = text[..split].Split('\n');
        string Header(string name) => headers.First(h => h.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..];
        return new GitCommit(
            sha,
            Header("tree"),
            headers.Where(h => h.StartsWith("parent ", StringComparison.Ordinal)).Select(h => h[7..]).ToList(),
            Signature(Header("author")),
            Signature(Header("committer")),
            text[(split + 2)..]);
    }

    /// <summary>"commit", "tree", "blob", "tag", or null when there is no such object.</summary>
    public string? ObjectType(string sha) => TryGit(out var type, "cat-file", "-t", sha) ? type.Trim() : null;

    public string? ResolveRef(string reference) =>
        TryGit(out var sha, "rev-parse", "--verify", "--quiet", reference + "^{commit}") ? sha.Trim() : null;

    public bool IsAncestor(string ancestor, string descendant) => TryGit(out _, "merge-base", "--is-ancestor", ancestor, descendant);

    public int CommitsBetween(string from, string to) => int.Parse(Git("rev-list", "--count", $"{from}..{to}").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>`git show &lt;revision&gt;:&lt;path&gt;`: a file as it is in a commit.</summary>
    public string Show(string revision, string path) => Git("show", $"{revision}:{path}");

    public string Git(params string[] arguments) => Run(null, new Dictionary<string, string>(), arguments);

    public string Git(byte[] input, params string[] arguments) => Run(input, new Dictionary<string, string>(), arguments);

    private bool TryGit(out string output, params string[] arguments)
    {
        try
        {
            output = Git(arguments);
            return true;
        }
        catch (InvalidOperationException)
        {
            output = "";
            return false;
        }
    }

    private string Run(byte[]? input, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory.Exists(Path) ? Path : System.IO.Path.GetTempPath(),
        };
        start.Environment["GIT_DIR"] = Path;
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_AUTHOR_NAME"] = Identity;
        start.Environment["GIT_AUTHOR_EMAIL"] = IdentityEmail;
        start.Environment["GIT_COMMITTER_NAME"] = Identity;
        start.Environment["GIT_COMMITTER_EMAIL"] = IdentityEmail;
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
            process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result.Trim()}");
        return output.Result;
    }

    private static GitSignature Signature(string header)
    {
        // "Name <email> 1700000000 +0100"
        var open = header.LastIndexOf('<');
        var close = header.LastIndexOf('>');
        var when = header[(close + 2)..].Split(' ');
        var offset = TimeSpan.ParseExact(when[1][1..], "hhmm", System.Globalization.CultureInfo.InvariantCulture);
        var date = DateTimeOffset.FromUnixTimeSeconds(long.Parse(when[0], System.Globalization.CultureInfo.InvariantCulture))
            .ToOffset(when[1][0] == '-' ? -offset : offset);
        return new GitSignature(header[..open].Trim(), header[(open + 1)..close], date);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }
}
