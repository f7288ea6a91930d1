using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// A loss and the parts it is made of, as scalar tensors that keep their autograd graph: call
/// <c>Total.backward()</c> to train and read the parts (e.g. <c>item&lt;float&gt;()</c>) only when logging,
/// since reading a value synchronises with the device. Disposing the result disposes every part.
/// </summary>
public abstract class LossResult : IDisposable
{
    private readonly KeyValuePair<string, Tensor>[] _parts;

    /// <summary>Creates a result from its total and its named parts (in logging order).</summary>
    protected LossResult(Tensor total, params KeyValuePair<string, Tensor>[] parts)
    {
        ArgumentNullException.ThrowIfNull(total);
        Total = total;
        _parts = parts;
    }

    /// <summary>The loss to back-propagate.</summary>
    public Tensor Total { get; }

    /// <summary>The total first, then each part, by name (for logging).</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> Parts =>
        _parts.Prepend(new KeyValuePair<string, Tensor>("total", Total));

    /// <summary>Disposes the total and every part.</summary>
    public void Dispose()
    {
        Total.Dispose();
        foreach (var part in _parts)
        {
            part.Value.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}
