using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Onnx;
using Microsoft.ML.CamLoss.Scoring;
using Microsoft.ML.CamLoss.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.CamLoss.MLNet;

/// <summary>
/// An image-classification trainer as an ML.NET estimator (made by <c>mlContext.MulticlassClassification.Trainers.CamLoss</c>,
/// <c>Icasc</c>, <c>Distillation</c>, <c>CrossEntropy</c>). <see cref="Fit"/> reads the image column (<c>MLImage</c> or
/// encoded bytes) and the key label (class names from its key values), brings every image to
/// <see cref="ImageClassificationTrainerOptions.ImageSize"/> with ML.NET's own <c>ResizeImages</c> once, trains on the
/// core's seeded, threaded loader with <see cref="ImageClassificationTrainerOptions.Augmentation"/>, and returns the network
/// as ML.NET transformers (<see cref="ImageClassificationTransformer"/>).
/// </summary>
/// <remarks>
/// Validation during training (per-epoch metrics, early stopping, best weights) scores the same pixels the fitted model
/// scores: ML.NET's decode and resize to <see cref="ImageClassificationTrainerOptions.ImageSize"/>, ÷255, then the
/// augmentation's scoring variant, which may only normalise (inside the ONNX graph for the fitted model). A preprocessing
/// the ONNX graph cannot express stops <see cref="Fit"/> with a <see cref="NotSupportedException"/>, never a model that
/// scores differently.
/// </remarks>
public sealed class ImageClassificationEstimator : IEstimator<ImageClassificationTransformer>
{
    private readonly MLContext _ml = new(seed: 0);

    internal ImageClassificationEstimator(ImageClassificationTrainer trainer) => Trainer = trainer;

    /// <summary>The trainer (its <see cref="ImageClassificationTrainer.TrainerOptions"/> are read when <see cref="Fit"/> starts).</summary>
    public ImageClassificationTrainer Trainer { get; }

    private ImageClassificationTrainerOptions Options => Trainer.TrainerOptions;

    /// <summary>Trains on <paramref name="input"/> (or continues <see cref="ImageClassificationTrainerOptions.ResumeFrom"/>) and returns the fitted model.</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type (the message names the fixing transform), or a label is missing.</exception>
    /// <exception cref="NotSupportedException">The trained model's preprocessing has no form in ML.NET's transforms and the ONNX graph.</exception>
    /// <exception cref="OperationCanceledException">Cancelled by <see cref="ImageClassificationTrainerOptions.CancellationToken"/> (a checkpoint is written when a checkpoint directory is set).</exception>
    public ImageClassificationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = Options;
        var kind = MLNetSchemaChecks.ImageKind(input.Schema, options.ImageColumnName);
        var classNames = MLNetSchemaChecks.ClassNames(input.Schema, options.LabelColumnName);
        var size = options.ImageSize ?? MLNetSchemaChecks.FixedSize(input.Schema, options.ImageColumnName) ?? DefaultSize(options.Architecture);
        var augmentation = options.Augmentation ?? new ImagePipeline().HorizontalFlip();
        CheckSizePreserving(augmentation, size);
        var train = DataViewImages.ToDataset(_ml, input, options.ImageColumnName, options.LabelColumnName, classNames, size, options.Resizing, "training data");
        var savedValidation = options.ValidationSet;
        try
        {
            if (options.ValidationData is { } validationData)
            {
                MLNetSchemaChecks.ImageKind(validationData.Schema, options.ImageColumnName);
                var validationNames = MLNetSchemaChecks.ClassNames(validationData.Schema, options.LabelColumnName);
                if (!validationNames.SequenceEqual(classNames))
                {
                    throw new ArgumentException("The validation data's label has other key values than the training data's; map both with the same fitted MapValueToKey.");
                }

                options.ValidationSet = DataViewImages.ToDataset(_ml, validationData, options.ImageColumnName, options.LabelColumnName, classNames, size, options.Resizing, "validation data");
            }

            using var model = options.ResumeFrom is { } checkpoint
                ? Trainer.Resume(checkpoint, train, augmentation, options.Progress, options.CancellationToken)
                : Trainer.Fit(train, augmentation, options.Progress, options.CancellationToken);
            return ToTransformer(_ml, model, kind, options.ImageColumnName, options.LabelColumnName, size, options.Resizing, options.Maps, options.MapResolution, input);
        }
        finally
        {
            options.ValidationSet = savedValidation;
        }
    }

    /// <summary>The output schema: the input's columns plus <c>Score</c>, <c>PredictedLabel</c> and the requested maps (the fitted chain's, built over a placeholder network).</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var options = Options;
        var kind = MLNetSchemaChecks.Check(inputSchema, options.ImageColumnName, options.LabelColumnName);
        return OutputSchema(_ml, inputSchema, kind, options.ImageColumnName, options.ImageSize, options.Architecture, options.Resizing, options.Maps, options.MapResolution);
    }

    /// <summary>The output schema of the scoring chain (<see cref="MLNetScoringChain"/>) over a placeholder network, for any estimator that ends in it.</summary>
    internal static SchemaShape OutputSchema(
        MLContext ml, SchemaShape inputSchema, ImageColumnKind kind, string imageColumn, (int Height, int Width)? imageSize, Architecture architecture,
        ImageResizingEstimator.ResizingKind resizing, OnnxMaps maps, MapResolution resolution)
    {
        var imageType = inputSchema.FirstOrDefault(c => c.Name == imageColumn).ItemType as ImageDataViewType;
        var size = imageSize ?? (imageType is { Height: > 0, Width: > 0 } fixedSize ? (fixedSize.Height, fixedSize.Width) : DefaultSize(architecture));
        string[] classes = ["class 0", "class 1"];
        using var placeholder = Backbones.Create(Architecture.ResNet8, classes.Length);
        var onnx = OnnxExport.ToBytes(placeholder, classes, new ImagePipeline(), MLNetScoringChain.ExportOptions(size, maps, resolution));
        return MLNetScoringChain.Create(ml, kind, imageColumn, size, resizing, onnx, classes, maps).GetOutputSchema(inputSchema);
    }

    /// <summary>
    /// The fitted transformer of a trained <paramref name="model"/> (also the seam the tests use to compare with the core's scoring)
    /// whose chain resizes images to <paramref name="size"/>. A model that scores the centre of the resized image (resize
    /// to <paramref name="size"/>, then a smaller centre crop: <c>camloss train</c>'s ImageNet preprocessing) gets the crop
    /// inside the graph (<see cref="OnnxExportOptions.CenterCrop"/>). With <paramref name="sourceSize"/> (the size the images
    /// come in, for a model whose preprocessing resizes to <paramref name="size"/> with the library's resize), ML.NET's
    /// <c>ResizeImages</c> brings images to <paramref name="sourceSize"/> (a copy for those already that size) and the graph
    /// resizes them to <paramref name="size"/> as the library does (<see cref="OnnxExportOptions.Resize"/>).
    /// </summary>
    internal static ImageClassificationTransformer ToTransformer(
        MLContext ml, ImageClassificationModel model, ImageColumnKind kind, string imageColumn, string labelColumn, (int Height, int Width) size,
        ImageResizingEstimator.ResizingKind resizing, OnnxMaps maps, MapResolution resolution, IDataView schemaSource, (int Height, int Width)? sourceSize = null)
    {
        var crop = GraphCrop(model.Preprocessing, size);
        CheckExportable(model.Preprocessing, size, crop);
        var exportOptions = MLNetScoringChain.ExportOptions(size, maps, resolution);
        exportOptions.CenterCrop = crop?.Size;
        var chainSize = size;
        var libraryResize = OnnxPreprocessing.Split(model.Preprocessing).Client.Transforms.OfType<ResizeTransform>().LastOrDefault(r => (r.Height, r.Width) == size);
        if (sourceSize is { } source && source != size && libraryResize is not null)
        {
            exportOptions.InputSize = chainSize = source;
            exportOptions.Resize = (size.Height, size.Width, libraryResize.Antialias);
        }

        var onnx = OnnxExport.ToBytes(model, exportOptions);
        var chain = MLNetScoringChain.Create(ml, kind, imageColumn, chainSize, resizing, onnx, model.ClassNames, maps).Fit(schemaSource);
        return new ImageClassificationTransformer(chain, [.. model.ClassNames], labelColumn, onnx, model.History);
    }

    /// <summary>The input size when neither the options nor the image column fix it: 32 × 32 for the CIFAR-style networks, else 224 × 224.</summary>
    internal static (int Height, int Width) DefaultSize(Architecture architecture) => architecture switch
    {
        Architecture.ResNet8 or Architecture.ResNet20 or Architecture.ResNet32 or Architecture.ResNet44 or Architecture.ResNet56 or Architecture.ResNet110
            or Architecture.WideResNet16x2 or Architecture.WideResNet16x4 or Architecture.WideResNet28x2 or Architecture.WideResNet28x4 or Architecture.WideResNet28x10 => (32, 32),
        _ => (224, 224),
    };

    /// <summary>Rejects an augmentation whose scoring variant would change the image's size (ML.NET's <c>ResizeImages</c> does the sizing).</summary>
    private static void CheckSizePreserving(ImagePipeline augmentation, (int Height, int Width) size)
    {
        foreach (var step in augmentation.ForScoring().Transforms)
        {
            var keeps = step switch
            {
                NormalizeTransform or MeanImageNormalizeTransform or ToFloatTransform => true,
                CenterCropTransform crop => (crop.Height, crop.Width) == size,
                ResizeTransform { Height: { } h, Width: { } w } => (h, w) == size,
                _ => false,
            };
            if (!keeps)
            {
                throw new ArgumentException(
                    $"The augmentation's scoring variant has {step.GetType().Name}, which changes the {size.Height}×{size.Width} image; size images with ImageSize (ML.NET's ResizeImages) and keep the augmentation to size-preserving steps (RandomCrop({size.Height}, padding), HorizontalFlip, Cutout, Mixup, CutMix, Normalize).");
            }
        }
    }

    /// <summary>
    /// The centre crop the graph applies: the scoring preprocessing's last resize or crop when it is a centre crop smaller
    /// than <paramref name="size"/> right after a resize to <paramref name="size"/>; else null.
    /// </summary>
    private static (CenterCropTransform Step, (int Height, int Width) Size)? GraphCrop(ImagePipeline preprocessing, (int Height, int Width) size)
    {
        var steps = OnnxPreprocessing.Split(preprocessing).Client.Transforms.Where(t => t is not (ToFloatTransform or GrayscaleToRgbTransform)).ToList();
        return steps is [.., ResizeTransform { Height: { } h, Width: { } w }, CenterCropTransform crop]
            && (h, w) == size && crop.Height <= h && crop.Width <= w && (crop.Height, crop.Width) != size
            ? (crop, (crop.Height, crop.Width))
            : null;
    }

    /// <summary>Refuses a model whose scoring needs a step outside ML.NET's resize, the graph's centre crop (<paramref name="crop"/>) and its normalisation.</summary>
    internal static void CheckExportable(ImagePipeline preprocessing, (int Height, int Width) size, (CenterCropTransform Step, (int Height, int Width) Size)? crop = null)
    {
        var (client, _) = OnnxPreprocessing.Split(preprocessing);
        foreach (var step in client.Transforms)
        {
            var fine = step switch
            {
                ToFloatTransform or GrayscaleToRgbTransform => true,   // ML.NET decodes every image to RGB(A): ExtractPixels gives grey as R = G = B
                CenterCropTransform centre when ReferenceEquals(centre, crop?.Step) => true,
                CenterCropTransform centre => (centre.Height, centre.Width) == size,
                ResizeTransform { Height: { } h, Width: { } w } => (h, w) == size,
                _ => false,
            };
            if (!fine)
            {
                throw new NotSupportedException(
                    $"The trained model scores with {step.GetType().Name}, which the ONNX graph behind the ML.NET model cannot apply (it normalises with per-channel mean and std only); the model would score differently from training. Use a Normalize step instead.");
            }
        }
    }
}
