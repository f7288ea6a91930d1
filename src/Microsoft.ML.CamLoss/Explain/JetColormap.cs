namespace Microsoft.ML.CamLoss.Explain;

/// <summary>
/// The jet table, computed from its definition: per channel, a piecewise-linear function through
/// MATLAB's anchor points, sampled at 256 evenly spaced positions in the arithmetic of matplotlib's
/// <c>LinearSegmentedColormap</c> (positions scaled to 0 … 255 before interpolating), so the
/// rounded bytes agree with matplotlib even where a channel lands next to a .5.
/// </summary>
internal static class JetColormap
{
    // (position, level) anchor points of each channel; jet is continuous, so one level per anchor.
    private static readonly (double X, double Y)[] Red = [(0, 0), (0.35, 0), (0.66, 1), (0.89, 1), (1, 0.5)];
    private static readonly (double X, double Y)[] Green = [(0, 0), (0.125, 0), (0.375, 1), (0.64, 1), (0.91, 0), (1, 0)];
    private static readonly (double X, double Y)[] Blue = [(0, 0.5), (0.11, 1), (0.34, 1), (0.65, 0), (1, 0)];

    private static readonly byte[] Entries = Build();

    /// <summary>256 RGB entries.</summary>
    public static ReadOnlySpan<byte> Table => Entries;

    private static byte[] Build()
    {
        var table = new byte[ColormapExtensions.EntryCount * 3];
        Fill(table, 0, Red);
        Fill(table, 1, Green);
        Fill(table, 2, Blue);
        return table;
    }

    private static void Fill(byte[] table, int channel, (double X, double Y)[] anchors)
    {
        const int last = ColormapExtensions.EntryCount - 1;
        const double step = 1.0 / last;
        for (var i = 0; i <= last; i++)
        {
            double level;
            if (i == 0)
            {
                level = anchors[0].Y;
            }
            else if (i == last)
            {
                level = anchors[^1].Y;
            }
            else
            {
                // The first anchor at or after the sample position, and linear interpolation from the one before.
                var position = last * (i * step);
                var k = 1;
                while (k < anchors.Length - 1 && anchors[k].X * last < position)
                {
                    k++;
                }

                double x0 = anchors[k - 1].X * last, x1 = anchors[k].X * last;
                var distance = (position - x0) / (x1 - x0);
                level = (distance * (anchors[k].Y - anchors[k - 1].Y)) + anchors[k - 1].Y;
            }

            table[(i * 3) + channel] = (byte)Math.Round(Math.Clamp(level, 0, 1) * 255, MidpointRounding.ToEven);
        }
    }
}
