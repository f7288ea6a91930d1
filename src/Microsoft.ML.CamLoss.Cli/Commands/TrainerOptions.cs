using System.CommandLine;
using Microsoft.ML.CamLoss.Cli.Parsing;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Cli.Commands;

/// <summary>
/// Every option of <see cref="ImageClassificationTrainerOptions"/> except the architecture (which
/// each command names its own way) and the checkpoint directory (the run folder): an option not
/// given keeps the library's default, which the help text quotes from the options class itself.
/// </summary>
internal sealed class TrainerOptions
{
    private static readonly CrossEntropyImageClassificationTrainer.Options Defaults = new();
    private static readonly EarlyStoppingOptions EarlyDefaults = new();

    private readonly Option<string?> _weights = CliOptions.Text(
        "--weights",
        "Starting weights: 'imagenet' (Microsoft's ImageNet ResNet-18 from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, read offline; trained as resnet18cntk, " +
        "with the weights' own preprocessing), 'none' (random initialisation), or a training checkpoint (a run folder's checkpoint.camloss-ckpt) or camloss weights file, a PyTorch checkpoint or .safetensors with the architecture's " +
        "state-dict names (a file named imagenet or none: ./imagenet). Default: imagenet for resnet18 and resnet18cntk (camloss train), otherwise none.",
        "file|imagenet|none");

    private readonly Option<bool> _replaceClassifier = CliOptions.Flag(
        "--replace-classifier", "Start a new classifier head when --weights has a different number of classes (fine-tuning).");

    private readonly Option<int?> _epochs = CliOptions.Value<int>("--epochs", $"Passes over the training data (default {Defaults.Epochs}).", "n");
    private readonly Option<int?> _batchSize = CliOptions.Value<int>("--batch-size", $"Images per step (default {Defaults.BatchSize}).", "n");
    private readonly Option<OptimizerKind?> _optimizer = CliOptions.Enum<OptimizerKind>("--optimizer", "optimizer", $"The optimiser (default {EnumNames.Of(Defaults.Optimizer)}).");
    private readonly Option<double?> _learningRate = CliOptions.Value<double>("--lr", $"Base learning rate (default {Invariant.Format(Defaults.LearningRate)}).", "rate", "--learning-rate");
    private readonly Option<LearningRateDecay?> _decay = CliOptions.Enum<LearningRateDecay>("--lr-decay", "decay", $"Learning-rate decay after the warm-up (default {EnumNames.Of(Defaults.LearningRateDecay)}).");
    private readonly Option<int?> _warmup = CliOptions.Value<int>("--warmup-epochs", $"Epochs of linear learning-rate warm-up (default {Defaults.WarmupEpochs}).", "n");
    private readonly Option<double?> _momentum = CliOptions.Value<double>("--momentum", $"SGD momentum (default {Invariant.Format(Defaults.Momentum)}).", "m");
    private readonly Option<bool> _nesterov = CliOptions.Flag("--nesterov", "Nesterov momentum for SGD.");
    private readonly Option<double?> _weightDecay = CliOptions.Value<double>("--weight-decay", $"Weight decay (default {Invariant.Format(Defaults.WeightDecay)}).", "wd");
    private readonly Option<double?> _headMultiplier = CliOptions.Value<double>(
        "--head-lr-multiplier", $"The classifier head's learning rate is --lr times this (default {Invariant.Format(Defaults.HeadLearningRateMultiplier)}).", "x");

    private readonly Option<double?> _validationFraction = CliOptions.Value<double>(
        "--validation-fraction", "Hold out this fraction of the training images for validation after every epoch (default: the data's val/ folder if it has one, else none).", "f");

    private readonly Option<int?> _patience = CliOptions.Value<int>(
        "--early-stopping", $"Stop when the validation metric has not improved for this many epochs (needs validation data; default: train every epoch; {EarlyDefaults.Patience} is a common choice).", "patience");

    private readonly Option<EarlyStoppingMetric?> _earlyMetric = CliOptions.Enum<EarlyStoppingMetric>(
        "--early-stopping-metric", "metric", $"The metric --early-stopping watches (default {EnumNames.Of(EarlyDefaults.Metric)}).");

    private readonly Option<double?> _earlyDelta = CliOptions.Value<double>(
        "--early-stopping-min-delta", $"The smallest change that counts as an improvement (default {Invariant.Format(EarlyDefaults.MinDelta)}).", "delta");

    private readonly Option<bool> _keepLast = CliOptions.Flag(
        "--keep-last-weights", "With --early-stopping, keep the last epoch's weights rather than the best epoch's.");

    private readonly Option<int?> _seed = CliOptions.Value<int>(
        "--seed", "Seed of initialisation, data order, augmentation and validation split; on the CPU, the same seed and --threads give the same weights (default: a random seed, recorded in the run folder's run.json and reused by --resume).",
        "n");

    private readonly Option<TrainingDevice?> _device = CliOptions.Enum<TrainingDevice>("--device", "device", $"Where to train (default {EnumNames.Of(Defaults.Device)}: the first CUDA GPU if there is one).");
    private readonly Option<TrainingPrecision?> _precision = CliOptions.Enum<TrainingPrecision>(
        "--precision", "precision",
        $"Arithmetic of the training steps (default {EnumNames.Of(Defaults.Precision)}: bf16 mixed precision where the CPU has avx512_bf16/amx_bf16 or the GPU compute capability 8.0+, else fp32; " +
        "fp16 scales the loss). Saved models are fp32 either way.");

    private readonly Option<int?> _threads = CliOptions.Value<int>("--threads", "libtorch threads (default: one per core).", "n");
    private readonly Option<int?> _workers = CliOptions.Value<int>("--workers", "Threads decoding and augmenting images ahead of the step (default: min(cores, 4); 0: on the training thread).", "n");
    private readonly Option<int?> _progressInterval = CliOptions.Value<int>(
        "--progress-interval", $"Steps between progress reports (and training.jsonl lines) within an epoch (default {Defaults.ProgressInterval}).", "n");

    /// <summary>The seed option, which the run folder records.</summary>
    public Option<int?> Seed => _seed;

    /// <summary>The threads option.</summary>
    public Option<int?> Threads => _threads;

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(System.CommandLine.Command command)
    {
        foreach (var option in new Option[]
        {
            _weights, _replaceClassifier, _epochs, _batchSize, _optimizer, _learningRate, _decay, _warmup, _momentum, _nesterov, _weightDecay, _headMultiplier,
            _validationFraction, _patience, _earlyMetric, _earlyDelta, _keepLast, _seed, _device, _precision, _threads, _workers, _progressInterval,
        })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Copies every option given on the command line into <paramref name="options"/>.</summary>
    public void Apply(ParseResult parse, ImageClassificationTrainerOptions options)
    {
        switch (parse.GetValue(_weights))
        {
            case null:
                break;
            case var word when word.Equals("imagenet", StringComparison.OrdinalIgnoreCase):
                options.PretrainedWeights = PretrainedWeights.ImageNet;
                break;
            case var word when word.Equals("none", StringComparison.OrdinalIgnoreCase):
                options.PretrainedWeights = PretrainedWeights.None;
                break;
            case var path:
                options.PretrainedWeightsPath = path;
                break;
        }

        options.ReplaceClassifier |= parse.GetValue(_replaceClassifier);
        options.Epochs = parse.GetValue(_epochs) ?? options.Epochs;
        options.BatchSize = parse.GetValue(_batchSize) ?? options.BatchSize;
        options.Optimizer = parse.GetValue(_optimizer) ?? options.Optimizer;
        options.LearningRate = parse.GetValue(_learningRate) ?? options.LearningRate;
        options.LearningRateDecay = parse.GetValue(_decay) ?? options.LearningRateDecay;
        options.WarmupEpochs = parse.GetValue(_warmup) ?? options.WarmupEpochs;
        options.Momentum = parse.GetValue(_momentum) ?? options.Momentum;
        options.Nesterov |= parse.GetValue(_nesterov);
        options.WeightDecay = parse.GetValue(_weightDecay) ?? options.WeightDecay;
        options.HeadLearningRateMultiplier = parse.GetValue(_headMultiplier) ?? options.HeadLearningRateMultiplier;
        options.ValidationFraction = parse.GetValue(_validationFraction) ?? options.ValidationFraction;
        options.Seed = parse.GetValue(_seed) ?? options.Seed;
        options.Device = parse.GetValue(_device) ?? options.Device;
        options.Precision = parse.GetValue(_precision) ?? options.Precision;
        options.Threads = parse.GetValue(_threads) ?? options.Threads;
        options.DataLoaderWorkers = parse.GetValue(_workers) ?? options.DataLoaderWorkers;
        options.ProgressInterval = parse.GetValue(_progressInterval) ?? options.ProgressInterval;
        if (parse.GetValue(_patience) is { } patience)
        {
            options.EarlyStopping = new EarlyStoppingOptions
            {
                Patience = patience,
                Metric = parse.GetValue(_earlyMetric) ?? EarlyDefaults.Metric,
                MinDelta = parse.GetValue(_earlyDelta) ?? EarlyDefaults.MinDelta,
                RestoreBestWeights = !parse.GetValue(_keepLast),
            };
        }
        else if (parse.GetValue(_earlyMetric) is not null || parse.GetValue(_earlyDelta) is not null || parse.GetValue(_keepLast))
        {
            throw new CliException("--early-stopping-metric, --early-stopping-min-delta and --keep-last-weights need --early-stopping PATIENCE", ExitCodes.Usage);
        }

        CheckRanges(options);
    }

    /// <summary>The library's range checks, their messages in the command line's words: "--epochs must be at least 1; got 0", exit code 2.</summary>
    private static void CheckRanges(ImageClassificationTrainerOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e) when (e.ParamName is { } name && Flags.TryGetValue(name, out var flag))
        {
            var message = ErrorReport.OneLine(e);
            throw new CliException(message.StartsWith(name, StringComparison.Ordinal) ? flag + message[name.Length..].TrimEnd('.') : message, ExitCodes.Usage);
        }
        catch (ArgumentException)
        {
            // A check that needs the data (early stopping without validation data: the data set's val/ folder may supply
            // it) runs again when training starts, when the data is known.
        }
    }

    /// <summary>The option each flag sets, by the option's name in the library.</summary>
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        [nameof(ImageClassificationTrainerOptions.Epochs)] = "--epochs",
        [nameof(ImageClassificationTrainerOptions.BatchSize)] = "--batch-size",
        [nameof(ImageClassificationTrainerOptions.LearningRate)] = "--lr",
        [nameof(ImageClassificationTrainerOptions.WarmupEpochs)] = "--warmup-epochs",
        [nameof(ImageClassificationTrainerOptions.Momentum)] = "--momentum",
        [nameof(ImageClassificationTrainerOptions.Nesterov)] = "--nesterov",
        [nameof(ImageClassificationTrainerOptions.WeightDecay)] = "--weight-decay",
        [nameof(ImageClassificationTrainerOptions.HeadLearningRateMultiplier)] = "--head-lr-multiplier",
        [nameof(ImageClassificationTrainerOptions.ValidationFraction)] = "--validation-fraction",
        [nameof(ImageClassificationTrainerOptions.Threads)] = "--threads",
        [nameof(ImageClassificationTrainerOptions.DataLoaderWorkers)] = "--workers",
        [nameof(ImageClassificationTrainerOptions.ProgressInterval)] = "--progress-interval",
        ["EarlyStopping.Patience"] = "--early-stopping",
        ["EarlyStopping.MinDelta"] = "--early-stopping-min-delta",
    };

    /// <summary>Whether <c>--validation-fraction</c> was given (then a data set's own val/ folder is not used).</summary>
    public bool HasValidationFraction(ParseResult parse) => parse.GetValue(_validationFraction) is not null;
}
