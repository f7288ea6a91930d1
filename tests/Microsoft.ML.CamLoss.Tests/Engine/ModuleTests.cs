using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Engine;

/// <summary>TorchSharp modules as our networks use them: PyTorch's names, our PyTorch-worded state-dict loading, modes, dtypes, initialisation.</summary>
[TestClass]
public sealed class ModuleTests
{
    [TestMethod]
    public void StateDict_Sequential_UsesPyTorchNames()
    {
        using var model = nn.Sequential(nn.Conv2d(3, 4, 3, bias: false), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4, 2));

        // Same names as PyTorch; TorchSharp lists all parameters before all buffers (PyTorch: module by
        // module), which is why Backbone overrides state_dict() to give PyTorch's order.
        CollectionAssert.AreEquivalent(
            new[] { "0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias" },
            model.state_dict().Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "0.weight", "1.weight", "1.bias", "4.weight", "4.bias" }, model.named_parameters().Select(p => p.name).ToArray());
        Assert.IsTrue(model.parameters().All(p => p.requires_grad));
    }

    [TestMethod]
    public void LoadStateDict_Strict_ReportsMissingUnexpectedAndMismatchedKeysAsPyTorch()
    {
        using var model = new SmallCnn();
        using var scope = torch.NewDisposeScope();
        var state = model.state_dict();
        state.Remove("fc.bias");
        state["extra.weight"] = torch.zeros(1);
        state["conv.weight"] = torch.zeros(8, 3, 5, 5);

        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => model.LoadStateDict(state));

        StringAssert.Contains(ex.Message, "Missing key(s) in state_dict: \"fc.bias\"");
        StringAssert.Contains(ex.Message, "Unexpected key(s) in state_dict: \"extra.weight\"");
        StringAssert.Contains(ex.Message, "size mismatch for conv.weight: copying a param with shape [8, 3, 5, 5] from checkpoint, the shape in current model is [8, 3, 3, 3]");
    }

    [TestMethod]
    public void LoadStateDict_OldBatchNormStateWithoutNumBatchesTracked_LoadsStrictly()
    {
        using var model = new SmallCnn();
        var state = model.state_dict();
        state.Remove("bn.num_batches_tracked");

        Assert.AreEqual(0, model.LoadStateDict(state).MissingKeys.Count, "as PyTorch, BatchNorm state version 1 lacks this buffer");

        state.Remove("bn.running_var");
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => model.LoadStateDict(state));
        StringAssert.Contains(ex.Message, "Missing key(s) in state_dict: \"bn.running_var\".");
    }

    [TestMethod]
    public void LoadStateDict_NonStrict_LoadsWhatMatchesAndReportsTheRest()
    {
        using var source = SmallCnnParityTests.LoadGivenWeights();
        using var target = new SmallCnn();
        using var scope = torch.NewDisposeScope();
        var state = source.state_dict();
        state.Remove("fc.weight");
        state.Remove("fc.bias");
        state["head.weight"] = torch.zeros(1);

        var result = target.LoadStateDict(state, strict: false);

        CollectionAssert.AreEqual(new[] { "fc.weight", "fc.bias" }, result.MissingKeys.ToArray());
        CollectionAssert.AreEqual(new[] { "head.weight" }, result.UnexpectedKeys.ToArray());
        TensorAssert.Equal(source.Conv.weight, target.Conv.weight, "conv.weight loaded");
        Assert.IsTrue(target.Conv.weight.requires_grad, "loading keeps the parameter trainable");
    }

    [TestMethod]
    public void TrainEval_SwitchesBatchNormStatistics()
    {
        using var bn = nn.BatchNorm2d(2);
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(6);
        var x = (torch.randn(4, 2, 3, 3) * 3) + 1;

        bn.forward(x);
        Assert.AreEqual(1L, bn.num_batches_tracked!.item<long>());
        Assert.AreNotEqual(0.0, bn.running_mean!.abs().sum().item<float>(), "training updates the running mean");

        bn.eval();
        Assert.IsFalse(bn.training);
        var before = bn.running_mean!.clone();
        bn.forward(x);
        TensorAssert.Equal(before, bn.running_mean!, "evaluation leaves running statistics alone");
        Assert.AreEqual(1L, bn.num_batches_tracked!.item<long>());
    }

    [TestMethod]
    public void ToDtype_ConvertsFloatingTensorsAndKeepsParametersTrainable()
    {
        using var model = new SmallCnn();
        using var scope = torch.NewDisposeScope();
        var before = model.Conv.weight;

        model.to(ScalarType.Float64);

        Assert.AreEqual(ScalarType.Float64, model.Conv.weight.dtype);
        Assert.IsTrue(model.Conv.weight.requires_grad);
        Assert.AreEqual(ScalarType.Int64, model.Bn.num_batches_tracked!.dtype);
        Assert.AreEqual(ScalarType.Float64, model.forward(torch.randn(2, 3, 8, 8, ScalarType.Float64)).dtype);

        // Unlike PyTorch, TorchSharp's Module.to replaces each Parameter object (and disposes the old
        // one), so an optimiser must be created after the network is moved or converted.
        Assert.AreNotSame(before, model.Conv.weight);
        Assert.IsTrue(before.IsInvalid, "the old parameter is disposed");
    }

    [TestMethod]
    public void Init_KaimingAndXavier_HaveTheDocumentedSpread()
    {
        // Distribution checks (a 256×128×3×3 tensor: 295k draws, std error of the std ≈ 0.13%):
        // std √(2/fan_in) within 2e-4, max of Xavier-uniform within 1% of √(6/(fan_in + fan_out)).
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        var w = torch.empty(256, 128, 3, 3);
        nn.init.kaiming_normal_(w, nonlinearity: nn.init.NonlinearityType.ReLU);
        Assert.AreEqual(Math.Sqrt(2.0 / (128 * 9)), w.std().item<float>(), 2e-4);
        nn.init.xavier_uniform_(w);
        var bound = Math.Sqrt(6.0 / ((128 + 256) * 9));
        Assert.AreEqual(bound, w.max().item<float>(), bound * 0.01);
        Assert.IsTrue(w.min().item<float>() >= -bound, "Xavier-uniform stays within its bound");
        nn.init.constant_(w, 0.25);
        Assert.AreEqual(0.25, w.mean().item<float>(), 1e-7);
    }

    [TestMethod]
    public void Dropout_IsIdentityInEvaluation()
    {
        using var dropout = nn.Dropout(0.5);
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        var x = torch.ones(1000);

        var zeros = dropout.forward(x).eq(0).sum().item<long>();
        Assert.IsTrue(zeros is > 400 and < 600, $"training drops about half: {zeros} of 1000");

        dropout.eval();
        Assert.AreEqual(1000.0f, dropout.forward(x).sum().item<float>());
    }
}
