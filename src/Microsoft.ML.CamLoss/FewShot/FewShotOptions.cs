using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.FewShot;

/// <summary>
/// Settings of a few-shot evaluation (METHOD.md §5, Chen et al.'s protocol): N-way K-shot episodes
/// with Q queries per class on the frozen backbone's pooled features; per episode a new cosine
/// classifier is fitted on the support features by SGD and scores the queries. Defaults: 5-way,
/// 1- and 5-shot, 15 queries, 600 episodes; the fit is Chen et al.'s (100 passes over the support set
/// in batches of 4, SGD lr 0.01, momentum 0.9, dampening 0.9, weight decay 0.001, weights initialised
/// as PyTorch's <c>nn.Linear</c>: uniform in ±1/√K).
/// </summary>
public sealed class FewShotOptions
{
    /// <summary>N, classes per episode; default 5.</summary>
    public int Way = 5;

    /// <summary>The K values to evaluate, each over its own episodes; default 1 and 5.</summary>
    public int[] Shots = [1, 5];

    /// <summary>Q, query images per class; default 15.</summary>
    public int Queries = 15;

    /// <summary>Episodes per K; default 600.</summary>
    public int Episodes = 600;

    /// <summary>Seed of the episodes and of each episode's classifier; default 0.</summary>
    public int Seed;

    /// <summary>
    /// Scale <c>s</c> of the episode's cosine classifier; default null: the model's own cosine scale
    /// (<see cref="Models.Backbone.CosineScale"/>) or, for a linear-head model, <see cref="Models.CosineClassifier.DefaultScale"/>.
    /// Only the fit's pace depends on it: the prediction is the class of largest cosine.
    /// </summary>
    public double? Scale;

    /// <summary>Passes over the support set while fitting; default 100.</summary>
    public int FitEpochs = 100;

    /// <summary>Support images per fitting step; default 4.</summary>
    public int FitBatchSize = 4;

    /// <summary>Learning rate of the fit; default 0.01.</summary>
    public double FitLearningRate = 0.01;

    /// <summary>SGD momentum of the fit; default 0.9.</summary>
    public double FitMomentum = 0.9;

    /// <summary>SGD dampening of the fit; default 0.9.</summary>
    public double FitDampening = 0.9;

    /// <summary>Weight decay of the fit; default 0.001.</summary>
    public double FitWeightDecay = 1e-3;

    /// <summary>Images per batch when extracting features; default 64.</summary>
    public int BatchSize = 64;

    /// <summary>
    /// Episodes whose classifiers are fitted together, as one batched problem (same results as one at a
    /// time: every episode has its own weights, optimiser state and draws); default 100.
    /// </summary>
    public int EpisodesPerBatch = 100;

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    internal void Validate()
    {
        TrainingOptionChecks.Require(Way >= 2, nameof(Way), Way, "at least 2");
        TrainingOptionChecks.Require(Shots is { Length: > 0 } && Shots.All(k => k >= 1), nameof(Shots), Shots is null ? "null" : string.Join(",", Shots), "one or more values ≥ 1");
        TrainingOptionChecks.Require(Queries >= 1, nameof(Queries), Queries, "at least 1");
        TrainingOptionChecks.Require(Episodes >= 1, nameof(Episodes), Episodes, "at least 1");
        TrainingOptionChecks.Require(Scale is null or (> 0 and < double.PositiveInfinity), nameof(Scale), Scale, "null or a finite value > 0");
        TrainingOptionChecks.Require(FitEpochs >= 1, nameof(FitEpochs), FitEpochs, "at least 1");
        TrainingOptionChecks.Require(FitBatchSize >= 1, nameof(FitBatchSize), FitBatchSize, "at least 1");
        TrainingOptionChecks.Require(FitLearningRate > 0 && double.IsFinite(FitLearningRate), nameof(FitLearningRate), FitLearningRate, "a finite value > 0");
        TrainingOptionChecks.Require(FitMomentum is >= 0 and < 1, nameof(FitMomentum), FitMomentum, "in [0, 1)");
        TrainingOptionChecks.Require(FitDampening is >= 0 and <= 1, nameof(FitDampening), FitDampening, "in [0, 1]");
        TrainingOptionChecks.Require(FitWeightDecay >= 0 && double.IsFinite(FitWeightDecay), nameof(FitWeightDecay), FitWeightDecay, "a finite value ≥ 0");
        TrainingOptionChecks.Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
        TrainingOptionChecks.Require(EpisodesPerBatch >= 1, nameof(EpisodesPerBatch), EpisodesPerBatch, "at least 1");
    }
}
