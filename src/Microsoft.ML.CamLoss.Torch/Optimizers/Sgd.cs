using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// Stochastic gradient descent with momentum, as <c>torch.optim.SGD</c> (PyTorch 1.13):
/// <c>d = g + λ·p</c>; <c>b = μ·b + (1 − dampening)·d</c> (<c>b = d</c> on the first step);
/// <c>d = nesterov ? d + μ·b : b</c>; <c>p = p − lr·d</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly StateSlots _momentumBuffers = new();

    /// <summary>Creates SGD over one group of parameters.</summary>
    public Sgd(IEnumerable<Tensor> parameters, SgdOptions options)
        : this([new ParameterGroup(parameters)], options)
    {
    }

    /// <summary>Creates SGD over several parameter groups (e.g. backbone and head).</summary>
    public Sgd(IEnumerable<ParameterGroup> groups, SgdOptions options)
        : base(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.WeightDecay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.Momentum);
        if (options.Nesterov && (options.Momentum <= 0 || options.Dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening.", nameof(options));
        }

        Options = options;
    }

    /// <summary>The settings shared by all groups.</summary>
    public SgdOptions Options { get; }

    /// <inheritdoc />
    protected override void Update(ParameterGroup group, int index)
    {
        var parameter = group.Parameters[index];
        var buffer = _momentumBuffers.Get(group, index);
        var raw = buffer?.Handle.DangerousGetHandle() ?? IntPtr.Zero;
        NativeStatus.Check(OptimInterop.camloss_sgd_update(
            parameter.Handle, ref raw, group.LearningRate, Options.Momentum, Options.Dampening, group.WeightDecay,
            Options.Nesterov ? 1 : 0, Options.Maximize ? 1 : 0));
        if (buffer is null && raw != IntPtr.Zero)
        {
            _momentumBuffers.Set(group, index, new Tensor(new TensorHandle(raw)));
        }
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, StateSlots Slots)> NamedStateSlots => [("momentum_buffer", _momentumBuffers)];

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _momentumBuffers.Clear();
        }
    }
}

/// <summary>Settings of <see cref="Sgd"/>; the defaults are PyTorch's.</summary>
public sealed class SgdOptions
{
    /// <summary>Learning rate (required by PyTorch; default here 0.1, the CIFAR protocol's).</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Momentum μ; default 0 (the papers' protocols use 0.9).</summary>
    public double Momentum { get; init; }

    /// <summary>Dampening of the momentum's new term; default 0.</summary>
    public double Dampening { get; init; }

    /// <summary>L2 penalty λ added to the gradient; default 0 (per group overridable).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Nesterov momentum; default false.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Maximise the objective instead of minimising; default false.</summary>
    public bool Maximize { get; init; }
}
