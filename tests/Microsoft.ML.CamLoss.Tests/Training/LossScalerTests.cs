using Microsoft.ML.CamLoss.Models;
using Microsoft.ML.CamLoss.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Training;

/// <summary>The fp16 loss scaler: exact unscaling, skipping on overflow, growth (as PyTorch's GradScaler), on the CPU's float16 kernels.</summary>
[TestClass]
public sealed class LossScalerTests
{
    [TestMethod]
    public void UnscaleAndUpdate_FiniteGradients_DividesExactlyByTheScale()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(zeros(5));
        var gradient = randn(5);
        parameter.grad = gradient * LossScaler.InitialScale;
        var scaler = new LossScaler();

        Assert.IsTrue(scaler.UnscaleAndUpdate([parameter]));
        Assert.IsTrue(gradient.Equals(parameter.grad), "S is a power of two: dividing is exact");
        Assert.AreEqual(LossScaler.InitialScale, scaler.Scale);
    }

    [TestMethod]
    [DataRow(double.PositiveInfinity)]
    [DataRow(double.NaN)]
    public void UnscaleAndUpdate_NonFiniteGradient_SaysSkipAndHalvesTheScale(double bad)
    {
        using var scope = NewDisposeScope();
        var good = new Parameter(zeros(3)) { grad = ones(3) };
        var overflowed = new Parameter(zeros(3)) { grad = tensor(new float[] { 1, (float)bad, 2 }) };
        var scaler = new LossScaler();

        Assert.IsFalse(scaler.UnscaleAndUpdate([good, overflowed]));
        Assert.AreEqual(LossScaler.InitialScale / 2, scaler.Scale);
        Assert.AreEqual(1, scaler.SkippedSteps);
    }

    [TestMethod]
    public void UnscaleAndUpdate_GrowthIntervalGoodSteps_DoublesTheScale()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(zeros(1));
        var scaler = new LossScaler();
        for (var i = 0; i < LossScaler.GrowthInterval; i++)
        {
            parameter.grad = ones(1);
            Assert.IsTrue(scaler.UnscaleAndUpdate([parameter]));
            Assert.AreEqual(i + 1 < LossScaler.GrowthInterval ? LossScaler.InitialScale : 2 * LossScaler.InitialScale, scaler.Scale, $"after good step {i + 1}");
        }

        var state = scaler.Save();
        var restored = new LossScaler();
        restored.Load(state);
        Assert.AreEqual(scaler.Scale, restored.Scale);
        Assert.AreEqual(state.ToJsonString(), restored.Save().ToJsonString());
    }

    [TestMethod]
    public void Fp16Step_GradientsOverflowFloat16_SkipsTheStepsUntilTheScaleFits()
    {
        // A ResNet-8 in float16 (the CPU kernels emulate it) with a loss large enough that its scaled gradient overflows
        // float16 (65504) in the backward pass: the scaler reports the overflow, the optimiser is not stepped (the weights
        // stay bit-identical), the scale halves, and after a few halvings the same step goes through.
        using var scope = NewDisposeScope();
        manual_seed(31);
        using var network = Backbones.Create(Architecture.ResNet8, 4);
        network.train();
        var parameters = network.parameters().ToArray();
        using var sgd = optim.SGD(parameters, 0.01, momentum: 0.9);
        var x = randn([8, 3, 12, 12]);
        var labels = randint(0, 4, [8], ScalarType.Int64);
        var before = parameters.Select(p => p.detach().clone()).ToArray();
        var scaler = new LossScaler();
        var skipped = 0;
        while (true)
        {
            using var step = NewDisposeScope();
            foreach (var parameter in parameters)
            {
                parameter.grad = null;
            }

            Tensor loss;
            using (MixedPrecision.Enter(ScalarType.Float16))
            {
                loss = nn.functional.cross_entropy(network.forward(x).Logits, labels) * 1000;
            }

            Assert.IsTrue(loss.isfinite().item<bool>(), "the loss itself is float32 and finite");
            scaler.ScaleLoss(loss).backward();
            if (scaler.UnscaleAndUpdate(parameters))
            {
                sgd.step();
                break;
            }

            skipped++;
            Assert.IsTrue(parameters.Zip(before).All(p => p.First.Equals(p.Second)), "a skipped step leaves the weights as they were");
            Assert.IsLessThan(30, skipped, "the scale never fit");
        }

        Assert.IsGreaterThan(0, skipped, "the first scaled backward pass overflows float16");
        Assert.AreEqual(LossScaler.InitialScale / Math.Pow(2, skipped), scaler.Scale);
        Assert.IsFalse(parameters.Zip(before).All(p => p.First.Equals(p.Second)), "the step that fits changes the weights");
        Assert.IsTrue(parameters.All(p => p.isfinite().all().item<bool>()));
    }
}
