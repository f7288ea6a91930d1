using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary><c>L = β·L_ce + (1 − β)·L_kd + γ·L_x</c> against a frozen teacher that sees the same batch.</summary>
internal sealed class DistillationObjective(DistillationLoss loss, Backbone teacher) : ITrainingObjective
{
    public LossResult Compute(Backbone model, BackboneOutput output, ImageBatch batch, int epoch)
    {
        using var scope = new TensorScope();
        BackboneOutput taught;
        using (Autograd.NoGrad())
        {
            taught = teacher.Forward(batch.Images);
        }

        var result = loss.Compute(
            new ClassifierOutputs(output.Logits, output.Last, model.Classifier.Weight),
            new ClassifierOutputs(taught.Logits, taught.Last, teacher.Classifier.Weight),
            batch.Labels);
        foreach (var (_, part) in result.Parts)
        {
            part.MoveToOuterScope();
        }

        return result;
    }

    public void Dispose() => teacher.Dispose();
}
