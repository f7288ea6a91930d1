using Microsoft.ML.CamLoss.Losses;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Losses;

[TestClass]
public sealed class ActivationMapsTests
{
    [TestMethod]
    public void Cam_FixtureInputs_MatchesPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        var cam = ActivationMaps.Cam(LossFixture.Load("maps", "inputs", "features"), LossFixture.Load("maps", "inputs", "weight"), LossFixture.Load("maps", "inputs", "labels"));
        Parity.Values(LossFixture.Load("maps", "cam"), cam, "CAM");
    }

    [TestMethod]
    public void Caam_FixtureInputs_MatchesPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        Parity.Values(LossFixture.Load("maps", "caam"), ActivationMaps.Caam(LossFixture.Load("maps", "inputs", "features")), "CAAM");
    }

    [TestMethod]
    public void MinMaxNormalize_MapsWithConstantAndZeroMaps_MatchesPyTorchAndGivesZeroForConstants()
    {
        using var scope = torch.NewDisposeScope();
        var normalised = ActivationMaps.MinMaxNormalize(LossFixture.Load("maps", "inputs", "maps"));
        Parity.Values(LossFixture.Load("maps", "normalised"), normalised, "N(maps)");
        Assert.AreEqual(0.0, normalised.select(0, 1).abs().sum().item<float>(), "the zero map normalises to 0");
        Assert.AreEqual(0.0, normalised.select(0, 2).abs().sum().item<float>(), "the constant map normalises to 0");
        Assert.AreEqual(1.0, normalised.select(0, 0).max().item<float>(), 1e-6, "a varying map reaches 1 (up to epsilon)");
    }

    [TestMethod]
    public void MinMaxNormalize_ConstantMap_GradientIsFiniteAndZero()
    {
        using var scope = torch.NewDisposeScope();
        var map = torch.full([2, 3, 3], 4.5, requires_grad: true);
        ActivationMaps.MinMaxNormalize(map).sum().backward();
        var grad = map.grad!;
        Assert.IsTrue(grad.isfinite().all().item<bool>(), "no NaN or infinity");
        Assert.AreEqual(0.0, grad.abs().sum().item<float>(), 1e-6);
    }

    [TestMethod]
    public void MinMaxNormalize_PositiveScaling_IsUnchanged()
    {
        using var scope = torch.NewDisposeScope();
        var maps = LossFixture.Load("maps", "inputs", "maps");
        var normalised = ActivationMaps.MinMaxNormalize(maps);
        Assert.IsTrue(ActivationMaps.MinMaxNormalize(maps * 37.5).allclose(normalised, rtol: 0, atol: 1e-6));
        Assert.IsTrue(ActivationMaps.MinMaxNormalize(maps * 1e-3).allclose(normalised, rtol: 0, atol: 1e-6));
    }

    [TestMethod]
    public void Cam_WeightChannelsDifferFromFeatures_ThrowsNamingBothShapes()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            ActivationMaps.Cam(torch.zeros([2, 4, 3, 3]), torch.zeros([5, 3]), torch.zeros([2], ScalarType.Int64)));
        StringAssert.Contains(error.Message, "[5, 3]");
        StringAssert.Contains(error.Message, "[2, 4, 3, 3]");
    }

    [TestMethod]
    public void Cam_FeaturesNotFourDimensional_ThrowsNamingShape()
    {
        using var scope = torch.NewDisposeScope();
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            ActivationMaps.Cam(torch.zeros([2, 4, 9]), torch.zeros([5, 4]), torch.zeros([2], ScalarType.Int64)));
        StringAssert.Contains(error.Message, "[2, 4, 9]");
    }
}
