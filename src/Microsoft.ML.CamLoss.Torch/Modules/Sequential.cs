namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// Applies its layers in order (as <c>nn.Sequential</c>); they are named "0", "1", … so state
/// dict keys match PyTorch's.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _layers = [];

    /// <summary>Creates the sequence.</summary>
    public Sequential(params IEnumerable<Module<Tensor, Tensor>> layers)
    {
        foreach (var layer in layers)
        {
            _layers.Add(RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        }
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Module<Tensor, Tensor>> Layers => _layers;

    /// <summary>
    /// Runs the layers in order. Intermediate results are disposed as soon as the next layer has
    /// consumed them (autograd keeps what it needs), so a long sequence does not pile up handles.
    /// </summary>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers)
        {
            x = Advance(input, x, layer.Forward(x));
        }

        return x;
    }

    /// <summary>
    /// Applies <paramref name="steps"/> in order, disposing each intermediate as soon as the next
    /// step has consumed it (never <paramref name="input"/>; a step may return its argument, as an
    /// in-place op does). Keeps the peak memory of inference at a layer or two, as PyTorch's.
    /// </summary>
    public static Tensor Chain(Tensor input, params ReadOnlySpan<Func<Tensor, Tensor>> steps)
    {
        var x = input;
        foreach (var step in steps)
        {
            x = Advance(input, x, step(x));
        }

        return x;
    }

    private static Tensor Advance(Tensor input, Tensor current, Tensor next)
    {
        if (!ReferenceEquals(current, input) && !ReferenceEquals(next, current))
        {
            current.Dispose();
        }

        return next;
    }
}
