using System.Globalization;

namespace Microsoft.ML.CamLoss.Accuracy;

/// <summary>
/// Paired t-test of two methods run on the same seeds: t = mean(d) / (sd(d) / √n) over the per-seed
/// differences d = b − a, two-sided p from Student's t with n − 1 degrees of freedom,
/// p = I_{ν/(ν+t²)}(ν/2, 1/2) (the regularised incomplete beta, by its continued fraction).
/// </summary>
internal static class PairedTest
{
    /// <summary>"mean difference +x.xx points, t = …, p = … (n seeds, b better on k)".</summary>
    public static string Describe(IReadOnlyList<double> a, IReadOnlyList<double> b, string nameB)
    {
        var d = a.Zip(b, (x, y) => y - x).ToArray();
        var n = d.Length;
        var mean = d.Average();
        var sd = n > 1 ? Math.Sqrt(d.Sum(v => (v - mean) * (v - mean)) / (n - 1)) : 0;
        var better = d.Count(v => v > 0);
        if (n < 2 || sd == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"mean difference {100 * mean:+0.00;-0.00} points ({nameB} better on {better} of {n} seeds; no t-test: {(n < 2 ? "one seed" : "identical differences")})");
        }

        var t = mean / (sd / Math.Sqrt(n));
        var p = TwoSidedP(t, n - 1);
        return string.Create(CultureInfo.InvariantCulture, $"mean difference {100 * mean:+0.00;-0.00} ± {100 * sd:F2} points, paired t = {t:F2} (df {n - 1}), two-sided p = {p:F3}; {nameB} better on {better} of {n} seeds");
    }

    /// <summary>Two-sided p-value of Student's t with <paramref name="df"/> degrees of freedom.</summary>
    public static double TwoSidedP(double t, int df) => RegularizedBeta(df / (df + (t * t)), df / 2.0, 0.5);

    /// <summary>I_x(a, b), from the continued fraction of the incomplete beta (modified Lentz), using the symmetry when x is past the mean.</summary>
    private static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        if (x > (a + 1) / (a + b + 2))
        {
            return 1 - RegularizedBeta(1 - x, b, a);
        }

        var logFront = (a * Math.Log(x)) + (b * Math.Log(1 - x)) - LogBeta(a, b) - Math.Log(a);
        const double tiny = 1e-300;
        double c = 1, dd = 1 - ((a + b) * x / (a + 1));
        dd = Math.Abs(dd) < tiny ? tiny : dd;
        dd = 1 / dd;
        var f = dd;
        for (var m = 1; m <= 300; m++)
        {
            // even step: d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m)); odd step: d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
            foreach (var coefficient in new[] { m * (b - m) * x / ((a + (2 * m) - 1) * (a + (2 * m))), -(a + m) * (a + b + m) * x / ((a + (2 * m)) * (a + (2 * m) + 1)) })
            {
                dd = 1 + (coefficient * dd);
                dd = Math.Abs(dd) < tiny ? tiny : dd;
                c = 1 + (coefficient / c);
                c = Math.Abs(c) < tiny ? tiny : c;
                dd = 1 / dd;
                f *= dd * c;
            }

            if (Math.Abs((dd * c) - 1) < 1e-14)
            {
                break;
            }
        }

        return Math.Exp(logFront) * f;
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, n = 9).</summary>
    private static double LogGamma(double x)
    {
        double[] g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = g[0];
        for (var i = 1; i < g.Length; i++)
        {
            sum += g[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
