using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Trains with ICASC (attention separation and consistency):
/// <c>L = L_ce + L_AS^inner + L_AS^last + L_AC</c>, where <c>L_AS = 2 Σ min(A^y, A^conf)·T / Σ (A^y + A^conf)</c>
/// separates the true class's attention from the most confusing class's under the mask
/// <c>T = sigmoid(ω(Â^y − σ))</c>, and <c>L_AC = θ − Σ A^y_inner·T / Σ A^y_inner</c> keeps the inner
/// layer's attention inside it. One extra gradient pass per step.
/// </summary>
public sealed class IcascImageClassificationTrainer : ImageClassificationTrainer
{
    /// <summary>A trainer with <paramref name="options"/> (read when training starts; <see cref="ImageClassificationTrainerOptions.Seed"/> and <see cref="ImageClassificationTrainerOptions.Logger"/> among them).</summary>
    public IcascImageClassificationTrainer(Options options)
        : base(options)
    {
        TrainingOptionChecks.Require(options.Sigma is >= 0 and <= 1, nameof(options.Sigma), options.Sigma, "in [0, 1]");
        TrainingOptionChecks.Require(options.Omega > 0, nameof(options.Omega), options.Omega, "> 0");
        TrainingOptionChecks.Require(options.Theta is >= 0 and <= 1, nameof(options.Theta), options.Theta, "in [0, 1]");
    }

    /// <inheritdoc />
    public override string Name => "Icasc";

    internal override ITrainingObjective CreateObjective(Device device, int numClasses)
    {
        var options = (Options)TrainerOptions;
        return new IcascObjective(new IcascLoss(new IcascLoss.Options { Attention = options.Attention, Sigma = options.Sigma, Omega = options.Omega, Theta = options.Theta }));
    }

    internal override void CheckPipeline(ImagePipeline pipeline) => RejectBatchMixing(pipeline);

    /// <summary>Options of <see cref="IcascImageClassificationTrainer"/>; defaults from the paper.</summary>
    public sealed class Options : ImageClassificationTrainerOptions
    {
        /// <summary>How attention maps are computed: channel-weighted ReLU gradients (default) or Grad-CAM.</summary>
        public AttentionKind Attention = AttentionKind.ChannelWeighted;

        /// <summary>Mask threshold σ; default 0.55.</summary>
        public double Sigma = IcascLoss.DefaultSigma;

        /// <summary>Mask sharpness ω; default 100.</summary>
        public double Omega = IcascLoss.DefaultOmega;

        /// <summary>Consistency target θ; default 0.8.</summary>
        public double Theta = IcascLoss.DefaultTheta;
    }
}
