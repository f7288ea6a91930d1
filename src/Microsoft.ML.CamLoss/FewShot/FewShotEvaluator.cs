using System.Diagnostics;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>
/// Few-shot classification with a trained backbone, as Baseline++ (Chen et al., ICLR 2019) and the CAM-loss
/// paper's Table 6 do it (METHOD.md §5). The protocol:
/// <list type="number">
/// <item>Split the data set's classes into base, validation and novel classes, seeded:
/// <see cref="FewShotClassSplit.Create(IReadOnlyList{string}, int, int, ulong)"/> (save it with the run:
/// <see cref="FewShotClassSplit.Save"/>).</item>
/// <item>Train a network with a cosine classifier on every image of the base classes: any trainer with
/// <see cref="ImageClassificationTrainerOptions.CosineClassifierScale"/> set (cross-entropy is Baseline++, CAM-loss
/// is the paper's "+ CAM-loss"), with a <see cref="ImageClassificationTrainerOptions.CheckpointDirectory"/> so that
/// <see cref="ImageClassificationModel.FromCheckpoint"/> gives the backbone back later.</item>
/// <item><see cref="Evaluate"/> its frozen backbone on N-way K-shot episodes of the novel classes
/// (<see cref="FewShotClassSplit.Select"/> with <see cref="FewShotClassPart.Novel"/>): defaults 5-way, K = 1 and 5,
/// 15 queries, 600 episodes, seed 0 (<see cref="FewShotOptions"/>); the result per K is the mean query accuracy
/// ± 1.96·σ/√episodes.</item>
/// </list>
/// </summary>
/// <example><code>
/// var all = Cub200.Load("CUB_200_2011", DataSplit.All);
/// var split = FewShotClassSplit.Create(all.Classes, baseCount: 50, validationCount: 25, seed: 1);   // the other 25 are novel
/// split.Save("runs/birds/classes.split.json");
/// var trainer = new CamLossImageClassificationTrainer(new()
/// {
///     Architecture = Architecture.ResNet18, CosineClassifierScale = 10, AdaptiveStart = true, Seed = 1, CheckpointDirectory = "runs/birds",
/// });
/// using var model = trainer.Fit(split.Select(all, FewShotClassPart.Base), new ImagePipeline().Resize(84, 84).NormalizeImageNet());
/// var evaluation = FewShotEvaluator.Evaluate(model, split.Select(all, FewShotClassPart.Novel), new FewShotOptions { Seed = 1 });
/// Console.WriteLine(evaluation[1]);   // 5-way 1-shot (15 queries, 600 episodes): mean ± 1.96·σ/√600
/// // Later, from the run folder: FewShotEvaluator.Evaluate(ImageClassificationModel.FromCheckpoint("runs/birds"), novel, options)
/// </code></example>
public static class FewShotEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="model"/>'s frozen backbone on N-way K-shot episodes of
    /// <paramref name="novel"/> (normally <c>split.Select(data, FewShotClassPart.Novel)</c>: classes the
    /// model never trained on). The pooled features <c>GAP(last)</c> of every image are computed once
    /// (scoring preprocessing, evaluation mode); then, for each K in <see cref="FewShotOptions.Shots"/>,
    /// episodes are drawn (<see cref="EpisodeSampler"/>), a new cosine classifier is fitted on each episode's
    /// support features and its accuracy on the episode's queries recorded. Reproducible: the same model,
    /// data and options (<see cref="FewShotOptions.Seed"/>) give the same episodes and, on the CPU, the same accuracies.
    /// </summary>
    /// <exception cref="ArgumentException">The novel data has fewer than N classes, or a class has fewer than K + Q
    /// images (the message names the classes and their counts), or no image could be read.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static FewShotEvaluation Evaluate(
        ImageClassificationModel model, ImageDataset novel, FewShotOptions? options = null, IProgress<FewShotProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(novel);
        options ??= new FewShotOptions();
        options.Validate();
        var seed = unchecked((ulong)options.Seed);
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
