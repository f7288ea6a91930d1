using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Gradient computation beyond <see cref="Tensor.Backward"/>: <c>torch.autograd.grad</c> and grad mode.</summary>
public static class Autograd
{
    /// <summary>Whether operations on this thread are being recorded for autograd.</summary>
    public static bool IsGradEnabled
    {
        get
        {
            NativeStatus.Check(AutogradInterop.camloss_grad_enabled(out var enabled));
            return enabled != 0;
        }

        set => NativeStatus.Check(AutogradInterop.camloss_set_grad_enabled(value ? 1 : 0));
    }

    /// <summary>
    /// Stops recording on this thread until the returned scope is disposed
    /// (<c>using var _ = Autograd.NoGrad();</c>, as <c>torch.no_grad()</c>).
    /// </summary>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Turns recording on (or off) on this thread until the returned scope is disposed.</summary>
    public static GradModeScope EnableGrad(bool enabled = true) => new(enabled);

    /// <summary>
    /// Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, without
    /// touching any <see cref="Tensor.Grad"/> (as <c>torch.autograd.grad</c>).
    /// </summary>
    /// <param name="outputs">Tensors to differentiate.</param>
    /// <param name="inputs">Tensors to differentiate with respect to.</param>
    /// <param name="gradOutputs">Seed gradient per output (null entries or list: ones for one-element outputs).</param>
    /// <param name="retainGraph">Keep the graph for later passes; default: <paramref name="createGraph"/>.</param>
    /// <param name="createGraph">Record this pass so its results can be differentiated again.</param>
    /// <param name="allowUnused">Return null for an input the outputs do not depend on, instead of failing.</param>
    /// <returns>One gradient per input (null only for unused inputs with <paramref name="allowUnused"/>).</returns>
    public static unsafe Tensor?[] Grad(
        IReadOnlyList<Tensor> outputs,
        IReadOnlyList<Tensor> inputs,
        IReadOnlyList<Tensor?>? gradOutputs = null,
        bool? retainGraph = null,
        bool createGraph = false,
        bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
        {
            throw new ArgumentException($"gradOutputs has {gradOutputs.Count} entries but there are {outputs.Count} outputs.", nameof(gradOutputs));
        }

        using var outs = new HandleArray(outputs);
        using var ins = new HandleArray(inputs);
        using var seeds = new HandleArray(gradOutputs ?? []);
        var results = new IntPtr[inputs.Count];
        int status;
        fixed (IntPtr* o = outs.Handles, i = ins.Handles, s = seeds.Handles, r = results)
        {
            status = AutogradInterop.camloss_autograd_grad(
                o, outputs.Count, i, inputs.Count, gradOutputs is null ? null : s,
                retainGraph is { } retain ? (retain ? 1 : 0) : -1, createGraph ? 1 : 0, allowUnused ? 1 : 0, r);
        }

        NativeStatus.Check(status);
        return Array.ConvertAll(results, h => h == IntPtr.Zero ? null : new Tensor(new TensorHandle(h)));
    }
}
