namespace Microsoft.ML.CamLoss.Samples.Distillation;

/// <summary>The sample's command line, with CPU-sized defaults (a few minutes on 2 cores).</summary>
internal sealed record DistillationSettings
{
    public const string Usage =
        "usage: Distillation [--data cifar10-jpeg] [--teacher resnet56-4bfd9763.th] [--train-images N] [--test-images N] [--epochs N] [--threads N] [--model artifacts/student.zip] [--baseline] [--train-teacher N]";

    private static readonly string[] Options = ["--data", "--teacher", "--train-images", "--test-images", "--epochs", "--threads", "--model", "--train-teacher"];

    /// <summary>The cifar10-jpeg folder (train/ and test/ image folders).</summary>
    public string DataRoot { get; init; } = Path.Combine("..", "shared", "data", "cifar10-jpeg");

    /// <summary>The teacher: the published CIFAR-10 ResNet-56 (legacy torch.save of {'state_dict', 'best_prec1'}, keys prefixed module.).</summary>
    public string TeacherPath { get; init; } = Path.Combine("..", "shared", "data", "pretrained", "cifar10-resnet", "resnet56-4bfd9763.th");

    public int TrainImages { get; init; } = 10_000;

    public int TestImages { get; init; } = 10_000;

    public int Epochs { get; init; } = 5;

    /// <summary>libtorch's intra-op threads; default libtorch's choice.</summary>
    public int? Threads { get; init; }

    public string ModelPath { get; init; } = Path.Combine("artifacts", "student.zip");

    /// <summary>Train the teacher here through ML.NET for this many epochs (and distil from its checkpoint) instead of reading <see cref="TeacherPath"/>; default null.</summary>
    public int? TeacherEpochs { get; init; }

    /// <summary>Also train the student with cross-entropy alone, for comparison.</summary>
    public bool Baseline { get; init; }

    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static DistillationSettings Parse(string[] args)
    {
        var given = SampleArguments.Parse(args, Options, ["--baseline"]);
        var defaults = new DistillationSettings();
        return new DistillationSettings
        {
            DataRoot = given.Text("--data", defaults.DataRoot),
            TeacherPath = given.Text("--teacher", defaults.TeacherPath),
            TrainImages = given.Int("--train-images", defaults.TrainImages, minimum: 10),
            TestImages = given.Int("--test-images", defaults.TestImages, minimum: 10),
            Epochs = given.Int("--epochs", defaults.Epochs),
            Threads = given.OptionalInt("--threads"),
            ModelPath = given.Text("--model", defaults.ModelPath),
            Baseline = given.Has("--baseline"),
            TeacherEpochs = given.OptionalInt("--train-teacher"),
        };
    }
}
