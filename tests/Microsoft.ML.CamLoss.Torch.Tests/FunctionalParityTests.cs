using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Torch.Tests;

/// <summary>Functional ops, autograd.grad and schedules against PyTorch 1.13 (Fixtures/foundation.json).</summary>
[TestClass]
public sealed class FunctionalParityTests
{
    private const double Tolerance = 1e-5;

    [TestMethod]
    public void ResizePadPool_MatchTorchNnFunctional()
    {
        using var scope = new TensorScope();
        var x = Fixture.Load("functional", "x");
        Check("bilinear_7x9", Functional.InterpolateBilinear(x, 7, 9));
        Check("bilinear_aligned_7x9", Functional.InterpolateBilinear(x, 7, 9, alignCorners: true));
        Check("bilinear_antialias_3x2", Functional.InterpolateBilinear(x, 3, 2, antialias: true));
        Check("pad_reflect_1122", Functional.Pad(x, [1, 1, 2, 2], PaddingMode.Reflect));
        Check("pad_constant_2011", Functional.Pad(x, [2, 0, 1, 1], value: 0.5));
        Check("avg_pool_3_2_1", Functional.AvgPool2d(x, 3, 2, 1));
        Check("max_pool_2", Functional.MaxPool2d(x, 2));
        Check("adaptive_avg_2x3", Functional.AdaptiveAvgPool2d(x, 2, 3));
        Check("adaptive_max_1x1", Functional.AdaptiveMaxPool2d(x));
    }

    [TestMethod]
    public void SoftmaxAndLosses_MatchTorchNnFunctional()
    {
        using var scope = new TensorScope();
        var logits = Fixture.Load("functional", "logits");
        var labels = Fixture.Load("functional", "labels");
        var soft = Fixture.Load("functional", "soft_targets");
        var (a, b) = (Fixture.Load("functional", "a"), Fixture.Load("functional", "b"));
        Check("softmax_dim1", Functional.Softmax(logits, 1));
        Check("log_softmax_dim1", Functional.LogSoftmax(logits, 1));
        Scalar("cross_entropy_hard", Functional.CrossEntropy(logits, labels));
        Scalar("cross_entropy_soft", Functional.CrossEntropy(logits, soft));
        Scalar("cross_entropy_smoothed", Functional.CrossEntropy(logits, labels, labelSmoothing: 0.1));
        Scalar("nll", Functional.NllLoss(Functional.LogSoftmax(logits, 1), labels));
        Scalar("kl_div_batchmean", Functional.KlDiv(Functional.LogSoftmax(logits, 1), soft));
        Scalar("l1", Functional.L1Loss(a, b));
        Scalar("mse_sum", Functional.MseLoss(a, b, Reduction.Sum));
    }

    [TestMethod]
    public void SeededRandom_SameSeedAsPyTorch_GivesIdenticalSamples()
    {
        using var scope = new TensorScope();
        TorchRuntime.ManualSeed(7);
        TensorAssert.Equal(Fixture.Load("functional", "randn_seed7_2x3"), Tensor.Randn([2, 3]), "randn");
        TorchRuntime.ManualSeed(7);
        TensorAssert.Equal(Fixture.Load("functional", "rand_seed7_4"), Tensor.Rand([4]), "rand");
    }

    [TestMethod]
    public void AutogradGrad_CreateGraph_GivesPyTorchSecondOrderGradient()
    {
        using var scope = new TensorScope();
        var w = Fixture.Load("autograd", "w").RequiresGradInPlace();
        var x = Fixture.Load("autograd", "x");
        var z = x.MatMul(w.Transpose(0, 1)).Tanh().Sum();
        var g = Autograd.Grad([z], [w], createGraph: true)[0]!;
        TensorAssert.Close(Fixture.Load("autograd", "grad"), g, Tolerance, Tolerance, "first-order grad");
        var gg = Autograd.Grad([g.Square().Sum()], [w])[0]!;
        TensorAssert.Close(Fixture.Load("autograd", "grad_of_grad_norm"), gg, Tolerance, Tolerance, "second-order grad");
        Assert.IsNull(w.Grad, "autograd.grad must not accumulate into .grad");
    }

    [TestMethod]
    public void CosineSchedule_WithMinFactor_MatchesCosineAnnealingLR()
    {
        var expected = Fixture.Get("schedules", "cosine_T10_min0.1").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var schedule = new CosineSchedule(totalSteps: 10, minFactor: 0.1);
        for (var step = 0; step <= 10; step++)
        {
            Assert.AreEqual(expected[step], schedule.GetFactor(step), 1e-9, $"step {step}");
        }
    }

    private static void Check(string name, Tensor actual) =>
        TensorAssert.Close(Fixture.Load("functional", name), actual, Tolerance, Tolerance, name);

    private static void Scalar(string name, Tensor actual) =>
        TensorAssert.RelativelyClose(Fixture.Get("functional", name).GetDouble(), actual.ToDouble(), Tolerance, name);
}
