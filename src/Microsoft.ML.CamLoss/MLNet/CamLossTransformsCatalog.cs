using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;

namespace Microsoft.ML;

/// <summary>Scoring a published network in an ML.NET pipeline: <c>mlContext.Transforms.ApplyPyTorchClassifier(...)</c>.</summary>
public static class CamLossTransformsCatalog
{
    /// <summary>
    /// A classifier from a PyTorch checkpoint (or <c>.safetensors</c> / CamLoss weights file) as an ML.NET estimator whose
    /// fitted transformer is the one the trainers return (see <see cref="PyTorchClassifierEstimator"/>): e.g. a distillation
    /// teacher, evaluated with <c>mlContext.MulticlassClassification.Evaluate</c> before it teaches.
    /// </summary>
    /// <param name="catalog">The transforms.</param>
    /// <param name="checkpointPath">The weights, with <paramref name="architecture"/>'s state-dict names (prefix <c>module.</c> allowed).</param>
    /// <param name="architecture">The network the weights belong to.</param>
    /// <param name="classNames">The classes in the network's output order (as many as its outputs).</param>
    /// <param name="imageColumnName">The image column (<c>MLImage</c> or encoded bytes); default <c>Image</c>.</param>
    /// <param name="labelColumnName">The label column checked at <c>Transform</c> when present; default <c>Label</c>.</param>
    /// <param name="imageSize">The network's input size; default null: the column's size after <c>ResizeImages</c>, else 224 × 224 (32 × 32 for the CIFAR networks).</param>
    /// <param name="normalization">The normalisation the network was trained with; default null: <c>NormalizeImageNet</c> (torchvision's mean and std).</param>
    /// <param name="maps">The activation maps to add as columns; default none.</param>
    public static PyTorchClassifierEstimator ApplyPyTorchClassifier(
        this TransformsCatalog catalog, string checkpointPath, Architecture architecture, IReadOnlyList<string> classNames, string imageColumnName = "Image",
        string labelColumnName = "Label", (int Height, int Width)? imageSize = null, ImagePipeline? normalization = null, OnnxMaps maps = OnnxMaps.None)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(checkpointPath, architecture, classNames, imageColumnName, labelColumnName, imageSize, normalization ?? new ImagePipeline().NormalizeImageNet(), maps);
    }
}
