using System.Globalization;

namespace Microsoft.ML.CamLoss.Samples.QuickStart;

/// <summary>The side-by-side table of test metrics and training time.</summary>
internal static class ResultsTable
{
    public static void Print(IReadOnlyList<RunResult> results, int testImages)
    {
        var rows = new (string Name, Func<RunResult, string> Value)[]
        {
            ("MicroAccuracy", r => r.Metrics.MicroAccuracy.ToString("P2", CultureInfo.InvariantCulture)),
            ("MacroAccuracy", r => r.Metrics.MacroAccuracy.ToString("P2", CultureInfo.InvariantCulture)),
            ("LogLoss", r => r.Metrics.LogLoss.ToString("F4", CultureInfo.InvariantCulture)),
            ("Training time", r => r.TrainingTime.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s"),
        };

        const int first = 16, column = 15;
        Console.WriteLine($"Fashion-MNIST test set ({testImages:N0} images)");
        Console.WriteLine("metric".PadRight(first) + string.Concat(results.Select(r => r.Name.PadLeft(column))));
        Console.WriteLine(new string('-', first + (column * results.Count)));
        foreach (var (name, value) in rows)
        {
            Console.WriteLine(name.PadRight(first) + string.Concat(results.Select(r => value(r).PadLeft(column))));
        }
    }
}
