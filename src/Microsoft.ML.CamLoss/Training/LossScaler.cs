using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Training;

/// <summary>
/// Dynamic loss scaling for float16 training, as PyTorch's <c>torch.cuda.amp.GradScaler</c> with its defaults:
/// the loss is multiplied by the scale <c>S</c> (start 2¹⁶) before backward, so that small gradients survive
/// float16's range; the float32 gradients are then divided by <c>S</c> (exact: <c>S</c> is a power of two). When
/// any gradient is infinite or NaN the optimiser's step is skipped (the weights and the optimiser's state stay as
/// they were) and <c>S</c> is halved; after <see cref="GrowthInterval"/> steps in a row without overflow it doubles.
/// </summary>
/// <remarks>Its state (the scale and the count of good steps) goes into checkpoints, so a resumed float16 run skips the same steps.</remarks>
internal sealed class LossScaler
{
    /// <summary>The first scale, 2¹⁶ (GradScaler's <c>init_scale</c>).</summary>
    public const double InitialScale = 65536;

    /// <summary>Good steps in a row before the scale doubles (GradScaler's <c>growth_interval</c>).</summary>
    public const int GrowthInterval = 2000;

    private int _goodSteps;

    /// <summary>The current scale S.</summary>
    public double Scale { get; private set; } = InitialScale;

    /// <summary>Steps skipped because a gradient overflowed, in this session.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary><paramref name="loss"/> × S (the tensor to call backward on).</summary>
    public Tensor ScaleLoss(Tensor loss) => loss.mul(Scale);

    /// <summary>
    /// Divides every gradient by S in place and returns whether all are finite (one host synchronisation), then
    /// updates the scale: halves it after an overflow, doubles it after <see cref="GrowthInterval"/> good steps.
    /// The caller steps the optimiser only when this returns true.
    /// </summary>
    public bool UnscaleAndUpdate(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var inverse = 1.0 / Scale;
        var peaks = new List<Tensor>();
        foreach (var parameter in parameters)
        {
            if (parameter.grad is { } gradient)
            {
                gradient.mul_(inverse);
                peaks.Add(gradient.abs().amax().reshape(1));   // amax propagates NaN
            }
        }

        var finite = peaks.Count == 0 || cat(peaks, 0).amax().isfinite().item<bool>();
        if (finite)
        {
            if (++_goodSteps >= GrowthInterval)
            {
                Scale *= 2;
                _goodSteps = 0;
            }
        }
        else
        {
            Scale /= 2;
            _goodSteps = 0;
            SkippedSteps++;
        }

        return finite;
    }

    /// <summary>The state for a checkpoint.</summary>
    public JsonObject Save() => new() { ["scale"] = Scale, ["goodSteps"] = _goodSteps };

    /// <summary>Restores <see cref="Save"/>'s output.</summary>
    public void Load(JsonObject state)
    {
        Scale = state["scale"]!.GetValue<double>();
        _goodSteps = state["goodSteps"]!.GetValue<int>();
    }
}
