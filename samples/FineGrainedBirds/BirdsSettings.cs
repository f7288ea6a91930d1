using System.Globalization;
using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Samples.FineGrainedBirds;

/// <summary>The sample's command line: a data folder and a few training knobs, with CPU-sized defaults.</summary>
internal sealed record BirdsSettings
{
    public const string Usage =
        "usage: FineGrainedBirds [CUB_200_2011 folder] [--weights imagenet|none|resnet50.pth] [--arch ResNet18|ResNet50|…] [--epochs N] [--image-size S] [--batch B] [--lr LR] [--model artifacts/birds.camloss]";

    /// <summary>The CUB_200_2011 folder; default the project's shared subset, relative to the repository root.</summary>
    public string DataRoot { get; init; } = Path.Combine("..", "shared", "data", "cub200-subset", "CUB_200_2011");

    /// <summary>
    /// Where the network starts: <c>imagenet</c> (default: the ImageNet ResNet-18 that comes with the library, from the NuGet
    /// package Microsoft.ML.DnnImageFeaturizer.ResNet18, offline), <c>none</c> (from scratch), or a torchvision ImageNet checkpoint.
    /// </summary>
    public string Weights { get; init; } = "imagenet";

    /// <summary>Fine-tuning the library's ImageNet weights.</summary>
    public bool FromImageNet => Weights.Equals("imagenet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Training from random initialisation.</summary>
    public bool FromScratch => Weights.Equals("none", StringComparison.OrdinalIgnoreCase);

    /// <summary>The torchvision checkpoint to fine-tune, or null.</summary>
    public string? WeightsPath => FromImageNet || FromScratch ? null : Weights;

    public Architecture Architecture { get; init; }

    public int Epochs { get; init; }

    public int ImageSize { get; init; }

    public int BatchSize { get; init; }

    public double LearningRate { get; init; }

    public string ModelPath { get; init; } = Path.Combine("artifacts", "birds.camloss");

    public static bool TryParse(string[] args, out BirdsSettings settings, out string error)
    {
        settings = new BirdsSettings();
        error = string.Empty;
        var given = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                settings = settings with { DataRoot = args[i] };
            }
            else if (i + 1 < args.Length)
            {
                given[args[i]] = args[++i];
            }
            else
            {
                error = $"error: {args[i]} needs a value. {Usage}";
                return false;
            }
        }

        var weights = given.GetValueOrDefault("--weights", "imagenet");
        var scratch = weights.Equals("none", StringComparison.OrdinalIgnoreCase);
        var imageNet = weights.Equals("imagenet", StringComparison.OrdinalIgnoreCase);
        try
        {
            settings = settings with
            {
                Weights = weights,
                // ImageNet (default): the library's ResNet-18 weights, lr 0.01 (the head too) and batch 16 at 224 px for a few epochs.
                // A torchvision checkpoint: the paper's ResNet-50, lr 0.001 and batch 8 at 224 px (paper: 448) for a few epochs (paper: 90).
                // From scratch: a ResNet-18 at 112 px, lr 0.05, batch 32.
                Architecture = given.TryGetValue("--arch", out var arch) ? Enum.Parse<Architecture>(arch, ignoreCase: true) : imageNet || scratch ? Architecture.ResNet18 : Architecture.ResNet50,
                Epochs = Number("--epochs", imageNet ? 5 : scratch ? 8 : 5),
                ImageSize = Number("--image-size", scratch ? 112 : 224),
                BatchSize = Number("--batch", imageNet ? 16 : scratch ? 32 : 8),
                LearningRate = given.TryGetValue("--lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : imageNet ? 0.01 : scratch ? 0.05 : 0.001,
                ModelPath = given.GetValueOrDefault("--model", settings.ModelPath),
            };
        }
        catch (FormatException e)
        {
            error = $"error: {e.Message} {Usage}";
            return false;
        }
        catch (ArgumentException e)
        {
            error = $"error: {e.Message} {Usage}";
            return false;
        }

        var unknown = given.Keys.Except(["--weights", "--arch", "--epochs", "--image-size", "--batch", "--lr", "--model"]).FirstOrDefault();
        if (unknown is not null)
        {
            error = $"error: unknown option {unknown}. {Usage}";
            return false;
        }

        return true;

        int Number(string name, int fallback) => given.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
    }

    public override string ToString() =>
        (FromScratch ? $"{Architecture} from scratch" : FromImageNet ? $"{Architecture} fine-tuned from the library's ImageNet weights" : $"{Architecture} fine-tuned from {WeightsPath}") +
        $", {ImageSize}×{ImageSize}, {Epochs} epochs, batch {BatchSize}, SGD lr {LearningRate} cosine, CAM-loss α = 3";
}
