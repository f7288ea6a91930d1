using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// The knowledge-distillation terms of the CAM-loss paper (Sec. 3.3, 4.5). The teacher's inputs are
/// always used without gradients. Where the teacher's map differs in <c>H×W</c> from the student's,
/// it is resized bilinearly (align_corners false) to the student's size before normalising.
/// Maps are normalised per sample by <see cref="ActivationMaps.MinMaxNormalize"/>.
/// </summary>
public static class DistillationTerms
{
    /// <summary>The paper's temperature τ (4).</summary>
    public const double DefaultTemperature = 4;

    /// <summary>
    /// <c>L_kd = τ²·KL(p_T^τ ‖ p_S^τ)</c>, <c>p^τ = softmax(z/τ)</c>, summed over classes and averaged over the batch ("batchmean").
    /// </summary>
    /// <param name="studentLogits">Student logits <c>[B, C]</c>.</param>
    /// <param name="teacherLogits">Teacher logits <c>[B, C]</c> (detached).</param>
    /// <param name="temperature">τ &gt; 0; default 4.</param>
    public static Tensor KnowledgeDistillation(Tensor studentLogits, Tensor teacherLogits, double temperature = DefaultTemperature)
    {
        ArgumentNullException.ThrowIfNull(studentLogits);
        var shape = studentLogits.shape;
        if (shape.Length != 2)
        {
            throw new ArgumentException($"studentLogits must be [B, C]; got {LossChecks.Describe(shape)}.", nameof(studentLogits));
        }

        LossChecks.Logits(teacherLogits, shape[0], shape[1], nameof(teacherLogits), nameof(studentLogits));
        LossChecks.Positive(temperature, nameof(temperature));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var logStudent = nn.functional.log_softmax(studentLogits / temperature, 1);
                var teacher = nn.functional.softmax(teacherLogits.detach() / temperature, 1);

                // "batchmean" as PyTorch computes it: the summed divergence divided by the batch size.
                var divergence = nn.functional.kl_div(logStudent, teacher, log_target: false, reduction: nn.Reduction.Sum) / shape[0];
                return (divergence * (temperature * temperature)).MoveToOuterDisposeScope();
            },
            "Computing the knowledge-distillation term");
    }

    /// <summary>
    /// Attention transfer as the paper simplifies it (Eq. 9): <c>L_at = mean_b (1/HW) Σ_xy d(N(CAM_S,y), N(CAM_T,y))</c>,
    /// default <see cref="MapDistance.L2"/> (squared difference, the paper's experiments).
    /// </summary>
    /// <param name="studentFeatures">Student feature map <c>[B, K_S, H, W]</c>.</param>
    /// <param name="studentWeight">Student classifier weight <c>[C, K_S]</c>.</param>
    /// <param name="teacherFeatures">Teacher feature map <c>[B, K_T, H_T, W_T]</c> (detached; resized to <c>H×W</c> when different).</param>
    /// <param name="teacherWeight">Teacher classifier weight <c>[C, K_T]</c> (detached).</param>
    /// <param name="labels">Ground-truth classes, int64 <c>[B]</c>.</param>
    /// <param name="distance">Default <see cref="MapDistance.L2"/>.</param>
    /// <param name="epsilon">Relative epsilon of the normalisation; default 1e-8.</param>
    /// <param name="detachStudentWeight">
    /// Default true: the student's head learns from the logit terms only and <c>L_at</c> trains the student's
    /// backbone, as Algorithm 1 does for <c>L_cam</c>; false lets <c>L_at</c> reach the student's weight too.
    /// </param>
    public static Tensor AttentionTransfer(
        Tensor studentFeatures,
        Tensor studentWeight,
        Tensor teacherFeatures,
        Tensor teacherWeight,
        Tensor labels,
        MapDistance distance = MapDistance.L2,
        double epsilon = ActivationMaps.DefaultEpsilon,
        bool detachStudentWeight = true)
    {
        var shape = LossChecks.FeatureMap(studentFeatures, nameof(studentFeatures));
        var classes = LossChecks.ClassifierWeight(studentWeight, shape, nameof(studentWeight), nameof(studentFeatures));
        LossChecks.Labels(labels, shape[0], nameof(labels), nameof(studentFeatures));
        LossChecks.SameFloatingType(studentWeight, studentFeatures, nameof(studentWeight), nameof(studentFeatures));
        CheckTeacher(teacherFeatures, teacherWeight, shape, classes);
        LossChecks.NonNegative(epsilon, nameof(epsilon));
        LossChecks.Defined(distance, nameof(distance));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var weight = detachStudentWeight ? studentWeight.detach() : studentWeight;
                var student = ActivationMaps.ClassMaps(studentFeatures, ActivationMaps.ClassRows(weight, labels.unsqueeze(1)));
                return MapMatching(student, teacherFeatures, teacherWeight, labels, shape, distance, epsilon).MoveToOuterDisposeScope();
            },
            "Computing the attention-transfer term");
    }

    /// <summary>
    /// CAAM-CAM matching (Eq. 10): <c>L_ccm = mean_b (1/HW) Σ_xy d(N(CAAM_S), N(CAM_T,y))</c>, default
    /// <see cref="MapDistance.L1"/>: the teacher's CAM of the true class supervises the student's class-agnostic map.
    /// </summary>
    /// <param name="studentFeatures">Student feature map <c>[B, K_S, H, W]</c>.</param>
    /// <param name="teacherFeatures">Teacher feature map <c>[B, K_T, H_T, W_T]</c> (detached; resized to <c>H×W</c> when different).</param>
    /// <param name="teacherWeight">Teacher classifier weight <c>[C, K_T]</c> (detached).</param>
    /// <param name="labels">Ground-truth classes, int64 <c>[B]</c>.</param>
    /// <param name="distance">Default <see cref="MapDistance.L1"/>.</param>
    /// <param name="epsilon">Relative epsilon of the normalisation; default 1e-8.</param>
    public static Tensor CamMatching(
        Tensor studentFeatures,
        Tensor teacherFeatures,
        Tensor teacherWeight,
        Tensor labels,
        MapDistance distance = MapDistance.L1,
        double epsilon = ActivationMaps.DefaultEpsilon)
    {
        var shape = LossChecks.FeatureMap(studentFeatures, nameof(studentFeatures));
        LossChecks.Labels(labels, shape[0], nameof(labels), nameof(studentFeatures));
        CheckTeacher(teacherFeatures, teacherWeight, shape, classes: null);
        LossChecks.NonNegative(epsilon, nameof(epsilon));
        LossChecks.Defined(distance, nameof(distance));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var student = ActivationMaps.AgnosticMap(studentFeatures);
                return MapMatching(student, teacherFeatures, teacherWeight, labels, shape, distance, epsilon).MoveToOuterDisposeScope();
            },
            "Computing the CAAM-CAM matching term");
    }

    /// <summary>Mean distance between the normalised student map <c>[B, 1, HW]</c> and the teacher's normalised, resized CAM of the true class.</summary>
    private static Tensor MapMatching(Tensor studentMap, Tensor teacherFeatures, Tensor teacherWeight, Tensor labels, long[] studentShape, MapDistance distance, double epsilon)
    {
        Tensor teacher;
        using (torch.no_grad())
        {
            var rows = ActivationMaps.ClassRows(teacherWeight.detach(), labels.unsqueeze(1));
            teacher = ActivationMaps.ClassMaps(teacherFeatures.detach(), rows);                   // [B, 1, H_T·W_T]
            var (height, width) = (studentShape[2], studentShape[3]);
            var (teacherHeight, teacherWidth) = (teacherFeatures.shape[2], teacherFeatures.shape[3]);
            if (teacherHeight != height || teacherWidth != width)
            {
                var spatial = teacher.view(studentShape[0], 1, teacherHeight, teacherWidth);
                teacher = nn.functional.interpolate(spatial, [height, width], mode: InterpolationMode.Bilinear, align_corners: false).flatten(2);
            }

            teacher = ActivationMaps.NormalizeLastDim(teacher, epsilon);
        }

        var student = ActivationMaps.NormalizeLastDim(studentMap, epsilon);
        return ActivationMaps.PixelDistance(student, teacher, distance).mean();
    }

    private static void CheckTeacher(Tensor teacherFeatures, Tensor teacherWeight, long[] studentShape, long? classes)
    {
        var teacherShape = LossChecks.FeatureMap(teacherFeatures, nameof(teacherFeatures));
        if (teacherShape[0] != studentShape[0])
        {
            throw new ArgumentException(
                $"teacherFeatures {LossChecks.Describe(teacherShape)} and studentFeatures {LossChecks.Describe(studentShape)} differ in batch size.", nameof(teacherFeatures));
        }

        var teacherClasses = LossChecks.ClassifierWeight(teacherWeight, teacherShape, nameof(teacherWeight), nameof(teacherFeatures));
        LossChecks.SameFloatingType(teacherWeight, teacherFeatures, nameof(teacherWeight), nameof(teacherFeatures));
        if (classes is { } c && teacherClasses != c)
        {
            throw new ArgumentException($"teacherWeight has {teacherClasses} classes but the student's weight has {c}.", nameof(teacherWeight));
        }
    }
}
