using Microsoft.ML.CamLoss.Models;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.CamLoss.Tests.Models;

/// <summary><see cref="ModuleStateExtensions.LoadStateDict"/>: PyTorch's rules and messages on a small CIFAR ResNet.</summary>
[TestClass]
public sealed class ModuleStateExtensionsTests
{
    [TestMethod]
    public void LoadStateDict_Strict_ReportsMissingUnexpectedAndMismatchedKeysAsPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new CifarResNet(8);
        var state = Copy(model);
        state.Remove("linear.bias");
        state["extra.weight"] = torch.zeros(1);
        state["conv1.weight"] = torch.zeros([16, 3, 5, 5]);

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => model.LoadStateDict(state));

        StringAssert.StartsWith(error.Message, "Error(s) in loading state_dict for CifarResNet:");
        StringAssert.Contains(error.Message, "Missing key(s) in state_dict: \"linear.bias\".");
        StringAssert.Contains(error.Message, "Unexpected key(s) in state_dict: \"extra.weight\".");
        StringAssert.Contains(error.Message, "size mismatch for conv1.weight: copying a param with shape [16, 3, 5, 5] from checkpoint, the shape in current model is [16, 3, 3, 3].");
    }

    [TestMethod]
    public void LoadStateDict_Failure_LeavesTheModuleUnchanged()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new CifarResNet(8);
        var before = model.Conv1.weight.clone();
        var state = Copy(model);
        state["conv1.weight"] = torch.ones([16, 3, 3, 3]);
        state["linear.weight"] = torch.zeros([3, 64]);

        Assert.ThrowsExactly<InvalidOperationException>(() => model.LoadStateDict(state));

        TensorAssert.Equal(before, model.Conv1.weight, "nothing is copied when a check fails");
    }

    [TestMethod]
    public void LoadStateDict_OldBatchNormStateWithoutNumBatchesTracked_LoadsStrictly()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new CifarResNet(8);
        var state = Copy(model);
        foreach (var key in state.Keys.Where(k => k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList())
        {
            state.Remove(key);
        }

        Assert.AreEqual(0, model.LoadStateDict(state).MissingKeys.Count, "as PyTorch, BatchNorm state version 1 lacks this buffer");
        state.Remove("bn1.running_var");
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => model.LoadStateDict(state));
        StringAssert.Contains(error.Message, "Missing key(s) in state_dict: \"bn1.running_var\".");
    }

    [TestMethod]
    public void LoadStateDict_NonStrict_LoadsWhatMatchesAndReportsTheRest()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var source = new CifarResNet(8);
        torch.manual_seed(2);
        using var target = new CifarResNet(8);
        var weight = target.Conv1.weight;
        var state = source.state_dict();
        state.Remove("linear.weight");
        state.Remove("linear.bias");
        state["head.weight"] = torch.zeros(1);

        var result = target.LoadStateDict(state, strict: false);

        CollectionAssert.AreEqual(new[] { "linear.weight", "linear.bias" }, result.MissingKeys.ToArray());
        CollectionAssert.AreEqual(new[] { "head.weight" }, result.UnexpectedKeys.ToArray());
        TensorAssert.Equal(source.Conv1.weight, target.Conv1.weight, "conv1.weight loaded");
        Assert.AreSame(weight, target.Conv1.weight, "values are copied into the existing parameter");
        Assert.IsTrue(target.Conv1.weight.requires_grad, "loading keeps the parameter trainable");
        Assert.IsFalse(target.Classifier.weight.allclose(source.Classifier.weight, rtol: 0, atol: 0), "the missing head keeps its own values");
    }

    [TestMethod]
    public void LoadStateDict_Float64State_ConvertedToTheModulesDtype()
    {
        using var scope = torch.NewDisposeScope();
        using var source = new CifarResNet(8);
        using var target = new CifarResNet(8);
        var state = source.state_dict().ToDictionary(e => e.Key, e => e.Value.is_floating_point() ? e.Value.to(ScalarType.Float64) : e.Value);

        target.LoadStateDict(state);

        Assert.AreEqual(ScalarType.Float32, target.Conv1.weight.dtype);
        TensorAssert.Equal(source.Conv1.weight, target.Conv1.weight, "float64 → float32 is exact for float32 values");
    }

    [TestMethod]
    public void LoadStateDict_SameArchitecture_GivesIdenticalOutputs()
    {
        using var scope = torch.NewDisposeScope();
        using var trained = new CifarResNet(8);
        trained.forward(torch.randn([4, 3, 16, 16])).Dispose();   // moves the BatchNorm running statistics
        using var restored = new CifarResNet(8);

        restored.LoadStateDict(trained.state_dict());

        trained.eval();
        restored.eval();
        var x = torch.randn([2, 3, 16, 16]);
        using var a = trained.forward(x);
        using var b = restored.forward(x);
        TensorAssert.Equal(a.Logits, b.Logits, "bit-identical logits");
        Assert.AreEqual(1L, restored.Bn1.num_batches_tracked!.item<long>());
    }

    /// <summary>A dictionary of clones of the module's state (so that editing it leaves the module alone).</summary>
    private static Dictionary<string, Tensor> Copy(nn.Module module) =>
        module.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone());
}
