using System.Globalization;
using System.Numerics;
using System.Text;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// Decoding of the values pickle writes as text (protocol 0 opcodes, and <c>INT</c>'s booleans in
/// protocol 1) and of the binary little-endian integers of <c>LONG1</c>/<c>LONG4</c>.
/// </summary>
internal static class PickleText
{
    /// <summary>A Python int: a <see cref="long"/> when it fits, else a <see cref="BigInteger"/>.</summary>
    public static object Integer(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (long)value : value;

    /// <summary>The two's-complement little-endian integer of <c>LONG1</c>/<c>LONG4</c>.</summary>
    public static object DecodeLong(ReadOnlySpan<byte> bytes) =>
        Integer(new BigInteger(bytes, isUnsigned: false, isBigEndian: false));

    /// <summary><c>INT</c>'s line: <c>01</c>/<c>00</c> are True/False (protocol 0 and 1 booleans), else an integer.</summary>
    public static object IntLine(string line) => line switch
    {
        "01" => true,
        "00" => false,
        _ => Integer(ParseInteger(line)),
    };

    /// <summary><c>LONG</c>'s line, e.g. <c>123L</c>.</summary>
    public static object LongLine(string line) => Integer(ParseInteger(line.EndsWith('L') ? line[..^1] : line));

    /// <summary><c>FLOAT</c>'s line, Python's <c>repr</c> of a float.</summary>
    public static double FloatLine(string line) => line.Trim() switch
    {
        "nan" or "-nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        var s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidPickleException($"'{s}' is not a float."),
    };

    /// <summary><c>STRING</c>'s line: a quoted Python 2 string literal with backslash escapes.</summary>
    public static byte[] StringLiteral(string line)
    {
        if (line.Length < 2 || line[0] != line[^1] || line[0] is not ('\'' or '"'))
        {
            throw new InvalidPickleException("the STRING opcode's argument is not quoted.");
        }

        var bytes = new List<byte>();
        var body = line[1..^1];
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\' || i + 1 == body.Length)
            {
                bytes.Add((byte)body[i]);
                continue;
            }

            var c = body[++i];
            switch (c)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'v': bytes.Add(11); break;
                case 'x' when IsHex(body, i + 1, 2):
                    bytes.Add(byte.Parse(body.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case >= '0' and <= '7':
                    var end = i;
                    while (end < body.Length && end < i + 3 && body[end] is >= '0' and <= '7')
                    {
                        end++;
                    }

                    bytes.Add((byte)Convert.ToInt32(body[i..end], 8));
                    i = end - 1;
                    break;
                default: bytes.Add((byte)c); break;
            }
        }

        return [.. bytes];
    }

    /// <summary><c>UNICODE</c>'s line, in Python's raw-unicode-escape: <c>\uXXXX</c> and <c>\UXXXXXXXX</c>, other bytes latin-1.</summary>
    public static string RawUnicodeEscape(ReadOnlySpan<byte> line)
    {
        var text = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            var digits = i + 1 < line.Length && line[i] == '\\' ? line[i + 1] switch { (byte)'u' => 4, (byte)'U' => 8, _ => 0 } : 0;
            if (digits > 0 && i + 2 + digits <= line.Length
                && int.TryParse(Encoding.ASCII.GetString(line.Slice(i + 2, digits)), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)
                && code is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
            {
                text.Append(char.ConvertFromUtf32(code));
                i += 1 + digits;
            }
            else
            {
                text.Append((char)line[i]);
            }
        }

        return text.ToString();
    }

    private static BigInteger ParseInteger(string text) =>
        BigInteger.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidPickleException($"'{text}' is not an integer.");

    private static bool IsHex(string s, int start, int count) =>
        start + count <= s.Length && s.AsSpan(start, count).ContainsAnyExcept("0123456789abcdefABCDEF") is false;
}
