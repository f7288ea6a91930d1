using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Serialization;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.CamLoss.Scoring;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>Model files and prediction engines (see <c>CamLossContext.Model</c>).</summary>
public sealed class ModelOperationsCatalog
{
    internal ModelOperationsCatalog()
    {
    }

    /// <summary>Writes <paramref name="model"/> to one model file (see <see cref="ImageClassificationModel.Save"/>).</summary>
    public void Save(ImageClassificationModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Save(path);
    }

    /// <summary>Loads a model file, checking its format version, checksums, architecture and weights.</summary>
    /// <exception cref="ModelFileException">The file is missing, damaged, from a newer library, or not a model file (the message says which and what to do).</exception>
    public ImageClassificationModel Load(string path) => ModelFile.Load(path);

    /// <summary>
    /// A model from a PyTorch checkpoint (<c>torch.save</c> of a state dict) or weights file whose
    /// architecture you know, with the class names and preprocessing it was trained with.
    /// </summary>
    /// <param name="path">The checkpoint.</param>
    /// <param name="architecture">Its architecture (the state-dict names must match).</param>
    /// <param name="classNames">Its classes, in output order.</param>
    /// <param name="preprocessing">The preprocessing it expects (its scoring variant is used); default: decoding only.</param>
    /// <param name="inputShape">Its input <c>[C, H, W]</c>, informational; default <c>[3, 0, 0]</c> (any size).</param>
    public ImageClassificationModel LoadPyTorchCheckpoint(
        string path, Architecture architecture, IReadOnlyList<string> classNames, ImagePipeline? preprocessing = null, IReadOnlyList<long>? inputShape = null) =>
        ModelFile.LoadPyTorchCheckpoint(path, architecture, classNames, preprocessing ?? new ImagePipeline(), inputShape ?? [3, 0, 0]);

    /// <summary>A thread-safe prediction engine over <paramref name="model"/>.</summary>
    public ImagePredictionEngine CreatePredictionEngine(ImageClassificationModel model, ScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.CreatePredictionEngine(options);
    }
}
