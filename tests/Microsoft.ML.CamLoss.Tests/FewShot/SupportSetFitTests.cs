using Microsoft.ML.CamLoss.FewShot;
using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.FewShot;

/// <summary>The per-episode classifier fit against PyTorch's SGD (Fixtures/fewshot.json "fit": one optimiser per episode).</summary>
[TestClass]
public sealed class SupportSetFitTests
{
    [TestMethod]
    public void Fit_GivenStartAndOrder_MatchesPyTorchSgdWithMomentumDampeningAndDecay()
    {
        using var scope = torch.NewDisposeScope();
        var fixture = JsonFixture.Open("fewshot.json");
        int Number(string name) => fixture.Get("fit", name).GetInt32();
        var (way, shot) = (Number("way"), Number("shot"));
        var orders = fixture.Tensor("fit", "orders");   // [E, epochs, N·K]
        var options = new FewShotOptions { FitEpochs = Number("epochs"), FitBatchSize = Number("batch_size") };

        var fitted = SupportSetFit.Fit(
            fixture.Tensor("fit", "support"), way, shot, fixture.Tensor("fit", "initial"),
            (e, epoch) => [.. orders[e, epoch].data<long>().ToArray().Select(i => (int)i)], fixture.Get("fit", "scale").GetDouble(), options);

        // 5 passes of 3 steps of float32 SGD against PyTorch's float32 SGD: agreement to float32 rounding, accumulated.
        var expected = fixture.Tensor("fit", "fitted");
        Assert.IsTrue(fitted.allclose(expected, rtol: 1e-5, atol: 1e-6), $"max difference {(fitted - expected).abs().max().item<float>()}");
    }

    [TestMethod]
    public void Fit_EpisodesTogetherOrAlone_SameWeights()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(6);
        var support = torch.randn(4, 10, 12).relu();   // 4 episodes, 5-way 2-shot, 12 features
        var options = new FewShotOptions { FitEpochs = 20 };
        var together = SupportSetFit.Fit(support, 5, 2, [10, 11, 12, 13], 10, options, seed: 3);
        for (var e = 0; e < 4; e++)
        {
            var alone = SupportSetFit.Fit(support.narrow(0, e, 1), 5, 2, [10 + e], 10, options, seed: 3);
            Assert.IsTrue(alone[0].allclose(together[e], rtol: 1e-5, atol: 1e-6), $"episode {e}");
        }
    }

    [TestMethod]
    public void Fit_SeparableClusters_ClassifiesQueriesRight()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var centres = torch.randn(5, 32) * 3;
        Tensor Around(int perClass) => (centres.repeat_interleave(perClass, 0) + torch.randn(5 * perClass, 32)).unsqueeze(0);   // class-major
        var weight = SupportSetFit.Fit(Around(1), 5, 1, [0], 10, new FewShotOptions(), seed: 1);

        var predicted = CosineClassifier.Logits(Around(15), weight, 10).argmax(-1);
        var truth = torch.arange(5).repeat_interleave(15).unsqueeze(0);
        Assert.AreEqual(1.0, predicted.eq(truth).to(ScalarType.Float64).mean().item<double>(), 0.03, "one support image per well-separated class is enough");
    }

    [TestMethod]
    public void Fit_Repeated_ReleasesItsTensors()
    {
        // Every tensor a fit makes (weights, gradients, momentum, batches) is released when it returns but
        // the weights it hands back; TorchSharp 0.107 keeps +1 in Tensor.TotalCount per Parameter ever
        // created (one per fit), so the count may grow by exactly one per call.
        using var support = torch.randn(3, 10, 12);
        var options = new FewShotOptions { FitEpochs = 3 };
        SupportSetFit.Fit(support, 5, 2, [0, 1, 2], 10, options, seed: 1).Dispose();
        var before = Tensor.TotalCount;
        for (var i = 0; i < 5; i++)
        {
            SupportSetFit.Fit(support, 5, 2, [0, 1, 2], 10, options, seed: 1).Dispose();
        }

        Assert.AreEqual(before + 5, Tensor.TotalCount);
    }
}
