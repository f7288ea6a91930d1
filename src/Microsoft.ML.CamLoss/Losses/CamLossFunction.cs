using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Losses;

/// <summary>
/// CAM-loss (CAM-loss paper, Sec. 3.1–3.2, Algorithm 1): <c>L = L_ce + α·L_cam</c> with
/// <c>L_cam = mean_b (1/HW) Σ_xy |N(CAAM) − N(CAM_y)|</c> (l1, default) or the squared difference (l2),
/// <c>N</c> the per-sample min-max normalisation of <see cref="ActivationMaps"/>.
/// </summary>
/// <remarks>
/// <para>The classifier weight is <b>detached</b> inside <c>CAM_y</c>: the head <c>W</c> learns from
/// <c>L_ce</c> only and the backbone from <c>L_ce + α·L_cam</c>, which is Algorithm 1 with a single
/// optimiser (otherwise <c>W</c> drifts toward an all-ones vector and <c>L_cam</c> falls for no good reason).</para>
/// <para>Cost: one channel sum (<c>CAAM</c>) and one batched <c>[B, J, K]·[B, K, HW]</c> product over the
/// gathered rows of <c>W</c>; no per-sample loop, no host synchronisation. With <c>α = 0</c> the cam term is
/// computed without autograd (for logging only).</para>
/// <para>Use <see cref="AlphaSchedule"/> to pick <c>α</c> per epoch.</para>
/// <para>With Baseline++'s cosine classifier (<see cref="Models.CosineClassifier"/>) pass the head's weight as it is:
/// its CAM is that of the row-normalised weight, and <c>N</c> removes the positive factor <c>‖W_y‖</c>, so <c>L_cam</c> is the same.</para>
/// <para>Named <c>CamLossFunction</c> rather than <c>CamLoss</c> because a type named like the
/// <c>Microsoft.ML.CamLoss</c> namespace could not be referred to by its simple name from code in that namespace.</para>
/// </remarks>
public sealed class CamLossFunction
{
    private readonly Options _options;

    /// <summary>Creates the loss.</summary>
    /// <param name="options">Distance and epsilon; null for the paper's defaults.</param>
    public CamLossFunction(Options? options = null)
    {
        _options = options ?? new Options();
        LossChecks.NonNegative(_options.Epsilon, nameof(Options.Epsilon));
        LossChecks.Defined(_options.Distance, nameof(Options.Distance));
    }

    /// <summary>The map distance in use.</summary>
    public MapDistance Distance => _options.Distance;

    /// <summary>
    /// <c>L_cam</c> alone (no cross-entropy): <c>mean_b (1/HW) Σ_xy d(N(CAAM), N(CAM_y))</c>, with
    /// <paramref name="classifierWeight"/> detached.
    /// </summary>
    /// <param name="features">Last-stage feature map <c>F [B, K, H, W]</c> (after its ReLU).</param>
    /// <param name="classifierWeight">Classifier weight <c>W [C, K]</c>.</param>
    /// <param name="labels">Ground-truth classes, int64 <c>[B]</c>.</param>
    /// <returns>A scalar tensor.</returns>
    public Tensor CamTerm(Tensor features, Tensor classifierWeight, Tensor labels)
    {
        var shape = LossChecks.FeatureMap(features, nameof(features));
        LossChecks.ClassifierWeight(classifierWeight, shape, nameof(classifierWeight), nameof(features));
        LossChecks.SameFloatingType(classifierWeight, features, nameof(classifierWeight), nameof(features));
        LossChecks.Labels(labels, shape[0], nameof(labels), nameof(features));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                return PerSample(features, classifierWeight, labels.unsqueeze(1)).mean().MoveToOuterDisposeScope();
            },
            "Computing L_cam");
    }

    /// <summary>CAM-loss <c>L_ce + α·L_cam</c> for hard labels.</summary>
    /// <param name="features">Last-stage feature map <c>F [B, K, H, W]</c> (after its ReLU, before pooling).</param>
    /// <param name="classifierWeight">Classifier weight <c>W [C, K]</c> (detached inside the CAM).</param>
    /// <param name="logits">Logits <c>[B, C]</c>, normally <c>W·GAP(F) + b</c>.</param>
    /// <param name="labels">Ground-truth classes, int64 <c>[B]</c>.</param>
    /// <param name="alpha">Weight <c>α ≥ 0</c> of <c>L_cam</c> (paper: 3 from epoch 20, see <see cref="AlphaSchedule"/>).</param>
    /// <returns>Total, cross-entropy and <c>L_cam</c>; dispose it (or the dispose scope its tensors joined).</returns>
    public CamLossResult Compute(Tensor features, Tensor classifierWeight, Tensor logits, Tensor labels, double alpha)
    {
        var shape = LossChecks.FeatureMap(features, nameof(features));
        var classes = LossChecks.ClassifierWeight(classifierWeight, shape, nameof(classifierWeight), nameof(features));
        LossChecks.Logits(logits, shape[0], classes, nameof(logits), nameof(features));
        LossChecks.SameFloatingType(classifierWeight, features, nameof(classifierWeight), nameof(features));
        LossChecks.Labels(labels, shape[0], nameof(labels), nameof(features));
        LossChecks.NonNegative(alpha, nameof(alpha));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var ce = nn.functional.cross_entropy(logits, labels);
                Tensor cam;
                using (torch.enable_grad(alpha != 0 && torch.is_grad_enabled()))
                {
                    cam = PerSample(features, classifierWeight, labels.unsqueeze(1)).mean();
                }

                var total = ce.add(cam, alpha);
                scope.MoveToOuter(total, ce, cam);
                return new CamLossResult(total, ce, cam);
            },
            "Computing CAM-loss");
    }

    /// <summary>
    /// CAM-loss for Mixup/CutMix labels: <c>L_ce</c> against the soft targets
    /// <c>λ·onehot(a) + (1 − λ)·onehot(b)</c>, and <c>L_cam = mean_b [λ_b·l(a_b) + (1 − λ_b)·l(b_b)]</c> where
    /// <c>l(c) = (1/HW) Σ_xy d(N(CAAM), N(CAM_c))</c>; both classes' maps come from one batched product.
    /// </summary>
    /// <param name="features">Last-stage feature map <c>F [B, K, H, W]</c>.</param>
    /// <param name="classifierWeight">Classifier weight <c>W [C, K]</c> (detached inside the CAM).</param>
    /// <param name="logits">Logits <c>[B, C]</c>.</param>
    /// <param name="labels">The two classes and <c>λ</c> per sample.</param>
    /// <param name="alpha">Weight <c>α ≥ 0</c> of <c>L_cam</c>.</param>
    /// <returns>Total, cross-entropy and <c>L_cam</c>.</returns>
    public CamLossResult Compute(Tensor features, Tensor classifierWeight, Tensor logits, MixedLabels labels, double alpha)
    {
        var shape = LossChecks.FeatureMap(features, nameof(features));
        var classes = LossChecks.ClassifierWeight(classifierWeight, shape, nameof(classifierWeight), nameof(features));
        LossChecks.Logits(logits, shape[0], classes, nameof(logits), nameof(features));
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.BatchSize != shape[0])
        {
            throw new ArgumentException($"labels hold {labels.BatchSize} samples but {nameof(features)} is {LossChecks.Describe(shape)}.", nameof(labels));
        }

        LossChecks.NonNegative(alpha, nameof(alpha));
        LossChecks.SameFloatingType(classifierWeight, features, nameof(classifierWeight), nameof(features));
        return TorchErrors.Run(
            () =>
            {
                using var scope = torch.NewDisposeScope();
                var lambda = labels.Lambda(logits.dtype, logits.device);
                var ce = nn.functional.cross_entropy(logits, labels.SoftTargets(lambda, classes, logits.dtype));
                Tensor cam;
                using (torch.enable_grad(alpha != 0 && torch.is_grad_enabled()))
                {
                    var terms = PerSample(features, classifierWeight, labels.Pairs());          // [B, 2]
                    var weights = torch.stack([lambda, 1 - lambda], 1).to(terms.dtype);        // [B, 2]
                    cam = (terms * weights).sum(1).mean();
                }

                var total = ce.add(cam, alpha);
                scope.MoveToOuter(total, ce, cam);
                return new CamLossResult(total, ce, cam);
            },
            "Computing CAM-loss");
    }

    /// <summary><c>(1/HW) Σ d(N(CAAM), N(CAM_c))</c> per sample and class, <c>[B, J]</c>, for classes <c>[B, J]</c>; W detached.</summary>
    private Tensor PerSample(Tensor features, Tensor classifierWeight, Tensor classes)
    {
        var rows = ActivationMaps.ClassRows(classifierWeight.detach(), classes);
        var cams = ActivationMaps.NormalizeLastDim(ActivationMaps.ClassMaps(features, rows), _options.Epsilon);
        var caam = ActivationMaps.NormalizeLastDim(ActivationMaps.AgnosticMap(features), _options.Epsilon);
        return ActivationMaps.PixelDistance(caam, cams, _options.Distance);
    }

    /// <summary>Options of <see cref="CamLossFunction"/>.</summary>
    public sealed class Options
    {
        /// <summary>Pixel distance of <c>L_cam</c>; default <see cref="MapDistance.L1"/> (the paper's).</summary>
        public MapDistance Distance = MapDistance.L1;

        /// <summary>Relative epsilon of the min-max normalisation; default <see cref="ActivationMaps.DefaultEpsilon"/> (1e-8).</summary>
        public double Epsilon = ActivationMaps.DefaultEpsilon;
    }
}
