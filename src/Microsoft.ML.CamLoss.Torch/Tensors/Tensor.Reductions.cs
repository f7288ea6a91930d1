using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public sealed partial class Tensor
{
    /// <summary>Sum over <paramref name="dims"/> (every dimension when none are given).</summary>
    public Tensor Sum(ReadOnlySpan<long> dims = default, bool keepDim = false) => Reduce(ReduceOp.Sum, dims, keepDim);

    /// <summary>Sum over one dimension.</summary>
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(ReduceOp.Sum, [dim], keepDim);

    /// <summary>Mean over <paramref name="dims"/> (every dimension when none are given).</summary>
    public Tensor Mean(ReadOnlySpan<long> dims = default, bool keepDim = false) => Reduce(ReduceOp.Mean, dims, keepDim);

    /// <summary>Mean over one dimension.</summary>
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(ReduceOp.Mean, [dim], keepDim);

    /// <summary>Minimum over <paramref name="dims"/> (every dimension when none are given); gradient shared among ties.</summary>
    public Tensor AMin(ReadOnlySpan<long> dims = default, bool keepDim = false) => Reduce(ReduceOp.AMin, dims, keepDim);

    /// <summary>Maximum over <paramref name="dims"/> (every dimension when none are given); gradient shared among ties.</summary>
    public Tensor AMax(ReadOnlySpan<long> dims = default, bool keepDim = false) => Reduce(ReduceOp.AMax, dims, keepDim);

    /// <summary>Product over one dimension, or of every element when <paramref name="dim"/> is null.</summary>
    public Tensor Prod(long? dim = null, bool keepDim = false) =>
        dim is { } d ? Reduce(ReduceOp.Prod, [d], keepDim) : Reduce(ReduceOp.Prod, default, false);

    /// <summary>Unbiased variance over <paramref name="dims"/> (every dimension when none are given).</summary>
    public Tensor Var(ReadOnlySpan<long> dims = default, bool keepDim = false) => Reduce(ReduceOp.Var, dims, keepDim);

    /// <summary>Unbiased standard deviation over <paramref name="dims"/> (every dimension when none are given).</summary>
    public Tensor Std(ReadOnlySpan<long> dims = default, bool keepDim = false) => Reduce(ReduceOp.Std, dims, keepDim);

    /// <summary>True if any element is true (non-zero).</summary>
    public Tensor Any() => Reduce(ReduceOp.Any, default, false);

    /// <summary>True if every element is true (non-zero).</summary>
    public Tensor All() => Reduce(ReduceOp.All, default, false);

    /// <summary>Index of the largest element along <paramref name="dim"/>, or in the flattened tensor when null.</summary>
    public Tensor ArgMax(long? dim = null, bool keepDim = false) =>
        Wrap(MathInterop.camloss_tensor_argmax(Handle, dim.HasValue ? 1 : 0, dim ?? 0, keepDim ? 1 : 0, out var h), h);

    /// <summary>The <paramref name="k"/> largest (or smallest) elements along <paramref name="dim"/> and their indices.</summary>
    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        var status = MathInterop.camloss_tensor_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var values, out var indices);
        if (status != 0)
        {
            values.Dispose();
            indices.Dispose();
            NativeStatus.Check(status);
        }

        return (new Tensor(values), new Tensor(indices));
    }

    private unsafe Tensor Reduce(ReduceOp op, ReadOnlySpan<long> dims, bool keepDim)
    {
        fixed (long* p = dims)
        {
            return Wrap(MathInterop.camloss_tensor_reduce(op, Handle, p, dims.Length, keepDim ? 1 : 0, out var h), h);
        }
    }
}
