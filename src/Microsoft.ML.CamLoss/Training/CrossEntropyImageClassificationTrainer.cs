using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// The baseline: <c>L = L_ce</c> (soft targets under Mixup/CutMix). Same network, data and
/// schedule as the other trainers, so comparisons isolate the loss.
/// </summary>
public sealed class CrossEntropyImageClassificationTrainer : ImageClassificationTrainer
{
    /// <summary>A trainer with <paramref name="options"/> (read when training starts; <see cref="ImageClassificationTrainerOptions.Seed"/> and <see cref="ImageClassificationTrainerOptions.Logger"/> among them).</summary>
    public CrossEntropyImageClassificationTrainer(Options options)
        : base(options)
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
