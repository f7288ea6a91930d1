using System.Globalization;

namespace Microsoft.ML.CamLoss.Cli.Parsing;

/// <summary>Numbers as the command line and its help write them: invariant culture, shortest round-trip form.</summary>
internal static class Invariant
{
    /// <summary><paramref name="value"/> as <c>0.1</c>, <c>5E-04</c> …</summary>
    public static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
