using System.Globalization;
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
    public Architecture Architecture { get; init; } = Architecture.ResNet8;

    public int Epochs { get; init; } = 4;

    public int TrainImages { get; init; } = 60_000;

    public int GalleryImages { get; init; } = 8;

    /// <summary>libtorch threads; default null: one per core (on a busy machine, 1 can be faster).</summary>
    public int? Threads { get; init; }

    public string OutputDirectory { get; init; } = Path.Combine("artifacts", "quickstart");

    public static QuickStartSettings Parse(string[] args)
    {
        var settings = new QuickStartSettings();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i++] switch
            {
                "--arch" => settings with { Architecture = Enum.Parse<Architecture>(value, ignoreCase: true) },
                "--epochs" => settings with { Epochs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--train-images" => settings with { TrainImages = int.Parse(value, CultureInfo.InvariantCulture) },
                "--images" => settings with { GalleryImages = int.Parse(value, CultureInfo.InvariantCulture) },
                "--output" => settings with { OutputDirectory = value },
                "--threads" => settings with { Threads = int.Parse(value, CultureInfo.InvariantCulture) },
                var unknown => throw new ArgumentException($"Unknown option {unknown}. Options: --arch, --epochs, --train-images, --images, --output, --threads."),
            };
        }

        return settings;
    }

    public override string ToString() =>
        $"{Architecture}, the first {TrainImages:N0} training images, {Epochs} epochs, batch 128, SGD lr 0.1 cosine, crop 28 pad 2 + flip; CAM-loss α = 3 from the epoch after training accuracy passes 50 % (adaptive start)";
}
