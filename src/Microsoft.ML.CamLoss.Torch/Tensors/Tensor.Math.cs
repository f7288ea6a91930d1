using Microsoft.ML.CamLoss.Torch.Interop;

namespace Microsoft.ML.CamLoss.Torch;

public sealed partial class Tensor
{
    /// <summary><c>-x</c>.</summary>
    public Tensor Neg() => Unary(UnaryOp.Neg);

    /// <summary><c>|x|</c>.</summary>
    public Tensor Abs() => Unary(UnaryOp.Abs);

    /// <summary><c>e^x</c>.</summary>
    public Tensor Exp() => Unary(UnaryOp.Exp);

    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Unary(UnaryOp.Log);

    /// <summary><c>log(1 + x)</c>.</summary>
    public Tensor Log1p() => Unary(UnaryOp.Log1p);

    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);

    /// <summary><c>1 / sqrt(x)</c>.</summary>
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);

    /// <summary><c>max(x, 0)</c>.</summary>
    public Tensor Relu() => Unary(UnaryOp.Relu);

    /// <summary><c>1 / (1 + e^-x)</c>.</summary>
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(UnaryOp.Tanh);

    /// <summary>Sine.</summary>
    public Tensor Sin() => Unary(UnaryOp.Sin);

    /// <summary>Cosine.</summary>
    public Tensor Cos() => Unary(UnaryOp.Cos);

    /// <summary>−1, 0 or 1 by the sign of each element.</summary>
    public Tensor Sign() => Unary(UnaryOp.Sign);

    /// <summary>Rounded down.</summary>
    public Tensor Floor() => Unary(UnaryOp.Floor);

    /// <summary>Rounded up.</summary>
    public Tensor Ceil() => Unary(UnaryOp.Ceil);

    /// <summary>Rounded half to even.</summary>
    public Tensor Round() => Unary(UnaryOp.Round);

    /// <summary><c>x²</c>.</summary>
    public Tensor Square() => Unary(UnaryOp.Square);

    /// <summary><c>1 / x</c>.</summary>
    public Tensor Reciprocal() => Unary(UnaryOp.Reciprocal);

    /// <summary>Boolean negation.</summary>
    public Tensor LogicalNot() => Unary(UnaryOp.LogicalNot);

    /// <summary>True where the element is NaN.</summary>
    public Tensor IsNan() => Unary(UnaryOp.IsNan);

    /// <summary>True where the element is neither infinite nor NaN.</summary>
    public Tensor IsFinite() => Unary(UnaryOp.IsFinite);

    /// <summary><c>this + alpha · other</c> in one operation.</summary>
    public Tensor Add(Tensor other, double alpha) => Wrap(MathInterop.camloss_tensor_add_scaled(Handle, other.Handle, alpha, out var h), h);

    /// <summary>Element-wise power.</summary>
    public Tensor Pow(Tensor exponent) => Binary(BinaryOp.Pow, exponent);

    /// <summary>Element-wise power.</summary>
    public Tensor Pow(double exponent) => Binary(BinaryOp.Pow, exponent);

    /// <summary>Element-wise maximum (broadcasting).</summary>
    public Tensor Maximum(Tensor other) => Binary(BinaryOp.Maximum, other);

    /// <summary>Element-wise minimum (broadcasting).</summary>
    public Tensor Minimum(Tensor other) => Binary(BinaryOp.Minimum, other);

    /// <summary>Matrix product with broadcasting (as <c>torch.matmul</c>).</summary>
    public Tensor MatMul(Tensor other) => Binary(BinaryOp.MatMul, other);

    /// <summary>Python-style remainder.</summary>
    public Tensor Remainder(double divisor) => Binary(BinaryOp.Remainder, divisor);

    /// <summary>Boolean: element equals <paramref name="other"/>.</summary>
    public Tensor Eq(Tensor other) => Binary(BinaryOp.Eq, other);

    /// <summary>Boolean: element equals <paramref name="value"/>.</summary>
    public Tensor Eq(double value) => Binary(BinaryOp.Eq, value);

    /// <summary>Boolean: element differs from <paramref name="other"/>.</summary>
    public Tensor Ne(Tensor other) => Binary(BinaryOp.Ne, other);

    /// <summary>Boolean: element is less than <paramref name="other"/>.</summary>
    public Tensor Lt(Tensor other) => Binary(BinaryOp.Lt, other);

    /// <summary>Boolean: element is less than <paramref name="value"/>.</summary>
    public Tensor Lt(double value) => Binary(BinaryOp.Lt, value);

    /// <summary>Boolean: element is at most <paramref name="other"/>.</summary>
    public Tensor Le(Tensor other) => Binary(BinaryOp.Le, other);

    /// <summary>Boolean: element is greater than <paramref name="other"/>.</summary>
    public Tensor Gt(Tensor other) => Binary(BinaryOp.Gt, other);

    /// <summary>Boolean: element is greater than <paramref name="value"/>.</summary>
    public Tensor Gt(double value) => Binary(BinaryOp.Gt, value);

    /// <summary>Boolean: element is at least <paramref name="other"/>.</summary>
    public Tensor Ge(Tensor other) => Binary(BinaryOp.Ge, other);

    /// <summary>Boolean and.</summary>
    public Tensor LogicalAnd(Tensor other) => Binary(BinaryOp.LogicalAnd, other);

    /// <summary>Boolean or.</summary>
    public Tensor LogicalOr(Tensor other) => Binary(BinaryOp.LogicalOr, other);

    /// <summary>Elements limited to [<paramref name="min"/>, <paramref name="max"/>]; a null bound is open.</summary>
    public Tensor Clamp(double? min = null, double? max = null) =>
        Wrap(MathInterop.camloss_tensor_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0, out var h), h);

    /// <summary><paramref name="whenTrue"/> where <paramref name="condition"/> holds, else <paramref name="whenFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor whenTrue, Tensor whenFalse) =>
        Wrap(MathInterop.camloss_tensor_where(condition.Handle, whenTrue.Handle, whenFalse.Handle, out var h), h);

    /// <summary>True when every element is within <c>atol + rtol·|other|</c> of <paramref name="other"/>.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        NativeStatus.Check(MathInterop.camloss_tensor_allclose(Handle, other.Handle, rtol, atol, out var result));
        return result != 0;
    }

    /// <summary>In place: <c>this += alpha · other</c>. Returns this tensor.</summary>
    public Tensor AddInPlace(Tensor other, double alpha = 1) => InPlace(BinaryOp.Add, other, alpha);

    /// <summary>In place: <c>this += value</c>. Returns this tensor.</summary>
    public Tensor AddInPlace(double value) => InPlace(BinaryOp.Add, value);

    /// <summary>In place: <c>this -= alpha · other</c>. Returns this tensor.</summary>
    public Tensor SubInPlace(Tensor other, double alpha = 1) => InPlace(BinaryOp.Sub, other, alpha);

    /// <summary>In place: <c>this *= other</c>. Returns this tensor.</summary>
    public Tensor MulInPlace(Tensor other) => InPlace(BinaryOp.Mul, other, 1);

    /// <summary>In place: <c>this *= value</c>. Returns this tensor.</summary>
    public Tensor MulInPlace(double value) => InPlace(BinaryOp.Mul, value);

    /// <summary>In place: <c>this /= other</c>. Returns this tensor.</summary>
    public Tensor DivInPlace(Tensor other) => InPlace(BinaryOp.Div, other, 1);

    /// <summary>In place: <c>this /= value</c>. Returns this tensor.</summary>
    public Tensor DivInPlace(double value) => InPlace(BinaryOp.Div, value);

    /// <summary>In place: copies <paramref name="source"/> (broadcast, converted) into this tensor. Returns this tensor.</summary>
    public Tensor CopyFrom(Tensor source) => InPlace(BinaryOp.Copy, source, 1);

    /// <summary>In place: every element set to <paramref name="value"/>. Returns this tensor.</summary>
    public Tensor Fill(double value) => InPlace(BinaryOp.Fill, value);

    /// <summary>In place: every element set to zero. Returns this tensor.</summary>
    public Tensor Zero() => InPlace(BinaryOp.Fill, 0);

    /// <summary>In place: <c>max(x, 0)</c>. Returns this tensor.</summary>
    public Tensor ReluInPlace()
    {
        NativeStatus.Check(NnInterop.camloss_relu_(Handle));
        return this;
    }

    private Tensor Unary(UnaryOp op) => Wrap(MathInterop.camloss_tensor_unary(op, Handle, out var h), h);

    private Tensor Binary(BinaryOp op, Tensor other) => Wrap(MathInterop.camloss_tensor_binary(op, Handle, other.Handle, out var h), h);

    private Tensor Binary(BinaryOp op, double scalar) => Wrap(MathInterop.camloss_tensor_binary_scalar(op, Handle, scalar, out var h), h);

    private Tensor InPlace(BinaryOp op, Tensor other, double alpha)
    {
        NativeStatus.Check(MathInterop.camloss_tensor_binary_inplace(op, Handle, other.Handle, alpha));
        return this;
    }

    private Tensor InPlace(BinaryOp op, double scalar)
    {
        NativeStatus.Check(MathInterop.camloss_tensor_scalar_inplace(op, Handle, scalar));
        return this;
    }
}
