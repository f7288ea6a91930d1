using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Microsoft.ML.CamLoss.Reporting;

/// <summary>
/// The training curves of a run, from its <see cref="RunHistory"/>. The horizontal axis is always
/// training progress in epochs (<see cref="RunRecord.Position"/>: the end of the first epoch is 1),
/// so per-step and per-epoch values share one axis. Plots:
/// <list type="bullet">
/// <item><c>error</c>: train error and validation error (%, one point per finished epoch);</item>
/// <item><c>loss</c> and one <c>term-{name}</c> per loss term (every key of <c>terms</c>): the
/// running mean at each logged step (it restarts each epoch) and the epoch's mean;</item>
/// <item><c>alpha</c>: the CAM-loss weight α per epoch (for trainers that have one);</item>
/// <item><c>learning-rate</c>: the learning rate at each logged step.</item>
/// </list>
/// </summary>
internal static class ReportCharts
{
    /// <summary>The charts that have data; what is absent goes to <paramref name="missing"/>.</summary>
    public static IReadOnlyList<XElement> Render(RunHistory history, List<string> missing)
    {
        var charts = new List<XElement>();
        var records = history.Records;
        var epochs = history.Epochs;
        if (records.Count == 0)
        {
            missing.Add("The training log has no progress records yet: no curves to plot.");
            return charts;
        }

        if (epochs.Count == 0)
        {
            missing.Add("No epoch has finished yet: the error and α plots need epoch-end records; the loss and learning-rate plots show the steps logged so far.");
        }
        else
        {
            var validation = Series("validation error", epochs, r => JsonRead.Number(JsonRead.Property(r.Validation, "MicroAccuracy")) is { } a ? (1 - a) * 100 : null, markers: true);
            if (validation.Points.Count == 0)
            {
                missing.Add("No validation metrics in the log (the run had no validation set): the error plot shows the train error only.");
            }

            charts.Add(SvgLineChart.Render(
                "error",
                "Error per epoch",
                "epoch",
                "error (%)",
                [Series("train error", epochs, r => r.TrainAccuracy is { } a ? (1 - a) * 100 : null, markers: true), .. validation.Points.Count > 0 ? [validation] : Array.Empty<ChartSeries>()],
                yInclude: 0));
        }

        charts.Add(LossChart("loss", "Total loss", records, epochs, r => r.Loss));
        var terms = records.SelectMany(r => r.Terms.Keys).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var term in terms)
        {
            charts.Add(LossChart("term-" + Identifier(term), $"Loss term: {term}", records, epochs, r => r.Terms.GetValueOrDefault(term)));
        }

        var alpha = Series("α", epochs, r => r.Alpha, markers: true);
        if (alpha.Points.Count > 0)
        {
            charts.Add(SvgLineChart.Render("alpha", "CAM-loss weight α per epoch", "epoch", "α", [alpha], yInclude: 0));
        }
        else if (epochs.Count > 0)
        {
            missing.Add("No α in the log: this trainer has no CAM-loss weight, so there is no α plot.");
        }

        var learningRate = Series("learning rate", records, r => r.LearningRate);
        if (learningRate.Points.Count > 0)
        {
            charts.Add(SvgLineChart.Render("learning-rate", "Learning rate per logged step", "epoch", "learning rate", [learningRate], yInclude: 0));
        }

        return charts;
    }

    private static XElement LossChart(string id, string title, IReadOnlyList<RunRecord> records, IReadOnlyList<RunRecord> epochs, Func<RunRecord, double?> value) =>
        SvgLineChart.Render(
            id,
            title,
            "epoch",
            "loss",
            [Series("running mean (steps)", records, value), Series("epoch mean", epochs, value, markers: true)]);

    private static ChartSeries Series(string name, IReadOnlyList<RunRecord> records, Func<RunRecord, double?> value, bool markers = false) =>
        new(name, [.. records.Where(r => value(r) is not null).Select(r => (r.Position, value(r)!.Value))], markers);

    /// <summary>A term name as an id fragment: letters, digits, '-' and '_' kept, anything else as '-'.</summary>
    private static string Identifier(string name)
    {
        var id = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-');
        }

        return id.Length > 0 ? id.ToString() : string.Create(CultureInfo.InvariantCulture, $"unnamed-{name.GetHashCode(StringComparison.Ordinal)}");
    }
}
