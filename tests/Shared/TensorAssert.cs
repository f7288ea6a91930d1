using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Testing;

/// <summary>Tensor comparisons with messages that say where and by how much.</summary>
public static class TensorAssert
{
    /// <summary>Same shape and every element within <c>atol + rtol·|expected|</c>.</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol, double atol, string what)
    {
        CollectionAssert.AreEqual(expected.Shape, actual.Shape, $"{what}: shape");
        using var e = expected.To(ScalarType.Float64);
        using var a = actual.To(ScalarType.Float64);
        var ev = e.ToArray<double>();
        var av = a.ToArray<double>();
        var worst = 0.0;
        var worstIndex = -1;
        for (var i = 0; i < ev.Length; i++)
        {
            var excess = Math.Abs(av[i] - ev[i]) - (atol + (rtol * Math.Abs(ev[i])));
            if (excess > worst || double.IsNaN(av[i]))
            {
                (worst, worstIndex) = (double.IsNaN(av[i]) ? double.PositiveInfinity : excess, i);
            }
        }

        Assert.AreEqual(-1, worstIndex, $"{what}: element {worstIndex} is {(worstIndex >= 0 ? av[worstIndex] : 0)}, expected {(worstIndex >= 0 ? ev[worstIndex] : 0)} (rtol {rtol}, atol {atol})");
    }

    /// <summary>Bit-for-bit equal values and shape.</summary>
    public static void Equal(Tensor expected, Tensor actual, string what) => Close(expected, actual, 0, 0, what);

    /// <summary>|actual − expected| ≤ rtol·|expected|.</summary>
    public static void RelativelyClose(double expected, double actual, double rtol, string what) =>
        Assert.IsTrue(Math.Abs(actual - expected) <= rtol * Math.Abs(expected), $"{what}: {actual} vs expected {expected} (rtol {rtol})");
}
