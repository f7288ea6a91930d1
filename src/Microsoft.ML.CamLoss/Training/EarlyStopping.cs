using System.Text.Json.Nodes;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>Tracks the best validation score and the epochs since it improved.</summary>
internal sealed class EarlyStopping(EarlyStoppingOptions options)
{
    public double? Best { get; private set; }

    public int BestEpoch { get; private set; } = -1;

    public int EpochsWithoutImprovement { get; private set; }

    public bool ShouldStop => EpochsWithoutImprovement >= options.Patience;

    /// <summary>Records an epoch's metrics; true when they are the best so far.</summary>
    public bool Update(int epoch, Microsoft.ML.Data.MulticlassClassificationMetrics metrics)
    {
        var value = options.Metric switch
        {
            EarlyStoppingMetric.MacroAccuracy => metrics.MacroAccuracy,
            EarlyStoppingMetric.LogLoss => -metrics.LogLoss,
            _ => metrics.MicroAccuracy,
        };
        if (Best is null || value > Best + options.MinDelta)
        {
            (Best, BestEpoch, EpochsWithoutImprovement) = (value, epoch, 0);
            return true;
        }

        EpochsWithoutImprovement++;
        return false;
    }

    public JsonObject Save() => new() { ["best"] = Best, ["bestEpoch"] = BestEpoch, ["epochsWithoutImprovement"] = EpochsWithoutImprovement };

    public void Load(JsonObject state)
    {
        Best = state["best"]?.GetValue<double>();
        BestEpoch = state["bestEpoch"]!.GetValue<int>();
        EpochsWithoutImprovement = state["epochsWithoutImprovement"]!.GetValue<int>();
    }
}
