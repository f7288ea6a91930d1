namespace Microsoft.ML.CamLoss.Explain;

/// <summary>The grey table: entry <c>i</c> is (i, i, i).</summary>
internal static class GrayColormap
{
    private static readonly byte[] Entries = Build();

    /// <summary>256 RGB entries.</summary>
    public static ReadOnlySpan<byte> Table => Entries;

    private static byte[] Build()
    {
        var table = new byte[ColormapExtensions.EntryCount * 3];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (byte)(i / 3);
        }

        return table;
    }
}
