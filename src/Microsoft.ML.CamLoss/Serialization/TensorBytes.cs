using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.ML.CamLoss.Torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The elements of a tensor as little-endian bytes, bit for bit (NaN payloads, -0 and subnormals
/// kept): the inverse of <see cref="Tensor.FromBytes"/>, for writers of weights files.
/// </summary>
public static class TensorBytes
{
    /// <summary>Every element of <paramref name="tensor"/> (any device, any layout) in row-major order, as little-endian bytes.</summary>
    /// <param name="tensor">A float32, float64, float16, bfloat16, int64, int32, uint8 or bool tensor.</param>
    /// <returns>A new array of <c>NumberOfElements × element size</c> bytes.</returns>
    /// <exception cref="NotSupportedException">Another element type.</exception>
    public static byte[] ToLittleEndian(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Weights files are written on little-endian machines only.");
        }

        var dtype = tensor.DType;
        var bytes = new byte[checked(tensor.NumberOfElements * TensorDTypes.ElementSize(dtype))];
        switch (dtype)
        {
            case ScalarType.Float32: CopyTo<float>(tensor, bytes); break;
            case ScalarType.Float64: CopyTo<double>(tensor, bytes); break;
            case ScalarType.Float16: CopyTo<Half>(tensor, bytes); break;
            case ScalarType.Int64: CopyTo<long>(tensor, bytes); break;
            case ScalarType.Int32: CopyTo<int>(tensor, bytes); break;
            case ScalarType.UInt8: CopyTo<byte>(tensor, bytes); break;
            case ScalarType.Bool: CopyTo<bool>(tensor, bytes); break;
            case ScalarType.BFloat16:
                // No .NET bfloat16: widen to float32 (exact: libtorch shifts the 16 bits up) and keep the high half.
                using (var widened = tensor.To(ScalarType.Float32))
                {
                    var floats = widened.ToArray<float>();
                    for (var i = 0; i < floats.Length; i++)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)(BitConverter.SingleToUInt32Bits(floats[i]) >> 16));
                    }
                }

                break;
            default:
                throw new NotSupportedException($"Element type {dtype} is not supported; use one of {TensorDTypes.SupportedNames}.");
        }

        return bytes;
    }

    private static void CopyTo<T>(Tensor tensor, byte[] bytes)
        where T : unmanaged => tensor.CopyTo(MemoryMarshal.Cast<byte, T>(bytes.AsSpan()));

    /// <summary>Reverses the bytes of each <paramref name="elementSize"/>-byte element (big-endian ↔ little-endian).</summary>
    internal static void ReverseEachElement(Span<byte> data, int elementSize)
    {
        for (var i = 0; i + elementSize <= data.Length; i += elementSize)
        {
            data.Slice(i, elementSize).Reverse();
        }
    }
}
