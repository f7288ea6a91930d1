using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public static partial class Functional
{
    /// <summary>
    /// Batch normalisation over dimension 1: <c>y = (x − μ) / sqrt(σ² + eps) · weight + bias</c>.
    /// In training, μ and σ² are the batch statistics and the running buffers are updated in place
    /// (<c>running = (1 − momentum)·running + momentum·batch</c>, unbiased variance); in evaluation
    /// the running buffers are used.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        Tensor.Wrap(NnInterop.camloss_batch_norm(input.Handle, Tensor.HandleOf(weight), Tensor.HandleOf(bias), Tensor.HandleOf(runningMean), Tensor.HandleOf(runningVar), training ? 1 : 0, momentum, eps, out var h), h);

    /// <summary>Zeroes each element with probability <paramref name="p"/> and scales the rest by <c>1/(1−p)</c> when training; identity otherwise.</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        return Tensor.Wrap(NnInterop.camloss_dropout(input.Handle, p, training ? 1 : 0, out var h), h);
    }
}
