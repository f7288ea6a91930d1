using System.Globalization;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// An axis range rounded out to "nice" tick values (1, 2, 2.5 or 5 × 10ⁿ apart, about five ticks), as
/// plotting libraries choose them, with tick labels that show as many decimals as the step needs.
/// </summary>
internal sealed class NiceScale
{
    private NiceScale(double min, double max, double step)
    {
        Min = min;
        Max = max;
        Step = step;
        // As many decimals as the step needs to be written exactly (0.25 needs 2, 20 none); tiny steps go to exponent form.
        var decimals = 0;
        while (decimals <= 6 && Math.Abs((step * Math.Pow(10, decimals)) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6 * step * Math.Pow(10, decimals))
        {
            decimals++;
        }

        Format = decimals > 6 ? "0.##E+0" : "F" + decimals.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The axis start (a multiple of <see cref="Step"/>).</summary>
    public double Min { get; }

    /// <summary>The axis end (a multiple of <see cref="Step"/>).</summary>
    public double Max { get; }

    /// <summary>Distance between ticks.</summary>
    public double Step { get; }

    /// <summary>The .NET format string of the tick labels.</summary>
    public string Format { get; }

    /// <summary>The tick values from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public IEnumerable<double> Ticks
    {
        get
        {
            var count = (int)Math.Round((Max - Min) / Step);
            for (var i = 0; i <= count; i++)
            {
                yield return Min + (i * Step);
            }
        }
    }

    /// <summary>
    /// A scale covering [<paramref name="low"/>, <paramref name="high"/>]. An empty range (one
    /// value, a constant series) is widened around its value so the line sits mid-axis.
    /// </summary>
    public static NiceScale For(double low, double high, int ticks = 5)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high))
        {
            (low, high) = (0, 1);
        }

        if (high - low <= Math.Abs(high) * 1e-9)
        {
            var pad = low == 0 ? 1 : Math.Abs(low) * 0.1;
            (low, high) = (low - pad, high + pad);
        }

        var step = NiceStep((high - low) / Math.Max(1, ticks - 1));
        return new NiceScale(Math.Floor((low / step) + 1e-9) * step, Math.Ceiling((high / step) - 1e-9) * step, step);
    }

    /// <summary>The label of <paramref name="value"/>.</summary>
    public string Label(double value) => (Math.Abs(value) < Step * 1e-6 ? 0 : value).ToString(Format, CultureInfo.InvariantCulture);

    private static double NiceStep(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        return power * (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10);
    }
}
