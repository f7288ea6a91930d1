using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// Knowledge distillation as the CAM-loss paper combines it (Eq. 12):
/// <c>L = β·L_ce + (1 − β)·L_kd + γ·L_x</c>, <c>x ∈ {at, ccm}</c>, with the terms of <see cref="DistillationTerms"/>.
/// Paper defaults: <c>β = 0.5</c>, <c>τ = 4</c>; <c>γ = 1</c> with l1 for CCM, <c>γ = 10</c> with l2 for AT;
/// KD alone is <c>γ = 0</c>. The teacher (frozen, eval mode) is used without gradients.
/// </summary>
public sealed class DistillationLoss
{
    private readonly Options _options;

    /// <summary>Creates the loss.</summary>
    /// <param name="options">Method and weights; null for CCM with the paper's defaults.</param>
    public DistillationLoss(Options? options = null)
    {
        _options = options ?? new Options();
        LossChecks.Defined(_options.Method, nameof(Options.Method));
        LossChecks.UnitInterval(_options.Beta, nameof(Options.Beta));

        LossChecks.Positive(_options.Temperature, nameof(Options.Temperature));
        LossChecks.NonNegative(_options.Epsilon, nameof(Options.Epsilon));
        Gamma = _options.Gamma ?? _options.Method switch
        {
            DistillationMethod.At => 10,
            DistillationMethod.Ccm => 1,
            _ => 0,
        };
        LossChecks.NonNegative(Gamma, nameof(Options.Gamma));
        Distance = _options.Distance ?? (_options.Method == DistillationMethod.At ? MapDistance.L2 : MapDistance.L1);
        LossChecks.Defined(Distance, nameof(Options.Distance));
    }

    /// <summary>The method in use.</summary>
    public DistillationMethod Method => _options.Method;

    /// <summary><c>γ</c> in use (the option, or the method's default: 1 for CCM, 10 for AT, 0 for KD).</summary>
    public double Gamma { get; }

    /// <summary>The map distance in use (the option, or the method's default: l2 for AT, l1 for CCM).</summary>
    public MapDistance Distance { get; }

    /// <summary>
    /// <c>β·L_ce + (1 − β)·L_kd + γ·L_x</c> for a batch.
    /// </summary>
    /// <param name="student">Student logits; features (AT, CCM) and classifier weight (AT).</param>
    /// <param name="teacher">Teacher logits; features and classifier weight for AT and CCM. Used without gradients.</param>
    /// <param name="labels">Ground-truth classes, int64 <c>[B]</c>.</param>
    /// <returns>Total, cross-entropy, <c>L_kd</c> and (AT, CCM) the transfer term.</returns>
    public DistillationLossResult Compute(ClassifierOutputs student, ClassifierOutputs teacher, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        var shape = student.Logits.shape;
        if (shape.Length != 2)
        {
            throw new ArgumentException($"student.Logits must be [B, C]; got {LossChecks.Describe(shape)}.", nameof(student));
        }

        LossChecks.Labels(labels, shape[0], nameof(labels), "student.Logits");
        LossChecks.Logits(teacher.Logits, shape[0], shape[1], "teacher.Logits", "student.Logits");
        Tensor? studentFeatures = null, studentWeight = null, teacherFeatures = null, teacherWeight = null;
        if (Method != DistillationMethod.Kd)
        {
            teacherFeatures = Require(teacher.Features, "teacher.Features");
            teacherWeight = Require(teacher.ClassifierWeight, "teacher.ClassifierWeight");
            studentFeatures = Require(student.Features, "student.Features");
            studentWeight = Method == DistillationMethod.At ? Require(student.ClassifierWeight, "student.ClassifierWeight") : null;
        }

        using var scope = torch.NewDisposeScope();
        var ce = TorchErrors.Run(() => nn.functional.cross_entropy(student.Logits, labels), "Computing the student's cross-entropy");
        var kd = DistillationTerms.KnowledgeDistillation(student.Logits, teacher.Logits, _options.Temperature);
        var total = (ce * _options.Beta).add(kd, 1 - _options.Beta);
        Tensor? transfer = null;
        if (studentFeatures is not null)
        {
            transfer = studentWeight is not null
                ? DistillationTerms.AttentionTransfer(
                    studentFeatures, studentWeight, teacherFeatures!, teacherWeight!, labels, Distance, _options.Epsilon, _options.DetachStudentWeight)
                : DistillationTerms.CamMatching(studentFeatures, teacherFeatures!, teacherWeight!, labels, Distance, _options.Epsilon);
            total = total.add(transfer, Gamma);
        }

        scope.MoveToOuter(total, ce, kd);
        if (transfer is not null)
        {
            scope.MoveToOuter(transfer);
        }

        return new DistillationLossResult(total, ce, kd, transfer);
    }

    private Tensor Require(Tensor? tensor, string name) =>
        tensor ?? throw new ArgumentException($"{name} is required by {Method} distillation.", name);

    /// <summary>Options of <see cref="DistillationLoss"/>.</summary>
    public sealed class Options
    {
        /// <summary>The transferred knowledge; default <see cref="DistillationMethod.Ccm"/> (the paper's proposal).</summary>
        public DistillationMethod Method = DistillationMethod.Ccm;

        /// <summary>Weight <c>β</c> of <c>L_ce</c> (and <c>1 − β</c> of <c>L_kd</c>), in [0, 1]; default 0.5.</summary>
        public double Beta = 0.5;

        /// <summary>Weight <c>γ</c> of the transfer term; null (default) for the method's: 1 for CCM, 10 for AT, 0 for KD.</summary>
        public double? Gamma;

        /// <summary>Temperature <c>τ</c> of the soft targets; default 4.</summary>
        public double Temperature = DistillationTerms.DefaultTemperature;

        /// <summary>Distance between maps; null (default) for the method's: l2 for AT, l1 for CCM.</summary>
        public MapDistance? Distance;

        /// <summary>AT only: detach the student's classifier weight inside its CAM (default true; see <see cref="DistillationTerms.AttentionTransfer"/>).</summary>
        public bool DetachStudentWeight = true;

        /// <summary>Relative epsilon of the min-max normalisation; default 1e-8.</summary>
        public double Epsilon = ActivationMaps.DefaultEpsilon;
    }
}
