using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// What a backbone returns: the logits and the feature taps the losses read. The three tensors
/// belong to the output: dispose it (or the dispose scope they joined) when done.
/// </summary>
/// <param name="Logits">Class scores <c>z = W · GAP(Last) + b</c>, <c>[B, C]</c>.</param>
/// <param name="Last">Tap <c>last</c>: output of the last convolutional stage, after its final ReLU and
/// before global average pooling, <c>[B, K, H, W]</c>. CAMs and the CAAM are computed from it.</param>
/// <param name="Inner">Tap <c>inner</c>: output of the stage before it (twice the resolution), used by ICASC.</param>
public sealed record BackboneOutput(Tensor Logits, Tensor Last, Tensor Inner) : IDisposable
{
    /// <summary>Name of the <see cref="Last"/> tap.</summary>
    public const string LastTap = "last";

    /// <summary>Name of the <see cref="Inner"/> tap.</summary>
    public const string InnerTap = "inner";

    /// <summary>A tap by name: <c>last</c> or <c>inner</c>.</summary>
    /// <exception cref="ArgumentException">The name is neither.</exception>
    public Tensor Tap(string name) => name switch
    {
        LastTap => Last,
        InnerTap => Inner,
        _ => throw new ArgumentException($"Unknown feature tap '{name}'; the taps are '{LastTap}' and '{InnerTap}'.", nameof(name)),
    };

    /// <summary>Disposes the three tensors.</summary>
    public void Dispose()
    {
        Logits.Dispose();
        Last.Dispose();
        Inner.Dispose();
    }
}
