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
            var next = layer.Forward(x);
            if (!ReferenceEquals(x, input) && !ReferenceEquals(next, x))
            {
                x.Dispose();
            }

            x = next;
        }

        return x;
    }
}
