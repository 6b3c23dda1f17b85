using System.Globalization;

namespace SwarmPgGitOps.PgHba;

/// <summary>
/// Whether PostgreSQL compiles a regular expression (its "advanced" flavour, Henry Spencer's ARE in src/backend/regex:
/// the lexer of regc_lex.c and the parser of regcomp.c, followed as far as they decide that). <see cref="Check"/> gives
/// regerror's message for the first problem the server would report, or null. Not modelled: the basic and extended
/// flavours an embedded (?b) or (?e) switches to (whatever follows is accepted here), and the server's other limits
/// (size, nesting).
/// </summary>
internal sealed class AdvancedRegexSyntax
{
    private const int MaxRepetition = 255; // DUPMAX
    private const long MaxCharacter = 0x7ffffffe; // CHR_MAX

    private static readonly HashSet<string> CharacterClasses =
        ["alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit", "word"];

    /// <summary>The POSIX names of collating elements regc_locale.c knows (besides any single character).</summary>
    private static readonly HashSet<string> CollatingNames =
    [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "alert", "BS", "backspace", "HT", "tab", "LF", "newline", "VT",
        "vertical-tab", "FF", "form-feed", "CR", "carriage-return", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN",
        "ETB", "CAN", "EM", "SUB", "ESC", "IS4", "FS", "IS3", "GS", "IS2", "RS", "IS1", "US", "space", "exclamation-mark",
        "quotation-mark", "number-sign", "dollar-sign", "percent-sign", "ampersand", "apostrophe", "left-parenthesis",
        "right-parenthesis", "asterisk", "plus-sign", "comma", "hyphen", "hyphen-minus", "period", "full-stop", "slash", "solidus",
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "colon", "semicolon", "less-than-sign",
        "equals-sign", "greater-than-sign", "question-mark", "commercial-at", "left-square-bracket", "backslash", "reverse-solidus",
        "right-square-bracket", "circumflex", "circumflex-accent", "underscore", "low-line", "grave-accent", "left-brace",
        "left-curly-bracket", "vertical-line", "right-brace", "right-curly-bracket", "tilde", "DEL",
    ];

    private readonly string _pattern;
    private int _at;
    private bool _expanded;
    private int _opened; // capturing groups opened so far (nsubexp)
    private readonly HashSet<int> _closed = [];

    private AdvancedRegexSyntax(string pattern) => _pattern = pattern;

    public static string? Check(string pattern)
    {
        try
        {
            new AdvancedRegexSyntax(pattern).Parse();
            return null;
        }
        catch (RegexSyntaxException problem)
        {
            return problem.Message;
        }
    }

    private sealed class RegexSyntaxException(string message) : Exception(message);

    private static RegexSyntaxException BadEscape() => new("invalid escape \\ sequence");
    private static RegexSyntaxException BadBackReference() => new("invalid backreference number");
    private static RegexSyntaxException UnbalancedBrackets() => new("brackets [] not balanced");
    private static RegexSyntaxException UnbalancedParentheses() => new("parentheses () not balanced");
    private static RegexSyntaxException UnbalancedBraces() => new("braces {} not balanced");
    private static RegexSyntaxException BadRepetition() => new("invalid repetition count(s)");
    private static RegexSyntaxException BadRange() => new("invalid character range");
    private static RegexSyntaxException BadClass() => new("invalid character class");
    private static RegexSyntaxException BadCollatingElement() => new("invalid collating element");
    private static RegexSyntaxException BadQuantifierOperand() => new("quantifier operand invalid");
    private static RegexSyntaxException BadOption() => new("invalid embedded option");

    private bool AtEnd => _at >= _pattern.Length;

    private char Peek(int ahead = 0) => _at + ahead < _pattern.Length ? _pattern[_at + ahead] : '\0';

    private bool Has(int count) => _at + count <= _pattern.Length;

    private void Parse()
    {
        if (Prefixes())
            Alternation(inGroup: false);
    }

    /// <summary>The directors (***: and ***=) and one group of embedded options at the start; false when the rest is literal text.</summary>
    private bool Prefixes()
    {
        if (Has(4) && _pattern.StartsWith("***", StringComparison.Ordinal))
        {
            switch (_pattern[3])
            {
                case '?': throw new RegexSyntaxException("invalid regexp (reg version 0.8)");
                case '=': return false;
                case ':': _at = 4; break;
                default: throw BadQuantifierOperand();
            }
        }
        if (Peek() != '(' || Peek(1) != '?' || !char.IsAsciiLetter(Peek(2)))
            return true;
        _at += 2;
        var literal = false;
        var otherFlavour = false;
        for (; !AtEnd && char.IsAsciiLetter(Peek()); _at++)
        {
            switch (Peek())
            {
                case 'q': literal = true; break;
                case 'b' or 'e': otherFlavour = true; break;
                case 'x': _expanded = true; break;
                case 't': _expanded = false; break;
                case 'c' or 'i' or 'm' or 'n' or 'p' or 's' or 'w': break;
                default: throw BadOption();
            }
        }
        if (Peek() != ')')
            throw BadOption();
        _at++;
        return !literal && !otherFlavour;
    }

    private void Alternation(bool inGroup)
    {
        while (true)
        {
            Branch();
            if (AtEnd)
            {
                if (inGroup)
                    throw UnbalancedParentheses();
                return;
            }
            var c = _pattern[_at++];
            if (c == ')')
            {
                if (!inGroup)
                    throw UnbalancedParentheses();
                return;
            }
            // c is '|': the next branch (which may be empty)
        }
    }

    private void Branch()
    {
        var quantifiable = false;
        while (true)
        {
            SkipExpanded();
            if (AtEnd || Peek() is '|' or ')')
                return;
            if (StartsQuantifier())
            {
                if (!quantifiable)
                    throw BadQuantifierOperand();
                Quantifier();
                quantifiable = false;
                SkipExpanded();
                if (StartsQuantifier())
                    throw BadQuantifierOperand();
                continue;
            }
            quantifiable = Atom();
        }
    }

    private bool StartsQuantifier() => Peek() is '*' or '+' or '?' || (Peek() == '{' && char.IsAsciiDigit(Peek(1)));

    /// <summary>*, +, ?, or a bound {m}, {m,}, {m,n}; each may end with ? (non-greedy).</summary>
    private void Quantifier()
    {
        var c = _pattern[_at++];
        if (c == '{')
        {
            Bound();
            return;
        }
        if (Peek() == '?')
            _at++;
    }

    private enum BoundToken { Digit, Comma, Close }

    /// <summary>regcomp.c's reading of a bound, with the lexer one token ahead of it as there.</summary>
    private void Bound()
    {
        var (token, digit) = NextBoundToken();
        var m = ScanNumber(ref token, ref digit);
        int n;
        if (token == BoundToken.Comma)
        {
            (token, digit) = NextBoundToken();
            n = token == BoundToken.Digit ? ScanNumber(ref token, ref digit) : int.MaxValue;
            if (m > n)
                throw BadRepetition();
        }
        if (token != BoundToken.Close)
            throw BadRepetition();
    }

    private int ScanNumber(ref BoundToken token, ref int digit)
    {
        var n = 0;
        while (token == BoundToken.Digit && n < MaxRepetition)
        {
            n = n * 10 + digit;
            (token, digit) = NextBoundToken();
        }
        if (token == BoundToken.Digit || n > MaxRepetition)
            throw BadRepetition();
        return n;
    }

    private (BoundToken, int) NextBoundToken()
    {
        if (AtEnd)
            throw UnbalancedBraces();
        var c = _pattern[_at++];
        if (char.IsAsciiDigit(c))
            return (BoundToken.Digit, c - '0');
        if (c == ',')
            return (BoundToken.Comma, 0);
        if (c != '}')
            throw BadRepetition();
        if (Peek() == '?')
            _at++;
        return (BoundToken.Close, 0);
    }

    /// <summary>One atom or constraint; true when a quantifier may follow it.</summary>
    private bool Atom()
    {
        var c = _pattern[_at++];
        switch (c)
        {
            case '^' or '$':
                return false;
            case '(':
                return Group();
            case '[':
                Bracket();
                return true;
            case '\\':
                return Escape().Kind != EscapeKind.Constraint;
            default:
                return true; // '.', '{' not before a digit, ']', '}' and every other character
        }
    }

    private bool Group()
    {
        if (Peek() != '?')
        {
            var number = ++_opened;
            Alternation(inGroup: true);
            _closed.Add(number);
            return true;
        }
        _at++;
        var kind = AtEnd ? '\0' : _pattern[_at++];
        switch (kind)
        {
            case ':':
                Alternation(inGroup: true);
                return true;
            case '=' or '!':
                Alternation(inGroup: true);
                return false;
            case '<' when Peek() is '=' or '!':
                _at++;
                Alternation(inGroup: true);
                return false;
            default:
                throw BadQuantifierOperand();
        }
    }

    private enum EscapeKind { Character, Class, Constraint, BackReference }

    /// <summary>lexescape: what a backslash and what follows stand for; Value is the character for EscapeKind.Character.</summary>
    private (EscapeKind Kind, long Value) Escape(bool inBracket = false)
    {
        if (AtEnd)
            throw BadEscape();
        var c = _pattern[_at++];
        if (!char.IsAsciiLetterOrDigit(c))
        {
            if (char.IsHighSurrogate(c) && !AtEnd)
                _at++;
            return (EscapeKind.Character, char.ConvertToUtf32(_pattern, _at - (char.IsHighSurrogate(c) ? 2 : 1)));
        }
        switch (c)
        {
            case 'a' or 'b' or 'B' or 'e' or 'f' or 'n' or 'r' or 't' or 'v':
                return (EscapeKind.Character, c switch { 'a' => 7, 'b' => 8, 'B' => '\\', 'e' => 27, 'f' => 12, 'n' => 10, 'r' => 13, 't' => 9, _ => 11 });
            case 'A' or 'Z' or 'm' or 'M' or 'y' or 'Y':
                return inBracket ? throw BadEscape() : (EscapeKind.Constraint, 0);
            case 'd' or 'D' or 's' or 'S' or 'w' or 'W':
                return (EscapeKind.Class, 0);
            case 'c':
                if (AtEnd)
                    throw BadEscape();
                return (EscapeKind.Character, _pattern[_at++] & 037);
            case 'u':
                return (EscapeKind.Character, HexDigits(4, 4));
            case 'U':
                return (EscapeKind.Character, HexDigits(8, 8));
            case 'x':
                return (EscapeKind.Character, HexDigits(1, 255));
            case '0':
                _at--;
                return (EscapeKind.Character, OctalDigits());
            case >= '1' and <= '9':
                var start = _at - 1;
                var digits = 1;
                while (char.IsAsciiDigit(Peek()) && digits < 255)
                {
                    _at++;
                    digits++;
                }
                var value = long.TryParse(_pattern.AsSpan(start, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : long.MaxValue;
                if (digits == 1 || value <= _opened)
                {
                    if (inBracket)
                        throw BadEscape(); // a back reference is not a character
                    if (!_closed.Contains((int)value))
                        throw BadBackReference();
                    return (EscapeKind.BackReference, 0);
                }
                _at = start;
                return (EscapeKind.Character, OctalDigits());
            default:
                throw BadEscape();
        }
    }

    private long HexDigits(int least, int most)
    {
        long value = 0;
        var count = 0;
        while (count < most && Uri.IsHexDigit(Peek()))
        {
            value = Math.Min(value * 16 + Convert.ToInt32(Peek().ToString(), 16), long.MaxValue / 32);
            _at++;
            count++;
        }
        if (count < least || value > MaxCharacter)
            throw BadEscape();
        return value;
    }

    /// <summary>One to three octal digits; a value beyond 0xff gives its last digit back.</summary>
    private int OctalDigits()
    {
        var value = 0;
        var count = 0;
        while (count < 3 && Peek() is >= '0' and <= '7')
        {
            value = value * 8 + (Peek() - '0');
            _at++;
            count++;
        }
        if (count == 0)
            throw BadEscape();
        if (value > 0xff)
        {
            _at--;
            value >>= 3;
        }
        return value;
    }

    private enum BracketToken { Character, Range, Collating, Equivalence, Class, ClassEscape, Close }

    /// <summary>A token inside brackets: for a character its code point; for [. [= [: the opening character (the name is read later, as the server does).</summary>
    private readonly record struct BracketLexeme(BracketToken Token, long Value);

    /// <summary>
    /// A bracket expression after its '[': regcomp.c's brackpart for each element, up to the closing ']'. As there, the
    /// lexer reads the token after an element before the element is judged, so a missing ']' is reported first.
    /// </summary>
    private void Bracket()
    {
        if (Peek() == '^')
            _at++;
        var next = NextBracketToken(first: true);
        while (next.Token != BracketToken.Close)
        {
            var current = next;
            if (current.Token == BracketToken.Range)
                throw BadRange(); // a-b-c, or a range from a class
            var name = current.Token is BracketToken.Collating or BracketToken.Equivalence or BracketToken.Class ? ScanName((char)current.Value) : "";
            next = NextBracketToken();
            switch (current.Token)
            {
                case BracketToken.Equivalence:
                    Element(name);
                    continue;
                case BracketToken.Class:
                    if (!CharacterClasses.Contains(name))
                        throw BadClass();
                    continue;
                case BracketToken.ClassEscape:
                    continue;
            }
            var start = current.Token == BracketToken.Collating ? Element(name) : current.Value;
            if (next.Token != BracketToken.Range)
                continue;
            var last = NextBracketToken();
            if (last.Token is not (BracketToken.Character or BracketToken.Range or BracketToken.Collating))
                throw BadRange(); // a class or an equivalence class cannot end a range
            var lastName = last.Token == BracketToken.Collating ? ScanName('.') : "";
            next = NextBracketToken();
            var end = last.Token == BracketToken.Collating ? Element(lastName) : last.Value;
            if (start > end)
                throw BadRange();
        }
    }

    /// <summary>The name of a [.name.], [=name=] or [:name:] after its opening, read up to its closing.</summary>
    private string ScanName(char opener)
    {
        var close = _pattern.IndexOf(opener + "]", _at, StringComparison.Ordinal);
        if (close < 0)
            throw UnbalancedBrackets();
        var name = _pattern[_at..close];
        _at = close + 2;
        return name;
    }

    /// <summary>A collating element's character: a single character, or one of the POSIX names (whose order is not modelled: 0).</summary>
    private static long Element(string name)
    {
        if (name.Length == 1 || (name.Length == 2 && char.IsSurrogatePair(name, 0)))
            return char.ConvertToUtf32(name, 0);
        return name.Length > 0 && CollatingNames.Contains(name) ? 0 : throw BadCollatingElement();
    }

    private BracketLexeme NextBracketToken(bool first = false)
    {
        if (AtEnd)
            throw UnbalancedBrackets();
        var c = _pattern[_at++];
        switch (c)
        {
            case ']':
                return first ? new(BracketToken.Character, ']') : new(BracketToken.Close, 0);
            case '\\':
                var (kind, value) = Escape(inBracket: true);
                return kind == EscapeKind.Class ? new(BracketToken.ClassEscape, 0) : new(BracketToken.Character, value);
            case '-':
                return new(first || Peek() == ']' ? BracketToken.Character : BracketToken.Range, '-');
            case '[':
                if (AtEnd)
                    throw UnbalancedBrackets();
                var opener = Peek();
                if (opener is not ('.' or '=' or ':'))
                    return new(BracketToken.Character, '[');
                _at++;
                return new(opener switch { '.' => BracketToken.Collating, '=' => BracketToken.Equivalence, _ => BracketToken.Class }, opener);
            default:
                if (char.IsHighSurrogate(c) && !AtEnd)
                    _at++;
                return new(BracketToken.Character, char.ConvertToUtf32(_pattern, _at - (char.IsHighSurrogate(c) ? 2 : 1)));
        }
    }

    /// <summary>What the lexer skips between tokens: comments (?#...) always, and in expanded mode (?x) blanks and # to the end of the line.</summary>
    private void SkipExpanded()
    {
        while (!AtEnd)
        {
            if (Peek() == '(' && Peek(1) == '?' && Peek(2) == '#')
            {
                var close = _pattern.IndexOf(')', _at);
                _at = close < 0 ? _pattern.Length : close + 1;
            }
            else if (_expanded && char.IsWhiteSpace(Peek()))
                _at++;
            else if (_expanded && Peek() == '#')
                while (!AtEnd && Peek() != '\n')
                    _at++;
            else
                return;
        }
    }
}
