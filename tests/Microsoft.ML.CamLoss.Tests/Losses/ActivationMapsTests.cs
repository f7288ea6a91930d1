using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Tests.Losses;

[TestClass]
public sealed class ActivationMapsTests
{
    [TestMethod]
    public void Cam_FixtureInputs_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        var cam = ActivationMaps.Cam(LossFixture.Load("maps", "inputs", "features"), LossFixture.Load("maps", "inputs", "weight"), LossFixture.Load("maps", "inputs", "labels"));
        Parity.Values(LossFixture.Load("maps", "cam"), cam, "CAM");
    }

    [TestMethod]
    public void Caam_FixtureInputs_MatchesPyTorch()
    {
        using var scope = new TensorScope();
        Parity.Values(LossFixture.Load("maps", "caam"), ActivationMaps.Caam(LossFixture.Load("maps", "inputs", "features")), "CAAM");
    }

    [TestMethod]
    public void MinMaxNormalize_MapsWithConstantAndZeroMaps_MatchesPyTorchAndGivesZeroForConstants()
    {
        using var scope = new TensorScope();
        var normalised = ActivationMaps.MinMaxNormalize(LossFixture.Load("maps", "inputs", "maps"));
        Parity.Values(LossFixture.Load("maps", "normalised"), normalised, "N(maps)");
        Assert.AreEqual(0.0, normalised.Select(0, 1).Abs().Sum().ToDouble(), "the zero map normalises to 0");
        Assert.AreEqual(0.0, normalised.Select(0, 2).Abs().Sum().ToDouble(), "the constant map normalises to 0");
        Assert.AreEqual(1.0, normalised.Select(0, 0).AMax().ToDouble(), 1e-6, "a varying map reaches 1 (up to epsilon)");
    }

    [TestMethod]
    public void MinMaxNormalize_ConstantMap_GradientIsFiniteAndZero()
    {
        using var scope = new TensorScope();
        var map = Tensor.Full([2, 3, 3], 4.5, requiresGrad: true);
        ActivationMaps.MinMaxNormalize(map).Sum().Backward();
        var grad = map.Grad!;
        Assert.AreEqual(1.0, grad.IsFinite().All().ToDouble(), "no NaN or infinity");
        Assert.AreEqual(0.0, grad.Abs().Sum().ToDouble(), 1e-6);
    }

    [TestMethod]
    public void MinMaxNormalize_PositiveScaling_IsUnchanged()
    {
        using var scope = new TensorScope();
        var maps = LossFixture.Load("maps", "inputs", "maps");
        var normalised = ActivationMaps.MinMaxNormalize(maps);
        Assert.IsTrue(ActivationMaps.MinMaxNormalize(maps * 37.5).AllClose(normalised, rtol: 0, atol: 1e-6));
        Assert.IsTrue(ActivationMaps.MinMaxNormalize(maps * 1e-3).AllClose(normalised, rtol: 0, atol: 1e-6));
    }

    [TestMethod]
    public void Cam_WeightChannelsDifferFromFeatures_ThrowsNamingBothShapes()
    {
        using var scope = new TensorScope();
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            ActivationMaps.Cam(Tensor.Zeros([2, 4, 3, 3]), Tensor.Zeros([5, 3]), Tensor.Zeros([2], ScalarType.Int64)));
        StringAssert.Contains(error.Message, "[5, 3]");
        StringAssert.Contains(error.Message, "[2, 4, 3, 3]");
    }

    [TestMethod]
    public void Cam_FeaturesNotFourDimensional_ThrowsNamingShape()
    {
        using var scope = new TensorScope();
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            ActivationMaps.Cam(Tensor.Zeros([2, 4, 9]), Tensor.Zeros([5, 4]), Tensor.Zeros([2], ScalarType.Int64)));
        StringAssert.Contains(error.Message, "[2, 4, 9]");
    }
}
