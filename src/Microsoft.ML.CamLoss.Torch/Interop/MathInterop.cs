using System.Runtime.InteropServices;

namespace Microsoft.ML.CamLoss.Torch.Interop;

/// <summary>Native exports of <c>math.cpp</c>: element-wise ops by op code, and reductions.</summary>
internal static unsafe partial class MathInterop
{
    private const string Lib = NativeLibraryName.Value;

    [LibraryImport(Lib)] internal static partial int camloss_tensor_unary(UnaryOp op, TensorHandle x, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_binary(BinaryOp op, TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_binary_scalar(BinaryOp op, TensorHandle a, double scalar, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_binary_inplace(BinaryOp op, TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_scalar_inplace(BinaryOp op, TensorHandle a, double scalar);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_add_scaled(TensorHandle a, TensorHandle b, double alpha, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_clamp(TensorHandle x, int hasMin, double min, int hasMax, double max, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_where(TensorHandle condition, TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_reduce(ReduceOp op, TensorHandle x, long* dims, long ndim, int keepDim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_argmax(TensorHandle x, int hasDim, long dim, int keepDim, out TensorHandle result);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_topk(TensorHandle x, long k, long dim, int largest, int sorted, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Lib)] internal static partial int camloss_tensor_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, out int result);
}

/// <summary>Op codes of <c>camloss_tensor_unary</c> (see <c>math.cpp</c>).</summary>
internal enum UnaryOp
{
    Neg = 0, Abs = 1, Exp = 2, Log = 3, Sqrt = 4, Rsqrt = 5, Relu = 6, Sigmoid = 7, Tanh = 8, Sign = 9,
    Floor = 10, Ceil = 11, Round = 12, Square = 13, Reciprocal = 14, LogicalNot = 15, IsNan = 16,
    IsFinite = 17, Log1p = 18, Sin = 19, Cos = 20,
}

/// <summary>Op codes of the binary exports (see <c>math.cpp</c>); not every code is valid for every export.</summary>
internal enum BinaryOp
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Maximum = 5, Minimum = 6, Eq = 7, Ne = 8, Lt = 9, Le = 10,
    Gt = 11, Ge = 12, LogicalAnd = 13, LogicalOr = 14, MatMul = 15, Remainder = 16,
    Copy = 50, Fill = 51, ReverseSub = 100, ReverseDiv = 101,
}

/// <summary>Op codes of <c>camloss_tensor_reduce</c>.</summary>
internal enum ReduceOp
{
    Sum = 0, Mean = 1, AMin = 2, AMax = 3, Prod = 4, Var = 5, Std = 6, Any = 7, All = 8,
}
