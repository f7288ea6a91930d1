using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Testing;

/// <summary>Tensor comparisons with messages that say where and by how much.</summary>
public static class TensorAssert
{
    /// <summary>Same shape and every element within <c>atol + rtol·|expected|</c> (compared in float64 on the CPU; NaN never passes).</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol, double atol, string what)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shape");
        var ev = Values(expected);
        var av = Values(actual);
        var worst = 0.0;
        var worstIndex = -1;
        for (var i = 0; i < ev.Length; i++)
        {
            var excess = Math.Abs(av[i] - ev[i]) - (atol + (rtol * Math.Abs(ev[i])));
            if (excess > worst || double.IsNaN(av[i]) || double.IsNaN(ev[i]))
            {
                (worst, worstIndex) = (double.IsNaN(excess) ? double.PositiveInfinity : excess, i);
            }
        }

        Assert.AreEqual(-1, worstIndex, $"{what}: element {worstIndex} is {(worstIndex >= 0 ? av[worstIndex] : 0)}, expected {(worstIndex >= 0 ? ev[worstIndex] : 0)} (rtol {rtol}, atol {atol})");
    }

    /// <summary>Bit-for-bit equal values and shape.</summary>
    public static void Equal(Tensor expected, Tensor actual, string what) => Close(expected, actual, 0, 0, what);

    /// <summary>|actual − expected| ≤ rtol·|expected|.</summary>
    public static void RelativelyClose(double expected, double actual, double rtol, string what) =>
        Assert.IsTrue(Math.Abs(actual - expected) <= rtol * Math.Abs(expected), $"{what}: {actual} vs expected {expected} (rtol {rtol})");

    /// <summary>The elements in row-major order as float64, read without touching autograd or the caller's dispose scope.</summary>
    private static double[] Values(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return tensor.detach().cpu().to(ScalarType.Float64).contiguous().data<double>().ToArray();
    }
}
