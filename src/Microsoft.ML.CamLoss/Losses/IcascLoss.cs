using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// ICASC, "Sharpen Focus" (Wang et al., CVPR 2019), as METHOD.md restates it:
/// <c>L = L_ce + L_AS^inner + L_AS^last + L_AC</c>, from the attention maps of <see cref="GradientAttention"/>
/// (channel-weighted by default) at the last stage and at an inner layer (e.g. ResNet <c>layer4</c> and <c>layer3</c>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Confusing class: the non-ground-truth class with the highest probability (<see cref="ConfusingClasses"/>).</item>
/// <item>Mask (<see cref="Mask"/>): <c>T = sigmoid(ω (Â^y − σ))</c>, <c>Â^y = A^y_last / max(max_xy A^y_last, ε)</c>
/// per sample; resized bilinearly (align_corners false) to the inner layer's size where used there.</item>
/// <item>Separation (<see cref="Separation"/>): <c>L_AS = mean_b 2 Σ_xy min(A^y, A^conf)·T / max(Σ_xy (A^y + A^conf), ε)</c>, at both layers.</item>
/// <item>Consistency (<see cref="Consistency"/>): <c>L_AC = θ − mean_b Σ_xy A^y_inner·T / max(Σ_xy A^y_inner, ε)</c>.</item>
/// </list>
/// Defaults: <c>σ = 0.55</c>, <c>ω = 100</c>, <c>θ = 0.8</c>, <c>ε = 1e-8</c>. The denominators are floored at ε
/// (an all-zero attention map gives a mask of ≈0 and ratios of 0, never NaN). Gradients flow through the mask
/// (it is a sigmoid so that it is differentiable) and through the features; the attention's channel weights are constants.
/// </remarks>
public sealed class IcascLoss
{
    /// <summary>Paper's σ (0.55).</summary>
    public const double DefaultSigma = 0.55;

    /// <summary>Paper's ω (100).</summary>
    public const double DefaultOmega = 100;

    /// <summary>Paper's θ (0.8).</summary>
    public const double DefaultTheta = 0.8;

    /// <summary>Floor of ICASC's denominators (1e-8).</summary>
    public const double DefaultEpsilon = 1e-8;

    private readonly Options _options;

    /// <summary>Creates the loss.</summary>
    /// <param name="options">Mask and consistency constants; null for the paper's.</param>
    public IcascLoss(Options? options = null)
    {
        _options = options ?? new Options();
        LossChecks.Finite(_options.Sigma, nameof(Options.Sigma));
        LossChecks.Positive(_options.Omega, nameof(Options.Omega));
        LossChecks.Finite(_options.Theta, nameof(Options.Theta));
        LossChecks.Positive(_options.Epsilon, nameof(Options.Epsilon));
        LossChecks.Defined(_options.Attention, nameof(Options.Attention));
    }

    /// <summary>
    /// ICASC for a batch.
    /// </summary>
    /// <param name="logits">Logits <c>[B, C]</c> computed (with autograd) from both feature maps.</param>
    /// <param name="innerFeatures">Inner-layer features <c>[B, K_i, H_i, W_i]</c> (e.g. the last block of the previous stage).</param>
    /// <param name="lastFeatures">Last-stage features <c>[B, K, H, W]</c>.</param>
    /// <param name="labels">Ground-truth classes, int64 <c>[B]</c>.</param>
    /// <returns>Total, cross-entropy, the two separations and the consistency.</returns>
    public IcascLossResult Compute(Tensor logits, Tensor innerFeatures, Tensor lastFeatures, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        var confusingClasses = ConfusingClasses(logits, labels);                                    // checks logits and labels
        var layers = new[] { innerFeatures, lastFeatures };
        var truth = GradientAttention.Compute(logits, layers, labels, _options.Attention);          // checks the features
        return TorchErrors.Run(
            () =>
            {
                var confusing = GradientAttention.Maps(logits, layers, confusingClasses, _options.Attention);
                var ce = nn.functional.cross_entropy(logits, labels);
                var maskLast = Mask(truth[1], _options.Sigma, _options.Omega, _options.Epsilon);
                var (innerHeight, innerWidth) = (innerFeatures.shape[2], innerFeatures.shape[3]);
                var maskInner = innerHeight == lastFeatures.shape[2] && innerWidth == lastFeatures.shape[3]
                    ? maskLast
                    : nn.functional.interpolate(maskLast.unsqueeze(1), [innerHeight, innerWidth], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
                var separationInner = Separation(truth[0], confusing[0], maskInner, _options.Epsilon);
                var separationLast = Separation(truth[1], confusing[1], maskLast, _options.Epsilon);
                var consistency = Consistency(truth[0], maskInner, _options.Theta, _options.Epsilon);
                var total = ce + separationInner + separationLast + consistency;
                scope.MoveToOuter(total, ce, separationInner, separationLast, consistency);
                return new IcascLossResult(total, ce, separationInner, separationLast, consistency);
            },
            "Computing ICASC");
    }

    /// <summary>
    /// The most confusing class per sample: the non-ground-truth class with the highest probability
    /// (equivalently logit), int64 <c>[B]</c>, without gradients. Ties go to the lowest index.
    /// </summary>
    /// <param name="logits">Logits <c>[B, C]</c>, <c>C ≥ 2</c>.</param>
    /// <param name="labels">Ground-truth classes, int64 <c>[B]</c>.</param>
    public static Tensor ConfusingClasses(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var shape = logits.shape;
        if (shape.Length != 2 || shape[1] < 2)
        {
            throw new ArgumentException($"logits must be [B, C] with C ≥ 2; got {LossChecks.Describe(shape)}.", nameof(logits));
        }

        LossChecks.Labels(labels, shape[0], nameof(labels), nameof(logits));
        if (!logits.is_floating_point())
        {
            throw new ArgumentException($"logits must be floating point; got {logits.dtype}.", nameof(logits));
        }

        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var excluded = torch.full([shape[0], 1], double.NegativeInfinity, dtype: logits.dtype, device: logits.device);
                var masked = logits.detach().scatter(1, labels.unsqueeze(1), excluded);
                return masked.argmax(1).MoveToOuterDisposeScope();
            },
            "Finding the confusing classes");
    }

    /// <summary>
    /// <c>T = sigmoid(ω (Â − σ))</c> with <c>Â = A / max(max_xy A, ε)</c> per sample.
    /// </summary>
    /// <param name="attention">Non-negative attention <c>[B, H, W]</c> (the last layer's, of the ground-truth class).</param>
    /// <param name="sigma">Threshold σ; paper 0.55.</param>
    /// <param name="omega">Sharpness ω; paper 100.</param>
    /// <param name="epsilon">Floor of the per-sample maximum; default 1e-8.</param>
    /// <returns>The mask, <c>[B, H, W]</c>, in (0, 1).</returns>
    public static Tensor Mask(Tensor attention, double sigma = DefaultSigma, double omega = DefaultOmega, double epsilon = DefaultEpsilon)
    {
        LossChecks.Maps(attention, nameof(attention));
        LossChecks.Positive(epsilon, nameof(epsilon));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var peak = attention.amax([1, 2], keepdim: true).clamp_min(epsilon);
                return (((attention / peak) - sigma) * omega).sigmoid().MoveToOuterDisposeScope();
            },
            "Computing the ICASC mask");
    }

    /// <summary>
    /// Attention separation <c>L_AS = mean_b 2 Σ_xy min(A^y, A^conf)·T / max(Σ_xy (A^y + A^conf), ε)</c>.
    /// </summary>
    /// <param name="truth">Attention of the ground-truth class, <c>[B, H, W]</c>.</param>
    /// <param name="confusing">Attention of the confusing class, <c>[B, H, W]</c>.</param>
    /// <param name="mask">Mask <c>T</c> at this layer's size, <c>[B, H, W]</c>.</param>
    /// <param name="epsilon">Floor of the denominator; default 1e-8.</param>
    public static Tensor Separation(Tensor truth, Tensor confusing, Tensor mask, double epsilon = DefaultEpsilon)
    {
        var shape = LossChecks.Maps(truth, nameof(truth));
        LossChecks.SameShape(confusing, shape, nameof(confusing), nameof(truth));
        LossChecks.SameShape(mask, shape, nameof(mask), nameof(truth));
        LossChecks.Positive(epsilon, nameof(epsilon));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var overlap = (truth.minimum(confusing) * mask).sum([1, 2]);
                var mass = (truth + confusing).sum([1, 2]).clamp_min(epsilon);
                return ((overlap / mass).mean() * 2).MoveToOuterDisposeScope();
            },
            "Computing the ICASC separation");
    }

    /// <summary>
    /// Attention consistency <c>L_AC = θ − mean_b Σ_xy A^y_inner·T / max(Σ_xy A^y_inner, ε)</c>.
    /// </summary>
    /// <param name="innerTruth">Inner-layer attention of the ground-truth class, <c>[B, H_i, W_i]</c>.</param>
    /// <param name="mask">Mask <c>T</c> resized to the inner layer, <c>[B, H_i, W_i]</c>.</param>
    /// <param name="theta">θ; paper 0.8.</param>
    /// <param name="epsilon">Floor of the denominator; default 1e-8.</param>
    public static Tensor Consistency(Tensor innerTruth, Tensor mask, double theta = DefaultTheta, double epsilon = DefaultEpsilon)
    {
        var shape = LossChecks.Maps(innerTruth, nameof(innerTruth));
        LossChecks.SameShape(mask, shape, nameof(mask), nameof(innerTruth));
        LossChecks.Positive(epsilon, nameof(epsilon));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var inside = (innerTruth * mask).sum([1, 2]);
                var mass = innerTruth.sum([1, 2]).clamp_min(epsilon);
                return (theta - (inside / mass).mean()).MoveToOuterDisposeScope();
            },
            "Computing the ICASC consistency");
    }

    /// <summary>Options of <see cref="IcascLoss"/>.</summary>
    public sealed class Options
    {
        /// <summary>Mask threshold σ on the max-normalised attention; default 0.55.</summary>
        public double Sigma = DefaultSigma;

        /// <summary>Mask sharpness ω; default 100.</summary>
        public double Omega = DefaultOmega;

        /// <summary>Target θ of the consistency term; default 0.8.</summary>
        public double Theta = DefaultTheta;

        /// <summary>Attention mechanism; default <see cref="AttentionKind.ChannelWeighted"/> (ICASC's).</summary>
        public AttentionKind Attention = AttentionKind.ChannelWeighted;

        /// <summary>Floor of the denominators (per-sample maximum and sums); default 1e-8.</summary>
        public double Epsilon = DefaultEpsilon;
    }
}
