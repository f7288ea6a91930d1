using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public static partial class Functional
{
    /// <summary><c>max(x, 0)</c>.</summary>
    public static Tensor Relu(Tensor input) => input.Relu();

    /// <summary><c>1 / (1 + e^−x)</c>.</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary><c>x</c> for x ≥ 0, else <c>slope · x</c>.</summary>
    public static Tensor LeakyRelu(Tensor input, double slope = 0.01) =>
        Tensor.Wrap(NnInterop.camloss_leaky_relu(input.Handle, slope, out var h), h);

    /// <summary><c>softmax(x)_i = e^{x_i} / Σ_j e^{x_j}</c> along <paramref name="dim"/>.</summary>
    public static Tensor Softmax(Tensor input, long dim) =>
        Tensor.Wrap(NnInterop.camloss_softmax(input.Handle, dim, 0, out var h), h);

    /// <summary><c>log softmax(x)</c> along <paramref name="dim"/>, computed stably.</summary>
    public static Tensor LogSoftmax(Tensor input, long dim) =>
        Tensor.Wrap(NnInterop.camloss_softmax(input.Handle, dim, 1, out var h), h);
}
