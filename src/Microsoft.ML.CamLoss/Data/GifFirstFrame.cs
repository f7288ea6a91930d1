namespace Microsoft.ML.CamLoss.Data;

/// <summary>
/// What PIL shows where a GIF's first frame has no pixel of its own. PIL opens the first frame
/// in palette mode on a canvas filled with the transparent index (or index 0 when there is none)
/// and <c>convert("RGB")</c> ignores transparency, so those pixels take that palette entry's
/// colour; SkiaSharp leaves them transparent black. This reads the header up to the first image
/// (the last graphic control extension before it, and its local or the global colour table) and
/// paints every fully transparent pixel with PIL's colour.
/// </summary>
internal static class GifFirstFrame
{
    /// <summary>Paints the alpha-0 pixels of the decoded first frame <paramref name="rgba"/> as PIL shows them.</summary>
    public static void FillTransparent(ReadOnlySpan<byte> gif, Span<byte> rgba)
    {
        if (FillColour(gif) is not { } colour)
        {
            return;
        }

        for (var i = 0; i + 3 < rgba.Length; i += 4)
        {
            if (rgba[i + 3] == 0)
            {
                (rgba[i], rgba[i + 1], rgba[i + 2]) = colour;
            }
        }
    }

    /// <summary>The palette colour of the first frame's transparent index (or of index 0), or null when the header cannot be followed.</summary>
    internal static (byte R, byte G, byte B)? FillColour(ReadOnlySpan<byte> gif)
    {
        const int screenDescriptorEnd = 13;
        if (gif.Length < screenDescriptorEnd)
        {
            return null;
        }

        var position = screenDescriptorEnd;
        var palette = ReadColourTable(gif, gif[10], ref position);
        int? transparent = null;
        while (position < gif.Length)
        {
            switch (gif[position++])
            {
                case 0x21:  // extension: label, then data sub-blocks
                    if (position >= gif.Length)
                    {
                        return null;
                    }

                    var label = gif[position++];
                    if (label == 0xF9 && position + 4 < gif.Length && gif[position] == 4)
                    {
                        transparent = (gif[position + 1] & 1) != 0 ? gif[position + 4] : null;
                    }

                    if (!SkipSubBlocks(gif, ref position))
                    {
                        return null;
                    }

                    break;
                case 0x2C:  // image descriptor: left, top, width, height (2 bytes each), flags
                    if (position + 9 > gif.Length)
                    {
                        return null;
                    }

                    var flags = gif[position + 8];
                    position += 9;
                    var local = ReadColourTable(gif, flags, ref position);
                    var table = local.IsEmpty ? palette : local;
                    var entry = (transparent ?? 0) * 3;
                    return entry + 3 <= table.Length ? (table[entry], table[entry + 1], table[entry + 2]) : null;
                default:    // trailer or garbage before any image
                    return null;
            }
        }

        return null;
    }

    private static ReadOnlySpan<byte> ReadColourTable(ReadOnlySpan<byte> gif, byte flags, ref int position)
    {
        if ((flags & 0x80) == 0)
        {
            return [];
        }

        var size = 3 << ((flags & 7) + 1);
        if (position + size > gif.Length)
        {
            position = gif.Length;
            return [];
        }

        var table = gif.Slice(position, size);
        position += size;
        return table;
    }

    private static bool SkipSubBlocks(ReadOnlySpan<byte> gif, ref int position)
    {
        while (position < gif.Length)
        {
            var size = gif[position++];
            if (size == 0)
            {
                return true;
            }

            position += size;
        }

        return false;
    }
}
