using System.Runtime.InteropServices;
using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

/// <summary>
/// An n-dimensional array held by libtorch (a handle to an <c>at::Tensor</c>), with autograd.
/// </summary>
/// <remarks>
/// Lifetime is deterministic: dispose a tensor, or create it inside a <see cref="TensorScope"/>
/// that disposes everything made inside it. The finalizer of the underlying handle is a last
/// resort, never the normal path. Operations never modify their inputs unless their name ends
/// in <c>InPlace</c> (or is <see cref="CopyFrom"/>, <see cref="Fill"/>, <see cref="Zero"/>).
/// </remarks>
public sealed partial class Tensor : IDisposable
{
    internal Tensor(TensorHandle handle)
    {
        Handle = handle;
        TensorScope.Current?.Register(this);
    }

    /// <summary>Number of native tensor handles alive in the process (for leak tests).</summary>
    public static long LiveHandleCount
    {
        get
        {
            NativeStatus.Check(TensorInterop.camloss_live_tensor_count(out var count));
            return count;
        }
    }

    internal TensorHandle Handle { get; }

    /// <summary>The scope that will dispose this tensor, if any.</summary>
    internal TensorScope? OwningScope { get; set; }

    /// <summary>True once the tensor has been disposed.</summary>
    public bool IsDisposed => Handle.IsClosed;

    /// <summary>Number of dimensions.</summary>
    public int Dim
    {
        get
        {
            NativeStatus.Check(TensorInterop.camloss_tensor_dim(Handle, out var dim));
            return (int)dim;
        }
    }

    /// <summary>Sizes of every dimension.</summary>
    public unsafe long[] Shape => ReadPerDimension(&TensorInterop.camloss_tensor_sizes);

    /// <summary>Strides of every dimension, in elements.</summary>
    public unsafe long[] Strides => ReadPerDimension(&TensorInterop.camloss_tensor_strides);

    /// <summary>Total number of elements.</summary>
    public long NumberOfElements
    {
        get
        {
            NativeStatus.Check(TensorInterop.camloss_tensor_numel(Handle, out var n));
            return n;
        }
    }

    /// <summary>Element type.</summary>
    public ScalarType DType
    {
        get
        {
            NativeStatus.Check(TensorInterop.camloss_tensor_dtype(Handle, out var dtype));
            return (ScalarType)dtype;
        }
    }

    /// <summary>The device that holds the elements.</summary>
    public Device Device
    {
        get
        {
            NativeStatus.Check(TensorInterop.camloss_tensor_device(Handle, out var type, out var index));
            return new Device((DeviceType)type, index);
        }
    }

    /// <summary>True when the elements are laid out row-major without gaps.</summary>
    public bool IsContiguous
    {
        get
        {
            NativeStatus.Check(TensorInterop.camloss_tensor_is_contiguous(Handle, out var contiguous));
            return contiguous != 0;
        }
    }

    /// <summary>Size of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var shape = Shape;
        return shape[dim < 0 ? dim + shape.Length : dim];
    }

    /// <summary>Releases the native tensor now. Safe to call more than once.</summary>
    public void Dispose() => Handle.Dispose();

    /// <summary>
    /// Takes this tensor out of its <see cref="TensorScope"/> and gives it to the enclosing scope
    /// (or to the caller, when there is none). Returns this tensor.
    /// </summary>
    public Tensor MoveToOuterScope()
    {
        OwningScope?.MoveOut(this);
        return this;
    }

    /// <summary>Takes this tensor out of every scope: the caller now owns it and must dispose it. Returns this tensor.</summary>
    public Tensor DetachFromScope()
    {
        OwningScope?.Forget(this);
        return this;
    }

    /// <summary>A short summary: shape, element type and device, e.g. <c>Tensor[2, 3] Float32 cpu</c>.</summary>
    public override string ToString() =>
        IsDisposed ? "Tensor (disposed)" : $"Tensor[{string.Join(", ", Shape)}] {DType} {Device}";

    /// <summary>The values as libtorch prints them.</summary>
    public string ToDisplayString()
    {
        NativeStatus.Check(TensorInterop.camloss_tensor_to_string(Handle, out var text));
        return Marshal.PtrToStringUTF8(text) ?? string.Empty;
    }

    private unsafe long[] ReadPerDimension(delegate*<TensorHandle, long*, long, int> read)
    {
        var values = new long[Dim];
        fixed (long* p = values)
        {
            NativeStatus.Check(read(Handle, p, values.Length));
        }

        return values;
    }

    /// <summary>Checks a native call that produced a tensor and wraps the result.</summary>
    internal static Tensor Wrap(int status, TensorHandle result)
    {
        if (status != 0)
        {
            result.Dispose();
            NativeStatus.Check(status);
        }

        return new Tensor(result);
    }

    /// <summary>Like <see cref="Wrap"/>, but a null native result (e.g. no gradient) gives null.</summary>
    internal static Tensor? WrapOptional(int status, TensorHandle result)
    {
        if (status == 0 && result.IsInvalid)
        {
            result.Dispose();
            return null;
        }

        return Wrap(status, result);
    }

    /// <summary>The handle of an optional tensor argument.</summary>
    internal static TensorHandle HandleOf(Tensor? tensor) => tensor?.Handle ?? TensorHandle.Null;
}
