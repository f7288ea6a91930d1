namespace Microsoft.ML.CamLoss.Explain;

/// <summary>Looks values up in a <see cref="Colormap"/>.</summary>
public static class ColormapExtensions
{
    /// <summary>Number of entries in every colormap's table.</summary>
    public const int EntryCount = 256;

    /// <summary>
    /// The table: <see cref="EntryCount"/> × 3 bytes, entry <c>i</c> (red, green, blue) at
    /// <c>3i … 3i + 2</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="colormap"/> is not a defined <see cref="Colormap"/>.</exception>
    public static ReadOnlySpan<byte> Table(this Colormap colormap) => colormap switch
    {
        Colormap.Jet => JetColormap.Table,
        Colormap.Viridis => ViridisColormap.Table,
        Colormap.Gray => GrayColormap.Table,
        _ => throw new ArgumentOutOfRangeException(nameof(colormap), colormap, "Unknown colormap."),
    };

    /// <summary>
    /// The colour of <paramref name="value"/>: entry <c>floor(256 · value)</c> of the table, so
    /// [0, 1/256) takes the first entry and [255/256, 1] the last. As matplotlib's defaults for
    /// "under", "over" and "bad" values: below 0 gives the first entry, above 1 the last, and NaN
    /// black.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="colormap"/> is not a defined <see cref="Colormap"/>.</exception>
    public static (byte R, byte G, byte B) Map(this Colormap colormap, float value)
    {
        Span<byte> rgb = stackalloc byte[3];
        Lookup(colormap.Table(), value, rgb);
        return (rgb[0], rgb[1], rgb[2]);
    }

    /// <summary>Writes the colour of <paramref name="value"/> in <paramref name="table"/> to <paramref name="rgb"/>[0..3].</summary>
    internal static void Lookup(ReadOnlySpan<byte> table, float value, Span<byte> rgb)
    {
        if (float.IsNaN(value))
        {
            rgb[..3].Clear();
            return;
        }

        // value · 256 is exact in float32 (a power of two), so the bin edges are exactly k/256.
        var scaled = value * EntryCount;
        var index = scaled < 0 ? 0 : scaled >= EntryCount - 1 ? EntryCount - 1 : (int)scaled;
        table.Slice(index * 3, 3).CopyTo(rgb);
    }
}
