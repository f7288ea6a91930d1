using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Serialization;

/// <summary>
/// The element types the readers and writers support, and their names in each file format:
/// PyTorch's storage classes, safetensors' dtype codes, and Python's dtype names for messages.
/// </summary>
/// <remarks>TorchSharp calls PyTorch's <c>torch.uint8</c> <see cref="ScalarType.Byte"/>; the numeric codes are libtorch's own
/// (<c>c10::ScalarType</c>), the same as in version 1 of this library, so weights files written then read unchanged.</remarks>
internal static class TensorDTypes
{
    private static readonly (ScalarType Type, string Python, string Storage, string SafeTensors)[] s_table =
    [
        (ScalarType.Float32, "float32", "FloatStorage", "F32"),
        (ScalarType.Float64, "float64", "DoubleStorage", "F64"),
        (ScalarType.Float16, "float16", "HalfStorage", "F16"),
        (ScalarType.BFloat16, "bfloat16", "BFloat16Storage", "BF16"),
        (ScalarType.Int64, "int64", "LongStorage", "I64"),
        (ScalarType.Int32, "int32", "IntStorage", "I32"),
        (ScalarType.Byte, "uint8", "ByteStorage", "U8"),
        (ScalarType.Bool, "bool", "BoolStorage", "BOOL"),
    ];

    /// <summary>The supported element types, for messages: <c>float32, float64, ...</c>.</summary>
    public static string SupportedNames => string.Join(", ", s_table.Select(e => e.Python));

    /// <summary>True for an element type every reader and writer here supports.</summary>
    public static bool IsSupported(ScalarType dtype) => s_table.Any(e => e.Type == dtype);

    /// <summary>Size in bytes of one element.</summary>
    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Byte or ScalarType.Bool => 1,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float64 or ScalarType.Int64 => 8,
        _ => throw new NotSupportedException($"Element type {dtype} is not supported; use one of {SupportedNames}."),
    };

    /// <summary>True for the floating-point types (which can require gradients).</summary>
    public static bool IsFloatingPoint(ScalarType dtype) =>
        dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>PyTorch's name, e.g. <c>float32</c>.</summary>
    public static string PythonName(ScalarType dtype) =>
        s_table.FirstOrDefault(e => e.Type == dtype).Python ?? dtype.ToString();

    /// <summary>The element type of a storage class name such as <c>FloatStorage</c>, or null.</summary>
    public static ScalarType? FromStorageClass(string name) =>
        s_table.Where(e => e.Storage == name).Select(e => (ScalarType?)e.Type).FirstOrDefault();

    /// <summary>The element type of a safetensors dtype code such as <c>F32</c>, or null.</summary>
    public static ScalarType? FromSafeTensorsCode(string code) =>
        s_table.Where(e => e.SafeTensors == code).Select(e => (ScalarType?)e.Type).FirstOrDefault();
}
