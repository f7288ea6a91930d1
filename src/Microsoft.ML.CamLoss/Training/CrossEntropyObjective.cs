using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary><c>L = L_ce</c>, with soft targets for Mixup/CutMix batches: the baseline.</summary>
internal sealed class CrossEntropyObjective : ITrainingObjective
{
    public LossResult Compute(Backbone model, BackboneOutput output, ImageBatch batch, int epoch)
    {
        using var scope = NewDisposeScope();
        var logits = output.Logits;
        var ce = batch.MixedLabels is { } mixed
            ? nn.functional.cross_entropy(logits, mixed.SoftTargets(mixed.Lambda(logits.dtype, logits.device), logits.shape[1], logits.dtype))
            : nn.functional.cross_entropy(logits, batch.Labels);

        // The "ce" part is for logging: an alias without autograd history, disposed with the result.
        return new CrossEntropyLossResult(ce.MoveToOuterDisposeScope(), ce.detach().MoveToOuterDisposeScope());
    }
}
