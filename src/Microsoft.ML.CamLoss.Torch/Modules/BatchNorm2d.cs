namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// Batch normalisation over the channels of <c>[N, C, H, W]</c> (as <c>torch.nn.BatchNorm2d</c>):
/// parameters <c>weight</c> (ones) and <c>bias</c> (zeros); buffers <c>running_mean</c> (zeros),
/// <c>running_var</c> (ones) and <c>num_batches_tracked</c>. Defaults: eps 1e-5, momentum 0.1.
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    public BatchNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    {
        (Eps, Momentum) = (eps, momentum);
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones([numFeatures]));
            Bias = RegisterParameter("bias", Tensor.Zeros([numFeatures]));
        }

        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros([numFeatures]));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], ScalarType.Int64));
        }
    }

    /// <summary>Scale γ per channel, or null without affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>Shift β per channel, or null without affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>Running mean per channel, or null without running statistics.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance per channel, or null without running statistics.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Number of training batches seen.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }

    /// <summary>Weight of the newest batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>
    /// As PyTorch does for BatchNorm state saved before <c>num_batches_tracked</c> existed (its state
    /// version 1, e.g. the published CIFAR ResNet checkpoints), that buffer may be absent.
    /// </summary>
    protected override IEnumerable<string> OptionalStateKeys => NumBatchesTracked is null ? [] : ["num_batches_tracked"];

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var useBatchStatistics = IsTraining || RunningMean is null;
        if (IsTraining && NumBatchesTracked is not null)
        {
            NumBatchesTracked.AddInPlace(1);
        }

        return Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, useBatchStatistics, Momentum, Eps);
    }
}
