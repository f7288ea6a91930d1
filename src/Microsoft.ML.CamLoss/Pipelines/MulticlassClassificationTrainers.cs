using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>The image-classification trainers (see <c>CamLossContext.MulticlassClassification.Trainers</c>).</summary>
public sealed class MulticlassClassificationTrainers
{
    private readonly CamLossContext _context;

    internal MulticlassClassificationTrainers(CamLossContext context) => _context = context;

    /// <summary>CAM-loss: <c>L = L_ce + α·L_cam</c> (see <see cref="CamLossImageClassificationTrainer"/>).</summary>
    public CamLossImageClassificationTrainer CamLoss(CamLossImageClassificationTrainer.Options? options = null) =>
        new(WithContext(options ?? new()));

    /// <summary>The cross-entropy baseline (see <see cref="CrossEntropyImageClassificationTrainer"/>).</summary>
    public CrossEntropyImageClassificationTrainer CrossEntropy(CrossEntropyImageClassificationTrainer.Options? options = null) =>
        new(WithContext(options ?? new()));

    /// <summary>ICASC: attention separation and consistency (see <see cref="IcascImageClassificationTrainer"/>).</summary>
    public IcascImageClassificationTrainer Icasc(IcascImageClassificationTrainer.Options? options = null) =>
        new(WithContext(options ?? new()));

    /// <summary>Distillation from a teacher by KD, AT or CCM (see <see cref="CcmDistillationTrainer"/>).</summary>
    public CcmDistillationTrainer CcmDistillation(CcmDistillationTrainer.Options options) =>
        new(WithContext(options ?? throw new ArgumentNullException(nameof(options))));

    private T WithContext<T>(T options)
        where T : ImageClassificationTrainerOptions
    {
        options.Seed ??= _context.Seed;
        options.Logger ??= _context.Logger;
        return options;
    }
}
