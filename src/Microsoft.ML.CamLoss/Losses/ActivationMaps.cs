using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// Class activation maps (CAM-loss paper, Sec. 3.1) of a feature map <c>F [B, K, H, W]</c> (the
/// last convolutional stage, after its ReLU) and a linear classifier <c>W [C, K]</c>:
/// <list type="bullet">
/// <item><c>CAM_c(x, y) = Σ_k W[c, k] · F_k(x, y)</c> — no bias, no ReLU (so <c>z_c = mean_xy CAM_c + b_c</c>);</item>
/// <item><c>CAAM(x, y) = Σ_k F_k(x, y)</c> — the class-agnostic map;</item>
/// <item><c>N(M) = (M − min M) / (max M − min M + ε·(|max M| + |min M|) + δ)</c> — min-max normalisation
/// per sample over its <c>H×W</c> map, ε = <see cref="DefaultEpsilon"/> (relative), δ = <see cref="AbsoluteEpsilon"/>.</item>
/// </list>
/// </summary>
/// <remarks>
/// The epsilon is relative to the map's magnitude so that <c>N</c> is exactly invariant to a positive
/// scaling of the map, and the tiny absolute δ keeps the all-zero map finite: a constant map
/// gives 0 everywhere, never NaN. Gradients flow through the minimum and the maximum (amin/amax,
/// which share the gradient among ties).
/// </remarks>
public static class ActivationMaps
{
    /// <summary>Default relative epsilon ε of <see cref="MinMaxNormalize"/>: 1e-8.</summary>
    public const double DefaultEpsilon = 1e-8;

    /// <summary>Absolute term δ = 1e-12 added to every normalisation denominator, so that a map of zeros normalises to 0.</summary>
    public const double AbsoluteEpsilon = 1e-12;

    /// <summary>
    /// <c>CAM_c = Σ_k W[c, k] F_k</c> for each sample's class <c>c = classes[b]</c>: one batched
    /// <c>[B, 1, K]·[B, K, HW]</c> product over the gathered rows of <paramref name="classifierWeight"/>.
    /// Gradients reach both inputs; detach the weight yourself where it must not learn (as CAM-loss does).
    /// </summary>
    /// <param name="features">Feature map <c>[B, K, H, W]</c>.</param>
    /// <param name="classifierWeight">Classifier weight <c>[C, K]</c>.</param>
    /// <param name="classes">Class per sample, int64 <c>[B]</c>.</param>
    /// <returns>The maps, <c>[B, H, W]</c>.</returns>
    public static Tensor Cam(Tensor features, Tensor classifierWeight, Tensor classes)
    {
        var shape = LossChecks.FeatureMap(features, nameof(features));
        LossChecks.ClassifierWeight(classifierWeight, shape, nameof(classifierWeight), nameof(features));
        LossChecks.SameFloatingType(classifierWeight, features, nameof(classifierWeight), nameof(features));
        LossChecks.Labels(classes, shape[0], nameof(classes), nameof(features));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var maps = ClassMaps(features, ClassRows(classifierWeight, classes.unsqueeze(1)));
                return maps.view(shape[0], shape[2], shape[3]).MoveToOuterDisposeScope();
            },
            "Computing class activation maps");
    }

    /// <summary><c>CAAM = Σ_k F_k</c>, the channel sum of <paramref name="features"/> <c>[B, K, H, W]</c>; returns <c>[B, H, W]</c>.</summary>
    public static Tensor Caam(Tensor features)
    {
        LossChecks.FeatureMap(features, nameof(features));
        return TorchErrors.Run(() => features.sum(1), "Computing the class-agnostic activation map");
    }

    /// <summary>
    /// Min-max normalisation of every map over its last two dimensions <c>(H, W)</c>:
    /// <c>N(M) = (M − min M) / (max M − min M + ε·(|max M| + |min M|) + δ)</c>, δ = <see cref="AbsoluteEpsilon"/>.
    /// A constant map gives 0.
    /// </summary>
    /// <param name="maps">Maps <c>[…, H, W]</c> (at least two dimensions).</param>
    /// <param name="epsilon">Relative epsilon ε; default <see cref="DefaultEpsilon"/> (1e-8).</param>
    /// <returns>The normalised maps, same shape, values in [0, 1).</returns>
    public static Tensor MinMaxNormalize(Tensor maps, double epsilon = DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(maps);
        LossChecks.NonNegative(epsilon, nameof(epsilon));
        var shape = maps.shape;
        if (shape.Length < 2)
        {
            throw new ArgumentException($"maps must be [..., H, W]; got {LossChecks.Describe(shape)}.", nameof(maps));
        }

        if (!maps.is_floating_point())
        {
            throw new ArgumentException($"maps must be floating point; got {maps.dtype}.", nameof(maps));
        }

        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                return NormalizeLastDim(maps.flatten(-2), epsilon).view(shape).MoveToOuterDisposeScope();
            },
            "Normalising maps");
    }

    /// <summary>Min-max normalisation over the last dimension (flattened maps <c>[…, HW]</c>).</summary>
    internal static Tensor NormalizeLastDim(Tensor flatMaps, double epsilon)
    {
        var min = flatMaps.amin([-1], keepdim: true);
        var max = flatMaps.amax([-1], keepdim: true);
        var range = max - min;
        var denominator = epsilon == 0
            ? range + AbsoluteEpsilon
            : range.add(max.abs() + min.abs(), epsilon) + AbsoluteEpsilon;
        return (flatMaps - min) / denominator;
    }

    /// <summary>The rows <c>W[classes[b, j]]</c> as <c>[B, J, K]</c>, for class indices <c>[B, J]</c>.</summary>
    internal static Tensor ClassRows(Tensor classifierWeight, Tensor classes)
    {
        var rows = classifierWeight.index_select(0, classes.flatten());
        return rows.view(classes.shape[0], classes.shape[1], classifierWeight.shape[1]);
    }

    /// <summary>
    /// Class maps <c>[B, J, HW]</c> from rows <c>[B, J, K]</c> and features <c>[B, K, H, W]</c>: one batched
    /// product (<c>bmm</c>), after checking that the shapes and dtypes fit, since a mismatched matrix
    /// product can abort the process instead of throwing.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes or dtypes do not fit (a bug in the caller's checks).</exception>
    internal static Tensor ClassMaps(Tensor features, Tensor rows)
    {
        var (f, r) = (features.shape, rows.shape);
        if (f.Length != 4 || r.Length != 3 || r[0] != f[0] || r[2] != f[1] || rows.dtype != features.dtype)
        {
            throw new ArgumentException(
                $"Class rows {LossChecks.Describe(r)} ({rows.dtype}) do not fit features {LossChecks.Describe(f)} ({features.dtype}): need [B, J, K] and [B, K, H, W] of one dtype.");
        }

        return torch.bmm(rows, features.flatten(2));
    }

    /// <summary>Channel sum of features <c>[B, K, H, W]</c> as <c>[B, 1, HW]</c>.</summary>
    internal static Tensor AgnosticMap(Tensor features) => features.flatten(2).sum(1, keepdim: true);

    /// <summary>Per-sample, per-map distance <c>(1/HW) Σ d(a, b)</c> of flattened normalised maps (broadcasting), reduced over the last dimension.</summary>
    internal static Tensor PixelDistance(Tensor a, Tensor b, MapDistance distance)
    {
        var difference = a - b;
        var pointwise = distance switch
        {
            MapDistance.L1 => difference.abs(),
            MapDistance.L2 => difference.square(),
            _ => throw new ArgumentOutOfRangeException(nameof(distance), distance, "Unknown map distance."),
        };
        return pointwise.mean([-1]);
    }
}
