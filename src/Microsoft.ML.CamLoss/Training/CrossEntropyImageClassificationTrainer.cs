using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// The baseline: <c>L = L_ce</c> (soft targets under Mixup/CutMix). Same network, data and
/// schedule as the other trainers, so comparisons isolate the loss.
/// </summary>
public sealed class CrossEntropyImageClassificationTrainer : ImageClassificationTrainer
{
    internal CrossEntropyImageClassificationTrainer(Options options, int? contextSeed, ILogger? logger)
        : base(options, contextSeed, logger)
    {
    }

    /// <inheritdoc />
    public override string Name => "CrossEntropy";

    internal override ITrainingObjective CreateObjective(Device device, int numClasses) => new CrossEntropyObjective();

    /// <summary>Options of <see cref="CrossEntropyImageClassificationTrainer"/>: the shared ones.</summary>
    public sealed class Options : ImageClassificationTrainerOptions
    {
    }
}
