using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>The parts of ICASC: <c>Total = CrossEntropy + SeparationInner + SeparationLast + Consistency</c>.</summary>
public sealed class IcascLossResult : LossResult
{
    internal IcascLossResult(Tensor total, Tensor crossEntropy, Tensor separationInner, Tensor separationLast, Tensor consistency)
        : base(total, new("ce", crossEntropy), new("as_inner", separationInner), new("as_last", separationLast), new("ac", consistency))
    {
        CrossEntropy = crossEntropy;
        SeparationInner = separationInner;
        SeparationLast = separationLast;
        Consistency = consistency;
    }

    /// <summary><c>L_ce</c>, batch mean.</summary>
    public Tensor CrossEntropy { get; }

    /// <summary><c>L_AS</c> at the inner layer, batch mean.</summary>
    public Tensor SeparationInner { get; }

    /// <summary><c>L_AS</c> at the last layer, batch mean.</summary>
    public Tensor SeparationLast { get; }

    /// <summary><c>L_AC</c>, batch mean.</summary>
    public Tensor Consistency { get; }
}
