using System.Text.Json.Nodes;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>The loss a trainer minimises, with whatever state it carries across epochs (an adaptive α's start, a teacher).</summary>
internal interface ITrainingObjective : IDisposable
{
    /// <summary>The loss of one batch; its graph reaches the model's parameters.</summary>
    LossResult Compute(Backbone model, BackboneOutput output, ImageBatch batch, int epoch);

    /// <summary>The CAM-loss weight of <paramref name="epoch"/>; NaN when the objective has none.</summary>
    double AlphaAt(int epoch) => double.NaN;

    /// <summary>Called after every epoch with its training accuracy (drives the adaptive α).</summary>
    void EndEpoch(int epoch, double trainAccuracy)
    {
    }

    /// <summary>State to keep in a checkpoint.</summary>
    JsonObject SaveState() => [];

    /// <summary>Restores <see cref="SaveState"/>'s output.</summary>
    void LoadState(JsonObject state)
    {
    }

    void IDisposable.Dispose()
    {
    }
}
