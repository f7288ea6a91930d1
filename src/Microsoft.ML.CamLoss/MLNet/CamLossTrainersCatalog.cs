using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.MLNet;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;

namespace Microsoft.ML;

/// <summary>
/// The CAM-loss trainers on ML.NET's catalog: <c>mlContext.MulticlassClassification.Trainers.CamLoss(...)</c>,
/// <c>Icasc</c>, <c>Distillation</c> and <c>CrossEntropy</c>, each with column names and the main knobs, or with the
/// trainer's <c>Options</c>. Each returns an <see cref="ImageClassificationEstimator"/>.
/// </summary>
/// <remarks>
/// ML.NET does not let an extension read the <see cref="MLContext"/>'s seed; a run without
/// <see cref="ImageClassificationTrainerOptions.Seed"/> draws one (as an <c>MLContext</c> without a seed does).
/// </remarks>
public static class CamLossTrainersCatalog
{
    /// <summary>CAM-loss, <c>L = L_ce + α·L_cam</c> (see <see cref="CamLossImageClassificationTrainer"/>).</summary>
    /// <param name="catalog">The multiclass trainers.</param>
    /// <param name="labelColumnName">The key label (class names as key values).</param>
    /// <param name="imageColumnName">The image column (<c>MLImage</c> or bytes).</param>
    /// <param name="architecture">The network; default ResNet-18.</param>
    /// <param name="epochs">Passes over the data; default 30.</param>
    /// <param name="batchSize">Images per step; default 32.</param>
    /// <param name="learningRate">SGD's base rate; default 0.01.</param>
    /// <param name="camLossWeight">α once it starts (<c>c</c>); default 3.</param>
    public static ImageClassificationEstimator CamLoss(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, string labelColumnName = "Label", string imageColumnName = "Image",
        Architecture architecture = Architecture.ResNet18, int epochs = 30, int batchSize = 32, double learningRate = 0.01, double camLossWeight = 3) =>
        catalog.CamLoss(new CamLossImageClassificationTrainer.Options
        {
            LabelColumnName = labelColumnName, ImageColumnName = imageColumnName, Architecture = architecture,
            Epochs = epochs, BatchSize = batchSize, LearningRate = learningRate, CamLossWeight = camLossWeight,
        });

    /// <summary>CAM-loss with every option (see <see cref="CamLossImageClassificationTrainer.Options"/>).</summary>
    public static ImageClassificationEstimator CamLoss(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, CamLossImageClassificationTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(new CamLossImageClassificationTrainer(options ?? throw new ArgumentNullException(nameof(options))));
    }

    /// <summary>ICASC: attention separation and consistency (see <see cref="IcascImageClassificationTrainer"/>).</summary>
    /// <param name="catalog">The multiclass trainers.</param>
    /// <param name="labelColumnName">The key label.</param>
    /// <param name="imageColumnName">The image column.</param>
    /// <param name="architecture">The network; default ResNet-18.</param>
    /// <param name="epochs">Passes over the data; default 30.</param>
    /// <param name="batchSize">Images per step; default 32.</param>
    /// <param name="learningRate">SGD's base rate; default 0.01.</param>
    public static ImageClassificationEstimator Icasc(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, string labelColumnName = "Label", string imageColumnName = "Image",
        Architecture architecture = Architecture.ResNet18, int epochs = 30, int batchSize = 32, double learningRate = 0.01) =>
        catalog.Icasc(new IcascImageClassificationTrainer.Options
        {
            LabelColumnName = labelColumnName, ImageColumnName = imageColumnName, Architecture = architecture, Epochs = epochs, BatchSize = batchSize, LearningRate = learningRate,
        });

    /// <summary>ICASC with every option (see <see cref="IcascImageClassificationTrainer.Options"/>).</summary>
    public static ImageClassificationEstimator Icasc(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, IcascImageClassificationTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(new IcascImageClassificationTrainer(options ?? throw new ArgumentNullException(nameof(options))));
    }

    /// <summary>
    /// Distillation from a frozen teacher by KD, AT or CCM (see <see cref="CcmDistillationTrainer"/>). Named
    /// <c>Distillation</c>, not <c>CcmDistillation</c>: the trainer runs all three methods (<see cref="CcmDistillationTrainer.Options.Method"/>).
    /// </summary>
    /// <param name="catalog">The multiclass trainers.</param>
    /// <param name="teacherPath">The teacher: a training checkpoint (the <c>CheckpointDirectory</c> of a teacher fitted through ML.NET, or its checkpoint file), a CamLoss model file, or a PyTorch checkpoint with <paramref name="teacherArchitecture"/>.</param>
    /// <param name="labelColumnName">The key label.</param>
    /// <param name="imageColumnName">The image column.</param>
    /// <param name="architecture">The student; default ResNet-18.</param>
    /// <param name="teacherArchitecture">The teacher's architecture for a PyTorch checkpoint.</param>
    /// <param name="method">KD, AT or CCM (default).</param>
    /// <param name="epochs">Passes over the data; default 30.</param>
    /// <param name="batchSize">Images per step; default 32.</param>
    /// <param name="learningRate">SGD's base rate; default 0.01.</param>
    public static ImageClassificationEstimator Distillation(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, string teacherPath, string labelColumnName = "Label", string imageColumnName = "Image",
        Architecture architecture = Architecture.ResNet18, Architecture? teacherArchitecture = null, DistillationMethod method = DistillationMethod.Ccm,
        int epochs = 30, int batchSize = 32, double learningRate = 0.01) =>
        catalog.Distillation(new CcmDistillationTrainer.Options
        {
            TeacherPath = teacherPath, TeacherArchitecture = teacherArchitecture, Method = method, LabelColumnName = labelColumnName, ImageColumnName = imageColumnName,
            Architecture = architecture, Epochs = epochs, BatchSize = batchSize, LearningRate = learningRate,
        });

    /// <summary>Distillation with every option (see <see cref="CcmDistillationTrainer.Options"/>).</summary>
    public static ImageClassificationEstimator Distillation(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, CcmDistillationTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(new CcmDistillationTrainer(options ?? throw new ArgumentNullException(nameof(options))));
    }

    /// <summary>The cross-entropy baseline with the same network and loop (see <see cref="CrossEntropyImageClassificationTrainer"/>).</summary>
    /// <param name="catalog">The multiclass trainers.</param>
    /// <param name="labelColumnName">The key label.</param>
    /// <param name="imageColumnName">The image column.</param>
    /// <param name="architecture">The network; default ResNet-18.</param>
    /// <param name="epochs">Passes over the data; default 30.</param>
    /// <param name="batchSize">Images per step; default 32.</param>
    /// <param name="learningRate">SGD's base rate; default 0.01.</param>
    public static ImageClassificationEstimator CrossEntropy(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, string labelColumnName = "Label", string imageColumnName = "Image",
        Architecture architecture = Architecture.ResNet18, int epochs = 30, int batchSize = 32, double learningRate = 0.01) =>
        catalog.CrossEntropy(new CrossEntropyImageClassificationTrainer.Options
        {
            LabelColumnName = labelColumnName, ImageColumnName = imageColumnName, Architecture = architecture, Epochs = epochs, BatchSize = batchSize, LearningRate = learningRate,
        });

    /// <summary>The cross-entropy baseline with every option (see <see cref="CrossEntropyImageClassificationTrainer.Options"/>).</summary>
    public static ImageClassificationEstimator CrossEntropy(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, CrossEntropyImageClassificationTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new(new CrossEntropyImageClassificationTrainer(options ?? throw new ArgumentNullException(nameof(options))));
    }
}
