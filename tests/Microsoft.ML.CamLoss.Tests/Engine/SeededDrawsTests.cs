using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>
/// After <c>torch.manual_seed</c>, libtorch 2.10's CPU generator (through TorchSharp) draws exactly what
/// PyTorch 1.13's does (Fixtures/seeded_draws.json, Reference/generate_seeded_draws_fixtures.py): normal
/// draws on the vectorised path (16 values or more), torchvision's convolution initialisation,
/// integers, permutations, dropout masks and uniform draws. Exact equality; no draw differs, so no test
/// falls back to checking only a distribution (ModuleTests checks the initialisers' spread as well).
/// </summary>
[TestClass]
public sealed class SeededDrawsTests
{
    private static JsonFixture Fixture => JsonFixture.Open("seeded_draws.json");

    [TestMethod]
    public void Randn_LongEnoughForTheVectorisedPath_MatchesPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        TensorAssert.Equal(Fixture.Tensor("randn_seed3_64"), torch.randn(64), "randn(64)");
    }

    [TestMethod]
    public void KaimingNormal_FanOutRelu_MatchesPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        var w = torch.empty(8, 16, 3, 3);
        nn.init.kaiming_normal_(w, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
        TensorAssert.Equal(Fixture.Tensor("kaiming_normal_fan_out_relu_seed4_8x16x3x3"), w, "kaiming_normal_");
    }

    [TestMethod]
    public void RandintRandpermDropoutUniform_MatchPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        TensorAssert.Equal(Fixture.Tensor("randint_0_10_seed5_20"), torch.randint(0, 10, new long[] { 20 }), "randint");
        torch.manual_seed(6);
        TensorAssert.Equal(Fixture.Tensor("randperm_seed6_10"), torch.randperm(10), "randperm");
        torch.manual_seed(7);
        TensorAssert.Equal(Fixture.Tensor("dropout_half_seed7_ones_32"), nn.functional.dropout(torch.ones(32), 0.5), "dropout mask");
        torch.manual_seed(8);
        TensorAssert.Equal(Fixture.Tensor("uniform_minus1_1_seed8_16"), torch.empty(16).uniform_(-1, 1), "uniform_");
    }
}
