using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// Labels of a Mixup/CutMix batch: sample <c>b</c> is <c>λ_b</c> of class <c>First[b]</c> and
/// <c>1 − λ_b</c> of class <c>Second[b]</c>. The soft target is <c>λ·onehot(First) + (1 − λ)·onehot(Second)</c>.
/// </summary>
/// <remarks>The tensors stay owned by the caller.</remarks>
public sealed class MixedLabels
{
    private readonly Tensor? _lambdaPerSample;
    private readonly double _lambda;

    /// <summary>Mixed labels with one <c>λ</c> per sample.</summary>
    /// <param name="first">Class of the first image, int64 <c>[B]</c>.</param>
    /// <param name="second">Class of the second image, int64 <c>[B]</c>.</param>
    /// <param name="lambda">Weight of <paramref name="first"/> per sample, floating point <c>[B]</c>, in [0, 1].</param>
    public MixedLabels(Tensor first, Tensor second, Tensor lambda)
        : this(first, second)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        var shape = lambda.shape;
        if (shape.Length != 1 || shape[0] != first.shape[0])
        {
            throw new ArgumentException($"lambda must be [B] with B = {first.shape[0]}; got {LossChecks.Describe(shape)}.", nameof(lambda));
        }

        if (!lambda.is_floating_point())
        {
            throw new ArgumentException($"lambda must be floating point; got {lambda.dtype}.", nameof(lambda));
        }

        _lambdaPerSample = lambda;
    }

    /// <summary>Mixed labels with one <c>λ</c> for the whole batch (as CutMix and Mixup usually draw it).</summary>
    /// <param name="first">Class of the first image, int64 <c>[B]</c>.</param>
    /// <param name="second">Class of the second image, int64 <c>[B]</c>.</param>
    /// <param name="lambda">Weight of <paramref name="first"/>, in [0, 1].</param>
    public MixedLabels(Tensor first, Tensor second, double lambda)
        : this(first, second)
    {
        LossChecks.UnitInterval(lambda, nameof(lambda));

        _lambda = lambda;
    }

    private MixedLabels(Tensor first, Tensor second)
    {
        ArgumentNullException.ThrowIfNull(first);
        var batch = first.shape.Length == 1 ? first.shape[0] : -1;
        LossChecks.Labels(first, batch, nameof(first), nameof(first));
        LossChecks.Labels(second, batch, nameof(second), nameof(first));
        First = first;
        Second = second;
    }

    /// <summary>Class of the first image, int64 <c>[B]</c>.</summary>
    public Tensor First { get; }

    /// <summary>Class of the second image, int64 <c>[B]</c>.</summary>
    public Tensor Second { get; }

    /// <summary>Batch size.</summary>
    public long BatchSize => First.shape[0];

    /// <summary><c>λ</c> as a <c>[B]</c> tensor of <paramref name="dtype"/> on <paramref name="device"/> (a new tensor).</summary>
    internal Tensor Lambda(ScalarType dtype, Device device) =>
        _lambdaPerSample is { } perSample
            ? perSample.to(dtype, device)
            : torch.full([BatchSize], _lambda, dtype: dtype, device: device);

    /// <summary>Soft targets <c>λ·onehot(First) + (1 − λ)·onehot(Second)</c>, <c>[B, C]</c>.</summary>
    internal Tensor SoftTargets(Tensor lambda, long classes, ScalarType dtype)
    {
        var weight = lambda.unsqueeze(1);
        var first = nn.functional.one_hot(First, classes).to(dtype);
        var second = nn.functional.one_hot(Second, classes).to(dtype);
        return (first * weight) + (second * (1 - weight));
    }

    /// <summary>Both classes per sample, <c>[B, 2]</c>.</summary>
    internal Tensor Pairs() => torch.stack([First, Second], 1);
}
