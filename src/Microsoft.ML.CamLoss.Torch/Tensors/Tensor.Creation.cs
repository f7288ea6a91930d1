using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public sealed partial class Tensor
{
    /// <summary>An uninitialised tensor of the given shape.</summary>
    public static unsafe Tensor Empty(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            return Wrap(TensorInterop.camloss_tensor_empty(p, shape.Length, (int)dtype, (int)d.Type, d.Index, requiresGrad ? 1 : 0, out var h), h);
        }
    }

    /// <summary>A tensor of the given shape filled with <paramref name="value"/>.</summary>
    public static unsafe Tensor Full(ReadOnlySpan<long> shape, double value, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            return Wrap(TensorInterop.camloss_tensor_full(p, shape.Length, value, (int)dtype, (int)d.Type, d.Index, requiresGrad ? 1 : 0, out var h), h);
        }
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        Full(shape, 0, dtype, device, requiresGrad);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        Full(shape, 1, dtype, device, requiresGrad);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        Full([], value, dtype, device);

    /// <summary>The values <c>start, start + step, ...</c> below <paramref name="end"/> (as <c>torch.arange</c>).</summary>
    public static Tensor Arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(TensorInterop.camloss_tensor_arange(start, end, step, (int)dtype, (int)d.Type, d.Index, out var h), h);
    }

    /// <summary>Uniform samples in [0, 1) from libtorch's default generator (seed it with <see cref="TorchRuntime.ManualSeed"/>).</summary>
    public static Tensor Rand(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        Random(0, shape, dtype, device, requiresGrad);

    /// <summary>Standard normal samples from libtorch's default generator (seed it with <see cref="TorchRuntime.ManualSeed"/>).</summary>
    public static Tensor Randn(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        Random(1, shape, dtype, device, requiresGrad);

    /// <summary>Integers uniform in [<paramref name="low"/>, <paramref name="high"/>) from libtorch's default generator.</summary>
    public static unsafe Tensor RandInt(long low, long high, ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            return Wrap(TensorInterop.camloss_tensor_randint(low, high, p, shape.Length, (int)dtype, (int)d.Type, d.Index, out var h), h);
        }
    }

    /// <summary>A random permutation of 0 … n−1 (int64) from libtorch's default generator.</summary>
    public static Tensor RandPerm(long n, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Wrap(TensorInterop.camloss_tensor_randperm(n, (int)d.Type, d.Index, out var h), h);
    }

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    /// <exception cref="ArgumentException">The data length does not match the shape.</exception>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var dtype = ElementTypes.Of<T>();
        fixed (T* d = data)
        fixed (long* p = shape)
        {
            return Wrap(TensorInterop.camloss_tensor_from_data(d, (long)data.Length * sizeof(T), p, shape.Length, (int)dtype, out var h), h);
        }
    }

    /// <summary>
    /// A new CPU tensor of <paramref name="dtype"/> whose elements are the little-endian bytes in
    /// <paramref name="bytes"/> (any dtype, including <see cref="ScalarType.BFloat16"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The byte count does not match the shape and dtype.</exception>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, ReadOnlySpan<long> shape, ScalarType dtype)
    {
        fixed (byte* d = bytes)
        fixed (long* p = shape)
        {
            return Wrap(TensorInterop.camloss_tensor_from_data(d, bytes.Length, p, shape.Length, (int)dtype, out var h), h);
        }
    }

    /// <summary>A new 1-dimensional CPU tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray<T>(params T[] data)
        where T : unmanaged => FromSpan<T>(data, [data.Length]);

    private static unsafe Tensor Random(int kind, ReadOnlySpan<long> shape, ScalarType dtype, Device? device, bool requiresGrad)
    {
        var d = device ?? Device.Cpu;
        fixed (long* p = shape)
        {
            return Wrap(TensorInterop.camloss_tensor_random(kind, p, shape.Length, (int)dtype, (int)d.Type, d.Index, requiresGrad ? 1 : 0, out var h), h);
        }
    }
}
