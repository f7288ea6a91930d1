using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML.CamLoss.Pipelines;

/// <summary>The image-classification trainers (see <c>CamLossContext.MulticlassClassification.Trainers</c>).</summary>
public sealed class MulticlassClassificationTrainers
{
    private readonly CamLossContext _context;

    internal MulticlassClassificationTrainers(CamLossContext context) => _context = context;

    /// <summary>CAM-loss: <c>L = L_ce + α·L_cam</c> (see <see cref="CamLossImageClassificationTrainer"/>).</summary>
    public CamLossImageClassificationTrainer CamLoss(CamLossImageClassificationTrainer.Options? options = null) =>
        new(options ?? new(), _context.Seed, _context.Logger);

    /// <summary>The cross-entropy baseline (see <see cref="CrossEntropyImageClassificationTrainer"/>).</summary>
    public CrossEntropyImageClassificationTrainer CrossEntropy(CrossEntropyImageClassificationTrainer.Options? options = null) =>
        new(options ?? new(), _context.Seed, _context.Logger);

    /// <summary>ICASC: attention separation and consistency (see <see cref="IcascImageClassificationTrainer"/>).</summary>
    public IcascImageClassificationTrainer Icasc(IcascImageClassificationTrainer.Options? options = null) =>
        new(options ?? new(), _context.Seed, _context.Logger);

    /// <summary>Distillation from a teacher by KD, AT or CCM (see <see cref="CcmDistillationTrainer"/>).</summary>
    public CcmDistillationTrainer CcmDistillation(CcmDistillationTrainer.Options options) =>
        new(options ?? throw new ArgumentNullException(nameof(options)), _context.Seed, _context.Logger);
}
