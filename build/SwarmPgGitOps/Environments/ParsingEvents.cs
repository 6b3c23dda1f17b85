using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SwarmPgGitOps.Environments;

/// <summary>A YAML text parsed once into its events, which YamlDotNet's node tree and deserializer can each read again.</summary>
internal static class ParsingEvents
{
    public static IReadOnlyList<ParsingEvent> Of(string text)
    {
        var parser = new Parser(new StringReader(text));
        var events = new List<ParsingEvent>();
        while (parser.MoveNext())
            events.Add(parser.Current!);
        return events;
    }

    public static IParser Replay(this IReadOnlyList<ParsingEvent> events) => new EventReplay(events);

    private sealed class EventReplay(IReadOnlyList<ParsingEvent> events) : IParser
    {
        private int _next;

        public ParsingEvent? Current { get; private set; }

        public bool MoveNext()
        {
            Current = _next < events.Count ? events[_next++] : null;
            return Current is not null;
        }
    }
}
