using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Pipelines;
using TorchSharp;
using static TorchSharp.torch;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>
/// Few-shot classification with a trained backbone (see <c>CamLossContext.FewShot</c>), as Baseline++
/// (Chen et al., ICLR 2019) and the CAM-loss paper's Table 6 do it: split the classes
/// (<see cref="SplitClasses"/>), train a network with a cosine head on the base classes
/// (<c>CosineClassifierScale</c> in the trainer options, cross-entropy or CAM-loss), then
/// <see cref="Evaluate"/> it on N-way K-shot episodes of the novel classes.
/// </summary>
/// <example><code>
/// var ml = new CamLossContext(seed: 1);
/// var all = ml.Data.LoadCub200("CUB_200_2011", DataSplit.All);
/// var split = ml.FewShot.SplitClasses(all.Classes, baseClasses: 50, validationClasses: 25);   // the other 25 are novel
/// split.Save("birds.split.json");
/// using var model = ml.Transforms.LoadImages().Append(ml.Transforms.ResizeImages(84, 84)).Append(ml.Transforms.NormalizeImageNet())
///     .Append(ml.MulticlassClassification.Trainers.CamLoss(new() { Architecture = Architecture.ResNet18, CosineClassifierScale = 10, AdaptiveStart = true }))
///     .Fit(split.Select(all, FewShotClassPart.Base));
/// var evaluation = ml.FewShot.Evaluate(model, split.Select(all, FewShotClassPart.Novel), new FewShotOptions { Way = 5, Shots = [1, 5], Episodes = 600 });
/// Console.WriteLine(evaluation[1]);   // 5-way 1-shot (15 queries, 600 episodes): mean ± 1.96·σ/√600
/// </code></example>
public sealed class FewShotCatalog
{
    private readonly CamLossContext _context;

    internal FewShotCatalog(CamLossContext context) => _context = context;

    /// <summary>
    /// Splits <paramref name="classes"/> into base, validation and novel classes, drawn from the context's
    /// seed (0 without one): see <see cref="FewShotClassSplit.Create(IReadOnlyList{string}, int, int, ulong)"/>.
    /// </summary>
    /// <param name="classes">The data set's class names.</param>
    /// <param name="baseClasses">Base classes (≥ 2).</param>
    /// <param name="validationClasses">Validation classes (≥ 0); the rest are novel.</param>
    public FewShotClassSplit SplitClasses(IReadOnlyList<string> classes, int baseClasses, int validationClasses) =>
        FewShotClassSplit.Create(classes, baseClasses, validationClasses, unchecked((ulong)(_context.Seed ?? 0)));

    /// <summary>
    /// Evaluates <paramref name="model"/>'s frozen backbone on N-way K-shot episodes of
    /// <paramref name="novel"/> (normally <c>split.Select(data, FewShotClassPart.Novel)</c>: classes the
    /// model never trained on). The pooled features <c>GAP(last)</c> of every image are computed once
    /// (scoring preprocessing, evaluation mode); then, for each K in <see cref="FewShotOptions.Shots"/>,
    /// episodes are drawn (<see cref="EpisodeSampler"/>), a new cosine classifier is fitted on each episode's
    /// support features and its accuracy on the episode's queries recorded. Reproducible: the same model,
    /// data, options and seed give the same episodes and, on the CPU, the same accuracies.
    /// </summary>
    /// <exception cref="ArgumentException">The novel data has fewer than N classes, or a class has fewer than K + Q
    /// images (the message names the classes and their counts), or no image could be read.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FewShotEvaluation Evaluate(
        ImageClassificationModel model, ImageDataset novel, FewShotOptions? options = null, IProgress<FewShotProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(novel);
        options ??= new FewShotOptions();
        options.Validate();
        var seed = unchecked((ulong)(options.Seed ?? _context.Seed ?? 0));
        var scale = options.Scale ?? model.Network.CosineScale ?? CosineClassifier.DefaultScale;
        foreach (var shot in options.Shots)
        {
            EpisodeSampler.CheckFits(novel, options.Way, shot, options.Queries);
        }

        var clock = Stopwatch.StartNew();
        var (features, images) = PooledFeatures.Extract(model, novel, options.BatchSize, cancellationToken);
        using (features)
        {
            var data = images.Length == novel.Count ? novel : novel.Subset(images);
            progress?.Report(new FewShotProgress(0, 0, options.Episodes, clock.Elapsed));
            var results = new List<FewShotResult>();
            foreach (var shot in options.Shots)
            {
                var episodes = EpisodeSampler.Sample(data, options.Way, shot, options.Queries, options.Episodes, seed);
                var accuracies = new double[episodes.Length];
                foreach (var chunk in episodes.Chunk(options.EpisodesPerBatch))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Score(features, chunk, scale, options, seed).CopyTo(accuracies, chunk[0].Number);
                    progress?.Report(new FewShotProgress(shot, chunk[^1].Number + 1, episodes.Length, clock.Elapsed));
                }

                results.Add(new FewShotResult(options.Way, shot, options.Queries, accuracies));
            }

            return new FewShotEvaluation(results, seed, scale, [.. novel.Classes], data.Count, features.shape[1]);
        }
    }

    /// <summary>The query accuracy of each episode of <paramref name="chunk"/> (all of one K), fitted and scored as one batch.</summary>
    private static double[] Score(Tensor features, FewShotEpisode[] chunk, double scale, FewShotOptions options, ulong seed)
    {
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var (count, way, shot, queries) = (chunk.Length, chunk[0].Way, chunk[0].Shot, chunk[0].Queries);
                Tensor Gather(Func<FewShotEpisode, IReadOnlyList<int>> rows, int perEpisode) =>
                    features.index_select(0, torch.tensor(chunk.SelectMany(rows).Select(i => (long)i).ToArray(), device: features.device))
                        .view(count, perEpisode, features.shape[1]);
                var weight = SupportSetFit.Fit(Gather(e => e.Support, way * shot), way, shot, [.. chunk.Select(e => e.Number)], scale, options, seed);
                var predicted = CosineClassifier.Logits(Gather(e => e.Query, way * queries), weight, scale).argmax(-1);   // [E, N·Q]
                var truth = torch.arange(way, device: features.device).repeat_interleave(queries).unsqueeze(0);   // class-major queries
                var correct = predicted.eq(truth).to(ScalarType.Float64).mean([1]).cpu();
                return correct.data<double>().ToArray();
            },
            $"Scoring {chunk.Length} {chunk[0].Way}-way {chunk[0].Shot}-shot episodes");
    }
}
