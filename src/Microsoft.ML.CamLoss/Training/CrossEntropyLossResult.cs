using Microsoft.ML.CamLoss.Losses;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>Plain cross-entropy: the total is the single <c>ce</c> part.</summary>
internal sealed class CrossEntropyLossResult : LossResult
{
    public CrossEntropyLossResult(Tensor total, Tensor crossEntropy)
        : base(total, new KeyValuePair<string, Tensor>("ce", crossEntropy))
    {
    }
}
