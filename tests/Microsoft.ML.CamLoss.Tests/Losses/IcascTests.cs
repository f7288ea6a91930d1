using Microsoft.ML.CamLoss.Losses;
using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

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
        using var scope = new TensorScope();
        var net = TinyNet.Load(name);
        var labels = LossFixture.Load(name, "inputs", "labels");
        var kind = kindName == "grad_cam" ? AttentionKind.GradCam : AttentionKind.ChannelWeighted;
        var what = $"{name}/{kindName}";

        var confusing = IcascLoss.ConfusingClasses(net.Logits, labels);
        CollectionAssert.AreEqual(LossFixture.Load(name, kindName, "confusing").ToArray<long>(), confusing.ToArray<long>(), $"{what} confusing classes");
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
        result.Total.Backward();   // the attention passes above and inside retained the graph
        Parity.Value(LossFixture.Number(name, kindName, "total"), result.Total, $"{what} total");
        Parity.Value(LossFixture.Number(name, kindName, "ce"), result.CrossEntropy, $"{what} ce");
        Parity.Value(LossFixture.Number(name, kindName, "as_inner"), result.SeparationInner, $"{what} L_AS inner");
        Parity.Value(LossFixture.Number(name, kindName, "as_last"), result.SeparationLast, $"{what} L_AS last");
        Parity.Value(LossFixture.Number(name, kindName, "ac"), result.Consistency, $"{what} L_AC");
        Parity.Gradient(LossFixture.Load(name, kindName, "grad_inner"), net.Inner.Grad, $"{what} dL/dF_inner");
        Parity.Gradient(LossFixture.Load(name, kindName, "grad_conv_weight"), net.ConvWeight.Grad, $"{what} dL/dconv");
        Parity.Gradient(LossFixture.Load(name, kindName, "grad_weight"), net.Weight.Grad, $"{what} dL/dW");
        Parity.Gradient(LossFixture.Load(name, kindName, "grad_bias"), net.Bias.Grad, $"{what} dL/db");
    }

    [TestMethod]
    public void Separation_ConfusingAttentionZero_IsZero()
    {
        using var scope = new TensorScope();
        TorchRuntime.ManualSeed(8);
        var truth = Tensor.Rand([4, 5, 5]);
        var mask = Tensor.Rand([4, 5, 5]);
        Assert.AreEqual(0.0, IcascLoss.Separation(truth, Tensor.Zeros([4, 5, 5]), mask).ToDouble());
    }

    [TestMethod]
    public void Separation_IdenticalAttentionUnderFullMask_IsOne()
    {
        using var scope = new TensorScope();
        TorchRuntime.ManualSeed(8);
        var truth = Tensor.Rand([4, 5, 5]);
        Assert.AreEqual(1.0, IcascLoss.Separation(truth, truth.Clone(), Tensor.Ones([4, 5, 5])).ToDouble(), 1e-6);
    }

    [TestMethod]
    public void Separation_AllZeroAttention_IsZeroNotNaN()
    {
        using var scope = new TensorScope();
        var zeros = Tensor.Zeros([2, 3, 3]);
        Assert.AreEqual(0.0, IcascLoss.Separation(zeros, zeros, IcascLoss.Mask(zeros)).ToDouble());
    }

    [TestMethod]
    public void Consistency_AllInnerAttentionInsideMask_IsThetaMinusOne()
    {
        using var scope = new TensorScope();
        TorchRuntime.ManualSeed(8);
        Assert.AreEqual(0.8 - 1, IcascLoss.Consistency(Tensor.Rand([3, 6, 6]), Tensor.Ones([3, 6, 6])).ToDouble(), 1e-6);
    }

    [TestMethod]
    public void Mask_AllZeroAttention_IsFiniteAndNearZero()
    {
        using var scope = new TensorScope();
        var mask = IcascLoss.Mask(Tensor.Zeros([2, 3, 3]));
        Assert.AreEqual(1.0, mask.IsFinite().All().ToDouble());
        Assert.IsTrue(mask.AMax().ToDouble() < 1e-20, "sigmoid(−ω σ) ≈ 1e-24");
    }

    [TestMethod]
    public void Mask_PeakOfEachSample_IsNearOne()
    {
        using var scope = new TensorScope();
        TorchRuntime.ManualSeed(8);
        var mask = IcascLoss.Mask(Tensor.Rand([3, 4, 4]) * 1e-3);   // per-sample max normalisation: scale does not matter
        Assert.IsTrue(mask.AMax([1, 2]).AllClose(Tensor.Ones([3]), rtol: 0, atol: 1e-6));
    }

    [TestMethod]
    public void ConfusingClasses_Logits_PicksTheMostProbableWrongClass()
    {
        using var scope = new TensorScope();
        var logits = Tensor.FromArray(5f, 1f, 3f, 4f, 9f, 2f, 0f, 2f, 9f).View(3, 3);
        var labels = Tensor.FromArray(0L, 1L, 1L);   // right and top, right and top, wrong (class 2 is top)
        CollectionAssert.AreEqual(new long[] { 2, 0, 2 }, IcascLoss.ConfusingClasses(logits, labels).ToArray<long>());
    }

    [TestMethod]
    public void GradientAttention_LogitsWithoutGrad_ThrowsInvalidOperation()
    {
        using var scope = new TensorScope();
        var features = Tensor.Ones([2, 3, 4, 4]);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() =>
            GradientAttention.Compute(Tensor.Zeros([2, 5]), [features], Tensor.Zeros([2], ScalarType.Int64)));
        StringAssert.Contains(error.Message, "require grad");
    }

    [TestMethod]
    public void Compute_InsideScope_ReleasesEveryIntermediate()
    {
        var before = Tensor.LiveHandleCount;
        using (var scope = new TensorScope())
        {
            var net = TinyNet.Load("icasc_b8");
            var labels = LossFixture.Load("icasc_b8", "inputs", "labels");
            var inputs = Tensor.LiveHandleCount;
            using (var result = new IcascLoss().Compute(net.Logits, net.Inner, net.Last, labels))
            {
                Assert.AreEqual(inputs + 5, Tensor.LiveHandleCount, "only the five results outlive the call");
                result.Total.Backward();
            }

            Assert.AreEqual(inputs, Tensor.LiveHandleCount);
        }

        Assert.AreEqual(before, Tensor.LiveHandleCount);
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
            var last = Functional.Conv2d(inner, conv, stride: 2, padding: 1).Relu();
            return new TinyNet(inner, conv, weight, bias, last, CamLossTests.Head(last, weight, bias));
        }
    }
}
