using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public static partial class Functional
{
    /// <summary>
    /// Cross-entropy of logits <c>[N, C]</c>: <c>−log softmax(z)_y</c> for int64 class targets <c>[N]</c>,
    /// or <c>−Σ_c t_c log softmax(z)_c</c> for probability targets <c>[N, C]</c> (soft labels, e.g. Mixup).
    /// </summary>
    /// <param name="logits">Unnormalised scores.</param>
    /// <param name="target">Class indices (int64) or class probabilities (float, same shape as <paramref name="logits"/>).</param>
    /// <param name="weight">Optional per-class weights <c>[C]</c>.</param>
    /// <param name="reduction">Default <see cref="Reduction.Mean"/>.</param>
    /// <param name="ignoreIndex">Class index whose samples are skipped (index targets only); default −100.</param>
    /// <param name="labelSmoothing">Mass spread uniformly over classes; default 0.</param>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100, double labelSmoothing = 0) =>
        Tensor.Wrap(NnInterop.camloss_cross_entropy(logits.Handle, target.Handle, Tensor.HandleOf(weight), CheckElementwise(reduction), ignoreIndex, labelSmoothing, out var h), h);

    /// <summary>Negative log-likelihood <c>−logp_y</c> of log-probabilities <c>[N, C, …]</c> and int64 targets.</summary>
    public static Tensor NllLoss(Tensor logProbabilities, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100) =>
        Tensor.Wrap(NnInterop.camloss_nll_loss(logProbabilities.Handle, target.Handle, Tensor.HandleOf(weight), CheckElementwise(reduction), ignoreIndex, out var h), h);

    /// <summary>
    /// Kullback–Leibler divergence <c>KL(target ‖ input) = Σ target · (log target − logInput)</c>
    /// with <paramref name="logInput"/> as log-probabilities (as <c>F.kl_div</c>). Use
    /// <see cref="Reduction.BatchMean"/> for the true KL divergence per sample.
    /// </summary>
    public static Tensor KlDiv(Tensor logInput, Tensor target, Reduction reduction = Reduction.BatchMean, bool logTarget = false) =>
        Tensor.Wrap(NnInterop.camloss_kl_div(logInput.Handle, target.Handle, (int)reduction, logTarget ? 1 : 0, out var h), h);

    /// <summary>Mean (by default) absolute difference <c>|input − target|</c>.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NnInterop.camloss_distance_loss(0, input.Handle, target.Handle, CheckElementwise(reduction), out var h), h);

    /// <summary>Mean (by default) squared difference <c>(input − target)²</c>.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(NnInterop.camloss_distance_loss(1, input.Handle, target.Handle, CheckElementwise(reduction), out var h), h);

    private static int CheckElementwise(Reduction reduction) =>
        reduction == Reduction.BatchMean
            ? throw new ArgumentException("BatchMean applies to KlDiv only; use Mean, Sum or None.", nameof(reduction))
            : (int)reduction;
}
