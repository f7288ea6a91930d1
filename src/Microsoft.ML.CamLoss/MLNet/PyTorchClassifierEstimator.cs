using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Engine;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// A trained classifier from a PyTorch checkpoint as an ML.NET estimator (made by
/// <c>mlContext.Transforms.ApplyPyTorchClassifier</c>): <see cref="Fit"/> builds <see cref="Architecture"/> with one
/// output per class name, loads the weights (a <c>torch.save</c> checkpoint, a <c>.safetensors</c> file or a CamLoss weights
/// file, with the architecture's state-dict names; see <see cref="ImageClassificationTrainerOptions.PretrainedWeightsPath"/>),
/// and returns it as the same fitted transformer a trainer returns (<see cref="ImageClassificationTransformer"/>: ML.NET's
/// <c>ResizeImages</c> → pixels ÷ 255 → the network as ONNX with <see cref="Normalization"/> inside → <c>Score</c>,
/// <c>PredictedLabel</c> as a key, the requested maps). Nothing is trained: the data is read for its schema only, so
/// <c>Evaluate</c>, <c>Model.Save</c>/<c>Load</c> and prediction engines work on a published network as on one trained here.
/// </summary>
public sealed class PyTorchClassifierEstimator : IEstimator<ImageClassificationTransformer>
{
    private readonly MLContext _ml = new(seed: 0);

    internal PyTorchClassifierEstimator(
        string checkpointPath, Architecture architecture, IReadOnlyList<string> classNames, string imageColumnName, string labelColumnName,
        (int Height, int Width)? imageSize, ImagePipeline normalization, OnnxMaps maps)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(normalization);
        ArgumentException.ThrowIfNullOrEmpty(imageColumnName);
        ArgumentException.ThrowIfNullOrEmpty(labelColumnName);
        if (classNames.Count < 2 || classNames.Distinct(StringComparer.Ordinal).Count() != classNames.Count)
        {
            throw new ArgumentException($"classNames must be 2 or more distinct names, the checkpoint's classes in its output order; got {classNames.Count} ({ImageClassificationModel.Preview(classNames)}).", nameof(classNames));
        }

        if (imageSize is { } size && (size.Height < 1 || size.Width < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "The image size must be positive.");
        }

        CheckpointPath = checkpointPath;
        Architecture = architecture;
        ClassNames = [.. classNames];
        ImageColumnName = imageColumnName;
        LabelColumnName = labelColumnName;
        ImageSize = imageSize;
        Normalization = normalization;
        Maps = maps;
    }

    /// <summary>The weights file.</summary>
    public string CheckpointPath { get; }

    /// <summary>The network the weights belong to (a checkpoint does not record it).</summary>
    public Architecture Architecture { get; }

    /// <summary>The classes, in the order of the network's outputs.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The image column (<c>MLImage</c> or encoded bytes).</summary>
    public string ImageColumnName { get; }

    /// <summary>The label column whose values the fitted transformer checks at <c>Transform</c> when the data has it.</summary>
    public string LabelColumnName { get; }

    /// <summary>The size the network sees; null: the image column's size after <c>ResizeImages</c>, else 224 × 224 (32 × 32 for the CIFAR networks).</summary>
    public (int Height, int Width)? ImageSize { get; }

    /// <summary>The normalisation the network was trained with (inside the ONNX graph), e.g. <c>NormalizeImageNet</c>; normalisation steps only.</summary>
    public ImagePipeline Normalization { get; }

    /// <summary>The activation maps the fitted model adds (<c>Cam</c>, <c>Caam</c>, <c>Cams</c>).</summary>
    public OnnxMaps Maps { get; }

    /// <summary>Loads the network and returns it as ML.NET's scoring transformers, fitted to <paramref name="input"/>'s schema.</summary>
    /// <exception cref="ArgumentException">The image column is missing or of the wrong type, the weights do not fit the architecture or the number of class names, or <see cref="Normalization"/> has a step other than a normalisation.</exception>
    /// <exception cref="FileNotFoundException">The weights file does not exist.</exception>
    public ImageClassificationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var kind = MLNetSchemaChecks.ImageKind(input.Schema, ImageColumnName);
        var size = ImageSize ?? MLNetSchemaChecks.FixedSize(input.Schema, ImageColumnName) ?? ImageClassificationEstimator.DefaultSize(Architecture);
        if (Normalization.Transforms.FirstOrDefault(t => t is not (NormalizeTransform or MeanImageNormalizeTransform)) is { } other)
        {
            throw new ArgumentException($"Normalization has {other.GetType().Name}; it may only normalise (Normalize, NormalizeImageNet): ML.NET's ResizeImages sizes the images.");
        }

        using var network = TorchErrors.Run(() => Backbones.Create(Architecture, ClassNames.Count), $"creating {Architecture}");
        PretrainedWeightsLoader.Load(
            network, CheckpointPath, ClassNames.Count, replaceClassifier: false,
            advice: $"Give ApplyPyTorchClassifier the checkpoint's own architecture and its class names in output order ({ClassNames.Count} given).");

        var preprocessing = new ImagePipeline().ToFloat();
        foreach (var step in Normalization.Transforms)
        {
            preprocessing = preprocessing.Append(step);
        }

        ImageClassificationEstimator.CheckExportable(preprocessing, size);
        var onnx = OnnxExport.ToBytes(network, ClassNames, preprocessing, MLNetScoringChain.ExportOptions(size, Maps, MapResolution.Feature));
        var chain = MLNetScoringChain.Create(_ml, kind, ImageColumnName, size, ImageResizingEstimator.ResizingKind.IsoCrop, onnx, ClassNames, Maps).Fit(input);
        return new ImageClassificationTransformer(chain, ClassNames, LabelColumnName, onnx, []);
    }

    /// <summary>The output schema: the input's columns plus <c>Score</c>, <c>PredictedLabel</c> and the requested maps.</summary>
    /// <exception cref="ArgumentException">The image column is missing or of the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var kind = MLNetSchemaChecks.CheckImage(inputSchema, ImageColumnName);
        return ImageClassificationEstimator.OutputSchema(_ml, inputSchema, kind, ImageColumnName, ImageSize, Architecture, ImageResizingEstimator.ResizingKind.IsoCrop, Maps, MapResolution.Feature);
    }
}
