using Microsoft.Extensions.Logging;
using Microsoft.ML.CamLoss.Data;
using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Trains a student (<see cref="ImageClassificationTrainerOptions.Architecture"/>) from a frozen
/// teacher: <c>L = β·L_ce + (1 − β)·L_kd + γ·L_x</c>, with <c>L_kd = τ²·KL(p_T^τ ‖ p_S^τ)</c>
/// and <c>L_x</c> none (KD), attention transfer between CAMs (AT, l2, γ = 10), or class-agnostic
/// CAM matching (CCM: the student's normalised CAAM toward the teacher's normalised CAM of the
/// true class, l1, γ = 1). The teacher sees the same preprocessed batch as the student.
/// </summary>
public sealed class CcmDistillationTrainer : ImageClassificationTrainer
{
    /// <summary>A trainer with <paramref name="options"/> (read when training starts; <see cref="ImageClassificationTrainerOptions.Seed"/> and <see cref="ImageClassificationTrainerOptions.Logger"/> among them).</summary>
    public CcmDistillationTrainer(Options options)
        : base(options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.TeacherPath, "options.TeacherPath");
        TrainingOptionChecks.Require(options.Temperature > 0, nameof(options.Temperature), options.Temperature, "> 0");
        TrainingOptionChecks.Require(options.Beta is >= 0 and <= 1, nameof(options.Beta), options.Beta, "in [0, 1]");
        TrainingOptionChecks.Require(options.Gamma is null or >= 0, nameof(options.Gamma), options.Gamma, "null or ≥ 0");
    }

    /// <inheritdoc />
    public override string Name => "CcmDistillation";

    internal override ITrainingObjective CreateObjective(Device device, int numClasses)
    {
        var options = (Options)TrainerOptions;
        var teacher = LoadTeacher(options, numClasses);
        try
        {
            teacher.to(device);
            teacher.eval();
            foreach (var parameter in teacher.parameters())
            {
                parameter.requires_grad = false;   // frozen: no gradient reaches the teacher through its CAM
            }

            var loss = new DistillationLoss(new DistillationLoss.Options
            {
                Method = options.Method,
                Temperature = options.Temperature,
                Beta = options.Beta,
                Gamma = options.Gamma,
            });
            return new DistillationObjective(loss, teacher);
        }
        catch
        {
            teacher.Dispose();
            throw;
        }
    }

    /// <summary>False: the teacher reads the student's preprocessed images, so the student keeps the pipeline's normalisation unless ImageNet is asked for.</summary>
    internal override bool StartsFromImageNetByDefault => false;

    internal override void CheckPipeline(ImagePipeline pipeline) => RejectBatchMixing(pipeline);

    private static Backbone LoadTeacher(Options options, int numClasses)
    {
        var path = TrainingRun.CheckpointPath(options.TeacherPath);   // a checkpoint directory: its checkpoint file
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Teacher file '{path}' does not exist.", path);
        }

        if (CheckpointTeacher.IsCamLossArchive(path))
        {
            return CheckpointTeacher.Load(path, numClasses);
        }

        var architecture = options.TeacherArchitecture ?? throw new ArgumentException(
            $"Teacher '{path}' is a PyTorch checkpoint or weights file, which does not say its architecture: set TeacherArchitecture (camloss: --teacher-arch).");
        var teacher = Backbones.Create(architecture, numClasses);
        try
        {
            PretrainedWeightsLoader.Load(teacher, path, numClasses, replaceClassifier: false);
            return teacher;
        }
        catch
        {
            teacher.Dispose();
            throw;
        }
    }

    /// <summary>Options of <see cref="CcmDistillationTrainer"/>; defaults from the paper. <see cref="ImageClassificationTrainerOptions.Architecture"/> is the student's.</summary>
    public sealed class Options : ImageClassificationTrainerOptions
    {
        /// <summary>
        /// The teacher: a training checkpoint (a run's <see cref="ImageClassificationTrainerOptions.CheckpointDirectory"/> or the
        /// checkpoint file in it, e.g. of a teacher fitted through ML.NET; see <see cref="CheckpointTeacher"/>), or a PyTorch
        /// checkpoint / weights file with <see cref="TeacherArchitecture"/>. Required.
        /// </summary>
        public string TeacherPath = string.Empty;

        /// <summary>The teacher's architecture, needed for a PyTorch checkpoint (a training checkpoint records its own).</summary>
        public Architecture? TeacherArchitecture;

        /// <summary>KD, AT or CCM (default).</summary>
        public DistillationMethod Method = DistillationMethod.Ccm;

        /// <summary>Softmax temperature τ of the KD term; default 4.</summary>
        public double Temperature = DistillationTerms.DefaultTemperature;

        /// <summary>Weight β of cross-entropy against 1 − β of KD; default 0.5.</summary>
        public double Beta = 0.5;

        /// <summary>Weight γ of the transfer term; default null: 10 for AT, 1 for CCM.</summary>
        public double? Gamma;
    }
}
