using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>The parts of CAM-loss: <c>Total = CrossEntropy + α·Cam</c>.</summary>
public sealed class CamLossResult : LossResult
{
    internal CamLossResult(Tensor total, Tensor crossEntropy, Tensor cam)
        : base(total, new("ce", crossEntropy), new("cam", cam))
    {
        CrossEntropy = crossEntropy;
        Cam = cam;
    }

    /// <summary><c>L_ce</c>, batch mean.</summary>
    public Tensor CrossEntropy { get; }

    /// <summary><c>L_cam</c> (not multiplied by α), batch mean.</summary>
    public Tensor Cam { get; }
}
