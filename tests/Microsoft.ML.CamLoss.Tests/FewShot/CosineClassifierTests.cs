using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Tests.Losses;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.FewShot;

/// <summary>Baseline++'s cosine classifier against PyTorch (Fixtures/fewshot.json, Reference/generate_fewshot_fixtures.py), and as a backbone's head.</summary>
[TestClass]
public sealed class CosineClassifierTests
{
    private static JsonFixture Fixture => JsonFixture.Open("fewshot.json");

    [TestMethod]
    [DataRow("logits")]
    [DataRow("logits_scale2")]
    public void Logits_FixtureCase_MatchesPyTorchValuesAndGradients(string name)
    {
        using var scope = torch.NewDisposeScope();
        var features = Fixture.Tensor(name, "features").requires_grad_();
        var weight = Fixture.Tensor(name, "weight").requires_grad_();
        var logits = CosineClassifier.Logits(features, weight, Fixture.Get(name, "scale").GetDouble());
        var loss = nn.functional.cross_entropy(logits, Fixture.Tensor(name, "labels"));
        loss.backward();

        // The reference is float64 from the same float32 inputs (Parity's tolerances: float32 over a few terms).
        Parity.Values(Fixture.Tensor(name, "logits"), logits, $"{name} logits");
        Parity.Value(Fixture.Get(name, "loss").GetDouble(), loss, $"{name} loss");
        Parity.Gradient(Fixture.Tensor(name, "grad_features"), features.grad, $"{name} dL/df");
        Parity.Gradient(Fixture.Tensor(name, "grad_weight"), weight.grad, $"{name} dL/dW");
    }

    [TestMethod]
    public void Logits_ZeroFeature_GivesZeroLogitsNotNaN()
    {
        using var scope = torch.NewDisposeScope();
        var logits = CosineClassifier.Logits(torch.zeros(1, 8), torch.randn(3, 8), 10);
        Assert.AreEqual(0f, logits.abs().max().item<float>());
    }

    [TestMethod]
    public void Logits_Batched_MatchesOneClassifierPerEpisode()
    {
        using var scope = torch.NewDisposeScope();
        var logits = CosineClassifier.Logits(Fixture.Tensor("batched", "features"), Fixture.Tensor("batched", "weight"), Fixture.Get("batched", "scale").GetDouble());
        Parity.Values(Fixture.Tensor("batched", "logits"), logits, "batched logits");
    }

    [TestMethod]
    public void Logits_BoundedByScale_AndUnchangedByRowScaling()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var (features, weight) = (torch.randn(5, 16), torch.randn(4, 16));
        var logits = CosineClassifier.Logits(features, weight, 10);
        var rowScaled = CosineClassifier.Logits(features * 7, weight * torch.tensor(new float[] { 0.1f, 2, 30, 5 }).unsqueeze(1), 10);
        Assert.IsTrue(logits.abs().max().item<float>() <= 10 + 1e-5);
        Assert.IsTrue(logits.allclose(rowScaled, rtol: 1e-5, atol: 1e-5), "a cosine does not depend on the vectors' lengths");
    }

    [TestMethod]
    public void Logits_BadShapesOrScale_ThrowArgumentExceptions()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.ThrowsExactly<ArgumentException>(() => CosineClassifier.Logits(torch.zeros(2, 8), torch.zeros(3, 9), 10));
        Assert.Contains("[2, 8]", error.Message);
        Assert.Contains("[3, 9]", error.Message);
        Assert.ThrowsExactly<ArgumentException>(() => CosineClassifier.Logits(torch.zeros(2, 2, 8), torch.zeros(3, 3, 8), 10));
        Assert.ThrowsExactly<ArgumentException>(() => CosineClassifier.Logits(torch.zeros(2, 8, dtype: ScalarType.Float64), torch.zeros(3, 8), 10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CosineClassifier.Logits(torch.zeros(2, 8), torch.zeros(3, 8), 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CosineClassifier.Logits(torch.zeros(2, 8), torch.zeros(3, 8), double.NaN));
    }

    [TestMethod]
    public void UseCosineClassifier_Forward_GivesScaledCosineOfPooledLastFeatures()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var network = new CifarResNet(8, numClasses: 5);
        network.UseCosineClassifier(scale: 4);
        network.eval();
        using var output = network.forward(torch.randn(3, 3, 16, 16));

        var expected = CosineClassifier.Logits(output.Last.mean([2, 3]), network.Classifier.weight, 4);
        Assert.IsTrue(output.Logits.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.AreEqual(4.0, network.CosineScale);
    }

    [TestMethod]
    public void UseCosineClassifier_KeepsTheWeightDropsTheBias()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var network = new CifarResNet(8, numClasses: 5);
        var before = network.Classifier.weight.detach().clone();
        var keys = network.state_dict().Keys.ToList();

        network.UseCosineClassifier();

        Assert.IsTrue(network.Classifier.weight.Equals(before), "the head's weight values are kept");
        Assert.IsNull(network.Classifier.bias);
        CollectionAssert.AreEqual(keys.Where(k => k != "linear.bias").ToList(), network.state_dict().Keys.ToList(), "state dict = the linear network's without the head's bias, same order");
        Assert.AreEqual(CosineClassifier.DefaultScale, network.CosineScale);
    }

    [TestMethod]
    public void CamTerm_CosineHead_RawOrNormalisedWeightsGiveTheSameLossAndGradient()
    {
        // The cosine head's CAM is that of the row-normalised weights; min-max normalisation removes the
        // positive factor ‖W_y‖, so L_cam with the raw head weight equals L_cam with Ŵ (float32 rounding apart).
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        var loss = new CamLossFunction();
        var labels = torch.randint(0, 6, [8], dtype: ScalarType.Int64);
        var weight = torch.randn(6, 16) * torch.rand(6, 1) * 5;
        var features = torch.randn(8, 16, 4, 4).relu().requires_grad_();
        var raw = loss.CamTerm(features, weight, labels);
        var rawGradient = torch.autograd.grad([raw], [features], allow_unused: true)[0];
        var normalised = loss.CamTerm(features, CosineClassifier.Normalize(weight), labels);
        var normalisedGradient = torch.autograd.grad([normalised], [features], allow_unused: true)[0];

        Assert.AreEqual(raw.item<float>(), normalised.item<float>(), 1e-6);
        Assert.IsTrue(rawGradient.allclose(normalisedGradient, rtol: 1e-4, atol: 1e-7));
    }

    [TestMethod]
    public void Cam_CosineHead_SpatialMeanTimesScaleOverFeatureNormIsTheLogit()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        using var network = new CifarResNet(8, numClasses: 4);
        network.UseCosineClassifier(scale: 10);
        network.eval();
        using var output = network.forward(torch.randn(2, 3, 16, 16));
        var classes = torch.tensor(new long[] { 1, 3 });

        var cams = ActivationMaps.Cam(output.Last, CosineClassifier.Normalize(network.Classifier.weight), classes);   // [B, H, W]
        var pooledNorm = output.Last.mean([2, 3]).norm(1);
        var fromCam = cams.mean([1, 2]) * 10 / pooledNorm;
        var logits = output.Logits.gather(1, classes.unsqueeze(1)).squeeze(1);
        Assert.IsTrue(fromCam.allclose(logits, rtol: 1e-4, atol: 1e-6));
    }
}
