using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// One training run of a trainer: sets up data, network, optimiser and schedule, then runs the
/// epochs, reporting progress, validating, checkpointing and stopping early, cleanly on
/// cancellation and before a NaN loss can reach the weights. Every random choice derives from
/// the seed and the (epoch, step) position, which is what makes a resumed run equal an
/// uninterrupted one.
/// </summary>
/// <remarks>
/// The network is created (and moved to its device) before the optimiser, because TorchSharp's
/// <c>Module.to(device)</c> replaces the parameters that the optimiser's groups and state refer to.
/// </remarks>
internal sealed partial class TrainingRun : IDisposable
{
    private readonly ImageClassificationTrainer _trainer;
    private readonly ImageClassificationTrainerOptions _options;
    private readonly ulong _seed;
    private readonly ILogger _logger;
    private readonly ImageDataset _train;
    private readonly ImageDataset? _validation;
    private readonly ImagePipeline _pipeline;
    private readonly ImageLoader _loader;
    private readonly Device _device;
    private readonly Architecture _architecture;
    private readonly Backbone _network;
    private readonly ImageClassificationModel _model;
    private readonly OptimizerHelper _optimizer;
    private readonly Parameter[] _parameters;
    private readonly LearningRateSchedule _schedule;
    private readonly ITrainingObjective _objective;
    private readonly EarlyStopping? _earlyStopping;
    private readonly List<EpochSummary> _history = [];
    private readonly RunLog? _log;
    private readonly RunFolderLock? _folderLock;
    private readonly PrecisionChoice _precision;
    private readonly LossScaler? _scaler;
    private (int Epoch, int Step) _position;
    private bool _networkOwnedByModel;

    public TrainingRun(ImageClassificationTrainer trainer, ImageDataset train, ImagePipeline preprocessing, ulong seed, ILogger logger)
    {
        _trainer = trainer;
        _options = trainer.TrainerOptions;
        _seed = seed;
        _logger = logger;
        TrainingOptionChecks.Validate(_options);
        (_train, _validation) = SplitData(train, _options, seed);
        (var imageNet, _architecture) = StartingWeights.Resolve(_options, trainer.StartsFromImageNetByDefault);
        _pipeline = WithRgbInput(imageNet ? StartingWeights.WithImageNetPreprocessing(preprocessing, logger) : preprocessing, _train);
        trainer.CheckPipeline(_pipeline);
        var inputShape = InputShape(_pipeline, _train);
        ConfigureRuntime(_options);
        _device = ResolveDevice(_options.Device);
        _precision = PrecisionChoice.Resolve(_options.Precision, _device.type, HardwareSupport.Detect(_device.type == DeviceType.CUDA));
        _scaler = _precision.ScalesLoss ? new LossScaler() : null;
        if (_precision.Warning is { } warning)
        {
            _logger.LogWarning("{Warning}", warning);
        }

        ManualSeed(seed);
        _network = Backbones.Create(_architecture, _train.Classes.Count);
        try
        {
            if (_options.CosineClassifierScale is { } cosineScale)
            {
                _network.UseCosineClassifier(cosineScale);
            }

            if (_options.PretrainedWeightsPath is { } weights)
            {
                PretrainedWeightsLoader.Load(_network, weights, _train.Classes.Count, _options.ReplaceClassifier);
            }
            else if (imageNet)
            {
                ImageNetWeights.LoadBackbone(_network);
            }

            _network.to(_device);
            _model = new ImageClassificationModel(
                _network, _architecture, [.. _train.Classes], _pipeline, inputShape, trainer.Name, _history, trainer.OptionsJson());
            _loader = new ImageLoader(_train, _pipeline, new ImageLoaderOptions
            {
                BatchSize = _options.BatchSize,
                Shuffle = true,
                Seed = seed,
                Workers = _options.DataLoaderWorkers,
                DropLast = _train.Count > _options.BatchSize && _train.Count % _options.BatchSize == 1,
                Device = _device,
            });
            (_optimizer, _parameters) = CreateOptimizer(_network, _options);
            var steps = (long)_loader.BatchesPerEpoch * _options.Epochs;
            _schedule = new CosineSchedule(steps, (long)_loader.BatchesPerEpoch * _options.WarmupEpochs, minFactor: _options.LearningRateDecay == LearningRateDecay.Constant ? 1 : 0);
            _objective = trainer.CreateObjective(_device, _train.Classes.Count);
            _earlyStopping = _options.EarlyStopping is { } early ? new EarlyStopping(early) : null;
            if (_options.CheckpointDirectory is { } directory)
            {
                _folderLock = RunFolderLock.Acquire(directory);
                _log = new RunLog(Path.Combine(directory, RunLog.FileName), [.. _train.Classes]);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private int StepsPerEpoch => _loader.BatchesPerEpoch;

    /// <summary>Trains to the end (or early stop) and returns the model; the run no longer owns the network afterwards.</summary>
    public ImageClassificationModel Run(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        _logger.LogInformation(
            "{Trainer} training {Architecture} on {Images} images of {Classes} classes{Validation}: epochs {Start}..{Epochs} of {Steps} steps, batch {Batch}, on {Device} in {Precision}",
            _trainer.Name, _architecture, _train.Count, _train.Classes.Count,
            _validation is null ? string.Empty : $" (validating on {_validation.Count})", _position.Epoch + 1, _options.Epochs, StepsPerEpoch, _options.BatchSize, _device, _precision);
        var session = Stopwatch.StartNew();
        var stepsAtStart = ((long)_position.Epoch * StepsPerEpoch) + _position.Step;
        for (var epoch = _position.Epoch; epoch < _options.Epochs; epoch++)
        {
            var summary = RunEpoch(epoch, progress, session, stepsAtStart, cancellationToken);
            _history.Add(summary);
            _position = (epoch + 1, 0);
            var improved = false;
            if (_earlyStopping is not null && _lastValidation is not null)
            {
                improved = _earlyStopping.Update(epoch, _lastValidation);
            }

            WriteCheckpoint(improved);
            _logger.LogInformation("Epoch {Epoch}/{Epochs}: {Summary}", epoch + 1, _options.Epochs, _lastReport);
            if (_earlyStopping is { ShouldStop: true })
            {
                _logger.LogInformation(
                    "Early stopping after epoch {Epoch}: no {Metric} improvement for {Patience} epochs (best at epoch {Best})",
                    epoch + 1, _options.EarlyStopping!.Metric, _options.EarlyStopping.Patience, _earlyStopping.BestEpoch + 1);
                break;
            }
        }

        if (_earlyStopping is { BestEpoch: >= 0 } && _options.EarlyStopping!.RestoreBestWeights)
        {
            RestoreBestWeights();
        }

        _network.eval();
        _networkOwnedByModel = true;
        return _model;
    }

    public void Dispose()
    {
        _objective?.Dispose();
        _optimizer?.Dispose();
        _log?.Dispose();
        _folderLock?.Dispose();
        DisposeBestWeights();
        if (!_networkOwnedByModel)
        {
            _network?.Dispose();
        }
    }

    private static (ImageDataset Train, ImageDataset? Validation) SplitData(ImageDataset train, ImageClassificationTrainerOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0)
        {
            throw new ArgumentException($"The training data set '{train.Name}' has no images.", nameof(train));
        }

        if (train.Classes.Count < 2)
        {
            throw new ArgumentException($"The training data set '{train.Name}' has {train.Classes.Count} class; a classifier needs at least 2.", nameof(train));
        }

        if (options.ValidationSet is { } validation)
        {
            return (train, validation);
        }

        if (options.ValidationFraction > 0)
        {
            var split = train.SplitTrainValidation(options.ValidationFraction, seed);
            return (split.Train, split.Validation);
        }

        return (train, null);
    }

    /// <summary>
    /// Backbones take RGB: a grey data set (Fashion-MNIST) gets a grey-to-RGB step in front. The
    /// channels are those of the decoded image, before the user's transforms (which may expect RGB,
    /// as <c>NormalizeImageNet</c>'s three means do).
    /// </summary>
    private static ImagePipeline WithRgbInput(ImagePipeline preprocessing, ImageDataset train)
    {
        using var scope = NewDisposeScope();
        var decoded = new ImagePipeline().Apply(train[0].Image, new SeededRandom(0));
        if (decoded.shape[0] != 1 || preprocessing.Transforms.Any(t => t is GrayscaleToRgbTransform))
        {
            return preprocessing;
        }

        var rgb = new ImagePipeline().GrayscaleToRgb();
        foreach (var transform in preprocessing.Transforms)
        {
            rgb = rgb.Append(transform);
        }

        return rgb.WithBatchTransform(preprocessing.BatchTransform);
    }

    private static long[] InputShape(ImagePipeline pipeline, ImageDataset train)
    {
        using var scope = NewDisposeScope();
        return pipeline.ForScoring().Apply(train[0].Image, new SeededRandom(0)).shape;
    }

    /// <summary>
    /// <see cref="ImageClassificationTrainerOptions.Threads"/> → <c>torch.set_num_threads</c>, which is
    /// process-wide and stays set after training (as in PyTorch).
    /// </summary>
    private static void ConfigureRuntime(ImageClassificationTrainerOptions options)
    {
        // Before libtorch is asked for its threads: under a low thread limit its pool waits for them forever.
        var intraOp = options.Threads ?? Environment.ProcessorCount;
        Engine.ThreadHeadroom.Require(intraOp - 1 + options.DataLoaderWorkers, $"{intraOp} intra-op threads (Threads) and {options.DataLoaderWorkers} loader workers (DataLoaderWorkers)");
        if (options.Threads is { } threads)
        {
            set_num_threads(threads);
        }
    }

    /// <summary>Seeds libtorch's CPU generator and, when training on a GPU, every CUDA generator.</summary>
    private void ManualSeed(ulong seed)
    {
        var bits = unchecked((long)seed);
        random.manual_seed(bits).Dispose();
        if (_device.type == DeviceType.CUDA)
        {
            cuda.manual_seed_all(bits);
        }
    }

    private static Device ResolveDevice(TrainingDevice device) => device switch
    {
        TrainingDevice.Cpu => CPU,
        TrainingDevice.Cuda when !cuda.is_available() => throw new TorchDeviceUnavailableException(
            "Device = Cuda was requested but TorchSharp sees no CUDA GPU: this process has the CPU-only backend (TorchSharp-cpu / libtorch-cpu), " +
            "or no NVIDIA GPU and driver are visible. To train on a GPU, reference TorchSharp-cuda-linux or TorchSharp-cuda-windows instead of TorchSharp-cpu " +
            "(on a machine with an NVIDIA driver); otherwise set Device = TrainingDevice.Cpu or TrainingDevice.Auto (camloss: --device cpu)."),
        TrainingDevice.Cuda => CUDA,
        _ => cuda.is_available() ? CUDA : CPU,
    };

    /// <summary>
    /// TorchSharp's SGD (dampening 0) or AdamW (β 0.9/0.999, ε 1e-8) over two parameter groups: the
    /// backbone at <see cref="ImageClassificationTrainerOptions.LearningRate"/> and the classifier head
    /// at that × <see cref="ImageClassificationTrainerOptions.HeadLearningRateMultiplier"/>. Those are
    /// the groups' initial rates, which the schedule scales every step. Also returns every parameter,
    /// for clearing gradients.
    /// </summary>
    private static (OptimizerHelper Optimizer, Parameter[] Parameters) CreateOptimizer(Backbone network, ImageClassificationTrainerOptions options)
    {
        var headPrefix = network.ClassifierName + ".";
        var parameters = network.named_parameters().ToList();
        var backbone = parameters.Where(p => !p.name.StartsWith(headPrefix, StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
        var head = parameters.Where(p => p.name.StartsWith(headPrefix, StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
        var rate = options.LearningRate;
        var headRate = options.LearningRate * options.HeadLearningRateMultiplier;
        var decay = options.WeightDecay;
        OptimizerHelper optimizer = options.Optimizer == OptimizerKind.AdamW
            ? optim.AdamW([new AdamW.ParamGroup(backbone, lr: rate, weight_decay: decay), new AdamW.ParamGroup(head, lr: headRate, weight_decay: decay)], rate, weight_decay: decay)
            : optim.SGD(
                [new SGD.ParamGroup(backbone, lr: rate, momentum: options.Momentum, weight_decay: decay, nesterov: options.Nesterov),
                 new SGD.ParamGroup(head, lr: headRate, momentum: options.Momentum, weight_decay: decay, nesterov: options.Nesterov)],
                rate, momentum: options.Momentum, weight_decay: decay, nesterov: options.Nesterov);
        return (optimizer, [.. backbone, .. head]);
    }
}
