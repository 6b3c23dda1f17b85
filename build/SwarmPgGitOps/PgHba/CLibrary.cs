namespace SwarmPgGitOps.PgHba;

/// <summary>
/// The C library conversions hba.c relies on, where their leniency decides what PostgreSQL accepts. The server reads
/// bytes: a character outside ASCII is never a C digit or C white space (its UTF-8 bytes are above 127).
/// </summary>
internal static class CLibrary
{
    /// <summary>isspace in the C locale: space, \t, \n, \v, \f, \r (not the no-break space).</summary>
    public static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    /// <summary>
    /// strtol(text, &amp;end, 10) with a 64-bit long: leading C white space, an optional sign, then digits; an overflow
    /// saturates at long.MaxValue or long.MinValue. <paramref name="end"/> is where the digits stop, or 0 when there
    /// are none (strtol then points end at the start).
    /// </summary>
    public static long Strtol(string text, out int end)
    {
        var index = 0;
        while (index < text.Length && IsSpace(text[index]))
            index++;
        var negative = false;
        if (index < text.Length && text[index] is '+' or '-')
            negative = text[index++] == '-';
        var firstDigit = index;
        var magnitude = ReadDigits(text, ref index, out var overflow);
        if (index == firstDigit)
        {
            end = 0;
            return 0;
        }
        end = index;
        var limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (overflow || magnitude > limit)
            return negative ? long.MinValue : long.MaxValue;
        return negative ? (long)(0 - magnitude) : (long)magnitude;
    }

    /// <summary>atoi as glibc defines it, (int) strtol(text, NULL, 10): the long is cut to its low 32 bits.</summary>
    public static int Atoi(string text) => unchecked((int)Strtol(text, out _));

    /// <summary>strtoull(text, &amp;end, 10) for text that starts with a digit; null when it overflows 64 bits.</summary>
    public static ulong? Strtoull(string text, out int end)
    {
        end = 0;
        var value = ReadDigits(text, ref end, out var overflow);
        return overflow ? null : value;
    }

    /// <summary>Decimal digits from <paramref name="index"/> on; <paramref name="overflow"/> when they exceed 64 bits.</summary>
    private static ulong ReadDigits(string text, ref int index, out bool overflow)
    {
        ulong value = 0;
        overflow = false;
        while (index < text.Length && char.IsAsciiDigit(text[index]))
        {
            var digit = (ulong)(text[index++] - '0');
            if (value > (ulong.MaxValue - digit) / 10)
                overflow = true;
            else
                value = value * 10 + digit;
        }
        return value;
    }

    /// <summary>The bytes PostgreSQL reads for the text (the server's files are UTF-8).</summary>
    public static int ByteCount(string text) => System.Text.Encoding.UTF8.GetByteCount(text);
}
