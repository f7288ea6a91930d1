using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public sealed partial class Tensor
{
    /// <summary>A view with a new shape (one size may be -1); the elements must be viewable without a copy.</summary>
    public unsafe Tensor View(params ReadOnlySpan<long> shape) => WithSizes(shape, &ShapeInterop.camloss_tensor_view);

    /// <summary>The elements with a new shape (one size may be -1): a view when possible, else a copy.</summary>
    public unsafe Tensor Reshape(params ReadOnlySpan<long> shape) => WithSizes(shape, &ShapeInterop.camloss_tensor_reshape);

    /// <summary>A broadcast view with size-1 dimensions repeated to <paramref name="shape"/> (-1 keeps a size).</summary>
    public unsafe Tensor Expand(params ReadOnlySpan<long> shape) => WithSizes(shape, &ShapeInterop.camloss_tensor_expand);

    /// <summary>A view with the dimensions reordered.</summary>
    public unsafe Tensor Permute(params ReadOnlySpan<long> dims) => WithSizes(dims, &ShapeInterop.camloss_tensor_permute);

    /// <summary>A view with two dimensions swapped.</summary>
    public Tensor Transpose(long dim0, long dim1) => Wrap(ShapeInterop.camloss_tensor_transpose(Handle, dim0, dim1, out var h), h);

    /// <summary>Dimensions <paramref name="startDim"/> … <paramref name="endDim"/> merged into one.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(ShapeInterop.camloss_tensor_flatten(Handle, startDim, endDim, out var h), h);

    /// <summary>Every size-1 dimension removed.</summary>
    public Tensor Squeeze() => Wrap(ShapeInterop.camloss_tensor_squeeze(Handle, 0, 0, out var h), h);

    /// <summary>Dimension <paramref name="dim"/> removed if its size is 1.</summary>
    public Tensor Squeeze(long dim) => Wrap(ShapeInterop.camloss_tensor_squeeze(Handle, 1, dim, out var h), h);

    /// <summary>A size-1 dimension inserted at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(long dim) => Wrap(ShapeInterop.camloss_tensor_unsqueeze(Handle, dim, out var h), h);

    /// <summary>The elements in row-major order without gaps (this tensor's data if already so).</summary>
    public Tensor Contiguous() => Wrap(ShapeInterop.camloss_tensor_contiguous(Handle, out var h), h);

    /// <summary>A view of <paramref name="length"/> entries of dimension <paramref name="dim"/> from <paramref name="start"/>.</summary>
    public Tensor Narrow(long dim, long start, long length) => Wrap(ShapeInterop.camloss_tensor_narrow(Handle, dim, start, length, out var h), h);

    /// <summary>A view of entry <paramref name="index"/> of dimension <paramref name="dim"/>, which is removed.</summary>
    public Tensor Select(long dim, long index) => Wrap(ShapeInterop.camloss_tensor_select(Handle, dim, index, out var h), h);

    /// <summary>A view of entries start, start+step, … below end of dimension <paramref name="dim"/> (Python's <c>x[start:end:step]</c>).</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1) => Wrap(ShapeInterop.camloss_tensor_slice(Handle, dim, start, end, step, out var h), h);

    /// <summary>
    /// A view of this tensor's storage with explicit sizes, strides and storage offset, all in
    /// elements (as <c>torch.as_strided</c>); how checkpoint readers rebuild views of a shared storage.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes and strides differ in length.</exception>
    public unsafe Tensor AsStrided(ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides, long storageOffset = 0)
    {
        if (sizes.Length != strides.Length)
        {
            throw new ArgumentException($"{sizes.Length} sizes but {strides.Length} strides.", nameof(strides));
        }

        fixed (long* s = sizes)
        fixed (long* t = strides)
        {
            return Wrap(ShapeInterop.camloss_tensor_as_strided(Handle, s, t, sizes.Length, storageOffset, out var h), h);
        }
    }

    /// <summary>The entries of dimension <paramref name="dim"/> listed by the int64 <paramref name="index"/>.</summary>
    public Tensor IndexSelect(long dim, Tensor index) => Wrap(ShapeInterop.camloss_tensor_index_select(Handle, dim, index.Handle, out var h), h);

    /// <summary><c>out[i][j] = this[i][index[i][j]]</c> along <paramref name="dim"/> (as <c>torch.gather</c>).</summary>
    public Tensor Gather(long dim, Tensor index) => Wrap(ShapeInterop.camloss_tensor_gather(Handle, dim, index.Handle, out var h), h);

    /// <summary>A copy with <paramref name="source"/> written at <paramref name="index"/> along <paramref name="dim"/> (as <c>torch.scatter</c>).</summary>
    public Tensor Scatter(long dim, Tensor index, Tensor source) => Wrap(ShapeInterop.camloss_tensor_scatter(Handle, dim, index.Handle, source.Handle, out var h), h);

    /// <summary>One-hot encoding (int64) of these int64 labels.</summary>
    public Tensor OneHot(long numClasses) => Wrap(ShapeInterop.camloss_tensor_one_hot(Handle, numClasses, out var h), h);

    private unsafe Tensor WithSizes(ReadOnlySpan<long> sizes, delegate*<TensorHandle, long*, long, out TensorHandle, int> op)
    {
        fixed (long* p = sizes)
        {
            return Wrap(op(Handle, p, sizes.Length, out var h), h);
        }
    }

    /// <summary>The tensors joined along an existing dimension.</summary>
    public static unsafe Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        using var handles = new HandleArray(tensors);
        fixed (IntPtr* p = handles.Handles)
        {
            return Wrap(ShapeInterop.camloss_tensor_cat(p, tensors.Count, dim, out var h), h);
        }
    }

    /// <summary>The tensors joined along a new dimension.</summary>
    public static unsafe Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        using var handles = new HandleArray(tensors);
        fixed (IntPtr* p = handles.Handles)
        {
            return Wrap(ShapeInterop.camloss_tensor_stack(p, tensors.Count, dim, out var h), h);
        }
    }
}
