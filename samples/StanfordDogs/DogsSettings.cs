using System.Globalization;
using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Samples.StanfordDogs;

/// <summary>The sample's command line: a data folder and a few training knobs, with CPU-sized defaults.</summary>
internal sealed record DogsSettings
{
    public const string Usage =
        "usage: StanfordDogs <Stanford Dogs folder, holding Images/ and lists/> [--weights resnet50.pth] [--arch ResNet18|ResNet50|…] [--epochs N] [--image-size S] [--batch B] [--lr LR] [--model artifacts/dogs.camloss]";

    /// <summary>The Stanford Dogs folder (holding <c>Images/</c> and <c>lists/</c>); required.</summary>
    public string DataRoot { get; init; } = string.Empty;

    /// <summary>A torchvision ImageNet checkpoint to fine-tune, or null to train from scratch.</summary>
    public string? WeightsPath { get; init; }

    public Architecture Architecture { get; init; }

    public int Epochs { get; init; }

    public int ImageSize { get; init; }

    public int BatchSize { get; init; }

    public double LearningRate { get; init; }

    public string ModelPath { get; init; } = Path.Combine("artifacts", "dogs.camloss");

    public static bool TryParse(string[] args, out DogsSettings settings, out string error)
    {
        settings = new DogsSettings();
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

        if (settings.DataRoot.Length == 0)
        {
            error = $"error: the Stanford Dogs folder is required. {Usage}";
            return false;
        }

        var pretrained = given.TryGetValue("--weights", out var weights);
        try
        {
            settings = settings with
            {
                WeightsPath = weights,
                // Fine-tuning: the paper's ResNet-50, lr 0.001 and batch 16 at 224 px (paper: 448) for a few epochs (paper: 90).
                // From scratch: a ResNet-18 at 112 px, lr 0.05, batch 32.
                Architecture = given.TryGetValue("--arch", out var arch) ? Enum.Parse<Architecture>(arch, ignoreCase: true) : pretrained ? Architecture.ResNet50 : Architecture.ResNet18,
                Epochs = Number("--epochs", pretrained ? 3 : 5),
                ImageSize = Number("--image-size", pretrained ? 224 : 112),
                BatchSize = Number("--batch", pretrained ? 16 : 32),
                LearningRate = given.TryGetValue("--lr", out var lr) ? double.Parse(lr, CultureInfo.InvariantCulture) : pretrained ? 0.001 : 0.05,
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
        (WeightsPath is null ? $"{Architecture} from scratch" : $"{Architecture} fine-tuned from {WeightsPath}") +
        $", {ImageSize}×{ImageSize}, {Epochs} epochs, batch {BatchSize}, SGD lr {LearningRate} cosine, CAM-loss α = 3";
}
