using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Training;

/// <summary><c>L = L_ce + L_AS^inner + L_AS^last + L_AC</c> on the backbone's inner and last taps.</summary>
internal sealed class IcascObjective(IcascLoss loss) : ITrainingObjective
{
    public LossResult Compute(Backbone model, BackboneOutput output, ImageBatch batch, int epoch) =>
        loss.Compute(output.Logits, output.Inner, output.Last, batch.Labels);
}
