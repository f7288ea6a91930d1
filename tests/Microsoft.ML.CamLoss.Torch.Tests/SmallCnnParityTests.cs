using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Torch.Tests;

/// <summary>
/// The small CNN against PyTorch 1.13 (Fixtures/foundation.json). Tolerances: the 1e-5
/// relative on the loss and 1e-4 on gradients; both sides run the same libtorch kernels, so the
/// only differences come from thread-count-dependent summation order.
/// </summary>
[TestClass]
public sealed class SmallCnnParityTests
{
    [TestMethod]
    public void Constructor_SameSeedAsPyTorch_DrawsIdenticalWeights()
    {
        using var scope = new TensorScope();
        TorchRuntime.ManualSeed(0);
        using var model = new SmallCnn();
        var expected = Fixture.State("small_cnn", "init_state");
        var actual = model.StateDict();
        CollectionAssert.AreEqual(expected.Keys.ToList(), actual.Keys.ToList(), "state dict keys and order");
        foreach (var (name, tensor) in actual)
        {
            TensorAssert.Equal(expected[name], tensor, name);
        }
    }

    [TestMethod]
    public void ForwardBackward_GivenWeights_MatchesPyTorchLossAndEveryGradient()
    {
        using var scope = new TensorScope();
        using var model = LoadGivenWeights();
        var loss = Functional.CrossEntropy(model.Forward(Fixture.Load("small_cnn", "input")), Fixture.Load("small_cnn", "labels"));
        TensorAssert.RelativelyClose(Fixture.Get("small_cnn", "loss").GetDouble(), loss.ToDouble(), 1e-5, "loss");

        loss.Backward();
        var expected = Fixture.State("small_cnn", "grads");
        foreach (var (name, parameter) in model.NamedParameters())
        {
            TensorAssert.Close(expected[name], parameter.Grad!, rtol: 1e-4, atol: 1e-6, $"grad of {name}");
        }
    }

    [TestMethod]
    public void SgdNesterovMomentum_TwoSteps_GivesPyTorchWeightsAndRunningStats()
    {
        using var scope = new TensorScope();
        using var model = LoadGivenWeights();
        var config = Fixture.Get("small_cnn", "sgd");
        using var sgd = new Sgd(model.Parameters(), new SgdOptions
        {
            LearningRate = config.GetProperty("lr").GetDouble(),
            Momentum = config.GetProperty("momentum").GetDouble(),
            WeightDecay = config.GetProperty("weight_decay").GetDouble(),
            Nesterov = config.GetProperty("nesterov").GetBoolean(),
        });

        for (var step = 0; step < 2; step++)
        {
            TrainStep(model, sgd);
        }

        AssertState(Fixture.State("small_cnn", "sgd", "state_after_two_steps"), model, "after SGD");
        model.Eval();
        using (Autograd.NoGrad())
        {
            TensorAssert.Close(Fixture.Load("small_cnn", "eval_logits"), model.Forward(Fixture.Load("small_cnn", "input")), 1e-5, 1e-5, "eval logits");
        }
    }

    [TestMethod]
    public void AdamW_ThreeSteps_GivesPyTorchWeights()
    {
        using var scope = new TensorScope();
        using var model = LoadGivenWeights();
        var config = Fixture.Get("small_cnn", "adamw");
        // conv.bias is not optimised (as in the generator): BatchNorm cancels any per-channel shift,
        // so its true gradient is 0 and AdamW's m/√v would amplify the rounding noise to ±lr.
        using var adamw = new AdamW(model.NamedParameters().Where(p => p.Key != "conv.bias").Select(p => p.Value), new AdamWOptions
        {
            LearningRate = config.GetProperty("lr").GetDouble(),
            WeightDecay = config.GetProperty("weight_decay").GetDouble(),
        });

        for (var step = 0; step < 3; step++)
        {
            TrainStep(model, adamw);
        }

        AssertState(Fixture.State("small_cnn", "adamw", "state_after_three_steps"), model, "after AdamW");
    }

    internal static SmallCnn LoadGivenWeights()
    {
        var model = new SmallCnn();
        model.LoadStateDict(Fixture.State("small_cnn", "weights"));
        return model;
    }

    private static void TrainStep(SmallCnn model, Optimizer optimizer)
    {
        using var step = new TensorScope();
        optimizer.ZeroGrad();
        Functional.CrossEntropy(model.Forward(Fixture.Load("small_cnn", "input")), Fixture.Load("small_cnn", "labels")).Backward();
        optimizer.Step();
    }

    private static void AssertState(Dictionary<string, Tensor> expected, Module model, string when)
    {
        foreach (var (name, tensor) in model.StateDict())
        {
            TensorAssert.Close(expected[name], tensor, rtol: 1e-5, atol: 1e-6, $"{name} {when}");
        }
    }
}
