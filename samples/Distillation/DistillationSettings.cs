using System.Globalization;

namespace Microsoft.ML.CamLoss.Samples.Distillation;

/// <summary>The sample's command line, with CPU-sized defaults (a few minutes on 2 cores).</summary>
internal sealed record DistillationSettings
{
    /// <summary>The cifar10-jpeg folder (train/ and test/ ImageFolders).</summary>
    public string DataRoot { get; init; } = Path.Combine("..", "shared", "data", "cifar10-jpeg");

    /// <summary>The teacher: the published CIFAR-10 ResNet-56 (legacy torch.save of {'state_dict', 'best_prec1'}, keys prefixed module.).</summary>
    public string TeacherPath { get; init; } = Path.Combine("..", "shared", "data", "pretrained", "cifar10-resnet", "resnet56-4bfd9763.th");

    public int TrainImages { get; init; } = 10_000;

    public int TestImages { get; init; } = 10_000;

    public int Epochs { get; init; } = 5;

    /// <summary>Also train the student with cross-entropy alone, for comparison.</summary>
    public bool Baseline { get; init; }

    public static DistillationSettings Parse(string[] args)
    {
        var settings = new DistillationSettings();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--baseline")
            {
                settings = settings with { Baseline = true };
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i++] switch
            {
                "--data" => settings with { DataRoot = value },
                "--teacher" => settings with { TeacherPath = value },
                "--train-images" => settings with { TrainImages = int.Parse(value, CultureInfo.InvariantCulture) },
                "--test-images" => settings with { TestImages = int.Parse(value, CultureInfo.InvariantCulture) },
                "--epochs" => settings with { Epochs = int.Parse(value, CultureInfo.InvariantCulture) },
                var unknown => throw new ArgumentException($"Unknown option {unknown}. Options: --data, --teacher, --train-images, --test-images, --epochs, --baseline."),
            };
        }

        return settings;
    }
}
