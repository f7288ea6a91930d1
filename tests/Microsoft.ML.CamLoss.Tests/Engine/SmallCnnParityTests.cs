using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>
/// The small CNN on TorchSharp (libtorch 2.10) against PyTorch 1.13 (Fixtures/foundation.json), at v1's
/// tolerances: the 1e-5 relative on the loss, 1e-4 relative (+1e-6 absolute) on gradients and
/// 1e-5 relative (+1e-6 absolute) on weights after optimiser steps. Both sides run libtorch's CPU
/// kernels, so the differences are summation order (thread count, kernel version): measured here at
/// most 1.2e-7 relative on the loss, 2.4e-7 absolute on gradients and 1.2e-7 on weights.
/// </summary>
[TestClass]
public sealed class SmallCnnParityTests
{
    [TestMethod]
    public void Constructor_SameSeedAsPyTorch_DrawsIdenticalWeights()
    {
        // libtorch 2.10's CPU generator (mt19937) and TorchSharp's layer factories (kaiming_uniform_ with
        // a = √5, then uniform bias in ±1/√fan_in, as PyTorch's reset_parameters) reproduce PyTorch 1.13's
        // draws bit for bit: no distribution-only fallback is needed for this network.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(FoundationFixture.Get("small_cnn", "init_seed").GetInt64());
        using var model = new SmallCnn();

        var expectedKeys = FoundationFixture.StateKeys("small_cnn", "init_state");
        var actual = model.state_dict();
        // TorchSharp's Module.state_dict() lists every parameter of the tree before every buffer
        // (conv.*, bn.weight, bn.bias, fc.*, then bn.running_*); PyTorch goes module by module. The names
        // agree; parameters keep PyTorch's order.
        CollectionAssert.AreEquivalent(expectedKeys.ToArray(), actual.Keys.ToArray(), "state dict names");
        CollectionAssert.AreEqual(
            expectedKeys.Where(k => k is not ("bn.running_mean" or "bn.running_var" or "bn.num_batches_tracked")).ToArray(),
            model.named_parameters().Select(p => p.name).ToArray(),
            "parameter order");
        var expected = FoundationFixture.State("small_cnn", "init_state");
        foreach (var (name, tensor) in actual)
        {
            TensorAssert.Equal(expected[name], tensor, name);
        }
    }

    [TestMethod]
    public void ForwardBackward_GivenWeights_MatchesPyTorchLossAndEveryGradient()
    {
        using var scope = torch.NewDisposeScope();
        using var model = LoadGivenWeights();

        var loss = nn.functional.cross_entropy(model.forward(Input()), Labels());
        TensorAssert.RelativelyClose(FoundationFixture.Get("small_cnn", "loss").GetDouble(), loss.item<float>(), 1e-5, "loss");

        loss.backward();
        var expected = FoundationFixture.State("small_cnn", "grads");
        foreach (var (name, parameter) in model.named_parameters())
        {
            TensorAssert.Close(expected[name], parameter.grad!, rtol: 1e-4, atol: 1e-6, $"grad of {name}");
        }
    }

    [TestMethod]
    public void Sgd_NesterovMomentumWeightDecay_TwoStepsGivePyTorchWeightsAndRunningStats()
    {
        using var scope = torch.NewDisposeScope();
        using var model = LoadGivenWeights();
        var config = FoundationFixture.Get("small_cnn", "sgd");
        using var sgd = torch.optim.SGD(
            model.parameters(),
            config.GetProperty("lr").GetDouble(),
            momentum: config.GetProperty("momentum").GetDouble(),
            weight_decay: config.GetProperty("weight_decay").GetDouble(),
            nesterov: config.GetProperty("nesterov").GetBoolean());

        for (var step = 0; step < 2; step++)
        {
            TrainStep(model, sgd);
        }

        AssertState(FoundationFixture.State("small_cnn", "sgd", "state_after_two_steps"), model, "after SGD");
        model.eval();
        using (torch.no_grad())
        {
            // 1e-5 relative + 1e-5 absolute on logits of magnitude ~2 (measured: 1.4e-6 absolute).
            TensorAssert.Close(FoundationFixture.Load("small_cnn", "eval_logits"), model.forward(Input()), 1e-5, 1e-5, "eval logits");
        }
    }

    [TestMethod]
    public void AdamW_ThreeSteps_GivesPyTorchWeights()
    {
        using var scope = torch.NewDisposeScope();
        using var model = LoadGivenWeights();
        var config = FoundationFixture.Get("small_cnn", "adamw");
        // conv.bias is not optimised (as in the generator): BatchNorm cancels any per-channel shift,
        // so its true gradient is 0 and AdamW's m/√v would amplify the rounding noise to ±lr.
        using var adamw = torch.optim.AdamW(
            model.named_parameters().Where(p => p.name != "conv.bias").Select(p => p.parameter),
            lr: config.GetProperty("lr").GetDouble(),
            weight_decay: config.GetProperty("weight_decay").GetDouble());

        for (var step = 0; step < 3; step++)
        {
            TrainStep(model, adamw);
        }

        AssertState(FoundationFixture.State("small_cnn", "adamw", "state_after_three_steps"), model, "after AdamW");
    }

    /// <summary>The small CNN in training mode with the fixture's given weights and BatchNorm statistics; the caller disposes it.</summary>
    internal static SmallCnn LoadGivenWeights()
    {
        var model = new SmallCnn();
        using var scope = torch.NewDisposeScope();
        model.LoadStateDict(FoundationFixture.State("small_cnn", "weights"));
        return model;
    }

    private static Tensor Input() => FoundationFixture.Load("small_cnn", "input");

    private static Tensor Labels() => FoundationFixture.Load("small_cnn", "labels");

    private static void TrainStep(SmallCnn model, optim.Optimizer optimizer)
    {
        using var step = torch.NewDisposeScope();
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.forward(Input()), Labels()).backward();
        optimizer.step();
    }

    private static void AssertState(Dictionary<string, Tensor> expected, SmallCnn model, string when)
    {
        foreach (var (name, tensor) in model.state_dict())
        {
            TensorAssert.Close(expected[name], tensor, rtol: 1e-5, atol: 1e-6, $"{name} {when}");
        }
    }
}
