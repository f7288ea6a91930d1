using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Training;

/// <summary><c>L = L_ce + α(epoch)·L_cam</c> on the backbone's last feature map and head weight.</summary>
/// <param name="loss">The loss.</param>
/// <param name="schedule">Creates the α schedule, given an adaptive schedule's start epoch restored from a checkpoint (null for a new run).</param>
internal sealed class CamLossObjective(CamLossFunction loss, Func<int?, AlphaSchedule> schedule) : ITrainingObjective
{
    private AlphaSchedule _alpha = schedule(null);

    public LossResult Compute(Backbone model, BackboneOutput output, ImageBatch batch, int epoch)
    {
        var weight = model.Classifier.weight;
        var a = _alpha.ValueAt(epoch);
        return batch.MixedLabels is { } mixed
            ? loss.Compute(output.Last, weight, output.Logits, mixed, a)
            : loss.Compute(output.Last, weight, output.Logits, batch.Labels, a);
    }

    public double AlphaAt(int epoch) => _alpha.ValueAt(epoch);

    public void EndEpoch(int epoch, double trainAccuracy) => _alpha.ReportEpoch(epoch, trainAccuracy);

    public JsonObject SaveState() =>
        _alpha is AdaptiveAlphaSchedule { StartEpoch: { } start } ? new JsonObject { ["alphaStartEpoch"] = start } : [];

    public void LoadState(JsonObject state)
    {
        _alpha = schedule(state["alphaStartEpoch"]?.GetValue<int>());
    }
}
