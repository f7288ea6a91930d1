using Microsoft.ML.CamLoss.Losses;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Losses;

[TestClass]
public sealed class CamLossTests
{
    [TestMethod]
    [DataRow("cam_loss_b1", "l1")]
    [DataRow("cam_loss_b1", "l2")]
    [DataRow("cam_loss_b64", "l1")]
    [DataRow("cam_loss_b64", "l2")]
    public void Compute_FixtureCase_MatchesPyTorchValuesAndGradients(string name, string distance)
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, bias) = (Input(name, "features"), Input(name, "weight"), Input(name, "bias"));
        var labels = LossFixture.Load(name, "inputs", "labels");
        var logits = Head(features, weight, bias);
        var loss = new CamLossFunction(new CamLossFunction.Options { Distance = Distance(distance) });
        using var result = loss.Compute(features, weight, logits, labels, LossFixture.Number(name, "alpha"));
        result.Total.backward();

        var what = $"{name}/{distance}";
        Parity.Value(LossFixture.Number(name, distance, "total"), result.Total, $"{what} total");
        Parity.Value(LossFixture.Number(name, distance, "ce"), result.CrossEntropy, $"{what} ce");
        Parity.Value(LossFixture.Number(name, distance, "cam"), result.Cam, $"{what} cam");
        Parity.Gradient(LossFixture.Load(name, distance, "grad_features"), features.grad, $"{what} dL/dF");
        Parity.Gradient(LossFixture.Load(name, distance, "grad_weight"), weight.grad, $"{what} dL/dW");
        Parity.Gradient(LossFixture.Load(name, distance, "grad_bias"), bias.grad, $"{what} dL/db");
    }

    [TestMethod]
    [DataRow("l1")]
    [DataRow("l2")]
    public void Compute_MixedLabelsFixture_MatchesPyTorchValuesAndGradients(string distance)
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, bias) = (Input("mixed", "features"), Input("mixed", "weight"), Input("mixed", "bias"));
        var labels = new MixedLabels(LossFixture.Load("mixed", "inputs", "first"), LossFixture.Load("mixed", "inputs", "second"), LossFixture.Load("mixed", "inputs", "lambda"));
        var loss = new CamLossFunction(new CamLossFunction.Options { Distance = Distance(distance) });
        using var result = loss.Compute(features, weight, Head(features, weight, bias), labels, LossFixture.Number("mixed", "alpha"));
        result.Total.backward();

        var what = $"mixed/{distance}";
        Parity.Value(LossFixture.Number("mixed", distance, "total"), result.Total, $"{what} total");
        Parity.Value(LossFixture.Number("mixed", distance, "ce"), result.CrossEntropy, $"{what} ce");
        Parity.Value(LossFixture.Number("mixed", distance, "cam"), result.Cam, $"{what} cam");
        Parity.Gradient(LossFixture.Load("mixed", distance, "grad_features"), features.grad, $"{what} dL/dF");
        Parity.Gradient(LossFixture.Load("mixed", distance, "grad_weight"), weight.grad, $"{what} dL/dW");
        Parity.Gradient(LossFixture.Load("mixed", distance, "grad_bias"), bias.grad, $"{what} dL/db");
    }

    [TestMethod]
    [DataRow(MapDistance.L1)]
    [DataRow(MapDistance.L2)]
    public void CamTerm_Backward_ClassifierWeightGetsExactlyZeroGradient(MapDistance distance)
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(8, 5, 4, 4, 7);
        features.requires_grad_();
        weight.requires_grad_();
        new CamLossFunction(new CamLossFunction.Options { Distance = distance }).CamTerm(features, weight, labels).backward();
        Assert.IsTrue(weight.grad is null || weight.grad.abs().sum().item<float>() == 0, "L_cam must not reach W");
        Assert.IsTrue(features.grad!.abs().sum().item<float>() > 0, "L_cam reaches the backbone");
    }

    [TestMethod]
    public void Compute_Backward_ClassifierWeightGradientIsTheCrossEntropyGradient()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(8, 5, 4, 4, 7);
        features.requires_grad_();
        weight.requires_grad_();
        using (var result = new CamLossFunction().Compute(features, weight, Head(features, weight, null), labels, alpha: 3))
        {
            result.Total.backward();
        }

        var withCam = weight.grad!.clone();
        weight.grad = null;
        nn.functional.cross_entropy(Head(features, weight, null), labels).backward();
        Assert.IsTrue(withCam.allclose(weight.grad!, rtol: 1e-6, atol: 1e-9), "dL/dW of CAM-loss equals dL_ce/dW");
    }

    [TestMethod]
    [DataRow(MapDistance.L1)]
    [DataRow(MapDistance.L2)]
    public void CamTerm_TargetRowsPositiveConstant_IsZero(MapDistance distance)
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(6, 5, 4, 4, 3);
        labels = torch.randint(0, 2, [6]);   // every label is 0 or 1: give both a positive constant row
        weight.select(0, 0).fill_(0.7);
        weight.select(0, 1).fill_(2.5);
        var cam = new CamLossFunction(new CamLossFunction.Options { Distance = distance }).CamTerm(features, weight, labels).item<float>();
        Assert.AreEqual(0.0, cam, 1e-6, "CAM_y = c·CAAM normalises to N(CAAM)");
    }

    [TestMethod]
    [DataRow(MapDistance.L1)]
    [DataRow(MapDistance.L2)]
    public void CamTerm_PositiveScalingOfFeaturesOrWeight_IsUnchanged(MapDistance distance)
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(8, 6, 5, 5, 9);
        var loss = new CamLossFunction(new CamLossFunction.Options { Distance = distance });
        var reference = loss.CamTerm(features, weight, labels).item<float>();
        Assert.IsTrue(reference > 0.01, "a non-trivial case");
        Assert.AreEqual(reference, loss.CamTerm(features * 13.0, weight, labels).item<float>(), 1e-6 * reference, "features × 13");
        Assert.AreEqual(reference, loss.CamTerm(features * 0.02, weight, labels).item<float>(), 1e-6 * reference, "features × 0.02");
        Assert.AreEqual(reference, loss.CamTerm(features, weight * 4.0, labels).item<float>(), 1e-6 * reference, "W × 4");
        Assert.AreEqual(reference, loss.CamTerm(features, weight * 0.001, labels).item<float>(), 1e-6 * reference, "W × 0.001");
    }

    [TestMethod]
    public void CamTerm_OneByOneMaps_IsZeroWithoutNaN()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(4, 5, 1, 1, 3);
        features.requires_grad_();
        var cam = new CamLossFunction().CamTerm(features, weight, labels);
        cam.backward();
        Assert.AreEqual(0.0, cam.item<float>());
        Assert.IsTrue(features.grad!.isfinite().all().item<bool>());
    }

    [TestMethod]
    public void Compute_AlphaZero_TotalIsCrossEntropyAndCamIsReportedWithoutGraph()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(4, 5, 3, 3, 3);
        features.requires_grad_();
        using var result = new CamLossFunction().Compute(features, weight, Head(features, weight, null), labels, alpha: 0);
        Assert.AreEqual(result.CrossEntropy.item<float>(), result.Total.item<float>());
        Assert.IsTrue(result.Cam.item<float>() > 0);
        Assert.IsFalse(result.Cam.requires_grad, "no graph is recorded for a term with zero weight");
        Assert.IsTrue(result.Total.requires_grad);
    }

    [TestMethod]
    public void Compute_MixedLabelsWithLambdaOne_EqualsHardLabels()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(8, 5, 3, 3, 4);
        var logits = Head(features, weight, null);
        var other = torch.randint(0, 5, [8]);
        var loss = new CamLossFunction();
        using var hard = loss.Compute(features, weight, logits, labels, 3);
        using var mixed = loss.Compute(features, weight, logits, new MixedLabels(labels, other, 1.0), 3);
        Assert.AreEqual(hard.Total.item<float>(), mixed.Total.item<float>(), 1e-6);
        Assert.AreEqual(hard.Cam.item<float>(), mixed.Cam.item<float>(), 1e-6);
    }

    [TestMethod]
    public void Compute_MixedLabelsSharedLambda_EqualsPerSampleLambda()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(8, 5, 3, 3, 4);
        var logits = Head(features, weight, null);
        var other = torch.randint(0, 5, [8]);
        var loss = new CamLossFunction();
        using var shared = loss.Compute(features, weight, logits, new MixedLabels(labels, other, 0.3), 2);
        using var perSample = loss.Compute(features, weight, logits, new MixedLabels(labels, other, torch.full([8], 0.3)), 2);
        Assert.AreEqual(perSample.Total.item<float>(), shared.Total.item<float>(), 1e-6);
        Assert.AreEqual(perSample.Cam.item<float>(), shared.Cam.item<float>(), 1e-6);
    }

    [TestMethod]
    public void Compute_InsideScope_ReleasesEveryIntermediate()
    {
        var before = Tensor.TotalCount;
        using (var scope = torch.NewDisposeScope())
        {
            var (features, weight, labels) = RandomBatch(4, 5, 3, 3, 3);
            features.requires_grad_();
            var logits = Head(features, weight, null);
            var inputs = Tensor.TotalCount;
            using (var result = new CamLossFunction().Compute(features, weight, logits, labels, 3))
            {
                CollectionAssert.AreEqual(new[] { "total", "ce", "cam" }, result.Parts.Select(p => p.Key).ToArray());
                Assert.AreEqual(inputs + 3, Tensor.TotalCount, "only the three results outlive the call");
                result.Total.backward();
            }

            Assert.AreEqual(inputs, Tensor.TotalCount, "disposing the result releases its parts");
        }

        Assert.AreEqual(before, Tensor.TotalCount);
    }

    [TestMethod]
    public void Compute_LabelsOfAnotherBatchSize_ThrowsNamingShapes()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, _) = RandomBatch(4, 5, 3, 3, 3);
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            new CamLossFunction().Compute(features, weight, torch.zeros([4, 3]), torch.zeros([5], ScalarType.Int64), 3));
        StringAssert.Contains(error.Message, "[5]");
        StringAssert.Contains(error.Message, "B = 4");
    }

    [TestMethod]
    public void Compute_LogitsOfAnotherClassCount_ThrowsNamingShapes()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(4, 5, 3, 3, 3);
        var error = Assert.ThrowsExactly<ArgumentException>(() => new CamLossFunction().Compute(features, weight, torch.zeros([4, 7]), labels, 3));
        StringAssert.Contains(error.Message, "[4, 7]");
        StringAssert.Contains(error.Message, "[4, 3]");
    }

    [TestMethod]
    public void Compute_NegativeAlpha_Throws()
    {
        using var scope = torch.NewDisposeScope();
        var (features, weight, labels) = RandomBatch(2, 3, 2, 2, 3);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CamLossFunction().Compute(features, weight, Head(features, weight, null), labels, -1));
    }

    internal static Tensor Input(string name, string input) => LossFixture.Leaf(name, "inputs", input);

    internal static MapDistance Distance(string name) => name == "l1" ? MapDistance.L1 : MapDistance.L2;

    /// <summary>The classifier head of METHOD.md: <c>z = GAP(F) Wᵀ + b</c>.</summary>
    internal static Tensor Head(Tensor features, Tensor weight, Tensor? bias) => nn.functional.linear(features.mean([2, 3]), weight, bias);

    /// <summary>Post-ReLU features, a weight with negative entries, labels; seeded.</summary>
    internal static (Tensor Features, Tensor Weight, Tensor Labels) RandomBatch(long batch, long channels, long height, long width, long classes)
    {
        torch.manual_seed(1234);
        return (torch.randn([batch, channels, height, width]).relu(), torch.randn([classes, channels]), torch.randint(0, classes, [batch]));
    }
}
