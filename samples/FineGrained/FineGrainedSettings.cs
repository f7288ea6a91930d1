using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Samples.FineGrained;

/// <summary>Which fine-grained data set the sample reads.</summary>
internal enum FineGrainedDataset
{
    /// <summary>CUB-200-2011 (birds; <c>mlContext.Data.LoadCub200</c>).</summary>
    Cub,

    /// <summary>Stanford Dogs (<c>mlContext.Data.LoadStanfordDogs</c>).</summary>
    Dogs,
}

/// <summary>The sample's command line, with CPU-sized defaults.</summary>
internal sealed record FineGrainedSettings
{
    public const string Usage =
        "usage: FineGrained [--dataset cub|dogs] [--data FOLDER] [--weights imagenet|none|resnet50.pth] [--arch ResNet18|ResNet50|…] [--epochs N] [--image-size S] [--batch B] [--lr LR] [--classes N] [--threads N] [--model artifacts/cub.zip]";

    private static readonly string[] Options = ["--dataset", "--data", "--weights", "--arch", "--epochs", "--image-size", "--batch", "--lr", "--classes", "--threads", "--model"];

    public FineGrainedDataset Dataset { get; init; }

    /// <summary>The CUB_200_2011 folder (default: the project's shared subset, relative to the repository root) or the Stanford Dogs folder (required).</summary>
    public string DataRoot { get; init; } = string.Empty;

    /// <summary><c>imagenet</c> (default: the ImageNet ResNet-18 that comes with the library), <c>none</c> (from scratch), or a torchvision ImageNet checkpoint.</summary>
    public string Weights { get; init; } = "imagenet";

    public bool FromImageNet => Weights.Equals("imagenet", StringComparison.OrdinalIgnoreCase);

    public bool FromScratch => Weights.Equals("none", StringComparison.OrdinalIgnoreCase);

    /// <summary>The torchvision checkpoint to fine-tune, or null.</summary>
    public string? WeightsPath => FromImageNet || FromScratch ? null : Weights;

    public Architecture Architecture { get; init; }

    public int Epochs { get; init; }

    public int ImageSize { get; init; }

    public int BatchSize { get; init; }

    public double LearningRate { get; init; }

    /// <summary>Only the first N classes (a quick run); default all.</summary>
    public int? Classes { get; init; }

    /// <summary>libtorch's intra-op threads; default libtorch's choice.</summary>
    public int? Threads { get; init; }

    public string ModelPath { get; init; } = string.Empty;

    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static FineGrainedSettings Parse(string[] args)
    {
        var given = SampleArguments.Parse(args, Options, []);
        var dataset = given.Enum("--dataset", FineGrainedDataset.Cub);
        var weights = given.Text("--weights", "imagenet");
        var imageNet = weights.Equals("imagenet", StringComparison.OrdinalIgnoreCase);
        var scratch = weights.Equals("none", StringComparison.OrdinalIgnoreCase);
        var defaultRoot = dataset == FineGrainedDataset.Cub ? Path.Combine("..", "shared", "data", "cub200-subset", "CUB_200_2011") : null;
        return new FineGrainedSettings
        {
            Dataset = dataset,
            DataRoot = given.OptionalText("--data") ?? defaultRoot ?? throw new ArgumentException("--data is required for Stanford Dogs: the folder holding Images/ and lists/."),
            Weights = weights,
            // ImageNet (default): the library's ResNet-18, lr 0.01 (the head too), batch 16 at 224 px, a few epochs.
            // A torchvision checkpoint: the paper's ResNet-50, lr 0.001 with a 10× head, batch 8 at 224 px (paper: 448, 90 epochs).
            // From scratch: a ResNet-18 at 112 px, lr 0.05, batch 32.
            Architecture = given.Enum("--arch", imageNet || scratch ? Architecture.ResNet18 : Architecture.ResNet50),
            Epochs = given.Int("--epochs", scratch ? 8 : dataset == FineGrainedDataset.Cub ? 5 : 3),
            ImageSize = given.Int("--image-size", scratch ? 112 : 224, minimum: 32),
            BatchSize = given.Int("--batch", imageNet ? 16 : scratch ? 32 : 8),
            LearningRate = given.Double("--lr", imageNet ? 0.01 : scratch ? 0.05 : 0.001),
            Classes = given.OptionalInt("--classes", minimum: 2),
            Threads = given.OptionalInt("--threads"),
            ModelPath = given.Text("--model", Path.Combine("artifacts", dataset == FineGrainedDataset.Cub ? "cub.zip" : "dogs.zip")),
        };
    }

    public override string ToString() =>
        (FromScratch ? $"{Architecture} from scratch" : FromImageNet ? $"{Architecture} fine-tuned from the library's ImageNet weights" : $"{Architecture} fine-tuned from {WeightsPath}") +
        $", {ImageSize}×{ImageSize}, {Epochs} epochs, batch {BatchSize}, SGD lr {LearningRate} cosine, CAM-loss α = 3" +
        (FromScratch ? $" from epoch {Math.Max(1, Epochs / 4)}" : " once training accuracy passes 50 %");
}
