using Microsoft.ML.CamLoss.Pipelines;

namespace Microsoft.ML.CamLoss.Samples.QuickStart;

/// <summary>One trained model with its test metrics and training time.</summary>
internal sealed record RunResult(string Name, ImageClassificationModel Model, MulticlassClassificationMetrics Metrics, TimeSpan TrainingTime);
