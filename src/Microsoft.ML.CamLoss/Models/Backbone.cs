using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Models;

/// <summary>
/// A CNN classifier whose forward pass returns the logits and the feature taps CAM-loss, CCM
/// and ICASC read (<see cref="BackboneOutput"/>). The head is a linear layer on globally
/// average-pooled <c>last</c> features, <c>z = W · GAP(F) + b</c>; its weight <c>W [C, K]</c> is what
/// class activation maps are computed from.
/// </summary>
/// <remarks>
/// Children are registered explicitly, in PyTorch's order and under PyTorch's names, so
/// <see cref="state_dict"/> has the keys (and key order) of the PyTorch model and its checkpoints load
/// with <see cref="ModuleStateExtensions.LoadStateDict"/>.
/// </remarks>
public abstract partial class Backbone : nn.Module<Tensor, BackboneOutput>
{
    /// <summary>Creates the module; <paramref name="name"/> is TorchSharp's module name (the type's name).</summary>
    protected Backbone(string name)
        : base(name)
    {
    }

    /// <summary>The classifier head: <c>Linear(K, C)</c>.</summary>
    public Linear Classifier { get; private set; } = null!;

    /// <summary>K: channels of the <c>last</c> tap (the head's input features).</summary>
    public long FeatureChannels => Classifier.in_features;

    /// <summary>C: number of classes the head predicts.</summary>
    public long NumClasses => Classifier.out_features;

    /// <summary>Channels the network reads (3: RGB), those of its first convolution.</summary>
    public long InputChannels => StemConvolution.in_channels;

    /// <summary>
    /// The smallest height and width <see cref="forward"/> accepts: 1 for these networks, whose
    /// stride-2 layers are padded so that every stage keeps at least one pixel. Small inputs give
    /// small feature maps (an ImageNet ResNet maps 32×32 to a 1×1 <c>last</c> tap); pick the input size
    /// for the maps you need.
    /// </summary>
    public virtual long MinimumInputSize => 1;

    /// <summary>The state-dict name of the head (e.g. <c>fc</c> in torchvision, <c>linear</c> in the CIFAR checkpoints).</summary>
    public abstract string ClassifierName { get; }

    /// <summary>The network's first convolution (its <c>in_channels</c> is what the input must have).</summary>
    protected abstract Conv2d StemConvolution { get; }

    /// <summary>
    /// How many times the network halves its input before the <c>last</c> tap: each stride-2 layer (padded,
    /// so a side of n becomes ⌈n/2⌉). The <c>last</c> tap of an <c>H × W</c> input is
    /// <c>⌈H / 2^k⌉ × ⌈W / 2^k⌉</c>, the smallest map a BatchNorm of the network sees.
    /// </summary>
    protected abstract int Halvings { get; }

    /// <summary>
    /// Replaces the head with a new <c>Linear(K, numClasses)</c> (PyTorch's default initialisation, on the
    /// old head's device and dtype, in the network's training mode), for fine-tuning on new classes. The old
    /// head is disposed; the new one takes its place and its name, so the state-dict keys and their order stay.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> is below 1.</exception>
    public void ReplaceClassifier(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        var old = Classifier;
        var head = nn.Linear(old.in_features, numClasses, hasBias: true, device: old.weight.device, dtype: old.weight.dtype);
        head.train(training);

        // TorchSharp's register_module refuses a name that is taken; the indexer replaces the entry in place (keeping its position).
        _internal_submodules[ClassifierName] = head;
        Classifier = head;
        old.Dispose();
    }

    /// <summary>
    /// Computes the logits and taps of a batch <c>[B, C, H, W]</c> (floating point, on the network's
    /// device, <c>C</c> = <see cref="InputChannels"/>, <c>H, W ≥</c> <see cref="MinimumInputSize"/>).
    /// The three results join the caller's dispose scope; dispose the output (or the scope). Inside a
    /// <see cref="MixedPrecision"/> scope the convolutions and the head compute in 16 bits from the float32
    /// weights and the three results are float32.
    /// </summary>
    /// <exception cref="ArgumentException">The input's rank, channels, size, dtype or device does not fit the network;
    /// or, in training mode, a BatchNorm would see one value per channel (a batch of one whose <c>last</c> tap is
    /// 1 × 1), which PyTorch refuses too (the statistics of one value are meaningless and the running variance
    /// would become NaN). Checked before anything runs, so the running statistics stay untouched.</exception>
    /// <exception cref="TorchException">libtorch failed inside the network (e.g. out of memory, or a layout
    /// it cannot convolve); the message is "<c>TYPE forward pass: </c>" and libtorch's first line.</exception>
    public sealed override BackboneOutput forward(Tensor input)
    {
        CheckInput(input);
        return TorchErrors.Run(() => Run(input), $"{GetType().Name} forward pass");
    }

    /// <summary>
    /// The parameters and persistent buffers in PyTorch's order (per module, depth first: parameters,
    /// then buffers), e.g. <c>conv1.weight, bn1.weight, bn1.bias, bn1.running_mean, …</c>, as the
    /// PyTorch model's <c>state_dict()</c>. The values are the network's live tensors: do not dispose them.
    /// </summary>
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null)
    {
        destination ??= [];
        foreach (var (name, value, _) in ModuleTree.StateEntries(this))
        {
            destination.TryAdd(string.IsNullOrEmpty(prefix) ? name : $"{prefix}.{name}", value);
        }

        return destination;
    }

    /// <summary>
    /// The <c>inner</c> and <c>last</c> feature maps of <paramref name="input"/> (called inside a dispose scope). Under
    /// <see cref="MixedPrecision"/>, <c>inner</c> must be the float32 <see cref="MixedPrecision.Tap"/> that the next
    /// stage reads, so that it lies on the path to the logits.
    /// </summary>
    protected abstract (Tensor Inner, Tensor Last) ForwardFeatures(Tensor input);

    /// <summary>Creates and registers the head (call once, where PyTorch's model creates it, so initialisation draws match).</summary>
    protected void CreateClassifier(long featureChannels, int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        Classifier = nn.Linear(featureChannels, numClasses);
        register_module(ClassifierName, Classifier);
    }

    /// <summary>Nothing: children are registered explicitly, in PyTorch's order (TorchSharp would otherwise add every field by reflection).</summary>
    protected override void RegisterComponents()
    {
    }

    private BackboneOutput Run(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var (inner, last) = ForwardFeatures(input);
        last = MixedPrecision.Tap(last);   // under mixed precision: float32, and the head reads this copy (see MixedPrecision)
        var logits = MixedPrecision.Tap(HeadLogits(nn.functional.adaptive_avg_pool2d(last, 1).flatten(1)));
        scope.MoveToOuter(logits, last, inner);
        return new BackboneOutput(logits, last, inner);
    }

    private void CheckInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.shape;
        var expected = $"[B, {InputChannels}, H, W] with H, W ≥ {MinimumInputSize}";
        if (shape.Length != 4 || shape[1] != InputChannels || shape[2] < MinimumInputSize || shape[3] < MinimumInputSize)
        {
            throw new ArgumentException($"{GetType().Name} needs images {expected}; got [{string.Join(", ", shape)}].", nameof(input));
        }

        var weight = StemConvolution.weight;
        if (input.dtype != weight.dtype)
        {
            throw new ArgumentException(
                $"{GetType().Name} computes in {weight.dtype}; the input is {input.dtype}. Convert it with input.to({weight.dtype}) (images as floats, normalised).",
                nameof(input));
        }

        if (input.device_type != weight.device_type || input.device_index != weight.device_index)
        {
            throw new ArgumentException($"{GetType().Name} is on {weight.device}; the input is on {input.device}. Move it with input.to(network device).", nameof(input));
        }

        if (training && shape[0] * Halve(shape[2]) * Halve(shape[3]) == 1)
        {
            throw new ArgumentException(
                $"{GetType().Name} in training mode needs more than one value per channel in every BatchNorm, but a batch of {shape[0]} of " +
                $"{shape[2]}×{shape[3]} images gives a {Halve(shape[2])}×{Halve(shape[3])} last feature map. Use a batch of 2 or more, larger images, or eval().",
                nameof(input));
        }
    }

    /// <summary>The side of the <c>last</c> tap for an input side <paramref name="size"/>: ⌈size / 2^Halvings⌉.</summary>
    private long Halve(long size)
    {
        for (var i = 0; i < Halvings; i++)
        {
            size = ((size - 1) / 2) + 1;
        }

        return size;
    }
}
