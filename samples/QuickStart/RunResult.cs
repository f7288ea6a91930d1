using Microsoft.ML;
using Microsoft.ML.CamLoss.Explain;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.CamLoss.Samples.QuickStart;

/// <summary>One trained model with its scored test set, test metrics, localisation figures, training time and files.</summary>
internal sealed record RunResult(
    string Name,
    TransformerChain<ImageClassificationTransformer> Model,
    IDataView Scored,
    MulticlassClassificationMetrics Metrics,
    LocalizationSummary Localization,
    TimeSpan TrainingTime,
    RunFiles Files);

/// <summary>What the quick-start writes for one model, all inside its run folder.</summary>
internal sealed record RunFiles(string RunFolder)
{
    public string Model => Path.Combine(RunFolder, "model.zip");

    public string Onnx => Path.Combine(RunFolder, "model.onnx");

    public string Report => Path.Combine(RunFolder, "report.html");
}
