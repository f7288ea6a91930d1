using Microsoft.ML.CamLoss.Models;

namespace Microsoft.ML.CamLoss.Samples.QuickStart;

/// <summary>
/// The quick-start's knobs, from the command line. The defaults were chosen by timing on a quiet
/// 2-core machine (2 libtorch threads; measured on the first engine, libtorch 1.13 through our own
/// binding, before the move to TorchSharp): ResNet-8 trains at about 2,300 images/s there, ResNet-20
/// at about 1,050, so 4 epochs of all 60,000 images take about 100 s per model, both trainings
/// about 3.5 minutes (the whole <c>build/quickstart.sh</c> must stay under 10 minutes on a fresh
/// 2-core machine). In that time ResNet-8 × 4 epochs beat ResNet-20 × 2 epochs (89.8% vs 89.4%
/// test accuracy with cross-entropy).
/// </summary>
internal sealed record QuickStartSettings
{
    public const string Usage =
        "usage: QuickStart [--arch ResNet8|ResNet20|…] [--epochs N] [--train-images N] [--images N] [--output artifacts/quickstart] [--threads N]";

    private static readonly string[] Options = ["--arch", "--epochs", "--train-images", "--images", "--output", "--threads"];

    public Architecture Architecture { get; init; } = Architecture.ResNet8;

    public int Epochs { get; init; } = 4;

    public int TrainImages { get; init; } = 60_000;

    public int GalleryImages { get; init; } = 8;

    /// <summary>libtorch threads; default null: one per core (on a busy machine, 1 can be faster).</summary>
    public int? Threads { get; init; }

    public string OutputDirectory { get; init; } = Path.Combine("artifacts", "quickstart");

    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static QuickStartSettings Parse(string[] args)
    {
        var given = SampleArguments.Parse(args, Options, []);
        var defaults = new QuickStartSettings();
        return new QuickStartSettings
        {
            Architecture = given.Enum("--arch", defaults.Architecture),
            Epochs = given.Int("--epochs", defaults.Epochs),
            TrainImages = given.Int("--train-images", defaults.TrainImages),
            GalleryImages = given.Int("--images", defaults.GalleryImages),
            OutputDirectory = given.Text("--output", defaults.OutputDirectory),
            Threads = given.OptionalInt("--threads"),
        };
    }

    public override string ToString() =>
        $"{Architecture}, the first {TrainImages:N0} training images, {Epochs} epochs, batch 128, SGD lr 0.1 cosine, crop 28 pad 2 + flip; CAM-loss α = 3 from the epoch after training accuracy passes 50 % (adaptive start)";
}
