using System.Globalization;

namespace Microsoft.ML.CamLoss.Samples.QuickStart;

/// <summary>The side-by-side table of test metrics, localisation figures and training time.</summary>
internal static class ResultsTable
{
    public static void Print(IReadOnlyList<RunResult> results)
    {
        static string Percent(double value) => value.ToString("P2", CultureInfo.InvariantCulture);
        var rows = new (string Name, Func<RunResult, string> Value)[]
        {
            ("MicroAccuracy", r => Percent(r.Metrics.MicroAccuracy)),
            ("MacroAccuracy", r => Percent(r.Metrics.MacroAccuracy)),
            ("LogLoss", r => r.Metrics.LogLoss.ToString("F4", CultureInfo.InvariantCulture)),
            ("CAM on garment", r => Percent(r.Localization.MassInside)),
            ("pointing game", r => Percent(r.Localization.PointingGame)),
            ("top-5% share", r => Percent(r.Localization.TopConcentration)),
            ("Training time", r => r.TrainingTime.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s"),
        };

        const int first = 16, column = 15;
        Console.WriteLine($"Fashion-MNIST test set ({results[0].Localization.Count:N0} images)");
        Console.WriteLine("metric".PadRight(first) + string.Concat(results.Select(r => r.Name.PadLeft(column))));
        Console.WriteLine(new string('-', first + (column * results.Count)));
        foreach (var (name, value) in rows)
        {
            Console.WriteLine(name.PadRight(first) + string.Concat(results.Select(r => value(r).PadLeft(column))));
        }

        Console.WriteLine("CAM on garment: share of the predicted class's CAM (positive part, upsampled bilinearly to 28×28) on the non-zero pixels;");
        Console.WriteLine("pointing game: share of images whose CAM peak is on the garment; top-5% share: share of the CAM in its top 5 % of cells");
        Console.WriteLine("(5 % = spread evenly, 100 % = one hot spot).");
    }
}
