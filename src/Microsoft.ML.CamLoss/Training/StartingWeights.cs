using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Resolves where a training run's network starts (<see cref="ImageClassificationTrainerOptions.PretrainedWeightsPath"/>,
/// else <see cref="ImageClassificationTrainerOptions.PretrainedWeights"/>) and, from ImageNet, puts the weights'
/// own preprocessing into the pipeline.
/// </summary>
internal static class StartingWeights
{
    /// <summary>
    /// Whether the run starts from <see cref="ImageNetWeights"/>, and the network it builds: the options' architecture, except
    /// that from ImageNet a ResNet-18 is the package's <see cref="Architecture.ResNet18Cntk"/> (torchvision's ResNet-18 has no
    /// ImageNet weights here; the package's network has a third block in layer4).
    /// </summary>
    /// <exception cref="ArgumentException">A weights file and ImageNet/None are both set, or ImageNet is asked for another architecture than ResNet-18.</exception>
    public static (bool ImageNet, Architecture Architecture) Resolve(ImageClassificationTrainerOptions options, bool imageNetByDefault)
    {
        var choice = options.PretrainedWeights;
        var architecture = options.Architecture;
        if (options.PretrainedWeightsPath is { } path)
        {
            return choice == PretrainedWeights.Default
                ? (false, architecture)
                : throw new ArgumentException(
                    $"PretrainedWeightsPath ('{path}') and PretrainedWeights = {choice} both say where to start; set one (PretrainedWeights = Default with a weights file).", nameof(options));
        }

        var resNet18 = architecture is Architecture.ResNet18 or Architecture.ResNet18Cntk;
        return choice switch
        {
            PretrainedWeights.ImageNet when !resNet18 => throw new ArgumentException(
                $"PretrainedWeights = ImageNet has weights for ResNet18 only ({ImageNetWeights.PackageId}); Architecture is {architecture}. " +
                "Use Architecture.ResNet18, name a torchvision checkpoint in PretrainedWeightsPath, or set PretrainedWeights = None.", nameof(options)),
            PretrainedWeights.ImageNet => (true, Architecture.ResNet18Cntk),
            PretrainedWeights.Default when imageNetByDefault && resNet18 => (true, Architecture.ResNet18Cntk),
            _ => (false, architecture),
        };
    }

    /// <summary>
    /// <paramref name="pipeline"/> with the ImageNet weights' preprocessing: in place of its <c>NormalizeImageNet</c>
    /// step, or appended when it does not normalise (unchanged when it already has the weights' step).
    /// </summary>
    /// <exception cref="ArgumentException">The pipeline normalises with other statistics, or more than once.</exception>
    public static ImagePipeline WithImageNetPreprocessing(ImagePipeline pipeline, ILogger logger)
    {
        var preprocessing = ImageNetWeights.ResNet18Preprocessing;
        var transforms = pipeline.Transforms;
        var normalizations = transforms.Where(t => t is NormalizeTransform or MeanImageNormalizeTransform).ToList();
        if (normalizations is [MeanImageNormalizeTransform existing] && existing.SameAs(preprocessing))
        {
            return pipeline;
        }

        if (normalizations.Count > 1 || (normalizations is [var other] && !IsImageNetNormalization(other)))
        {
            throw new ArgumentException(
                $"Starting from the ImageNet weights of {ImageNetWeights.PackageId} (PretrainedWeights = ImageNet, the default for ResNet18), the images need the weights' own preprocessing, " +
                $"which takes the place of NormalizeImageNet; the pipeline ({pipeline}) normalises with {string.Join(" and ", normalizations.Select(Describe))}. " +
                "Normalise with NormalizeImageNet() (or not at all), or set PretrainedWeights = None (camloss: --weights none) to train from random initialisation.",
                nameof(pipeline));
        }

        var result = new ImagePipeline();
        foreach (var transform in transforms)
        {
            result = result.Append(transform is NormalizeTransform ? preprocessing : transform);
        }

        if (normalizations.Count == 0)
        {
            result = result.Append(preprocessing);
        }

        logger.LogInformation(
            "Starting from the ImageNet weights of {Package} {Version}; preprocessing {Step}: RGB pixel values 0–255 minus the package's {Height}×{Width} mean image, divided by 255 × ImageNet's std",
            ImageNetWeights.PackageId, ImageNetWeights.PackageVersion, normalizations.Count == 0 ? "appended" : "NormalizeImageNet replaced by MeanImageNormalize", preprocessing.Height, preprocessing.Width);
        foreach (var convention in ImageNetWeights.Conventions)
        {
            logger.LogDebug("ImageNet weights: {Convention}", convention);
        }

        return result.WithBatchTransform(pipeline.BatchTransform);
    }

    private static bool IsImageNetNormalization(IImageTransform transform) =>
        transform is NormalizeTransform n && n.Mean.SequenceEqual(NormalizeTransform.ImageNet.Mean) && n.Std.SequenceEqual(NormalizeTransform.ImageNet.Std);

    private static string Describe(IImageTransform transform) => transform switch
    {
        NormalizeTransform n => $"mean ({string.Join(", ", n.Mean)}) and std ({string.Join(", ", n.Std)})",
        MeanImageNormalizeTransform m => $"another {m.Height}×{m.Width} mean image",
        _ => transform.GetType().Name,
    };
}
