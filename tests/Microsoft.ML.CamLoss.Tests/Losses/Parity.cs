using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Losses;

/// <summary>
/// Comparisons with the PyTorch reference. The reference is computed in float64 from the same float32
/// inputs; our losses run in float32. Relative error: <c>|a − e| / |e|</c> for scalars and
/// <c>max|a − e| / max|e|</c> (∞-norm) for tensors, so that elements near zero do not dominate.
/// Every comparison prints its error (<c>dotnet test --logger "console;verbosity=detailed"</c> shows them).
/// </summary>
public static class Parity
{
    /// <summary>Loss values: float32 arithmetic over a few hundred terms stays well inside 1e-5.</summary>
    public const double ValueTolerance = 1e-5;

    /// <summary>Gradients: chained float32 products (normalisation, sigmoid with ω = 100) stay inside 1e-4.</summary>
    public const double GradientTolerance = 1e-4;

    /// <summary>A scalar tensor against the reference value.</summary>
    public static double Value(double expected, Tensor actual, string what)
    {
        var value = actual.item<float>();
        var error = expected == 0 ? Math.Abs(value) : Math.Abs(value - expected) / Math.Abs(expected);
        Record(error, what, gradient: false);
        Assert.IsTrue(error <= ValueTolerance, $"{what}: {value} vs expected {expected} (relative error {error:E2} > {ValueTolerance:E0})");
        return error;
    }

    /// <summary>A map or other tensor of values against the reference.</summary>
    public static double Values(Tensor expected, Tensor actual, string what) => Compare(expected, actual, what, gradient: false);

    /// <summary>A gradient against the reference (null means "no gradient": it must then be zero).</summary>
    public static double Gradient(Tensor expected, Tensor? actual, string what)
    {
        Assert.IsNotNull(actual, $"{what}: no gradient reached the tensor");
        return Compare(expected, actual, what, gradient: true);
    }

    /// <summary>The relative error, as defined above.</summary>
    public static double RelativeError(Tensor expected, Tensor actual)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var e = expected.detach().to(ScalarType.Float64).contiguous();
        var a = actual.detach().to(ScalarType.Float64).contiguous();
        var ev = e.data<double>().ToArray();
        var av = a.data<double>().ToArray();
        double scale = 0, worst = 0;
        for (var i = 0; i < ev.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(ev[i]));
            worst = Math.Max(worst, Math.Abs(av[i] - ev[i]));
        }

        return scale == 0 ? worst : worst / scale;
    }

    private static double Compare(Tensor expected, Tensor actual, string what, bool gradient)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shape");
        var error = RelativeError(expected, actual);
        Record(error, what, gradient);
        var tolerance = gradient ? GradientTolerance : ValueTolerance;
        Assert.IsTrue(error <= tolerance, $"{what}: relative error {error:E2} > {tolerance:E0}");
        return error;
    }

    private static void Record(double error, string what, bool gradient) =>
        Console.WriteLine($"parity {(gradient ? "gradient" : "value")} {what}: relative error {error:E2}");
}
