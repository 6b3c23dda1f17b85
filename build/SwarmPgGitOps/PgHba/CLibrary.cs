namespace SwarmPgGitOps.PgHba;

/// <summary>The C library conversions hba.c relies on, where their leniency decides what PostgreSQL accepts.</summary>
internal static class CLibrary
{
    /// <summary>atoi: leading blanks, an optional sign, then digits up to the first non-digit; 0 when there are none.</summary>
    public static long Atoi(string text)
    {
        var index = 0;
        while (index < text.Length && char.IsWhiteSpace(text[index]))
            index++;
        var negative = false;
        if (index < text.Length && text[index] is '+' or '-')
            negative = text[index++] == '-';
        long value = 0;
        while (index < text.Length && char.IsAsciiDigit(text[index]) && value < int.MaxValue)
            value = value * 10 + (text[index++] - '0');
        return negative ? -value : value;
    }
}
