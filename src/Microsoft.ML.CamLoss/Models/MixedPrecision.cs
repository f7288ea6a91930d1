using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// Mixed-precision training, the policy of PyTorch's autocast applied by our own forward passes
/// (TorchSharp 0.107 has no autocast): inside <see cref="Enter"/> on the current thread, every
/// convolution and linear layer of our networks computes in a 16-bit type (bfloat16, or float16)
/// from the layer's float32 master weights, cast afresh on each forward pass so that their gradients
/// arrive in float32; everything else keeps the types it is given.
/// </summary>
/// <remarks>
/// <para>What runs in which type inside the scope, and why (PyTorch 1.13's CPU autocast lists, in
/// <c>torch/testing/_internal/autocast_test_lists.py</c>, are the reference):</para>
/// <list type="bullet">
/// <item><b>Convolutions and linear layers</b>: input, weight and bias cast to <see cref="ComputeType"/>, output in it
/// (autocast's lower-precision list: <c>conv2d</c>, <c>linear</c>).</item>
/// <item><b>BatchNorm</b>: the 16-bit activations with the float32 weight, bias and running statistics, the output
/// 16-bit; the batch mean and variance are accumulated in float32 and the running statistics stay float32. That is
/// what autocast does (batch_norm is on neither list: it runs in its input's type, and libtorch's kernels take a
/// 16-bit input with float32 parameters).</item>
/// <item><b>ReLU, pooling, residual additions, padding</b>: in the activations' type (16-bit), as under autocast.</item>
/// <item><b>Memory layout</b>: the first convolution puts its input in channels-last layout (same shape, strides
/// <c>[HWC, 1, WC, C]</c>), which every later layer keeps. Measured on a 2-core AVX-512-BF16 CPU (bfloat16, one
/// thread): a ResNet-18 224² batch-32 training step 1.90 s instead of 2.45 s, a ResNet-20 32² batch-128 step 269
/// instead of 282 ms. So the taps are channels-last too: <c>reshape</c>/<c>flatten</c> them rather than <c>view</c>.</item>
/// <item><b>Feature taps and logits</b>: a backbone hands its <c>inner</c> and <c>last</c> taps and its logits out
/// as float32 (<see cref="Tap"/>), and computes its head and its last stage from those float32 copies, so that the
/// taps lie on the path to the logits (ICASC's attention takes the logits' gradient with respect to them).</item>
/// <item><b>Losses</b>: everything after the backbone — softmax and cross-entropy, the CAM and CAAM, their min-max
/// normalisation, the distillation and ICASC terms — reads those float32 tensors, so it runs in float32. Autocast
/// would compute the CAM's batched product (<c>bmm</c>) in bfloat16; we keep it in float32 because the min-max
/// normalisation divides by the map's range, which 8 bits of mantissa would make coarse, and it costs little.</item>
/// <item><b>Gradients and optimiser state</b> are float32: the parameters never change type.</item>
/// </list>
/// <para>The scope is per thread (as autocast's state), nests, and is off by default: outside it the layers run
/// exactly as before. Scoring and validation run outside it, in float32.</para>
/// </remarks>
public static class MixedPrecision
{
    [ThreadStatic]
    private static ScalarType? _computeType;

    /// <summary>The type convolutions and linear layers compute in on this thread; null outside a scope (float32 as the weights).</summary>
    public static ScalarType? ComputeType => _computeType;

    /// <summary>
    /// Starts computing convolutions and linear layers in <paramref name="computeType"/> on this thread, until the
    /// returned scope is disposed (which restores the previous setting).
    /// </summary>
    /// <param name="computeType"><see cref="ScalarType.BFloat16"/> or <see cref="ScalarType.Float16"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="computeType"/> is neither.</exception>
    public static IDisposable Enter(ScalarType computeType)
    {
        if (computeType is not (ScalarType.BFloat16 or ScalarType.Float16))
        {
            throw new ArgumentException($"Mixed precision computes in BFloat16 or Float16; got {computeType}.", nameof(computeType));
        }

        var previous = _computeType;
        _computeType = computeType;
        return new Scope(previous);
    }

    /// <summary>
    /// A feature tap or the logits leaving the mixed-precision part of a network: a 16-bit tensor becomes float32
    /// inside a scope (a differentiable cast); anything else, and everything outside a scope, is returned unchanged.
    /// </summary>
    internal static Tensor Tap(Tensor features) =>
        _computeType is not null && features.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? features.to(ScalarType.Float32) : features;

    private sealed class Scope(ScalarType? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _computeType = previous;
                _disposed = true;
            }
        }
    }
}
