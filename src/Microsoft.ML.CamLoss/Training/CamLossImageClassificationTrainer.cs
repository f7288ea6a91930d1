using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Losses;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Trains with CAM-loss: <c>L = L_ce + α·L_cam</c>, where
/// <c>L_cam = mean_b (1/HW) Σ_xy |N(CAAM_b) − N(CAM_{b,y_b})|</c> pulls each image's
/// class-agnostic activation map (the channel sum of the last feature map) toward the class
/// activation map of its true class (computed with the head weight detached), and
/// <c>α = c</c> from epoch <c>t</c> on (0 before), or from the first epoch after training accuracy
/// exceeds 50% with <see cref="Options.AdaptiveStart"/>.
/// </summary>
public sealed class CamLossImageClassificationTrainer : ImageClassificationTrainer
{
    /// <summary>A trainer with <paramref name="options"/> (read when training starts; <see cref="ImageClassificationTrainerOptions.Seed"/> and <see cref="ImageClassificationTrainerOptions.Logger"/> among them).</summary>
    public CamLossImageClassificationTrainer(Options options)
        : base(options)
    {
        TrainingOptionChecks.Require(options.CamLossWeight >= 0, nameof(options.CamLossWeight), options.CamLossWeight, "≥ 0");
        TrainingOptionChecks.Require(options.CamLossStartEpoch >= 0, nameof(options.CamLossStartEpoch), options.CamLossStartEpoch, "≥ 0");
        TrainingOptionChecks.Require(options.AdaptiveAccuracyThreshold is > 0 and < 1, nameof(options.AdaptiveAccuracyThreshold), options.AdaptiveAccuracyThreshold, "in (0, 1)");
    }

    /// <inheritdoc />
    public override string Name => "CamLoss";

    internal override ITrainingObjective CreateObjective(Device device, int numClasses)
    {
        var options = (Options)TrainerOptions;
        return new CamLossObjective(
            new CamLossFunction(new CamLossFunction.Options { Distance = options.Distance }),
            start => options.AdaptiveStart
                ? new AdaptiveAlphaSchedule(options.CamLossWeight, options.AdaptiveAccuracyThreshold, start)
                : AlphaSchedule.Step(options.CamLossWeight, options.CamLossStartEpoch));
    }

    /// <summary>Options of <see cref="CamLossImageClassificationTrainer"/>; defaults from the paper.</summary>
    public sealed class Options : ImageClassificationTrainerOptions
    {
        /// <summary>CAM-loss weight <c>c</c> (α once it starts); default 3.</summary>
        public double CamLossWeight = AlphaSchedule.DefaultValue;

        /// <summary>First epoch <c>t</c> (0-based) with α = c; default 20 (of the paper's 160). Ignored with <see cref="AdaptiveStart"/>.</summary>
        public int CamLossStartEpoch = AlphaSchedule.DefaultStartEpoch;

        /// <summary>Start α at the first epoch after the training accuracy exceeds <see cref="AdaptiveAccuracyThreshold"/> (the paper's adaptive rule); default false.</summary>
        public bool AdaptiveStart;

        /// <summary>Training accuracy that starts α under <see cref="AdaptiveStart"/>; default 0.5.</summary>
        public double AdaptiveAccuracyThreshold = AlphaSchedule.DefaultAccuracyThreshold;

        /// <summary>Map distance <c>d</c>: l1 (default, the paper's) or squared l2.</summary>
        public MapDistance Distance = MapDistance.L1;
    }
}
