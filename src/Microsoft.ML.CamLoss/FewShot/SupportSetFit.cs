using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>
/// Fits one new cosine classifier per episode on that episode's support features (the frozen
/// backbone's pooled features), all episodes of a batch at once: the weights are one tensor
/// <c>[E, N, K]</c>, the loss is the sum over episodes of each episode's mean cross-entropy, and SGD's
/// update is element-wise, so every episode gets exactly the gradient, momentum and decay it would get
/// alone. Its draws (initial weights, order of the support images in every pass) come from
/// (seed, K, episode number), never from its position in the batch.
/// </summary>
internal static class SupportSetFit
{
    private const ulong InitialWeights = 0x57;
    private const ulong SupportOrder = 0x5E;

    /// <summary>The fitted weights <c>[E, N, K]</c> for support features <c>[E, N·shot, K]</c> (class-major: image <c>i</c> is of class <c>i / shot</c>).</summary>
    /// <param name="support">Support features of <c>E</c> episodes.</param>
    /// <param name="way">N.</param>
    /// <param name="shot">K (the number of support images per class).</param>
    /// <param name="episodes">The episodes' numbers (which fix their draws).</param>
    /// <param name="scale">The cosine classifier's scale.</param>
    /// <param name="options">The fit's settings.</param>
    /// <param name="seed">The evaluation's seed.</param>
    public static Tensor Fit(Tensor support, int way, int shot, IReadOnlyList<int> episodes, double scale, FewShotOptions options, ulong seed)
    {
        if (support.shape[0] != episodes.Count)
        {
            throw new ArgumentException($"Support features [{string.Join(", ", support.shape)}] do not fit {episodes.Count} episodes.", nameof(support));
        }

        using var initial = InitialWeight(episodes, way, support.shape[2], shot, seed);
        return Fit(support, way, shot, initial, (e, epoch) => Order((int)support.shape[1], seed, shot, episodes[e], epoch), scale, options);
    }

    /// <summary>
    /// The fit from given initial weights <c>[E, N, K]</c> and order of the support images in each pass
    /// (<paramref name="order"/>(episode position, pass) is a permutation of <c>0 … N·shot − 1</c>).
    /// </summary>
    internal static Tensor Fit(Tensor support, int way, int shot, Tensor initial, Func<int, int, int[]> order, double scale, FewShotOptions options)
    {
        var (count, size, channels) = (support.shape[0], (int)support.shape[1], support.shape[2]);
        if (size != way * shot || !initial.shape.SequenceEqual([count, way, channels]))
        {
            throw new ArgumentException(
                $"Support features [{string.Join(", ", support.shape)}] and initial weights [{string.Join(", ", initial.shape)}] do not fit episodes of {way}×{shot} images.", nameof(support));
        }

        using var scope = torch.NewDisposeScope();
        var weight = new Parameter(initial.to(support.dtype).to(support.device).clone(), requires_grad: true);
        using var sgd = optim.SGD([weight], options.FitLearningRate, options.FitMomentum, options.FitDampening, options.FitWeightDecay);
        var flat = support.reshape(count * size, channels);
        for (var epoch = 0; epoch < options.FitEpochs; epoch++)
        {
            var orders = Enumerable.Range(0, (int)count).Select(e => order(e, epoch)).ToArray();
            for (var start = 0; start < size; start += options.FitBatchSize)
            {
                using var step = torch.NewDisposeScope();
                var take = Math.Min(options.FitBatchSize, size - start);
                var rows = new long[count * take];
                var labels = new long[count * take];
                for (var e = 0; e < count; e++)
                {
                    for (var j = 0; j < take; j++)
                    {
                        var image = orders[e][start + j];
                        rows[(e * take) + j] = (e * size) + image;
                        labels[(e * take) + j] = image / shot;
                    }
                }

                var batch = flat.index_select(0, torch.tensor(rows, device: support.device)).view(count, take, channels);
                var logits = CosineClassifier.Logits(batch, weight, scale);
                var losses = nn.functional.cross_entropy(logits.view(count * take, way), torch.tensor(labels, device: support.device), reduction: nn.Reduction.None);
                var loss = losses.view(count, take).mean([1]).sum();
                sgd.zero_grad();
                loss.backward();
                sgd.step();
            }
        }

        return weight.detach().MoveToOuterDisposeScope();
    }

    /// <summary>PyTorch's <c>nn.Linear</c> initialisation of each episode's <c>[N, K]</c> weight: uniform in ±1/√K, from (seed, K, episode).</summary>
    private static Tensor InitialWeight(IReadOnlyList<int> episodes, int way, long channels, int shot, ulong seed)
    {
        var bound = 1 / Math.Sqrt(channels);
        var values = new float[episodes.Count * way * channels];
        var per = way * channels;
        for (var e = 0; e < episodes.Count; e++)
        {
            var random = SeededRandom.Derive(seed, InitialWeights, (ulong)shot, (ulong)episodes[e]);
            for (var i = 0; i < per; i++)
            {
                values[(e * per) + i] = (float)random.Uniform(-bound, bound);
            }
        }

        return torch.tensor(values, [episodes.Count, way, channels]);
    }

    /// <summary>The order of an episode's support images in one pass of the fit.</summary>
    private static int[] Order(int size, ulong seed, int shot, int episode, int epoch)
    {
        var order = Enumerable.Range(0, size).ToArray();
        SeededRandom.Derive(seed, SupportOrder, (ulong)shot, (ulong)episode, (ulong)epoch).Shuffle(order.AsSpan());
        return order;
    }
}
