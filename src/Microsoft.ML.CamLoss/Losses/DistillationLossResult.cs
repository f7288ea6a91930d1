using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>The parts of a distillation loss: <c>Total = β·CrossEntropy + (1 − β)·Kd + γ·Transfer</c>.</summary>
public sealed class DistillationLossResult : LossResult
{
    internal DistillationLossResult(Tensor total, Tensor crossEntropy, Tensor kd, Tensor? transfer)
        : base(total, transfer is null ? [new("ce", crossEntropy), new("kd", kd)] : [new("ce", crossEntropy), new("kd", kd), new("transfer", transfer)])
    {
        CrossEntropy = crossEntropy;
        Kd = kd;
        Transfer = transfer;
    }

    /// <summary><c>L_ce</c> of the student against the labels, batch mean.</summary>
    public Tensor CrossEntropy { get; }

    /// <summary><c>L_kd = τ²·KL(p_T^τ ‖ p_S^τ)</c>, batch mean.</summary>
    public Tensor Kd { get; }

    /// <summary><c>L_at</c> or <c>L_ccm</c> (not multiplied by γ); null for <see cref="DistillationMethod.Kd"/>.</summary>
    public Tensor? Transfer { get; }
}
