using Microsoft.ML.CamLoss.Losses;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Losses;

[TestClass]
public sealed class IcascTests
{
    [TestMethod]
    [DataRow("icasc_b1", "channel_weighted")]
    [DataRow("icasc_b1", "grad_cam")]
    [DataRow("icasc_b8", "channel_weighted")]
    [DataRow("icasc_b8", "grad_cam")]
    [DataRow("icasc_b64", "channel_weighted")]
    public void Compute_FixtureCase_MatchesPyTorchValuesAndGradients(string name, string kindName)
    {
        using var scope = torch.NewDisposeScope();
        var net = TinyNet.Load(name);
        var labels = LossFixture.Load(name, "inputs", "labels");
        var kind = kindName == "grad_cam" ? AttentionKind.GradCam : AttentionKind.ChannelWeighted;
        var what = $"{name}/{kindName}";

        var confusing = IcascLoss.ConfusingClasses(net.Logits, labels);
        CollectionAssert.AreEqual(LossFixture.Load(name, kindName, "confusing").data<long>().ToArray(), confusing.data<long>().ToArray(), $"{what} confusing classes");
        var truth = GradientAttention.Compute(net.Logits, [net.Inner, net.Last], labels, kind);
        var confused = GradientAttention.Compute(net.Logits, [net.Inner, net.Last], confusing, kind);
        Parity.Values(LossFixture.Load(name, kindName, "attention_inner"), truth[0], $"{what} A^y inner");
        Parity.Values(LossFixture.Load(name, kindName, "attention_last"), truth[1], $"{what} A^y last");
        Parity.Values(LossFixture.Load(name, kindName, "confusing_inner"), confused[0], $"{what} A^conf inner");
        Parity.Values(LossFixture.Load(name, kindName, "confusing_last"), confused[1], $"{what} A^conf last");
        Parity.Values(LossFixture.Load(name, kindName, "mask_last"), IcascLoss.Mask(truth[1]), $"{what} T last");

        var loss = new IcascLoss(new IcascLoss.Options
        {
            Attention = kind,
            Sigma = LossFixture.Number(name, "sigma"),
            Omega = LossFixture.Number(name, "omega"),
            Theta = LossFixture.Number(name, "theta"),
        });
        using var result = loss.Compute(net.Logits, net.Inner, net.Last, labels);
        result.Total.backward();   // the attention passes above and inside retained the graph
        Parity.Value(LossFixture.Number(name, kindName, "total"), result.Total, $"{what} total");
        Parity.Value(LossFixture.Number(name, kindName, "ce"), result.CrossEntropy, $"{what} ce");
        Parity.Value(LossFixture.Number(name, kindName, "as_inner"), result.SeparationInner, $"{what} L_AS inner");
        Parity.Value(LossFixture.Number(name, kindName, "as_last"), result.SeparationLast, $"{what} L_AS last");
        Parity.Value(LossFixture.Number(name, kindName, "ac"), result.Consistency, $"{what} L_AC");
        Parity.Gradient(LossFixture.Load(name, kindName, "grad_inner"), net.Inner.grad, $"{what} dL/dF_inner");
        Parity.Gradient(LossFixture.Load(name, kindName, "grad_conv_weight"), net.ConvWeight.grad, $"{what} dL/dconv");
        Parity.Gradient(LossFixture.Load(name, kindName, "grad_weight"), net.Weight.grad, $"{what} dL/dW");
        Parity.Gradient(LossFixture.Load(name, kindName, "grad_bias"), net.Bias.grad, $"{what} dL/db");
    }

    [TestMethod]
    public void Separation_ConfusingAttentionZero_IsZero()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        var truth = torch.rand([4, 5, 5]);
        var mask = torch.rand([4, 5, 5]);
        Assert.AreEqual(0.0, IcascLoss.Separation(truth, torch.zeros([4, 5, 5]), mask).item<float>());
    }

    [TestMethod]
    public void Separation_IdenticalAttentionUnderFullMask_IsOne()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        var truth = torch.rand([4, 5, 5]);
        Assert.AreEqual(1.0, IcascLoss.Separation(truth, truth.clone(), torch.ones([4, 5, 5])).item<float>(), 1e-6);
    }

    [TestMethod]
    public void Separation_AllZeroAttention_IsZeroNotNaN()
    {
        using var scope = torch.NewDisposeScope();
        var zeros = torch.zeros([2, 3, 3]);
        Assert.AreEqual(0.0, IcascLoss.Separation(zeros, zeros, IcascLoss.Mask(zeros)).item<float>());
    }

    [TestMethod]
    public void Consistency_AllInnerAttentionInsideMask_IsThetaMinusOne()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        Assert.AreEqual(0.8 - 1, IcascLoss.Consistency(torch.rand([3, 6, 6]), torch.ones([3, 6, 6])).item<float>(), 1e-6);
    }

    [TestMethod]
    public void Mask_AllZeroAttention_IsFiniteAndNearZero()
    {
        using var scope = torch.NewDisposeScope();
        var mask = IcascLoss.Mask(torch.zeros([2, 3, 3]));
        Assert.IsTrue(mask.isfinite().all().item<bool>());
        Assert.IsTrue(mask.max().item<float>() < 1e-20, "sigmoid(−ω σ) ≈ 1e-24");
    }

    [TestMethod]
    public void Mask_PeakOfEachSample_IsNearOne()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        var mask = IcascLoss.Mask(torch.rand([3, 4, 4]) * 1e-3);   // per-sample max normalisation: scale does not matter
        Assert.IsTrue(mask.amax([1, 2]).allclose(torch.ones([3]), rtol: 0, atol: 1e-6));
    }

    [TestMethod]
    public void ConfusingClasses_Logits_PicksTheMostProbableWrongClass()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new[] { 5f, 1f, 3f, 4f, 9f, 2f, 0f, 2f, 9f }, [3, 3]);
        var labels = torch.tensor(new[] { 0L, 1L, 1L });   // right and top, right and top, wrong (class 2 is top)
        CollectionAssert.AreEqual(new long[] { 2, 0, 2 }, IcascLoss.ConfusingClasses(logits, labels).data<long>().ToArray());
    }

    [TestMethod]
    public void GradientAttention_LogitsWithoutGrad_ThrowsInvalidOperation()
    {
        using var scope = torch.NewDisposeScope();
        var features = torch.ones([2, 3, 4, 4]);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() =>
            GradientAttention.Compute(torch.zeros([2, 5]), [features], torch.zeros([2], ScalarType.Int64)));
        StringAssert.Contains(error.Message, "require grad");
    }

    [TestMethod]
    public void GradientAttention_FeatureOffTheGraphOfTheLogits_ThrowsInvalidOperation()
    {
        // autograd.grad of an input the outputs do not depend on would end the process inside libtorch
        // unless unused inputs are allowed; then the undefined gradient becomes this exception.
        using var scope = torch.NewDisposeScope();
        var net = TinyNet.Load("icasc_b8");
        var labels = LossFixture.Load("icasc_b8", "inputs", "labels");
        var unrelated = torch.rand(net.Last.shape).requires_grad_();

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => GradientAttention.Compute(net.Logits, [net.Inner, unrelated], labels));

        StringAssert.Contains(error.Message, "features[1]");
        Assert.AreEqual(2, GradientAttention.Compute(net.Logits, [net.Inner, net.Last], labels).Length, "the graph is still usable");
    }

    [TestMethod]
    public void Compute_InsideScope_ReleasesEveryIntermediate()
    {
        var before = Tensor.TotalCount;
        using (var scope = torch.NewDisposeScope())
        {
            var net = TinyNet.Load("icasc_b8");
            var labels = LossFixture.Load("icasc_b8", "inputs", "labels");
            var inputs = Tensor.TotalCount;
            using (var result = new IcascLoss().Compute(net.Logits, net.Inner, net.Last, labels))
            {
                Assert.AreEqual(inputs + 5, Tensor.TotalCount, "only the five results outlive the call");
                result.Total.backward();
            }

            Assert.AreEqual(inputs, Tensor.TotalCount);
        }

        Assert.AreEqual(before, Tensor.TotalCount);
    }

    /// <summary>The generator's tiny network: <c>F_last = relu(conv3x3/2(F_inner))</c>, <c>z = GAP(F_last) Wᵀ + b</c>.</summary>
    private sealed record TinyNet(Tensor Inner, Tensor ConvWeight, Tensor Weight, Tensor Bias, Tensor Last, Tensor Logits)
    {
        public static TinyNet Load(string name)
        {
            var inner = LossFixture.Leaf(name, "inputs", "inner");
            var conv = LossFixture.Leaf(name, "inputs", "conv_weight");
            var weight = LossFixture.Leaf(name, "inputs", "weight");
            var bias = LossFixture.Leaf(name, "inputs", "bias");
            var last = nn.functional.conv2d(inner, conv, strides: [2, 2], padding: [1, 1]).relu();
            return new TinyNet(inner, conv, weight, bias, last, CamLossTests.Head(last, weight, bias));
        }
    }
}
