namespace Microsoft.ML.CamLoss.Samples.Composition;

/// <summary>Which of the library's trainers the pipeline ends with.</summary>
internal enum TrainerChoice
{
    /// <summary><c>Trainers.CamLoss</c>.</summary>
    CamLoss,

    /// <summary><c>Trainers.Icasc</c>.</summary>
    Icasc,

    /// <summary><c>Trainers.CrossEntropy</c> (the baseline).</summary>
    CrossEntropy,
}

/// <summary>The sample's command line, with CPU-sized defaults (a few minutes on 2 cores).</summary>
internal sealed record CompositionSettings
{
    public const string Usage =
        "usage: Composition [--data flowers12/train] [--trainer camloss|icasc|crossentropy] [--images N] [--folds K] [--epochs N] [--image-size S] [--threads N] [--model artifacts/composition.zip]";

    private static readonly string[] Options = ["--data", "--trainer", "--images", "--folds", "--epochs", "--image-size", "--threads", "--model"];

    /// <summary>An image folder (<c>&lt;class&gt;/&lt;image&gt;</c>); default the project's Flowers subset, relative to the repository root.</summary>
    public string DataRoot { get; init; } = Path.Combine("..", "shared", "data", "flowers12", "train");

    public TrainerChoice Trainer { get; init; } = TrainerChoice.CamLoss;

    /// <summary>About this many images, the same share of every class; default all.</summary>
    public int? Images { get; init; }

    /// <summary>Cross-validation folds; default 3.</summary>
    public int Folds { get; init; } = 3;

    public int Epochs { get; init; } = 3;

    public int ImageSize { get; init; } = 128;

    /// <summary>libtorch's intra-op threads; default libtorch's choice.</summary>
    public int? Threads { get; init; }

    public string ModelPath { get; init; } = Path.Combine("artifacts", "composition.zip");

    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static CompositionSettings Parse(string[] args)
    {
        var given = SampleArguments.Parse(args, Options, []);
        var defaults = new CompositionSettings();
        return new CompositionSettings
        {
            DataRoot = given.Text("--data", defaults.DataRoot),
            Trainer = given.Enum("--trainer", defaults.Trainer),
            Images = given.OptionalInt("--images", minimum: 12),
            Folds = given.Int("--folds", defaults.Folds, minimum: 2),
            Epochs = given.Int("--epochs", defaults.Epochs),
            ImageSize = given.Int("--image-size", defaults.ImageSize, minimum: 32),
            Threads = given.OptionalInt("--threads"),
            ModelPath = given.Text("--model", defaults.ModelPath),
        };
    }
}
