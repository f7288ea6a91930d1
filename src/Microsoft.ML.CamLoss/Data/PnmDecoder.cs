using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// Netpbm images (P1–P6: PBM, PGM, PPM, plain and binary), which SkiaSharp cannot read, decoded as
/// PIL 9.4 does: header tokens separated by whitespace with <c>#</c> comments to the end of the
/// line, binary data after exactly one whitespace byte; bit 1 (or plain <c>1</c>) is black;
/// samples are scaled by <c>round(value / maxval · 255)</c> (half to even, as Python's
/// <c>round</c>) unless the maximum is 255; 16-bit samples are big-endian. Grey with a maximum
/// above 255 is PIL's 32-bit mode <c>I</c> (<c>round(value / maxval · 65535)</c>), which
/// <c>convert("RGB")</c> clips to 255: here it becomes the high byte, the rule for 16-bit PNG.
/// </summary>
internal static class PnmDecoder
{
    private const int MaxTokenLength = 10;

    /// <summary>Decodes <paramref name="data"/> (sniffed as <c>P1</c> … <c>P6</c>) to <c>uint8 [H, W, 3]</c>.</summary>
    public static Tensor Decode(ReadOnlySpan<byte> data, string name, long maxPixels)
    {
        var kind = data[1] - '0';
        var what = kind switch { 1 or 4 => "PBM", 2 or 5 => "PGM", _ => "PPM" };
        var position = 2;
        var width = ReadHeaderNumber(data, ref position, name, what, "width");
        var height = ReadHeaderNumber(data, ref position, name, what, "height");
        var maxval = kind is 1 or 4 ? 1 : ReadHeaderNumber(data, ref position, name, what, "maximum value");
        if (maxval is < 1 or > 65535)
        {
            throw new DatasetException(name, $"the {what} header's maximum value is {maxval}; it must be 1 to 65535.");
        }

        ImageDecoding.CheckDeclaredSize(name, ImageFormat.Pnm, width, height, maxPixels);
        var channels = kind is 3 or 6 ? 3 : 1;
        var samples = width * height * channels;
        var levels = Levels(maxval, grey: channels == 1);
        var result = empty([height, width, 3], ScalarType.Byte);
        try
        {
            var rgb = result.bytes;
            var body = data[position..];
            switch (kind)
            {
                case 4:
                    ReadBits(body, width, height, rgb, name);
                    break;
                case 5 or 6:
                    ReadBinary(body, samples, channels, maxval, levels, rgb, name, what);
                    break;
                case 1:
                    ReadPlainBits(body, samples, rgb, name);
                    break;
                default:
                    ReadPlain(body, samples, channels, maxval, levels, rgb, name, what);
                    break;
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Reads a header number as PIL does (skipping whitespace and comments) and the one whitespace byte that ends it.</summary>
    private static int ReadHeaderNumber(ReadOnlySpan<byte> data, ref int position, string name, string what, string field)
    {
        while (position < data.Length && (IsWhitespace(data[position]) || data[position] == (byte)'#'))
        {
            if (data[position] == (byte)'#')
            {
                while (position < data.Length && data[position] is not ((byte)'\r' or (byte)'\n'))
                {
                    position++;
                }
            }
            else
            {
                position++;
            }
        }

        var start = position;
        while (position < data.Length && !IsWhitespace(data[position]) && data[position] != (byte)'#')
        {
            position++;
        }

        if (start == position)
        {
            throw new DatasetException(name, $"the {what} header is truncated: it ends before the {field}.");
        }

        var token = data[start..position];
        if (position < data.Length && IsWhitespace(data[position]))
        {
            position++;
        }

        if (token.Length > MaxTokenLength || !int.TryParse(token, System.Globalization.NumberStyles.None, null, out var value))
        {
            throw new DatasetException(name, $"the {what} header is malformed: its {field} '{Printable(token)}' is not a number.");
        }

        return value;
    }

    private static string Printable(ReadOnlySpan<byte> token) =>
        string.Concat(token[..Math.Min(token.Length, MaxTokenLength + 1)].ToArray().Select(b => b is >= 0x20 and < 0x7F ? (char)b : '?'));

    /// <summary>The 8-bit value of every sample value 0 … <paramref name="maxval"/> (larger values clip to the top).</summary>
    private static byte[] Levels(int maxval, bool grey)
    {
        var levels = new byte[maxval + 1];
        for (var v = 0; v <= maxval; v++)
        {
            levels[v] = maxval == 255 ? (byte)v
                : grey && maxval > 255 ? (byte)(Scale(v, maxval, 65535) >> 8)
                : (byte)Scale(v, maxval, 255);
        }

        return levels;
    }

    /// <summary>PIL's <c>min(top, round(value / maxval * top))</c>, in the same double arithmetic.</summary>
    private static int Scale(int value, int maxval, int top) =>
        maxval == top ? value : (int)Math.Min(top, Math.Round((double)value / maxval * top, MidpointRounding.ToEven));

    private static void ReadBinary(ReadOnlySpan<byte> body, int samples, int channels, int maxval, byte[] levels, Span<byte> rgb, string name, string what)
    {
        var bytesPerSample = maxval < 256 ? 1 : 2;
        if ((long)samples * bytesPerSample > body.Length)
        {
            throw new DatasetException(name, $"the {what} data is truncated: it holds {body.Length:N0} of the {(long)samples * bytesPerSample:N0} bytes its header declares.");
        }

        for (var i = 0; i < samples; i++)
        {
            var value = bytesPerSample == 1 ? body[i] : (body[2 * i] << 8) | body[(2 * i) + 1];
            Put(rgb, i, channels, levels[Math.Min(value, maxval)]);
        }
    }

    private static void ReadBits(ReadOnlySpan<byte> body, int width, int height, Span<byte> rgb, string name)
    {
        var rowBytes = (width + 7) / 8;
        if ((long)rowBytes * height > body.Length)
        {
            throw new DatasetException(name, $"the PBM data is truncated: it holds {body.Length:N0} of the {(long)rowBytes * height:N0} bytes its header declares.");
        }

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var black = (body[(y * rowBytes) + (x >> 3)] & (0x80 >> (x & 7))) != 0;
                Put(rgb, (y * width) + x, 1, black ? (byte)0 : (byte)255);
            }
        }
    }

    private static void ReadPlainBits(ReadOnlySpan<byte> body, int samples, Span<byte> rgb, string name)
    {
        var i = 0;
        for (var p = 0; p < body.Length && i < samples; p++)
        {
            var c = body[p];
            if (c == (byte)'#')
            {
                while (p + 1 < body.Length && body[p + 1] is not ((byte)'\r' or (byte)'\n'))
                {
                    p++;
                }
            }
            else if (c is (byte)'0' or (byte)'1')
            {
                Put(rgb, i++, 1, c == (byte)'1' ? (byte)0 : (byte)255);
            }
            else if (!IsWhitespace(c))
            {
                throw new DatasetException(name, $"the plain PBM data holds '{Printable([c])}' where only 0 and 1 may be.");
            }
        }

        if (i < samples)
        {
            throw new DatasetException(name, $"the plain PBM data is truncated: it holds {i:N0} of the {samples:N0} pixels its header declares.");
        }
    }

    private static void ReadPlain(ReadOnlySpan<byte> body, int samples, int channels, int maxval, byte[] levels, Span<byte> rgb, string name, string what)
    {
        var i = 0;
        var p = 0;
        while (i < samples)
        {
            while (p < body.Length && (IsWhitespace(body[p]) || body[p] == (byte)'#'))
            {
                if (body[p] == (byte)'#')
                {
                    while (p < body.Length && body[p] is not ((byte)'\r' or (byte)'\n'))
                    {
                        p++;
                    }
                }
                else
                {
                    p++;
                }
            }

            var start = p;
            while (p < body.Length && !IsWhitespace(body[p]) && body[p] != (byte)'#')
            {
                p++;
            }

            if (start == p)
            {
                throw new DatasetException(name, $"the plain {what} data is truncated: it holds {i:N0} of the {samples:N0} samples its header declares.");
            }

            var token = body[start..p];
            if (token.Length > MaxTokenLength || !int.TryParse(token, System.Globalization.NumberStyles.None, null, out var value))
            {
                throw new DatasetException(name, $"the plain {what} data holds '{Printable(token)}' where a sample value should be.");
            }

            if (value > maxval)
            {
                throw new DatasetException(name, $"the plain {what} data holds the value {value}, larger than the maximum {maxval} its header declares.");
            }

            Put(rgb, i++, channels, levels[value]);
        }
    }

    /// <summary>Writes sample <paramref name="i"/>: a grey sample fills all three channels of its pixel.</summary>
    private static void Put(Span<byte> rgb, int i, int channels, byte value)
    {
        if (channels == 3)
        {
            rgb[i] = value;
        }
        else
        {
            rgb[3 * i] = rgb[(3 * i) + 1] = rgb[(3 * i) + 2] = value;
        }
    }

    private static bool IsWhitespace(byte c) => c is 0x20 or 0x09 or 0x0A or 0x0B or 0x0C or 0x0D;
}
