namespace Microsoft.ML.CamLoss.Torch;

/// <summary>Element types of a tensor; the values are libtorch's <c>c10::ScalarType</c> codes.</summary>
public enum ScalarType
{
    /// <summary>Unsigned 8-bit integer (<c>torch.uint8</c>); .NET <see cref="byte"/>.</summary>
    UInt8 = 0,

    /// <summary>Signed 32-bit integer (<c>torch.int32</c>); .NET <see cref="int"/>.</summary>
    Int32 = 3,

    /// <summary>Signed 64-bit integer (<c>torch.int64</c>), the type of class labels; .NET <see cref="long"/>.</summary>
    Int64 = 4,

    /// <summary>IEEE half precision (<c>torch.float16</c>); .NET <see cref="Half"/>.</summary>
    Float16 = 5,

    /// <summary>Single precision (<c>torch.float32</c>), the default; .NET <see cref="float"/>.</summary>
    Float32 = 6,

    /// <summary>Double precision (<c>torch.float64</c>); .NET <see cref="double"/>.</summary>
    Float64 = 7,

    /// <summary>Boolean (<c>torch.bool</c>); .NET <see cref="bool"/>.</summary>
    Bool = 11,

    /// <summary>Brain floating point (<c>torch.bfloat16</c>); no .NET type: convert with <see cref="Tensor.To(ScalarType)"/>.</summary>
    BFloat16 = 15,
}
