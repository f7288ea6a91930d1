using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public sealed partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor (settable on leaves).</summary>
    public bool RequiresGrad
    {
        get
        {
            NativeStatus.Check(AutogradInterop.camloss_tensor_requires_grad(Handle, out var value));
            return value != 0;
        }

        set => NativeStatus.Check(AutogradInterop.camloss_tensor_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>True for tensors not produced by a recorded operation (parameters, inputs).</summary>
    public bool IsLeaf
    {
        get
        {
            NativeStatus.Check(AutogradInterop.camloss_tensor_is_leaf(Handle, out var value));
            return value != 0;
        }
    }

    /// <summary>
    /// The gradient accumulated by <see cref="Backward"/>, or null. Each read returns a new
    /// handle sharing the gradient's storage; dispose it (or let a scope do so).
    /// </summary>
    public Tensor? Grad => WrapOptional(AutogradInterop.camloss_tensor_grad(Handle, out var h), h);

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    public Tensor RequiresGradInPlace(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>
    /// Accumulates the gradients of this tensor into the leaves' <see cref="Grad"/>.
    /// </summary>
    /// <param name="gradient">Seed gradient; null for a one-element tensor (seed 1).</param>
    /// <param name="retainGraph">Keep the graph for another backward pass; default: <paramref name="createGraph"/>.</param>
    /// <param name="createGraph">Record the backward pass itself, for higher-order gradients.</param>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false) =>
        NativeStatus.Check(AutogradInterop.camloss_backward(Handle, HandleOf(gradient), retainGraph is { } r ? (r ? 1 : 0) : -1, createGraph ? 1 : 0));

    /// <summary>Drops the accumulated gradient (as PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ClearGrad() => NativeStatus.Check(AutogradInterop.camloss_tensor_clear_grad(Handle));

    /// <summary>A view of the same data that autograd does not track.</summary>
    public Tensor Detach() => Wrap(AutogradInterop.camloss_tensor_detach(Handle, out var h), h);

    /// <summary>
    /// Replaces the data behind this tensor with <paramref name="data"/>'s, keeping this object,
    /// its handle and its <see cref="RequiresGrad"/> (as PyTorch's <c>param.data = data</c>).
    /// </summary>
    public void SetData(Tensor data) => NativeStatus.Check(AutogradInterop.camloss_tensor_set_data(Handle, data.Handle));
}
