using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The elements of a tensor as little-endian bytes, bit for bit (NaN payloads, -0 and subnormals
/// kept), and back: how the readers turn checkpoint bytes into TorchSharp tensors and how the
/// writers of weights files read tensors out.
/// </summary>
/// <remarks>
/// Both directions copy raw element bytes between .NET memory and a dense CPU tensor's storage
/// (TorchSharp's <c>Tensor.bytes</c> span), so every supported dtype — bfloat16 included, which has
/// no .NET type — goes through unchanged. libtorch stores elements in the host's byte order; like
/// version 1, this library runs on little-endian hosts only (x64, Arm64).
/// </remarks>
public static class TensorBytes
{
    /// <summary>Every element of <paramref name="tensor"/> (any device, any layout) in row-major order, as little-endian bytes.</summary>
    /// <param name="tensor">A float32, float64, float16, bfloat16, int64, int32, uint8 or bool tensor; it is not changed.</param>
    /// <returns>A new array of <c>NumberOfElements × element size</c> bytes.</returns>
    /// <exception cref="NotSupportedException">Another element type.</exception>
    /// <exception cref="PlatformNotSupportedException">The machine is big-endian.</exception>
    public static byte[] ToLittleEndian(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = torch.NewDisposeScope();
        var dense = Dense(tensor);
        return dense.NumberOfElements == 0 ? [] : dense.bytes.ToArray();
    }

    /// <summary>
    /// A dense CPU tensor with the elements of <paramref name="tensor"/> in row-major order, detached
    /// from autograd: <paramref name="tensor"/> itself when it is already so laid out, else a copy. The
    /// handle is new and belongs to the caller's current dispose scope; read its <c>bytes</c> while it lives.
    /// </summary>
    /// <exception cref="NotSupportedException">An element type the weights formats do not hold.</exception>
    /// <exception cref="PlatformNotSupportedException">The machine is big-endian.</exception>
    internal static Tensor Dense(Tensor tensor)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Weights files are written on little-endian machines only.");
        }

        var dtype = tensor.dtype;
        if (!TensorDTypes.IsSupported(dtype))
        {
            throw new NotSupportedException($"Element type {dtype} is not supported; use one of {TensorDTypes.SupportedNames}.");
        }

        return TorchErrors.Run(() => tensor.detach().cpu().contiguous(), "copying a tensor to the CPU to write it");
    }

    /// <summary>
    /// A new contiguous CPU tensor of <paramref name="dtype"/> and <paramref name="shape"/> holding a copy
    /// of <paramref name="bytes"/> (little-endian elements in row-major order). It belongs to the caller's
    /// current dispose scope, if any, and does not require gradients.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative, or the byte count does not match the shape and dtype.</exception>
    /// <exception cref="NotSupportedException">An element type the readers do not support.</exception>
    /// <exception cref="TorchException">libtorch cannot allocate the tensor (out of memory).</exception>
    internal static Tensor FromLittleEndian(ReadOnlySpan<byte> bytes, long[] shape, ScalarType dtype)
    {
        var expected = ByteCount(shape, dtype);
        if (expected != bytes.Length)
        {
            throw new ArgumentException(
                $"{bytes.Length} bytes do not fill shape [{string.Join(", ", shape)}] of {TensorDTypes.PythonName(dtype)}, which needs {expected?.ToString() ?? "more than 2^63"} bytes.",
                nameof(bytes));
        }

        var tensor = TorchErrors.Run(() => torch.empty(shape, dtype, torch.CPU), $"allocating a [{string.Join(", ", shape)}] {TensorDTypes.PythonName(dtype)} tensor");
        if (!bytes.IsEmpty)
        {
            bytes.CopyTo(tensor.bytes);
        }

        return tensor;
    }

    /// <summary>Reverses the bytes of each <paramref name="elementSize"/>-byte element (big-endian ↔ little-endian).</summary>
    internal static void ReverseEachElement(Span<byte> data, int elementSize)
    {
        for (var i = 0; i + elementSize <= data.Length; i += elementSize)
        {
            data.Slice(i, elementSize).Reverse();
        }
    }

    /// <summary>The bytes a dense tensor of this shape and dtype holds, or null when that overflows 64 bits.</summary>
    /// <exception cref="ArgumentException">A size is negative.</exception>
    private static long? ByteCount(long[] shape, ScalarType dtype)
    {
        if (shape.Any(size => size < 0))
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has a negative size.", nameof(shape));
        }

        if (shape.Contains(0))
        {
            return 0;
        }

        try
        {
            return shape.Aggregate((long)TensorDTypes.ElementSize(dtype), (n, size) => checked(n * size));
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
