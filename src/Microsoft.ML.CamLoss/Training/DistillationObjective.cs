using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary><c>L = β·L_ce + (1 − β)·L_kd + γ·L_x</c> against a frozen teacher (evaluation mode, no gradients) that sees the same batch.</summary>
internal sealed class DistillationObjective(DistillationLoss loss, Backbone teacher) : ITrainingObjective
{
    public LossResult Compute(Backbone model, BackboneOutput output, ImageBatch batch, int epoch)
    {
        using var scope = NewDisposeScope();
        BackboneOutput taught;
        using (no_grad())
        {
            taught = teacher.forward(batch.Images);
        }

        var result = loss.Compute(
            new ClassifierOutputs(output.Logits, output.Last, model.Classifier.weight),
            new ClassifierOutputs(taught.Logits, taught.Last, teacher.Classifier.weight),
            batch.Labels);
        foreach (var (_, part) in result.Parts)
        {
            part.MoveToOuterDisposeScope();
        }

        return result;
    }

    public void Dispose() => teacher.Dispose();
}
