using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>The head's two forms: the linear classifier (default) or Baseline++'s cosine classifier.</summary>
public abstract partial class Backbone
{
    /// <summary>
    /// The scale <c>s</c> of the cosine head after <see cref="UseCosineClassifier"/>, or null for the
    /// linear head (default). With a cosine head the logits are
    /// <c>z_c = s · cos(W_c, GAP(F))</c> (<see cref="CosineClassifier.Logits"/>), <c>W</c> being
    /// <see cref="Classifier"/>'s weight.
    /// </summary>
    public double? CosineScale { get; private set; }

    /// <summary>
    /// Turns the head into a cosine classifier (Baseline++): <c>z_c = s · ⟨W_c/‖W_c‖, f/‖f‖⟩</c> on the
    /// pooled <c>last</c> features <c>f</c>, with a fixed <paramref name="scale"/> <c>s</c>. The weight stays
    /// where it is (<see cref="Classifier"/>, the state-dict entry <c>fc.weight</c> or <c>linear.weight</c>,
    /// values kept); the head loses its bias, which a cosine classifier does not have, so the state dict
    /// is the linear network's without the head's bias. Calling it again changes the scale (and drops a
    /// bias that <see cref="ReplaceClassifier"/> brought back). CAMs keep using <see cref="Classifier"/>'s
    /// weight: see <see cref="CosineClassifier"/> for why that gives the cosine head's normalised maps.
    /// </summary>
    /// <param name="scale">The scale <c>s &gt; 0</c>; default <see cref="CosineClassifier.DefaultScale"/> (10).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not finite and positive.</exception>
    public void UseCosineClassifier(double scale = CosineClassifier.DefaultScale)
    {
        CosineClassifier.CheckScale(scale, nameof(scale));
        var old = Classifier;
        if (old.bias is not null)
        {
            var head = nn.Linear(old.in_features, old.out_features, hasBias: false, device: old.weight.device, dtype: old.weight.dtype);
            using (torch.no_grad())
            {
                head.weight.copy_(old.weight);
            }

            head.train(training);
            _internal_submodules[ClassifierName] = head; // replaces the entry in place, keeping its position (see ReplaceClassifier)
            Classifier = head;
            old.Dispose();
        }

        CosineScale = scale;
    }

    /// <summary>The logits of pooled features <c>[B, K]</c>: the linear head's <c>W·f + b</c>, or the cosine head's <c>s·cos(W_c, f)</c>.</summary>
    private Tensor HeadLogits(Tensor pooled) =>
        CosineScale is { } scale ? CosineClassifier.Logits(pooled, Classifier.weight, scale) : Classifier.ForwardMixed(pooled);
}
