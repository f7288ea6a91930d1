namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Maps a .NET element type to its <see cref="ScalarType"/>.</summary>
internal static class ElementTypes
{
    /// <summary>The scalar type whose elements have the layout of <typeparamref name="T"/>.</summary>
    public static ScalarType Of<T>()
        where T : unmanaged => default(T) switch
        {
            float => ScalarType.Float32,
            double => ScalarType.Float64,
            long => ScalarType.Int64,
            int => ScalarType.Int32,
            byte => ScalarType.UInt8,
            bool => ScalarType.Bool,
            Half => ScalarType.Float16,
            _ => throw new NotSupportedException(
                $"{typeof(T).Name} has no tensor element type; use float, double, long, int, byte, bool or Half."),
        };

    /// <summary>Size in bytes of one element.</summary>
    public static int SizeOf(ScalarType type) => type switch
    {
        ScalarType.UInt8 or ScalarType.Bool => 1,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        _ => 8,
    };
}
