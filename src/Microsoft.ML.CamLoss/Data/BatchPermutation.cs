using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Data;

/// <summary>The partner permutation of Mixup and CutMix, drawn from the batch's <see cref="SeededRandom"/> (not libtorch's global generator).</summary>
internal static class BatchPermutation
{
    /// <summary>A random permutation of <c>0 … n−1</c> as an int64 <c>[n]</c> tensor.</summary>
    public static Tensor Draw(int n, SeededRandom random)
    {
        var order = new long[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        random.Shuffle<long>(order);
        return tensor(order, [n]);
    }
}
