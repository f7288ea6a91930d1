using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>
/// TorchSharp's functional ops, seeded draws and <c>autograd.grad</c>, and our cosine schedule, against
/// PyTorch 1.13 (Fixtures/foundation.json). Tolerance 1e-5 relative and absolute, as in v1 (measured on
/// libtorch 2.10: at most 3.6e-7 absolute, in bilinear resizing and the second-order gradient; pads, pools,
/// softmax and the losses are exact).
/// </summary>
[TestClass]
public sealed class FunctionalParityTests
{
    private const double Tolerance = 1e-5;

    [TestMethod]
    public void ResizePadPool_MatchTorchNnFunctional()
    {
        using var scope = torch.NewDisposeScope();
        var x = FoundationFixture.Load("functional", "x");
        Check("bilinear_7x9", nn.functional.interpolate(x, [7, 9], mode: InterpolationMode.Bilinear, align_corners: false));
        Check("bilinear_aligned_7x9", nn.functional.interpolate(x, [7, 9], mode: InterpolationMode.Bilinear, align_corners: true));
        Check("bilinear_antialias_3x2", nn.functional.interpolate(x, [3, 2], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true));
        Check("pad_reflect_1122", nn.functional.pad(x, [1, 1, 2, 2], PaddingModes.Reflect));
        Check("pad_constant_2011", nn.functional.pad(x, [2, 0, 1, 1], value: 0.5));
        Check("avg_pool_3_2_1", nn.functional.avg_pool2d(x, [3, 3], stride: [2, 2], padding: [1, 1]));
        Check("max_pool_2", nn.functional.max_pool2d(x, [2, 2]));
        Check("adaptive_avg_2x3", nn.functional.adaptive_avg_pool2d(x, [2, 3]));
        Check("adaptive_max_1x1", nn.functional.adaptive_max_pool2d(x, [1, 1]));
    }

    [TestMethod]
    public void SoftmaxAndLosses_MatchTorchNnFunctional()
    {
        using var scope = torch.NewDisposeScope();
        var logits = FoundationFixture.Load("functional", "logits");
        var labels = FoundationFixture.Load("functional", "labels");
        var soft = FoundationFixture.Load("functional", "soft_targets");
        var (a, b) = (FoundationFixture.Load("functional", "a"), FoundationFixture.Load("functional", "b"));
        var logProbabilities = nn.functional.log_softmax(logits, 1);
        Check("softmax_dim1", nn.functional.softmax(logits, 1));
        Check("log_softmax_dim1", logProbabilities);
        Scalar("cross_entropy_hard", nn.functional.cross_entropy(logits, labels));
        Scalar("cross_entropy_soft", nn.functional.cross_entropy(logits, soft));
        Scalar("cross_entropy_smoothed", nn.functional.cross_entropy(logits, labels, label_smoothing: 0.1));
        Scalar("nll", nn.functional.nll_loss(logProbabilities, labels));

        // TorchSharp's kl_div defaults to log_target = true (PyTorch: false) and has no "batchmean":
        // PyTorch's kl_div(reduction="batchmean") is the sum divided by the batch size.
        Scalar("kl_div_batchmean", nn.functional.kl_div(logProbabilities, soft, log_target: false, reduction: nn.Reduction.Sum) / logits.shape[0]);
        Scalar("l1", nn.functional.l1_loss(a, b));
        Scalar("mse_sum", nn.functional.mse_loss(a, b, nn.Reduction.Sum));
    }

    [TestMethod]
    public void SeededRandom_SameSeedAsPyTorch_GivesIdenticalSamples()
    {
        // libtorch 2.10's CPU generator reproduces PyTorch 1.13's draws bit for bit.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        TensorAssert.Equal(FoundationFixture.Load("functional", "randn_seed7_2x3"), torch.randn(2, 3), "randn");
        torch.manual_seed(7);
        TensorAssert.Equal(FoundationFixture.Load("functional", "rand_seed7_4"), torch.rand(4), "rand");
    }

    [TestMethod]
    public void AutogradGrad_CreateGraph_GivesPyTorchSecondOrderGradient()
    {
        using var scope = torch.NewDisposeScope();
        var w = FoundationFixture.Load("autograd", "w").requires_grad_();
        var x = FoundationFixture.Load("autograd", "x");
        var z = x.mm(w.t()).tanh().sum();   // [2, 4]·[4, 3]; mm, not matmul, which aborts the process on a shape error

        // TorchSharp 0.107 does not default retain_graph to create_graph (PyTorch does), and its native
        // autograd.grad has no error handler: backward through a freed graph aborts the process. Pass both.
        var g = torch.autograd.grad([z], [w], create_graph: true, retain_graph: true)[0];
        TensorAssert.Close(FoundationFixture.Load("autograd", "grad"), g, Tolerance, Tolerance, "first-order grad");
        var gg = torch.autograd.grad([g.square().sum()], [w])[0];
        TensorAssert.Close(FoundationFixture.Load("autograd", "grad_of_grad_norm"), gg, Tolerance, Tolerance, "second-order grad");
        Assert.IsNull(w.grad, "autograd.grad must not accumulate into .grad");
    }

    [TestMethod]
    public void CosineSchedule_WithMinFactor_MatchesCosineAnnealingLR()
    {
        var expected = FoundationFixture.Get("schedules", "cosine_T10_min0.1").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var schedule = new CosineSchedule(totalSteps: 10, minFactor: 0.1);
        for (var step = 0; step <= 10; step++)
        {
            // 1e-9: both sides evaluate the same closed form in float64 (PyTorch's recursive form drifts ~1e-16).
            Assert.AreEqual(expected[step], schedule.GetFactor(step), 1e-9, $"step {step}");
        }
    }

    private static void Check(string name, Tensor actual) =>
        TensorAssert.Close(FoundationFixture.Load("functional", name), actual, Tolerance, Tolerance, name);

    private static void Scalar(string name, Tensor actual) =>
        TensorAssert.RelativelyClose(FoundationFixture.Get("functional", name).GetDouble(), actual.item<float>(), Tolerance, name);
}
