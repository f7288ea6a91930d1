using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public sealed partial class Tensor
{
    /// <summary>Element-wise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Binary(BinaryOp.Add, b);

    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(Tensor a, double b) => a.Binary(BinaryOp.Add, b);

    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(double a, Tensor b) => b.Binary(BinaryOp.Add, a);

    /// <summary>Element-wise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Binary(BinaryOp.Sub, b);

    /// <summary>Subtracts a scalar from every element.</summary>
    public static Tensor operator -(Tensor a, double b) => a.Binary(BinaryOp.Sub, b);

    /// <summary>A scalar minus every element.</summary>
    public static Tensor operator -(double a, Tensor b) => b.Binary(BinaryOp.ReverseSub, a);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();

    /// <summary>Element-wise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Binary(BinaryOp.Mul, b);

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => a.Binary(BinaryOp.Mul, b);

    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => b.Binary(BinaryOp.Mul, a);

    /// <summary>Element-wise true division with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Binary(BinaryOp.Div, b);

    /// <summary>Divides every element by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => a.Binary(BinaryOp.Div, b);

    /// <summary>A scalar divided by every element.</summary>
    public static Tensor operator /(double a, Tensor b) => b.Binary(BinaryOp.ReverseDiv, a);
}
