namespace SwarmPgGitOps.PgHba;

/// <summary>
/// One record's text after joining backslash-continued lines, with a map back to file positions.
/// PostgreSQL joins a line ending in a backslash with the next one (the backslash and line break are
/// dropped, no space is added), even inside quotes or a comment.
/// </summary>
internal sealed class HbaLogicalLine
{
    private readonly List<(int Offset, int Line)> segments;

    private HbaLogicalLine(string text, List<(int Offset, int Line)> segments)
    {
        Text = text;
        this.segments = segments;
    }

    public string Text { get; }

    public int FirstLine => segments[0].Line;

    public int LastLine => segments[^1].Line;

    public bool IsContinued => segments.Count > 1;

    public HbaPosition PositionOf(int offset)
    {
        var segment = segments.Last(s => s.Offset <= offset);
        return new HbaPosition(segment.Line, offset - segment.Offset + 1);
    }

    public HbaPosition End => PositionOf(Text.Length);

    public static HbaLogicalLine Single(string line, int lineNumber) =>
        Split(line, lineNumber).FirstOrDefault() ?? new HbaLogicalLine("", [(0, lineNumber)]);

    public static IEnumerable<HbaLogicalLine> Split(string text, int firstLineNumber = 1)
    {
        var physical = text.Split('\n');
        // A final line break does not start another line.
        var count = physical.Length > 1 && physical[^1].Length == 0 ? physical.Length - 1 : physical.Length;
        var index = 0;
        while (index < count)
        {
            var buffer = new System.Text.StringBuilder();
            var segments = new List<(int Offset, int Line)>();
            while (index < count)
            {
                var content = physical[index].TrimEnd('\r', '\n');
                segments.Add((buffer.Length, firstLineNumber + index));
                index++;
                if (content.Length > 0 && content[^1] == '\\')
                {
                    buffer.Append(content, 0, content.Length - 1);
                    continue;
                }
                buffer.Append(content);
                break;
            }
            yield return new HbaLogicalLine(buffer.ToString(), segments);
        }
    }
}
