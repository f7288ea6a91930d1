using Microsoft.ML.CamLoss.Torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.CamLoss.Torch.Tests;

[TestClass]
public sealed class ModuleTests
{
    [TestMethod]
    public void StateDict_UsesPyTorchNamesAndOrder()
    {
        using var scope = new TensorScope();
        using var model = new Sequential(new Conv2d(3, 4, 3, bias: false), new BatchNorm2d(4), new ReLU(), new Flatten(), new Linear(4, 2));
        CollectionAssert.AreEqual(
            new[] { "0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias" },
            model.StateDict().Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "0.weight", "1.weight", "1.bias", "4.weight", "4.bias" }, model.NamedParameters().Select(p => p.Key).ToArray());
        Assert.IsTrue(model.Parameters().All(p => p.RequiresGrad));
    }

    [TestMethod]
    public void LoadStateDict_Strict_ReportsMissingUnexpectedAndMismatchedKeysAsPyTorch()
    {
        using var scope = new TensorScope();
        using var model = new SmallCnn();
        var state = model.StateDict();
        state.Remove("fc.bias");
        state["extra.weight"] = Tensor.Zeros([1]);
        state["conv.weight"] = Tensor.Zeros([8, 3, 5, 5]);
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => model.LoadStateDict(state));
        StringAssert.Contains(ex.Message, "Missing key(s) in state_dict: \"fc.bias\"");
        StringAssert.Contains(ex.Message, "Unexpected key(s) in state_dict: \"extra.weight\"");
        StringAssert.Contains(ex.Message, "size mismatch for conv.weight: copying a param with shape [8, 3, 5, 5] from checkpoint, the shape in current model is [8, 3, 3, 3]");
    }

    [TestMethod]
    public void LoadStateDict_OldBatchNormStateWithoutNumBatchesTracked_LoadsStrictly()
    {
        using var scope = new TensorScope();
        using var model = new SmallCnn();
        var state = model.StateDict();
        state.Remove("bn.num_batches_tracked");
        Assert.AreEqual(0, model.LoadStateDict(state).MissingKeys.Count, "as PyTorch, BatchNorm state version 1 lacks this buffer");
        state.Remove("bn.running_var");
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => model.LoadStateDict(state));
        StringAssert.Contains(ex.Message, "Missing key(s) in state_dict: \"bn.running_var\".");
    }

    [TestMethod]
    public void LoadStateDict_NonStrict_LoadsWhatMatchesAndReportsTheRest()
    {
        using var scope = new TensorScope();
        using var source = SmallCnnParityTests.LoadGivenWeights();
        using var target = new SmallCnn();
        var state = source.StateDict();
        state.Remove("fc.weight");
        state.Remove("fc.bias");
        state["head.weight"] = Tensor.Zeros([1]);
        var result = target.LoadStateDict(state, strict: false);
        CollectionAssert.AreEqual(new[] { "fc.weight", "fc.bias" }, result.MissingKeys.ToArray());
        CollectionAssert.AreEqual(new[] { "head.weight" }, result.UnexpectedKeys.ToArray());
        TensorAssert.Equal(source.Conv.Weight, target.Conv.Weight, "conv.weight loaded");
        Assert.IsTrue(target.Conv.Weight.RequiresGrad, "loading keeps the parameter trainable");
    }

    [TestMethod]
    public void TrainEval_SwitchesBatchNormStatistics()
    {
        using var scope = new TensorScope();
        using var bn = new BatchNorm2d(2);
        var x = Tensor.Randn([4, 2, 3, 3]) * 3 + 1;
        bn.Forward(x);
        Assert.AreEqual(1L, bn.NumBatchesTracked!.ToInt64());
        Assert.AreNotEqual(0.0, bn.RunningMean!.Abs().Sum().ToDouble(), "training updates the running mean");
        bn.Eval();
        Assert.IsFalse(bn.IsTraining);
        var before = bn.RunningMean!.Clone();
        bn.Forward(x);
        TensorAssert.Equal(before, bn.RunningMean!, "evaluation leaves running statistics alone");
        Assert.AreEqual(1L, bn.NumBatchesTracked!.ToInt64());
    }

    [TestMethod]
    public void ToDtype_ConvertsFloatingTensorsAndKeepsParametersTrainable()
    {
        using var scope = new TensorScope();
        using var model = new SmallCnn();
        var weight = model.Conv.Weight;
        model.To(ScalarType.Float64);
        Assert.AreSame(weight, model.Conv.Weight);
        Assert.AreEqual(ScalarType.Float64, model.Conv.Weight.DType);
        Assert.IsTrue(model.Conv.Weight.RequiresGrad);
        Assert.AreEqual(ScalarType.Int64, model.Bn.NumBatchesTracked!.DType);
        Assert.AreEqual(ScalarType.Float64, model.Forward(Tensor.Randn([2, 3, 8, 8], ScalarType.Float64)).DType);
    }

    [TestMethod]
    public void Init_KaimingAndXavier_HaveTheDocumentedSpread()
    {
        using var scope = new TensorScope();
        TorchRuntime.ManualSeed(11);
        var w = Tensor.Empty([256, 128, 3, 3]);
        Init.KaimingNormal(w, nonlinearity: Nonlinearity.Relu);
        Assert.AreEqual(Math.Sqrt(2.0 / (128 * 9)), w.Std().ToDouble(), 2e-4);
        Init.XavierUniform(w);
        var bound = Math.Sqrt(6.0 / ((128 + 256) * 9));
        Assert.AreEqual(bound, w.AMax().ToDouble(), bound * 0.01);
        Init.Constant(w, 0.25);
        Assert.AreEqual(0.25, w.Mean().ToDouble(), 1e-7);
    }

    [TestMethod]
    public void Dropout_IsIdentityInEvaluation()
    {
        using var scope = new TensorScope();
        using var dropout = new Dropout(0.5);
        var x = Tensor.Ones([1000]);
        Assert.AreNotEqual(1000.0, dropout.Forward(x).Eq(0).Sum().ToDouble() * 0 + dropout.Forward(x).Sum().ToDouble());
        dropout.Eval();
        Assert.AreEqual(1000.0, dropout.Forward(x).Sum().ToDouble());
    }
}
