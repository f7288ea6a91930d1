namespace Microsoft.ML.CamLoss.Training;

/// <summary>Argument checks on trainer options, run in Release builds too, each naming the option and its allowed range.</summary>
internal static class TrainingOptionChecks
{
    /// <summary>
    /// The most threads per core that <see cref="ImageClassificationTrainerOptions.Threads"/> and
    /// <see cref="ImageClassificationTrainerOptions.DataLoaderWorkers"/> accept: beyond a few per core libtorch's parallel
    /// regions only wait for descheduled threads (1,000 threads made a 0.8 s job take 45 s on 2 cores).
    /// </summary>
    public const int MaxThreadsPerCore = 4;

    public static void Validate(ImageClassificationTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Require(options.Epochs >= 1, nameof(options.Epochs), options.Epochs, "at least 1");
        Require(options.BatchSize >= 1, nameof(options.BatchSize), options.BatchSize, "at least 1");
        Require(options.LearningRate >= 0 && double.IsFinite(options.LearningRate), nameof(options.LearningRate), options.LearningRate, "a finite value ≥ 0");
        Require(options.WarmupEpochs >= 0 && options.WarmupEpochs < options.Epochs, nameof(options.WarmupEpochs), options.WarmupEpochs, "between 0 and Epochs − 1 (the schedule needs a step after the warm-up)");
        Require(options.Momentum is >= 0 and < 1, nameof(options.Momentum), options.Momentum, "in [0, 1)");
        Require(!options.Nesterov || options.Momentum > 0, nameof(options.Nesterov), options.Nesterov, "false unless Momentum > 0");
        Require(options.WeightDecay >= 0, nameof(options.WeightDecay), options.WeightDecay, "≥ 0");
        Require(options.HeadLearningRateMultiplier >= 0, nameof(options.HeadLearningRateMultiplier), options.HeadLearningRateMultiplier, "≥ 0");
        Require(options.ValidationFraction is >= 0 and < 1, nameof(options.ValidationFraction), options.ValidationFraction, "in [0, 1)");
        var maxThreads = MaxThreadsPerCore * Environment.ProcessorCount;
        var perCore = $"{MaxThreadsPerCore} per core, {maxThreads} on this machine's {Environment.ProcessorCount} cores: more only slow training down";
        Require(options.Threads is null or >= 1, nameof(options.Threads), options.Threads, "null or at least 1");
        Require(options.Threads is null || options.Threads <= maxThreads, nameof(options.Threads), options.Threads, $"at most {perCore}");
        Require(options.DataLoaderWorkers >= 0, nameof(options.DataLoaderWorkers), options.DataLoaderWorkers, "≥ 0");
        Require(options.DataLoaderWorkers <= maxThreads, nameof(options.DataLoaderWorkers), options.DataLoaderWorkers, $"at most {perCore}");
        Require(Enum.IsDefined(options.Precision), nameof(options.Precision), options.Precision, "Auto, Fp32, Bf16 or Fp16");
        Require(options.ProgressInterval >= 1, nameof(options.ProgressInterval), options.ProgressInterval, "at least 1");
        Require(options.CosineClassifierScale is null or (> 0 and < double.PositiveInfinity), nameof(options.CosineClassifierScale), options.CosineClassifierScale, "null or a finite value > 0");
        if (options.EarlyStopping is { } early)
        {
            Require(early.Patience >= 1, "EarlyStopping.Patience", early.Patience, "at least 1");
            Require(early.MinDelta >= 0, "EarlyStopping.MinDelta", early.MinDelta, "≥ 0");
            if (options.ValidationSet is null && options.ValidationFraction == 0)
            {
                throw new ArgumentException("EarlyStopping needs validation data: set ValidationSet or ValidationFraction (e.g. 0.1).", nameof(options));
            }
        }
    }

    public static void Require(bool condition, string option, object? value, string allowed)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(option, value, $"{option} must be {allowed}; got {value}.");
        }
    }
}
