namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Non-linearities whose recommended gain <see cref="Init.CalculateGain"/> knows.</summary>
public enum Nonlinearity
{
    /// <summary>Identity, convolution or sigmoid: gain 1.</summary>
    Linear,

    /// <summary>ReLU: gain √2.</summary>
    Relu,

    /// <summary>Leaky ReLU with a negative slope: gain √(2 / (1 + slope²)).</summary>
    LeakyRelu,

    /// <summary>tanh: gain 5/3.</summary>
    Tanh,
}

/// <summary>Whether Kaiming initialisation preserves the variance of the forward or the backward pass.</summary>
public enum FanMode
{
    /// <summary>Use the number of inputs per output (forward pass).</summary>
    FanIn,

    /// <summary>Use the number of outputs per input (backward pass).</summary>
    FanOut,
}

/// <summary>
/// In-place initialisers, as <c>torch.nn.init</c>, drawing from libtorch's seeded generator with
/// the same arithmetic as PyTorch, so the same seed gives the same weights.
/// </summary>
public static class Init
{
    /// <summary>Recommended gain of a non-linearity (PyTorch's <c>calculate_gain</c>).</summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double negativeSlope = 0.01) => nonlinearity switch
    {
        Nonlinearity.Linear => 1.0,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => Math.Sqrt(2.0 / (1 + (negativeSlope * negativeSlope))),
        Nonlinearity.Tanh => 5.0 / 3,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity)),
    };

    /// <summary>Fan-in and fan-out: <c>size(1)·receptive</c> and <c>size(0)·receptive</c>, receptive = product of sizes from dimension 2.</summary>
    public static (long FanIn, long FanOut) CalculateFans(Tensor tensor)
    {
        var shape = tensor.Shape;
        if (shape.Length < 2)
        {
            throw new ArgumentException("Fan in and fan out need a tensor with at least 2 dimensions.", nameof(tensor));
        }

        long receptive = 1;
        for (var i = 2; i < shape.Length; i++)
        {
            receptive *= shape[i];
        }

        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(Tensor tensor, double low = 0, double high = 1) => tensor.UniformInPlace(low, high);

    /// <summary>Normal with the given mean and standard deviation.</summary>
    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1) => tensor.NormalInPlace(mean, std);

    /// <summary>Every element set to <paramref name="value"/>.</summary>
    public static Tensor Constant(Tensor tensor, double value)
    {
        using var _ = Autograd.NoGrad();
        return tensor.Fill(value);
    }

    /// <summary>Kaiming (He) uniform: U(−b, b) with <c>b = gain · √(3 / fan)</c>.</summary>
    /// <param name="tensor">Weight to fill.</param>
    /// <param name="a">Negative slope for <see cref="Nonlinearity.LeakyRelu"/> (PyTorch's layers use √5).</param>
    /// <param name="mode">Fan-in (default) or fan-out.</param>
    /// <param name="nonlinearity">Default leaky ReLU, as PyTorch.</param>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        var std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        var bound = Math.Sqrt(3.0) * std;
        return tensor.UniformInPlace(-bound, bound);
    }

    /// <summary>Kaiming (He) normal: N(0, (gain / √fan)²).</summary>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu) =>
        tensor.NormalInPlace(0, CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode)));

    /// <summary>Xavier (Glorot) uniform: U(−b, b) with <c>b = gain · √(6 / (fan_in + fan_out))</c>.</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        var std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        var bound = Math.Sqrt(3.0) * std;
        return tensor.UniformInPlace(-bound, bound);
    }

    /// <summary>Xavier (Glorot) normal: N(0, gain² · 2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, double gain = 1)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        return tensor.NormalInPlace(0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>
    /// PyTorch's default for Conv2d and Linear: weight Kaiming-uniform with a = √5 (bound 1/√fan_in),
    /// bias U(−1/√fan_in, 1/√fan_in). Weight first, then bias, as PyTorch draws them.
    /// </summary>
    public static void DefaultLayer(Tensor weight, Tensor? bias)
    {
        KaimingUniform(weight, a: Math.Sqrt(5));
        if (bias is not null)
        {
            var fanIn = CalculateFans(weight).FanIn;
            var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            bias.UniformInPlace(-bound, bound);
        }
    }

    private static long Fan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        return mode == FanMode.FanIn ? fanIn : fanOut;
    }
}
