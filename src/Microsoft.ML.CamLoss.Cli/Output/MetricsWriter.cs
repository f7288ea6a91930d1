using System.Globalization;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.Data;
using Spectre.Console;

namespace Microsoft.ML.CamLoss.Cli.Output;

/// <summary>Prints evaluation metrics for people: a table of the metrics, then the confusion matrix.</summary>
internal static class MetricsWriter
{
    /// <summary>Confusion matrices of more classes than this are left to <c>--json</c> (they would not fit a screen).</summary>
    public const int MaxPrintedClasses = 30;

    /// <summary>Writes <paramref name="metrics"/> to <paramref name="console"/> under <paramref name="title"/>.</summary>
    public static void Write(IAnsiConsole console, MulticlassClassificationMetrics metrics, string title)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
        table.AddColumn("Metric").AddColumn(new TableColumn("Value").RightAligned());
        var matrix = metrics.ConfusionMatrix;
        var correct = (long)Math.Round(Enumerable.Range(0, matrix.NumberOfClasses).Sum(c => matrix.Counts[c][c]));
        Row(table, "MicroAccuracy", $"{F(metrics.MicroAccuracy)} ({correct}/{MulticlassEvaluation.Count(metrics)})");
        Row(table, "MacroAccuracy", F(metrics.MacroAccuracy));
        Row(table, "LogLoss", F(metrics.LogLoss));
        Row(table, "LogLossReduction", F(metrics.LogLossReduction));
        Row(table, $"TopKAccuracy (k = {metrics.TopKPredictionCount})", F(metrics.TopKAccuracy));
        console.Write(table);
        if (matrix.NumberOfClasses <= MaxPrintedClasses)
        {
            console.Write(new Text(matrix.GetFormattedConfusionTable()));
        }
        else
        {
            console.WriteLine($"(confusion matrix of {matrix.NumberOfClasses} classes not shown; --json includes it)");
        }
    }

    private static void Row(Table table, string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
