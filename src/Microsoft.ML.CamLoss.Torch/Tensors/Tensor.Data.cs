using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public sealed partial class Tensor
{
    /// <summary>Copies every element (row-major, from any device or layout) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> does not match <see cref="DType"/>, or the span has the wrong length.</exception>
    public unsafe void CopyTo<T>(Span<T> destination)
        where T : unmanaged
    {
        var expected = ElementTypes.Of<T>();
        var actual = DType;
        if (expected != actual)
        {
            throw new ArgumentException($"The tensor holds {actual} elements, not {typeof(T).Name}; convert it with To(ScalarType.{expected}) first.");
        }

        fixed (T* d = destination)
        {
            NativeStatus.Check(TensorInterop.camloss_tensor_copy_to(Handle, d, (long)destination.Length * sizeof(T)));
        }
    }

    /// <summary>Every element in row-major order, as a new array.</summary>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        var result = new T[NumberOfElements];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>The value of a one-element tensor as a double.</summary>
    public double ToDouble()
    {
        NativeStatus.Check(TensorInterop.camloss_tensor_item_double(Handle, out var value));
        return value;
    }

    /// <summary>The value of a one-element tensor as a long.</summary>
    public long ToInt64()
    {
        NativeStatus.Check(TensorInterop.camloss_tensor_item_int64(Handle, out var value));
        return value;
    }

    /// <summary>A copy converted to <paramref name="dtype"/> (this tensor itself if it already has that type).</summary>
    public Tensor To(ScalarType dtype) =>
        Wrap(TensorInterop.camloss_tensor_to(Handle, (int)dtype, -1, -1, 0, out var h), h);

    /// <summary>The tensor on <paramref name="device"/> (shares storage if it is already there).</summary>
    /// <exception cref="TorchDeviceUnavailableException">CUDA was requested on a build or machine without it.</exception>
    public Tensor To(Device device, bool nonBlocking = false) =>
        Wrap(TensorInterop.camloss_tensor_to(Handle, -1, (int)device.Type, device.Index, nonBlocking ? 1 : 0, out var h), h);

    /// <summary>A copy in page-locked host memory, for fast asynchronous copies to CUDA.</summary>
    public Tensor PinMemory() => Wrap(TensorInterop.camloss_tensor_pin_memory(Handle, out var h), h);

    /// <summary>A copy with its own storage (recorded by autograd).</summary>
    public Tensor Clone() => Wrap(TensorInterop.camloss_tensor_clone(Handle, out var h), h);

    /// <summary>Fills this tensor in place with uniform samples in [<paramref name="low"/>, <paramref name="high"/>) from libtorch's generator.</summary>
    public Tensor UniformInPlace(double low = 0, double high = 1)
    {
        NativeStatus.Check(TensorInterop.camloss_tensor_random_(0, Handle, low, high));
        return this;
    }

    /// <summary>Fills this tensor in place with normal samples from libtorch's generator.</summary>
    public Tensor NormalInPlace(double mean = 0, double std = 1)
    {
        NativeStatus.Check(TensorInterop.camloss_tensor_random_(1, Handle, mean, std));
        return this;
    }
}
