using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary><c>L = L_ce</c>, with soft targets for Mixup/CutMix batches: the baseline.</summary>
internal sealed class CrossEntropyObjective : ITrainingObjective
{
    public LossResult Compute(Backbone model, BackboneOutput output, ImageBatch batch, int epoch)
    {
        using var scope = new TensorScope();
        var ce = batch.MixedLabels is { } mixed
            ? Functional.CrossEntropy(output.Logits, mixed.SoftTargets(mixed.Lambda(output.Logits.DType, output.Logits.Device), output.Logits.Size(1), output.Logits.DType))
            : Functional.CrossEntropy(output.Logits, batch.Labels);
        return new CrossEntropyLossResult(scope.MoveOut(ce), scope.MoveOut(ce.Clone()));
    }
}
